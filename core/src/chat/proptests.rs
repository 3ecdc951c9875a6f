//! Property tests that build conversations and libraries field by field (private fields), so
//! they live beside the code: exports and storage round-trip any conversation exactly.

use std::collections::HashSet;

use proptest::prelude::*;

use super::*;
use crate::error::ErrorKind;
use crate::mistral::ToolInvocation;

#[test]
fn migrate_keeps_the_current_schema() {
    assert_eq!(
        storage::migrate(serde_json::json!({"schema": 1})).unwrap(),
        serde_json::json!({"schema": 1})
    );
}

fn arb_state() -> impl Strategy<Value = MessageState> {
    prop_oneof![
        Just(MessageState::Streaming),
        Just(MessageState::Done),
        Just(MessageState::Stopped),
        Just(MessageState::Interrupted),
        Just(MessageState::Failed),
    ]
}

fn arb_time() -> impl Strategy<Value = f64> {
    (0u64..(1 << 53)).prop_map(|t| t as f64)
}

prop_compose! {
    fn arb_message()(
        assistant in any::<bool>(),
        text in any::<String>(),
        state in arb_state(),
        usage in proptest::option::of(any::<(u32, u32, u32)>()),
        model in proptest::option::of("\\PC{0,30}"),
        created_ms in arb_time(),
        finished_ms in proptest::option::of(arb_time()),
        error in proptest::option::of((any::<usize>(), any::<String>(), any::<bool>())),
        local_only in any::<bool>(),
        tool in proptest::option::of(("[a-zA-Z0-9]{9}", "[a-z_]{1,12}", "\\PC{0,20}", any::<bool>())),
    ) -> Message {
        let (tool_calls, tool_call, tool_failed) = match tool {
            Some((id, name, arguments, true)) => {
                (vec![ToolInvocation { id, name, arguments }], None, false)
            }
            Some((id, name, arguments, false)) => {
                (Vec::new(), Some(ToolInvocation { id, name, arguments }), assistant)
            }
            None => (Vec::new(), None, false),
        };
        Message {
            id: 0,
            role: if assistant { Role::Assistant } else { Role::User },
            text,
            state,
            usage: usage.map(|(p, c, t)| Usage { prompt_tokens: p, completion_tokens: c, total_tokens: t }),
            model,
            created_ms,
            finished_ms,
            error: error.map(|(kind, message, retryable)| ErrorInfo { kind: ErrorKind::ALL[kind % ErrorKind::ALL.len()], message, retryable }),
            feedback: None,
            local_only,
            tool_calls,
            tool_call,
            tool_failed,
            thinking: String::new(),
            thought_ms: None,
            sources: Vec::new(),
            images: Vec::new(),
        }
    }
}

prop_compose! {
    fn arb_conversation()(
        id in "\\PC{1,20}",
        title in "\\S\\PC{0,59}",
        title_is_custom in any::<bool>(),
        system_prompt in proptest::option::of(any::<String>()),
        messages in proptest::collection::vec((arb_message(), 1u64..5), 0..12),
        created_ms in arb_time(),
        updated_ms in arb_time(),
    ) -> Conversation {
        let mut next = 0;
        let messages: Vec<Message> = messages
            .into_iter()
            .map(|(mut m, gap)| {
                next += gap;
                m.id = next;
                m
            })
            .collect();
        Conversation {
            id,
            title,
            title_is_custom,
            system_prompt,
            messages,
            created_ms,
            updated_ms,
            next_id: next + 1,
        }
    }
}

fn interrupted(mut c: Conversation) -> Conversation {
    c.mark_interrupted();
    c
}

proptest! {
    #[test]
    fn export_import_round_trip(conv in arb_conversation()) {
        let imported = import_json(&conv.to_json()).unwrap();
        prop_assert_eq!(imported, interrupted(conv));
    }

    #[test]
    fn storage_round_trip(convs in proptest::collection::vec(arb_conversation(), 1..5), pick in any::<prop::sample::Index>()) {
        let mut lib = Library { conversations: Vec::new(), current: 0, counter: 0, salt: String::new() };
        for mut conv in convs {
            conv.id = lib.fresh_id(conv.created_ms);
            lib.conversations.push(conv);
        }
        lib.current = pick.index(lib.conversations.len());
        let (loaded, warnings) = Library::from_storage_json(&lib.to_storage_json(), 0.0).unwrap();
        prop_assert!(warnings.is_empty(), "{:?}", warnings);
        let mut expected = lib.clone();
        expected.conversations.iter_mut().for_each(|c| { c.mark_interrupted(); });
        prop_assert_eq!(loaded, expected);
    }

    #[test]
    fn markdown_and_text_exports_never_panic(conv in arb_conversation()) {
        let md = conv.to_markdown();
        prop_assert!(md.starts_with("# "));
        let _ = conv.to_plain_text();
    }

    /// Random operation sequences keep the invariants: ids unique, at most one reply
    /// streaming, and requests contain neither the greeting nor failed or streaming replies.
    #[test]
    fn operations_keep_invariants(ops in proptest::collection::vec((0u8..9, any::<String>(), any::<u8>()), 0..40)) {
        let mut c = Conversation::new("c", 0.0);
        let mut now = 0.0;
        for (op, text, pick) in ops {
            now += 1.0;
            let any_id = c.messages().get(usize::from(pick) % c.messages().len().max(1)).map_or(0, |m| m.id);
            match op {
                0 => { c.push_user(&text, now); }
                1 => { c.start_assistant("m", now); }
                2 => { if let Some(id) = c.streaming_id() { c.append_delta(id, &text); } }
                3 => { c.finish(any_id, None, now); }
                4 => { c.stop(any_id, now); }
                5 => { c.fail(any_id, ErrorInfo::new(ErrorKind::Unknown, text, true), now); }
                6 => { c.retry(); }
                7 => { c.edit_user(any_id, &text, now); }
                _ => c.set_greeting(&text, now),
            }
            let ids: HashSet<u64> = c.messages().iter().map(|m| m.id).collect();
            prop_assert_eq!(ids.len(), c.messages().len());
            prop_assert!(c.messages().iter().filter(|m| m.state == MessageState::Streaming).count() <= 1);
            prop_assert!(c.messages().iter().filter(|m| m.local_only).count() <= 1);
            let sendable = c.messages().iter().filter(|m| m.is_sendable()).count();
            let req = c.request_messages(None);
            prop_assert!(req.len() <= sendable);
            prop_assert!(req.windows(2).all(|w| w[0].role != w[1].role));
        }
    }
}

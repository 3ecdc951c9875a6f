//! The conversation model: lifecycle, requests, exports, import, library and storage.

use serde_json::Value;
use tinychat_core::chat::*;
use tinychat_core::error::ErrorKind;
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::{ApiError, StreamError};
use tinychat_core::options::WidgetOptions;

fn usage(n: u32) -> Usage {
    Usage {
        prompt_tokens: n,
        completion_tokens: n + 1,
        total_tokens: 2 * n + 1,
    }
}

fn conversation_with_reply() -> (Conversation, u64, u64) {
    let mut c = Conversation::new("c", 10.0);
    let user = c.push_user("Hello there", 11.0);
    let reply = c.start_assistant("mistral-small-latest", 12.0);
    c.append_delta(reply, "Hi");
    c.append_delta(reply, "!");
    (c, user, reply)
}

#[test]
fn state_names() {
    let states = [
        (MessageState::Streaming, "streaming"),
        (MessageState::Done, "done"),
        (MessageState::Stopped, "stopped"),
        (MessageState::Interrupted, "interrupted"),
        (MessageState::Failed, "error"),
    ];
    for (state, name) in states {
        assert_eq!(state.as_str(), name);
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            format!("\"{name}\"")
        );
        assert_eq!(
            serde_json::from_str::<MessageState>(&format!("\"{name}\"")).unwrap(),
            state
        );
    }
}

#[test]
fn streaming_lifecycle() {
    let (mut c, user, reply) = conversation_with_reply();
    assert_eq!(c.streaming_id(), Some(reply));
    assert_ne!(user, reply);
    assert!(c.finish(reply, Some(usage(3)), 20.0));
    let m = c.message(reply).unwrap();
    assert_eq!(m.text, "Hi!");
    assert_eq!(m.state, MessageState::Done);
    assert_eq!(m.usage, Some(usage(3)));
    assert_eq!(m.model.as_deref(), Some("mistral-small-latest"));
    assert_eq!(m.finished_ms, Some(20.0));
    assert_eq!(c.updated_ms(), 20.0);
    // Late events for a finished reply are ignored.
    assert!(!c.append_delta(reply, "late"));
    assert!(!c.stop(reply, 21.0));
    assert!(!c.fail(reply, ErrorInfo::new(ErrorKind::Unknown, "y", true), 21.0));
    assert_eq!(c.message(reply).unwrap().text, "Hi!");
    assert!(!c.append_delta(999, "x"));
}

#[test]
fn stop_and_fail_keep_partial_text() {
    let (mut c, _, reply) = conversation_with_reply();
    assert!(c.stop(reply, 13.0));
    assert_eq!(c.message(reply).unwrap().state, MessageState::Stopped);
    assert_eq!(c.message(reply).unwrap().text, "Hi!");

    let (mut c, _, reply) = conversation_with_reply();
    let err = ErrorInfo::new(ErrorKind::Network, "The connection was lost.", true);
    assert!(c.fail(reply, err.clone(), 13.0));
    let m = c.message(reply).unwrap();
    assert_eq!(
        (m.state, m.text.as_str(), m.error.as_ref()),
        (MessageState::Failed, "Hi!", Some(&err))
    );
}

#[test]
fn starting_a_reply_stops_a_streaming_one() {
    let (mut c, _, reply) = conversation_with_reply();
    let second = c.start_assistant("m", 14.0);
    assert_eq!(c.message(reply).unwrap().state, MessageState::Stopped);
    assert_eq!(c.streaming_id(), Some(second));
}

#[test]
fn retry_removes_the_last_reply() {
    let (mut c, user, reply) = conversation_with_reply();
    assert!(!c.retry(), "no retry while streaming");
    c.fail(
        reply,
        ErrorInfo::new(ErrorKind::ServerError, "Oops", true),
        13.0,
    );
    assert!(c.retry());
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.messages()[0].id, user);
    // Retrying again right away still asks for the same message.
    assert!(c.retry());
    let again = c.start_assistant("m", 14.0);
    assert!(again > reply, "ids are never reused");

    let mut empty = Conversation::new("e", 0.0);
    empty.set_greeting("Hello!", 0.0);
    assert!(!empty.retry());
    assert_eq!(empty.messages().len(), 1, "the greeting stays");
}

#[test]
fn edit_user_drops_later_messages() {
    let (mut c, first, reply) = conversation_with_reply();
    c.finish(reply, None, 13.0);
    let second = c.push_user("Second", 14.0);
    let r2 = c.start_assistant("m", 15.0);
    c.append_delta(r2, "partial");
    assert!(c.edit_user(first, "Edited first", 16.0));
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.messages()[0].text, "Edited first");
    assert_eq!(c.title(), "Edited first");
    assert!(
        !c.append_delta(r2, "late"),
        "the dropped reply ignores late deltas"
    );
    assert!(!c.edit_user(second, "gone", 17.0));
    assert!(!c.edit_user(reply, "not a user message", 17.0));
}

#[test]
fn mark_interrupted() {
    let (mut c, _, reply) = conversation_with_reply();
    assert_eq!(c.mark_interrupted(), 1);
    assert_eq!(c.message(reply).unwrap().state, MessageState::Interrupted);
    assert_eq!(c.mark_interrupted(), 0);
}

#[test]
fn request_messages_rules() {
    let mut c = Conversation::new("c", 0.0);
    c.set_greeting("Hi, how can I help?", 0.0);
    c.push_user("Q1", 1.0);
    let r1 = c.start_assistant("m", 2.0);
    c.append_delta(r1, "A1 partial");
    c.stop(r1, 3.0);
    c.push_user("Q2", 4.0);
    let r2 = c.start_assistant("m", 5.0);
    c.append_delta(r2, "broken");
    c.fail(r2, ErrorInfo::new(ErrorKind::Network, "lost", true), 6.0);
    c.push_user("Q3", 7.0);
    let r3 = c.start_assistant("m", 8.0);
    c.finish(r3, None, 9.0); // empty reply
    c.push_user("Q4", 10.0);
    c.start_assistant("m", 11.0); // streaming: not sent

    let req = c.request_messages(None);
    let pairs: Vec<(Role, &str)> = req.iter().map(|m| (m.role, m.content.as_str())).collect();
    assert_eq!(
        pairs,
        [
            (Role::User, "Q1"),
            (Role::Assistant, "A1 partial"),
            (Role::User, "Q2\n\nQ3\n\nQ4"),
        ]
    );

    let req = c.request_messages(Some("  Default prompt "));
    assert_eq!(req[0], ChatMessage::system("Default prompt"));
    c.set_system_prompt(Some(" Own prompt "));
    assert_eq!(c.system_prompt(), Some("Own prompt"));
    assert_eq!(
        c.request_messages(Some("Default"))[0],
        ChatMessage::system("Own prompt")
    );
    c.set_system_prompt(Some("  "));
    assert_eq!(c.system_prompt(), None);
    assert_eq!(c.request_messages(Some(" ")).len(), 3);
}

#[test]
fn titles() {
    let mut c = Conversation::new("c", 0.0);
    assert_eq!(c.title(), DEFAULT_TITLE);
    c.push_user(
        "\n\n   How   do I\tsort a   vector in Rust?  \nDetails follow",
        1.0,
    );
    assert_eq!(c.title(), "How do I sort a vector in Rust?");
    c.push_user("second message does not change it", 2.0);
    assert_eq!(c.title(), "How do I sort a vector in Rust?");

    let mut long = Conversation::new("l", 0.0);
    long.push_user(&"é".repeat(100), 1.0);
    assert_eq!(long.title().chars().count(), TITLE_MAX_CHARS);
    assert!(long.title().ends_with('…'));

    c.rename("  My   chat ");
    assert_eq!(c.title(), "My chat");
    assert!(c.title_is_custom());
    let first = c.messages()[0].id;
    c.edit_user(first, "Changed", 3.0);
    assert_eq!(c.title(), "My chat", "a custom title is kept");
    c.rename("");
    assert!(!c.title_is_custom());
    assert_eq!(c.title(), "Changed");
}

#[test]
fn greeting_is_shown_not_sent() {
    let mut c = Conversation::new("c", 0.0);
    c.set_greeting("Hello! Ask me anything.", 0.0);
    assert!(c.is_empty());
    assert_eq!(c.messages().len(), 1);
    assert!(c.messages()[0].local_only);
    c.set_greeting("Bonjour !", 0.0);
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.messages()[0].text, "Bonjour !");
    c.push_user("Hi", 1.0);
    assert!(!c.is_empty());
    assert_eq!(c.request_messages(None), [ChatMessage::user("Hi")]);
    assert!(!c.to_markdown().contains("Bonjour"));
    assert!(!c.to_plain_text().contains("Bonjour"));
    c.set_greeting("", 2.0);
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.title(), "Hi");
}

#[test]
fn markdown_and_text_exports() {
    let mut c = Conversation::new("c", 0.0);
    c.set_system_prompt(Some("Be nice."));
    c.push_user("What is **2+2**?", 1.0);
    let r = c.start_assistant("mistral-small-latest", 2.0);
    c.append_delta(r, "It is `4`.");
    c.finish(r, None, 3.0);
    c.push_user("And 3+3?", 4.0);
    let r = c.start_assistant("m", 5.0);
    c.append_delta(r, "Six");
    c.stop(r, 6.0);
    c.push_user("Again", 7.0);
    let r = c.start_assistant("m", 8.0);
    c.fail(
        r,
        ErrorInfo::new(ErrorKind::Network, "The connection was lost.", true),
        9.0,
    );

    assert_eq!(
        c.to_markdown(),
        "# What is **2+2**?\n\n**System prompt**\n\nBe nice.\n\n**You**\n\nWhat is **2+2**?\n\n\
         **Assistant** (mistral-small-latest)\n\nIt is `4`.\n\n**You**\n\nAnd 3+3?\n\n\
         **Assistant** (m)\n\nSix\n\n_(stopped)_\n\n**You**\n\nAgain\n\n**Assistant** (m)\n\n\
         _(error: The connection was lost.)_\n"
    );
    assert_eq!(
        c.to_plain_text(),
        "System: Be nice.\n\nYou: What is **2+2**?\n\nAssistant: It is `4`.\n\nYou: And 3+3?\n\n\
         Assistant: Six\n(stopped)\n\nYou: Again\n\nAssistant: \n(error: The connection was lost.)\n"
    );
}

#[test]
fn json_export_round_trip() {
    let (mut c, _, reply) = conversation_with_reply();
    c.set_greeting("Hello", 1.0);
    c.finish(reply, Some(usage(7)), 30.0);
    c.rename("Renamed");
    c.set_system_prompt(Some("sys"));
    let json = c.to_json();
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], "tinychat.conversation");
    assert_eq!(value["version"], 1);
    assert_eq!(value["conversation"]["messages"][2]["state"], "done");
    assert_eq!(import_json(&json).unwrap(), c);
}

#[test]
fn import_marks_streaming_interrupted() {
    let (c, _, reply) = conversation_with_reply();
    let imported = import_json(&c.to_json()).unwrap();
    assert_eq!(
        imported.message(reply).unwrap().state,
        MessageState::Interrupted
    );
    assert_eq!(imported.streaming_id(), None);
}

fn export_with(f: impl FnOnce(&mut Value)) -> String {
    let (c, _, _) = conversation_with_reply();
    let mut value: Value = serde_json::from_str(&c.to_json()).unwrap();
    f(&mut value);
    value.to_string()
}

#[test]
fn import_rejects_bad_files() {
    let cases: Vec<(String, &str)> = vec![
        (
            "not json".into(),
            "This file is not a TinyChat conversation: it is not valid JSON",
        ),
        (
            "[1,2]".into(),
            "This file is not a TinyChat conversation export.",
        ),
        (
            "{\"format\":\"other\"}".into(),
            "This file is not a TinyChat conversation export.",
        ),
        (
            export_with(|v| v["version"] = 2.into()),
            "This conversation was exported by a newer version of TinyChat (format version 2); \
             this version can read version 1.",
        ),
        (
            export_with(|v| v["version"] = "1".into()),
            "This conversation file is damaged: its format version",
        ),
        (
            export_with(|v| v["conversation"]["messages"][0]["role"] = "system".into()),
            "This conversation file is damaged: message 1 has the role \"system\"",
        ),
        (
            export_with(|v| v["conversation"]["messages"][0]["role"] = "robot".into()),
            "This conversation file is damaged: unknown variant `robot`",
        ),
        (
            export_with(|v| v["conversation"]["messages"][1]["id"] = 1.into()),
            "This conversation file is damaged: two messages have the same id (1)",
        ),
        (
            export_with(|v| v["conversation"]["messages"][1]["state"] = "weird".into()),
            "This conversation file is damaged: unknown variant `weird`",
        ),
        (
            export_with(|v| {
                v.as_object_mut().unwrap().remove("conversation");
            }),
            "This conversation file is damaged: it contains no conversation.",
        ),
    ];
    for (json, expected) in cases {
        let err = import_json(&json).unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "{err} (expected {expected})"
        );
    }
}

#[test]
fn import_enforces_limits() {
    let big = " ".repeat(MAX_IMPORT_BYTES + 1);
    let err = import_json(&big).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            bytes: MAX_IMPORT_BYTES + 1
        }
    );
    assert_eq!(
        err.to_string(),
        "This file is too large to import (10.0 MB); conversation files are limited to 10 MB."
    );

    let json = export_with(|v| {
        let m = v["conversation"]["messages"][0].clone();
        v["conversation"]["messages"] = Value::Array(vec![m; MAX_IMPORT_MESSAGES + 1]);
    });
    assert_eq!(
        import_json(&json).unwrap_err(),
        ImportError::TooManyMessages {
            count: MAX_IMPORT_MESSAGES + 1,
            max: MAX_IMPORT_MESSAGES
        }
    );
}

/// Every object key in `value`, recursively.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn exports_and_storage_never_hold_a_key() {
    let (mut c, _, reply) = conversation_with_reply();
    c.fail(
        reply,
        ErrorInfo::new(ErrorKind::Unauthorized, "The API key was rejected.", false),
        5.0,
    );
    c.set_system_prompt(Some("sys"));
    let mut lib = Library::new(0.0);
    lib.import(c.clone(), 1.0);
    for json in [c.to_json(), lib.to_storage_json()] {
        let mut all = Vec::new();
        keys(&serde_json::from_str(&json).unwrap(), &mut all);
        for key in all {
            let k = key.to_ascii_lowercase();
            assert!(
                !k.contains("key")
                    && !k.contains("auth")
                    && !k.contains("secret")
                    && !k.contains("bearer"),
                "suspicious field {key}"
            );
        }
    }
}

#[test]
fn error_info_from_api_and_stream_errors() {
    let api = ApiError::from_response(401, &[], "{\"message\":\"Unauthorized\"}");
    let info = ErrorInfo::from_api(&api, &Strings::english());
    assert_eq!(info.kind, "unauthorized");
    assert!(!info.retryable);
    assert_eq!(info.message, api.message());
    let info = ErrorInfo::from_api(&ApiError::from_response(503, &[], ""), &Strings::english());
    assert_eq!((info.kind.as_str(), info.retryable), ("server_error", true));
    let stream = StreamError::Truncated {
        partial: "x".into(),
    };
    let info = ErrorInfo::from_stream(&stream, &Strings::english());
    assert_eq!((info.kind.as_str(), info.retryable), ("stream", true));
}

#[test]
fn library_basics() {
    let mut lib = Library::new(1_000.0);
    let first = lib.current_id().to_owned();
    // An empty current conversation is reused.
    assert_eq!(lib.new_conversation(1_500.0), first);
    lib.current_mut().push_user("First", 2_000.0);
    let second = lib.new_conversation(3_000.0);
    assert_ne!(first, second);
    assert_eq!(lib.current_id(), second);
    lib.current_mut().push_user("Second", 3_000.0);
    let third = lib.new_conversation(4_000.0);
    lib.current_mut().push_user("Third", 4_000.0);

    let list = lib.list();
    let ids: Vec<&str> = list.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [third.as_str(), second.as_str(), first.as_str()]);
    assert_eq!(list[0].title, "Third");
    assert_eq!(list[0].message_count, 1);

    assert!(lib.switch(&first));
    assert_eq!(lib.current().title(), "First");
    assert!(!lib.switch("nope"));
    assert!(lib.rename(&second, "Named"));
    assert_eq!(lib.get(&second).unwrap().title(), "Named");
    assert!(!lib.rename("nope", "x"));

    // Deleting the current conversation switches to the most recently updated one.
    assert!(lib.delete(&first, 5_000.0));
    assert_eq!(lib.current_id(), third);
    assert!(lib.delete(&second, 5_000.0));
    assert_eq!(lib.current_id(), third);
    assert!(lib.delete(&third, 5_000.0));
    assert_eq!(lib.iter().count(), 1);
    assert!(lib.current().is_empty());
    assert!(![first, second, third].contains(&lib.current_id().to_owned()));
    assert!(!lib.delete("nope", 0.0));
}

#[test]
fn library_delete_before_current_keeps_current() {
    let mut lib = Library::new(0.0);
    let a = lib.current_id().to_owned();
    lib.current_mut().push_user("a", 1.0);
    let b = lib.new_conversation(2.0);
    lib.current_mut().push_user("b", 2.0);
    assert!(lib.delete(&a, 3.0));
    assert_eq!(lib.current_id(), b);
}

#[test]
fn library_import_gets_fresh_id() {
    let mut lib = Library::new(0.0);
    let existing = lib.current_id().to_owned();
    let mut c = Conversation::new(existing.clone(), 0.0);
    c.push_user("imported", 1.0);
    let id = lib.import(c.clone(), 2.0);
    assert_ne!(id, existing);
    assert_eq!(lib.current_id(), id);
    assert_eq!(lib.current().messages(), c.messages());
    let id2 = lib.import(c, 2.0);
    assert_ne!(id, id2);
}

#[test]
fn storage_round_trip_and_interrupted() {
    let mut lib = Library::new(0.0);
    lib.current_mut().push_user("Hello", 1.0);
    let r = lib.current_mut().start_assistant("m", 2.0);
    lib.current_mut().append_delta(r, "partial");
    let other = lib.new_conversation(3.0);
    lib.current_mut().push_user("Other", 4.0);
    lib.switch(&other);
    let json = lib.to_storage_json();
    assert!(json.starts_with("{\"schema\":1,"));
    let (loaded, warnings) = Library::from_storage_json(&json, 10.0).unwrap();
    assert!(warnings.is_empty());
    assert_eq!(loaded.current_id(), other);
    let first = loaded.iter().next().unwrap();
    assert_eq!(first.message(r).unwrap().state, MessageState::Interrupted);
    assert_eq!(first.message(r).unwrap().text, "partial");
    // New ids keep being unique after a reload.
    let mut loaded = loaded;
    let id = loaded.new_conversation(11.0);
    assert_eq!(loaded.iter().filter(|c| c.id() == id).count(), 1);
}

#[test]
fn storage_salvages_what_it_can() {
    let mut lib = Library::new(0.0);
    lib.current_mut().push_user("Keep me", 1.0);
    let good = lib.current_id().to_owned();
    let mut value: Value = serde_json::from_str(&lib.to_storage_json()).unwrap();
    let good_entry = value["conversations"][0].clone();
    let mut damaged = good_entry.clone();
    damaged["id"] = "damaged".into();
    damaged["title"] = "Damaged".into();
    damaged["messages"] = serde_json::json!([
        {"id": 1, "role": "user", "text": "ok", "state": "done", "created_ms": 1.0},
        {"id": 2, "role": "user", "text": 42, "state": "done", "created_ms": 1.0},
        {"id": 1, "role": "assistant", "text": "dup id", "state": "streaming", "created_ms": 2.0},
        {"id": 4, "role": "system", "text": "sys", "state": "done", "created_ms": 2.0},
    ]);
    damaged.as_object_mut().unwrap().remove("updated_ms");
    let mut duplicate = good_entry.clone();
    duplicate["title"] = "Duplicate".into();
    value["conversations"] = serde_json::json!([good_entry, 17, damaged, duplicate, "x"]);
    let (loaded, warnings) = Library::from_storage_json(&value.to_string(), 5.0).unwrap();
    let titles: Vec<&str> = loaded.iter().map(Conversation::title).collect();
    assert_eq!(titles, ["Keep me", "Damaged", "Duplicate"]);
    assert_eq!(loaded.current_id(), good);
    let damaged = loaded.get("damaged").unwrap();
    let texts: Vec<&str> = damaged.messages().iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["ok", "dup id"]);
    assert_eq!(damaged.messages()[1].state, MessageState::Interrupted);
    assert_ne!(damaged.messages()[0].id, damaged.messages()[1].id);
    let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 6, "{messages:#?}");
    assert!(messages[0].starts_with("Saved conversation #2 could not be read and was skipped"));
    assert!(messages
        .iter()
        .any(|m| m.starts_with("Message #2 of the saved conversation \"Damaged\"")));
    assert!(messages.iter().any(|m| m.contains("renumbered")));
    assert!(messages.iter().any(|m| m.contains("system role")));
    assert!(messages
        .iter()
        .any(|m| m.contains("\"Duplicate\" was repaired: its id was already used")));
    assert!(messages
        .iter()
        .any(|m| m.starts_with("Saved conversation #5")));
}

#[test]
fn storage_errors_and_migration() {
    assert!(matches!(
        Library::from_storage_json("{", 0.0),
        Err(LoadError::NotJson { .. })
    ));
    assert_eq!(
        Library::from_storage_json("[]", 0.0).unwrap_err(),
        LoadError::NotLibrary
    );
    assert_eq!(
        Library::from_storage_json("{\"schema\":1,\"conversations\":5}", 0.0).unwrap_err(),
        LoadError::NotLibrary
    );
    let err = Library::from_storage_json("{\"schema\":2,\"conversations\":[]}", 0.0).unwrap_err();
    assert_eq!(
        err,
        LoadError::UnsupportedSchema {
            found: 2,
            supported: 1
        }
    );
    assert!(err.to_string().contains("newer version of TinyChat"));
    assert_eq!(
        Library::from_storage_json("{\"schema\":\"x\"}", 0.0).unwrap_err(),
        LoadError::NotLibrary
    );
    // Empty or schema-less data still gives a usable library.
    let (lib, warnings) = Library::from_storage_json("{}", 7.0).unwrap();
    assert!(warnings.is_empty());
    assert!(lib.current().is_empty());
    assert_eq!(lib.current().created_ms(), 7.0);
}

#[test]
fn settings_json() {
    let defaults = Settings::from_options(&WidgetOptions {
        api_base: "/proxy".into(),
        model: "open-mistral-nemo".into(),
        temperature: Some(0.3),
        ..WidgetOptions::default()
    });
    let s = Settings {
        api_base: "https://api.mistral.ai".into(),
        model: "mistral-large-latest".into(),
        temperature: Some(0.7),
        max_tokens: Some(256),
        system_prompt: Some("Be brief".into()),
        remember_key: true,
        reasoning_effort: Some("high".into()),
        agent_id: Some("ag:3996db2b:20250101:shop:1a2b3c4d".into()),
    };
    assert_eq!(Settings::from_json(&s.to_json(), &defaults), s);
    // Values that are not Mistral's are left at the defaults.
    let odd = Settings::from_json(r#"{"reasoning_effort":"max","agent_id":"ag 1"}"#, &defaults);
    assert_eq!((odd.reasoning_effort, odd.agent_id), (None, None));
    assert!(!s.to_json().contains("\"key\""));

    // Missing fields come from the defaults; null means unset.
    assert_eq!(Settings::from_json("{}", &defaults), defaults);
    assert_eq!(Settings::from_json("garbage", &defaults), defaults);
    let partial = Settings::from_json(
        "{\"model\":\"codestral-latest\",\"temperature\":null,\"max_tokens\":-3,\"api_base\":\"javascript:x\",\"remember_key\":\"yes\",\"extra\":1}",
        &defaults,
    );
    assert_eq!(
        partial,
        Settings {
            model: "codestral-latest".into(),
            temperature: None,
            ..defaults.clone()
        }
    );
    let bad_temp = Settings::from_json("{\"temperature\":9}", &defaults);
    assert_eq!(bad_temp.temperature, Some(0.3));
    assert_eq!(Settings::default().model, "mistral-small-latest");
}

// ---- property tests ----

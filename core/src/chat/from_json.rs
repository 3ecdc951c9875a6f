//! Reading stored and imported conversations from a parsed [`Value`], by hand.
//!
//! The same rules as the types' derived `Deserialize` (property tests in this module hold them
//! equal):
//! - A required field that is missing is an error.
//! - A field with a default reads as that default when missing. A `null` is the default only
//!   for optional values; for the others, as for any value of the wrong type, it is an error.
//! - Unknown fields are ignored.
//!
//! Why by hand: this runs in the browser, and the derived visitors of these types, read from a
//! `Value`, cost about 11 KB of gzip wasm; this walk costs about 6 (measured, bundle sizes).

use serde_json::{Map, Value};

use super::conversation::Conversation;
use super::message::{ErrorInfo, Feedback, Image, Message, MessageState};
use crate::error::ErrorKind;
use crate::mistral::response::from_json::{object, wrong as invalid};
use crate::mistral::{Role, Source, ToolInvocation};

/// A reading error, in words (it ends up in a load warning or an import error).
pub(crate) type Result<T> = std::result::Result<T, String>;

/// The fields `names` of `o`, in that order, found in one pass over the object (as the derive
/// does: a lookup per field name costs twice the time on a large library).
fn fields<'a, const N: usize>(
    o: &'a Map<String, Value>,
    names: &[&str; N],
) -> [Option<&'a Value>; N] {
    let mut found = [None; N];
    for (key, value) in o {
        if let Some(i) = names.iter().position(|n| *n == key) {
            found[i] = Some(value);
        }
    }
    found
}

/// A required field.
fn required<'a>(field: Option<&'a Value>, name: &str) -> Result<&'a Value> {
    field.ok_or_else(|| format!("missing field `{name}`"))
}

fn string(v: &Value, name: &str) -> Result<String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(name, "a string"))
}

fn boolean(v: &Value, name: &str) -> Result<bool> {
    v.as_bool().ok_or_else(|| invalid(name, "a boolean"))
}

fn unsigned(v: &Value, name: &str) -> Result<u64> {
    v.as_u64()
        .ok_or_else(|| invalid(name, "a non-negative integer"))
}

fn small_unsigned(v: &Value, name: &str) -> Result<u32> {
    unsigned(v, name).and_then(|n| u32::try_from(n).map_err(|_| invalid(name, "a u32")))
}

/// A time in milliseconds: any JSON number.
fn millis(v: &Value, name: &str) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| invalid(name, "a time in milliseconds"))
}

/// A field with a default: `read` it when present (`null` included).
fn or_default<T: Default>(
    field: Option<&Value>,
    name: &str,
    read: impl Fn(&Value, &str) -> Result<T>,
) -> Result<T> {
    field.map_or_else(|| Ok(T::default()), |v| read(v, name))
}

/// An optional field: `None` when missing or `null`.
fn optional<T>(
    field: Option<&Value>,
    name: &str,
    read: impl Fn(&Value, &str) -> Result<T>,
) -> Result<Option<T>> {
    match field {
        None | Some(Value::Null) => Ok(None),
        Some(v) => read(v, name).map(Some),
    }
}

/// A list, each item read by `item`.
fn list<T>(v: &Value, name: &str, item: impl Fn(&Value) -> Result<T>) -> Result<Vec<T>> {
    match v {
        Value::Array(items) => items.iter().map(item).collect(),
        _ => Err(invalid(name, "a list")),
    }
}

/// One of an enum's names, or serde's "unknown variant" error.
fn variant<T: Copy>(v: &Value, name: &str, names: &[(&str, T)], expected: &str) -> Result<T> {
    let s = v.as_str().ok_or_else(|| invalid(name, "a string"))?;
    names
        .iter()
        .find(|(n, _)| *n == s)
        .map(|(_, t)| *t)
        .ok_or_else(|| format!("unknown variant `{s}`, expected one of {expected}"))
}

fn role(v: &Value, name: &str) -> Result<Role> {
    variant(
        v,
        name,
        &[
            ("system", Role::System),
            ("user", Role::User),
            ("assistant", Role::Assistant),
            ("tool", Role::Tool),
        ],
        "`system`, `user`, `assistant`, `tool`",
    )
}

fn state(v: &Value, name: &str) -> Result<MessageState> {
    variant(
        v,
        name,
        &[
            ("streaming", MessageState::Streaming),
            ("done", MessageState::Done),
            ("stopped", MessageState::Stopped),
            ("interrupted", MessageState::Interrupted),
            ("error", MessageState::Failed),
            ("failed", MessageState::Failed),
        ],
        "`streaming`, `done`, `stopped`, `interrupted`, `error`, `failed`",
    )
}

fn feedback(v: &Value, name: &str) -> Result<Feedback> {
    variant(
        v,
        name,
        &[("up", Feedback::Up), ("down", Feedback::Down)],
        "`up`, `down`",
    )
}

/// A failure's kind; a tag this version does not know (a newer one's) is `Unknown`.
fn error_kind(v: &Value, name: &str) -> Result<ErrorKind> {
    let s = v.as_str().ok_or_else(|| invalid(name, "a string"))?;
    Ok(ErrorKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == s)
        .unwrap_or(ErrorKind::Unknown))
}

fn error_info(v: &Value, name: &str) -> Result<ErrorInfo> {
    let [kind, message, retryable] = fields(object(v, name)?, &["kind", "message", "retryable"]);
    Ok(ErrorInfo {
        kind: error_kind(required(kind, "kind")?, "kind")?,
        message: string(required(message, "message")?, "message")?,
        retryable: or_default(retryable, "retryable", boolean)?,
    })
}

fn tool_invocation(v: &Value, name: &str) -> Result<ToolInvocation> {
    let [id, name_, arguments] = fields(object(v, name)?, &["id", "name", "arguments"]);
    Ok(ToolInvocation {
        id: string(required(id, "id")?, "id")?,
        name: string(required(name_, "name")?, "name")?,
        arguments: string(required(arguments, "arguments")?, "arguments")?,
    })
}

fn source(v: &Value) -> Result<Source> {
    let [title, url, tool] = fields(object(v, "sources")?, &["title", "url", "tool"]);
    Ok(Source {
        title: string(required(title, "title")?, "title")?,
        url: optional(url, "url", string)?,
        tool: or_default(tool, "tool", string)?,
    })
}

fn image(v: &Value) -> Result<Image> {
    let [name, data_url, width, height] = fields(
        object(v, "images")?,
        &["name", "data_url", "width", "height"],
    );
    Ok(Image {
        name: string(required(name, "name")?, "name")?,
        data_url: string(required(data_url, "data_url")?, "data_url")?,
        width: or_default(width, "width", small_unsigned)?,
        height: or_default(height, "height", small_unsigned)?,
    })
}

/// One stored message.
pub(crate) fn message(v: &Value) -> Result<Message> {
    const NAMES: [&str; 18] = [
        "id",
        "role",
        "text",
        "state",
        "usage",
        "model",
        "created_ms",
        "finished_ms",
        "error",
        "feedback",
        "local_only",
        "tool_calls",
        "tool_call",
        "tool_failed",
        "thinking",
        "thought_ms",
        "sources",
        "images",
    ];
    let [id, role_, text, state_, usage, model, created_ms, finished_ms, error, feedback_, local_only, tool_calls, tool_call, tool_failed, thinking, thought_ms, sources, images] =
        fields(object(v, "message")?, &NAMES);
    Ok(Message {
        id: unsigned(required(id, "id")?, "id")?,
        role: role(required(role_, "role")?, "role")?,
        text: string(required(text, "text")?, "text")?,
        state: state(required(state_, "state")?, "state")?,
        usage: optional(usage, "usage", |u, _| {
            crate::mistral::response::from_json::usage(u)
        })?,
        model: optional(model, "model", string)?,
        created_ms: millis(required(created_ms, "created_ms")?, "created_ms")?,
        finished_ms: optional(finished_ms, "finished_ms", millis)?,
        error: optional(error, "error", error_info)?,
        feedback: optional(feedback_, "feedback", feedback)?,
        local_only: or_default(local_only, "local_only", boolean)?,
        tool_calls: or_default(tool_calls, "tool_calls", |l, n| {
            list(l, n, |t| tool_invocation(t, n))
        })?,
        tool_call: optional(tool_call, "tool_call", tool_invocation)?,
        tool_failed: or_default(tool_failed, "tool_failed", boolean)?,
        thinking: or_default(thinking, "thinking", string)?,
        thought_ms: optional(thought_ms, "thought_ms", millis)?,
        sources: or_default(sources, "sources", |l, n| list(l, n, source))?,
        images: or_default(images, "images", |l, n| list(l, n, image))?,
    })
}

/// One stored or imported conversation.
pub(crate) fn conversation(v: &Value) -> Result<Conversation> {
    const NAMES: [&str; 8] = [
        "id",
        "title",
        "title_is_custom",
        "system_prompt",
        "messages",
        "created_ms",
        "updated_ms",
        "next_id",
    ];
    let [id, title, title_is_custom, system_prompt, messages, created_ms, updated_ms, next_id] =
        fields(object(v, "conversation")?, &NAMES);
    Ok(Conversation {
        id: string(required(id, "id")?, "id")?,
        title: string(required(title, "title")?, "title")?,
        title_is_custom: or_default(title_is_custom, "title_is_custom", boolean)?,
        system_prompt: optional(system_prompt, "system_prompt", string)?,
        messages: list(required(messages, "messages")?, "messages", message)?,
        created_ms: millis(required(created_ms, "created_ms")?, "created_ms")?,
        updated_ms: millis(required(updated_ms, "updated_ms")?, "updated_ms")?,
        next_id: or_default(next_id, "next_id", unsigned)?,
    })
}

#[cfg(test)]
mod tests {
    //! The hand reading reads what the derived `Deserialize` reads, and fails where it fails.

    use proptest::prelude::*;
    use serde_json::{json, Value};

    use crate::json_gen::{same, Gen};

    // Each field is mostly valid, so most messages differ from a readable one in a field or
    // two: where a rule between the two readings differs, that is where it shows.
    const GEN: Gen = Gen {
        words: &[
            "", "x", "user", "done", "up", "error", "network", "robot", "weird",
        ],
        right: 30,
        present: 0.95,
    };

    /// One of `names` (mostly), or any scalar.
    fn word(names: &'static [&'static str]) -> BoxedStrategy<Value> {
        GEN.or_wrong(prop::sample::select(names).prop_map(Value::from).boxed())
    }

    fn list(item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        GEN.list(item)
    }

    fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
        GEN.object(fields)
    }

    fn text() -> BoxedStrategy<Value> {
        GEN.or_wrong(Just(json!("hello")).boxed())
    }

    fn count() -> BoxedStrategy<Value> {
        GEN.or_wrong(prop::sample::select(vec![json!(0), json!(3), json!(40)]).boxed())
    }

    fn number() -> BoxedStrategy<Value> {
        GEN.or_wrong(
            prop::sample::select(vec![json!(3), json!(1_700_000_000_000u64), json!(2.5)]).boxed(),
        )
    }

    fn flag() -> BoxedStrategy<Value> {
        GEN.or_wrong(any::<bool>().prop_map(Value::from).boxed())
    }

    fn message() -> BoxedStrategy<Value> {
        let tool = object(vec![
            ("id", text()),
            ("name", text()),
            ("arguments", text()),
        ]);
        object(vec![
            ("id", count()),
            ("role", word(&["system", "user", "assistant", "tool"])),
            ("text", text()),
            (
                "state",
                word(&[
                    "streaming",
                    "done",
                    "stopped",
                    "interrupted",
                    "error",
                    "failed",
                ]),
            ),
            (
                "usage",
                object(vec![
                    ("prompt_tokens", count()),
                    ("completion_tokens", count()),
                    ("total_tokens", count()),
                ]),
            ),
            ("model", text()),
            ("created_ms", number()),
            ("finished_ms", number()),
            (
                "error",
                object(vec![
                    (
                        "kind",
                        word(&["network", "rate_limited", "unknown", "from_the_future"]),
                    ),
                    ("message", text()),
                    ("retryable", flag()),
                ]),
            ),
            ("feedback", word(&["up", "down"])),
            ("local_only", flag()),
            ("tool_calls", list(tool.clone())),
            ("tool_call", tool),
            ("tool_failed", flag()),
            ("thinking", text()),
            ("thought_ms", number()),
            (
                "sources",
                list(object(vec![
                    ("title", text()),
                    ("url", text()),
                    ("tool", text()),
                ])),
            ),
            (
                "images",
                list(object(vec![
                    ("name", text()),
                    ("data_url", text()),
                    ("width", count()),
                    ("height", count()),
                ])),
            ),
        ])
    }

    fn conversation() -> BoxedStrategy<Value> {
        object(vec![
            ("id", text()),
            ("title", text()),
            ("title_is_custom", flag()),
            ("system_prompt", text()),
            ("messages", list(message())),
            ("created_ms", number()),
            ("updated_ms", number()),
            ("next_id", count()),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn messages_read_as_the_derive_reads_them(v in message()) {
            same(&v, super::message(&v));
        }

        #[test]
        fn conversations_read_as_the_derive_reads_them(v in conversation()) {
            same(&v, super::conversation(&v));
        }
    }

    #[test]
    fn unknown_names_are_refused_in_serde_s_words() {
        let err = super::message(
            &json!({"id": 1, "role": "robot", "text": "", "state": "done", "created_ms": 1}),
        );
        assert_eq!(
            err.unwrap_err(),
            "unknown variant `robot`, expected one of `system`, `user`, `assistant`, `tool`"
        );
    }
}

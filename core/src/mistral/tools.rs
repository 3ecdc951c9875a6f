//! Function calling ("page tools"): the tools a request offers, the calls a reply asks for, and
//! the results sent back.
//!
//! Wire shapes, as in Mistral's function-calling guide
//! (<https://docs.mistral.ai/capabilities/function_calling/>) and the `Tool`, `ToolCall`,
//! `AssistantMessage` and `ToolMessage` types of the official SDKs (client-ts, client-python):
//!
//! * request: `"tools": [{"type": "function", "function": {"name", "description",
//!   "parameters"}}]`, `"tool_choice": "auto" | "none" | "any" | "required"`;
//! * streamed reply: `delta.tool_calls: [{"id", "type"?, "function": {"name", "arguments"},
//!   "index"}]`, then `finish_reason: "tool_calls"`. `arguments` is a JSON string (an object is
//!   accepted too);
//! * history: the assistant message keeps its `tool_calls` (arguments as a string), and each
//!   result follows as `{"role": "tool", "name", "content", "tool_call_id"}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::response::ToolCall as WireCall;

/// The longest tool name Mistral accepts.
pub const MAX_TOOL_NAME: usize = 64;
/// Most tools a request offers (the rest are left out).
pub const MAX_TOOLS: usize = 128;
/// Longest tool result sent back to the model, in bytes (longer ones are cut, marked).
pub const MAX_RESULT_BYTES: usize = 64 * 1024;

/// Whether `name` is a valid function name: 1 to 64 ASCII letters, digits, `_` or `-`.
pub fn is_valid_tool_name(name: &str) -> bool {
    (1..=MAX_TOOL_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One tool the page offers: what the model reads to decide to call it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// The function name (see [`is_valid_tool_name`]).
    pub name: String,
    /// What it does, for the model.
    #[serde(default)]
    pub description: String,
    /// Its arguments, as a JSON Schema object.
    #[serde(default = "empty_schema")]
    pub parameters: Value,
}

fn empty_schema() -> Value {
    serde_json::json!({"type": "object", "properties": {}})
}

/// The specs of `json` (`[{"name", "description"?, "parameters"?}]`, as the page gave them),
/// keeping the valid ones: a name that is not a valid function name, a repeated name or a
/// `parameters` that is not an object is skipped, and at most [`MAX_TOOLS`] are kept.
pub fn parse_tool_specs(json: &str) -> Vec<ToolSpec> {
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(json) else {
        return Vec::new();
    };
    let mut specs: Vec<ToolSpec> = Vec::new();
    for mut item in items {
        let mut take = |key: &str| item.get_mut(key).map(Value::take).unwrap_or(Value::Null);
        let (Value::String(name), description, parameters) =
            (take("name"), take("description"), take("parameters"))
        else {
            continue;
        };
        let description = match description {
            Value::String(d) => d,
            Value::Null => String::new(),
            _ => continue,
        };
        let parameters = match parameters {
            Value::Null => empty_schema(),
            p @ Value::Object(_) => p,
            _ => continue,
        };
        if !is_valid_tool_name(&name) || specs.iter().any(|s| s.name == name) {
            continue;
        }
        specs.push(ToolSpec {
            name,
            description,
            parameters,
        });
        if specs.len() == MAX_TOOLS {
            break;
        }
    }
    specs
}

/// A tool as the request carries it: `{"type": "function", "function": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `"function"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The function.
    pub function: ToolSpec,
}

impl From<ToolSpec> for Tool {
    fn from(function: ToolSpec) -> Self {
        Tool {
            kind: "function".to_owned(),
            function,
        }
    }
}

/// Whether the model may call the tools offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// The model must answer in text (the last round).
    None,
}

/// A call the model asked for, as kept in the conversation and sent back in the history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInvocation {
    /// The call's id (Mistral's are nine letters and digits); the result quotes it.
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments, a JSON text as the model wrote it.
    pub arguments: String,
}

/// A tool call in a request's assistant message: `{"id", "type": "function", "function":
/// {"name", "arguments"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireToolCall {
    /// The call's id.
    pub id: String,
    /// Always `"function"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Name and arguments.
    pub function: WireFunction,
}

/// Name and arguments of a [`WireToolCall`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireFunction {
    /// The function name.
    pub name: String,
    /// The arguments as a JSON string.
    pub arguments: String,
}

impl From<&ToolInvocation> for WireToolCall {
    fn from(call: &ToolInvocation) -> Self {
        WireToolCall {
            id: call.id.clone(),
            kind: "function".to_owned(),
            function: WireFunction {
                name: call.name.clone(),
                arguments: call.arguments.clone(),
            },
        }
    }
}

/// Collects the tool calls of a streamed reply. Mistral sends each call whole in one chunk;
/// increments of one call (same `index`, no new id) are joined as other servers send them.
#[derive(Debug, Clone, Default)]
pub struct ToolCallCollector {
    calls: Vec<(Option<u32>, ToolInvocation)>,
}

impl ToolCallCollector {
    /// Adds the `tool_calls` of one delta.
    pub fn push(&mut self, increments: Vec<WireCall>) {
        for inc in increments {
            let id = inc.id.filter(|id| !id.is_empty());
            let args = match inc.function.arguments {
                Value::Null => String::new(),
                Value::String(s) => s,
                // Serialized, not `Display`ed: the wasm then has no `Value: Display` (its
                // `io::Write` adapter and error boxing).
                other => serde_json::to_string(&other).unwrap_or_default(),
            };
            let continues = self.calls.last_mut().filter(|(index, call)| {
                inc.index.is_some()
                    && *index == inc.index
                    && id.as_ref().is_none_or(|id| *id == call.id)
            });
            match continues {
                Some((_, call)) => {
                    call.name.push_str(&inc.function.name);
                    call.arguments.push_str(&args);
                }
                None => self.calls.push((
                    inc.index,
                    ToolInvocation {
                        id: id.unwrap_or_default(),
                        name: inc.function.name,
                        arguments: args,
                    },
                )),
            }
        }
    }

    /// Whether no call arrived.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The calls, in order. A call without an id gets `call0000n` (nine letters and digits,
    /// as Mistral's ids are) so its result can quote it;
    /// empty arguments become `{}`.
    pub fn finish(self) -> Vec<ToolInvocation> {
        self.calls
            .into_iter()
            .enumerate()
            .map(|(n, (_, mut call))| {
                if call.id.is_empty() {
                    call.id = format!("call{:05}", n % 100_000);
                }
                if call.arguments.trim().is_empty() {
                    call.arguments = "{}".to_owned();
                }
                call
            })
            .collect()
    }
}

/// What running a tool gave: the content of its `tool` message, and whether it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolOutcome {
    /// The content sent to the model: the result as JSON, or `{"error": "…"}`.
    pub content: String,
    /// Whether the handler failed (threw, timed out, unknown tool, bad arguments).
    pub failed: bool,
}

impl ToolOutcome {
    /// A failure, sent to the model as `{"error": message}`.
    pub fn error(message: &str) -> Self {
        #[derive(Serialize)]
        struct Failure<'a> {
            error: &'a str,
        }
        ToolOutcome {
            content: serde_json::to_string(&Failure { error: message }).unwrap_or_default(),
            failed: true,
        }
    }

    /// Reads what the page's runner reported: `{"ok": true, "result": "<the result as JSON
    /// text, or a string as it is>"}` or `{"ok": false, "error": "…"}`. Anything else is a
    /// failure. A result over [`MAX_RESULT_BYTES`] is cut and marked.
    pub fn from_report(report: &str) -> Self {
        #[derive(Deserialize)]
        struct Report {
            #[serde(default)]
            ok: bool,
            #[serde(default)]
            result: Option<String>,
            #[serde(default)]
            error: Option<String>,
        }
        let Ok(report) = serde_json::from_str::<Report>(report) else {
            return Self::error("the tool runner gave no result");
        };
        if !report.ok {
            let message = report.error.unwrap_or_default();
            let message = if message.trim().is_empty() {
                "the tool failed"
            } else {
                message.as_str()
            };
            return Self::error(&crate::text::truncate(message, 2000));
        }
        let mut content = report.result.unwrap_or_else(|| "null".to_owned());
        if content.len() > MAX_RESULT_BYTES {
            let mut cut = MAX_RESULT_BYTES;
            while !content.is_char_boundary(cut) {
                cut -= 1;
            }
            content.truncate(cut);
            content.push_str("… [cut: the result was too long]");
        }
        ToolOutcome {
            content,
            failed: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(index: Option<u32>, id: Option<&str>, name: &str, args: Value) -> WireCall {
        WireCall {
            id: id.map(str::to_owned),
            kind: None,
            function: super::super::response::FunctionCall {
                name: name.to_owned(),
                arguments: args,
            },
            index,
        }
    }

    #[test]
    fn names_follow_mistral_rules() {
        assert!(is_valid_tool_name("find_product"));
        assert!(is_valid_tool_name("a-B_9"));
        assert!(!is_valid_tool_name(""));
        assert!(!is_valid_tool_name("find product"));
        assert!(!is_valid_tool_name("é"));
        assert!(!is_valid_tool_name(&"a".repeat(65)));
        assert!(is_valid_tool_name(&"a".repeat(64)));
    }

    #[test]
    fn specs_keep_the_valid_ones() {
        let specs = parse_tool_specs(
            r#"[{"name":"find","description":"Finds","parameters":{"type":"object"}},
                {"name":"bad name"},{"name":"find"},{"name":"x","parameters":[1]},
                {"name":"plain"},{"description":"no name"},7]"#,
        );
        let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["find", "plain"]);
        assert_eq!(specs[1].parameters, empty_schema());
        assert!(parse_tool_specs("not json").is_empty());
        assert!(parse_tool_specs("{}").is_empty());
    }

    #[test]
    fn a_tool_serializes_as_mistral_expects() {
        let tool = Tool::from(ToolSpec {
            name: "find".into(),
            description: "Finds".into(),
            parameters: serde_json::json!({"type":"object"}),
        });
        assert_eq!(
            serde_json::to_value(&tool).unwrap(),
            serde_json::json!({"type":"function","function":{"name":"find","description":"Finds","parameters":{"type":"object"}}})
        );
    }

    #[test]
    fn whole_calls_and_increments_are_collected() {
        let mut c = ToolCallCollector::default();
        assert!(c.is_empty());
        c.push(vec![
            wire(
                Some(0),
                Some("abcdefghi"),
                "find",
                Value::String(r#"{"q":"#.into()),
            ),
            wire(
                Some(1),
                Some("bbbbbbbbb"),
                "other",
                serde_json::json!({"a": 1}),
            ),
        ]);
        c.push(vec![wire(Some(1), None, "", Value::String(String::new()))]);
        c.push(vec![wire(None, None, "third", Value::Null)]);
        let calls = c.finish();
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0].id, "abcdefghi");
        assert_eq!(calls[0].arguments, r#"{"q":"#);
        assert_eq!(calls[1].arguments, r#"{"a":1}"#);
        assert_eq!(calls[2].id, "call00002");
        assert_eq!(calls[2].arguments, "{}");

        let mut c = ToolCallCollector::default();
        c.push(vec![wire(
            Some(0),
            Some("id1"),
            "find",
            Value::String(r#"{"q":"#.into()),
        )]);
        c.push(vec![wire(
            Some(0),
            None,
            "",
            Value::String(r#""lamp"}"#.into()),
        )]);
        let calls = c.finish();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].arguments, r#"{"q":"lamp"}"#);
    }

    #[test]
    fn outcomes_read_the_runner_report() {
        let ok = ToolOutcome::from_report(r#"{"ok":true,"result":"{\"sku\":\"L-1\"}"}"#);
        assert_eq!(ok.content, r#"{"sku":"L-1"}"#);
        assert!(!ok.failed);
        let text = ToolOutcome::from_report(r#"{"ok":true,"result":"plain"}"#);
        assert_eq!(text.content, "plain");
        let none = ToolOutcome::from_report(r#"{"ok":true}"#);
        assert_eq!(none.content, "null");
        assert!(ToolOutcome::from_report(r#"{"ok":true,"result":{"a":1}}"#).failed);
        let err = ToolOutcome::from_report(r#"{"ok":false,"error":"boom \"x\""}"#);
        assert!(err.failed);
        assert_eq!(err.content, r#"{"error":"boom \"x\""}"#);
        assert!(ToolOutcome::from_report("garbage").failed);
        let long = format!(
            r#"{{"ok":true,"result":"{}"}}"#,
            "é".repeat(MAX_RESULT_BYTES)
        );
        let cut = ToolOutcome::from_report(&long);
        assert!(cut.content.len() < MAX_RESULT_BYTES + 64);
        assert!(cut.content.ends_with("too long]"));
    }
}

//! Validation of a chat completion request, with the errors Mistral's API gives.
//!
//! Like Mistral's (pydantic) validation, every problem is reported at once, each as an item of a
//! 422 `detail` list: `{"type", "loc": ["body", …], "msg", "input", "ctx"?}`. `null` counts as
//! absent for the optional fields. Checked:
//!
//! * the body is a JSON object (`json_invalid`, `model_attributes_type`, or `missing` if empty);
//! * `model`: a non-empty string (whether the model exists is a 400, decided later);
//! * `messages`: a non-empty list of objects whose `role` is `system`, `user`, `assistant` or
//!   `tool` and whose `content` is a string or a list (optional for `assistant`);
//! * `temperature` 0..=1.5, `top_p` 0..=1, `presence_penalty` and `frequency_penalty` -2..=2:
//!   numbers; `max_tokens`, `random_seed` ≥ 0 and `n` ≥ 1: integers; `stream`, `safe_prompt`,
//!   `parallel_tool_calls`: booleans; `stop`: a string or a list of strings;
//!   `response_format`, `prediction`: objects; `tools`: a list; `tool_choice`: a string or an
//!   object; `prompt_mode`: a string;
//! * no other field (`extra_forbidden`).
//!
//! Fields that are checked but do not change the reply: everything but `model`, `messages`,
//! `stream` and `max_tokens`.

use serde_json::{json, Map, Value};

use crate::errors::detail;

/// The fields both endpoints take.
pub const SHARED_FIELDS: [&str; 15] = [
    "messages",
    "max_tokens",
    "stream",
    "stop",
    "random_seed",
    "response_format",
    "tools",
    "tool_choice",
    "presence_penalty",
    "frequency_penalty",
    "n",
    "prediction",
    "parallel_tool_calls",
    "prompt_mode",
    "reasoning_effort",
];

/// The fields only a chat completions request takes: an agents request
/// (`POST /v1/agents/completions`) brings its own model and sampling settings.
pub const MODEL_FIELDS: [&str; 4] = ["model", "temperature", "top_p", "safe_prompt"];

/// The field only an agents request takes.
pub const AGENT_FIELDS: [&str; 1] = ["agent_id"];

/// The roles a message may have.
pub const ROLES: [&str; 4] = ["system", "user", "assistant", "tool"];

/// A valid request, reduced to what the reply depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRequest {
    /// The model id, as given (not yet checked against the known models).
    pub model: String,
    /// The conversation.
    pub messages: Vec<Message>,
    /// Whether to answer with server-sent events.
    pub stream: bool,
    /// The reply's token limit, if any.
    pub max_tokens: Option<u64>,
    /// The names of the functions `tools` offers.
    pub tools: Vec<String>,
    /// `tool_choice` when it is a string (`auto`, `none`, `any`, `required`).
    pub tool_choice: Option<String>,
    /// `reasoning_effort` (`none` or `high`).
    pub reasoning_effort: Option<String>,
    /// The agent of an agents request.
    pub agent_id: Option<String>,
}

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// The text: the content string, or the `text` of the content list's text parts.
    pub text: String,
    /// `prefix: true` on an assistant message: the reply continues it.
    pub prefix: bool,
    /// An assistant message's `tool_calls`: `(id, function name)`.
    pub tool_calls: Vec<(String, String)>,
    /// A tool message's `tool_call_id`.
    pub tool_call_id: Option<String>,
    /// A tool message's `name`.
    pub name: Option<String>,
    /// How many `image_url` chunks the content has.
    pub images: usize,
}

impl ChatRequest {
    /// The text of the last user message, where the directives are ("" if there is none).
    pub fn last_user_text(&self) -> &str {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == "user")
            .map_or("", |m| m.text.as_str())
    }

    /// Whether the model may call tools: some are offered and `tool_choice` is not `none`.
    pub fn may_call_tools(&self) -> bool {
        !self.tools.is_empty() && self.tool_choice.as_deref() != Some("none")
    }

    /// How many replies since the last user message called tools.
    pub fn tool_rounds(&self) -> usize {
        self.messages
            .iter()
            .rev()
            .take_while(|m| m.role != "user")
            .filter(|m| m.role == "assistant" && !m.tool_calls.is_empty())
            .count()
    }

    /// The tool results since the last user message, as `(name, content)`.
    pub fn tool_results(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self
            .messages
            .iter()
            .rev()
            .take_while(|m| m.role != "user")
            .filter(|m| m.role == "tool")
            .map(|m| (m.name.as_deref().unwrap_or(""), m.text.as_str()))
            .collect();
        out.reverse();
        out
    }

    /// Checks that tool calls and results pair up as Mistral requires: every tool message
    /// answers a call of the assistant message before it, and every call is answered before
    /// the next message of another role. The error is Mistral's sentence.
    pub fn check_tool_pairing(&self) -> Result<(), String> {
        let mut open: Vec<&str> = Vec::new();
        let mut previous = "";
        for m in &self.messages {
            if previous == "tool" && m.role != "tool" && m.role != "assistant" {
                return Err(format!("Unexpected role '{}' after role 'tool'", m.role));
            }
            previous = m.role.as_str();
            if m.role == "tool" {
                let id = m.tool_call_id.as_deref().unwrap_or("");
                match open.iter().position(|o| *o == id) {
                    Some(i) => {
                        open.remove(i);
                    }
                    None => return Err(format!("Unexpected tool call id {id}")),
                }
                continue;
            }
            if !open.is_empty() {
                return Err("Not the same number of function calls and responses".to_owned());
            }
            open = m.tool_calls.iter().map(|(id, _)| id.as_str()).collect();
        }
        if open.is_empty() {
            Ok(())
        } else {
            Err("Not the same number of function calls and responses".to_owned())
        }
    }

    /// How many images the whole request carries.
    pub fn image_count(&self) -> usize {
        self.messages.iter().map(|m| m.images).sum()
    }

    /// The number of characters in all the messages, for the prompt's token estimate.
    pub fn prompt_chars(&self) -> usize {
        self.messages.iter().map(|m| m.text.chars().count()).sum()
    }
}

/// Validates a request body: the request, or the `detail` items of a 422.
pub fn validate(body: &[u8]) -> Result<ChatRequest, Vec<Value>> {
    validate_for(body, false)
}

/// Validates the body of `POST /v1/agents/completions`: `agent_id` instead of `model`, and
/// only [`SHARED_FIELDS`] and [`AGENT_FIELDS`]. The request's `model` is left empty.
pub fn validate_agent(body: &[u8]) -> Result<ChatRequest, Vec<Value>> {
    validate_for(body, true)
}

fn validate_for(body: &[u8], agent: bool) -> Result<ChatRequest, Vec<Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(vec![detail(
            "missing",
            vec![],
            "Field required",
            Value::Null,
        )]);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let mut item = detail(
            "json_invalid",
            vec![json!(byte_offset(body, e.line(), e.column()))],
            "JSON decode error",
            json!({}),
        );
        item["ctx"] = json!({ "error": e.to_string() });
        vec![item]
    })?;
    let Some(object) = value.as_object() else {
        return Err(vec![detail(
            "model_attributes_type",
            vec![],
            "Input should be a valid dictionary or object to extract fields from",
            value,
        )]);
    };
    let mut check = Checker {
        object,
        errors: Vec::new(),
    };
    let model = if agent {
        check.string("agent_id")
    } else {
        check.model()
    };
    check.number("temperature", 0.0, 1.5);
    check.number("top_p", 0.0, 1.0);
    let max_tokens = check.integer("max_tokens", 0);
    let stream = check.boolean("stream");
    check.stop();
    check.integer("random_seed", 0);
    let messages = check.messages();
    check.of_type("response_format", Value::is_object, "dict_type", DICT_MSG);
    check.of_type("tools", Value::is_array, "list_type", LIST_MSG);
    check.of_type(
        "tool_choice",
        |v| v.is_string() || v.is_object(),
        "string_type",
        "Input should be a valid string or a valid dictionary",
    );
    check.number("presence_penalty", -2.0, 2.0);
    check.number("frequency_penalty", -2.0, 2.0);
    check.integer("n", 1);
    check.of_type("prediction", Value::is_object, "dict_type", DICT_MSG);
    check.boolean("parallel_tool_calls");
    check.of_type("prompt_mode", Value::is_string, "string_type", STRING_MSG);
    check.boolean("safe_prompt");
    check.reasoning_effort();
    let own: &[&str] = if agent { &AGENT_FIELDS } else { &MODEL_FIELDS };
    for (key, input) in object {
        if !SHARED_FIELDS.contains(&key.as_str()) && !own.contains(&key.as_str()) {
            check.errors.push(detail(
                "extra_forbidden",
                vec![json!(key)],
                "Extra inputs are not permitted",
                input.clone(),
            ));
        }
    }
    match (model, messages) {
        (Some(model), Some(messages)) if check.errors.is_empty() => Ok(ChatRequest {
            agent_id: agent.then(|| model.clone()),
            model: if agent { String::new() } else { model },
            reasoning_effort: object
                .get("reasoning_effort")
                .and_then(Value::as_str)
                .map(str::to_owned),
            messages,
            stream: stream.unwrap_or(false),
            max_tokens,
            tools: tool_names(object.get("tools")),
            tool_choice: object
                .get("tool_choice")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }),
        _ => Err(check.errors),
    }
}

/// The function names of a `tools` list (items without one are skipped).
fn tool_names(tools: Option<&Value>) -> Vec<String> {
    tools
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|t| t.pointer("/function/name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

const DICT_MSG: &str = "Input should be a valid dictionary";
const LIST_MSG: &str = "Input should be a valid list";
const STRING_MSG: &str = "Input should be a valid string";

/// The byte offset of a 1-based line and column, as FastAPI's `json_invalid` reports it.
fn byte_offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split(|&b| b == b'\n')
        .take(line.saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    line_start + column.saturating_sub(1)
}

struct Checker<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<Value>,
}

impl Checker<'_> {
    /// The field's value, `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<&Value> {
        self.object.get(key).filter(|v| !v.is_null())
    }

    fn fail(&mut self, kind: &str, loc: Vec<Value>, msg: &str, input: &Value, ctx: Option<Value>) {
        let mut item = detail(kind, loc, msg, input.clone());
        if let Some(ctx) = ctx {
            item["ctx"] = ctx;
        }
        self.errors.push(item);
    }

    fn missing(&mut self, key: &str) {
        let input = Value::Object(self.object.clone());
        self.fail("missing", vec![json!(key)], "Field required", &input, None);
    }

    fn model(&mut self) -> Option<String> {
        self.string("model")
    }

    /// An `image_url`: a string or `{"url", "detail"?}`, holding a `data:image/…;base64,` URL
    /// of PNG, JPEG, WebP or GIF, or an `http(s)` URL.
    fn image_url(&mut self, loc: Vec<Value>, value: Option<&Value>) {
        let url = match value {
            Some(Value::String(url)) => Some(url.as_str()),
            Some(Value::Object(o)) => o.get("url").and_then(Value::as_str),
            _ => None,
        };
        let Some(url) = url else {
            let input = value.cloned().unwrap_or(Value::Null);
            self.fail(
                "string_type",
                loc,
                "Input should be a valid string or an object with a url",
                &input,
                None,
            );
            return;
        };
        let data_ok = ["png", "jpeg", "jpg", "webp", "gif"].iter().any(|kind| {
            url.strip_prefix("data:image/")
                .and_then(|rest| rest.strip_prefix(kind))
                .and_then(|rest| rest.strip_prefix(";base64,"))
                .is_some_and(|b64| {
                    !b64.is_empty()
                        && b64
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                })
        });
        if !data_ok && !url.starts_with("https://") && !url.starts_with("http://") {
            let msg = "Image URL must be a base64 data URL of a PNG, JPEG, WEBP or GIF image, or an http(s) URL";
            self.fail(
                "value_error",
                loc,
                msg,
                &json!(url.chars().take(64).collect::<String>()),
                None,
            );
        }
    }

    /// `reasoning_effort`: `none` or `high`, the values Mistral documents.
    fn reasoning_effort(&mut self) {
        match self.object.get("reasoning_effort") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s == "none" || s == "high" => {}
            Some(other) => {
                let other = other.clone();
                self.fail(
                    "enum",
                    vec![json!("reasoning_effort")],
                    "Input should be 'none' or 'high'",
                    &other,
                    Some(json!({ "expected": "'none' or 'high'" })),
                );
            }
        }
    }

    /// A required non-empty string field.
    fn string(&mut self, key: &str) -> Option<String> {
        match self.object.get(key) {
            None => {
                self.missing(key);
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                self.fail(
                    "string_too_short",
                    vec![json!(key)],
                    "String should have at least 1 character",
                    &json!(s),
                    Some(json!({ "min_length": 1 })),
                );
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                let other = other.clone();
                self.fail("string_type", vec![json!(key)], STRING_MSG, &other, None);
                None
            }
        }
    }

    fn number(&mut self, key: &str, min: f64, max: f64) -> Option<f64> {
        let value = self.get(key)?.clone();
        let loc = vec![json!(key)];
        let Some(number) = value.as_f64() else {
            self.fail(
                "float_type",
                loc,
                "Input should be a valid number",
                &value,
                None,
            );
            return None;
        };
        if number < min {
            let msg = format!("Input should be greater than or equal to {min}");
            self.fail(
                "greater_than_equal",
                loc,
                &msg,
                &value,
                Some(json!({ "ge": min })),
            );
            None
        } else if number > max {
            let msg = format!("Input should be less than or equal to {max}");
            self.fail(
                "less_than_equal",
                loc,
                &msg,
                &value,
                Some(json!({ "le": max })),
            );
            None
        } else {
            Some(number)
        }
    }

    fn integer(&mut self, key: &str, min: i64) -> Option<u64> {
        let value = self.get(key)?.clone();
        let loc = vec![json!(key)];
        let whole = if let Some(u) = value.as_u64() {
            i128::from(u)
        } else if let Some(i) = value.as_i64() {
            i128::from(i)
        } else if let Some(f) = value.as_f64() {
            // A float without a fraction is accepted as an integer, as pydantic does.
            if f.fract() != 0.0 {
                let msg = "Input should be a valid integer, got a number with a fractional part";
                self.fail("int_from_float", loc, msg, &value, None);
                return None;
            }
            f as i128 // saturates
        } else {
            self.fail(
                "int_type",
                loc,
                "Input should be a valid integer",
                &value,
                None,
            );
            return None;
        };
        if whole < i128::from(min) {
            let msg = format!("Input should be greater than or equal to {min}");
            self.fail(
                "greater_than_equal",
                loc,
                &msg,
                &value,
                Some(json!({ "ge": min })),
            );
            return None;
        }
        Some(u64::try_from(whole).unwrap_or(u64::MAX))
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?.clone();
        if value.is_boolean() {
            value.as_bool()
        } else {
            let msg = "Input should be a valid boolean";
            self.fail("bool_type", vec![json!(key)], msg, &value, None);
            None
        }
    }

    fn of_type(&mut self, key: &str, ok: fn(&Value) -> bool, kind: &str, msg: &str) {
        if let Some(value) = self.get(key).cloned() {
            if !ok(&value) {
                self.fail(kind, vec![json!(key)], msg, &value, None);
            }
        }
    }

    fn stop(&mut self) {
        let Some(value) = self.get("stop").cloned() else {
            return;
        };
        let ok = match &value {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            let msg = "Input should be a valid string or a list of strings";
            self.fail("string_type", vec![json!("stop")], msg, &value, None);
        }
    }

    fn messages(&mut self) -> Option<Vec<Message>> {
        let Some(value) = self.object.get("messages") else {
            self.missing("messages");
            return None;
        };
        let Some(items) = value.as_array() else {
            let value = value.clone();
            self.fail("list_type", vec![json!("messages")], LIST_MSG, &value, None);
            return None;
        };
        if items.is_empty() {
            self.fail(
                "too_short",
                vec![json!("messages")],
                "List should have at least 1 item after validation, not 0",
                value,
                Some(json!({ "field_type": "List", "min_length": 1, "actual_length": 0 })),
            );
            return None;
        }
        let before = self.errors.len();
        let messages: Vec<Message> = items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| self.message(index, item))
            .collect();
        (self.errors.len() == before).then_some(messages)
    }

    fn message(&mut self, index: usize, item: &Value) -> Option<Message> {
        let loc = vec![json!("messages"), json!(index)];
        let Some(fields) = item.as_object() else {
            let msg = "Input should be a valid dictionary or object to extract fields from";
            self.fail("model_attributes_type", loc, msg, item, None);
            return None;
        };
        let tags = "'system', 'user', 'assistant', 'tool'";
        let role = match fields.get("role") {
            Some(Value::String(role)) if ROLES.contains(&role.as_str()) => role.clone(),
            Some(Value::String(role)) => {
                let msg = format!(
                    "Input tag '{role}' found using 'role' does not match any of the expected tags: {tags}"
                );
                let ctx = json!({ "discriminator": "'role'", "tag": role, "expected_tags": tags });
                self.fail("union_tag_invalid", loc, &msg, item, Some(ctx));
                return None;
            }
            _ => {
                let msg = "Unable to extract tag using discriminator 'role'";
                let ctx = json!({ "discriminator": "'role'" });
                self.fail("union_tag_not_found", loc, msg, item, Some(ctx));
                return None;
            }
        };
        let content_loc = vec![
            json!("messages"),
            json!(index),
            json!(role),
            json!("content"),
        ];
        let mut images = 0;
        let text = match fields.get("content") {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Array(parts)) => {
                for (n, part) in parts.iter().enumerate() {
                    if part.get("type").and_then(Value::as_str) == Some("image_url") {
                        images += 1;
                        let mut loc = content_loc.clone();
                        loc.extend([json!(n), json!("image_url")]);
                        self.image_url(loc, part.get("image_url"));
                    }
                }
                parts
                    .iter()
                    .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("")
            }
            None | Some(Value::Null) if role == "assistant" => String::new(),
            None => {
                let input = item.clone();
                self.fail("missing", content_loc, "Field required", &input, None);
                return None;
            }
            Some(other) => {
                let msg = "Input should be a valid string or a list of content chunks";
                self.fail("string_type", content_loc, msg, other, None);
                return None;
            }
        };
        let prefix = role == "assistant" && fields.get("prefix") == Some(&Value::Bool(true));
        let tool_calls = fields
            .get("tool_calls")
            .and_then(Value::as_array)
            .map(|calls| {
                calls
                    .iter()
                    .map(|c| {
                        let field = |p: &str| {
                            c.pointer(p)
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_owned()
                        };
                        (field("/id"), field("/function/name"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let string = |key: &str| fields.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Message {
            images,
            tool_call_id: string("tool_call_id"),
            name: string("name"),
            role,
            text,
            prefix,
            tool_calls,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(body: &str) -> Vec<Value> {
        validate(body.as_bytes()).expect_err("should be invalid")
    }

    fn types(body: &str) -> Vec<String> {
        errors(body)
            .iter()
            .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_minimal_request_is_valid() {
        let request =
            validate(br#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#).unwrap();
        assert_eq!(request.model, "m");
        assert!(!request.stream);
        assert_eq!(request.last_user_text(), "hi");
    }

    #[test]
    fn every_accepted_field_with_a_good_value_is_valid() {
        let body = json!({
            "model": "m", "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": "https://example.com/x.png"}, {"type": "text", "text": "b"}]},
                {"role": "assistant", "content": null, "tool_calls": []},
                {"role": "tool", "content": "t", "tool_call_id": "1"},
                {"role": "user", "content": "last"},
            ],
            "temperature": 1.5, "top_p": 0, "max_tokens": 10.0, "stream": true, "stop": ["x"],
            "random_seed": 1, "response_format": {"type": "text"}, "tools": [], "tool_choice": "auto",
            "presence_penalty": -2, "frequency_penalty": 0.5, "n": 1, "prediction": {},
            "parallel_tool_calls": false, "prompt_mode": "reasoning", "safe_prompt": null,
        });
        let request = validate(body.to_string().as_bytes()).unwrap();
        assert_eq!(request.messages[1].text, "ab");
        assert_eq!(request.max_tokens, Some(10));
        assert_eq!(request.prompt_chars(), 1 + 2 + 1 + 4);
    }

    #[test]
    fn all_problems_are_reported_together() {
        let found = types(r#"{"temperature":"hot","stream":1,"foo":[1]}"#);
        assert_eq!(
            found,
            [
                "missing",
                "float_type",
                "bool_type",
                "missing",
                "extra_forbidden"
            ]
        );
    }

    #[test]
    fn ranges_and_integers_are_checked() {
        assert_eq!(
            types(r#"{"model":"m","messages":[],"temperature":-1}"#),
            ["greater_than_equal", "too_short"]
        );
        let found = types(r#"{"model":"","messages":"x","top_p":2,"max_tokens":1.5,"n":0}"#);
        assert_eq!(
            found,
            [
                "string_too_short",
                "less_than_equal",
                "int_from_float",
                "list_type",
                "greater_than_equal"
            ]
        );
    }

    #[test]
    fn messages_are_checked_one_by_one() {
        let body = r#"{"model":"m","messages":[3,{"content":"x"},{"role":"bot","content":"x"},
            {"role":"user"},{"role":"user","content":5},{"role":"assistant"}]}"#;
        let found = errors(body);
        let kinds: Vec<&str> = found.iter().filter_map(|e| e["type"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "model_attributes_type",
                "union_tag_not_found",
                "union_tag_invalid",
                "missing",
                "string_type"
            ]
        );
        assert_eq!(
            found[3]["loc"],
            json!(["body", "messages", 3, "user", "content"])
        );
    }

    #[test]
    fn bodies_that_are_not_json_objects_are_refused() {
        assert_eq!(types(""), ["missing"]);
        assert_eq!(types("[1]"), ["model_attributes_type"]);
        let bad = errors("{\n  \"model\": x}");
        assert_eq!(bad[0]["type"], "json_invalid");
        assert_eq!(bad[0]["loc"], json!(["body", 13]));
    }
}

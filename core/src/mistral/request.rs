//! The request: `POST /v1/chat/completions` body and its messages.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::tools::{Tool, ToolChoice, ToolInvocation, ToolSpec, WireToolCall};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Instructions for the model (`"system"`).
    System,
    /// The person chatting (`"user"`).
    User,
    /// The model (`"assistant"`).
    Assistant,
    /// The result of a tool the model called (`"tool"`).
    Tool,
}

impl Role {
    /// The wire name: `"system"`, `"user"`, `"assistant"` or `"tool"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message of a conversation, as sent to the API (`{"role", "content"}`, plus the tool
/// fields of [`super::tools`] when they apply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
    /// The calls an assistant message asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<WireToolCall>,
    /// A tool message: the call it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// A tool message: the function's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ChatMessage {
    /// A message with the given role and text.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        ChatMessage {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_call_id: None,
            name: None,
        }
    }

    /// The result of tool call `call`, with `content` (JSON text).
    pub fn tool(call: &ToolInvocation, content: impl Into<String>) -> Self {
        ChatMessage {
            tool_call_id: Some(call.id.clone()),
            name: Some(call.name.clone()),
            ..Self::new(Role::Tool, content)
        }
    }

    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }

    /// A user message.
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }

    /// An assistant message.
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// Body of `POST /v1/chat/completions`.
///
/// Serializes only fields Mistral accepts, and omits every unset optional one
/// (an empty `stop` list counts as unset), so the API applies its defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    /// Model id, e.g. `"mistral-small-latest"`.
    pub model: String,
    /// The conversation so far.
    pub messages: Vec<ChatMessage>,
    /// Sampling temperature (Mistral accepts 0.0–1.5; default depends on the
    /// model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Nucleus sampling (0.0–1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Upper bound on generated tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Stream the answer as server-sent events. Always serialized.
    #[serde(default)]
    pub stream: bool,
    /// Seed for deterministic sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<u64>,
    /// Ask Mistral to prepend its safety prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_prompt: Option<bool>,
    /// Stop generating at any of these strings.
    #[serde(default, skip_serializing_if = "stop_is_unset")]
    pub stop: Option<Vec<String>>,
    /// The page's tools the model may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// Whether it may call them (sent only with tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
}

fn stop_is_unset(stop: &Option<Vec<String>>) -> bool {
    stop.as_ref().is_none_or(Vec::is_empty)
}

impl ChatRequest {
    /// A streaming request with every optional parameter unset.
    pub fn new(model: impl Into<String>, messages: Vec<ChatMessage>) -> Self {
        ChatRequest {
            model: model.into(),
            messages,
            temperature: None,
            top_p: None,
            max_tokens: None,
            stream: true,
            random_seed: None,
            safe_prompt: None,
            stop: None,
            tools: Vec::new(),
            tool_choice: None,
        }
    }

    /// Offers `specs` to the model; `last_round` forbids calling them (`tool_choice: "none"`),
    /// so the model answers in text. No specs: no `tools` field at all.
    pub fn offer_tools(&mut self, specs: Vec<ToolSpec>, last_round: bool) {
        if specs.is_empty() {
            return;
        }
        self.tools = specs.into_iter().map(Tool::from).collect();
        self.tool_choice = Some(if last_round {
            ToolChoice::None
        } else {
            ToolChoice::Auto
        });
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail: every map key is a
        // string and every float is finite or becomes `null`.
        serde_json::to_string(self).unwrap_or_default()
    }
}

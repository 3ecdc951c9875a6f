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
///
/// An assistant message with [`thinking`](Self::thinking) is sent with its content as chunks,
/// `[{"type": "thinking", "thinking": [{"type": "text", "text": …}]}, {"type": "text", "text":
/// …}]`: Mistral's reasoning guide asks to "always replay the full assistant message
/// (including `ThinkChunk`) back into the message history"
/// (<https://docs.mistral.ai/capabilities/reasoning/>).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
    /// A reasoning model's thinking before `content` (assistant messages).
    #[serde(skip)]
    pub thinking: Option<String>,
    /// Images sent with a user message (`data:` URLs): the content becomes a list,
    /// `[{"type": "text", "text": …}, {"type": "image_url", "image_url": "data:…"}, …]`, as in
    /// Mistral's vision guide.
    #[serde(skip)]
    pub images: Vec<String>,
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
            thinking: None,
            images: Vec::new(),
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

impl Serialize for ChatMessage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        #[derive(Serialize)]
        struct Text<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Thinking<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            thinking: [Text<'a>; 1],
        }
        #[derive(Serialize)]
        struct ImageUrl<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            image_url: &'a str,
        }
        /// `[{"type": "text", …}, {"type": "image_url", …}, …]`: one flat list.
        struct WithImages<'a>(&'a str, &'a [String]);
        impl Serialize for WithImages<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeSeq;
                let mut seq = s.serialize_seq(Some(self.1.len() + 1))?;
                seq.serialize_element(&Text {
                    kind: "text",
                    text: self.0,
                })?;
                for url in self.1 {
                    seq.serialize_element(&ImageUrl {
                        kind: "image_url",
                        image_url: url,
                    })?;
                }
                seq.end()
            }
        }
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("role", &self.role)?;
        if !self.images.is_empty() {
            map.serialize_entry("content", &WithImages(&self.content, &self.images))?;
            return map.end();
        }
        match self.thinking.as_deref().filter(|t| !t.is_empty()) {
            Some(thinking) => {
                let think = Thinking {
                    kind: "thinking",
                    thinking: [Text {
                        kind: "text",
                        text: thinking,
                    }],
                };
                let text = Text {
                    kind: "text",
                    text: &self.content,
                };
                map.serialize_entry("content", &(think, text))?;
            }
            None => map.serialize_entry("content", &self.content)?,
        }
        if !self.tool_calls.is_empty() {
            map.serialize_entry("tool_calls", &self.tool_calls)?;
        }
        if let Some(id) = &self.tool_call_id {
            map.serialize_entry("tool_call_id", id)?;
        }
        if let Some(name) = &self.name {
            map.serialize_entry("name", name)?;
        }
        map.end()
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
    /// `"reasoning"`: the reasoning system prompt of Magistral models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_mode: Option<String>,
    /// How hard a model that takes it reasons (`"low"`, `"medium"`, `"high"`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<String>,
    /// Talk to this La Plateforme agent: the body goes to `/v1/agents/completions` and leaves
    /// out what that endpoint does not take (see [`ChatRequest::to_json`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
}

/// The body of `POST /v1/agents/completions`: the agent brings its model and its sampling
/// settings, so `model`, `temperature`, `top_p` and `safe_prompt` are not sent.
#[derive(Serialize)]
struct AgentBody<'a> {
    agent_id: &'a str,
    messages: &'a [ChatMessage],
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    random_seed: Option<u64>,
    #[serde(skip_serializing_if = "stop_is_unset")]
    stop: &'a Option<Vec<String>>,
    #[serde(skip_serializing_if = "<[Tool]>::is_empty")]
    tools: &'a [Tool],
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<ToolChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_mode: Option<&'a str>,
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
            prompt_mode: None,
            reasoning_effort: None,
            agent_id: None,
        }
    }

    /// The endpoint, relative to the API base: `/v1/agents/completions` for an agent, else
    /// `/v1/chat/completions`.
    pub fn path(&self) -> &'static str {
        if self.agent_id.is_some() {
            "/v1/agents/completions"
        } else {
            "/v1/chat/completions"
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

    /// The JSON body: every set field for chat completions; for an agent, `agent_id` and
    /// only the fields the agents endpoint takes.
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail: every map key is a
        // string and every float is finite or becomes `null`.
        match &self.agent_id {
            Some(agent_id) => serde_json::to_string(&AgentBody {
                agent_id,
                messages: &self.messages,
                max_tokens: self.max_tokens,
                stream: self.stream,
                random_seed: self.random_seed,
                stop: &self.stop,
                tools: &self.tools,
                tool_choice: self.tool_choice,
                prompt_mode: self.prompt_mode.as_deref(),
            }),
            None => serde_json::to_string(self),
        }
        .unwrap_or_default()
    }
}

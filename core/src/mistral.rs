//! Mistral chat-completions API: request and response wire types, the mapping
//! from a streamed response's server-sent events to [`StreamItem`]s, and the
//! mapping from an HTTP error response to a typed, user-readable [`ApiError`].
//!
//! Network failures (no connection, CORS, aborts) are the widget's business;
//! nothing here does I/O.
//!
//! Typical streaming use:
//!
//! ```
//! use tinychat_core::mistral::{StreamItem, StreamMapper};
//! use tinychat_core::sse::Decoder;
//!
//! let body = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
//! let mut decoder = Decoder::new();
//! let mut mapper = StreamMapper::new();
//! for chunk in body.chunks(7) {
//!     let events = decoder.push(chunk).map_err(|e| mapper.decoder_error(e)).unwrap();
//!     for event in &events {
//!         for item in mapper.on_event(event).unwrap() {
//!             if let StreamItem::Delta(text) = item {
//!                 print!("{text}");
//!             }
//!         }
//!     }
//! }
//! let summary = mapper.finish(decoder.finish()).unwrap();
//! assert_eq!(summary.text, "Hi");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::sse::{self, SseError};

// ---------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------

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
}

impl Role {
    /// The wire name: `"system"`, `"user"` or `"assistant"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message of a conversation, as sent to the API (`{"role", "content"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: Role,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A message with the given role and text.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        ChatMessage {
            role,
            content: content.into(),
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
        }
    }

    /// The JSON body.
    pub fn to_json(&self) -> String {
        // Serializing these plain structs cannot fail: every map key is a
        // string and every float is finite or becomes `null`.
        serde_json::to_string(self).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------
// Response wire types
// ---------------------------------------------------------------------------

/// Token accounting, sent with the last streamed chunk and with every
/// non-streaming completion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Tokens in the prompt.
    #[serde(default, deserialize_with = "nullable")]
    pub prompt_tokens: u32,
    /// Tokens generated.
    #[serde(default, deserialize_with = "nullable")]
    pub completion_tokens: u32,
    /// Sum of both.
    #[serde(default, deserialize_with = "nullable")]
    pub total_tokens: u32,
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FinishReason {
    /// `"stop"`: natural end or a stop sequence.
    Stop,
    /// `"length"`: `max_tokens` reached.
    Length,
    /// `"model_length"`: the model's context window is full.
    ModelLength,
    /// `"error"`: generation failed on the server.
    Error,
    /// `"tool_calls"`: the model wants to call tools.
    ToolCalls,
    /// Any other value, kept verbatim.
    Other(String),
}

impl FinishReason {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ModelLength => "model_length",
            FinishReason::Error => "error",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::Other(other) => other,
        }
    }

    /// Parses a wire name; unknown names become [`FinishReason::Other`].
    pub fn parse(name: &str) -> Self {
        match name {
            "stop" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "model_length" => FinishReason::ModelLength,
            "error" => FinishReason::Error,
            "tool_calls" => FinishReason::ToolCalls,
            other => FinishReason::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FinishReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FinishReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = Cow::<str>::deserialize(d)?;
        Ok(FinishReason::parse(&name))
    }
}

/// Message content: either plain text or a list of typed chunks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MessageContent {
    /// `"content": "text"`.
    Text(String),
    /// `"content": [{"type": "text", "text": "..."}, ...]`.
    Chunks(Vec<ContentChunk>),
}

impl MessageContent {
    /// The displayable text: the string itself, or the `text` chunks
    /// concatenated (other chunk kinds are skipped, see [`ContentChunk`]).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            MessageContent::Text(text) => Cow::Borrowed(text),
            MessageContent::Chunks(chunks) => {
                let mut text = String::new();
                for chunk in chunks {
                    if let ContentChunk::Text { text: piece } = chunk {
                        text.push_str(piece);
                    }
                }
                Cow::Owned(text)
            }
        }
    }
}

// Hand-written instead of `#[serde(untagged)]`: this runs once per streamed
// token, and the visitor avoids untagged's buffering of every value.
impl<'de> Deserialize<'de> for MessageContent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ContentVisitor;
        impl<'de> Visitor<'de> for ContentVisitor {
            type Value = MessageContent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of content chunks")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(MessageContent::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(MessageContent::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let chunks =
                    Vec::<ContentChunk>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(MessageContent::Chunks(chunks))
            }
        }
        d.deserialize_any(ContentVisitor)
    }
}

/// One typed piece of message content.
///
/// The widget displays text only, so only [`ContentChunk::Text`] contributes
/// to the answer. The other kinds are parsed (so they are not mistaken for a
/// malformed stream) and deliberately skipped:
///
/// - `thinking`: a reasoning model's private chain of thought. It is not the
///   answer, can be much longer than it, and the widget has no UI to show it
///   apart from the answer, so mixing it in would corrupt the reply.
/// - `image_url`, `reference` and unknown future kinds: not text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentChunk {
    /// `{"type": "text", "text": "..."}`: displayed.
    Text {
        /// The text.
        #[serde(default, deserialize_with = "nullable")]
        text: String,
    },
    /// `{"type": "thinking", "thinking": [...]}`: skipped (reasoning trace).
    Thinking {
        /// The reasoning chunks (usually `text` chunks).
        #[serde(default, deserialize_with = "lenient_default")]
        thinking: Vec<ContentChunk>,
    },
    /// `{"type": "image_url", "image_url": ...}`: skipped (not text).
    ImageUrl {
        /// A URL string or `{"url": ..., "detail": ...}`, kept as JSON.
        #[serde(default)]
        image_url: Value,
    },
    /// `{"type": "reference", "reference_ids": [...]}`: skipped (citation
    /// markers, nothing to display without the referenced documents).
    Reference {
        /// Ids of referenced documents, kept as JSON.
        #[serde(default, deserialize_with = "lenient_default")]
        reference_ids: Vec<Value>,
    },
    /// Any other `type`: skipped.
    #[serde(other)]
    Unknown,
}

/// A tool call requested by the model (the widget sends no tools; parsed so
/// such a response is not mistaken for a malformed one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// Call id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Usually `"function"`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The function to call.
    #[serde(default, deserialize_with = "nullable")]
    pub function: FunctionCall,
    /// Position of the call in a streamed list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
}

/// Name and arguments of a [`ToolCall`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionCall {
    /// Function name.
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    /// Arguments: a JSON string or object, as sent.
    #[serde(default)]
    pub arguments: Value,
}

/// One server-sent `data:` payload of a streamed completion
/// (`"object": "chat.completion.chunk"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletionChunk {
    /// Completion id (the same in every chunk).
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    /// `"chat.completion.chunk"`.
    #[serde(default, deserialize_with = "nullable")]
    pub object: String,
    /// Unix time of creation.
    #[serde(default, deserialize_with = "nullable")]
    pub created: u64,
    /// Model that answered.
    #[serde(default, deserialize_with = "nullable")]
    pub model: String,
    /// Increments, one per requested completion.
    #[serde(default, deserialize_with = "nullable")]
    pub choices: Vec<ChunkChoice>,
    /// Token accounting (usually only in the last chunk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

/// One choice's increment in a [`ChatCompletionChunk`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChunkChoice {
    /// Which completion this belongs to (always 0 for the widget).
    #[serde(default, deserialize_with = "nullable")]
    pub index: u32,
    /// The new content.
    #[serde(default, deserialize_with = "nullable")]
    pub delta: Delta,
    /// Set on the choice's last chunk.
    #[serde(default)]
    pub finish_reason: Option<FinishReason>,
}

/// The increment carried by a [`ChunkChoice`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// `"assistant"`, usually only in the first chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// New content: a string or typed chunks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// Tool-call increments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
}

/// A non-streaming completion (`"object": "chat.completion"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatCompletion {
    /// Completion id.
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    /// `"chat.completion"`.
    #[serde(default, deserialize_with = "nullable")]
    pub object: String,
    /// Unix time of creation.
    #[serde(default, deserialize_with = "nullable")]
    pub created: u64,
    /// Model that answered.
    #[serde(default, deserialize_with = "nullable")]
    pub model: String,
    /// The completions.
    #[serde(default, deserialize_with = "nullable")]
    pub choices: Vec<CompletionChoice>,
    /// Token accounting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
}

impl ChatCompletion {
    /// The displayable text of the first choice (`""` if there is none).
    pub fn text(&self) -> String {
        self.choices
            .first()
            .and_then(|c| c.message.content.as_ref())
            .map(|c| c.text().into_owned())
            .unwrap_or_default()
    }
}

/// One completion in a [`ChatCompletion`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompletionChoice {
    /// Position among the choices.
    #[serde(default, deserialize_with = "nullable")]
    pub index: u32,
    /// The generated message.
    #[serde(default, deserialize_with = "nullable")]
    pub message: ResponseMessage,
    /// Why generation stopped.
    #[serde(default)]
    pub finish_reason: Option<FinishReason>,
}

/// The assistant message of a [`CompletionChoice`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseMessage {
    /// Normally `"assistant"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<MessageContent>,
    /// Requested tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<Vec<ToolCall>>,
}

/// `GET /v1/models` response. Unknown fields are ignored and optional fields
/// of an unexpected type read as absent, so API additions do not break the
/// model picker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
    /// `"list"`.
    #[serde(default, deserialize_with = "lenient_default")]
    pub object: String,
    /// The models.
    #[serde(default, deserialize_with = "nullable")]
    pub data: Vec<ModelInfo>,
}

impl ModelList {
    /// Ids of models usable for chat, in listed order, without duplicates.
    pub fn chat_model_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for model in self
            .data
            .iter()
            .filter(|m| m.supports_chat() && !m.id.is_empty())
        {
            if !ids.contains(&model.id.as_str()) {
                ids.push(&model.id);
            }
        }
        ids
    }
}

/// One entry of a [`ModelList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model id to put in [`ChatRequest::model`] (`""` if the entry had
    /// none; such entries are skipped by [`ModelList::chat_model_ids`]).
    #[serde(default, deserialize_with = "lenient_default")]
    pub id: String,
    /// `"model"`.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub object: Option<String>,
    /// Unix time of creation.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<u64>,
    /// Owner, e.g. `"mistralai"`.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub owned_by: Option<String>,
    /// Human-readable name.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// Description.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// Context window in tokens.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_context_length: Option<u64>,
    /// Other ids for the same model.
    #[serde(default, deserialize_with = "lenient_default")]
    pub aliases: Vec<String>,
    /// Deprecation date, if deprecated.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub deprecation: Option<String>,
    /// What the model can do.
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub capabilities: Option<ModelCapabilities>,
}

impl ModelInfo {
    /// Whether the model does chat completion; `true` when the listing does
    /// not say.
    pub fn supports_chat(&self) -> bool {
        self.capabilities.as_ref().is_none_or(|c| c.completion_chat)
    }
}

/// Capability flags of a [`ModelInfo`]; missing flags read as `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelCapabilities {
    /// Chat completion.
    #[serde(deserialize_with = "lenient_default")]
    pub completion_chat: bool,
    /// Fill-in-the-middle completion.
    #[serde(deserialize_with = "lenient_default")]
    pub completion_fim: bool,
    /// Tool use.
    #[serde(deserialize_with = "lenient_default")]
    pub function_calling: bool,
    /// Fine-tuning.
    #[serde(deserialize_with = "lenient_default")]
    pub fine_tuning: bool,
    /// Image input.
    #[serde(deserialize_with = "lenient_default")]
    pub vision: bool,
    /// Classification.
    #[serde(deserialize_with = "lenient_default")]
    pub classification: bool,
}

/// `null` reads as the default value.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A value of the wrong type (or `null`) reads as `None`.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(T::deserialize(Value::deserialize(d)?).ok())
}

/// A value of the wrong type (or `null`) reads as the default value.
fn lenient_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    Ok(lenient(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------
// Stream mapping
// ---------------------------------------------------------------------------

/// What one server-sent event of a streamed completion contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamItem {
    /// The assistant's role, reported once (when first seen or when it
    /// changes).
    Role(String),
    /// New answer text, to append.
    Delta(String),
    /// The finish reason. May in principle come more than once; the last one
    /// wins (see [`StreamMapper::finish_reason`]).
    Finish(FinishReason),
    /// Token accounting.
    Usage(Usage),
    /// `data: [DONE]`: the stream is complete; later events are ignored.
    Done,
}

/// A stream that ended or broke. Every variant carries `partial`, the text
/// received before the problem, so the caller never loses it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The server sent an error object inside the stream
    /// (`{"object": "error", ...}`, `{"error": {...}}`, or an `event: error`).
    #[error("Mistral reported an error in the stream: {message}")]
    Api {
        /// The server's message (possibly `""`).
        message: String,
        /// The error's `type`, if any.
        kind: Option<String>,
        /// The error's `code`, if any.
        code: Option<String>,
        /// Text received before the error.
        partial: String,
    },
    /// An event's data was not a JSON chunk the mapper understands.
    #[error("malformed stream chunk: {detail}")]
    Malformed {
        /// Parser message and the start of the offending data.
        detail: String,
        /// Text received before the bad chunk.
        partial: String,
    },
    /// The stream ended cleanly between events but without `data: [DONE]`.
    #[error("the stream ended without [DONE]")]
    Incomplete {
        /// Text received.
        partial: String,
    },
    /// The stream ended in the middle of an event.
    #[error("the stream was cut off in the middle of an event")]
    Truncated {
        /// Text received.
        partial: String,
    },
    /// The SSE decoder hit its size limit ([`SseError::TooLarge`]).
    #[error("a stream event exceeded {limit} bytes")]
    TooLarge {
        /// The decoder's limit in bytes.
        limit: usize,
        /// Text received.
        partial: String,
    },
}

impl StreamError {
    /// The text received before the error.
    pub fn partial(&self) -> &str {
        match self {
            StreamError::Api { partial, .. }
            | StreamError::Malformed { partial, .. }
            | StreamError::Incomplete { partial }
            | StreamError::Truncated { partial }
            | StreamError::TooLarge { partial, .. } => partial,
        }
    }

    /// Consumes the error, returning the text received before it.
    pub fn into_partial(self) -> String {
        match self {
            StreamError::Api { partial, .. }
            | StreamError::Malformed { partial, .. }
            | StreamError::Incomplete { partial }
            | StreamError::Truncated { partial }
            | StreamError::TooLarge { partial, .. } => partial,
        }
    }

    /// A sentence for the person chatting.
    pub fn user_message(&self) -> String {
        match self {
            StreamError::Api { message, .. } if !message.is_empty() => {
                let stop = if message.ends_with(['.', '!', '?', '…']) {
                    ""
                } else {
                    "."
                };
                format!("Mistral reported an error while answering: {message}{stop}")
            }
            StreamError::Api { .. } => "Mistral reported an error while answering.".to_owned(),
            StreamError::Malformed { .. } => {
                "The answer could not be read: the server sent data in an unexpected format."
                    .to_owned()
            }
            StreamError::Incomplete { .. } => {
                "The answer ended before it was complete. The connection may have been interrupted."
                    .to_owned()
            }
            StreamError::Truncated { .. } => {
                "The connection was interrupted in the middle of the answer.".to_owned()
            }
            StreamError::TooLarge { limit, .. } => {
                format!("The server sent a message larger than the widget accepts ({limit} bytes).")
            }
        }
    }
}

/// The outcome of a complete stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The whole answer text.
    pub text: String,
    /// The last finish reason received, if any.
    pub finish_reason: Option<FinishReason>,
    /// The last usage received, if any.
    pub usage: Option<Usage>,
}

/// The part of a `data:` payload the mapper reads: a chunk, or an error
/// object. Unknown fields (`id`, `model`, ...) are skipped without being
/// stored.
#[derive(Deserialize)]
struct Payload {
    #[serde(default, deserialize_with = "nullable")]
    object: String,
    #[serde(default, deserialize_with = "nullable")]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    detail: Option<Value>,
    #[serde(default, rename = "type")]
    kind: Option<Value>,
    #[serde(default)]
    code: Option<Value>,
}

impl Payload {
    fn is_error(&self) -> bool {
        self.object == "error"
            || self.error.as_ref().is_some_and(|e| !e.is_null())
            || (self.choices.is_empty()
                && self.usage.is_none()
                && (self.message.is_some() || self.detail.is_some()))
    }
}

/// Turns the events of a streamed chat completion into [`StreamItem`]s,
/// keeping the answer text received so far.
///
/// Event handling:
///
/// - `data: [DONE]` yields [`StreamItem::Done`]; every later event is ignored.
/// - Events whose data is empty or only whitespace are ignored (keep-alives).
/// - The event type (`event:` field) `"message"` is the normal case; `"error"`
///   is treated as an error payload ([`StreamError::Api`], with the JSON
///   error's message or the raw data); any other type (`ping`, ...) is
///   ignored, as an `EventSource` `onmessage` handler would ignore it.
/// - Only choice index 0 is read: the widget never asks for more than one
///   completion.
///
/// An error does not alter the mapper: [`StreamMapper::text`] still returns
/// the text so far. Callers should stop feeding it after an error.
#[derive(Debug, Clone, Default)]
pub struct StreamMapper {
    text: String,
    role: Option<String>,
    finish_reason: Option<FinishReason>,
    usage: Option<Usage>,
    done: bool,
}

impl StreamMapper {
    /// A mapper for a new stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// The answer text received so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether `[DONE]` was received.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The last finish reason received.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.finish_reason.as_ref()
    }

    /// The last usage received.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// Maps one event.
    pub fn on_event(&mut self, ev: &sse::Event) -> Result<Vec<StreamItem>, StreamError> {
        let mut items = Vec::new();
        if self.done {
            return Ok(items);
        }
        let data = ev.data.trim();
        match ev.event.as_str() {
            "message" => {}
            "error" => return Err(self.event_error(data)),
            _ => return Ok(items),
        }
        if data.is_empty() {
            return Ok(items);
        }
        if data == "[DONE]" {
            self.done = true;
            items.push(StreamItem::Done);
            return Ok(items);
        }
        let payload: Payload = serde_json::from_str(data).map_err(|e| StreamError::Malformed {
            detail: format!("{e} in {:?}", truncate_chars(data, 120)),
            partial: self.text.clone(),
        })?;
        if payload.is_error() {
            return Err(self.payload_error(payload));
        }
        for choice in payload.choices {
            if choice.index != 0 {
                continue;
            }
            if let Some(role) = choice.delta.role.filter(|r| !r.is_empty()) {
                if self.role.as_ref() != Some(&role) {
                    self.role = Some(role.clone());
                    items.push(StreamItem::Role(role));
                }
            }
            let text = match choice.delta.content {
                Some(MessageContent::Text(text)) => text,
                Some(chunks) => chunks.text().into_owned(),
                None => String::new(),
            };
            if !text.is_empty() {
                self.text.push_str(&text);
                items.push(StreamItem::Delta(text));
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason.clone());
                items.push(StreamItem::Finish(reason));
            }
        }
        if let Some(usage) = payload.usage {
            self.usage = Some(usage);
            items.push(StreamItem::Usage(usage));
        }
        Ok(items)
    }

    /// Converts a decoder error into a [`StreamError`] carrying the text so
    /// far.
    pub fn decoder_error(&self, err: SseError) -> StreamError {
        match err {
            SseError::TooLarge { limit } => StreamError::TooLarge {
                limit,
                partial: self.text.clone(),
            },
        }
    }

    /// Ends the stream, given how the decoder finished.
    ///
    /// After `[DONE]` the result is `Ok` whatever follows. Otherwise it is
    /// [`StreamError::Truncated`] if the decoder discarded an incomplete
    /// event, else [`StreamError::Incomplete`].
    pub fn finish(self, decoder: sse::Finish) -> Result<Summary, StreamError> {
        if self.done {
            Ok(Summary {
                text: self.text,
                finish_reason: self.finish_reason,
                usage: self.usage,
            })
        } else if decoder.is_truncated() {
            Err(StreamError::Truncated { partial: self.text })
        } else {
            Err(StreamError::Incomplete { partial: self.text })
        }
    }

    fn event_error(&self, data: &str) -> StreamError {
        match serde_json::from_str::<Payload>(data) {
            Ok(payload) if payload.is_error() => self.payload_error(payload),
            _ => StreamError::Api {
                message: clean_text(data),
                kind: None,
                code: None,
                partial: self.text.clone(),
            },
        }
    }

    fn payload_error(&self, payload: Payload) -> StreamError {
        let mut info = ErrorInfo::default();
        // `{"error": {...}}` first: it is the more specific object.
        for value in [&payload.error, &payload.message, &payload.detail]
            .into_iter()
            .flatten()
        {
            info.absorb(value, 0);
        }
        for (field, slot) in [
            (&payload.kind, &mut info.kind),
            (&payload.code, &mut info.code),
        ] {
            if slot.is_none() {
                *slot = field.as_ref().and_then(scalar_string);
            }
        }
        StreamError::Api {
            message: info.summary(),
            kind: info.kind,
            code: info.code,
            partial: self.text.clone(),
        }
    }
}

// ---------------------------------------------------------------------------
// HTTP errors
// ---------------------------------------------------------------------------

/// Longest server message kept, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// What kind of failure an HTTP error status means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    /// 400: the request was invalid (e.g. unknown model name).
    BadRequest,
    /// 401: missing or wrong API key.
    Unauthorized,
    /// 403: the key may not use this model or resource.
    Forbidden,
    /// 404: unknown model or wrong API base URL.
    NotFound,
    /// 422: a parameter failed validation.
    Validation,
    /// 429: rate limit, or spending/usage limit.
    RateLimited,
    /// 500, 502, 503, 504: server trouble; retrying helps.
    ServerError,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            422 => ApiErrorKind::Validation,
            429 => ApiErrorKind::RateLimited,
            500 | 502 | 503 | 504 => ApiErrorKind::ServerError,
            _ => ApiErrorKind::Other,
        }
    }
}

/// One entry of a 422 `detail` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationDetail {
    /// Where the problem is, e.g. `["body", "temperature"]`.
    pub loc: Vec<String>,
    /// What is wrong, e.g. `"Input should be less than or equal to 1.5"`.
    pub msg: String,
    /// Machine-readable type, e.g. `"less_than_equal"`.
    pub kind: String,
}

impl fmt::Display for ValidationDetail {
    /// `body.temperature: Input should be less than or equal to 1.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.loc.is_empty() {
            f.write_str(&self.msg)
        } else {
            write!(f, "{}: {}", self.loc.join("."), self.msg)
        }
    }
}

/// Mistral's `x-ratelimit-*` response headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `x-ratelimit-limit-tokens-minute`.
    pub limit_tokens_minute: Option<u64>,
    /// `x-ratelimit-remaining-tokens-minute`.
    pub remaining_tokens_minute: Option<u64>,
    /// `x-ratelimit-limit-req-minute`.
    pub limit_req_minute: Option<u64>,
    /// `x-ratelimit-remaining-req-minute`.
    pub remaining_req_minute: Option<u64>,
    /// `x-ratelimit-limit-tokens-month`.
    pub limit_tokens_month: Option<u64>,
    /// `x-ratelimit-remaining-tokens-month`.
    pub remaining_tokens_month: Option<u64>,
    /// `x-ratelimit-tokens-query-cost`.
    pub tokens_query_cost: Option<u64>,
    /// Any other header whose name contains `ratelimit`, name lowercased.
    pub other: Vec<(String, String)>,
}

impl RateLimit {
    /// Reads the rate-limit headers (names matched case-insensitively;
    /// unparsable values read as absent).
    pub fn from_headers(headers: &[(String, String)]) -> Self {
        let mut limits = RateLimit::default();
        for (name, value) in headers {
            let name = name.trim().to_ascii_lowercase();
            if !name.contains("ratelimit") {
                continue;
            }
            let slot = match name.as_str() {
                "x-ratelimit-limit-tokens-minute" => &mut limits.limit_tokens_minute,
                "x-ratelimit-remaining-tokens-minute" => &mut limits.remaining_tokens_minute,
                "x-ratelimit-limit-req-minute" => &mut limits.limit_req_minute,
                "x-ratelimit-remaining-req-minute" => &mut limits.remaining_req_minute,
                "x-ratelimit-limit-tokens-month" => &mut limits.limit_tokens_month,
                "x-ratelimit-remaining-tokens-month" => &mut limits.remaining_tokens_month,
                "x-ratelimit-tokens-query-cost" => &mut limits.tokens_query_cost,
                _ => {
                    limits.other.push((name, value.trim().to_owned()));
                    continue;
                }
            };
            *slot = value.trim().parse().ok();
        }
        limits
    }

    /// Whether a `remaining` header says a limit is used up (0 left).
    pub fn is_exhausted(&self) -> bool {
        [
            self.remaining_tokens_minute,
            self.remaining_req_minute,
            self.remaining_tokens_month,
        ]
        .contains(&Some(0))
    }
}

/// A failed HTTP response from the Mistral API, classified.
///
/// Built by [`ApiError::from_response`]; [`fmt::Display`] is
/// [`ApiError::message`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Classification of `status`.
    pub kind: ApiErrorKind,
    /// The server's own message, whitespace-collapsed and truncated to
    /// [`MAX_MESSAGE_CHARS`]; `""` if there was none or the body was HTML.
    pub server_message: String,
    /// The error's `type` field, e.g. `"invalid_model"`.
    pub error_type: Option<String>,
    /// The error's `code` field, e.g. `"1500"`.
    pub code: Option<String>,
    /// Validation problems of a 422 (`detail` list).
    pub details: Vec<ValidationDetail>,
    /// Request id, from the body or the `x-request-id` /
    /// `mistral-correlation-id` headers.
    pub request_id: Option<String>,
    /// The body was an HTML (or other markup) page.
    pub html: bool,
    /// Parsed `Retry-After` (see [`ApiError::retry_after`]).
    pub retry_after: Option<Duration>,
    /// Parsed `x-ratelimit-*` headers.
    pub rate_limit: RateLimit,
}

impl ApiError {
    /// Classifies an error response. Never fails: any body (JSON of any
    /// shape, plain text, HTML, empty, invalid) yields an error with a
    /// readable [`message`](ApiError::message).
    pub fn from_response(status: u16, headers: &[(String, String)], body: &str) -> ApiError {
        let header = |wanted: &str| {
            headers
                .iter()
                .find(|(name, _)| name.trim().eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.trim())
        };
        let trimmed = body.trim();
        let html = trimmed.starts_with('<')
            || header("content-type").is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
        let mut info = ErrorInfo::default();
        if !html && !trimmed.is_empty() {
            match serde_json::from_str::<Value>(trimmed) {
                Ok(value) => info.absorb(&value, 0),
                Err(_) => info.message = clean_text(trimmed),
            }
        }
        let retry_after = header("retry-after")
            .and_then(parse_delta_seconds)
            .or_else(|| {
                header("retry-after-ms")
                    .and_then(parse_delta_seconds)
                    .map(|d| d / 1000)
            });
        let request_id = info.request_id.take().or_else(|| {
            ["x-request-id", "mistral-correlation-id", "request-id"]
                .into_iter()
                .find_map(|name| header(name).filter(|v| !v.is_empty()))
                .map(|v| truncate_chars(v, 200).into_owned())
        });
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            server_message: if info.details.is_empty() {
                info.message.clone()
            } else {
                info.summary()
            },
            error_type: info.kind,
            code: info.code,
            details: info.details,
            request_id,
            html,
            retry_after,
            rate_limit: RateLimit::from_headers(headers),
        }
    }

    /// A sentence for the person chatting.
    pub fn message(&self) -> String {
        let status = self.status;
        let html_page = || format!("The server answered with an HTML page (HTTP {status}).");
        let server = self.server_message.as_str();
        match self.kind {
            ApiErrorKind::Unauthorized => "The API key was rejected. Check it in Settings.".into(),
            ApiErrorKind::Forbidden => {
                let mut m =
                    "This API key has no access to this model or resource. Check the model and your plan."
                        .to_owned();
                push_server_note(&mut m, server);
                m
            }
            ApiErrorKind::NotFound => "Unknown model or wrong API address (HTTP 404). \
                 Check the model and the API base URL in Settings."
                .into(),
            ApiErrorKind::BadRequest => {
                if self.html {
                    html_page()
                } else if !server.is_empty() {
                    server.to_owned()
                } else {
                    "The request was rejected (HTTP 400).".into()
                }
            }
            ApiErrorKind::Validation => {
                if self.html {
                    html_page()
                } else if !server.is_empty() {
                    format!("The request was rejected: {server}")
                } else {
                    "The request was rejected (HTTP 422).".into()
                }
            }
            ApiErrorKind::RateLimited => {
                let mut m = match self.retry_after {
                    Some(wait) => {
                        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                        format!("Rate limit reached. Try again in {} s.", secs.max(1))
                    }
                    None => "Rate limit reached. Try again in a few seconds.".to_owned(),
                };
                if !self.rate_limit.is_exhausted() {
                    m.push_str(
                        " If this keeps happening, your workspace may have reached its spending \
                         or usage limit, which Mistral also reports as HTTP 429.",
                    );
                }
                push_server_note(&mut m, server);
                m
            }
            ApiErrorKind::ServerError => {
                if self.html {
                    format!(
                        "{} Mistral's servers may be having trouble; retrying usually helps.",
                        html_page()
                    )
                } else {
                    format!(
                        "Mistral's servers are having trouble (HTTP {status}). Retrying usually helps."
                    )
                }
            }
            ApiErrorKind::Other => {
                if self.html {
                    html_page()
                } else if !server.is_empty() {
                    format!("HTTP {status}: {server}")
                } else {
                    format!("HTTP {status}: {}", reason_phrase(status))
                }
            }
        }
    }

    /// Whether retrying the same request may succeed: exactly statuses 429,
    /// 500, 502, 503 and 504 (the set Mistral's SDKs retry).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504)
    }

    /// The server's requested wait: `Retry-After` as delta-seconds (decimals
    /// accepted), else `retry-after-ms`. The HTTP-date form of `Retry-After`
    /// is ignored (`None`): it needs a trusted clock, and Mistral sends
    /// seconds.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How long to wait before retry number `attempt` (0-based): see
    /// [`backoff`].
    pub fn backoff(&self, attempt: u32) -> Duration {
        backoff(attempt, self.retry_after)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// First retry delay without `Retry-After`.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Longest delay without `Retry-After`.
pub const BACKOFF_MAX: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(60);

/// Delay before retry number `attempt` (0-based), deterministic.
///
/// With a server `retry_after`, that value capped at [`RETRY_AFTER_MAX`].
/// Otherwise exponential: [`BACKOFF_BASE`] × 2^`attempt`, capped at
/// [`BACKOFF_MAX`] (0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s, ...). Add jitter on the
/// caller side if many clients might retry in lockstep.
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(wait) => wait.min(RETRY_AFTER_MAX),
        None => BACKOFF_BASE
            .saturating_mul(1u32 << attempt.min(16))
            .min(BACKOFF_MAX),
    }
}

/// Parses `delta-seconds`, also with a decimal fraction (`"1.5"`). Anything
/// else (HTTP-date, negative, `inf`, exponents) is `None`.
fn parse_delta_seconds(value: &str) -> Option<Duration> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    let secs: f64 = value.trim_end_matches('.').parse().ok()?;
    // Only overflow can fail here (the value is a non-negative decimal).
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

fn push_server_note(message: &mut String, server: &str) {
    if !server.is_empty() {
        message.push_str(" (Mistral: ");
        message.push_str(server);
        message.push(')');
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        402 => "Payment Required",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "unexpected response from the server",
    }
}

/// Error fields gathered from any of the error-body shapes Mistral (and the
/// gateways in front of it) send.
#[derive(Debug, Default)]
struct ErrorInfo {
    message: String,
    kind: Option<String>,
    code: Option<String>,
    details: Vec<ValidationDetail>,
    request_id: Option<String>,
}

/// Most validation details shown in a message.
const MAX_DETAILS: usize = 5;

impl ErrorInfo {
    /// Collects fields from `value`, first found wins. Handles
    /// `{"message": "..."}`, `{"message": {"detail": [...]}}`,
    /// `{"detail": "..."}`, `{"detail": [{"loc", "msg", "type"}]}`,
    /// `{"error": {...}}` and a bare string.
    fn absorb(&mut self, value: &Value, depth: u32) {
        if depth > 4 {
            return;
        }
        match value {
            Value::String(s) if self.message.is_empty() => self.message = clean_text(s),
            Value::Array(items) => {
                for item in items {
                    if self.details.len() >= MAX_DETAILS {
                        break;
                    }
                    match item {
                        Value::Object(obj)
                            if obj.contains_key("msg") || obj.contains_key("loc") =>
                        {
                            self.details.push(validation_detail(obj));
                        }
                        _ => {}
                    }
                }
            }
            Value::Object(obj) => {
                for key in ["error", "message", "detail", "msg"] {
                    if let Some(inner) = obj.get(key) {
                        self.absorb(inner, depth + 1);
                    }
                }
                let fill = |slot: &mut Option<String>, key: &str| {
                    if slot.is_none() {
                        *slot = obj.get(key).and_then(scalar_string);
                    }
                };
                fill(&mut self.kind, "type");
                fill(&mut self.code, "code");
                fill(&mut self.request_id, "request_id");
            }
            _ => {}
        }
    }

    /// The details joined (`"loc: msg; loc: msg"`), else the message.
    fn summary(&self) -> String {
        if self.details.is_empty() {
            return self.message.clone();
        }
        let joined = self
            .details
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        truncate_chars(&joined, MAX_MESSAGE_CHARS).into_owned()
    }
}

fn validation_detail(obj: &serde_json::Map<String, Value>) -> ValidationDetail {
    let loc = match obj.get("loc") {
        Some(Value::Array(parts)) => parts.iter().filter_map(scalar_string).take(10).collect(),
        Some(other) => scalar_string(other).into_iter().collect(),
        None => Vec::new(),
    };
    ValidationDetail {
        loc,
        msg: obj
            .get("msg")
            .and_then(scalar_string)
            .map(|m| clean_text(&m))
            .unwrap_or_default(),
        kind: obj.get("type").and_then(scalar_string).unwrap_or_default(),
    }
}

/// A string or number as text; anything else (null, objects) is `None`.
fn scalar_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(truncate_chars(s, 100).into_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whitespace runs (including newlines) collapsed to one space, control
/// characters dropped, truncated to [`MAX_MESSAGE_CHARS`].
fn clean_text(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
        if out.len() > MAX_MESSAGE_CHARS * 4 {
            break;
        }
    }
    truncate_chars(&out, MAX_MESSAGE_CHARS).into_owned()
}

/// At most `max` characters, with `…` appended when cut.
fn truncate_chars(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_chars_respects_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé…");
        assert_eq!(truncate_chars("héllo", 5), "héllo");
    }

    #[test]
    fn delta_seconds_grammar() {
        assert_eq!(parse_delta_seconds("5"), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_delta_seconds("1.5"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_delta_seconds("2."), Some(Duration::from_secs(2)));
        for bad in [
            "",
            ".5",
            "-1",
            "inf",
            "NaN",
            "1e3",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(parse_delta_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn clean_text_collapses_whitespace() {
        assert_eq!(clean_text("  a \n\t b\u{7}c "), "a bc");
    }
}

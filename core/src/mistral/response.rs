//! Response wire types: completions, streamed chunks, usage, finish reasons and the model list.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

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
/// Only [`ContentChunk::Text`] is the answer. A `thinking` chunk is a reasoning model's trace,
/// reported apart ([`super::StreamItem::Thinking`]) and shown collapsed above the answer; a
/// `tool_reference` is a cited [`Source`]; `image_url`, `reference` and unknown future kinds
/// are parsed (so they are not mistaken for a malformed stream) and skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentChunk {
    /// `{"type": "text", "text": "..."}`: displayed.
    Text {
        /// The text.
        #[serde(default, deserialize_with = "nullable")]
        text: String,
    },
    /// `{"type": "thinking", "thinking": [...]}`: a reasoning trace.
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
    /// `{"type": "tool_reference", "tool", "title", "url"?, "favicon"?, "description"?}`: a
    /// source a built-in tool (web search, document library) used, shown under the answer.
    ToolReference {
        /// The tool, e.g. `web_search`.
        #[serde(default, deserialize_with = "nullable")]
        tool: String,
        /// The source's title.
        #[serde(default, deserialize_with = "nullable")]
        title: String,
        /// Its address.
        #[serde(default, deserialize_with = "lenient")]
        url: Option<String>,
    },
    /// Any other `type`: skipped.
    #[serde(other)]
    Unknown,
}

/// A source an answer cites, from a [`ContentChunk::ToolReference`]. Favicons are not kept:
/// the widget never loads anything from a source's site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The title, shown as text.
    pub title: String,
    /// The address: only `http(s)` URLs are kept (see [`Source::from_chunk`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The tool that found it (`web_search`, `document_library`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tool: String,
}

impl Source {
    /// The source of a `tool_reference` chunk; `None` for other chunks and for a reference
    /// with neither a title nor a usable URL. A URL that is not `http:` or `https:` is
    /// dropped (a `javascript:` link must never become clickable).
    pub fn from_chunk(chunk: &ContentChunk) -> Option<Source> {
        let ContentChunk::ToolReference { tool, title, url } = chunk else {
            return None;
        };
        let url = url
            .as_deref()
            .map(str::trim)
            .filter(|u| crate::text::is_http_url(u))
            .map(str::to_owned);
        let title = crate::text::one_line(title, 300);
        if title.is_empty() && url.is_none() {
            return None;
        }
        Some(Source {
            title,
            url,
            tool: tool.clone(),
        })
    }
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

/// What the widget reads of `GET /v1/models`: each chat model's id and capability flags, in
/// listed order, without duplicates. A lean reading of the same body as [`ModelList`] (whose
/// other fields cost wasm bytes the widget does not need); entries that are not chat models
/// are left out, as in [`ModelList::chat_model_ids`].
pub fn chat_model_cards(json: &str) -> Result<Vec<(String, Option<ModelCapabilities>)>, String> {
    // By hand, like the stream (see `from_json`): the same reading as `ModelList`'s derive.
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let o = from_json::object(&v, "models")?;
    let cards = from_json::opt_list(o, "data", |card| {
        let c = from_json::object(card, "data")?;
        let id = match c.get("id") {
            Some(Value::String(id)) => id.clone(),
            _ => String::new(),
        };
        Ok((id, c.get("capabilities").and_then(capabilities)))
    })?;
    let mut out: Vec<(String, Option<ModelCapabilities>)> = Vec::new();
    for (id, capabilities) in cards.unwrap_or_default() {
        let chat = capabilities.as_ref().is_none_or(|c| c.completion_chat);
        if chat && !id.is_empty() && !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, capabilities));
        }
    }
    Ok(out)
}

/// Capability flags from a `capabilities` object (a flag that is not a boolean reads as
/// false); `None` if it is not an object.
fn capabilities(v: &Value) -> Option<ModelCapabilities> {
    let o = v.as_object()?;
    let flag = |name: &str| matches!(o.get(name), Some(Value::Bool(true)));
    Some(ModelCapabilities {
        completion_chat: flag("completion_chat"),
        completion_fim: flag("completion_fim"),
        function_calling: flag("function_calling"),
        fine_tuning: flag("fine_tuning"),
        vision: flag("vision"),
        reasoning: flag("reasoning"),
        classification: flag("classification"),
    })
}

/// One entry of a [`ModelList`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Model id to put in [`ChatRequest::model`](super::ChatRequest::model) (`""` if the entry had
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
    /// Takes `reasoning_effort` / thinks before answering.
    #[serde(deserialize_with = "lenient_default")]
    pub reasoning: bool,
    /// Classification.
    #[serde(deserialize_with = "lenient_default")]
    pub classification: bool,
}

/// `null` reads as the default value.
pub(super) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
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

/// Reading the streamed wire types from a parsed [`Value`], by hand.
///
/// The same rules as the types' derived `Deserialize` (a property test holds them equal): a
/// missing or `null` field reads as the default where the derive says `nullable`, a value of
/// the wrong type is an error, except where the derive says `lenient` (then it reads as
/// absent). Why by hand: the stream is parsed in the browser, and the derived visitors of these
/// types (an internally tagged enum among them, which buffers every value) cost about 40 KB of
/// wasm; walking a `Value` costs a few.
pub(crate) mod from_json {
    use serde_json::{Map, Value};

    use super::{
        ChunkChoice, ContentChunk, Delta, FinishReason, FunctionCall, MessageContent, ToolCall,
        Usage,
    };

    /// A wire reading error, in words (it goes in a malformed stream's detail).
    pub type Result<T> = std::result::Result<T, String>;

    /// "invalid type for `field`: expected …": the words of every wire reading error.
    pub(crate) fn wrong(field: &str, expected: &str) -> String {
        format!("invalid type for `{field}`: expected {expected}")
    }

    /// An object, or an error naming `what`.
    pub fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>> {
        v.as_object().ok_or_else(|| wrong(what, "an object"))
    }

    /// The field `name` of `o`, `None` when missing or `null`.
    pub fn field<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
        o.get(name).filter(|v| !v.is_null())
    }

    /// A string field: `None` when missing or `null`.
    pub fn opt_string(o: &Map<String, Value>, name: &str) -> Result<Option<String>> {
        match field(o, name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(wrong(name, "a string")),
        }
    }

    /// A string field: `""` when missing or `null`.
    pub fn string(o: &Map<String, Value>, name: &str) -> Result<String> {
        Ok(opt_string(o, name)?.unwrap_or_default())
    }

    /// A `u32` field: `None` when missing or `null`.
    pub fn opt_u32(o: &Map<String, Value>, name: &str) -> Result<Option<u32>> {
        match field(o, name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| wrong(name, "a u32")),
        }
    }

    /// A `u32` field: 0 when missing or `null`.
    pub fn u32_or_zero(o: &Map<String, Value>, name: &str) -> Result<u32> {
        Ok(opt_u32(o, name)?.unwrap_or(0))
    }

    /// A list field, each item read by `item`: `None` when missing or `null`.
    pub fn opt_list<T>(
        o: &Map<String, Value>,
        name: &str,
        item: impl Fn(&Value) -> Result<T>,
    ) -> Result<Option<Vec<T>>> {
        match field(o, name) {
            None => Ok(None),
            Some(Value::Array(items)) => items.iter().map(item).collect::<Result<_>>().map(Some),
            Some(_) => Err(wrong(name, "a list")),
        }
    }

    /// Token counts.
    pub fn usage(v: &Value) -> Result<Usage> {
        let o = object(v, "usage")?;
        Ok(Usage {
            prompt_tokens: u32_or_zero(o, "prompt_tokens")?,
            completion_tokens: u32_or_zero(o, "completion_tokens")?,
            total_tokens: u32_or_zero(o, "total_tokens")?,
        })
    }

    /// One choice's increment.
    pub fn chunk_choice(v: &Value) -> Result<ChunkChoice> {
        let o = object(v, "choices")?;
        Ok(ChunkChoice {
            index: u32_or_zero(o, "index")?,
            delta: match field(o, "delta") {
                None => Delta::default(),
                Some(d) => delta(d)?,
            },
            finish_reason: opt_string(o, "finish_reason")?.map(|r| FinishReason::parse(&r)),
        })
    }

    fn delta(v: &Value) -> Result<Delta> {
        let o = object(v, "delta")?;
        Ok(Delta {
            role: opt_string(o, "role")?,
            content: match field(o, "content") {
                None => None,
                Some(c) => Some(message_content(c)?),
            },
            tool_calls: opt_list(o, "tool_calls", tool_call)?,
        })
    }

    /// Text, or a list of typed chunks.
    pub fn message_content(v: &Value) -> Result<MessageContent> {
        match v {
            Value::String(s) => Ok(MessageContent::Text(s.clone())),
            Value::Array(items) => items
                .iter()
                .map(content_chunk)
                .collect::<Result<_>>()
                .map(MessageContent::Chunks),
            _ => Err(wrong("content", "a string or a list of content chunks")),
        }
    }

    /// One typed chunk, by its `type`.
    pub fn content_chunk(v: &Value) -> Result<ContentChunk> {
        let o = object(v, "content chunk")?;
        let kind = match o.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(_) => return Err(wrong("type", "a string")),
            None => return Err("missing field `type`".to_owned()),
        };
        Ok(match kind {
            "text" => ContentChunk::Text {
                text: string(o, "text")?,
            },
            // Lenient: a thinking list that cannot be read is an empty one.
            "thinking" => ContentChunk::Thinking {
                thinking: opt_list(o, "thinking", content_chunk)
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            },
            "image_url" => ContentChunk::ImageUrl {
                image_url: o.get("image_url").cloned().unwrap_or(Value::Null),
            },
            "reference" => ContentChunk::Reference {
                reference_ids: match o.get("reference_ids") {
                    Some(Value::Array(ids)) => ids.clone(),
                    _ => Vec::new(),
                },
            },
            "tool_reference" => ContentChunk::ToolReference {
                tool: string(o, "tool")?,
                title: string(o, "title")?,
                url: match o.get("url") {
                    Some(Value::String(url)) => Some(url.clone()),
                    _ => None,
                },
            },
            _ => ContentChunk::Unknown,
        })
    }

    /// A tool call increment.
    pub fn tool_call(v: &Value) -> Result<ToolCall> {
        let o = object(v, "tool_calls")?;
        Ok(ToolCall {
            id: opt_string(o, "id")?,
            kind: opt_string(o, "type")?,
            function: match field(o, "function") {
                None => FunctionCall::default(),
                Some(f) => {
                    let f = object(f, "function")?;
                    FunctionCall {
                        name: string(f, "name")?,
                        arguments: f.get("arguments").cloned().unwrap_or(Value::Null),
                    }
                }
            },
            index: opt_u32(o, "index")?,
        })
    }
}

#[cfg(test)]
mod tests {
    //! `from_json` reads what the derived `Deserialize` reads, and fails where it fails.

    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::json_gen::{same, Gen};

    const WORDS: &[&str] = &[
        "text",
        "thinking",
        "image_url",
        "reference",
        "tool_reference",
        "other",
        "assistant",
        "stop",
        "length",
        "tool_calls",
        "",
        "https://example.com",
    ];

    /// Objects of the wire's fields, a field present more often than not.
    const GEN: Gen = Gen {
        words: WORDS,
        right: 4,
        present: 0.6,
    };

    fn scalar() -> BoxedStrategy<Value> {
        GEN.scalar()
    }

    fn list(item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        GEN.list(item)
    }

    fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
        GEN.object(fields)
    }

    fn chunk(depth: u32) -> BoxedStrategy<Value> {
        // A numeric `type` would pick an enum variant by index in serde; the wire never does.
        let kind = prop_oneof![
            6 => prop::sample::select(&["text", "thinking", "image_url", "reference", "tool_reference", "new_kind"][..]).prop_map(Value::from),
            1 => prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from)],
        ];
        let thinking = if depth == 0 {
            scalar()
        } else {
            list(chunk(depth - 1))
        };
        object(vec![
            ("type", kind.boxed()),
            ("text", scalar()),
            ("thinking", thinking),
            ("image_url", scalar()),
            ("reference_ids", list(scalar())),
            ("tool", scalar()),
            ("title", scalar()),
            ("url", scalar()),
        ])
    }

    fn tool_call() -> BoxedStrategy<Value> {
        object(vec![
            ("id", scalar()),
            ("type", scalar()),
            (
                "function",
                object(vec![("name", scalar()), ("arguments", scalar())]),
            ),
            ("index", scalar()),
        ])
    }

    fn choice() -> BoxedStrategy<Value> {
        let content = prop_oneof![scalar(), list(chunk(2))].boxed();
        let delta = object(vec![
            ("role", scalar()),
            ("content", content),
            ("tool_calls", list(tool_call())),
        ]);
        object(vec![
            ("index", scalar()),
            ("delta", delta),
            ("finish_reason", scalar()),
        ])
    }

    fn usage() -> BoxedStrategy<Value> {
        object(vec![
            ("prompt_tokens", scalar()),
            ("completion_tokens", scalar()),
            ("total_tokens", scalar()),
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn chunk_choices_read_as_the_derive_reads_them(v in choice()) {
            same(&v, from_json::chunk_choice(&v));
        }

        #[test]
        fn content_chunks_read_as_the_derive_reads_them(v in chunk(2)) {
            same(&v, from_json::content_chunk(&v));
        }

        #[test]
        fn tool_calls_read_as_the_derive_reads_them(v in tool_call()) {
            same(&v, from_json::tool_call(&v));
        }

        #[test]
        fn usage_reads_as_the_derive_reads_it(v in usage()) {
            same(&v, from_json::usage(&v));
        }
    }

    #[test]
    fn model_cards_read_as_the_model_list_reads_them() {
        let body = r#"{"object":"list","data":[
            {"id":"a","capabilities":{"completion_chat":true,"vision":true}},
            {"id":"b","capabilities":{"completion_chat":false}},
            {"id":"c"},
            {"id":"a","capabilities":{"completion_chat":true}},
            {"id":7,"capabilities":{"completion_chat":true}},
            {"id":"d","capabilities":"yes"},
            {"id":"e","capabilities":{"completion_chat":true,"reasoning":"sure"}}
        ]}"#;
        let list: ModelList = serde_json::from_str(body).unwrap();
        let cards = chat_model_cards(body).unwrap();
        let ids: Vec<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, list.chat_model_ids());
        for (id, caps) in &cards {
            let info = list.data.iter().find(|m| m.id == *id).unwrap();
            assert_eq!(*caps, info.capabilities, "{id}");
        }
        assert!(chat_model_cards(r#"{"data":[1]}"#).is_err());
        assert!(chat_model_cards(r#"{"data":{}}"#).is_err());
        assert_eq!(chat_model_cards(r#"{"data":null}"#), Ok(vec![]));
    }
}

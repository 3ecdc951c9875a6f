//! Mapping a streamed response's server-sent events to [`StreamItem`]s, keeping every byte of
//! text received before a problem.

use serde_json::Value;

use super::error::{scalar_string, ErrorBody, MAX_MESSAGE_CHARS};
use super::response::{
    from_json, ChunkChoice, ContentChunk, FinishReason, MessageContent, Source, Usage,
};
use super::tools::{ToolCallCollector, ToolInvocation};
use crate::i18n::Strings;
use crate::sse::{self, SseError};
use crate::text::{clean_text, truncate};

/// What one server-sent event of a streamed completion contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamItem {
    /// The assistant's role, reported once (when first seen or when it
    /// changes).
    Role(String),
    /// New answer text, to append.
    Delta(String),
    /// New reasoning text (a `thinking` chunk of a reasoning model), to append to the
    /// message's thinking, apart from the answer.
    Thinking(String),
    /// The finish reason. May in principle come more than once; the last one
    /// wins (see [`StreamMapper::finish_reason`]).
    Finish(FinishReason),
    /// Token accounting.
    Usage(Usage),
    /// A source the answer cites (a `tool_reference` chunk: web search, document library).
    Source(Source),
    /// A citation (a `reference` chunk): ids of documents the page's tools returned, in
    /// Mistral's citation format (see [`crate::chat::Conversation::cite`]).
    Reference(Vec<String>),
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

    /// A sentence for the person chatting, in English (see
    /// [`user_message_in`](Self::user_message_in)).
    pub fn user_message(&self) -> String {
        self.user_message_in(&Strings::english())
    }

    /// A sentence for the person chatting, in the widget's language.
    pub fn user_message_in(&self, s: &Strings) -> String {
        match self {
            StreamError::Api { message, .. } if !message.is_empty() => {
                let stop = if message.ends_with(['.', '!', '?', '…']) {
                    ""
                } else {
                    "."
                };
                let detail = format!("{message}{stop}");
                Strings::fill_named(s.error_stream_api_detail(), &[("detail", &detail)])
            }
            StreamError::Api { .. } => s.error_stream_api().clone(),
            StreamError::Malformed { .. } => s.error_stream_malformed().clone(),
            StreamError::Incomplete { .. } => s.error_stream_incomplete().clone(),
            StreamError::Truncated { .. } => s.error_stream_truncated().clone(),
            StreamError::TooLarge { limit, .. } => Strings::fill(s.error_stream_too_large(), limit),
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
    /// The tools the model asked to call (`delta.tool_calls`), in order.
    pub tool_calls: Vec<ToolInvocation>,
}

/// The part of a `data:` payload the mapper reads: a chunk, or an error
/// object. Unknown fields (`id`, `model`, ...) are skipped.
struct Payload {
    object: String,
    choices: Vec<ChunkChoice>,
    usage: Option<Usage>,
    error: Option<Value>,
    message: Option<Value>,
    detail: Option<Value>,
    kind: Option<Value>,
    code: Option<Value>,
}

impl Payload {
    /// Parses a `data:` payload (see [`from_json`] for why by hand).
    fn parse(data: &str) -> Result<Payload, String> {
        let v: Value = serde_json::from_str(data).map_err(|e| e.to_string())?;
        let o = from_json::object(&v, "payload")?;
        let other = |name: &str| from_json::field(o, name).cloned();
        Ok(Payload {
            object: from_json::string(o, "object")?,
            choices: from_json::opt_list(o, "choices", from_json::chunk_choice)?
                .unwrap_or_default(),
            usage: from_json::field(o, "usage")
                .map(from_json::usage)
                .transpose()?,
            error: other("error"),
            message: other("message"),
            detail: other("detail"),
            kind: other("type"),
            code: other("code"),
        })
    }

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
    tools: ToolCallCollector,
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

    /// The tool calls received so far, taken out (e.g. once `[DONE]` arrived).
    pub fn take_tool_calls(&mut self) -> Vec<ToolInvocation> {
        std::mem::take(&mut self.tools).finish()
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
        let payload = Payload::parse(data).map_err(|e| StreamError::Malformed {
            // Quoted by hand, not with `{:?}`: the release wasm is built with -Zfmt-debug=none.
            detail: format!(
                "{e} in \"{}\"",
                crate::text::escape_quoted(&truncate(data, 121))
            ),
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
            let mut text = String::new();
            match choice.delta.content {
                Some(MessageContent::Text(t)) => text = t,
                Some(MessageContent::Chunks(chunks)) => {
                    for chunk in chunks {
                        match chunk {
                            ContentChunk::Text { text: piece } => text.push_str(&piece),
                            ContentChunk::Thinking { thinking } => {
                                // Keep the order: answer text before this thinking goes first.
                                if !text.is_empty() {
                                    self.text.push_str(&text);
                                    items.push(StreamItem::Delta(std::mem::take(&mut text)));
                                }
                                // Mistral may cite inside the thinking (tool_reference).
                                let mut thought = String::new();
                                for c in &thinking {
                                    match c {
                                        ContentChunk::Text { text } => thought.push_str(text),
                                        other => {
                                            if let Some(source) = Source::from_chunk(other) {
                                                items.push(StreamItem::Source(source));
                                            }
                                        }
                                    }
                                }
                                if !thought.is_empty() {
                                    items.push(StreamItem::Thinking(thought));
                                }
                            }
                            ContentChunk::Reference { reference_ids } => {
                                let ids: Vec<String> = reference_ids
                                    .iter()
                                    .filter_map(|id| match id {
                                        Value::String(s) => Some(s.clone()),
                                        Value::Number(n) => Some(n.to_string()),
                                        _ => None,
                                    })
                                    .collect();
                                if !ids.is_empty() {
                                    items.push(StreamItem::Reference(ids));
                                }
                            }
                            other => {
                                if let Some(source) = Source::from_chunk(&other) {
                                    items.push(StreamItem::Source(source));
                                }
                            }
                        }
                    }
                }
                None => {}
            }
            if let Some(calls) = choice.delta.tool_calls {
                self.tools.push(calls);
            }
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
                tool_calls: self.tools.finish(),
            })
        } else if decoder.is_truncated() {
            Err(StreamError::Truncated { partial: self.text })
        } else {
            Err(StreamError::Incomplete { partial: self.text })
        }
    }

    fn event_error(&self, data: &str) -> StreamError {
        match Payload::parse(data) {
            Ok(payload) if payload.is_error() => self.payload_error(payload),
            _ => StreamError::Api {
                message: clean_text(data, MAX_MESSAGE_CHARS),
                kind: None,
                code: None,
                partial: self.text.clone(),
            },
        }
    }

    fn payload_error(&self, payload: Payload) -> StreamError {
        let mut info = ErrorBody::default();
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

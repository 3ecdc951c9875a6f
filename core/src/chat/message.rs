//! One message of a conversation, its lifecycle state and the error of a failed reply.

use serde::{Deserialize, Serialize};

use super::time::{millis, millis_opt};
use crate::error::ErrorKind;
use crate::i18n::Strings;
use crate::mistral::{ApiError, Role, Source, StreamError, ToolInvocation, Usage};

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageState {
    /// An assistant reply still arriving.
    Streaming,
    /// Complete (every user message is `Done`).
    Done,
    /// The user stopped the reply; the partial text is kept.
    Stopped,
    /// The reply was streaming when the page was closed or reloaded; the partial text is kept.
    Interrupted,
    /// The reply failed; the partial text and the [`ErrorInfo`] are kept. Serialized as
    /// `"error"`.
    #[serde(rename = "error", alias = "failed")]
    Failed,
}

impl MessageState {
    /// The name used in `data-state` and in JSON: `streaming`, `done`, `stopped`,
    /// `interrupted` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Streaming => "streaming",
            MessageState::Done => "done",
            MessageState::Stopped => "stopped",
            MessageState::Interrupted => "interrupted",
            MessageState::Failed => "error",
        }
    }
}

/// The visitor's verdict on an assistant reply (thumbs up / down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Feedback {
    /// "Good reply".
    Up,
    /// "Bad reply".
    Down,
}

impl Feedback {
    /// `up` or `down`, as in JSON and in the `tinychat:feedback` event.
    pub fn as_str(self) -> &'static str {
        match self {
            Feedback::Up => "up",
            Feedback::Down => "down",
        }
    }
}

/// Why a reply failed, for the person chatting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// What kind of failure (the widget exposes it as `data-error`).
    pub kind: ErrorKind,
    /// The sentence shown, in the widget's language when it failed.
    pub message: String,
    /// Whether sending the same request again may succeed.
    #[serde(default)]
    pub retryable: bool,
}

impl ErrorInfo {
    /// An error of `kind` with a user-facing `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>, retryable: bool) -> Self {
        ErrorInfo {
            kind,
            message: message.into(),
            retryable,
        }
    }

    /// An HTTP error: kind from the status, sentence in the language of `strings`, and
    /// whether a retry may help.
    pub fn from_api(err: &ApiError, strings: &Strings) -> Self {
        ErrorInfo::new(err.kind, err.message_in(strings), err.is_retryable())
    }

    /// A stream that reported an error or broke off: kind [`ErrorKind::Stream`], retryable.
    pub fn from_stream(err: &StreamError, strings: &Strings) -> Self {
        ErrorInfo::new(ErrorKind::Stream, err.user_message_in(strings), true)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Unique within its conversation, never reused (a late delta for a deleted reply cannot
    /// land in a newer one).
    pub id: u64,
    /// [`Role::User`] or [`Role::Assistant`] (never [`Role::System`]: the system prompt is
    /// [`Conversation::system_prompt`](super::Conversation::system_prompt)).
    pub role: Role,
    /// The text (Markdown for the assistant; user text is shown as written).
    pub text: String,
    /// Lifecycle state.
    pub state: MessageState,
    /// Token usage of an assistant reply, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Model that wrote an assistant reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// When the message was created (ms since the epoch).
    #[serde(with = "millis")]
    pub created_ms: f64,
    /// When a reply ended (done, stopped or failed).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "millis_opt")]
    pub finished_ms: Option<f64>,
    /// Why a [`MessageState::Failed`] reply failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    /// The visitor's feedback on an assistant reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// A greeting: shown, never sent to the API, not part of text exports.
    #[serde(default, skip_serializing_if = "is_false")]
    pub local_only: bool,
    /// An assistant reply that asked for the page's tools: the calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolInvocation>,
    /// A [`Role::Tool`] message: the call it answers (its `text` is the result sent back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call: Option<ToolInvocation>,
    /// A tool message whose handler failed (threw, timed out, unknown tool): its text is the
    /// `{"error": …}` the model got.
    #[serde(default, skip_serializing_if = "is_false")]
    pub tool_failed: bool,
    /// A reasoning model's thinking before the answer (shown collapsed, never copied, sent back
    /// to the model as a thinking chunk).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub thinking: String,
    /// How long the model thought, in ms (from the request to the first answer text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thought_ms: Option<f64>,
    /// The sources the answer cites, in order, without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// Images the user attached, sent with the message (vision models).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<Image>,
}

/// An image attached to a user message: already downscaled by the widget, kept as a data URL
/// with the conversation (and in its JSON export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// The file's name (the thumbnail's `alt`, `[image: name]` in text exports).
    pub name: String,
    /// `data:image/…;base64,…`.
    pub data_url: String,
    /// Width in pixels, as sent.
    #[serde(default)]
    pub width: u32,
    /// Height in pixels, as sent.
    #[serde(default)]
    pub height: u32,
}

impl Message {
    /// A new message of `role` with `text`, in `state`, every optional field unset.
    pub fn new(id: u64, role: Role, text: String, state: MessageState, created_ms: f64) -> Self {
        Message {
            id,
            role,
            text,
            state,
            usage: None,
            model: None,
            created_ms,
            finished_ms: None,
            error: None,
            feedback: None,
            local_only: false,
            tool_calls: Vec::new(),
            tool_call: None,
            tool_failed: false,
            thinking: String::new(),
            thought_ms: None,
            sources: Vec::new(),
            images: Vec::new(),
        }
    }

    /// Whether this message can be sent back as context (tool calls are paired with their
    /// results by [`Conversation::request_messages`](super::Conversation::request_messages)).
    pub(super) fn is_sendable(&self) -> bool {
        if self.local_only {
            return false;
        }
        match self.role {
            Role::User => true,
            Role::Assistant => {
                !matches!(self.state, MessageState::Failed | MessageState::Streaming)
                    && (!self.text.trim().is_empty()
                        || (self.state == MessageState::Done && !self.tool_calls.is_empty()))
            }
            Role::Tool => self.state == MessageState::Done && self.tool_call.is_some(),
            Role::System => false,
        }
    }

    /// An assistant message that only carried tool calls (nothing to show as a reply).
    pub fn is_tool_request(&self) -> bool {
        self.role == Role::Assistant && !self.tool_calls.is_empty() && self.text.trim().is_empty()
    }
}

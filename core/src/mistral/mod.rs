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

pub mod error;
pub mod models;
pub mod request;
pub mod response;
pub mod stream;
pub mod tools;

pub use crate::error::ErrorKind;
pub use error::{
    backoff, ApiError, RateLimit, ValidationDetail, BACKOFF_BASE, BACKOFF_MAX, MAX_MESSAGE_CHARS,
    RETRY_AFTER_MAX,
};
pub use models::{sees_images, takes_reasoning_effort};
pub use request::{ChatMessage, ChatRequest, Role};
pub use response::{
    chat_model_cards, ChatCompletion, ChatCompletionChunk, ChunkChoice, CompletionChoice,
    ContentChunk, Delta, FinishReason, FunctionCall, MessageContent, ModelCapabilities, ModelInfo,
    ModelList, ResponseMessage, Source, ToolCall, Usage,
};
pub use stream::{StreamError, StreamItem, StreamMapper, Summary};
pub use tools::{
    is_valid_tool_name, parse_tool_specs, Tool, ToolCallCollector, ToolChoice, ToolInvocation,
    ToolOutcome, ToolSpec, WireToolCall,
};

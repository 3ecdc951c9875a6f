//! The streamed reply: server-sent events framed as Mistral sends them, with the stream faults.
//!
//! A normal stream is
//!
//! ```text
//! data: {"id":"cmpl-…","object":"chat.completion.chunk","created":…,"model":…,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}
//!
//! data: {…,"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}
//!
//! …one event per piece, with the delay between pieces…
//!
//! data: {…,"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":…,"completion_tokens":…,"total_tokens":…}}
//!
//! data: [DONE]
//!
//! ```
//!
//! The faults that fire "a few chunks in" do so after [`FAULT_AFTER`] content pieces, or after
//! the last piece when the reply is shorter.

use std::{collections::VecDeque, io, time::Duration};

use axum::body::Body;
use bytes::Bytes;
use futures::{stream, StreamExt};
use serde::Serialize;
use serde_json::Value;

use crate::{
    directives::StreamFaults,
    reply::{estimate_tokens, Pieces},
};

/// How many content pieces are sent before a mid-stream fault fires.
pub const FAULT_AFTER: usize = 3;

/// The truncated event that `[fault:malformed]` sends (framing added).
pub const MALFORMED_EVENT: &str = r#"data: {"id":"x","choices":[{"delta":{"content":"oops""#;

/// The error event that `[fault:stream-error]` sends (framing added).
pub const ERROR_EVENT: &str = r#"data: {"object":"error","message":"Upstream model overloaded","type":"internal_error","param":null,"code":"3000"}"#;

/// The fields every chunk repeats.
#[derive(Clone, Debug)]
pub struct ChunkMeta {
    /// `cmpl-…`.
    pub id: String,
    /// Unix seconds.
    pub created: u64,
    /// The model id as the request gave it.
    pub model: String,
}

/// A `chat.completion.chunk`, its fields in Mistral's order.
#[derive(Serialize)]
struct Chunk<'a> {
    id: &'a str,
    object: &'static str,
    created: u64,
    model: &'a str,
    choices: [ChunkChoice<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<Usage>,
}

#[derive(Serialize)]
struct ChunkChoice<'a> {
    index: u32,
    delta: Delta<'a>,
    finish_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Delta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    content: Content<'a>,
    #[serde(skip_serializing_if = "<[ToolCallOut]>::is_empty")]
    tool_calls: &'a [ToolCallOut],
}

/// `delta.content`: a string, or a list of typed chunks (thinking, references).
#[derive(Serialize)]
#[serde(untagged)]
enum Content<'a> {
    Text(&'a str),
    Chunks(&'a Value),
}

/// A source a reply cites, streamed as a `tool_reference` chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceOut {
    /// The page's title.
    pub title: String,
    /// Its address.
    pub url: String,
}

/// A tool call the reply makes, serialized as Mistral streams it:
/// `{"id", "function": {"name", "arguments"}, "index"}` (`arguments` a JSON string).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToolCallOut {
    /// Nine letters and digits, like Mistral's.
    pub id: String,
    /// Name and arguments.
    pub function: FunctionOut,
    /// Position in the list.
    pub index: u32,
}

/// Name and arguments of a [`ToolCallOut`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionOut {
    /// The function's name.
    pub name: String,
    /// The arguments, a JSON text.
    pub arguments: String,
}

/// `usage`, as in Mistral's replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// The prompt's token estimate.
    pub prompt_tokens: u64,
    /// The reply's token estimate.
    pub completion_tokens: u64,
    /// Their sum.
    pub total_tokens: u64,
}

impl Usage {
    /// `usage` for a prompt of `prompt_tokens` and a reply of `completion_chars` characters.
    pub fn new(prompt_tokens: u64, completion_chars: usize) -> Self {
        let completion_tokens = estimate_tokens(completion_chars);
        Self {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens.saturating_add(completion_tokens),
        }
    }
}

impl ChunkMeta {
    /// The JSON of a chunk with one choice.
    fn chunk(
        &self,
        role: Option<&'static str>,
        content: &str,
        finish_reason: Option<&str>,
        usage: Option<Usage>,
    ) -> String {
        self.chunk_with_tools(role, content, &[], finish_reason, usage)
    }

    /// The JSON of a chunk whose content is a list of typed chunks.
    fn chunk_with_parts(&self, parts: &Value) -> String {
        self.render(
            Delta {
                role: None,
                content: Content::Chunks(parts),
                tool_calls: &[],
            },
            None,
            None,
        )
    }

    /// The JSON of a chunk with one choice that may call tools.
    fn chunk_with_tools(
        &self,
        role: Option<&'static str>,
        content: &str,
        tool_calls: &[ToolCallOut],
        finish_reason: Option<&str>,
        usage: Option<Usage>,
    ) -> String {
        let delta = Delta {
            role,
            content: Content::Text(content),
            tool_calls,
        };
        self.render(delta, finish_reason, usage)
    }

    /// The JSON of a chunk with one choice carrying `delta`.
    fn render(
        &self,
        delta: Delta<'_>,
        finish_reason: Option<&str>,
        usage: Option<Usage>,
    ) -> String {
        let chunk = Chunk {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.created,
            model: &self.model,
            choices: [ChunkChoice {
                index: 0,
                delta,
                finish_reason,
            }],
            usage,
        };
        // Serializing these plain structs cannot fail; an empty object would be visible anyway.
        serde_json::to_string(&chunk).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Everything a stream needs.
pub struct StreamSpec {
    /// The fields every chunk repeats.
    pub meta: ChunkMeta,
    /// The content pieces.
    pub pieces: Pieces,
    /// The pause between content pieces.
    pub delay: Duration,
    /// The faults to apply.
    pub faults: StreamFaults,
    /// The prompt's token estimate, for `usage`.
    pub prompt_tokens: u64,
    /// Tool calls: sent in one chunk instead of content, with `finish_reason: "tool_calls"`.
    pub tool_calls: Vec<ToolCallOut>,
    /// Thinking pieces, streamed before the content as `thinking` chunks (reasoning models).
    pub thinking: Vec<String>,
    /// Sources, streamed after the content: a `reference` chunk, then one `tool_reference`
    /// chunk per source.
    pub sources: Vec<SourceOut>,
    /// Ids of documents the tool results held, cited after the content in a `reference`
    /// chunk (Mistral's citations).
    pub references: Vec<String>,
}

/// The response body of a streamed reply.
pub fn body(spec: StreamSpec) -> Body {
    let bytes = spec.faults.bytes;
    let events = stream::unfold(Generator::new(spec), |mut generator| async move {
        let item = generator.next().await?;
        Some((item, generator))
    });
    if bytes {
        Body::from_stream(one_byte_at_a_time(events))
    } else {
        Body::from_stream(events)
    }
}

/// Splits every item into one-byte items and yields to the runtime between them, so that hyper
/// writes and flushes each byte on its own (a one-byte HTTP chunk).
fn one_byte_at_a_time(
    events: impl futures::Stream<Item = io::Result<Bytes>> + Send + 'static,
) -> impl futures::Stream<Item = io::Result<Bytes>> + Send + 'static {
    events
        .flat_map(|item| {
            let items: Vec<io::Result<Bytes>> = match item {
                Ok(bytes) => (0..bytes.len()).map(|i| Ok(bytes.slice(i..=i))).collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(items)
        })
        .then(|item| async move {
            tokio::task::yield_now().await;
            item
        })
}

/// How long the `drop` fault waits after the last piece before it cuts the connection.
///
/// Long enough for two things to happen first: hyper flushes what came before (an error returned
/// while events are still buffered would drop them too), and the client reads it. A browser
/// discards the body bytes it has received but not yet handed to the page when the connection
/// fails (the stream's queue is emptied on error), so with a short wait a client whose main
/// thread is busy for a moment (compiling a wasm module, under a loaded CI machine) would see
/// fewer pieces than the fault promises: 20 ms lost the last two pieces about once in 15 runs.
pub const DROP_AFTER: Duration = Duration::from_millis(250);

/// Waits [`DROP_AFTER`], then returns the error that makes hyper drop the connection (no
/// terminating chunk).
pub async fn flush_then_abort() -> io::Error {
    tokio::time::sleep(DROP_AFTER).await;
    io::Error::new(io::ErrorKind::ConnectionAborted, "[fault:drop]")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Start,
    Content,
    Final,
    Done,
    Abort,
    End,
}

/// Produces the events one at a time, sleeping where the delay or a fault says.
struct Generator {
    meta: ChunkMeta,
    pieces: Pieces,
    delay: Duration,
    faults: StreamFaults,
    prompt_tokens: u64,
    newline: &'static str,
    phase: Phase,
    queue: VecDeque<Bytes>,
    sent: usize,
    fault_pending: bool,
    tool_calls: Vec<ToolCallOut>,
    thinking: VecDeque<String>,
    sources: Vec<SourceOut>,
    references: Vec<String>,
}

impl Generator {
    fn new(spec: StreamSpec) -> Self {
        Self {
            fault_pending: spec.faults.has_mid_stream_fault(),
            newline: if spec.faults.crlf { "\r\n" } else { "\n" },
            meta: spec.meta,
            pieces: spec.pieces,
            delay: spec.delay,
            faults: spec.faults,
            prompt_tokens: spec.prompt_tokens,
            phase: Phase::Start,
            queue: VecDeque::new(),
            sent: 0,
            tool_calls: spec.tool_calls,
            thinking: spec.thinking.into(),
            sources: spec.sources,
            references: spec.references,
        }
    }

    /// One event line (`data: …` or `: ping`) with its blank line.
    fn event(&self, line: &str) -> Bytes {
        let nl = self.newline;
        Bytes::from(format!("{line}{nl}{nl}"))
    }

    fn data(&self, json: &str) -> Bytes {
        self.event(&format!("data: {json}"))
    }

    async fn next(&mut self) -> Option<io::Result<Bytes>> {
        loop {
            if let Some(bytes) = self.queue.pop_front() {
                return Some(Ok(bytes));
            }
            match self.phase {
                Phase::Start => {
                    let first = self.data(&self.meta.chunk(Some("assistant"), "", None, None));
                    self.queue.push_back(first);
                    self.phase = Phase::Content;
                }
                Phase::Content if !self.thinking.is_empty() => {
                    if let Some(piece) = self.thinking.pop_front() {
                        if self.sent > 0 && !self.delay.is_zero() {
                            tokio::time::sleep(self.delay).await;
                        }
                        let parts = serde_json::json!([{
                            "type": "thinking",
                            "thinking": [{ "type": "text", "text": piece }],
                        }]);
                        let chunk = self.meta.chunk_with_parts(&parts);
                        self.queue.push_back(self.data(&chunk));
                        self.sent += 1;
                    }
                }
                Phase::Content if !self.tool_calls.is_empty() => {
                    let arguments: usize = self
                        .tool_calls
                        .iter()
                        .map(|c| c.function.name.len() + c.function.arguments.len())
                        .sum();
                    let usage = Usage::new(self.prompt_tokens, arguments);
                    let calls = std::mem::take(&mut self.tool_calls);
                    let chunk = self.meta.chunk_with_tools(
                        None,
                        "",
                        &calls,
                        Some("tool_calls"),
                        Some(usage),
                    );
                    self.queue.push_back(self.data(&chunk));
                    self.phase = if self.faults.no_done {
                        Phase::End
                    } else {
                        Phase::Done
                    };
                }
                Phase::Content if self.fault_pending && self.sent >= FAULT_AFTER => {
                    self.fire_fault().await;
                }
                Phase::Content => match self.pieces.next() {
                    Some(piece) => {
                        if self.sent > 0 && !self.delay.is_zero() {
                            tokio::time::sleep(self.delay).await;
                        }
                        if self.faults.ping {
                            self.queue.push_back(self.event(": ping"));
                        }
                        let chunk = self.meta.chunk(None, &piece, None, None);
                        self.queue.push_back(self.data(&chunk));
                        self.sent += 1;
                    }
                    None if self.fault_pending => self.fire_fault().await,
                    None => {
                        let references = std::mem::take(&mut self.references);
                        if !references.is_empty() {
                            let parts = serde_json::json!([
                                { "type": "reference", "reference_ids": references },
                                { "type": "text", "text": "" },
                            ]);
                            let chunk = self.meta.chunk_with_parts(&parts);
                            self.queue.push_back(self.data(&chunk));
                        }
                        let sources = std::mem::take(&mut self.sources);
                        if !sources.is_empty() {
                            let mut parts = vec![serde_json::json!({
                                "type": "reference",
                                "reference_ids": (0..sources.len()).collect::<Vec<_>>(),
                            })];
                            parts.extend(sources.iter().map(|s| {
                                serde_json::json!({
                                    "type": "tool_reference", "tool": "web_search",
                                    "title": s.title, "url": s.url,
                                    "favicon": format!("{}/favicon.ico", s.url.trim_end_matches('/')),
                                    "description": null,
                                })
                            }));
                            let chunk = self.meta.chunk_with_parts(&Value::Array(parts));
                            self.queue.push_back(self.data(&chunk));
                        }
                        self.phase = Phase::Final;
                    }
                },
                Phase::Final => {
                    let usage = Usage::new(self.prompt_tokens, self.pieces.chars());
                    let reason = Some(self.pieces.finish_reason());
                    let last = self.meta.chunk(None, "", reason, Some(usage));
                    if self.faults.ping {
                        self.queue.push_back(self.event(": ping"));
                    }
                    self.queue.push_back(self.data(&last));
                    self.phase = if self.faults.no_done {
                        Phase::End
                    } else {
                        Phase::Done
                    };
                }
                Phase::Done => {
                    self.queue.push_back(self.event("data: [DONE]"));
                    self.phase = Phase::End;
                }
                Phase::Abort => {
                    self.phase = Phase::End;
                    return Some(Err(flush_then_abort().await));
                }
                Phase::End => return None,
            }
        }
    }

    /// Fires the mid-stream faults, in the order stall, malformed, stream-error, drop.
    async fn fire_fault(&mut self) {
        self.fault_pending = false;
        if let Some(stall) = self.faults.stall {
            tokio::time::sleep(stall).await;
        }
        if self.faults.malformed {
            self.queue.push_back(self.event(MALFORMED_EVENT));
        }
        if self.faults.stream_error {
            self.queue.push_back(self.event(ERROR_EVENT));
            self.phase = Phase::End;
        }
        if self.faults.drop {
            self.phase = Phase::Abort;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::Reply;

    async fn collect(text: &str, faults: StreamFaults) -> (String, bool) {
        let spec = StreamSpec {
            meta: ChunkMeta {
                id: "cmpl-1".into(),
                created: 7,
                model: "m".into(),
            },
            pieces: Pieces::new(Reply::Text(text.into()), None),
            delay: Duration::ZERO,
            faults,
            prompt_tokens: 1,
            tool_calls: Vec::new(),
            thinking: Vec::new(),
            sources: Vec::new(),
            references: Vec::new(),
        };
        let mut generator = Generator::new(spec);
        let mut out = String::new();
        while let Some(item) = generator.next().await {
            match item {
                Ok(bytes) => out.push_str(std::str::from_utf8(&bytes).unwrap()),
                Err(_) => return (out, true),
            }
        }
        (out, false)
    }

    #[tokio::test]
    async fn a_stream_is_role_pieces_final_chunk_and_done() {
        let (out, aborted) = collect("Hi there", StreamFaults::default()).await;
        assert!(!aborted);
        let events: Vec<&str> = out.split_terminator("\n\n").collect();
        assert_eq!(events.len(), 5, "{out}");
        assert!(events[0].starts_with(r#"data: {"id":"cmpl-1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#));
        assert!(events[1].contains(r#""delta":{"content":"Hi"}"#));
        assert!(events[2].contains(r#""delta":{"content":" there"}"#));
        assert!(events[3].ends_with(r#""delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#));
        assert_eq!(events[4], "data: [DONE]");
    }

    #[tokio::test]
    async fn a_short_reply_still_fires_its_fault() {
        let faults = StreamFaults {
            drop: true,
            ..StreamFaults::default()
        };
        let (out, aborted) = collect("Hi", faults).await;
        assert!(aborted);
        assert!(out.contains(r#""content":"Hi""#));
        assert!(!out.contains("finish_reason\":\"stop"));
    }

    #[tokio::test]
    async fn stream_error_ends_the_stream_after_the_error_event() {
        let faults = StreamFaults {
            stream_error: true,
            ..StreamFaults::default()
        };
        let (out, aborted) = collect("one two three four five", faults).await;
        assert!(!aborted);
        assert!(out.ends_with(&format!("{ERROR_EVENT}\n\n")));
        assert_eq!(out.matches("\"content\":\"").count(), 1 + FAULT_AFTER);
    }
}

//! Reads the token `usage` out of a reply while it passes through, without holding it back.
//!
//! A stream's usage is in its last `data:` event (Mistral sends it with the final chunk); a JSON
//! reply's is a top-level field. [`UsageTap::feed`] sees each chunk after it has been handed on;
//! it keeps only the current incomplete SSE line (a JSON reply: the body, up to
//! [`MAX_JSON`]), so memory per stream stays small whatever the reply's length. When a reply
//! ends without usage (the visitor left, the upstream dropped), the tokens are estimated from
//! the characters streamed, as Mistral counts roughly four characters per token.

use serde::Deserialize;

/// A JSON reply larger than this is not parsed for usage (the estimate is used instead).
pub const MAX_JSON: usize = 4 * 1024 * 1024;
/// An SSE line longer than this is skipped (no Mistral chunk comes close).
pub const MAX_LINE: usize = 1024 * 1024;

/// Token counts of one reply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    /// Tokens of the prompt (in).
    #[serde(default)]
    pub prompt_tokens: u64,
    /// Tokens of the reply (out).
    #[serde(default)]
    pub completion_tokens: u64,
}

impl Usage {
    /// In plus out.
    pub fn total(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

#[derive(Deserialize)]
struct ChunkView<'a> {
    #[serde(default, borrow)]
    choices: Vec<ChoiceView<'a>>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct ChoiceView<'a> {
    #[serde(default, borrow)]
    delta: Option<DeltaView<'a>>,
}

#[derive(Deserialize)]
struct DeltaView<'a> {
    #[serde(default, borrow)]
    content: Option<std::borrow::Cow<'a, str>>,
}

/// Watches one reply go by.
#[derive(Debug)]
pub struct UsageTap {
    sse: bool,
    buffer: Vec<u8>,
    skipping: bool,
    usage: Option<Usage>,
    content_chars: u64,
}

impl UsageTap {
    /// A tap for a server-sent-event stream (`sse`) or a JSON body.
    pub fn new(sse: bool) -> Self {
        Self {
            sse,
            buffer: Vec::new(),
            skipping: false,
            usage: None,
            content_chars: 0,
        }
    }

    /// Looks at the next piece of the body.
    pub fn feed(&mut self, chunk: &[u8]) {
        if !self.sse {
            if self.buffer.len() + chunk.len() <= MAX_JSON {
                self.buffer.extend_from_slice(chunk);
            } else {
                self.skipping = true;
            }
            return;
        }
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            if self.skipping {
                self.skipping = false;
            } else if self.buffer.is_empty() {
                self.line(&rest[..end]);
            } else {
                self.buffer.extend_from_slice(&rest[..end]);
                let line = std::mem::take(&mut self.buffer);
                self.line(&line);
                self.buffer = line;
                self.buffer.clear();
            }
            rest = &rest[end + 1..];
        }
        if !self.skipping {
            if self.buffer.len() + rest.len() > MAX_LINE {
                self.buffer.clear();
                self.skipping = true;
            } else {
                self.buffer.extend_from_slice(rest);
            }
        }
    }

    fn line(&mut self, line: &[u8]) {
        let Some(data) = line.strip_prefix(b"data:") else {
            return;
        };
        let data = data.strip_prefix(b" ").unwrap_or(data);
        if data.is_empty() || data == b"[DONE]" {
            return;
        }
        if let Ok(chunk) = serde_json::from_slice::<ChunkView>(data) {
            for choice in &chunk.choices {
                if let Some(content) = choice.delta.as_ref().and_then(|d| d.content.as_ref()) {
                    self.content_chars += content.chars().count() as u64;
                }
            }
            if chunk.usage.is_some() {
                self.usage = chunk.usage;
            }
        }
    }

    /// The usage the reply reported, if it got that far.
    pub fn reported(&mut self) -> Option<Usage> {
        if !self.sse && !self.skipping && self.usage.is_none() && !self.buffer.is_empty() {
            self.usage = serde_json::from_slice::<ChunkView>(&self.buffer)
                .ok()
                .and_then(|c| c.usage);
            self.buffer = Vec::new();
        }
        self.usage
    }

    /// The usage reported, or else an estimate: `prompt_estimate` in, a quarter of the streamed
    /// characters out.
    pub fn usage_or_estimate(&mut self, prompt_estimate: u64) -> Usage {
        self.reported().unwrap_or(Usage {
            prompt_tokens: prompt_estimate,
            completion_tokens: self.content_chars.div_ceil(4),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n\
        data: {\"choices\":[{\"delta\":{\"content\":\"Hé \\\"you\\\"\"}}]}\r\n\r\n\
        : ping\n\n\
        data: {\"choices\":[{\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}\n\n\
        data: [DONE]\n\n";

    #[test]
    fn any_chunking_finds_the_same_usage_and_characters() {
        for size in [1, 2, 3, 7, 64, STREAM.len()] {
            let mut tap = UsageTap::new(true);
            for piece in STREAM.as_bytes().chunks(size) {
                tap.feed(piece);
            }
            assert_eq!(tap.content_chars, 8, "chunks of {size}");
            let usage = tap.reported().unwrap();
            assert_eq!(
                (usage.prompt_tokens, usage.completion_tokens, usage.total()),
                (7, 3, 10)
            );
        }
    }

    #[test]
    fn a_cut_stream_is_estimated() {
        let mut tap = UsageTap::new(true);
        tap.feed(&STREAM.as_bytes()[..STREAM.find(": ping").unwrap()]);
        assert_eq!(tap.reported(), None);
        assert_eq!(
            tap.usage_or_estimate(5),
            Usage {
                prompt_tokens: 5,
                completion_tokens: 2
            }
        );
    }

    #[test]
    fn a_json_reply_is_read_at_the_end() {
        let body = br#"{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":4,"completion_tokens":1,"total_tokens":5}}"#;
        let mut tap = UsageTap::new(false);
        for piece in body.chunks(10) {
            tap.feed(piece);
        }
        assert_eq!(tap.reported().unwrap().total(), 5);
    }

    #[test]
    fn an_overlong_line_is_skipped_and_the_next_one_read() {
        let mut tap = UsageTap::new(true);
        tap.feed(b"data: ");
        for _ in 0..(MAX_LINE / 1024 + 2) {
            tap.feed(&[b'x'; 1024]);
        }
        assert!(tap.buffer.is_empty());
        tap.feed(b"\n\ndata: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n");
        assert_eq!(tap.reported().unwrap().total(), 3);
    }
}

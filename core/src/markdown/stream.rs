//! [`StreamingMarkdown`]: a reply rendered while it streams; finished blocks are frozen once.

use super::renderer::render_blocks;
use super::{render, FrozenBlock, StreamUpdate};

/// Incremental renderer for a reply that arrives in deltas.
///
/// The text is split into a *frozen* prefix and an open *tail*. Each [`push`](Self::push)
/// re-renders only the tail, and moves to the frozen prefix every top-level block that can no
/// longer change; the widget appends frozen blocks to the DOM once and replaces only the tail.
/// The work per delta is therefore proportional to the size of the open block (usually one
/// paragraph, list or code block), not to the length of the reply.
///
/// **When is a block final?** After each new complete line, the complete lines of the tail are
/// parsed and every top-level block that is followed by the start of another top-level block
/// is frozen. Markdown's block structure is decided line by line, so a block that has been
/// closed by a later line (a blank line followed by a non-continuation line, a heading, a
/// fence…) cannot be reopened. The still-incomplete last line is never used for that decision
/// (it could still turn into a table delimiter row or a list item). Fenced code blocks, loose
/// lists and indented code keep spanning blank lines exactly as in a full render, because the
/// decision comes from the parser itself rather than from a guess.
///
/// **Invariant:** once [`finish`](Self::finish) is called, the frozen blocks' nodes
/// concatenated equal [`render`] of the full text, and the frozen sources concatenated equal
/// the full text. The one known exception is a *reference-style* link whose definition
/// (`[x]: https://…`) lies in a different block that was frozen separately; such a link
/// renders as text while streaming.
///
/// ```
/// use tinychat_core::markdown::{render, StreamingMarkdown};
/// let mut md = StreamingMarkdown::new();
/// let mut blocks = Vec::new();
/// for delta in ["# Ti", "tle\n\nSome ", "text.\n\n- a\n", "- b"] {
///     let update = md.push(delta);
///     blocks.extend(update.frozen.into_iter().flat_map(|b| b.nodes));
/// }
/// blocks.extend(md.finish().frozen.into_iter().flat_map(|b| b.nodes));
/// assert_eq!(blocks, render("# Title\n\nSome text.\n\n- a\n- b"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct StreamingMarkdown {
    source: String,
    /// Bytes of `source` that belong to frozen blocks.
    frozen_len: usize,
    /// End of the last complete line (just past its `\n`).
    complete_len: usize,
    /// `complete_len` when the freeze check last ran.
    checked_len: usize,
}

impl StreamingMarkdown {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// The full text received so far.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Number of bytes of [`source`](Self::source) that are frozen.
    pub fn frozen_len(&self) -> usize {
        self.frozen_len
    }

    /// The source of the open tail (everything after the frozen blocks).
    pub fn tail_source(&self) -> &str {
        &self.source[self.frozen_len..]
    }

    /// Append a delta; returns the blocks it froze and the re-rendered tail.
    pub fn push(&mut self, delta: &str) -> StreamUpdate {
        let before = self.source.len();
        self.source.push_str(delta);
        if let Some(nl) = memchr::memrchr(b'\n', delta.as_bytes()) {
            self.complete_len = before + nl + 1;
        }
        let frozen = if self.complete_len > self.checked_len {
            self.checked_len = self.complete_len;
            self.freeze_complete_blocks()
        } else {
            Vec::new()
        };
        StreamUpdate {
            frozen,
            tail: render(self.tail_source()),
        }
    }

    /// End of stream: freeze the whole tail. Returns its blocks (the update's `tail` is
    /// empty). Call it once, when the reply is complete; text pushed afterwards starts a new
    /// block.
    pub fn finish(&mut self) -> StreamUpdate {
        let end = self.source.len();
        let frozen = self.freeze(end, true);
        self.complete_len = end;
        self.checked_len = end;
        StreamUpdate {
            frozen,
            tail: Vec::new(),
        }
    }

    /// Parse the complete lines of the tail and freeze every block followed by another block.
    fn freeze_complete_blocks(&mut self) -> Vec<FrozenBlock> {
        self.freeze(self.complete_len, false)
    }

    /// Parse `source[frozen_len..end]` and freeze its top-level blocks: every block followed
    /// by another one, and the last one too if `include_last`.
    fn freeze(&mut self, end: usize, include_last: bool) -> Vec<FrozenBlock> {
        let base = self.frozen_len;
        let text = &self.source[base..end];
        let mut frozen = Vec::new();
        let mut pending = Vec::new();
        let mut block_start = 0;
        let mut blocks = render_blocks(text).into_iter().peekable();
        while let Some(block) = blocks.next() {
            let boundary = match blocks.peek() {
                // Blocks start at a line start in the document; snap the boundary there so
                // that the tail is re-parsed with its indentation intact.
                Some(next) => memchr::memrchr(b'\n', &text.as_bytes()[..next.range.start])
                    .map_or(0, |nl| nl + 1),
                None if include_last => text.len(),
                None => break, // the last block may still grow
            };
            pending.extend(block.nodes);
            // Two blocks sharing a line (not expected) are frozen together.
            if boundary > block_start && boundary >= block.range.start {
                frozen.push(FrozenBlock {
                    source: base + block_start..base + boundary,
                    nodes: std::mem::take(&mut pending),
                });
                block_start = boundary;
            }
        }
        if include_last && block_start < text.len() {
            // Only blank lines or link definitions are left: freeze them, without nodes.
            frozen.push(FrozenBlock {
                source: base + block_start..base + text.len(),
                nodes: pending,
            });
            block_start = text.len();
        }
        self.frozen_len = base + block_start;
        frozen
    }
}

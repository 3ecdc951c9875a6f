//! Safe Markdown → node tree, including incremental rendering of a streaming reply.
//!
//! The widget turns the [`Node`] tree into DOM nodes with `createElement` / `createTextNode`;
//! it never uses `innerHTML`. Safety therefore follows from the types:
//!
//! * [`Tag`] is a closed set of harmless elements — there is no `script`, `img`, `iframe`,
//!   `style`…
//! * attribute *names* are `&'static str` chosen by this module (`href`, `class`, …) and
//!   attribute *values* are set with `setAttribute`, so they cannot break out of anything;
//! * raw HTML in the Markdown (`<script>…`, `<img onerror=…>`) becomes a [`Node::Text`] holding
//!   the literal source, which the browser displays as text;
//! * links are only emitted for absolute `http:`, `https:` and `mailto:` URLs (see
//!   [`safe_href`]); any other destination (`javascript:`, `data:`, relative…) renders the link
//!   text without a link;
//! * images are never loaded: `![alt](url)` becomes a link to the image (when its URL is safe)
//!   whose text is the alt text;
//! * no `style` attribute is ever produced (table alignment uses `tc-align-*` classes), so the
//!   output works under a CSP without `'unsafe-inline'`.
//!
//! [`render`] converts a whole document. [`StreamingMarkdown`] renders a reply while it is
//! being streamed: blocks that can no longer change are *frozen* (rendered once and handed to the
//! widget to append) and only the open tail is re-rendered on each delta.

use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser};

/// An element the renderer may produce. The set is closed: nothing else can reach the DOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// `<p>`
    P,
    /// `<h1>`
    H1,
    /// `<h2>`
    H2,
    /// `<h3>`
    H3,
    /// `<h4>`
    H4,
    /// `<h5>`
    H5,
    /// `<h6>`
    H6,
    /// `<em>`
    Em,
    /// `<strong>`
    Strong,
    /// `<del>` (strikethrough)
    Del,
    /// `<a>`, always with a vetted `href`, `target="_blank"` and `rel="noopener noreferrer"`.
    A,
    /// `<code>` (inline, or inside `<pre>` for code blocks)
    Code,
    /// `<pre>`
    Pre,
    /// `<ul>`
    Ul,
    /// `<ol>`
    Ol,
    /// `<li>`
    Li,
    /// `<blockquote>`
    Blockquote,
    /// `<hr>`
    Hr,
    /// `<br>`
    Br,
    /// `<table>`
    Table,
    /// `<thead>`
    Thead,
    /// `<tbody>`
    Tbody,
    /// `<tr>`
    Tr,
    /// `<th>`
    Th,
    /// `<td>`
    Td,
    /// `<input>`; only ever `type="checkbox" disabled`, for task lists.
    Input,
}

impl Tag {
    /// The lowercase HTML tag name, for `document.createElement`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::P => "p",
            Tag::H1 => "h1",
            Tag::H2 => "h2",
            Tag::H3 => "h3",
            Tag::H4 => "h4",
            Tag::H5 => "h5",
            Tag::H6 => "h6",
            Tag::Em => "em",
            Tag::Strong => "strong",
            Tag::Del => "del",
            Tag::A => "a",
            Tag::Code => "code",
            Tag::Pre => "pre",
            Tag::Ul => "ul",
            Tag::Ol => "ol",
            Tag::Li => "li",
            Tag::Blockquote => "blockquote",
            Tag::Hr => "hr",
            Tag::Br => "br",
            Tag::Table => "table",
            Tag::Thead => "thead",
            Tag::Tbody => "tbody",
            Tag::Tr => "tr",
            Tag::Th => "th",
            Tag::Td => "td",
            Tag::Input => "input",
        }
    }

    /// Whether the element never has children (`<hr>`, `<br>`, `<input>`).
    pub fn is_void(self) -> bool {
        matches!(self, Tag::Hr | Tag::Br | Tag::Input)
    }
}

/// One node of the rendered tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element from the closed [`Tag`] set.
    Element {
        /// The element.
        tag: Tag,
        /// Attributes as `(name, value)`. Names come from this module only; set values with
        /// `setAttribute`.
        attrs: Vec<(&'static str, String)>,
        /// Child nodes, in order.
        children: Vec<Node>,
    },
    /// Text, for `document.createTextNode`. May contain literal `<`, `&`…: it is never parsed.
    Text(String),
}

impl Node {
    /// The value of attribute `name`, if the node is an element that has it.
    pub fn attr(&self, name: &str) -> Option<&str> {
        match self {
            Node::Element { attrs, .. } => attrs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str()),
            Node::Text(_) => None,
        }
    }

    /// The concatenated text of this node and its descendants (like DOM `textContent`).
    pub fn text_content(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            Node::Text(t) => out.push_str(t),
            Node::Element { children, .. } => {
                for child in children {
                    child.collect_text(out);
                }
            }
        }
    }
}

/// Deepest element nesting produced; deeper structure is flattened (content kept).
pub const MAX_DEPTH: usize = 32;

/// The pulldown-cmark extensions TinyChat enables: GFM tables, strikethrough and task lists.
fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Render a Markdown document to a safe node tree (one node per top-level block).
///
/// ```
/// use tinychat_core::markdown::{render, Node, Tag};
/// let nodes = render("Hello *world* <script>alert(1)</script>");
/// let Node::Element { tag: Tag::P, children, .. } = &nodes[0] else { panic!() };
/// assert_eq!(children[2], Node::Text(" <script>alert(1)</script>".into()));
/// ```
pub fn render(markdown: &str) -> Vec<Node> {
    let mut renderer = Renderer::default();
    for (event, _) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        renderer.event(event);
    }
    renderer.finish()
}

/// A top-level block: its source range (within the parsed text) and its rendered nodes.
struct Block {
    range: Range<usize>,
    nodes: Vec<Node>,
}

/// Render `markdown` and report where each top-level block starts and ends.
fn render_blocks(markdown: &str) -> Vec<Block> {
    let mut renderer = Renderer::default();
    let mut blocks = Vec::new();
    let mut current: Option<(usize, usize)> = None; // (source start, index into renderer.root)
    for (event, range) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        if renderer.stack.is_empty() && current.is_none() {
            current = Some((range.start, renderer.root.len()));
        }
        renderer.event(event);
        if renderer.stack.is_empty() {
            if let Some((start, first)) = current.take() {
                blocks.push(Block {
                    range: start..range.end.max(start),
                    nodes: renderer.root.split_off(first),
                });
            }
        }
    }
    if let Some((start, first)) = current {
        // Unbalanced events cannot happen with pulldown-cmark, but never drop content.
        let nodes = {
            renderer.close_all();
            renderer.root.split_off(first)
        };
        blocks.push(Block {
            range: start..markdown.len(),
            nodes,
        });
    }
    blocks
}

/// What a stack frame becomes when it closes.
#[derive(Debug)]
enum FrameKind {
    /// An element.
    Element(Tag, Vec<(&'static str, String)>),
    /// Children are spliced into the parent (a link whose URL was refused, unknown tags).
    Transparent,
    /// An image: becomes a link to `href` (if safe) around the alt text, or just the alt text.
    Image { href: Option<String>, title: String },
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    children: Vec<Node>,
}

#[derive(Debug)]
struct TableState {
    aligns: Vec<Alignment>,
    cell: usize,
    in_head: bool,
    body_open: bool,
}

/// Folds pulldown-cmark events into a [`Node`] tree.
#[derive(Debug, Default)]
struct Renderer {
    root: Vec<Node>,
    stack: Vec<Frame>,
    tables: Vec<TableState>,
    /// Number of open `<a>` elements and images (which become `<a>`): links never nest, so a
    /// link or image inside one renders as its text.
    links_open: usize,
}

/// Push `node` onto `children`, merging adjacent text nodes.
fn push_node(children: &mut Vec<Node>, node: Node) {
    if let Node::Text(new) = &node {
        if new.is_empty() {
            return;
        }
        if let Some(Node::Text(last)) = children.last_mut() {
            last.push_str(new);
            return;
        }
    }
    children.push(node);
}

fn element(tag: Tag, attrs: Vec<(&'static str, String)>, children: Vec<Node>) -> Node {
    Node::Element {
        tag,
        attrs,
        children,
    }
}

fn heading_tag(level: HeadingLevel) -> Tag {
    match level {
        HeadingLevel::H1 => Tag::H1,
        HeadingLevel::H2 => Tag::H2,
        HeadingLevel::H3 => Tag::H3,
        HeadingLevel::H4 => Tag::H4,
        HeadingLevel::H5 => Tag::H5,
        HeadingLevel::H6 => Tag::H6,
    }
}

fn align_class(align: Alignment) -> Option<&'static str> {
    match align {
        Alignment::None => None,
        Alignment::Left => Some("tc-align-left"),
        Alignment::Center => Some("tc-align-center"),
        Alignment::Right => Some("tc-align-right"),
    }
}

/// The language of a fenced code block's info string: its leading run of `[A-Za-z0-9_+-]`
/// (so `rust,ignore` → `rust`, `c++` → `c++`), at most 32 bytes; `None` if empty.
fn code_language(info: &str) -> Option<String> {
    let lang: String = info
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
        .take(32)
        .collect();
    (!lang.is_empty()).then_some(lang)
}

/// Vet a link destination: `Some(href)` only for absolute `http://`, `https://` and `mailto:`
/// URLs.
///
/// The check mirrors how browsers read a URL: leading and trailing C0 control characters and
/// spaces are ignored and ASCII tab/CR/LF are removed everywhere, and the scheme is
/// case-insensitive. The returned `href` is that cleaned form, so what was checked is exactly
/// what the browser will see. Everything else (`javascript:`, `JaVaScRiPt:`, `data:`,
/// `vbscript:`, `file:`, relative and protocol-relative URLs, …) is refused.
///
/// ```
/// use tinychat_core::markdown::safe_href;
/// assert_eq!(safe_href(" HTTPS://example.com/a "), Some("HTTPS://example.com/a".into()));
/// assert_eq!(safe_href("java\tscript:alert(1)"), None);
/// assert_eq!(safe_href("/relative"), None);
/// ```
pub fn safe_href(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let ok = match strip_prefix_ignore_case(&cleaned, "https://")
        .or_else(|| strip_prefix_ignore_case(&cleaned, "http://"))
    {
        // A host must follow (`https:///x` and `https://\\x` are refused).
        Some(rest) => !rest.is_empty() && !rest.starts_with(['/', '\\']),
        None => strip_prefix_ignore_case(&cleaned, "mailto:").is_some_and(|rest| !rest.is_empty()),
    };
    ok.then_some(cleaned)
}

/// `s` without `prefix`, compared ASCII-case-insensitively.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

impl Renderer {
    fn children_mut(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some(frame) => &mut frame.children,
            None => &mut self.root,
        }
    }

    fn push(&mut self, node: Node) {
        push_node(self.children_mut(), node);
    }

    fn push_text(&mut self, text: &str) {
        self.push(Node::Text(text.to_owned()));
    }

    fn open(&mut self, tag: Tag, attrs: Vec<(&'static str, String)>) {
        if self.stack.len() >= MAX_DEPTH {
            // Pathologically deep input (`>>>>>…`, `- - - - …`): keep the content, drop the
            // structure, so the tree (and the widget's recursion over it) stays shallow.
            self.open_kind(FrameKind::Transparent);
            return;
        }
        if tag == Tag::A {
            self.links_open += 1;
        }
        self.stack.push(Frame {
            kind: FrameKind::Element(tag, attrs),
            children: Vec::new(),
        });
    }

    fn open_kind(&mut self, kind: FrameKind) {
        self.stack.push(Frame {
            kind,
            children: Vec::new(),
        });
    }

    /// Close the innermost frame and attach the result to its parent.
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        match frame.kind {
            FrameKind::Element(tag, attrs) => {
                if tag == Tag::A {
                    self.links_open = self.links_open.saturating_sub(1);
                }
                self.push(element(tag, attrs, frame.children));
            }
            FrameKind::Transparent => {
                for child in frame.children {
                    self.push(child);
                }
            }
            FrameKind::Image { href, title } => {
                self.links_open = self.links_open.saturating_sub(1);
                let mut children = frame.children;
                match href {
                    Some(href) => {
                        if children.is_empty() {
                            children.push(Node::Text(href.clone()));
                        }
                        self.push(element(Tag::A, link_attrs(href, title), children));
                    }
                    None => {
                        for child in children {
                            self.push(child);
                        }
                    }
                }
            }
        }
    }

    fn close_all(&mut self) {
        while !self.stack.is_empty() {
            self.close();
        }
    }

    fn finish(mut self) -> Vec<Node> {
        self.close_all();
        self.root
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.push_text(&text),
            Event::Code(code) => self.push(element(
                Tag::Code,
                Vec::new(),
                vec![Node::Text(code.into())],
            )),
            // Raw HTML is shown as the literal text it is, never interpreted.
            Event::Html(html) | Event::InlineHtml(html) => self.push_text(&html),
            Event::InlineMath(math) | Event::DisplayMath(math) => self.push_text(&math),
            Event::FootnoteReference(label) => self.push_text(&format!("[^{label}]")),
            Event::SoftBreak => self.push_text("\n"),
            Event::HardBreak => self.push(element(Tag::Br, Vec::new(), Vec::new())),
            Event::Rule => self.push(element(Tag::Hr, Vec::new(), Vec::new())),
            Event::TaskListMarker(checked) => {
                if let Some(li) = self.stack.iter_mut().rev().find_map(|f| match &mut f.kind {
                    FrameKind::Element(Tag::Li, attrs) => Some(attrs),
                    _ => None,
                }) {
                    if !li.iter().any(|(n, _)| *n == "class") {
                        li.push(("class", "tc-task".to_owned()));
                    }
                }
                let mut attrs = vec![("type", "checkbox".to_owned()), ("disabled", String::new())];
                if checked {
                    attrs.push(("checked", String::new()));
                }
                self.push(element(Tag::Input, attrs, Vec::new()));
            }
        }
    }

    fn start(&mut self, tag: pulldown_cmark::Tag<'_>) {
        use pulldown_cmark::Tag as T;
        match tag {
            T::Paragraph | T::HtmlBlock => self.open(Tag::P, Vec::new()),
            T::Heading { level, .. } => self.open(heading_tag(level), Vec::new()),
            T::BlockQuote(_) => self.open(Tag::Blockquote, Vec::new()),
            T::CodeBlock(kind) => {
                self.open(Tag::Pre, Vec::new());
                let attrs = match kind {
                    CodeBlockKind::Fenced(info) => match code_language(&info) {
                        Some(lang) => {
                            vec![("class", format!("language-{lang}")), ("data-lang", lang)]
                        }
                        None => Vec::new(),
                    },
                    CodeBlockKind::Indented => Vec::new(),
                };
                self.open(Tag::Code, attrs);
            }
            T::List(Some(start)) => {
                let attrs = if start == 1 {
                    Vec::new()
                } else {
                    vec![("start", start.to_string())]
                };
                self.open(Tag::Ol, attrs);
            }
            T::List(None) => self.open(Tag::Ul, Vec::new()),
            T::Item => self.open(Tag::Li, Vec::new()),
            T::Table(aligns) => {
                self.tables.push(TableState {
                    aligns,
                    cell: 0,
                    in_head: false,
                    body_open: false,
                });
                self.open(Tag::Table, Vec::new());
            }
            T::TableHead => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_head = true;
                    t.cell = 0;
                }
                self.open(Tag::Thead, Vec::new());
                self.open(Tag::Tr, Vec::new());
            }
            T::TableRow => {
                let open_body = match self.tables.last_mut() {
                    Some(t) => {
                        t.cell = 0;
                        !std::mem::replace(&mut t.body_open, true)
                    }
                    None => false,
                };
                if open_body {
                    self.open(Tag::Tbody, Vec::new());
                }
                self.open(Tag::Tr, Vec::new());
            }
            T::TableCell => {
                let (tag, class) = match self.tables.last_mut() {
                    Some(t) => {
                        let align = t.aligns.get(t.cell).copied().unwrap_or(Alignment::None);
                        t.cell += 1;
                        (
                            if t.in_head { Tag::Th } else { Tag::Td },
                            align_class(align),
                        )
                    }
                    None => (Tag::Td, None),
                };
                let attrs = class
                    .map(|c| vec![("class", c.to_owned())])
                    .unwrap_or_default();
                self.open(tag, attrs);
            }
            T::Emphasis => self.open(Tag::Em, Vec::new()),
            T::Strong => self.open(Tag::Strong, Vec::new()),
            T::Strikethrough => self.open(Tag::Del, Vec::new()),
            T::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let url = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.into_string()
                };
                match safe_href(&url) {
                    Some(href) if self.links_open == 0 => {
                        self.open(Tag::A, link_attrs(href, title.into_string()));
                    }
                    _ => self.open_kind(FrameKind::Transparent),
                }
            }
            T::Image {
                dest_url, title, ..
            } => {
                let href = if self.links_open == 0 && self.stack.len() < MAX_DEPTH {
                    safe_href(&dest_url)
                } else {
                    None
                };
                self.links_open += 1;
                self.open_kind(FrameKind::Image {
                    href,
                    title: title.into_string(),
                });
            }
            // Not enabled (footnotes, definition lists, super/subscript, metadata): keep the
            // content, drop the structure.
            _ => self.open_kind(FrameKind::Transparent),
        }
    }

    fn end(&mut self, tag: pulldown_cmark::TagEnd) {
        use pulldown_cmark::TagEnd as E;
        match tag {
            E::CodeBlock => {
                self.close(); // code
                self.close(); // pre
            }
            E::HtmlBlock => {
                // The literal source keeps its final line break; it is noise at the block end.
                if let Some(frame) = self.stack.last_mut() {
                    if let Some(Node::Text(text)) = frame.children.last_mut() {
                        let trimmed = text.trim_end_matches(['\n', '\r']).len();
                        text.truncate(trimmed);
                    }
                }
                self.close();
            }
            E::TableHead => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_head = false;
                }
                self.close(); // tr
                self.close(); // thead
            }
            E::Table => {
                if self.tables.pop().is_some_and(|t| t.body_open) {
                    self.close(); // tbody
                }
                self.close(); // table
            }
            _ => self.close(),
        }
    }
}

fn link_attrs(href: String, title: String) -> Vec<(&'static str, String)> {
    let mut attrs = vec![("href", href)];
    if !title.is_empty() {
        attrs.push(("title", title));
    }
    attrs.push(("target", "_blank".to_owned()));
    attrs.push(("rel", "noopener noreferrer".to_owned()));
    attrs
}

/// A block of a streaming reply that is complete and will never change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrozenBlock {
    /// Byte range of the block's source within [`StreamingMarkdown::source`] (trailing blank
    /// lines included, so consecutive frozen ranges are contiguous).
    pub source: Range<usize>,
    /// The rendered block, ready to be appended to the DOM once.
    pub nodes: Vec<Node>,
}

/// What changed after [`StreamingMarkdown::push`] or [`StreamingMarkdown::finish`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamUpdate {
    /// Blocks frozen by this call, in order: append them after the previously frozen ones.
    pub frozen: Vec<FrozenBlock>,
    /// The open tail, fully re-rendered: replace the previous tail with it.
    pub tail: Vec<Node>,
}

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

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

#[cfg(feature = "markdown")]
mod renderer;
#[cfg(feature = "markdown")]
mod stream;
pub mod wire;

use std::ops::Range;

#[cfg(feature = "markdown")]
use pulldown_cmark::Options;

#[cfg(feature = "markdown")]
pub use stream::StreamingMarkdown;

/// A block of a streaming reply that is complete and will never change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrozenBlock {
    /// Byte range of the block's source within the streamed text (trailing blank lines
    /// included, so consecutive frozen ranges are contiguous).
    pub source: Range<usize>,
    /// The rendered block, ready to be appended to the DOM once.
    pub nodes: Vec<Node>,
}

/// What changed after a delta of a streaming reply (`StreamingMarkdown::push` or `finish`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamUpdate {
    /// Blocks frozen by this call, in order: append them after the previously frozen ones.
    pub frozen: Vec<FrozenBlock>,
    /// The open tail, fully re-rendered: replace the previous tail with it.
    pub tail: Vec<Node>,
}

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
    /// Every tag, in declaration order (a tag's index here is its number on the wire).
    pub const ALL: [Tag; 26] = [
        Tag::P,
        Tag::H1,
        Tag::H2,
        Tag::H3,
        Tag::H4,
        Tag::H5,
        Tag::H6,
        Tag::Em,
        Tag::Strong,
        Tag::Del,
        Tag::A,
        Tag::Code,
        Tag::Pre,
        Tag::Ul,
        Tag::Ol,
        Tag::Li,
        Tag::Blockquote,
        Tag::Hr,
        Tag::Br,
        Tag::Table,
        Tag::Thead,
        Tag::Tbody,
        Tag::Tr,
        Tag::Th,
        Tag::Td,
        Tag::Input,
    ];

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
#[cfg(feature = "markdown")]
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
#[cfg(feature = "markdown")]
pub fn render(markdown: &str) -> Vec<Node> {
    renderer::render_all(markdown)
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

//! The renderer: pulldown-cmark events to the safe node tree, block by block.

use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser};

use super::{parser_options, safe_href, Node, Tag, MAX_DEPTH};

/// A top-level block: its source range (within the parsed text) and its rendered nodes.
pub(super) struct Block {
    pub(super) range: Range<usize>,
    pub(super) nodes: Vec<Node>,
}

/// Render `markdown` and report where each top-level block starts and ends.
pub(super) fn render_blocks(markdown: &str) -> Vec<Block> {
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

/// The whole document as one node list (see [`super::render`]).
pub(super) fn render_all(markdown: &str) -> Vec<Node> {
    let mut renderer = Renderer::default();
    for (event, _) in Parser::new_ext(markdown, parser_options()).into_offset_iter() {
        renderer.event(event);
    }
    renderer.finish()
}

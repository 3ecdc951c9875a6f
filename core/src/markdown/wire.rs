//! The bytes between the widget and its Markdown module.
//!
//! The parser (pulldown-cmark) and the highlighter live in a second wasm module,
//! `tinychat_markdown.wasm`, which the widget loads after it starts: a visitor's first reply
//! does not wait for them. The two modules share no memory, so a [`StreamUpdate`] or a list of
//! highlight [`Token`]s crosses as bytes, encoded here by the module and decoded here by the
//! widget. Both sides are this file, so they cannot drift.
//!
//! The decoder trusts nothing: a tag or attribute name is a number into the closed sets
//! ([`Tag::ALL`], [`ATTRS`]), text must be UTF-8, a link's `href` is vetted again with
//! [`safe_href`], token ranges must lie on character boundaries of the code they cut, and any
//! malformed input gives `None`, never a panic.
//!
//! Numbers are unsigned LEB128; a string is its byte length, then its UTF-8 bytes.
//! - update: frozen block count, then per block its source start, end and nodes; then the tail's
//!   nodes;
//! - nodes: count, then per node `0` and a string (text), or `1 + tag index`, the attribute
//!   count, per attribute its name index and a string, then the children's nodes;
//! - tokens: count, then per token its kind index, start and end.

use super::{safe_href, FrozenBlock, Node, StreamUpdate, Tag};
use crate::highlight::{Kind, Token};

/// The format's version: the module says which it speaks (`tc_wire_version`), and the widget
/// does not use a module that speaks another (a deploy between the widget's start and the
/// module's fetch). Raise it with any change to the format or to the closed sets' order.
pub const VERSION: u32 = 1;

/// Every attribute name the renderer produces; an attribute's index here is its number on the
/// wire.
pub const ATTRS: [&str; 10] = [
    "class",
    "data-lang",
    "start",
    "href",
    "title",
    "target",
    "rel",
    "type",
    "disabled",
    "checked",
];

/// Deepest node nesting the decoder accepts (the renderer flattens at
/// [`MAX_DEPTH`](super::MAX_DEPTH); a code block and a table add a few levels).
const MAX_WIRE_DEPTH: usize = super::MAX_DEPTH + 8;

/// Appends the encoding of `update` to `out`.
pub fn encode_update(update: &StreamUpdate, out: &mut Vec<u8>) {
    put_len(out, update.frozen.len());
    for block in &update.frozen {
        put_len(out, block.source.start);
        put_len(out, block.source.end);
        put_nodes(out, &block.nodes);
    }
    put_nodes(out, &update.tail);
}

/// The update encoded in `bytes`, or `None` if they are not a whole, valid encoding.
pub fn decode_update(bytes: &[u8]) -> Option<StreamUpdate> {
    let mut r = Reader { bytes, pos: 0 };
    let count = r.len()?;
    let mut frozen = Vec::new();
    for _ in 0..count {
        let start = r.len()?;
        let end = r.len()?;
        let nodes = r.nodes(0)?;
        frozen.push(FrozenBlock {
            source: start..end,
            nodes,
        });
    }
    let tail = r.nodes(0)?;
    r.finished().then_some(StreamUpdate { frozen, tail })
}

/// Appends the encoding of `tokens` to `out`.
pub fn encode_tokens(tokens: &[Token], out: &mut Vec<u8>) {
    put_len(out, tokens.len());
    for token in tokens {
        put_len(out, token.kind as usize);
        put_len(out, token.start);
        put_len(out, token.end);
    }
}

/// The tokens encoded in `bytes`, each checked to cut `code` on character boundaries, or
/// `None`.
pub fn decode_tokens(bytes: &[u8], code: &str) -> Option<Vec<Token>> {
    let mut r = Reader { bytes, pos: 0 };
    let count = r.len()?;
    let mut tokens = Vec::new();
    for _ in 0..count {
        let kind = *Kind::ALL.get(r.len()?)?;
        let (start, end) = (r.len()?, r.len()?);
        code.get(start..end)?;
        tokens.push(Token { kind, start, end });
    }
    r.finished().then_some(tokens)
}

fn put_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_nodes(out: &mut Vec<u8>, nodes: &[Node]) {
    put_len(out, nodes.len());
    for node in nodes {
        match node {
            Node::Text(text) => {
                out.push(0);
                put_str(out, text);
            }
            Node::Element {
                tag,
                attrs,
                children,
            } => {
                out.push(1 + *tag as u8);
                let known = || attrs.iter().filter_map(|(n, v)| Some((attr_index(n)?, v)));
                put_len(out, known().count());
                for (name, value) in known() {
                    out.push(name);
                    put_str(out, value);
                }
                put_nodes(out, children);
            }
        }
    }
}

fn attr_index(name: &str) -> Option<u8> {
    ATTRS.iter().position(|a| *a == name).map(|i| i as u8)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// A LEB128 number that fits in a `u32` (lengths and offsets of text in a wasm32 memory);
    /// a longer or larger one is refused.
    fn len(&mut self) -> Option<usize> {
        let mut n: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(u32::try_from(n).ok()?).ok();
            }
        }
        None
    }

    fn str(&mut self) -> Option<String> {
        let len = self.len()?;
        let end = self.pos.checked_add(len)?;
        let s = std::str::from_utf8(self.bytes.get(self.pos..end)?).ok()?;
        self.pos = end;
        Some(s.to_owned())
    }

    fn nodes(&mut self, depth: usize) -> Option<Vec<Node>> {
        if depth > MAX_WIRE_DEPTH {
            return None;
        }
        let count = self.len()?;
        // Each node takes at least two bytes: a count cannot ask for more than is there.
        if count > self.bytes.len() - self.pos {
            return None;
        }
        let mut nodes = Vec::with_capacity(count);
        for _ in 0..count {
            let node = match self.byte()? {
                0 => Node::Text(self.str()?),
                b => {
                    let tag = *Tag::ALL.get(usize::from(b) - 1)?;
                    let mut attrs = Vec::new();
                    for _ in 0..self.len()? {
                        let name = *ATTRS.get(usize::from(self.byte()?))?;
                        let value = self.str()?;
                        // A link goes only where `safe_href` allows, whoever made the bytes.
                        if name == "href" && safe_href(&value).as_deref() != Some(value.as_str()) {
                            continue;
                        }
                        attrs.push((name, value));
                    }
                    let children = self.nodes(depth + 1)?;
                    Node::Element {
                        tag,
                        attrs,
                        children,
                    }
                }
            };
            nodes.push(node);
        }
        Some(nodes)
    }

    fn finished(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_node() -> impl Strategy<Value = Node> {
        let leaf = any::<String>().prop_map(Node::Text);
        leaf.prop_recursive(6, 64, 5, |inner| {
            (
                prop::sample::select(Tag::ALL.to_vec()),
                prop::collection::vec(
                    (
                        prop::sample::select(
                            ATTRS
                                .iter()
                                .filter(|a| **a != "href")
                                .copied()
                                .collect::<Vec<_>>(),
                        ),
                        any::<String>(),
                    ),
                    0..3,
                ),
                prop::collection::vec(inner, 0..5),
            )
                .prop_map(|(tag, attrs, children)| Node::Element {
                    tag,
                    attrs,
                    children,
                })
        })
    }

    fn arb_update() -> impl Strategy<Value = StreamUpdate> {
        (
            prop::collection::vec(
                (
                    0..100_000usize,
                    0..100_000usize,
                    prop::collection::vec(arb_node(), 0..4),
                ),
                0..4,
            ),
            prop::collection::vec(arb_node(), 0..4),
        )
            .prop_map(|(frozen, tail)| StreamUpdate {
                frozen: frozen
                    .into_iter()
                    .map(|(start, end, nodes)| FrozenBlock {
                        source: start..end,
                        nodes,
                    })
                    .collect(),
                tail,
            })
    }

    proptest! {
        #[test]
        fn updates_round_trip(update in arb_update()) {
            let mut bytes = Vec::new();
            encode_update(&update, &mut bytes);
            prop_assert_eq!(decode_update(&bytes), Some(update));
        }

        #[test]
        fn any_bytes_decode_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_update(&bytes);
            let _ = decode_tokens(&bytes, "fn main() {}");
        }

        #[test]
        fn truncated_updates_are_refused(update in arb_update(), cut in any::<prop::sample::Index>()) {
            let mut bytes = Vec::new();
            encode_update(&update, &mut bytes);
            let cut = cut.index(bytes.len());
            prop_assert_eq!(decode_update(&bytes[..cut]), None);
        }
    }

    #[test]
    fn wire_numbers_are_declaration_order() {
        for (i, tag) in Tag::ALL.iter().enumerate() {
            assert_eq!(*tag as usize, i);
        }
        for (i, kind) in Kind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, i);
        }
    }

    #[test]
    fn links_are_vetted_again_when_decoded() {
        let link = |href: &str| Node::Element {
            tag: Tag::A,
            attrs: vec![("href", href.to_owned()), ("rel", "noopener".to_owned())],
            children: vec![Node::Text("x".into())],
        };
        let update = StreamUpdate {
            frozen: Vec::new(),
            tail: vec![link("javascript:alert(1)"), link("https://example.com/")],
        };
        let mut bytes = Vec::new();
        encode_update(&update, &mut bytes);
        let decoded = decode_update(&bytes).expect("valid bytes");
        assert_eq!(decoded.tail[0].attr("href"), None);
        assert_eq!(decoded.tail[0].attr("rel"), Some("noopener"));
        assert_eq!(decoded.tail[1].attr("href"), Some("https://example.com/"));
    }

    #[test]
    fn tokens_round_trip_and_must_cut_the_code_on_char_boundaries() {
        let code = "let é = 1;";
        let tokens = vec![
            Token {
                kind: Kind::Keyword,
                start: 0,
                end: 3,
            },
            Token {
                kind: Kind::Number,
                start: 9,
                end: 10,
            },
        ];
        let mut bytes = Vec::new();
        encode_tokens(&tokens, &mut bytes);
        assert_eq!(decode_tokens(&bytes, code), Some(tokens));
        // `é` is two bytes: 5..6 cuts it in half.
        let mut bad = Vec::new();
        encode_tokens(
            &[Token {
                kind: Kind::Plain,
                start: 5,
                end: 6,
            }],
            &mut bad,
        );
        assert_eq!(decode_tokens(&bad, code), None);
        assert_eq!(decode_tokens(&bytes, "let"), None);
    }

    #[test]
    fn numbers_past_u32_are_refused() {
        // A text node whose length is 2^32 (five LEB128 bytes): refused, not cut to 0.
        assert_eq!(
            decode_update(&[0, 1, 0, 0x80, 0x80, 0x80, 0x80, 0x10]),
            None
        );
        // u32::MAX itself reads (and is then refused as longer than the bytes left).
        let mut r = Reader {
            bytes: &[0xff, 0xff, 0xff, 0xff, 0x0f],
            pos: 0,
        };
        assert_eq!(r.len(), usize::try_from(u32::MAX).ok());
    }

    #[test]
    fn unknown_tags_and_attribute_names_are_refused() {
        // One node: tag byte 1 + 26 is past the last tag.
        assert_eq!(decode_update(&[0, 1, 27, 0, 0]), None);
        // A <p> with one attribute whose name index (10) is past the last name.
        assert_eq!(decode_update(&[0, 1, 1, 1, 10, 0, 0]), None);
        // The same with name 0 (class) is fine.
        assert!(decode_update(&[0, 1, 1, 1, 0, 0, 0]).is_some());
    }
}

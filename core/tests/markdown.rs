//! Safe Markdown: the node tree and the streaming renderer.

use tinychat_core::markdown::*;

/// Debug serialisation of a node tree (escaped), to write compact assertions.
fn html(nodes: &[Node]) -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&esc(t)),
            Node::Element {
                tag,
                attrs,
                children,
            } => {
                out.push('<');
                out.push_str(tag.as_str());
                for (name, value) in attrs {
                    out.push_str(&format!(" {name}=\"{}\"", esc(value)));
                }
                out.push('>');
                if !tag.is_void() {
                    out.push_str(&html(children));
                    out.push_str(&format!("</{}>", tag.as_str()));
                }
            }
        }
    }
    out
}

fn all_elements<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
    for node in nodes {
        if let Node::Element { children, .. } = node {
            out.push(node);
            all_elements(children, out);
        }
    }
}

fn has_tag(nodes: &[Node], tag: Tag) -> bool {
    let mut els = Vec::new();
    all_elements(nodes, &mut els);
    els.iter()
        .any(|n| matches!(n, Node::Element { tag: t, .. } if *t == tag))
}

fn text(nodes: &[Node]) -> String {
    nodes.iter().map(Node::text_content).collect()
}

#[test]
fn paragraph_and_inline_formatting() {
    assert_eq!(
        html(&render("Hello *em* **strong** ~~del~~ `code`")),
        "<p>Hello <em>em</em> <strong>strong</strong> <del>del</del> <code>code</code></p>"
    );
}

#[test]
fn headings() {
    assert_eq!(
        html(&render("# One\n\n## Two\n\n###### Six")),
        "<h1>One</h1><h2>Two</h2><h6>Six</h6>"
    );
    assert_eq!(html(&render("Setext\n===")), "<h1>Setext</h1>");
}

#[test]
fn script_block_is_inert_text() {
    let nodes = render("<script>alert(1)</script>");
    assert_eq!(html(&nodes), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    assert!(text(&nodes).contains("<script>alert(1)</script>"));
    let mut els = Vec::new();
    all_elements(&nodes, &mut els);
    assert!(els
        .iter()
        .all(|n| matches!(n, Node::Element { tag: Tag::P, attrs, .. } if attrs.is_empty())));
}

#[test]
fn img_onerror_is_inert_text() {
    for src in [
        "<img src=x onerror=alert(1)>",
        "before <img src=x onerror=alert(1)> after",
        "<IMG SRC=x ONERROR=alert(1)>\n\ntext",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
    ] {
        let nodes = render(src);
        let mut els = Vec::new();
        all_elements(&nodes, &mut els);
        for el in els {
            let Node::Element { tag, attrs, .. } = el else {
                unreachable!()
            };
            assert_eq!(*tag, Tag::P, "{src}");
            assert!(attrs.is_empty(), "{src}");
        }
        let first_line = src.lines().next().unwrap();
        assert!(text(&nodes).contains(first_line), "{src}: {nodes:?}");
    }
}

#[test]
fn dangerous_links_are_not_links() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        "[x](\\javascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox)",
        "[x](file:///etc/passwd)",
        "[x](/relative)",
        "[x](#anchor)",
        "[x](//evil.example)",
        "[x](https:/evil.example)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ] {
        let nodes = render(src);
        assert!(!has_tag(&nodes, Tag::A), "{src} rendered a link: {nodes:?}");
    }
    assert_eq!(html(&render("[x](javascript:alert(1))")), "<p>x</p>");
    assert_eq!(
        html(&render("a [**b**](data:x) c")),
        "<p>a <strong>b</strong> c</p>"
    );
}

#[test]
fn safe_links_get_target_and_rel() {
    assert_eq!(
        html(&render("[site](https://example.com/a?b=1 \"T\")")),
        "<p><a href=\"https://example.com/a?b=1\" title=\"T\" target=\"_blank\" \
         rel=\"noopener noreferrer\">site</a></p>"
    );
    assert_eq!(
        html(&render("<http://example.com>")),
        "<p><a href=\"http://example.com\" target=\"_blank\" rel=\"noopener noreferrer\">\
         http://example.com</a></p>"
    );
    assert_eq!(
        html(&render("<me@example.com>")),
        "<p><a href=\"mailto:me@example.com\" target=\"_blank\" rel=\"noopener noreferrer\">\
         me@example.com</a></p>"
    );
    let nodes = render("[x](HTTPS://EXAMPLE.COM)");
    assert!(has_tag(&nodes, Tag::A));
}

#[test]
fn safe_href_cases() {
    assert_eq!(safe_href("https://a.b"), Some("https://a.b".into()));
    assert_eq!(safe_href("\u{1}\n http://a.b\t"), Some("http://a.b".into()));
    assert_eq!(safe_href("mailto:x@y.z"), Some("mailto:x@y.z".into()));
    for bad in [
        "",
        "http://",
        "https://",
        "https:///x",
        "mailto:",
        "javascript:x",
        " JAVASCRIPT:x",
        "\u{0}javascript:x",
        "ja\nvascript:x",
        "data:x",
        "vbscript:x",
        "x",
        "/x",
        "#x",
        "?x",
        "//x",
        "ftp://x",
        "\u{a0}https://x",
        "https\u{200b}://x",
    ] {
        assert_eq!(safe_href(bad), None, "{bad:?}");
    }
}

#[test]
fn images_are_never_loaded() {
    assert_eq!(
        html(&render("![a cat](https://example.com/cat.png)")),
        "<p><a href=\"https://example.com/cat.png\" target=\"_blank\" \
         rel=\"noopener noreferrer\">a cat</a></p>"
    );
    assert_eq!(
        html(&render("![a cat](javascript:alert(1))")),
        "<p>a cat</p>"
    );
    assert_eq!(html(&render("![](data:image/png;base64,AAAA)")), "<p></p>");
    let no_alt = render("![](https://e.x/i.png)");
    assert_eq!(no_alt[0].text_content(), "https://e.x/i.png");
    // An image inside a link does not nest links.
    let nested = render("[![alt](https://e.x/i.png)](https://e.x)");
    assert_eq!(
        html(&nested),
        "<p><a href=\"https://e.x\" target=\"_blank\" rel=\"noopener noreferrer\">alt</a></p>"
    );
}

#[test]
fn fenced_code_language() {
    assert_eq!(
        html(&render("```rust\nfn main() {}\n```")),
        "<pre><code class=\"language-rust\" data-lang=\"rust\">fn main() {}\n</code></pre>"
    );
    assert_eq!(
        html(&render("```c++ extra\nx\n```")),
        "<pre><code class=\"language-c++\" data-lang=\"c++\">x\n</code></pre>"
    );
    assert_eq!(
        html(&render("```\"><script>\nx\n```")),
        "<pre><code>x\n</code></pre>"
    );
    assert_eq!(
        html(&render("```rust,ignore\n<b>&</b>\n```")),
        "<pre><code class=\"language-rust\" data-lang=\"rust\">&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>"
    );
    assert_eq!(
        html(&render("    indented\n")),
        "<pre><code>indented\n</code></pre>"
    );
}

#[test]
fn tables_with_alignment_classes() {
    let nodes = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |");
    assert_eq!(
        html(&nodes),
        "<table><thead><tr><th class=\"tc-align-left\">a</th>\
         <th class=\"tc-align-center\">b</th><th class=\"tc-align-right\">c</th></tr></thead>\
         <tbody><tr><td class=\"tc-align-left\">1</td><td class=\"tc-align-center\">2</td>\
         <td class=\"tc-align-right\">3</td></tr><tr><td class=\"tc-align-left\">4</td>\
         <td class=\"tc-align-center\">5</td><td class=\"tc-align-right\">6</td></tr>\
         </tbody></table>"
    );
    assert_eq!(
        html(&render("| a |\n|---|")),
        "<table><thead><tr><th>a</th></tr></thead></table>"
    );
    let mut els = Vec::new();
    all_elements(&nodes, &mut els);
    assert!(els.iter().all(|n| n.attr("style").is_none()));
}

#[test]
fn task_lists() {
    assert_eq!(
        html(&render("- [ ] todo\n- [x] done\n- plain")),
        "<ul><li class=\"tc-task\"><input type=\"checkbox\" disabled=\"\">todo</li>\
         <li class=\"tc-task\"><input type=\"checkbox\" disabled=\"\" checked=\"\">done</li>\
         <li>plain</li></ul>"
    );
}

#[test]
fn nested_and_ordered_lists() {
    assert_eq!(
        html(&render("1. one\n   - a\n   - b\n2. two")),
        "<ol><li>one<ul><li>a</li><li>b</li></ul></li><li>two</li></ol>"
    );
    assert_eq!(
        html(&render("3. three\n4. four")),
        "<ol start=\"3\"><li>three</li><li>four</li></ol>"
    );
    assert_eq!(
        html(&render("- a\n\n- b")),
        "<ul><li><p>a</p></li><li><p>b</p></li></ul>"
    );
}

#[test]
fn blockquote_rule_and_breaks() {
    assert_eq!(
        html(&render("> quoted\n> more\n\n---\n\nline  \nbreak")),
        "<blockquote><p>quoted\nmore</p></blockquote><hr><p>line<br>break</p>"
    );
}

#[test]
fn html_block_keeps_literal_source() {
    let nodes = render("<div onclick=\"x()\">\nhi\n</div>");
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].text_content(), "<div onclick=\"x()\">\nhi\n</div>");
    assert!(nodes[0].attr("onclick").is_none());
}

fn depth(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Element { children, .. } => 1 + depth(children),
            Node::Text(_) => 0,
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn pathological_nesting_is_flattened() {
    for src in [
        ">".repeat(50_000) + " deep",
        "- ".repeat(20_000) + "deep",
        "*".repeat(20_000) + "deep" + &"*".repeat(20_000),
        "[".repeat(20_000) + "deep" + &"](https://a.b)".repeat(20_000),
        "![".repeat(20_000) + "deep" + &"](https://a.b)".repeat(20_000),
    ] {
        let nodes = render(&src);
        assert!(depth(&nodes) <= MAX_DEPTH, "{}", depth(&nodes));
        assert!(text(&nodes).contains("deep"));
    }
    // Links and images never nest.
    let nested = render("![[link](https://l.x) ![img](https://i.x)](https://outer.x)");
    let mut els = Vec::new();
    all_elements(&nested, &mut els);
    let links = els
        .iter()
        .filter(|n| matches!(n, Node::Element { tag: Tag::A, .. }))
        .count();
    assert_eq!(links, 1, "{nested:?}");
    assert_eq!(nested[0].text_content(), "link img");
    // Links keep working after a flattened one.
    let src = format!("{}[a](https://a.b)\n\n[b](https://b.c)", ">".repeat(40));
    let nodes = render(&src);
    assert!(has_tag(&nodes[1..], Tag::A), "{nodes:?}");
}

fn stream(chunks: &[&str]) -> (Vec<FrozenBlock>, StreamingMarkdown) {
    let mut md = StreamingMarkdown::new();
    let mut frozen = Vec::new();
    for chunk in chunks {
        let update = md.push(chunk);
        frozen.extend(update.frozen);
        assert_eq!(update.tail, render(md.tail_source()));
    }
    (frozen, md)
}

fn check_stream(chunks: &[&str]) {
    let full: String = chunks.concat();
    let (mut frozen, mut md) = stream(chunks);
    let before = frozen.len();
    let update = md.finish();
    assert!(update.tail.is_empty());
    frozen.extend(update.frozen);
    let mut pos = 0;
    for block in &frozen {
        assert_eq!(block.source.start, pos, "{full:?}: {frozen:?}");
        pos = block.source.end;
    }
    assert_eq!(pos, full.len());
    let nodes: Vec<Node> = frozen.iter().flat_map(|b| b.nodes.clone()).collect();
    assert_eq!(
        nodes,
        render(&full),
        "{full:?} in {chunks:?} ({before} frozen early)"
    );
}

#[test]
fn streaming_freezes_complete_blocks() {
    let (frozen, _) = stream(&["# Title\n", "\nFirst para", "graph.\n\nSecond"]);
    // The paragraph is final only once the next block's first line is complete.
    assert_eq!(frozen.len(), 1);
    let (frozen, md) = stream(&["# Title\n", "\nFirst para", "graph.\n\nSecond", "\n"]);
    assert_eq!(frozen.len(), 2);
    assert_eq!(html(&frozen[0].nodes), "<h1>Title</h1>");
    assert_eq!(&md.source()[frozen[0].source.clone()], "# Title\n\n");
    assert_eq!(html(&frozen[1].nodes), "<p>First paragraph.</p>");
    assert_eq!(md.tail_source(), "Second\n");
}

#[test]
fn streaming_keeps_fences_open_across_blank_lines() {
    let (frozen, md) = stream(&["```py\nx = 1\n\n", "\ny = 2\n", "```\n\nafter\n"]);
    assert!(frozen.len() == 1, "{frozen:?}");
    assert_eq!(
        html(&frozen[0].nodes),
        "<pre><code class=\"language-py\" data-lang=\"py\">x = 1\n\n\ny = 2\n</code></pre>"
    );
    assert_eq!(md.tail_source(), "after\n");
    check_stream(&["```py\nx = 1\n\n", "\ny = 2\n", "```\n\nafter\n"]);
}

#[test]
fn streaming_loose_lists_stay_one_list() {
    check_stream(&["- a\n", "\n", "- b\n\n", "  cont\n\nend"]);
    check_stream(&["1. a\n\n", "1", ". b\n\npara\n"]);
    check_stream(&["    code\n\n", "    more\n\ntext"]);
    check_stream(&["| a | b |\n", "|---|", "---|\n| 1 | 2 |\n\nx"]);
    check_stream(&["para\n", "---\n", "\n# h\n", "text\n"]);
    check_stream(&["para\n| a |\n", "|--", "x|\n\nnext\n"]);
    check_stream(&["- [ ] a\n", "- [x] b\n\n> q\n\n", "***\n"]);
    check_stream(&["   ```\n   code\n\n   ```\n\nz"]);
    check_stream(&["", "\n\n", "  \n"]);
    check_stream(&["[r]: https://e.x\n\n"]);
}

#[test]
fn streaming_every_split_of_a_document() {
    let doc = "# Heading\n\nSome *text* with a [link](https://e.x).\nSecond line.\n\n\
               ```rust\nfn f() {\n\n    1\n}\n```\n\n- item one\n- item two\n\n  continued\n\
               - item three\n\n1. first\n2. second\n\n| h1 | h2 |\n|:--|--:|\n| a | b |\n\n\
               > quote\n\nThe end.";
    for split in 0..=doc.len() {
        if doc.is_char_boundary(split) {
            check_stream(&[&doc[..split], &doc[split..]]);
        }
    }
    let chars: Vec<String> = doc.chars().map(String::from).collect();
    let chunks: Vec<&str> = chars.iter().map(String::as_str).collect();
    check_stream(&chunks);
}

#[test]
fn streaming_tail_stays_small() {
    let mut md = StreamingMarkdown::new();
    for i in 0..200 {
        md.push(&format!("Paragraph number {i} with some text.\n\n"));
        assert!(
            md.tail_source().len() < 100,
            "tail grew: {}",
            md.tail_source().len()
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn inline_text() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-zA-Zé]{1,8}",
            Just("*em*".to_owned()),
            Just("**strong**".to_owned()),
            Just("`code`".to_owned()),
            Just("~~del~~".to_owned()),
            Just("[link](https://e.x/a)".to_owned()),
            Just("[bad](javascript:x)".to_owned()),
            Just("<b>".to_owned()),
            Just("|".to_owned()),
            Just("1.".to_owned()),
            Just("-".to_owned()),
        ];
        proptest::collection::vec(word, 1..6).prop_map(|w| w.join(" "))
    }

    fn paragraph() -> impl Strategy<Value = String> {
        proptest::collection::vec(inline_text(), 1..4).prop_map(|l| l.join("\n"))
    }

    fn heading() -> impl Strategy<Value = String> {
        (1usize..7, inline_text()).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n)))
    }

    fn code_block() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            Just(String::new()),
            "[a-z =(){};]{1,20}",
            Just("- not a list".to_owned()),
            Just("# not a heading".to_owned()),
            Just("    indented".to_owned()),
            Just("``".to_owned()),
        ];
        (
            prop_oneof![Just("```"), Just("~~~"), Just("````")],
            "[a-z]{0,6}",
            proptest::collection::vec(line, 0..6),
            prop_oneof![Just(""), Just("  ")],
        )
            .prop_map(|(fence, lang, lines, indent)| {
                let mut out = format!("{indent}{fence}{lang}\n");
                for line in lines {
                    out.push_str(indent);
                    out.push_str(&line);
                    out.push('\n');
                }
                out.push_str(indent);
                out.push_str(fence);
                out
            })
    }

    fn list() -> impl Strategy<Value = String> {
        let item = (
            inline_text(),
            proptest::option::of(inline_text()),
            proptest::option::of(inline_text()),
            any::<bool>(),
            prop_oneof![Just(""), Just("[ ] "), Just("[x] ")],
        );
        (any::<bool>(), proptest::collection::vec(item, 1..5)).prop_map(|(ordered, items)| {
            let mut out = String::new();
            for (i, (text, nested, cont, loose, task)) in items.into_iter().enumerate() {
                let marker = if ordered {
                    format!("{}. ", i + 1)
                } else {
                    "- ".to_owned()
                };
                let pad = " ".repeat(marker.len());
                out.push_str(&format!("{marker}{task}{text}\n"));
                if let Some(nested) = nested {
                    out.push_str(&format!("{pad}- {nested}\n"));
                }
                if let Some(cont) = cont {
                    out.push_str(&format!("\n{pad}{cont}\n"));
                }
                if loose {
                    out.push('\n');
                }
            }
            out.trim_end().to_owned()
        })
    }

    fn table() -> impl Strategy<Value = String> {
        (
            1usize..4,
            proptest::collection::vec("[a-z0-9 ]{0,6}", 0..9),
            proptest::collection::vec(
                prop_oneof![Just("---"), Just(":--"), Just(":-:"), Just("--:")],
                3,
            ),
        )
            .prop_map(|(cols, cells, aligns)| {
                let mut out = format!(
                    "|{}|\n",
                    (0..cols)
                        .map(|c| format!(" h{c} "))
                        .collect::<Vec<_>>()
                        .join("|")
                );
                out.push_str(&format!("|{}|", aligns[..cols].join("|")));
                for row in cells.chunks(cols) {
                    out.push_str(&format!("\n| {} |", row.join(" | ")));
                }
                out
            })
    }

    fn block() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => paragraph(),
            1 => heading(),
            2 => code_block(),
            2 => list(),
            1 => table(),
            1 => inline_text().prop_map(|t| format!("> {t}\n> more")),
            1 => Just("---".to_owned()),
            1 => Just("<div>\nraw\n</div>".to_owned()),
            1 => Just("    indented code\n\n    more code".to_owned()),
        ]
    }

    fn document() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            (
                block(),
                prop_oneof![Just("\n"), Just("\n\n"), Just("\n\n\n"), Just("\n \n")],
            ),
            1..8,
        )
        .prop_map(|blocks| blocks.into_iter().map(|(b, sep)| b + sep).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// For any split of any document: frozen blocks are contiguous, each is emitted
        /// once, the tail is always `render(tail)`, and at the end frozen sources
        /// concatenate to the text and frozen nodes to `render(text)`.
        #[test]
        fn streaming_matches_full_render(
            doc in document(),
            cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..12),
        ) {
            let mut points: Vec<usize> = cuts
                .iter()
                .map(|i| i.index(doc.len() + 1))
                .filter(|p| doc.is_char_boundary(*p))
                .collect();
            points.push(0);
            points.push(doc.len());
            points.sort_unstable();
            points.dedup();
            let mut md = StreamingMarkdown::new();
            let mut frozen: Vec<FrozenBlock> = Vec::new();
            for w in points.windows(2) {
                let update = md.push(&doc[w[0]..w[1]]);
                frozen.extend(update.frozen);
                prop_assert_eq!(frozen.last().map_or(0, |b| b.source.end), md.frozen_len());
                prop_assert_eq!(&update.tail, &render(md.tail_source()));
            }
            frozen.extend(md.finish().frozen);
            let mut pos = 0;
            for block in &frozen {
                prop_assert_eq!(block.source.start, pos);
                pos = block.source.end;
            }
            prop_assert_eq!(pos, doc.len());
            let nodes: Vec<Node> = frozen.into_iter().flat_map(|b| b.nodes).collect();
            prop_assert_eq!(nodes, render(&doc), "document: {:?}", doc);
        }

        /// Raw HTML never produces anything but text in allowed elements, and links
        /// are always vetted.
        #[test]
        fn output_is_always_safe(doc in "(<[a-z]{1,6}( [a-z]{1,6}=[^>]{0,10})?>|\\[x\\]\\([^)]{0,20}\\)|!\\[x\\]\\([^)]{0,20}\\)|\\PC|\n){0,40}") {
            let nodes = render(&doc);
            let mut els = Vec::new();
            all_elements(&nodes, &mut els);
            for el in els {
                let Node::Element { tag, attrs, .. } = el else { unreachable!() };
                for (name, value) in attrs {
                    prop_assert!(["href", "title", "target", "rel", "class", "data-lang", "start", "type", "disabled", "checked"].contains(name));
                    if *name == "href" {
                        prop_assert_eq!(*tag, Tag::A);
                        let vetted = safe_href(value);
                        prop_assert_eq!(vetted.as_deref(), Some(value.as_str()));
                    }
                }
            }
        }
    }
}

//! Turns [`tinychat_core::markdown::Node`] trees into DOM nodes with `createElement` and
//! `createTextNode`. There is no `innerHTML` anywhere: text is text, and the tag and attribute
//! sets are closed enums decided by the core crate, so model output cannot inject markup.

use tinychat_core::markdown::Node;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// Class of the "Copy code" button added above every code block.
pub const COPY_CODE_CLASS: &str = "tc-code__copy";

/// Appends the nodes of a complete (frozen) block to `parent`, its code highlighted.
pub fn append_nodes(
    document: &Document,
    parent: &Element,
    nodes: &[Node],
    copy_label: &str,
) -> Result<(), JsValue> {
    append_all(document, parent, nodes, copy_label, true)
}

fn append_all(
    document: &Document,
    parent: &Element,
    nodes: &[Node],
    copy_label: &str,
    highlight: bool,
) -> Result<(), JsValue> {
    for node in nodes {
        append_node(document, parent, node, copy_label, highlight)?;
    }
    Ok(())
}

/// Replaces `code`'s text with one span per highlighted token (`tc-tok-kw`, …), built with
/// `createElement` and `createTextNode`: the token texts are never parsed.
fn highlight_code(document: &Document, code: &Element) -> Result<(), JsValue> {
    let lang = code.get_attribute("data-lang").unwrap_or_default();
    let text = code.text_content().unwrap_or_default();
    let Some(tokens) = crate::markdown_module::highlight(&lang, &text) else {
        return Ok(());
    };
    let fragment = document.create_document_fragment();
    for token in tokens {
        let piece = document.create_text_node(&text[token.start..token.end]);
        match token.kind.class() {
            "" => fragment.append_child(&piece)?,
            class => {
                let span = document.create_element("span")?;
                span.set_class_name(&format!("tc-tok-{class}"));
                span.append_child(&piece)?;
                fragment.append_child(&span)?
            }
        };
    }
    code.set_text_content(None);
    code.append_child(&fragment)?;
    code.set_attribute("data-highlighted", "")?;
    Ok(())
}

fn append_node(
    document: &Document,
    parent: &Element,
    node: &Node,
    copy_label: &str,
    highlight: bool,
) -> Result<(), JsValue> {
    match node {
        Node::Text(text) => {
            parent.append_child(&document.create_text_node(text))?;
        }
        Node::Element {
            tag,
            attrs,
            children,
        } => {
            let el = document.create_element(tag.as_str())?;
            for (name, value) in attrs {
                el.set_attribute(name, value)?;
            }
            append_all(document, &el, children, copy_label, highlight)?;
            if tag.as_str() == "pre" {
                // Only a complete block is highlighted: a growing one stays plain text, so a
                // delta never re-highlights it.
                if highlight {
                    if let Some(code) = el.first_element_child() {
                        highlight_code(document, &code)?;
                    }
                }
                // A code block gets a small toolbar with its language and a copy button; the
                // click is handled by one delegated listener on the message (see MarkdownView).
                let wrap = document.create_element("div")?;
                wrap.set_class_name("tc-code");
                let bar = document.create_element("div")?;
                bar.set_class_name("tc-code__bar");
                let lang = el
                    .first_element_child()
                    .and_then(|code| code.get_attribute("data-lang"))
                    .unwrap_or_default();
                let lang_el = document.create_element("span")?;
                lang_el.set_class_name("tc-code__lang");
                lang_el.append_child(&document.create_text_node(&lang))?;
                let button = document.create_element("button")?;
                button.set_attribute("type", "button")?;
                button.set_class_name(COPY_CODE_CLASS);
                button.append_child(&document.create_text_node(copy_label))?;
                bar.append_child(&lang_el)?;
                bar.append_child(&button)?;
                wrap.append_child(&bar)?;
                wrap.append_child(&el)?;
                parent.append_child(&wrap)?;
            } else {
                parent.append_child(&el)?;
            }
        }
    }
    Ok(())
}

/// Makes `parent`'s children match `nodes`, touching as little as possible: equal elements
/// are kept, a text node that grew gets the new characters appended, and only nodes that
/// differ are rebuilt. This is how the still-growing Markdown block follows the stream: the
/// browser keeps its layout of the unchanged text instead of laying the block out anew.
pub fn patch_children(
    document: &Document,
    parent: &Element,
    nodes: &[Node],
    copy_label: &str,
) -> Result<(), JsValue> {
    let children = parent.child_nodes();
    for (i, node) in nodes.iter().enumerate() {
        match children.item(i as u32) {
            Some(dom) => {
                if !patch_node(document, &dom, node, copy_label)? {
                    let holder = document.create_element("div")?;
                    append_node(document, &holder, node, copy_label, false)?;
                    if let Some(fresh) = holder.first_child() {
                        parent.replace_child(&fresh, &dom)?;
                    }
                }
            }
            None => append_node(document, parent, node, copy_label, false)?,
        }
    }
    while children.length() as usize > nodes.len() {
        if let Some(extra) = parent.last_child() {
            parent.remove_child(&extra)?;
        }
    }
    Ok(())
}

/// Updates `dom` in place to show `node`; false when it cannot (another kind of node).
fn patch_node(
    document: &Document,
    dom: &web_sys::Node,
    node: &Node,
    copy_label: &str,
) -> Result<bool, JsValue> {
    match node {
        Node::Text(text) => {
            let Some(dom_text) = dom.dyn_ref::<web_sys::Text>() else {
                return Ok(false);
            };
            let old = dom_text.data();
            if old != *text {
                match text.strip_prefix(old.as_str()) {
                    Some(added) => dom_text.append_data(added)?,
                    None => dom_text.set_data(text),
                }
            }
            Ok(true)
        }
        Node::Element {
            tag,
            attrs,
            children,
        } => {
            // Code blocks carry a toolbar around them: rebuilt, not patched.
            if tag.as_str() == "pre" {
                return Ok(false);
            }
            let Some(el) = dom.dyn_ref::<Element>() else {
                return Ok(false);
            };
            if el.local_name() != tag.as_str()
                || el.get_attribute_names().length() as usize != attrs.len()
            {
                return Ok(false);
            }
            if attrs
                .iter()
                .any(|(name, value)| el.get_attribute(name).as_deref() != Some(value.as_str()))
            {
                return Ok(false);
            }
            patch_children(document, el, children, copy_label)?;
            Ok(true)
        }
    }
}

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    while let Some(child) = el.last_child() {
        let _ = el.remove_child(&child);
    }
}

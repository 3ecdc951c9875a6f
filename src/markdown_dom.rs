//! Turns [`tinychat_core::markdown::Node`] trees into DOM nodes with `createElement` and
//! `createTextNode`. There is no `innerHTML` anywhere: text is text, and the tag and attribute
//! sets are closed enums decided by the core crate, so model output cannot inject markup.

use tinychat_core::markdown::Node;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// Class of the "Copy code" button added above every code block.
pub const COPY_CODE_CLASS: &str = "tc-code__copy";

/// Appends `nodes` to `parent`.
pub fn append_nodes(
    document: &Document,
    parent: &Element,
    nodes: &[Node],
    copy_label: &str,
) -> Result<(), JsValue> {
    for node in nodes {
        append_node(document, parent, node, copy_label)?;
    }
    Ok(())
}

fn append_node(
    document: &Document,
    parent: &Element,
    node: &Node,
    copy_label: &str,
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
            append_nodes(document, &el, children, copy_label)?;
            if tag.as_str() == "pre" {
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

/// Removes every child of `el`.
pub fn clear(el: &Element) {
    while let Some(child) = el.last_child() {
        let _ = el.remove_child(&child);
    }
}

//! The sources a reply cites (web search, document library), as a numbered list of links.

use crate::prelude::*;
use tinychat_core::mistral::Source;
use web_sys::{Element, Node};

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el, el_text};

/// "Sources": a numbered list under the answer. Titles are text; only `http(s)` addresses are
/// links (see `Source::from_chunk`), opened in a new tab without referrer or opener.
pub fn sources(parent: &Node, msg: &MessageView) {
    let chat = expect_context::<Chat>();
    let count = msg.source_count();
    let heading = chat.t(|s| s.sources());
    let msg = *msg;
    dom::show(
        parent,
        move || count.with(|n| *n != 0),
        move || {
            let section = el("section", "tc-sources");
            attr(&section, "aria-label", &heading);
            let title = el_text("div", "tc-sources__title", &heading);
            attr(&title, "aria-hidden", "true");
            // The list follows the sources as they stream; the section stays (focus on a link
            // is kept while more sources arrive).
            let list = el("ol", "tc-sources__list");
            let items = list.clone();
            dom::effect(move || {
                count.track();
                items.set_text_content(None);
                for source in chat.sources_of(&msg) {
                    append(&items, &source_item(source));
                }
            });
            append(&section, &title);
            append(&section, &list);
            section.into()
        },
    );
}

/// One source: its title (or address) as text, a link when it has an `http(s)` address.
fn source_item(source: Source) -> Element {
    let text = if source.title.is_empty() {
        source.url.clone().unwrap_or_default()
    } else {
        source.title.clone()
    };
    let item = el("li", "");
    match source.url {
        Some(url) => {
            let a = el_text("a", "", &text);
            attr(&a, "href", &url);
            attr(&a, "target", "_blank");
            attr(&a, "rel", "noopener noreferrer");
            append(&item, &a);
        }
        None => item.set_text_content(Some(&text)),
    }
    item
}

//! The sources a reply cites (web search, document library), as a numbered list of links.

use crate::prelude::*;
use web_sys::Node;

use crate::chat::{Chat, MessageView};
use crate::dom::{self, append, attr, el, el_text};

/// "Sources": a numbered list under the answer. Titles are text; only `http(s)` addresses are
/// links (see `Source::from_chunk`), opened in a new tab without referrer or opener.
pub fn sources(parent: &Node, msg: &MessageView) {
    let chat = expect_context::<Chat>();
    let count = msg.source_count();
    let heading = chat.t(|s| &s.sources);
    let msg = *msg;
    dom::slot(
        parent,
        move || count.get(),
        move |n| {
            if *n == 0 {
                return None;
            }
            let section = el("section", "tc-sources");
            attr(&section, "aria-label", &heading);
            let title = el_text("div", "tc-sources__title", &heading);
            attr(&title, "aria-hidden", "true");
            let list = el("ol", "tc-sources__list");
            for source in chat.sources_of(&msg) {
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
                append(&list, &item);
            }
            append(&section, &title);
            append(&section, &list);
            Some(section.into())
        },
    );
}

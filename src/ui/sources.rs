//! `Sources`: the sources an answer cites (web search, document library), numbered under it.
//! Titles are text; links open in a new tab with `noopener noreferrer`; only `http(s)` URLs are
//! kept (core drops the rest); no favicon is ever loaded from a source's site.

use leptos::prelude::*;

use crate::chat::{Chat, MessageView};

/// The numbered sources of `msg`, if it cites any.
#[component]
pub fn Sources(msg: MessageView) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let count = msg.source_count();
    let heading = chat.t(|s| &s.sources);
    view! {
        <Show when=move || count.with(|n| *n != 0)>
            <section class="tc-sources" aria-label=heading.clone()>
                <div class="tc-sources__title" aria-hidden="true">{heading.clone()}</div>
                <ol class="tc-sources__list">
                    {move || {
                        count.track();
                        chat.sources_of(&msg)
                            .into_iter()
                            .map(|source| {
                                let title = if source.title.is_empty() {
                                    source.url.clone().unwrap_or_default()
                                } else {
                                    source.title.clone()
                                };
                                match source.url {
                                    Some(url) => view! {
                                        <li><a href=url target="_blank" rel="noopener noreferrer">{title}</a></li>
                                    }.into_any(),
                                    None => view! { <li>{title}</li> }.into_any(),
                                }
                            })
                            .collect_view()
                    }}
                </ol>
            </section>
        </Show>
    }
}

//! `SettingsDialog`: API key, API base URL, model, temperature, max tokens, system prompt.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::chat::Chat;

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

/// A modal dialog named "Settings". Escape or Close discards changes; Save applies them to the
/// next message without a reload. Focus is trapped inside and returns to "Settings" on close.
#[component]
pub fn SettingsDialog() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings.get_value();
    let current = chat.settings.get_untracked();
    let api_key = RwSignal::new(chat.api_key.get_untracked());
    let show_key = RwSignal::new(false);
    let remember = RwSignal::new(current.remember_key);
    let api_base = RwSignal::new(current.api_base.clone());
    let model = RwSignal::new(current.model.clone());
    let temperature = RwSignal::new(
        current
            .temperature
            .map(|t| t.to_string())
            .unwrap_or_default(),
    );
    let max_tokens = RwSignal::new(
        current
            .max_tokens
            .map(|t| t.to_string())
            .unwrap_or_default(),
    );
    let system_prompt = RwSignal::new(current.system_prompt.clone().unwrap_or_default());
    let dialog = NodeRef::<Div>::new();

    let close = move || {
        let button = dialog.get_untracked().and_then(|d| {
            d.closest(".tc-chat")
                .ok()
                .flatten()?
                .query_selector(".tc-header__settings")
                .ok()
                .flatten()
        });
        chat.settings_open.set(false);
        if let Some(b) = button.and_then(|b| b.dyn_into::<HtmlElement>().ok()) {
            let _ = b.focus();
        }
    };
    let save = move || {
        let mut next = chat.settings.get_untracked();
        next.api_base = api_base
            .get_untracked()
            .trim()
            .trim_end_matches('/')
            .to_string();
        next.model = model.get_untracked();
        next.temperature = temperature
            .get_untracked()
            .trim()
            .parse::<f32>()
            .ok()
            .filter(|t| (0.0..=1.5).contains(t));
        next.max_tokens = max_tokens
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| *t > 0);
        let sp = system_prompt.get_untracked();
        next.system_prompt = (!sp.trim().is_empty()).then_some(sp);
        next.remember_key = remember.get_untracked();
        chat.save_settings(next, api_key.get_untracked());
        close();
    };
    let focusables = move || -> Vec<HtmlElement> {
        // try_: called from a frame callback that may run after the dialog closed.
        let Some(d) = dialog.try_get_untracked().flatten() else {
            return vec![];
        };
        let Ok(list) = d.query_selector_all(FOCUSABLE) else {
            return vec![];
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
            .collect()
    };
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.stop_propagation();
            ev.prevent_default();
            close();
        }
        "Tab" => {
            let items = focusables();
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = dialog.get_untracked().and_then(|d| {
                d.get_root_node()
                    .dyn_into::<web_sys::ShadowRoot>()
                    .ok()
                    .and_then(|r| r.active_element())
                    .or_else(|| d.owner_document().and_then(|doc| doc.active_element()))
            });
            let on_first = active
                .as_ref()
                .is_some_and(|a| a == first.unchecked_ref::<web_sys::Element>());
            let on_last = active
                .as_ref()
                .is_some_and(|a| a == last.unchecked_ref::<web_sys::Element>());
            if ev.shift_key() && on_first {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && on_last {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };
    dialog.on_load(move |_| {
        request_animation_frame(move || {
            if let Some(first) = focusables().into_iter().next() {
                let _ = first.focus();
            }
        });
    });

    let models = move || {
        let mut list = chat.models.get();
        let m = model.get_untracked();
        if !m.is_empty() && !list.contains(&m) {
            list.insert(0, m);
        }
        list
    };
    let title_id = "tc-settings-title";

    view! {
        <div class="tc-overlay">
            <div node_ref=dialog class="tc-dialog" role="dialog" aria-modal="true" aria-labelledby=title_id
                on:keydown=on_keydown>
                <h3 class="tc-dialog__title" id=title_id>{s.settings.clone()}</h3>
                <form class="tc-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                    <label class="tc-field">
                        <span class="tc-field__label">{s.api_key.clone()}</span>
                        <span class="tc-field__row">
                            <input class="tc-input" type=move || if show_key.get() { "text" } else { "password" }
                                autocomplete="off" spellcheck="false"
                                prop:value=move || api_key.get() on:input=move |ev| api_key.set(event_target_value(&ev)) />
                            <button type="button" class="tc-button tc-button--ghost" aria-pressed=move || show_key.get().to_string()
                                on:click=move |_| show_key.update(|v| *v = !*v)>
                                {let (sk, hk) = (s.show_key.clone(), s.hide_key.clone()); move || if show_key.get() { hk.clone() } else { sk.clone() }}
                            </button>
                        </span>
                    </label>
                    <label class="tc-check">
                        <input type="checkbox" prop:checked=move || remember.get()
                            on:change=move |ev| remember.set(event_target_checked(&ev)) />
                        <span>{s.remember.clone()}</span>
                    </label>
                    <p class="tc-field__help">{s.key_help.clone()}</p>
                    <label class="tc-field">
                        <span class="tc-field__label">{s.api_base.clone()}</span>
                        <input class="tc-input" type="url" inputmode="url" spellcheck="false"
                            prop:value=move || api_base.get() on:input=move |ev| api_base.set(event_target_value(&ev)) />
                    </label>
                    <label class="tc-field">
                        <span class="tc-field__label">{s.model.clone()}</span>
                        <select class="tc-input" on:change=move |ev| model.set(event_target_value(&ev))>
                            {move || models().into_iter().map(|m| {
                                let selected = m == model.get_untracked();
                                view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <div class="tc-form__row">
                        <label class="tc-field">
                            <span class="tc-field__label">{s.temperature.clone()}</span>
                            <input class="tc-input" type="number" min="0" max="1.5" step="0.1" inputmode="decimal"
                                prop:value=move || temperature.get() on:input=move |ev| temperature.set(event_target_value(&ev)) />
                        </label>
                        <label class="tc-field">
                            <span class="tc-field__label">{s.max_tokens.clone()}</span>
                            <input class="tc-input" type="number" min="1" step="1" inputmode="numeric"
                                prop:value=move || max_tokens.get() on:input=move |ev| max_tokens.set(event_target_value(&ev)) />
                        </label>
                    </div>
                    <label class="tc-field">
                        <span class="tc-field__label">{s.system_prompt.clone()}</span>
                        <textarea class="tc-input" rows="3"
                            prop:value=move || system_prompt.get() on:input=move |ev| system_prompt.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="tc-dialog__actions">
                        <button type="button" class="tc-button tc-button--ghost" on:click=move |_| close()>{s.close.clone()}</button>
                        <button type="submit" class="tc-button tc-button--primary">{s.save.clone()}</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

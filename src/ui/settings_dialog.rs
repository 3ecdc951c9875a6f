//! `SettingsDialog`: a modal dialog for the API key, API base URL, model, temperature, max
//! tokens and system prompt. Its fields are in [`crate::ui::settings_fields`].

use leptos::html::Div;
use leptos::prelude::*;
use tinychat_core::options::{SettingsError, SettingsForm};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::chat::Chat;
use crate::ui::button::{Button, ButtonVariant};
use crate::ui::focus_trap::use_focus_trap;
use crate::ui::settings_fields::{
    AgentField, KeyFields, ModelField, NumberFields, ReasoningField, SystemPromptField, UrlField,
};

/// A modal dialog named "Settings". Escape or Close discards changes; Save validates every
/// field with the same rules as the page's options and applies them to the next message
/// without a reload, or names what is wrong and keeps the dialog open. Focus is trapped inside
/// and returns to "Settings" on close.
#[component]
pub fn SettingsDialog() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let form = RwSignal::new(SettingsForm::from_settings(
        &chat.settings().get_untracked(),
    ));
    let api_key = RwSignal::new(chat.api_key().get_untracked());
    let errors = RwSignal::new(Vec::<SettingsError>::new());
    let dialog = NodeRef::<Div>::new();

    let focus_in_widget = move |selector: &str| {
        // try_: also called from a frame callback, after the dialog may have closed.
        let target = dialog.try_get_untracked().flatten().and_then(|d| {
            d.closest(".tc-chat")
                .ok()
                .flatten()?
                .query_selector(selector)
                .ok()
                .flatten()
        });
        target.and_then(|t| t.dyn_into::<HtmlElement>().ok())
    };
    // Where focus returns: the Settings button, or on narrow widgets (where the stylesheet hides
    // it) the More menu's button that opened the dialog.
    let opener = move || {
        let shown = |el: &HtmlElement| el.offset_width() > 0;
        let settings = focus_in_widget(".tc-header__settings");
        settings
            .clone()
            .filter(shown)
            .or_else(|| focus_in_widget(".tc-header__more > button").filter(shown))
            .or(settings)
    };
    let close = move || {
        let button = opener();
        chat.close_settings();
        if let Some(b) = button {
            let _ = b.focus();
        }
    };
    let save = move || match form.get_untracked().validate() {
        Ok(settings) => {
            let button = opener();
            chat.save_settings(settings, api_key.get_untracked());
            if let Some(b) = button {
                let _ = b.focus();
            }
        }
        Err(found) => {
            errors.set(found);
            if let Some(first) = focus_in_widget(".tc-dialog [aria-invalid='true']") {
                let _ = first.focus();
            }
        }
    };
    let on_keydown = use_focus_trap(dialog, close);
    let title_id = "tc-settings-title";

    view! {
        <div class="tc-overlay">
            <div node_ref=dialog class="tc-dialog" role="dialog" aria-modal="true" aria-labelledby=title_id
                on:keydown=on_keydown>
                <h3 class="tc-dialog__title" id=title_id>{chat.t(|s| &s.settings)}</h3>
                <form class="tc-form" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    save();
                    // The error messages render on this change; focus the first invalid field.
                    request_animation_frame(move || {
                        if let Some(first) = focus_in_widget(".tc-dialog [aria-invalid='true']") {
                            let _ = first.focus();
                        }
                    });
                }>
                    <KeyFields api_key=api_key form=form />
                    <UrlField form=form errors=errors />
                    <AgentField form=form errors=errors />
                    // An agent brings its own model and settings.
                    <Show when=move || form.with(|f| f.agent_id.trim().is_empty())>
                        <ModelField form=form errors=errors />
                        <NumberFields form=form errors=errors />
                        <ReasoningField form=form />
                    </Show>
                    <SystemPromptField form=form />
                    <div class="tc-dialog__actions">
                        <Button variant=ButtonVariant::Ghost on:click=move |_| close()>{chat.t(|s| &s.close)}</Button>
                        <Button variant=ButtonVariant::Primary submit=true>{chat.t(|s| &s.save)}</Button>
                    </div>
                </form>
            </div>
        </div>
    }
}

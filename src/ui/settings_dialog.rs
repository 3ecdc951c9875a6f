//! The settings dialog: a modal for the API key, API base URL, agent, model, temperature, max
//! tokens, reasoning and system prompt. Its fields are in [`crate::ui::settings_fields`].
//! Built with [`crate::dom`].

use crate::prelude::*;
use tinychat_core::options::{SettingsError, SettingsForm};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

use crate::chat::Chat;
use crate::dom::{self, append, append_all, attr, el, el_text};
use crate::ui::button::ButtonVariant;
use crate::ui::focus_trap::trap_focus;
use crate::ui::settings_fields::{
    agent_field, key_fields, model_field, number_fields, reasoning_field, system_prompt_field,
    url_field, Form,
};

/// A modal dialog named "Settings". Escape or Close discards changes; Save validates every
/// field with the same rules as the page's options and applies them to the next message
/// without a reload, or names what is wrong and keeps the dialog open. Focus is trapped inside
/// and returns to "Settings" on close.
#[inline(never)] // its own function, which scripts/split.mjs moves to the extras module
pub fn settings_dialog() -> Node {
    let chat = expect_context::<Chat>();
    let f = Form {
        form: RwSignal::new(SettingsForm::from_settings(
            &chat.settings().get_untracked(),
        )),
        errors: RwSignal::new(Vec::<SettingsError>::new()),
    };
    let api_key = RwSignal::new(chat.api_key().get_untracked());

    let overlay = el("div", "tc-overlay");
    let dialog = el("div", "tc-dialog");
    attr(&dialog, "role", "dialog");
    attr(&dialog, "aria-modal", "true");
    attr(&dialog, "aria-labelledby", "tc-settings-title");
    append(&overlay, &dialog);

    let in_widget = {
        let dialog = dialog.clone();
        move |selector: &str| -> Option<HtmlElement> {
            dialog
                .closest(".tc-chat")
                .ok()
                .flatten()?
                .query_selector(selector)
                .ok()
                .flatten()?
                .dyn_into::<HtmlElement>()
                .ok()
        }
    };
    // Where focus returns: the Settings button, or on narrow widgets (where the stylesheet hides
    // it) the More menu's button that opened the dialog.
    let opener = {
        let in_widget = in_widget.clone();
        move || {
            let shown = |e: &HtmlElement| e.offset_width() > 0;
            let settings = in_widget(".tc-header__settings");
            settings
                .clone()
                .filter(shown)
                .or_else(|| in_widget(".tc-header__more > button").filter(shown))
                .or(settings)
        }
    };
    let close = {
        let opener = opener.clone();
        move || {
            let button = opener();
            chat.close_settings();
            if let Some(b) = button {
                let _ = b.focus();
            }
        }
    };
    let focus_first_invalid = {
        let in_widget = in_widget.clone();
        move || {
            if let Some(first) = in_widget(".tc-dialog [aria-invalid='true']") {
                let _ = first.focus();
            }
        }
    };

    let title = el_text("h3", "tc-dialog__title", &chat.t(|s| s.settings()));
    attr(&title, "id", "tc-settings-title");
    let form = el("form", "tc-form");
    attr(&form, "novalidate", "");
    append_all(&dialog, &[&title, &form]);

    append(&form, &key_fields(api_key, f.form));
    append(&form, &url_field(f));
    append(&form, &agent_field(f));
    // An agent brings its own model and settings.
    dom::show(
        &form,
        move || f.form.with(|x| x.agent_id.trim().is_empty()),
        move || {
            let group = dom::fragment();
            append(&group, &model_field(f));
            append(&group, &number_fields(f));
            append(&group, &reasoning_field(f.form));
            group
        },
    );
    append(&form, &system_prompt_field(f.form));

    let actions = el("div", "tc-dialog__actions");
    let close_button = dom::button(ButtonVariant::Ghost.class(false), &chat.t(|s| s.close()));
    let save_button = dom::button(ButtonVariant::Primary.class(false), &chat.t(|s| s.save()));
    attr(&save_button, "type", "submit");
    append_all(&actions, &[&close_button, &save_button]);
    append(&form, &actions);

    {
        let close = close.clone();
        dom::on(&close_button, "click", move |_| close());
    }
    dom::on(&form, "submit", move |ev| {
        ev.prevent_default();
        match f.form.get_untracked().validate() {
            Ok(settings) => {
                let button = opener();
                chat.save_settings(settings, api_key.get_untracked());
                if let Some(b) = button {
                    let _ = b.focus();
                }
            }
            Err(found) => {
                f.errors.set(found);
                focus_first_invalid();
                // The error messages render on this change; focus the first invalid field.
                let again = focus_first_invalid.clone();
                request_animation_frame(again);
            }
        }
    });
    trap_focus(&dialog, close);
    let overlay: Element = overlay;
    overlay.into()
}

//! The fields of the [`crate::ui::settings_dialog::SettingsDialog`], each editing a
//! [`SettingsForm`] and showing its own error, if any, in words.

use leptos::prelude::*;
use tinychat_core::options::{with_selected_first, SettingsError, SettingsForm};

use crate::chat::Chat;
use crate::ui::button::{Button, ButtonVariant};

/// The error message under a field, linked to it by `aria-describedby`.
#[component]
fn FieldError(
    /// Which field.
    kind: SettingsError,
    /// The dialog's current errors.
    errors: RwSignal<Vec<SettingsError>>,
    /// The message's id.
    id: &'static str,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let text = chat.strings().settings_error(kind).to_owned();
    view! {
        <Show when=move || errors.with(|e| e.contains(&kind))>
            <p class="tc-field__error" id=id>{text.clone()}</p>
        </Show>
    }
}

/// `aria-invalid` of a field: "true" while it has an error.
fn invalid(
    errors: RwSignal<Vec<SettingsError>>,
    kind: SettingsError,
) -> impl Fn() -> Option<&'static str> + Copy {
    move || errors.with(|e| e.contains(&kind)).then_some("true")
}

/// `aria-describedby` of a field: its error message's id while there is one.
fn described_by(
    errors: RwSignal<Vec<SettingsError>>,
    kind: SettingsError,
    id: &'static str,
) -> impl Fn() -> Option<&'static str> + Copy {
    move || errors.with(|e| e.contains(&kind)).then_some(id)
}

/// The API key (with Show/Hide), "Remember on this device" and where the key is kept.
#[component]
pub fn KeyFields(
    /// The key being edited.
    api_key: RwSignal<String>,
    /// The form (for `remember_key`).
    form: RwSignal<SettingsForm>,
) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    let show_key = RwSignal::new(false);
    let (show, hide) = (s.show_key.clone(), s.hide_key.clone());
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.api_key.clone()}</span>
            <span class="tc-field__row">
                <input class="tc-input" type=move || if show_key.get() { "text" } else { "password" }
                    autocomplete="off" spellcheck="false"
                    prop:value=move || api_key.get() on:input=move |ev| api_key.set(event_target_value(&ev)) />
                <Button variant=ButtonVariant::Ghost attr:aria-pressed=move || show_key.get().to_string()
                    on:click=move |_| show_key.update(|v| *v = !*v)>
                    {move || if show_key.get() { hide.clone() } else { show.clone() }}
                </Button>
            </span>
        </label>
        <label class="tc-check">
            <input type="checkbox" prop:checked=move || form.with(|f| f.remember_key)
                on:change=move |ev| form.update(|f| f.remember_key = event_target_checked(&ev)) />
            <span>{s.remember.clone()}</span>
        </label>
        <p class="tc-field__help">{s.key_help.clone()}</p>
    }
}

/// The API base URL.
#[component]
pub fn UrlField(
    form: RwSignal<SettingsForm>,
    errors: RwSignal<Vec<SettingsError>>,
) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    let error_id = "tc-settings-api-base-error";
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.api_base.clone()}</span>
            <input class="tc-input" type="url" inputmode="url" spellcheck="false"
                aria-invalid=invalid(errors, SettingsError::ApiBase)
                aria-describedby=described_by(errors, SettingsError::ApiBase, error_id)
                prop:value=move || form.with(|f| f.api_base.clone())
                on:input=move |ev| form.update(|f| f.api_base = event_target_value(&ev)) />
            <FieldError kind=SettingsError::ApiBase errors=errors id=error_id />
        </label>
    }
}

/// The model picker: the fetched or configured models, the selected one always offered.
#[component]
pub fn ModelField(
    form: RwSignal<SettingsForm>,
    errors: RwSignal<Vec<SettingsError>>,
) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    let error_id = "tc-settings-model-error";
    let models = move || {
        let selected = form.with_untracked(|f| f.model.clone());
        chat.models()
            .with(|list| with_selected_first(list, &selected))
    };
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.model.clone()}</span>
            <select class="tc-input" aria-invalid=invalid(errors, SettingsError::Model)
                aria-describedby=described_by(errors, SettingsError::Model, error_id)
                on:change=move |ev| form.update(|f| f.model = event_target_value(&ev))>
                {move || models().into_iter().map(|m| {
                    let selected = form.with_untracked(|f| f.model == m);
                    view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                }).collect_view()}
            </select>
            <FieldError kind=SettingsError::Model errors=errors id=error_id />
        </label>
    }
}

/// Temperature and max tokens, side by side.
#[component]
pub fn NumberFields(
    form: RwSignal<SettingsForm>,
    errors: RwSignal<Vec<SettingsError>>,
) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    let (t_error, m_error) = (
        "tc-settings-temperature-error",
        "tc-settings-max-tokens-error",
    );
    view! {
        <div class="tc-form__row">
            <label class="tc-field">
                <span class="tc-field__label">{s.temperature.clone()}</span>
                <input class="tc-input" type="number" min="0" max="1.5" step="0.1" inputmode="decimal"
                    aria-invalid=invalid(errors, SettingsError::Temperature)
                    aria-describedby=described_by(errors, SettingsError::Temperature, t_error)
                    prop:value=move || form.with(|f| f.temperature.clone())
                    on:input=move |ev| form.update(|f| f.temperature = event_target_value(&ev)) />
                <FieldError kind=SettingsError::Temperature errors=errors id=t_error />
            </label>
            <label class="tc-field">
                <span class="tc-field__label">{s.max_tokens.clone()}</span>
                <input class="tc-input" type="number" min="1" step="1" inputmode="numeric"
                    aria-invalid=invalid(errors, SettingsError::MaxTokens)
                    aria-describedby=described_by(errors, SettingsError::MaxTokens, m_error)
                    prop:value=move || form.with(|f| f.max_tokens.clone())
                    on:input=move |ev| form.update(|f| f.max_tokens = event_target_value(&ev)) />
                <FieldError kind=SettingsError::MaxTokens errors=errors id=m_error />
            </label>
        </div>
    }
}

/// The system prompt.
#[component]
pub fn SystemPromptField(form: RwSignal<SettingsForm>) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.system_prompt.clone()}</span>
            <textarea class="tc-input" rows="3"
                prop:value=move || form.with(|f| f.system_prompt.clone())
                on:input=move |ev| form.update(|f| f.system_prompt = event_target_value(&ev))></textarea>
        </label>
    }
}

/// The La Plateforme agent to talk to instead of a model (empty: none).
#[component]
pub fn AgentField(
    form: RwSignal<SettingsForm>,
    errors: RwSignal<Vec<SettingsError>>,
) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    let (error_id, help_id) = ("tc-settings-agent-error", "tc-settings-agent-help");
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.agent_id.clone()}</span>
            <input class="tc-input" type="text" spellcheck="false" autocomplete="off"
                aria-invalid=invalid(errors, SettingsError::AgentId)
                aria-describedby=move || {
                    let error = described_by(errors, SettingsError::AgentId, error_id)();
                    error.map_or_else(|| help_id.to_owned(), |e| format!("{help_id} {e}"))
                }
                prop:value=move || form.with(|f| f.agent_id.clone())
                on:input=move |ev| form.update(|f| f.agent_id = event_target_value(&ev)) />
            <span class="tc-field__help" id=help_id>{s.agent_help.clone()}</span>
            <FieldError kind=SettingsError::AgentId errors=errors id=error_id />
        </label>
    }
}

/// How hard reasoning models think: the model's default, off (`none`) or `high`.
#[component]
pub fn ReasoningField(form: RwSignal<SettingsForm>) -> impl IntoView {
    let s = expect_context::<Chat>().strings();
    let choices = [
        ("", s.reasoning_default.clone()),
        ("none", s.reasoning_off.clone()),
        ("high", s.reasoning_high.clone()),
    ];
    view! {
        <label class="tc-field">
            <span class="tc-field__label">{s.reasoning.clone()}</span>
            <select class="tc-input"
                on:change=move |ev| form.update(|f| f.reasoning_effort = event_target_value(&ev))>
                {choices.into_iter().map(|(value, label)| {
                    let selected = form.with_untracked(|f| f.reasoning_effort == value);
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

//! The fields of the settings dialog ([`crate::ui::settings_dialog`]), each editing a
//! [`SettingsForm`] and showing its own error, if any, in words. Built with [`crate::dom`].

use crate::prelude::*;
use tinychat_core::options::{with_selected_first, SettingsError, SettingsForm};
use wasm_bindgen::JsValue;
use web_sys::{Element, Node};

use crate::chat::Chat;
use crate::dom::{self, append, append_all, attr, el, el_text};
use crate::ui::button::ButtonVariant;

/// The form being edited and the errors its last Save found.
#[derive(Clone, Copy)]
pub struct Form {
    /// The values of the fields.
    pub form: RwSignal<SettingsForm>,
    /// What the last Save found wrong.
    pub errors: RwSignal<Vec<SettingsError>>,
}

impl Form {
    fn has(self, kind: SettingsError) -> bool {
        self.errors.with(|e| e.contains(&kind))
    }
}

/// `<label class="tc-field"><span class="tc-field__label">label</span>…</label>`.
fn field(label: &str) -> Element {
    let field = el("label", "tc-field");
    append(&field, &el_text("span", "tc-field__label", label));
    field
}

/// A text-like input of the form, kept in step with `get` and writing with `set`.
fn input(
    kind: &str,
    f: Form,
    get: fn(&SettingsForm) -> &String,
    set: fn(&mut SettingsForm, String),
) -> Element {
    let input = el("input", "tc-input");
    attr(&input, "type", kind);
    attr(&input, "spellcheck", "false");
    bind_value(&input, f.form, get, set);
    input
}

/// Keeps the field's `value` equal to the form's and writes what is typed back.
fn bind_value(
    e: &Element,
    form: RwSignal<SettingsForm>,
    get: fn(&SettingsForm) -> &String,
    set: fn(&mut SettingsForm, String),
) {
    dom::prop_with(e, "value", move || {
        JsValue::from_str(&form.with(|x| get(x).clone()))
    });
    dom::on(e, "input", move |ev| {
        let value = dom::target_value(&ev);
        form.update(|x| set(x, value));
    });
}

/// Marks `input` invalid while the form has `kind`'s error and shows that error, in words,
/// under it (linked by `aria-describedby`, after any `help` id).
fn with_error(
    field: &Element,
    input: &Element,
    f: Form,
    kind: SettingsError,
    id: &'static str,
    help: Option<&'static str>,
) {
    dom::attr_with(input, "aria-invalid", move || {
        f.has(kind).then(|| "true".to_owned())
    });
    dom::attr_with(input, "aria-describedby", move || {
        match (help, f.has(kind)) {
            (Some(help), true) => Some(format!("{help} {id}")),
            (Some(help), false) => Some(help.to_owned()),
            (None, true) => Some(id.to_owned()),
            (None, false) => None,
        }
    });
    let text = expect_context::<Chat>()
        .strings()
        .settings_error(kind)
        .to_owned();
    dom::show(
        field,
        move || f.has(kind),
        move || {
            let p = el_text("p", "tc-field__error", &text);
            attr(&p, "id", id);
            p.into()
        },
    );
}

/// The API key (with Show/Hide), "Remember on this device" and where the key is kept.
pub fn key_fields(api_key: RwSignal<String>, form: RwSignal<SettingsForm>) -> Node {
    let s = expect_context::<Chat>().strings();
    let show_key = RwSignal::new(false);
    let group = dom::fragment();

    let field = field(s.api_key());
    let row = el("span", "tc-field__row");
    let input = el("input", "tc-input");
    attr(&input, "autocomplete", "off");
    attr(&input, "spellcheck", "false");
    dom::attr_with(&input, "type", move || {
        Some(if show_key.get() { "text" } else { "password" }.to_owned())
    });
    dom::prop_with(&input, "value", move || JsValue::from_str(&api_key.get()));
    dom::on(&input, "input", move |ev| {
        api_key.set(dom::target_value(&ev))
    });
    let toggle = dom::button(ButtonVariant::Ghost.class(false), "");
    dom::attr_with(&toggle, "aria-pressed", move || {
        Some(show_key.get().to_string())
    });
    let (show, hide) = (s.show_key().clone(), s.hide_key().clone());
    dom::text_with(&toggle, move || {
        if show_key.get() {
            hide.clone()
        } else {
            show.clone()
        }
    });
    dom::on(&toggle, "click", move |_| show_key.update(|v| *v = !*v));
    append_all(&row, &[&input, &toggle]);
    append(&field, &row);

    let check = el("label", "tc-check");
    let checkbox = el("input", "");
    attr(&checkbox, "type", "checkbox");
    dom::prop_with(&checkbox, "checked", move || {
        JsValue::from_bool(form.with(|f| f.remember_key))
    });
    dom::on(&checkbox, "change", move |ev| {
        let on = dom::target_checked(&ev);
        form.update(|f| f.remember_key = on);
    });
    append_all(&check, &[&checkbox, &el_text("span", "", s.remember())]);

    append_all(
        &group,
        &[
            &field,
            &check,
            &el_text("p", "tc-field__help", s.key_help()),
        ],
    );
    group
}

/// The API base URL.
pub fn url_field(f: Form) -> Node {
    let s = expect_context::<Chat>().strings();
    let field = field(s.api_base());
    let input = input("url", f, |x| &x.api_base, |x, v| x.api_base = v);
    attr(&input, "inputmode", "url");
    append(&field, &input);
    with_error(
        &field,
        &input,
        f,
        SettingsError::ApiBase,
        "tc-settings-api-base-error",
        None,
    );
    field.into()
}

/// The La Plateforme agent to talk to instead of a model (empty: none).
pub fn agent_field(f: Form) -> Node {
    let s = expect_context::<Chat>().strings();
    let help_id = "tc-settings-agent-help";
    let field = field(s.agent_id());
    let input = input("text", f, |x| &x.agent_id, |x, v| x.agent_id = v);
    attr(&input, "autocomplete", "off");
    let help = el_text("span", "tc-field__help", s.agent_help());
    attr(&help, "id", help_id);
    append_all(&field, &[&input, &help]);
    with_error(
        &field,
        &input,
        f,
        SettingsError::AgentId,
        "tc-settings-agent-error",
        Some(help_id),
    );
    field.into()
}

/// An `<option>`, selected or not.
fn option(value: &str, label: &str, selected: bool) -> Element {
    let o = el_text("option", "", label);
    attr(&o, "value", value);
    if selected {
        attr(&o, "selected", "");
    }
    o
}

/// The model picker: the fetched or configured models, the selected one always offered.
pub fn model_field(f: Form) -> Node {
    let chat = expect_context::<Chat>();
    let field = field(chat.strings().model());
    let select = el("select", "tc-input");
    dom::on(&select, "change", move |ev| {
        let value = dom::target_value(&ev);
        f.form.update(|x| x.model = value);
    });
    let list = select.clone();
    dom::effect(move || {
        let selected = f.form.with_untracked(|x| x.model.clone());
        let models = chat
            .models()
            .with(|all| with_selected_first(all, &selected));
        list.set_text_content(None);
        for m in models {
            append(&list, &option(&m, &m, m == selected));
        }
    });
    append(&field, &select);
    with_error(
        &field,
        &select,
        f,
        SettingsError::Model,
        "tc-settings-model-error",
        None,
    );
    field.into()
}

/// A number input of the form.
fn number(
    label: &str,
    f: Form,
    kind: SettingsError,
    id: &'static str,
    get: fn(&SettingsForm) -> &String,
    set: fn(&mut SettingsForm, String),
    extra: &[(&str, &str)],
) -> Element {
    let field = field(label);
    let input = input("number", f, get, set);
    for (name, value) in extra {
        attr(&input, name, value);
    }
    append(&field, &input);
    with_error(&field, &input, f, kind, id, None);
    field
}

/// Temperature and max tokens, side by side.
pub fn number_fields(f: Form) -> Node {
    let s = expect_context::<Chat>().strings();
    let row = el("div", "tc-form__row");
    let temperature = number(
        s.temperature(),
        f,
        SettingsError::Temperature,
        "tc-settings-temperature-error",
        |x| &x.temperature,
        |x, v| x.temperature = v,
        &[
            ("min", "0"),
            ("max", "1.5"),
            ("step", "0.1"),
            ("inputmode", "decimal"),
        ],
    );
    let max_tokens = number(
        s.max_tokens(),
        f,
        SettingsError::MaxTokens,
        "tc-settings-max-tokens-error",
        |x| &x.max_tokens,
        |x, v| x.max_tokens = v,
        &[("min", "1"), ("step", "1"), ("inputmode", "numeric")],
    );
    append_all(&row, &[&temperature, &max_tokens]);
    row.into()
}

/// How hard reasoning models think: the model's default, off (`none`) or `high`.
pub fn reasoning_field(form: RwSignal<SettingsForm>) -> Node {
    let s = expect_context::<Chat>().strings();
    let field = field(s.reasoning());
    let select = el("select", "tc-input");
    let current = form.with_untracked(|x| x.reasoning_effort.clone());
    for (value, label) in [
        ("", &s.reasoning_default()),
        ("none", &s.reasoning_off()),
        ("high", &s.reasoning_high()),
    ] {
        append(&select, &option(value, label, current == value));
    }
    dom::on(&select, "change", move |ev| {
        let value = dom::target_value(&ev);
        form.update(|x| x.reasoning_effort = value);
    });
    append(&field, &select);
    field.into()
}

/// The system prompt.
pub fn system_prompt_field(form: RwSignal<SettingsForm>) -> Node {
    let s = expect_context::<Chat>().strings();
    let field = field(s.system_prompt());
    let area = el("textarea", "tc-input");
    attr(&area, "rows", "3");
    bind_value(
        &area,
        form,
        |x| &x.system_prompt,
        |x, v| x.system_prompt = v,
    );
    append(&field, &area);
    field.into()
}

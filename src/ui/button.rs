//! `Button`: the widget's one button, so its classes and `type` are written once.
//!
//! Attributes and listeners given to it (`on:click=…`, `attr:aria-label=…`, or any attribute
//! after `{..}`) land on the `button` element.

use leptos::prelude::*;

/// The look of a [`Button`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    /// Outlined.
    #[default]
    Default,
    /// The main action (Send, Save).
    Primary,
    /// Quiet, text-like (header and message actions).
    Ghost,
    /// Destructive (Delete).
    Danger,
    /// Stop a streaming reply.
    Stop,
}

impl ButtonVariant {
    pub fn class(self, small: bool) -> &'static str {
        match (self, small) {
            (ButtonVariant::Default, false) => "tc-button",
            (ButtonVariant::Default, true) => "tc-button tc-button--small",
            (ButtonVariant::Primary, false) => "tc-button tc-button--primary",
            (ButtonVariant::Primary, true) => "tc-button tc-button--primary tc-button--small",
            (ButtonVariant::Ghost, false) => "tc-button tc-button--ghost",
            (ButtonVariant::Ghost, true) => "tc-button tc-button--ghost tc-button--small",
            (ButtonVariant::Danger, false) => "tc-button tc-button--danger",
            (ButtonVariant::Danger, true) => "tc-button tc-button--danger tc-button--small",
            (ButtonVariant::Stop, false) => "tc-button tc-button--stop",
            (ButtonVariant::Stop, true) => "tc-button tc-button--stop tc-button--small",
        }
    }
}

/// A `<button>`: `type="button"` unless `submit`, classes from `variant` and `small`, plus
/// `extra_class` (e.g. `tc-header__settings`) for layout and tests.
#[component]
pub fn Button(
    /// Look.
    #[prop(optional)]
    variant: ButtonVariant,
    /// Smaller padding (message and list actions).
    #[prop(optional)]
    small: bool,
    /// A form's submit button.
    #[prop(optional)]
    submit: bool,
    /// Disabled while this is true.
    #[prop(optional, into)]
    disabled: Signal<bool>,
    /// Another class for placement.
    #[prop(optional)]
    extra_class: &'static str,
    /// The label.
    children: Children,
) -> impl IntoView {
    let class = if extra_class.is_empty() {
        variant.class(small).to_owned()
    } else {
        format!("{} {extra_class}", variant.class(small))
    };
    view! {
        <button type=if submit { "submit" } else { "button" } class=class
            disabled=move || disabled.get()>
            {children()}
        </button>
    }
}

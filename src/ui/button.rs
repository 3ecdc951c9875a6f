//! The looks of the widget's buttons, so their classes are written once (see
//! [`crate::dom::button`]).

/// The look of a button.
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
    /// The classes of this look (`small`: less padding, for message and list actions).
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

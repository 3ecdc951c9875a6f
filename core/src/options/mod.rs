//! Widget options, as given by the embedding page.
//!
//! The embed reads the mount element's `data-*` attributes (or the object passed to
//! `TinyChat.mount(element, options)`) and hands them to [`parse_options`] as `(key, value)`
//! pairs. Keys are the attribute names without `data-` in kebab-case (`api-base`,
//! `max-tokens`, …) or the camelCase spelling used in JavaScript (`apiBase`, `maxTokens`, …).
//!
//! Parsing never fails: a value that is invalid is replaced by the default and reported as an
//! [`OptionWarning`] (the embed logs it to the console), so a typo in an attribute degrades
//! one option instead of breaking the widget.
//!
//! | key | type | default |
//! |---|---|---|
//! | `api-base` | `http(s)://` URL or path starting with `/` | `https://api.mistral.ai` |
//! | `model` | model id | `mistral-small-latest` |
//! | `models` | comma-separated model ids | see [`DEFAULT_MODELS`] |
//! | `title` | text | `TinyChat` |
//! | `placeholder` | text | none (the widget's localized default) |
//! | `greeting` | text | none |
//! | `starter-prompts` | `|`-separated texts | none |
//! | `system-prompt` | text | none |
//! | `temperature` | number, 0 to 1.5 | none (the model's default) |
//! | `max-tokens` | integer > 0 | none (the model's default) |
//! | `mode` | `inline` or `launcher` | `inline` |
//! | `position` | `bottom-right` or `bottom-left` | `bottom-right` |
//! | `theme` | `light`, `dark` or `auto` | `auto` |
//! | `locale` | language tag such as `fr` or `en-GB` | none (the page's language) |
//! | `storage-key` | storage namespace, or `none` to store nothing | `tinychat` |
//! | `timeout-ms` | integer, 1000 to 3600000 | `60000` |
//! | `reasoning-effort` | `none` or `high`: sent as `reasoning_effort` to the models that take it | none (the model's default) |
//! | `agent-id` | a La Plateforme agent id: the widget talks to that agent (`/v1/agents/completions`) | none |
//! | `tool-rounds` | integer, 1 to 20: page-tool rounds per message (the last one must answer in text) | `5` |
//! | `feedback-url` | `http(s)://` URL or path starting with `/` | none (feedback stays in the page) |
//! | `load` | `intent`, `visible`, `idle` or `eager`: when the loader fetches the wasm | `intent` (launcher), `visible` (inline) |

use std::fmt;

mod parse;
mod settings;
mod validate;

pub use parse::{parse_options, with_selected_first};
pub use settings::{Settings, SettingsError, SettingsForm};
pub use validate::{
    is_model_id, parse_agent_id, parse_api_base, parse_locale, parse_max_tokens,
    parse_reasoning_effort, parse_storage_key, parse_temperature,
};

/// Default API base URL.
pub const DEFAULT_API_BASE: &str = "https://api.mistral.ai";
/// Default model.
pub const DEFAULT_MODEL: &str = "mistral-small-latest";
/// Models offered in the picker by default.
pub const DEFAULT_MODELS: &[&str] = &[
    "mistral-small-latest",
    "mistral-medium-latest",
    "mistral-large-latest",
    "open-mistral-nemo",
    "codestral-latest",
    "ministral-8b-latest",
];
/// Default widget title.
pub const DEFAULT_TITLE: &str = "TinyChat";
/// Longest title, in characters (longer ones are shortened with a warning).
pub const TITLE_MAX_CHARS: usize = 80;
/// Default storage namespace.
pub const DEFAULT_STORAGE_NAMESPACE: &str = "tinychat";
/// Default request timeout in milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 60_000;
/// Default number of page-tool rounds per user message.
pub const DEFAULT_TOOL_ROUNDS: u32 = 5;
/// Highest temperature Mistral accepts.
pub const MAX_TEMPERATURE: f32 = 1.5;

/// Keys that are valid on the mount element but handled elsewhere (no warning).
const PASSTHROUGH_KEYS: &[&str] = &["strings"];

/// How the widget is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Rendered in place, inside the mount element.
    #[default]
    Inline,
    /// A floating button that opens the chat in a panel.
    Launcher,
}

impl Mode {
    /// `"inline"` or `"launcher"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Inline => "inline",
            Mode::Launcher => "launcher",
        }
    }
}

/// Corner of the launcher button (launcher mode only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Position {
    /// Bottom right corner.
    #[default]
    BottomRight,
    /// Bottom left corner.
    BottomLeft,
}

impl Position {
    /// `"bottom-right"` or `"bottom-left"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
        }
    }
}

/// Colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Theme {
    /// Light.
    Light,
    /// Dark.
    Dark,
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
}

impl Theme {
    /// `"light"`, `"dark"` or `"auto"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }
}

/// Where conversations and settings are stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StorageKey {
    /// Browser storage, under keys prefixed with this namespace (`"tinychat"` by default;
    /// letters, digits, `_`, `-`, `.` and `:`, at most 64).
    Namespace(String),
    /// `"none"`: nothing is stored; conversations live as long as the page.
    None,
}

impl Default for StorageKey {
    fn default() -> Self {
        StorageKey::Namespace(DEFAULT_STORAGE_NAMESPACE.to_owned())
    }
}

/// Every option of the widget, validated. See the [module documentation](self) for the
/// attribute names and defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetOptions {
    /// API base URL without a trailing slash: an `http://` or `https://` URL, or a same-origin
    /// path such as `/mistral` (`""` for the site root). Requests go to
    /// `{api_base}/v1/chat/completions`.
    pub api_base: String,
    /// Model selected initially.
    pub model: String,
    /// Models offered in the picker; always contains [`model`](Self::model).
    pub models: Vec<String>,
    /// Widget title.
    pub title: String,
    /// Composer placeholder; `None` for the localized default.
    pub placeholder: Option<String>,
    /// Assistant greeting shown in a new conversation (never sent to the API).
    pub greeting: Option<String>,
    /// Suggested first messages, shown while the conversation is empty.
    pub starter_prompts: Vec<String>,
    /// System prompt sent first in every request.
    pub system_prompt: Option<String>,
    /// Sampling temperature, 0.0 to 1.5; `None` for the model's default.
    pub temperature: Option<f32>,
    /// Maximum tokens of a reply; `None` for the model's default.
    pub max_tokens: Option<u32>,
    /// Inline or launcher.
    pub mode: Mode,
    /// Launcher corner.
    pub position: Position,
    /// Colour scheme.
    pub theme: Theme,
    /// UI language tag (e.g. `fr`, `en-GB`); `None` to follow the page.
    pub locale: Option<String>,
    /// Storage namespace, or no storage.
    pub storage_key: StorageKey,
    /// Request timeout (time without any data from the server), in milliseconds.
    pub timeout_ms: u32,
    /// Where thumbs up/down are POSTed as JSON (the page's own endpoint; never with the key).
    pub feedback_url: Option<String>,
    /// How many times a reply may call the page's tools before it must answer in text.
    pub tool_rounds: u32,
    /// `reasoning_effort` for the models that take it.
    pub reasoning_effort: Option<String>,
    /// A La Plateforme agent to talk to instead of a model.
    pub agent_id: Option<String>,
    /// When the loader fetches the wasm (the loader reads it; parsed here so a typo is reported).
    pub load: Option<Load>,
}

impl Default for WidgetOptions {
    fn default() -> Self {
        WidgetOptions {
            api_base: DEFAULT_API_BASE.to_owned(),
            model: DEFAULT_MODEL.to_owned(),
            models: DEFAULT_MODELS.iter().map(|m| (*m).to_owned()).collect(),
            title: DEFAULT_TITLE.to_owned(),
            placeholder: None,
            greeting: None,
            starter_prompts: Vec::new(),
            system_prompt: None,
            temperature: None,
            max_tokens: None,
            mode: Mode::default(),
            position: Position::default(),
            theme: Theme::default(),
            locale: None,
            storage_key: StorageKey::default(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            load: None,
            feedback_url: None,
            tool_rounds: DEFAULT_TOOL_ROUNDS,
            reasoning_effort: None,
            agent_id: None,
        }
    }
}

/// When the loader (`tinychat-embed.js`) fetches the wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Load {
    /// On pointer over, focus on or touch of the widget, or a click (launcher default).
    Intent,
    /// When the widget comes near the viewport (inline default).
    Visible,
    /// Once the page has loaded and the browser is idle.
    Idle,
    /// At once.
    Eager,
}

/// An option value that could not be used.
///
/// Displays as a sentence naming the attribute, e.g.
/// `data-temperature="hot" is not a number between 0 and 1.5; using the default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionWarning {
    /// The attribute as the page wrote it: `data-temperature` for a kebab-case key, the key
    /// itself (e.g. `maxTokens`) for a camelCase key from the JavaScript API.
    pub attribute: String,
    /// The value given.
    pub value: String,
    /// What is wrong and what happens instead, e.g. `is not a number between 0 and 1.5; using
    /// the default`.
    pub message: String,
}

impl fmt::Display for OptionWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Quoted by hand, not with `{:?}`: the release wasm is built with `-Zfmt-debug=none`.
        let value = crate::text::escape_quoted(&self.value);
        write!(f, "{}=\"{value}\" {}", self.attribute, self.message)
    }
}

impl std::error::Error for OptionWarning {}

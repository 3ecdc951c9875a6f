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

use std::borrow::Cow;
use std::fmt;

mod settings;
mod validate;

pub use settings::{Settings, SettingsError, SettingsForm};
pub use validate::{
    is_model_id, parse_api_base, parse_locale, parse_max_tokens, parse_storage_key,
    parse_temperature,
};

use crate::text::{collapse_whitespace, truncate};

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
        }
    }
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
        write!(f, "{}={:?} {}", self.attribute, self.value, self.message)
    }
}

impl std::error::Error for OptionWarning {}

/// The canonical kebab-case key: `maxTokens` → `max-tokens`, `data-max-tokens` → `max-tokens`,
/// `MAX_TOKENS` → `max-tokens`.
fn canonical_key(key: &str) -> String {
    let key = key.trim();
    let key = key.strip_prefix("data-").unwrap_or(key);
    let all_upper = !key.chars().any(|c| c.is_ascii_lowercase());
    let mut out = String::with_capacity(key.len() + 4);
    for (i, c) in key.chars().enumerate() {
        if c == '_' {
            out.push('-');
        } else if c.is_ascii_uppercase() && !all_upper {
            if i > 0 && !out.ends_with('-') {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The attribute name to report for `key`: `data-<canonical>` for kebab-case keys, the key as
/// written for camelCase keys from the JavaScript API.
fn attribute_name(key: &str, canonical: &str) -> String {
    if key.trim().starts_with("data-") || !key.chars().any(|c| c.is_ascii_uppercase()) {
        format!("data-{canonical}")
    } else {
        key.trim().to_owned()
    }
}

/// Parse widget options from `(key, value)` pairs. Never fails; see the
/// [module documentation](self).
///
/// Unknown keys are ignored with a warning (a typo should not go unnoticed). When a key is
/// given more than once, the last value wins.
///
/// ```
/// use tinychat_core::options::{parse_options, Theme};
/// let (opts, warnings) = parse_options([("theme", "dark"), ("temperature", "hot")]);
/// assert_eq!(opts.theme, Theme::Dark);
/// assert_eq!(opts.temperature, None);
/// assert_eq!(
///     warnings[0].to_string(),
///     "data-temperature=\"hot\" is not a number between 0 and 1.5; using the default"
/// );
/// ```
pub fn parse_options<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> (WidgetOptions, Vec<OptionWarning>) {
    let mut opts = WidgetOptions::default();
    let mut warnings = Vec::new();
    for (key, raw) in pairs {
        let canonical = canonical_key(key);
        let mut problems = Vec::new();
        apply_option(&mut opts, &canonical, raw.trim(), &mut problems);
        warnings.extend(problems.into_iter().map(|message| OptionWarning {
            attribute: attribute_name(key, &canonical),
            value: raw.to_owned(),
            message,
        }));
    }
    // The picker must offer the selected model.
    opts.models = with_selected_first(&opts.models, &opts.model);
    (opts, warnings)
}

/// `models` with `selected` added in front when it is not there: a picker must offer the
/// selected model (used for the options, the settings dialog and the fetched model list).
pub fn with_selected_first(models: &[String], selected: &str) -> Vec<String> {
    let mut out = models.to_vec();
    if !selected.is_empty() && !out.iter().any(|m| m == selected) {
        out.insert(0, selected.to_owned());
    }
    out
}

/// `value` if valid, else `fallback` with a warning `message`. An empty value means "not set":
/// the fallback applies silently.
fn or_warn<T>(
    value: &str,
    parsed: Option<T>,
    fallback: T,
    message: &str,
    problems: &mut Vec<String>,
) -> T {
    match parsed {
        Some(v) => v,
        None => {
            if !value.is_empty() {
                problems.push(message.to_owned());
            }
            fallback
        }
    }
}

/// One of a fixed set of lowercase words.
fn choice<T: Copy + Default>(value: &str, choices: &[(&str, T)]) -> Option<T> {
    let lower = value.to_ascii_lowercase();
    if lower.is_empty() {
        return Some(T::default());
    }
    choices
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, v)| *v)
}

fn apply_option(opts: &mut WidgetOptions, key: &str, value: &str, problems: &mut Vec<String>) {
    let empty = value.is_empty();
    match key {
        "api-base" => {
            opts.api_base = or_warn(
                value,
                parse_api_base(value),
                DEFAULT_API_BASE.to_owned(),
                "is not an http(s) URL or a path starting with \"/\"; using the default",
                problems,
            )
        }
        "model" => {
            opts.model = or_warn(
                value,
                is_model_id(value).then(|| value.to_owned()),
                DEFAULT_MODEL.to_owned(),
                "is not a valid model id; using the default",
                problems,
            )
        }
        "models" => opts.models = parse_models(value, problems),
        "title" => {
            opts.title = if empty {
                DEFAULT_TITLE.to_owned()
            } else {
                let line = collapse_whitespace(value);
                let title = truncate(&line, TITLE_MAX_CHARS);
                if matches!(title, Cow::Owned(_)) {
                    problems.push("is longer than 80 characters; it is shortened".to_owned());
                }
                title.into_owned()
            }
        }
        "placeholder" => opts.placeholder = non_empty(value),
        "greeting" => opts.greeting = non_empty(value),
        "system-prompt" => opts.system_prompt = non_empty(value),
        "starter-prompts" => {
            opts.starter_prompts = value
                .split('|')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        }
        "temperature" => {
            opts.temperature = or_warn(
                value,
                parse_temperature(value).map(Some),
                None,
                "is not a number between 0 and 1.5; using the default",
                problems,
            )
        }
        "max-tokens" => {
            opts.max_tokens = or_warn(
                value,
                parse_max_tokens(value).map(Some),
                None,
                "is not a whole number greater than 0; using the default",
                problems,
            )
        }
        "mode" => {
            opts.mode = or_warn(
                value,
                choice(value, &[("inline", Mode::Inline), ("launcher", Mode::Launcher)]),
                Mode::default(),
                "is not \"inline\" or \"launcher\"; using \"inline\"",
                problems,
            )
        }
        "position" => {
            opts.position = or_warn(
                value,
                choice(
                    value,
                    &[
                        ("bottom-right", Position::BottomRight),
                        ("bottom-left", Position::BottomLeft),
                    ],
                ),
                Position::default(),
                "is not \"bottom-right\" or \"bottom-left\"; using \"bottom-right\"",
                problems,
            )
        }
        "theme" => {
            opts.theme = or_warn(
                value,
                choice(
                    value,
                    &[("light", Theme::Light), ("dark", Theme::Dark), ("auto", Theme::Auto)],
                ),
                Theme::default(),
                "is not \"light\", \"dark\" or \"auto\"; using \"auto\"",
                problems,
            )
        }
        "locale" => {
            opts.locale = or_warn(
                value,
                parse_locale(value).map(Some),
                None,
                "is not a language tag such as \"en\" or \"fr-FR\"; using the page's language",
                problems,
            )
        }
        "storage-key" => {
            opts.storage_key = or_warn(
                value,
                if empty { Some(StorageKey::default()) } else { parse_storage_key(value) },
                StorageKey::default(),
                "is not \"none\" or a name of letters, digits, '_', '-', '.' and ':' (at most 64); using \"tinychat\"",
                problems,
            )
        }
        "timeout-ms" => {
            opts.timeout_ms = or_warn(
                value,
                value
                    .parse::<u32>()
                    .ok()
                    .filter(|ms| (1_000..=3_600_000).contains(ms)),
                DEFAULT_TIMEOUT_MS,
                "is not a whole number of milliseconds between 1000 and 3600000; using 60000",
                problems,
            )
        }
        k if PASSTHROUGH_KEYS.contains(&k) => {}
        _ => problems.push("is not a TinyChat option; it is ignored".to_owned()),
    }
}

/// A comma-separated model list: invalid ids are dropped with a warning, duplicates removed;
/// an empty result falls back to [`DEFAULT_MODELS`].
fn parse_models(value: &str, problems: &mut Vec<String>) -> Vec<String> {
    let mut models: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for model in value.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        if !is_model_id(model) {
            bad.push(model);
        } else if !models.iter().any(|m| m == model) {
            models.push(model.to_owned());
        }
    }
    if !bad.is_empty() {
        problems.push(format!(
            "contains invalid model ids ({}); they are ignored",
            bad.join(", ")
        ));
    }
    if models.is_empty() {
        if !value.is_empty() && bad.is_empty() {
            problems.push("lists no models; using the default list".to_owned());
        }
        WidgetOptions::default().models
    } else {
        models
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::canonical_key;

    #[test]
    fn canonical_keys() {
        assert_eq!(canonical_key("maxTokens"), "max-tokens");
        assert_eq!(canonical_key("data-api-base"), "api-base");
        assert_eq!(canonical_key("MAX_TOKENS"), "max-tokens");
        assert_eq!(canonical_key("starterPrompts"), "starter-prompts");
    }
}

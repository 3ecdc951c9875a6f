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

use std::fmt;

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
        let attribute =
            if key.trim().starts_with("data-") || !key.chars().any(|c| c.is_ascii_uppercase()) {
                format!("data-{canonical}")
            } else {
                key.trim().to_owned()
            };
        let value = raw.trim();
        let mut warn = |message: &str| {
            warnings.push(OptionWarning {
                attribute: attribute.clone(),
                value: raw.to_owned(),
                message: message.to_owned(),
            })
        };
        // An empty value means "not set": the default applies silently.
        let empty = value.is_empty();
        match canonical.as_str() {
            "api-base" => {
                opts.api_base = if empty {
                    DEFAULT_API_BASE.to_owned()
                } else {
                    match parse_api_base(value) {
                        Some(base) => base,
                        None => {
                            warn("is not an http(s) URL or a path starting with \"/\"; using the default");
                            DEFAULT_API_BASE.to_owned()
                        }
                    }
                }
            }
            "model" => {
                opts.model = if empty {
                    DEFAULT_MODEL.to_owned()
                } else if is_model_id(value) {
                    value.to_owned()
                } else {
                    warn("is not a valid model id; using the default");
                    DEFAULT_MODEL.to_owned()
                }
            }
            "models" => {
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
                    warn(&format!(
                        "contains invalid model ids ({}); they are ignored",
                        bad.join(", ")
                    ));
                }
                if models.is_empty() {
                    if !empty && bad.is_empty() {
                        warn("lists no models; using the default list");
                    }
                    opts.models = WidgetOptions::default().models;
                } else {
                    opts.models = models;
                }
            }
            "title" => {
                opts.title = if empty {
                    DEFAULT_TITLE.to_owned()
                } else {
                    truncate_chars(&collapse_whitespace(value), 80, || {
                        warn("is longer than 80 characters; it is shortened")
                    })
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
                opts.temperature = if empty {
                    None
                } else {
                    match value.parse::<f32>() {
                        Ok(t) if (0.0..=MAX_TEMPERATURE).contains(&t) => Some(t),
                        _ => {
                            warn("is not a number between 0 and 1.5; using the default");
                            None
                        }
                    }
                }
            }
            "max-tokens" => {
                opts.max_tokens = if empty {
                    None
                } else {
                    match value.parse::<u32>() {
                        Ok(n) if n > 0 => Some(n),
                        _ => {
                            warn("is not a whole number greater than 0; using the default");
                            None
                        }
                    }
                }
            }
            "mode" => {
                opts.mode = match value.to_ascii_lowercase().as_str() {
                    "" => Mode::default(),
                    "inline" => Mode::Inline,
                    "launcher" => Mode::Launcher,
                    _ => {
                        warn("is not \"inline\" or \"launcher\"; using \"inline\"");
                        Mode::default()
                    }
                }
            }
            "position" => {
                opts.position = match value.to_ascii_lowercase().as_str() {
                    "" => Position::default(),
                    "bottom-right" => Position::BottomRight,
                    "bottom-left" => Position::BottomLeft,
                    _ => {
                        warn("is not \"bottom-right\" or \"bottom-left\"; using \"bottom-right\"");
                        Position::default()
                    }
                }
            }
            "theme" => {
                opts.theme = match value.to_ascii_lowercase().as_str() {
                    "" => Theme::default(),
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    "auto" => Theme::Auto,
                    _ => {
                        warn("is not \"light\", \"dark\" or \"auto\"; using \"auto\"");
                        Theme::default()
                    }
                }
            }
            "locale" => {
                opts.locale = if empty {
                    None
                } else {
                    let tag = parse_locale(value);
                    if tag.is_none() {
                        warn("is not a language tag such as \"en\" or \"fr-FR\"; using the page's language");
                    }
                    tag
                }
            }
            "storage-key" => {
                opts.storage_key = if empty {
                    StorageKey::default()
                } else if value.eq_ignore_ascii_case("none") {
                    StorageKey::None
                } else if value.len() <= 64
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
                {
                    StorageKey::Namespace(value.to_owned())
                } else {
                    warn("is not \"none\" or a name of letters, digits, '_', '-', '.' and ':' (at most 64); using \"tinychat\"");
                    StorageKey::default()
                }
            }
            "timeout-ms" => {
                opts.timeout_ms = if empty {
                    DEFAULT_TIMEOUT_MS
                } else {
                    match value.parse::<u32>() {
                        Ok(ms) if (1_000..=3_600_000).contains(&ms) => ms,
                        _ => {
                            warn("is not a whole number of milliseconds between 1000 and 3600000; using 60000");
                            DEFAULT_TIMEOUT_MS
                        }
                    }
                }
            }
            k if PASSTHROUGH_KEYS.contains(&k) => {}
            _ => warn("is not a TinyChat option; it is ignored"),
        }
    }
    // The picker must offer the selected model.
    if !opts.models.contains(&opts.model) {
        opts.models.insert(0, opts.model.clone());
    }
    (opts, warnings)
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` cut to at most `max` characters (ending with `…` when cut); `on_cut` runs when it is.
fn truncate_chars(s: &str, max: usize, on_cut: impl FnOnce()) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some(_) => {
            on_cut();
            let cut = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            format!("{}…", s[..cut].trim_end())
        }
    }
}

/// A model id: 1–100 characters of letters, digits and `-_.:/@`.
pub(crate) fn is_model_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '@'))
}

/// Validate an API base: `http(s)://host…` or `/path`; trailing slashes removed.
pub(crate) fn parse_api_base(value: &str) -> Option<String> {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let ok = match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !host.contains('@') && !rest.contains(['?', '#'])
        }
        // `//host` would be protocol-relative; `/\` is treated like `//` by browsers.
        None => value.starts_with('/') && !value.starts_with("//") && !value.starts_with("/\\"),
    };
    ok.then(|| value.trim_end_matches('/').to_owned())
}

/// A BCP 47-ish language tag: a 2–3 letter language, then `-`-separated subtags of 1–8
/// letters or digits; `_` is accepted as a separator and normalized to `-`.
fn parse_locale(value: &str) -> Option<String> {
    let tag = value.replace('_', "-");
    if tag.len() > 35 {
        return None;
    }
    let mut parts = tag.split('-');
    let language = parts.next()?;
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    (language_ok && rest_ok).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> (WidgetOptions, Vec<OptionWarning>) {
        parse_options(pairs.iter().copied())
    }

    fn one_warning(pairs: &[(&str, &str)]) -> (WidgetOptions, OptionWarning) {
        let (opts, warnings) = parse(pairs);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        (opts, warnings.into_iter().next().unwrap())
    }

    #[test]
    fn defaults() {
        let (opts, warnings) = parse(&[]);
        assert!(warnings.is_empty());
        assert_eq!(opts, WidgetOptions::default());
        assert_eq!(opts.api_base, "https://api.mistral.ai");
        assert_eq!(opts.model, "mistral-small-latest");
        assert_eq!(opts.models.len(), 6);
        assert_eq!(opts.title, "TinyChat");
        assert_eq!(opts.mode, Mode::Inline);
        assert_eq!(opts.position, Position::BottomRight);
        assert_eq!(opts.theme, Theme::Auto);
        assert_eq!(opts.storage_key, StorageKey::Namespace("tinychat".into()));
        assert_eq!(opts.timeout_ms, 60_000);
    }

    #[test]
    fn api_base() {
        for (input, expected) in [
            ("https://api.mistral.ai/", "https://api.mistral.ai"),
            ("  http://localhost:8080//  ", "http://localhost:8080"),
            ("HTTPS://Example.com/v", "HTTPS://Example.com/v"),
            ("/proxy/mistral/", "/proxy/mistral"),
            ("/", ""),
        ] {
            let (opts, warnings) = parse(&[("api-base", input)]);
            assert!(warnings.is_empty(), "{input}");
            assert_eq!(opts.api_base, expected);
        }
        for bad in [
            "ftp://x",
            "javascript:alert(1)",
            "example.com",
            "https://",
            "//evil.example",
            "https://user@host",
            "http://a b",
            "https://x?y",
            "relative/path",
        ] {
            let (opts, w) = one_warning(&[("api-base", bad)]);
            assert_eq!(opts.api_base, DEFAULT_API_BASE, "{bad}");
            assert_eq!(w.attribute, "data-api-base");
            assert!(w.to_string().starts_with("data-api-base="), "{w}");
        }
        let (opts, warnings) = parse(&[("api-base", "   ")]);
        assert!(warnings.is_empty());
        assert_eq!(opts.api_base, DEFAULT_API_BASE);
    }

    #[test]
    fn model_and_models() {
        let (opts, w) = parse(&[("model", " open-mistral-nemo ")]);
        assert!(w.is_empty());
        assert_eq!(opts.model, "open-mistral-nemo");
        assert_eq!(opts.models, WidgetOptions::default().models);

        let (opts, w) = one_warning(&[("model", "bad model!")]);
        assert_eq!(opts.model, DEFAULT_MODEL);
        assert_eq!(w.attribute, "data-model");

        let (opts, w) = parse(&[("models", "a, b ,a,,c"), ("model", "b")]);
        assert!(w.is_empty());
        assert_eq!(opts.models, ["a", "b", "c"]);

        // The selected model is always offered.
        let (opts, _) = parse(&[("models", "a,b"), ("model", "ft:custom:123")]);
        assert_eq!(opts.models, ["ft:custom:123", "a", "b"]);

        let (opts, w) = one_warning(&[("models", "ok, not ok")]);
        assert_eq!(opts.models[..2], ["mistral-small-latest", "ok"]);
        assert!(w.message.contains("not ok"), "{w}");

        let (opts, _) = one_warning(&[("models", " , ")]);
        assert_eq!(opts.models, WidgetOptions::default().models);
    }

    #[test]
    fn texts_are_trimmed_and_empty_means_unset() {
        let (opts, w) = parse(&[
            ("title", "  My   bot \n"),
            ("placeholder", " Ask me "),
            ("greeting", " Hello!\nHow can I help? "),
            ("system-prompt", "  Be brief. "),
        ]);
        assert!(w.is_empty());
        assert_eq!(opts.title, "My bot");
        assert_eq!(opts.placeholder.as_deref(), Some("Ask me"));
        assert_eq!(opts.greeting.as_deref(), Some("Hello!\nHow can I help?"));
        assert_eq!(opts.system_prompt.as_deref(), Some("Be brief."));

        let (opts, w) = parse(&[
            ("title", ""),
            ("placeholder", " "),
            ("greeting", ""),
            ("system-prompt", "\n"),
        ]);
        assert!(w.is_empty());
        assert_eq!(opts.title, "TinyChat");
        assert_eq!(
            (opts.placeholder, opts.greeting, opts.system_prompt),
            (None, None, None)
        );

        let long = "x".repeat(200);
        let (opts, w) = one_warning(&[("title", &long)]);
        assert_eq!(opts.title.chars().count(), 80);
        assert!(opts.title.ends_with('…'));
        assert_eq!(w.attribute, "data-title");
    }

    #[test]
    fn starter_prompts() {
        let (opts, w) = parse(&[("starter-prompts", " What is Rust? | |Write a haiku|  ")]);
        assert!(w.is_empty());
        assert_eq!(opts.starter_prompts, ["What is Rust?", "Write a haiku"]);
        let (opts, _) = parse(&[("starterPrompts", "one")]);
        assert_eq!(opts.starter_prompts, ["one"]);
    }

    #[test]
    fn temperature() {
        for (input, expected) in [("0", 0.0), ("0.7", 0.7), (" 1.5 ", 1.5)] {
            let (opts, w) = parse(&[("temperature", input)]);
            assert!(w.is_empty());
            assert_eq!(opts.temperature, Some(expected));
        }
        for bad in ["hot", "-0.1", "1.6", "NaN", "inf", "0,5"] {
            let (opts, w) = one_warning(&[("temperature", bad)]);
            assert_eq!(opts.temperature, None, "{bad}");
            assert_eq!(
                w.to_string(),
                format!(
                    "data-temperature={bad:?} is not a number between 0 and 1.5; using the default"
                )
            );
        }
    }

    #[test]
    fn max_tokens() {
        let (opts, w) = parse(&[("max-tokens", " 512 ")]);
        assert!(w.is_empty());
        assert_eq!(opts.max_tokens, Some(512));
        for bad in ["0", "-1", "1.5", "lots", "99999999999"] {
            let (opts, w) = one_warning(&[("max-tokens", bad)]);
            assert_eq!(opts.max_tokens, None);
            assert_eq!(w.attribute, "data-max-tokens");
        }
        let (opts, w) = one_warning(&[("maxTokens", "x")]);
        assert_eq!(opts.max_tokens, None);
        assert_eq!(w.attribute, "maxTokens");
        assert!(w.to_string().starts_with("maxTokens=\"x\" is not"));
    }

    #[test]
    fn mode_position_theme() {
        let (opts, w) = parse(&[
            ("mode", "Launcher"),
            ("position", "bottom-left"),
            ("theme", " DARK "),
        ]);
        assert!(w.is_empty());
        assert_eq!(opts.mode, Mode::Launcher);
        assert_eq!(opts.position, Position::BottomLeft);
        assert_eq!(opts.theme, Theme::Dark);
        assert_eq!(
            (
                opts.mode.as_str(),
                opts.position.as_str(),
                opts.theme.as_str()
            ),
            ("launcher", "bottom-left", "dark")
        );

        let (opts, w) = parse(&[("mode", "popup"), ("position", "top"), ("theme", "blue")]);
        assert_eq!(w.len(), 3);
        assert_eq!(opts.mode, Mode::Inline);
        assert_eq!(opts.position, Position::BottomRight);
        assert_eq!(opts.theme, Theme::Auto);
        assert_eq!(Theme::Light.as_str(), "light");
        assert_eq!(Theme::Auto.as_str(), "auto");
        assert_eq!(Mode::Inline.as_str(), "inline");
        assert_eq!(Position::BottomRight.as_str(), "bottom-right");
    }

    #[test]
    fn locale() {
        for (input, expected) in [
            ("fr", "fr"),
            ("en-GB", "en-GB"),
            ("en_US", "en-US"),
            ("zh-Hant-TW", "zh-Hant-TW"),
        ] {
            let (opts, w) = parse(&[("locale", input)]);
            assert!(w.is_empty(), "{input}");
            assert_eq!(opts.locale.as_deref(), Some(expected));
        }
        for bad in ["f", "english", "en-", "en--US", "<script>", "e1"] {
            let (opts, w) = one_warning(&[("locale", bad)]);
            assert_eq!(opts.locale, None, "{bad}");
            assert_eq!(w.attribute, "data-locale");
        }
    }

    #[test]
    fn storage_key() {
        let (opts, _) = parse(&[("storage-key", "none")]);
        assert_eq!(opts.storage_key, StorageKey::None);
        let (opts, _) = parse(&[("storage-key", "NONE")]);
        assert_eq!(opts.storage_key, StorageKey::None);
        let (opts, w) = parse(&[("storage-key", " my-site.chat ")]);
        assert!(w.is_empty());
        assert_eq!(
            opts.storage_key,
            StorageKey::Namespace("my-site.chat".into())
        );
        let (opts, w) = one_warning(&[("storage-key", "has space")]);
        assert_eq!(opts.storage_key, StorageKey::default());
        assert_eq!(w.attribute, "data-storage-key");
    }

    #[test]
    fn timeout() {
        let (opts, w) = parse(&[("timeout-ms", "120000")]);
        assert!(w.is_empty());
        assert_eq!(opts.timeout_ms, 120_000);
        for bad in ["999", "0", "soon", "3600001"] {
            let (opts, _) = one_warning(&[("timeout-ms", bad)]);
            assert_eq!(opts.timeout_ms, DEFAULT_TIMEOUT_MS);
        }
    }

    #[test]
    fn camel_case_keys_and_unknown_keys() {
        let (opts, w) = parse(&[
            ("apiBase", "/api"),
            ("maxTokens", "10"),
            ("systemPrompt", "Hi"),
            ("storageKey", "none"),
            ("timeoutMs", "5000"),
            ("data-theme", "light"),
            ("strings", "{\"send\":\"Go\"}"),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(opts.api_base, "/api");
        assert_eq!(opts.max_tokens, Some(10));
        assert_eq!(opts.system_prompt.as_deref(), Some("Hi"));
        assert_eq!(opts.storage_key, StorageKey::None);
        assert_eq!(opts.timeout_ms, 5000);
        assert_eq!(opts.theme, Theme::Light);

        let (_, w) = one_warning(&[("colour", "red")]);
        assert_eq!(
            w.to_string(),
            "data-colour=\"red\" is not a TinyChat option; it is ignored"
        );
    }

    #[test]
    fn last_value_wins() {
        let (opts, w) = parse(&[("theme", "dark"), ("theme", "light")]);
        assert!(w.is_empty());
        assert_eq!(opts.theme, Theme::Light);
    }

    #[test]
    fn canonical_keys() {
        assert_eq!(canonical_key("maxTokens"), "max-tokens");
        assert_eq!(canonical_key("data-api-base"), "api-base");
        assert_eq!(canonical_key("MAX_TOKENS"), "max-tokens");
        assert_eq!(canonical_key("starterPrompts"), "starter-prompts");
    }
}

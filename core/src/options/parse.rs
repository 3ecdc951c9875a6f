//! [`parse_options`]: the page's `(key, value)` pairs to [`WidgetOptions`], never failing.

use std::borrow::Cow;

use super::validate::{
    is_model_id, parse_agent_id, parse_api_base, parse_locale, parse_max_tokens,
    parse_reasoning_effort, parse_storage_key, parse_temperature,
};
use super::{
    Load, Mode, OptionWarning, Position, StorageKey, Theme, WidgetOptions, DEFAULT_API_BASE,
    DEFAULT_MODEL, DEFAULT_TIMEOUT_MS, DEFAULT_TITLE, DEFAULT_TOOL_ROUNDS, PASSTHROUGH_KEYS,
    TITLE_MAX_CHARS,
};
use crate::text::{collapse_whitespace, truncate};

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
/// [module documentation](super).
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
        "reasoning-effort" => {
            opts.reasoning_effort = or_warn(
                value,
                if empty { Some(None) } else { parse_reasoning_effort(value).map(Some) },
                None,
                "is not \"none\" or \"high\"; using the model's default",
                problems,
            )
        }
        "agent-id" => {
            opts.agent_id = or_warn(
                value,
                if empty { Some(None) } else { parse_agent_id(value).map(Some) },
                None,
                "is not an agent id (letters, digits, '_', '-', ':' and '.', at most 128); talking to the model",
                problems,
            )
        }
        "tool-rounds" => {
            opts.tool_rounds = or_warn(
                value,
                value.parse::<u32>().ok().filter(|n| (1..=20).contains(n)),
                DEFAULT_TOOL_ROUNDS,
                "is not a whole number between 1 and 20; using 5",
                problems,
            )
        }
        "feedback-url" => {
            opts.feedback_url = or_warn(
                value,
                if value.is_empty() {
                    Some(None)
                } else {
                    parse_api_base(value).map(Some)
                },
                None,
                "is not an http(s) URL or a path starting with \"/\"; feedback is not sent",
                problems,
            )
        }
        "load" => {
            opts.load = or_warn(
                value,
                match value.to_ascii_lowercase().as_str() {
                    "" => Some(None),
                    "intent" => Some(Some(Load::Intent)),
                    "visible" => Some(Some(Load::Visible)),
                    "idle" => Some(Some(Load::Idle)),
                    "eager" => Some(Some(Load::Eager)),
                    _ => None,
                },
                None,
                "is not \"intent\", \"visible\", \"idle\" or \"eager\"; using the mode's default",
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

//! Validation of single values, shared by the page's options, stored settings and the settings
//! dialog, so every path accepts exactly the same values.

use super::{StorageKey, MAX_TEMPERATURE};

/// A model id: 1–100 characters of letters, digits and `-_.:/@`.
pub fn is_model_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '@'))
}

/// Validate an API base: `http(s)://host…` or `/path`; trailing slashes removed.
///
/// ```
/// use tinychat_core::options::parse_api_base;
/// assert_eq!(parse_api_base("https://api.mistral.ai/").as_deref(), Some("https://api.mistral.ai"));
/// assert_eq!(parse_api_base("/llm").as_deref(), Some("/llm"));
/// assert_eq!(parse_api_base("//evil.example"), None);
/// ```
pub fn parse_api_base(value: &str) -> Option<String> {
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

/// A sampling temperature: a number from 0 to [`MAX_TEMPERATURE`].
pub fn parse_temperature(value: &str) -> Option<f32> {
    // Not `str::parse::<f32>`: the same value without its 20 KB table (see `crate::decimal`).
    crate::decimal::parse_f32_below_10(value.trim()).filter(|t| (0.0..=MAX_TEMPERATURE).contains(t))
}

/// A reply token limit: a whole number greater than 0.
pub fn parse_max_tokens(value: &str) -> Option<u32> {
    value.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

/// A BCP 47-ish language tag: a 2–3 letter language, then `-`-separated subtags of 1–8
/// letters or digits; `_` is accepted as a separator and normalized to `-`.
pub fn parse_locale(value: &str) -> Option<String> {
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

/// A storage namespace (at most 64 letters, digits, `_-.:`), or `none` to store nothing.
pub fn parse_storage_key(value: &str) -> Option<StorageKey> {
    if value.eq_ignore_ascii_case("none") {
        Some(StorageKey::None)
    } else if !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
    {
        Some(StorageKey::Namespace(value.to_owned()))
    } else {
        None
    }
}

/// The `reasoning_effort` values Mistral documents: `none` and `high`
/// (<https://docs.mistral.ai/capabilities/reasoning/>); anything else (including `""`) is
/// `None`, the model's default.
pub fn parse_reasoning_effort(value: &str) -> Option<String> {
    let value = value.trim().to_ascii_lowercase();
    matches!(value.as_str(), "none" | "high").then_some(value)
}

/// An agent id such as `ag:3996db2b:20250101:my-agent:1a2b3c4d` or `ag_0123…`: 1 to 128
/// letters, digits, `_`, `-`, `:` and `.`.
pub fn parse_agent_id(value: &str) -> Option<String> {
    let value = value.trim();
    ((1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.')))
    .then(|| value.to_owned())
}

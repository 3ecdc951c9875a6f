//! Text helpers shared by titles, option values and server messages: one place that cuts text
//! and adds `…`.

use std::borrow::Cow;

/// `s` with runs of whitespace (including newlines) collapsed to one space and trimmed.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `s` cut to at most `max` characters, the last of which is `…` when it is cut (whitespace
/// before the `…` is dropped). Borrowed when nothing was cut, so callers can tell.
///
/// ```
/// use tinychat_core::text::truncate;
/// assert_eq!(truncate("héllo", 3), "hé…");
/// assert_eq!(truncate("héllo", 5), "héllo");
/// assert_eq!(truncate("ab cd", 4), "ab…");
/// ```
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.char_indices().nth(max).is_none() {
        return Cow::Borrowed(s);
    }
    let cut = s
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(s.len(), |(i, _)| i);
    Cow::Owned(format!("{}…", s[..cut].trim_end()))
}

/// `s` for quoting in a message: `\\`, `"` and control characters escaped as Rust writes them
/// (`\n`, `\t`, `\r`, `\u{1b}`); every other character as it is. Unlike `str::escape_debug`,
/// it needs no Unicode tables (which the release wasm would carry for it).
///
/// ```
/// use tinychat_core::text::escape_quoted;
/// assert_eq!(escape_quoted("a \"b\"\n\\\u{7}é"), r#"a \"b\"\n\\\u{7}é"#);
/// ```
pub fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                out.push_str("\\u{");
                out.push_str(&format!("{:x}", c as u32));
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` on one line: whitespace collapsed, then cut to `max` characters (see [`truncate`]).
pub fn one_line(s: &str, max: usize) -> String {
    truncate(&collapse_whitespace(s), max).into_owned()
}

/// Text from a server for display: whitespace collapsed, control characters dropped, cut to
/// `max` characters plus a final `…` when longer. Reads at most about `4 * max` bytes' worth.
pub fn clean_text(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|c| !c.is_control()));
        if out.len() > max * 4 {
            break;
        }
    }
    truncate(&out, max + 1).into_owned()
}

/// Whether `url` is an `http:` or `https:` URL without whitespace.
pub(crate) fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(char::is_whitespace)
}

/// Whether `url` is a base64 `data:` URL of a PNG, JPEG, WebP or GIF image.
pub(crate) fn is_image_data_url(url: &str) -> bool {
    ["png", "jpeg", "webp", "gif"].iter().any(|kind| {
        url.strip_prefix("data:image/")
            .and_then(|rest| rest.strip_prefix(kind))
            .is_some_and(|rest| rest.starts_with(";base64,"))
    })
}

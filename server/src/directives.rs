//! Directives: the bracketed phrases in the last user message that steer one request.
//!
//! * `[delay=N]`: N milliseconds between streamed content pieces (at most 60,000);
//! * `[fault:NAME]`: a fault mode, listed in the [crate documentation](crate) and in
//!   `tinychat-server --help`;
//! * `[tool:NAME]`: when the request offers tools (and `tool_choice` is not `"none"`), the reply
//!   calls `NAME` with `{"query": <prompt>}` instead of answering; several `[tool:…]` make
//!   parallel calls. `NAME` need not be among the tools offered (to test unknown names);
//! * `[sources]`: the reply cites three sources, streamed after the text as a `reference`
//!   chunk and `tool_reference` chunks (one with a `javascript:` URL, one with markup in its
//!   title, for safety tests);
//! * `[tool-rounds=N]`: call the tools again in each of the first N rounds (default 1, at
//!   most 50), to test a widget's round limit.
//!
//! Names are case-insensitive. Several directives may be combined; when several status faults
//! (`401` … `503`) are given, the first one counts. Durations (`stall=N`, `slow-first=N`) are in
//! seconds, may have a fraction and are capped at 600.

use std::time::Duration;

/// The longest `[delay=N]` accepted, in milliseconds.
pub const MAX_DELAY_MS: u64 = 60_000;
/// The longest `stall=N` or `slow-first=N` accepted, in seconds.
pub const MAX_FAULT_SECS: f64 = 600.0;

/// Every fault name, for `--help` and for the error that answers an unknown one.
pub const FAULT_NAMES: [&str; 16] = [
    "401",
    "422",
    "429",
    "429-once",
    "500",
    "502",
    "503",
    "drop",
    "stall=N",
    "malformed",
    "stream-error",
    "ping",
    "crlf",
    "bytes",
    "slow-first=N",
    "no-done",
];

/// A fault that replaces the whole response with an error status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFault {
    /// `401`: Unauthorized.
    Unauthorized,
    /// `422`: a validation error.
    Unprocessable,
    /// `429`: rate limited, `Retry-After: 2`.
    RateLimited,
    /// `429-once`: rate limited (`Retry-After: 1`) the first time a body is seen.
    RateLimitedOnce,
    /// `500`: internal error.
    Internal,
    /// `502`: an HTML page from a proxy.
    BadGateway,
    /// `503`: service unavailable.
    Unavailable,
}

/// Faults that change a stream (most only when the request streams).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StreamFaults {
    /// `drop`: cut the connection after a few pieces.
    pub drop: bool,
    /// `stall=N`: pause this long after a few pieces.
    pub stall: Option<Duration>,
    /// `malformed`: one truncated JSON event after a few pieces.
    pub malformed: bool,
    /// `stream-error`: an error event after a few pieces, then the end.
    pub stream_error: bool,
    /// `ping`: `: ping` comments between chunks.
    pub ping: bool,
    /// `crlf`: `\r\n` line ends.
    pub crlf: bool,
    /// `bytes`: one byte per write.
    pub bytes: bool,
    /// `no-done`: no `data: [DONE]`.
    pub no_done: bool,
}

impl StreamFaults {
    /// Whether a fault fires a few pieces into the stream.
    pub fn has_mid_stream_fault(&self) -> bool {
        self.drop || self.stall.is_some() || self.malformed || self.stream_error
    }
}

/// What the directives of one message ask for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directives {
    /// `[delay=N]`.
    pub delay: Option<Duration>,
    /// The first status fault.
    pub status: Option<StatusFault>,
    /// `slow-first=N`: wait this long before the response headers.
    pub slow_first: Option<Duration>,
    /// The stream faults.
    pub stream: StreamFaults,
    /// `[tool:NAME]`, in order.
    pub tools: Vec<String>,
    /// `[tool-rounds=N]`: how many rounds call the tools.
    pub tool_rounds: Option<usize>,
    /// `[sources]`: the reply cites sources (`reference` and `tool_reference` chunks).
    pub sources: bool,
}

/// The most rounds `[tool-rounds=N]` asks for.
pub const MAX_TOOL_ROUNDS: usize = 50;

/// A message split into its directives and the rest of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The directives found.
    pub directives: Directives,
    /// The message without its directives, trimmed: the prompt the reply is chosen by.
    pub prompt: String,
}

/// Splits `message` into its directives and its prompt. An unknown fault name or a bad number
/// is an error whose text says what is wrong.
pub fn parse(message: &str) -> Result<Parsed, String> {
    let mut directives = Directives::default();
    let mut prompt = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('[') {
        prompt.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let lower = after.get(..12).unwrap_or(after).to_ascii_lowercase();
        let kind = [
            ("fault:", Kind::Fault),
            ("delay=", Kind::Delay),
            ("tool:", Kind::Tool),
            ("tool-rounds=", Kind::ToolRounds),
            ("sources", Kind::Sources),
        ]
        .into_iter()
        .find(|(prefix, _)| lower.starts_with(prefix));
        match (kind, after.find(']')) {
            (Some((prefix, kind)), Some(close)) if close >= prefix.len() => {
                let value = after[prefix.len()..close].trim();
                match kind {
                    Kind::Sources if value.is_empty() => directives.sources = true,
                    Kind::Sources => {
                        return Err(format!("[sources] takes no value, not {value:?}"))
                    }
                    Kind::Tool => directives.tools.push(value.to_owned()),
                    Kind::ToolRounds => {
                        let n: usize = value.parse().map_err(|_| {
                            format!("[tool-rounds=N] needs a whole number, not {value:?}")
                        })?;
                        directives.tool_rounds = Some(n.min(MAX_TOOL_ROUNDS));
                    }
                    Kind::Fault => apply_fault(&mut directives, value)?,
                    Kind::Delay => {
                        let ms: u64 = value.parse().map_err(|_| {
                            format!("[delay=N] needs whole milliseconds, not {value:?}")
                        })?;
                        directives.delay = Some(Duration::from_millis(ms.min(MAX_DELAY_MS)));
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                prompt.push('[');
                rest = after;
            }
        }
    }
    prompt.push_str(rest);
    Ok(Parsed {
        directives,
        prompt: prompt.trim().to_owned(),
    })
}

enum Kind {
    Fault,
    Delay,
    Tool,
    ToolRounds,
    Sources,
}

fn apply_fault(directives: &mut Directives, name: &str) -> Result<(), String> {
    let name = name.to_ascii_lowercase();
    let status = match name.as_str() {
        "401" => Some(StatusFault::Unauthorized),
        "422" => Some(StatusFault::Unprocessable),
        "429" => Some(StatusFault::RateLimited),
        "429-once" => Some(StatusFault::RateLimitedOnce),
        "500" => Some(StatusFault::Internal),
        "502" => Some(StatusFault::BadGateway),
        "503" => Some(StatusFault::Unavailable),
        _ => None,
    };
    if let Some(status) = status {
        directives.status.get_or_insert(status);
        return Ok(());
    }
    let stream = &mut directives.stream;
    match name.split_once('=') {
        Some(("stall", secs)) => stream.stall = Some(seconds(&name, secs)?),
        Some(("slow-first", secs)) => directives.slow_first = Some(seconds(&name, secs)?),
        Some(_) => return Err(unknown(&name)),
        None => match name.as_str() {
            "drop" => stream.drop = true,
            "malformed" => stream.malformed = true,
            "stream-error" => stream.stream_error = true,
            "ping" => stream.ping = true,
            "crlf" => stream.crlf = true,
            "bytes" => stream.bytes = true,
            "no-done" => stream.no_done = true,
            "stall" | "slow-first" => {
                return Err(format!("[fault:{name}=N] needs a number of seconds"))
            }
            _ => return Err(unknown(&name)),
        },
    }
    Ok(())
}

fn seconds(name: &str, value: &str) -> Result<Duration, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(|secs| Duration::from_secs_f64(secs.min(MAX_FAULT_SECS)))
        .ok_or_else(|| format!("[fault:{name}] needs a number of seconds, not {value:?}"))
}

fn unknown(name: &str) -> String {
    format!(
        "Unknown fault mode {name:?}; known: {} (N in seconds)",
        FAULT_NAMES.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_without_directives_is_its_own_trimmed_prompt() {
        let parsed = parse("  hello [world] [x ").unwrap();
        assert_eq!(parsed.prompt, "hello [world] [x");
        assert_eq!(parsed.directives, Directives::default());
    }

    #[test]
    fn directives_are_removed_from_the_prompt_and_combined() {
        let parsed =
            parse("[FAULT:ping] hi [delay=7][fault:stall=0.5] there [fault:crlf]").unwrap();
        assert_eq!(parsed.prompt, "hi  there");
        let d = parsed.directives;
        assert_eq!(d.delay, Some(Duration::from_millis(7)));
        assert!(d.stream.ping && d.stream.crlf);
        assert_eq!(d.stream.stall, Some(Duration::from_millis(500)));
        assert!(d.stream.has_mid_stream_fault());
    }

    #[test]
    fn tool_directives_are_collected() {
        let parsed = parse("find a lamp [tool:find_product] [TOOL:stock][tool-rounds=3]").unwrap();
        assert_eq!(parsed.prompt, "find a lamp");
        assert_eq!(parsed.directives.tools, ["find_product", "stock"]);
        assert_eq!(parsed.directives.tool_rounds, Some(3));
        assert_eq!(
            parse("[tool-rounds=999]").unwrap().directives.tool_rounds,
            Some(MAX_TOOL_ROUNDS)
        );
        assert!(parse("[tool-rounds=many]").is_err());
    }

    #[test]
    fn the_first_status_fault_wins() {
        let d = parse("[fault:503] [fault:429]").unwrap().directives;
        assert_eq!(d.status, Some(StatusFault::Unavailable));
    }

    #[test]
    fn slow_first_is_not_a_stream_fault() {
        let d = parse("[fault:slow-first=2]").unwrap().directives;
        assert_eq!(d.slow_first, Some(Duration::from_secs(2)));
        assert!(!d.stream.has_mid_stream_fault());
    }

    #[test]
    fn unknown_faults_and_bad_numbers_are_errors() {
        assert!(parse("[fault:explode]")
            .unwrap_err()
            .contains("Unknown fault mode"));
        assert!(parse("[fault:stall=soon]").is_err());
        assert!(parse("[fault:stall=-1]").is_err());
        assert!(parse("[fault:stall]").is_err());
        assert!(parse("[delay=fast]").is_err());
    }

    #[test]
    fn durations_are_capped() {
        let d = parse("[delay=999999999][fault:stall=1e9]")
            .unwrap()
            .directives;
        assert_eq!(d.delay, Some(Duration::from_millis(MAX_DELAY_MS)));
        assert_eq!(d.stream.stall, Some(Duration::from_secs(600)));
    }

    #[test]
    fn multibyte_text_around_brackets_is_kept() {
        let parsed = parse("日本語[fault:ping]👋[").unwrap();
        assert_eq!(parsed.prompt, "日本語👋[");
    }
}

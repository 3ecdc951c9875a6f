//! The command line, parsed by `clap` (derive), and its `--help`.

use std::{
    ffi::OsString,
    net::{IpAddr, Ipv4Addr},
    path::PathBuf,
    time::Duration,
};

use clap::{builder::NonEmptyStringValueParser, error::ErrorKind, CommandFactory, Parser};

use crate::Config;

/// The port used without `--port`.
pub const DEFAULT_PORT: u16 = 8787;

/// The environment variable that sets the delay when `--delay-ms` is not given.
pub const DELAY_ENV: &str = "TINYCHAT_SERVER_DELAY_MS";

/// The part of `--help` after the options: what the server prints, its endpoints, the replies
/// and the directives (every fault mode).
pub const AFTER_HELP: &str = r#"On start it prints one line to stdout, "tinychat-server listening on http://HOST:PORT",
and with --static-port a second one, "static files on http://HOST:PORT/".
Each request is logged to stderr: method, path, status, milliseconds to the headers.

ENDPOINTS:
    POST /v1/chat/completions   JSON, or server-sent events with "stream": true
    POST /v1/agents/completions the same for an agent_id (no model, temperature, top_p or
                                safe_prompt); 404 for an unknown agent. Agents:
                                  ag:tinychat:shop     "Shop assistant" (mistral-small-latest)
                                  ag:tinychat:search   "Search assistant", cites sources
    GET  /v1/models             Mistral's model list shape
    GET  /health                "ok"

REPLIES (chosen by whole words of the last user message):
    long N                  exactly N content pieces "tok0 ", "tok1 ", ...
    html                    <script>, onerror= and javascript: links, for XSS tests
    code                    fenced Rust, HTML (with <script>) and diff blocks, then prose
    markdown, demo          headings, bold, lists, a table, a link, code, é ü 你好 日本語 👋🦀
    anything else           You said: "<message>", then a line about the conversation
    magistral-* models stream "thinking" chunks before the answer; mistral-small-latest does
    with "reasoning_effort": "high". Model cards carry Mistral's capability flags.

DIRECTIVES (anywhere in the last user message; they can be combined):
    [delay=N]               N ms between pieces for this request
    [fault:401]             401 Unauthorized
    [fault:422]             422 with a validation detail list
    [fault:429]             429 rate_limited, Retry-After: 2, x-ratelimit-* headers
    [fault:429-once]        429 (Retry-After: 1) the first time this exact body is seen, then a reply
    [fault:500]             500 internal_error
    [fault:502]             502 with an HTML body
    [fault:503]             503 service_unavailable
    [fault:drop]            a few chunks, then the connection is dropped (no [DONE])
    [fault:stall=N]         a few chunks, N seconds of silence, then the rest
    [fault:malformed]       one truncated JSON event mid-stream, then the rest
    [fault:stream-error]    a few chunks, then an error event, then the end
    [fault:ping]            ": ping" comments between chunks
    [fault:crlf]            \r\n instead of \n in the event framing
    [fault:bytes]           every byte of the body written on its own
    [fault:slow-first=N]    N seconds before the response headers
    [fault:no-done]         no "data: [DONE]" at the end
    [tool:NAME]             when the request offers tools (tool_choice not "none"): call NAME
                            with {"query": <message>} instead of answering; repeat for
                            parallel calls. After the results the reply quotes each one.
    [sources]               cite three sources after the text (reference + tool_reference
                            chunks; one has a javascript: URL, one markup in its title)
    [tool-rounds=N]         call the tools again in each of the first N rounds (default 1)
    N in seconds may have a fraction. Status faults, slow-first and drop also apply to
    non-streaming requests. Tool results must answer the calls before them, as Mistral
    requires (400 "Unexpected tool call id …" / "Not the same number of function calls and
    responses" otherwise).
"#;

/// The flags, as `clap` parses them; [`parse_args`] turns them into [`Options`].
#[derive(Debug, Parser)]
#[command(
    name = "tinychat-server",
    version,
    about = "tinychat-server: a local server that speaks Mistral's chat API, for TinyChat's demo and tests",
    after_help = AFTER_HELP,
    max_term_width = 96
)]
struct Args {
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT, value_parser = parse_port,
        help = "Port for the API (0 picks a free one)")]
    port: u16,
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1", value_parser = parse_host,
        help = "Address to listen on (an IP address, or localhost)")]
    host: IpAddr,
    #[arg(long, value_name = "N", value_parser = parse_delay,
        help = "Milliseconds between streamed content pieces [default: 25, or $TINYCHAT_SERVER_DELAY_MS]")]
    delay_ms: Option<Duration>,
    #[arg(long, value_name = "KEY", value_parser = NonEmptyStringValueParser::new(),
        help = "Answer 401 unless requests carry \"Authorization: Bearer KEY\" \
                [default: any key, or none, is accepted]")]
    require_key: Option<String>,
    #[arg(long, value_name = "DIR", value_parser = parse_dir,
        help = "Also serve the files in DIR (e.g. the built dist/) at /, with a precompressed \
                .br or .gz sibling when the request accepts it")]
    static_dir: Option<PathBuf>,
    #[arg(long, value_name = "N", value_parser = parse_port, requires = "static_dir",
        help = "Also serve --static-dir on this port: a second origin, for embedding tests \
                (0 picks one); the API's port keeps serving the files too")]
    static_port: Option<u16>,
    #[arg(long, value_name = "POLICY", value_parser = parse_csp, requires = "static_dir",
        help = "Add \"Content-Security-Policy: POLICY\" to static file responses")]
    csp: Option<String>,
    #[arg(long, help = "Do not log requests to stderr")]
    quiet: bool,
}

/// The server's options.
#[derive(Debug)]
pub struct Options {
    /// The address to listen on.
    pub host: IpAddr,
    /// The API's port (0: any free one).
    pub port: u16,
    /// With `--static-port`: a second port (origin) that serves the static files, besides the
    /// API's port.
    pub static_port: Option<u16>,
    /// The server's configuration.
    pub config: Config,
}

/// Parses the arguments (without the program name). `env_delay` is the value of
/// [`DELAY_ENV`], if set; `--delay-ms` wins over it.
///
/// `--help` and `--version` come back as errors of kind [`ErrorKind::DisplayHelp`] and
/// [`ErrorKind::DisplayVersion`]: [`clap::Error::exit`] prints any of them where it belongs
/// (help to stdout with status 0, a mistake to stderr with status 2).
pub fn parse_args<I, T>(args: I, env_delay: Option<&str>) -> Result<Options, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let program = std::iter::once(OsString::from("tinychat-server"));
    let args = Args::try_parse_from(program.chain(args.into_iter().map(Into::into)))?;
    let delay = match (args.delay_ms, env_delay) {
        (Some(delay), _) => delay,
        (None, Some(ms)) => parse_delay(ms).map_err(|e| {
            Args::command().error(ErrorKind::InvalidValue, format!("{DELAY_ENV}: {e}"))
        })?,
        (None, None) => Config::default().delay,
    };
    Ok(Options {
        host: args.host,
        port: args.port,
        static_port: args.static_port,
        config: Config {
            delay,
            require_key: args.require_key,
            static_dir: args.static_dir,
            csp: args.csp,
            log_requests: !args.quiet,
        },
    })
}

/// The whole `--help` text.
pub fn help() -> String {
    Args::command().render_long_help().to_string()
}

fn parse_port(value: &str) -> Result<u16, String> {
    value
        .parse()
        .map_err(|_| format!("{value:?} is not a port number (0-65535)"))
}

fn parse_host(value: &str) -> Result<IpAddr, String> {
    if value.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    value
        .parse()
        .map_err(|_| format!("{value:?} is not an IP address"))
}

fn parse_delay(value: &str) -> Result<Duration, String> {
    value
        .trim()
        .parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("{value:?} is not a whole number of milliseconds"))
}

fn parse_dir(value: &str) -> Result<PathBuf, String> {
    let dir = PathBuf::from(value);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err("not a directory".into())
    }
}

fn parse_csp(value: &str) -> Result<String, String> {
    match axum::http::HeaderValue::from_str(value) {
        Ok(_) => Ok(value.to_owned()),
        Err(_) => Err("the policy must be printable ASCII on one line".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: Option<&str>) -> Result<Options, clap::Error> {
        parse_args(args, env)
    }

    /// The error's kind and its text as the user sees it.
    fn error(args: &[&str]) -> (ErrorKind, String) {
        let e = run(args, None).unwrap_err();
        (e.kind(), e.to_string())
    }

    #[test]
    fn defaults_are_loopback_8787_and_25_ms() {
        let options = run(&[], None).unwrap();
        assert_eq!(options.host.to_string(), "127.0.0.1");
        assert_eq!(options.port, 8787);
        assert_eq!(options.config.delay, Duration::from_millis(25));
        assert!(options.config.require_key.is_none() && options.config.log_requests);
        assert!(options.static_port.is_none() && options.config.static_dir.is_none());
    }

    #[test]
    fn flags_take_separate_or_inline_values() {
        let options = run(
            &[
                "--port",
                "0",
                "--delay-ms=3",
                "--require-key",
                "k=v",
                "--host=::1",
                "--quiet",
            ],
            None,
        )
        .unwrap();
        assert_eq!(options.port, 0);
        assert_eq!(options.config.delay, Duration::from_millis(3));
        assert_eq!(options.config.require_key.as_deref(), Some("k=v"));
        assert_eq!(options.host.to_string(), "::1");
        assert!(!options.config.log_requests);
        assert_eq!(
            run(&["--host", "LocalHost"], None)
                .unwrap()
                .host
                .to_string(),
            "127.0.0.1"
        );
    }

    #[test]
    fn static_flags_are_read() {
        let dir = std::env::temp_dir();
        let dir_arg = dir.to_str().expect("UTF-8 temp dir");
        let options = run(
            &[
                "--static-dir",
                dir_arg,
                "--static-port=0",
                "--csp",
                "default-src 'self'",
            ],
            None,
        )
        .unwrap();
        assert_eq!(options.config.static_dir.as_deref(), Some(dir.as_path()));
        assert_eq!(options.static_port, Some(0));
        assert_eq!(options.config.csp.as_deref(), Some("default-src 'self'"));
    }

    #[test]
    fn the_environment_sets_the_delay_and_the_flag_wins() {
        assert_eq!(run(&[], Some("0")).unwrap().config.delay, Duration::ZERO);
        let options = run(&["--delay-ms", "9"], Some("0")).unwrap();
        assert_eq!(options.config.delay, Duration::from_millis(9));
        let e = run(&[], Some("soon")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidValue);
        assert!(e.to_string().contains(DELAY_ENV), "{e}");
        // A bad variable does not matter when the flag is given.
        assert!(run(&["--delay-ms", "1"], Some("soon")).is_ok());
    }

    #[test]
    fn help_and_version_are_recognised() {
        let help = run(&["--port", "1", "-h"], None).unwrap_err();
        assert_eq!(help.kind(), ErrorKind::DisplayHelp);
        assert_eq!(help.exit_code(), 0);
        let version = run(&["-V"], None).unwrap_err();
        assert_eq!(version.kind(), ErrorKind::DisplayVersion);
        assert_eq!(
            version.to_string(),
            format!("tinychat-server {}\n", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn bad_arguments_are_explained() {
        let (kind, text) = error(&["--port", "99999"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(text.contains("port number"), "{text}");
        let (kind, text) = error(&["--port"]);
        assert_eq!(kind, ErrorKind::InvalidValue);
        assert!(
            text.contains("a value is required for '--port <N>'"),
            "{text}"
        );
        let (kind, text) = error(&["--frobnicate"]);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(
            text.contains("unexpected argument '--frobnicate'"),
            "{text}"
        );
        for args in [
            &["--static-port", "0"][..],
            &["--csp", "default-src 'none'"],
        ] {
            let (kind, text) = error(args);
            assert_eq!(kind, ErrorKind::MissingRequiredArgument, "{args:?}");
            assert!(text.contains("--static-dir"), "{text}");
        }
        let (kind, text) = error(&["--static-dir", "/no/such/dir"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(text.contains("not a directory"), "{text}");
        assert!(error(&["--host", "example.com"])
            .1
            .contains("not an IP address"));
        assert_eq!(error(&["--require-key", ""]).0, ErrorKind::InvalidValue);
        let dir = std::env::temp_dir();
        let dir_arg = dir.to_str().expect("UTF-8 temp dir");
        assert!(error(&["--static-dir", dir_arg, "--csp", "a\nb"])
            .1
            .contains("printable ASCII"));
    }

    #[test]
    fn help_lists_every_flag_and_fault_mode() {
        let help = help();
        for flag in [
            "--port <N>",
            "--host <ADDR>",
            "--delay-ms <N>",
            "--require-key <KEY>",
            "--static-dir <DIR>",
            "--static-port <N>",
            "--csp <POLICY>",
            "--quiet",
            "--help",
            "--version",
            "[default: 8787]",
            "$TINYCHAT_SERVER_DELAY_MS",
            "ENDPOINTS:",
            "REPLIES",
            "DIRECTIVES",
        ] {
            assert!(help.contains(flag), "{flag} missing from:\n{help}");
        }
        for name in crate::directives::FAULT_NAMES {
            assert!(help.contains(&format!("[fault:{name}]")), "{name}");
        }
    }

    #[test]
    fn the_clap_definition_is_consistent() {
        Args::command().debug_assert();
    }
}

//! The command line: hand-written parsing of the few flags, and the `--help` text.

use std::{
    net::{IpAddr, Ipv4Addr},
    path::PathBuf,
    time::Duration,
};

use crate::Config;

/// The port used without `--port`.
pub const DEFAULT_PORT: u16 = 8787;

/// The environment variable that sets the delay when `--delay-ms` is not given.
pub const DELAY_ENV: &str = "TINYCHAT_SERVER_DELAY_MS";

/// The `--help` text.
pub const HELP: &str = r#"tinychat-server: a local server that speaks Mistral's chat API, for TinyChat's demo and tests

USAGE:
    tinychat-server [OPTIONS]

OPTIONS:
    --port N            Port for the API (default 8787; 0 picks a free one)
    --host ADDR         Address to listen on (default 127.0.0.1)
    --delay-ms N        Milliseconds between streamed content pieces (default 25,
                        or $TINYCHAT_SERVER_DELAY_MS)
    --require-key KEY   Answer 401 unless requests carry "Authorization: Bearer KEY"
                        (default: any key, or none, is accepted)
    --static-dir DIR    Also serve the files in DIR (e.g. the built dist/) at /
    --static-port N     Also serve --static-dir on this port: a second origin, for embedding
                        tests (0 picks one); the API's port keeps serving the files too
    --csp POLICY        Add "Content-Security-Policy: POLICY" to static file responses
    --quiet             Do not log requests to stderr
    -h, --help          Print this help
    -V, --version       Print the version

On start it prints one line to stdout, "tinychat-server listening on http://HOST:PORT",
and with --static-port a second one, "static files on http://HOST:PORT/".
Each request is logged to stderr: method, path, status, milliseconds to the headers.

ENDPOINTS:
    POST /v1/chat/completions   JSON, or server-sent events with "stream": true
    GET  /v1/models             Mistral's model list shape
    GET  /health                "ok"

REPLIES (chosen by whole words of the last user message):
    long N                  exactly N content pieces "tok0 ", "tok1 ", ...
    html                    <script>, onerror= and javascript: links, for XSS tests
    markdown, demo          headings, bold, lists, a table, a link, code, é ü 你好 日本語 👋🦀
    anything else           You said: "<message>", then a line about the conversation

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
    N in seconds may have a fraction. Status faults, slow-first and drop also apply to
    non-streaming requests.
"#;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run the server.
    Run(Options),
    /// Print [`HELP`].
    Help,
    /// Print the version.
    Version,
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
/// [`DELAY_ENV`], if set. Errors are messages for the user.
pub fn parse_args<I>(args: I, env_delay: Option<&str>) -> Result<Command, String>
where
    I: IntoIterator<Item = String>,
{
    let mut options = Options {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: DEFAULT_PORT,
        static_port: None,
        config: Config::default(),
    };
    if let Some(ms) = env_delay {
        options.config.delay = parse_delay(ms).map_err(|e| format!("{DELAY_ENV}: {e}"))?;
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--port" => options.port = parse_port(&flag, &value()?)?,
            "--static-port" => options.static_port = Some(parse_port(&flag, &value()?)?),
            "--host" => options.host = parse_host(&value()?)?,
            "--delay-ms" => {
                options.config.delay =
                    parse_delay(&value()?).map_err(|e| format!("{flag}: {e}"))?;
            }
            "--require-key" => {
                let key = value()?;
                if key.is_empty() {
                    return Err("--require-key needs a non-empty key".into());
                }
                options.config.require_key = Some(key);
            }
            "--static-dir" => options.config.static_dir = Some(PathBuf::from(value()?)),
            "--csp" => {
                let policy = value()?;
                if axum::http::HeaderValue::from_str(&policy).is_err() {
                    return Err("--csp: the policy must be printable ASCII on one line".into());
                }
                options.config.csp = Some(policy);
            }
            "--quiet" => options.config.log_requests = false,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match &options.config.static_dir {
        Some(dir) if !dir.is_dir() => {
            return Err(format!("--static-dir {}: not a directory", dir.display()))
        }
        None if options.static_port.is_some() => {
            return Err("--static-port needs --static-dir".into())
        }
        None if options.config.csp.is_some() => return Err("--csp needs --static-dir".into()),
        _ => {}
    }
    Ok(Command::Run(options))
}

fn parse_port(flag: &str, value: &str) -> Result<u16, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: {value:?} is not a port number (0-65535)"))
}

fn parse_host(value: &str) -> Result<IpAddr, String> {
    if value.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    value
        .parse()
        .map_err(|_| format!("--host: {value:?} is not an IP address"))
}

fn parse_delay(value: &str) -> Result<Duration, String> {
    value
        .trim()
        .parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("{value:?} is not a whole number of milliseconds"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], env: Option<&str>) -> Result<Options, String> {
        match parse_args(args.iter().map(|s| s.to_string()), env)? {
            Command::Run(options) => Ok(options),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn defaults_are_loopback_8787_and_25_ms() {
        let options = run(&[], None).unwrap();
        assert_eq!(options.host.to_string(), "127.0.0.1");
        assert_eq!(options.port, 8787);
        assert_eq!(options.config.delay, Duration::from_millis(25));
        assert!(options.config.require_key.is_none() && options.config.log_requests);
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
    }

    #[test]
    fn the_environment_sets_the_delay_and_the_flag_wins() {
        assert_eq!(run(&[], Some("0")).unwrap().config.delay, Duration::ZERO);
        let options = run(&["--delay-ms", "9"], Some("0")).unwrap();
        assert_eq!(options.config.delay, Duration::from_millis(9));
        assert!(run(&[], Some("soon")).unwrap_err().contains(DELAY_ENV));
    }

    #[test]
    fn help_and_version_are_recognised() {
        let help = parse_args(["--port".into(), "1".into(), "-h".into()], None);
        assert!(matches!(help, Ok(Command::Help)));
        assert!(matches!(
            parse_args(["-V".into()], None),
            Ok(Command::Version)
        ));
    }

    #[test]
    fn bad_arguments_are_explained() {
        assert!(run(&["--port", "99999"], None)
            .unwrap_err()
            .contains("port number"));
        assert!(run(&["--port"], None)
            .unwrap_err()
            .contains("needs a value"));
        assert!(run(&["--frobnicate"], None)
            .unwrap_err()
            .contains("unknown argument"));
        assert!(run(&["--static-port", "0"], None)
            .unwrap_err()
            .contains("needs --static-dir"));
        assert!(run(&["--static-dir", "/no/such/dir"], None)
            .unwrap_err()
            .contains("not a directory"));
        assert!(run(&["--host", "example.com"], None).is_err());
        assert!(run(&["--require-key", ""], None).is_err());
    }

    #[test]
    fn help_lists_every_fault_mode() {
        for name in crate::directives::FAULT_NAMES {
            assert!(HELP.contains(&format!("[fault:{name}]")), "{name}");
        }
    }
}

//! The command line, the environment and `relay.toml`, merged into one checked [`Config`].
//!
//! Every flag has three sources, the first that gives it wins: the command line, the
//! environment variable `TINYCHAT_RELAY_<NAME>` (e.g. `TINYCHAT_RELAY_MAX_TOKENS`; lists are
//! comma-separated), and the TOML file named by `--config` (keys as the flags are spelled,
//! `max-tokens = 1024`, lists as arrays). The Mistral key is not a flag: it comes from
//! `MISTRAL_API_KEY` or from the file named by `--key-file`, so it never shows in the process
//! list or in a configuration file that gets committed.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;
use serde::Deserialize;

/// The environment variable the key is read from when `--key-file` is not given.
pub const KEY_ENV: &str = "MISTRAL_API_KEY";

/// The flags, as clap and the TOML file see them. Every field is optional here: defaults are
/// applied by [`Config::from_args`] after the sources are merged.
#[derive(Parser, Debug, Default, Deserialize)]
#[command(
    name = "tinychat-relay",
    version,
    about = "Holds the Mistral key, enforces the site owner's limits, and relays TinyChat's requests to Mistral",
    after_help = "The key comes from MISTRAL_API_KEY or --key-file, never from an argument.\n\
                  Every flag also reads from TINYCHAT_RELAY_<NAME> and from the --config TOML file."
)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Args {
    /// A TOML file with any of these flags (`max-tokens = 1024`, `allow-origin = ["https://…"]`)
    #[arg(long, env = "TINYCHAT_RELAY_CONFIG", value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8788]
    #[arg(long, env = "TINYCHAT_RELAY_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Mistral's API base [default: `https://api.mistral.ai`]
    #[arg(long, env = "TINYCHAT_RELAY_UPSTREAM", value_name = "URL")]
    pub upstream: Option<String>,
    /// An origin whose pages may use the relay (repeat, or comma-separate)
    #[arg(
        long,
        env = "TINYCHAT_RELAY_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origin: Vec<String>,
    /// Serve requests that carry no Origin header (scripts, server-side callers)
    #[arg(long, env = "TINYCHAT_RELAY_ALLOW_NO_ORIGIN")]
    pub allow_no_origin: bool,
    /// The models visitors may use, comma-separated (required)
    #[arg(
        long,
        env = "TINYCHAT_RELAY_MODELS",
        value_name = "IDS",
        value_delimiter = ','
    )]
    pub models: Vec<String>,
    /// The agent ids visitors may use on /v1/agents/completions (absent: agents are refused)
    #[arg(
        long,
        env = "TINYCHAT_RELAY_AGENTS",
        value_name = "IDS",
        value_delimiter = ','
    )]
    pub agents: Vec<String>,
    /// Cap on max_tokens: an absent value is set to it, a larger one lowered to it [default: 1024]
    #[arg(long, env = "TINYCHAT_RELAY_MAX_TOKENS", value_name = "N")]
    pub max_tokens: Option<u64>,
    /// Requests per client, sustained: N/sec, N/min, N/hour, or "off" [default: 20/min]
    #[arg(long, env = "TINYCHAT_RELAY_RATE", value_name = "N/PERIOD")]
    pub rate: Option<String>,
    /// Requests a client may make at once before --rate applies [default: 5]
    #[arg(long, env = "TINYCHAT_RELAY_BURST", value_name = "N")]
    pub burst: Option<u32>,
    /// Tokens (prompt + reply) per client per UTC day; 0 for no budget [default: 200000]
    #[arg(long, env = "TINYCHAT_RELAY_DAILY_TOKENS", value_name = "N")]
    pub daily_tokens: Option<u64>,
    /// Keep buckets and budgets in Redis, shared by every relay instance
    #[arg(long, env = "TINYCHAT_RELAY_REDIS", value_name = "URL")]
    pub redis: Option<String>,
    /// Proxies in front of the relay: the client is the X-Forwarded-For entry this many hops back [default: 0, the peer address]
    #[arg(long, env = "TINYCHAT_RELAY_TRUST_FORWARDED", value_name = "HOPS")]
    pub trust_forwarded: Option<usize>,
    /// Largest request body, in bytes [default: 1048576]
    #[arg(long, env = "TINYCHAT_RELAY_MAX_BODY", value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// Serve Prometheus metrics at /metrics on this address (keep it private)
    #[arg(long, env = "TINYCHAT_RELAY_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// On SIGTERM, let open streams finish for up to this many seconds [default: 30]
    #[arg(long, env = "TINYCHAT_RELAY_DRAIN_SECONDS", value_name = "N")]
    pub drain_seconds: Option<u64>,
    /// Upstream silent this long (before the headers, or between chunks) → 504 / error event [default: 60]
    #[arg(long, env = "TINYCHAT_RELAY_UPSTREAM_TIMEOUT", value_name = "SECONDS")]
    pub upstream_timeout: Option<f64>,
    /// Read the Mistral key from this file instead of MISTRAL_API_KEY
    #[arg(long, env = "TINYCHAT_RELAY_KEY_FILE", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Do not log requests
    #[arg(long, env = "TINYCHAT_RELAY_QUIET")]
    pub quiet: bool,
}

/// The Mistral key. Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
    /// The key itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A sustained request rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Requests per second (0: no bucket).
    pub per_second: f64,
}

impl Rate {
    /// `N/sec`, `N/s`, `N/min`, `N/m`, `N/hour`, `N/h`, `N/day`, or `off`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(Self { per_second: 0.0 });
        }
        let (count, period) = text
            .split_once('/')
            .ok_or_else(|| format!("--rate {text:?}: write it as N/sec, N/min or N/hour"))?;
        let count: f64 = count
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n > 0.0)
            .ok_or_else(|| format!("--rate {text:?}: {count:?} is not a positive number"))?;
        let seconds = match period.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => 1.0,
            "m" | "min" | "minute" => 60.0,
            "h" | "hour" => 3600.0,
            "d" | "day" => 86_400.0,
            other => {
                return Err(format!(
                    "--rate {text:?}: unknown period {other:?} (sec, min, hour, day)"
                ))
            }
        };
        Ok(Self {
            per_second: count / seconds,
        })
    }

    /// Requests per minute, for the `x-ratelimit-limit-req-minute` header.
    pub fn per_minute(&self) -> u64 {
        (self.per_second * 60.0).round() as u64
    }
}

/// The checked configuration the relay runs with.
#[derive(Clone, Debug)]
pub struct Config {
    /// `--listen`.
    pub listen: SocketAddr,
    /// `--upstream`, without a trailing slash.
    pub upstream: String,
    /// The Mistral key.
    pub key: Secret,
    /// `--allow-origin`, normalised (lower-case scheme and host, no trailing slash).
    pub allow_origins: Vec<String>,
    /// `--allow-no-origin`.
    pub allow_no_origin: bool,
    /// `--models`.
    pub models: Vec<String>,
    /// `--agents` (empty: agents refused).
    pub agents: Vec<String>,
    /// `--max-tokens`.
    pub max_tokens: u64,
    /// `--rate`.
    pub rate: Rate,
    /// `--burst`.
    pub burst: u32,
    /// `--daily-tokens` (0: none).
    pub daily_tokens: u64,
    /// `--redis`.
    pub redis: Option<String>,
    /// `--trust-forwarded`.
    pub trust_forwarded: usize,
    /// `--max-body`.
    pub max_body: usize,
    /// `--metrics-listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// `--drain-seconds`.
    pub drain: Duration,
    /// `--upstream-timeout`.
    pub upstream_timeout: Duration,
    /// Log one line per request (not `--quiet`).
    pub log_requests: bool,
}

impl Config {
    /// A configuration for tests and embedding: the given upstream, key and models, every
    /// origin rule closed, the other values at their defaults.
    pub fn new(upstream: &str, key: &str, models: &[&str]) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8788)),
            upstream: upstream.trim_end_matches('/').to_owned(),
            key: Secret::new(key),
            allow_origins: Vec::new(),
            allow_no_origin: false,
            models: models.iter().map(|m| m.to_string()).collect(),
            agents: Vec::new(),
            max_tokens: 1024,
            rate: Rate {
                per_second: 20.0 / 60.0,
            },
            burst: 5,
            daily_tokens: 200_000,
            redis: None,
            trust_forwarded: 0,
            max_body: 1_048_576,
            metrics_listen: None,
            drain: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(60),
            log_requests: true,
        }
    }

    /// Merges the command line (with its environment variables) over the `--config` file,
    /// reads the key (`key_env` is the value of [`KEY_ENV`]), applies the defaults and checks
    /// everything. Errors are sentences for the site owner.
    pub fn from_args(cli: Args, key_env: Option<String>) -> Result<Self, String> {
        let file = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--config {}: {e}", path.display()))?;
                toml::from_str::<Args>(&text).map_err(|e| {
                    let hint = if text.contains("key =") || text.contains("api-key") {
                        " (the key is never read from the config file: use MISTRAL_API_KEY or key-file)"
                    } else {
                        ""
                    };
                    format!("--config {}: {e}{hint}", path.display())
                })?
            }
            None => Args::default(),
        };
        let list = |cli: Vec<String>, file: Vec<String>| -> Vec<String> {
            let chosen = if cli.is_empty() { file } else { cli };
            chosen
                .into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let key_file = cli.key_file.or(file.key_file);
        let key = read_key(key_file, key_env)?;
        let upstream = cli
            .upstream
            .or(file.upstream)
            .unwrap_or_else(|| "https://api.mistral.ai".into());
        let upstream = upstream.trim().trim_end_matches('/').to_owned();
        if !(upstream.starts_with("http://") || upstream.starts_with("https://")) {
            return Err(format!(
                "--upstream {upstream:?}: must start with https:// (or http://)"
            ));
        }
        let allow_origins = list(cli.allow_origin, file.allow_origin)
            .iter()
            .map(|origin| normalise_origin(origin))
            .collect::<Result<Vec<_>, _>>()?;
        let allow_no_origin = cli.allow_no_origin || file.allow_no_origin;
        if allow_origins.is_empty() && !allow_no_origin {
            return Err(
                "no page could use the relay: name your site with --allow-origin \
                        https://your.site (or pass --allow-no-origin for server-side callers)"
                    .into(),
            );
        }
        let models = list(cli.models, file.models);
        if models.is_empty() {
            return Err(
                "name the models visitors may use, e.g. --models mistral-small-latest".into(),
            );
        }
        let rate = Rate::parse(cli.rate.or(file.rate).as_deref().unwrap_or("20/min"))?;
        let burst = cli.burst.or(file.burst).unwrap_or(5);
        if burst == 0 && rate.per_second > 0.0 {
            return Err(
                "--burst must be at least 1 (or turn the bucket off with --rate off)".into(),
            );
        }
        let max_tokens = cli.max_tokens.or(file.max_tokens).unwrap_or(1024);
        if max_tokens == 0 {
            return Err("--max-tokens must be at least 1".into());
        }
        let upstream_timeout = cli
            .upstream_timeout
            .or(file.upstream_timeout)
            .unwrap_or(60.0);
        if !(upstream_timeout.is_finite() && upstream_timeout > 0.0) {
            return Err("--upstream-timeout must be a positive number of seconds".into());
        }
        Ok(Self {
            listen: cli
                .listen
                .or(file.listen)
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8788))),
            upstream,
            key,
            allow_origins,
            allow_no_origin,
            models,
            agents: list(cli.agents, file.agents),
            max_tokens,
            rate,
            burst,
            daily_tokens: cli.daily_tokens.or(file.daily_tokens).unwrap_or(200_000),
            redis: cli.redis.or(file.redis).filter(|r| !r.trim().is_empty()),
            trust_forwarded: cli.trust_forwarded.or(file.trust_forwarded).unwrap_or(0),
            max_body: cli.max_body.or(file.max_body).unwrap_or(1_048_576),
            metrics_listen: cli.metrics_listen.or(file.metrics_listen),
            drain: Duration::from_secs(cli.drain_seconds.or(file.drain_seconds).unwrap_or(30)),
            upstream_timeout: Duration::from_secs_f64(upstream_timeout),
            log_requests: !(cli.quiet || file.quiet),
        })
    }
}

fn read_key(key_file: Option<PathBuf>, key_env: Option<String>) -> Result<Secret, String> {
    let key = match key_file {
        Some(path) => std::fs::read_to_string(&path)
            .map_err(|e| format!("--key-file {}: {e}", path.display()))?,
        None => key_env.unwrap_or_default(),
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(format!(
            "no Mistral API key: set {KEY_ENV} or pass --key-file FILE (never the key itself as \
             an argument: it would show in the process list)"
        ));
    }
    if key.chars().any(|c| c.is_control() || c == ' ') {
        return Err("the Mistral API key contains spaces or control characters".into());
    }
    Ok(Secret::new(key))
}

/// `https://Shop.Example/` → `https://shop.example`; an origin has a scheme and a host, and
/// nothing after the port.
pub fn normalise_origin(origin: &str) -> Result<String, String> {
    let origin = origin.trim().trim_end_matches('/');
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(format!(
            "--allow-origin {origin:?}: write it as https://host[:port]"
        ));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https")
        || rest.is_empty()
        || rest.contains(['/', '?', '#', '@', ' '])
    {
        return Err(format!(
            "--allow-origin {origin:?}: an origin is scheme://host[:port], with no path"
        ));
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let cli =
            Args::try_parse_from(std::iter::once("tinychat-relay").chain(args.iter().copied()))
                .map_err(|e| e.to_string())?;
        Config::from_args(cli, Some("k".into()))
    }

    #[test]
    fn the_issue_example_parses() {
        let config = parse(&[
            "--listen",
            "127.0.0.1:8788",
            "--upstream",
            "https://api.mistral.ai/",
            "--allow-origin",
            "https://shop.example",
            "--allow-origin",
            "http://localhost:8080",
            "--models",
            "mistral-small-latest,mistral-medium-latest",
            "--max-tokens",
            "1024",
            "--rate",
            "20/min",
            "--burst",
            "5",
            "--daily-tokens",
            "200000",
            "--trust-forwarded",
            "1",
            "--agents",
            "ag_123,ag_456",
        ])
        .unwrap();
        assert_eq!(config.upstream, "https://api.mistral.ai");
        assert_eq!(
            config.allow_origins,
            ["https://shop.example", "http://localhost:8080"]
        );
        assert_eq!(
            config.models,
            ["mistral-small-latest", "mistral-medium-latest"]
        );
        assert_eq!(config.agents, ["ag_123", "ag_456"]);
        assert_eq!(config.rate.per_minute(), 20);
        assert_eq!(
            (config.burst, config.daily_tokens, config.trust_forwarded),
            (5, 200_000, 1)
        );
    }

    #[test]
    fn without_a_key_it_refuses_in_words() {
        let cli = Args::try_parse_from(["r", "--allow-no-origin", "--models", "m"]).unwrap();
        let error = Config::from_args(cli, None).unwrap_err();
        assert!(
            error.contains("MISTRAL_API_KEY") && error.contains("--key-file"),
            "{error}"
        );
    }

    #[test]
    fn rates_read_like_words() {
        assert_eq!(Rate::parse("60/min").unwrap().per_second, 1.0);
        assert_eq!(Rate::parse("2/s").unwrap().per_second, 2.0);
        assert_eq!(Rate::parse("off").unwrap().per_second, 0.0);
        assert!(Rate::parse("20").is_err());
        assert!(Rate::parse("x/min").is_err());
        assert!(Rate::parse("5/fortnight").is_err());
    }

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            normalise_origin("HTTPS://Shop.Example/").unwrap(),
            "https://shop.example"
        );
        assert!(normalise_origin("shop.example").is_err());
        assert!(normalise_origin("https://shop.example/path").is_err());
        assert!(parse(&["--models", "m"])
            .unwrap_err()
            .contains("--allow-origin"));
        assert!(parse(&["--allow-no-origin"])
            .unwrap_err()
            .contains("--models"));
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let config = Config::new("http://x", "sekret-key", &["m"]);
        assert!(!format!("{config:?}").contains("sekret"));
    }
}

//! Prometheus metrics, in the text exposition format, served at `/metrics` on
//! `--metrics-listen` only. Small enough to write by hand: a few counters, a gauge and one
//! histogram. Labels are route names, status codes and rejection reasons: never a client, a
//! body or the key.

use std::{
    collections::BTreeMap,
    fmt::Write,
    sync::{
        atomic::{AtomicI64, AtomicU64, Ordering},
        Mutex, PoisonError,
    },
    time::Duration,
};

use crate::errors::Rejection;

/// The upper bounds of the upstream latency histogram, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The relay's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    rejections: Mutex<BTreeMap<Rejection, u64>>,
    open_streams: AtomicI64,
    tokens_in: AtomicU64,
    tokens_out: AtomicU64,
    latency_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts a finished request.
    pub fn request(&self, route: &'static str, status: u16) {
        let mut requests = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        *requests.entry((route, status)).or_default() += 1;
    }

    /// Counts a refusal.
    pub fn rejection(&self, reason: Rejection) {
        let mut rejections = self
            .rejections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *rejections.entry(reason).or_default() += 1;
    }

    /// A stream opened (+1) or closed (-1).
    pub fn open_streams(&self, delta: i64) {
        self.open_streams.fetch_add(delta, Ordering::Relaxed);
    }

    /// The streams open now.
    pub fn open_stream_count(&self) -> i64 {
        self.open_streams.load(Ordering::Relaxed)
    }

    /// Adds a reply's tokens.
    pub fn tokens(&self, prompt: u64, completion: u64) {
        self.tokens_in.fetch_add(prompt, Ordering::Relaxed);
        self.tokens_out.fetch_add(completion, Ordering::Relaxed);
    }

    /// Records the time the upstream took to send its response headers.
    pub fn upstream_latency(&self, latency: Duration) {
        let seconds = latency.as_secs_f64();
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            if seconds <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(latency.as_micros() as u64, Ordering::Relaxed);
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP tinychat_relay_requests_total Requests answered, by route and status.\n",
        );
        out.push_str("# TYPE tinychat_relay_requests_total counter\n");
        for ((route, status), count) in self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let _ = writeln!(
                out,
                "tinychat_relay_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP tinychat_relay_rejections_total Requests the relay refused or could not serve, by reason.\n");
        out.push_str("# TYPE tinychat_relay_rejections_total counter\n");
        let rejections = self
            .rejections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for reason in Rejection::ALL {
            let count = rejections.get(&reason).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "tinychat_relay_rejections_total{{reason=\"{}\"}} {count}",
                reason.as_str()
            );
        }
        drop(rejections);
        out.push_str("# HELP tinychat_relay_open_streams Responses being relayed now.\n");
        out.push_str("# TYPE tinychat_relay_open_streams gauge\n");
        let _ = writeln!(
            out,
            "tinychat_relay_open_streams {}",
            self.open_stream_count()
        );
        out.push_str("# HELP tinychat_relay_tokens_total Tokens of finished replies (usage, or an estimate when a reply was cut), in = prompt, out = completion.\n");
        out.push_str("# TYPE tinychat_relay_tokens_total counter\n");
        let _ = writeln!(
            out,
            "tinychat_relay_tokens_total{{direction=\"in\"}} {}",
            self.tokens_in.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "tinychat_relay_tokens_total{{direction=\"out\"}} {}",
            self.tokens_out.load(Ordering::Relaxed)
        );
        out.push_str("# HELP tinychat_relay_upstream_latency_seconds Time from sending a request upstream to its response headers.\n");
        out.push_str("# TYPE tinychat_relay_upstream_latency_seconds histogram\n");
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "tinychat_relay_upstream_latency_seconds_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "tinychat_relay_upstream_latency_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "tinychat_relay_upstream_latency_seconds_sum {sum}");
        let _ = writeln!(out, "tinychat_relay_upstream_latency_seconds_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_has_every_family() {
        let metrics = Metrics::default();
        metrics.request("chat", 200);
        metrics.request("chat", 200);
        metrics.rejection(Rejection::Rate);
        metrics.tokens(3, 4);
        metrics.upstream_latency(Duration::from_millis(20));
        metrics.open_streams(1);
        let text = metrics.render();
        for line in [
            "tinychat_relay_requests_total{route=\"chat\",status=\"200\"} 2",
            "tinychat_relay_rejections_total{reason=\"rate\"} 1",
            "tinychat_relay_rejections_total{reason=\"origin\"} 0",
            "tinychat_relay_open_streams 1",
            "tinychat_relay_tokens_total{direction=\"in\"} 3",
            "tinychat_relay_tokens_total{direction=\"out\"} 4",
            "tinychat_relay_upstream_latency_seconds_bucket{le=\"0.01\"} 0",
            "tinychat_relay_upstream_latency_seconds_bucket{le=\"0.025\"} 1",
            "tinychat_relay_upstream_latency_seconds_count 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
        }
    }
}

//! Per-client limits: a token bucket of requests (`--rate`, `--burst`) and a daily budget of
//! tokens (`--daily-tokens`, counted from the `usage` of finished replies).
//!
//! One trait, [`LimitStore`], two stores: [`MemoryStore`] (per instance) and
//! [`RedisStore`](crate::redis_store::RedisStore) (shared by every instance, atomic in a Lua
//! script). Both implement the same rules:
//!
//! * a request is refused while the client's spent tokens for the current UTC day reach the
//!   budget (`Retry-After`: the seconds to the next UTC midnight);
//! * otherwise the bucket, which holds up to `burst` requests and refills at `rate`, must hold at
//!   least one request, which is taken (`Retry-After`: the time until it holds one);
//! * a refused request takes nothing.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{SystemTime, UNIX_EPOCH},
};

use futures::future::BoxFuture;

use crate::errors::Rejection;

/// The limits every store enforces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Requests per second refilled (0: no bucket).
    pub rate_per_second: f64,
    /// The bucket's size.
    pub burst: u32,
    /// Tokens per client per UTC day (0: no budget).
    pub daily_tokens: u64,
}

/// What a store answers about one request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// `None`: go ahead. Otherwise why not.
    pub refused: Option<Rejection>,
    /// When refused: whole seconds until a retry can succeed (at least 1).
    pub retry_after_secs: u64,
    /// Requests left in the bucket after this one (`burst` when there is no bucket).
    pub remaining_requests: u64,
    /// Tokens left today (`None` without a budget).
    pub remaining_tokens_day: Option<u64>,
}

/// The limit store could not answer (Redis down).
#[derive(Debug, thiserror::Error)]
#[error("limit store: {0}")]
pub struct StoreError(pub String);

/// Where buckets and budgets live.
pub trait LimitStore: Send + Sync {
    /// Checks the limits for `client` and, when allowed, takes one request from its bucket.
    fn check<'a>(&'a self, client: &'a str) -> BoxFuture<'a, Result<Decision, StoreError>>;
    /// Adds `tokens` to what `client` spent today.
    fn charge<'a>(&'a self, client: &'a str, tokens: u64) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Whether the store answers (for `/readyz`).
    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>>;
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

const DAY_MS: u64 = 86_400_000;

/// Seconds from `now_ms` to the next UTC midnight (at least 1).
pub fn secs_to_midnight(now_ms: u64) -> u64 {
    (DAY_MS - now_ms % DAY_MS).div_ceil(1000).max(1)
}

/// The pure rule both stores follow, on one client's state. `tokens`/`updated_ms` is the
/// bucket (`None`: never used, so full); `spent` the tokens spent today. Returns the decision
/// and, when allowed, the bucket's new state.
pub fn decide(
    limits: &Limits,
    now_ms: u64,
    bucket: Option<(f64, u64)>,
    spent: u64,
) -> (Decision, Option<(f64, u64)>) {
    let burst = f64::from(limits.burst);
    let remaining_tokens_day =
        (limits.daily_tokens > 0).then(|| limits.daily_tokens.saturating_sub(spent));
    let level = match bucket {
        Some((tokens, updated)) if limits.rate_per_second > 0.0 => {
            let elapsed = now_ms.saturating_sub(updated) as f64 / 1000.0;
            (tokens + elapsed * limits.rate_per_second).min(burst)
        }
        _ => burst,
    };
    let mut decision = Decision {
        refused: None,
        retry_after_secs: 0,
        remaining_requests: level.floor() as u64,
        remaining_tokens_day,
    };
    if remaining_tokens_day == Some(0) {
        decision.refused = Some(Rejection::DailyTokens);
        decision.retry_after_secs = secs_to_midnight(now_ms);
        return (decision, None);
    }
    if limits.rate_per_second <= 0.0 {
        return (decision, None);
    }
    if level < 1.0 {
        decision.refused = Some(Rejection::Rate);
        decision.retry_after_secs = ((1.0 - level) / limits.rate_per_second).ceil().max(1.0) as u64;
        return (decision, None);
    }
    let level = level - 1.0;
    decision.remaining_requests = level.floor() as u64;
    (decision, Some((level, now_ms)))
}

/// Buckets and budgets in this process's memory: limits hold per instance.
pub struct MemoryStore {
    limits: Limits,
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    buckets: HashMap<String, (f64, u64)>,
    /// client → (UTC day number, tokens spent that day)
    spent: HashMap<String, (u64, u64)>,
}

/// Above this many clients, full buckets and past days are forgotten.
const PRUNE_ABOVE: usize = 100_000;

impl MemoryStore {
    /// A store enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            state: Mutex::new(MemoryState::default()),
        }
    }

    fn check_at(&self, client: &str, now_ms: u64) -> Decision {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let day = now_ms / DAY_MS;
        let spent = match state.spent.get(client) {
            Some(&(d, spent)) if d == day => spent,
            _ => 0,
        };
        let bucket = state.buckets.get(client).copied();
        let (decision, next) = decide(&self.limits, now_ms, bucket, spent);
        if let Some(next) = next {
            if state.buckets.len() >= PRUNE_ABOVE {
                self.prune(&mut state, now_ms);
            }
            state.buckets.insert(client.to_owned(), next);
        }
        decision
    }

    fn prune(&self, state: &mut MemoryState, now_ms: u64) {
        let limits = self.limits;
        state.buckets.retain(|_, &mut (tokens, updated)| {
            let elapsed = now_ms.saturating_sub(updated) as f64 / 1000.0;
            tokens + elapsed * limits.rate_per_second < f64::from(limits.burst)
        });
        let day = now_ms / DAY_MS;
        state.spent.retain(|_, &mut (d, _)| d == day);
    }

    fn charge_at(&self, client: &str, tokens: u64, now_ms: u64) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let day = now_ms / DAY_MS;
        if state.spent.len() >= PRUNE_ABOVE {
            self.prune(&mut state, now_ms);
        }
        let entry = state.spent.entry(client.to_owned()).or_insert((day, 0));
        if entry.0 != day {
            *entry = (day, 0);
        }
        entry.1 = entry.1.saturating_add(tokens);
    }
}

impl LimitStore for MemoryStore {
    fn check<'a>(&'a self, client: &'a str) -> BoxFuture<'a, Result<Decision, StoreError>> {
        Box::pin(async move { Ok(self.check_at(client, now_ms())) })
    }

    fn charge<'a>(&'a self, client: &'a str, tokens: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.charge_at(client, tokens, now_ms());
            Ok(())
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        rate_per_second: 1.0,
        burst: 3,
        daily_tokens: 100,
    };

    #[test]
    fn the_bucket_allows_a_burst_then_refills_at_the_rate() {
        let store = MemoryStore::new(LIMITS);
        let t = 1_000_000;
        for left in [2, 1, 0] {
            let d = store.check_at("a", t);
            assert_eq!((d.refused, d.remaining_requests), (None, left));
        }
        let refused = store.check_at("a", t);
        assert_eq!(refused.refused, Some(Rejection::Rate));
        assert_eq!(refused.retry_after_secs, 1);
        assert_eq!(
            store.check_at("b", t).refused,
            None,
            "another client has its own bucket"
        );
        assert_eq!(
            store.check_at("a", t + 1000).refused,
            None,
            "one second refills one"
        );
        assert_eq!(store.check_at("a", t + 1000).refused, Some(Rejection::Rate));
    }

    #[test]
    fn the_daily_budget_refuses_until_midnight_and_takes_nothing() {
        let store = MemoryStore::new(LIMITS);
        let t = 5 * DAY_MS + DAY_MS - 10_000; // ten seconds before midnight
        store.charge_at("a", 60, t);
        assert_eq!(store.check_at("a", t).remaining_tokens_day, Some(40));
        store.charge_at("a", 60, t);
        let refused = store.check_at("a", t);
        assert_eq!(refused.refused, Some(Rejection::DailyTokens));
        assert_eq!(refused.retry_after_secs, 10);
        assert_eq!(store.check_at("a", t + 10_000).refused, None, "a new day");
    }

    #[test]
    fn without_a_bucket_or_budget_everything_passes() {
        let limits = Limits {
            rate_per_second: 0.0,
            burst: 0,
            daily_tokens: 0,
        };
        let store = MemoryStore::new(limits);
        store.charge_at("a", u64::MAX, 0);
        for _ in 0..100 {
            assert_eq!(store.check_at("a", 0).refused, None);
        }
    }

    #[test]
    fn a_slow_rate_gives_a_long_retry_after() {
        let limits = Limits {
            rate_per_second: 1.0 / 60.0,
            burst: 1,
            daily_tokens: 0,
        };
        let store = MemoryStore::new(limits);
        assert_eq!(store.check_at("a", 0).refused, None);
        assert_eq!(store.check_at("a", 0).retry_after_secs, 60);
        assert_eq!(store.check_at("a", 30_000).retry_after_secs, 30);
    }
}

//! [`LimitStore`] in Redis: every relay instance pointing at the same Redis shares each
//! client's bucket and daily budget.
//!
//! Each check is one Lua script, so reading the bucket, refilling it, taking a request and
//! writing it back happen atomically however many instances ask at once. The clock is Redis's
//! (`TIME`), so instances with slightly different clocks agree. Keys:
//! `tinychat-relay:bucket:<client>` (a hash that expires once it would be full again) and
//! `tinychat-relay:spent:<client>:<UTC day number>` (expires after two days). The scripts build
//! the daily key from `TIME`, so they suit one Redis server (or a primary with replicas), not a
//! Redis Cluster.

use std::time::Duration;

use futures::future::BoxFuture;
use redis::{aio::ConnectionManager, aio::ConnectionManagerConfig, Script};

use crate::{
    errors::Rejection,
    limits::{Decision, LimitStore, Limits, StoreError},
};

/// The rule of [`crate::limits::decide`], in Lua. Returns
/// `{refused (0 no, 1 rate, 2 daily), retry_after_secs, remaining_requests, remaining_day (-1: no budget)}`.
const CHECK: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local daily = tonumber(ARGV[3])
local day = math.floor(now / 86400000)
local spent = tonumber(redis.call('GET', KEYS[2] .. day) or '0')
local level = burst
local b = redis.call('HMGET', KEYS[1], 'level', 'at')
if rate > 0 and b[1] then
  level = math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) / 1000 * rate)
end
local remaining_day = -1
if daily > 0 then
  remaining_day = math.max(daily - spent, 0)
  if remaining_day == 0 then
    return {2, math.max(1, math.ceil((86400000 - now % 86400000) / 1000)), math.floor(level), 0}
  end
end
if rate <= 0 then
  return {0, 0, burst, remaining_day}
end
if level < 1 then
  return {1, math.max(1, math.ceil((1 - level) / rate)), 0, remaining_day}
end
level = level - 1
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {0, 0, math.floor(level), remaining_day}
"#;

/// Adds ARGV[1] tokens to today's counter.
const CHARGE: &str = r#"
local t = redis.call('TIME')
local key = KEYS[1] .. math.floor(tonumber(t[1]) / 86400)
redis.call('INCRBY', key, ARGV[1])
redis.call('EXPIRE', key, 172800)
return 1
"#;

/// How long a Redis command may take before the relay gives up on it.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Buckets and budgets in Redis.
pub struct RedisStore {
    limits: Limits,
    connection: ConnectionManager,
    check: Script,
    charge: Script,
}

impl RedisStore {
    /// Opens a connection to `url` (`redis://host:port[/db]`). The connection is made on first
    /// use and remade after a failure; a Redis that is down makes requests fail with 503 (the
    /// relay fails closed) and `/readyz` report it.
    pub fn open(url: &str, limits: Limits) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(format!("--redis: {e}")))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = client
            .get_connection_manager_lazy(config)
            .map_err(|e| StoreError(format!("--redis: {e}")))?;
        Ok(Self {
            limits,
            connection,
            check: Script::new(CHECK),
            charge: Script::new(CHARGE),
        })
    }
}

fn error(e: redis::RedisError) -> StoreError {
    StoreError(e.to_string())
}

impl LimitStore for RedisStore {
    fn check<'a>(&'a self, client: &'a str) -> BoxFuture<'a, Result<Decision, StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.check.prepare_invoke();
            invocation
                .key(format!("tinychat-relay:bucket:{client}"))
                .key(format!("tinychat-relay:spent:{client}:"))
                .arg(self.limits.rate_per_second)
                .arg(self.limits.burst)
                .arg(self.limits.daily_tokens);
            let call = invocation.invoke_async::<(i64, i64, i64, i64)>(&mut connection);
            let (refused, retry, remaining, remaining_day) = tokio::time::timeout(TIMEOUT, call)
                .await
                .map_err(|_| StoreError("Redis did not answer in time".into()))?
                .map_err(error)?;
            Ok(Decision {
                refused: match refused {
                    0 => None,
                    1 => Some(Rejection::Rate),
                    _ => Some(Rejection::DailyTokens),
                },
                retry_after_secs: retry.max(0) as u64,
                remaining_requests: remaining.max(0) as u64,
                remaining_tokens_day: u64::try_from(remaining_day).ok(),
            })
        })
    }

    fn charge<'a>(&'a self, client: &'a str, tokens: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.charge.prepare_invoke();
            invocation
                .key(format!("tinychat-relay:spent:{client}:"))
                .arg(tokens);
            let call = invocation.invoke_async::<i64>(&mut connection);
            tokio::time::timeout(TIMEOUT, call)
                .await
                .map_err(|_| StoreError("Redis did not answer in time".into()))?
                .map_err(error)?;
            Ok(())
        })
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), StoreError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let ping = redis::cmd("PING");
            let call = ping.query_async::<String>(&mut connection);
            tokio::time::timeout(TIMEOUT, call)
                .await
                .map_err(|_| StoreError("Redis did not answer in time".into()))?
                .map_err(error)?;
            Ok(())
        })
    }
}

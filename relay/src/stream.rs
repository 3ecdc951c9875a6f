//! The relayed response body: each upstream chunk is handed on as it arrives, never collected.
//!
//! Backpressure comes for free: the server polls [`Relayed`] only when the visitor's connection
//! can take more, and until then nothing is read from the upstream, whose TCP window fills.
//! Cancellation too: when the visitor goes away the server drops the body, which drops the
//! upstream response, which closes the upstream connection at once (an HTTP/1.1 connection
//! with an unfinished body is never put back in the pool). [`Drop`] then settles the accounts:
//! the open-streams gauge, the tokens (usage, or an estimate) for the metrics and the daily
//! budget, and the request's log line.

use std::{
    future::Future,
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use bytes::Bytes;
use futures::{stream::BoxStream, Stream, StreamExt};
use tokio::time::{Instant, Sleep};

use crate::{errors, usage::UsageTap, End, Observation, Relay};

/// One relayed body.
pub struct Relayed {
    relay: Arc<Relay>,
    inner: Option<BoxStream<'static, reqwest::Result<Bytes>>>,
    tap: UsageTap,
    sse: bool,
    idle: Pin<Box<Sleep>>,
    end: Option<End>,
    observation: Arc<Observation>,
    /// The client to charge and the prompt estimate, for a successful reply.
    charge: Option<(String, u64)>,
}

impl Relayed {
    /// Relays `upstream`'s body; `sse` when it is an event stream.
    pub fn new(
        relay: Arc<Relay>,
        upstream: reqwest::Response,
        observation: Arc<Observation>,
        sse: bool,
        charge: Option<(String, u64)>,
    ) -> Self {
        relay.metrics.open_streams(1);
        let idle = Box::pin(tokio::time::sleep(relay.config.upstream_timeout));
        Self {
            relay,
            inner: Some(upstream.bytes_stream().boxed()),
            tap: UsageTap::new(sse),
            sse,
            idle,
            end: None,
            observation,
            charge,
        }
    }

    fn finish(&mut self, end: End) {
        self.end = Some(end);
        // Dropping the upstream response closes its connection now, not when the visitor's
        // connection is done with this body.
        self.inner = None;
    }
}

impl Stream for Relayed {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                this.tap.feed(&bytes);
                let deadline = Instant::now() + this.relay.config.upstream_timeout;
                this.idle.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish(End::UpstreamCut);
                // An error makes the server cut the visitor's connection too, so the widget
                // sees an unfinished reply, as it would from Mistral directly.
                Poll::Ready(Some(Err(io::Error::other(e.without_url()))))
            }
            Poll::Ready(None) => {
                this.finish(End::Done);
                Poll::Ready(None)
            }
            Poll::Pending => {
                if this.idle.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.finish(End::UpstreamTimeout);
                this.relay
                    .metrics
                    .rejection(errors::Rejection::UpstreamTimeout);
                if this.sse {
                    Poll::Ready(Some(Ok(Bytes::from_static(
                        errors::STREAM_TIMEOUT_EVENT.as_bytes(),
                    ))))
                } else {
                    Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "upstream silent",
                    ))))
                }
            }
        }
    }
}

impl Drop for Relayed {
    fn drop(&mut self) {
        self.inner = None;
        self.relay.metrics.open_streams(-1);
        let end = self.end.unwrap_or(End::ClientGone);
        let Some((client, prompt_estimate)) = self.charge.take() else {
            self.observation.finished(None, end);
            return;
        };
        let usage = self.tap.usage_or_estimate(prompt_estimate);
        self.relay
            .metrics
            .tokens(usage.prompt_tokens, usage.completion_tokens);
        self.observation.finished(Some(usage.total()), end);
        if usage.total() > 0 && self.relay.config.daily_tokens > 0 {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let relay = self.relay.clone();
                runtime.spawn(async move {
                    if let Err(e) = relay.limits.charge(&client, usage.total()).await {
                        eprintln!(
                            "tinychat-relay: could not count {} tokens: {e}",
                            usage.total()
                        );
                    }
                });
            }
        }
    }
}

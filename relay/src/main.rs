//! `tinychat-relay`: the command line around [`tinychat_relay::app`]. See `--help`.

use std::{net::SocketAddr, process::ExitCode, sync::Arc};

use clap::Parser;
use tinychat_relay::{
    config::{Args, Config, KEY_ENV},
    Relay,
};
use tokio::{net::TcpListener, sync::watch};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = match Config::from_args(args, std::env::var(KEY_ENV).ok()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("tinychat-relay: {message}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tinychat-relay: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), String> {
    let listen = config.listen;
    let metrics_listen = config.metrics_listen;
    let drain = config.drain;
    let relay = Relay::new(config)?;
    let listener = bind(listen).await?;
    let metrics = match metrics_listen {
        Some(address) => Some(bind(address).await?),
        None => None,
    };
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!("tinychat-relay listening on http://{address}");
    if let Some(metrics) = &metrics {
        let address = metrics.local_addr().map_err(|e| e.to_string())?;
        println!("metrics on http://{address}/metrics");
    }
    describe(&relay);

    let (stop_tx, stop_rx) = watch::channel(false);
    if let Some(listener) = metrics {
        let app = tinychat_relay::metrics_app(relay.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    let mut stopping = stop_rx.clone();
    let server = tinychat_relay::serve(listener, relay.clone(), async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    });
    let signals = {
        let relay = relay.clone();
        async move {
            shutdown_signal().await;
            relay.start_draining();
            let open = relay.metrics.open_stream_count();
            eprintln!(
                "tinychat-relay: stopping: no new connections; {open} open response(s) get up to {}s",
                drain.as_secs()
            );
            let _ = stop_tx.send(true);
            tokio::time::sleep(drain).await;
        }
    };
    tokio::select! {
        result = server => {
            result.map_err(|e| e.to_string())?;
            eprintln!("tinychat-relay: drained, exiting");
        }
        () = signals => {
            eprintln!(
                "tinychat-relay: drain time over, closing {} open response(s)",
                relay.metrics.open_stream_count()
            );
        }
    }
    Ok(())
}

/// One line to stderr with what the relay enforces (never the key).
fn describe(relay: &Arc<Relay>) {
    let config = &relay.config;
    let limits = if config.redis.is_some() {
        "shared in Redis"
    } else {
        "per instance (no --redis)"
    };
    eprintln!(
        "tinychat-relay: upstream {}, models {}, max_tokens {}, rate {}/min burst {}, daily tokens {}, limits {limits}",
        config.upstream,
        config.models.join(","),
        config.max_tokens,
        config.rate.per_minute(),
        config.burst,
        config.daily_tokens,
    );
}

async fn bind(address: SocketAddr) -> Result<TcpListener, String> {
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))
}

/// SIGTERM (what `docker stop` and Kubernetes send) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

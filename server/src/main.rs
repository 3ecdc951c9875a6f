//! `tinychat-server`: the command line around [`tinychat_server::app`]. See `--help`.

use std::{
    future::IntoFuture,
    io::{self, Write},
    net::SocketAddr,
    process::ExitCode,
};

use tinychat_server::cli::{self, Options};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let env_delay = std::env::var(cli::DELAY_ENV).ok();
    let options = match cli::parse_args(std::env::args_os().skip(1), env_delay.as_deref()) {
        Ok(options) => options,
        // --help and --version to stdout (status 0); a mistake to stderr (status 2).
        Err(e) => e.exit(),
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tinychat-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> io::Result<()> {
    let Options {
        host,
        port,
        static_port,
        config,
    } = options;
    let api_listener = bind(SocketAddr::new(host, port)).await?;
    // --static-port: the same files on a second origin as well (for embedding tests), while the
    // API's origin keeps serving them.
    let static_server = match (static_port, config.static_dir.clone()) {
        (Some(static_port), Some(dir)) => {
            let listener = bind(SocketAddr::new(host, static_port)).await?;
            let router = tinychat_server::static_app(dir, config.csp.clone(), config.log_requests);
            Some((listener, router))
        }
        _ => None,
    };

    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "tinychat-server listening on http://{}",
        url_host(&api_listener)?
    )?;
    if let Some((listener, _)) = &static_server {
        writeln!(stdout, "static files on http://{}/", url_host(listener)?)?;
    }
    stdout.flush()?;
    drop(stdout);

    let api = axum::serve(api_listener, tinychat_server::app(config));
    let servers = async {
        match static_server {
            Some((listener, router)) => tokio::try_join!(
                api.into_future(),
                axum::serve(listener, router).into_future()
            )
            .map(|_| ()),
            None => api.await,
        }
    };
    tokio::select! {
        result = servers => result,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("tinychat-server: interrupted, stopping");
            Ok(())
        }
    }
}

async fn bind(address: SocketAddr) -> io::Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {address}: {e}")))
}

/// `host:port` as a URL writes it (IPv6 in brackets).
fn url_host(listener: &TcpListener) -> io::Result<String> {
    listener.local_addr().map(|address| address.to_string())
}

//! The `tinychat-server` binary: the start-up line scripts parse, `--static-port`, `--help`,
//! argument errors and the request log.

mod common;

use std::{
    io::{BufRead, BufReader, Read},
    net::SocketAddr,
    process::{Child, ChildStdout, Command, Stdio},
};

use common::{body, request};

/// A running binary, killed (by its own handle) when dropped.
struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tinychat-server"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tinychat-server");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Self { child, stdout }
    }

    /// The next line of stdout (blocking; the server prints it at once).
    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read stdout");
        assert!(!line.is_empty(), "the server exited before printing");
        line
    }

    /// Stops the server and returns what it wrote to stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        stderr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in `<prefix>http://HOST:PORT<suffix>`.
fn address(line: &str, prefix: &str, suffix: &str) -> SocketAddr {
    line.strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
}

#[tokio::test]
async fn the_binary_prints_one_listening_line_with_the_ephemeral_port_and_serves_it() {
    let mut server = Server::start(&["--port", "0", "--delay-ms", "0"]);
    let api = address(&server.line(), "tinychat-server listening on http://", "\n");
    assert_eq!(api.ip().to_string(), "127.0.0.1");
    assert_ne!(api.port(), 0);
    assert_eq!(request(api, "GET", "/health", &[], b"").await.status, 200);
    let reply = common::chat(api, &body("hi", true)).await;
    assert!(reply.text().ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn static_port_serves_the_files_on_a_second_origin_too() {
    let dir = std::env::temp_dir().join(format!("tinychat-server-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<p>hi</p>").expect("write");
    let dir_arg = dir.to_str().expect("UTF-8 temp dir");
    let mut server = Server::start(&[
        "--port",
        "0",
        "--static-dir",
        dir_arg,
        "--static-port",
        "0",
        "--csp",
        "default-src 'self'",
        "--quiet",
    ]);
    let api = address(&server.line(), "tinychat-server listening on http://", "\n");
    let files = address(&server.line(), "static files on http://", "/\n");
    assert_ne!(api.port(), files.port());

    let page = request(files, "GET", "/", &[], b"").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), "<p>hi</p>");
    assert_eq!(
        page.header("content-security-policy"),
        Some("default-src 'self'")
    );
    // The static origin has no API; the API's origin has both.
    assert_eq!(
        request(files, "GET", "/v1/models", &[], b"").await.status,
        404
    );
    assert_eq!(
        request(api, "GET", "/v1/models", &[], b"").await.status,
        200
    );
    assert_eq!(request(api, "GET", "/", &[], b"").await.text(), "<p>hi</p>");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn requests_are_logged_to_stderr_without_the_key() {
    let mut server = Server::start(&["--port", "0", "--require-key", "topsecret"]);
    let api = address(&server.line(), "tinychat-server listening on http://", "\n");
    let headers = [("Authorization", "Bearer wrong-topsecret-guess")];
    let request_body = body("hi", false).to_string();
    let path = "/v1/chat/completions?key=topsecret";
    let response = request(api, "POST", path, &headers, request_body.as_bytes()).await;
    assert_eq!(response.status, 401);
    let log = server.stop();
    let line = log
        .lines()
        .find(|l| l.starts_with("POST /v1/chat/completions 401 "))
        .unwrap_or_else(|| panic!("no log line in {log:?}"));
    assert!(line.ends_with("ms"), "{line}");
    assert!(!log.contains("topsecret"), "{log}");
}

#[test]
fn help_documents_the_flags_and_the_fault_modes() {
    let output = Command::new(env!("CARGO_BIN_EXE_tinychat-server"))
        .arg("--help")
        .output()
        .expect("run --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for needle in [
        "--port",
        "--host",
        "--delay-ms",
        "--require-key",
        "--static-dir",
        "--static-port",
        "--csp",
        "TINYCHAT_SERVER_DELAY_MS",
        "[fault:429-once]",
        "[fault:bytes]",
        "[delay=N]",
    ] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
}

#[test]
fn a_bad_argument_exits_with_status_2_and_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_tinychat-server"))
        .args(["--port", "eighty"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a port number"));
    assert!(output.stdout.is_empty());
}

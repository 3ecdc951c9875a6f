//! Arbitrary bytes through the whole receive path: as an SSE body through
//! the decoder and the Mistral stream mapper (in arbitrary chunks), and as an
//! HTTP error response with an arbitrary status and headers through
//! `ApiError::from_response`. Nothing may panic, and the invariants the
//! widget relies on must hold.
//!
//! Input layout: bytes 0-1 = HTTP status (big endian), byte 2 = chunk size,
//! byte 3 = retry attempt; then `name:value` header lines up to the first
//! NUL byte (if any); the rest is the body.

#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tinychat_core::mistral::{backoff, ApiError, StreamItem, StreamMapper};
use tinychat_core::sse::Decoder;

fn stream(body: &[u8], chunk: usize) {
    let mut decoder = Decoder::new();
    let mut mapper = StreamMapper::new();
    let mut deltas = String::new();
    for piece in body.chunks(chunk) {
        let events = match decoder.push(piece) {
            Ok(events) => events,
            Err(e) => {
                let err = mapper.decoder_error(e);
                assert_eq!(err.partial(), deltas);
                assert!(!err.user_message().is_empty());
                return;
            }
        };
        for event in &events {
            match mapper.on_event(event) {
                Ok(items) => {
                    for item in items {
                        if let StreamItem::Delta(text) = item {
                            assert!(!text.is_empty());
                            deltas.push_str(&text);
                        }
                    }
                    assert_eq!(mapper.text(), deltas);
                }
                Err(err) => {
                    assert_eq!(err.partial(), deltas, "error lost text");
                    assert!(!err.user_message().is_empty());
                    assert!(!err.to_string().is_empty());
                    return;
                }
            }
        }
    }
    match mapper.finish(decoder.finish()) {
        Ok(summary) => assert_eq!(summary.text, deltas),
        Err(err) => assert_eq!(err.into_partial(), deltas),
    }
}

fn http_error(status: u16, headers: &[(String, String)], body: &str, attempt: u32) {
    let err = ApiError::from_response(status, headers, body);
    assert_eq!(err.status, status);
    let message = err.message();
    assert!(!message.is_empty());
    assert!(
        message.chars().count() < 2_000,
        "message too long: {}",
        message.len()
    );
    if err.html {
        assert!(err.server_message.is_empty());
    }
    assert_eq!(
        err.is_retryable(),
        matches!(status, 429 | 500 | 502 | 503 | 504)
    );
    assert!(err.backoff(attempt) <= Duration::from_secs(60));
    assert!(backoff(attempt, None) <= Duration::from_secs(8));
    assert_eq!(err.to_string(), message);
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    let chunk = usize::from(data[2]) + 1;
    let attempt = u32::from(data[3]);
    let rest = &data[4..];
    let (header_bytes, body) = match rest.iter().position(|&b| b == 0) {
        Some(nul) => (&rest[..nul], &rest[nul + 1..]),
        None => (&[][..], rest),
    };
    let headers: Vec<(String, String)> = String::from_utf8_lossy(header_bytes)
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            (name.to_owned(), value.to_owned())
        })
        .collect();

    stream(body, chunk);
    stream(body, body.len().max(1));
    http_error(status, &headers, &String::from_utf8_lossy(body), attempt);
});

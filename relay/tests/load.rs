//! 200 concurrent streams through one relay process: every byte the upstream sent arrives,
//! unchanged, and the relay's memory stays bounded. (The timing figures are in `bench/relay`,
//! not here: tests assert behaviour, not speed.)

mod common;

use std::{collections::HashMap, time::Duration};

use common::*;
use futures::StreamExt;

const STREAMS: usize = 200;
/// The relay's peak resident memory must stay under this (about 23 MiB measured, debug build).
const MAX_PEAK_KIB: u64 = 64 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_streams_arrive_byte_identical_in_bounded_memory() {
    let upstream = upstream().await;
    let url = upstream.url();
    let relay = Binary::start(
        &[
            "--upstream",
            &url,
            "--allow-origin",
            ORIGIN,
            "--models",
            MODEL,
            "--rate",
            "off",
            "--daily-tokens",
            "0",
            "--quiet",
        ],
        &[("MISTRAL_API_KEY", KEY)],
    )
    .await;
    let (idle_kib, _) = relay.memory_kib();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(STREAMS)
        .build()
        .unwrap();
    let tasks = (0..STREAMS).map(|i| {
        let client = client.clone();
        let base = relay.base.clone();
        tokio::spawn(async move {
            // 300 pieces 5 ms apart: each stream stays open about 1.5 s, so all 200 overlap.
            let body = chat(&tagged("long 300 [delay=5]", &format!("s{i}")), true);
            let response = client
                .post(format!("{base}/v1/chat/completions"))
                .header("origin", ORIGIN)
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let mut received = Vec::new();
            let mut chunks = response.bytes_stream();
            while let Some(chunk) = chunks.next().await {
                received.extend_from_slice(&chunk.unwrap());
            }
            (format!("s{i}"), received)
        })
    });
    let all = futures::future::join_all(tasks);
    tokio::pin!(all);
    // Sample the relay's memory while the streams are open.
    let mut open_kib = 0;
    let results = loop {
        tokio::select! {
            results = &mut all => break results,
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                open_kib = open_kib.max(relay.memory_kib().0);
            }
        }
    };
    let (_, peak_kib) = relay.memory_kib();

    let sent = by_tag(&upstream.sent.lock().unwrap());
    let mut sizes = HashMap::new();
    for result in results {
        let (tag, received) = result.unwrap();
        let upstream_sent = &sent[&tag];
        assert!(upstream_sent.completed, "{tag}");
        assert_eq!(received.len(), upstream_sent.bytes.len(), "{tag}");
        assert_eq!(
            hash(&received),
            hash(&upstream_sent.bytes),
            "{tag} differs from what the upstream sent"
        );
        assert_eq!(
            streamed_content(std::str::from_utf8(&received).unwrap())
                .matches("tok")
                .count(),
            300
        );
        sizes.insert(tag, received.len());
    }
    assert_eq!(sizes.len(), STREAMS);
    eprintln!(
        "relay memory: idle {idle_kib} KiB, with {STREAMS} streams open {open_kib} KiB, peak {peak_kib} KiB; \
         {} bytes per stream",
        sizes.values().next().unwrap()
    );
    assert!(peak_kib < MAX_PEAK_KIB, "peak {peak_kib} KiB");
}

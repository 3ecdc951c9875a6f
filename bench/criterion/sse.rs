//! Throughput of the SSE decoder, alone and with the Mistral stream mapping,
//! on a realistic Mistral stream: 20,000 one-token chunk events then
//! `data: [DONE]`, fed whole, in 7-byte chunks and in 64 KiB chunks.
//!
//! Run: `cargo bench -p tinychat-core --bench sse` (about a minute).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tinychat_core::mistral::{StreamItem, StreamMapper};
use tinychat_core::sse::{Decoder, Event};

const EVENTS: usize = 20_000;
const CHUNK: &str = r#"data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"token "},"finish_reason":null}]}"#;

fn stream() -> Vec<u8> {
    let mut body = Vec::with_capacity((CHUNK.len() + 2) * EVENTS + 16);
    for _ in 0..EVENTS {
        body.extend_from_slice(CHUNK.as_bytes());
        body.extend_from_slice(b"\n\n");
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    body
}

/// Decoder alone: returns the number of events.
fn decode(body: &[u8], chunk: usize) -> usize {
    let mut decoder = Decoder::new();
    let mut events: Vec<Event> = Vec::new();
    let mut count = 0;
    for piece in body.chunks(chunk) {
        decoder.push_into(piece, &mut events).unwrap();
        count += events.len();
        events.clear();
    }
    assert!(!decoder.finish().is_truncated());
    count
}

/// Decoder and mapper: returns the length of the answer.
fn decode_and_map(body: &[u8], chunk: usize) -> usize {
    let mut decoder = Decoder::new();
    let mut mapper = StreamMapper::new();
    let mut events: Vec<Event> = Vec::new();
    let mut deltas = 0;
    for piece in body.chunks(chunk) {
        decoder.push_into(piece, &mut events).unwrap();
        for event in events.drain(..) {
            for item in mapper.on_event(&event).unwrap() {
                if let StreamItem::Delta(text) = item {
                    deltas += text.len();
                }
            }
        }
    }
    let summary = mapper.finish(decoder.finish()).unwrap();
    assert_eq!(summary.text.len(), deltas);
    deltas
}

fn bench(c: &mut Criterion) {
    let body = stream();
    let feeds = [("whole", body.len()), ("7B", 7), ("64KiB", 64 * 1024)];
    assert_eq!(decode(&body, 7), EVENTS + 1);
    assert_eq!(decode_and_map(&body, 7), EVENTS * "token ".len());

    let mut group = c.benchmark_group("sse_decoder");
    group.throughput(Throughput::Bytes(body.len() as u64));
    for (name, chunk) in feeds {
        group.bench_with_input(BenchmarkId::from_parameter(name), &chunk, |b, &chunk| {
            b.iter(|| decode(black_box(&body), chunk))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("sse_decoder+mistral_mapper");
    group.throughput(Throughput::Bytes(body.len() as u64));
    for (name, chunk) in feeds {
        group.bench_with_input(BenchmarkId::from_parameter(name), &chunk, |b, &chunk| {
            b.iter(|| decode_and_map(black_box(&body), chunk))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);

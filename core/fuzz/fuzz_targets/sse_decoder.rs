//! Arbitrary bytes, arbitrary chunking, optional small size limit: feeding
//! in chunks must give exactly the whole-stream result, which must equal the
//! reference implementation's; nothing may panic.
//!
//! Input layout: byte 0 = control (bits 0-2: number of chunk-size bytes − 1;
//! bit 7: use a small limit of ((bits 3-6) × 3) bytes), then the chunk-size
//! bytes (cycled), then the stream.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tinychat_core::sse::{Decoder, Finish};

#[path = "../../tests/common/sse_reference.rs"]
mod sse_reference;

type Run = (
    Vec<tinychat_core::sse::Event>,
    Option<(String, Option<u64>, Finish)>,
);

fn run(stream: &[u8], sizes: &[usize], limit: Option<usize>) -> Run {
    let mut d = limit.map_or_else(Decoder::new, Decoder::with_max_len);
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].min(rest.len());
        i += 1;
        if d.push_into(&rest[..n], &mut events).is_err() {
            assert!(d.is_failed());
            assert!(d.push(b"data: x\n\n").is_err(), "stays failed");
            assert_eq!(d.finish(), Finish::Truncated);
            return (events, None);
        }
        rest = &rest[n..];
    }
    let state = (d.last_event_id().to_owned(), d.retry());
    (events, Some((state.0, state.1, d.finish())))
}

fuzz_target!(|data: &[u8]| {
    let (ctl, rest) = data.split_first().map_or((0, data), |(&c, r)| (c, r));
    let k = usize::from(ctl & 7) + 1;
    let (raw_sizes, stream) = rest.split_at(k.min(rest.len()));
    let mut sizes: Vec<usize> = raw_sizes.iter().map(|&b| usize::from(b) % 64 + 1).collect();
    if sizes.is_empty() {
        sizes.push(1);
    }
    let limit = (ctl & 0x80 != 0).then(|| usize::from((ctl >> 3) & 0x0F) * 3);

    let whole = run(stream, &[stream.len().max(1)], limit);
    assert_eq!(run(stream, &sizes, limit), whole, "chunked != whole");
    assert_eq!(run(stream, &[1], limit), whole, "byte by byte != whole");

    if let (events, Some((last_event_id, retry, finish))) = whole {
        let expected = sse_reference::reference(stream);
        assert_eq!(events, expected.events);
        assert_eq!(last_event_id, expected.last_event_id);
        assert_eq!(retry, expected.retry);
        assert_eq!(finish.is_truncated(), expected.truncated);
    } else {
        assert!(limit.is_some(), "default limit exceeded by a fuzz input");
    }
});

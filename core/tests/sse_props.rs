//! Property tests for `tinychat_core::sse`: chunking never changes the result,
//! and the decoder agrees with a slow, literal transcription of the WHATWG
//! algorithm (`tests/common/sse_reference.rs`) on structured and arbitrary
//! input.

#[path = "common/sse_reference.rs"]
mod sse_reference;

use proptest::prelude::*;
use sse_reference::{reference, whatwg_utf8_decoder, Outcome};
use tinychat_core::sse::{Decoder, Finish};

fn decode_chunked<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Outcome {
    let mut d = Decoder::new();
    let mut events = Vec::new();
    for chunk in chunks {
        d.push_into(chunk, &mut events)
            .expect("within default limit");
    }
    Outcome {
        events,
        last_event_id: d.last_event_id().to_owned(),
        retry: d.retry(),
        truncated: d.finish() == Finish::Truncated,
    }
}

/// Cuts `bytes` into pieces whose sizes cycle through `sizes`.
fn split<'a>(bytes: &'a [u8], sizes: &[usize]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        pieces.push(&rest[..n]);
        rest = &rest[n..];
        i += 1;
    }
    pieces
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

fn terminator() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r"), Just("\r\n")]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 :\u{0}\u{e9}\u{20ac}\u{1F600}\u{FEFF}]{0,10}",
        "[0-9]{1,25}",
        Just("[DONE]".to_owned()),
    ]
}

fn field_line() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        6 => Just("data"),
        2 => Just("event"),
        2 => Just("id"),
        2 => Just("retry"),
        1 => Just("Data"),
        1 => Just("foo"),
        1 => Just(""),
        1 => Just(" data"),
    ];
    let sep = prop_oneof![Just(":"), Just(": "), Just(":  "), Just("")];
    (name, sep, value(), terminator())
        .prop_map(|(name, sep, value, term)| format!("{name}{sep}{value}{term}").into_bytes())
}

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => field_line(),
        3 => terminator().prop_map(|t| t.as_bytes().to_vec()),
        1 => (value(), terminator()).prop_map(|(v, t)| format!(":{v}{t}").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..6),
        1 => prop::sample::select(vec![
            &b"\xEF\xBB\xBF"[..], b"\xEF\xBB", b"\xF0\x9F", b"\xED\xA0\x80", b"\xC3", b"\x80",
        ])
        .prop_map(<[u8]>::to_vec),
    ]
}

/// A stream built from realistic lines, odd lines, invalid UTF-8 and raw
/// bytes, optionally starting with a (possibly doubled or partial) BOM.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let bom = prop::sample::select(vec![
        &b""[..],
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF\xEF\xBB\xBF",
        b"\xEF",
        b"\xEF\xBB",
    ]);
    (bom, prop::collection::vec(piece(), 0..40), any::<bool>()).prop_map(
        |(bom, pieces, unterminated)| {
            let mut bytes = bom.to_vec();
            for piece in pieces {
                bytes.extend(piece);
            }
            if unterminated {
                bytes.extend_from_slice(b"data: tail");
            }
            bytes
        },
    )
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..24, 1..8)
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_chunking_of_a_structured_stream_gives_the_whole_stream_result(
        bytes in stream(),
        sizes in sizes(),
    ) {
        let whole = decode_chunked([&bytes[..]]);
        prop_assert_eq!(&decode_chunked(split(&bytes, &sizes)), &whole);
        prop_assert_eq!(&decode_chunked(bytes.chunks(1)), &whole);
    }

    #[test]
    fn structured_stream_matches_reference_implementation(
        bytes in stream(),
        sizes in sizes(),
    ) {
        let expected = reference(&bytes);
        prop_assert_eq!(&decode_chunked([&bytes[..]]), &expected);
        prop_assert_eq!(&decode_chunked(split(&bytes, &sizes)), &expected);
    }

    #[test]
    fn arbitrary_bytes_match_reference_in_any_chunking(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        sizes in sizes(),
    ) {
        let expected = reference(&bytes);
        prop_assert_eq!(&decode_chunked([&bytes[..]]), &expected);
        prop_assert_eq!(&decode_chunked(split(&bytes, &sizes)), &expected);
        prop_assert_eq!(&decode_chunked(bytes.chunks(1)), &expected);
    }

    #[test]
    fn whatwg_utf8_decoder_equals_from_utf8_lossy(
        bytes in prop::collection::vec(
            prop_oneof![any::<u8>(), 0x80u8..0xC0, 0xE0u8..0xF5],
            0..64,
        ),
    ) {
        prop_assert_eq!(whatwg_utf8_decoder(&bytes), String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn size_limit_outcome_does_not_depend_on_chunking(
        bytes in stream(),
        sizes in sizes(),
        max_len in 0usize..48,
    ) {
        let run = |chunks: Vec<&[u8]>| {
            let mut d = Decoder::with_max_len(max_len);
            let mut events = Vec::new();
            for chunk in chunks {
                if d.push_into(chunk, &mut events).is_err() {
                    return (events, None);
                }
            }
            let state = (d.last_event_id().to_owned(), d.retry());
            (events, Some((state, d.finish())))
        };
        let whole = run(vec![&bytes[..]]);
        prop_assert_eq!(&run(split(&bytes, &sizes)), &whole);
        prop_assert_eq!(&run(bytes.chunks(1).collect()), &whole);
        // Below the limit, the limit changes nothing.
        if let (events, Some((state, finish))) = &whole {
            let expected = reference(&bytes);
            prop_assert_eq!(events, &expected.events);
            prop_assert_eq!(&state.0, &expected.last_event_id);
            prop_assert_eq!(state.1, expected.retry);
            prop_assert_eq!(finish.is_truncated(), expected.truncated);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_with_any_limit(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        sizes in sizes(),
        max_len in 0usize..64,
    ) {
        let mut d = Decoder::with_max_len(max_len);
        for chunk in split(&bytes, &sizes) {
            let _ = d.push(chunk);
        }
        let _ = d.finish();
    }
}

#[test]
fn reference_agrees_on_spec_examples() {
    let out = reference(b"data\n\ndata\ndata\n\ndata:");
    assert_eq!(out.events.len(), 2);
    assert!(out.truncated);
    assert_eq!(decode_chunked([&b"data\n\ndata\ndata\n\ndata:"[..]]), out);
}

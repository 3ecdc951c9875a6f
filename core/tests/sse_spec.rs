//! Behaviour of `tinychat_core::sse` against the WHATWG HTML "event stream
//! interpretation" rules, one test per rule.

use tinychat_core::sse::{Decoder, Event, Finish, SseError, DEFAULT_MAX_LEN};

fn ev(event: &str, data: &str, id: &str) -> Event {
    Event {
        event: event.into(),
        data: data.into(),
        id: id.into(),
    }
}

fn msg(data: &str) -> Event {
    ev("message", data, "")
}

/// Feeds `chunks` one by one; returns the events, the decoder state and how
/// it finished.
fn feed(chunks: &[&[u8]]) -> (Vec<Event>, String, Option<u64>, Finish) {
    let mut d = Decoder::new();
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(d.push(chunk).expect("no limit error"));
    }
    let id = d.last_event_id().to_owned();
    let retry = d.retry();
    (events, id, retry, d.finish())
}

fn events(input: &str) -> Vec<Event> {
    feed(&[input.as_bytes()]).0
}

/// Feeds the input whole, in every two-piece split, and byte by byte, and
/// checks that all agree; returns the events.
fn events_any_split(input: &[u8]) -> Vec<Event> {
    let whole = feed(&[input]);
    for cut in 0..=input.len() {
        assert_eq!(
            feed(&[&input[..cut], &input[cut..]]),
            whole,
            "split at {cut}"
        );
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(feed(&bytes), whole, "byte by byte");
    whole.0
}

// --- The specification's own examples (HTML 9.2.6) ------------------------

#[test]
fn spec_example_stock_ticker_joins_data_lines_with_lf() {
    assert_eq!(
        events_any_split(b"data: YHOO\ndata: +2\ndata: 10\n\n"),
        [msg("YHOO\n+2\n10")]
    );
}

#[test]
fn spec_example_ids_set_and_reset_by_empty_id_field() {
    let input = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n";
    let (events, last_id, _, finish) = feed(&[input.as_bytes()]);
    assert_eq!(
        events,
        [
            ev("message", "first event", "1"),
            ev("message", "second event", ""),
            ev("message", " third event", ""),
        ]
    );
    assert_eq!(last_id, "");
    assert_eq!(finish, Finish::Clean);
    events_any_split(input.as_bytes());
}

#[test]
fn spec_example_empty_data_events_and_unterminated_last_block() {
    let input = b"data\n\ndata\ndata\n\ndata:";
    assert_eq!(events_any_split(input), [msg(""), msg("\n")]);
    assert_eq!(feed(&[input]).3, Finish::Truncated);
}

#[test]
fn spec_example_space_after_colon_is_optional() {
    assert_eq!(
        events_any_split(b"data:test\n\ndata: test\n\n"),
        [msg("test"), msg("test")]
    );
}

// --- Byte order mark --------------------------------------------------------

#[test]
fn leading_bom_is_stripped() {
    assert_eq!(events_any_split(b"\xEF\xBB\xBFdata: x\n\n"), [msg("x")]);
}

#[test]
fn bom_split_across_chunks_is_stripped() {
    let (events, ..) = feed(&[b"\xEF", b"\xBB\xBF", b"data: x\n\n"]);
    assert_eq!(events, [msg("x")]);
    let (events, ..) = feed(&[b"\xEF\xBB", b"\xBF", b"data: x\n\n"]);
    assert_eq!(events, [msg("x")]);
}

#[test]
fn only_one_bom_is_stripped() {
    // The second BOM becomes part of the field name "\u{FEFF}data": unknown.
    assert_eq!(events_any_split(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n"), []);
}

#[test]
fn bom_after_stream_start_is_content() {
    assert_eq!(
        events_any_split(b"data: a\n\n\xEF\xBB\xBFdata: b\n\ndata: \xEF\xBB\xBFc\n\n"),
        [msg("a"), msg("\u{FEFF}c")]
    );
}

#[test]
fn incomplete_bom_is_content() {
    // EF BB followed by "d": an invalid sequence (one U+FFFD), then "data".
    assert_eq!(
        events_any_split(b"\xEF\xBBdata: x\n\n\xEF\xBB:\n\ndata: y\n\n"),
        [msg("y")]
    );
    let (_, _, _, finish) = feed(&[b"\xEF\xBB"]);
    assert_eq!(finish, Finish::Truncated);
}

// --- Line endings -----------------------------------------------------------

#[test]
fn lf_crlf_and_lone_cr_all_end_lines() {
    for input in [
        &b"data: a\ndata: b\n\n"[..],
        b"data: a\r\ndata: b\r\n\r\n",
        b"data: a\rdata: b\r\r",
        b"data: a\r\ndata: b\r\n\n",
        b"data: a\rdata: b\n\r",
    ] {
        assert_eq!(events_any_split(input), [msg("a\nb")], "{input:?}");
    }
}

#[test]
fn cr_at_chunk_end_then_lf_is_one_line_end() {
    // If the LF were taken for a second line end, "a" would be dispatched
    // on its own.
    let (events, ..) = feed(&[b"data: a\r", b"\ndata: b\r\n\r\n"]);
    assert_eq!(events, [msg("a\nb")]);
}

#[test]
fn cr_at_chunk_end_then_empty_chunk_then_lf_is_one_line_end() {
    let (events, ..) = feed(&[b"data: a\r", b"", b"\ndata: b\r", b"\n", b"\r", b"\n"]);
    assert_eq!(events, [msg("a\nb")]);
}

#[test]
fn cr_at_chunk_end_then_cr_is_a_blank_line() {
    let (events, ..) = feed(&[b"data: a\r", b"\r"]);
    assert_eq!(events, [msg("a")]);
}

#[test]
fn cr_as_last_byte_of_stream_ends_the_line_but_does_not_dispatch() {
    let (events, last_id, retry, finish) = feed(&[b"retry: 7\rid: 9\r\rdata: x\r"]);
    assert_eq!(events, []);
    assert_eq!(retry, Some(7));
    assert_eq!(last_id, "9");
    assert_eq!(finish, Finish::Truncated, "data buffer held \"x\\n\"");
}

#[test]
fn lf_cr_is_two_line_ends() {
    assert_eq!(
        events_any_split(b"data: a\n\rdata: b\n\n"),
        [msg("a"), msg("b")]
    );
}

// --- Lines and fields -------------------------------------------------------

#[test]
fn comment_lines_are_ignored() {
    assert_eq!(
        events_any_split(b":\n: keep-alive\n:data: no\ndata: yes\n:\n\n"),
        [msg("yes")]
    );
}

#[test]
fn comment_only_block_dispatches_nothing() {
    assert_eq!(events_any_split(b": hi\n\n"), []);
}

#[test]
fn only_one_leading_space_is_removed_from_the_value() {
    assert_eq!(
        events_any_split(b"data:  two\n\ndata:\tx\n\ndata:x \n\n"),
        [msg(" two"), msg("\tx"), msg("x ")]
    );
}

#[test]
fn value_is_everything_after_the_first_colon() {
    assert_eq!(events_any_split(b"data: a: b:c\n\n"), [msg("a: b:c")]);
}

#[test]
fn line_without_colon_is_field_name_with_empty_value() {
    assert_eq!(events_any_split(b"data\ndata\n\n"), [msg("\n")]);
    // "event" without colon sets the type to "" => "message".
    assert_eq!(
        events_any_split(b"event: x\nevent\ndata: 1\n\n"),
        [msg("1")]
    );
}

#[test]
fn field_names_are_case_sensitive_and_exact() {
    assert_eq!(
        events_any_split(b"Data: a\nDATA: b\n data: c\ndata : d\ndata2: e\ndata: f\n\n"),
        [msg("f")]
    );
}

#[test]
fn unknown_fields_are_ignored() {
    assert_eq!(
        events_any_split(b"foo: bar\nx\nretryx: 5\ndata: a\n\n"),
        [msg("a")]
    );
}

#[test]
fn trailing_lf_is_removed_once_at_dispatch() {
    assert_eq!(events_any_split(b"data: a\ndata:\n\n"), [msg("a\n")]);
    assert_eq!(events_any_split(b"data:\n\n"), [msg("")]);
}

// --- event ------------------------------------------------------------------

#[test]
fn event_field_sets_type_for_one_event() {
    assert_eq!(
        events_any_split(b"event: add\ndata: 1\n\ndata: 2\n\n"),
        [ev("add", "1", ""), msg("2")]
    );
}

#[test]
fn last_event_field_of_a_block_wins() {
    assert_eq!(
        events_any_split(b"event: a\nevent: b\ndata: 1\n\n"),
        [ev("b", "1", "")]
    );
}

#[test]
fn empty_data_dispatch_resets_event_type() {
    assert_eq!(events_any_split(b"event: foo\n\ndata: x\n\n"), [msg("x")]);
}

#[test]
fn empty_event_value_means_message() {
    assert_eq!(events_any_split(b"event:\ndata: x\n\n"), [msg("x")]);
}

// --- id ---------------------------------------------------------------------

#[test]
fn id_persists_across_events_until_changed() {
    assert_eq!(
        events_any_split(b"id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n"),
        [
            ev("message", "a", "7"),
            ev("message", "b", "7"),
            ev("message", "c", "8")
        ]
    );
}

#[test]
fn id_containing_nul_is_ignored() {
    let (events, last_id, ..) = feed(&[b"id: 1\n\nid: 2\x003\ndata: a\n\n"]);
    assert_eq!(events, [ev("message", "a", "1")]);
    assert_eq!(last_id, "1");
}

#[test]
fn nul_in_data_is_kept() {
    assert_eq!(events_any_split(b"data: a\x00b\n\n"), [msg("a\0b")]);
}

#[test]
fn empty_id_value_resets_last_event_id() {
    let (events, last_id, ..) = feed(&[b"id: 1\ndata: a\n\nid:\ndata: b\n\n"]);
    assert_eq!(events, [ev("message", "a", "1"), msg("b")]);
    assert_eq!(last_id, "");
}

#[test]
fn blank_line_without_data_still_commits_the_id() {
    let (events, last_id, ..) = feed(&[b"id: 42\n\n"]);
    assert_eq!(events, []);
    assert_eq!(last_id, "42");
}

#[test]
fn id_in_unterminated_block_does_not_change_last_event_id() {
    let (_, last_id, _, finish) = feed(&[b"id: 1\n\nid: 2\n"]);
    assert_eq!(last_id, "1");
    assert_eq!(finish, Finish::Clean, "data buffer empty, no partial line");
    let (_, last_id, _, finish) = feed(&[b"id: 1\n\nid: 2"]);
    assert_eq!(last_id, "1");
    assert_eq!(finish, Finish::Truncated, "partial line");
}

#[test]
fn event_id_is_the_id_in_effect_at_dispatch() {
    // An id set after the data lines of the same block still applies.
    assert_eq!(
        events_any_split(b"data: a\nid: 5\n\n"),
        [ev("message", "a", "5")]
    );
}

// --- retry ------------------------------------------------------------------

#[test]
fn retry_with_ascii_digits_sets_reconnection_time() {
    let (_, _, retry, _) = feed(&[b"retry: 1000\n"]);
    assert_eq!(retry, Some(1000));
    let (_, _, retry, _) = feed(&[b"retry: 1000\nretry: 0042\n"]);
    assert_eq!(retry, Some(42));
}

#[test]
fn retry_with_anything_but_digits_is_ignored() {
    for bad in [
        "retry: 10a\n",
        "retry: -1\n",
        "retry: +1\n",
        "retry: 1.5\n",
        "retry:  10\n",
        "retry: 10 \n",
        "retry: \u{0661}\n", // ARABIC-INDIC DIGIT ONE: not ASCII
        "retry:\n",
        "retry\n",
    ] {
        let (_, _, retry, _) = feed(&[format!("retry: 5\n{bad}").as_bytes()]);
        assert_eq!(retry, Some(5), "{bad:?}");
    }
}

#[test]
fn retry_larger_than_u64_saturates() {
    let (_, _, retry, _) = feed(&[b"retry: 99999999999999999999999\n"]);
    assert_eq!(retry, Some(u64::MAX));
}

#[test]
fn retry_applies_without_dispatch() {
    let (events, _, retry, finish) = feed(&[b"retry: 3\n"]);
    assert_eq!(events, []);
    assert_eq!(retry, Some(3));
    assert_eq!(finish, Finish::Clean);
}

// --- UTF-8 ------------------------------------------------------------------

#[test]
fn multibyte_character_split_across_chunks_decodes() {
    let input = "data: h\u{e9}llo \u{1F600} \u{20AC}\n\n".as_bytes();
    assert_eq!(
        events_any_split(input),
        [msg("h\u{e9}llo \u{1F600} \u{20AC}")]
    );
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    // Maximal subparts: F0 9F (truncated 4-byte) -> one U+FFFD; lone FF and
    // continuation bytes -> one each; ED A0 80 (surrogate) -> three.
    assert_eq!(
        events_any_split(b"data: a\xF0\x9F b \xFF\x80 c \xED\xA0\x80\n\n"),
        [msg(
            "a\u{FFFD} b \u{FFFD}\u{FFFD} c \u{FFFD}\u{FFFD}\u{FFFD}"
        )]
    );
}

#[test]
fn sequence_cut_by_line_end_becomes_one_replacement_character() {
    assert_eq!(
        events_any_split(b"data: \xE2\x82\ndata: \xE2\x82\xAC\n\n"),
        [msg("\u{FFFD}\n\u{20AC}")]
    );
}

#[test]
fn invalid_utf8_in_event_and_id_is_replaced() {
    assert_eq!(
        events_any_split(b"event: \xFFx\nid: \xC3\ndata: d\n\n"),
        [ev("\u{FFFD}x", "d", "\u{FFFD}")]
    );
}

#[test]
fn invalid_utf8_in_field_name_makes_it_unknown() {
    assert_eq!(events_any_split(b"dat\xE1: x\n\n"), []);
}

// --- Chunking and end of stream ---------------------------------------------

#[test]
fn empty_chunks_change_nothing() {
    let (events, ..) = feed(&[b"", b"data: a", b"", b"\n", b"", b"\n", b""]);
    assert_eq!(events, [msg("a")]);
}

#[test]
fn events_come_out_in_order_from_one_chunk() {
    assert_eq!(
        events("data: 1\n\ndata: 2\n\ndata: 3\n\n"),
        [msg("1"), msg("2"), msg("3")]
    );
}

#[test]
fn finish_is_clean_at_event_boundary() {
    assert_eq!(feed(&[b""]).3, Finish::Clean);
    assert_eq!(feed(&[b"data: a\n\n"]).3, Finish::Clean);
    assert_eq!(feed(&[b"data: a\n\n: bye\n"]).3, Finish::Clean);
    assert_eq!(feed(&[b"data: a\r\n\r"]).3, Finish::Clean);
}

#[test]
fn finish_reports_truncation_of_partial_line_or_pending_data() {
    assert_eq!(feed(&[b"data: a\n\ndata: b"]).3, Finish::Truncated);
    assert_eq!(feed(&[b"data: a\n"]).3, Finish::Truncated);
    assert!(feed(&[b"data: a\n"]).3.is_truncated());
    assert_eq!(feed(&[b"dat"]).3, Finish::Truncated);
}

#[test]
fn default_equals_new() {
    let mut a = Decoder::default();
    let mut b = Decoder::new();
    assert_eq!(a.max_len(), DEFAULT_MAX_LEN);
    assert_eq!(a.max_len(), b.max_len());
    assert_eq!(a.push(b"data: x\n\n"), b.push(b"data: x\n\n"));
}

// --- Memory bound -------------------------------------------------------------

#[test]
fn line_at_the_limit_is_accepted() {
    let mut d = Decoder::with_max_len(10);
    // "data: abcd" is exactly 10 bytes; the data buffer holds "abcd\n".
    assert_eq!(d.push(b"data: abcd\n\n"), Ok(vec![msg("abcd")]));
}

#[test]
fn complete_line_over_the_limit_is_an_error() {
    let mut d = Decoder::with_max_len(10);
    assert_eq!(
        d.push(b"data: abcde\n\n"),
        Err(SseError::TooLarge { limit: 10 })
    );
}

#[test]
fn pending_line_over_the_limit_is_an_error_before_it_ends() {
    let mut d = Decoder::with_max_len(10);
    assert_eq!(d.push(b"data: ab"), Ok(vec![]));
    assert_eq!(d.push(b"cde"), Err(SseError::TooLarge { limit: 10 }));
}

#[test]
fn comment_lines_count_towards_the_line_limit() {
    let mut d = Decoder::with_max_len(4);
    assert_eq!(d.push(b": abc"), Err(SseError::TooLarge { limit: 4 }));
}

#[test]
fn data_buffer_over_the_limit_is_an_error() {
    let mut d = Decoder::with_max_len(8);
    // Each line fits; the buffer "abc\nabc\n" is 8 bytes, a third overflows.
    assert_eq!(d.push(b"data:abc\ndata:abc\n"), Ok(vec![]));
    assert_eq!(d.push(b"data:a\n"), Err(SseError::TooLarge { limit: 8 }));
}

#[test]
fn replacement_characters_count_towards_the_data_limit() {
    // Five invalid bytes decode to 15 bytes of U+FFFD.
    let mut d = Decoder::with_max_len(10);
    assert_eq!(
        d.push(b"data:\xFF\xFF\xFF\xFF\xFF\n"),
        Err(SseError::TooLarge { limit: 10 })
    );
}

#[test]
fn decoder_stays_failed_after_limit_error() {
    let mut d = Decoder::with_max_len(4);
    assert!(d.push(b"data: 1\n\n").is_err());
    assert!(d.is_failed());
    assert_eq!(d.push(b"\n\n"), Err(SseError::TooLarge { limit: 4 }));
    assert_eq!(d.finish(), Finish::Truncated);
}

#[test]
fn failed_decoder_keeps_committed_state() {
    let mut d = Decoder::with_max_len(8);
    assert!(d.push(b"retry:1\nid:abc\n\ndata:123456789\n").is_err());
    assert_eq!(d.retry(), Some(1));
    assert_eq!(d.last_event_id(), "abc");
}

#[test]
fn push_into_keeps_events_completed_before_the_error() {
    let mut d = Decoder::with_max_len(8);
    let mut out = Vec::new();
    let result = d.push_into(b"data:ok\n\ndata:123456789\n\n", &mut out);
    assert_eq!(result, Err(SseError::TooLarge { limit: 8 }));
    assert_eq!(out, [msg("ok")]);
}

#[test]
fn limit_error_position_does_not_depend_on_chunking() {
    let input = b"data:ok\n\ndata:123\n\ndata:123456789\n\ndata:late\n\n";
    let run = |chunk: usize| {
        let mut d = Decoder::with_max_len(8);
        let mut out = Vec::new();
        let mut err = None;
        for piece in input.chunks(chunk) {
            if let Err(e) = d.push_into(piece, &mut out) {
                err = Some(e);
                break;
            }
        }
        (out, err)
    };
    let whole = run(input.len());
    assert_eq!(whole.0, [msg("ok"), msg("123")]);
    assert_eq!(whole.1, Some(SseError::TooLarge { limit: 8 }));
    for chunk in 1..input.len() {
        assert_eq!(run(chunk), whole, "chunk size {chunk}");
    }
}

#[test]
fn huge_stream_of_small_events_stays_within_limit() {
    let mut d = Decoder::with_max_len(64);
    let mut n = 0;
    for _ in 0..10_000 {
        n += d.push(b"data: token\n\n").unwrap().len();
    }
    assert_eq!(n, 10_000);
}

#[test]
fn error_message_names_the_limit() {
    assert_eq!(
        SseError::TooLarge { limit: 5 }.to_string(),
        "server-sent event line or data exceeded 5 bytes"
    );
}

//! Incremental, spec-exact decoder for `text/event-stream` (Server-Sent Events).
//!
//! This implements the WHATWG HTML Standard, section 9.2.6 "Event stream
//! interpretation", for a byte stream delivered in arbitrary chunks (exactly
//! as a `ReadableStream` hands them out). Feed every chunk to
//! [`Decoder::push`] (or [`Decoder::push_into`]) and call [`Decoder::finish`]
//! at end of stream.
//!
//! ```
//! use tinychat_core::sse::{Decoder, Finish};
//!
//! let mut dec = Decoder::new();
//! let mut events = dec.push(b"data: hel").unwrap();
//! assert!(events.is_empty());
//! events.extend(dec.push(b"lo\r\n\r\n").unwrap());
//! assert_eq!(events[0].data, "hello");
//! assert_eq!(events[0].event, "message");
//! assert_eq!(dec.finish(), Finish::Clean);
//! ```
//!
//! # Decoding
//!
//! > "Streams must be decoded using the UTF-8 decode algorithm."
//!
//! The UTF-8 decode algorithm strips one leading byte order mark and replaces
//! every invalid sequence with U+FFFD. Lines are split on the ASCII bytes CR
//! and LF *before* decoding, and only complete lines are decoded; because
//! neither byte can occur inside a well-formed multi-byte sequence, this is
//! exactly equivalent to decoding the whole stream first (a sequence split
//! across chunks decodes correctly, and a sequence cut short by a line end or
//! by the end of the stream becomes U+FFFD). Invalid bytes are replaced with
//! the "substitution of maximal subparts" practice, which is what both
//! [`String::from_utf8_lossy`] and the WHATWG UTF-8 decoder (hence
//! `TextDecoder`) implement. Invalid input is never an error and never
//! panics.
//!
//! # Memory bound
//!
//! A single line (pending or complete) and the pending event's data buffer are
//! each limited to [`Decoder::max_len`] bytes (default [`DEFAULT_MAX_LEN`],
//! 1 MiB). Exceeding either makes the decoder fail with
//! [`SseError::TooLarge`] instead of growing. The limit is applied to the
//! stream's content, not to how it was chunked, so where the error occurs does
//! not depend on chunk boundaries.
//!
//! # Performance
//!
//! Every byte is scanned once by `memchr2` (for CR/LF); a partial line is kept
//! between chunks and never re-scanned. Only the values of `data`, `event` and
//! `id` fields are UTF-8-validated, once, when their line is complete.
//! Buffers are reused; the only allocations in steady state are the dispatched
//! [`Event`]'s own strings and the returned `Vec`.

use std::mem;

use memchr::{memchr, memchr2};

/// Default limit, in bytes, for one line and for one event's data: 1 MiB.
pub const DEFAULT_MAX_LEN: usize = 1 << 20;

/// The UTF-8 byte order mark, `U+FEFF` encoded.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The event type: the last `event:` field of the block, or `"message"`
    /// when none was set (or it was set to the empty string).
    pub event: String,
    /// The event data: the `data:` values joined with `"\n"`.
    pub data: String,
    /// The last event ID string in effect when the event was dispatched
    /// (`""` if the stream never set one).
    pub id: String,
}

/// How a stream ended, as reported by [`Decoder::finish`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// The stream ended at an event boundary: nothing was discarded.
    Clean,
    /// The stream ended in the middle of an event and the incomplete event was
    /// discarded: the data buffer was not empty, or an unterminated line with
    /// content was pending (or the decoder had failed with
    /// [`SseError::TooLarge`]).
    ///
    /// > "Once the end of the file is reached, any pending data must be
    /// > discarded. (If the file ends in the middle of an event, before the
    /// > final empty line, the incomplete event is not dispatched.)"
    Truncated,
}

impl Finish {
    /// `true` for [`Finish::Truncated`].
    pub fn is_truncated(self) -> bool {
        self == Finish::Truncated
    }
}

/// Errors from [`Decoder::push`]. The size limit is the only error: invalid
/// UTF-8 and malformed lines are handled as the specification says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line, or the data of one event, exceeded `limit` bytes.
    #[error("server-sent event line or data exceeded {limit} bytes")]
    TooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },
}

/// Where the decoder stands with respect to the optional leading BOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    /// Still at the start of the stream; this many bytes of the BOM (0–2) have
    /// been seen and withheld.
    Sniffing(u8),
    /// Past the start of the stream (BOM stripped, or absent).
    Done,
}

/// Incremental `text/event-stream` decoder.
///
/// State, named as in the specification: the *data buffer*, the *event type
/// buffer* and the *last event ID buffer* ("must be initialized to the empty
/// string"), plus the event source's *last event ID string* and *reconnection
/// time*.
///
/// After [`SseError::TooLarge`] the decoder is **failed**: it keeps the
/// `retry`/`last_event_id` values it had, every later `push` returns the same
/// error without looking at its input, and [`Decoder::finish`] reports
/// [`Finish::Truncated`]. Create a new decoder to start over.
#[derive(Debug, Clone)]
pub struct Decoder {
    max_len: usize,
    bom: Bom,
    /// The previous chunk ended with CR: an LF starting the next chunk belongs
    /// to that line end (CRLF) and must not end another line.
    after_cr: bool,
    /// Bytes of the current, not yet terminated line. Already scanned.
    line: Vec<u8>,
    data: String,
    event_type: String,
    id_buffer: String,
    last_event_id: String,
    retry: Option<u64>,
    failed: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder with the default limit ([`DEFAULT_MAX_LEN`], 1 MiB).
    pub fn new() -> Self {
        Self::with_max_len(DEFAULT_MAX_LEN)
    }

    /// A decoder whose line and event-data limit is `max_len` bytes.
    ///
    /// A line may be exactly `max_len` bytes long (terminator excluded), and
    /// the data buffer — which holds every `data` value followed by one LF —
    /// may reach exactly `max_len` bytes.
    pub fn with_max_len(max_len: usize) -> Self {
        Decoder {
            max_len,
            bom: Bom::Sniffing(0),
            after_cr: false,
            line: Vec::new(),
            data: String::new(),
            event_type: String::new(),
            id_buffer: String::new(),
            last_event_id: String::new(),
            retry: None,
            failed: false,
        }
    }

    /// The configured limit in bytes.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// The latest reconnection time (milliseconds) set by a valid `retry`
    /// field, if any.
    ///
    /// Values too large for `u64` saturate to `u64::MAX`. An empty value
    /// (`retry:`) is ignored: it denotes no integer.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// The event source's *last event ID string*, as set by the most recent
    /// dispatch step (any blank line, even one that dispatches no event).
    ///
    /// > "Set the last event ID string of the event source to the value of the
    /// > last event ID buffer."
    ///
    /// An `id` field in a block that is never terminated by a blank line does
    /// not change it.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// `true` once [`SseError::TooLarge`] has been returned.
    pub fn is_failed(&self) -> bool {
        self.failed
    }

    /// Feeds the next chunk of the stream and returns the events it completed,
    /// in order.
    ///
    /// On [`SseError::TooLarge`], events completed earlier *in the same chunk*
    /// are dropped with the `Vec`; use [`Decoder::push_into`] to keep them.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Event>, SseError> {
        let mut out = Vec::new();
        self.push_into(bytes, &mut out)?;
        Ok(out)
    }

    /// Like [`Decoder::push`], but appends the completed events to `out`.
    ///
    /// On error, `out` still holds every event completed before the limit was
    /// exceeded, so nothing that was fully received is lost.
    pub fn push_into(&mut self, mut bytes: &[u8], out: &mut Vec<Event>) -> Result<(), SseError> {
        if self.failed {
            return Err(self.too_large());
        }
        if let Bom::Sniffing(seen) = self.bom {
            // > "One leading U+FEFF BYTE ORDER MARK character must be ignored
            // > if any are present." (the UTF-8 decode algorithm strips it)
            let mut seen = usize::from(seen);
            while let Some((&b, rest)) = bytes.split_first() {
                if b != BOM[seen] {
                    // Not a BOM: the withheld bytes are ordinary content (none
                    // of them is CR or LF, so they start the first line).
                    self.bom = Bom::Done;
                    let result = self.feed(&BOM[..seen], out);
                    self.fail_on_err(result)?;
                    break;
                }
                bytes = rest;
                seen += 1;
                if seen == BOM.len() {
                    self.bom = Bom::Done;
                    break;
                }
            }
            if let Bom::Sniffing(_) = self.bom {
                // All of `bytes` was a BOM prefix; `seen` < 3 fits in u8.
                self.bom = Bom::Sniffing(seen as u8);
                return Ok(());
            }
        }
        let result = self.feed(bytes, out);
        self.fail_on_err(result)
    }

    /// Ends the stream: discards any pending partial line and incomplete
    /// event, and reports whether something was discarded.
    ///
    /// A CR as the very last byte already ended its line (its fields were
    /// processed when it arrived); only a blank line dispatches, so an event
    /// whose block ends with a single line end is still incomplete here.
    pub fn finish(self) -> Finish {
        let pending_line = match self.bom {
            Bom::Sniffing(seen) => seen > 0,
            Bom::Done => !self.line.is_empty(),
        };
        if self.failed || pending_line || !self.data.is_empty() {
            Finish::Truncated
        } else {
            Finish::Clean
        }
    }

    fn too_large(&self) -> SseError {
        SseError::TooLarge {
            limit: self.max_len,
        }
    }

    fn fail_on_err(&mut self, result: Result<(), SseError>) -> Result<(), SseError> {
        if result.is_err() {
            self.failed = true;
            self.line = Vec::new();
            self.data = String::new();
        }
        result
    }

    /// Splits `bytes` into lines.
    ///
    /// > "The stream must then be parsed by reading everything line by line,
    /// > with a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair,
    /// > a single U+000A LINE FEED (LF) character not preceded by a U+000D
    /// > CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN
    /// > (CR) character not followed by a U+000A LINE FEED (LF) character
    /// > being the ways in which a line can end."
    fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<Event>) -> Result<(), SseError> {
        if self.after_cr {
            match bytes.split_first() {
                None => return Ok(()),
                Some((&b'\n', rest)) => {
                    self.after_cr = false;
                    bytes = rest;
                }
                Some(_) => self.after_cr = false,
            }
        }
        while let Some(end) = memchr2(b'\r', b'\n', bytes) {
            let rest = &bytes[end + 1..];
            if self.line.is_empty() {
                // Fast path: the whole line is inside this chunk, no copy.
                if end > self.max_len {
                    return Err(self.too_large());
                }
                self.process_line(&bytes[..end], out)?;
            } else {
                if self.line.len() + end > self.max_len {
                    return Err(self.too_large());
                }
                self.line.extend_from_slice(&bytes[..end]);
                let line = mem::take(&mut self.line);
                let result = self.process_line(&line, out);
                self.line = line;
                self.line.clear();
                result?;
            }
            bytes = if bytes[end] == b'\r' {
                match rest.split_first() {
                    Some((&b'\n', after_lf)) => after_lf,
                    Some(_) => rest,
                    None => {
                        self.after_cr = true;
                        rest
                    }
                }
            } else {
                rest
            };
        }
        if !bytes.is_empty() {
            if self.line.len() + bytes.len() > self.max_len {
                return Err(self.too_large());
            }
            self.line.extend_from_slice(bytes);
        }
        Ok(())
    }

    /// Processes one complete line (terminator excluded).
    ///
    /// > "If the line is empty (a blank line): Dispatch the event."
    /// >
    /// > "If the line starts with a U+003A COLON character (:): Ignore the
    /// > line."
    /// >
    /// > "If the line contains a U+003A COLON character (:): Collect the
    /// > characters on the line before the first U+003A COLON character (:),
    /// > and let field be that string. Collect the characters on the line
    /// > after the first U+003A COLON character (:), and let value be that
    /// > string. If value starts with a U+0020 SPACE character, remove it from
    /// > value. Process the field using the steps described below, using field
    /// > as the field name and value as the field value."
    /// >
    /// > "Otherwise, the string is not empty but does not contain a U+003A
    /// > COLON character (:): Process the field using the steps described
    /// > below, using the whole line as the field name, and the empty string
    /// > as the field value."
    ///
    /// Working on bytes is equivalent to working on the decoded characters:
    /// `:` and space are ASCII, which UTF-8 decoding maps one-to-one, and
    /// splitting at an ASCII byte never changes how the pieces decode.
    fn process_line(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), SseError> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        let (field, value) = match memchr(b':', line) {
            Some(0) => return Ok(()),
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        self.process_field(field, value)
    }

    /// > "The steps to process the field given a field name and a field value
    /// > depend on the field name, as given in the following list. Field names
    /// > must be compared literally, with no case folding performed."
    fn process_field(&mut self, field: &[u8], value: &[u8]) -> Result<(), SseError> {
        match field {
            // > "Set the event type buffer to field value."
            b"event" => {
                self.event_type.clear();
                push_lossy(&mut self.event_type, value);
            }
            // > "Append the field value to the data buffer, then append a
            // > single U+000A LINE FEED (LF) character to the data buffer."
            b"data" => {
                // Decoding never shrinks the input (each invalid subpart of
                // 1-3 bytes becomes the 3-byte U+FFFD), so this rejects most
                // oversized values before copying anything.
                if self.data.len() + value.len() + 1 > self.max_len {
                    return Err(self.too_large());
                }
                let before = self.data.len();
                push_lossy(&mut self.data, value);
                self.data.push('\n');
                if self.data.len() > self.max_len {
                    self.data.truncate(before);
                    return Err(self.too_large());
                }
            }
            // > "If the field value does not contain U+0000 NULL, then set the
            // > last event ID buffer to the field value. Otherwise, ignore the
            // > field."
            b"id" if memchr(0, value).is_none() => {
                self.id_buffer.clear();
                push_lossy(&mut self.id_buffer, value);
            }
            // > "If the field value consists of only ASCII digits, then
            // > interpret the field value as an integer in base ten, and set
            // > the event stream's reconnection time to that integer.
            // > Otherwise, ignore the field."
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                let ms = value.iter().fold(0u64, |acc, &d| {
                    acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                });
                self.retry = Some(ms);
            }
            // > "Otherwise: The field is ignored." (Also reached by an `id`
            // > with NUL and a `retry` that is not all digits.)
            _ => {}
        }
        Ok(())
    }

    /// > "1. Set the last event ID string of the event source to the value of
    /// > the last event ID buffer. The buffer does not get reset, so the last
    /// > event ID string of the event source remains set to this value until
    /// > the next time it is set by the server.
    /// > 2. If the data buffer is an empty string, set the data buffer and the
    /// > event type buffer to the empty string and return.
    /// > 3. If the data buffer's last character is a U+000A LINE FEED (LF)
    /// > character, then remove the last character from the data buffer.
    /// > [...]
    /// > 5. Initialize event's type attribute to "message", its data attribute
    /// > to data, [...] and its lastEventId attribute to the last event ID
    /// > string of the event source.
    /// > 6. If the event type buffer has a value other than the empty string,
    /// > change the type of the newly created event to equal the value of the
    /// > event type buffer.
    /// > 7. Set the data buffer and the event type buffer to the empty string."
    fn dispatch(&mut self, out: &mut Vec<Event>) {
        if self.last_event_id != self.id_buffer {
            self.last_event_id.clone_from(&self.id_buffer);
        }
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        let data = self.data.strip_suffix('\n').unwrap_or(&self.data);
        let event = if self.event_type.is_empty() {
            String::from("message")
        } else {
            self.event_type.clone()
        };
        out.push(Event {
            event,
            data: data.to_owned(),
            id: self.last_event_id.clone(),
        });
        self.data.clear();
        self.event_type.clear();
    }
}

/// Appends `bytes` decoded as UTF-8, replacing each maximal invalid subpart
/// with U+FFFD (the WHATWG "UTF-8 decode" / `from_utf8_lossy` behaviour),
/// without allocating.
fn push_lossy(buf: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => buf.push_str(s),
        Err(_) => {
            for chunk in bytes.utf8_chunks() {
                buf.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    buf.push(char::REPLACEMENT_CHARACTER);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> (Vec<Event>, Decoder) {
        let mut d = Decoder::new();
        let ev = d.push(input).unwrap();
        (ev, d)
    }

    fn ev(event: &str, data: &str, id: &str) -> Event {
        Event {
            event: event.into(),
            data: data.into(),
            id: id.into(),
        }
    }

    #[test]
    fn push_lossy_matches_from_utf8_lossy() {
        for input in [
            &b"plain"[..],
            b"\xff",
            b"a\xe2\x82",
            b"\xed\xa0\x80x",
            b"\xf0\x9f\x98\x80\xf0\x9f",
        ] {
            let mut s = String::new();
            push_lossy(&mut s, input);
            assert_eq!(s, String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn partial_bom_then_other_bytes_is_content() {
        let mut d = Decoder::new();
        assert!(d.push(b"\xef\xbb").unwrap().is_empty());
        let events = d.push(b"data: x\n\n").unwrap();
        // "EF BB d" is not a field name "data": the line is an unknown field.
        assert!(events.is_empty());
        let (events, _) = all(b"\xefdata: x\n\n");
        assert!(events.is_empty());
    }

    #[test]
    fn bom_only_stream_is_clean() {
        let (events, d) = all(b"\xef\xbb\xbf");
        assert!(events.is_empty());
        assert_eq!(d.finish(), Finish::Clean);
        let (_, d) = all(b"\xef\xbb");
        assert_eq!(d.finish(), Finish::Truncated);
    }

    #[test]
    fn consecutive_events_do_not_leak_data() {
        let (events, _) = all(b"data: a\n\ndata: b\n\n");
        assert_eq!(events, [ev("message", "a", ""), ev("message", "b", "")]);
    }
}

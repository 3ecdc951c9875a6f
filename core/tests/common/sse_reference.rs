//! A slow, literal transcription of the WHATWG algorithms, used as the
//! oracle for the SSE decoder by `tests/sse_props.rs` and by the fuzz target
//! `fuzz/fuzz_targets/sse_decoder.rs` (both include this file with `#[path]`).
//!
//! It decodes the whole stream to a `String` first, splits it into lines by
//! characters, and parses each line with `str` operations, exactly as the
//! specification's prose reads; nothing is shared with the real decoder.

#![allow(dead_code)]

use tinychat_core::sse::Event;

/// Everything observable after feeding a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Dispatched events, in order.
    pub events: Vec<Event>,
    /// Last event ID string after the last dispatch.
    pub last_event_id: String,
    /// Reconnection time.
    pub retry: Option<u64>,
    /// An incomplete event or partial line was discarded at the end.
    pub truncated: bool,
}

/// The WHATWG Encoding Standard "UTF-8 decode" (BOM sniff + UTF-8 decoder
/// with replacement), transcribed step by step.
pub fn whatwg_utf8_decode(mut bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes = &bytes[3..];
    }
    whatwg_utf8_decoder(bytes)
}

pub fn whatwg_utf8_decoder(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut code_point, mut needed, mut seen) = (0u32, 0u32, 0u32);
    let (mut lower, mut upper) = (0x80u8, 0xBFu8);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if needed == 0 {
            match byte {
                0x00..=0x7F => out.push(char::from(byte)),
                0xC2..=0xDF => {
                    needed = 1;
                    code_point = u32::from(byte & 0x1F);
                }
                0xE0..=0xEF => {
                    if byte == 0xE0 {
                        lower = 0xA0;
                    }
                    if byte == 0xED {
                        upper = 0x9F;
                    }
                    needed = 2;
                    code_point = u32::from(byte & 0xF);
                }
                0xF0..=0xF4 => {
                    if byte == 0xF0 {
                        lower = 0x90;
                    }
                    if byte == 0xF4 {
                        upper = 0x8F;
                    }
                    needed = 3;
                    code_point = u32::from(byte & 0x7);
                }
                _ => out.push('\u{FFFD}'),
            }
            i += 1;
            continue;
        }
        if !(lower..=upper).contains(&byte) {
            // "set UTF-8 code point, UTF-8 bytes needed, and UTF-8 bytes seen
            // to 0, set UTF-8 lower boundary to 0x80, and set UTF-8 upper
            // boundary to 0xBF. Restore byte to ioQueue. Return error."
            code_point = 0;
            needed = 0;
            seen = 0;
            lower = 0x80;
            upper = 0xBF;
            out.push('\u{FFFD}');
            continue;
        }
        lower = 0x80;
        upper = 0xBF;
        code_point = (code_point << 6) | u32::from(byte & 0x3F);
        seen += 1;
        i += 1;
        if seen == needed {
            out.push(char::from_u32(code_point).expect("valid scalar"));
            code_point = 0;
            needed = 0;
            seen = 0;
        }
    }
    if needed != 0 {
        out.push('\u{FFFD}');
    }
    out
}

/// Everything a decoder would report after the whole of `bytes`.
pub fn reference(bytes: &[u8]) -> Outcome {
    let text = whatwg_utf8_decode(bytes);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                lines.push(std::mem::take(&mut current));
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' => lines.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    let (mut data, mut event_type, mut id_buffer) = (String::new(), String::new(), String::new());
    let mut last_event_id = String::new();
    let mut retry = None;
    let mut events = Vec::new();
    for line in lines {
        if line.is_empty() {
            last_event_id = id_buffer.clone();
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            events.push(Event {
                event: if event_type.is_empty() {
                    "message".into()
                } else {
                    event_type.clone()
                },
                data: std::mem::take(&mut data),
                id: last_event_id.clone(),
            });
            event_type.clear();
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        match field {
            "event" => event_type = value.to_owned(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" if !value.contains('\0') => id_buffer = value.to_owned(),
            "retry" if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) => {
                retry = Some(value.parse::<u64>().unwrap_or(u64::MAX));
            }
            _ => {}
        }
    }
    Outcome {
        events,
        last_event_id,
        retry,
        truncated: !current.is_empty() || !data.is_empty(),
    }
}

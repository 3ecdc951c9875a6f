//! wasm-bindgen bindings of [`tinychat_core::sse::Decoder`] for the Node
//! benchmark `bench/sse-bench.mjs`.
//!
//! Three bindings of the *same* decoder, from the most idiomatic to the
//! cheapest to cross the JS/wasm boundary. They differ only in how bytes get
//! in and how each event's `data` gets out as a JS string:
//!
//! * [`ObjectDecoder`] — `push(Uint8Array) -> JsEvent[]`: wasm-bindgen copies
//!   the chunk in (malloc + copy + free per push) and returns one wasm-owned
//!   `JsEvent` object per event; JS reads `ev.data` (a getter that clones the
//!   `String` and decodes it into a JS string) and frees the object.
//! * [`StringDecoder`] — `push(Uint8Array) -> string`: the same input glue,
//!   but all events completed by the push come back as *one* string, each
//!   event's data followed by `"\r"` (see [`SEPARATOR`]); JS slices it.
//! * [`SharedDecoder`] — JS copies the chunk straight into a long-lived input
//!   buffer in wasm memory and calls `push(len) -> i32`, one integer in, one
//!   integer out. When events completed, JS decodes the output buffer (all
//!   data, each followed by `"\r"`) from wasm memory with one `TextDecoder`
//!   call and slices it. No allocation or extra call per push in the common
//!   case of a chunk that completes no event.
//!
//! All three expose only each event's `data`: the benchmark stream never sets
//! `event:` or `id:`, and eventsource-parser then reports `event` and `id` as
//! `undefined`, creating no strings for them either.

use tinychat_core::sse::{Decoder, Event};
use wasm_bindgen::prelude::*;

/// Terminates each event's data in the concatenated outputs. A data value
/// never contains CR: the decoder splits lines on CR and LF and joins `data`
/// lines with LF, so `"\r"` is unambiguous.
pub const SEPARATOR: u8 = b'\r';

/// The instance's linear memory, so that JS can view [`SharedDecoder`]'s
/// buffers (`new Uint8Array(wasm_memory().buffer)`, re-created after growth).
/// (Not `memory`: that name is taken by the module's own memory export.)
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Appends each event's data, followed by [`SEPARATOR`], to `out`.
fn concat_data(events: &mut Vec<Event>, out: &mut Vec<u8>) {
    for ev in events.drain(..) {
        out.extend_from_slice(ev.data.as_bytes());
        out.push(SEPARATOR);
    }
}

/// One dispatched event, as a wasm-owned object with cloning getters.
#[wasm_bindgen(getter_with_clone)]
pub struct JsEvent {
    /// Event type (`"message"` by default).
    pub event: String,
    /// Event data.
    pub data: String,
    /// Last event ID.
    pub id: String,
}

/// Idiomatic binding: returns the events as wasm-owned objects.
#[wasm_bindgen]
pub struct ObjectDecoder {
    dec: Decoder,
}

#[wasm_bindgen]
impl ObjectDecoder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ObjectDecoder {
        ObjectDecoder {
            dec: Decoder::new(),
        }
    }

    /// Feeds one chunk and returns the events it completed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<JsEvent>, JsError> {
        let events = self.dec.push(bytes)?;
        Ok(events
            .into_iter()
            .map(|e| JsEvent {
                event: e.event,
                data: e.data,
                id: e.id,
            })
            .collect())
    }

    /// `true` if the stream ended mid-event.
    pub fn finish(self) -> bool {
        self.dec.finish().is_truncated()
    }
}

/// Returns all events of one push as a single string.
#[wasm_bindgen]
pub struct StringDecoder {
    dec: Decoder,
    events: Vec<Event>,
}

#[wasm_bindgen]
impl StringDecoder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> StringDecoder {
        StringDecoder {
            dec: Decoder::new(),
            events: Vec::new(),
        }
    }

    /// Feeds one chunk; returns the data of every event it completed, each
    /// followed by `"\r"` (`""` when none completed).
    pub fn push(&mut self, bytes: &[u8]) -> Result<String, JsError> {
        self.dec.push_into(bytes, &mut self.events)?;
        let mut out = String::new();
        for ev in self.events.drain(..) {
            out.push_str(&ev.data);
            out.push(char::from(SEPARATOR));
        }
        Ok(out)
    }

    /// `true` if the stream ended mid-event.
    pub fn finish(self) -> bool {
        self.dec.finish().is_truncated()
    }
}

/// Binding with buffers shared with JS: integers cross the boundary, bytes
/// are read and written by JS directly in wasm memory.
///
/// Protocol per chunk of `len` bytes:
/// 1. if `len` exceeds the capacity JS last obtained, call
///    [`SharedDecoder::input_ptr`]`(len)` for a new pointer (it may grow
///    memory, detaching JS views);
/// 2. copy the chunk to that pointer; call [`SharedDecoder::push`]`(len)`;
/// 3. a result `n > 0` means the `n` bytes at [`SharedDecoder::output_ptr`]
///    are the completed events' data, each followed by `"\r"`; `n == 0`, that
///    no event completed; `n < 0`, that the decoder failed (a line or an
///    event's data exceeded the limit) after emitting `-n - 1` bytes there.
#[wasm_bindgen]
pub struct SharedDecoder {
    dec: Decoder,
    input: Vec<u8>,
    events: Vec<Event>,
    out: Vec<u8>,
}

#[wasm_bindgen]
impl SharedDecoder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SharedDecoder {
        SharedDecoder {
            dec: Decoder::new(),
            input: Vec::new(),
            events: Vec::new(),
            out: Vec::new(),
        }
    }

    /// Makes the input buffer hold at least `len` bytes and returns its
    /// address. The address stays valid until the next call with a larger
    /// `len`.
    pub fn input_ptr(&mut self, len: usize) -> *mut u8 {
        if self.input.len() < len {
            self.input.resize(len, 0);
        }
        self.input.as_mut_ptr()
    }

    /// Decodes the first `len` bytes of the input buffer; returns the output
    /// length in bytes (0 if no event completed), or `-(length) - 1` if the
    /// decoder failed.
    ///
    /// `len` must not exceed the size last passed to
    /// [`SharedDecoder::input_ptr`] (else the module traps).
    pub fn push(&mut self, len: usize) -> i32 {
        let result = self.dec.push_into(&self.input[..len], &mut self.events);
        let n = if self.events.is_empty() {
            // The common case for small chunks: no output to prepare.
            0
        } else {
            self.out.clear();
            concat_data(&mut self.events, &mut self.out);
            self.out.len() as i32
        };
        if result.is_ok() {
            n
        } else {
            -n - 1
        }
    }

    /// Address of the last push's output.
    pub fn output_ptr(&self) -> *const u8 {
        self.out.as_ptr()
    }

    /// `true` if the stream ended mid-event.
    pub fn finish(self) -> bool {
        self.dec.finish().is_truncated()
    }
}

impl Default for ObjectDecoder {
    fn default() -> Self {
        Self::new()
    }
}
impl Default for StringDecoder {
    fn default() -> Self {
        Self::new()
    }
}
impl Default for SharedDecoder {
    fn default() -> Self {
        Self::new()
    }
}

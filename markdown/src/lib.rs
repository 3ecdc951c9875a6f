//! TinyChat's Markdown module, `tinychat_markdown.wasm`: the Markdown parser (pulldown-cmark)
//! and the code highlighter, in a wasm of their own.
//!
//! The widget does not need them for its first reply: a reply shows as plain text until this
//! module is running, then as Markdown. So they are not in the widget's wasm, which every
//! visitor downloads before the chat can answer; the widget fetches this module once it runs.
//!
//! The module has no imports and shares no memory with the widget. The widget copies its input
//! into this module's memory (a buffer from [`tc_alloc`], which the call then owns and frees),
//! and copies the output out of it ([`tc_out_len`] bytes from the returned pointer, valid until
//! the next call), in the byte format of `tinychat_core::markdown::wire`.

use std::cell::RefCell;

use tinychat_core::highlight::highlight;
use tinychat_core::markdown::wire::{encode_tokens, encode_update};
use tinychat_core::markdown::StreamingMarkdown;

thread_local! {
    /// The last call's output.
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// One delta of a streaming reply: `finish` also ends it (see `StreamingMarkdown`). The encoded
/// `StreamUpdate` is appended to `out`; text that is not UTF-8 is replaced, not refused.
pub fn push(markdown: &mut StreamingMarkdown, delta: &[u8], finish: bool, out: &mut Vec<u8>) {
    let mut update = markdown.push(&String::from_utf8_lossy(delta));
    if finish {
        let last = markdown.finish();
        update.frozen.extend(last.frozen);
        update.tail = last.tail;
    }
    encode_update(&update, out);
}

/// The highlight tokens of `code` in language `lang`, encoded and appended to `out` (none when
/// the language is not known).
pub fn highlight_code(lang: &str, code: &str, out: &mut Vec<u8>) {
    encode_tokens(&highlight(lang, code).unwrap_or_default(), out);
}

fn output(fill: impl FnOnce(&mut Vec<u8>)) -> *const u8 {
    OUT.with_borrow_mut(|out| {
        out.clear();
        fill(out);
        out.as_ptr()
    })
}

/// Takes back a buffer made by [`tc_alloc`].
///
/// # Safety
/// `ptr` and `len` must be a buffer from [`tc_alloc`], not yet taken back.
unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
    // SAFETY: the caller passes back exactly what `tc_alloc` leaked.
    unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) }
}

/// The version of `tinychat_core::markdown::wire` this module speaks.
#[no_mangle]
pub extern "C" fn tc_wire_version() -> u32 {
    tinychat_core::markdown::wire::VERSION
}

/// A buffer of `len` bytes for the next call's input.
#[no_mangle]
pub extern "C" fn tc_alloc(len: usize) -> *mut u8 {
    Box::into_raw(vec![0u8; len].into_boxed_slice()).cast()
}

/// Length of the last call's output.
#[no_mangle]
pub extern "C" fn tc_out_len() -> usize {
    OUT.with_borrow(Vec::len)
}

/// A new streaming reply; free it with [`tc_stream_free`].
#[no_mangle]
pub extern "C" fn tc_stream_new() -> *mut StreamingMarkdown {
    Box::into_raw(Box::default())
}

/// Frees a streaming reply.
///
/// # Safety
/// `stream` must come from [`tc_stream_new`] and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn tc_stream_free(stream: *mut StreamingMarkdown) {
    // SAFETY: per the contract above.
    drop(unsafe { Box::from_raw(stream) });
}

/// Appends the delta in `ptr`/`len` (a [`tc_alloc`] buffer, taken) to `stream`, and ends it if
/// `finish` is not 0. Returns the encoded update.
///
/// # Safety
/// `stream` must be live (from [`tc_stream_new`]); `ptr`/`len` as for [`take`].
#[no_mangle]
pub unsafe extern "C" fn tc_stream_push(
    stream: *mut StreamingMarkdown,
    ptr: *mut u8,
    len: usize,
    finish: u32,
) -> *const u8 {
    // SAFETY: per the contract above.
    let (markdown, delta) = unsafe { (&mut *stream, take(ptr, len)) };
    output(|out| push(markdown, &delta, finish != 0, out))
}

/// Highlights code: the buffer `ptr`/`len` (taken) holds the language's `lang_len` bytes, then
/// the code. Returns the encoded tokens.
///
/// # Safety
/// `ptr`/`len` as for [`take`].
#[no_mangle]
pub unsafe extern "C" fn tc_highlight(ptr: *mut u8, len: usize, lang_len: usize) -> *const u8 {
    // SAFETY: per the contract above.
    let input = unsafe { take(ptr, len) };
    output(|out| {
        let text = input.split_at_checked(lang_len).and_then(|(lang, code)| {
            Some((
                std::str::from_utf8(lang).ok()?,
                std::str::from_utf8(code).ok()?,
            ))
        });
        match text {
            Some((lang, code)) => highlight_code(lang, code, out),
            None => encode_tokens(&[], out),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tinychat_core::markdown::wire::{decode_tokens, decode_update};
    use tinychat_core::markdown::{render, Node};

    /// Calls the exports as the widget does: input copied into a `tc_alloc` buffer, output
    /// read from the returned pointer.
    fn stream_through_exports(deltas: &[&str]) -> Vec<Node> {
        let stream = tc_stream_new();
        let mut nodes = Vec::new();
        for (i, delta) in deltas.iter().enumerate() {
            let ptr = tc_alloc(delta.len());
            // SAFETY: `ptr` is a fresh buffer of `delta.len()` bytes; the exports are called
            // with what they handed out.
            let out = unsafe {
                std::ptr::copy_nonoverlapping(delta.as_ptr(), ptr, delta.len());
                let finish = u32::from(i + 1 == deltas.len());
                let out = tc_stream_push(stream, ptr, delta.len(), finish);
                std::slice::from_raw_parts(out, tc_out_len()).to_vec()
            };
            let update = decode_update(&out).expect("the module's bytes decode");
            nodes.extend(update.frozen.into_iter().flat_map(|b| b.nodes));
        }
        // SAFETY: made by tc_stream_new above, freed once.
        unsafe { tc_stream_free(stream) };
        nodes
    }

    #[test]
    fn a_streamed_reply_through_the_exports_renders_like_the_whole_text() {
        let text = "# Title\n\nSome *text* and `code`.\n\n- a\n- b\n\n```rust\nfn main() {}\n```\n";
        let deltas: Vec<&str> = text.split_inclusive(' ').collect();
        assert_eq!(stream_through_exports(&deltas), render(text));
    }

    #[test]
    fn markup_in_a_reply_stays_text_across_the_module_boundary() {
        let nodes =
            stream_through_exports(&["<script>alert(1)</script> <img src=x onerror=alert(1)>"]);
        let text: String = nodes.iter().map(Node::text_content).collect();
        assert!(text.contains("<script>alert(1)</script>"));
        assert!(text.contains("onerror=alert(1)"));
    }

    #[test]
    fn highlight_through_the_export() {
        let (lang, code) = ("rust", "fn main() { let x = 1; }");
        let input = [lang.as_bytes(), code.as_bytes()].concat();
        let ptr = tc_alloc(input.len());
        // SAFETY: as in `stream_through_exports`.
        let out = unsafe {
            std::ptr::copy_nonoverlapping(input.as_ptr(), ptr, input.len());
            let out = tc_highlight(ptr, input.len(), lang.len());
            std::slice::from_raw_parts(out, tc_out_len()).to_vec()
        };
        assert_eq!(decode_tokens(&out, code), highlight(lang, code));
        // A language cut inside a character is no language: no tokens, still valid bytes.
        let input = "é".as_bytes();
        let ptr = tc_alloc(input.len());
        // SAFETY: as above.
        let out = unsafe {
            std::ptr::copy_nonoverlapping(input.as_ptr(), ptr, input.len());
            let out = tc_highlight(ptr, input.len(), 1);
            std::slice::from_raw_parts(out, tc_out_len()).to_vec()
        };
        assert_eq!(decode_tokens(&out, ""), Some(Vec::new()));
    }
}

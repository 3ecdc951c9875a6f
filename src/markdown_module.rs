//! The Markdown module, `tinychat_markdown.wasm` (crate `markdown/`): pulldown-cmark and the
//! code highlighter, in a wasm of their own.
//!
//! They are not in the widget's wasm, which every visitor downloads before the chat answers:
//! the widget fetches this module, from beside its own wasm, when the visitor shows intent or a
//! reply is drawn ([`load`]). Until the module is running, and for
//! good if it cannot be fetched, a reply shows as plain text (`.tc-md__plain`); the moment it
//! runs, [`ready`] turns true and every reply on screen is drawn again as Markdown. The widget's
//! code that calls it and builds the nodes is in the extras module ([`crate::extras`], fetched
//! alongside): [`ready`] waits for both.
//!
//! The module shares no memory with the widget: input is copied into its memory, and its
//! output, the bytes of `tinychat_core::markdown::wire`, copied out and decoded, which vets
//! every tag, attribute and link again.
//!
//! With the `inline-markdown` feature (the browser tests), the module's code is linked in and
//! called directly, through the same bytes; [`ready`] is true from the start.

use tinychat_core::highlight::Token;
use tinychat_core::markdown::{wire, StreamUpdate};

use crate::prelude::*;

thread_local! {
    static READY: RwSignal<bool> =
        crate::reactive::unowned(|| RwSignal::new(cfg!(feature = "inline-markdown")));
}

/// Whether replies can be drawn as Markdown now (tracked: an effect that reads it runs again
/// when the module starts, or breaks).
pub fn ready() -> bool {
    READY.with(|r| r.get())
}

/// [`ready`], not tracked.
pub fn ready_untracked() -> bool {
    READY.with(|r| r.get_untracked())
}

thread_local! {
    /// Whether a finished reply may be drawn as plain text while the module is not running:
    /// not in the first moments of its fetch (tracked).
    static PLAIN_ALLOWED: RwSignal<bool> =
        crate::reactive::unowned(|| RwSignal::new(cfg!(feature = "inline-markdown")));
}

/// How long a finished reply (a stored conversation, on page load) waits for the module before
/// it is drawn as plain text: on a fast or cached load the module runs sooner, and the reply
/// appears once, as Markdown, instead of flashing as text first. A streaming reply never waits.
#[cfg(not(feature = "inline-markdown"))]
const PLAIN_AFTER: std::time::Duration = std::time::Duration::from_millis(400);

/// Whether a finished reply may be drawn as plain text now (tracked; see [`PLAIN_AFTER`]).
pub fn plain_allowed() -> bool {
    PLAIN_ALLOWED.with(|p| p.get())
}

#[cfg(not(feature = "inline-markdown"))]
fn allow_plain() {
    PLAIN_ALLOWED.with(|p| {
        if !p.get_untracked() {
            p.set(true);
        }
    });
}

#[cfg(not(feature = "inline-markdown"))]
fn set_ready(value: bool) {
    READY.with(|r| r.set(value));
}

#[cfg(not(feature = "inline-markdown"))]
pub use module::{highlight, load, Stream};

#[cfg(feature = "inline-markdown")]
pub use inline::{highlight, load, Stream};

#[cfg(feature = "inline-markdown")]
mod inline {
    use super::*;
    use tinychat_core::markdown::StreamingMarkdown;

    /// Nothing to fetch: the module's code is linked in.
    pub fn load() {}

    /// A streaming reply.
    pub struct Stream(StreamingMarkdown);

    impl Stream {
        /// A new streaming reply (`None` when the module is not running).
        pub fn new() -> Option<Stream> {
            Some(Stream(StreamingMarkdown::new()))
        }

        /// Appends `delta` (and ends the reply if `finish`): what to change on screen.
        pub fn push(&mut self, delta: &str, finish: bool) -> Option<StreamUpdate> {
            let mut out = Vec::new();
            tinychat_markdown::push(&mut self.0, delta.as_bytes(), finish, &mut out);
            wire::decode_update(&out)
        }
    }

    /// The highlight tokens of `code` in language `lang`.
    pub fn highlight(lang: &str, code: &str) -> Option<Vec<Token>> {
        let mut out = Vec::new();
        tinychat_markdown::highlight_code(lang, code, &mut out);
        wire::decode_tokens(&out, code)
    }
}

#[cfg(not(feature = "inline-markdown"))]
mod module {
    use std::cell::RefCell;

    use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
    use wasm_bindgen::{JsCast, JsValue};

    use super::*;

    /// The module's exports (see `markdown/src/lib.rs`).
    struct Exports {
        memory: WebAssembly::Memory,
        alloc: Function,
        out_len: Function,
        stream_new: Function,
        stream_free: Function,
        stream_push: Function,
        highlight: Function,
    }

    enum State {
        Idle,
        Loading,
        Running(Exports),
        /// A fetch or compile failed (at this `Date.now()`): [`load`] tries again, not sooner
        /// than [`RETRY_AFTER_MS`] later.
        LoadFailed(f64),
        /// A call trapped: the module's memory cannot be trusted, it is not called again.
        Broken,
    }

    thread_local! {
        static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
    }

    /// The module's file, beside the widget's wasm.
    const FILE: &str = "tinychat_markdown.wasm";

    /// Least time between a failed fetch and the next try: every hover or reply must not
    /// ask an unreachable server again.
    const RETRY_AFTER_MS: f64 = 10_000.0;

    /// Fetches and starts the module, unless it runs or is being fetched (or failed less
    /// than [`RETRY_AFTER_MS`] ago).
    pub fn load() {
        let now = js_sys::Date::now();
        let start = STATE.with_borrow_mut(|s| match s {
            State::Idle => true,
            State::LoadFailed(at) => now - *at >= RETRY_AFTER_MS,
            _ => false,
        });
        if !start {
            return;
        }
        STATE.with_borrow_mut(|s| *s = State::Loading);
        set_timeout(allow_plain, PLAIN_AFTER);
        // The code that draws Markdown from the module's output is in the extras module:
        // fetched alongside.
        crate::extras::load();
        let url = format!("{}{FILE}", crate::embed::asset_base());
        spawn_local(async move {
            match instantiate(&url).await {
                Ok(exports) => {
                    STATE.with_borrow_mut(|s| *s = State::Running(exports));
                    // Markdown is drawn once the extras run too; until then, and for good if
                    // they cannot be fetched (until a later use fetches them), replies stay text.
                    crate::extras::then(ready_if_running, |_| {
                        allow_plain();
                        crate::extras::on_load(ready_if_running);
                    });
                }
                Err(_) => {
                    let at = js_sys::Date::now();
                    STATE.with_borrow_mut(|s| *s = State::LoadFailed(at));
                    allow_plain();
                }
            }
        });
    }

    /// Replies are drawn as Markdown from now on, unless the module broke meanwhile.
    fn ready_if_running() {
        if STATE.with_borrow(|s| matches!(s, State::Running(_))) {
            set_ready(true);
        }
    }

    async fn instantiate(url: &str) -> Result<Exports, JsValue> {
        let exports = crate::browser::instantiate_wasm(url, &Object::new()).await?;
        let get = |name: &str| -> Result<JsValue, JsValue> { Reflect::get(&exports, &name.into()) };
        let function = |name: &str| -> Result<Function, JsValue> { get(name)?.dyn_into() };
        Ok(Exports {
            memory: get("memory")?.dyn_into()?,
            alloc: function("tc_alloc")?,
            out_len: function("tc_out_len")?,
            stream_new: function("tc_stream_new")?,
            stream_free: function("tc_stream_free")?,
            stream_push: function("tc_stream_push")?,
            highlight: function("tc_highlight")?,
        })
        .and_then(|exports| {
            // A module of another build (a deploy between the widget's start and this fetch)
            // may speak other bytes: it is not used, and replies stay plain text.
            let version = address(function("tc_wire_version")?.call0(&JsValue::NULL)?)?;
            if version == wire::VERSION {
                Ok(exports)
            } else {
                Err(JsValue::NULL)
            }
        })
    }

    /// A wasm `i32` as the address it is.
    fn address(value: JsValue) -> Result<u32, JsValue> {
        let n = value.as_f64().ok_or(JsValue::NULL)?;
        Ok(n as i32 as u32)
    }

    impl Exports {
        /// A view of `len` bytes at `ptr` of the module's memory, checked to lie inside it (a
        /// view past its end would throw where nothing catches it).
        fn view(&self, ptr: u32, len: u32) -> Result<Uint8Array, JsValue> {
            let buffer = self.memory.buffer();
            let size = buffer
                .dyn_ref::<js_sys::ArrayBuffer>()
                .map_or(0, js_sys::ArrayBuffer::byte_length);
            match ptr.checked_add(len) {
                Some(end) if end <= size => Ok(Uint8Array::new_with_byte_offset_and_length(
                    &buffer, ptr, len,
                )),
                _ => Err(JsValue::NULL),
            }
        }

        /// Copies `bytes` into a buffer of the module's (which the next call takes).
        fn copy_in(&self, bytes: &[u8]) -> Result<u32, JsValue> {
            let len = bytes.len() as u32;
            let ptr = address(self.alloc.call1(&JsValue::NULL, &len.into())?)?;
            self.view(ptr, len)?.copy_from(bytes);
            Ok(ptr)
        }

        /// The last call's output, which starts at `ptr`.
        fn copy_out(&self, ptr: u32) -> Result<Vec<u8>, JsValue> {
            let len = address(self.out_len.call0(&JsValue::NULL)?)?;
            Ok(self.view(ptr, len)?.to_vec())
        }
    }

    /// Runs `f` on the running module's exports. A call that throws (a trap) or answers
    /// what is not there breaks the module for good: replies fall back to plain text.
    fn call<T>(f: impl FnOnce(&Exports) -> Result<T, JsValue>) -> Option<T> {
        let result = STATE.with_borrow(|s| match s {
            State::Running(exports) => Some(f(exports)),
            _ => None,
        })?;
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                broken();
                None
            }
        }
    }

    /// The module cannot be trusted any more: never called again, every reply drawn as text.
    fn broken() {
        STATE.with_borrow_mut(|s| *s = State::Broken);
        allow_plain();
        set_ready(false);
    }

    /// A streaming reply, held by the module.
    pub struct Stream(u32);

    impl Stream {
        /// A new streaming reply (`None` when the module is not running).
        pub fn new() -> Option<Stream> {
            call(|ex| address(ex.stream_new.call0(&JsValue::NULL)?)).map(Stream)
        }

        /// Appends `delta` (and ends the reply if `finish`): what to change on screen.
        pub fn push(&mut self, delta: &str, finish: bool) -> Option<StreamUpdate> {
            let bytes = call(|ex| {
                let ptr = ex.copy_in(delta.as_bytes())?;
                let args = [self.0, ptr, delta.len() as u32, u32::from(finish)];
                let args = js_sys::Array::from_iter(args.map(JsValue::from));
                let out = address(ex.stream_push.apply(&JsValue::NULL, &args)?)?;
                ex.copy_out(out)
            })?;
            let update = wire::decode_update(&bytes);
            if update.is_none() {
                broken(); // bytes the widget cannot read: a module of another build
            }
            update
        }
    }

    impl Drop for Stream {
        fn drop(&mut self) {
            let handle = self.0;
            call(|ex| ex.stream_free.call1(&JsValue::NULL, &handle.into()));
        }
    }

    /// The highlight tokens of `code` in language `lang`.
    pub fn highlight(lang: &str, code: &str) -> Option<Vec<Token>> {
        let bytes = call(|ex| {
            let input = [lang.as_bytes(), code.as_bytes()].concat();
            let ptr = ex.copy_in(&input)?;
            let out = address(ex.highlight.call3(
                &JsValue::NULL,
                &ptr.into(),
                &(input.len() as u32).into(),
                &(lang.len() as u32).into(),
            )?)?;
            ex.copy_out(out)
        })?;
        wire::decode_tokens(&bytes, code)
    }
}

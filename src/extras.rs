//! `tinychat_extras.wasm`: the code of the parts of the widget a visitor seldom uses, cut out of
//! the widget's wasm at build time (`scripts/split.mjs`, with binaryen's wasm-split): the
//! Settings dialog, the conversation list, export, import and attaching images.
//!
//! Every visitor downloads the widget's wasm before the chat answers; these parts wait until
//! the visitor shows intent ([`load`], with the Markdown module) or uses one of them ([`then`]).
//! The extras module shares the widget's memory, table and globals: once instantiated, its
//! functions fill their slots in the widget's table, and calls into them just work.
//!
//! The rule that keeps this safe: code in the modules `scripts/split.mjs` moves (`SPLIT`) is
//! entered only through [`then`], which runs it once the module is there. A call that misses
//! that rule still works (the glue loads the module at once, synchronously) but reports it with
//! `console.error`, which fails the end-to-end tests.
//!
//! A build that was not cut in two (the browser tests, a debug build) has everything in one
//! wasm: [`then`] runs its function at once.

use std::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::prelude::*;

/// The module's file, beside the widget's wasm.
const FILE: &str = "tinychat_extras.wasm";

/// Least time between a failed fetch and the next one that intent starts (a click on one of the
/// parts always tries again).
const RETRY_AFTER_MS: f64 = 10_000.0;

type Waiting = Vec<Box<dyn FnOnce(bool)>>;

enum State {
    Idle,
    /// Being fetched; these run when it is there (`true`) or could not be (`false`).
    Loading(Waiting),
    Running,
    /// The fetch or the instantiation failed at this `Date.now()`.
    Failed(f64),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
}

/// Whether this wasm was cut in two: the extras then import functions it exports as `%…`.
fn split() -> bool {
    Object::keys(wasm_bindgen::exports().unchecked_ref::<Object>())
        .iter()
        .any(|key| key.as_string().is_some_and(|k| k.starts_with('%')))
}

/// Runs `f` once the extras module runs: at once when it does (or when this build has none),
/// else when it has been fetched; runs `failed` instead if it cannot be.
pub fn then(f: impl FnOnce() + 'static, failed: impl FnOnce() + 'static) {
    let job: Box<dyn FnOnce(bool)> = Box::new(move |ok| if ok { f() } else { failed() });
    if let Some(job) = enqueue(job, true) {
        job(true);
    }
}

/// Starts fetching the extras module (the visitor shows intent), unless it runs, is being
/// fetched, or failed less than [`RETRY_AFTER_MS`] ago.
pub fn load() {
    let _ = enqueue(Box::new(|_| {}), false);
}

/// Queues `job` for the module, starting its fetch if needed; hands `job` back when the module
/// already runs.
fn enqueue(job: Box<dyn FnOnce(bool)>, retry_now: bool) -> Option<Box<dyn FnOnce(bool)>> {
    let now = js_sys::Date::now();
    let (job, start) = STATE.with_borrow_mut(|state| match state {
        State::Running => (Some(job), false),
        State::Loading(waiting) => {
            waiting.push(job);
            (None, false)
        }
        State::Idle if !split() => {
            *state = State::Running;
            (Some(job), false)
        }
        State::Failed(at) if !retry_now && now - *at < RETRY_AFTER_MS => (None, false),
        State::Idle | State::Failed(_) => {
            *state = State::Loading(vec![job]);
            (None, true)
        }
    });
    if start {
        spawn_local(async {
            let ok = instantiate().await.is_ok();
            let next = if ok {
                State::Running
            } else {
                State::Failed(js_sys::Date::now())
            };
            let waiting = STATE.with_borrow_mut(|state| match std::mem::replace(state, next) {
                State::Loading(waiting) => waiting,
                _ => Vec::new(),
            });
            for job in waiting {
                job(ok);
            }
        });
    }
    job
}

/// Fetches and instantiates the module, which imports the widget's exports as `p`.
async fn instantiate() -> Result<(), JsValue> {
    let imports = Object::new();
    Reflect::set(&imports, &"p".into(), &wasm_bindgen::exports())?;
    let url = format!("{}{FILE}", crate::embed::asset_base());
    crate::browser::instantiate_wasm(&url, &imports)
        .await
        .map(drop)
}

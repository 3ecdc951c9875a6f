//! `tinychat_extras.wasm`: the code of the parts of the widget a visitor seldom uses, cut out of
//! the widget's wasm at build time (`scripts/split.mjs`, with binaryen's wasm-split): the
//! Settings dialog, the conversation list, export, import, attaching images, and fetching the
//! model list (which waits for them: [`on_load`]).
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

/// Why the module is not running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// It could not be fetched or compiled (no network, a server error, a timeout): a later
    /// use tries again.
    Unreachable,
    /// It belongs to another build (the site was updated since this page loaded): it cannot
    /// link to this one, and only a reload helps.
    Outdated,
}

type Job = Box<dyn FnOnce(Result<(), Failure>)>;

enum State {
    Idle,
    /// Being fetched; these run when it is there (`Ok`) or could not be.
    Loading(Vec<Job>),
    Running,
    /// The fetch or the instantiation failed at this `Date.now()`.
    Failed(f64, Failure),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
    /// What runs once the module runs, whenever that is ([`on_load`]).
    static ON_LOAD: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
}

/// Whether this wasm was cut in two: the extras then import functions it exports as `%…`.
fn split() -> bool {
    Object::keys(wasm_bindgen::exports().unchecked_ref::<Object>())
        .iter()
        .any(|key| key.as_string().is_some_and(|k| k.starts_with('%')))
}

/// Whether the module runs; in a build that was not cut in two, it does from the start.
fn runs(state: &mut State) -> bool {
    if matches!(state, State::Idle) && !split() {
        *state = State::Running;
    }
    matches!(state, State::Running)
}

/// Runs `f` once the extras module runs: at once when it does (or when this build has none),
/// else when it has been fetched; runs `failed` instead if it cannot be.
pub fn then(f: impl FnOnce() + 'static, failed: impl FnOnce(Failure) + 'static) {
    let job: Job = Box::new(move |result| match result {
        Ok(()) => f(),
        Err(failure) => failed(failure),
    });
    match enqueue(Some(job), true) {
        Ok(Some(job)) => job(Ok(())),
        Err((Some(job), failure)) => job(Err(failure)),
        _ => {}
    }
}

/// Waits until the extras module runs (fetching it if need be): false if it cannot.
pub async fn ready() -> bool {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let fail = resolve.clone();
        then(
            move || drop(resolve.call1(&JsValue::NULL, &JsValue::TRUE)),
            move |_| drop(fail.call1(&JsValue::NULL, &JsValue::FALSE)),
        );
    });
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .is_ok_and(|v| v.is_truthy())
}

/// Runs `f` once the extras module runs: at once when it does, else when intent or a use has
/// fetched it (this does not fetch it).
pub fn on_load(f: impl FnOnce() + 'static) {
    if STATE.with_borrow_mut(runs) {
        f();
    } else {
        ON_LOAD.with_borrow_mut(|later| later.push(Box::new(f)));
    }
}

/// Starts fetching the extras module (the visitor shows intent), unless it runs, is being
/// fetched, or failed less than [`RETRY_AFTER_MS`] ago.
pub fn load() {
    let _ = enqueue(None, false);
}

/// Queues `job` (if any) for the module, starting its fetch if needed; hands it back when the
/// module already runs (`Ok`), or when it cannot (`Err`: another build's, which no fetch mends).
fn enqueue(job: Option<Job>, retry_now: bool) -> Result<Option<Job>, (Option<Job>, Failure)> {
    let now = js_sys::Date::now();
    let (job, start) = STATE.with_borrow_mut(|state| {
        if runs(state) {
            return (Ok(job), false);
        }
        match state {
            State::Loading(waiting) => {
                waiting.extend(job);
                (Ok(None), false)
            }
            State::Failed(_, Failure::Outdated) => (Err((job, Failure::Outdated)), false),
            State::Failed(at, _) if !retry_now && now - *at < RETRY_AFTER_MS => (Ok(None), false),
            // Idle, or failed long enough ago (or at a click).
            _ => {
                *state = State::Loading(job.into_iter().collect());
                (Ok(None), true)
            }
        }
    });
    if start {
        spawn_local(async {
            let result = instantiate().await.map_err(|e| {
                // A module of another build does not link: its marked import is not among
                // this wasm's exports (scripts/split.mjs).
                if e.is_instance_of::<js_sys::WebAssembly::LinkError>() {
                    Failure::Outdated
                } else {
                    Failure::Unreachable
                }
            });
            let next = match result {
                Ok(()) => State::Running,
                Err(failure) => State::Failed(js_sys::Date::now(), failure),
            };
            let waiting = STATE.with_borrow_mut(|state| match std::mem::replace(state, next) {
                State::Loading(waiting) => waiting,
                _ => Vec::new(),
            });
            for job in waiting {
                job(result);
            }
            if result.is_ok() {
                for f in ON_LOAD.with_borrow_mut(std::mem::take) {
                    f();
                }
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

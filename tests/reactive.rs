//! The reactive core (`src/reactive.rs`) in the browser: effects re-run on a microtask, once per
//! task whatever the number of changes; memos notify only when their value changes; owners
//! dispose what they made; contexts are found from below; dependencies follow the last run.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_timers::future::sleep;
use tinychat::reactive::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets queued effects run (they run on a microtask; a timer comes after it).
async fn settle() {
    sleep(Duration::from_millis(0)).await;
}

fn counter() -> (Rc<Cell<u32>>, Rc<Cell<u32>>) {
    let c = Rc::new(Cell::new(0));
    (c.clone(), c)
}

#[wasm_bindgen_test]
async fn an_effect_runs_at_once_then_once_per_task_after_its_signals_change() {
    let owner = Owner::new();
    let (runs, seen) = counter();
    let (a, b) = owner.with(|| (RwSignal::new(1), RwSignal::new(10)));
    let sum = Rc::new(Cell::new(0));
    let out = sum.clone();
    owner.with(|| {
        create_effect(Box::new(move || {
            runs.set(runs.get() + 1);
            out.set(a.get() + b.get());
        }))
    });
    assert_eq!((seen.get(), sum.get()), (1, 11));
    a.set(2);
    b.set(20);
    a.update(|v| *v += 1);
    // Not yet: effects run on the next microtask, all changes of this task together.
    assert_eq!(seen.get(), 1);
    settle().await;
    assert_eq!((seen.get(), sum.get()), (2, 23));
    // A signal set to an equal value still notifies (as reactive_graph's `set`).
    a.set(3);
    settle().await;
    assert_eq!(seen.get(), 3);
}

#[wasm_bindgen_test]
async fn a_memo_notifies_only_when_its_value_changes_and_is_computed_when_read() {
    let owner = Owner::new();
    let (computed, computations) = counter();
    let (runs, seen) = counter();
    let n = owner.with(|| RwSignal::new(1));
    let even = owner.with(|| {
        Memo::new(move |_| {
            computed.set(computed.get() + 1);
            n.get() % 2 == 0
        })
    });
    assert_eq!(computations.get(), 0, "lazy: nothing read it yet");
    owner.with(|| {
        create_effect(Box::new(move || {
            even.track();
            runs.set(runs.get() + 1);
        }))
    });
    assert_eq!((computations.get(), seen.get()), (1, 1));
    n.set(3); // still odd: the memo is recomputed, the effect does not run
    settle().await;
    assert_eq!((computations.get(), seen.get()), (2, 1));
    n.set(4);
    settle().await;
    assert_eq!((computations.get(), seen.get()), (3, 2));
    assert!(even.get_untracked());
}

#[wasm_bindgen_test]
async fn an_effect_follows_only_what_its_last_run_read() {
    let owner = Owner::new();
    let (runs, seen) = counter();
    let (flag, a, b) = owner.with(|| (RwSignal::new(true), RwSignal::new(0), RwSignal::new(0)));
    owner.with(|| {
        create_effect(Box::new(move || {
            runs.set(runs.get() + 1);
            if flag.get() {
                a.track();
            } else {
                b.track();
            }
        }))
    });
    b.set(1); // not read: nothing runs
    settle().await;
    assert_eq!(seen.get(), 1);
    flag.set(false);
    settle().await;
    assert_eq!(seen.get(), 2);
    a.set(1); // no longer read
    settle().await;
    assert_eq!(seen.get(), 2);
    b.set(2);
    settle().await;
    assert_eq!(seen.get(), 3);
}

#[wasm_bindgen_test]
async fn cleaning_an_owner_disposes_what_it_made_and_runs_its_cleanups_once() {
    let root = Owner::new();
    let child = root.child();
    let (cleanups, cleaned) = counter();
    let (runs, seen) = counter();
    let source = root.with(|| RwSignal::new(0));
    let (made, stored) = child.with(|| {
        on_cleanup(move || cleanups.set(cleanups.get() + 1));
        create_effect(Box::new(move || {
            source.track();
            runs.set(runs.get() + 1);
        }));
        (RwSignal::new(5), StoredValue::new(String::from("kept")))
    });
    assert_eq!(made.try_get_untracked(), Some(5));
    root.cleanup();
    assert_eq!(cleaned.get(), 1);
    assert!(made.is_disposed() && stored.is_disposed());
    assert_eq!(made.try_get_untracked(), None);
    assert_eq!(
        made.try_set(6),
        Some(6),
        "a disposed signal gives the value back"
    );
    assert_eq!(stored.try_get_value(), None);
    assert_eq!(stored.with_value_or_none(|v| v.cloned()), None);
    // The source was the root's too: gone; the effect does not run again, nothing panics.
    assert!(source.try_set(1).is_some());
    settle().await;
    assert_eq!((seen.get(), cleaned.get()), (1, 1));
    // A cleaned owner can be used again.
    let again = root.with(|| RwSignal::new(1));
    assert_eq!(again.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn dropping_the_last_handle_of_an_owner_cleans_it_up() {
    let (cleanups, cleaned) = counter();
    let owner = Owner::new();
    let weak = owner.downgrade();
    let value = owner.with(|| {
        on_cleanup(move || cleanups.set(cleanups.get() + 1));
        StoredValue::new(1)
    });
    drop(owner);
    assert_eq!(cleaned.get(), 1);
    assert!(weak.upgrade().is_none());
    assert!(value.is_disposed());
}

#[wasm_bindgen_test]
async fn an_effect_cleans_up_what_its_previous_run_made() {
    let owner = Owner::new();
    let (cleanups, cleaned) = counter();
    let made: Rc<RefCell<Vec<StoredValue<u32>>>> = Rc::default();
    let keep = made.clone();
    let n = owner.with(|| RwSignal::new(0));
    owner.with(|| {
        create_effect(Box::new(move || {
            let v = n.get();
            let cleanups = cleanups.clone();
            on_cleanup(move || cleanups.set(cleanups.get() + 1));
            keep.borrow_mut().push(StoredValue::new(v));
        }))
    });
    n.set(1);
    settle().await;
    let made = made.borrow();
    assert_eq!(cleaned.get(), 1);
    assert!(made[0].is_disposed());
    assert_eq!(made[1].get_value(), 1);
}

#[wasm_bindgen_test]
async fn contexts_are_found_from_below_and_the_nearest_wins() {
    #[derive(Clone, PartialEq, Debug)]
    struct Theme(&'static str);
    let root = Owner::new();
    let child = root.child();
    let grandchild = child.child();
    root.with(|| provide_context(Theme("light")));
    assert_eq!(grandchild.with(use_context::<Theme>), Some(Theme("light")));
    child.with(|| provide_context(Theme("dark")));
    assert_eq!(grandchild.with(use_context::<Theme>), Some(Theme("dark")));
    assert_eq!(root.with(use_context::<Theme>), Some(Theme("light")));
    assert_eq!(root.with(use_context::<u32>), None);
}

#[wasm_bindgen_test]
async fn an_effect_that_sets_what_another_reads_is_seen_in_the_same_flush() {
    let owner = Owner::new();
    let (a, b) = owner.with(|| (RwSignal::new(0), RwSignal::new(0)));
    let seen = Rc::new(Cell::new(0));
    let out = seen.clone();
    owner.with(|| {
        create_effect(Box::new(move || {
            let v = a.get();
            b.set(v * 10);
        }));
        create_effect(Box::new(move || out.set(b.get())));
    });
    a.set(4);
    settle().await;
    assert_eq!(seen.get(), 40);
}

#[wasm_bindgen_test]
async fn what_a_cleanup_reads_is_not_a_dependency_of_the_effect() {
    let owner = Owner::new();
    let (runs, seen) = counter();
    let (a, flag) = owner.with(|| (RwSignal::new(0), RwSignal::new(false)));
    owner.with(|| {
        create_effect(Box::new(move || {
            a.track();
            runs.set(runs.get() + 1);
            on_cleanup(move || {
                let _ = flag.try_get();
            });
        }))
    });
    a.set(1); // re-run: the first run's cleanup reads `flag`
    settle().await;
    assert_eq!(seen.get(), 2);
    flag.set(true); // read only by that cleanup: nothing runs
    settle().await;
    assert_eq!(seen.get(), 2);
}

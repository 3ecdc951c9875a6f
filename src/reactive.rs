//! The widget's reactive core: signals, memos, effects, stored values and owners, with the
//! names and the semantics of the subset of reactive_graph (Leptos's reactive system) the
//! widget used, in one small module.
//!
//! Why not reactive_graph: it is built for threads and for server rendering (every value behind
//! an `Arc<RwLock>`, subscribers in hash sets, an async executor per effect), and in this
//! single-threaded widget that machinery cost about 60 KB of the wasm before compression,
//! instantiated again for every type of signal. Here every value lives in one thread-local
//! arena as a `Box<dyn Any>`; what is generic per type is only the downcast.
//!
//! The rules, as reactive_graph's:
//! - A signal's `set`/`update` always notifies; a memo notifies only when its new value differs
//!   (`PartialEq`), and is computed lazily, when read.
//! - An effect runs once when made, then again, on the next microtask, after any signal it read
//!   changed (however many times): changes made in one task are seen together, and an effect
//!   whose memos came back equal does not run.
//! - What an owner made (signals, memos, effects, stored values, child owners, cleanups) is
//!   disposed when the owner is cleaned up or its last handle is dropped. An effect's own owner
//!   is cleaned up before each re-run.
//! - Reading a disposed value panics (the `try_` forms return `None`): a bug, as in
//!   reactive_graph.
//!
//! Not thread-safe and not needed to be: wasm32 without threads. Handles are plain indices, so
//! they are `Copy`, `Send` and `Sync` like reactive_graph's.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::{Rc, Weak};

// ----------------------------------------------------------------------------------------
// The arena

/// A reactive node's place in the arena; `gen` tells a reused slot from the node it held.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Id {
    index: u32,
    gen: u32,
}

type Value = Rc<RefCell<Box<dyn Any>>>;

/// Recomputes a memo (returns whether its value changed) or re-runs an effect.
type Compute = Rc<RefCell<dyn FnMut() -> bool>>;

struct Node {
    value: Value,
    /// Bumped when the value changes: an observer compares it with the one it last saw.
    version: u64,
    /// Memos and effects that read this node in their last run.
    subscribers: Vec<Id>,
    /// For memos and effects: what they read in their last run, and its version then.
    sources: Vec<(Id, u64)>,
    /// During a run, the sources of the run before not read again yet: they stay subscribed
    /// if read again, and are unsubscribed at the end if not (so a re-run costs time in its
    /// own sources, never in how many others read the same signal).
    old_sources: Vec<(Id, u64)>,
    compute: Option<Compute>,
    kind: Kind,
    /// A source may have changed since the last run.
    stale: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signal,
    Memo,
    Effect,
    Stored,
}

struct Slot {
    gen: u32,
    node: Option<Node>,
}

thread_local! {
    static SLOTS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    static FREE: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    /// The memo or effect running now, which records what it reads.
    static OBSERVER: Cell<Option<Id>> = const { Cell::new(None) };
    static OWNER: RefCell<Option<Owner>> = const { RefCell::new(None) };
    /// Effects to look at on the next flush.
    static QUEUE: RefCell<Vec<Id>> = const { RefCell::new(Vec::new()) };
    static FLUSH_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

fn with_node<R>(id: Id, f: impl FnOnce(&mut Node) -> R) -> Option<R> {
    SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        match slots.get_mut(id.index as usize) {
            Some(Slot {
                gen,
                node: Some(node),
            }) if *gen == id.gen => Some(f(node)),
            _ => None,
        }
    })
}

fn insert(value: Box<dyn Any>, kind: Kind, compute: Option<Compute>) -> Id {
    let node = Node {
        value: Rc::new(RefCell::new(value)),
        version: 0,
        subscribers: Vec::new(),
        sources: Vec::new(),
        old_sources: Vec::new(),
        compute,
        kind,
        stale: kind == Kind::Memo,
    };
    let id = SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        match FREE.with(|f| f.borrow_mut().pop()) {
            Some(index) => {
                let slot = &mut slots[index as usize];
                slot.node = Some(node);
                Id {
                    index,
                    gen: slot.gen,
                }
            }
            None => {
                slots.push(Slot {
                    gen: 0,
                    node: Some(node),
                });
                Id {
                    index: (slots.len() - 1) as u32,
                    gen: 0,
                }
            }
        }
    });
    OWNER.with(|o| {
        if let Some(owner) = o.borrow().as_ref() {
            owner.0.state.borrow_mut().nodes.push(id);
        }
    });
    id
}

/// Removes `id` from the arena; its value and closure are dropped after the arena is free
/// again (dropping them may clean up owners, which dispose more nodes).
fn dispose(id: Id) {
    let node = SLOTS.with(|slots| {
        let mut slots = slots.borrow_mut();
        match slots.get_mut(id.index as usize) {
            Some(slot) if slot.gen == id.gen && slot.node.is_some() => {
                slot.gen = slot.gen.wrapping_add(1);
                FREE.with(|f| f.borrow_mut().push(id.index));
                slot.node.take()
            }
            _ => None,
        }
    });
    if let Some(node) = node {
        for (source, _) in node.sources.iter().chain(&node.old_sources) {
            unsubscribe(*source, id);
        }
        drop(node);
    }
}

fn is_alive(id: Id) -> bool {
    with_node(id, |_| ()).is_some()
}

fn unsubscribe(source: Id, observer: Id) {
    with_node(source, |n| n.subscribers.retain(|s| *s != observer));
}

/// Notes that the running observer read `id` (at its current version).
fn track(id: Id) {
    let Some(observer) = OBSERVER.with(Cell::get) else {
        return;
    };
    let Some(version) = with_node(id, |n| n.version) else {
        return;
    };
    let subscribe = with_node(observer, |o| {
        if o.sources.iter().any(|(s, _)| *s == id) {
            return false;
        }
        o.sources.push((id, version));
        match o.old_sources.iter().position(|(s, _)| *s == id) {
            // Read in the last run too: still subscribed.
            Some(i) => {
                o.old_sources.swap_remove(i);
                false
            }
            None => true,
        }
    });
    if subscribe == Some(true) {
        with_node(id, |n| n.subscribers.push(observer));
    }
}

fn value_of(id: Id) -> Option<Value> {
    with_node(id, |n| n.value.clone())
}

fn disposed() -> ! {
    panic!("a reactive value was used after it was disposed")
}

/// Reads node `id` (brought up to date first if it is a memo), tracked or not.
fn read<R>(id: Id, tracked: bool, f: impl FnOnce(&dyn Any) -> R) -> Option<R> {
    refresh(id);
    if tracked {
        track(id);
    }
    let value = value_of(id)?;
    let value = value.borrow();
    Some(f(&**value))
}

/// Changes node `id` with `f` and notifies its subscribers.
fn write<R>(id: Id, notify: bool, f: impl FnOnce(&mut dyn Any) -> R) -> Option<R> {
    let value = value_of(id)?;
    let result = f(&mut **value.borrow_mut());
    if notify {
        changed(id);
    }
    Some(result)
}

/// Replaces node `id`'s value with `value` (notifying if `notify`); gives `value` back once the
/// node is disposed.
fn replace<T: 'static>(id: Id, notify: bool, value: T) -> Option<T> {
    let mut value = Some(value);
    write(id, notify, |v| {
        if let Some(new) = value.take() {
            *downcast_mut::<T>(v) = new;
        }
    });
    value
}

/// `id`'s value changed: its version moves on and what read it is marked stale.
fn changed(id: Id) {
    let subscribers = with_node(id, |n| {
        n.version += 1;
        n.subscribers.clone()
    })
    .unwrap_or_default();
    for s in subscribers {
        mark_stale(s);
    }
    if QUEUE.with(|q| !q.borrow().is_empty()) {
        schedule_flush();
    }
}

fn mark_stale(id: Id) {
    let Some((kind, subscribers)) = with_node(id, |n| {
        if n.stale {
            return None;
        }
        n.stale = true;
        Some((n.kind, n.subscribers.clone()))
    })
    .flatten() else {
        return;
    };
    match kind {
        Kind::Effect => QUEUE.with(|q| q.borrow_mut().push(id)),
        // A memo passes the doubt on; whether it really changed is known when it is read.
        _ => subscribers.into_iter().for_each(mark_stale),
    }
}

/// Brings a stale memo or effect up to date: it runs again only if one of its sources really
/// changed (its memos are brought up to date first, so an unchanged memo stops the run).
fn refresh(id: Id) {
    let Some((sources, compute)) = with_node(id, |n| match &n.compute {
        Some(c) if n.stale => Some((n.sources.clone(), c.clone())),
        _ => None,
    })
    .flatten() else {
        return;
    };
    // Cleared before the check: a source checked here (a memo) that changes what this node
    // reads marks it stale again, and that mark must not be lost.
    with_node(id, |n| n.stale = false);
    let never_ran = sources.is_empty();
    let dirty = never_ran
        || sources.iter().any(|(source, seen)| {
            refresh(*source);
            with_node(*source, |n| n.version) != Some(*seen)
        });
    if dirty && !run(id, &compute) {
        // Not run (it is running now, reading itself): still stale.
        with_node(id, |n| n.stale = true);
    }
}

/// Runs a memo's or an effect's computation, recording what it reads; false if it was
/// already running (a memo that reads itself: the outer run goes on).
fn run(id: Id, compute: &Compute) -> bool {
    let Ok(mut f) = compute.try_borrow_mut() else {
        return false;
    };
    with_node(id, |n| n.old_sources = std::mem::take(&mut n.sources));
    let previous = OBSERVER.with(|o| o.replace(Some(id)));
    let changed = f();
    drop(f);
    OBSERVER.with(|o| o.set(previous));
    let gone = with_node(id, |n| {
        if changed {
            n.version += 1;
        }
        std::mem::take(&mut n.old_sources)
    })
    .unwrap_or_default();
    for (source, _) in gone {
        unsubscribe(source, id);
    }
    true
}

fn schedule_flush() {
    if FLUSH_SCHEDULED.with(|f| f.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async { flush() });
}

/// Runs the effects whose sources changed, until none is left (an effect may change more).
fn flush() {
    FLUSH_SCHEDULED.with(|f| f.set(false));
    loop {
        let queue = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
        if queue.is_empty() {
            return;
        }
        for id in queue {
            refresh(id);
        }
    }
}

/// Runs `f` without recording what it reads.
pub fn untrack<T>(f: impl FnOnce() -> T) -> T {
    let previous = OBSERVER.with(|o| o.replace(None));
    let result = f();
    OBSERVER.with(|o| o.set(previous));
    result
}

// ----------------------------------------------------------------------------------------
// Owners

/// Owns what is made while it is current; cleaned up (everything disposed, cleanups run)
/// by [`Owner::cleanup`] or when its last handle is dropped.
#[derive(Clone)]
pub struct Owner(Rc<OwnerInner>);

/// An owner held weakly.
#[derive(Clone)]
pub struct WeakOwner(Weak<OwnerInner>);

struct OwnerInner {
    parent: Option<Weak<OwnerInner>>,
    state: RefCell<OwnerState>,
}

#[derive(Default)]
struct OwnerState {
    nodes: Vec<Id>,
    children: Vec<Weak<OwnerInner>>,
    cleanups: Vec<Box<dyn FnOnce()>>,
    contexts: Vec<(TypeId, Box<dyn Any>)>,
}

impl Owner {
    /// A new owner, child of the current one if any.
    pub fn new() -> Owner {
        match Owner::current() {
            Some(parent) => parent.child(),
            None => Owner(Rc::new(OwnerInner {
                parent: None,
                state: RefCell::default(),
            })),
        }
    }

    /// The owner current now.
    pub fn current() -> Option<Owner> {
        OWNER.with(|o| o.borrow().clone())
    }

    /// A new owner under this one: cleaned up with it.
    pub fn child(&self) -> Owner {
        let child = Owner(Rc::new(OwnerInner {
            parent: Some(Rc::downgrade(&self.0)),
            state: RefCell::default(),
        }));
        let mut state = self.0.state.borrow_mut();
        state.children.retain(|c| c.strong_count() > 0);
        state.children.push(Rc::downgrade(&child.0));
        child
    }

    /// Runs `f` with this owner current.
    pub fn with<T>(&self, f: impl FnOnce() -> T) -> T {
        let previous = OWNER.with(|o| o.replace(Some(self.clone())));
        let result = f();
        OWNER.with(|o| *o.borrow_mut() = previous);
        result
    }

    /// Disposes what this owner made and runs its cleanups; the owner itself can be used again.
    pub fn cleanup(&self) {
        self.0.cleanup();
    }

    pub fn downgrade(&self) -> WeakOwner {
        WeakOwner(Rc::downgrade(&self.0))
    }
}

impl Default for Owner {
    fn default() -> Self {
        Owner::new()
    }
}

impl WeakOwner {
    pub fn upgrade(&self) -> Option<Owner> {
        self.0.upgrade().map(Owner)
    }
}

impl OwnerInner {
    fn cleanup(&self) {
        let (children, cleanups, nodes) = {
            let mut state = self.state.borrow_mut();
            (
                std::mem::take(&mut state.children),
                std::mem::take(&mut state.cleanups),
                std::mem::take(&mut state.nodes),
            )
        };
        for child in children.iter().filter_map(Weak::upgrade) {
            child.cleanup();
        }
        for cleanup in cleanups {
            cleanup();
        }
        for id in nodes {
            dispose(id);
        }
    }

    fn context<T: Clone + 'static>(&self) -> Option<T> {
        let found = self
            .state
            .borrow()
            .contexts
            .iter()
            .find(|(t, _)| *t == TypeId::of::<T>())
            .and_then(|(_, v)| v.downcast_ref::<T>().cloned());
        found.or_else(|| {
            self.parent
                .as_ref()
                .and_then(Weak::upgrade)
                .and_then(|p| p.context::<T>())
        })
    }
}

impl Drop for OwnerInner {
    fn drop(&mut self) {
        self.cleanup();
    }
}

/// How many signals, memos, effects and stored values are alive (diagnostics and tests: a view
/// that is rebuilt must not leave its old nodes behind).
pub fn live_nodes() -> usize {
    SLOTS.with(|s| s.borrow().len()) - FREE.with(|f| f.borrow().len())
}

/// Runs `f` with no current owner: what it makes lives as long as the page (for state shared
/// by every widget, made once).
pub fn unowned<T>(f: impl FnOnce() -> T) -> T {
    let previous = OWNER.with(|o| o.replace(None));
    let result = f();
    OWNER.with(|o| *o.borrow_mut() = previous);
    result
}

/// Runs `f` when the current owner is cleaned up.
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    OWNER.with(|o| {
        if let Some(owner) = o.borrow().as_ref() {
            owner.0.state.borrow_mut().cleanups.push(Box::new(f));
        }
    });
}

/// Makes `value` the context of type `T` for the current owner and those under it.
pub fn provide_context<T: 'static>(value: T) {
    OWNER.with(|o| {
        if let Some(owner) = o.borrow().as_ref() {
            let mut state = owner.0.state.borrow_mut();
            state.contexts.retain(|(t, _)| *t != TypeId::of::<T>());
            state.contexts.push((TypeId::of::<T>(), Box::new(value)));
        }
    });
}

/// The nearest context of type `T`, from the current owner up.
pub fn use_context<T: Clone + 'static>() -> Option<T> {
    Owner::current().and_then(|o| o.0.context::<T>())
}

/// [`use_context`], for a context that is always provided (a bug otherwise).
pub fn expect_context<T: Clone + 'static>() -> T {
    use_context::<T>().unwrap_or_else(|| panic!("a context is missing"))
}

// ----------------------------------------------------------------------------------------
// Effects

/// Runs `f` now, then again (on the next microtask) whenever what it read changes, until the
/// current owner is cleaned up. Each run has its own owner, cleaned up before the next.
pub fn create_effect(mut f: Box<dyn FnMut()>) {
    let owner = Owner::new();
    let inner = owner.clone();
    let compute: Compute = Rc::new(RefCell::new(move || {
        // What the last run left is cleaned up untracked: a read in a cleanup is not this
        // effect's dependency.
        untrack(|| inner.cleanup());
        inner.with(&mut f);
        false
    }));
    let id = insert(Box::new(owner), Kind::Effect, Some(compute.clone()));
    run(id, &compute);
}

// ----------------------------------------------------------------------------------------
// Handles

fn downcast<T: 'static>(v: &dyn Any) -> &T {
    v.downcast_ref::<T>()
        .unwrap_or_else(|| panic!("a reactive value of another type"))
}

fn downcast_mut<T: 'static>(v: &mut dyn Any) -> &mut T {
    v.downcast_mut::<T>()
        .unwrap_or_else(|| panic!("a reactive value of another type"))
}

/// A memo's value: computed before it is read, so present.
fn memo_value<T: 'static>(v: &dyn Any) -> &T {
    downcast::<Option<T>>(v)
        .as_ref()
        .unwrap_or_else(|| panic!("a memo read before it was computed"))
}

macro_rules! handle {
    ($name:ident) => {
        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $name<T> {}
        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.id == other.id
            }
        }
        impl<T> Eq for $name<T> {}
        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    "{}({}:{})",
                    stringify!($name),
                    self.id.index,
                    self.id.gen
                )
            }
        }
    };
}

macro_rules! readable {
    ($name:ident, $project:ident) => {
        impl<T: 'static> $name<T> {
            /// The value, cloned; the running effect or memo re-runs when it changes.
            #[track_caller]
            pub fn get(&self) -> T
            where
                T: Clone,
            {
                self.with(T::clone)
            }
            /// The value, cloned, not tracked.
            #[track_caller]
            pub fn get_untracked(&self) -> T
            where
                T: Clone,
            {
                self.with_untracked(T::clone)
            }
            /// `f` of the value, tracked.
            #[track_caller]
            pub fn with<U>(&self, f: impl FnOnce(&T) -> U) -> U {
                read(self.id, true, |v| f($project(v))).unwrap_or_else(|| disposed())
            }
            /// `f` of the value, not tracked.
            #[track_caller]
            pub fn with_untracked<U>(&self, f: impl FnOnce(&T) -> U) -> U {
                read(self.id, false, |v| f($project(v))).unwrap_or_else(|| disposed())
            }
            /// The value, cloned, or `None` once disposed.
            pub fn try_get(&self) -> Option<T>
            where
                T: Clone,
            {
                read(self.id, true, |v| $project::<T>(v).clone())
            }
            /// The value, cloned, not tracked, or `None` once disposed.
            pub fn try_get_untracked(&self) -> Option<T>
            where
                T: Clone,
            {
                read(self.id, false, |v| $project::<T>(v).clone())
            }
            /// `f` of the value, tracked, or `None` once disposed.
            pub fn try_with<U>(&self, f: impl FnOnce(&T) -> U) -> Option<U> {
                read(self.id, true, |v| f($project(v)))
            }
            /// Makes the running effect or memo depend on this value without reading it.
            pub fn track(&self) {
                refresh(self.id);
                track(self.id);
            }
            /// Whether it was disposed (its owner cleaned up).
            pub fn is_disposed(&self) -> bool {
                !is_alive(self.id)
            }
        }
    };
}

macro_rules! writable {
    ($name:ident) => {
        impl<T: 'static> $name<T> {
            /// Replaces the value and notifies.
            #[track_caller]
            pub fn set(&self, value: T) {
                if let Some(value) = self.try_set(value) {
                    drop(value);
                    disposed()
                }
            }
            /// Replaces the value and notifies; gives `value` back once disposed.
            pub fn try_set(&self, value: T) -> Option<T> {
                replace(self.id, true, value)
            }
            /// Changes the value in place and notifies.
            #[track_caller]
            pub fn update(&self, f: impl FnOnce(&mut T)) {
                write(self.id, true, |v| f(downcast_mut(v))).unwrap_or_else(|| disposed())
            }
            /// Changes the value in place and notifies, or `None` once disposed.
            pub fn try_update<U>(&self, f: impl FnOnce(&mut T) -> U) -> Option<U> {
                write(self.id, true, |v| f(downcast_mut(v)))
            }
        }
    };
}

/// A value that can be read and written; readers are notified on every write.
pub struct RwSignal<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}
handle!(RwSignal);
readable!(RwSignal, downcast);
writable!(RwSignal);

impl<T: 'static> RwSignal<T> {
    pub fn new(value: T) -> Self {
        RwSignal {
            id: insert(Box::new(value), Kind::Signal, None),
            ty: PhantomData,
        }
    }
    /// A read-only handle on the same value.
    pub fn read_only(&self) -> ReadSignal<T> {
        ReadSignal {
            id: self.id,
            ty: PhantomData,
        }
    }
    /// A write-only handle on the same value.
    pub fn write_only(&self) -> WriteSignal<T> {
        WriteSignal {
            id: self.id,
            ty: PhantomData,
        }
    }
    /// Both handles.
    pub fn split(&self) -> (ReadSignal<T>, WriteSignal<T>) {
        (self.read_only(), self.write_only())
    }
}

/// A read-only handle on a signal.
pub struct ReadSignal<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}
handle!(ReadSignal);
readable!(ReadSignal, downcast);

/// A write-only handle on a signal.
pub struct WriteSignal<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}
handle!(WriteSignal);
writable!(WriteSignal);

/// A new signal, as its two handles.
pub fn signal<T: 'static>(value: T) -> (ReadSignal<T>, WriteSignal<T>) {
    RwSignal::new(value).split()
}

/// A value computed from signals, computed when read and again only after they change;
/// readers are notified only when it comes out different. Its function must be pure (read
/// signals and memos, nothing else): unlike an effect it has no owner of its own, so what it
/// made or registered would belong to whoever reads it.
pub struct Memo<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}
handle!(Memo);
readable!(Memo, memo_value);

impl<T: PartialEq + 'static> Memo<T> {
    /// `f` gets the previous value (`None` the first time).
    pub fn new(f: impl Fn(Option<&T>) -> T + 'static) -> Self {
        let cell: Rc<Cell<Option<Id>>> = Rc::new(Cell::new(None));
        let me = cell.clone();
        let compute: Compute = Rc::new(RefCell::new(move || {
            let Some(id) = me.get() else { return false };
            let Some(value) = value_of(id) else {
                return false;
            };
            let next = {
                let old = value.borrow();
                f(downcast::<Option<T>>(&**old).as_ref())
            };
            let mut slot = value.borrow_mut();
            let old = downcast_mut::<Option<T>>(&mut **slot);
            if old.as_ref() == Some(&next) {
                false
            } else {
                *old = Some(next);
                true
            }
        }));
        let id = insert(Box::new(None::<T>), Kind::Memo, Some(compute));
        cell.set(Some(id));
        Memo {
            id,
            ty: PhantomData,
        }
    }
}

/// A value kept (not reactive) until its owner is cleaned up; a `Copy` handle on it.
pub struct StoredValue<T> {
    id: Id,
    ty: PhantomData<fn() -> T>,
}
handle!(StoredValue);

impl<T: 'static> StoredValue<T> {
    pub fn new(value: T) -> Self {
        StoredValue {
            id: insert(Box::new(value), Kind::Stored, None),
            ty: PhantomData,
        }
    }
    /// The same as [`StoredValue::new`] (every value here is local to the thread).
    pub fn new_local(value: T) -> Self {
        Self::new(value)
    }
    #[track_caller]
    pub fn get_value(&self) -> T
    where
        T: Clone,
    {
        self.try_get_value().unwrap_or_else(|| disposed())
    }
    pub fn try_get_value(&self) -> Option<T>
    where
        T: Clone,
    {
        self.try_with_value(T::clone)
    }
    #[track_caller]
    pub fn with_value<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        self.try_with_value(f).unwrap_or_else(|| disposed())
    }
    pub fn try_with_value<U>(&self, f: impl FnOnce(&T) -> U) -> Option<U> {
        read(self.id, false, |v| f(downcast(v)))
    }
    #[track_caller]
    pub fn set_value(&self, value: T) {
        self.update_value(|v| *v = value);
    }
    /// `f` of the value, or of `None` once disposed.
    pub fn with_value_or_none<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        match value_of(self.id) {
            Some(value) => f(Some(downcast(&**value.borrow()))),
            None => f(None),
        }
    }
    /// Replaces the value; gives it back once disposed.
    pub fn try_set_value(&self, value: T) -> Option<T> {
        replace(self.id, false, value)
    }
    #[track_caller]
    pub fn update_value<U>(&self, f: impl FnOnce(&mut T) -> U) -> U {
        self.try_update_value(f).unwrap_or_else(|| disposed())
    }
    pub fn try_update_value<U>(&self, f: impl FnOnce(&mut T) -> U) -> Option<U> {
        write(self.id, false, |v| f(downcast_mut(v)))
    }
    pub fn is_disposed(&self) -> bool {
        !is_alive(self.id)
    }
}

/// A function kept until its owner is cleaned up; a `Copy` handle on it.
pub struct Callback<In: 'static, Out: 'static = ()>(StoredValue<Rc<dyn Fn(In) -> Out>>);

impl<In, Out> Clone for Callback<In, Out> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<In, Out> Copy for Callback<In, Out> {}

impl<In: 'static, Out: 'static> Callback<In, Out> {
    pub fn new(f: impl Fn(In) -> Out + 'static) -> Self {
        Callback(StoredValue::new(Rc::new(f)))
    }
    /// Calls it (after its owner is gone: nothing happens, `None`).
    pub fn try_run(&self, input: In) -> Option<Out> {
        self.0.try_get_value().map(|f| f(input))
    }
    #[track_caller]
    pub fn run(&self, input: In) -> Out {
        self.try_run(input).unwrap_or_else(|| disposed())
    }
}

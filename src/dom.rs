//! Views built with the DOM directly: `createElement`, `setAttribute`, listeners, and
//! effects ([`crate::reactive`]) to keep attributes and text in step with signals.
//!
//! Why not Leptos's `view!`: a view there is a distinct Rust type per tree, and every tree brings its own build,
//! rebuild, mount and drop code into the wasm (a 340-line dialog costs about 21 KB gzip). The
//! helpers here are few and, past a thin generic shim that boxes the closure, not generic, so a
//! view written with them costs little more than its calls. Text is only ever set as text
//! (`textContent`, `createTextNode`); nothing here parses HTML.
//!
//! Lifetimes: listeners and effects are kept by the reactive owner current when they are made
//! (a component's, or a [`show`] branch's) and dropped with it, after their elements have left
//! the page. [`mount`] puts a whole view in the page under a root owner.

use std::cell::RefCell;
use std::rc::Rc;

use crate::reactive::{create_effect, untrack, Owner, StoredValue, WeakOwner};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use web_sys::{Document, Element, Event, EventTarget, Node};

thread_local! {
    static DOCUMENT: Document = web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("TinyChat runs in a page");
}

/// The page's document.
pub fn document() -> Document {
    DOCUMENT.with(Clone::clone)
}

/// A new `<tag class="class">` (no class when `class` is empty).
pub fn el(tag: &str, class: &str) -> Element {
    let e = DOCUMENT
        .with(|d| d.create_element(tag))
        .expect_throw("a valid tag name");
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

/// A new text node.
pub fn text(data: &str) -> Node {
    DOCUMENT.with(|d| d.create_text_node(data)).into()
}

/// A new document fragment: several nodes to insert as one.
pub fn fragment() -> Node {
    DOCUMENT.with(|d| d.create_document_fragment()).into()
}

/// `el` with `text` as its only child.
pub fn el_text(tag: &str, class: &str, data: &str) -> Element {
    let e = el(tag, class);
    e.set_text_content(Some(data));
    e
}

/// An `<svg class="class" viewBox="0 0 24 24">` icon of one path, hidden from assistive
/// technology (the button it sits in has the name).
pub fn svg_icon(class: &str, path: &str) -> Element {
    const SVG: &str = "http://www.w3.org/2000/svg";
    let make = |tag: &str| {
        DOCUMENT
            .with(|d| d.create_element_ns(Some(SVG), tag))
            .expect_throw("a valid tag name")
    };
    let svg = make("svg");
    attr(&svg, "class", class);
    attr(&svg, "viewBox", "0 0 24 24");
    attr(&svg, "aria-hidden", "true");
    attr(&svg, "focusable", "false");
    let p = make("path");
    attr(&p, "d", path);
    append(&svg, &p);
    svg
}

/// Sets an attribute.
pub fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

/// Appends `child` to `parent`.
pub fn append(parent: &Node, child: &Node) {
    let _ = parent.append_child(child);
}

/// Appends every child, in order.
pub fn append_all(parent: &Node, children: &[&Element]) {
    for child in children {
        append(parent, child);
    }
}

/// Keeps `value` until the current owner is cleaned up.
fn keep<T: 'static>(value: T) {
    StoredValue::new_local(value);
}

/// Runs `f` now and again whenever a signal it read changes, until the owner is cleaned up.
pub fn effect(f: impl FnMut() + 'static) {
    effect_boxed(Box::new(f));
}

fn effect_boxed(f: Box<dyn FnMut()>) {
    create_effect(f);
}

/// Keeps the attribute `name` equal to `f()` (absent while `None`).
pub fn attr_with(e: &Element, name: &'static str, f: impl Fn() -> Option<String> + 'static) {
    attr_boxed(e.clone(), name, Box::new(f));
}

fn attr_boxed(e: Element, name: &'static str, f: Box<dyn Fn() -> Option<String>>) {
    // The DOM is written only when the value changed (an effect may re-run on every delta of
    // a streaming reply with the same answer).
    let mut last: Option<Option<String>> = None;
    effect_boxed(Box::new(move || {
        let value = f();
        if last.as_ref() == Some(&value) {
            return;
        }
        match &value {
            Some(v) => attr(&e, name, v),
            None => {
                let _ = e.remove_attribute(name);
            }
        }
        last = Some(value);
    }));
}

/// Keeps the class `class` on `e` while `f()` is true.
pub fn class_with(e: &Element, class: &'static str, f: impl Fn() -> bool + 'static) {
    class_boxed(e.clone(), class, Box::new(f));
}

fn class_boxed(e: Element, class: &'static str, f: Box<dyn Fn() -> bool>) {
    let mut last: Option<bool> = None;
    effect_boxed(Box::new(move || {
        let on = f();
        if last != Some(on) {
            let _ = e.class_list().toggle_with_force(class, on);
            last = Some(on);
        }
    }));
}

/// Keeps `e`'s text equal to `f()`.
pub fn text_with(e: &Element, f: impl Fn() -> String + 'static) {
    text_boxed(e.clone(), Box::new(f));
}

fn text_boxed(e: Element, f: Box<dyn Fn() -> String>) {
    effect_boxed(Box::new(move || e.set_text_content(Some(&f()))));
}

/// Keeps the JavaScript property `name` (`value`, `checked`, …) equal to `f()`.
pub fn prop_with(e: &Element, name: &'static str, f: impl Fn() -> JsValue + 'static) {
    prop_boxed(e.clone(), name, Box::new(f));
}

fn prop_boxed(e: Element, name: &'static str, f: Box<dyn Fn() -> JsValue>) {
    effect_boxed(Box::new(move || {
        let _ = js_sys::Reflect::set(&e, &JsValue::from_str(name), &f());
    }));
}

/// The JavaScript property `name` of `e` as a string (`value` of a field), empty if none.
pub fn prop_string(e: &JsValue, name: &str) -> String {
    js_sys::Reflect::get(e, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// `event.target.value`.
pub fn target_value(ev: &Event) -> String {
    ev.target()
        .map(|t| prop_string(&t, "value"))
        .unwrap_or_default()
}

/// `event.target.checked`.
pub fn target_checked(ev: &Event) -> bool {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("checked")).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Listens for `name` events on `target` until the owner is cleaned up.
pub fn on(target: &EventTarget, name: &str, f: impl FnMut(Event) + 'static) {
    on_boxed(target, name, Box::new(f));
}

fn on_boxed(target: &EventTarget, name: &str, f: Box<dyn FnMut(Event)>) {
    let closure = Closure::wrap(f);
    let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    keep(Listener {
        target: target.clone(),
        name: name.to_owned(),
        closure,
    });
}

/// A listener: removed from its target when dropped, so an element that outlives its owner
/// (a file picker still open when its button went away) never calls a dropped closure.
struct Listener {
    target: EventTarget,
    name: String,
    closure: Closure<dyn FnMut(Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(&self.name, self.closure.as_ref().unchecked_ref());
    }
}

/// A `<button>` of the widget's one look (see `crate::ui::button::ButtonVariant`): `class` is
/// the variant's classes plus any extra, `label` its text.
pub fn button(class: &str, label: &str) -> Element {
    let b = el_text("button", class, label);
    attr(&b, "type", "button");
    b
}

/// Shows what `build` makes, at this point of `parent`, while `when()` is true. Each time it
/// shows, `build` runs anew in its own owner, cleaned up (effects and listeners dropped) when
/// it hides.
/// `build` may return a [`fragment`].
pub fn show(parent: &Node, when: impl Fn() -> bool + 'static, build: impl Fn() -> Node + 'static) {
    show_boxed(parent, Box::new(when), Box::new(build));
}

/// The nodes `node` puts in the page: its children if it is a fragment, else itself.
fn top_nodes(node: &Node) -> Vec<Node> {
    if node.node_type() != Node::DOCUMENT_FRAGMENT_NODE {
        return vec![node.clone()];
    }
    let children = node.child_nodes();
    let nodes: Vec<Node> = (0..children.length())
        .filter_map(|i| children.item(i))
        .collect();
    // A show/slot/keyed at a fragment's top level would add nodes this list does not hold (they
    // would stay in the page when the branch goes): put it inside an element.
    debug_assert!(nodes.iter().all(|n| n.node_type() != Node::COMMENT_NODE));
    nodes
}

fn show_boxed(parent: &Node, when: Box<dyn Fn() -> bool>, build: Box<dyn Fn() -> Node>) {
    slot(parent, when, move |&shown| shown.then(&build));
}

/// A text node appended to `parent` whose text follows `f()`.
pub fn dyn_text(parent: &Node, f: impl Fn() -> String + 'static) {
    dyn_text_boxed(parent, Box::new(f));
}

fn dyn_text_boxed(parent: &Node, f: Box<dyn Fn() -> String>) {
    let node = text("");
    append(parent, &node);
    effect_boxed(Box::new(move || node.set_text_content(Some(&f()))));
}

/// The current owner, held weakly: a strong hold from an effect it owns would be a cycle, and
/// the owner (with its cleanups: aborting a stream on unmount) would never be dropped.
fn current_owner() -> Option<WeakOwner> {
    Owner::current().map(|o| o.downgrade())
}

/// The owner for a branch built under `parent` (or a new root): not a child of the effect
/// that builds it, whose children are cleaned up each time it runs.
fn branch_of(parent: &Option<WeakOwner>) -> Owner {
    parent
        .as_ref()
        .and_then(WeakOwner::upgrade)
        .map_or_else(Owner::new, |o| o.child())
}

/// Builds `node` in `branch`, untracked, and returns the nodes it puts in the page.
fn build_in(branch: &Owner, build: impl FnOnce() -> Option<Node>) -> (Option<Node>, Vec<Node>) {
    let node = branch.with(|| untrack(build));
    let nodes = node.as_ref().map(top_nodes).unwrap_or_default();
    (node, nodes)
}

fn remove_all(nodes: &[Node]) {
    for node in nodes {
        if let Some(p) = node.parent_node() {
            let _ = p.remove_child(node);
        }
    }
}

/// At this point of `parent`, what `build(&key)` makes, built anew (in a fresh owner, the old
/// one cleaned up) each time `key()` changes. `key` is tracked; `build` is not (like a
/// component's body: what it shows that changes on its own has its own effects).
pub fn slot<K: PartialEq + 'static>(
    parent: &Node,
    key: impl Fn() -> K + 'static,
    build: impl Fn(&K) -> Option<Node> + 'static,
) {
    slot_keyed(parent, key, build, Some(K::eq));
}

/// Like [`slot`], but built anew each time `key()` is set, even to an equal value (a notice
/// repeated is shown, and announced, again).
pub fn slot_each<K: 'static>(
    parent: &Node,
    key: impl Fn() -> K + 'static,
    build: impl Fn(&K) -> Option<Node> + 'static,
) {
    slot_keyed(parent, key, build, None);
}

fn slot_keyed<K: 'static>(
    parent: &Node,
    key: impl Fn() -> K + 'static,
    build: impl Fn(&K) -> Option<Node> + 'static,
    same: Option<fn(&K, &K) -> bool>,
) {
    // The key lives here; the effect (shared by every slot) asks whether it changed and
    // builds from it.
    let current: Rc<RefCell<Option<K>>> = Rc::new(RefCell::new(None));
    let seen = current.clone();
    slot_boxed(
        parent,
        Box::new(move || {
            let k = key();
            let mut seen = seen.borrow_mut();
            if let (Some(same), Some(old)) = (same, seen.as_ref()) {
                if same(old, &k) {
                    return false;
                }
            }
            *seen = Some(k);
            true
        }),
        Box::new(move || current.borrow().as_ref().and_then(&build)),
    );
}

fn slot_boxed(
    parent: &Node,
    mut changed: Box<dyn FnMut() -> bool>,
    build: Box<dyn Fn() -> Option<Node>>,
) {
    let marker: Node = DOCUMENT.with(|d| d.create_comment("")).into();
    append(parent, &marker);
    // One owner holds the slot's branch: reactive_graph keeps the list of an owner's children
    // until that owner is cleaned up, so a branch per rebuild under a long-lived owner would
    // grow it; cleaning this holder empties it.
    let holder = branch_of(&current_owner());
    // The branch shown and its nodes (the owner is kept here: dropped, it would be cleaned up).
    let mut shown: Option<(Owner, Vec<Node>)> = None;
    effect_boxed(Box::new(move || {
        if !changed() {
            return;
        }
        if let Some((_, nodes)) = shown.take() {
            remove_all(&nodes);
        }
        holder.cleanup();
        let branch = holder.child();
        let (node, nodes) = build_in(&branch, &build);
        if let (Some(node), Some(p)) = (node, marker.parent_node()) {
            let _ = p.insert_before(&node, Some(&marker));
        }
        shown = Some((branch, nodes));
    }));
}

/// At this point of `parent`, one entry per item of `items()`, keyed by `key`: an entry whose
/// key stays is kept as it is (not rebuilt, not moved unless the order changed), a new one is
/// built by `build` in its own owner, and one whose key went is removed and cleaned up.
///
/// What `build` returns must stay the same node(s) for the entry's life (an element whose
/// contents change is fine): they are what is kept and moved.
pub fn keyed<T: 'static>(
    parent: &Node,
    items: impl Fn() -> Vec<T> + 'static,
    key: fn(&T) -> String,
    build: impl Fn(T) -> Node + 'static,
) {
    let build = Rc::new(build);
    keyed_boxed(
        parent,
        Box::new(move || {
            items()
                .into_iter()
                .map(|item| {
                    let k = key(&item);
                    let build = build.clone();
                    let make: Box<dyn FnOnce() -> Node> = Box::new(move || build(item));
                    (k, make)
                })
                .collect()
        }),
    );
}

/// What [`keyed`] lists: each entry's key and how to build it if it is new.
type Entries = Vec<(String, Box<dyn FnOnce() -> Node>)>;

fn keyed_boxed(parent: &Node, items: Box<dyn Fn() -> Entries>) {
    let owner = current_owner();
    let end: Node = DOCUMENT.with(|d| d.create_comment("")).into();
    append(parent, &end);
    let mut entries: Vec<(String, Owner, Vec<Node>)> = Vec::new();
    effect_boxed(Box::new(move || {
        let items = items();
        let Some(parent) = end.parent_node() else {
            return;
        };
        let mut old: std::collections::HashMap<String, (Owner, Vec<Node>)> =
            std::collections::HashMap::with_capacity(entries.len());
        for (k, branch, nodes) in entries.drain(..) {
            // Two items with one key: the one displaced goes, with its nodes.
            if let Some((displaced, nodes)) = old.insert(k, (branch, nodes)) {
                remove_all(&nodes);
                displaced.cleanup();
            }
        }
        let mut next = Vec::with_capacity(items.len());
        for (k, make) in items {
            let (branch, nodes) = match old.remove(&k) {
                Some(kept) => kept,
                None => {
                    let branch = branch_of(&owner);
                    let (_, nodes) = build_in(&branch, || Some(make()));
                    (branch, nodes)
                }
            };
            next.push((k, branch, nodes));
        }
        for (branch, nodes) in old.into_values() {
            remove_all(&nodes);
            branch.cleanup();
        }
        // Walk the wanted order backwards from the end marker: a node already just before the
        // one after it stays where it is (appending moves nothing that was there).
        let mut after = end.clone();
        for (_, _, nodes) in next.iter().rev() {
            for node in nodes.iter().rev() {
                if node.next_sibling().as_ref() != Some(&after) {
                    let _ = parent.insert_before(node, Some(&after));
                }
                after = node.clone();
            }
        }
        entries = next;
    }));
}
/// A view mounted by [`mount`]: dropping it removes its nodes from the page, then cleans up
/// its reactive owner (effects, listeners, and the cleanups the widget registered: aborting a
/// stream, closing its database).
pub struct Mounted {
    owner: Owner,
    nodes: Vec<Node>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        remove_all(&self.nodes);
        self.owner.cleanup();
    }
}

/// Builds a view in a new root owner (untracked, like a component's body) and appends it to
/// `parent`.
pub fn mount(parent: &Node, build: impl FnOnce() -> Node) -> Mounted {
    let owner = Owner::new();
    let node = owner.with(|| untrack(build));
    let nodes = top_nodes(&node);
    append(parent, &node);
    Mounted { owner, nodes }
}

//! Embedding: every element with `data-tinychat` gets its own widget inside a shadow root (so
//! page CSS cannot break it and its CSS cannot leak), and `window.TinyChat.mount(element,
//! options)` mounts more later.

use std::cell::RefCell;

use crate::prelude::*;
use tinychat_core::i18n::Strings;
use tinychat_core::options::{
    parse_options, Mode, StorageKey, WidgetOptions, DEFAULT_STORAGE_NAMESPACE,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::handover::Handover;
use crate::storage::Store;
use crate::ui::app::chat_widget;
use crate::ui::launcher::launcher;

/// Attribute marking a mount element.
pub const MOUNT_ATTR: &str = "data-tinychat";
/// The custom element's name (defined by the loader): its attributes are the options.
pub const CUSTOM_ELEMENT: &str = "tiny-chat";
const MOUNTED_ATTR: &str = "data-tinychat-mounted";
const STYLESHEET: &str = "tinychat.css";
/// Set by the loader on an element whose `destroy()` was called before the wasm ran: the
/// automatic mounting leaves it alone.
const DESTROYED: &str = "tinychatDestroyed";
/// Options given to `setOptions` before the wasm ran (kept by the loader): applied over the
/// element's attributes when it mounts.
const PENDING_OPTIONS: &str = "tinychatOptions";

/// A mounted widget; dropping it unmounts.
pub struct MountHandle {
    // The methods go first (dropped before the view they call into).
    _controls: crate::controls::Controls,
    _handle: crate::dom::Mounted,
}

thread_local! {
    static MOUNTED: RefCell<Vec<(Element, MountHandle)>> = const { RefCell::new(Vec::new()) };
}

/// Entry point (called by `main`): installs the panic hook, exposes `window.TinyChat.mount`
/// and mounts every `[data-tinychat]` element on the page.
pub fn boot() {
    console_error_panic_hook::set_once();
    expose_js_api();
    mount_all();
}

fn window_api() -> Option<js_sys::Object> {
    let window = web_sys::window()?;
    let existing = js_sys::Reflect::get(&window, &"TinyChat".into()).ok()?;
    if existing.is_object() {
        return existing.dyn_into().ok();
    }
    let api = js_sys::Object::new();
    js_sys::Reflect::set(&window, &"TinyChat".into(), &api).ok()?;
    Some(api)
}

fn expose_js_api() {
    let Some(api) = window_api() else { return };
    let mount_fn =
        Closure::<dyn Fn(JsValue, JsValue) -> bool>::new(|el: JsValue, opts: JsValue| {
            let Ok(el) = el.dyn_into::<Element>() else {
                web_sys::console::warn_1(
                    &"TinyChat.mount: the first argument must be an element".into(),
                );
                return false;
            };
            // Asked for by name: even a widget destroyed before the wasm ran comes back.
            let _ = js_sys::Reflect::delete_property(
                el.unchecked_ref::<js_sys::Object>(),
                &DESTROYED.into(),
            );
            // Without options, the element's own attributes (as for `[data-tinychat]`).
            let pairs = if opts.is_object() {
                js_options(&opts)
            } else {
                data_attribute_options(&el)
            };
            mount_with(&el, pairs)
        });
    let _ = js_sys::Reflect::set(&api, &"mount".into(), mount_fn.as_ref());
    mount_fn.forget();
    let unmount_fn = Closure::<dyn Fn(JsValue) -> bool>::new(|el: JsValue| {
        el.dyn_into::<Element>()
            .map(|el| unmount(&el))
            .unwrap_or(false)
    });
    let _ = js_sys::Reflect::set(&api, &"unmount".into(), unmount_fn.as_ref());
    unmount_fn.forget();
}

/// Mounts a widget on every `[data-tinychat]` element not yet mounted.
pub fn mount_all() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(list) = document.query_selector_all(&format!("[{MOUNT_ATTR}], {CUSTOM_ELEMENT}")) else {
        return;
    };
    for i in 0..list.length() {
        if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            let destroyed =
                js_sys::Reflect::get(&el, &DESTROYED.into()).is_ok_and(|v| v.is_truthy());
            if !destroyed {
                mount_with(&el, data_attribute_options(&el));
            }
        }
    }
}

/// Options from the element's `data-*` attributes (names without the `data-` prefix).
/// On a `<tiny-chat>` element every attribute but the HTML globals is an option, without `data-`.
pub fn data_attribute_options(el: &Element) -> Vec<(String, String)> {
    const GLOBAL: &[&str] = &[
        "id", "class", "style", "hidden", "slot", "tabindex", "role", "dir", "lang", "part", "is",
    ];
    let element_form = el.local_name() == CUSTOM_ELEMENT;
    let names = el.get_attribute_names();
    let mut pairs = Vec::new();
    for i in 0..names.length() {
        let Some(name) = names.get(i).as_string() else {
            continue;
        };
        let key = match name.strip_prefix("data-") {
            Some(key) => key,
            None if element_form
                && !GLOBAL.contains(&name.as_str())
                && !name.starts_with("aria-") =>
            {
                name.as_str()
            }
            None => continue,
        };
        if key == "tinychat" || key == "tinychat-mounted" {
            continue;
        }
        if let Some(value) = el.get_attribute(&name) {
            pairs.push((key.to_string(), value));
        }
    }
    pairs
}

/// Options from a JS object: strings as they are, numbers/booleans stringified, arrays joined
/// (`models` with commas, `starterPrompts` with pipes), `strings` as JSON.
pub(crate) fn js_options(opts: &JsValue) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let Some(obj) = opts.dyn_ref::<js_sys::Object>() else {
        return pairs;
    };
    for entry in js_sys::Object::entries(obj).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let Some(key) = entry.get(0).as_string() else {
            continue;
        };
        let value = entry.get(1);
        let text = if let Some(s) = value.as_string() {
            s
        } else if let Some(n) = value.as_f64() {
            crate::browser::number_to_string(n)
        } else if let Some(b) = value.as_bool() {
            b.to_string()
        } else if js_sys::Array::is_array(&value) {
            let sep = if key.starts_with("starter") { "|" } else { "," };
            js_sys::Array::from(&value)
                .iter()
                .filter_map(|v| v.as_string())
                .collect::<Vec<_>>()
                .join(sep)
        } else if value.is_object() {
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        } else {
            continue;
        };
        pairs.push((key, text));
    }
    pairs
}

/// `window.TinyChat.languages[lang]`: the language file's JSON, `""` when it could not be
/// fetched, `None` when it was not asked for yet.
fn language_json(lang: &str) -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let api = js_sys::Reflect::get(&window, &"TinyChat".into()).ok()?;
    let languages = js_sys::Reflect::get(&api, &"languages".into()).ok()?;
    js_sys::Reflect::get(&languages, &lang.into())
        .ok()?
        .as_string()
}

/// Asks the loader for `lang` (`TinyChat.language(lang)`), then remounts `el` with the same
/// options (its `setOptions({})`), now in its language.
fn load_language_then_remount(el: &Element, lang: &'static str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Reflect::get(&window, &"TinyChat".into())
        .and_then(|api| {
            let load: js_sys::Function =
                js_sys::Reflect::get(&api, &"language".into())?.dyn_into()?;
            load.call1(&api, &lang.into())
        })
        .ok();
    let Some(promise) = promise else { return };
    let el = el.clone();
    crate::browser::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await;
        if language_json(lang).is_none() || !el.has_attribute(MOUNTED_ATTR) {
            return;
        }
        let set_options = js_sys::Reflect::get(&el, &"setOptions".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(set_options) = set_options {
            let _ = set_options.call1(&el, &js_sys::Object::new());
        }
    });
}

fn page_locale() -> String {
    let Some(window) = web_sys::window() else {
        return "en".into();
    };
    window
        .document()
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("lang"))
        .filter(|l| !l.trim().is_empty())
        .or_else(|| window.navigator().language())
        .unwrap_or_else(|| "en".into())
}

/// Where the loader found the widget's files (`window.TinyChat.assetBase`), `./` without it.
pub(crate) fn asset_base() -> String {
    window_api()
        .and_then(|api| js_sys::Reflect::get(&api, &"assetBase".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "./".into())
}

/// Mounts one widget on `el` with option `pairs`. Returns false if `el` already has one.
pub fn mount_with(el: &Element, pairs: Vec<(String, String)>) -> bool {
    if el.has_attribute(MOUNTED_ATTR) {
        return false;
    }
    let mut pairs = pairs;
    if let Ok(pending) = js_sys::Reflect::get(el, &PENDING_OPTIONS.into()) {
        if pending.is_object() {
            for (key, value) in js_options(&pending) {
                let wanted = crate::controls::canonical(&key);
                pairs.retain(|(k, _)| crate::controls::canonical(k) != wanted);
                pairs.push((key, value));
            }
        }
        let _ = js_sys::Reflect::delete_property(
            el.unchecked_ref::<js_sys::Object>(),
            &PENDING_OPTIONS.into(),
        );
    }
    if !pairs
        .iter()
        .any(|(k, _)| k == "storage-key" || k == "storageKey")
    {
        // Each widget keeps its own conversations: the namespace defaults to "tinychat", then
        // "tinychat-<element id>" or "tinychat-2", "tinychat-3"… for later widgets on the page.
        let ns = default_namespace(el);
        pairs.push(("storage-key".into(), ns));
    }
    let (options, warnings) = parse_options(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for w in &warnings {
        web_sys::console::warn_1(&format!("TinyChat: {w}").into());
    }
    match mount(el, options, &pairs) {
        // A message queued before the wasm ran is sent during the mount; a page listener of
        // its `tinychat:send` may have taken the element out of the page meanwhile (a router):
        // nothing would unmount it then, so it goes now (its request is aborted).
        Ok(handle) if !el.is_connected() => {
            drop(handle);
            false
        }
        Ok(handle) => {
            let _ = el.set_attribute(MOUNTED_ATTR, "");
            MOUNTED.with(|m| m.borrow_mut().push((el.clone(), handle)));
            crate::events::dispatch(el, "ready", crate::events::Detail::new(), false);
            true
        }
        Err(e) => {
            web_sys::console::error_2(&"TinyChat: could not mount".into(), &e);
            false
        }
    }
}

fn default_namespace(el: &Element) -> String {
    let id = el.id();
    if !id.is_empty() {
        return format!("{DEFAULT_STORAGE_NAMESPACE}-{id}");
    }
    let index = MOUNTED.with(|m| m.borrow().len());
    if index == 0 {
        DEFAULT_STORAGE_NAMESPACE.into()
    } else {
        format!("{DEFAULT_STORAGE_NAMESPACE}-{}", index + 1)
    }
}

/// Unmounts the widget on `el`, if any.
pub fn unmount(el: &Element) -> bool {
    let removed = MOUNTED.with(|m| {
        let mut list = m.borrow_mut();
        let before = list.len();
        list.retain(|(e, _)| e != el);
        before != list.len()
    });
    if removed {
        let _ = el.remove_attribute(MOUNTED_ATTR);
    }
    removed
}

/// Puts focus where it was in the skeleton (the composer, with its caret, or the launcher).
fn restore_focus(shadow: &web_sys::ShadowRoot, handover: &Handover) {
    let target = if handover.composer_focused {
        shadow.query_selector("textarea").ok().flatten()
    } else if handover.launcher_focused && !handover.open {
        shadow.query_selector(".tc-launcher").ok().flatten()
    } else {
        None
    };
    let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return;
    };
    let _ = el.focus();
    if let (Some((start, end)), Some(area)) = (
        handover.selection,
        el.dyn_ref::<web_sys::HtmlTextAreaElement>()
            .filter(|area| area.value() == handover.draft),
    ) {
        let _ = area.set_selection_range(start, end);
    }
}

/// Builds the shadow root, its stylesheet and the Leptos app.
pub fn mount(
    el: &Element,
    options: WidgetOptions,
    pairs: &[(String, String)],
) -> Result<MountHandle, JsValue> {
    let document = el
        .owner_document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let shadow = match el.shadow_root() {
        Some(root) => root,
        None => el.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    // The loader's skeleton, if any: what the visitor typed, focus, a queued message.
    let handover = Handover::read(el, &shadow);
    // Keep the skeleton's stylesheet where it is (already applied: no flash of unstyled
    // content; taken out and put back, the browser would request it again).
    let href = format!("{}{STYLESHEET}", asset_base());
    let mut kept_link = false;
    let children = shadow.child_nodes();
    let mut i = 0;
    while let Some(child) = children.item(i) {
        let is_link = child
            .dyn_ref::<Element>()
            .is_some_and(|e| e.tag_name().eq_ignore_ascii_case("link"));
        if is_link && !kept_link {
            kept_link = true;
            i += 1;
        } else {
            shadow.remove_child(&child)?;
        }
    }
    // A <link> to a same-origin file: allowed by `style-src 'self'` (a <style> would not be).
    if !kept_link {
        let link = document.create_element("link")?;
        link.set_attribute("rel", "stylesheet")?;
        link.set_attribute("href", &href)?;
        shadow.append_child(&link)?;
    }
    let host: HtmlElement = document.create_element("div")?.dyn_into()?;
    host.set_class_name("tc-host");
    shadow.append_child(&host)?;

    let locale = options.locale.clone().unwrap_or_else(page_locale);
    let mut strings = Strings::for_locale(&locale);
    if let Some(lang) = Strings::language_file(&locale).filter(|_| !Strings::BUNDLED) {
        // The language's strings: fetched by the loader before the wasm started (or before
        // this mount); if they are not there yet, the widget starts in English and mounts
        // again in its language once they are.
        match language_json(lang) {
            Some(json) => {
                strings.apply_overrides(&json);
            }
            None => load_language_then_remount(el, lang),
        }
    }
    if let Some((_, json)) = pairs.iter().find(|(k, _)| k == "strings") {
        for key in strings.apply_overrides(json) {
            web_sys::console::warn_1(
                &format!("TinyChat: data-strings: \"{key}\" is not a known string key; ignored")
                    .into(),
            );
        }
    }
    if options.title != WidgetOptions::default().title {
        if let Some(title) = strings.get_mut("title") {
            title.clone_from(&options.title);
        }
    }
    host.set_attribute("lang", &locale)?;
    // Right to left for an RTL language, or inside a right-to-left page (the CSS keys on `dir`).
    let page_rtl = web_sys::window()
        .and_then(|w| w.get_computed_style(el).ok().flatten())
        .is_some_and(|style| style.get_property_value("direction").as_deref() == Ok("rtl"));
    if tinychat_core::i18n::is_rtl_locale(&locale) || page_rtl {
        host.set_attribute("dir", "rtl")?;
    }
    host.set_attribute("data-theme", options.theme.as_str())?;
    host.set_attribute("data-mode", options.mode.as_str())?;
    let store = match &options.storage_key {
        StorageKey::None => Store::new(None),
        StorageKey::Namespace(ns) => Store::new(Some(ns.clone())),
    };
    let slots = crate::controls::Slots::default();
    let controls = crate::controls::install(el, slots.clone(), pairs.to_vec());
    let host_element = el.clone();
    let focus = handover.clone();
    let intent_target = host.clone();
    let handle = crate::dom::mount(&host, move || {
        // The Markdown module (the parser and the highlighter) and the extras (settings,
        // conversation list, export, import, attaching images) are fetched when the visitor
        // shows intent (pointer over the widget, focus in it: also the focus handed over from
        // the loader's frame), or when a reply is drawn (src/ui/markdown_view.rs) or a part of
        // the extras used (src/extras.rs), not for every visitor of the page.
        for name in ["pointerover", "focusin"] {
            crate::dom::on(&intent_target, name, |_| {
                crate::markdown_module::load();
                crate::extras::load();
            });
        }
        provide_context(handover);
        provide_context(slots);
        provide_context(crate::controls::HostElement(StoredValue::new_local(
            host_element,
        )));
        match options.mode {
            Mode::Inline => chat_widget(options, strings, store, None),
            Mode::Launcher => launcher(options, strings, store),
        }
    });
    // Focus moves to the real control in the same task as the skeleton went away: a key pressed
    // right after (Enter on the launcher) must not land on the page's body.
    restore_focus(&shadow, &focus);
    Ok(MountHandle {
        _controls: controls,
        _handle: handle,
    })
}

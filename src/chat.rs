//! `use_chat`: the widget's state and actions, shared by every component through context.
//!
//! The truth is a [`tinychat_core::chat::Library`] (plain Rust, tested natively). The UI sees
//! one [`MessageView`] per message, each with its own signals: a streaming delta touches only
//! that message's text signal, never the list.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tinychat_core::chat::{ErrorInfo, Library, LoadError, Message, MessageState, Role, Settings};
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::{backoff, ChatRequest, Usage};
use tinychat_core::options::{WidgetOptions, DEFAULT_API_BASE};
use web_sys::AbortController;

use crate::browser::{self, now_ms};
use crate::storage::{Area, Store};
use crate::transport::{self, Endpoint, StreamEvent, TransportError};

const LIBRARY_KEY: &str = "conversations";
const LIBRARY_BACKUP_KEY: &str = "conversations.unreadable";
const SETTINGS_KEY: &str = "settings";
const API_KEY_KEY: &str = "api-key";
/// Automatic retries of a retryable error before the first byte.
const MAX_AUTO_RETRIES: u32 = 3;
/// While streaming, the conversation is saved at most this often (a reload keeps the partial reply).
const SAVE_EVERY_MS: f64 = 1000.0;

/// One message as the UI sees it.
#[derive(Clone, Copy)]
pub struct MessageView {
    /// Unique per view (a view is rebuilt when a conversation is reloaded): the list's key.
    pub uid: u64,
    /// Id within the conversation.
    pub id: u64,
    /// Author.
    pub role: Role,
    /// Text so far.
    pub text: RwSignal<String>,
    /// Lifecycle state.
    pub state: RwSignal<MessageState>,
    /// Token usage, once known.
    pub usage: RwSignal<Option<Usage>>,
    /// The error of a failed reply.
    pub error: RwSignal<Option<ErrorInfo>>,
    /// A greeting: shown, never sent, not editable.
    pub local_only: bool,
}

impl MessageView {
    fn from_message(m: &Message) -> Self {
        thread_local!(static NEXT_UID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) });
        let uid = NEXT_UID.with(|n| {
            let v = n.get();
            n.set(v + 1);
            v
        });
        Self {
            uid,
            id: m.id,
            role: m.role,
            text: RwSignal::new(m.text.clone()),
            state: RwSignal::new(m.state),
            usage: RwSignal::new(m.usage),
            error: RwSignal::new(m.error.clone()),
            local_only: m.local_only,
        }
    }
}

/// A row of the conversation list.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationRow {
    /// Conversation id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// `.md`
    Markdown,
    /// `.txt`
    Text,
    /// `.json`, importable.
    Json,
}

/// The widget's state and actions. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct Chat {
    /// Messages of the current conversation.
    pub messages: RwSignal<Vec<MessageView>>,
    /// A reply is streaming (the root's `aria-busy`).
    pub busy: RwSignal<bool>,
    /// Waiting for the first token of the reply.
    pub waiting: RwSignal<bool>,
    /// Shown while an automatic retry waits.
    pub retry_note: RwSignal<Option<String>>,
    /// Polite live-region text: a completed reply is announced once.
    pub announce: RwSignal<String>,
    /// The conversation list.
    pub conversations: RwSignal<Vec<ConversationRow>>,
    /// Id of the current conversation.
    pub current_id: RwSignal<String>,
    /// Saved settings (API base, model, temperature, …; never the key).
    pub settings: RwSignal<Settings>,
    /// The API key in memory ("" when none).
    pub api_key: RwSignal<String>,
    /// Settings dialog open.
    pub settings_open: RwSignal<bool>,
    /// A notice for the user (storage trouble, key needed, import failure).
    pub notice: RwSignal<Option<String>>,
    /// Model ids for the picker.
    pub models: RwSignal<Vec<String>>,
    /// The composer's text (kept when sending is refused, restored on edit).
    pub draft: RwSignal<String>,
    /// Bumped when an action removed the focused control (Stop, Retry, Edit): the composer
    /// takes focus, so keyboard users are never dropped onto the page's body.
    pub focus_composer: RwSignal<u32>,
    /// UI strings.
    pub strings: StoredValue<Strings>,
    /// Embedding options.
    pub options: StoredValue<WidgetOptions>,
    library: StoredValue<Library>,
    store: StoredValue<Store>,
    controller: StoredValue<Option<AbortController>, LocalStorage>,
    last_save: StoredValue<f64>,
    storage_warned: StoredValue<bool>,
    read_only: StoredValue<bool>,
    /// The page is being unloaded (reload, navigation): the browser is about to cut the stream,
    /// and that cut must not be recorded as a failure; the reply comes back "interrupted".
    unloading: StoredValue<bool>,
    /// The widget's reactive owner: message signals are created under it, whichever component's
    /// event handler triggered the change, so they live as long as the widget.
    /// Weak: a strong reference stored in the owner's own arena would keep it alive forever,
    /// and its cleanup (which aborts the stream on unmount) would never run.
    owner: StoredValue<WeakOwner>,
    /// The conversation the running stream writes into (it may no longer be the current one).
    streaming_conv: StoredValue<Option<String>>,
}

/// Creates the chat state, loads what storage holds, provides it as context and returns it.
pub fn use_chat(options: WidgetOptions, strings: Strings, store: Store) -> Chat {
    let mut notices: Vec<String> = Vec::new();
    let now = now_ms();

    // Data written by a newer TinyChat is left alone: nothing is saved over it this session.
    let mut read_only = false;
    let (mut library, corrupt) = match store.get(Area::Local, LIBRARY_KEY) {
        Ok(Some(json)) => match Library::from_storage_json(&json, now) {
            Ok((lib, warnings)) => (lib, !warnings.is_empty()),
            Err(LoadError::UnsupportedSchema { .. }) => {
                read_only = true;
                (Library::new(now), true)
            }
            Err(_) => {
                // Unreadable as a whole: keep a copy before anything is saved over it.
                let _ = store.set(Area::Local, LIBRARY_BACKUP_KEY, &json);
                (Library::new(now), true)
            }
        },
        Ok(None) => (Library::new(now), false),
        Err(_) => {
            if store.enabled() {
                notices.push(strings.storage_unavailable.clone());
            }
            (Library::new(now), false)
        }
    };
    if corrupt {
        notices.push(strings.storage_corrupt.clone());
    }

    let settings = match store.get(Area::Local, SETTINGS_KEY) {
        Ok(Some(json)) => Settings::from_json(&json, &Settings::from_options(&options)),
        _ => Settings::from_options(&options),
    };
    let api_key = store
        .get(Area::Local, API_KEY_KEY)
        .ok()
        .flatten()
        .or_else(|| store.get(Area::Session, API_KEY_KEY).ok().flatten())
        .unwrap_or_default();

    if let Some(greeting) = options.greeting.as_deref() {
        library.current_mut().set_greeting(greeting, now);
    }

    let chat = Chat {
        messages: RwSignal::new(Vec::new()),
        busy: RwSignal::new(false),
        waiting: RwSignal::new(false),
        retry_note: RwSignal::new(None),
        announce: RwSignal::new(String::new()),
        conversations: RwSignal::new(Vec::new()),
        current_id: RwSignal::new(String::new()),
        settings: RwSignal::new(settings),
        api_key: RwSignal::new(api_key),
        settings_open: RwSignal::new(false),
        notice: RwSignal::new(notices.first().cloned()),
        models: RwSignal::new(options.models.clone()),
        draft: RwSignal::new(String::new()),
        focus_composer: RwSignal::new(0),
        strings: StoredValue::new(strings),
        options: StoredValue::new(options),
        library: StoredValue::new(library),
        store: StoredValue::new(store),
        controller: StoredValue::new_local(None),
        last_save: StoredValue::new(0.0),
        storage_warned: StoredValue::new(!notices.is_empty()),
        read_only: StoredValue::new(read_only),
        unloading: StoredValue::new(false),
        owner: StoredValue::new(Owner::current().unwrap_or_default().downgrade()),
        streaming_conv: StoredValue::new(None),
    };
    chat.refresh_views();
    provide_context(chat);
    // pagehide: save the partial reply as it stands; whatever the stream does next is the
    // browser tearing the page down. pageshow (back/forward cache) undoes it.
    let hide = window_event_listener_untyped("pagehide", move |_| {
        if chat.alive() {
            chat.save();
            chat.unloading.set_value(true);
        }
    });
    let show = window_event_listener_untyped("pageshow", move |_| {
        chat.unloading.try_set_value(false);
    });
    on_cleanup(move || {
        hide.remove();
        show.remove();
        chat.abort();
    });
    chat.load_models();
    chat
}

impl Chat {
    /// Whether the widget is still mounted. Async work (a stream, the model list, a retry
    /// countdown) checks this whenever it resumes: touching a disposed signal would panic, and a
    /// panic kills the whole wasm instance.
    pub fn alive(&self) -> bool {
        self.busy.try_get_untracked().is_some()
    }

    /// A view of `m` whose signals belong to the widget (not to the component that asked).
    fn view_of(&self, m: &Message) -> MessageView {
        match self.owner.with_value(WeakOwner::upgrade) {
            Some(owner) => owner.with(|| MessageView::from_message(m)),
            None => MessageView::from_message(m),
        }
    }

    /// Rebuilds message views and the conversation list from the library (not on the hot path).
    fn refresh_views(&self) {
        let chat = *self;
        let (views, id) = self.library.with_value(|lib| {
            let conv = lib.current();
            let views: Vec<MessageView> = conv.messages().iter().map(|m| chat.view_of(m)).collect();
            (views, conv.id().to_string())
        });
        self.messages.set(views);
        self.current_id.set(id);
        self.refresh_list();
    }

    fn refresh_list(&self) {
        let rows = self.library.with_value(|lib| {
            lib.list()
                .into_iter()
                .map(|s| ConversationRow {
                    id: s.id,
                    title: s.title,
                })
                .collect()
        });
        self.conversations.set(rows);
    }

    fn warn_storage(&self, text: String) {
        if !self.storage_warned.get_value() {
            self.storage_warned.set_value(true);
            self.notice.set(Some(text));
        }
    }

    /// Saves the conversations (the key never goes here).
    pub fn save(&self) {
        let store = self.store.get_value();
        if !store.enabled() || self.read_only.get_value() {
            return;
        }
        let json = self.library.with_value(|lib| lib.to_storage_json());
        if store.set(Area::Local, LIBRARY_KEY, &json).is_err() {
            let text = self.strings.with_value(|s| s.storage_unavailable.clone());
            self.warn_storage(text);
        }
        self.last_save.set_value(now_ms());
    }

    fn endpoint(&self) -> Endpoint {
        let settings = self.settings.get_untracked();
        let timeout = self.options.with_value(|o| o.timeout_ms);
        Endpoint {
            api_base: settings.api_base.clone(),
            api_key: Some(self.api_key.get_untracked()),
            idle_timeout: Duration::from_millis(u64::from(timeout)),
        }
    }

    /// Whether a request would go to Mistral's own API without a key (and so must not be sent).
    pub fn key_missing(&self) -> bool {
        let base = self.settings.with_untracked(|s| s.api_base.clone());
        self.api_key.with_untracked(|k| k.trim().is_empty())
            && base
                .trim_end_matches('/')
                .eq_ignore_ascii_case(DEFAULT_API_BASE)
    }

    /// Loads the model list from the API, keeping the built-in list when that fails.
    pub fn load_models(&self) {
        let chat = *self;
        let endpoint = self.endpoint();
        if self.key_missing() {
            return;
        }
        spawn_local(async move {
            if let Ok(mut ids) = transport::fetch_models(&endpoint).await {
                if !ids.is_empty() && chat.alive() {
                    ids.sort();
                    ids.dedup();
                    let current = chat.settings.with_untracked(|s| s.model.clone());
                    if !ids.contains(&current) {
                        ids.insert(0, current);
                    }
                    chat.models.set(ids);
                }
            }
        });
    }

    /// Sends `text` as the next user message. Returns whether it was accepted (the composer
    /// clears only then).
    pub fn send(&self, text: &str) -> bool {
        let text = text.trim();
        if text.is_empty() || self.busy.get_untracked() {
            return false;
        }
        if self.key_missing() {
            let msg = self.strings.with_value(|s| s.key_needed.clone());
            self.notice.set(Some(msg));
            self.settings_open.set(true);
            return false;
        }
        let now = now_ms();
        let chat = *self;
        let view = self.library.try_update_value(|lib| {
            let conv = lib.current_mut();
            let id = conv.push_user(text, now);
            conv.message(id).map(|m| chat.view_of(m))
        });
        if let Some(Some(view)) = view {
            self.messages.update(|m| m.push(view));
        }
        self.refresh_list();
        self.notice.set(None);
        self.run_turn();
        true
    }

    /// Asks again for the last reply (after an error, a stop, or just to get another answer).
    pub fn retry(&self) {
        if self.busy.get_untracked() {
            return;
        }
        let ok = self
            .library
            .try_update_value(|lib| lib.current_mut().retry())
            .unwrap_or(false);
        if ok {
            self.refresh_views();
            self.run_turn();
            self.request_focus();
        }
    }

    /// Replaces user message `id` with `text`, drops every later turn, and resends.
    pub fn edit(&self, id: u64, text: &str) {
        let text = text.trim();
        if text.is_empty() || self.busy.get_untracked() {
            return;
        }
        let now = now_ms();
        let ok = self
            .library
            .try_update_value(|lib| lib.current_mut().edit_user(id, text, now))
            .unwrap_or(false);
        if ok {
            self.refresh_views();
            self.run_turn();
            self.request_focus();
        }
    }

    /// Stops the streaming reply, keeping what arrived.
    pub fn stop(&self) {
        self.abort();
        self.request_focus();
    }

    fn request_focus(&self) {
        self.focus_composer.update(|n| *n = n.wrapping_add(1));
    }

    fn abort(&self) {
        if let Some(Some(controller)) = self.controller.try_get_value() {
            controller.abort();
        }
    }

    fn build_request(&self) -> ChatRequest {
        let settings = self.settings.get_untracked();
        let messages = self.library.with_value(|lib| {
            lib.current()
                .request_messages(settings.system_prompt.as_deref())
        });
        let mut request = ChatRequest::new(settings.model.clone(), messages);
        request.temperature = settings.temperature;
        request.max_tokens = settings.max_tokens;
        request.stream = true;
        request
    }

    /// Streams the assistant's answer to the conversation as it stands.
    fn run_turn(&self) {
        let chat = *self;
        let request = self.build_request();
        let model = request.model.clone();
        let now = now_ms();
        let Some(Some((conv_id, view))) = self.library.try_update_value(|lib| {
            let conv = lib.current_mut();
            let id = conv.start_assistant(&model, now);
            let view = conv.message(id).map(|m| chat.view_of(m))?;
            Some((conv.id().to_string(), view))
        }) else {
            return;
        };
        self.streaming_conv.set_value(Some(conv_id));
        self.messages.update(|m| m.push(view));
        self.busy.set(true);
        self.waiting.set(true);
        self.save();

        spawn_local(async move {
            let endpoint = chat.endpoint();
            let mut attempt = 0;
            let Ok(mut controller) = AbortController::new() else {
                chat.finish_turn(
                    view,
                    Err(TransportError::Network(
                        "AbortController unavailable".into(),
                    )),
                );
                return;
            };
            let result = loop {
                if !chat.alive() || chat.unloading.get_value() {
                    return;
                }
                chat.controller.set_value(Some(controller.clone()));
                let mut got_bytes = false;
                let result =
                    transport::stream_chat(&endpoint, &request, &controller, |event| match event {
                        StreamEvent::FirstByte => {
                            got_bytes = true;
                        }
                        StreamEvent::Delta(delta) => chat.on_delta(view, &delta),
                        StreamEvent::Usage(usage) => {
                            view.usage.try_set(Some(usage));
                        }
                    })
                    .await;
                match result {
                    Err(err) if !got_bytes && err.is_retryable() && attempt < MAX_AUTO_RETRIES => {
                        let wait = backoff(attempt, err.retry_after());
                        attempt += 1;
                        // The next attempt's controller exists before the wait, so Stop during
                        // the countdown cancels it (the last one may be aborted by a timeout).
                        let Ok(next) = AbortController::new() else {
                            break Err(err);
                        };
                        if !chat.alive() {
                            return;
                        }
                        chat.controller.set_value(Some(next.clone()));
                        if !chat.wait_before_retry(wait, &next).await {
                            break Err(TransportError::Aborted);
                        }
                        controller = next;
                    }
                    other => break other,
                }
            };
            if !chat.alive() {
                return;
            }
            chat.retry_note.set(None);
            chat.controller.set_value(None);
            chat.finish_turn(view, result);
        });
    }

    /// Shows a countdown and waits; returns false if the user stopped meanwhile.
    async fn wait_before_retry(&self, wait: Duration, controller: &AbortController) -> bool {
        let template = self.strings.with_value(|s| s.retrying_in.clone());
        let mut left = wait.as_millis() as u64;
        while left > 0 {
            if controller.signal().aborted() || !self.alive() {
                return false;
            }
            let secs = left.div_ceil(1000);
            self.retry_note.set(Some(Strings::fill(&template, secs)));
            let step = left.min(250);
            gloo_timers::future::sleep(Duration::from_millis(step)).await;
            left -= step;
        }
        !controller.signal().aborted() && self.alive()
    }

    fn on_delta(&self, view: MessageView, delta: &str) {
        if !self.alive() {
            return;
        }
        if self.waiting.get_untracked() {
            self.waiting.set(false);
        }
        view.text.update(|t| t.push_str(delta));
        let conv_id = self.streaming_conv.get_value();
        self.library.update_value(|lib| {
            if let Some(conv) = conv_id.and_then(|id| lib.get_mut(&id)) {
                conv.append_delta(view.id, delta);
            }
        });
        if now_ms() - self.last_save.get_value() > SAVE_EVERY_MS {
            self.save();
        }
    }

    fn finish_turn(&self, view: MessageView, result: Result<Option<String>, TransportError>) {
        if !self.alive() || self.unloading.get_value() {
            // Unmounted or unloading mid-stream: what was saved last stays, and comes back
            // "interrupted".
            return;
        }
        let now = now_ms();
        let usage = view.usage.get_untracked();
        let conv_id = self.streaming_conv.get_value();
        self.streaming_conv.set_value(None);
        let state = self.library.try_update_value(|lib| {
            let conv = lib.get_mut(conv_id.as_deref()?)?;
            if let Err(TransportError::Stream(e)) = &result {
                // The mapper may hold text the deltas did not deliver: keep every byte.
                let have = conv.message(view.id).map_or(0, |m| m.text.len());
                if let Some(rest) = e.partial().get(have..) {
                    conv.append_delta(view.id, rest);
                }
            }
            match &result {
                Ok(_) => conv.finish(view.id, usage, now),
                Err(TransportError::Aborted) => conv.stop(view.id, now),
                Err(err) => conv.fail(view.id, err.info(), now),
            };
            conv.message(view.id)
                .map(|m| (m.state, m.error.clone(), m.text.clone()))
        });
        if let Some(Some((state, error, text))) = state {
            // A stream error may carry text the deltas did not (kept by the mapper).
            if text.len() != view.text.with_untracked(String::len) {
                view.text.set(text);
            }
            view.error.set(error);
            view.state.set(state);
        }
        self.busy.set(false);
        self.waiting.set(false);
        if result.is_ok() {
            let done = self.strings.with_value(|s| s.reply_done.clone());
            self.announce.set(done);
        }
        self.refresh_list();
        self.save();
    }

    /// Starts a new conversation (stopping any reply in progress).
    pub fn new_chat(&self) {
        self.abort();
        let now = now_ms();
        let greeting = self.options.with_value(|o| o.greeting.clone());
        self.library.update_value(|lib| {
            lib.new_conversation(now);
            if let Some(g) = greeting.as_deref() {
                lib.current_mut().set_greeting(g, now);
            }
        });
        self.refresh_views();
        self.save();
    }

    /// Switches to conversation `id`.
    pub fn switch(&self, id: &str) {
        self.abort();
        let ok = self
            .library
            .try_update_value(|lib| lib.switch(id))
            .unwrap_or(false);
        if ok {
            self.refresh_views();
            self.save();
        }
    }

    /// Renames conversation `id`.
    pub fn rename(&self, id: &str, title: &str) {
        self.library.update_value(|lib| {
            lib.rename(id, title);
        });
        self.refresh_list();
        self.save();
    }

    /// Deletes conversation `id`.
    pub fn delete(&self, id: &str) {
        if self.current_id.get_untracked() == id {
            self.abort();
        }
        let now = now_ms();
        self.library.update_value(|lib| {
            lib.delete(id, now);
        });
        self.refresh_views();
        self.save();
    }

    /// Downloads the current conversation.
    pub fn export(&self, format: ExportFormat) {
        let (title, body) = self.library.with_value(|lib| {
            let conv = lib.current();
            let body = match format {
                ExportFormat::Markdown => conv.to_markdown(),
                ExportFormat::Text => conv.to_plain_text(),
                ExportFormat::Json => conv.to_json(),
            };
            (conv.title().to_string(), body)
        });
        let (ext, mime) = match format {
            ExportFormat::Markdown => ("md", "text/markdown;charset=utf-8"),
            ExportFormat::Text => ("txt", "text/plain;charset=utf-8"),
            ExportFormat::Json => ("json", "application/json"),
        };
        let name = format!("{}.{ext}", browser::file_stem(&title));
        let _ = browser::download(&name, mime, &body);
    }

    /// Imports a JSON export as a new conversation and switches to it.
    pub fn import(&self, json: &str) {
        let now = now_ms();
        match tinychat_core::chat::import_json(json) {
            Ok(conv) => {
                self.abort();
                self.library.update_value(|lib| {
                    lib.import(conv, now);
                });
                self.refresh_views();
                self.save();
                self.notice.set(None);
            }
            Err(err) => {
                let prefix = self.strings.with_value(|s| s.import_failed.clone());
                self.notice.set(Some(format!("{prefix} {err}")));
            }
        }
    }

    /// Applies and stores new settings; the key goes to local or session storage as chosen.
    pub fn save_settings(&self, settings: Settings, key: String) {
        let store = self.store.get_value();
        let json = settings.to_json();
        let mut failed = store.set(Area::Local, SETTINGS_KEY, &json).is_err();
        let key = key.trim().to_string();
        if settings.remember_key && !key.is_empty() {
            failed |= store.set(Area::Local, API_KEY_KEY, &key).is_err();
            store.remove(Area::Session, API_KEY_KEY);
        } else {
            store.remove(Area::Local, API_KEY_KEY);
            if key.is_empty() {
                store.remove(Area::Session, API_KEY_KEY);
            } else {
                failed |= store.set(Area::Session, API_KEY_KEY, &key).is_err();
            }
        }
        if failed && store.enabled() {
            let text = self.strings.with_value(|s| s.storage_unavailable.clone());
            self.warn_storage(text);
        }
        let base_changed = self
            .settings
            .with_untracked(|s| s.api_base != settings.api_base);
        let key_changed = self.api_key.with_untracked(|k| *k != key);
        self.settings.set(settings);
        self.api_key.set(key);
        if base_changed || key_changed {
            self.load_models();
        }
    }
}

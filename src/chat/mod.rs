//! `use_chat`: the widget's state and actions, shared by every component through context.
//!
//! In the style of leptos-use: state goes out as read-only signals ([`Chat::messages`],
//! [`Chat::busy`], …) and every change is an action method ([`Chat::send`], [`Chat::stop`],
//! [`Chat::open_settings`], …); components never write state. The truth is a
//! [`tinychat_core::chat::Library`] (plain Rust, tested natively); it is the one place that
//! holds every message's text, a streaming reply's included. The UI sees one [`MessageView`]
//! per message whose signals say when that message changed: a delta appends to the library
//! and bumps that message's length signal, never the list.
//!
//! * [`turn`]: sending, streaming a reply, automatic retries, stop;
//! * [`persist`]: loading and saving conversations and settings, export and import;
//! * [`views`]: what the UI reads.

mod attach;
mod persist;
mod turn;
mod views;

use std::collections::HashMap;
use std::sync::Arc;

use crate::prelude::*;
use tinychat_core::chat::{Library, Message, Settings};
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::ModelCapabilities;
use tinychat_core::options::{with_selected_first, WidgetOptions, DEFAULT_API_BASE};
use web_sys::AbortController;

use crate::browser::now_ms;
use crate::channel::Channel;
use crate::controls::{HostElement, Slots};
use crate::conversations::ConversationStore;
use crate::events::{dispatch, Detail};
use crate::handover::Handover;
use crate::storage::Store;
pub use views::{ConversationRow, ExportFormat, MessageView};

/// A panel whose code is in the extras module ([`Chat::open_when_ready`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The settings dialog.
    Settings,
    /// The conversation list.
    List,
}

/// The widget's state and actions. `Copy`: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct Chat {
    messages: RwSignal<Vec<MessageView>>,
    busy: RwSignal<bool>,
    retry_note: RwSignal<Option<String>>,
    announce: RwSignal<String>,
    /// Bumped when a conversation is added, removed, renamed or changed: the conversation list
    /// (in the extras) reads its rows from the library then. No rows are built for a list
    /// nobody opened (they were, sorted, on every send).
    conversations: RwSignal<u32>,
    current_id: RwSignal<String>,
    settings: RwSignal<Settings>,
    api_key: RwSignal<String>,
    settings_open: RwSignal<bool>,
    /// A panel asked for before the extras module's code was there ([`Chat::open_when_ready`]).
    opening: RwSignal<Option<Opening>>,
    notice: RwSignal<Option<String>>,
    models: RwSignal<Vec<String>>,
    /// Images attached to the next message.
    pending_images: RwSignal<Vec<tinychat_core::chat::Image>>,
    /// Files waiting to be read and attached, in the order they came (a paste, then a drop),
    /// and whether the one reader that works through them is running.
    attach_queue: StoredValue<(std::collections::VecDeque<web_sys::File>, bool)>,
    /// A sent image shown larger.
    viewed_image: RwSignal<Option<tinychat_core::chat::Image>>,
    /// Capability flags of the models `/v1/models` listed (none: the documented fallbacks).
    model_caps: RwSignal<Vec<(String, ModelCapabilities)>>,
    draft: RwSignal<String>,
    focus_composer: RwSignal<u32>,
    strings: StoredValue<Arc<Strings>>,
    options: StoredValue<Arc<WidgetOptions>>,
    library: StoredValue<Library>,
    store: StoredValue<Store>,
    /// Where conversations are kept (IndexedDB or memory), once opened.
    conv_store: StoredValue<Option<ConversationStore>>,
    /// The rev of each conversation's record as this tab last read or wrote it.
    revs: StoredValue<HashMap<String, u64>>,
    /// Conversations with a save running (true: run it again when it ends).
    saving: StoredValue<HashMap<String, bool>>,
    /// The store has answered (conversations loaded).
    loaded: StoredValue<bool>,
    /// A message was sent before it answered.
    sent_before_load: StoredValue<bool>,
    /// Conversations another tab streams into, until when (ms).
    remote_streaming: StoredValue<HashMap<String, f64>>,
    /// The tabs' channel.
    channel: StoredValue<Option<Channel>>,
    /// The notice offers an export (storage full).
    offer_export: RwSignal<bool>,
    /// The page's element hosting the widget: events are dispatched on it.
    host: StoredValue<Option<web_sys::Element>>,
    controller: StoredValue<Option<AbortController>>,
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
    /// The owner of the message views shown now (a child of `owner`): each rebuild of the views
    /// makes a new one, and the old one goes once nothing uses its views (`drop_retired`).
    views: StoredValue<Option<Owner>>,
    /// Owners of views no longer shown, kept until no reply streams and the list has redrawn.
    retired: StoredValue<Vec<Owner>>,
}

/// Creates the chat state, loads what storage holds, provides it as context and returns it.
pub fn use_chat(options: WidgetOptions, strings: Strings, store: Store) -> Chat {
    let now = now_ms();
    let loaded = persist::load(&options, &store);
    let mut library = Library::new_salted(now, &persist::tab_salt());
    if let Some(greeting) = options.greeting.as_deref() {
        library.current_mut().set_greeting(greeting, now);
    }
    let chat = Chat {
        messages: RwSignal::new(Vec::new()),
        busy: RwSignal::new(false),
        retry_note: RwSignal::new(None),
        announce: RwSignal::new(String::new()),
        conversations: RwSignal::new(0),
        current_id: RwSignal::new(String::new()),
        settings: RwSignal::new(loaded.settings),
        api_key: RwSignal::new(loaded.api_key),
        settings_open: RwSignal::new(false),
        opening: RwSignal::new(None),
        storage_warned: StoredValue::new(false),
        notice: RwSignal::new(None),
        models: RwSignal::new(options.models.clone()),
        model_caps: RwSignal::new(Vec::new()),
        pending_images: RwSignal::new(Vec::new()),
        attach_queue: StoredValue::new_local(Default::default()),
        viewed_image: RwSignal::new(None),
        draft: RwSignal::new(String::new()),
        focus_composer: RwSignal::new(0),
        strings: StoredValue::new(Arc::new(strings)),
        options: StoredValue::new(Arc::new(options)),
        library: StoredValue::new(library),
        store: StoredValue::new(store),
        conv_store: StoredValue::new_local(None),
        revs: StoredValue::new(HashMap::new()),
        saving: StoredValue::new(HashMap::new()),
        loaded: StoredValue::new(false),
        sent_before_load: StoredValue::new(false),
        remote_streaming: StoredValue::new(HashMap::new()),
        channel: StoredValue::new_local(None),
        offer_export: RwSignal::new(false),
        host: StoredValue::new_local(
            use_context::<HostElement>().and_then(|h| h.0.try_get_value()),
        ),
        controller: StoredValue::new_local(None),
        last_save: StoredValue::new(0.0),
        read_only: StoredValue::new(false),
        unloading: StoredValue::new(false),
        owner: StoredValue::new(Owner::current().unwrap_or_default().downgrade()),
        views: StoredValue::new_local(None),
        retired: StoredValue::new_local(Vec::new()),
    };
    chat.refresh_views();
    chat.start_storage();
    provide_context(chat);
    if let Some(slots) = use_context::<Slots>() {
        if let Ok(mut slot) = slots.chat.lock() {
            *slot = Some(chat);
        }
    }
    // pagehide: save the partial reply as it stands; whatever the stream does next is the
    // browser tearing the page down. pageshow (back/forward cache) undoes it.
    let hide = window_event_listener_untyped("pagehide", move |_| {
        if chat.alive() {
            chat.save_streaming();
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
        chat.channel.try_update_value(|c| c.take());
    });
    chat.load_models();
    if let Some(handover) = use_context::<Handover>() {
        chat.take_over(handover);
    }
    chat
}

/// Read-only state.
impl Chat {
    /// Messages of the current conversation.
    pub fn messages(&self) -> ReadSignal<Vec<MessageView>> {
        self.messages.read_only()
    }

    /// A reply is streaming (the root's `aria-busy`).
    pub fn busy(&self) -> ReadSignal<bool> {
        self.busy.read_only()
    }

    /// Shown while an automatic retry waits.
    pub fn retry_note(&self) -> ReadSignal<Option<String>> {
        self.retry_note.read_only()
    }

    /// Polite live-region text: a completed reply is announced once.
    pub fn announcement(&self) -> ReadSignal<String> {
        self.announce.read_only()
    }

    /// Id of the current conversation.
    pub fn current_id(&self) -> ReadSignal<String> {
        self.current_id.read_only()
    }

    /// Saved settings (API base, model, temperature, …; never the key).
    pub fn settings(&self) -> ReadSignal<Settings> {
        self.settings.read_only()
    }

    /// The API key in memory ("" when none).
    pub fn api_key(&self) -> ReadSignal<String> {
        self.api_key.read_only()
    }

    /// Whether the settings dialog is open.
    pub fn settings_open(&self) -> ReadSignal<bool> {
        self.settings_open.read_only()
    }

    /// The panel waiting for the extras module to open, if any (its button shows it busy).
    pub fn opening(&self) -> ReadSignal<Option<Opening>> {
        self.opening.read_only()
    }

    /// A notice for the user (storage trouble, key needed, import failure).
    pub fn notice(&self) -> ReadSignal<Option<String>> {
        self.notice.read_only()
    }

    /// Model ids for the picker (the selected model always among them).
    pub fn models(&self) -> ReadSignal<Vec<String>> {
        self.models.read_only()
    }

    /// The capability flags `/v1/models` gave for `model`, if it listed them (tracked).
    pub fn caps_of(&self, model: &str) -> Option<ModelCapabilities> {
        self.model_caps
            .with(|caps| caps.iter().find(|(id, _)| id == model).map(|(_, c)| *c))
    }

    /// [`Chat::caps_of`], untracked.
    pub fn caps_untracked(&self, model: &str) -> Option<ModelCapabilities> {
        self.model_caps
            .with_untracked(|caps| caps.iter().find(|(id, _)| id == model).map(|(_, c)| *c))
    }

    /// The agent this widget talks to, if any (tracked).
    pub fn agent_id(&self) -> Option<String> {
        self.settings.with(|s| s.agent_id.clone())
    }

    /// The composer's text (kept when sending is refused, restored on edit).
    pub fn draft(&self) -> ReadSignal<String> {
        self.draft.read_only()
    }

    /// Changes when an action removed the focused control (Stop, Retry, Edit): the composer
    /// takes focus, so keyboard users are never dropped onto the page's body.
    pub fn focus_requests(&self) -> ReadSignal<u32> {
        self.focus_composer.read_only()
    }

    /// UI strings (locale + overrides). Cheap to clone.
    pub fn strings(&self) -> Arc<Strings> {
        self.strings.get_value()
    }

    /// One UI string, e.g. `chat.t(|s| &s.send)`. `Chat` is `Copy`, so views call this from any
    /// closure without cloning the table.
    pub fn t(&self, pick: impl FnOnce(&Strings) -> &String) -> String {
        self.strings.with_value(|s| pick(s).clone())
    }

    /// Embedding options. Cheap to clone.
    pub fn options(&self) -> Arc<WidgetOptions> {
        self.options.get_value()
    }

    /// Runs `f` on message `view` where it lives (its conversation), without copying it;
    /// `None` if the message is gone. Every reader of a message's parts goes through here.
    pub fn with_message<R>(&self, view: &MessageView, f: impl FnOnce(Option<&Message>) -> R) -> R {
        let conv = view.conversation.try_get_value().unwrap_or_default();
        self.library.with_value_or_none(|lib| {
            f(lib
                .and_then(|lib| lib.get(&conv))
                .and_then(|c| c.message(view.id)))
        })
    }

    /// Reads message `view`'s text without copying it. `f` gets `""` if the message is gone.
    pub fn with_text<R>(&self, view: &MessageView, f: impl FnOnce(&str) -> R) -> R {
        self.with_message(view, |m| f(m.map_or("", |m| m.text.as_str())))
    }

    /// Runs `f` on message `view`'s thinking (`""` if none), without copying it.
    pub fn with_thinking<R>(&self, view: &MessageView, f: impl FnOnce(&str) -> R) -> R {
        self.with_message(view, |m| f(m.map_or("", |m| m.thinking.as_str())))
    }

    /// The page-tool call a tool message answers, and whether its handler failed.
    pub fn tool_call_of(
        &self,
        view: &MessageView,
    ) -> Option<(tinychat_core::mistral::ToolInvocation, bool)> {
        self.with_message(view, |m| {
            let m = m?;
            Some((m.tool_call.clone()?, m.tool_failed))
        })
    }

    /// The images message `view` carries.
    pub fn images_of(&self, view: &MessageView) -> Vec<tinychat_core::chat::Image> {
        self.with_message(view, |m| m.map(|m| m.images.clone()).unwrap_or_default())
    }

    /// The sources message `view` cites.
    pub fn sources_of(&self, view: &MessageView) -> Vec<tinychat_core::mistral::Source> {
        self.with_message(view, |m| m.map(|m| m.sources.clone()).unwrap_or_default())
    }

    /// Message `view`'s text, copied (for Copy and Edit).
    pub fn text_of(&self, view: &MessageView) -> String {
        self.with_text(view, str::to_owned)
    }

    /// Whether `view` is the last message of the current conversation.
    pub fn is_last(&self, view: &MessageView) -> bool {
        self.messages
            .with(|m| m.last().map(|l| l.uid) == Some(view.uid))
    }

    /// Whether a request would go to Mistral's own API without a key (and so must not be sent).
    pub fn key_missing(&self) -> bool {
        let base = self.settings.with_untracked(|s| s.api_base.clone());
        self.api_key.with_untracked(|k| k.trim().is_empty())
            && base
                .trim_end_matches('/')
                .eq_ignore_ascii_case(DEFAULT_API_BASE)
    }

    /// Whether the widget is still mounted. Async work (a stream, the model list, a retry
    /// countdown) checks this whenever it resumes: touching a disposed signal would panic, and a
    /// panic kills the whole wasm instance.
    pub fn alive(&self) -> bool {
        self.busy.try_get_untracked().is_some()
    }

    /// The store has answered: the conversations on screen are the stored ones.
    pub fn loaded(&self) -> bool {
        self.loaded.try_get_value().unwrap_or(false)
    }

    /// Nothing is in flight that unmounting would lose: the store has answered, no reply
    /// streams (nor page tool runs), and no save is being written.
    pub fn settled(&self) -> bool {
        self.alive()
            && self.loaded()
            && !self.busy.get_untracked()
            && self
                .saving
                .try_with_value(HashMap::is_empty)
                .unwrap_or(false)
    }
}

/// Small UI actions.
impl Chat {
    /// Opens the settings dialog.
    pub fn open_settings(&self) {
        let chat = *self;
        self.open_when_ready(Opening::Settings, move || chat.settings_open.set(true));
    }

    /// Runs `open` (a panel whose code is in the extras module) once that module runs: at once
    /// if it does. While it is being fetched, a second press of the same button cancels, and a
    /// press for another panel replaces it: a slow fetch never opens a panel the visitor has
    /// given up on.
    pub fn open_when_ready(&self, which: Opening, open: impl FnOnce() + 'static) {
        if self.opening.get_untracked() == Some(which) {
            self.opening.set(None);
            return;
        }
        self.opening.set(Some(which));
        let opening = self.opening;
        self.with_extras(move || {
            if opening.get_untracked() == Some(which) {
                opening.set(None);
                open();
            }
        });
    }

    /// Runs `f` once the code of the seldom-used parts is loaded ([`crate::extras`]); if it
    /// cannot be, says so in a notice.
    pub fn with_extras(&self, f: impl FnOnce() + 'static) {
        self.with_extras_boxed(Box::new(f));
    }

    /// [`Chat::with_extras`], one copy for every caller (generic, it cost ~2 KB of wasm each).
    #[inline(never)]
    fn with_extras_boxed(&self, f: Box<dyn FnOnce()>) {
        let chat = *self;
        crate::extras::then(
            move || {
                if chat.alive() {
                    f();
                }
            },
            move |failure| {
                if chat.alive() {
                    chat.opening.set(None);
                    chat.show_notice(chat.t(|s| match failure {
                        crate::extras::Failure::Unreachable => s.extras_failed(),
                        crate::extras::Failure::Outdated => s.extras_outdated(),
                    }));
                }
            },
        );
    }

    /// Closes the settings dialog (without saving).
    pub fn close_settings(&self) {
        self.settings_open.set(false);
    }

    /// Dismisses the notice.
    pub fn dismiss_notice(&self) {
        self.notice.set(None);
        self.offer_export.set(false);
    }

    /// Whether the notice offers an export (storage is full).
    pub fn notice_offers_export(&self) -> ReadSignal<bool> {
        self.offer_export.read_only()
    }

    /// Records what the composer holds.
    pub fn set_draft(&self, text: String) {
        self.draft.set(text);
    }

    /// Sends the composer's text; clears it when accepted. Returns whether it was.
    pub fn send_draft(&self) -> bool {
        let text = self.draft.get_untracked();
        let sent = self.send(&text);
        if sent {
            self.draft.set(String::new());
        }
        sent
    }

    /// Takes over from the loader's skeleton: the typed text becomes the draft, and a message
    /// sent before the wasm ran is sent now, during the mount, so its request is on the wire
    /// before the widget's views are built (they are built from the state this leaves, and the
    /// reply cannot stream into them before the mount returns). If it is not accepted (the page
    /// cancels `tinychat:send`, a key is missing), the visitor's message goes back into the
    /// composer, before what they typed since (the caret goes to the end: the composer keeps
    /// the skeleton's caret only for the skeleton's text).
    fn take_over(&self, handover: Handover) {
        let Handover {
            draft,
            queued,
            queued_by_page,
            ..
        } = handover;
        if !draft.is_empty() {
            self.draft.set(draft.clone());
        }
        let Some(mut text) = queued else {
            return;
        };
        if self.send(&text) || queued_by_page {
            return;
        }
        if !draft.trim().is_empty() {
            text.push('\n');
            text.push_str(&draft);
        }
        self.draft.set(text);
    }

    fn request_focus(&self) {
        self.focus_composer.update(|n| *n = n.wrapping_add(1));
    }

    /// Dispatches `tinychat:<name>` on the host element; false if a listener canceled it.
    pub(super) fn emit(&self, name: &str, detail: Detail, cancelable: bool) -> bool {
        self.host
            .try_with_value(|h| h.as_ref().map(|h| dispatch(h, name, detail, cancelable)))
            .flatten()
            .unwrap_or(true)
    }

    /// The current conversation as its versioned JSON export (`getConversation()`).
    pub fn conversation_json(&self) -> String {
        self.library.with_value(|lib| lib.current().to_json())
    }

    /// Deletes the current conversation and shows an empty one (`clear()`).
    pub fn clear_current(&self) {
        let old = self.current_id.get_untracked();
        let empty = self.library.with_value(|lib| lib.current().is_empty());
        self.new_chat();
        if !empty {
            self.delete(&old);
        }
    }

    fn show_notice(&self, text: String) {
        self.notice.set(Some(text));
    }
}

/// Conversations.
impl Chat {
    /// A view of message `m` of conversation `conv`, whose signals belong to the owner of the
    /// views shown now (the widget's), not to the component that asked.
    fn view_of(&self, conv: &str, m: &Message) -> MessageView {
        let generation = self.views.try_with_value(Option::clone).flatten();
        match generation.or_else(|| self.owner.with_value(WeakOwner::upgrade)) {
            Some(owner) => owner.with(|| MessageView::new(conv, m)),
            None => MessageView::new(conv, m),
        }
    }

    /// Rebuilds message views and the conversation list from the library (not on the hot path).
    /// The new views get an owner of their own; the old views' owner is retired, and disposed
    /// once nothing uses them, so switching conversations or another tab's saves do not add up.
    fn refresh_views(&self) {
        let generation = self.owner.with_value(WeakOwner::upgrade).map(|o| o.child());
        let old = self
            .views
            .try_update_value(|v| std::mem::replace(v, generation))
            .flatten();
        let chat = *self;
        let (views, id) = self.library.with_value(|lib| {
            let conv = lib.current();
            let views: Vec<MessageView> = conv
                .messages()
                .iter()
                .map(|m| chat.view_of(conv.id(), m))
                .collect();
            (views, conv.id().to_string())
        });
        self.messages.set(views);
        self.current_id.set(id);
        self.refresh_list();
        if let Some(old) = old {
            self.retired.update_value(|r| r.push(old));
            self.drop_retired();
        }
    }

    /// Disposes the retired views' owners on a later task (the message list has drawn the new
    /// views by then, so no effect reads the old ones), unless a reply streams: its view may be
    /// one of them; the end of the turn calls this again.
    pub(super) fn drop_retired(&self) {
        let chat = *self;
        set_timeout(
            move || {
                if chat.busy.try_get_untracked() == Some(false) {
                    let retired = chat.retired.try_update_value(std::mem::take);
                    drop(retired);
                }
            },
            std::time::Duration::ZERO,
        );
    }

    /// The conversations whose title or messages contain every word of `query`, newest first
    /// (tracks the list, so it re-runs when conversations change).
    pub fn search(&self, query: &str) -> Vec<ConversationRow> {
        self.conversations.track();
        self.library.with_value(|lib| {
            lib.search_folded(query, &crate::browser::lowercase)
                .into_iter()
                .map(|s| ConversationRow {
                    id: s.id,
                    title: s.title,
                    message_count: s.message_count,
                })
                .collect()
        })
    }

    fn refresh_list(&self) {
        self.conversations.update(|n| *n = n.wrapping_add(1));
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
        self.remember_current();
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
            self.remember_current();
        }
    }

    /// Renames conversation `id`.
    pub fn rename(&self, id: &str, title: &str) {
        self.library.update_value(|lib| {
            lib.rename(id, title);
        });
        self.refresh_list();
        self.save_conversation(id);
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
        self.forget_conversation(id);
        self.refresh_views();
        self.remember_current();
    }

    /// Loads the model list from the API, keeping the built-in list when that fails: once the
    /// extras module runs (its code is there), so a visitor who never touches the widget costs
    /// the API no request.
    pub fn load_models(&self) {
        let chat = *self;
        crate::extras::on_load(move || {
            if chat.alive() {
                chat.extra_load_models();
            }
        });
    }

    #[inline(never)] // scripts/split.mjs moves it (by its name) to the extras module
    fn extra_load_models(&self) {
        let chat = *self;
        let endpoint = self.endpoint();
        if self.key_missing() {
            return;
        }
        crate::browser::spawn_local(async move {
            if let Ok(models) = crate::transport::fetch_models(&endpoint).await {
                if !models.is_empty() && chat.alive() {
                    let caps = models
                        .iter()
                        .filter_map(|(id, caps)| caps.map(|c| (id.clone(), c)))
                        .collect();
                    chat.model_caps.set(caps);
                    let mut ids: Vec<String> = models.into_iter().map(|(id, _)| id).collect();
                    // Equal ids are equal strings: unstable is the same order, in less code.
                    ids.sort_unstable();
                    ids.dedup();
                    let current = chat.settings.with_untracked(|s| s.model.clone());
                    chat.models.set(with_selected_first(&ids, &current));
                }
            }
        });
    }
}

//! Loading and saving. Conversations: one IndexedDB record each ([`ConversationStore`]), written
//! per conversation, announced to other tabs ([`Channel`]), merged when two tabs wrote one;
//! data of the previous version (`<ns>:conversations` in `localStorage`) is imported once.
//! Settings and the key stay in `localStorage` / `sessionStorage` (the key only where the user
//! chose). Export as a download, import from a file.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use crate::prelude::*;
use tinychat_core::chat::records::{read_record, to_record};
use tinychat_core::chat::{import_json, Library, Settings};
use tinychat_core::options::WidgetOptions;

use super::{Chat, ExportFormat, MessageView};
use crate::browser::{self, now_ms};
use crate::channel::{Change, Channel};
use crate::conversations::{ConversationStore, StoreError};
use crate::events::Detail;
use crate::storage::{Area, Store};
use tinychat_core::chat::Feedback;
use tinychat_core::error::ErrorKind;
use wasm_bindgen::{JsCast, JsValue};

/// Schema-1 library: read once, imported into IndexedDB, then removed.
const LEGACY_LIBRARY_KEY: &str = "conversations";
/// Where an unreadable schema-1 library is set aside.
const LEGACY_BACKUP_KEY: &str = "conversations.unreadable";
const SETTINGS_KEY: &str = "settings";
const API_KEY_KEY: &str = "api-key";
/// Host-element property holding conversations across a remount when nothing is stored.
const CARRY: &str = "tinychatCarry";
/// A tab that announced a streaming reply is believed for this long without news.
const REMOTE_STREAM_TTL_MS: f64 = 6000.0;

/// What `localStorage` held when the widget started (conversations come later, async).
pub(super) struct Loaded {
    pub settings: Settings,
    pub api_key: String,
}

pub(super) fn load(options: &WidgetOptions, store: &Store) -> Loaded {
    let defaults = Settings::from_options(options);
    let settings = match store.get(Area::Local, SETTINGS_KEY) {
        Ok(Some(json)) => Settings::from_json(&json, &defaults),
        _ => defaults,
    };
    let api_key = store
        .get(Area::Local, API_KEY_KEY)
        .ok()
        .flatten()
        .or_else(|| store.get(Area::Session, API_KEY_KEY).ok().flatten())
        .unwrap_or_default();
    Loaded { settings, api_key }
}

/// A random tab id: conversation ids created here never equal another tab's.
pub(super) fn tab_salt() -> String {
    let n = (js_sys::Math::random() * 2_176_782_336.0) as u64; // 36^6
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..6)
        .map(|i| digits[((n / 36u64.pow(i)) % 36) as usize] as char)
        .collect()
}

impl Chat {
    /// Opens the conversation store (or memory), imports schema-1 data once, loads every
    /// conversation and joins the tabs' channel. The widget works meanwhile; a message sent
    /// before this finishes is kept and saved when it does.
    pub(super) fn start_storage(&self) {
        let chat = *self;
        let store = self.store.get_value();
        let Some(ns) = store.namespace().map(str::to_owned) else {
            // data-storage-key="none": nothing is stored; a widget mounted again by
            // `setOptions` gets back the conversations its previous mount carried over.
            self.conv_store.set_value(Some(ConversationStore::memory()));
            if let Some((current, records)) = self.take_carried() {
                let conversations = records
                    .iter()
                    .filter_map(|json| read_record(json).ok())
                    .map(|read| (read.conversation, 0))
                    .collect();
                self.adopt(conversations, Some(&current));
            }
            self.mark_loaded();
            return;
        };
        spawn_local(async move {
            let (conv_store, unavailable) =
                match ConversationStore::open(&ns, move |upgraded| chat.store_lost(upgraded)).await
                {
                    Ok(s) => (s, false),
                    Err(_) => (ConversationStore::memory(), true),
                };
            if !chat.alive() {
                return;
            }
            let strings = chat.strings();
            if unavailable {
                chat.warn_storage(strings.storage_unavailable());
            }
            // The previous version's library: imported once, removed once read back. Its reader
            // is in the extras module (few visitors still have one), fetched for it now; if it
            // cannot be, the old key stays and the next page load tries again.
            let legacy = store.get(Area::Local, LEGACY_LIBRARY_KEY).ok().flatten();
            // Ids to find in the store before the old key may go (None: keep the old key).
            let mut migrated_ids: Option<Vec<String>> = None;
            if let (Some(json), true) = (legacy, conv_store.persistent()) {
                if crate::extras::ready().await && chat.alive() {
                    // Boxed behind `dyn`: its code stays a function of its own, which
                    // scripts/split.mjs moves to the extras.
                    let import: Pin<Box<dyn Future<Output = Option<Vec<String>>>>> =
                        Box::pin(chat.extra_import_legacy(conv_store.clone(), json));
                    migrated_ids = import.await;
                }
            }
            let loaded = conv_store.load_all().await;
            if !chat.alive() {
                return;
            }
            match loaded {
                Ok(loaded) => {
                    let have: Vec<&str> =
                        loaded.conversations.iter().map(|(c, _)| c.id()).collect();
                    if migrated_ids
                        .is_some_and(|ids| ids.iter().all(|id| have.contains(&id.as_str())))
                    {
                        store.remove(Area::Local, LEGACY_LIBRARY_KEY);
                    }
                    if loaded.damaged > 0 {
                        chat.show_notice(strings.storage_corrupt().clone());
                    }
                    // Records written mid-stream are not taken as busy here: after a reload the
                    // writer may be this very tab, gone. A live writer's heartbeat (2 s) says so.
                    chat.adopt(loaded.conversations, loaded.current.as_deref());
                }
                Err(_) => chat.warn_storage(strings.storage_unavailable()),
            }
            chat.conv_store.set_value(Some(conv_store));
            chat.join_channel(&ns);
            chat.mark_loaded();
        });
    }

    /// Imports the previous version's library (`json`, from `localStorage`) into `conv_store`
    /// once; returns the ids to find there before the old key may go (None: keep it). One
    /// unreadable as a whole is set aside under another key and reported. In the extras module.
    async fn extra_import_legacy(
        self,
        conv_store: ConversationStore,
        json: String,
    ) -> Option<Vec<String>> {
        let store = self.store.get_value();
        let now = now_ms();
        match Library::from_storage_json(&json, now) {
            Ok((lib, _)) => conv_store.migrate(lib, now).await.ok(),
            // Written by a newer TinyChat: left alone.
            Err(tinychat_core::chat::LoadError::UnsupportedSchema { .. }) => None,
            Err(_) => {
                let _ = store.set(Area::Local, LEGACY_BACKUP_KEY, &json);
                store.remove(Area::Local, LEGACY_LIBRARY_KEY);
                if self.alive() {
                    self.show_notice(self.strings().storage_corrupt().clone());
                    self.storage_warned.set_value(true);
                }
                None
            }
        }
    }

    /// Replaces the fresh library with what the store holds, keeping what was typed meanwhile.
    fn adopt(
        &self,
        conversations: Vec<(tinychat_core::chat::Conversation, u64)>,
        current: Option<&str>,
    ) {
        if conversations.is_empty() {
            return;
        }
        let now = now_ms();
        let greeting = self.options().greeting.clone();
        let revs: HashMap<String, u64> = conversations
            .iter()
            .map(|(c, rev)| (c.id().to_string(), *rev))
            .collect();
        let fresh_is_empty = self.library.with_value(|lib| lib.current().is_empty());
        if !fresh_is_empty {
            // Something was sent before the store answered: keep that conversation, current,
            // and its views as they are (its reply may be streaming into them: new views would
            // not get its deltas); the stored ones join the list.
            self.library.update_value(|lib| {
                let current = lib.current().id().to_string();
                for (c, _) in conversations {
                    if c.id() != current {
                        lib.upsert(c);
                    }
                }
            });
            self.revs.set_value(revs);
            self.refresh_list();
            return;
        }
        let salt = tab_salt();
        let mut lib = Library::from_conversations(
            conversations.into_iter().map(|(c, _)| c).collect(),
            current,
            now,
        );
        lib.set_id_salt(&salt);
        if let Some(g) = greeting.as_deref() {
            if lib.current().is_empty() {
                lib.current_mut().set_greeting(g, now);
            }
        }
        self.library.set_value(lib);
        self.revs.set_value(revs);
        self.refresh_views();
    }

    fn mark_loaded(&self) {
        self.loaded.set_value(true);
        // A message sent before the store answered is saved now (only then: a page load does
        // not rewrite a stored conversation).
        if self.sent_before_load.get_value() {
            self.save();
        }
    }

    fn join_channel(&self, ns: &str) {
        let chat = *self;
        let channel = Channel::join(ns, move |change| chat.on_remote_change(change));
        self.channel.set_value(channel);
    }

    /// Another tab changed something.
    fn on_remote_change(&self, change: Change) {
        if !self.alive() {
            return;
        }
        match change {
            Change::Saved { id, rev } => {
                if self.revs.with_value(|r| r.get(&id).copied().unwrap_or(0)) >= rev {
                    return;
                }
                let chat = *self;
                let Some(store) = self.conv_store.get_value() else {
                    return;
                };
                spawn_local(async move {
                    let Ok(Some(read)) = store.load_read(&id).await else {
                        return;
                    };
                    let (conv, rev) = (read.conversation, read.rev);
                    if read.was_streaming && !chat.is_streaming_into(&id) {
                        chat.note_remote_streaming(id.clone());
                    }
                    if !chat.alive() || chat.is_streaming_into(&id) {
                        // Our next save merges their version in.
                        return;
                    }
                    chat.revs.update_value(|r| {
                        r.insert(id.clone(), rev);
                    });
                    chat.library.update_value(|lib| lib.upsert(conv));
                    if chat.current_id.get_untracked() == id {
                        chat.refresh_views();
                    } else {
                        chat.refresh_list();
                    }
                });
            }
            Change::Deleted { id } => {
                let now = now_ms();
                let was_current = self.current_id.get_untracked() == id;
                let removed = self
                    .library
                    .try_update_value(|lib| lib.get(&id).is_some() && lib.remove(&id, now))
                    .unwrap_or(false);
                if removed {
                    if was_current {
                        self.abort();
                        self.refresh_views();
                    } else {
                        self.refresh_list();
                    }
                }
            }
            Change::Streaming { id, done } => {
                if done {
                    self.remote_streaming.update_value(|m| {
                        m.remove(&id);
                    });
                } else {
                    self.note_remote_streaming(id);
                }
            }
        }
    }

    /// Another tab streams into conversation `id` (believed for a few seconds without news).
    fn note_remote_streaming(&self, id: String) {
        self.remote_streaming.update_value(|m| {
            m.insert(id, now_ms() + REMOTE_STREAM_TTL_MS);
        });
    }

    /// Whether another tab is streaming a reply into conversation `id` right now.
    pub(super) fn streaming_elsewhere(&self, id: &str) -> bool {
        self.remote_streaming
            .with_value(|m| m.get(id).is_some_and(|until| *until > now_ms()))
    }

    pub(super) fn is_streaming_into(&self, id: &str) -> bool {
        self.library
            .with_value(|lib| lib.get(id).is_some_and(|c| c.streaming_id().is_some()))
    }

    pub(super) fn announce_change(&self, change: Change) {
        self.channel.with_value(|c| {
            if let Some(c) = c {
                c.announce(&change);
            }
        });
    }

    fn warn_storage(&self, text: &str) {
        if !self.storage_warned.get_value() {
            self.storage_warned.set_value(true);
            self.show_notice(text.to_owned());
        }
    }

    /// Another tab upgraded the database (a newer TinyChat) or deleted it, and this page's
    /// connection was closed: nothing more is saved here. Says so (after an upgrade: reload to
    /// keep saving) and offers the export of what is on screen.
    fn store_lost(&self, upgraded: bool) {
        if !self.alive() {
            return;
        }
        self.read_only.set_value(true);
        self.storage_warned.set_value(true);
        self.offer_export.set(true);
        let strings = self.strings();
        self.show_notice(if upgraded {
            strings.storage_replaced().clone()
        } else {
            strings.storage_unavailable().clone()
        });
    }

    fn storage_failed(&self, error: &StoreError) {
        let strings = self.strings();
        match error {
            StoreError::Quota => {
                self.offer_export.set(true);
                self.warn_storage(strings.storage_full());
            }
            _ => self.warn_storage(strings.storage_unavailable()),
        }
    }

    /// Saves the current conversation.
    pub fn save(&self) {
        let id = self.current_id.get_untracked();
        self.save_conversation(&id);
    }

    /// Saves conversation `id` (only it), merging if another tab wrote it meanwhile, and tells
    /// the other tabs. Saves of one conversation never overlap: a save asked for while one runs
    /// runs after it.
    pub(super) fn save_conversation(&self, id: &str) {
        self.last_save.set_value(now_ms());
        if self.read_only.get_value() || !self.loaded.get_value() {
            return;
        }
        let busy = self
            .saving
            .try_update_value(|s| {
                let busy = s.contains_key(id);
                s.insert(id.to_string(), busy);
                busy
            })
            .unwrap_or(true);
        if busy {
            return; // marked: the running save goes again when it ends
        }
        let chat = *self;
        let id = id.to_string();
        spawn_local(async move {
            loop {
                let Some(store) = chat.conv_store.try_get_value().flatten() else {
                    return;
                };
                let Some(Some(conv)) = chat.library.try_with_value(|lib| lib.get(&id).cloned())
                else {
                    chat.saving.try_update_value(|s| s.remove(&id));
                    return;
                };
                let base = chat.revs.with_value(|r| r.get(&id).copied().unwrap_or(0));
                let result = store.save(&conv, base).await;
                if !chat.alive() {
                    return;
                }
                match result {
                    Ok((rev, merged)) => {
                        chat.revs.update_value(|r| {
                            r.insert(id.clone(), rev);
                        });
                        if let Some(merged) = merged {
                            if !chat.is_streaming_into(&id) {
                                chat.library.update_value(|lib| lib.upsert(merged));
                                if chat.current_id.get_untracked() == id {
                                    chat.refresh_views();
                                }
                            }
                        }
                        chat.announce_change(Change::Saved {
                            id: id.clone(),
                            rev,
                        });
                    }
                    Err(e) => chat.storage_failed(&e),
                }
                let again = chat
                    .saving
                    .try_update_value(|s| {
                        if s.get(&id).copied().unwrap_or(false) {
                            s.insert(id.clone(), false);
                            true
                        } else {
                            s.remove(&id);
                            false
                        }
                    })
                    .unwrap_or(false);
                if !again {
                    return;
                }
            }
        });
    }

    /// Deletes conversation `id` from the store and tells the other tabs.
    pub(super) fn forget_conversation(&self, id: &str) {
        if self.read_only.get_value() {
            return; // the store is closed (see store_lost); the notice says so
        }
        let chat = *self;
        let id = id.to_string();
        let Some(store) = self.conv_store.get_value() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = store.delete(&id).await {
                chat.storage_failed(&e);
            } else {
                chat.announce_change(Change::Deleted { id });
            }
        });
    }

    /// Remembers the shown conversation for the next page of the site.
    pub(super) fn remember_current(&self) {
        let id = self.current_id.get_untracked();
        if let Some(store) = self.conv_store.get_value() {
            spawn_local(async move {
                let _ = store.set_current(&id).await;
            });
        }
    }

    /// Keeps this widget's conversations on its host element while it is mounted again
    /// (`setOptions`), when they live nowhere else (`data-storage-key="none"`): the current
    /// conversation's id, then each conversation as its record (as IndexedDB would keep it).
    pub fn carry_over(&self) {
        if self.store.with_value(Store::enabled) {
            return;
        }
        let carried = js_sys::Array::new();
        carried.push(&self.current_id.get_untracked().into());
        self.library.with_value(|lib| {
            for conversation in lib.iter() {
                carried.push(&to_record(conversation, 0).into());
            }
        });
        self.host.with_value(|h| {
            if let Some(h) = h {
                let _ = js_sys::Reflect::set(h, &CARRY.into(), &carried);
            }
        });
    }

    /// What [`Chat::carry_over`] kept: the current id and the records.
    fn take_carried(&self) -> Option<(String, Vec<String>)> {
        self.host.with_value(|h| {
            let h = h.as_ref()?;
            let carried = js_sys::Reflect::get(h, &CARRY.into()).ok()?;
            let _ = js_sys::Reflect::delete_property(
                h.unchecked_ref::<js_sys::Object>(),
                &CARRY.into(),
            );
            let carried = carried.dyn_into::<js_sys::Array>().ok()?;
            let mut items = carried.iter().filter_map(|item| item.as_string());
            Some((items.next()?, items.collect()))
        })
    }

    /// Records thumbs up / down on reply `view` (the same value again clears it), saves it,
    /// tells the page (`tinychat:feedback`) and, with `data-feedback-url`, POSTs
    /// `{conversation_id, message_id, value, model}` there, never with the API key. A failed
    /// POST is not shown to the visitor: the page hears it as a `tinychat:error` of kind
    /// `feedback`.
    pub fn set_feedback(&self, view: &MessageView, value: Feedback) {
        let conv = view.conversation.get_value();
        let next = (view.feedback.get_untracked() != Some(value)).then_some(value);
        let model = self
            .library
            .try_update_value(|lib| {
                let c = lib.get_mut(&conv)?;
                c.set_feedback(view.id, next)
                    .then(|| c.message(view.id).and_then(|m| m.model.clone()))
            })
            .flatten();
        let Some(model) = model else { return };
        view.feedback.set(next);
        self.save_conversation(&conv);
        let value_js = next.map_or(JsValue::NULL, |f| JsValue::from(f.as_str()));
        let detail = Detail::new()
            .set("conversationId", conv.as_str())
            .set("messageId", view.id as f64)
            .set("value", value_js);
        self.emit("feedback", detail, false);
        let Some(url) = self.options().feedback_url.clone() else {
            return;
        };
        let body = serde_json::to_string(&serde_json::json!({
            "conversation_id": conv,
            "message_id": view.id,
            "value": next.map(Feedback::as_str),
            "model": model,
        }))
        .unwrap_or_default();
        let chat = *self;
        spawn_local(async move {
            let headers = [("Content-Type", "application/json")];
            let ok = match crate::transport::fetch(&url, &headers, Some(&body), None) {
                Ok(fetched) => fetched
                    .await
                    .ok()
                    .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
                    .is_some_and(|r| r.ok()),
                Err(_) => false,
            };
            if !ok && chat.alive() {
                let strings = chat.strings();
                let detail = Detail::new()
                    .set("kind", ErrorKind::Feedback.as_str())
                    .set("message", strings.error_sentence(ErrorKind::Feedback, 0))
                    .set("status", JsValue::NULL);
                chat.emit("error", detail, false);
            }
        });
    }

    /// Downloads the current conversation. JSON (what the storage-full notice offers, to save
    /// what could not be stored) needs nothing more than this wasm, even offline; Markdown and
    /// text are written by the extras module.
    pub fn export(&self, format: ExportFormat) {
        if format == ExportFormat::Json {
            self.download_export(format, self.conversation_json());
        } else {
            let chat = *self;
            self.with_extras(move || chat.extra_export(format));
        }
    }

    /// [`Chat::export`] as Markdown or text, in the extras module.
    #[inline(never)] // scripts/split.mjs moves it (by its name) to the extras module
    fn extra_export(&self, format: ExportFormat) {
        let body = self.library.with_value(|lib| {
            let conv = lib.current();
            if format == ExportFormat::Markdown {
                conv.to_markdown()
            } else {
                conv.to_plain_text()
            }
        });
        self.download_export(format, body);
    }

    /// Downloads `body` as the current conversation's file of `format`.
    fn download_export(&self, format: ExportFormat, body: String) {
        let title = self
            .library
            .with_value(|lib| lib.current().title().to_string());
        let (ext, mime) = format.file_type();
        let name = format!("{}.{ext}", browser::file_stem(&title));
        let _ = browser::download(&name, mime, &body);
    }

    /// Imports a JSON export as a new conversation and switches to it; a file that cannot be
    /// imported is explained in the widget's language.
    pub fn import(&self, json: String) {
        let chat = *self;
        self.with_extras(move || chat.extra_import(&json));
    }

    /// [`Chat::import`], in the extras module.
    #[inline(never)] // scripts/split.mjs moves it (by its name) to the extras module
    fn extra_import(&self, json: &str) {
        let now = now_ms();
        match import_json(json) {
            Ok(conv) => {
                self.abort();
                self.library.update_value(|lib| {
                    lib.import(conv, now);
                });
                self.refresh_views();
                self.save();
                self.remember_current();
                self.dismiss_notice();
            }
            Err(err) => {
                let s = self.strings();
                self.show_notice(format!("{} {}", s.import_failed(), err.message_in(&s)));
            }
        }
    }

    /// Applies and stores new settings (already validated, see
    /// [`tinychat_core::options::SettingsForm::validate`]); the key goes to local or session
    /// storage as chosen.
    pub fn save_settings(&self, settings: Settings, key: String) {
        let store = self.store.get_value();
        let mut failed = store
            .set(Area::Local, SETTINGS_KEY, &settings.to_json())
            .is_err();
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
            self.warn_storage(self.strings().storage_unavailable());
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
        self.close_settings();
        // Images wait for the next message: say at once if the new model cannot see them.
        if self.pending_images().with_untracked(|p| !p.is_empty()) && !untrack(|| self.can_see()) {
            self.say_model_blind();
        }
    }
}

//! Where conversations live: IndexedDB, one record per conversation (see
//! [`tinychat_core::chat::records`]), so a tab writes only the conversation it changed and two
//! tabs never overwrite each other. Writes of one namespace are serialized across tabs with a
//! Web Lock; a record that moved since this tab read it is merged, never overwritten.
//!
//! Stores of database `tinychat:<namespace>`: `conversations` (id → record JSON), `meta`
//! (`current`: the conversation last shown, so another page of the site opens it;
//! `migrated`: the schema-1 `localStorage` data was imported) and `corrupt` (records that could
//! not be read, set aside with their key, never deleted).
//!
//! Without IndexedDB (some private modes) conversations live in memory for the session, and
//! the widget says so once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use tinychat_core::chat::records::{merge, read_record, to_record};
use tinychat_core::chat::{Conversation, Library, LoadError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const VERSION: u32 = 1;
const CONVERSATIONS: &str = "conversations";
const META: &str = "meta";
const CORRUPT: &str = "corrupt";

/// Why a storage operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// IndexedDB is not available (or refused to open).
    #[error("IndexedDB is unavailable: {0}")]
    Unavailable(String),
    /// The browser's storage quota is used up: nothing was written.
    #[error("storage quota exceeded")]
    Quota,
    /// Another failure of a read or write.
    #[error("storage error: {0}")]
    Failed(String),
}

/// The browser's own error inside an idb error, as `String(error)` reads it
/// (`QuotaExceededError: …`). Not idb's Display: its fifty sentences cost ~4 KB of wasm, and
/// nobody reads them (the user is told in the strings table's words, by [`StoreError`]'s kind).
fn browser_error(e: &idb::Error) -> String {
    use idb::Error as E;
    let value: Option<&JsValue> = match e {
        E::AddFailed(v)
        | E::UpdateFailed(v)
        | E::GetFailed(v)
        | E::GetAllFailed(v)
        | E::GetAllKeysFailed(v)
        | E::DeleteFailed(v)
        | E::ClearFailed(v)
        | E::TransactionOpenFailed(v)
        | E::TransactionCommitError(v)
        | E::TransactionAbortError(v)
        | E::ObjectStoreNotFound(v)
        | E::ObjectStoreCreateFailed(v)
        | E::IndexedDbOpenFailed(v)
        | E::IndexedDbNotFound(v)
        | E::RequestErrorNotFound(v) => Some(v),
        E::DomException(d) => Some(d),
        _ => None,
    };
    match value.filter(|v| !v.is_null() && !v.is_undefined()) {
        Some(v) => v.unchecked_ref::<js_sys::Object>().to_string().into(),
        None => "IndexedDB failed".into(),
    }
}

fn failed(e: idb::Error) -> StoreError {
    let text = browser_error(&e);
    if text.contains("Quota") {
        StoreError::Quota
    } else {
        StoreError::Failed(text)
    }
}

/// IndexedDB refused to open.
fn unavailable(e: idb::Error) -> StoreError {
    StoreError::Unavailable(browser_error(&e))
}

/// Waits for a read-write transaction to commit. An abort is a failure too: for a simple put it
/// is in practice the quota (Chromium aborts the transaction with `QuotaExceededError` at commit,
/// firing `abort` and no `error`).
async fn commit(tx: idb::Transaction) -> Result<(), StoreError> {
    match tx.await.map_err(failed)? {
        idb::TransactionResult::Committed => Ok(()),
        idb::TransactionResult::Aborted => Err(StoreError::Quota),
    }
}

/// One read-write request on `store_name`, committed.
async fn write(
    db: &Database,
    store_name: &str,
    request: impl FnOnce(&idb::ObjectStore) -> Result<(), idb::Error>,
) -> Result<(), StoreError> {
    let tx = db
        .transaction(&[store_name], TransactionMode::ReadWrite)
        .map_err(failed)?;
    let store = tx.object_store(store_name).map_err(failed)?;
    request(&store).map_err(failed)?;
    commit(tx).await
}

/// What a store held when the widget started.
pub struct Loaded {
    /// Every readable conversation, with the `rev` of its record.
    pub conversations: Vec<(Conversation, u64)>,
    /// The conversation shown last (by any tab).
    pub current: Option<String>,
    /// Records set aside because they could not be read (or were salvaged with losses).
    pub damaged: usize,
}

/// The conversation store of one widget namespace.
#[derive(Clone)]
pub enum ConversationStore {
    /// IndexedDB.
    Idb {
        /// The open database.
        db: Rc<Database>,
        /// Web Lock name serializing writes across tabs.
        lock: String,
    },
    /// No persistence: conversations live in this page only.
    Memory(Rc<RefCell<HashMap<String, (String, u64)>>>),
}

impl ConversationStore {
    /// A store that keeps nothing beyond the page.
    pub fn memory() -> Self {
        ConversationStore::Memory(Rc::default())
    }

    /// Opens (creating on first use) the database of `namespace`. When another tab upgrades
    /// the database (a newer TinyChat) or deletes it, this connection is closed at once (so it
    /// does not block them) and `on_lost(upgraded)` runs: this page can no longer save.
    pub async fn open(
        namespace: &str,
        on_lost: impl FnOnce(bool) + 'static,
    ) -> Result<Self, StoreError> {
        let factory = Factory::new().map_err(unavailable)?;
        let name = format!("tinychat:{namespace}");
        let mut request = factory.open(&name, Some(VERSION)).map_err(unavailable)?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else { return };
            for store in [CONVERSATIONS, META, CORRUPT] {
                if !db.store_names().iter().any(|s| s == store) {
                    let _ = db.create_object_store(store, ObjectStoreParams::new());
                }
            }
        });
        let mut db = request.await.map_err(unavailable)?;
        db.on_version_change(move |event| {
            // `event.target` is this connection: close it, or the upgrade waits for this tab.
            // `newVersion` is null when the database is being deleted.
            let upgraded = js_sys::Reflect::get(&event, &"newVersion".into())
                .is_ok_and(|v| !v.is_null() && !v.is_undefined());
            if let Some(target) = event.target() {
                let close = js_sys::Reflect::get(&target, &"close".into())
                    .ok()
                    .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                if let Some(close) = close {
                    let _ = close.call0(&target);
                }
            }
            on_lost(upgraded);
        });
        Ok(ConversationStore::Idb {
            db: Rc::new(db),
            lock: format!("tinychat:{namespace}"),
        })
    }

    /// Whether conversations survive the page.
    pub fn persistent(&self) -> bool {
        matches!(self, ConversationStore::Idb { .. })
    }

    /// Every conversation. Unreadable records are moved to `corrupt` (set aside, not lost).
    pub async fn load_all(&self) -> Result<Loaded, StoreError> {
        let (pairs, current) = match self {
            ConversationStore::Memory(map) => {
                let pairs = map
                    .borrow()
                    .iter()
                    .map(|(k, (v, _))| (k.clone(), v.clone()))
                    .collect::<Vec<_>>();
                (pairs, None)
            }
            ConversationStore::Idb { db, .. } => {
                let tx = db
                    .transaction(&[CONVERSATIONS, META], TransactionMode::ReadOnly)
                    .map_err(failed)?;
                let store = tx.object_store(CONVERSATIONS).map_err(failed)?;
                let keys = store
                    .get_all_keys(None, None)
                    .map_err(failed)?
                    .await
                    .map_err(failed)?;
                let values = store
                    .get_all(None, None)
                    .map_err(failed)?
                    .await
                    .map_err(failed)?;
                let meta = tx.object_store(META).map_err(failed)?;
                let current = meta
                    .get(JsValue::from_str("current"))
                    .map_err(failed)?
                    .await
                    .map_err(failed)?
                    .and_then(|v| v.as_string());
                let pairs = keys
                    .into_iter()
                    .zip(values)
                    .filter_map(|(k, v)| Some((k.as_string()?, v.as_string().unwrap_or_default())))
                    .collect();
                (pairs, current)
            }
        };
        let mut conversations = Vec::with_capacity(pairs.len());
        let mut damaged = Vec::new();
        for (key, json) in pairs {
            match read_record(&json) {
                Ok(read) => {
                    if !read.warnings.is_empty() {
                        damaged.push((key.clone(), json.clone(), false));
                    }
                    conversations.push((read.conversation, read.rev));
                }
                // Written by a newer TinyChat: left where it is, untouched.
                Err(LoadError::UnsupportedSchema { .. }) => {}
                Err(_) => damaged.push((key, json, true)),
            }
        }
        let count = damaged.len();
        if let ConversationStore::Idb { .. } = self {
            for (key, json, remove) in damaged {
                let _ = self.set_aside(&key, &json, remove).await;
            }
        }
        Ok(Loaded {
            conversations,
            current,
            damaged: count,
        })
    }

    /// Copies a damaged record to `corrupt` (and removes it from the conversations when it
    /// cannot be read at all).
    async fn set_aside(&self, key: &str, json: &str, remove: bool) -> Result<(), StoreError> {
        let ConversationStore::Idb { db, .. } = self else {
            return Ok(());
        };
        let tx = db
            .transaction(&[CONVERSATIONS, CORRUPT], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let corrupt = tx.object_store(CORRUPT).map_err(failed)?;
        let stamp = format!("{key}@{}", js_sys::Date::now() as u64);
        corrupt
            .put(&JsValue::from_str(json), Some(&JsValue::from_str(&stamp)))
            .map_err(failed)?;
        if remove {
            let store = tx.object_store(CONVERSATIONS).map_err(failed)?;
            store.delete(JsValue::from_str(key)).map_err(failed)?;
        }
        commit(tx).await?;
        Ok(())
    }

    /// Reads one conversation.
    pub async fn load(&self, id: &str) -> Result<Option<(Conversation, u64)>, StoreError> {
        Ok(self.load_read(id).await?.map(|r| (r.conversation, r.rev)))
    }

    /// Reads one conversation, telling whether it was written while a reply streamed.
    pub async fn load_read(
        &self,
        id: &str,
    ) -> Result<Option<tinychat_core::chat::records::RecordRead>, StoreError> {
        let json = match self {
            ConversationStore::Memory(map) => map.borrow().get(id).map(|(v, _)| v.clone()),
            ConversationStore::Idb { db, .. } => {
                let tx = db
                    .transaction(&[CONVERSATIONS], TransactionMode::ReadOnly)
                    .map_err(failed)?;
                let store = tx.object_store(CONVERSATIONS).map_err(failed)?;
                store
                    .get(JsValue::from_str(id))
                    .map_err(failed)?
                    .await
                    .map_err(failed)?
                    .and_then(|v| v.as_string())
            }
        };
        Ok(json.and_then(|j| read_record(&j).ok()))
    }

    /// Writes `conversation`, which this tab last read at `base_rev`. If the stored record
    /// moved meanwhile (another tab wrote it), the two versions are merged and the merge is
    /// written and returned. Returns the new `rev`.
    pub async fn save(
        &self,
        conversation: &Conversation,
        base_rev: u64,
    ) -> Result<(u64, Option<Conversation>), StoreError> {
        let id = conversation.id().to_string();
        let this = self.clone();
        let conversation = conversation.clone();
        self.locked(async move {
            // One read: the stored version (to merge if it moved) and its rev.
            let stored = this.load(&id).await?;
            let stored_rev = stored.as_ref().map_or(0, |(_, rev)| *rev);
            let (to_write, merged) = match stored {
                Some((theirs, rev)) if rev > base_rev => {
                    let m = merge(&theirs, &conversation);
                    (m.clone(), Some(m))
                }
                _ => (conversation, None),
            };
            let rev = stored_rev.max(base_rev) + 1;
            this.put(&id, &to_record(&to_write, rev), rev).await?;
            Ok((rev, merged))
        })
        .await
    }

    async fn current_rev(&self, id: &str) -> Result<u64, StoreError> {
        Ok(self.load(id).await?.map_or(0, |(_, rev)| rev))
    }

    async fn put(&self, id: &str, json: &str, rev: u64) -> Result<(), StoreError> {
        match self {
            ConversationStore::Memory(map) => {
                map.borrow_mut()
                    .insert(id.to_string(), (json.to_string(), rev));
                Ok(())
            }
            ConversationStore::Idb { db, .. } => {
                write(db, CONVERSATIONS, |store| {
                    store.put(&JsValue::from_str(json), Some(&JsValue::from_str(id)))?;
                    Ok(())
                })
                .await
            }
        }
    }

    /// Deletes conversation `id`.
    pub async fn delete(&self, id: &str) -> Result<(), StoreError> {
        match self {
            ConversationStore::Memory(map) => {
                map.borrow_mut().remove(id);
                Ok(())
            }
            ConversationStore::Idb { db, .. } => {
                write(db, CONVERSATIONS, |store| {
                    store.delete(JsValue::from_str(id))?;
                    Ok(())
                })
                .await
            }
        }
    }

    /// Remembers the conversation shown, for the next page of the site.
    pub async fn set_current(&self, id: &str) -> Result<(), StoreError> {
        self.put_meta("current", id).await
    }

    async fn put_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let ConversationStore::Idb { db, .. } = self else {
            return Ok(());
        };
        write(db, META, |store| {
            store.put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))?;
            Ok(())
        })
        .await
    }

    /// Imports `library`, the schema-1 library as read from `<ns>:conversations` in
    /// `localStorage`, exactly once, even with several tabs opening at the same moment (under
    /// the namespace's lock, with a `migrated` mark written after the records). Returns the ids
    /// of the conversations it keeps (the empty ones without a title of their own are dropped),
    /// whether written now or by an earlier import: the caller removes the old key only once
    /// it has read them all back.
    pub async fn migrate(&self, library: Library, now_ms: f64) -> Result<Vec<String>, StoreError> {
        let kept: Vec<String> = library
            .iter()
            .filter(|c| !c.is_empty() || c.title_is_custom())
            .map(|c| c.id().to_string())
            .collect();
        let this = self.clone();
        let ids = kept.clone();
        self.locked(async move {
            if this.meta("migrated").await?.is_some() {
                return Ok(());
            }
            for id in &ids {
                let Some(conv) = library.get(id) else {
                    continue;
                };
                let rev = this.current_rev(id).await? + 1;
                this.put(id, &to_record(conv, rev), rev).await?;
            }
            this.put_meta("current", library.current_id()).await?;
            this.put_meta("migrated", &(now_ms as u64).to_string())
                .await
        })
        .await?;
        Ok(kept)
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let ConversationStore::Idb { db, .. } = self else {
            return Ok(None);
        };
        let tx = db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(META).map_err(failed)?;
        Ok(store
            .get(JsValue::from_str(key))
            .map_err(failed)?
            .await
            .map_err(failed)?
            .and_then(|v| v.as_string()))
    }

    /// Runs `work` holding this namespace's Web Lock (exclusive across tabs); without the Web
    /// Locks API it runs unlocked.
    async fn locked<T: 'static>(
        &self,
        work: impl std::future::Future<Output = Result<T, StoreError>> + 'static,
    ) -> Result<T, StoreError> {
        let ConversationStore::Idb { lock, .. } = self else {
            return work.await;
        };
        let Some(locks) = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
            .filter(|l| l.is_object())
        else {
            return work.await;
        };
        let Ok(request) = js_sys::Reflect::get(&locks, &"request".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        else {
            return work.await;
        };
        // request(name, callback): the callback runs when the lock is granted, and the lock is
        // held until the promise it returns settles.
        let mut release_fn = None;
        let released = js_sys::Promise::new(&mut |resolve, _| release_fn = Some(resolve));
        let mut granted_fn = None;
        let granted = js_sys::Promise::new(&mut |resolve, _| granted_fn = Some(resolve));
        let (Some(release_fn), Some(granted_fn)) = (release_fn, granted_fn) else {
            return work.await;
        };
        let callback = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            let _ = granted_fn.call0(&JsValue::UNDEFINED);
            released.into()
        });
        let held = request.call2(&locks, &JsValue::from_str(lock), &callback);
        if held.is_err() {
            return work.await;
        }
        let _ = JsFuture::from(granted).await;
        let out = work.await;
        let _ = release_fn.call0(&JsValue::UNDEFINED);
        out
    }
}

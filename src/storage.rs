//! Browser storage glue: `localStorage` for what the user keeps, `sessionStorage` for a key the
//! user did not ask us to remember. Every call is fallible and never panics: storage can be
//! disabled (privacy modes throw on access), full (`QuotaExceededError`) or hold junk.

use web_sys::Storage;

/// Which browser store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Survives the browser being closed.
    Local,
    /// Lives as long as the tab.
    Session,
}

/// A storage failure, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// Storage is disabled or not available in this context.
    #[error("storage is not available")]
    Unavailable,
    /// Writing failed, usually because the quota is exhausted.
    #[error("storage is full or refused the write")]
    WriteFailed,
}

/// A namespaced view of one storage area. `namespace = None` keeps nothing (`data-storage-key="none"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    namespace: Option<String>,
}

impl Store {
    /// A store writing keys `"{namespace}:{key}"`; `None` stores nothing at all.
    pub fn new(namespace: Option<String>) -> Self {
        Self { namespace }
    }

    /// The namespace, or `None` when this store keeps nothing.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// Whether this store keeps anything.
    pub fn enabled(&self) -> bool {
        self.namespace.is_some()
    }

    fn area(area: Area) -> Result<Storage, StorageError> {
        let window = web_sys::window().ok_or(StorageError::Unavailable)?;
        let storage = match area {
            Area::Local => window.local_storage(),
            Area::Session => window.session_storage(),
        };
        storage.ok().flatten().ok_or(StorageError::Unavailable)
    }

    fn full_key(&self, key: &str) -> Option<String> {
        self.namespace.as_ref().map(|ns| format!("{ns}:{key}"))
    }

    /// Reads a value; `Ok(None)` when absent or when the store keeps nothing.
    pub fn get(&self, area: Area, key: &str) -> Result<Option<String>, StorageError> {
        let Some(full) = self.full_key(key) else {
            return Ok(None);
        };
        Self::area(area)?
            .get_item(&full)
            .map_err(|_| StorageError::Unavailable)
    }

    /// Writes a value (no-op when the store keeps nothing).
    pub fn set(&self, area: Area, key: &str, value: &str) -> Result<(), StorageError> {
        let Some(full) = self.full_key(key) else {
            return Ok(());
        };
        Self::area(area)?
            .set_item(&full, value)
            .map_err(|_| StorageError::WriteFailed)
    }

    /// Removes a value (no-op when the store keeps nothing or storage is unavailable).
    pub fn remove(&self, area: Area, key: &str) {
        if let (Some(full), Ok(storage)) = (self.full_key(key), Self::area(area)) {
            let _ = storage.remove_item(&full);
        }
    }
}

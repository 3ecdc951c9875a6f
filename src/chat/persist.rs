//! Loading and saving: conversations and settings in browser storage (the key apart, only where
//! the user chose), export as a download, import from a file.

use leptos::prelude::*;
use tinychat_core::chat::{import_json, Library, LoadError, Settings};
use tinychat_core::i18n::Strings;
use tinychat_core::options::WidgetOptions;

use super::{Chat, ExportFormat};
use crate::browser::{self, now_ms};
use crate::storage::{Area, Store};

const LIBRARY_KEY: &str = "conversations";
const LIBRARY_BACKUP_KEY: &str = "conversations.unreadable";
const SETTINGS_KEY: &str = "settings";
const API_KEY_KEY: &str = "api-key";

/// What storage held when the widget started.
pub(super) struct Loaded {
    pub library: Library,
    pub settings: Settings,
    pub api_key: String,
    /// The first notice to show (storage unavailable, or data that could not be read).
    pub notice: Option<String>,
    /// Data written by a newer TinyChat is left alone: nothing is saved over it this session.
    pub read_only: bool,
}

pub(super) fn load(options: &WidgetOptions, strings: &Strings, store: &Store, now: f64) -> Loaded {
    let mut notice = None;
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
                notice = Some(strings.storage_unavailable.clone());
            }
            (Library::new(now), false)
        }
    };
    if corrupt && notice.is_none() {
        notice = Some(strings.storage_corrupt.clone());
    }
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
    if let Some(greeting) = options.greeting.as_deref() {
        library.current_mut().set_greeting(greeting, now);
    }
    Loaded {
        library,
        settings,
        api_key,
        notice,
        read_only,
    }
}

impl Chat {
    fn warn_storage(&self) {
        if !self.storage_warned.get_value() {
            self.storage_warned.set_value(true);
            self.show_notice(self.strings().storage_unavailable.clone());
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
            self.warn_storage();
        }
        self.last_save.set_value(now_ms());
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
        let (ext, mime) = format.file_type();
        let name = format!("{}.{ext}", browser::file_stem(&title));
        let _ = browser::download(&name, mime, &body);
    }

    /// Imports a JSON export as a new conversation and switches to it; a file that cannot be
    /// imported is explained in the widget's language.
    pub fn import(&self, json: &str) {
        let now = now_ms();
        match import_json(json) {
            Ok(conv) => {
                self.abort();
                self.library.update_value(|lib| {
                    lib.import(conv, now);
                });
                self.refresh_views();
                self.save();
                self.dismiss_notice();
            }
            Err(err) => {
                let s = self.strings();
                self.show_notice(format!("{} {}", s.import_failed, err.message_in(&s)));
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
            self.warn_storage();
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
    }
}

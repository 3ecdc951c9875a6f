//! Every string the widget shows, in one place: English and French, chosen by locale, each
//! overridable by the embedding page (`data-strings='{"send":"Go"}'` or `strings: {...}` in
//! `TinyChat.mount`).
//!
//! Templates use `{n}` for a number (see [`Strings::fill`]).

use serde::{Deserialize, Serialize};

macro_rules! strings {
    ($( $(#[$doc:meta])* $field:ident : $en:expr, $fr:expr; )*) => {
        /// The widget's user-facing strings for one language.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct Strings {
            $( $(#[$doc])* pub $field: String, )*
        }

        impl Default for Strings {
            fn default() -> Self { Self::english() }
        }

        impl Strings {
            /// English, the default.
            pub fn english() -> Self {
                Self { $( $field: $en.to_string(), )* }
            }

            /// French.
            pub fn french() -> Self {
                Self { $( $field: $fr.to_string(), )* }
            }

            /// Names of every string key, for documentation and validation of overrides.
            pub const KEYS: &'static [&'static str] = &[ $( stringify!($field), )* ];
        }
    };
}

strings! {
    /// Default widget title (the root `section`'s accessible name).
    title: "TinyChat", "TinyChat";
    /// Accessible name of the message list.
    conversation: "Conversation", "Conversation";
    /// Accessible name of the composer textarea.
    message: "Message", "Message";
    /// Placeholder of the composer.
    placeholder: "Ask anything…", "Posez votre question…";
    /// Send button.
    send: "Send", "Envoyer";
    /// Stop button.
    stop: "Stop", "Arrêter";
    /// New chat button.
    new_chat: "New chat", "Nouvelle discussion";
    /// Export button (menu).
    export: "Export", "Exporter";
    /// Export as Markdown.
    export_markdown: "Markdown (.md)", "Markdown (.md)";
    /// Export as plain text.
    export_text: "Plain text (.txt)", "Texte brut (.txt)";
    /// Export as JSON.
    export_json: "JSON (.json)", "JSON (.json)";
    /// Import a JSON export.
    import: "Import JSON…", "Importer un JSON…";
    /// Settings button and dialog name.
    settings: "Settings", "Réglages";
    /// Copy a message.
    copy: "Copy", "Copier";
    /// Copy a code block.
    copy_code: "Copy code", "Copier le code";
    /// Shown briefly after copying.
    copied: "Copied", "Copié";
    /// Retry the last reply.
    retry: "Retry", "Réessayer";
    /// Edit a user message.
    edit: "Edit", "Modifier";
    /// Save and resend an edited message.
    save_and_send: "Save and send", "Enregistrer et envoyer";
    /// Cancel an edit or a confirmation.
    cancel: "Cancel", "Annuler";
    /// Save settings.
    save: "Save", "Enregistrer";
    /// Close a dialog or the launcher panel.
    close: "Close", "Fermer";
    /// API key field.
    api_key: "API key", "Clé d’API";
    /// Show the key.
    show_key: "Show key", "Afficher la clé";
    /// Hide the key.
    hide_key: "Hide key", "Masquer la clé";
    /// Remember the key checkbox.
    remember: "Remember on this device", "Mémoriser sur cet appareil";
    /// Explains where the key is kept.
    key_help: "Without “Remember”, the key is kept for this browser session only. It is sent only to the API base URL.", "Sans « Mémoriser », la clé n’est gardée que pour cette session. Elle n’est envoyée qu’à l’URL de base de l’API.";
    /// API base URL field.
    api_base: "API base URL", "URL de base de l’API";
    /// Model picker.
    model: "Model", "Modèle";
    /// Temperature field.
    temperature: "Temperature", "Température";
    /// Max tokens field.
    max_tokens: "Max tokens", "Jetons max.";
    /// System prompt field.
    system_prompt: "System prompt", "Prompt système";
    /// Author label of the user's messages.
    you: "You", "Vous";
    /// Author label of the assistant's messages.
    assistant: "Assistant", "Assistant";
    /// Shown while waiting for the first token.
    thinking: "Thinking…", "Réflexion…";
    /// State note of a stopped reply.
    stopped: "Stopped", "Arrêté";
    /// State note of a reply cut by a reload.
    interrupted: "Interrupted (the page was reloaded)", "Interrompu (la page a été rechargée)";
    /// Jump to the newest message.
    jump_to_latest: "Jump to latest", "Aller au plus récent";
    /// Conversations list toggle and heading.
    conversations: "Conversations", "Discussions";
    /// Rename a conversation.
    rename: "Rename", "Renommer";
    /// Delete a conversation.
    delete: "Delete", "Supprimer";
    /// Delete confirmation question.
    confirm_delete: "Delete this conversation? This cannot be undone.", "Supprimer cette discussion ? C’est définitif.";
    /// Title of an empty conversation.
    untitled: "New conversation", "Nouvelle discussion";
    /// Token usage of a reply; `{n}` = total tokens.
    tokens: "{n} tokens", "{n} jetons";
    /// Auto-retry note; `{n}` = seconds.
    retrying_in: "The server is busy. Retrying in {n} s…", "Le serveur est occupé. Nouvel essai dans {n} s…";
    /// Shown instead of sending when no key is set for Mistral's API.
    key_needed: "An API key is needed to talk to api.mistral.ai. Add yours in Settings (or use a proxy API base URL).", "Une clé d’API est nécessaire pour api.mistral.ai. Ajoutez la vôtre dans les réglages (ou utilisez un proxy).";
    /// Action on a bad-key error.
    open_settings: "Open Settings", "Ouvrir les réglages";
    /// Live-region announcement of a finished reply.
    reply_done: "Reply complete.", "Réponse terminée.";
    /// Storage unavailable or full.
    storage_unavailable: "Conversations cannot be saved on this device (storage is full or disabled). They will be lost on reload.", "Les discussions ne peuvent pas être enregistrées sur cet appareil (stockage plein ou désactivé).";
    /// Storage held data that could not be read.
    storage_corrupt: "Some saved data could not be read and was skipped.", "Certaines données enregistrées étaient illisibles et ont été ignorées.";
    /// Import failed; followed by the reason.
    import_failed: "Import failed:", "Échec de l’import :";
    /// Model list could not be loaded.
    models_fallback: "Could not load the model list; showing the built-in one.", "Liste des modèles indisponible ; liste intégrée affichée.";
    /// Launcher button (closed).
    open_chat: "Open chat", "Ouvrir la discussion";
    /// Launcher close button.
    close_chat: "Close chat", "Fermer la discussion";
    /// Dismiss a notice.
    dismiss: "Dismiss", "Fermer";
}

impl Strings {
    /// Strings for a BCP 47 locale tag: `fr`, `fr-CA`, … give French; anything else English.
    pub fn for_locale(locale: &str) -> Self {
        let lang = locale
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "fr" => Self::french(),
            _ => Self::english(),
        }
    }

    /// Applies overrides from a JSON object (`{"send": "Go"}`). Unknown keys and non-string
    /// values are reported in the returned list (by key) and otherwise ignored.
    pub fn apply_overrides(&mut self, json: &str) -> Vec<String> {
        let mut rejected = Vec::new();
        let Ok(serde_json::Value::Object(overrides)) = serde_json::from_str(json) else {
            rejected.push("(not a JSON object)".to_string());
            return rejected;
        };
        let Ok(serde_json::Value::Object(mut current)) = serde_json::to_value(&*self) else {
            return rejected;
        };
        for (key, value) in overrides {
            match (current.contains_key(&key), value) {
                (true, serde_json::Value::String(s)) => {
                    current.insert(key, serde_json::Value::String(s));
                }
                _ => rejected.push(key),
            }
        }
        if let Ok(updated) = serde_json::from_value(serde_json::Value::Object(current)) {
            *self = updated;
        }
        rejected
    }

    /// Fills `{n}` in a template.
    pub fn fill(template: &str, n: impl std::fmt::Display) -> String {
        template.replace("{n}", &n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_locale_variants_choose_french() {
        assert_eq!(Strings::for_locale("fr").send, "Envoyer");
        assert_eq!(Strings::for_locale("fr-CA").send, "Envoyer");
        assert_eq!(Strings::for_locale("FR_fr").send, "Envoyer");
    }

    #[test]
    fn unknown_or_empty_locale_falls_back_to_english() {
        assert_eq!(Strings::for_locale("de").send, "Send");
        assert_eq!(Strings::for_locale("").send, "Send");
    }

    #[test]
    fn every_french_string_differs_from_a_missing_one() {
        let fr = serde_json::to_value(Strings::french()).unwrap();
        for key in Strings::KEYS {
            let v = fr[key].as_str().unwrap();
            assert!(!v.is_empty(), "{key} is empty in French");
        }
    }

    #[test]
    fn overrides_replace_known_keys_and_report_unknown_ones() {
        let mut s = Strings::english();
        let rejected = s.apply_overrides(r#"{"send":"Go","nope":"x","stop":3}"#);
        assert_eq!(s.send, "Go");
        assert_eq!(s.stop, "Stop");
        assert_eq!(rejected, vec!["nope".to_string(), "stop".to_string()]);
    }

    #[test]
    fn overrides_that_are_not_an_object_change_nothing() {
        let mut s = Strings::english();
        assert_eq!(s.apply_overrides("[1]").len(), 1);
        assert_eq!(s, Strings::english());
    }

    #[test]
    fn fill_replaces_the_number_placeholder() {
        assert_eq!(Strings::fill("{n} tokens", 42), "42 tokens");
    }
}

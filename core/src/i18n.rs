//! Every string the widget shows, in one place: English and French, chosen by locale, each
//! overridable by the embedding page (`data-strings='{"send":"Go"}'` or `strings: {...}` in
//! `TinyChat.mount`).
//!
//! Templates use `{n}` for a number (see [`Strings::fill`]).

use crate::error::ErrorKind;
use crate::options::SettingsError;

macro_rules! strings {
    ($( $(#[$doc:meta])* $field:ident : $en:expr, $fr:expr; )*) => {
        /// The widget's user-facing strings for one language.
        ///
        /// No serde derive: the page's overrides are applied key by key ([`Strings::get_mut`]),
        /// which costs far fewer bytes of wasm than a derived `Deserialize` of ~100 fields.
        #[derive(Clone, Debug, PartialEq, Eq)]
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

            /// The string named `key` (one of [`Strings::KEYS`]).
            pub fn get(&self, key: &str) -> Option<&str> {
                match key {
                    $( stringify!($field) => Some(&self.$field), )*
                    _ => None,
                }
            }

            /// The string named `key`, to replace it.
            pub fn get_mut(&mut self, key: &str) -> Option<&mut String> {
                match key {
                    $( stringify!($field) => Some(&mut self.$field), )*
                    _ => None,
                }
            }
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
    /// Shown by the loader while the widget starts, when a message was sent before it ran.
    starting: "Starting…", "Démarrage…";
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
    /// Size of a conversation in the list, exactly one message.
    message_count_one: "1 message", "1 message";
    /// Size of a conversation in the list; `{n}` = messages (2 or more, or 0).
    message_count: "{n} messages", "{n} messages";
    /// Delete confirmation question.
    confirm_delete: "Delete this conversation? This cannot be undone.", "Supprimer cette discussion ? C’est définitif.";
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
    /// Storage quota exceeded.
    storage_full: "Storage is full: new messages are not saved. Export your conversation to keep it.", "Le stockage est plein : les nouveaux messages ne sont pas enregistrés. Exportez votre discussion pour la garder.";
    /// Export the conversation from a notice.
    export_now: "Export JSON", "Exporter en JSON";
    /// Sending refused: another tab streams into this conversation.
    reply_elsewhere: "A reply is being written in this conversation in another tab. Wait for it to finish, or start a new chat.", "Une réponse est en cours d’écriture dans cette discussion dans un autre onglet. Attendez la fin, ou commencez une nouvelle discussion.";
    /// Search field of the conversation list.
    search_conversations: "Search conversations", "Rechercher dans les discussions";
    /// No conversation matches the search.
    no_matches: "No conversation matches.", "Aucune discussion ne correspond.";
    /// Storage held data that could not be read.
    storage_corrupt: "Some saved data could not be read and was skipped.", "Certaines données enregistrées étaient illisibles et ont été ignorées.";
    /// Import failed; followed by the reason.
    import_failed: "Import failed:", "Échec de l’import :";
    /// Launcher button (closed).
    open_chat: "Open chat", "Ouvrir la discussion";
    /// Launcher close button.
    close_chat: "Close chat", "Fermer la discussion";
    /// Dismiss a notice.
    dismiss: "Dismiss", "Fermer";
    /// Settings field error: API base URL.
    invalid_api_base: "Enter an http(s) URL or a path starting with “/”.", "Saisissez une URL http(s) ou un chemin commençant par « / ».";
    /// Settings field error: model.
    invalid_model: "Choose a model.", "Choisissez un modèle.";
    /// Settings field error: temperature.
    invalid_temperature: "Enter a number from 0 to 1.5, or leave it empty.", "Saisissez un nombre entre 0 et 1,5, ou laissez vide.";
    /// Settings field error: max tokens.
    invalid_max_tokens: "Enter a whole number greater than 0, or leave it empty.", "Saisissez un nombre entier supérieur à 0, ou laissez vide.";
    /// Error: network failure.
    error_network: "Could not reach the server. Check your connection and the API base URL in Settings.", "Impossible de joindre le serveur. Vérifiez votre connexion et l’URL de base de l’API dans les réglages.";
    /// Error: no bytes for too long; `{n}` = seconds.
    error_timeout: "The server did not answer for {n} seconds.", "Le serveur n’a pas répondu pendant {n} secondes.";
    /// Error: stopped by the user.
    error_aborted: "Stopped.", "Arrêté.";
    /// Error: the answer could not be read (no body, unexpected shape).
    error_bad_response: "The server’s answer could not be read.", "La réponse du serveur est illisible.";
    /// Error: the request could not be prepared or sent by the browser.
    error_internal: "The browser could not send the request.", "Le navigateur n’a pas pu envoyer la requête.";
    /// Error of an unknown kind, stored by a newer version.
    error_unknown: "Something went wrong.", "Une erreur s’est produite.";
    /// HTTP 401.
    error_unauthorized: "The API key was rejected. Check it in Settings.", "La clé d’API a été refusée. Vérifiez-la dans les réglages.";
    /// HTTP 403.
    error_forbidden: "This API key has no access to this model or resource. Check the model and your plan.", "Cette clé d’API n’a pas accès à ce modèle ou à cette ressource. Vérifiez le modèle et votre offre.";
    /// HTTP 404.
    error_not_found: "Unknown model or wrong API address (HTTP 404). Check the model and the API base URL in Settings.", "Modèle inconnu ou mauvaise adresse d’API (HTTP 404). Vérifiez le modèle et l’URL de base de l’API dans les réglages.";
    /// An HTML page instead of an API answer; `{n}` = HTTP status.
    error_html_page: "The server answered with an HTML page (HTTP {n}).", "Le serveur a répondu par une page HTML (HTTP {n}).";
    /// HTTP 400 or 422 without details; `{n}` = HTTP status.
    error_rejected: "The request was rejected (HTTP {n}).", "La requête a été refusée (HTTP {n}).";
    /// HTTP 422 with details; `{detail}` = the server's explanation.
    error_rejected_detail: "The request was rejected: {detail}", "La requête a été refusée : {detail}";
    /// HTTP 429 with a wait; `{n}` = seconds.
    error_rate_limited_wait: "Rate limit reached. Try again in {n} s.", "Limite de débit atteinte. Réessayez dans {n} s.";
    /// HTTP 429 without a wait.
    error_rate_limited: "Rate limit reached. Try again in a few seconds.", "Limite de débit atteinte. Réessayez dans quelques secondes.";
    /// Added to a 429 when no limit header says a limit is used up.
    error_spending_limit: "If this keeps happening, your workspace may have reached its spending or usage limit, which Mistral also reports as HTTP 429.", "Si cela se répète, votre espace de travail a peut-être atteint sa limite de dépenses ou d’usage, que Mistral signale aussi par HTTP 429.";
    /// The server's own words, added to an error; `{detail}` = its message.
    error_server_note: "(Mistral: {detail})", "(Mistral : {detail})";
    /// HTTP 5xx; `{n}` = HTTP status.
    error_server: "Mistral's servers are having trouble (HTTP {n}). Retrying usually helps.", "Les serveurs de Mistral rencontrent des difficultés (HTTP {n}). Réessayer suffit en général.";
    /// Added to an HTML page answering with 5xx.
    error_server_retry: "Mistral's servers may be having trouble; retrying usually helps.", "Les serveurs de Mistral rencontrent peut-être des difficultés ; réessayer suffit en général.";
    /// Another HTTP status; `{n}` = status, `{detail}` = the server's message or the status name.
    error_http: "HTTP {n}: {detail}", "HTTP {n} : {detail}";
    /// Another HTTP status without a known name.
    error_http_unexpected: "unexpected response from the server", "réponse inattendue du serveur";
    /// The stream carried an error; `{detail}` = Mistral's message.
    error_stream_api_detail: "Mistral reported an error while answering: {detail}", "Mistral a signalé une erreur pendant la réponse : {detail}";
    /// The stream carried an error without a message.
    error_stream_api: "Mistral reported an error while answering.", "Mistral a signalé une erreur pendant la réponse.";
    /// A stream chunk could not be read.
    error_stream_malformed: "The answer could not be read: the server sent data in an unexpected format.", "La réponse est illisible : le serveur a envoyé des données dans un format inattendu.";
    /// The stream ended without `[DONE]`.
    error_stream_incomplete: "The answer ended before it was complete. The connection may have been interrupted.", "La réponse s’est arrêtée avant la fin. La connexion a peut-être été interrompue.";
    /// The stream was cut in the middle of an event.
    error_stream_truncated: "The connection was interrupted in the middle of the answer.", "La connexion a été interrompue au milieu de la réponse.";
    /// A stream event over the size limit; `{n}` = bytes.
    error_stream_too_large: "The server sent a message larger than the widget accepts ({n} bytes).", "Le serveur a envoyé un message plus grand que ce que le widget accepte ({n} octets).";
    /// Import: file too large; `{n}` = size in MB.
    import_too_large: "This file is too large to import ({n} MB); conversation files are limited to 10 MB.", "Ce fichier est trop volumineux pour être importé ({n} Mo) ; les fichiers de discussion sont limités à 10 Mo.";
    /// Import: not JSON; `{detail}` = the parser's message.
    import_not_json: "This file is not a TinyChat conversation: it is not valid JSON ({detail}).", "Ce fichier n’est pas une discussion TinyChat : ce n’est pas du JSON valide ({detail}).";
    /// Import: JSON but not an export.
    import_not_conversation: "This file is not a TinyChat conversation export.", "Ce fichier n’est pas un export de discussion TinyChat.";
    /// Import: newer format; `{n}` = the file's version, `{supported}` = this build's.
    import_newer_version: "This conversation was exported by a newer version of TinyChat (format version {n}); this version can read version {supported}.", "Cette discussion a été exportée par une version plus récente de TinyChat (format {n}) ; cette version lit le format {supported}.";
    /// Import: too many messages; `{n}` = messages in the file, `{max}` = the limit.
    import_too_many: "This conversation has {n} messages; at most {max} can be imported.", "Cette discussion compte {n} messages ; {max} au plus peuvent être importés.";
    /// Import: damaged; `{detail}` = what is wrong.
    import_damaged: "This conversation file is damaged: {detail}.", "Ce fichier de discussion est endommagé : {detail}.";
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
        for (key, value) in overrides {
            match (self.get_mut(&key), value) {
                (Some(slot), serde_json::Value::String(s)) => *slot = s,
                _ => rejected.push(key),
            }
        }
        rejected
    }

    /// The sentence for a settings field that cannot be saved.
    pub fn settings_error(&self, error: SettingsError) -> &str {
        match error {
            SettingsError::ApiBase => &self.invalid_api_base,
            SettingsError::Model => &self.invalid_model,
            SettingsError::Temperature => &self.invalid_temperature,
            SettingsError::MaxTokens => &self.invalid_max_tokens,
        }
    }

    /// The sentence for a failure that carries no detail of its own: network, timeout (after
    /// `timeout_secs`), stop, unreadable answer, internal, unknown. HTTP and stream errors
    /// have their own words: [`crate::mistral::ApiError::message_in`],
    /// [`crate::mistral::StreamError::user_message_in`].
    pub fn error_sentence(&self, kind: ErrorKind, timeout_secs: u64) -> String {
        match kind {
            ErrorKind::Network => self.error_network.clone(),
            ErrorKind::Timeout => Strings::fill(&self.error_timeout, timeout_secs),
            ErrorKind::Aborted => self.error_aborted.clone(),
            ErrorKind::BadResponse => self.error_bad_response.clone(),
            ErrorKind::Internal => self.error_internal.clone(),
            ErrorKind::Unauthorized => self.error_unauthorized.clone(),
            ErrorKind::Forbidden => self.error_forbidden.clone(),
            ErrorKind::NotFound => self.error_not_found.clone(),
            ErrorKind::RateLimited => self.error_rate_limited.clone(),
            ErrorKind::BadRequest | ErrorKind::Validation => {
                Strings::fill(&self.error_rejected, 400)
            }
            ErrorKind::ServerError => Strings::fill(&self.error_server, 500),
            ErrorKind::Stream => self.error_stream_incomplete.clone(),
            ErrorKind::Http | ErrorKind::Unknown => self.error_unknown.clone(),
        }
    }

    /// Fills `{n}` in a template.
    pub fn fill(template: &str, n: impl std::fmt::Display) -> String {
        template.replace("{n}", &n.to_string())
    }

    /// Fills named placeholders (`{detail}`, `{max}`, …) in a template, each once, in one
    /// pass: a value that itself contains `{n}` is not filled again.
    pub fn fill_named(template: &str, values: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').and_then(|close| {
                let name = &after[..close];
                values
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (close, *v))
            }) {
                Some((close, value)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

//! Every string the widget shows, in one place: English, French, German, Spanish, Italian and
//! Arabic, chosen by locale, each overridable by the embedding page
//! (`data-strings='{"send":"Go"}'` or `strings: {...}` in `TinyChat.mount`).
//!
//! Templates use `{n}` for a number (see [`Strings::fill`]) and named placeholders such as
//! `{detail}`, `{max}`, `{supported}` (see [`Strings::fill_named`]); every language keeps them.

use crate::error::ErrorKind;
use crate::options::SettingsError;

/// Each entry: doc comment, then `key: english, french, german, spanish, italian, arabic;`.
macro_rules! strings {
    ($( $(#[$doc:meta])* $field:ident :
        $en:expr, $fr:expr, $de:expr, $es:expr, $it:expr, $ar:expr; )*) => {
        /// Each string's place in [`Strings`]' table.
        #[allow(non_camel_case_types)]
        enum Key { $( $field, )* }

        /// How many strings there are.
        const COUNT: usize = [$( stringify!($field), )*].len();

        /// Every language's text of each string, in [`Key`] order (0 English … 5 Arabic).
        #[cfg(feature = "bundled-languages")]
        static TABLE: [[&str; 6]; COUNT] = [$( [$en, $fr, $de, $es, $it, $ar], )*];

        /// English only: without the `bundled-languages` feature the other columns are not
        /// compiled in; their strings arrive as JSON ([`Strings::apply_overrides`]).
        #[cfg(not(feature = "bundled-languages"))]
        static TABLE: [[&str; 1]; COUNT] = [$( [$en], )*];

        /// The widget's user-facing strings for one language, each read by its method
        /// (`strings.send()`).
        ///
        /// One fixed-size table rather than a field per string: reading one costs what a
        /// field did, while building, copying, dropping and overriding them is one loop each
        /// instead of ~130 copies of the same code in the wasm. No serde derive either: the
        /// page's overrides are applied key by key ([`Strings::get_mut`]).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Strings(Box<[String; COUNT]>);

        impl Default for Strings {
            fn default() -> Self { Self::english() }
        }

        impl Strings {
            /// The strings of column `lang` of the table (English without
            /// `bundled-languages`).
            fn column(lang: usize) -> Self {
                Self(Box::new(std::array::from_fn(|i| {
                    let row = &TABLE[i];
                    row.get(lang).unwrap_or(&row[0]).to_string()
                })))
            }

            /// English, the default.
            pub fn english() -> Self {
                Self::column(0)
            }

            /// French.
            pub fn french() -> Self {
                Self::column(1)
            }

            /// German (formal "Sie").
            pub fn german() -> Self {
                Self::column(2)
            }

            /// Spanish (neutral, "tú" in sentences, infinitives on buttons).
            pub fn spanish() -> Self {
                Self::column(3)
            }

            /// Italian.
            pub fn italian() -> Self {
                Self::column(4)
            }

            /// Arabic (Modern Standard Arabic; the widget is laid out right to left).
            pub fn arabic() -> Self {
                Self::column(5)
            }

            /// Names of every string key, for documentation and validation of overrides.
            pub const KEYS: &'static [&'static str] = &[ $( stringify!($field), )* ];

            /// The string named `key` (one of [`Strings::KEYS`]).
            pub fn get(&self, key: &str) -> Option<&str> {
                let i = Self::KEYS.iter().position(|k| *k == key)?;
                self.0.get(i).map(String::as_str)
            }

            /// The string named `key`, to replace it.
            pub fn get_mut(&mut self, key: &str) -> Option<&mut String> {
                let i = Self::KEYS.iter().position(|k| *k == key)?;
                self.0.get_mut(i)
            }

            $(
                $(#[$doc])*
                #[inline]
                pub fn $field(&self) -> &String {
                    &self.0[Key::$field as usize]
                }
            )*
        }
    };
}

strings! {
    /// Default widget title (the root `section`'s accessible name).
    title: "TinyChat", "TinyChat",
        "TinyChat", "TinyChat", "TinyChat",
        "TinyChat";
    /// Accessible name of the message list.
    conversation: "Conversation", "Discussion",
        "Unterhaltung", "Conversación", "Conversazione",
        "المحادثة";
    /// Accessible name of the composer textarea.
    message: "Message", "Message",
        "Nachricht", "Mensaje", "Messaggio",
        "الرسالة";
    /// Placeholder of the composer.
    placeholder: "Ask anything…", "Posez votre question…",
        "Stellen Sie Ihre Frage…", "Pregunta lo que quieras…", "Chiedi qualsiasi cosa…",
        "اسأل عن أي شيء…";
    /// Send button.
    send: "Send", "Envoyer",
        "Senden", "Enviar", "Invia",
        "إرسال";
    /// Stop button.
    stop: "Stop", "Arrêter",
        "Stoppen", "Detener", "Interrompi",
        "إيقاف";
    /// New chat button.
    new_chat: "New chat", "Nouvelle discussion",
        "Neuer Chat", "Nuevo chat", "Nuova chat",
        "محادثة جديدة";
    /// Export button (menu).
    export: "Export", "Exporter",
        "Exportieren", "Exportar", "Esporta",
        "تصدير";
    /// Export as Markdown.
    export_markdown: "Markdown (.md)", "Markdown (.md)",
        "Markdown (.md)", "Markdown (.md)", "Markdown (.md)",
        "Markdown (.md)";
    /// Export as plain text.
    export_text: "Plain text (.txt)", "Texte brut (.txt)",
        "Reiner Text (.txt)", "Texto sin formato (.txt)", "Testo semplice (.txt)",
        "نص عادي (.txt)";
    /// Export as JSON.
    export_json: "JSON (.json)", "JSON (.json)",
        "JSON (.json)", "JSON (.json)", "JSON (.json)",
        "JSON (.json)";
    /// Import a JSON export.
    import: "Import JSON…", "Importer un JSON…",
        "JSON importieren…", "Importar JSON…", "Importa JSON…",
        "استيراد JSON…";
    /// Settings button and dialog name.
    settings: "Settings", "Réglages",
        "Einstellungen", "Ajustes", "Impostazioni",
        "الإعدادات";
    /// Copy a message.
    copy: "Copy", "Copier",
        "Kopieren", "Copiar", "Copia",
        "نسخ";
    /// Copy a code block.
    copy_code: "Copy code", "Copier le code",
        "Code kopieren", "Copiar código", "Copia codice",
        "نسخ الشيفرة";
    /// Shown briefly after copying.
    copied: "Copied", "Copié",
        "Kopiert", "Copiado", "Copiato",
        "تم النسخ";
    /// Retry the last reply.
    retry: "Retry", "Réessayer",
        "Erneut versuchen", "Reintentar", "Riprova",
        "إعادة المحاولة";
    /// Edit a user message.
    edit: "Edit", "Modifier",
        "Bearbeiten", "Editar", "Modifica",
        "تعديل";
    /// Save and resend an edited message.
    save_and_send: "Save and send", "Enregistrer et envoyer",
        "Speichern und senden", "Guardar y enviar", "Salva e invia",
        "حفظ وإرسال";
    /// Cancel an edit or a confirmation.
    cancel: "Cancel", "Annuler",
        "Abbrechen", "Cancelar", "Annulla",
        "إلغاء";
    /// Save settings.
    save: "Save", "Enregistrer",
        "Speichern", "Guardar", "Salva",
        "حفظ";
    /// Close a dialog or the launcher panel.
    close: "Close", "Fermer",
        "Schließen", "Cerrar", "Chiudi",
        "إغلاق";
    /// API key field.
    api_key: "API key", "Clé d’API",
        "API-Schlüssel", "Clave de API", "Chiave API",
        "مفتاح API";
    /// Show the key.
    show_key: "Show key", "Afficher la clé",
        "Schlüssel anzeigen", "Mostrar clave", "Mostra chiave",
        "إظهار المفتاح";
    /// Hide the key.
    hide_key: "Hide key", "Masquer la clé",
        "Schlüssel ausblenden", "Ocultar clave", "Nascondi chiave",
        "إخفاء المفتاح";
    /// Remember the key checkbox.
    remember: "Remember on this device", "Mémoriser sur cet appareil",
        "Auf diesem Gerät merken", "Recordar en este dispositivo", "Ricorda su questo dispositivo",
        "تذكُّر المفتاح على هذا الجهاز";
    /// Explains where the key is kept.
    key_help: "Without “Remember”, the key is kept for this browser session only. It is sent only to the API base URL.", "Sans «\u{a0}Mémoriser\u{a0}», la clé n’est conservée que pour cette session du navigateur. Elle n’est envoyée qu’à l’URL de base de l’API.",
        "Ohne „Merken“ wird der Schlüssel nur für diese Browsersitzung aufbewahrt. Er wird ausschließlich an die API-Basis-URL gesendet.", "Sin «Recordar», la clave solo se conserva durante esta sesión del navegador. Solo se envía a la URL base de la API.", "Senza «Ricorda», la chiave viene conservata solo per questa sessione del browser. Viene inviata solo all’URL di base dell’API.",
        "بدون «تذكُّر المفتاح»، يُحتفَظ بالمفتاح لجلسة المتصفح هذه فقط، ولا يُرسَل إلا إلى عنوان URL الأساسي لواجهة API.";
    /// API base URL field.
    api_base: "API base URL", "URL de base de l’API",
        "API-Basis-URL", "URL base de la API", "URL di base dell’API",
        "عنوان URL الأساسي لواجهة API";
    /// Model picker.
    model: "Model", "Modèle",
        "Modell", "Modelo", "Modello",
        "النموذج";
    /// Temperature field.
    temperature: "Temperature", "Température",
        "Temperatur", "Temperatura", "Temperatura",
        "درجة الحرارة";
    /// Max tokens field.
    max_tokens: "Max tokens", "Jetons max.",
        "Max. Tokens", "Tokens máx.", "Token massimi",
        "الحد الأقصى للرموز";
    /// System prompt field.
    system_prompt: "System prompt", "Prompt système",
        "Systemprompt", "Prompt del sistema", "Prompt di sistema",
        "موجِّه النظام";
    /// Author label of the user's messages.
    you: "You", "Vous",
        "Sie", "Tú", "Tu",
        "أنت";
    /// Author label of the assistant's messages.
    assistant: "Assistant", "Assistant",
        "Assistent", "Asistente", "Assistente",
        "المساعد";
    /// Shown by the loader while the widget starts, when a message was sent before it ran.
    starting: "Starting…", "Démarrage…",
        "Wird gestartet…", "Iniciando…", "Avvio in corso…",
        "جارٍ البدء…";
    /// Shown by the loader where "Starting…" was when the widget's code could not be downloaded
    /// (beside a Retry button); also the `tinychat:error` message of kind `load`.
    load_failed: "The chat could not be loaded. Check your connection, then try again.",
        "Impossible de charger la discussion. Vérifiez votre connexion, puis réessayez.",
        "Der Chat konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
        "No se pudo cargar el chat. Comprueba tu conexión y vuelve a intentarlo.",
        "Impossibile caricare la chat. Controlla la connessione e riprova.",
        "تعذّر تحميل المحادثة. تحقّق من اتصالك ثم أعد المحاولة.";
    /// Shown while waiting for the first token.
    thinking: "Thinking…", "Réflexion…",
        "Denkt nach…", "Pensando…", "Sto pensando…",
        "جارٍ التفكير…";
    /// State note of a stopped reply.
    stopped: "Stopped", "Arrêté",
        "Gestoppt", "Detenido", "Interrotto",
        "تم الإيقاف";
    /// State note of a reply cut by a reload.
    interrupted: "Interrupted (the page was reloaded)", "Interrompu (la page a été rechargée)",
        "Unterbrochen (die Seite wurde neu geladen)", "Interrumpido (se recargó la página)", "Interrotto (la pagina è stata ricaricata)",
        "انقطع الرد (أُعيد تحميل الصفحة)";
    /// Shows the part of a long conversation that is not rendered yet.
    show_earlier: "Show earlier messages", "Afficher les messages précédents",
        "Frühere Nachrichten anzeigen", "Mostrar mensajes anteriores", "Mostra i messaggi precedenti",
        "عرض الرسائل السابقة";
    /// Jump to the newest message.
    jump_to_latest: "Jump to latest", "Aller au dernier message",
        "Zur neuesten Nachricht", "Ir al último mensaje", "Vai all’ultimo messaggio",
        "الانتقال إلى آخر رسالة";
    /// Conversations list toggle and heading.
    conversations: "Conversations", "Discussions",
        "Unterhaltungen", "Conversaciones", "Conversazioni",
        "المحادثات";
    /// Rename a conversation.
    rename: "Rename", "Renommer",
        "Umbenennen", "Cambiar nombre", "Rinomina",
        "إعادة التسمية";
    /// Delete a conversation.
    delete: "Delete", "Supprimer",
        "Löschen", "Eliminar", "Elimina",
        "حذف";
    /// Size of an empty conversation in the list.
    message_count_none: "No messages", "Aucun message",
        "Keine Nachrichten", "Ningún mensaje", "Nessun messaggio",
        "لا رسائل";
    /// Size of a conversation of one message in the list.
    message_count_one: "1 message", "1 message",
        "1 Nachricht", "1 mensaje", "1 messaggio",
        "رسالة واحدة";
    /// Size of a conversation in the list; `{n}` = messages (2 or more, or 0).
    message_count: "{n} messages", "{n} messages",
        "{n} Nachrichten", "{n} mensajes", "{n} messaggi",
        "عدد الرسائل: {n}";
    /// Delete confirmation question.
    confirm_delete: "Delete this conversation? This cannot be undone.", "Supprimer cette discussion\u{202f}? C’est définitif.",
        "Diese Unterhaltung löschen? Dies kann nicht rückgängig gemacht werden.", "¿Eliminar esta conversación? No se puede deshacer.", "Eliminare questa conversazione? L’operazione non può essere annullata.",
        "هل تريد حذف هذه المحادثة؟ لا يمكن التراجع عن ذلك.";
    /// Token usage of a reply; `{n}` = total tokens.
    tokens: "{n} tokens", "{n} jetons",
        "{n} Tokens", "{n} tokens", "{n} token",
        "عدد الرموز: {n}";
    /// Auto-retry note; `{n}` = seconds.
    retrying_in: "The server is busy. Retrying in {n} s…", "Le serveur est occupé. Nouvel essai dans {n}\u{a0}s…",
        "Der Server ist ausgelastet. Neuer Versuch in {n} s…", "El servidor está ocupado. Reintentando en {n} s…", "Il server è occupato. Nuovo tentativo tra {n} s…",
        "الخادم مشغول. إعادة المحاولة بعد {n} ث…";
    /// Shown instead of sending when no key is set for Mistral's API.
    key_needed: "An API key is needed to talk to api.mistral.ai. Add yours in Settings (or use a proxy API base URL).", "Une clé d’API est nécessaire pour api.mistral.ai. Ajoutez la vôtre dans les réglages (ou utilisez un proxy comme URL de base de l’API).",
        "Für api.mistral.ai wird ein API-Schlüssel benötigt. Fügen Sie Ihren Schlüssel in den Einstellungen hinzu (oder verwenden Sie einen Proxy als API-Basis-URL).", "Se necesita una clave de API para usar api.mistral.ai. Añade la tuya en Ajustes (o usa un proxy como URL base de la API).", "Serve una chiave API per usare api.mistral.ai. Aggiungi la tua nelle Impostazioni (o usa un proxy come URL di base dell’API).",
        "يلزم مفتاح API للتواصل مع api.mistral.ai. أضف مفتاحك في الإعدادات (أو استخدم خادمًا وكيلًا كعنوان URL أساسي لواجهة API).";
    /// Action on a bad-key error.
    open_settings: "Open Settings", "Ouvrir les réglages",
        "Einstellungen öffnen", "Abrir Ajustes", "Apri Impostazioni",
        "فتح الإعدادات";
    /// Thumbs up on a finished reply.
    good_reply: "Good reply", "Bonne réponse",
        "Gute Antwort", "Buena respuesta", "Risposta utile",
        "رد جيد";
    /// A page tool the assistant called (the line above the reply).
    tool_used: "Used {name}", "{name} a été utilisé",
        "{name} wurde verwendet", "Usó {name}", "Ha usato {name}",
        "تم استخدام {name}";
    /// A page tool running.
    tool_running: "Using {name}…", "Utilisation de {name}…",
        "{name} wird verwendet…", "Usando {name}…", "Sta usando {name}…",
        "جارٍ استخدام {name}…";
    /// A page tool that threw, timed out or does not exist (the model is told).
    tool_failed: "{name} failed", "Échec de {name}",
        "{name} ist fehlgeschlagen", "{name} falló", "{name} non è riuscito",
        "فشل {name}";
    /// A page tool stopped by the visitor.
    tool_stopped: "{name} was stopped", "{name} a été arrêté",
        "{name} wurde gestoppt", "{name} se detuvo", "{name} è stato interrotto",
        "تم إيقاف {name}";
    /// Heading of a tool call's arguments.
    tool_arguments: "Arguments", "Arguments",
        "Argumente", "Argumentos", "Argomenti",
        "المعطيات";
    /// Heading of a tool call's result.
    tool_result: "Result", "Résultat",
        "Ergebnis", "Resultado", "Risultato",
        "النتيجة";
    /// Summary of a reasoning model's thinking while it streams (a disclosure above the answer).
    reasoning_live: "Thinking…", "Réflexion…",
        "Denkt nach…", "Pensando…", "Sta ragionando…",
        "جارٍ التفكير…";
    /// Summary of the thinking once the answer started.
    reasoning_done: "Thought for {n} s", "Réflexion\u{a0}: {n}\u{a0}s",
        "{n} s nachgedacht", "Pensó durante {n} s", "Ha ragionato per {n} s",
        "فكّر لمدة {n} ث";
    /// Settings: how hard reasoning models think.
    reasoning: "Reasoning", "Raisonnement",
        "Schlussfolgern", "Razonamiento", "Ragionamento",
        "الاستدلال";
    /// Reasoning setting: send nothing, the model decides.
    reasoning_default: "Model default", "Par défaut du modèle",
        "Standard des Modells", "Predeterminado del modelo", "Predefinito del modello",
        "الإعداد الافتراضي للنموذج";
    /// Reasoning setting: `reasoning_effort: "none"`.
    reasoning_off: "Off", "Désactivé",
        "Aus", "Desactivado", "Disattivato",
        "متوقف";
    /// Reasoning setting: `reasoning_effort: "high"`.
    reasoning_high: "High", "Élevé",
        "Hoch", "Alto", "Alto",
        "مرتفع";
    /// Settings: the La Plateforme agent to talk to.
    agent_id: "Agent ID", "ID de l’agent",
        "Agenten-ID", "ID del agente", "ID dell’agente",
        "معرّف الوكيل";
    /// Settings: what the agent field does.
    agent_help: "Leave empty to talk to a model.", "Laissez vide pour parler à un modèle.",
        "Leer lassen, um mit einem Modell zu sprechen.", "Déjalo vacío para hablar con un modelo.", "Lascia vuoto per parlare con un modello.",
        "اتركه فارغًا للتحدث مع نموذج.";
    /// Settings error: the agent id is not one.
    invalid_agent_id: "An agent ID has only letters, digits, _, -, : and . (at most 128).", "Un ID d’agent ne contient que des lettres, des chiffres, _, -, : et . (128 au plus).",
        "Eine Agenten-ID enthält nur Buchstaben, Ziffern, _, -, : und . (höchstens 128).", "Un ID de agente solo tiene letras, dígitos, _, -, : y . (128 como máximo).", "Un ID agente contiene solo lettere, cifre, _, -, : e . (al massimo 128).",
        "يتكوّن معرّف الوكيل من أحرف وأرقام و _ و - و : و . فقط (128 على الأكثر).";
    /// Header line in agent mode: which agent answers.
    agent_answers: "Agent {id}", "Agent {id}",
        "Agent {id}", "Agente {id}", "Agente {id}",
        "الوكيل {id}";
    /// Heading of the sources cited under an answer.
    sources: "Sources", "Sources",
        "Quellen", "Fuentes", "Fonti",
        "المصادر";
    /// The composer's button that attaches images (vision models).
    attach_image: "Attach image", "Joindre une image",
        "Bild anhängen", "Adjuntar imagen", "Allega immagine",
        "إرفاق صورة";
    /// The list of images waiting to be sent with the next message.
    images_to_send: "Images to send", "Images à envoyer",
        "Zu sendende Bilder", "Imágenes para enviar", "Immagini da inviare",
        "الصور المراد إرسالها";
    /// A pending image's remove button.
    remove_image: "Remove {name}", "Retirer {name}",
        "{name} entfernen", "Quitar {name}", "Rimuovi {name}",
        "إزالة {name}";
    /// A sent image's thumbnail, which opens it larger.
    open_image: "Open {name}", "Ouvrir {name}",
        "{name} öffnen", "Abrir {name}", "Apri {name}",
        "فتح {name}";
    /// A file that is not an image Mistral takes.
    image_type: "{name} is not a PNG, JPEG, WebP or GIF image.", "{name} n’est pas une image PNG, JPEG, WebP ou GIF.",
        "{name} ist kein PNG-, JPEG-, WebP- oder GIF-Bild.", "{name} no es una imagen PNG, JPEG, WebP o GIF.", "{name} non è un’immagine PNG, JPEG, WebP o GIF.",
        "{name} ليست صورة PNG أو JPEG أو WebP أو GIF.";
    /// An image file over Mistral's size limit.
    image_too_big: "{name} is larger than 10 MB.", "{name} dépasse 10\u{a0}Mo.",
        "{name} ist größer als 10 MB.", "{name} supera los 10 MB.", "{name} supera i 10 MB.",
        "حجم {name} يتجاوز 10 ميغابايت.";
    /// An image over Mistral's pixel limit.
    image_too_wide: "{name} is larger than 10,000 pixels on a side.", "{name} dépasse 10\u{a0}000 pixels de côté.",
        "{name} ist auf einer Seite größer als 10.000 Pixel.", "{name} supera los 10.000 píxeles de lado.", "{name} supera i 10.000 pixel per lato.",
        "أحد أبعاد {name} يتجاوز 10000 بكسل.";
    /// An image the browser could not decode.
    image_unreadable: "{name} could not be read as an image.", "{name} n’a pas pu être lue comme une image.",
        "{name} konnte nicht als Bild gelesen werden.", "No se pudo leer {name} como imagen.", "Impossibile leggere {name} come immagine.",
        "تعذّر قراءة {name} كصورة.";
    /// More images than one message may carry.
    image_limit: "At most {n} images per message.", "{n}\u{a0}images au plus par message.",
        "Höchstens {n} Bilder pro Nachricht.", "Como máximo {n} imágenes por mensaje.", "Al massimo {n} immagini per messaggio.",
        "{n} صور كحد أقصى لكل رسالة.";
    /// Images are pending but the chosen model cannot see.
    model_blind: "{model} cannot see images: remove them or choose a model that can.", "{model} ne voit pas les images\u{a0}: retirez-les ou choisissez un modèle qui les voit.",
        "{model} kann keine Bilder sehen: Entfernen Sie sie oder wählen Sie ein Modell, das Bilder sieht.", "{model} no puede ver imágenes: quítalas o elige un modelo que pueda.", "{model} non vede le immagini: rimuovile o scegli un modello che le veda.",
        "لا يستطيع {model} رؤية الصور: أزلها أو اختر نموذجًا يستطيع ذلك.";
    /// Thumbs down on a finished reply.
    bad_reply: "Bad reply", "Mauvaise réponse",
        "Schlechte Antwort", "Mala respuesta", "Risposta non utile",
        "رد سيئ";
    /// Feedback could not be sent to the page's endpoint (for the page's `tinychat:error`).
    error_feedback: "The feedback could not be sent.", "L’avis n’a pas pu être envoyé.",
        "Die Rückmeldung konnte nicht gesendet werden.", "No se pudo enviar la valoración.", "Impossibile inviare il feedback.",
        "تعذّر إرسال التقييم.";
    /// Live-region announcement of a finished reply.
    reply_done: "Reply complete.", "Réponse terminée.",
        "Antwort vollständig.", "Respuesta completada.", "Risposta completata.",
        "اكتمل الرد.";
    /// Notice: a newer TinyChat upgraded the stored data in another tab; this page can no
    /// longer save (it offers an export beside this).
    storage_replaced: "TinyChat was updated in another tab. Reload this page to keep saving your conversations.",
        "TinyChat a été mis à jour dans un autre onglet. Rechargez cette page pour continuer à enregistrer vos discussions.",
        "TinyChat wurde in einem anderen Tab aktualisiert. Laden Sie diese Seite neu, damit Ihre Unterhaltungen weiter gespeichert werden.",
        "TinyChat se actualizó en otra pestaña. Recarga esta página para seguir guardando tus conversaciones.",
        "TinyChat è stato aggiornato in un’altra scheda. Ricarica questa pagina per continuare a salvare le tue conversazioni.",
        "تم تحديث TinyChat في علامة تبويب أخرى. أعد تحميل هذه الصفحة لمواصلة حفظ محادثاتك.";
    /// Storage unavailable or full.
    storage_unavailable: "Conversations cannot be saved on this device (storage is full or disabled). They will be lost on reload.", "Les discussions ne peuvent pas être enregistrées sur cet appareil (stockage plein ou désactivé). Elles seront perdues au rechargement de la page.",
        "Unterhaltungen können auf diesem Gerät nicht gespeichert werden (Speicher voll oder deaktiviert). Beim Neuladen gehen sie verloren.", "No se pueden guardar las conversaciones en este dispositivo (el almacenamiento está lleno o desactivado). Se perderán al recargar la página.", "Impossibile salvare le conversazioni su questo dispositivo (memoria piena o disattivata). Andranno perse ricaricando la pagina.",
        "لا يمكن حفظ المحادثات على هذا الجهاز (التخزين ممتلئ أو معطَّل). ستُفقد عند إعادة تحميل الصفحة.";
    /// Storage quota exceeded.
    storage_full: "Storage is full: new messages are not saved. Export your conversation to keep it.", "Le stockage est plein\u{a0}: les nouveaux messages ne sont pas enregistrés. Exportez votre discussion pour la garder.",
        "Der Speicher ist voll: Neue Nachrichten werden nicht gespeichert. Exportieren Sie Ihre Unterhaltung, um sie zu behalten.", "El almacenamiento está lleno: los mensajes nuevos no se guardan. Exporta la conversación para conservarla.", "La memoria è piena: i nuovi messaggi non vengono salvati. Esporta la conversazione per conservarla.",
        "التخزين ممتلئ: لن تُحفظ الرسائل الجديدة. صدِّر محادثتك للاحتفاظ بها.";
    /// Export the conversation from a notice.
    export_now: "Export JSON", "Exporter en JSON",
        "Als JSON exportieren", "Exportar JSON", "Esporta JSON",
        "تصدير JSON";
    /// Sending refused: another tab streams into this conversation.
    reply_elsewhere: "A reply is being written in this conversation in another tab. Wait for it to finish, or start a new chat.", "Une réponse est en cours d’écriture dans cette discussion dans un autre onglet. Attendez la fin, ou commencez une nouvelle discussion.",
        "In einem anderen Tab wird gerade eine Antwort in dieser Unterhaltung geschrieben. Warten Sie, bis sie fertig ist, oder beginnen Sie einen neuen Chat.", "Se está escribiendo una respuesta en esta conversación en otra pestaña. Espera a que termine o inicia un nuevo chat.", "In un’altra scheda è in corso una risposta in questa conversazione. Attendi che finisca o avvia una nuova chat.",
        "تجري كتابة رد في هذه المحادثة في علامة تبويب أخرى. انتظر حتى ينتهي، أو ابدأ محادثة جديدة.";
    /// Search field of the conversation list.
    search_conversations: "Search conversations", "Rechercher dans les discussions",
        "Unterhaltungen durchsuchen", "Buscar conversaciones", "Cerca nelle conversazioni",
        "البحث في المحادثات";
    /// No conversation matches the search.
    no_matches: "No conversation matches.", "Aucune discussion ne correspond.",
        "Keine Unterhaltung gefunden.", "Ninguna conversación coincide.", "Nessuna conversazione corrispondente.",
        "لا توجد محادثة مطابقة.";
    /// Storage held data that could not be read.
    storage_corrupt: "Some saved data could not be read and was skipped.", "Certaines données enregistrées étaient illisibles et ont été ignorées.",
        "Einige gespeicherte Daten konnten nicht gelesen werden und wurden übersprungen.", "Algunos datos guardados no se pudieron leer y se omitieron.", "Alcuni dati salvati non erano leggibili e sono stati ignorati.",
        "تعذَّرت قراءة بعض البيانات المحفوظة فتم تجاوزها.";
    /// Import failed; followed by the reason.
    import_failed: "Import failed:", "Échec de l’import\u{a0}:",
        "Import fehlgeschlagen:", "Error al importar:", "Importazione non riuscita:",
        "فشل الاستيراد:";
    /// A part of the widget loaded on first use (settings, conversation list, export, import,
    /// attaching images) could not be fetched.
    extras_failed: "This part of the chat could not be loaded. Check your connection and try again.",
        "Cette partie de la discussion n’a pas pu être chargée. Vérifiez votre connexion, puis réessayez.",
        "Dieser Teil des Chats konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
        "No se pudo cargar esta parte del chat. Comprueba tu conexión y vuelve a intentarlo.",
        "Impossibile caricare questa parte della chat. Controlla la connessione e riprova.",
        "تعذّر تحميل هذا الجزء من المحادثة. تحقّق من اتصالك ثم أعد المحاولة.";
    /// Notice when the code of a seldom-used part belongs to a newer version of the site (it
    /// was updated after this page loaded): only a reload brings matching code.
    extras_outdated: "TinyChat was updated on this site. Reload the page to use this part of the chat.",
        "TinyChat a été mis à jour sur ce site. Rechargez la page pour utiliser cette partie de la discussion.",
        "TinyChat wurde auf dieser Website aktualisiert. Laden Sie die Seite neu, um diesen Teil des Chats zu verwenden.",
        "TinyChat se ha actualizado en este sitio. Recarga la página para usar esta parte del chat.",
        "TinyChat è stato aggiornato su questo sito. Ricarica la pagina per usare questa parte della chat.",
        "تم تحديث TinyChat على هذا الموقع. أعد تحميل الصفحة لاستخدام هذا الجزء من المحادثة.";
    /// Launcher button (closed).
    open_chat: "Open chat", "Ouvrir la discussion",
        "Chat öffnen", "Abrir chat", "Apri chat",
        "فتح المحادثة";
    /// Launcher close button.
    close_chat: "Close chat", "Fermer la discussion",
        "Chat schließen", "Cerrar chat", "Chiudi chat",
        "إغلاق المحادثة";
    /// The header's menu of secondary actions on narrow widgets (its button's name).
    more: "More", "Plus",
        "Mehr", "Más", "Altro",
        "المزيد";
    /// Dismiss a notice.
    dismiss: "Dismiss", "Fermer",
        "Ausblenden", "Descartar", "Chiudi",
        "تجاهل";
    /// Settings field error: API base URL.
    invalid_api_base: "Enter an http(s) URL or a path starting with “/”.", "Saisissez une URL http(s) ou un chemin commençant par «\u{a0}/\u{a0}».",
        "Geben Sie eine http(s)-URL oder einen Pfad ein, der mit „/“ beginnt.", "Escribe una URL http(s) o una ruta que empiece por «/».", "Inserisci un URL http(s) o un percorso che inizi con «/».",
        "أدخل عنوان URL بصيغة http(s) أو مسارًا يبدأ بـ «/».";
    /// Settings field error: model.
    invalid_model: "Choose a model.", "Choisissez un modèle.",
        "Wählen Sie ein Modell.", "Elige un modelo.", "Scegli un modello.",
        "اختر نموذجًا.";
    /// Settings field error: temperature.
    invalid_temperature: "Enter a number from 0 to 1.5, or leave it empty.", "Saisissez un nombre entre 0 et 1,5, ou laissez le champ vide.",
        "Geben Sie eine Zahl von 0 bis 1,5 ein oder lassen Sie das Feld leer.", "Escribe un número entre 0 y 1,5, o deja el campo vacío.", "Inserisci un numero da 0 a 1,5 o lascia vuoto il campo.",
        "أدخل رقمًا من 0 إلى 1.5، أو اترك الحقل فارغًا.";
    /// Settings field error: max tokens.
    invalid_max_tokens: "Enter a whole number greater than 0, or leave it empty.", "Saisissez un nombre entier supérieur à 0, ou laissez le champ vide.",
        "Geben Sie eine ganze Zahl größer als 0 ein oder lassen Sie das Feld leer.", "Escribe un número entero mayor que 0, o deja el campo vacío.", "Inserisci un numero intero maggiore di 0 o lascia vuoto il campo.",
        "أدخل عددًا صحيحًا أكبر من 0، أو اترك الحقل فارغًا.";
    /// Error: network failure.
    error_network: "Could not reach the server. Check your connection and the API base URL in Settings.", "Impossible de joindre le serveur. Vérifiez votre connexion et l’URL de base de l’API dans les réglages.",
        "Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und die API-Basis-URL in den Einstellungen.", "No se pudo conectar con el servidor. Comprueba tu conexión y la URL base de la API en Ajustes.", "Impossibile raggiungere il server. Controlla la connessione e l’URL di base dell’API nelle Impostazioni.",
        "تعذَّر الوصول إلى الخادم. تحقَّق من اتصالك ومن عنوان URL الأساسي لواجهة API في الإعدادات.";
    /// Error: no bytes for too long; `{n}` = seconds.
    error_timeout: "The server did not answer for {n} seconds.", "Le serveur n’a pas répondu pendant {n} secondes.",
        "Der Server hat {n} Sekunden lang nicht geantwortet.", "El servidor no respondió durante {n} segundos.", "Il server non ha risposto per {n} secondi.",
        "لم يستجب الخادم خلال المهلة ({n} ث).";
    /// Error: stopped by the user.
    error_aborted: "Stopped.", "Arrêté.",
        "Gestoppt.", "Detenido.", "Interrotto.",
        "تم الإيقاف.";
    /// Error: the answer could not be read (no body, unexpected shape).
    error_bad_response: "The server’s answer could not be read.", "La réponse du serveur est illisible.",
        "Die Antwort des Servers konnte nicht gelesen werden.", "No se pudo leer la respuesta del servidor.", "Impossibile leggere la risposta del server.",
        "تعذَّرت قراءة رد الخادم.";
    /// Error: the request could not be prepared or sent by the browser.
    error_internal: "The browser could not send the request.", "Le navigateur n’a pas pu envoyer la requête.",
        "Der Browser konnte die Anfrage nicht senden.", "El navegador no pudo enviar la solicitud.", "Il browser non è riuscito a inviare la richiesta.",
        "تعذَّر على المتصفح إرسال الطلب.";
    /// Error of an unknown kind, stored by a newer version.
    error_unknown: "Something went wrong.", "Une erreur s’est produite.",
        "Ein Fehler ist aufgetreten.", "Se produjo un error.", "Si è verificato un errore.",
        "حدث خطأ ما.";
    /// HTTP 401.
    error_unauthorized: "The API key was rejected. Check it in Settings.", "La clé d’API a été refusée. Vérifiez-la dans les réglages.",
        "Der API-Schlüssel wurde abgelehnt. Prüfen Sie ihn in den Einstellungen.", "Se rechazó la clave de API. Revísala en Ajustes.", "La chiave API è stata rifiutata. Controllala nelle Impostazioni.",
        "رُفض مفتاح API. تحقَّق منه في الإعدادات.";
    /// HTTP 403.
    error_forbidden: "This API key has no access to this model or resource. Check the model and your plan.", "Cette clé d’API n’a pas accès à ce modèle ou à cette ressource. Vérifiez le modèle et votre offre.",
        "Dieser API-Schlüssel hat keinen Zugriff auf dieses Modell oder diese Ressource. Prüfen Sie das Modell und Ihren Tarif.", "Esta clave de API no tiene acceso a este modelo o recurso. Revisa el modelo y tu plan.", "Questa chiave API non ha accesso a questo modello o risorsa. Controlla il modello e il tuo piano.",
        "لا يملك مفتاح API هذا صلاحية الوصول إلى هذا النموذج أو المورد. تحقَّق من النموذج ومن خطتك.";
    /// HTTP 404.
    error_not_found: "Unknown model or wrong API address (HTTP 404). Check the model and the API base URL in Settings.", "Modèle inconnu ou mauvaise adresse d’API (HTTP 404). Vérifiez le modèle et l’URL de base de l’API dans les réglages.",
        "Unbekanntes Modell oder falsche API-Adresse (HTTP 404). Prüfen Sie das Modell und die API-Basis-URL in den Einstellungen.", "Modelo desconocido o dirección de API incorrecta (HTTP 404). Revisa el modelo y la URL base de la API en Ajustes.", "Modello sconosciuto o indirizzo API errato (HTTP 404). Controlla il modello e l’URL di base dell’API nelle Impostazioni.",
        "نموذج غير معروف أو عنوان API خاطئ (HTTP 404). تحقَّق من النموذج ومن عنوان URL الأساسي لواجهة API في الإعدادات.";
    /// An HTML page instead of an API answer; `{n}` = HTTP status.
    error_html_page: "The server answered with an HTML page (HTTP {n}).", "Le serveur a répondu par une page HTML (HTTP {n}).",
        "Der Server hat mit einer HTML-Seite geantwortet (HTTP {n}).", "El servidor respondió con una página HTML (HTTP {n}).", "Il server ha risposto con una pagina HTML (HTTP {n}).",
        "ردَّ الخادم بصفحة HTML (HTTP {n}).";
    /// HTTP 400 or 422 without details; `{n}` = HTTP status.
    error_rejected: "The request was rejected (HTTP {n}).", "La requête a été refusée (HTTP {n}).",
        "Die Anfrage wurde abgelehnt (HTTP {n}).", "Se rechazó la solicitud (HTTP {n}).", "La richiesta è stata rifiutata (HTTP {n}).",
        "رُفض الطلب (HTTP {n}).";
    /// HTTP 422 with details; `{detail}` = the server's explanation.
    error_rejected_detail: "The request was rejected: {detail}", "La requête a été refusée\u{a0}: {detail}",
        "Die Anfrage wurde abgelehnt: {detail}", "Se rechazó la solicitud: {detail}", "La richiesta è stata rifiutata: {detail}",
        "رُفض الطلب: {detail}";
    /// HTTP 429 with a wait; `{n}` = seconds.
    error_rate_limited_wait: "Rate limit reached. Try again in {n} s.", "Limite de requêtes atteinte. Réessayez dans {n}\u{a0}s.",
        "Anfragelimit erreicht. Versuchen Sie es in {n} s erneut.", "Se alcanzó el límite de solicitudes. Vuelve a intentarlo en {n} s.", "Limite di richieste raggiunto. Riprova tra {n} s.",
        "تم بلوغ حد معدل الطلبات. أعد المحاولة بعد {n} ث.";
    /// HTTP 429 without a wait.
    error_rate_limited: "Rate limit reached. Try again in a few seconds.", "Limite de requêtes atteinte. Réessayez dans quelques secondes.",
        "Anfragelimit erreicht. Versuchen Sie es in einigen Sekunden erneut.", "Se alcanzó el límite de solicitudes. Vuelve a intentarlo en unos segundos.", "Limite di richieste raggiunto. Riprova tra qualche secondo.",
        "تم بلوغ حد معدل الطلبات. أعد المحاولة بعد بضع ثوانٍ.";
    /// Added to a 429 when no limit header says a limit is used up.
    error_spending_limit: "If this keeps happening, your workspace may have reached its spending or usage limit, which Mistral also reports as HTTP 429.", "Si cela se répète, votre espace de travail a peut-être atteint sa limite de dépenses ou d’usage, que Mistral signale aussi par HTTP 429.",
        "Wenn das wiederholt auftritt, hat Ihr Workspace möglicherweise sein Ausgaben- oder Nutzungslimit erreicht, das Mistral ebenfalls als HTTP 429 meldet.", "Si esto se repite, puede que tu espacio de trabajo haya alcanzado su límite de gasto o de uso, que Mistral también indica como HTTP 429.", "Se il problema si ripete, il tuo spazio di lavoro potrebbe aver raggiunto il limite di spesa o di utilizzo, che Mistral segnala anch’esso come HTTP 429.",
        "إذا تكرر ذلك، فربما بلغت مساحة العمل لديك حد الإنفاق أو الاستخدام، وهو ما تُبلغ عنه Mistral أيضًا بالرمز HTTP 429.";
    /// The server's own words, added to an error; `{detail}` = its message.
    error_server_note: "(Mistral: {detail})", "(Mistral\u{a0}: {detail})",
        "(Mistral: {detail})", "(Mistral: {detail})", "(Mistral: {detail})",
        "(رسالة Mistral: {detail})";
    /// HTTP 5xx; `{n}` = HTTP status.
    error_server: "Mistral's servers are having trouble (HTTP {n}). Retrying usually helps.", "Les serveurs de Mistral rencontrent des difficultés (HTTP {n}). Réessayer suffit en général.",
        "Die Server von Mistral haben Probleme (HTTP {n}). Ein erneuter Versuch hilft meist.", "Los servidores de Mistral tienen problemas (HTTP {n}). Reintentar suele funcionar.", "I server di Mistral hanno problemi (HTTP {n}). Di solito basta riprovare.",
        "تواجه خوادم Mistral مشكلات (HTTP {n}). وعادةً ما تفيد إعادة المحاولة.";
    /// Added to an HTML page answering with 5xx.
    error_server_retry: "Mistral's servers may be having trouble; retrying usually helps.", "Les serveurs de Mistral rencontrent peut-être des difficultés\u{202f}; réessayer suffit en général.",
        "Die Server von Mistral haben möglicherweise Probleme; ein erneuter Versuch hilft meist.", "Puede que los servidores de Mistral tengan problemas; reintentar suele funcionar.", "I server di Mistral potrebbero avere problemi; di solito basta riprovare.",
        "ربما تواجه خوادم Mistral مشكلات؛ وعادةً ما تفيد إعادة المحاولة.";
    /// Another HTTP status; `{n}` = status, `{detail}` = the server's message or the status name.
    error_http: "HTTP {n}: {detail}", "HTTP {n}\u{a0}: {detail}",
        "HTTP-Fehler {n}: {detail}", "Error HTTP {n}: {detail}", "Errore HTTP {n}: {detail}",
        "خطأ HTTP {n}: {detail}";
    /// Another HTTP status without a known name.
    error_http_unexpected: "unexpected response from the server", "réponse inattendue du serveur",
        "unerwartete Antwort des Servers", "respuesta inesperada del servidor", "risposta inattesa dal server",
        "استجابة غير متوقعة من الخادم";
    /// The stream carried an error; `{detail}` = Mistral's message.
    error_stream_api_detail: "Mistral reported an error while answering: {detail}", "Mistral a signalé une erreur pendant la réponse\u{a0}: {detail}",
        "Mistral hat beim Antworten einen Fehler gemeldet: {detail}", "Mistral informó de un error al responder: {detail}", "Mistral ha segnalato un errore durante la risposta: {detail}",
        "أبلغت Mistral عن خطأ أثناء الرد: {detail}";
    /// The stream carried an error without a message.
    error_stream_api: "Mistral reported an error while answering.", "Mistral a signalé une erreur pendant la réponse.",
        "Mistral hat beim Antworten einen Fehler gemeldet.", "Mistral informó de un error al responder.", "Mistral ha segnalato un errore durante la risposta.",
        "أبلغت Mistral عن خطأ أثناء الرد.";
    /// A stream chunk could not be read.
    error_stream_malformed: "The answer could not be read: the server sent data in an unexpected format.", "La réponse est illisible\u{a0}: le serveur a envoyé des données dans un format inattendu.",
        "Die Antwort konnte nicht gelesen werden: Der Server hat Daten in einem unerwarteten Format gesendet.", "No se pudo leer la respuesta: el servidor envió datos en un formato inesperado.", "Impossibile leggere la risposta: il server ha inviato dati in un formato inatteso.",
        "تعذَّرت قراءة الرد: أرسل الخادم بيانات بتنسيق غير متوقع.";
    /// The stream ended without `[DONE]`.
    error_stream_incomplete: "The answer ended before it was complete. The connection may have been interrupted.", "La réponse s’est arrêtée avant la fin. La connexion a peut-être été interrompue.",
        "Die Antwort endete, bevor sie vollständig war. Möglicherweise wurde die Verbindung unterbrochen.", "La respuesta terminó antes de completarse. Puede que se haya interrumpido la conexión.", "La risposta è terminata prima di essere completa. La connessione potrebbe essersi interrotta.",
        "انتهى الرد قبل أن يكتمل. ربما انقطع الاتصال.";
    /// The stream was cut in the middle of an event.
    error_stream_truncated: "The connection was interrupted in the middle of the answer.", "La connexion a été interrompue au milieu de la réponse.",
        "Die Verbindung wurde mitten in der Antwort unterbrochen.", "La conexión se interrumpió en mitad de la respuesta.", "La connessione si è interrotta a metà della risposta.",
        "انقطع الاتصال في منتصف الرد.";
    /// A stream event over the size limit; `{n}` = bytes.
    error_stream_too_large: "The server sent a message larger than the widget accepts ({n} bytes).", "Le serveur a envoyé un message plus grand que ce que le widget accepte ({n} octets).",
        "Der Server hat eine Nachricht gesendet, die größer ist, als das Widget zulässt ({n} Byte).", "El servidor envió un mensaje más grande de lo que admite el widget ({n} bytes).", "Il server ha inviato un messaggio più grande di quanto il widget accetti ({n} byte).",
        "أرسل الخادم رسالة أكبر مما تقبله الأداة ({n} بايت).";
    /// Import: file too large; `{n}` = size in MB.
    import_too_large: "This file is too large to import ({n} MB); conversation files are limited to 10 MB.", "Ce fichier est trop volumineux pour être importé ({n}\u{a0}Mo)\u{202f}; les fichiers de discussion sont limités à 10 Mo.",
        "Diese Datei ist zu groß für den Import ({n} MB); Unterhaltungsdateien sind auf 10 MB begrenzt.", "Este archivo es demasiado grande para importarlo ({n} MB); los archivos de conversación están limitados a 10 MB.", "Questo file è troppo grande per essere importato ({n} MB); i file di conversazione sono limitati a 10 MB.",
        "هذا الملف أكبر من أن يُستورد ({n} ميغابايت)؛ الحد الأقصى لملفات المحادثات 10 ميغابايت.";
    /// Import: not JSON; `{detail}` = the parser's message.
    import_not_json: "This file is not a TinyChat conversation: it is not valid JSON ({detail}).", "Ce fichier n’est pas une discussion TinyChat\u{a0}: ce n’est pas du JSON valide ({detail}).",
        "Diese Datei ist keine TinyChat-Unterhaltung: Sie enthält kein gültiges JSON ({detail}).", "Este archivo no es una conversación de TinyChat: no es un JSON válido ({detail}).", "Questo file non è una conversazione di TinyChat: non è un JSON valido ({detail}).",
        "هذا الملف ليس محادثة TinyChat: فهو ليس JSON صالحًا ({detail}).";
    /// Import: JSON but not an export.
    import_not_conversation: "This file is not a TinyChat conversation export.", "Ce fichier n’est pas un export de discussion TinyChat.",
        "Diese Datei ist kein Export einer TinyChat-Unterhaltung.", "Este archivo no es una exportación de conversación de TinyChat.", "Questo file non è un’esportazione di una conversazione di TinyChat.",
        "هذا الملف ليس تصديرًا لمحادثة TinyChat.";
    /// Import: newer format; `{n}` = the file's version, `{supported}` = this build's.
    import_newer_version: "This conversation was exported by a newer version of TinyChat (format version {n}); this version can read version {supported}.", "Cette discussion a été exportée par une version plus récente de TinyChat (format {n})\u{202f}; cette version lit le format {supported}.",
        "Diese Unterhaltung wurde von einer neueren TinyChat-Version exportiert (Formatversion {n}); diese Version kann Version {supported} lesen.", "Esta conversación se exportó con una versión más reciente de TinyChat (versión de formato {n}); esta versión puede leer la versión {supported}.", "Questa conversazione è stata esportata da una versione più recente di TinyChat (versione del formato {n}); questa versione può leggere la versione {supported}.",
        "صُدِّرت هذه المحادثة بإصدار أحدث من TinyChat (إصدار التنسيق {n})؛ ويستطيع هذا الإصدار قراءة الإصدار {supported}.";
    /// Import: too many messages; `{n}` = messages in the file, `{max}` = the limit.
    import_too_many: "This conversation has {n} messages; at most {max} can be imported.", "Cette discussion compte {n} messages\u{202f}; {max} au plus peuvent être importés.",
        "Diese Unterhaltung enthält {n} Nachrichten; höchstens {max} können importiert werden.", "Esta conversación tiene {n} mensajes; se pueden importar {max} como máximo.", "Questa conversazione contiene {n} messaggi; se ne possono importare al massimo {max}.",
        "عدد رسائل هذه المحادثة {n}، والحد الأقصى لما يمكن استيراده {max}.";
    /// Import: damaged; `{detail}` = what is wrong.
    import_damaged: "This conversation file is damaged: {detail}.", "Ce fichier de discussion est endommagé\u{a0}: {detail}.",
        "Diese Unterhaltungsdatei ist beschädigt: {detail}.", "Este archivo de conversación está dañado: {detail}.", "Questo file di conversazione è danneggiato: {detail}.",
        "ملف المحادثة هذا تالف: {detail}.";
}

impl Strings {
    /// Strings for a BCP 47 locale tag by its language: `fr`, `fr-CA`, … give French; `de`,
    /// `es`, `it`, `ar` (any region) German, Spanish, Italian, Arabic; anything else English.
    pub fn for_locale(locale: &str) -> Self {
        match language(locale).as_str() {
            "fr" => Self::french(),
            "de" => Self::german(),
            "es" => Self::spanish(),
            "it" => Self::italian(),
            "ar" => Self::arabic(),
            _ => Self::english(),
        }
    }

    /// Whether every shipped language is compiled in (the `bundled-languages` feature);
    /// otherwise [`Strings::for_locale`] gives English, and a language's strings come from its
    /// file ([`Strings::language_file`]).
    pub const BUNDLED: bool = cfg!(feature = "bundled-languages");

    /// The shipped languages other than English, by their file names (`fr.json`…).
    pub const LANGUAGE_FILES: [&'static str; 5] = ["fr", "de", "es", "it", "ar"];

    /// The language file `locale` needs (`"fr"` for `fr-CA`), or `None` for English and for a
    /// language TinyChat does not ship.
    pub fn language_file(locale: &str) -> Option<&'static str> {
        let lang = language(locale);
        Self::LANGUAGE_FILES.into_iter().find(|l| *l == lang)
    }

    /// Every string as one JSON object, `{"key": "text", …}`: a language file.
    pub fn to_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = Self::KEYS
            .iter()
            .filter_map(|k| Some(((*k).to_owned(), self.get(k)?.into())))
            .collect();
        serde_json::Value::Object(map).to_string()
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
            SettingsError::ApiBase => self.invalid_api_base(),
            SettingsError::Model => self.invalid_model(),
            SettingsError::Temperature => self.invalid_temperature(),
            SettingsError::MaxTokens => self.invalid_max_tokens(),
            SettingsError::AgentId => self.invalid_agent_id(),
        }
    }

    /// The sentence for a failure that carries no detail of its own: network, timeout (after
    /// `timeout_secs`), stop, unreadable answer, internal, unknown. HTTP and stream errors
    /// have their own words: [`crate::mistral::ApiError::message_in`],
    /// [`crate::mistral::StreamError::user_message_in`].
    pub fn error_sentence(&self, kind: ErrorKind, timeout_secs: u64) -> String {
        match kind {
            ErrorKind::Network => self.error_network().clone(),
            ErrorKind::Timeout => Strings::fill(self.error_timeout(), timeout_secs),
            ErrorKind::Aborted => self.error_aborted().clone(),
            ErrorKind::BadResponse => self.error_bad_response().clone(),
            ErrorKind::Internal => self.error_internal().clone(),
            ErrorKind::Feedback => self.error_feedback().clone(),
            ErrorKind::Unauthorized => self.error_unauthorized().clone(),
            ErrorKind::Forbidden => self.error_forbidden().clone(),
            ErrorKind::NotFound => self.error_not_found().clone(),
            ErrorKind::RateLimited => self.error_rate_limited().clone(),
            ErrorKind::BadRequest | ErrorKind::Validation => {
                Strings::fill(self.error_rejected(), 400)
            }
            ErrorKind::ServerError => Strings::fill(self.error_server(), 500),
            ErrorKind::Stream => self.error_stream_incomplete().clone(),
            ErrorKind::Http | ErrorKind::Unknown => self.error_unknown().clone(),
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

/// The language subtag of a BCP 47 locale tag, lowercased: `pt-BR` → `pt`, `FR_fr` → `fr`.
pub fn language(locale: &str) -> String {
    locale
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a locale's language is written right to left (Arabic, Hebrew, Persian, Urdu), so
/// the widget lays itself out with `dir="rtl"`.
pub fn is_rtl_locale(locale: &str) -> bool {
    matches!(language(locale).as_str(), "ar" | "he" | "iw" | "fa" | "ur")
}

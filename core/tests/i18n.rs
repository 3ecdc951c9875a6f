//! Strings: locales, overrides, and completeness of every language (errors included).

use tinychat_core::i18n::{is_rtl_locale, Strings};

#[test]
fn french_locale_variants_choose_french() {
    assert_eq!(Strings::for_locale("fr").send(), "Envoyer");
    assert_eq!(Strings::for_locale("fr-CA").send(), "Envoyer");
    assert_eq!(Strings::for_locale("FR_fr").send(), "Envoyer");
}

#[test]
fn each_shipped_language_is_chosen_by_its_locale_tags() {
    for (tag, send) in [
        ("de", "Senden"),
        ("de-AT", "Senden"),
        ("es", "Enviar"),
        ("es-419", "Enviar"),
        ("it-IT", "Invia"),
        ("ar", "إرسال"),
        ("ar_EG", "إرسال"),
        ("AR", "إرسال"),
    ] {
        assert_eq!(Strings::for_locale(tag).send(), send, "{tag}");
    }
}

#[test]
fn unknown_or_empty_locale_falls_back_to_english() {
    assert_eq!(Strings::for_locale("pt-BR").send(), "Send");
    assert_eq!(Strings::for_locale("").send(), "Send");
}

#[test]
fn right_to_left_locales_are_recognized_by_their_language() {
    for tag in ["ar", "ar-EG", "he", "he-IL", "fa", "ur-PK", "FA_ir"] {
        assert!(is_rtl_locale(tag), "{tag}");
    }
    for tag in ["en", "fr", "de", "", "arn", "hr", "ru"] {
        assert!(!is_rtl_locale(tag), "{tag}");
    }
}

#[test]
fn overrides_replace_known_keys_and_report_unknown_ones() {
    let mut s = Strings::english();
    let rejected = s.apply_overrides(r#"{"send":"Go","nope":"x","stop":3}"#);
    assert_eq!(s.send(), "Go");
    assert_eq!(s.stop(), "Stop");
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

use tinychat_core::chat::{ErrorInfo, ImportError};
use tinychat_core::error::ErrorKind;
use tinychat_core::mistral::{ApiError, StreamError};
use tinychat_core::options::SettingsError;

/// A language's name, its strings, and the keys rightly the same as in English.
type Language = (&'static str, fn() -> Strings, &'static [&'static str]);

/// Every language that ships besides English: its name, its strings, and the keys whose text is
/// rightly the same as the English one (names, file formats, words spelled alike).
const LANGUAGES: &[Language] = &[
    (
        "French",
        Strings::french,
        &[
            "title",
            "message",
            "assistant",
            "tool_arguments",
            "agent_answers",
            "sources",
            "export_markdown",
            "export_json",
            "message_count_one",
            "message_count",
        ],
    ),
    (
        "German",
        Strings::german,
        &[
            "title",
            "agent_answers",
            "export_markdown",
            "export_json",
            "error_server_note",
        ],
    ),
    (
        "Spanish",
        Strings::spanish,
        &[
            "title",
            "export_markdown",
            "export_json",
            "tokens",
            "error_server_note",
        ],
    ),
    (
        "Italian",
        Strings::italian,
        &[
            "title",
            "export_markdown",
            "export_json",
            "error_server_note",
        ],
    ),
    (
        "Arabic",
        Strings::arabic,
        &["title", "export_markdown", "export_json"],
    ),
];

/// Every sentence the widget can show for a failure of `kind`, in `s`'s language: the HTTP and
/// stream errors that map to it (with and without server details) and the generic sentence.
fn sentences(kind: ErrorKind, s: &Strings) -> Vec<String> {
    let api = |status: u16, headers: &[(&str, &str)], body: &str| {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ErrorInfo::from_api(&ApiError::from_response(status, &headers, body), s).message
    };
    let stream = |e: StreamError| ErrorInfo::from_stream(&e, s).message;
    let mut out = vec![s.error_sentence(kind, 60)];
    match kind {
        ErrorKind::BadRequest => out.extend([api(400, &[], ""), api(400, &[], "<html>")]),
        ErrorKind::Unauthorized => out.push(api(401, &[], "")),
        ErrorKind::Forbidden => out.push(api(403, &[], "")),
        ErrorKind::NotFound => out.push(api(404, &[], "")),
        ErrorKind::Validation => out.extend([
            api(422, &[], ""),
            api(422, &[], r#"{"detail":[{"loc":["body","x"],"msg":"bad"}]}"#),
        ]),
        ErrorKind::RateLimited => out.extend([
            api(429, &[], ""),
            api(429, &[("retry-after", "3")], "{\"message\":\"slow down\"}"),
        ]),
        ErrorKind::ServerError => out.extend([api(503, &[], ""), api(502, &[], "<html></html>")]),
        ErrorKind::Http => out.extend([api(418, &[], ""), api(402, &[], "")]),
        ErrorKind::Stream => out.extend([
            stream(StreamError::Api {
                message: String::new(),
                kind: None,
                code: None,
                partial: String::new(),
            }),
            stream(StreamError::Api {
                message: "oops".into(),
                kind: None,
                code: None,
                partial: String::new(),
            }),
            stream(StreamError::Malformed {
                detail: "x".into(),
                partial: String::new(),
            }),
            stream(StreamError::Incomplete {
                partial: String::new(),
            }),
            stream(StreamError::Truncated {
                partial: String::new(),
            }),
            stream(StreamError::TooLarge {
                limit: 10,
                partial: String::new(),
            }),
        ]),
        ErrorKind::Network
        | ErrorKind::Timeout
        | ErrorKind::Aborted
        | ErrorKind::BadResponse
        | ErrorKind::Internal
        | ErrorKind::Feedback
        | ErrorKind::Unknown => {}
    }
    out
}

#[test]
fn every_string_is_translated_into_every_language() {
    let en = Strings::english();
    for &(name, strings, same) in LANGUAGES {
        let s = strings();
        for key in Strings::KEYS {
            let (e, t) = (en.get(key).unwrap(), s.get(key).unwrap());
            assert!(!t.trim().is_empty(), "{key} is empty in {name}");
            if same.contains(key) {
                assert_eq!(e, t, "{name}.{key} is translated: take it off the list");
            } else {
                assert_ne!(e, t, "{key} is still English in {name}");
            }
        }
        for key in same.iter() {
            assert!(Strings::KEYS.contains(key), "{name}: {key} is not a key");
        }
    }
}

/// The placeholders of a template, in order of first appearance: `{n}`, `{detail}`, …
fn placeholders(template: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        if !found.contains(&&after[..close]) {
            found.push(&after[..close]);
        }
        rest = &after[close + 1..];
    }
    found.sort_unstable();
    found
}

#[test]
fn every_language_keeps_each_placeholder_exactly() {
    let en = Strings::english();
    for &(name, strings, _) in LANGUAGES {
        let s = strings();
        for key in Strings::KEYS {
            let (e, t) = (en.get(key).unwrap(), s.get(key).unwrap());
            assert_eq!(placeholders(e), placeholders(t), "{name}.{key}: {t}");
            assert_eq!(
                e.matches('{').count(),
                t.matches('{').count(),
                "{name}.{key}: {t}"
            );
        }
    }
}

#[test]
fn each_language_follows_its_typography() {
    let all = |s: &Strings| -> Vec<(String, String)> {
        Strings::KEYS
            .iter()
            .map(|k| (k.to_string(), s.get(k).unwrap().to_string()))
            .collect()
    };
    for &(name, strings, _) in LANGUAGES {
        for (key, text) in all(&strings()) {
            // Typographic quotes and apostrophes, never straight ones.
            assert!(
                !text.contains('"'),
                "{name}.{key}: straight quote in {text}"
            );
            assert!(
                !text.contains('\''),
                "{name}.{key}: straight apostrophe in {text}"
            );
        }
    }
    for (key, text) in all(&Strings::german()) {
        // German quotes open low („) and close high (“).
        assert_eq!(
            text.matches('„').count(),
            text.matches('“').count(),
            "de.{key}"
        );
        assert!(
            !text.contains('«') && !text.contains('”'),
            "de.{key}: {text}"
        );
    }
    for (key, text) in all(&Strings::spanish()) {
        assert_eq!(
            text.matches('¿').count(),
            text.matches('?').count(),
            "es.{key}"
        );
    }
    for (key, text) in all(&Strings::arabic()) {
        // Arabic comma, semicolon and question mark.
        for latin in [',', ';', '?'] {
            assert!(!text.contains(latin), "ar.{key}: {latin:?} in {text}");
        }
    }
    assert!(Strings::arabic().confirm_delete().contains('؟'));
    assert!(Strings::spanish().confirm_delete().starts_with('¿'));
}

#[test]
fn every_error_kind_has_words_in_every_language() {
    let en = Strings::english();
    for &(name, strings, _) in LANGUAGES {
        let s = strings();
        for &kind in ErrorKind::ALL {
            let (english, translated) = (sentences(kind, &en), sentences(kind, &s));
            assert_eq!(english.len(), translated.len());
            for (e, t) in english.iter().zip(&translated) {
                assert!(!t.trim().is_empty(), "{name} {kind:?}: empty sentence");
                assert_ne!(e, t, "{kind:?}: the {name} widget shows English: {t}");
                assert!(!t.contains('{'), "{name} {kind:?}: unfilled template: {t}");
                // No English sentence of the table may appear inside a translated one.
                for key in Strings::KEYS.iter().filter(|k| k.starts_with("error_")) {
                    let english_text = en.get(key).unwrap();
                    let fixed = english_text.split('{').next().unwrap_or("");
                    if fixed.len() > 12 {
                        assert!(
                            !t.contains(fixed),
                            "{name} {kind:?}: sentence {t:?} contains English {fixed:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn import_errors_and_settings_errors_are_translated() {
    let en = Strings::english();
    let imports = [
        ImportError::TooLarge { bytes: 11 << 20 },
        ImportError::NotJson { detail: "x".into() },
        ImportError::NotAConversation,
        ImportError::UnsupportedVersion {
            found: 2,
            supported: 1,
        },
        ImportError::TooManyMessages { count: 5, max: 4 },
        ImportError::Invalid { detail: "x".into() },
    ];
    for e in &imports {
        assert_eq!(e.to_string(), e.message_in(&en));
    }
    for &(name, strings, _) in LANGUAGES {
        let s = strings();
        for e in &imports {
            assert_ne!(e.message_in(&en), e.message_in(&s), "{name}: {e:?}");
            assert!(
                !e.message_in(&s).contains('{'),
                "{name}: unfilled template: {e:?}"
            );
        }
        for e in [
            SettingsError::ApiBase,
            SettingsError::Model,
            SettingsError::Temperature,
            SettingsError::MaxTokens,
        ] {
            assert_ne!(en.settings_error(e), s.settings_error(e), "{name}: {e:?}");
        }
    }
}

#[test]
fn a_french_401_is_french() {
    let api = ApiError::from_response(401, &[], "");
    assert_eq!(
        api.message_in(&Strings::french()),
        "La clé d’API a été refusée. Vérifiez-la dans les réglages."
    );
}

#[test]
fn fill_named_fills_each_placeholder_once() {
    assert_eq!(
        Strings::fill_named("HTTP {n}: {detail}", &[("n", "402"), ("detail", "pay {n}")]),
        "HTTP 402: pay {n}"
    );
    assert_eq!(Strings::fill_named("{unknown} {", &[]), "{unknown} {");
}

#[test]
fn a_language_file_rebuilds_the_language_from_english() {
    for lang in Strings::LANGUAGE_FILES {
        let mut s = Strings::english();
        assert!(s
            .apply_overrides(&Strings::for_locale(lang).to_json())
            .is_empty());
        assert_eq!(s, Strings::for_locale(lang), "{lang}");
    }
    assert_eq!(Strings::language_file("fr-CA"), Some("fr"));
    assert_eq!(Strings::language_file("en-GB"), None);
    assert_eq!(Strings::language_file("ja"), None);
}

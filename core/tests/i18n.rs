//! Strings: locales, overrides, and completeness of every language (errors included).

use tinychat_core::i18n::Strings;

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
    let fr = Strings::french();
    for key in Strings::KEYS {
        let v = fr.get(key).unwrap();
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

use tinychat_core::chat::{ErrorInfo, ImportError};
use tinychat_core::error::ErrorKind;
use tinychat_core::mistral::{ApiError, StreamError};
use tinychat_core::options::SettingsError;

/// Keys whose French text is rightly the same as the English one (names, formats, words that
/// are spelled alike).
const SAME_IN_FRENCH: &[&str] = &[
    "title",
    "conversation",
    "message",
    "assistant",
    "export_markdown",
    "export_json",
    "message_count_one",
    "message_count",
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
        | ErrorKind::Unknown => {}
    }
    out
}

#[test]
fn every_string_is_translated_into_french() {
    let (en, fr) = (Strings::english(), Strings::french());
    for key in Strings::KEYS {
        let (e, f) = (en.get(key).unwrap(), fr.get(key).unwrap());
        assert!(!f.trim().is_empty(), "{key} is empty in French");
        if !SAME_IN_FRENCH.contains(key) {
            assert_ne!(e, f, "{key} is still English in French");
        }
    }
}

#[test]
fn every_error_kind_has_french_words() {
    let (en, fr) = (Strings::english(), Strings::french());
    for &kind in ErrorKind::ALL {
        let (english, french) = (sentences(kind, &en), sentences(kind, &fr));
        assert_eq!(english.len(), french.len());
        for (e, f) in english.iter().zip(&french) {
            assert!(!f.trim().is_empty(), "{kind:?}: empty sentence");
            assert_ne!(e, f, "{kind:?}: the French widget shows English: {f}");
            // No English sentence of the table may appear inside a French one.
            for key in Strings::KEYS.iter().filter(|k| k.starts_with("error_")) {
                let english_text = en.get(key).unwrap();
                let fixed = english_text.split('{').next().unwrap_or("");
                if fixed.len() > 12 {
                    assert!(
                        !f.contains(fixed),
                        "{kind:?}: French sentence {f:?} contains English {fixed:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn import_errors_and_settings_errors_are_translated() {
    let (en, fr) = (Strings::english(), Strings::french());
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
        assert_ne!(e.message_in(&en), e.message_in(&fr), "{e:?}");
        assert_eq!(e.to_string(), e.message_in(&en));
        assert!(!e.message_in(&fr).contains('{'), "unfilled template: {e:?}");
    }
    for e in [
        SettingsError::ApiBase,
        SettingsError::Model,
        SettingsError::Temperature,
        SettingsError::MaxTokens,
    ] {
        assert_ne!(en.settings_error(e), fr.settings_error(e));
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

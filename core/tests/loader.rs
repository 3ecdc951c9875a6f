//! The loader (`embed/tinychat-embed.js`) draws the widget before the wasm runs with its own
//! copy of a few strings; they must equal the strings table, in every language it carries.

use tinychat_core::i18n::Strings;
use tinychat_core::options::{parse_options, Load};

const LOADER: &str = include_str!("../../embed/tinychat-embed.js");

fn loader_strings() -> serde_json::Value {
    let start = LOADER
        .find("/* strings:begin */")
        .expect("strings:begin marker");
    let end = LOADER
        .find("/* strings:end */")
        .expect("strings:end marker");
    let json = &LOADER[start + "/* strings:begin */".len()..end];
    serde_json::from_str(json).expect("the loader's strings are valid JSON")
}

#[test]
fn the_loader_strings_equal_the_strings_table() {
    let table = loader_strings();
    let languages = table.as_object().unwrap();
    for lang in ["en", "fr", "de", "es", "it", "ar"] {
        assert!(
            languages.contains_key(lang),
            "the loader has no {lang} strings"
        );
        let keys = table[lang].as_object().unwrap();
        assert_eq!(
            keys.len(),
            table["en"].as_object().unwrap().len(),
            "{lang} lacks some of the loader's keys"
        );
    }
    for (lang, strings) in languages {
        let expected = Strings::for_locale(lang);
        for (key, value) in strings.as_object().unwrap() {
            let want = expected
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not a key of the strings table"));
            assert_eq!(
                value.as_str(),
                Some(want),
                "{lang}.{key} differs from core/src/i18n.rs"
            );
        }
    }
}

#[test]
fn load_is_an_option_with_four_values() {
    for (value, want) in [
        ("intent", Some(Load::Intent)),
        ("visible", Some(Load::Visible)),
        ("IDLE", Some(Load::Idle)),
        ("eager", Some(Load::Eager)),
        ("", None),
    ] {
        let (opts, warnings) = parse_options([("load", value)]);
        assert_eq!(opts.load, want);
        assert!(warnings.is_empty());
    }
    let (opts, warnings) = parse_options([("load", "later")]);
    assert_eq!(opts.load, None);
    assert_eq!(warnings.len(), 1);
}

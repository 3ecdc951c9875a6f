//! Widget options: parsing, validation and warnings.

use tinychat_core::options::*;

fn parse(pairs: &[(&str, &str)]) -> (WidgetOptions, Vec<OptionWarning>) {
    parse_options(pairs.iter().copied())
}

fn one_warning(pairs: &[(&str, &str)]) -> (WidgetOptions, OptionWarning) {
    let (opts, warnings) = parse(pairs);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    (opts, warnings.into_iter().next().unwrap())
}

#[test]
fn defaults() {
    let (opts, warnings) = parse(&[]);
    assert!(warnings.is_empty());
    assert_eq!(opts, WidgetOptions::default());
    assert_eq!(opts.api_base, "https://api.mistral.ai");
    assert_eq!(opts.model, "mistral-small-latest");
    assert_eq!(opts.models.len(), 6);
    assert_eq!(opts.title, "TinyChat");
    assert_eq!(opts.mode, Mode::Inline);
    assert_eq!(opts.position, Position::BottomRight);
    assert_eq!(opts.theme, Theme::Auto);
    assert_eq!(opts.storage_key, StorageKey::Namespace("tinychat".into()));
    assert_eq!(opts.timeout_ms, 60_000);
}

#[test]
fn api_base() {
    for (input, expected) in [
        ("https://api.mistral.ai/", "https://api.mistral.ai"),
        ("  http://localhost:8080//  ", "http://localhost:8080"),
        ("HTTPS://Example.com/v", "HTTPS://Example.com/v"),
        ("/proxy/mistral/", "/proxy/mistral"),
        ("/", ""),
    ] {
        let (opts, warnings) = parse(&[("api-base", input)]);
        assert!(warnings.is_empty(), "{input}");
        assert_eq!(opts.api_base, expected);
    }
    for bad in [
        "ftp://x",
        "javascript:alert(1)",
        "example.com",
        "https://",
        "//evil.example",
        "https://user@host",
        "http://a b",
        "https://x?y",
        "relative/path",
    ] {
        let (opts, w) = one_warning(&[("api-base", bad)]);
        assert_eq!(opts.api_base, DEFAULT_API_BASE, "{bad}");
        assert_eq!(w.attribute, "data-api-base");
        assert!(w.to_string().starts_with("data-api-base="), "{w}");
    }
    let (opts, warnings) = parse(&[("api-base", "   ")]);
    assert!(warnings.is_empty());
    assert_eq!(opts.api_base, DEFAULT_API_BASE);
}

#[test]
fn model_and_models() {
    let (opts, w) = parse(&[("model", " open-mistral-nemo ")]);
    assert!(w.is_empty());
    assert_eq!(opts.model, "open-mistral-nemo");
    assert_eq!(opts.models, WidgetOptions::default().models);

    let (opts, w) = one_warning(&[("model", "bad model!")]);
    assert_eq!(opts.model, DEFAULT_MODEL);
    assert_eq!(w.attribute, "data-model");

    let (opts, w) = parse(&[("models", "a, b ,a,,c"), ("model", "b")]);
    assert!(w.is_empty());
    assert_eq!(opts.models, ["a", "b", "c"]);

    // The selected model is always offered.
    let (opts, _) = parse(&[("models", "a,b"), ("model", "ft:custom:123")]);
    assert_eq!(opts.models, ["ft:custom:123", "a", "b"]);

    let (opts, w) = one_warning(&[("models", "ok, not ok")]);
    assert_eq!(opts.models[..2], ["mistral-small-latest", "ok"]);
    assert!(w.message.contains("not ok"), "{w}");

    let (opts, _) = one_warning(&[("models", " , ")]);
    assert_eq!(opts.models, WidgetOptions::default().models);
}

#[test]
fn texts_are_trimmed_and_empty_means_unset() {
    let (opts, w) = parse(&[
        ("title", "  My   bot \n"),
        ("placeholder", " Ask me "),
        ("greeting", " Hello!\nHow can I help? "),
        ("system-prompt", "  Be brief. "),
    ]);
    assert!(w.is_empty());
    assert_eq!(opts.title, "My bot");
    assert_eq!(opts.placeholder.as_deref(), Some("Ask me"));
    assert_eq!(opts.greeting.as_deref(), Some("Hello!\nHow can I help?"));
    assert_eq!(opts.system_prompt.as_deref(), Some("Be brief."));

    let (opts, w) = parse(&[
        ("title", ""),
        ("placeholder", " "),
        ("greeting", ""),
        ("system-prompt", "\n"),
    ]);
    assert!(w.is_empty());
    assert_eq!(opts.title, "TinyChat");
    assert_eq!(
        (opts.placeholder, opts.greeting, opts.system_prompt),
        (None, None, None)
    );

    let long = "x".repeat(200);
    let (opts, w) = one_warning(&[("title", &long)]);
    assert_eq!(opts.title.chars().count(), 80);
    assert!(opts.title.ends_with('…'));
    assert_eq!(w.attribute, "data-title");
}

#[test]
fn starter_prompts() {
    let (opts, w) = parse(&[("starter-prompts", " What is Rust? | |Write a haiku|  ")]);
    assert!(w.is_empty());
    assert_eq!(opts.starter_prompts, ["What is Rust?", "Write a haiku"]);
    let (opts, _) = parse(&[("starterPrompts", "one")]);
    assert_eq!(opts.starter_prompts, ["one"]);
}

#[test]
fn temperature() {
    for (input, expected) in [("0", 0.0), ("0.7", 0.7), (" 1.5 ", 1.5)] {
        let (opts, w) = parse(&[("temperature", input)]);
        assert!(w.is_empty());
        assert_eq!(opts.temperature, Some(expected));
    }
    for bad in ["hot", "-0.1", "1.6", "NaN", "inf", "0,5"] {
        let (opts, w) = one_warning(&[("temperature", bad)]);
        assert_eq!(opts.temperature, None, "{bad}");
        assert_eq!(
            w.to_string(),
            format!(
                "data-temperature={bad:?} is not a number between 0 and 1.5; using the default"
            )
        );
    }
}

#[test]
fn max_tokens() {
    let (opts, w) = parse(&[("max-tokens", " 512 ")]);
    assert!(w.is_empty());
    assert_eq!(opts.max_tokens, Some(512));
    for bad in ["0", "-1", "1.5", "lots", "99999999999"] {
        let (opts, w) = one_warning(&[("max-tokens", bad)]);
        assert_eq!(opts.max_tokens, None);
        assert_eq!(w.attribute, "data-max-tokens");
    }
    let (opts, w) = one_warning(&[("maxTokens", "x")]);
    assert_eq!(opts.max_tokens, None);
    assert_eq!(w.attribute, "maxTokens");
    assert!(w.to_string().starts_with("maxTokens=\"x\" is not"));
}

#[test]
fn mode_position_theme() {
    let (opts, w) = parse(&[
        ("mode", "Launcher"),
        ("position", "bottom-left"),
        ("theme", " DARK "),
    ]);
    assert!(w.is_empty());
    assert_eq!(opts.mode, Mode::Launcher);
    assert_eq!(opts.position, Position::BottomLeft);
    assert_eq!(opts.theme, Theme::Dark);
    assert_eq!(
        (
            opts.mode.as_str(),
            opts.position.as_str(),
            opts.theme.as_str()
        ),
        ("launcher", "bottom-left", "dark")
    );

    let (opts, w) = parse(&[("mode", "popup"), ("position", "top"), ("theme", "blue")]);
    assert_eq!(w.len(), 3);
    assert_eq!(opts.mode, Mode::Inline);
    assert_eq!(opts.position, Position::BottomRight);
    assert_eq!(opts.theme, Theme::Auto);
    assert_eq!(Theme::Light.as_str(), "light");
    assert_eq!(Theme::Auto.as_str(), "auto");
    assert_eq!(Mode::Inline.as_str(), "inline");
    assert_eq!(Position::BottomRight.as_str(), "bottom-right");
}

#[test]
fn locale() {
    for (input, expected) in [
        ("fr", "fr"),
        ("en-GB", "en-GB"),
        ("en_US", "en-US"),
        ("zh-Hant-TW", "zh-Hant-TW"),
    ] {
        let (opts, w) = parse(&[("locale", input)]);
        assert!(w.is_empty(), "{input}");
        assert_eq!(opts.locale.as_deref(), Some(expected));
    }
    for bad in ["f", "english", "en-", "en--US", "<script>", "e1"] {
        let (opts, w) = one_warning(&[("locale", bad)]);
        assert_eq!(opts.locale, None, "{bad}");
        assert_eq!(w.attribute, "data-locale");
    }
}

#[test]
fn storage_key() {
    let (opts, _) = parse(&[("storage-key", "none")]);
    assert_eq!(opts.storage_key, StorageKey::None);
    let (opts, _) = parse(&[("storage-key", "NONE")]);
    assert_eq!(opts.storage_key, StorageKey::None);
    let (opts, w) = parse(&[("storage-key", " my-site.chat ")]);
    assert!(w.is_empty());
    assert_eq!(
        opts.storage_key,
        StorageKey::Namespace("my-site.chat".into())
    );
    let (opts, w) = one_warning(&[("storage-key", "has space")]);
    assert_eq!(opts.storage_key, StorageKey::default());
    assert_eq!(w.attribute, "data-storage-key");
}

#[test]
fn timeout() {
    let (opts, w) = parse(&[("timeout-ms", "120000")]);
    assert!(w.is_empty());
    assert_eq!(opts.timeout_ms, 120_000);
    for bad in ["999", "0", "soon", "3600001"] {
        let (opts, _) = one_warning(&[("timeout-ms", bad)]);
        assert_eq!(opts.timeout_ms, DEFAULT_TIMEOUT_MS);
    }
}

#[test]
fn tool_rounds() {
    assert_eq!(parse(&[]).0.tool_rounds, DEFAULT_TOOL_ROUNDS);
    let (opts, w) = parse(&[("toolRounds", "2")]);
    assert!(w.is_empty());
    assert_eq!(opts.tool_rounds, 2);
    for bad in ["0", "21", "many", "-1"] {
        let (opts, _) = one_warning(&[("tool-rounds", bad)]);
        assert_eq!(opts.tool_rounds, DEFAULT_TOOL_ROUNDS);
    }
}

#[test]
fn camel_case_keys_and_unknown_keys() {
    let (opts, w) = parse(&[
        ("apiBase", "/api"),
        ("maxTokens", "10"),
        ("systemPrompt", "Hi"),
        ("storageKey", "none"),
        ("timeoutMs", "5000"),
        ("data-theme", "light"),
        ("strings", "{\"send\":\"Go\"}"),
    ]);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(opts.api_base, "/api");
    assert_eq!(opts.max_tokens, Some(10));
    assert_eq!(opts.system_prompt.as_deref(), Some("Hi"));
    assert_eq!(opts.storage_key, StorageKey::None);
    assert_eq!(opts.timeout_ms, 5000);
    assert_eq!(opts.theme, Theme::Light);

    let (_, w) = one_warning(&[("colour", "red")]);
    assert_eq!(
        w.to_string(),
        "data-colour=\"red\" is not a TinyChat option; it is ignored"
    );
}

#[test]
fn last_value_wins() {
    let (opts, w) = parse(&[("theme", "dark"), ("theme", "light")]);
    assert!(w.is_empty());
    assert_eq!(opts.theme, Theme::Light);
}

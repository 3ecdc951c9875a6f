//! Data saved by the previous version (schema 1, `fixtures/schema1`) loads unchanged.

use tinychat_core::chat::{Library, MessageState, Settings};
use tinychat_core::error::ErrorKind;
use tinychat_core::options::WidgetOptions;

const CONVERSATIONS: &str = include_str!("fixtures/schema1/conversations.json");
const SETTINGS: &str = include_str!("fixtures/schema1/settings.json");

#[test]
fn conversations_round_trip_byte_for_byte_except_the_reply_cut_by_a_reload() {
    let (lib, warnings) = Library::from_storage_json(CONVERSATIONS, 0.0).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    // The one change on load: a reply that was streaming comes back interrupted.
    let expected = CONVERSATIONS.replace("\"state\":\"streaming\"", "\"state\":\"interrupted\"");
    assert_ne!(expected, CONVERSATIONS, "the fixture has a streaming reply");
    assert_eq!(lib.to_storage_json(), expected);
}

#[test]
fn conversations_keep_every_message_state_and_error() {
    let (lib, _) = Library::from_storage_json(CONVERSATIONS, 0.0).unwrap();
    assert_eq!(lib.list().len(), 3);
    assert_eq!(
        lib.current().title(),
        "What is Rust? <script>alert(1)</script>"
    );
    assert_eq!(lib.current().system_prompt(), Some("Answer briefly."));
    let states: Vec<MessageState> = lib
        .iter()
        .flat_map(|c| c.messages())
        .map(|m| m.state)
        .collect();
    for state in [
        MessageState::Done,
        MessageState::Stopped,
        MessageState::Failed,
        MessageState::Interrupted,
    ] {
        assert!(states.contains(&state), "{state:?} missing");
    }
    let kinds: Vec<ErrorKind> = lib
        .iter()
        .flat_map(|c| c.messages())
        .filter_map(|m| m.error.as_ref().map(|e| e.kind))
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&ErrorKind::RateLimited));
    assert!(kinds.contains(&ErrorKind::Unauthorized));
    let renamed = lib
        .list()
        .into_iter()
        .find(|c| c.title == "Errors & reloads");
    assert!(renamed.is_some());
}

#[test]
fn settings_load_unchanged() {
    let settings =
        Settings::from_json(SETTINGS, &Settings::from_options(&WidgetOptions::default()));
    assert_eq!(settings.model, "mistral-medium-latest");
    assert_eq!(settings.temperature, Some(0.3));
    assert_eq!(settings.max_tokens, Some(512));
    assert_eq!(settings.system_prompt.as_deref(), Some("Be kind."));
    assert!(settings.remember_key);
    // Written back, the old fields are byte for byte the same; the fields added since (an
    // explicit null: "unset", so a site's default does not come back) follow them.
    let json = settings.to_json();
    assert_eq!(
        json,
        format!(
            "{},\"reasoning_effort\":null,\"agent_id\":null}}",
            SETTINGS.trim_end_matches('}')
        )
    );
    assert_eq!(
        Settings::from_json(&json, &Settings::from_options(&WidgetOptions::default())),
        settings
    );
}

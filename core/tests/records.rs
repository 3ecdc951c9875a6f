//! One record per conversation: format, salvage, merging two tabs' versions, search, ids.

use proptest::prelude::*;
use tinychat_core::chat::records::{from_record, merge, read_record, to_record};
use tinychat_core::chat::{Conversation, Library, LoadError, MessageState};

fn chat(id: &str, turns: &[(&str, &str)], t: f64) -> Conversation {
    let mut c = Conversation::new(id, t);
    for (i, (q, a)) in turns.iter().enumerate() {
        let now = t + (i as f64) * 10.0;
        c.push_user(q, now);
        let r = c.start_assistant("m", now + 1.0);
        c.append_delta(r, a);
        c.finish(r, None, now + 2.0);
    }
    c
}

#[test]
fn a_record_round_trips_with_its_rev() {
    let c = chat("c1", &[("Hello", "Hi!")], 1_000.0);
    let json = to_record(&c, 7);
    let (back, rev, warnings) = from_record(&json).unwrap();
    assert_eq!((back, rev), (c.clone(), 7));
    assert!(warnings.is_empty());
    assert!(!read_record(&json).unwrap().was_streaming);
    let mut streaming = c;
    streaming.push_user("more", 2_000.0);
    streaming.start_assistant("m", 2_001.0);
    let read = read_record(&to_record(&streaming, 8)).unwrap();
    assert!(read.was_streaming);
    assert_eq!(
        read.conversation.messages().last().unwrap().state,
        MessageState::Interrupted
    );
}

#[test]
fn a_newer_or_foreign_record_is_refused_and_a_damaged_one_salvaged() {
    assert!(matches!(
        from_record(r#"{"schema":3,"rev":1,"conversation":{}}"#),
        Err(LoadError::UnsupportedSchema { found: 3, .. })
    ));
    assert_eq!(from_record("[1]").unwrap_err(), LoadError::NotLibrary);
    assert!(matches!(from_record("{"), Err(LoadError::NotJson { .. })));
    let json = r#"{"schema":2,"rev":3,"conversation":{"id":"c9","title":"T","messages":[
        {"id":1,"role":"user","text":"kept","state":"done","created_ms":5},
        {"id":2,"role":"assistant","text":7,"state":"done","created_ms":6}],"created_ms":5,"updated_ms":6}}"#;
    let (c, rev, warnings) = from_record(json).unwrap();
    assert_eq!(rev, 3);
    assert_eq!(c.messages().len(), 1);
    assert_eq!(c.messages()[0].text, "kept");
    assert_eq!(warnings.len(), 1);
}

#[test]
fn merging_two_tabs_keeps_every_message() {
    let base = chat("c1", &[("First", "One")], 1_000.0);
    let mut a = base.clone();
    a.push_user("From tab A", 2_000.0);
    let mut b = base.clone();
    b.push_user("From tab B", 2_500.0);
    b.rename("Named in B");
    let merged = merge(&a, &b);
    let texts: Vec<&str> = merged.messages().iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["First", "One", "From tab A", "From tab B"]);
    let ids: std::collections::HashSet<u64> = merged.messages().iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), 4, "ids stay unique");
    assert_eq!(merged.title(), "Named in B");
}

#[test]
fn merging_keeps_the_finished_version_of_a_reply() {
    let mut streaming = chat("c1", &[], 1_000.0);
    streaming.push_user("Q", 1_000.0);
    let r = streaming.start_assistant("m", 1_001.0);
    streaming.append_delta(r, "Part");
    let mut done = streaming.clone();
    done.append_delta(r, "ial answer");
    done.finish(r, None, 1_005.0);
    for (x, y) in [(&streaming, &done), (&done, &streaming)] {
        let m = merge(x, y);
        assert_eq!(m.messages().len(), 2);
        assert_eq!(m.message(r).unwrap().state, MessageState::Done);
        assert_eq!(m.message(r).unwrap().text, "Partial answer");
    }
}

#[test]
fn search_finds_titles_and_message_text_case_insensitively() {
    let mut lib = Library::from_conversations(
        vec![
            chat("a", &[("Rust lifetimes", "Borrowing rules")], 1.0),
            chat("b", &[("Paris trip", "The Louvre opens at 9")], 2.0),
        ],
        Some("a"),
        3.0,
    );
    let ids = |lib: &Library, q: &str| lib.search(q).into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(ids(&lib, "louvre"), ["b"]);
    assert_eq!(ids(&lib, "RUST borrowing"), ["a"]);
    assert!(ids(&lib, "rust louvre").is_empty());
    assert_eq!(ids(&lib, "  ").len(), 2);
    lib.rename("a", "Mon projet");
    assert_eq!(ids(&lib, "projet"), ["a"]);
}

#[test]
fn libraries_of_two_tabs_never_create_the_same_id() {
    let mut a = Library::new(5.0);
    a.set_id_salt("tab1");
    let mut b = Library::new(5.0);
    b.set_id_salt("tab2");
    a.current_mut().push_user("x", 5.0);
    b.current_mut().push_user("y", 5.0);
    assert_ne!(a.new_conversation(9.0), b.new_conversation(9.0));
    // The first conversation too.
    assert_ne!(
        Library::new_salted(5.0, "tab1").current_id(),
        Library::new_salted(5.0, "tab2").current_id()
    );
}

#[test]
fn upsert_and_remove_keep_the_current_conversation() {
    let mut lib = Library::from_conversations(
        vec![chat("a", &[("A", "1")], 1.0), chat("b", &[("B", "2")], 2.0)],
        Some("a"),
        3.0,
    );
    lib.upsert(chat("b", &[("B", "2"), ("B2", "3")], 2.0));
    lib.upsert(chat("c", &[("C", "4")], 4.0));
    assert_eq!(lib.current_id(), "a");
    assert_eq!(lib.get("b").unwrap().messages().len(), 4);
    assert!(lib.remove("a", 5.0));
    assert_eq!(lib.list().len(), 2);
}

proptest! {
    /// Whatever two tabs did starting from one conversation, the merge holds every message
    /// text of both.
    #[test]
    fn merge_never_loses_a_message(
        base in proptest::collection::vec(("[a-z]{1,8}", "[a-z]{1,8}"), 0..4),
        a_adds in proptest::collection::vec("[A-M]{1,8}", 0..4),
        b_adds in proptest::collection::vec("[N-Z]{1,8}", 0..4),
    ) {
        let turns: Vec<(&str, &str)> = base.iter().map(|(q, r)| (q.as_str(), r.as_str())).collect();
        let start = chat("c", &turns, 100.0);
        let mut a = start.clone();
        for (i, t) in a_adds.iter().enumerate() { a.push_user(t, 1_000.0 + i as f64); }
        let mut b = start.clone();
        for (i, t) in b_adds.iter().enumerate() { b.push_user(t, 1_000.5 + i as f64); }
        let m = merge(&a, &b);
        let texts: Vec<&str> = m.messages().iter().map(|x| x.text.as_str()).collect();
        for x in a.messages().iter().chain(b.messages()) {
            prop_assert!(texts.contains(&x.text.as_str()), "lost {:?}", x.text);
        }
        let ids: std::collections::HashSet<u64> = m.messages().iter().map(|x| x.id).collect();
        prop_assert_eq!(ids.len(), m.messages().len());
        let (back, _, w) = from_record(&to_record(&m, 1)).unwrap();
        prop_assert!(w.is_empty());
        prop_assert_eq!(back.messages().len(), m.messages().len());
    }
}

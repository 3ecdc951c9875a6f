//! The one place that cuts text: titles, option values and server messages.

use tinychat_core::text::{clean_text, collapse_whitespace, one_line, truncate};

#[test]
fn truncate_respects_char_boundaries() {
    assert_eq!(truncate("héllo", 3), "hé…");
    assert_eq!(truncate("héllo", 5), "héllo");
    assert!(matches!(
        truncate("héllo", 5),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn truncate_drops_whitespace_before_the_ellipsis() {
    assert_eq!(truncate("ab   cdef", 5), "ab…");
}

#[test]
fn clean_text_collapses_whitespace() {
    assert_eq!(clean_text("  a \n\t b\u{7}c ", 300), "a bc");
}

#[test]
fn clean_text_keeps_max_characters_then_an_ellipsis() {
    let cleaned = clean_text(&"x".repeat(1000), 300);
    assert_eq!(cleaned.chars().count(), 301);
    assert!(cleaned.ends_with('…'));
}

#[test]
fn one_line_collapses_then_cuts() {
    assert_eq!(one_line("How do\n I   sort", 100), "How do I sort");
    assert_eq!(one_line("abcdef", 4), "abc…");
    assert_eq!(collapse_whitespace(" a  b "), "a b");
}

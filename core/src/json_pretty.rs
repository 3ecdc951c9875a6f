//! Compact JSON indented as serde_json's `to_string_pretty` writes it (two spaces a level,
//! `": "` after a key, `[]` and `{}` when empty), byte for byte.
//!
//! Why: the export was written with `to_string_pretty`, which instantiates every `Serialize`
//! impl of a conversation a second time, for the pretty formatter, beside the compact one that
//! storage uses. Serializing compactly (shared with storage) and indenting the text here costs
//! a few hundred bytes of wasm instead.

/// `compact` (serde_json's compact output: no whitespace outside strings) indented.
pub fn indent(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() + compact.len() / 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in compact.char_indices() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { b'}' } else { b']' };
                // An empty container stays `{}` / `[]`.
                if bytes.get(i + 1) != Some(&close) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                if !out.ends_with(['{', '[']) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::indent;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            // Quotes, backslashes, braces, commas and colons inside strings, and non-ASCII.
            "[a-z{}\\[\\],:\"\\\\ é\u{1F600}\n\t]{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z:,{}\"]{0,6}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn indents_as_serde_json_pretty_does(v in value()) {
            let compact = serde_json::to_string(&v).unwrap();
            prop_assert_eq!(indent(&compact), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    #[test]
    fn empty_containers_and_nesting() {
        let v = json!({"a": [], "b": {}, "c": [{"d": [1, {}]}], "e": "{[,:]}"});
        assert_eq!(
            indent(&v.to_string()),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert_eq!(indent("[]"), "[]");
        assert_eq!(indent("{}"), "{}");
    }
}

//! Generators of wire-shaped JSON for the property tests that hold a hand reading of JSON
//! values (`mistral::response::from_json`, `chat::from_json`) equal to serde's derive.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// How a test's values are drawn: the words its scalars use, the odds of the right shape
/// against a wrong scalar (`right` to 1), and how often an object's field is present.
#[derive(Clone, Copy)]
pub(crate) struct Gen {
    pub words: &'static [&'static str],
    pub right: u32,
    pub present: f64,
}

impl Gen {
    /// A scalar: the wrong type almost everywhere, the right one somewhere.
    pub fn scalar(self) -> BoxedStrategy<Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            prop::sample::select(vec![
                json!(0),
                json!(7),
                json!(-1),
                json!(1.5),
                json!(1_700_000_000_000u64),
                json!(5_000_000_000u64),
            ]),
            prop::sample::select(self.words).prop_map(Value::from),
        ]
        .boxed()
    }

    /// `value` (mostly), or a wrong scalar.
    pub fn or_wrong(self, value: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        prop_oneof![self.right => value, 1 => self.scalar()].boxed()
    }

    /// A list of `item`s (or a wrong scalar in its place or in an item's).
    pub fn list(self, item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
        let items = prop::collection::vec(self.or_wrong(item), 0..3).prop_map(Value::from);
        self.or_wrong(items.boxed())
    }

    /// An object with each of `fields` (its name and what goes in it) present or missing, or a
    /// wrong scalar in its place.
    pub fn object(self, fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
        let entries: Vec<_> = fields
            .into_iter()
            .map(|(k, v)| prop::option::weighted(self.present, v).prop_map(move |v| (k, v)))
            .collect();
        let obj = entries.prop_map(|entries| {
            let mut map = Map::new();
            for (k, v) in entries.into_iter().flat_map(|(k, v)| v.map(|v| (k, v))) {
                map.insert(k.to_owned(), v);
            }
            Value::Object(map)
        });
        self.or_wrong(obj.boxed())
    }
}

/// The derive and the hand reading agree: both read `v` alike, or both refuse it.
pub(crate) fn same<T: PartialEq + std::fmt::Debug + serde::de::DeserializeOwned>(
    v: &Value,
    by_hand: Result<T, String>,
) {
    match (T::deserialize(v), by_hand) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{v}"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("derive {a:?} vs by hand {b:?} for {v}"),
    }
}

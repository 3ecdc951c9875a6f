//! Millisecond times: exact JSON integers, and clamping of caller-supplied times.

/// Times are whole milliseconds below 2^53: (de)serialize them as JSON integers, which
/// round-trip exactly (a float such as `3765290858253407.0` may not with serde_json's default
/// float parser). Any JSON number is accepted when reading.
pub(super) mod millis {
    use serde::de::{self, Deserializer, Visitor};
    use serde::Serializer;
    use std::fmt;

    pub(crate) fn serialize<S: Serializer>(ms: &f64, s: S) -> Result<S::Ok, S::Error> {
        if ms.fract() == 0.0 && (0.0..=super::MAX_EXACT_MS).contains(ms) {
            s.serialize_u64(*ms as u64)
        } else {
            s.serialize_f64(*ms)
        }
    }

    struct MsVisitor;

    impl Visitor<'_> for MsVisitor {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a time in milliseconds")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        d.deserialize_f64(MsVisitor)
    }
}

/// [`millis`] for an optional time.
pub(super) mod millis_opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    struct Ms(#[serde(with = "super::millis")] f64);

    pub(crate) fn serialize<S: Serializer>(ms: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        ms.map(Ms).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(Option::<Ms>::deserialize(d)?.map(|m| m.0))
    }
}

/// 2^53: every whole number up to it is exactly representable as an `f64`.
const MAX_EXACT_MS: f64 = 9_007_199_254_740_992.0;

/// Clamp a caller-supplied time to a whole, non-negative, exactly representable millisecond.
pub(super) fn clean_time(ms: f64) -> f64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round().min(MAX_EXACT_MS)
    } else {
        0.0
    }
}

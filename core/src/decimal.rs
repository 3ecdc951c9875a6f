//! Decimal text to numbers without `str::parse::<f32/f64>`.
//!
//! Rust's float parser carries a 20.8 KB table of powers of five (`dec2flt`'s Eisel-Lemire
//! fast path), about 20 KB of the compressed wasm: more than the two places that parse a decimal
//! (the temperature, the `retry-after` header) are worth. [`parse_f32`] gives exactly the value
//! `str::parse::<f32>` gives (correctly rounded, ties to even; checked against it by tests) with
//! a small exact big-integer division instead; [`parse_duration`] reads `digits[.digits]` seconds
//! straight into a `Duration`.

use std::cmp::Ordering;
use std::time::Duration;

/// Significant digits kept; any further non-zero digit becomes one sticky digit. An f32 halfway
/// point has at most about 113 significant digits (odd × 2⁻¹⁵⁰), so 200 decide every rounding.
const MAX_DIGITS: usize = 200;

/// `value.parse::<f32>()` for results whose magnitude is below 10, which is every value a caller
/// here keeps (a temperature from 0 to 1.5): `Some` with the same correctly rounded `f32` as the
/// standard parser (same grammar: sign, digits with an optional `.`, `e`/`E` exponent), `None`
/// for malformed text, `inf`/`nan` and any result of magnitude 10 or more (callers reject those).
pub fn parse_f32_below_10(value: &str) -> Option<f32> {
    let bytes = value.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut digits: Vec<u8> = Vec::new(); // significant digits, without leading zeros
    let mut sticky = false; // a non-zero digit was dropped after MAX_DIGITS
    let mut exp10: i64 = 0; // value = digits × 10^exp10
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            d @ b'0'..=b'9' => {
                seen_digit = true;
                if seen_point {
                    exp10 -= 1;
                }
                if digits.is_empty() && d == b'0' {
                    // a leading zero: only the exponent moves
                } else if digits.len() < MAX_DIGITS {
                    digits.push(d - b'0');
                } else {
                    sticky |= d != b'0';
                    exp10 += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None; // also `inf`, `nan`, "" and "."
    }
    if i < rest.len() {
        if !matches!(rest[i], b'e' | b'E') {
            return None;
        }
        i += 1;
        let (exp_negative, exp_digits) = match rest.get(i) {
            Some(b'-') => (true, &rest[i + 1..]),
            Some(b'+') => (false, &rest[i + 1..]),
            _ => (false, &rest[i..]),
        };
        if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturates: beyond ±10⁹ the value is 0 or far out of range either way.
        let e = exp_digits
            .iter()
            .fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(1 << 30));
        exp10 += if exp_negative { -e } else { e };
    }
    if sticky {
        digits.push(1);
        exp10 -= 1;
    }
    let signed = |x: f32| Some(if negative { -x } else { x }).filter(|x| x.abs() < 10.0);
    // Magnitude in [10^(len-1+exp10), 10^(len+exp10)).
    let magnitude = digits.len() as i64 + exp10;
    if digits.is_empty() || magnitude < -46 {
        // Zero, or below 10⁻⁴⁶ < 2⁻¹⁵⁰ (half the smallest subnormal): rounds to zero.
        return signed(0.0);
    }
    if magnitude > 1 {
        return None;
    }
    // value = num / den exactly.
    let mut num = Big::from_digits(&digits);
    let mut den = Big::one();
    if exp10 >= 0 {
        num.mul_pow10(exp10 as u32);
    } else {
        den.mul_pow10((-exp10) as u32);
    }
    // Find q with 2²³ ≤ value / 2^q < 2²⁴ (or q = -149 for subnormals), then round.
    let mut q = (num.bits() as i64 - den.bits() as i64 - 24).max(-149);
    loop {
        let (scaled_num, scaled_den) = scale(&num, &den, q);
        let m = floor_div(&scaled_num, &scaled_den);
        if m >= 1 << 24 {
            q += 1;
            continue;
        }
        if m < 1 << 23 && q > -149 {
            q -= 1;
            continue;
        }
        // Round to nearest, ties to even: compare 2·num with (2m+1)·den.
        let mut twice = scaled_num.clone();
        twice.mul_small(2);
        let mut mid = scaled_den.clone();
        mid.mul_small(2 * m + 1);
        let m = match twice.cmp(&mid) {
            Ordering::Greater => m + 1,
            Ordering::Equal if m % 2 == 1 => m + 1,
            _ => m,
        };
        // m ≤ 2²⁴ and -149 ≤ q ≤ 0: both factors and the product are exact in f32.
        return signed(m as f32 * pow2(q));
    }
}

/// `digits[.digits]` seconds (at least one integer digit; `"2."` is allowed) as a `Duration`,
/// rounded to the nanosecond; `Duration::MAX` when the seconds overflow. `None` otherwise.
pub fn parse_duration(value: &str) -> Option<Duration> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    let Some(secs) = int.bytes().try_fold(0u64, |s, d| {
        s.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    }) else {
        return Some(Duration::MAX);
    };
    let mut nanos: u32 = 0;
    for (k, d) in frac.bytes().take(9).enumerate() {
        nanos += u32::from(d - b'0') * 10u32.pow(8 - k as u32);
    }
    // Nearest nanosecond: the 10th fraction digit decides (5 and above round up).
    if frac.as_bytes().get(9).is_some_and(|d| *d >= b'5') {
        nanos += 1;
    }
    let extra = u64::from(nanos / 1_000_000_000);
    match secs.checked_add(extra) {
        Some(secs) => Some(Duration::new(secs, nanos % 1_000_000_000)),
        None => Some(Duration::MAX),
    }
}

/// `x.to_string()` (Rust's `Display`, shortest round-trip digits, never an exponent) without
/// `core::fmt`'s float formatter (Grisu with a Dragon fallback, about 14 KB of wasm code): the
/// digits come from ryu, which serde_json links anyway to write JSON.
pub fn f32_to_string(x: f32) -> String {
    if !x.is_finite() {
        return non_finite(x.is_nan(), x < 0.0);
    }
    // Finite: serde_json writes it with ryu ("0.7", "1.0", "1e-7", "-0.0").
    let bits = x.to_bits();
    let (field, mantissa) = ((bits >> 23) & 0xff, u64::from(bits & 0x7f_ffff));
    let (m, q) = match field {
        0 => (mantissa, -149),
        _ => (mantissa | 1 << 23, field as i32 - 150),
    };
    display_from_shortest(&serde_json::to_string(&x).unwrap_or_default(), m, q)
}

/// `x.to_string()` (Rust's `Display` of an f64) from `text`, the same value's shortest
/// round-trip digits as JavaScript's `Number.prototype.toString` or ryu write them (`"1e-7"`,
/// `"1.5e+21"`, `"734.25"`, `"-0"`).
pub fn f64_to_string_from_shortest(x: f64, text: &str) -> String {
    if !x.is_finite() {
        return non_finite(x.is_nan(), x < 0.0);
    }
    let bits = x.to_bits();
    let (field, mantissa) = ((bits >> 52) & 0x7ff, bits & ((1 << 52) - 1));
    let (m, q) = match field {
        0 => (mantissa, -1074),
        _ => (mantissa | 1 << 52, field as i32 - 1075),
    };
    let text = if x == 0.0 && x.is_sign_negative() {
        "-0"
    } else {
        text
    }; // JS writes "0"
    display_from_shortest(text, m, q)
}

fn non_finite(nan: bool, negative: bool) -> String {
    match (nan, negative) {
        (true, _) => "NaN",
        (false, true) => "-inf",
        (false, false) => "inf",
    }
    .to_owned()
}

/// Writes shortest digits (`"1.0"`, `"1e-7"`, `"1.5e+21"`, `"-0.0"`, `"123.25"`) as Rust's
/// `Display` does: no exponent, no trailing `.0`. When two shortest candidates are equally
/// close to the exact value m·2^q, ryu and JavaScript take the even one and Rust the upper
/// one: such a tie is detected exactly and moved up.
fn display_from_shortest(text: &str, m: u64, q: i32) -> String {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // value = 0.DIGITS × 10^point
    let all: String = int.chars().chain(frac.chars()).collect();
    let lead = all.len() - all.trim_start_matches('0').len();
    let mut digits: Vec<u8> = all[lead..].trim_end_matches('0').bytes().collect();
    let point = int.len() as i32 - lead as i32 + exp;
    if !digits.is_empty() && is_tie_above(&digits, point - digits.len() as i32, m, q) {
        // The last digit is even (ties to even) and below 9: no carry.
        *digits.last_mut().unwrap_or(&mut b'0') += 1;
    }
    let digits = String::from_utf8(digits).unwrap_or_default();
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if digits.is_empty() {
        out.push('0');
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// Whether m·2^q equals DIGITS·10^e + 5·10^(e-1) exactly (the midpoint above the digits).
fn is_tie_above(digits: &[u8], e: i32, m: u64, q: i32) -> bool {
    let mut left = Big(vec![m as u32, (m >> 32) as u32]);
    left.trim();
    let mut right = Big::from_digits(&digits.iter().map(|d| d - b'0').collect::<Vec<_>>());
    right.mul_small(10);
    right.add_small(5);
    if q >= 0 {
        left.shl(q as u32);
    } else {
        right.shl((-q) as u32);
    }
    if e >= 1 {
        right.mul_pow10((e - 1) as u32);
    } else {
        left.mul_pow10((1 - e) as u32);
    }
    left.cmp(&right) == Ordering::Equal
}

/// `format!("{:.1}", bytes as f64 / 1048576.0)`, the size in MiB with one decimal, without
/// `core::fmt`'s float formatter: the quotient is exact in f64 (a division by 2²⁰), and
/// `{:.1}` rounds its exact value half to even, as this does in integers.
pub fn mib_one_decimal(bytes: usize) -> String {
    let scaled = bytes as u128 * 10;
    let (mut tenths, rest) = (scaled >> 20, scaled & ((1 << 20) - 1));
    let half = 1 << 19;
    if rest > half || (rest == half && tenths % 2 == 1) {
        tenths += 1;
    }
    // As u64 (it fits: at most usize::MAX·10 / 2²⁰): u128's Display is 1 KB more of wasm.
    format!("{}.{}", (tenths / 10) as u64, (tenths % 10) as u64)
}

/// 2^q as an f32, for -149 ≤ q ≤ 127.
fn pow2(q: i64) -> f32 {
    if q >= -126 {
        f32::from_bits(((q + 127) as u32) << 23)
    } else {
        f32::from_bits(1 << (q + 149))
    }
}

/// (num · 2^-q, den) or (num, den · 2^q): the fraction num / den / 2^q with integer terms.
fn scale(num: &Big, den: &Big, q: i64) -> (Big, Big) {
    let (mut n, mut d) = (num.clone(), den.clone());
    if q < 0 {
        n.shl((-q) as u32);
    } else {
        d.shl(q as u32);
    }
    (n, d)
}

/// ⌊n / d⌋ for a quotient below 2²⁵ (binary search: 25 multiply-and-compare steps).
fn floor_div(n: &Big, d: &Big) -> u32 {
    let mut m = 0u32;
    for bit in (0..25).rev() {
        let candidate = m | (1 << bit);
        let mut product = d.clone();
        product.mul_small(candidate);
        if product.cmp(n) != Ordering::Greater {
            m = candidate;
        }
    }
    m
}

/// A non-negative big integer, little-endian base 2³² limbs without high zero limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Self {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Self {
        let mut big = Big(Vec::new());
        for &d in digits {
            big.mul_small(10);
            big.add_small(u32::from(d));
        }
        big
    }

    fn mul_small(&mut self, factor: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(factor) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.0 {
            if carry == 0 {
                return;
            }
            let x = u64::from(*limb) + carry;
            *limb = x as u32;
            carry = x >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut exp: u32) {
        while exp > 0 {
            let step = exp.min(9);
            self.mul_small(10u32.pow(step));
            exp -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let x = (u64::from(*limb) << bits) | u64::from(carry);
                *limb = x as u32;
                carry = (x >> 32) as u32;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if !self.0.is_empty() {
            self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        }
    }

    fn bits(&self) -> u32 {
        self.0
            .last()
            .map_or(0, |top| 32 * self.0.len() as u32 - top.leading_zeros())
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the callers did before: the standard parser, kept below 10.
    fn reference(s: &str) -> Option<f32> {
        s.parse::<f32>().ok().filter(|x| x.abs() < 10.0)
    }

    fn same(s: &str) {
        let (got, want) = (parse_f32_below_10(s), reference(s));
        assert_eq!(
            got.map(f32::to_bits),
            want.map(f32::to_bits),
            "{s:?}: {got:?} vs {want:?}"
        );
    }

    #[test]
    fn grammar_and_edges_match_std() {
        for s in [
            "", ".", "+", "-", "e5", ".e1", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "0x1", "inf",
            "-inf", "infinity", "NaN", "nan", "-nan", "0", "-0", "+0", "0.0", "-0.0", "00.000",
            "0.7", "1.5", "1.50000001", "1.5000001", "1.4999999", "9.999999", "9.9999999",
            "9.99999999999", "10", "1e1", "0.1e1", "5e-1", "5E-1", "5e+0", "1.", ".5", "-.5",
            "+1.25", "1e-45", "7e-46", "7.1e-46", "1.401298464324817e-45", "1e-38", "1.17549435e-38",
            "1.1754942e-38", "0e999999999999", "1e-999999999999", "1e999999999999",
            "0.000000000000000000000000000000000000000000000700649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625",
            "0.00000000000000000000000000000000000000000000070064923216240853546186479164495806564013097093825788587853414194489554134293030074331909418106079101562",
            "0.000000000000000000000000000000000000000000000700649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625000000001",
            "1.00000005960464477539062499999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
            "1.000000059604644775390625",
            "1.000000059604644775390625000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
            "1.000000178813934326171875",
        ] {
            same(s);
        }
        let long = format!("0.{}1", "0".repeat(5000));
        same(&long);
        let long = format!("1.{}1", "3".repeat(5000));
        same(&long);
    }

    #[test]
    fn every_float_and_its_midpoints_match_std() {
        // A deterministic walk over the f32s below 10 (normal and subnormal), with each value
        // written shortest, exactly, and its halfway points to the neighbours ± a hair.
        let mut bits: u32 = 1;
        while f32::from_bits(bits) < 10.0 {
            let x = f32::from_bits(bits);
            same(&x.to_string());
            same(&format!("{x:e}"));
            same(&format!("{:.60}", f64::from(x)));
            let up = f32::from_bits(bits + 1);
            let mid = (f64::from(x) + f64::from(up)) / 2.0; // exact in f64
            let exact = format!("{mid:.200}");
            same(&exact);
            same(&format!("{exact}0001"));
            same(&format!("-{exact}"));
            let below = format!("{:.200}", mid - f64::from(up - x) / 1e6);
            same(&below);
            bits += 1 + bits / 97;
        }
    }

    proptest::proptest! {
        #[test]
        fn decimal_text_matches_std(
            s in "[+-]?[0-9]{0,40}(\\.[0-9]{0,60})?([eE][+-]?[0-9]{1,3})?|[+-]?0\\.0{30,50}[0-9]{1,40}"
        ) {
            same(&s);
        }

        #[test]
        fn any_text_matches_std(s in "\\PC{0,12}") {
            same(&s);
        }
    }

    #[test]
    fn f32_text_is_display() {
        for x in [
            0.0f32, -0.0, 0.7, 1.0, 1.5, 0.1, 1e-7, 1.5e-8, 1e-45, 3.4e38, 1e20, 123.25, -2.5,
        ] {
            assert_eq!(f32_to_string(x), x.to_string(), "{x:e}");
        }
        for x in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            assert_eq!(f32_to_string(x), x.to_string());
        }
        // Every temperature a user can have, and beyond, in ~0.1% steps of the bit pattern.
        let mut bits: u32 = 1;
        while bits < f32::INFINITY.to_bits() {
            let x = f32::from_bits(bits);
            assert_eq!(f32_to_string(x), x.to_string(), "{x:e}");
            bits += 1 + bits / 1009;
        }
        for bits in (0x3f00_0000..0x3f00_4000).chain(0x3f80_0000..0x3f80_4000) {
            let x = f32::from_bits(bits); // a dense run around 0.5
            assert_eq!(f32_to_string(x), x.to_string(), "{x:e}");
        }
    }

    #[test]
    fn javascript_number_text_is_display() {
        // What Number.prototype.toString writes, and Rust's Display of the same f64.
        for (js, x) in [
            ("832638315485405.2", 832_638_315_485_405.0_f64 + 0.25),
            ("734.0000610351562", 734.0 + 1.0 / 16384.0),
            ("0", 0.0f64),
            ("1", 1.0),
            ("734.4000244140625", 734.4000244140625),
            ("1e+21", 1e21),
            ("1.5e+21", 1.5e21),
            ("123456789012345680000", 123456789012345680000.0),
            ("1e-7", 1e-7),
            ("1.25e-7", 1.25e-7),
            ("0.000001", 0.000001),
            ("-3.5", -3.5),
            ("5e-324", 5e-324),
            ("1.7976931348623157e+308", f64::MAX),
        ] {
            assert_eq!(f64_to_string_from_shortest(x, js), x.to_string(), "{js}");
        }
        // ryu's f64 text (serde_json) covers the digit strings; JS differs only in where it puts
        // the exponent, which display_from_shortest reads either way.
        let mut bits: u64 = 1;
        while bits < f64::INFINITY.to_bits() {
            let x = f64::from_bits(bits);
            let ryu = serde_json::to_string(&x).unwrap();
            assert_eq!(f64_to_string_from_shortest(x, &ryu), x.to_string(), "{ryu}");
            bits += 1 + bits / 997;
        }
    }

    #[test]
    fn mib_like_format() {
        let mut samples: Vec<usize> = (0..5000).map(|k| k * 52_429).collect();
        samples.extend((0..64).flat_map(|k| {
            let tie = (2 * k + 1) << 19; // bytes × 10 = odd × 2¹⁹: a tie to round to even
            [tie / 10, tie / 10 + 1, tie / 10 - 1]
        }));
        samples.extend([0, 1, 10 << 20, (10 << 20) + 1, usize::MAX >> 12]);
        for bytes in samples {
            let want = format!("{:.1}", bytes as f64 / (1024.0 * 1024.0));
            assert_eq!(mib_one_decimal(bytes), want, "{bytes}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2."), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("0.000000001"), Some(Duration::from_nanos(1)));
        assert_eq!(
            parse_duration("0.0000000015"),
            Some(Duration::from_nanos(2))
        );
        assert_eq!(parse_duration("0.9999999999"), Some(Duration::from_secs(1)));
        assert_eq!(parse_duration("99999999999999999999"), Some(Duration::MAX));
        for bad in ["", ".5", "-1", "inf", "NaN", "1e3", "1.2.3", "+1"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        // As the f64 route gave, wherever an f64 holds the value to the nanosecond.
        for s in ["0.1", "0.25", "1.001", "59.999", "3600", "12345.678901"] {
            let via_f64 = Duration::from_secs_f64(s.parse::<f64>().unwrap());
            assert_eq!(parse_duration(s), Some(via_f64), "{s}");
        }
    }
}

//! French number formatting for everything a user reads: maps, lists, reports; and
//! the lists of codes or lines that notices give.

/// `x` with `decimals` digits and a decimal comma, no thousands separator
/// (the form French Excel reads back as a number): `64.2` → `"64,2"`.
pub fn decimal(x: f64, decimals: usize) -> String {
    let mut s = String::with_capacity(8);
    push_decimal(&mut s, x, decimals);
    s
}

/// [`decimal`] written at the end of `out`: a list formats its column into one buffer.
pub fn push_decimal(out: &mut String, x: f64, decimals: usize) {
    let Some(scaled) = scaled(x, decimals) else {
        out.push_str(&decimal_by_format(x, decimals));
        return;
    };
    // Written from the right into a buffer (sign, at most 20 digits and the comma), then
    // added at once.
    let mut text = [0u8; 24];
    let (mut start, mut rest, mut written) = (text.len(), scaled, 0);
    while rest > 0 || written <= decimals {
        if written == decimals && written > 0 {
            start -= 1;
            text[start] = b',';
        }
        start -= 1;
        text[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        written += 1;
    }
    // "-0,0" reads as an error to users: a rounded zero has no sign.
    if x < 0.0 && scaled > 0 {
        start -= 1;
        text[start] = b'-';
    }
    out.push_str(std::str::from_utf8(&text[start..]).expect("ASCII digits"));
}

/// `|x|·10^decimals` rounded to an integer exactly as `format!("{:.*}")` rounds
/// (the exact binary value, ties to even), without its general algorithm:
/// national lists write millions of cells. `None` outside the common range.
fn scaled(x: f64, decimals: usize) -> Option<u64> {
    if !x.is_finite() || x.abs() >= 1e15 || decimals > 3 {
        return None;
    }
    let bits = x.abs().to_bits();
    let (exponent, fraction) = ((bits >> 52) as i32, bits & ((1 << 52) - 1));
    // |x| = mantissa · 2^-shift, and shift > 0 since |x| < 2^50.
    let (mantissa, shift) = match exponent {
        0 => (fraction, 1074),
        e => (fraction | 1 << 52, (1075 - e) as u32),
    };
    // Below 2^53 · 10^3 < 2^63: no overflow.
    let n = mantissa * 10u64.pow(decimals as u32);
    if shift >= 64 {
        return Some(0); // n < 2^63: less than half of 2^shift
    }
    let (whole, rest, half) = (n >> shift, n & ((1 << shift) - 1), 1u64 << (shift - 1));
    let up = rest > half || (rest == half && whole & 1 == 1);
    Some(whole + u64::from(up))
}

/// [`decimal`] for what [`scaled`] does not take (huge, non-finite, many decimals).
fn decimal_by_format(x: f64, decimals: usize) -> String {
    let mut s = format!("{:.*}", decimals, x);
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0);
    }
    if let Some(i) = s.find('.') {
        s.replace_range(i..=i, ",");
    }
    s
}

/// `x` rounded to `decimals` with a decimal comma and thin spaces between
/// thousands, for display in maps and reports: `1848.0` → `"1 848"`.
pub fn display(x: f64, decimals: usize) -> String {
    let plain = decimal(x, decimals);
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain.as_str()),
    };
    let (int, frac) = match rest.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 * 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202F}');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A count or a rank with one decimal, or none when it is a whole number: `3.0` → `"3"`,
/// `1.5` → `"1,5"`.
pub fn compact(v: f64) -> String {
    let mut s = String::with_capacity(8);
    push_compact(&mut s, v);
    s
}

/// [`compact`] written at the end of `out`.
pub fn push_compact(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round();
    // An integer: its remainder by 10 without the floating-point one (a slow `fmod`) where
    // it is exact.
    let whole = match tenths.abs() < 1e15 {
        true => (tenths as i64) % 10 == 0,
        false => tenths % 10.0 == 0.0,
    };
    push_decimal(out, v, if whole { 0 } else { 1 });
}

/// A count as the tables write it: with the decimals it has, up to 3, trailing zeros dropped
/// (`3.0` → `"3"`, `0.5` → `"0,5"`, the share of a split commune `12.3456` → `"12,346"`). A list
/// is summed again in a spreadsheet: rounding a count to a whole is for maps and legends, never
/// for the lists.
pub fn count(v: f64) -> String {
    let mut s = decimal(v, 3);
    if s.contains(',') {
        s.truncate(s.trim_end_matches('0').trim_end_matches(',').len());
    }
    s
}

/// A French letter without its accent (`é` → `e`, `Ç` → `C`); any other character as is.
pub fn without_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'À' | 'Â' | 'Ä' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Î' | 'Ï' => 'I',
        'Ô' | 'Ö' => 'O',
        'Ù' | 'Û' | 'Ü' => 'U',
        'Ç' => 'C',
        c => c,
    }
}

/// Escapes text for XML and HTML, in element content and attribute values; drops the
/// control characters XML forbids, so a stray byte in a name cannot break the document.
pub fn escape_markup(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
}

/// A share in percent with one decimal: `0.25` → `"25,0 %"`.
pub fn percent(share: f64) -> String {
    format!("{}\u{A0}%", display(share * 100.0, 1))
}

/// A list of codes for a notice, cut after a dozen so a commune map's notice stays readable.
pub fn code_list<S: AsRef<str>>(codes: &[S]) -> String {
    const SHOWN: usize = 12;
    let head: Vec<&str> = codes.iter().take(SHOWN).map(AsRef::as_ref).collect();
    if codes.len() > SHOWN {
        format!("{}… ({} au total)", head.join(", "), codes.len())
    } else {
        head.join(", ")
    }
}

/// `word` with its first letter in capital (« communes » → « Communes »).
pub fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimal_comma() {
        assert_eq!(decimal(64.2, 1), "64,2");
        assert_eq!(decimal(60.0, 1), "60,0");
        assert_eq!(decimal(-0.04, 1), "0,0");
        assert_eq!(decimal(-1.25, 2), "-1,25");
        assert_eq!(decimal(1234.5, 1), "1234,5");
        assert_eq!(decimal(0.05, 2), "0,05");
        assert_eq!(decimal(7.0, 0), "7");
        assert_eq!(decimal(f64::NAN, 1), "NaN");
        assert_eq!(decimal(1e20, 1), "100000000000000000000,0");
    }

    proptest! {
        /// The digits are those of `format!`, ties and subnormals included.
        #[test]
        fn decimal_rounds_as_format_does(
            x in prop_oneof![
                proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
                -1e6f64..1e6,
                (-4_000_000i64..4_000_000).prop_map(|k| k as f64 / 16.0),
                (-1_000_000i64..1_000_000).prop_map(|k| k as f64 / 1000.0),
            ],
            decimals in 0usize..5,
        ) {
            prop_assert_eq!(decimal(x, decimals), decimal_by_format(x, decimals));
        }
    }

    proptest! {
        /// The tenths are told whole by an integer remainder as by the floating-point one.
        #[test]
        fn compact_tells_a_zero_tenth_as_fmod_does(
            v in prop_oneof![
                proptest::num::f64::NORMAL | proptest::num::f64::ZERO,
                -1e6f64..1e6,
                (-1_000_000i64..1_000_000).prop_map(|k| k as f64 / 100.0),
            ],
        ) {
            let tenths = (v * 10.0).round();
            let by_fmod = decimal(v, if tenths % 10.0 == 0.0 { 0 } else { 1 });
            prop_assert_eq!(compact(v), by_fmod);
        }
    }

    #[test]
    fn compact_drops_a_zero_decimal() {
        assert_eq!(compact(3.0), "3");
        assert_eq!(compact(1.5), "1,5");
        assert_eq!(compact(2.04), "2");
    }

    #[test]
    fn a_count_keeps_the_decimals_it_has() {
        assert_eq!(count(3.0), "3");
        assert_eq!(count(2.04), "2,04");
        assert_eq!(count(0.5), "0,5");
        assert_eq!(count(12.3456), "12,346");
        assert_eq!(count(-0.0001), "0");
        assert_eq!(count(1848.0), "1848");
    }

    #[test]
    fn thousands_grouped() {
        assert_eq!(display(1848.0, 0), "1\u{202F}848");
        assert_eq!(display(34867.0, 0), "34\u{202F}867");
        assert_eq!(display(123.46, 1), "123,5");
        assert_eq!(display(-1234567.0, 0), "-1\u{202F}234\u{202F}567");
        assert_eq!(percent(0.25), "25,0\u{A0}%");
    }
}

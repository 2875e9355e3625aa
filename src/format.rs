//! French number formatting for everything a user reads: maps, lists, reports.

/// `x` with `decimals` digits and a decimal comma, no thousands separator
/// (the form French Excel reads back as a number): `64.2` → `"64,2"`.
pub fn decimal(x: f64, decimals: usize) -> String {
    let mut s = format!("{:.*}", decimals, x);
    // "-0,0" reads as an error to users: a rounded zero has no sign.
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0);
    }
    // One mark at most, and one byte either way: changed in place (lists have 100 000s of cells).
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
    let tenths = (v * 10.0).round();
    decimal(v, if tenths % 10.0 == 0.0 { 0 } else { 1 })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_comma() {
        assert_eq!(decimal(64.2, 1), "64,2");
        assert_eq!(decimal(60.0, 1), "60,0");
        assert_eq!(decimal(-0.04, 1), "0,0");
        assert_eq!(decimal(-1.25, 2), "-1,25");
        assert_eq!(decimal(1234.5, 1), "1234,5");
    }

    #[test]
    fn compact_drops_a_zero_decimal() {
        assert_eq!(compact(3.0), "3");
        assert_eq!(compact(1.5), "1,5");
        assert_eq!(compact(2.04), "2");
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

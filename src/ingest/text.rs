//! Cell-level conventions of French open data: file encodings, numbers written the French way, territory codes.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::CodeKind;

/// Decodes a whole file. A BOM names the encoding (UTF-8, or UTF-16 as Excel's "Texte Unicode" writes); without
/// one, valid UTF-8 is kept as is and anything else is Windows-1252, what Excel writes on a French Windows. A file
/// that is UTF-8 in places and not in others (two files pasted together) is neither: decoding it whole as
/// Windows-1252 would turn every `é` of its UTF-8 part into `Ã©`. The error is the 1-based line of the first byte
/// that is not UTF-8.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, MixedEncoding> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        if encoding != UTF_8 {
            return Ok(encoding
                .decode_without_bom_handling(&bytes[bom_len..])
                .0
                .into_owned());
        }
        bytes.drain(..bom_len);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            if has_utf8_sequence(bytes) {
                let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
                return Err(MixedEncoding {
                    line,
                    byte: bytes[bad],
                });
            }
            Ok(WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned())
        }
    }
}

/// A file whose bytes are UTF-8 in places only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MixedEncoding {
    pub line: usize,
    pub byte: u8,
}

/// Whether `bytes`, which are not UTF-8 throughout, are UTF-8 in places: as many non-ASCII UTF-8 characters
/// (`é` is C3 A9) as bytes that are not UTF-8. Windows-1252 text almost never holds one (it would take an
/// accented capital followed by a symbol such as `©`), and bytes of no encoding hold few.
fn has_utf8_sequence(bytes: &[u8]) -> bool {
    let (mut utf8, mut other) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        utf8 += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        other += usize::from(!chunk.invalid().is_empty());
    }
    utf8 > 0 && utf8 >= other
}

/// `cell.trim()`, without its general search when the cell begins and ends with a visible ASCII
/// character, as nearly every cell of a national file does.
pub(crate) fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        [only] if only.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// A trimmed cell of 1 to 15 plain digits, as most counts are: exact as an integer (below 2^53).
pub(crate) fn plain_integer(s: &str) -> Option<f64> {
    if !(1..=15).contains(&s.len()) {
        return None;
    }
    s.bytes()
        .try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
        .map(|n| n as f64)
}

/// Parses a number as French files write it: `60,9`, `-0,1`, `1 848` (thousands separated by a space, U+00A0 or
/// U+202F), `1.234,5`, and also `60.9` or `1,234.5`. A lone `,` or `.` is the decimal mark; when both appear the
/// last one is, and the other must separate groups of three digits. `None` when the cell is not a number.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let s = trim(cell);
    if let Some(n) = plain_integer(s) {
        return Some(n);
    }
    let commas = s.bytes().filter(|&b| b == b',').count();
    let dots = s.bytes().filter(|&b| b == b'.').count();
    let decimal = match (commas, dots) {
        (1, 0) => Some(','),
        (0, 1) => Some('.'),
        (c, d) if c > 0 && d > 0 => {
            let last = s[s.rfind([',', '.'])?..].chars().next()?;
            if (last == ',' && commas > 1) || (last == '.' && dots > 1) {
                return None;
            }
            Some(last)
        }
        // None, or several of one mark only: thousands separators.
        _ => None,
    };
    // Cells are short: normalise into a stack buffer rather than allocating per cell.
    let mut buf = [0u8; 64];
    let mut len = 0;
    // Digits seen since the last thousands mark (None before the first one).
    let mut group: Option<usize> = None;
    let mut after_decimal = false;
    for c in s.chars() {
        let byte = match c {
            '0'..='9' => {
                if let Some(g) = group.as_mut() {
                    *g += 1;
                }
                c as u8
            }
            _ if Some(c) == decimal => {
                if group.is_some_and(|g| g != 3) {
                    return None;
                }
                group = None;
                after_decimal = true;
                b'.'
            }
            // A space separates thousands as a dot or a comma does (`12 34` is no number), and
            // only before the decimal mark.
            _ if c == ',' || c == '.' || c.is_whitespace() => {
                if after_decimal
                    || len == 0
                    || !buf[len - 1].is_ascii_digit()
                    || group.is_some_and(|g| g != 3)
                {
                    return None;
                }
                group = Some(0);
                continue;
            }
            '-' | '+' => c as u8,
            'e' | 'E' => b'e',
            _ => return None,
        };
        *buf.get_mut(len)? = byte;
        len += 1;
    }
    if group.is_some_and(|g| g != 3) {
        return None;
    }
    // `1e400` parses to infinity: not a value any indicator can hold.
    std::str::from_utf8(&buf[..len])
        .ok()?
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
}

/// How a number cell uses the dot. French files separate thousands with a space, some with a dot (`1.234,5`);
/// machine exports put a decimal dot (`12.5`). `5.519` can be either, and only the rest of its column tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DotUse {
    /// No dot, or one the cell alone explains.
    None,
    /// `12.5`, `0.125`, `1234.567`: a decimal dot.
    Decimal,
    /// `1.234.567`, `1.234,5`: dots between thousands.
    Grouping,
    /// `5.519`, `-12.345`: one dot, three digits after it, one to three before (no leading zero).
    Ambiguous,
}

pub(crate) fn dot_use(cell: &str) -> DotUse {
    let s = trim(cell);
    let dots = s.bytes().filter(|&b| b == b'.').count();
    if dots == 0 {
        return DotUse::None;
    }
    if dots > 1 || s.rfind(',').is_some_and(|c| c > s.find('.').unwrap_or(0)) {
        return DotUse::Grouping;
    }
    if s.contains(',') {
        // `1,234.5`: English grouping commas, the dot is decimal.
        return DotUse::Decimal;
    }
    let unsigned = s.trim_start_matches(['-', '+']);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    // The dot could be one more thousands mark if what precedes it is thousands already:
    // a first group of one to three digits (no leading zero), then groups of three.
    let groups: Vec<&str> = int.split(char::is_whitespace).collect();
    let grouped = groups.iter().all(|g| digits(g))
        && (1..=3).contains(&groups[0].len())
        && !groups[0].starts_with('0')
        && groups[1..].iter().all(|g| g.len() == 3);
    if grouped && digits(frac) && frac.len() == 3 {
        DotUse::Ambiguous
    } else {
        DotUse::Decimal
    }
}

/// Normalises a trimmed, non-empty territory code, or says what a valid one looks like.
pub(crate) fn normalize_code(kind: CodeKind, code: &str) -> Result<Cow<'_, str>, &'static str> {
    match kind {
        CodeKind::Free => return Ok(Cow::Borrowed(code)),
        CodeKind::CommuneOrEpci => {
            return normalize_code(CodeKind::Epci, code)
                .or_else(|_| normalize_code(CodeKind::Commune, code))
                .map_err(|_| {
                    "un code commune a 5 caractères (ex. 63113), un SIREN d'EPCI 9 chiffres (ex. 246300701)"
                })
        }
        _ => {}
    }
    let (width, valid, expected): (usize, fn(&str) -> bool, _) = match kind {
        CodeKind::Commune => (
            5,
            is_commune,
            "un code commune a 5 caractères (ex. 01001, 2A004, 97101)",
        ),
        CodeKind::Departement => (
            2,
            is_departement,
            "un code département a 2 ou 3 caractères (ex. 01, 2A, 971)",
        ),
        CodeKind::Region => (
            2,
            |c| c.len() == 2 && is_digits(c),
            "un code région a 2 chiffres (ex. 84)",
        ),
        // EPCI SIRENs start with 2: no leading zero to lose (width 0: never padded).
        CodeKind::Epci => (
            0,
            |c| c.len() == 9 && is_digits(c),
            "un SIREN d'EPCI a 9 chiffres (ex. 200069193)",
        ),
        CodeKind::Iris => (
            9,
            is_iris,
            "un code IRIS a 9 caractères, code commune puis 4 chiffres (ex. 010010000)",
        ),
        CodeKind::Free | CodeKind::CommuneOrEpci => unreachable!("handled above"),
    };
    // Most codes are written right: nothing below changes a valid code.
    if valid(code) {
        return Ok(Cow::Borrowed(code));
    }
    // A code that went through a number (Excel, pandas) may have gained a `.0` and lost its leading zero.
    let code = match code.strip_suffix(".0") {
        Some(digits) if is_digits(digits) => digits,
        _ => code,
    };
    let mut code: Cow<str> = if code.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(code.to_ascii_uppercase())
    } else {
        Cow::Borrowed(code)
    };
    if code.len() + 1 == width && is_digits(&code) {
        code = Cow::Owned(format!("0{code}"));
    }
    if valid(&code) {
        Ok(code)
    } else {
        Err(expected)
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_departement(code: &str) -> bool {
    match code.len() {
        2 => is_digits(code) || code == "2A" || code == "2B",
        // Overseas: 971 to 976, and the collectivités 975, 977, 978, 98x.
        3 => is_digits(code) && (code.starts_with("97") || code.starts_with("98")),
        _ => false,
    }
}

// Slicing below is by bytes: a code with other than ASCII (« †01 », five bytes) is no code.
fn is_commune(code: &str) -> bool {
    code.len() == 5
        && code.is_ascii()
        && (is_digits(&code[..2]) || code.starts_with("2A") || code.starts_with("2B"))
        && is_digits(&code[2..])
}

fn is_iris(code: &str) -> bool {
    code.len() == 9 && code.is_ascii() && is_commune(&code[..5]) && is_digits(&code[5..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_trimmed_as_str_trim_does() {
        for cell in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}12\u{a0}",
            "12\t",
            "\u{feff}x",
            "é",
            "1 848",
            "\r\n",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }

    #[test]
    fn numbers_french_and_english() {
        let cases = [
            ("60,9", 60.9),
            ("60.9", 60.9),
            ("-0,1", -0.1),
            ("1 848", 1848.0),
            ("1\u{a0}848", 1848.0),
            ("12\u{202f}345,5", 12345.5),
            ("1.234,5", 1234.5),
            ("1,234.5", 1234.5),
            ("1.234.567", 1_234_567.0),
            (" 42 ", 42.0),
            ("1e3", 1000.0),
            ("0042", 42.0),
            ("999999999999999", 999_999_999_999_999.0),
            ("12345678901234567890", 12_345_678_901_234_567_890.0),
        ];
        for (cell, want) in cases {
            assert_eq!(parse_number(cell), Some(want), "{cell}");
        }
    }

    #[test]
    fn dots_told_apart() {
        for (cell, want) in [
            ("5519", DotUse::None),
            ("60,9", DotUse::None),
            ("12.5", DotUse::Decimal),
            ("0.125", DotUse::Decimal),
            ("1234.567", DotUse::Decimal),
            ("1,234.5", DotUse::Decimal),
            ("1.234.567", DotUse::Grouping),
            ("1.234,5", DotUse::Grouping),
            ("5.519", DotUse::Ambiguous),
            ("-12.345", DotUse::Ambiguous),
            ("999.999", DotUse::Ambiguous),
            ("1 000.000", DotUse::Ambiguous),
            ("1000.000", DotUse::Decimal),
        ] {
            assert_eq!(dot_use(cell), want, "{cell}");
        }
    }

    #[test]
    fn non_numbers_rejected() {
        for cell in [
            "", "abc", "s", "inf", "NaN", "12 %", "1,2,3", "1.23.4", "1,234,5", "1.2,3.4", "-",
            "1e400", "-1e309", "12 34", "1 2345", "- 5",
        ] {
            assert_eq!(parse_number(cell), None, "{cell}");
        }
    }

    /// The number `s` is under one French convention: `decimal` mark, thousands separated by
    /// a space or by `group`, in groups of three after a first group of one to three digits
    /// (not starting with 0 unless alone). `None` where `s` is not written that way.
    fn french_reading(s: &str, decimal: char, group: Option<char>) -> Option<f64> {
        let s = s.trim();
        let (sign, body) = match s.strip_prefix(['-', '+']) {
            Some(rest) => (&s[..1], rest),
            None => ("", s),
        };
        let (int, frac) = match body.split_once(decimal) {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let groups: Vec<&str> = int
            .split(|c: char| c.is_whitespace() || Some(c) == group)
            .collect();
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !groups.iter().all(|g| digits(g)) || frac.is_some_and(|f| !digits(f)) {
            return None;
        }
        if groups.len() > 1
            && (groups[0].len() > 3
                || groups[0].starts_with('0')
                || groups[1..].iter().any(|g| g.len() != 3))
        {
            return None;
        }
        let text = format!("{sign}{}.{}", groups.concat(), frac.unwrap_or("0"));
        text.parse().ok()
    }

    proptest::proptest! {
        /// Every cell the reader takes alone as a number (without its column's help) has one
        /// value in French usage: decimal comma with thousands spaced or dotted, or a
        /// machine's decimal dot. Where two of them disagree (`5.519`), the cell is flagged.
        #[test]
        fn a_number_taken_alone_is_unambiguous_in_french(s in "[-+]?[0-9]{1,4}([ .,\u{a0}][0-9]{1,4}){0,3}") {
            let readings: Vec<f64> = [
                french_reading(&s, ',', None),
                french_reading(&s, ',', Some('.')),
                french_reading(&s, '.', None),
            ]
            .into_iter()
            .flatten()
            .collect();
            let distinct = readings.windows(2).any(|w| w[0] != w[1]);
            match parse_number(&s) {
                Some(v) if dot_use(&s) != DotUse::Ambiguous => {
                    proptest::prop_assert!(!distinct, "{s}: readings {readings:?}");
                    if let Some(r) = readings.first() {
                        proptest::prop_assert_eq!(v, *r, "{}", s);
                    }
                }
                _ => {}
            }
            if distinct {
                proptest::prop_assert!(
                    parse_number(&s).is_none() || dot_use(&s) == DotUse::Ambiguous,
                    "{s} is ambiguous: {readings:?}"
                );
            }
        }

        /// Every value diagterr writes for French Excel (decimal comma, no thousands
        /// separator) reads back as the same number.
        #[test]
        fn what_is_written_reads_back_equal(x in -1e9f64..1e9, decimals in 0usize..4) {
            let written = crate::format::decimal(x, decimals);
            let rounded: f64 = format!("{x:.decimals$}").parse().unwrap();
            proptest::prop_assert_eq!(parse_number(&written), Some(rounded + 0.0), "{}", written);
            proptest::prop_assert_ne!(dot_use(&written), DotUse::Ambiguous);
        }
    }

    fn norm(kind: CodeKind, code: &str) -> Result<String, &'static str> {
        normalize_code(kind, code).map(Cow::into_owned)
    }

    #[test]
    fn commune_codes() {
        use CodeKind::Commune;
        for (raw, want) in [
            ("01001", "01001"),
            ("1001", "01001"),
            ("1001.0", "01001"),
            ("2A004", "2A004"),
            ("2a004", "2A004"),
            ("75101", "75101"),
            ("97101", "97101"),
        ] {
            assert_eq!(norm(Commune, raw).as_deref(), Ok(want), "{raw}");
        }
        // "†01" and "†xxxxxx" are five and nine bytes: found by fuzzing, they panicked.
        for bad in ["ABCDE", "101", "123456", "2C004", "1001.5", "01 001", "†01"] {
            assert!(norm(Commune, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_codes() {
        assert_eq!(norm(CodeKind::Departement, "1").as_deref(), Ok("01"));
        assert_eq!(norm(CodeKind::Departement, "2B").as_deref(), Ok("2B"));
        assert_eq!(norm(CodeKind::Departement, "971").as_deref(), Ok("971"));
        assert!(norm(CodeKind::Departement, "123").is_err());
        assert!(norm(CodeKind::Departement, "2C").is_err());
        assert_eq!(norm(CodeKind::Region, "1").as_deref(), Ok("01"));
        assert!(norm(CodeKind::Region, "100").is_err());
        assert_eq!(
            norm(CodeKind::Epci, "200069193").as_deref(),
            Ok("200069193")
        );
        assert_eq!(
            norm(CodeKind::Epci, "200069193.0").as_deref(),
            Ok("200069193")
        );
        assert!(norm(CodeKind::Epci, "20006919").is_err());
        assert!(norm(CodeKind::Epci, "ZZZZZZZZZ").is_err());
        assert_eq!(norm(CodeKind::Iris, "10010000").as_deref(), Ok("010010000"));
        assert_eq!(
            norm(CodeKind::Iris, "2A0040101").as_deref(),
            Ok("2A0040101")
        );
        assert!(norm(CodeKind::Iris, "26057").is_err());
        assert!(norm(CodeKind::Iris, "†010000").is_err());
        assert_eq!(
            norm(CodeKind::Free, "ZZZZZZZZZ").as_deref(),
            Ok("ZZZZZZZZZ")
        );
        assert_eq!(norm(CodeKind::Free, "1001.0").as_deref(), Ok("1001.0"));
        let either = CodeKind::CommuneOrEpci;
        assert_eq!(norm(either, "1001").as_deref(), Ok("01001"));
        assert_eq!(norm(either, "246300701").as_deref(), Ok("246300701"));
        assert!(norm(either, "2463007").is_err());
    }

    #[test]
    fn encodings() {
        let ok = |b: &[u8]| decode(b.to_vec()).unwrap();
        assert_eq!(ok(b"\xEF\xBB\xBFcode;\xC3\xA9"), "code;é");
        assert_eq!(ok(b"code;\xE9\x80"), "code;é€");
        assert_eq!(ok(b"\xFF\xFEa\0;\0\xE9\0"), "a;é");
        assert_eq!(
            ok(b"type\nR\xE9aap\nM\xE9diation"),
            "type\nRéaap\nMédiation"
        );
        // UTF-8 `Réaap`, then one Windows-1252 `é` on line 3.
        assert_eq!(
            decode(b"type\nR\xC3\xA9aap\nM\xE9diation\n".to_vec()),
            Err(MixedEncoding {
                line: 3,
                byte: 0xE9
            })
        );
    }
}

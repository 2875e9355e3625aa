//! The COG 2026 shipped in the binary in the form `build.rs` writes it: the little-endian `u32`
//! length of every field, and their text end to end; the départements (code, name, région) then
//! the communes (code, name, département, population, EPCI SIREN, name, kind), each list after
//! its count. Decoding it costs no CSV parsing at start-up, and no UTF-8 check (the text is
//! included as a `str`): a query on the built-in COG starts on its territory at once.

use super::cog::CommuneRow;
use crate::ingest::builtin;

/// A cursor over the encoded fields.
struct Fields {
    lengths: &'static [u8],
    text: &'static str,
    /// The next length, the next field.
    at: usize,
    from: usize,
}

impl Fields {
    fn count(&mut self) -> usize {
        let n = u32::from_le_bytes(
            self.lengths[self.at..self.at + 4]
                .try_into()
                .expect("4 bytes"),
        );
        self.at += 4;
        n as usize
    }

    fn text(&mut self) -> &'static str {
        let end = self.from + self.count();
        let text = &self.text[self.from..end];
        self.from = end;
        text
    }

    /// A field that may be empty: no value.
    fn optional(&mut self) -> Option<&'static str> {
        Some(self.text()).filter(|t| !t.is_empty())
    }
}

/// A département: code, name, région.
type Departement = (&'static str, &'static str, Option<&'static str>);

/// The built-in départements and communes, in the order of their CSV.
pub fn decoded() -> (Vec<Departement>, impl Iterator<Item = CommuneRow<'static>>) {
    let (lengths, text) = builtin::cog();
    let mut fields = Fields {
        lengths,
        text,
        at: 0,
        from: 0,
    };
    let deps = (0..fields.count())
        .map(|_| (fields.text(), fields.text(), fields.optional()))
        .collect();
    let communes = fields.count();
    // The CSV's header is its line 1: a commune's line is its rank plus two.
    let rows = (0..communes).map(move |i| CommuneRow {
        line: i + 2,
        code: fields.text(),
        name: fields.text(),
        departement: fields.text(),
        population: fields.optional().map(|p| {
            p.parse()
                .expect("build.rs copies the populations of the CSV, numbers")
        }),
        siren: fields.optional(),
        epci_name: fields.text(),
        epci_kind: fields.text(),
    });
    (deps, rows)
}

//! Shapefile export in the map's projected system: `.shp`, `.shx`, `.dbf`, `.prj` and `.cpg`.
//!
//! The five files are built in memory first, so a bad value fails before anything is
//! written; they are then written each atomically, `.shp` last, and on an I/O failure the
//! ones already written are removed, so no half-written set is left.

use std::io::Cursor;
use std::path::Path;

use ::shapefile::dbase::{
    FieldError, FieldName, FieldValue, FieldWriter, TableWriterBuilder, WritableRecord,
};
use ::shapefile::{Polygon, ShapeWriter};

use super::features::{AttrValue, ExportFeature, columns};
use super::write_atomic_group;
use crate::error::{Error, Result};
use crate::geometry::Crs;

/// Longest DBF text field, in bytes.
const MAX_TEXT: usize = 254;
/// Widest DBF numeric field most software reads.
const MAX_NUMBER: usize = 20;
/// Most decimals kept for numbers.
const MAX_DECIMALS: usize = 6;

/// Writes the features as a polygon Shapefile in `crs` (coordinates as given), with
/// the columns `code`, `nom`, then the attributes in their order.
///
/// DBF limits, applied deterministically:
/// - column names are at most 10 bytes: accents are dropped ("priorité" → "priorite"),
///   other characters outside `[A-Za-z0-9_]` become `_`, names are cut to 10 bytes, and a
///   name already taken (case aside) ends in `_2`, `_3`… instead ("taux_couverture_2023",
///   "taux_couverture_2024" → "taux_couve", "taux_cou_2");
/// - texts are UTF-8 (declared in the `.cpg`), cut at 254 bytes on a character boundary;
/// - numbers get the fewest decimals (at most 6) that write every value of the column
///   exactly, a width fitting the longest, and are blank when missing.
pub fn write_shapefile(path: &Path, rows: &[ExportFeature], crs: Crs) -> Result<()> {
    let (shp, shx, dbf) = encode(path, rows, table(path, rows)?)?;
    let prj = crs.wkt();
    write_atomic_group(&[
        (path.to_path_buf(), &shp),
        (path.with_extension("shx"), &shx),
        (path.with_extension("dbf"), &dbf),
        (path.with_extension("prj"), prj.as_bytes()),
        (path.with_extension("cpg"), b"UTF-8"),
    ])
}

/// The DBF columns: `code`, `nom`, then the attributes, each as wide as its values need.
fn table(path: &Path, rows: &[ExportFeature]) -> Result<TableWriterBuilder> {
    let names = columns(path, rows)?;
    let mut table = TableWriterBuilder::new()
        .add_character_field(
            field("code"),
            text_width(rows.iter().map(|r| r.code.as_str())),
        )
        .add_character_field(
            field("nom"),
            text_width(rows.iter().map(|r| r.name.as_str())),
        );
    for (i, name) in field_names(&names).iter().enumerate() {
        let values = rows.iter().map(|r| &r.attributes[i].1);
        table = match rows.first().map(|r| &r.attributes[i].1) {
            Some(AttrValue::Number(_)) => {
                let (width, decimals) = number_format(values.filter_map(AttrValue::finite))
                    .ok_or_else(|| {
                        Error::new(format!(
                            "valeurs de l'attribut « {} » trop grandes pour un Shapefile",
                            names[i]
                        ))
                        .file(path)
                    })?;
                table.add_numeric_field(field(name), width, decimals)
            }
            _ => table.add_character_field(
                field(name),
                text_width(values.map(|v| match v {
                    AttrValue::Text(t) => t.as_str(),
                    AttrValue::Number(_) => "",
                })),
            ),
        };
    }
    Ok(table)
}

/// The `.shp`, `.shx` and `.dbf` bytes.
fn encode(
    path: &Path,
    rows: &[ExportFeature],
    table: TableWriterBuilder,
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let fail = |code: Option<&str>, e: &dyn std::fmt::Display| {
        let err = Error::new(format!("écriture du Shapefile impossible : {e}")).file(path);
        match code {
            Some(code) => err.code(code),
            None => err,
        }
    };
    let (mut shp, mut shx, mut dbf) = (
        Cursor::new(Vec::new()),
        Cursor::new(Vec::new()),
        Cursor::new(Vec::new()),
    );
    let mut shapes = ShapeWriter::with_shx(&mut shp, &mut shx);
    let mut records = table.build_with_dest(&mut dbf);
    for row in rows {
        let code = Some(row.code.as_str());
        if row.geometry.0.is_empty() {
            return Err(fail(code, &"géométrie vide"));
        }
        shapes
            .write_shape(&Polygon::from(row.geometry.clone()))
            .map_err(|e| fail(code, &e))?;
        records
            .write_record(&Row(row))
            .map_err(|e| fail(code, &e))?;
    }
    shapes.finalize().map_err(|e| fail(None, &e))?;
    records.finalize().map_err(|e| fail(None, &e))?;
    drop((shapes, records));
    let mut dbf = dbf.into_inner();
    dbf[1..4].copy_from_slice(&FIXED_DATE);
    Ok((shp.into_inner(), shx.into_inner(), dbf))
}

/// The "last update" of the DBF header (years since 1900, month, day): dbase writes the
/// day of the run, which would make the same inputs give different bytes from one day to
/// the next. 1 January 1980, as reproducible ZIP archives do; readers ignore it.
const FIXED_DATE: [u8; 3] = [80, 1, 1];

/// One feature as a DBF record: code, name, then the attributes, in the field order.
struct Row<'a>(&'a ExportFeature);

impl WritableRecord for Row<'_> {
    fn write_using<W: std::io::Write>(
        &self,
        writer: &mut FieldWriter<'_, W>,
    ) -> std::result::Result<(), FieldError> {
        writer.write_next_field_value(&FieldValue::Character(Some(cut(&self.0.code))))?;
        writer.write_next_field_value(&FieldValue::Character(Some(cut(&self.0.name))))?;
        for (_, value) in &self.0.attributes {
            let value = match value {
                AttrValue::Text(text) => FieldValue::Character(Some(cut(text))),
                AttrValue::Number(_) => FieldValue::Numeric(value.finite()),
            };
            writer.write_next_field_value(&value)?;
        }
        Ok(())
    }
}

/// `text` cut to the DBF limit on a character boundary (dbase would cut through one).
fn cut(text: &str) -> String {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

fn text_width<'a>(values: impl Iterator<Item = &'a str>) -> u8 {
    let longest = values.map(|v| cut(v).len()).max().unwrap_or(0);
    longest.clamp(1, MAX_TEXT) as u8
}

/// Width and decimals writing every value exactly (to `MAX_DECIMALS`); `None` when the
/// widest value does not fit `MAX_NUMBER` characters.
fn number_format(values: impl Iterator<Item = f64> + Clone) -> Option<(u8, u8)> {
    let decimals = values.clone().map(decimals_of).max().unwrap_or(0);
    let width = values
        .map(|v| format!("{v:.decimals$}").len())
        .max()
        .unwrap_or(1);
    (width <= MAX_NUMBER).then_some((width as u8, decimals as u8))
}

/// The fewest decimals that write `v` as it is to `MAX_DECIMALS` (57.3 → 1).
fn decimals_of(v: f64) -> usize {
    let rounded = |d: usize| format!("{v:.d$}").parse::<f64>().ok();
    (0..MAX_DECIMALS)
        .find(|&d| rounded(d) == rounded(MAX_DECIMALS))
        .unwrap_or(MAX_DECIMALS)
}

/// DBF column names for the attributes, in order (see [`write_shapefile`]); `code` and
/// `nom` are taken first.
fn field_names(names: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = vec!["code".into(), "nom".into()];
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let ascii: String = name.chars().map(ascii_letter).collect();
        let base: String = match ascii.chars().take(10).collect::<String>() {
            empty if empty.is_empty() => "champ".into(),
            base => base,
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
            let suffix = format!("_{n}");
            candidate = format!("{}{suffix}", &base[..base.len().min(10 - suffix.len())]);
            n += 1;
        }
        taken.push(candidate.clone());
        out.push(candidate);
    }
    out
}

/// A character of a DBF column name: French accents dropped, anything else unusual as `_`.
fn ascii_letter(c: char) -> char {
    match crate::format::without_accent(c) {
        c if c.is_ascii_alphanumeric() || c == '_' => c,
        _ => '_',
    }
}

fn field(name: &str) -> FieldName {
    FieldName::try_from(name).expect("field names are ASCII and at most 10 bytes")
}

#[cfg(test)]
mod tests {
    use super::super::features::tests::{puy_de_dome, sample};
    use super::*;
    use crate::geometry::{Crs, read_shapefile};

    #[test]
    fn round_trip_keeps_codes_attributes_and_coordinates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("carte/couverture.shp");
        let rows = sample();
        write_shapefile(&path, &rows, Crs::Lambert93).unwrap();
        let layer = read_shapefile(&path, "code", Some("nom")).unwrap();
        assert_eq!(layer.crs, Crs::Lambert93, "from the .prj");
        for (row, back) in rows.iter().zip(&layer.features) {
            assert_eq!(back.code, row.code);
            assert_eq!(
                back.name.as_deref(),
                Some(row.name.as_str()),
                "UTF-8 via the .cpg"
            );
            assert_eq!(back.geometry.0.len(), 1);
            assert_eq!(
                back.geometry.0[0].interiors().len(),
                row.geometry.0[0].interiors().len()
            );
            let area = |g: &geo::MultiPolygon<f64>| geo::Area::unsigned_area(g);
            assert!((area(&back.geometry) - area(&row.geometry)).abs() < 1e-6);
        }

        let mut reader = ::shapefile::Reader::from_path(&path).unwrap();
        let records: Vec<_> = reader
            .iter_shapes_and_records()
            .map(|r| r.unwrap().1)
            .collect();
        let get = |i: usize, name: &str| records[i].get(name).cloned().unwrap();
        assert_eq!(get(0, "taux_couve"), FieldValue::Numeric(Some(57.3)));
        assert_eq!(
            get(1, "taux_couve"),
            FieldValue::Numeric(None),
            "missing stays blank"
        );
        assert_eq!(get(1, "taux_cou_2"), FieldValue::Numeric(Some(1234.5)));
        assert_eq!(
            get(1, "statut"),
            FieldValue::Character(Some("secret".into()))
        );
        assert_eq!(get(0, "statut"), FieldValue::Character(None));
        assert_eq!(
            get(0, "classe"),
            FieldValue::Character(Some("Q1 « haut » \"a\\b\"".into()))
        );

        let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let expected = ["cpg", "dbf", "prj", "shp", "shx"].map(|e| format!("couverture.{e}"));
        assert_eq!(names, expected, "no temporary left");
        assert_eq!(std::fs::read(path.with_extension("cpg")).unwrap(), b"UTF-8");
    }

    #[test]
    fn puy_de_dome_comes_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("63.shp");
        let rows = puy_de_dome();
        write_shapefile(&path, &rows, Crs::Lambert93).unwrap();
        let back = read_shapefile(&path, "code", Some("nom")).unwrap();
        assert_eq!(back.features.len(), 467);
        for (row, back) in rows.iter().zip(&back.features) {
            assert_eq!(
                (&back.code, back.name.as_deref()),
                (&row.code, Some(&*row.name))
            );
            let area = |g: &geo::MultiPolygon<f64>| geo::Area::unsigned_area(g);
            assert!(
                (area(&back.geometry) - area(&row.geometry)).abs() < 1e-3,
                "{}",
                row.code
            );
        }
    }

    #[test]
    fn the_dbf_header_does_not_carry_the_day_of_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("date.shp");
        write_shapefile(&path, &sample(), Crs::Lambert93).unwrap();
        let dbf = std::fs::read(path.with_extension("dbf")).unwrap();
        assert_eq!(dbf[1..4], FIXED_DATE);
    }

    #[test]
    fn no_feature_gives_an_empty_but_readable_layer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vide.shp");
        write_shapefile(&path, &[], Crs::Lambert93).unwrap();
        assert!(
            read_shapefile(&path, "code", None)
                .unwrap()
                .features
                .is_empty()
        );
    }

    #[test]
    fn field_names_fit_ten_bytes_deterministically() {
        let names = field_names(&[
            "taux_couverture_2023",
            "taux_couverture_2024",
            "Taux_couverture",
            "priorité",
            "part 0-2 ans",
            "CODE",
            "",
        ]);
        assert_eq!(
            names,
            [
                "taux_couve",
                "taux_cou_2",
                "Taux_cou_3",
                "priorite",
                "part_0_2_a",
                "CODE_2",
                "champ"
            ]
        );
        assert!(names.iter().all(|n| n.len() <= 10 && n.is_ascii()));
    }

    #[test]
    fn numbers_get_the_decimals_they_need() {
        assert_eq!(
            number_format([57.3, 100.0, -2.25].into_iter()),
            Some((6, 2))
        );
        assert_eq!(number_format([12.0, 34_567.0].into_iter()), Some((5, 0)));
        assert_eq!(number_format([1.0 / 3.0].into_iter()), Some((8, 6)));
        assert_eq!(number_format(std::iter::empty()), Some((1, 0)));
        assert_eq!(number_format([1e25].into_iter()), None);
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let text = "é".repeat(200);
        assert_eq!(cut(&text).len(), 254);
        assert!(cut(&text).chars().all(|c| c == 'é'));
    }

    #[test]
    fn unwritable_path_is_named_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fichier");
        std::fs::write(&file, "").unwrap();
        let err = write_shapefile(&file.join("carte.shp"), &sample(), Crs::Lambert93).unwrap_err();
        assert!(err.to_string().contains("fichier"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

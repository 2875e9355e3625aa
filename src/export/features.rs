//! What the map exports (GeoJSON, Shapefile) take: classified territories with their shape
//! and an ordered list of attributes.

use std::path::Path;

use geo::MultiPolygon;

use crate::error::{Error, Result};

/// One territory to export: code, name, shape in Lambert-93 (EPSG:2154) metres, and the
/// attributes in the order they should appear.
///
/// Every feature must carry the same attribute names, in the same order and of the same
/// kind (all numbers or all texts per name): they become the columns of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportFeature {
    pub code: String,
    pub name: String,
    pub geometry: MultiPolygon<f64>,
    pub attributes: Vec<(String, AttrValue)>,
}

/// An attribute value.
///
/// Convention for statistical secrecy: a secret value is exported as `Number(None)`, like a
/// missing one (so no tool mistakes it for a number), and the caller adds a separate text
/// attribute saying why it is missing (for instance `("statut", Text("secret"))`).
/// Non-finite numbers (NaN, infinities) are written as missing too.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A number; `None` when missing or secret.
    Number(Option<f64>),
    Text(String),
}

impl AttrValue {
    /// The number, if present and finite.
    pub(super) fn finite(&self) -> Option<f64> {
        match self {
            AttrValue::Number(Some(n)) if n.is_finite() => Some(*n),
            _ => None,
        }
    }
}

/// The names of the columns the features share, after the code and the name; an error
/// names the first feature that differs from the first one.
pub(super) fn columns<'a>(path: &Path, rows: &'a [ExportFeature]) -> Result<Vec<&'a str>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let kinds = |row: &'a ExportFeature| {
        row.attributes
            .iter()
            .map(|(name, value)| (name.as_str(), matches!(value, AttrValue::Number(_))))
            .collect::<Vec<_>>()
    };
    let expected = kinds(first);
    let mut seen = vec!["code", "nom"];
    for (name, _) in &expected {
        if seen.contains(name) {
            return Err(Error::new(format!("attribut « {name} » en double"))
                .file(path)
                .hint("« code » et « nom » sont réservés au code et au nom du territoire"));
        }
        seen.push(name);
    }
    if let Some(row) = rows.iter().find(|row| kinds(row) != expected) {
        return Err(Error::new(
            "attributs différents de ceux de la première entité (noms, ordre ou types)",
        )
        .file(path)
        .code(&row.code)
        .hint("chaque territoire exporté doit porter les mêmes attributs, dans le même ordre"));
    }
    Ok(expected.into_iter().map(|(name, _)| name).collect())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    /// Two communes near Clermont-Ferrand in Lambert-93, the second with a hole.
    pub(in crate::export) fn sample() -> Vec<ExportFeature> {
        let (x, y) = (705_000.0, 6_520_000.0);
        let rect = |x0: f64, y0: f64, x1: f64, y1: f64| {
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        };
        let plain = Polygon::new(rect(x, y, x + 3000.0, y + 2000.0), vec![]);
        let hole = rect(x + 4000.0, y + 1000.0, x + 5000.0, y + 2000.0);
        let holed = Polygon::new(rect(x + 3000.0, y, x + 6000.0, y + 3000.0), vec![hole]);
        let row =
            |code: &str, name: &str, geometry, taux: Option<f64>, statut: &str| ExportFeature {
                code: code.into(),
                name: name.into(),
                geometry: MultiPolygon::new(vec![geometry]),
                attributes: vec![
                    ("taux_couverture_2023".into(), AttrValue::Number(taux)),
                    (
                        "taux_couverture_2024".into(),
                        AttrValue::Number(Some(1234.5)),
                    ),
                    (
                        "classe".into(),
                        AttrValue::Text("Q1 « haut » \"a\\b\"".into()),
                    ),
                    ("statut".into(), AttrValue::Text(statut.into())),
                ],
            };
        vec![
            row("63113", "Clermont-Ferrand", plain, Some(57.3), ""),
            row("63124", "Cébazat", holed, None, "secret"),
        ]
    }

    /// The 467 communes of the Puy-de-Dôme in Lambert-93, with their rank as attribute.
    pub(in crate::export) fn puy_de_dome() -> Vec<ExportFeature> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/geo/communes-63-puy-de-dome-2018.geojson"
        );
        let layer = crate::geometry::read_layer(path.as_ref(), None, "code", Some("nom")).unwrap();
        let layer = crate::geometry::to_lambert93(layer).unwrap();
        layer
            .features
            .into_iter()
            .enumerate()
            .map(|(i, f)| ExportFeature {
                code: f.code,
                name: f.name.unwrap_or_default(),
                geometry: f.geometry,
                attributes: vec![("rang".into(), AttrValue::Number(Some(i as f64)))],
            })
            .collect()
    }

    #[test]
    fn reserved_name_is_refused() {
        let mut rows = sample();
        for row in &mut rows {
            row.attributes
                .push(("nom".into(), AttrValue::Text("x".into())));
        }
        let text = columns(Path::new("x.shp"), &rows).unwrap_err().to_string();
        assert!(
            text.contains("x.shp") && text.contains("« nom » en double"),
            "{text}"
        );
    }
}

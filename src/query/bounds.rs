//! What one query may ask, bounded: a PNG of 200 000 pixels would allocate 100 GB and
//! abort the process, a thousand classes would make a legend no one reads. Each bound
//! is checked as the query is read, with the key's line.

use serde::{Deserialize, Deserializer};

/// Start of every bound message, kept as is by the translation of TOML errors.
pub const OUT_OF_BOUNDS: &str = "valeur hors limites";

fn bounded<'de, D: Deserializer<'de>, T>(d: D, min: T, max: T, what: &str) -> Result<T, D::Error>
where
    T: Deserialize<'de> + PartialOrd + std::fmt::Display + Copy,
{
    let v = T::deserialize(d)?;
    if v < min || v > max {
        return Err(serde::de::Error::custom(format!(
            "{OUT_OF_BOUNDS} : {what} = {v} (de {min} à {max})"
        )));
    }
    Ok(v)
}

/// `largeur_png`: a 10 000 px map is 85 cm at 300 dpi, and 400 MB of pixels at most.
pub(super) fn png_width<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 100, 10_000, "largeur_png")
}

pub(super) fn png_dpi<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    bounded(d, 50, 2_400, "dpi_png")
}

/// `colonnes` of small multiples.
pub(super) fn panel_columns<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    bounded(d, 1, 8, "colonnes")
}

/// A number of classes: ColorBrewer has no palette beyond nine ordered colours.
pub(super) fn class_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    bounded(d, 1, 9, "nombre (de classes)").map(Some)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::query::Query;

    fn query(map: &str) -> String {
        format!(
            "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
             communes = \"data/cog/communes-epci-population-2026.csv\"\n\
             liste_departements = \"data/cog/departements.csv\"\n\
             [carte]\ntitre = \"T\"\nsource = \"S\"\nsorties = [\"a.png\"]\n{map}"
        )
    }

    #[test]
    fn an_image_too_large_is_refused_with_its_line() {
        let text = query("classes = { methode = \"quantiles\" }\nlargeur_png = 200000\n");
        let e = Query::parse(Path::new("q.toml"), text).unwrap_err();
        let said = e.to_string();
        assert!(said.contains("q.toml, ligne 12"), "{said}");
        assert!(
            said.contains("largeur_png = 200000 (de 100 à 10000)"),
            "{said}"
        );
    }

    #[test]
    fn class_counts_are_bounded() {
        let text = query("classes = { methode = \"quantiles\", nombre = 40 }\n");
        let e = Query::parse(Path::new("q.toml"), text).unwrap_err();
        assert!(
            e.to_string()
                .contains("nombre (de classes) = 40 (de 1 à 9)"),
            "{e}"
        );
        let text = query("classes = { methode = \"quantiles\", nombre = -3 }\n");
        let e = Query::parse(Path::new("q.toml"), text).unwrap_err();
        assert!(e.to_string().contains("un nombre entier positif"), "{e}");
        assert!(!e.to_string().contains("usize"), "{e}");
    }
}

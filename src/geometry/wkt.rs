//! The coordinate system a WKT text names (a Shapefile's `.prj`, a GeoPackage's
//! `gpkg_spatial_ref_sys`), among those diagterr projects.

use std::path::Path;

use super::Crs;
use crate::error::Error;

/// The system of a WKT (WKT1 or WKT2, any case): Lambert-93, a UTM zone, or a geographic system
/// within a metre of WGS84; `None` for any other.
pub(super) fn crs_of_wkt(wkt: &str) -> Option<Crs> {
    let wkt = wkt.to_uppercase();
    // WKT1 (ESRI, OGC) says `PROJECTION["Lambert_Conformal_Conic"]`, WKT2 (QGIS 3, PROJ 6 and later)
    // `METHOD["Lambert Conic Conformal (2SP)"]` and `ID["EPSG",2154]`.
    let conic = wkt.contains("LAMBERT_CONFORMAL_CONIC") || wkt.contains("LAMBERT CONIC CONFORMAL");
    let named = [
        "LAMBERT_93",
        "LAMBERT-93",
        "LAMBERT 93",
        "\"2154\"",
        "\"EPSG\",2154]",
    ]
    .iter()
    .any(|n| wkt.contains(n));
    // RGF93 and ETRS89 are within a metre of WGS84 in France.
    let geographic = !wkt.contains("PROJCS")
        && !wkt.contains("PROJCRS")
        && ["WGS", "RGF", "ETRS"]
            .iter()
            .any(|datum| wkt.contains(datum));
    if conic && named {
        Some(Crs::Lambert93)
    } else if let Some(utm) = utm_zone(&wkt) {
        Some(utm)
    } else if geographic {
        Some(Crs::Wgs84)
    } else {
        None
    }
}

/// The error for a system declared by `file` that diagterr does not project.
pub(super) fn unsupported_crs(file: &Path) -> Error {
    Error::new("système de coordonnées non pris en charge")
        .file(file)
        .hint("reprojetez la couche en WGS84 (EPSG:4326), en Lambert-93 (EPSG:2154) ou dans le système UTM officiel d'un DROM")
}

/// A UTM zone named by a WKT in capitals: by its EPSG code (the last of the WKT, the system's
/// own: `ID["EPSG",5490]` in WKT2, `AUTHORITY["EPSG","5490"]` in WKT1), else by its name
/// (`RGAF09_UTM_ZONE_20N`, `UTM ZONE 40S`).
fn utm_zone(wkt: &str) -> Option<Crs> {
    if let Some(at) = wkt.rfind("\"EPSG\"") {
        let code: String = wkt[at + 6..]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        if let Some(crs @ Crs::Utm { .. }) = code.parse().ok().and_then(Crs::from_epsg) {
            return Some(crs);
        }
    }
    let at = wkt.find("UTM_ZONE_").or_else(|| wkt.find("UTM ZONE "))? + 9;
    let digits: String = wkt[at..].chars().take_while(char::is_ascii_digit).collect();
    let zone: u8 = digits.parse().ok().filter(|z| (1..=60).contains(z))?;
    let south = match wkt[at + digits.len()..].chars().next()? {
        'N' => false,
        'S' => true,
        _ => return None,
    };
    Some(Crs::Utm { zone, south })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_utm_zones_of_the_drom_are_read_from_a_prj() {
        let utm = |zone, south| Some(Crs::Utm { zone, south });
        // As diagterr writes it (ESRI WKT1), by name.
        let written = Crs::Utm {
            zone: 20,
            south: false,
        }
        .wkt()
        .to_uppercase();
        assert_eq!(utm_zone(&written), utm(20, false));
        // WKT2 with the EPSG code of RGR92 / UTM 40S; WKT1 with its AUTHORITY.
        assert_eq!(
            utm_zone(
                r#"PROJCRS["RGR92 / UTM ZONE 40S",BASEGEOGCRS["RGR92",ID["EPSG",4627]],ID["EPSG",2975]]"#
            ),
            utm(40, true)
        );
        assert_eq!(
            utm_zone(
                r#"PROJCS["RGM04 / UTM ZONE 38S",GEOGCS["RGM04",AUTHORITY["EPSG","4470"]],AUTHORITY["EPSG","4471"]]"#
            ),
            utm(38, true)
        );
        assert_eq!(
            utm_zone("PROJCS[\"WEB MERCATOR\",AUTHORITY[\"EPSG\",\"3857\"]]"),
            None
        );
    }

    #[test]
    fn every_system_diagterr_writes_is_read_back() {
        for crs in [
            Crs::Wgs84,
            Crs::Lambert93,
            Crs::Utm {
                zone: 22,
                south: false,
            },
            Crs::Utm {
                zone: 40,
                south: true,
            },
        ] {
            assert_eq!(crs_of_wkt(&crs.wkt()), Some(crs));
        }
        assert_eq!(crs_of_wkt("PROJCS[\"WGS_84_Pseudo_Mercator\"]"), None);
    }
}

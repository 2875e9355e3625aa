//! The shapes a map of a selection draws: its communes read from the contours (moved to the
//! query's vintage when older), the EPCI or zones read or dissolved from them, the frames of
//! the DROM insets, the outline of the selection's départements where its EPCI reach beyond
//! them, and the communes the contours lack. The map is drawn in Lambert-93 for metropolitan
//! France, in its own UTM zone for a DROM, and with the DROM in insets for a selection that
//! holds both.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use geo::MultiPolygon;

use super::moves::Moves;
use super::{Level, Territory};
use crate::error::Result;
use crate::format::code_list;
use crate::geometry::{self, InsetFrame, Layer, MapCrs};
use crate::ingest::builtin;
use crate::notice::Notice;
use crate::territory::contours::move_contours;

/// A layer of shapes in a file: its path, its layer in a GeoPackage of several, and the
/// property that holds each shape's code.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerFile {
    pub path: PathBuf,
    pub layer: Option<String>,
    pub property: String,
}

impl LayerFile {
    /// The built-in communes of France, of the COG 2026.
    pub fn builtin_communes() -> LayerFile {
        LayerFile {
            path: PathBuf::from(builtin::CONTOURS),
            layer: None,
            property: "code".to_string(),
        }
    }

    fn read(&self) -> Result<Layer> {
        geometry::read_layer(
            &self.path,
            self.layer.as_deref(),
            &self.property,
            Some("nom"),
        )
    }
}

/// The contours a query's maps are drawn on: its communes, and its EPCI when given (dissolved
/// from the communes otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct MapContours {
    pub communes: LayerFile,
    pub epci: Option<LayerFile>,
}

/// What a map is of: the territory, the selection's départements, and how its shapes are had.
pub struct MapScope<'a> {
    pub territory: &'a Territory,
    pub departements: &'a [String],
    /// EPCI reduced to their communes in the selection (`epci_debordants = "communes"`), drawn
    /// from those communes.
    pub reduced_epci: bool,
    pub contours: &'a MapContours,
    /// The moves of the contours' communes to the query's vintage, when they are older.
    pub moves: Option<&'a Moves>,
}

/// The shapes a map of a level draws: its territories, the inset frames (national maps), and
/// the outline of the selection's départements where territories of the map reach beyond them.
pub struct LevelShapes {
    pub layer: Layer,
    pub frames: Vec<InsetFrame>,
    pub departements: Vec<MultiPolygon<f64>>,
    /// The legend's line naming the communes of the selection the contours lack (drawn blank).
    pub unshaped: Option<String>,
}

/// The shapes of a map, in its system.
pub struct MapShapes {
    pub communes: Layer,
    /// The EPCI, or the zones of a map by zone.
    pub epci: Option<Layer>,
    /// See [`LevelShapes::unshaped`].
    pub unshaped: Option<String>,
    pub frames: Vec<InsetFrame>,
    /// See [`departement_outlines`].
    pub departements: Vec<MultiPolygon<f64>>,
}

impl MapScope<'_> {
    /// The shapes of the territories of `level` (communes, or EPCI read or dissolved), in the
    /// map's system (see [`LevelShapes`]).
    pub fn level_shapes(&self, level: Level, notices: &mut Vec<Notice>) -> Result<LevelShapes> {
        let shapes = self.shapes(level, notices)?;
        let layer = match level {
            Level::Epci | Level::Zone => shapes
                .epci
                .expect("EPCI or zone shapes are read or dissolved"),
            _ => shapes.communes,
        };
        Ok(LevelShapes {
            layer,
            frames: shapes.frames,
            departements: shapes.departements,
            unshaped: shapes.unshaped,
        })
    }

    /// Whether the commune `code` belongs to a map of the selection: it is in one of its
    /// départements, or in an EPCI that has a commune in one of them (Beaune for the
    /// Saône-et-Loire).
    fn in_selection(&self, code: &str) -> bool {
        let (territory, deps) = (self.territory, self.departements);
        let listed = |d: &str| deps.iter().any(|x| x == d);
        match territory.communes.get(code) {
            Some(c) => {
                listed(&c.departement)
                    || c.epci.as_ref().is_some_and(|e| {
                        territory.epcis[e.as_str()]
                            .departements
                            .iter()
                            .any(|d| listed(d))
                    })
            }
            // A code of an older vintage: its département is its prefix.
            None => deps.iter().any(|d| code.starts_with(d.as_str())),
        }
    }

    /// Reads, projects and (if needed) dissolves the shapes of `level`.
    pub fn shapes(&self, level: Level, notices: &mut Vec<Notice>) -> Result<MapShapes> {
        let (territory, deps) = (self.territory, self.departements);
        let system = geometry::map_crs(deps);
        let mut communes = self.contours.communes.read()?;
        // Insets frame the DROM of the selection around its metropolitan extent (the communes of
        // other départements would add empty boxes and shrink the map), and the built-in contours
        // hold all of France: only the communes of the selection are kept.
        if system == MapCrs::Insets || self.contours.communes == LayerFile::builtin_communes() {
            communes.features.retain(|f| self.in_selection(&f.code));
        }
        let (mut communes, frames) = geometry::project_for_map(communes, system)?;
        if let Some(moves) = self.moves {
            communes = move_contours(communes, moves, notices);
        }
        // The groups of communes drawn: the zones of a map by zone, the EPCI otherwise. EPCI
        // reduced to their communes in the selection, like zones, are drawn from those communes
        // only.
        let group = match level {
            Level::Zone => Level::Zone,
            _ => Level::Epci,
        };
        let from_communes = level == Level::Zone || self.reduced_epci;
        let dissolved = |notices: &mut Vec<Notice>| {
            let group_of: HashMap<String, String> = territory
                .communes
                .values()
                .filter_map(|c| {
                    territory
                        .parent(&c.code, group)
                        .map(|e| (c.code.to_string(), e.to_string()))
                })
                .collect();
            let (layer, report) = geometry::dissolve(&communes, &group_of);
            // A zoning, or EPCI reduced to the selection, cover its départements at most: the
            // communes around them are in none.
            let unassigned = report
                .unassigned
                .iter()
                .filter(|code| {
                    !from_communes
                        || territory
                            .communes
                            .get(code.as_str())
                            .is_some_and(|c| c.in_departements(deps))
                })
                .count();
            if unassigned > 0 {
                notices.push(Notice::ContoursNotMerged {
                    count: unassigned,
                    group,
                });
            }
            layer
        };
        let departements = self.departement_outlines(level, &communes);
        let unshaped = self.unshaped(&communes, notices);
        let epci = match (&self.contours.epci, system) {
            // Zones, and EPCI reduced to their communes in the selection, are drawn from those
            // communes.
            _ if from_communes && level != Level::Commune => Some(dissolved(notices)),
            (Some(file), MapCrs::Single(crs)) => Some(geometry::to_crs(file.read()?, crs)?),
            // EPCI in insets come from their communes, whose codes say their département.
            (Some(_), MapCrs::Insets) => Some(dissolved(notices)),
            (None, _) if level != Level::Commune => Some(dissolved(notices)),
            (None, _) => None,
        };
        Ok(MapShapes {
            communes,
            epci,
            frames,
            departements,
            unshaped,
        })
    }

    /// The communes of the selection's départements that `communes` has no shape for (a commune
    /// recreated since the contours were drawn, whose land the file gives to the commune it
    /// left): never silent, they are said in the notes, and the legend's line this returns
    /// names them.
    fn unshaped(&self, communes: &Layer, notices: &mut Vec<Notice>) -> Option<String> {
        let drawn: HashSet<&str> = communes.features.iter().map(|f| f.code.as_str()).collect();
        let missing: Vec<String> = self
            .territory
            .communes
            .values()
            .filter(|c| c.in_departements(self.departements) && !drawn.contains(c.code.as_str()))
            .map(|c| format!("{} {}", c.code, c.name))
            .collect();
        if missing.is_empty() {
            return None;
        }
        let legend = format!("Sans contour propre : {}", code_list(&missing));
        notices.push(Notice::CommunesUnshaped { communes: missing });
        Some(legend)
    }

    /// The outline of the selection's départements, for a map of EPCI one of which reaches
    /// beyond them: the reader sees where the schéma's territory ends. None otherwise.
    fn departement_outlines(&self, level: Level, communes: &Layer) -> Vec<MultiPolygon<f64>> {
        let territory = self.territory;
        let listed = |d: &str| self.departements.iter().any(|l| l == d);
        let beyond = level == Level::Epci
            && territory.epcis.values().any(|e| {
                e.departements.iter().any(|d| listed(d))
                    && !e.departements.iter().all(|d| listed(d))
            });
        if !beyond {
            return Vec::new();
        }
        let departement_of: HashMap<String, String> = communes
            .features
            .iter()
            .filter_map(|f| {
                let c = territory.communes.get(&f.code)?;
                listed(&c.departement).then(|| (f.code.clone(), c.departement.to_string()))
            })
            .collect();
        let (layer, _) = geometry::dissolve(communes, &departement_of);
        layer.features.into_iter().map(|f| f.geometry).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    #[test]
    fn an_epci_across_departements_is_drawn_whole_or_reduced_and_the_departement_outlined() {
        let deps = ["71".to_string()];
        // Reduced to the selection, an EPCI has only its communes there (`epci_debordants = "communes"`).
        let (whole_epci, reduced_epci) =
            (Territory::cog_2026(), Territory::cog_2026().within(&deps));
        let contours = MapContours {
            communes: LayerFile::builtin_communes(),
            epci: None,
        };
        let beaune_area = |territory, reduced_epci| {
            let scope = MapScope {
                territory,
                departements: &deps,
                reduced_epci,
                contours: &contours,
                moves: None,
            };
            let shapes = scope.level_shapes(Level::Epci, &mut Vec::new()).unwrap();
            let beaune = shapes
                .layer
                .features
                .iter()
                .find(|f| f.code == "200006682")
                .expect("CA Beaune, Côte et Sud reaches into the Saône-et-Loire");
            // The selection's communes and the whole of the EPCI that reach beyond it are kept.
            assert_eq!(shapes.layer.features.len(), 20);
            (beaune.geometry.unsigned_area(), shapes.departements.len())
        };
        let (whole, outlined) = beaune_area(&whole_epci, false);
        let (reduced, _) = beaune_area(&reduced_epci, true);
        assert_eq!(outlined, 1, "the Saône-et-Loire is outlined");
        assert!(reduced > 0.0 && reduced < whole / 2.0, "{reduced} {whole}");
    }
}

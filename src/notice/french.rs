//! The notices said in French: the one place where the engine's typed notices become the
//! sentences of the console, the report and the Markdown notes.

use std::fmt;

use super::*;
use crate::format::{code_list, decimal, display};
use crate::indicators::coverage::TECHNICAL_CODE;
use crate::panier::report::kind_list;

fn rows(rows: &[CodeLine]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| format!("{} (ligne {})", r.code, r.line))
        .collect();
    code_list(&rows)
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::FormatsUnread { file } => write!(
                f,
                "{} : classeur .xls, dont le format des cellules n'est pas lu : une cellule au format pourcentage y vaut sa fraction stockée (0,702 pour 70,2 %) ; vérifiez les taux lus, ou enregistrez le classeur en .xlsx",
                file.display()
            ),
            Notice::UnknownCodes { file, rows: r } => write!(
                f,
                "{} : {} code(s) inconnus du COG ignorés : {}",
                file.display(),
                r.len(),
                rows(r)
            ),
            Notice::WithoutTerritory {
                file,
                level,
                rows: r,
            } => write!(
                f,
                "{} : {} commune(s) sans {} laissée(s) de côté : {}",
                file.display(),
                r.len(),
                level.noun(),
                rows(r)
            ),
            Notice::Moved(m) => write!(f, "{m}"),
            Notice::PartlyCovered {
                file,
                territories,
                accepted,
            } => {
                let listed: Vec<String> = territories
                    .iter()
                    .map(|t| {
                        format!(
                            "{} ({} commune(s) sur {} dans le fichier)",
                            t.code,
                            t.communes - t.absent,
                            t.communes
                        )
                    })
                    .collect();
                let what = match accepted {
                    true => {
                        "leurs valeurs sont les sommes de leurs seules communes présentes (sommes_partielles = true)"
                    }
                    false => {
                        "« partiel », sans valeur (« sommes_partielles = true » dans la source pour prendre la somme des communes présentes)"
                    }
                };
                write!(
                    f,
                    "{} : {} territoire(s) couvert(s) en partie, {what} : {}",
                    file.display(),
                    territories.len(),
                    code_list(&listed)
                )
            }
            Notice::RestoredZeros { file, restored } => {
                let (line, written, code) = &restored.first;
                write!(
                    f,
                    "{} : {} code(s) de la colonne « {} » écrit(s) sans leur zéro initial, complété(s) (ligne {line} : {written} → {code})",
                    file.display(),
                    restored.count,
                    restored.column
                )
            }
            Notice::Absent { role, codes } => write!(
                f,
                "{} territoire(s) absent(s) du fichier {role}, sans valeur : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::UnknownServiceKinds {
                file,
                kinds,
                declare_in,
            } => {
                let rows: usize = kinds.iter().map(|k| k.1.len()).sum();
                let listed: Vec<String> = kinds
                    .iter()
                    .map(|(name, lines)| {
                        let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                        format!("« {name} » (ligne(s) {})", code_list(&lines))
                    })
                    .collect();
                write!(
                    f,
                    "{} : {rows} ligne(s) d'un type de service inconnu, non comptées : {} ; \
                     corrigez le type ou déclarez-le dans {declare_in}",
                    file.display(),
                    listed.join(", ")
                )
            }
            Notice::RepeatedServices { file, pairs } => {
                let listed: Vec<String> = pairs
                    .iter()
                    .map(|(line, first)| format!("ligne {line} (= ligne {first})"))
                    .collect();
                write!(
                    f,
                    "{} : {} ligne(s) en double, comptée(s) une fois : {}",
                    file.display(),
                    pairs.len(),
                    code_list(&listed)
                )
            }
            Notice::ServicesMoved {
                file,
                vintage,
                rows,
            } => {
                let listed: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let split = match r.split {
                            true => " (commune partagée depuis, la plus peuplée)",
                            false => "",
                        };
                        format!("ligne {} : {} → {}{split}", r.line, r.from, r.to)
                    })
                    .collect();
                write!(
                    f,
                    "{} : {} service(s) d'une commune fusionnée ou recodée depuis l'année de la ligne, rattaché(s) à sa commune du COG {vintage} : {}",
                    file.display(),
                    rows.len(),
                    code_list(&listed)
                )
            }
            Notice::ServicesOfOtherYears { file, years } => {
                let rows: usize = years.iter().map(|y| y.1).sum();
                let listed: Vec<String> = years.iter().map(|(y, n)| format!("{y} : {n}")).collect();
                write!(
                    f,
                    "{} : {rows} service(s) d'autres années que celles de la requête, non comptés ({})",
                    file.display(),
                    listed.join(", ")
                )
            }
            Notice::ServicesOutside { file, rows } => write!(
                f,
                "{} : {} service(s) hors du territoire de la requête, non comptés : {}",
                file.display(),
                rows.len(),
                code_list(rows)
            ),
            Notice::Overlap {
                what,
                kept,
                set_aside,
                differences,
            } => {
                write!(
                    f,
                    "{what} sont dans {} et dans {} : celles de {} sont lues",
                    set_aside.display(),
                    kept.display(),
                    kept.display()
                )?;
                if differences.is_empty() {
                    return write!(f, ", les deux fichiers concordent");
                }
                let listed: Vec<String> = differences
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {} {} (et non {})",
                            d.code, d.column, d.kept, d.set_aside
                        )
                    })
                    .collect();
                write!(
                    f,
                    " ; {} valeur(s) diffèrent : {}",
                    differences.len(),
                    code_list(&listed)
                )
            }
            Notice::CommunesWithoutZone { codes } => write!(
                f,
                "{} commune(s) des départements de la requête hors de toute zone du zonage, dans aucune ligne : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::EpcisReduced { names } => write!(
                f,
                "{} EPCI débordent des départements de la requête : seules leurs communes de la sélection comptent (epci_debordants = \"communes\"), leur nom le dit : {}",
                names.len(),
                names.join(", ")
            ),
            Notice::EpcisWhole { codes } => write!(
                f,
                "{} EPCI débordent des départements de la requête et sont comptés entiers, toutes leurs communes (epci_debordants = \"entiers\", le défaut ; « majorite » ne garde que ceux dont la majorité de la population y vit) : {}",
                codes.len(),
                codes.join(", ")
            ),
            Notice::EpcisKept { count } => write!(
                f,
                "{count} EPCI débordent des départements de la requête et sont comptés entiers, la majorité de leur population y vivant (epci_debordants = \"majorite\")"
            ),
            Notice::EpcisLeft { epcis } => write!(
                f,
                "{} EPCI laissés aux départements où vit la majorité de leur population (part dans ceux de la requête) : {}",
                epcis.len(),
                epcis
                    .iter()
                    .map(|(code, share)| format!("{code} ({} %)", display(100.0 * share, 0)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Notice::EpcisAcross { epcis } => write!(
                f,
                "EPCI sur plusieurs départements, inclus en entier : {}",
                epcis
                    .iter()
                    .map(|(name, deps)| format!("{name} ({})", deps.join(", ")))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            ),
            Notice::TechnicalRow { file } => write!(
                f,
                "{} : ligne technique « {TECHNICAL_CODE} » (communes sans EPCI) reconnue et exclue",
                file.display()
            ),
            Notice::Incomplete { codes } => write!(
                f,
                "{} territoire(s) calculé(s) sans toutes leurs communes (absentes du fichier) : {}",
                codes.len(),
                codes.join(", ")
            ),
            Notice::CommunesWithoutParent { level, codes } => write!(
                f,
                "{} commune(s) sans {} exclue(s) de l'agrégation : {}",
                codes.len(),
                level.noun(),
                codes.join(", ")
            ),
            Notice::WithoutRate { codes } => write!(
                f,
                "{} territoire(s) sans taux (« donnée absente ») : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::SecretRate { codes } => write!(
                f,
                "{} territoire(s) au taux secret : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::IndicatorAbsent {
                indicator,
                absent,
                of,
            } => write!(
                f,
                "« {indicator} » : {absent} territoire(s) sur {of} sans donnée, laissé(s) hors de l'ensemble de la sélection"
            ),
            Notice::ZeroTotal { indicator } => write!(
                f,
                "« {indicator} » : le total de la sélection est nul, aucune part ne se calcule (donnée absente)"
            ),
            Notice::ReferenceRow { name, sources } => {
                let how = match sources.is_empty() {
                    true => "aucune source ne la donne".to_string(),
                    false => sources
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                write!(f, "ligne « {name} » : {how}")
            }
            Notice::FilteredOutUnknown {
                table,
                indicator,
                codes,
            } => write!(
                f,
                "tableau « {table} » : {} territoire(s) sans valeur connue de « {indicator} » (secrète, absente, ou approchée de part et d'autre d'une borne), hors du filtre : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::KeyFigure { name, sentence } => {
                write!(f, "chiffre clé « {name} » : {sentence}")
            }
            Notice::Axis(axis) => {
                let range = match (&axis.at_least, &axis.below) {
                    (Some(a), Some(b)) => format!("au moins {a} et sous {b}"),
                    (Some(a), None) => format!("au moins {a}"),
                    (None, Some(b)) => format!("sous {b}"),
                    (None, None) => String::new(),
                };
                write!(f, "axe « {} » : « {} » {range}", axis.label, axis.indicator)
            }
            Notice::Priorities { sentence } => write!(f, "priorités : {sentence}"),
            Notice::Unranked { cell, codes } => {
                let word = match cell {
                    Cell::Secret => "secrète",
                    _ => "manquante",
                };
                write!(
                    f,
                    "{} territoire(s) non classé(s), une valeur au moins étant {word} : {}",
                    codes.len(),
                    codes.join(", ")
                )
            }
            Notice::RankedOnBounds { codes } => write!(
                f,
                "{} territoire(s) classé(s) sur des valeurs approchées (secret borné), leur rang pouvant changer dans l'intervalle donné : {}",
                codes.len(),
                codes.join(", ")
            ),
            Notice::FlagTotalsUnknown { codes } => write!(
                f,
                "{} territoire(s) au total inconnu, un drapeau au moins portant sur une valeur secrète ou manquante : {}",
                codes.len(),
                codes.join(", ")
            ),
            Notice::FlagsUncertain { codes } => write!(
                f,
                "{} territoire(s) dont un drapeau est incertain, une valeur approchée (secret borné) étant de part et d'autre de son seuil ; leur nombre de drapeaux est un intervalle : {}",
                codes.len(),
                codes.join(", ")
            ),
            Notice::ConstantIndicator { column } => write!(
                f,
                "indicateur « {column} » égal pour tous les territoires : il ne les départage pas (valeur normalisée 0)"
            ),
            Notice::WeightsRescaled { sum } => write!(
                f,
                "les poids somment à {} et non à 1 : ils ont été divisés par leur somme",
                decimal(*sum, 4)
            ),
            Notice::Robustness { variants } => write!(
                f,
                "robustesse : la liste refaite sous {} variante(s) de sa méthode ({})",
                variants.len(),
                variants.join(" ; ")
            ),
            Notice::ValuesIgnored { count } => {
                write!(f, "{count} valeur(s) manquante(s) ou infinie(s) ignorée(s)")
            }
            Notice::NoValueToClass => write!(f, "aucune valeur à classer : une seule classe"),
            Notice::AllValuesEqual => {
                write!(f, "toutes les valeurs sont égales : une seule classe")
            }
            Notice::Q6SixClasses => write!(f, "la méthode Q6 fait toujours 6 classes"),
            Notice::FewDistinctValues { distinct, asked } => write!(
                f,
                "{distinct} valeurs distinctes seulement : {distinct} classes au lieu de {asked}"
            ),
            Notice::FewerClasses {
                asked,
                kept,
                merged,
                dropped,
            } => {
                let mut why = Vec::new();
                if *merged {
                    why.push("seuils égaux fusionnés".to_string());
                }
                if !dropped.is_empty() {
                    let listed: Vec<String> = dropped
                        .iter()
                        .map(|t| match &t.name {
                            Some(name) => format!("{} ({name})", display(t.value, 2)),
                            None => display(t.value, 2),
                        })
                        .collect();
                    why.push(format!(
                        "seuil(s) {} laissant une classe vide, retiré(s)",
                        listed.join(", ")
                    ));
                }
                write!(f, "{kept} classes au lieu de {asked} : {}", why.join(" ; "))
            }
            Notice::MeanSdClasses {
                central,
                classes,
                asked,
            } => {
                let (with, parity) = match central {
                    true => ("avec", "impair"),
                    false => ("sans", "pair"),
                };
                write!(
                    f,
                    "moyenne et écart-type {with} classe centrale : nombre de classes {parity}, {classes} au lieu de {asked}"
                )
            }
            Notice::PooledClasses {
                departements,
                left_out,
            } => {
                let without = match left_out.as_slice() {
                    [] => String::new(),
                    codes => format!(" (sans {}, en erreur)", code_list(codes)),
                };
                write!(
                    f,
                    "classes calculées sur les valeurs des {departements} départements du diagnostic à la fois{without} : les couleurs se comparent d'une carte à l'autre"
                )
            }
            Notice::WithoutShape { codes } => write!(
                f,
                "{} territoire(s) sans contour, absents de la carte : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::ContoursNotMerged { count, group } => write!(
                f,
                "{count} contour(s) de commune sans {} non fusionnés",
                group.noun()
            ),
            Notice::CommunesUnshaped { communes } => write!(
                f,
                "{} commune(s) de la sélection sans contour propre dans le fichier des contours (recréée(s) depuis, ou absente(s)) : leur territoire reste dessiné avec la commune qui le tient dans le fichier, ou en blanc : {}",
                communes.len(),
                code_list(communes)
            ),
            Notice::ContoursMoved(m) => write!(f, "contours {m}"),
            Notice::ContoursUnassigned { from, codes } => write!(
                f,
                "{} contour(s) {from} partagé(s) ou inconnu(s) depuis, non dessinés : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::ServicesOutsidePanier { kinds } => write!(
                f,
                "services hors du panier, comptés dans les effectifs sans jouer sur la complétude : {}",
                kind_list(kinds)
            ),
        }
    }
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (COG {} → {}) : ",
            self.file.display(),
            self.from,
            self.to
        )?;
        if self.detail.is_empty() {
            return write!(f, "aucun code n'a changé");
        }
        write!(
            f,
            "{} code(s) changé(s) ou fusionné(s), {} partagé(s) selon la {}, {} inconnu(s) : {}",
            self.changed,
            self.split,
            self.shares_from,
            self.unknown,
            code_list(&self.detail)
        )
    }
}

impl fmt::Display for ReferenceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceSource::Published { source, word } => {
                write!(f, "« {source} » publiée (ligne {word})")
            }
            ReferenceSource::NoRow { source, word } => {
                write!(f, "« {source} » : pas de ligne {word} dans le fichier")
            }
            ReferenceSource::InventoryOutside { source } => write!(
                f,
                "« {source} » : l'inventaire ne vaut que pour les départements de la requête, sans valeur"
            ),
            ReferenceSource::CountedOnInventory { source } => {
                write!(f, "« {source} » comptée sur l'inventaire")
            }
            ReferenceSource::SummedOnCommunes { source } => {
                write!(f, "« {source} » calculée sur ses communes")
            }
            ReferenceSource::CommunesLacking {
                source,
                lacking,
                departements,
            } => write!(
                f,
                "« {source} » ne couvre pas toutes ses communes ({lacking} département(s) sur {departements} en partie ou pas du tout), sans valeur"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xls_read_without_its_cell_formats_is_said() {
        let n = Notice::FormatsUnread {
            file: "taux.xls".into(),
        };
        let text = n.to_string();
        assert!(text.starts_with("taux.xls : classeur .xls"), "{text}");
        assert!(
            text.contains("0,702 pour 70,2 %") && text.contains("enregistrez le classeur en .xlsx"),
            "{text}"
        );
    }
}

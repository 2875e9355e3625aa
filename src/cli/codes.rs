//! `diagterr codes FICHIER --millesime 2016 [--colonne CODGEO] [--iris] [--sortie rapport.csv]`
//!
//! Before a yearly run: what becomes of every commune code of a file in the COG of the
//! query (2026 by default), from the INSEE movements table: kept, merged or recoded,
//! shared, unknown. Prints the counts, writes the whole list as a French CSV.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use diagterr::Result;
use diagterr::export::write_atomic;
use diagterr::ingest::{self, CodeKind, ColumnKind, ColumnSpec, TableSpec};
use diagterr::territory::Territory;
use diagterr::territory::moves::Movements;

#[derive(clap::Args)]
pub struct Args {
    /// Fichier de données (CSV ou xlsx) dont les codes sont à vérifier.
    pub fichier: PathBuf,
    /// Millésime du COG des codes du fichier.
    #[arg(long)]
    pub millesime: u16,
    /// Colonne des codes.
    #[arg(long, default_value = "CODGEO")]
    pub colonne: String,
    /// Codes IRIS (la commune est ses cinq premiers caractères).
    #[arg(long)]
    pub iris: bool,
    /// Le COG du millésime d'arrivée.
    #[command(flatten)]
    pub cog: super::CogFiles,
    /// Millésime d'arrivée.
    #[arg(long, default_value_t = 2026)]
    pub vers: u16,
    /// Rapport CSV de tous les codes qui changent.
    #[arg(long, short)]
    pub sortie: Option<PathBuf>,
}

pub fn run(args: &Args) -> bool {
    match report(args) {
        Ok(()) => true,
        Err(e) => {
            super::print_error(&args.fichier, &e);
            false
        }
    }
}

fn report(args: &Args) -> Result<()> {
    let table = ingest::read_table(
        &args.fichier,
        &TableSpec {
            columns: vec![ColumnSpec::required(
                &args.colonne,
                ColumnKind::Code(CodeKind::Free),
            )],
            ..TableSpec::default()
        },
    )?;
    let codes: BTreeSet<String> = table
        .df
        .column(&args.colonne)?
        .str()?
        .iter()
        .flatten()
        .map(|c| {
            if args.iris {
                c.get(..5).unwrap_or(c)
            } else {
                c
            }
            .to_string()
        })
        .collect();
    let target = Territory::load(&args.cog.communes, &args.cog.departements)?;
    let moves =
        Movements::load(&args.cog.mouvements)?.between(args.millesime, args.vers, &target)?;
    let out = moves.report(codes.iter().map(String::as_str));
    let count = |what: &str| {
        (0..out.height())
            .filter(|&r| out.cell(r, 1) == what)
            .count()
    };
    println!(
        "{} : {} code(s) commune, COG {} → {} : {} inchangé(s), {} changé(s) ou fusionné(s), {} partagé(s) ({}), {} inconnu(s)",
        args.fichier.display(),
        codes.len(),
        args.millesime,
        args.vers,
        codes.len() - out.height(),
        count("changé ou fusionné"),
        count("partagé"),
        moves.shares_from,
        count("inconnu"),
    );
    for r in (0..out.height()).filter(|&r| out.cell(r, 1) == "inconnu") {
        println!("  inconnu : {} ({})", out.cell(r, 0), out.cell(r, 2));
    }
    if let Some(path) = &args.sortie {
        write_atomic(path, &out.to_csv())?;
        println!("  écrit : {}", Path::new(path).display());
    }
    Ok(())
}

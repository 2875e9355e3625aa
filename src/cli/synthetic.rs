//! `diagterr synthetique [--graine N] [--annees 5] --sortie DOSSIER`
//!
//! Writes the SYNTHETIC national dataset (every commune of the COG, five years) and the
//! queries of its recomputation, for benchmarks and trials.

use std::path::PathBuf;

use diagterr::synthetic::{Spec, generate};
use diagterr::territory::Territory;
use diagterr::territory::moves::Movements;

#[derive(clap::Args)]
pub struct Args {
    /// Dossier où écrire les fichiers et les requêtes (requetes/).
    #[arg(long, short)]
    pub sortie: PathBuf,
    /// Graine du tirage : la même graine donne les mêmes fichiers.
    #[arg(long, default_value_t = 2026)]
    pub graine: u64,
    /// Nombre d'années, jusqu'au millésime du COG.
    #[arg(long, default_value_t = 5)]
    pub annees: usize,
    #[command(flatten)]
    pub cog: super::CogFiles,
    /// Millésime du COG.
    #[arg(long, default_value_t = 2026)]
    pub millesime: u16,
}

pub fn run(args: &Args) -> bool {
    let cog = &args.cog;
    let result = Territory::load(&cog.communes, &cog.departements).and_then(|territory| {
        let movements = Movements::load(&cog.mouvements)?;
        generate(
            &Spec {
                territory: &territory,
                vintage: args.millesime,
                movements: &movements,
                communes: &cog.communes,
                departements: &cog.departements,
                movements_path: &cog.mouvements,
                seed: args.graine,
                years: args.annees.clamp(1, 20),
            },
            &args.sortie,
        )
    });
    match result {
        Ok(files) => {
            println!(
                "{} fichier(s) de données SYNTHÉTIQUES et requêtes écrits dans {}",
                files.len(),
                args.sortie.display()
            );
            true
        }
        Err(e) => {
            super::print_error(&args.sortie, &e);
            false
        }
    }
}

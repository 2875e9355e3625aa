//! A table by commune of an older COG vintage brought to the communes of the query's
//! vintage, with the cell arithmetic of [`Cell`]: merged communes summed, a split commune
//! shared by population.

use super::Cell;
use super::cell::cells;
use super::coverage::CommuneCells;
use crate::error::Result;
use crate::ingest::Table;
use crate::notice::Notice;
use crate::territory::moves::Moves;
use crate::territory::str_col;

/// The `columns` of a table by commune of an older vintage on the communes of the query's: the
/// rows of merged communes summed, a split commune's counts shared, unknown codes left out (all
/// said in a notice), in the order of the communes' codes.
pub fn move_cells(
    table: &Table,
    code_column: &str,
    columns: &[&str],
    moves: &Moves,
    notices: &mut Vec<Notice>,
) -> Result<CommuneCells> {
    let df = &table.df;
    let codes = str_col(df, code_column)?;
    let values: Vec<Vec<Cell>> = columns
        .iter()
        .map(|c| cells(df, c))
        .collect::<Result<_>>()?;
    // Per commune of the target vintage (by rank, so in code order), its sums.
    const NONE: u32 = u32::MAX;
    let width = columns.len();
    let mut slot = vec![NONE; moves.target_len()];
    let mut reached = 0;
    let mut sums: Vec<Cell> = Vec::with_capacity(df.height() * width);
    let mut not_kept = Vec::new();
    for (r, code) in codes.iter().enumerate() {
        let stays = moves.each_share(code.unwrap_or(""), |rank, share| {
            if slot[rank] == NONE {
                slot[rank] = reached;
                reached += 1;
                sums.extend(std::iter::repeat_n(Cell::Value(0.0), width));
            }
            let i = slot[rank] as usize;
            for (sum, column) in sums[i * width..(i + 1) * width].iter_mut().zip(&values) {
                *sum = *sum + column[r].scaled(share);
            }
        });
        // A row without code is no commune: the notice names codes.
        if let (false, Some(code)) = (stays, code) {
            not_kept.push(code);
        }
    }
    notices.push(Notice::Moved(moves.notice(&table.source, not_kept)));
    let (ranks, order): (Vec<usize>, Vec<usize>) = (slot.iter().enumerate())
        .filter(|(_, i)| **i != NONE)
        .map(|(rank, &i)| (rank, i as usize))
        .unzip();
    Ok(CommuneCells {
        ranks,
        columns: (0..width)
            .map(|k| order.iter().map(|&i| sums[i * width + k]).collect())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::frame::push_cells;
    use crate::ingest::LINE_COLUMN;
    use crate::territory::Territory;
    use crate::territory::moves::Movements;
    use Cell::{Secret, Value};
    use polars::prelude::{Column, DataFrame};
    use std::path::Path;

    #[test]
    fn merged_communes_are_summed_and_a_secret_part_makes_the_sum_secret() {
        let cog = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cog");
        let territory = Territory::load(
            &cog.join("communes-epci-population-2026.csv"),
            &cog.join("departements.csv"),
        )
        .unwrap();
        let moves = Movements::load(&cog.join("mouvements-communes.csv"))
            .unwrap()
            .between(2018, 2026, &territory)
            .unwrap();
        // Dallet (63133) and Mezel (63226) became Mur-sur-Allier (63226) in 2019.
        let mut df = DataFrame::new(
            3,
            vec![
                Column::new("code".into(), ["63226", "63113", "63133"]),
                Column::new(LINE_COLUMN.into(), [2u32, 3, 4]),
            ],
        )
        .unwrap();
        push_cells(&mut df, "n", &[Value(5.0), Value(7.0), Value(10.0)]).unwrap();
        push_cells(&mut df, "s", &[Value(1.0), Value(2.0), Secret]).unwrap();
        let table = Table {
            source: "f.csv".into(),
            df,
            restored: Vec::new(),
            formats_unread: false,
        };
        let mut notices = Vec::new();
        let moved = move_cells(&table, "code", &["n", "s"], &moves, &mut notices).unwrap();
        let codes: Vec<&str> = moved
            .ranks
            .iter()
            .map(|&r| territory.communes.value_at(r).code.as_str())
            .collect();
        assert_eq!(codes, ["63113", "63226"]);
        assert_eq!(moved.columns[0], [Value(7.0), Value(15.0)]);
        assert_eq!(moved.columns[1], [Value(2.0), Secret]);
        let Notice::Moved(m) = &notices[0] else {
            panic!("{notices:?}")
        };
        assert_eq!((m.changed, m.split, m.unknown), (1, 0, 0));
        assert_eq!(m.detail, ["63133 → 63226"]);
    }
}

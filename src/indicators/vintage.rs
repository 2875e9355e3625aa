//! A table by commune of an older COG vintage brought to the communes of the query's
//! vintage, with the cell arithmetic of [`Cell`]: merged communes summed, a split commune
//! shared by population.

use polars::prelude::{Column, DataFrame};

use super::Cell;
use super::cell::cells;
use super::frame::push_cells;
use crate::error::Result;
use crate::ingest::{LINE_COLUMN, Table};
use crate::notice::Notice;
use crate::territory::moves::Moves;
use crate::territory::str_col;

/// A table by commune of an older vintage on the communes of the query's: the rows of
/// merged communes summed, a split commune's counts shared, unknown codes left out (all
/// said in a notice). Each row keeps the first line of the file it comes from, sorted by code.
pub fn move_table(
    table: &Table,
    code_column: &str,
    columns: &[&str],
    moves: &Moves,
    notices: &mut Vec<Notice>,
) -> Result<Table> {
    let df = &table.df;
    let codes = str_col(df, code_column)?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    let values: Vec<Vec<Cell>> = columns
        .iter()
        .map(|c| cells(df, c))
        .collect::<Result<_>>()?;
    // Per commune of the target vintage (by rank, so in code order), its first line and sums.
    const NONE: u32 = u32::MAX;
    let width = columns.len();
    let mut slot = vec![NONE; moves.target_len()];
    let mut first_lines: Vec<u32> = Vec::with_capacity(df.height());
    let mut sums: Vec<Cell> = Vec::with_capacity(df.height() * width);
    let mut not_kept = Vec::new();
    for (r, (code, line)) in codes.iter().zip(lines.iter()).enumerate() {
        let line = line.unwrap_or(0);
        let stays = moves.each_share(code.unwrap_or(""), |rank, share| {
            if slot[rank] == NONE {
                slot[rank] = first_lines.len() as u32;
                first_lines.push(line);
                sums.extend(std::iter::repeat_n(Cell::Value(0.0), width));
            }
            let i = slot[rank] as usize;
            first_lines[i] = first_lines[i].min(line);
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
    let (mut moved_codes, mut order) = (Vec::new(), Vec::new());
    for (code, &i) in moves.target_codes().zip(&slot) {
        if i != NONE {
            moved_codes.push(code);
            order.push(i as usize);
        }
    }
    let mut out = DataFrame::new(
        order.len(),
        vec![Column::new(code_column.into(), moved_codes)],
    )?;
    for (k, name) in columns.iter().enumerate() {
        let column: Vec<Cell> = order.iter().map(|&i| sums[i * width + k]).collect();
        push_cells(&mut out, name, &column)?;
    }
    let first_lines: Vec<u32> = order.iter().map(|&i| first_lines[i]).collect();
    out.with_column(Column::new(LINE_COLUMN.into(), first_lines))?;
    Ok(Table {
        source: table.source.clone(),
        df: out,
        restored: table.restored.clone(),
        formats_unread: table.formats_unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::Territory;
    use crate::territory::moves::Movements;
    use Cell::{Secret, Value};
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
        let moved = move_table(&table, "code", &["n", "s"], &moves, &mut notices).unwrap();
        let codes: Vec<Option<&str>> = str_col(&moved.df, "code").unwrap().iter().collect();
        assert_eq!(codes, [Some("63113"), Some("63226")]);
        assert_eq!(cells(&moved.df, "n").unwrap(), [Value(7.0), Value(15.0)]);
        assert_eq!(cells(&moved.df, "s").unwrap(), [Value(2.0), Secret]);
        // Each commune keeps the first line it comes from.
        let lines: Vec<u32> = moved
            .df
            .column(LINE_COLUMN)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(lines, [3, 2]);
        let Notice::Moved(m) = &notices[0] else {
            panic!("{notices:?}")
        };
        assert_eq!((m.changed, m.split, m.unknown), (1, 0, 0));
        assert_eq!(m.detail, ["63133 → 63226"]);
    }
}

//! Rejoining tables that scraping flattened to one cell per line back into readable rows.

/// A table found in a run of short lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The line before the cells, when it is not part of the grid (the table's caption).
    pub heading: Option<String>,
    /// One row per line, cells separated by [`CELL_SEPARATOR`], the header row first.
    pub rows: String,
    /// The line after the cells, when it is not part of the grid (the next heading).
    pub trailing: Option<String>,
}

/// What separates the cells of a row.
pub const CELL_SEPARATOR: &str = " | ";

const MIN_ROWS: usize = 3;
const MAX_COLUMNS: usize = 6;

/// Finds the column layout under which a run of cells reads as a table: every column's data
/// cells agree on whether they are figures, and at least one column is figures while another
/// is not. Layouts that use more of the run win, then fewer columns.
pub fn detect(run: &[String]) -> Option<Table> {
    let mut best: Option<(usize, usize, usize, usize)> = None; // (unused, columns, start, end)
    for start in 0..=1 {
        for trailing in 0..=1 {
            let Some(end) = run.len().checked_sub(trailing) else {
                continue;
            };
            if end <= start {
                continue;
            }
            for columns in 2..=MAX_COLUMNS {
                let cells = &run[start..end];
                if cells.len().is_multiple_of(columns)
                    && cells.len() / columns >= MIN_ROWS
                    && is_consistent(cells, columns)
                {
                    let candidate = (start + trailing, columns, start, end);
                    if best.is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1)) {
                        best = Some(candidate);
                    }
                }
            }
        }
    }
    let (_, columns, start, end) = best?;
    let rows: Vec<String> = run[start..end]
        .chunks(columns)
        .map(|row| row.join(CELL_SEPARATOR))
        .collect();
    Some(Table {
        heading: (start == 1).then(|| run[0].clone()),
        rows: rows.join("\n"),
        trailing: (end < run.len()).then(|| run[end].clone()),
    })
}

fn is_consistent(cells: &[String], columns: usize) -> bool {
    let data: Vec<&[String]> = cells.chunks(columns).skip(1).collect();
    let mut figure_columns = 0;
    for column in 0..columns {
        let figures = data.iter().filter(|row| is_figure(&row[column])).count();
        if figures == data.len() {
            figure_columns += 1;
        } else if figures != 0 {
            return false;
        }
    }
    figure_columns > 0 && figure_columns < columns
}

/// A cell that states a figure: "+7.2% to 4-yr high", "$16.3M invested", "-3%".
fn is_figure(cell: &str) -> bool {
    let mut chars = cell
        .trim()
        .chars()
        .skip_while(|c| "+-−–$€£¥~≈".contains(*c));
    chars.next().is_some_and(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn key_market_moves_table_is_rejoined_into_rows() {
        let run = lines(
            "Key Market Moves\nAsset\nMove\nDriver\nAlibaba (HK)\n+7.2% to 4-yr high\nAI boost\n\
             SMIC\n+7.8%\nChip demand\nARK Invest\n$16.3M invested\nFirst since 2021\nInvestor Outlook",
        );
        let table = detect(&run).unwrap();
        assert_eq!(table.heading.as_deref(), Some("Key Market Moves"));
        assert_eq!(table.trailing.as_deref(), Some("Investor Outlook"));
        assert_eq!(
            table.rows,
            "Asset | Move | Driver\nAlibaba (HK) | +7.2% to 4-yr high | AI boost\n\
             SMIC | +7.8% | Chip demand\nARK Invest | $16.3M invested | First since 2021"
        );
    }

    #[test]
    fn tag_lists_without_figures_are_not_tables() {
        let run = lines("Greater China\nAlibaba\nCloud Computing\nAI\nChips\nTech\nNews Summary");
        assert_eq!(detect(&run), None);
    }

    #[test]
    fn too_short_runs_are_not_tables() {
        assert_eq!(detect(&lines("A\n1%\nB\n2%")), None);
    }
}

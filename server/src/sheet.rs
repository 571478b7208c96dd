//! Reading the spreadsheets street offices keep: Excel workbooks (XLSX, and
//! the older XLS and ODS, through `calamine`) and CSV in UTF-8 or GBK (as
//! Excel saves "CSV" on Chinese Windows, through `csv` and `encoding_rs`).
//! The first sheet is read; row 1 is the header.

use api_types::Lang;
use api_types::imports::{IMPORT_MAX_ROWS, ImportProblem, RowError};
use calamine::{Data, DataRef, Reader, Xlsx};
use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

/// A cell as read, with what the importer must know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// A value as text (numbers without a trailing `.0`), trimmed.
    Value(String),
    /// A formula where a value belongs.
    Formula,
}

/// A data row: its number as Excel shows it (the header is 1) and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number.
    pub number: u32,
    /// The cells, in the header's order.
    pub cells: Vec<Cell>,
}

/// A sheet: the header's cells and the data rows, blank rows left out.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Row 1, trimmed.
    pub header: Vec<String>,
    /// Rows 2 onwards that hold anything.
    pub rows: Vec<Row>,
}

/// Reads `bytes` as a workbook if it is one, else as CSV text; the error
/// says why the file as a whole cannot be read (row 0).
pub fn read(bytes: &[u8], lang: Lang) -> Result<Sheet, RowError> {
    let unreadable = || RowError::new(lang, 0, None, ImportProblem::Unreadable, "");
    let too_many = || {
        let most = IMPORT_MAX_ROWS.to_string();
        RowError::new(lang, 0, None, ImportProblem::TooManyRows, &most)
    };
    let grid = if is_workbook(bytes) {
        match read_workbook(bytes).ok_or_else(unreadable)? {
            Workbook::Rows(rows) => rows,
            Workbook::TooManyRows => return Err(too_many()),
        }
    } else {
        read_csv(bytes).ok_or_else(unreadable)?
    };
    let mut rows = grid.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(RowError::new(lang, 0, None, ImportProblem::Empty, ""));
    };
    let header = header
        .into_iter()
        .map(|cell| match cell {
            Cell::Value(text) => text,
            Cell::Formula => String::new(),
        })
        .collect();
    let rows: Vec<Row> = rows
        .filter(|(_, cells)| cells.iter().any(|c| *c != Cell::Value(String::new())))
        .map(|(number, cells)| Row { number, cells })
        .collect();
    if rows.is_empty() {
        return Err(RowError::new(lang, 0, None, ImportProblem::Empty, ""));
    }
    if rows.len() > IMPORT_MAX_ROWS {
        return Err(too_many());
    }
    Ok(Sheet { header, rows })
}

/// Zip (XLSX, ODS) or OLE (XLS) magic numbers.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The most columns read from a workbook; cells further right are ignored
/// (a ledger has nine, a roster five).
const MAX_COLUMNS: u32 = 64;

/// A workbook's rows, or why it cannot be used.
enum Workbook {
    /// The first sheet's rows, numbered as Excel numbers them.
    Rows(Vec<(u32, Vec<Cell>)>),
    /// A cell below [`IMPORT_MAX_ROWS`] rows.
    TooManyRows,
}

/// Reads the first sheet of an XLSX workbook cell by cell, formulas with
/// their values, stopping at the row limit: a sheet is never laid out
/// whole, so a file naming one far-off cell costs nothing. Older formats
/// (XLS, ODS) go through calamine's whole-sheet reader. `None` when the
/// workbook cannot be opened.
fn read_workbook(bytes: &[u8]) -> Option<Workbook> {
    let cursor = Cursor::new(bytes.to_vec());
    let Ok(mut book) = calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()) else {
        return read_other_workbook(cursor);
    };
    let name = book.sheet_names().first()?.clone();
    let mut reader = book.worksheet_cells_reader(&name).ok()?;
    let limit = u32::try_from(IMPORT_MAX_ROWS).unwrap_or(u32::MAX);
    let mut rows: BTreeMap<u32, Vec<Cell>> = BTreeMap::new();
    while let Some(cell) = reader.next_cell_with_formula().ok()? {
        let (row, col) = cell.pos;
        if row > limit {
            return Some(Workbook::TooManyRows);
        }
        if col >= MAX_COLUMNS {
            continue;
        }
        let formula = cell.formula.is_some_and(|f| !f.trim().is_empty());
        let value = if formula || matches!(cell.value, DataRef::Error(_)) {
            Cell::Formula
        } else {
            Cell::Value(text_of(&Data::from(cell.value)))
        };
        let line = rows.entry(row).or_default();
        let col = col as usize;
        if line.len() <= col {
            line.resize(col + 1, Cell::Value(String::new()));
        }
        line[col] = value;
    }
    Some(Workbook::Rows(
        rows.into_iter()
            .map(|(row, cells)| (row + 1, cells))
            .collect(),
    ))
}

/// XLS and ODS workbooks, through calamine's whole-sheet reader.
fn read_other_workbook(cursor: Cursor<Vec<u8>>) -> Option<Workbook> {
    let mut book = calamine::open_workbook_auto_from_rs(cursor).ok()?;
    let name = book.sheet_names().first()?.clone();
    let values = book.worksheet_range(&name).ok()?;
    // Without the formulas, a formula's cached value would pass as typed.
    let formulas: HashSet<(u32, u32)> = {
        let range = book.worksheet_formula(&name).ok()?;
        let (top, left) = range.start().unwrap_or((0, 0));
        range
            .cells()
            .filter(|(_, _, f)| !f.trim().is_empty())
            .filter_map(|(r, c, _)| {
                Some((top + u32::try_from(r).ok()?, left + u32::try_from(c).ok()?))
            })
            .collect()
    };
    let Some((top, left)) = values.start() else {
        return Some(Workbook::Rows(Vec::new()));
    };
    if values.height() > IMPORT_MAX_ROWS {
        return Some(Workbook::TooManyRows);
    }
    let rows =
        values
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let row = top + u32::try_from(i).unwrap_or(u32::MAX - top);
                let mut line = vec![Cell::Value(String::new()); left.min(MAX_COLUMNS) as usize];
                line.extend(cells.iter().enumerate().take(MAX_COLUMNS as usize).map(
                    |(j, data)| {
                        let col = left + u32::try_from(j).unwrap_or(0);
                        if formulas.contains(&(row, col)) || matches!(data, Data::Error(_)) {
                            Cell::Formula
                        } else {
                            Cell::Value(text_of(data))
                        }
                    },
                ));
                (row + 1, line)
            })
            .collect();
    Some(Workbook::Rows(rows))
}

/// A cell's value as the office typed it: `6` not `6.0`, phone numbers
/// stored as numbers in full.
fn text_of(data: &Data) -> String {
    match data {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string().trim().to_owned(),
    }
}

/// CSV rows: UTF-8 (with or without Excel's byte-order mark), else GBK
/// (GB 18030, its superset); `None` when it is neither.
fn read_csv(bytes: &[u8]) -> Option<Vec<(u32, Vec<Cell>)>> {
    let text = decode(bytes)?;
    if text.contains('\0') {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let (mut counted, mut lines) = (0, 0);
    for record in reader.records() {
        let record = record.ok()?;
        if rows.len() > IMPORT_MAX_ROWS {
            break;
        }
        // The line the record starts on, counted from its byte offset: the
        // reader's offset and line count include the line ends before it
        // (off by one after `\r\n` and after blank lines).
        let bytes = text.as_bytes();
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(bytes.len());
        while bytes.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        lines += bytes[counted..start.max(counted)]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = start.max(counted);
        let number = u32::try_from(lines + 1).unwrap_or(u32::MAX);
        let cells = record.iter().map(csv_cell).collect();
        rows.push((number, cells));
    }
    Some(rows)
}

fn decode(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// A CSV cell; one that Excel would run as a formula (`=`, `@`, or `+`/`-`
/// before something that is not a number) is refused, not stored.
fn csv_cell(raw: &str) -> Cell {
    let text = raw.trim();
    let mut chars = text.chars();
    let formula = match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => chars.next().is_some_and(|c| !c.is_ascii_digit()),
        _ => false,
    };
    if formula {
        Cell::Formula
    } else {
        Cell::Value(text.to_owned())
    }
}

/// A column an import reads: its key, the header names it goes by (Chinese
/// and English), and whether the file must have it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The name errors give when the column is missing.
    pub name: &'static str,
    /// Header texts that mean this column (compared without spaces, case
    /// ignored).
    pub aliases: &'static [&'static str],
    /// Whether the header must have it.
    pub required: bool,
}

/// The building column, as both the places ledger and a roster name it.
pub const BUILDING_COLUMN: Column = Column {
    name: "楼栋",
    aliases: &["楼栋", "building", "楼号", "楼栋名称"],
    required: true,
};

/// Where each of `columns` sits in `header` (`None`: absent), or every
/// missing required and repeated column as errors of row 1.
pub fn locate(
    header: &[String],
    columns: &[Column],
    lang: Lang,
) -> Result<Vec<Option<usize>>, Vec<RowError>> {
    let normal = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '*')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let header: Vec<String> = header.iter().map(|h| normal(h)).collect();
    let mut errors = Vec::new();
    let mut found = Vec::new();
    for column in columns {
        let at: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| column.aliases.iter().any(|a| normal(a) == **h))
            .map(|(i, _)| i)
            .collect();
        match at.as_slice() {
            [] if column.required => errors.push(RowError::new(
                lang,
                1,
                None,
                ImportProblem::MissingColumn,
                &column.aliases.join(" / "),
            )),
            [] => found.push(None),
            [one] => found.push(Some(*one)),
            [_, ..] => errors.push(RowError::new(
                lang,
                1,
                None,
                ImportProblem::RepeatedColumn,
                column.name,
            )),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// The cells of one row, with the header's own words for its columns.
pub struct RowCells<'a> {
    /// The row.
    pub row: &'a Row,
    /// Where each column sits (from [`locate`]).
    pub at: &'a [Option<usize>],
    /// The header as written.
    pub header: &'a [String],
    /// The import's columns.
    pub columns: &'a [Column],
    /// The language of the messages.
    pub lang: Lang,
    /// Where the row's errors go.
    pub errors: &'a mut Vec<RowError>,
}

impl RowCells<'_> {
    /// The column's header as the file writes it.
    pub fn header_of(&self, column: usize) -> String {
        self.at[column]
            .and_then(|i| self.header.get(i).cloned())
            .unwrap_or_else(|| self.columns[column].name.to_owned())
    }

    /// Records `problem` in `column` of this row.
    pub fn fail(&mut self, column: usize, problem: ImportProblem, detail: &str) {
        let name = self.header_of(column);
        self.errors.push(RowError::new(
            self.lang,
            self.row.number,
            Some(&name),
            problem,
            detail,
        ));
    }

    /// The cell's text: `None` when the column is absent or the cell blank;
    /// a formula is an error.
    pub fn text(&mut self, column: usize) -> Option<String> {
        let i = self.at[column]?;
        match self.row.cells.get(i) {
            Some(Cell::Value(text)) if !text.is_empty() => Some(text.clone()),
            Some(Cell::Formula) => {
                self.fail(column, ImportProblem::Formula, "");
                None
            }
            _ => None,
        }
    }

    /// The cell's text, required and at most `max` characters.
    pub fn name(&mut self, column: usize, max: usize) -> Option<String> {
        let Some(text) = self.text(column) else {
            if !self.is_formula(column) {
                self.fail(column, ImportProblem::Required, "");
            }
            return None;
        };
        if text.chars().count() > max {
            self.fail(column, ImportProblem::TooLong, &max.to_string());
            return None;
        }
        Some(text)
    }

    /// Whether the cell holds a formula.
    pub fn is_formula(&self, column: usize) -> bool {
        self.at[column]
            .and_then(|i| self.row.cells.get(i))
            .is_some_and(|c| *c == Cell::Formula)
    }

    /// The cell as a whole number in `min..=max`, required.
    pub fn number(&mut self, column: usize, (min, max): (i64, i64)) -> Option<i64> {
        let Some(text) = self.text(column) else {
            if !self.is_formula(column) {
                self.fail(column, ImportProblem::Required, "");
            }
            return None;
        };
        let Ok(n) = text.parse::<i64>() else {
            self.fail(column, ImportProblem::NotANumber, "");
            return None;
        };
        if !(min..=max).contains(&n) {
            self.fail(column, ImportProblem::OutOfRange, &format!("{min}–{max}"));
            return None;
        }
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(sheet: &Sheet) -> Vec<Vec<Cell>> {
        sheet.rows.iter().map(|r| r.cells.clone()).collect()
    }

    #[test]
    fn gbk_csv_reads_as_excel_wrote_it() {
        let (gbk, _, _) = encoding_rs::GBK.encode("楼栋,房号\r\n1号楼,101\r\n");
        let sheet = read(&gbk, Lang::Zh).unwrap();
        assert_eq!(sheet.header, ["楼栋", "房号"]);
        assert_eq!(
            values(&sheet),
            [vec![Cell::Value("1号楼".into()), Cell::Value("101".into())]]
        );
        assert_eq!(sheet.rows[0].number, 2);
    }

    #[test]
    fn utf8_with_a_bom_blank_rows_skipped_numbers_kept() {
        let sheet = read("\u{feff}楼栋,房号\n\n,\n2号楼,201\n".as_bytes(), Lang::Zh).unwrap();
        assert_eq!(sheet.header, ["楼栋", "房号"]);
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].number, 4);
        let sheet = read(
            "楼栋,房号\r\n\r\n1号楼,101\r\n2号楼,102".as_bytes(),
            Lang::Zh,
        )
        .unwrap();
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [3, 4]);
    }

    #[test]
    fn formulas_are_refused_but_phone_prefixes_are_not() {
        assert_eq!(csv_cell("=1+2"), Cell::Formula);
        assert_eq!(csv_cell("@SUM(A1)"), Cell::Formula);
        assert_eq!(csv_cell("-cmd"), Cell::Formula);
        assert_eq!(
            csv_cell("+8613800000001"),
            Cell::Value("+8613800000001".into())
        );
        assert_eq!(csv_cell("-1"), Cell::Value("-1".into()));
    }

    #[test]
    fn nothing_readable_says_so() {
        let err = read(&[0xff, 0xfe, 0x00, 0x81, 0x00], Lang::Zh).unwrap_err();
        assert_eq!(err.problem, ImportProblem::Unreadable);
        let err = read("楼栋,房号\n".as_bytes(), Lang::En).unwrap_err();
        assert_eq!(err.problem, ImportProblem::Empty);
        let err = read(b"PK\x03\x04 not really a zip", Lang::Zh).unwrap_err();
        assert_eq!(err.problem, ImportProblem::Unreadable);
    }

    #[test]
    fn workbook_cells_keep_their_rows_numbers_and_formulas() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "楼栋").unwrap();
        sheet.write_string(0, 1, "手机号").unwrap();
        sheet.write_string(2, 0, "1号楼").unwrap();
        sheet.write_number(2, 1, 13_800_000_001.0).unwrap();
        sheet.write_formula(3, 1, "=1+1").unwrap();
        sheet.write_string(3, 200, "far right, ignored").unwrap();
        let sheet = read(&book.save_to_buffer().unwrap(), Lang::Zh).unwrap();
        assert_eq!(sheet.header, ["楼栋", "手机号"]);
        let numbers: Vec<u32> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [3, 4]);
        assert_eq!(
            values(&sheet)[0],
            [
                Cell::Value("1号楼".into()),
                Cell::Value("13800000001".into())
            ]
        );
        assert_eq!(
            values(&sheet)[1],
            [Cell::Value(String::new()), Cell::Formula]
        );
    }

    #[test]
    fn a_far_off_cell_is_refused_without_laying_the_sheet_out() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "楼栋").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let err = read(&book.save_to_buffer().unwrap(), Lang::Zh).unwrap_err();
        assert_eq!(err.problem, ImportProblem::TooManyRows);
    }

    #[test]
    fn headers_are_found_in_either_language_and_missing_ones_named() {
        const COLUMNS: [Column; 2] = [
            Column {
                name: "building",
                aliases: &["楼栋", "building"],
                required: true,
            },
            Column {
                name: "name",
                aliases: &["姓名", "name"],
                required: false,
            },
        ];
        let header = vec!["Building ".to_owned(), "其他".to_owned()];
        assert_eq!(
            locate(&header, &COLUMNS, Lang::Zh).unwrap(),
            [Some(0), None]
        );
        let errors = locate(&["房号".to_owned()], &COLUMNS, Lang::Zh).unwrap_err();
        assert_eq!(
            errors[0].message,
            "第 1 行：表头缺少这一列：楼栋 / building"
        );
    }
}

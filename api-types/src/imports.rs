//! Setting a street up from its own spreadsheets: the places ledger (楼栋台账,
//! one row per building) and a compound's household roster (花名册, one row
//! per resident's phone). Both are uploaded as XLSX or CSV (UTF-8 or GBK, as
//! Excel writes them on Chinese Windows), checked row by row, and written
//! only when the whole file is valid.
//!
//! Row numbers are Excel's: the header is row 1, the first data row is 2.

use crate::Lang;
use serde::{Deserialize, Serialize};

/// The largest spreadsheet accepted, in bytes (20 MiB). N street's whole
/// ledger (1,200 buildings) is under 100 KB as CSV; a roster of 35,000
/// households under 2 MB.
pub const IMPORT_LIMIT_BYTES: usize = 20 * 1024 * 1024;

/// The most rows a file may hold (a roster of a very large compound, with
/// room to spare).
pub const IMPORT_MAX_ROWS: usize = 100_000;

/// The longest community, compound, grid or building name.
pub const PLACE_NAME_MAX: usize = 40;

/// The longest compound address.
pub const ADDRESS_MAX: usize = 100;

/// Units (单元) a building may have in the ledger.
pub const UNITS_RANGE: (i64, i64) = (1, 20);

/// Floors (层数) a building may have in the ledger.
pub const FLOORS_RANGE: (i64, i64) = (1, 60);

/// Households per floor of each unit (每层户数, 一梯几户).
pub const PER_FLOOR_RANGE: (i64, i64) = (1, 20);

/// `?dry_run=true`: check and report, write nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct ImportParams {
    /// Only check the file and say what it would do.
    #[serde(default)]
    pub dry_run: bool,
}

/// Why a row (or the whole file) cannot be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportProblem {
    /// The file is neither a spreadsheet nor CSV text in UTF-8 or GBK.
    Unreadable,
    /// The file has no data rows below its header.
    Empty,
    /// More rows than [`IMPORT_MAX_ROWS`].
    TooManyRows,
    /// The header (row 1) lacks a required column.
    MissingColumn,
    /// Two columns of the header mean the same thing.
    RepeatedColumn,
    /// A required cell is blank.
    Required,
    /// The cell is longer than allowed.
    TooLong,
    /// The cell is not a whole number.
    NotANumber,
    /// A number outside the allowed range.
    OutOfRange,
    /// The cell holds a formula instead of a value.
    Formula,
    /// The row repeats an earlier row.
    Duplicate,
    /// The building is given in another grid on an earlier row.
    BuildingInTwoGrids,
    /// The compound is given another address on an earlier row.
    AddressDiffers,
    /// A new compound without an address.
    AddressMissing,
    /// The room list is empty or malformed.
    BadRooms,
    /// No building of this name in the compound.
    UnknownBuilding,
    /// No such unit and room in the building.
    UnknownRoom,
    /// Not a mainland mobile number.
    BadPhone,
    /// The phone is listed for another household on an earlier row.
    PhoneInTwoHouseholds,
}

impl ImportProblem {
    /// What is wrong, in `lang`; `detail` is the earlier row, the allowed
    /// range or the expected columns, when the problem has one.
    pub fn message(self, lang: Lang, detail: &str) -> String {
        use ImportProblem::*;
        match lang {
            Lang::Zh => match self {
                Unreadable => "无法读取：请上传 Excel 文件（.xlsx）或 CSV 文件".to_owned(),
                Empty => "表格里没有数据：第 1 行是表头，从第 2 行起每行一条".to_owned(),
                TooManyRows => format!("行数太多，最多 {detail} 行，请分开上传"),
                MissingColumn => format!("表头缺少这一列：{detail}"),
                RepeatedColumn => format!("表头中这一列出现了两次：{detail}"),
                Required => "不能为空".to_owned(),
                TooLong => format!("太长了，最多 {detail} 个字"),
                NotANumber => "应是整数".to_owned(),
                OutOfRange => format!("应在 {detail} 之间"),
                Formula => "这里是公式，请改成数值（复制后“选择性粘贴 → 数值”）".to_owned(),
                Duplicate => format!("与第 {detail} 行重复"),
                BuildingInTwoGrids => format!("这栋楼在第 {detail} 行属于另一个网格"),
                AddressDiffers => format!("这个小区在第 {detail} 行的地址不同"),
                AddressMissing => "新小区需要填写地址".to_owned(),
                BadRooms => "房号请用逗号或空格分开，不要重复，如 101, 102, 201".to_owned(),
                UnknownBuilding => format!("本小区没有这栋楼（楼栋台账里有：{detail}）"),
                UnknownRoom => "楼栋台账里没有这个单元和房号".to_owned(),
                BadPhone => "不是有效的手机号（11 位，1 开头）".to_owned(),
                PhoneInTwoHouseholds => format!("这个手机号在第 {detail} 行登记在另一户"),
            },
            Lang::En => match self {
                Unreadable => "Unreadable: upload an Excel file (.xlsx) or a CSV file".to_owned(),
                Empty => "No data: row 1 is the header, one record a row from row 2".to_owned(),
                TooManyRows => format!("Too many rows, at most {detail}: split the file"),
                MissingColumn => format!("The header lacks this column: {detail}"),
                RepeatedColumn => format!("This column appears twice in the header: {detail}"),
                Required => "is required".to_owned(),
                TooLong => format!("is too long, at most {detail} characters"),
                NotANumber => "must be a whole number".to_owned(),
                OutOfRange => format!("must be between {detail}"),
                Formula => "holds a formula: paste it as a value instead".to_owned(),
                Duplicate => format!("repeats row {detail}"),
                BuildingInTwoGrids => format!("this building is in another grid on row {detail}"),
                AddressDiffers => format!("this compound has another address on row {detail}"),
                AddressMissing => "a new compound needs an address".to_owned(),
                BadRooms => {
                    "separate rooms with commas or spaces, each once, e.g. 101, 102, 201".to_owned()
                }
                UnknownBuilding => format!("no such building in this compound (it has: {detail})"),
                UnknownRoom => "no such unit and room in the places ledger".to_owned(),
                BadPhone => "is not a mainland mobile number (11 digits from 1)".to_owned(),
                PhoneInTwoHouseholds => {
                    format!("this phone is listed for another household on row {detail}")
                }
            },
        }
    }
}

/// One thing wrong with a file: where (row and column as Excel shows
/// them) and why, in the request's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RowError {
    /// The row as Excel numbers it (the header is 1); 0 for the file as a whole.
    pub row: u32,
    /// The column's header as written in the file, when one cell is at fault.
    pub column: Option<String>,
    /// The stable reason.
    pub problem: ImportProblem,
    /// The reason in words, with the row and column: "第 3 行「层数」：应是整数".
    pub message: String,
}

impl RowError {
    /// The error, its message written in `lang`.
    pub fn new(
        lang: Lang,
        row: u32,
        column: Option<&str>,
        problem: ImportProblem,
        detail: &str,
    ) -> RowError {
        let what = problem.message(lang, detail);
        let message = match (lang, row, column) {
            (Lang::Zh, 0, _) => what,
            (Lang::Zh, row, Some(column)) => format!("第 {row} 行「{column}」：{what}"),
            (Lang::Zh, row, None) => format!("第 {row} 行：{what}"),
            (Lang::En, 0, _) => what,
            (Lang::En, row, Some(column)) => format!("Row {row}, {column}: {what}"),
            (Lang::En, row, None) => format!("Row {row}: {what}"),
        };
        RowError {
            row,
            column: column.map(str::to_owned),
            problem,
            message,
        }
    }
}

/// How many places of each level a ledger creates (or would).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlaceCounts {
    /// Communities (社区).
    pub communities: i64,
    /// Compounds (小区), each with its station.
    pub compounds: i64,
    /// Grids (网格).
    pub grids: i64,
    /// Buildings (楼栋).
    pub buildings: i64,
    /// Units (单元).
    pub units: i64,
    /// Households (户).
    pub households: i64,
}

/// A place the ledger changes: a compound's new address, a building moved
/// to another grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlaceChange {
    /// The row that asks for it.
    pub row: u32,
    /// The place, as staff name it: "海景花园 3号楼".
    pub place: String,
    /// What changes: `address`, `grid` or `retired` (a retired grid listed
    /// again comes back; see [`crate::place_edits::change`]).
    pub field: String,
    /// Before.
    pub before: String,
    /// After.
    pub after: String,
}

/// A place of the street the ledger does not list. It is never deleted:
/// staff see it and decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UnlistedPlace {
    /// The place, as staff name it: "东港社区 海景花园 7号楼".
    pub place: String,
    /// Its households.
    pub households: i64,
    /// Residents bound to them now.
    pub residents: i64,
}

/// `POST /api/v1/streets/{id}/place-imports`: what a places ledger did or
/// would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PlaceImportReport {
    /// Whether anything was written (never on a dry run or with errors).
    pub applied: bool,
    /// Data rows read (the header not counted).
    pub rows: i64,
    /// Places created (or, on a dry run, that would be).
    pub created: PlaceCounts,
    /// Places changed.
    pub changed: Vec<PlaceChange>,
    /// Buildings the file lists that already stand as listed.
    pub unchanged_buildings: i64,
    /// Buildings of the street the file does not list: left alone.
    pub unlisted: Vec<UnlistedPlace>,
    /// Every bad row; the file is written only when this is empty.
    pub errors: Vec<RowError>,
}

impl PlaceImportReport {
    /// What the import did (or, not applied, would do) in one sentence of
    /// `lang`, as the page and the command line say it.
    pub fn summary(&self, lang: Lang) -> String {
        let c = self.created;
        match lang {
            Lang::Zh => format!(
                "{}：共 {} 行。{}新建社区 {}、小区 {}、网格 {}、楼栋 {}、单元 {}、住户 {}；改动 {} 处；原样 {} 栋；表中没有的楼栋 {} 栋（保留）。",
                if self.applied {
                    "已导入"
                } else {
                    "检查结果"
                },
                self.rows,
                if self.applied { "" } else { "将" },
                c.communities,
                c.compounds,
                c.grids,
                c.buildings,
                c.units,
                c.households,
                self.changed.len(),
                self.unchanged_buildings,
                self.unlisted.len()
            ),
            Lang::En => format!(
                "{}: {} rows. New communities {}, compounds {}, grids {}, buildings {}, units {}, households {}; {} changes; {} buildings as they were; {} buildings not in the file (kept).",
                if self.applied { "Imported" } else { "Checked" },
                self.rows,
                c.communities,
                c.compounds,
                c.grids,
                c.buildings,
                c.units,
                c.households,
                self.changed.len(),
                self.unchanged_buildings,
                self.unlisted.len()
            ),
        }
    }
}

/// `POST /api/v1/compounds/{id}/roster-imports`: what a household roster
/// did or would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RosterImportReport {
    /// Whether the roster became the compound's latest (never on a dry run
    /// or with errors).
    pub applied: bool,
    /// Data rows read.
    pub rows: i64,
    /// Households the roster lists.
    pub households: i64,
    /// People already signed in with a listed phone and bound now (0 on a
    /// dry run, which does not tell who has an account).
    pub verified_now: i64,
    /// Residents bound in the compound whose phone the roster does not list:
    /// they stay bound until the station decides.
    pub not_in_roster: i64,
    /// Every bad row; the roster is stored only when this is empty.
    pub errors: Vec<RowError>,
}

impl RosterImportReport {
    /// What the roster did (or, not applied, would do) in one sentence of
    /// `lang`, as the page and the command line say it.
    pub fn summary(&self, lang: Lang) -> String {
        let (rows, households, now, missing) = (
            self.rows,
            self.households,
            self.verified_now,
            self.not_in_roster,
        );
        match (lang, self.applied) {
            (Lang::Zh, true) => format!(
                "已导入：{rows} 行，{households} 户。已登录过的 {now} 位居民随即完成核验；{missing} 位已绑定居民不在名册中（保留，请核实）。"
            ),
            (Lang::Zh, false) => format!(
                "检查结果：{rows} 行，{households} 户；{missing} 位已绑定居民不在这份名册中。"
            ),
            (Lang::En, true) => format!(
                "Imported: {rows} rows, {households} households. {now} residents who signed in before are verified now; {missing} bound residents are not in the roster (kept: check them)."
            ),
            (Lang::En, false) => format!(
                "Checked: {rows} rows, {households} households; {missing} bound residents are not in this roster."
            ),
        }
    }
}

/// The roster a compound's bindings are checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RosterUpload {
    /// The upload's id.
    pub id: i64,
    /// Who uploaded it (`None`: from the command line).
    pub uploaded_by: Option<String>,
    /// When (RFC 3339, UTC).
    pub uploaded_at: String,
    /// Its rows.
    pub rows: i64,
}

/// `GET /api/v1/compounds/{id}/roster`: the latest roster and the bound
/// residents it does not list, for the station to decide about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RosterStatus {
    /// The latest roster, if one was uploaded.
    pub latest: Option<RosterUpload>,
    /// Residents bound now whom a roster verified (at sign-in or upload)
    /// rather than a person deciding their request.
    pub verified_by_roster: i64,
    /// Residents bound now whose phone the latest roster does not list for
    /// their household ("not in the latest roster").
    pub not_in_roster: Vec<crate::households::HouseholdRequest>,
}

/// The most rooms a unit may list (60 floors of 20).
pub const ROOMS_MAX: usize = 1200;

/// Splits an explicit room list ("101, 102、201 202") into rooms; `None`
/// when it names none, names one twice, more than [`ROOMS_MAX`], or a room
/// is too long.
pub fn split_rooms(list: &str) -> Option<Vec<String>> {
    let rooms: Vec<String> = list
        .split([',', '，', '、', ';', '；', ' ', '\u{3000}', '\n'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    let fits = rooms
        .iter()
        .all(|r| r.chars().count() <= crate::households::PLACE_NAME_MAX);
    let distinct = rooms.iter().collect::<std::collections::HashSet<_>>().len() == rooms.len();
    (!rooms.is_empty() && rooms.len() <= ROOMS_MAX && fits && distinct).then_some(rooms)
}

/// The rooms of one unit numbered floor by floor, as the field does:
/// `floors` 6 and `per_floor` 2 give 101, 102, 201 … 602.
pub fn numbered_rooms(floors: i64, per_floor: i64) -> Vec<String> {
    (1..=floors)
        .flat_map(|floor| (1..=per_floor).map(move |door| format!("{floor}{door:02}")))
        .collect()
}

/// A unit's name as the ledger writes it: "2" and "2单元" both mean `2单元`.
pub fn unit_name(cell: &str) -> String {
    let cell = cell.trim();
    if !cell.is_empty() && cell.chars().all(|c| c.is_ascii_digit()) {
        format!("{cell}单元")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_are_numbered_floor_by_floor() {
        assert_eq!(
            numbered_rooms(2, 3),
            ["101", "102", "103", "201", "202", "203"]
        );
        assert_eq!(
            numbered_rooms(11, 1).last().map(String::as_str),
            Some("1101")
        );
    }

    #[test]
    fn room_lists_take_the_separators_staff_type() {
        assert_eq!(
            split_rooms("101, 102、201，202  301"),
            Some(
                vec!["101", "102", "201", "202", "301"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            )
        );
        assert_eq!(split_rooms(" ，、 "), None);
        assert_eq!(split_rooms("101, 102, 101"), None);
        assert_eq!(split_rooms(&"9".repeat(30)), None);
    }

    #[test]
    fn unit_numbers_get_their_suffix() {
        assert_eq!(unit_name("2"), "2单元");
        assert_eq!(unit_name(" 2单元 "), "2单元");
        assert_eq!(unit_name("东单元"), "东单元");
    }

    #[test]
    fn row_errors_say_where_in_both_languages() {
        let e = RowError::new(Lang::Zh, 3, Some("层数"), ImportProblem::NotANumber, "");
        assert_eq!(e.message, "第 3 行「层数」：应是整数");
        let e = RowError::new(Lang::En, 4, None, ImportProblem::Duplicate, "2");
        assert_eq!(e.message, "Row 4: repeats row 2");
        let e = RowError::new(Lang::Zh, 0, None, ImportProblem::Empty, "");
        assert!(e.message.starts_with("表格里没有数据"));
    }
}

//! Cursor pagination shared by every list endpoint.

use crate::validate::{FieldError, Rule};
use serde::{Deserialize, Serialize};

/// The page size when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 20;
/// The largest page a client may ask for.
pub const MAX_LIMIT: i64 = 100;

/// One page of a list: `{"items": [...], "next_cursor": "..." | null}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Pass as `?cursor=` to read the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `?limit=&cursor=` of a list request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct PageParams {
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "server", param(minimum = 1, maximum = 100))]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The page size to use, or the rule `limit` breaks.
    pub fn limit(&self) -> Result<i64, FieldError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(FieldError::new(
                "limit",
                Rule::OutOfRange {
                    min: 1,
                    max: MAX_LIMIT,
                },
            )),
        }
    }

    /// The id after which the page starts (0 for the first page), or `None`
    /// when the cursor is not one this server handed out.
    pub fn after_id(&self) -> Option<i64> {
        match &self.cursor {
            None => Some(0),
            Some(c) => c.parse::<i64>().ok().filter(|id| *id > 0),
        }
    }
}

/// Builds a page from `limit + 1` rows fetched in id order: the extra row
/// only says whether there is a next page.
pub fn page_from_rows<T>(mut rows: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| id_of(r).to_string())
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(PageParams::default().limit(), Ok(DEFAULT_LIMIT));
        let p = |n| PageParams {
            limit: Some(n),
            cursor: None,
        };
        assert_eq!(p(1).limit(), Ok(1));
        assert_eq!(p(100).limit(), Ok(100));
        assert_eq!(p(0).limit().map_err(|e| e.rule.code()), Err("out_of_range"));
        assert_eq!(
            p(101).limit().map_err(|e| e.rule.code()),
            Err("out_of_range")
        );
    }

    #[test]
    fn cursors_are_positive_ids() {
        let c = |s: &str| PageParams {
            limit: None,
            cursor: Some(s.into()),
        };
        assert_eq!(PageParams::default().after_id(), Some(0));
        assert_eq!(c("42").after_id(), Some(42));
        assert_eq!(c("-1").after_id(), None);
        assert_eq!(c("abc").after_id(), None);
    }

    #[test]
    fn page_from_rows_sets_the_cursor_only_when_more_remain() {
        let full = page_from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(full.items, [1, 2]);
        assert_eq!(full.next_cursor.as_deref(), Some("2"));
        let last = page_from_rows(vec![1, 2], 2, |n| *n);
        assert_eq!(last.next_cursor, None);
    }
}

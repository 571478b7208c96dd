//! Validation rules both sides apply: the app before it sends, the server
//! before it trusts. Each broken rule has a stable code and a message in
//! both languages, so a form shows the same words the API would answer.

use crate::Lang;

/// One rule a field can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The field is missing or blank.
    Required,
    /// Longer than `max` characters.
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A number outside `min..=max`.
    OutOfRange {
        /// The smallest value allowed.
        min: i64,
        /// The largest value allowed.
        max: i64,
    },
    /// Not of the expected form (a wrong type, a malformed value).
    Invalid,
    /// Well-formed, but nothing it names exists (a number nobody signed in with).
    Unknown,
}

impl Rule {
    /// The stable code sent in the error envelope's `fields`.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooLong { .. } => "too_long",
            Rule::OutOfRange { .. } => "out_of_range",
            Rule::Invalid => "invalid",
            Rule::Unknown => "unknown",
        }
    }

    /// A plain sentence about `field` breaking this rule.
    pub fn message(self, field: &str, lang: Lang) -> String {
        match (self, lang) {
            (Rule::Required, Lang::Zh) => format!("{field} 不能为空"),
            (Rule::Required, Lang::En) => format!("{field} is required"),
            (Rule::TooLong { max }, Lang::Zh) => format!("{field} 最多 {max} 个字"),
            (Rule::TooLong { max }, Lang::En) => {
                format!("{field} must be at most {max} characters")
            }
            (Rule::OutOfRange { min, max }, Lang::Zh) => {
                format!("{field} 须在 {min} 到 {max} 之间")
            }
            (Rule::OutOfRange { min, max }, Lang::En) => {
                format!("{field} must be between {min} and {max}")
            }
            (Rule::Invalid, Lang::Zh) => format!("{field} 的格式不正确"),
            (Rule::Invalid, Lang::En) => format!("{field} has an invalid value"),
            (Rule::Unknown, Lang::Zh) => format!("没有找到 {field} 对应的记录"),
            (Rule::Unknown, Lang::En) => format!("nothing was found for {field}"),
        }
    }
}

/// A field that broke a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The JSON field (or query parameter) name.
    pub field: String,
    /// The rule it broke.
    pub rule: Rule,
}

impl FieldError {
    /// A field error for `field`.
    pub fn new(field: impl Into<String>, rule: Rule) -> Self {
        FieldError {
            field: field.into(),
            rule,
        }
    }
}

/// Checks a required text field: not blank after trimming, at most `max`
/// characters (characters, not bytes: Chinese text is three bytes a character).
pub fn required_text(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let chars = value.trim().chars().count();
    if chars == 0 {
        Err(FieldError::new(field, Rule::Required))
    } else if chars > max {
        Err(FieldError::new(field, Rule::TooLong { max }))
    } else {
        Ok(())
    }
}

/// Checks an optional text field: at most `max` characters when present.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> Result<(), FieldError> {
    match value {
        Some(v) if v.chars().count() > max => Err(FieldError::new(field, Rule::TooLong { max })),
        _ => Ok(()),
    }
}

/// The longest `Idempotency-Key` accepted.
pub const IDEMPOTENCY_KEY_MAX: usize = 255;

/// An `Idempotency-Key` is 1 to 255 visible ASCII characters (a UUID fits).
pub fn idempotency_key(value: &str) -> Result<(), FieldError> {
    let field = crate::IDEMPOTENCY_KEY_HEADER;
    if value.is_empty() {
        return Err(FieldError::new(field, Rule::Required));
    }
    if value.len() > IDEMPOTENCY_KEY_MAX {
        return Err(FieldError::new(
            field,
            Rule::TooLong {
                max: IDEMPOTENCY_KEY_MAX,
            },
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(FieldError::new(field, Rule::Invalid));
    }
    Ok(())
}

/// Collects the rules a request breaks, so one answer lists them all.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Checks {
    failures: Vec<FieldError>,
}

impl Checks {
    /// Records the result of one check.
    pub fn check(&mut self, result: Result<(), FieldError>) -> &mut Self {
        if let Err(e) = result {
            self.failures.push(e);
        }
        self
    }

    /// All broken rules, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.failures.is_empty() {
            Ok(())
        } else {
            Err(self.failures)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_counts_characters_not_bytes() {
        assert_eq!(required_text("title", "楼道灯坏了", 5), Ok(()));
        assert_eq!(
            required_text("title", "楼道灯坏了吗", 5),
            Err(FieldError::new("title", Rule::TooLong { max: 5 }))
        );
        assert_eq!(
            required_text("title", "   ", 5),
            Err(FieldError::new("title", Rule::Required))
        );
    }

    #[test]
    fn optional_text_allows_absence() {
        assert_eq!(optional_text("note", None, 1), Ok(()));
        assert!(optional_text("note", Some("ab"), 1).is_err());
    }

    #[test]
    fn idempotency_keys_are_visible_ascii() {
        assert_eq!(
            idempotency_key("3f1c2a9e-0b7d-4e1a-9c55-1e2f3a4b5c6d"),
            Ok(())
        );
        assert_eq!(idempotency_key("").map_err(|e| e.rule), Err(Rule::Required));
        assert_eq!(
            idempotency_key("a b").map_err(|e| e.rule),
            Err(Rule::Invalid)
        );
        assert_eq!(
            idempotency_key("键").map_err(|e| e.rule),
            Err(Rule::Invalid)
        );
        assert!(idempotency_key(&"k".repeat(256)).is_err());
    }

    #[test]
    fn checks_collect_every_broken_rule() {
        let mut checks = Checks::default();
        checks
            .check(required_text("a", "", 3))
            .check(required_text("b", "ok", 3))
            .check(required_text("c", "long", 3));
        let errors = checks.finish().unwrap_err();
        let codes: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.rule.code()))
            .collect();
        assert_eq!(codes, [("a", "required"), ("c", "too_long")]);
    }

    #[test]
    fn messages_exist_in_both_languages() {
        let rule = Rule::OutOfRange { min: 1, max: 100 };
        assert_eq!(rule.message("limit", Lang::Zh), "limit 须在 1 到 100 之间");
        assert_eq!(
            rule.message("limit", Lang::En),
            "limit must be between 1 and 100"
        );
    }
}

//! Creating a street: its record, its first street administrator (who then
//! grants every other role), and the affair categories and skills a street
//! starts with. `linli-server street create` runs it; running it again for
//! the same street name changes nothing.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use api_types::FieldError;
use api_types::identity::normalize_phone;
use api_types::imports::PLACE_NAME_MAX;
use api_types::validate::{Checks, required_text};

/// A street to create, as the command line gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStreet {
    /// Its name, e.g. 宁安街道 (unique).
    pub name: String,
    /// Its district, e.g. 定海区.
    pub district: String,
    /// Its city, e.g. 舟山市.
    pub city: String,
    /// The first street administrator's mobile number.
    pub admin_phone: String,
    /// Their name, for a person who has never signed in (default 居民 and
    /// the number's last four digits, as at sign-in).
    pub admin_name: Option<String>,
}

/// What `create` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Created the street and granted its administrator.
    Created {
        /// The new street's id.
        street: i64,
        /// The administrator's person id.
        admin: i64,
    },
    /// A street of this name exists: nothing was changed.
    Exists {
        /// Its id.
        street: i64,
    },
}

impl NewStreet {
    /// Every rule the street breaks.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::default();
        checks
            .check(required_text("name", &self.name, PLACE_NAME_MAX))
            .check(required_text("district", &self.district, PLACE_NAME_MAX))
            .check(required_text("city", &self.city, PLACE_NAME_MAX))
            .check(normalize_phone("admin_phone", &self.admin_phone).map(|_| ()));
        if let Some(name) = &self.admin_name {
            checks.check(required_text("admin_name", name, PLACE_NAME_MAX));
        }
        checks.finish()
    }
}

/// Creates the street with its administrator, categories and skills in one
/// transaction, unless a street of that name exists (then nothing changes).
pub async fn create(db: &Db, street: &NewStreet) -> Result<Outcome, AppError> {
    street.validate().map_err(AppError::validation)?;
    let name = street.name.trim().to_owned();
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM streets WHERE name = $1")
        .bind(name.clone())
        .fetch_optional(&db.pool)
        .await?;
    if let Some(id) = existing {
        return Ok(Outcome::Exists { street: id });
    }
    let phone = normalize_phone("admin_phone", &street.admin_phone)
        .map_err(|e| AppError::validation(vec![e]))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO streets (name, district, city) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(street.district.trim().to_owned())
    .bind(street.city.trim().to_owned())
    .fetch_one(&mut *tx)
    .await?;
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE phone = $1")
        .bind(phone.clone())
        .fetch_optional(&mut *tx)
        .await?;
    let admin = match known {
        Some(person) => person,
        None => {
            let tail = &phone[phone.len() - 4..];
            let person_name = street
                .admin_name
                .as_deref()
                .map_or_else(|| format!("居民{tail}"), |n| n.trim().to_owned());
            sqlx::query_scalar(
                "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(person_name)
            .bind(phone)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let grant: i64 = sqlx::query_scalar(
        "INSERT INTO role_grants (person_id, role, street_id, granted_at) \
         VALUES ($1, 'street_admin', $2, $3) RETURNING id",
    )
    .bind(admin)
    .bind(id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO role_events (role_grant_id, action, actor_id, reason, at) \
         VALUES ($1, 'grant', NULL, $2, $3)",
    )
    .bind(grant)
    .bind("建立街道时指定（linli-server street create）")
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (order, (code, zh, en, hint, private)) in CATEGORIES.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO affair_categories (street_id, code, name_zh, name_en, hint_zh, hint_en, private_default, sort_order) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(hint.map(|h| h.0))
        .bind(hint.map(|h| h.1))
        .bind(i64::from(private))
        .bind(i64::try_from(order).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    for (order, (code, zh, en)) in SKILLS.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO skills (street_id, code, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(code)
        .bind(zh)
        .bind(en)
        .bind(i64::try_from(order).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome::Created { street: id, admin })
}

/// A default affair category: code, Chinese and English names, the
/// filing hint in both, private by default.
type DefaultCategory = (
    &'static str,
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
    bool,
);

/// The affair categories a new street starts with (its admin adds more
/// through `POST /categories`).
const CATEGORIES: [DefaultCategory; 6] = [
    (
        "facility_repair",
        "设施维修",
        "Facility repair",
        None,
        false,
    ),
    ("environment", "环境改善", "Environment", None, false),
    ("neighbour_care", "邻里照料", "Neighbour care", None, true),
    ("dispute", "矛盾调解", "Dispute", None, true),
    (
        "safety_hazard",
        "安全隐患",
        "Safety hazard",
        Some((
            "闻到燃气味？请先离开并拨打 119，再来报事。",
            "Smell gas? Leave and call 119 first, then report here.",
        )),
        false,
    ),
    ("other", "其他", "Other", None, false),
];

/// The skills capable persons of a new street can offer: code, Chinese,
/// English.
const SKILLS: [(&str, &str, &str); 10] = [
    ("plumbing_electrics", "水电维修", "Plumbing and electrics"),
    ("gas", "燃气", "Gas"),
    ("medicine", "医药", "Medicine and pharmacy"),
    ("law", "法律", "Law"),
    ("tutoring", "辅导功课", "Tutoring"),
    ("elder_care", "照护老人", "Elder care"),
    ("hairdressing", "理发", "Hairdressing"),
    ("psychological", "心理疏导", "Psychological support"),
    ("arts", "文艺", "Arts"),
    ("it_help", "电脑手机", "Computers and phones"),
];

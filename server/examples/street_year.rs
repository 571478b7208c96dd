//! Fills a database with a street-sized year for the load benchmark
//! (`scripts/bench.sh`): the demo street grown to 50 stations, and 20,000
//! affairs filed over the last twelve months with their timelines, in the
//! field's proportions (35 % closed by the station, 58 % via the grid, 8 %
//! escalated), most of them rated; and six service units per community,
//! each rated by 60 residents a month for the year.
//!
//! `cargo run --release -p server --example street_year -- DATABASE_URL`
//! prints `TOKEN COMPOUND AFFAIR CATEGORY COMMUNITY STAFF`: a station
//! head's session, their compound, one of its affairs, a category, the
//! compound's community and a session of its staff, for the benchmark's
//! requests.

use server::Db;
use server::db::now_ms;

const STATIONS: i64 = 50;
const AFFAIRS: i64 = 20_000;
const DAY_MS: i64 = 86_400_000;
const UNITS_PER_COMMUNITY: i64 = 6;
const RATERS_PER_MONTH: i64 = 60;

/// A small deterministic generator, so every run builds the same year.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: i64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as i64
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: street_year DATABASE_URL")?;
    let db = Db::connect(&url, 2).await?;
    if !server::demo::load_if_empty(&db).await? {
        return Err("the database is not empty".into());
    }
    let pool = &db.pool;
    let street: i64 = sqlx::query_scalar("SELECT id FROM streets")
        .fetch_one(pool)
        .await?;
    let mut tx = pool.begin().await?;
    // Grow the street to 50 stations: new communities of five compounds,
    // each with a station head, two grids with their workers, six buildings.
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM compounds")
        .fetch_one(&mut *tx)
        .await?;
    let now = now_ms();
    let mut community = 0_i64;
    for n in existing..STATIONS {
        if (n - existing) % 5 == 0 {
            community = sqlx::query_scalar(
                "INSERT INTO communities (street_id, name) VALUES ($1, $2) RETURNING id",
            )
            .bind(street)
            .bind(format!("第{}社区", n / 5 + 1))
            .fetch_one(&mut *tx)
            .await?;
        }
        let compound: i64 = sqlx::query_scalar(
            "INSERT INTO compounds (community_id, name, address) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(community)
        .bind(format!("第{}小区", n + 1))
        .bind(format!("幸福路 {} 号", n + 1))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO stations (compound_id, name) VALUES ($1, $2)")
            .bind(compound)
            .bind(format!("第{}小区居民自治互助站", n + 1))
            .execute(&mut *tx)
            .await?;
        let head: i64 = sqlx::query_scalar(
            "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(format!("站长{}", n + 1))
        .bind(format!("139{:08}", n))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO role_grants (person_id, role, compound_id, position, granted_at) \
             VALUES ($1, 'station_member', $2, 'head', $3)",
        )
        .bind(head)
        .bind(compound)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for g in 0..2 {
            let grid: i64 = sqlx::query_scalar(
                "INSERT INTO grids (compound_id, name) VALUES ($1, $2) RETURNING id",
            )
            .bind(compound)
            .bind(format!("第{}网格", g + 1))
            .fetch_one(&mut *tx)
            .await?;
            let worker: i64 = sqlx::query_scalar(
                "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(format!("网格员{}-{}", n + 1, g + 1))
            .bind(format!("137{:06}{g:02}", n))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO role_grants (person_id, role, grid_id, granted_at) VALUES ($1, 'grid_worker', $2, $3)",
            )
            .bind(worker)
            .bind(grid)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for b in 0..3 {
                sqlx::query("INSERT INTO buildings (grid_id, name) VALUES ($1, $2)")
                    .bind(grid)
                    .bind(format!("{}号楼", g * 3 + b + 1))
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;

    // Where affairs can be: every building with its compound and grid.
    let buildings: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT b.id, g.compound_id, g.id FROM buildings b JOIN grids g ON g.id = b.grid_id ORDER BY b.id",
    )
    .fetch_all(pool)
    .await?;
    let categories: Vec<i64> = sqlx::query_scalar("SELECT id FROM affair_categories ORDER BY id")
        .fetch_all(pool)
        .await?;
    let residents: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE phone LIKE '1380000004%'")
            .fetch_all(pool)
            .await?;
    let handler: i64 = sqlx::query_scalar(
        "SELECT person_id FROM role_grants WHERE role = 'station_member' ORDER BY id LIMIT 1",
    )
    .fetch_one(pool)
    .await?;

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let year_ago = now - 365 * DAY_MS;
    let mut tx = pool.begin().await?;
    for n in 0..AFFAIRS {
        let (building, compound, grid) = buildings[rng.next(buildings.len() as i64) as usize];
        let created = year_ago + n * (365 * DAY_MS / AFFAIRS) + rng.next(3_600_000);
        let respond = created + 60_000 * (10 + rng.next(36 * 60));
        let resolve = respond + 60_000 * (60 + rng.next(5 * 24 * 60));
        // The field's split, and a few still open.
        let roll = rng.next(100);
        let (level, path): (&str, &[&str]) = match roll {
            0..=34 => ("station", &["accept", "resolve"]),
            35..=92 => ("grid", &["accept", "pass_to_grid", "accept", "resolve"]),
            _ => ("community", &["accept", "escalate", "accept", "resolve"]),
        };
        let open = n >= AFFAIRS - 200;
        let status = if open { "open" } else { "closed" };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO affairs (compound_id, filer_id, category_id, title, description, building_id, \
               urgent, private, status, level, created_at, responded_at, resolved_at, closed_at, grid_id, \
               respond_due_at, resolve_due_at, late, responded_in_time, reopened) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15, $16, 0) RETURNING id",
        )
        .bind(compound)
        .bind(residents[rng.next(residents.len() as i64) as usize])
        .bind(categories[rng.next(categories.len() as i64) as usize])
        .bind(format!("第{n}件事：楼道灯不亮"))
        .bind("晚上看不见，老人上下楼不方便。")
        .bind(building)
        .bind(status)
        .bind(if open { "station" } else { level })
        .bind(created)
        .bind((!open).then_some(respond))
        .bind((!open).then_some(resolve))
        .bind(grid)
        .bind(created + DAY_MS)
        .bind(created + 3 * DAY_MS)
        .bind(i64::from(resolve > created + 3 * DAY_MS))
        .bind(i64::from(!open && respond <= created + DAY_MS))
        .fetch_one(&mut *tx)
        .await?;
        let mut steps = vec![("file", created)];
        if !open {
            steps.extend(path.iter().map(|act| (*act, respond)));
            steps.push(("confirm", resolve));
        }
        for (act, at) in steps {
            sqlx::query(
                "INSERT INTO affair_events (affair_id, act, actor_id, to_status, to_level, note, at) \
                 VALUES ($1, $2, $3, 'closed', $4, '已处理', $5)",
            )
            .bind(id)
            .bind(act)
            .bind(handler)
            .bind(level)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        if !open && rng.next(10) < 7 {
            let score = if rng.next(100) < 96 {
                3 + rng.next(3)
            } else {
                1 + rng.next(2)
            };
            sqlx::query(
                "INSERT INTO affair_ratings (affair_id, rater_id, score, rated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(handler)
            .bind(score)
            .bind(resolve)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;

    // Service units: six per community serving all its compounds, each
    // rated by 60 residents every month of the year.
    let mut tx = pool.begin().await?;
    let communities: Vec<i64> = sqlx::query_scalar("SELECT id FROM communities ORDER BY id")
        .fetch_all(&mut *tx)
        .await?;
    let kinds = ["property", "water", "power", "gas", "canteen", "clinic"];
    for community in &communities {
        let mut raters = Vec::new();
        for r in 0..RATERS_PER_MONTH {
            raters.push(
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(format!("居民{community}-{r}"))
                .bind(format!("136{community:04}{r:04}"))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?,
            );
        }
        for u in 0..UNITS_PER_COMMUNITY {
            let unit: i64 = sqlx::query_scalar(
                "INSERT INTO service_units (community_id, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(community)
            .bind(format!("服务单位{community}-{u}"))
            .bind(kinds[u as usize])
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO unit_compounds (unit_id, compound_id) SELECT $1, id FROM compounds WHERE community_id = $2",
            )
            .bind(unit)
            .bind(community)
            .execute(&mut *tx)
            .await?;
            for back in 0..12 {
                let month = server::metrics::month_of(now, back);
                let (start, _) = server::metrics::month_range(&month).ok_or("a bad month")?;
                for rater in &raters {
                    let score = 1 + rng.next(5);
                    let answered = (score <= 2 && rng.next(10) < 8).then(|| start + 2 * DAY_MS);
                    sqlx::query(
                        "INSERT INTO unit_ratings (unit_id, person_id, month, score, comment, rated_at, answer, answered_at, fixed) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(unit)
                    .bind(rater)
                    .bind(month.clone())
                    .bind(score)
                    .bind((score <= 2).then(|| "处理太慢".to_owned()))
                    .bind(start + DAY_MS)
                    .bind(answered.map(|_| "已回访".to_owned()))
                    .bind(answered)
                    .bind(i64::from(answered.is_some()))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
    }
    tx.commit().await?;

    // What the benchmark asks about: the first station's head, compound,
    // one of its affairs, a category and its community.
    let (compound, community): (i64, i64) =
        sqlx::query_as("SELECT id, community_id FROM compounds ORDER BY id LIMIT 1")
            .fetch_one(pool)
            .await?;
    let affair: i64 = sqlx::query_scalar("SELECT MAX(id) FROM affairs WHERE compound_id = $1")
        .bind(compound)
        .fetch_one(pool)
        .await?;
    let token = server::auth::start_session(&db, handler, Some("bench"))
        .await
        .map_err(|e| format!("{:?}", e.code()))?;
    let staff: i64 = sqlx::query_scalar(
        "SELECT person_id FROM role_grants WHERE role = 'community_staff' AND community_id = $1 LIMIT 1",
    )
    .bind(community)
    .fetch_one(pool)
    .await?;
    let staff = server::auth::start_session(&db, staff, Some("bench"))
        .await
        .map_err(|e| format!("{:?}", e.code()))?;
    println!(
        "{token} {compound} {affair} {} {community} {staff}",
        categories[0]
    );
    Ok(())
}

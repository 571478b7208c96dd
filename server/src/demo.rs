//! The demo street, loaded into an empty database on the first start of
//! README's run command through the same code a real street uses: the
//! street is created as `linli-server street create` does, its places come
//! from the places ledger `server/demo/ledger.csv` (two communities, four
//! compounds with their stations, grids, buildings, units and 524
//! households), and named people are given every role the portal knows.

use crate::db::{Db, now_ms};
use crate::error::AppError;
use crate::on_behalf::Acting;
use sqlx::{Any, Transaction};

/// The demo street's places ledger, imported as a street office's would be.
pub const LEDGER: &[u8] = include_bytes!("../demo/ledger.csv");

/// A grid of the demo (as named in the ledger) and its grid worker.
type Grid = (&'static str, &'static str);

/// A compound of the demo (as named in the ledger) with its station
/// members and grids.
struct DemoCompound {
    name: &'static str,
    station_members: [(&'static str, &'static str); 7],
    grids: &'static [Grid],
}

const COMMUNITIES: [(&str, &[DemoCompound]); 2] = [
    (
        "东港社区",
        &[
            DemoCompound {
                name: "海景花园",
                station_members: [
                    ("王秀英", "head"),
                    ("张国强", "deputy"),
                    ("赵敏", "secretary_general"),
                    ("孙立新", "member"),
                    ("钱芳", "member"),
                    ("何建平", "member"),
                    ("马丽华", "member"),
                ],
                grids: &[("第一网格", "刘海燕"), ("第二网格", "陈晓东")],
            },
            DemoCompound {
                name: "东港新村",
                station_members: [
                    ("李桂芳", "head"),
                    ("周建华", "deputy"),
                    ("吴秀兰", "secretary_general"),
                    ("郑大勇", "member"),
                    ("冯玉梅", "member"),
                    ("褚卫东", "member"),
                    ("卫红霞", "member"),
                ],
                grids: &[("东港新村网格", "蒋丽萍")],
            },
        ],
    ),
    (
        "临城社区",
        &[
            DemoCompound {
                name: "临城佳苑",
                station_members: [
                    ("沈国华", "head"),
                    ("韩美玲", "deputy"),
                    ("杨志刚", "secretary_general"),
                    ("朱春燕", "member"),
                    ("秦海波", "member"),
                    ("尤建军", "member"),
                    ("许文静", "member"),
                ],
                grids: &[("佳苑一网格", "施晓红"), ("佳苑二网格", "张伟")],
            },
            DemoCompound {
                name: "桂花苑",
                station_members: [
                    ("孔令芬", "head"),
                    ("曹永明", "deputy"),
                    ("严丽娟", "secretary_general"),
                    ("华建新", "member"),
                    ("金月琴", "member"),
                    ("魏国平", "member"),
                    ("陶素珍", "member"),
                ],
                grids: &[("桂花苑网格", "姜涛")],
            },
        ],
    ),
];

/// Community staff and department liaisons: (community, name, role, the
/// department on the community's list a liaison answers for).
const COMMUNITY_PEOPLE: [(usize, &str, &str, Option<&str>); 8] = [
    (0, "林晓燕", "community_staff", None),
    (0, "黄志明", "department_liaison", Some("海景物业服务中心")),
    (
        0,
        "吴刚",
        "department_liaison",
        Some("自来水公司东港营业所"),
    ),
    (0, "郑丽", "department_liaison", Some("燃气公司东港服务站")),
    (1, "周海波", "community_staff", None),
    (1, "徐建英", "department_liaison", Some("供电所临城班组")),
    (1, "高明", "department_liaison", Some("城管临城中队")),
    (1, "罗军", "department_liaison", Some("临城派出所")),
];

/// Residents without a role yet: they file affairs, vote and volunteer once
/// those features exist (the retired gas fitter and the pharmacist are the
/// capable persons of the brief).
const RESIDENTS: [&str; 4] = ["李阿婆（李桂兰）", "陈志明", "王药师（王淑贞）", "赵小宝"];

/// Loads the demo street unless the database already has a street. Returns
/// whether it loaded anything.
pub async fn load_if_empty(db: &Db) -> Result<bool, AppError> {
    if crate::places::has_streets(db).await? {
        return Ok(false);
    }
    let created = crate::street::create(
        db,
        &crate::street::NewStreet {
            name: "宁安街道".to_owned(),
            district: "定海区".to_owned(),
            city: "舟山市".to_owned(),
            admin_phone: "13800000001".to_owned(),
            admin_name: Some("陈建国".to_owned()),
        },
    )
    .await?;
    let crate::street::Outcome::Created { street, .. } = created else {
        return Ok(false);
    };
    let report =
        crate::ledger::import(db, street, LEDGER, false, None, api_types::Lang::Zh).await?;
    if !report.applied {
        return Err(AppError::internal(format!(
            "the demo ledger does not import: {:?}",
            report.errors
        )));
    }
    let mut tx = db.begin_write().await?;
    let mut phones = 13_800_000_002_i64..;
    let mut person =
        async |tx: &mut Transaction<'static, Any>, name: &str| -> Result<i64, sqlx::Error> {
            let phone = phones.next().unwrap_or_default().to_string();
            insert_id(
                tx,
                sqlx::query(
                    "INSERT INTO people (name, phone, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(name.to_owned())
                .bind(phone)
                .bind(now_ms()),
            )
            .await
        };
    let mut community_ids = Vec::new();
    for (community_name, compounds) in COMMUNITIES {
        let community = place_id(
            &mut tx,
            sqlx::query("SELECT id FROM communities WHERE street_id = $1 AND name = $2")
                .bind(street)
                .bind(community_name),
        )
        .await?;
        community_ids.push(community);
        for compound in compounds {
            let compound_id = place_id(
                &mut tx,
                sqlx::query("SELECT id FROM compounds WHERE community_id = $1 AND name = $2")
                    .bind(community)
                    .bind(compound.name),
            )
            .await?;
            for (name, position) in compound.station_members {
                let id = person(&mut tx, name).await?;
                grant(
                    &mut tx,
                    id,
                    "station_member",
                    ("compound_id", compound_id),
                    Some(position),
                    None,
                )
                .await?;
            }
            for (grid_name, worker) in compound.grids {
                let grid = place_id(
                    &mut tx,
                    sqlx::query("SELECT id FROM grids WHERE compound_id = $1 AND name = $2")
                        .bind(compound_id)
                        .bind(*grid_name),
                )
                .await?;
                let worker = person(&mut tx, worker).await?;
                grant(
                    &mut tx,
                    worker,
                    "grid_worker",
                    ("grid_id", grid),
                    None,
                    None,
                )
                .await?;
            }
        }
    }
    for (community, name, role, department) in COMMUNITY_PEOPLE {
        let id = person(&mut tx, name).await?;
        let department = match department {
            Some(department) => Some(
                insert_id(
                    &mut tx,
                    sqlx::query(
                        "INSERT INTO departments (community_id, name, created_at) \
                         VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(community_ids[community])
                    .bind(department.to_owned())
                    .bind(now_ms()),
                )
                .await?,
            ),
            None => None,
        };
        grant(
            &mut tx,
            id,
            role,
            ("community_id", community_ids[community]),
            None,
            department,
        )
        .await?;
    }
    for name in RESIDENTS {
        person(&mut tx, name).await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn place_id(
    tx: &mut Transaction<'static, Any>,
    query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
) -> Result<i64, AppError> {
    insert_id(tx, query).await.map_err(|e| match e {
        sqlx::Error::RowNotFound => {
            AppError::internal("the demo ledger lacks a place the demo names")
        }
        other => other.into(),
    })
}

async fn insert_id(
    tx: &mut Transaction<'static, Any>,
    query: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments>,
) -> Result<i64, sqlx::Error> {
    use sqlx::Row;
    query.fetch_one(&mut **tx).await?.try_get(0)
}

async fn grant(
    tx: &mut Transaction<'static, Any>,
    person: i64,
    role: &str,
    (place_column, place_id): (&str, i64),
    position: Option<&str>,
    department: Option<i64>,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO role_grants (person_id, role, {place_column}, position, department_id, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person)
        .bind(role.to_owned())
        .bind(place_id)
        .bind(position.map(str::to_owned))
        .bind(department)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A few affairs of 海景花园 at different points of their life, filed and
/// moved through the same code as the API's, so the desk's queue, the
/// timeline and the public board have something to show.
pub async fn load_sample_affairs(db: &Db) -> Result<(), crate::error::AppError> {
    use crate::circulation::{Step, check, held, record};
    use api_types::affairs::{Act, NewAffair, NewRating, Satisfaction};
    let person = |phone: &'static str| async move {
        crate::roles::person_by_phone(db, phone)
            .await?
            .ok_or_else(|| crate::error::AppError::internal("a demo person is missing"))
    };
    let (resident, neighbour, head) = (
        person("13800000044").await?,
        person("13800000045").await?,
        person("13800000002").await?,
    );
    let compound: i64 = sqlx::query_scalar("SELECT id FROM compounds ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await?;
    let building: i64 = sqlx::query_scalar(
        "SELECT b.id FROM buildings b JOIN grids g ON g.id = b.grid_id WHERE g.compound_id = $1 ORDER BY b.id LIMIT 1",
    )
    .bind(compound)
    .fetch_one(&db.pool)
    .await?;
    let category = |code: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT id FROM affair_categories WHERE code = $1 ORDER BY id LIMIT 1",
        )
        .bind(code)
        .fetch_one(&db.pool)
        .await
    };
    let file = |filer, code, title: &str, description: &str, area: Option<&str>| {
        let (title, description, area) = (
            title.to_owned(),
            description.to_owned(),
            area.map(str::to_owned),
        );
        async move {
            let affair = NewAffair {
                compound_id: compound,
                category_id: category(code).await?,
                title,
                description,
                building_id: area.is_none().then_some(building),
                unit: area.is_none().then(|| "2单元".to_owned()),
                common_area: area,
                urgent: false,
                private: None,
                photo_ids: Vec::new(),
            };
            let private = crate::affairs::category_default(db, affair.category_id, compound)
                .await?
                .unwrap_or(false);
            crate::affairs::file(db, filer, &affair, private, None).await
        }
    };
    let step = |id: i64, person: i64, act: Act, note: Option<&'static str>| async move {
        let affair = held(db, id)
            .await?
            .ok_or_else(|| crate::error::AppError::internal("a demo affair is missing"))?;
        let step = Step {
            act,
            person,
            note,
            grid: None,
            assignee: None,
            photo_ids: &[],
        };
        let next = check(db, &affair, &step).await?;
        record(db, &affair, &step, next).await
    };
    let lamp = file(
        resident,
        "facility_repair",
        "楼道灯坏了",
        "2单元四楼到五楼的楼道灯不亮，晚上上下楼看不见。",
        None,
    )
    .await?;
    step(lamp, head, Act::Accept, None).await?;
    step(
        lamp,
        head,
        Act::Resolve,
        Some("请能人库的电工老周换了声控灯。"),
    )
    .await?;
    let resolved = held(db, lamp)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("a demo affair is missing"))?;
    crate::ratings::rate(
        db,
        &resolved,
        resident,
        &NewRating {
            satisfaction: Satisfaction::VerySatisfied,
            comment: Some("修得很快，谢谢！".to_owned()),
        },
        None,
    )
    .await?;
    let shed = file(
        neighbour,
        "facility_repair",
        "北门车棚顶漏雨",
        "车棚顶有两块板破了，下雨电动车都淋湿。",
        Some("北门车棚"),
    )
    .await?;
    step(shed, head, Act::Accept, None).await?;
    let passed = held(db, shed)
        .await?
        .ok_or_else(|| crate::error::AppError::internal("a demo affair is missing"))?;
    // A common area has no grid of its own: the station chooses one.
    let pass = Step {
        act: Act::PassToGrid,
        person: head,
        note: Some("需要物业出钱更换顶板，请网格员协调。"),
        grid: sqlx::query_scalar("SELECT grid_id FROM buildings WHERE id = $1")
            .bind(building)
            .fetch_one(&db.pool)
            .await?,
        assignee: None,
        photo_ids: &[],
    };
    let next = check(db, &passed, &pass).await?;
    record(db, &passed, &pass, next).await?;
    file(
        resident,
        "safety_hazard",
        "消防通道堆了杂物",
        "3号楼后面的消防通道堆了旧家具，消防车进不来。",
        Some("3号楼后消防通道"),
    )
    .await?;
    Ok(())
}

/// The demo communities' service units, each serving all of its
/// compounds, and five past months of ratings of the property company, so
/// its report and the board's trend have a history. This month is left for
/// residents to rate.
pub async fn load_sample_units(db: &Db) -> Result<(), crate::error::AppError> {
    use api_types::units::{NewUnit, UnitKind};
    let communities: Vec<i64> = sqlx::query_scalar("SELECT id FROM communities ORDER BY id")
        .fetch_all(&db.pool)
        .await?;
    let units: [(usize, &str, UnitKind, Option<&str>); 6] = [
        (
            0,
            "海景物业服务中心",
            UnitKind::Property,
            Some("13800000037"),
        ),
        (
            0,
            "自来水公司东港营业所",
            UnitKind::Water,
            Some("13800000038"),
        ),
        (0, "燃气公司东港服务站", UnitKind::Gas, Some("13800000039")),
        (0, "东港社区卫生服务站", UnitKind::Clinic, None),
        (1, "供电所临城班组", UnitKind::Power, Some("13800000041")),
        (
            1,
            "城管临城中队",
            UnitKind::CityManagement,
            Some("13800000042"),
        ),
    ];
    let mut property = None;
    for (community, name, kind, liaison) in units {
        let community_id = communities[community];
        let liaison_id = match liaison {
            Some(phone) => crate::roles::person_by_phone(db, phone).await?,
            None => None,
        };
        let compound_ids =
            sqlx::query_scalar("SELECT id FROM compounds WHERE community_id = $1 ORDER BY id")
                .bind(community_id)
                .fetch_all(&db.pool)
                .await?;
        let unit = NewUnit {
            community_id,
            name: name.to_owned(),
            kind,
            compound_ids,
            liaison_phone: liaison.map(str::to_owned),
        };
        let id = crate::units::create(db, &unit, liaison_id).await?;
        property = property.or(Some(id));
    }
    let property =
        property.ok_or_else(|| crate::error::AppError::internal("no demo property company"))?;
    let raters: Vec<i64> = sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 12")
        .fetch_all(&db.pool)
        .await?;
    // (months back, ratings, satisfied): better since the reports began.
    for (back, count, satisfied) in [(5, 8, 4), (4, 10, 6), (3, 12, 9), (2, 11, 9), (1, 12, 11)] {
        let month = crate::metrics::month_of(crate::db::now_ms(), back);
        let (start, _) = crate::metrics::month_range(&month)
            .ok_or_else(|| crate::error::AppError::internal("a bad demo month"))?;
        for (i, rater) in raters.iter().take(count).enumerate() {
            let score = if i < satisfied { 5 - (i as i64 % 3) } else { 2 };
            sqlx::query(
                "INSERT INTO unit_ratings (unit_id, person_id, month, score, comment, rated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(property)
            .bind(rater)
            .bind(month.clone())
            .bind(score)
            .bind((score <= 2).then(|| "垃圾清运不及时".to_owned()))
            .bind(start + 3 * 86_400_000 + i as i64 * 3_600_000)
            .execute(&db.pool)
            .await?;
        }
    }
    Ok(())
}

/// 海景花园's household roster (花名册), uploaded by its station head as a
/// station would: the demo residents it lists are verified at once; the
/// households whose people never signed in (phones 1391234000x) are
/// verified when they first sign in.
pub const ROSTER: &[u8] = include_bytes!("../demo/roster-haijing-huayuan.csv");

/// The demo compound the roster, consultations and posts belong to.
const SAMPLE_COMPOUND: &str = "海景花园";

/// A demo person by phone (phones are given in order from 13800000002:
/// 王秀英 02 heads 海景花园's station, 赵敏 04, 何建平 07 and 马丽华 08
/// are its members, 陈晓东 10 its second grid's worker, 陈志明 45 and
/// 王药师 46 residents).
async fn demo_person(db: &Db, phone: &str) -> Result<i64, AppError> {
    crate::roles::person_by_phone(db, phone)
        .await?
        .ok_or_else(|| AppError::internal("a demo person is missing"))
}

async fn sample_compound(db: &Db) -> Result<i64, AppError> {
    sqlx::query_scalar::<_, i64>("SELECT id FROM compounds WHERE name = $1 ORDER BY id LIMIT 1")
        .bind(SAMPLE_COMPOUND)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| AppError::internal("the demo ledger lacks 海景花园"))
}

/// Fails the demo's loading when a rule the API applies would refuse what
/// the demo does: the demo shows only what residents could have done.
fn allowed(ok: bool, what: &str) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::internal(format!(
            "the demo breaks a rule: {what}"
        )))
    }
}

/// Unix milliseconds of `hour:minute` in China time, `days` from today.
fn china_time(now: i64, days: i64, hour: i64, minute: i64) -> i64 {
    const DAY_MS: i64 = 86_400_000;
    let offset = crate::metrics::CHINA_OFFSET_MS;
    let today = (now + offset).div_euclid(DAY_MS) * DAY_MS - offset;
    today + days * DAY_MS + (hour * 60 + minute) * 60_000
}

/// Uploads 海景花园's roster through the roster import (the code of
/// `linli-server roster import` and the station's upload page), as its
/// station head.
pub async fn load_sample_roster(db: &Db, secret: &crate::secret::Secret) -> Result<(), AppError> {
    let compound = sample_compound(db).await?;
    let head = demo_person(db, "13800000002").await?;
    let report = crate::roster::import(
        db,
        secret,
        compound,
        ROSTER,
        false,
        Some(head),
        api_types::Lang::Zh,
    )
    .await?;
    if !report.applied {
        return Err(AppError::internal(format!(
            "the demo roster does not import: {:?}",
            report.errors
        )));
    }
    Ok(())
}

/// Consultations of 海景花园 at every stage of their life, taken through
/// the functions and rules the API's handlers use: a proposal gathering
/// support, one declined, one in discussion with a meeting to come, one
/// being voted on per household, one concluded with action items and
/// progress, one carried out. Its voices are the residents the roster
/// verified, so [`load_sample_roster`] comes first. The newest is the
/// proposal, so the list opens with what still needs residents.
pub async fn load_sample_consultations(db: &Db) -> Result<(), AppError> {
    use crate::consultations as c;
    use api_types::consultations::{
        Asks, Meeting, MoveTopic, NewComment, NewOutcome, NewPledge, NewTopic, PledgeKind, Scope,
        Step, VoteRule, VoterUnit, advance, check_ballot,
    };
    let compound = sample_compound(db).await?;
    let head = demo_person(db, "13800000002").await?;
    let zhao = demo_person(db, "13800000004").await?;
    let he = demo_person(db, "13800000007").await?;
    let ma = demo_person(db, "13800000008").await?;
    let chen_xd = demo_person(db, "13800000010").await?;
    let chen = demo_person(db, "13800000045").await?;
    let wang = demo_person(db, "13800000046").await?;
    let now = now_ms();

    let held = async |id: i64| -> Result<c::Held, AppError> {
        c::held(db, id)
            .await?
            .ok_or_else(|| AppError::internal("a demo consultation is missing"))
    };
    // A resident proposes, or the station head posts (adopted at once).
    let file = async |person: i64, topic: NewTopic, posted: bool| -> Result<i64, AppError> {
        topic.validate().map_err(AppError::validation)?;
        if posted {
            allowed(
                c::heads_station(db, person, compound).await?,
                "post a topic",
            )?;
        } else {
            allowed(
                crate::pool::is_resident_of(db, person, compound).await?,
                "propose a topic",
            )?;
        }
        c::create(db, person, &topic, posted).await
    };
    let take = async |id: i64, person: i64, step: MoveTopic| -> Result<(), AppError> {
        step.validate().map_err(AppError::validation)?;
        let topic = held(id).await?;
        let next = advance(topic.state, step.step)
            .ok_or_else(|| AppError::internal("the demo takes an illegal step"))?;
        let may = match step.step {
            Step::Adopt | Step::Decline => c::may_adopt(db, person, &topic).await?,
            _ => topic.convenor == Some(person),
        };
        allowed(may, step.step.as_str())?;
        c::take_step(db, &topic, person, &step, next).await
    };
    let bare = |step: Step| MoveTopic {
        step,
        reason: None,
        vote_rule: None,
        outcome: None,
    };
    // Supports, comments, pledges and registrations: residents in scope,
    // or the station moderating.
    let takes_part = async |id: i64, person: i64| -> Result<(), AppError> {
        let topic = held(id).await?;
        let ok = c::electorate(db, &topic)
            .await?
            .residents
            .contains_key(&person)
            || c::moderates(db, person, &topic).await?;
        allowed(ok, "take part in a consultation")
    };
    let say = async |id: i64, person: i64, body: &str, proposal: bool, parent: Option<i64>| {
        takes_part(id, person).await?;
        c::comment(
            db,
            id,
            person,
            &NewComment {
                body: body.to_owned(),
                parent_id: parent,
                proposal,
            },
        )
        .await
    };
    let pledge = async |id: i64, person: i64, kind: PledgeKind, amount: i64, what: &str| {
        takes_part(id, person).await?;
        let pledge = NewPledge {
            kind,
            amount,
            description: Some(what.to_owned()),
        };
        pledge.validate().map_err(AppError::validation)?;
        c::pledge(db, id, person, &pledge).await
    };
    let vote = async |id: i64, person: i64, choices: &[usize]| -> Result<(), AppError> {
        let topic = held(id).await?;
        let rule = c::vote_rule(db, id)
            .await?
            .ok_or_else(|| AppError::internal("a demo ballot has no rule"))?;
        let electorate = c::electorate(db, &topic).await?;
        let household = electorate.residents.get(&person).copied().unwrap_or(0);
        let key = c::voter_key(rule.per, person, household);
        let stored = c::ballots(db, id).await?;
        let existing = stored.iter().find(|(k, _)| *k == key).map(|(_, b)| b);
        let checked = check_ballot(topic.state, &rule, &electorate, person, choices, existing);
        allowed(checked.is_ok(), "vote")?;
        let seen = existing.map(|b| b.person);
        let stored = c::store_ballot(db, id, &key, seen, (person, household), choices).await?;
        allowed(stored.is_ok(), "vote")?;
        Ok(())
    };
    let topic = |title: &str, background: &str, meeting: Option<Meeting>, asks: Asks| NewTopic {
        compound_id: compound,
        scope: Scope::Compound,
        building_id: None,
        title: title.to_owned(),
        background: background.to_owned(),
        photo_ids: Vec::new(),
        discussion_days: 14,
        meeting,
        asks,
    };
    let ballot = |options: &[&str], per: VoterUnit| VoteRule {
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        multiple: false,
        per,
        secret: false,
        quorum_percent: 50,
    };
    let conclude = |decision: &str, reasoning: &str, items: &[&str]| MoveTopic {
        step: Step::Conclude,
        reason: None,
        vote_rule: None,
        outcome: Some(NewOutcome {
            decision: decision.to_owned(),
            reasoning: reasoning.to_owned(),
            action_items: items.iter().map(|i| (*i).to_owned()).collect(),
        }),
    };
    let items = async |id: i64| -> Result<Vec<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM action_items WHERE consultation_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?)
    };

    // Carried out: the fire lane behind 3号楼 (the affair filed about it).
    let lane = file(
        head,
        topic(
            "3号楼后消防通道划禁停线",
            "3号楼后面的消防通道经常停车、堆旧家具，消防车进不来。想在通道上划黄色禁停线，两头立提示牌。",
            None,
            Asks::default(),
        ),
        true,
    )
    .await?;
    take(lane, head, bare(Step::OpenDiscussion)).await?;
    say(
        lane,
        he,
        "支持。上次3号楼有人发烧叫救护车，车就是开不进去。",
        false,
        None,
    )
    .await?;
    take(
        lane,
        head,
        MoveTopic {
            vote_rule: Some(ballot(&["同意划线立牌", "不同意"], VoterUnit::Resident)),
            ..bare(Step::OpenVoting)
        },
    )
    .await?;
    for voter in [he, ma, chen_xd, zhao] {
        vote(lane, voter, &[0]).await?;
    }
    take(
        lane,
        head,
        conclude(
            "在3号楼后消防通道划黄色禁停网格线，两头各立一块提示牌。",
            "参与投票的四位居民全部同意，达到参与比例。",
            &["划线当天帮忙挪车、看护现场"],
        ),
    )
    .await?;
    takes_part(lane, chen_xd).await?;
    c::sign_up(db, lane, items(lane).await?[0], chen_xd).await?;
    c::add_progress(
        db,
        lane,
        head,
        "禁停线已经划好，提示牌也立起来了，通道现在畅通。谢谢帮忙挪车的邻居！",
        &[],
    )
    .await?;
    take(lane, head, bare(Step::Implement)).await?;

    // Concluded: the fitness corner, after a meeting ten days ago.
    let fitness = file(
        head,
        topic(
            "健身角旧器材更换",
            "健身角的单杠和扭腰器锈得厉害，上个月有老人扶单杠时划伤了手。物业说动用维修基金要大家同意。",
            Some(Meeting {
                at: crate::db::rfc3339(china_time(now, -10, 19, 0)),
                place: "互助站活动室".to_owned(),
                capacity: 40,
            }),
            Asks {
                money_fen: 300_000,
                ..Asks::default()
            },
        ),
        true,
    )
    .await?;
    take(fitness, head, bare(Step::OpenDiscussion)).await?;
    for person in [he, ma, wang, chen] {
        takes_part(fitness, person).await?;
        c::register(db, fitness, &Acting::themselves(person)).await?;
    }
    say(
        fitness,
        chen,
        "旧器材先拆掉围起来，别再有人受伤。",
        false,
        None,
    )
    .await?;
    say(
        fitness,
        ma,
        "新器材选带扶手的，适合老年人，地面铺一层软垫。",
        true,
        None,
    )
    .await?;
    pledge(fitness, wang, PledgeKind::Money, 20_000, "买软垫").await?;
    pledge(fitness, he, PledgeKind::Hours, 4, "帮忙安装").await?;
    // 陈志明 registered but did not come; 赵敏 came without registering.
    c::record_attendance(db, fitness, &[he, ma, wang, zhao]).await?;
    take(
        fitness,
        head,
        MoveTopic {
            vote_rule: Some(ballot(
                &["同意用维修基金更换", "不同意"],
                VoterUnit::Household,
            )),
            ..bare(Step::OpenVoting)
        },
    )
    .await?;
    for (voter, choice) in [(he, 0), (ma, 0), (wang, 0), (chen, 0), (zhao, 1)] {
        vote(fitness, voter, &[choice]).await?;
    }
    take(
        fitness,
        head,
        conclude(
            "同意用维修基金更换健身角的单杠和扭腰器，选带扶手的款式，旧器材先拆除围起来。",
            "居民会上物业答应十天内报价；投票的五户中四户同意、一户不同意，达到参与比例。",
            &["拆旧器材时在现场看护", "新器材到货后帮忙验收"],
        ),
    )
    .await?;
    let fitness_items = items(fitness).await?;
    for (item, person) in [(0, he), (1, chen), (1, wang)] {
        takes_part(fitness, person).await?;
        c::sign_up(db, fitness, fitness_items[item], person).await?;
    }
    c::add_progress(
        db,
        fitness,
        head,
        "物业已拆除旧单杠，围上了隔离带。新器材报价 2800 元，下周到货。",
        &[],
    )
    .await?;

    // Declined, with the reason residents read.
    let shop = file(
        chen_xd,
        topic(
            "北门空房开一家便利店",
            "买菜、买日用品要走到东港路口，老人来回不方便。北门那间空房能不能开个便利店？",
            None,
            Asks::default(),
        ),
        false,
    )
    .await?;
    takes_part(shop, chen).await?;
    c::support(db, shop, chen).await?;
    take(
        shop,
        head,
        MoveTopic {
            reason: Some(
                "北门空房是物业用房，开店要办经营手续，不是小区自己能商量定的。已转告社区，社区正在联系流动售卖车每周来两次。"
                    .to_owned(),
            ),
            ..bare(Step::Decline)
        },
    )
    .await?;

    // Voting: where the sorting points go, one vote per household.
    let sorting = file(
        wang,
        topic(
            "垃圾分类投放点设在哪里",
            "现在每栋楼下都放垃圾桶，分类乱、味道大。街道要求定时定点投放，想请大家定一下投放点放在哪里、几点开放。",
            None,
            Asks::default(),
        ),
        false,
    )
    .await?;
    for person in [zhao, chen, ma] {
        takes_part(sorting, person).await?;
        c::support(db, sorting, person).await?;
    }
    take(sorting, head, bare(Step::Adopt)).await?;
    take(sorting, head, bare(Step::OpenDiscussion)).await?;
    let far = say(
        sorting,
        zhao,
        "只放北门车棚旁边的话，5号楼、6号楼的老人拎着垃圾要走好远。",
        false,
        None,
    )
    .await?;
    say(
        sorting,
        chen_xd,
        "设两个点：北门车棚旁一个、3号楼西侧空地一个，早上7点到9点、晚上6点到8点开放。",
        true,
        None,
    )
    .await?;
    say(
        sorting,
        head,
        "两个点的方案已经问过物业，3号楼西侧可以放。",
        false,
        Some(far),
    )
    .await?;
    pledge(
        sorting,
        ma,
        PledgeKind::Hours,
        10,
        "开放时间在投放点当督导员",
    )
    .await?;
    take(
        sorting,
        head,
        MoveTopic {
            vote_rule: Some(ballot(
                &[
                    "北门车棚旁设一个点",
                    "北门车棚旁和3号楼西侧各设一个点",
                    "保持每栋楼下放桶",
                ],
                VoterUnit::Household,
            )),
            ..bare(Step::OpenVoting)
        },
    )
    .await?;
    for (voter, choice) in [(chen_xd, 1), (zhao, 1), (wang, 0), (he, 1)] {
        vote(sorting, voter, &[choice]).await?;
    }

    // In discussion, with a meeting in five days residents register for.
    let parking = file(
        head,
        topic(
            "北门停车位重新划线",
            "小区只有120个车位，晚上车停到消防通道和绿化带上。想把北门空地重新划线，增加20个车位，再商量车位怎么分配。",
            Some(Meeting {
                at: crate::db::rfc3339(china_time(now, 5, 19, 30)),
                place: "互助站活动室".to_owned(),
                capacity: 30,
            }),
            Asks {
                money_fen: 600_000,
                hours: 16,
                materials: Some("划线油漆、锥桶".to_owned()),
                venue: false,
            },
        ),
        true,
    )
    .await?;
    take(parking, head, bare(Step::OpenDiscussion)).await?;
    say(
        parking,
        chen,
        "晚上九点以后基本找不到车位，支持划线。消防通道一定要留出来。",
        false,
        None,
    )
    .await?;
    let idea = say(
        parking,
        ma,
        "车位先保证小区住户，外来车辆按小时收费，收的钱用于小区公共维修。",
        true,
        None,
    )
    .await?;
    for person in [he, wang] {
        takes_part(parking, person).await?;
        c::support_comment(db, idea, person).await?;
    }
    say(
        parking,
        head,
        "这个主意好，开会时请物业一起算一算。",
        false,
        Some(idea),
    )
    .await?;
    pledge(
        parking,
        he,
        PledgeKind::Hours,
        4,
        "划线那天帮忙摆锥桶、指挥车辆",
    )
    .await?;
    pledge(
        parking,
        chen_xd,
        PledgeKind::Materials,
        0,
        "家里有两桶划线漆",
    )
    .await?;
    for person in [he, ma, chen] {
        takes_part(parking, person).await?;
        c::register(db, parking, &Acting::themselves(person)).await?;
    }

    // Proposed: gathering support.
    let hallways = file(
        he,
        topic(
            "楼道堆物集中清理",
            "2号楼、3号楼不少楼道堆着旧家具、纸箱，挡路又有火灾隐患。建议定一个周末大家一起清，清不走的由物业统一运走。",
            None,
            Asks {
                hours: 20,
                ..Asks::default()
            },
        ),
        false,
    )
    .await?;
    for person in [ma, wang, chen] {
        takes_part(hallways, person).await?;
        c::support(db, hallways, person).await?;
    }
    Ok(())
}

/// 海景花园's capable-person pool and volunteer posts, through the pool's
/// functions and rules: the retired gas fitter, the pharmacist and two
/// station members approved (an IT helper still waiting), a weekly health
/// check whose two past weeks were served (checked in and out, or
/// confirmed by the head) so records show hours, a home-visit post full
/// with one waiting, and posts with places left in the coming days. Needs
/// [`load_sample_roster`]'s verified residents.
pub async fn load_sample_pool(db: &Db) -> Result<(), AppError> {
    use crate::pool;
    use api_types::pool::{ApplicationStatus, ClaimStatus, NewApplication, NewPost, Span};
    let compound = sample_compound(db).await?;
    let street: i64 = sqlx::query_scalar(
        "SELECT cm.street_id FROM compounds c JOIN communities cm ON cm.id = c.community_id WHERE c.id = $1",
    )
    .bind(compound)
    .fetch_one(&db.pool)
    .await?;
    let skills = pool::skills(db, street, api_types::Lang::Zh).await?;
    let skill = |code: &str| {
        skills
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.id)
            .ok_or_else(|| AppError::internal("a demo skill is missing"))
    };
    let head = demo_person(db, "13800000002").await?;
    let zhao = demo_person(db, "13800000004").await?;
    let he = demo_person(db, "13800000007").await?;
    let ma = demo_person(db, "13800000008").await?;
    let chen_xd = demo_person(db, "13800000010").await?;
    let chen = demo_person(db, "13800000045").await?;
    let wang = demo_person(db, "13800000046").await?;
    let now = now_ms();
    allowed(
        crate::permissions::is_station_member(db, head, compound).await?,
        "decide applications and set posts",
    )?;

    let applications = [
        (
            chen,
            vec![skill("gas")?, skill("plumbing_electrics")?],
            None,
            "工作日白天都在家",
            "燃气公司退休的管道工，干了三十年。燃气灶、热水器、管道漏气都能帮忙看。",
            true,
        ),
        (
            wang,
            vec![skill("medicine")?, skill("elder_care")?],
            None,
            "每周六上午",
            "退休药剂师，可以帮忙量血压、整理药盒、讲讲用药常识。",
            false,
        ),
        (
            he,
            vec![skill("plumbing_electrics")?],
            Some("修自行车"),
            "周末",
            "会换灯泡、修水龙头，自行车也能修。",
            false,
        ),
        (
            ma,
            vec![skill("elder_care")?, skill("arts")?],
            None,
            "工作日下午",
            "退休小学老师，喜欢唱歌，常去看望独居老人。",
            true,
        ),
        (
            zhao,
            vec![skill("it_help")?],
            None,
            "工作日晚上",
            "可以教老人用智能手机、微信视频、扫码付款。",
            false,
        ),
    ];
    for (person, skill_ids, other, availability, intro, party) in applications {
        allowed(
            pool::is_resident_of(db, person, compound).await?,
            "join the pool",
        )?;
        let application = NewApplication {
            compound_id: compound,
            skill_ids,
            other_skills: other.map(str::to_owned),
            availability: availability.to_owned(),
            intro: Some(intro.to_owned()),
            show_party_member: party,
        };
        application.validate().map_err(AppError::validation)?;
        let id = pool::apply(db, person, &application).await?;
        // 赵敏's waits for the station, so its desk has one to decide.
        if person != zhao {
            pool::decide(db, id, head, ApplicationStatus::Approved, None).await?;
        }
    }

    let set = async |post: NewPost, start: i64| -> Result<Vec<pool::HeldSlot>, AppError> {
        post.validate().map_err(AppError::validation)?;
        let first = Span {
            start,
            end: start + post.minutes * 60_000,
        };
        let id = pool::create_post(db, head, &post, first).await?;
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM slots WHERE post_id = $1 ORDER BY starts_at")
                .bind(id)
                .fetch_all(&db.pool)
                .await?;
        let mut slots = Vec::new();
        for slot in ids {
            slots.extend(pool::slot(db, slot).await?);
        }
        Ok(slots)
    };
    let claim = async |slot: &pool::HeldSlot, person: i64| -> Result<ClaimStatus, AppError> {
        allowed(
            pool::may_volunteer(db, person, slot.compound, slot.skill).await?,
            "claim a place",
        )?;
        pool::claim(db, slot, &Acting::themselves(person)).await
    };
    let post =
        |title: &str, description: &str, place: &str, skill_id, places, minutes, weeks| NewPost {
            compound_id: compound,
            title: title.to_owned(),
            description: description.to_owned(),
            place: place.to_owned(),
            skill_id,
            places,
            cutoff_hours: 12,
            starts_at: String::new(),
            minutes,
            weeks,
        };

    // Weekly since two weeks ago: the past weeks are the demo's made-up
    // history, claimed and served then.
    let health = set(
        post(
            "每周健康义诊",
            "量血压、测血糖，帮老人整理药盒，讲讲用药常识。",
            "互助站活动室",
            None,
            2,
            120,
            4,
        ),
        china_time(now, -13, 9, 0),
    )
    .await?;
    let [first_week, second_week, next_week, ..] = health.as_slice() else {
        return Err(AppError::internal("the demo health check lacks slots"));
    };
    for (slot, people) in [(first_week, [wang, ma]), (second_week, [wang, he])] {
        for person in people {
            claim(slot, person).await?;
        }
    }
    // 王药师 checked in and out with the code the first week (the times
    // set to the slot's, as they were then); the head confirmed the rest.
    let (served, _, _) = pool::confirmed_claim(db, first_week.id, wang)
        .await?
        .ok_or_else(|| AppError::internal("a demo claim is missing"))?;
    let (checked_in, checked_out) = (first_week.span.start - 10 * 60_000, first_week.span.end);
    pool::record_check(db, served, None).await?;
    pool::record_check(
        db,
        served,
        Some(api_types::pool::minutes_served(checked_in, checked_out)),
    )
    .await?;
    sqlx::query("UPDATE claims SET checked_in_at = $1, checked_out_at = $2 WHERE id = $3")
        .bind(checked_in)
        .bind(checked_out)
        .bind(served)
        .execute(&db.pool)
        .await?;
    pool::confirm(db, first_week, ma, true).await?;
    pool::confirm(db, second_week, wang, true).await?;
    pool::confirm(db, second_week, he, true).await?;
    claim(next_week, wang).await?;

    // Full, with one waiting.
    let visits = set(
        post(
            "独居老人上门探访",
            "陪3号楼、5号楼的独居老人聊聊天，看看家里水电燃气是否安全，有事告诉互助站。",
            "互助站门口集合",
            None,
            2,
            90,
            1,
        ),
        china_time(now, 2, 15, 0),
    )
    .await?;
    for person in [ma, he, chen_xd] {
        claim(&visits[0], person).await?;
    }

    // Needs a skill: only capable persons who have it may claim.
    let gas = set(
        post(
            "燃气安全入户检查",
            "入冬前帮5号楼、6号楼的老人查一查燃气灶、软管和热水器，发现问题告诉燃气公司。",
            "5号楼楼下集合",
            Some(skill("gas")?),
            2,
            120,
            1,
        ),
        china_time(now, 4, 9, 30),
    )
    .await?;
    claim(&gas[0], chen).await?;
    let repairs = set(
        post(
            "周末小家电义修",
            "修台灯、电风扇、电水壶，换水龙头。零件费用居民自理。",
            "北门车棚旁",
            Some(skill("plumbing_electrics")?),
            3,
            180,
            1,
        ),
        china_time(now, 6, 9, 0),
    )
    .await?;
    claim(&repairs[0], he).await?;
    Ok(())
}

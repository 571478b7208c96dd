//! The one place the app talks to the server: a typed function per
//! endpoint, the error envelope decoded once.

use api_types::affairs::{
    Affair, Board, Category, FollowUp, MarkRead, Metrics, Move, NewAffair, NewRating, Notice,
    Photo, Seconded, Unread,
};
use api_types::affairs::{ForResident, NewRecordedAffair};
use api_types::consultations::{
    BallotChoices, Comment, Consultation, ConsultationSummary, MoveTopic, NewComment, NewPledge,
    NewProgress, NewTopic, Reason,
};
use api_types::households::{HouseholdRequest, Invite, NewHouseholdRequest, NewInvite, Rejection};
use api_types::identity::{CodeRequest, CodeSent, CurrentSession, Me, SignIn};
use api_types::imports::RosterStatus;
use api_types::place_edits::{BuildingEdit, NewBuilding, NewPlace, PlaceChangeRecord, PlaceRef};
use api_types::places::{CommunitySummary, CompoundDetail, CompoundSummary, StreetSummary};
use api_types::pool::{
    CapablePerson, CheckInCode, CodeEntry, HelpDone, HelpRequest, NewApplication, NewHelpRequest,
    NewPost, PoolFigures, PoolMember, Post, Skill, VolunteerRecord,
};
use api_types::roles::{
    Department, NewDepartment, NewRoleGrant, Revocation, RoleGrant, RoleRecord,
};
use api_types::units::{
    CommunityReports, NewUnit, NewUnitRating, Report, Unit, UnitAnswer, UnitRecord,
};
use api_types::{API_PREFIX, ErrorBody, ErrorCode, Lang, Page};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A failed API call, ready to show to the resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The API's code; `None` when the server was never reached.
    pub code: Option<ErrorCode>,
    /// The server's message in the requested language, if it sent one.
    pub message: Option<String>,
}

impl ApiError {
    /// What to tell the resident: the server's message, or for a request
    /// that never reached it, to check the network.
    pub fn text(&self, lang: Lang) -> String {
        self.message
            .clone()
            .unwrap_or_else(|| crate::i18n::t(lang, crate::i18n::Key::NetworkError).to_owned())
    }

    /// Whether the record is absent (or hidden from this person).
    pub fn is_not_found(&self) -> bool {
        self.code == Some(ErrorCode::NotFound)
    }
}

fn network_error<E>(_: E) -> ApiError {
    ApiError {
        code: None,
        message: None,
    }
}

/// The HTTP methods the app uses.
#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// FNV-1a (64 bits) of `bytes`, in the `Idempotency-Key` a request sends:
/// the form's key plus this digest of the path, so one row of buttons
/// (claim, cancel, check in) keys each act apart. The body is left out on
/// purpose: a form edited after a lost answer must not file a second
/// record; the server answers 422 `idempotency_key_reused` instead, which
/// tells the resident the first one arrived. It tells requests apart; it
/// guards nothing (the server compares a SHA-256 of the request). Written
/// here: five lines, where a hashing crate would add to every bundle.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One request to the API; an error answer becomes an [`ApiError`]. Not
/// generic, so its code is in the wasm once. `idempotency_key` is a
/// [`crate::submit::Submit`]'s key; the header adds the path's digest.
async fn call(
    method: Method,
    path: &str,
    body: Option<String>,
    idempotency_key: Option<&str>,
    lang: Lang,
) -> Result<Response, ApiError> {
    let url = format!("{API_PREFIX}{path}");
    let mut builder = match method {
        Method::Get => Request::get(&url),
        Method::Post => Request::post(&url),
        Method::Put => Request::put(&url),
        Method::Delete => Request::delete(&url),
    }
    .header("Accept-Language", lang.tag());
    if let Some(key) = idempotency_key {
        let digest = fnv1a(path.as_bytes());
        builder = builder.header(
            api_types::IDEMPOTENCY_KEY_HEADER,
            &format!("{key}-{digest:016x}"),
        );
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body)
            .map_err(network_error)?,
        None => builder.build().map_err(network_error)?,
    };
    let response = request.send().await.map_err(network_error)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(decode_error(response).await)
    }
}

async fn get<T: DeserializeOwned>(path: &str, lang: Lang) -> Result<T, ApiError> {
    decode(call(Method::Get, path, None, None, lang).await?).await
}

/// `POST path` with a JSON body, keyed by a [`crate::submit::Submit`]'s
/// `key` so a retry is the same act.
async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    key: &str,
    lang: Lang,
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(network_error)?;
    decode(call(Method::Post, path, Some(body), Some(key), lang).await?).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response.json::<T>().await.map_err(|_| ApiError {
            code: Some(ErrorCode::Internal),
            message: None,
        })
    } else {
        Err(decode_error(response).await)
    }
}

async fn decode_error(response: Response) -> ApiError {
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiError {
            code: Some(body.error.code),
            message: Some(body.error.message),
        },
        Err(_) => ApiError {
            code: Some(ErrorCode::for_status(response.status())),
            message: None,
        },
    }
}

/// `GET /streets`: the first page is all a deployment's streets.
pub async fn list_streets(lang: Lang) -> Result<Page<StreetSummary>, ApiError> {
    get("/streets?limit=100", lang).await
}

/// `GET /compounds`: every compound of the deployment, in id order.
pub async fn list_compounds(lang: Lang) -> Result<Vec<CompoundSummary>, ApiError> {
    let mut all = Vec::new();
    let mut path = "/compounds?limit=100".to_owned();
    loop {
        let page: Page<CompoundSummary> = get(&path, lang).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) => path = format!("/compounds?limit=100&cursor={cursor}"),
            None => return Ok(all),
        }
    }
}

/// `GET /compounds/{id}`.
pub async fn get_compound(id: i64, lang: Lang) -> Result<CompoundDetail, ApiError> {
    get(&format!("/compounds/{id}"), lang).await
}

/// `POST /sign-in-codes`: sends a code to `phone`.
pub async fn request_code(phone: String, key: &str, lang: Lang) -> Result<CodeSent, ApiError> {
    post("/sign-in-codes", &CodeRequest { phone }, key, lang).await
}

/// `POST /sessions`: signs in; the server sets the session cookie.
pub async fn sign_in(phone: String, code: String, lang: Lang) -> Result<Me, ApiError> {
    // Unkeyed: a repeated answer could not carry the session cookie; a
    // retry after a lost answer finds the code spent and asks for another.
    let body = serde_json::to_string(&SignIn { phone, code }).map_err(network_error)?;
    decode(call(Method::Post, "/sessions", Some(body), None, lang).await?).await
}

/// `GET /sessions/current`: the signed-in person, or `None` for an
/// anonymous visitor.
pub async fn current_person(lang: Lang) -> Result<Option<Me>, ApiError> {
    get::<CurrentSession>("/sessions/current", lang)
        .await
        .map(|s| s.person)
}

/// `DELETE /sessions/current`, or with `everywhere`, `DELETE /sessions`.
pub async fn sign_out(everywhere: bool, lang: Lang) -> Result<(), ApiError> {
    let path = if everywhere {
        "/sessions"
    } else {
        "/sessions/current"
    };
    call(Method::Delete, path, None, None, lang)
        .await
        .map(|_| ())
}

/// `DELETE /me`: deletes the account and ends its sessions.
pub async fn delete_account(lang: Lang) -> Result<(), ApiError> {
    call(Method::Delete, "/me", None, None, lang)
        .await
        .map(|_| ())
}

/// `GET /invites/{token}`.
pub async fn get_invite(token: &str, lang: Lang) -> Result<Invite, ApiError> {
    get(&format!("/invites/{token}"), lang).await
}

/// `POST /household-requests`, safe to retry with the same `key`.
pub async fn request_household(
    request: &NewHouseholdRequest,
    key: &str,
    lang: Lang,
) -> Result<HouseholdRequest, ApiError> {
    post("/household-requests", request, key, lang).await
}

/// `GET /household-requests?status=pending`: what the person may decide.
pub async fn pending_household_requests(lang: Lang) -> Result<Page<HouseholdRequest>, ApiError> {
    get("/household-requests?status=pending&limit=100", lang).await
}

/// Approves (`reason` is `None`) or rejects a household request.
pub async fn decide_household_request(
    id: i64,
    reason: Option<String>,
    key: &str,
    lang: Lang,
) -> Result<HouseholdRequest, ApiError> {
    match reason {
        None => {
            let path = format!("/household-requests/{id}/approvals");
            decode(call(Method::Post, &path, None, Some(key), lang).await?).await
        }
        Some(reason) => {
            post(
                &format!("/household-requests/{id}/rejections"),
                &Rejection { reason },
                key,
                lang,
            )
            .await
        }
    }
}

/// `POST /invites`, safe to retry with the same `key`.
pub async fn create_invite(invite: &NewInvite, key: &str, lang: Lang) -> Result<Invite, ApiError> {
    post("/invites", invite, key, lang).await
}

/// `GET /invites?compound_id=`: the compound's invites, newest first.
pub async fn list_invites(compound_id: i64, lang: Lang) -> Result<Page<Invite>, ApiError> {
    get(
        &format!("/invites?compound_id={compound_id}&limit=20"),
        lang,
    )
    .await
}

/// A fresh `Idempotency-Key`: one per form submission, reused by its
/// retries. It only has to differ from this session's other keys (the
/// server scopes keys to the session), so two draws of `Math.random` (about
/// 104 bits) printed in hex by hand serve, where `crypto.randomUUID` and
/// Rust's formatting cost every bundle about 400 bytes (measured on the
/// ratings bundle).
pub fn new_idempotency_key() -> String {
    let mut key = String::with_capacity(26);
    for _ in 0..2 {
        let draw = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        key.extend((0..13).filter_map(|i| char::from_digit(((draw >> (i * 4)) & 0xf) as u32, 16)));
    }
    key
}

/// `GET /categories?street_id=`: the street's affair categories.
pub async fn list_categories(street_id: i64, lang: Lang) -> Result<Vec<Category>, ApiError> {
    get::<Page<Category>>(&format!("/categories?street_id={street_id}"), lang)
        .await
        .map(|p| p.items)
}

/// `POST /affairs`, safe to retry with the same `key`.
pub async fn file_affair(affair: &NewAffair, key: &str, lang: Lang) -> Result<Affair, ApiError> {
    post("/affairs", affair, key, lang).await
}

/// `GET /affairs/{id}`.
pub async fn get_affair(id: i64, lang: Lang) -> Result<Affair, ApiError> {
    get(&format!("/affairs/{id}"), lang).await
}

/// `GET /affairs?compound_id=&mine=true`: the person's own affairs there.
pub async fn my_affairs(compound_id: i64, lang: Lang) -> Result<Page<Affair>, ApiError> {
    get(
        &format!("/affairs?compound_id={compound_id}&mine=true&limit=50"),
        lang,
    )
    .await
}

/// `GET /similar-affairs`: open public affairs that look like `title`.
pub async fn similar_affairs(
    compound_id: i64,
    category_id: i64,
    title: &str,
    lang: Lang,
) -> Result<Vec<Affair>, ApiError> {
    let title: String = js_sys::encode_uri_component(title).into();
    get::<Page<Affair>>(
        &format!(
            "/similar-affairs?compound_id={compound_id}&category_id={category_id}&title={title}"
        ),
        lang,
    )
    .await
    .map(|p| p.items)
}

/// `POST /affairs/{id}/seconds`: "me too".
pub async fn second_affair(id: i64, key: &str, lang: Lang) -> Result<Seconded, ApiError> {
    let path = format!("/affairs/{id}/seconds");
    decode(call(Method::Post, &path, None, Some(key), lang).await?).await
}

/// `POST /affairs/{id}/events`, safe to retry with the same `key`.
pub async fn act(id: i64, step: &Move, key: &str, lang: Lang) -> Result<Affair, ApiError> {
    post(&format!("/affairs/{id}/events"), step, key, lang).await
}

/// `POST /affairs/{id}/rating`, or after a follow-up `.../rating/re-rating`,
/// safe to retry with the same `key`.
pub async fn rate(
    id: i64,
    rating: &NewRating,
    again: bool,
    key: &str,
    lang: Lang,
) -> Result<Affair, ApiError> {
    let tail = if again { "/re-rating" } else { "" };
    post(&format!("/affairs/{id}/rating{tail}"), rating, key, lang).await
}

/// `POST /affairs/{id}/rating/follow-up`, safe to retry with the same `key`.
pub async fn follow_up(id: i64, note: String, key: &str, lang: Lang) -> Result<Affair, ApiError> {
    post(
        &format!("/affairs/{id}/rating/follow-up"),
        &FollowUp { note },
        key,
        lang,
    )
    .await
}

/// `GET /affair-queue`: what the handler holds; `query` is `view=new&…`.
pub async fn queue(query: &str, lang: Lang) -> Result<Page<Affair>, ApiError> {
    get(&format!("/affair-queue?{query}"), lang).await
}

/// `GET /notices`: the person's newest notices.
pub async fn notices(lang: Lang) -> Result<Page<Notice>, ApiError> {
    get("/notices?limit=50", lang).await
}

/// `GET /notices/unread`.
pub async fn unread(lang: Lang) -> Result<Unread, ApiError> {
    get("/notices/unread", lang).await
}

/// `POST /notice-reads`: everything up to `up_to_id` is read.
pub async fn mark_read(up_to_id: i64, lang: Lang) -> Result<Unread, ApiError> {
    // Unkeyed: marking read up to an id is the same however often it is done.
    let body = serde_json::to_string(&MarkRead { up_to_id }).map_err(network_error)?;
    decode(call(Method::Post, "/notice-reads", Some(body), None, lang).await?).await
}

/// `GET /affair-metrics`.
pub async fn metrics(
    scope: &str,
    place_id: i64,
    month: &str,
    lang: Lang,
) -> Result<Metrics, ApiError> {
    get(&metrics_path("", scope, place_id, month), lang).await
}

/// The path of a month's figures, or with `tail` `"/export"` its CSV.
pub fn metrics_path(tail: &str, scope: &str, place_id: i64, month: &str) -> String {
    format!("/affair-metrics{tail}?scope={scope}&place_id={place_id}&month={month}")
}

/// `GET /compounds/{id}/board`.
pub async fn board(compound_id: i64, lang: Lang) -> Result<Board, ApiError> {
    get(&format!("/compounds/{compound_id}/board"), lang).await
}

/// `POST /photos`: uploads a (shrunk) photo.
pub async fn upload_photo(photo: &web_sys::Blob, lang: Lang) -> Result<Photo, ApiError> {
    let request = Request::post(&format!("{API_PREFIX}/photos"))
        .header("Accept-Language", lang.tag())
        .header("Content-Type", &photo.type_())
        .body(photo.clone())
        .map_err(network_error)?;
    decode(request.send().await.map_err(network_error)?).await
}

/// `POST path?dry_run=` with a spreadsheet as the body (a places ledger or
/// a roster): the report, 200 for a dry run and 201 once imported.
pub async fn upload_sheet<T: DeserializeOwned>(
    path: &str,
    file: &web_sys::Blob,
    dry_run: bool,
    lang: Lang,
) -> Result<T, ApiError> {
    let kind = file.type_();
    let request = Request::post(&format!("{API_PREFIX}{path}?dry_run={dry_run}"))
        .header("Accept-Language", lang.tag())
        .header(
            "Content-Type",
            if kind.is_empty() {
                "application/octet-stream"
            } else {
                &kind
            },
        )
        .body(file.clone())
        .map_err(network_error)?;
    decode(request.send().await.map_err(network_error)?).await
}

/// `POST /affairs` by station staff for a resident (`on_behalf`), safe to
/// retry with the same `key`.
pub async fn record_affair(
    affair: &NewRecordedAffair,
    key: &str,
    lang: Lang,
) -> Result<Affair, ApiError> {
    post("/affairs", affair, key, lang).await
}

/// `GET /compounds/{id}/roster`.
pub async fn roster(compound: i64, lang: Lang) -> Result<RosterStatus, ApiError> {
    get(&format!("/compounds/{compound}/roster"), lang).await
}

/// `POST /role-grants`.
pub async fn grant_role(
    grant: &NewRoleGrant,
    key: &str,
    lang: Lang,
) -> Result<RoleGrant, ApiError> {
    post("/role-grants", grant, key, lang).await
}

/// `GET /role-grants?{scope}`, `scope` being `street_id=…`,
/// `community_id=…` or `compound_id=…`: the roles there, with history.
pub async fn role_records(scope: &str, lang: Lang) -> Result<Vec<RoleRecord>, ApiError> {
    get(&format!("/role-grants?{scope}"), lang).await
}

/// `POST /role-grants/{id}/revocations`.
pub async fn revoke_role(
    id: i64,
    reason: String,
    key: &str,
    lang: Lang,
) -> Result<RoleGrant, ApiError> {
    let path = format!("/role-grants/{id}/revocations");
    post(&path, &Revocation { reason }, key, lang).await
}

/// `GET /communities/{id}/departments`.
pub async fn departments(community: i64, lang: Lang) -> Result<Vec<Department>, ApiError> {
    get(&format!("/communities/{community}/departments"), lang).await
}

/// `POST /communities/{id}/departments`.
pub async fn add_department(
    community: i64,
    name: String,
    key: &str,
    lang: Lang,
) -> Result<Department, ApiError> {
    let path = format!("/communities/{community}/departments");
    post(&path, &NewDepartment { name }, key, lang).await
}

/// `GET /communities`: every community of the deployment (one page of 100;
/// N street, the largest, has 10).
pub async fn list_communities(lang: Lang) -> Result<Page<CommunitySummary>, ApiError> {
    get("/communities?limit=100", lang).await
}

/// `POST {parent}/{communities|compounds|grids}`: a new place under
/// `parent` (`/streets/1`, `/communities/2`, `/compounds/3`).
pub async fn add_place(
    path: &str,
    place: &NewPlace,
    key: &str,
    lang: Lang,
) -> Result<PlaceRef, ApiError> {
    post(path, place, key, lang).await
}

/// `PUT /grids/{id}`: renames a grid.
pub async fn rename_grid(id: i64, name: String, lang: Lang) -> Result<PlaceRef, ApiError> {
    let body = serde_json::to_string(&NewPlace {
        name,
        address: None,
    })
    .map_err(network_error)?;
    decode(call(Method::Put, &format!("/grids/{id}"), Some(body), None, lang).await?).await
}

/// `DELETE /grids/{id}`: retires an empty grid.
pub async fn retire_grid(id: i64, lang: Lang) -> Result<(), ApiError> {
    call(Method::Delete, &format!("/grids/{id}"), None, None, lang)
        .await
        .map(|_| ())
}

/// `POST /grids/{id}/buildings`.
pub async fn add_building(
    grid: i64,
    building: &NewBuilding,
    key: &str,
    lang: Lang,
) -> Result<PlaceRef, ApiError> {
    post(&format!("/grids/{grid}/buildings"), building, key, lang).await
}

/// `PUT /buildings/{id}`: renames or moves a building.
pub async fn edit_building(id: i64, edit: &BuildingEdit, lang: Lang) -> Result<PlaceRef, ApiError> {
    let body = serde_json::to_string(edit).map_err(network_error)?;
    decode(
        call(
            Method::Put,
            &format!("/buildings/{id}"),
            Some(body),
            None,
            lang,
        )
        .await?,
    )
    .await
}

/// `GET /streets/{id}/place-changes`: the latest 200, newest first.
pub async fn place_changes(street: i64, lang: Lang) -> Result<Vec<PlaceChangeRecord>, ApiError> {
    get(&format!("/streets/{street}/place-changes"), lang).await
}

/// `POST /consultations/{id}/registrations` or `POST /slots/{id}/claims`
/// (`path`) for a resident who phoned or came in, safe to retry with the
/// same `key`; the answer (the consultation or post) is not needed.
pub async fn act_for_resident(
    path: &str,
    body: &ForResident,
    key: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(network_error)?;
    call(Method::Post, path, Some(body), Some(key), lang)
        .await
        .map(|_| ())
}

/// `GET /consultations?compound_id=`: newest first.
pub async fn consultations(
    compound_id: i64,
    lang: Lang,
) -> Result<Page<ConsultationSummary>, ApiError> {
    get(
        &format!("/consultations?compound_id={compound_id}&limit=50"),
        lang,
    )
    .await
}

/// `POST /consultations`, safe to retry with the same `key`.
pub async fn propose(topic: &NewTopic, key: &str, lang: Lang) -> Result<Consultation, ApiError> {
    post("/consultations", topic, key, lang).await
}

/// `GET /consultations/{id}`.
pub async fn consultation(id: i64, lang: Lang) -> Result<Consultation, ApiError> {
    get(&format!("/consultations/{id}"), lang).await
}

/// `POST /consultations/{id}/steps`: the convenor moves it on.
pub async fn consultation_step(
    id: i64,
    step: &MoveTopic,
    key: &str,
    lang: Lang,
) -> Result<Consultation, ApiError> {
    post(&format!("/consultations/{id}/steps"), step, key, lang).await
}

/// `POST` to a consultation's sub-resource without a body (`supports`,
/// `registrations`, `action-items/{item}/signups`).
pub async fn consultation_post(
    id: i64,
    tail: &str,
    key: &str,
    lang: Lang,
) -> Result<Consultation, ApiError> {
    let path = format!("/consultations/{id}/{tail}");
    decode(call(Method::Post, &path, None, Some(key), lang).await?).await
}

/// `GET /consultations/{id}/comments`.
pub async fn comments(id: i64, lang: Lang) -> Result<Page<Comment>, ApiError> {
    get(&format!("/consultations/{id}/comments"), lang).await
}

/// `POST /consultations/{id}/comments`, safe to retry with the same `key`:
/// every comment after it.
pub async fn add_comment(
    id: i64,
    comment: &NewComment,
    key: &str,
    lang: Lang,
) -> Result<Page<Comment>, ApiError> {
    post(&format!("/consultations/{id}/comments"), comment, key, lang).await
}

/// `POST /comments/{id}/supports`, `/hidings` or `/reports` (`reason` for
/// the last two): every comment after it.
pub async fn comment_act(
    id: i64,
    act: &str,
    reason: Option<String>,
    key: &str,
    lang: Lang,
) -> Result<Page<Comment>, ApiError> {
    let path = format!("/comments/{id}/{act}");
    match reason {
        Some(reason) => post(&path, &Reason { reason }, key, lang).await,
        None => decode(call(Method::Post, &path, None, Some(key), lang).await?).await,
    }
}

/// `POST /consultations/{id}/pledges`, safe to retry with the same `key`.
pub async fn add_pledge(
    id: i64,
    pledge: &NewPledge,
    key: &str,
    lang: Lang,
) -> Result<Consultation, ApiError> {
    post(&format!("/consultations/{id}/pledges"), pledge, key, lang).await
}

/// `PUT /consultations/{id}/ballot`.
pub async fn vote(id: i64, choices: Vec<usize>, lang: Lang) -> Result<Consultation, ApiError> {
    let body = serde_json::to_string(&BallotChoices { choices }).map_err(network_error)?;
    let path = format!("/consultations/{id}/ballot");
    decode(call(Method::Put, &path, Some(body), None, lang).await?).await
}

/// `POST /consultations/{id}/progress`, safe to retry with the same `key`.
pub async fn add_progress(
    id: i64,
    progress: &NewProgress,
    key: &str,
    lang: Lang,
) -> Result<Consultation, ApiError> {
    post(
        &format!("/consultations/{id}/progress"),
        progress,
        key,
        lang,
    )
    .await
}

/// `GET /skills?street_id=`.
pub async fn skills(street_id: i64, lang: Lang) -> Result<Vec<Skill>, ApiError> {
    get::<Page<Skill>>(&format!("/skills?street_id={street_id}"), lang)
        .await
        .map(|p| p.items)
}

/// `POST /pool-applications`.
pub async fn apply_to_pool(
    application: &NewApplication,
    key: &str,
    lang: Lang,
) -> Result<PoolMember, ApiError> {
    post("/pool-applications", application, key, lang).await
}

/// `GET /pool-applications?compound_id=&status=pending`: for the station.
pub async fn pending_applications(
    compound_id: i64,
    lang: Lang,
) -> Result<Page<PoolMember>, ApiError> {
    get(
        &format!("/pool-applications?compound_id={compound_id}&status=pending"),
        lang,
    )
    .await
}

/// Approves (`reason` is `None`) or declines an application.
pub async fn decide_application(
    id: i64,
    reason: Option<String>,
    key: &str,
    lang: Lang,
) -> Result<PoolMember, ApiError> {
    match reason {
        None => {
            let path = format!("/pool-applications/{id}/approvals");
            decode(call(Method::Post, &path, None, Some(key), lang).await?).await
        }
        Some(reason) => {
            let body = api_types::consultations::Reason { reason };
            post(
                &format!("/pool-applications/{id}/rejections"),
                &body,
                key,
                lang,
            )
            .await
        }
    }
}

/// `POST /posts`, safe to retry with the same `key`.
pub async fn create_post(new: &NewPost, key: &str, lang: Lang) -> Result<Post, ApiError> {
    post("/posts", new, key, lang).await
}

/// `GET /posts?compound_id=`: fitting posts first.
pub async fn posts(compound_id: i64, lang: Lang) -> Result<Vec<Post>, ApiError> {
    get::<Page<Post>>(&format!("/posts?compound_id={compound_id}"), lang)
        .await
        .map(|p| p.items)
}

/// `GET /posts/{id}`.
pub async fn get_post(id: i64, lang: Lang) -> Result<Post, ApiError> {
    get(&format!("/posts/{id}"), lang).await
}

/// `POST /slots/{id}/claims` or `/cancellations`: the post after it.
pub async fn slot_act(slot: i64, act: &str, key: &str, lang: Lang) -> Result<Post, ApiError> {
    let path = format!("/slots/{slot}/{act}");
    decode(call(Method::Post, &path, None, Some(key), lang).await?).await
}

/// `POST /slots/{id}/check-ins` or `/check-outs` with the code shown.
pub async fn check(
    slot: i64,
    out: bool,
    code: String,
    key: &str,
    lang: Lang,
) -> Result<Post, ApiError> {
    let tail = if out { "check-outs" } else { "check-ins" };
    post(
        &format!("/slots/{slot}/{tail}"),
        &CodeEntry { code },
        key,
        lang,
    )
    .await
}

/// `POST /slots/{id}/codes`: a fresh code for the station member to show.
pub async fn new_code(slot: i64, key: &str, lang: Lang) -> Result<CheckInCode, ApiError> {
    let path = format!("/slots/{slot}/codes");
    decode(call(Method::Post, &path, None, Some(key), lang).await?).await
}

/// `GET /pool-figures?compound_id=&month=`.
pub async fn pool_figures(
    compound_id: i64,
    month: &str,
    lang: Lang,
) -> Result<PoolFigures, ApiError> {
    get(
        &format!("/pool-figures?compound_id={compound_id}&month={month}"),
        lang,
    )
    .await
}

/// `GET /affairs/{id}/capable-persons`: for the affair's handlers.
pub async fn capable_persons(affair: i64, lang: Lang) -> Result<Vec<CapablePerson>, ApiError> {
    get::<Page<CapablePerson>>(&format!("/affairs/{affair}/capable-persons"), lang)
        .await
        .map(|p| p.items)
}

/// `GET /affairs/{id}/help-requests`, or with `None` the viewer's own
/// (`GET /me/help-requests`).
pub async fn help_requests(affair: Option<i64>, lang: Lang) -> Result<Vec<HelpRequest>, ApiError> {
    let path = match affair {
        Some(id) => format!("/affairs/{id}/help-requests"),
        None => "/me/help-requests".to_owned(),
    };
    get::<Page<HelpRequest>>(&path, lang).await.map(|p| p.items)
}

/// `POST /affairs/{id}/help-requests`.
pub async fn ask_for_help(
    affair: i64,
    request: &NewHelpRequest,
    key: &str,
    lang: Lang,
) -> Result<HelpRequest, ApiError> {
    post(
        &format!("/affairs/{affair}/help-requests"),
        request,
        key,
        lang,
    )
    .await
}

/// `POST /help-requests/{id}/acceptances`, `/declines`, `/completions`
/// (with minutes) or `/rating` (with a rating).
pub async fn help_act(
    id: i64,
    act: &str,
    minutes: Option<i64>,
    rating: Option<&api_types::affairs::NewRating>,
    key: &str,
    lang: Lang,
) -> Result<HelpRequest, ApiError> {
    let path = format!("/help-requests/{id}/{act}");
    match (minutes, rating) {
        (Some(minutes), _) => post(&path, &HelpDone { minutes }, key, lang).await,
        (None, Some(rating)) => post(&path, rating, key, lang).await,
        (None, None) => decode(call(Method::Post, &path, None, Some(key), lang).await?).await,
    }
}

/// `GET /me/volunteer-record`.
pub async fn volunteer_record(lang: Lang) -> Result<VolunteerRecord, ApiError> {
    get("/me/volunteer-record", lang).await
}

/// `GET /service-units?compound_id=`.
pub async fn units(compound_id: i64, lang: Lang) -> Result<Vec<Unit>, ApiError> {
    get::<Page<Unit>>(&format!("/service-units?compound_id={compound_id}"), lang)
        .await
        .map(|p| p.items)
}

/// `PUT /service-units/{id}/ratings/mine`: this month's rating.
pub async fn rate_unit(id: i64, rating: &NewUnitRating, lang: Lang) -> Result<Unit, ApiError> {
    let body = serde_json::to_string(rating).map_err(network_error)?;
    let path = format!("/service-units/{id}/ratings/mine");
    decode(call(Method::Put, &path, Some(body), None, lang).await?).await
}

/// `GET /service-units/{id}/report?month=`.
pub async fn unit_report(id: i64, month: &str, lang: Lang) -> Result<Report, ApiError> {
    get(&format!("/service-units/{id}/report?month={month}"), lang).await
}

/// `GET /communities/{id}/service-reports?month=`.
pub async fn community_reports(
    id: i64,
    month: &str,
    lang: Lang,
) -> Result<CommunityReports, ApiError> {
    get(
        &format!("/communities/{id}/service-reports?month={month}"),
        lang,
    )
    .await
}

/// The community's units as its staff keep them, and its compounds.
pub async fn community_units(
    id: i64,
    lang: Lang,
) -> Result<(Vec<UnitRecord>, Vec<CompoundSummary>), ApiError> {
    let units: Page<UnitRecord> = get(&format!("/communities/{id}/service-units"), lang).await?;
    let compounds: Page<CompoundSummary> =
        get(&format!("/compounds?community_id={id}&limit=100"), lang).await?;
    Ok((units.items, compounds.items))
}

/// `POST /service-units`, or `PUT /service-units/{id}` to change one.
pub async fn save_unit(
    id: Option<i64>,
    unit: &NewUnit,
    key: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(unit).map_err(network_error)?;
    let (method, path) = match id {
        Some(id) => (Method::Put, format!("/service-units/{id}")),
        None => (Method::Post, "/service-units".to_owned()),
    };
    call(method, &path, Some(body), Some(key), lang)
        .await
        .map(|_| ())
}

/// `DELETE /service-units/{id}`: retires it.
pub async fn retire_unit(id: i64, lang: Lang) -> Result<(), ApiError> {
    call(
        Method::Delete,
        &format!("/service-units/{id}"),
        None,
        None,
        lang,
    )
    .await
    .map(|_| ())
}

/// `POST /unit-ratings/{id}/re-ratings`: the rater rates the fix.
pub async fn re_rate_unit(
    id: i64,
    rating: &NewRating,
    key: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(rating).map_err(network_error)?;
    let path = format!("/unit-ratings/{id}/re-ratings");
    call(Method::Post, &path, Some(body), Some(key), lang)
        .await
        .map(|_| ())
}

/// `POST /unit-ratings/{id}/answers`.
pub async fn answer_rating(
    id: i64,
    answer: &UnitAnswer,
    key: &str,
    lang: Lang,
) -> Result<(), ApiError> {
    let body = serde_json::to_string(answer).map_err(network_error)?;
    call(
        Method::Post,
        &format!("/unit-ratings/{id}/answers"),
        Some(body),
        Some(key),
        lang,
    )
    .await
    .map(|_| ())
}

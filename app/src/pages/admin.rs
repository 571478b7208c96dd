//! The street office's bundle, under `/admin`: what a street, a community
//! and a station keep — the places ledger (`/admin/streets/:id/ledger`), a
//! compound's household roster (`/admin/compounds/:id/roster`) and affairs
//! recorded for residents who phoned or came in
//! (`/admin/compounds/:id/on-behalf`). `/admin` lists what the signed-in
//! person may do where, with the staff bundle's pages (`/staff/…`: places
//! one at a time, appointments, signing residents up).

use crate::affair_text::local_time;
use crate::api::{self, ApiError};
use crate::components::status::{LoadError, Loading};
use crate::components::ui;
use crate::i18n::title;
use crate::load::load;
use crate::pages::affair_style as style;
use crate::pages::units::zh;
use crate::prefs::{use_lang, use_title};
use crate::session::use_session;
use crate::submit::Submit;
use api_types::Lang;
use api_types::affairs::{Channel, NewAffair, NewRecordedAffair, OnBehalf};
use api_types::identity::RoleSummary;
use api_types::imports::{PlaceImportReport, RosterImportReport, RowError};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::A;

/// `/admin`: the places the person keeps, each with what they can do there.
#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || {
        title(
            lang,
            zh(lang, "街道与小区管理", "Street and compound setup"),
        )
    });
    let session = use_session();
    view! {
        <h1 class=style::title>{zh(lang, "街道与小区管理", "Street and compound setup")}</h1>
        {move || match session.person.get() {
            None => Loading().into_any(),
            Some(None) => view! {
                <p class=ui::hint>{zh(lang, "请先登录。", "Please sign in first.")}</p>
                <a class=ui::primary href="/sign-in?next=/admin">{zh(lang, "登录", "Sign in")}</a>
            }.into_any(),
            Some(Some(me)) => {
                let places: Vec<RoleSummary> = me.roles.into_iter()
                    .filter(|r| matches!(r.role.as_str(), "street_admin" | "community_staff" | "station_member"))
                    .collect();
                if places.is_empty() {
                    view! { <p class=ui::hint>{zh(lang, "您没有街道、社区或互助站的职务，这里没有要办的事。", "You hold no street, community or station role: nothing to set up here.")}</p> }.into_any()
                } else {
                    places.into_iter().map(|role| view! { <PlaceCard role /> }).collect_view().into_any()
                }
            }
        }}
    }
}

/// One place the person keeps, with its tasks.
#[component]
fn PlaceCard(role: RoleSummary) -> impl IntoView {
    let lang = use_lang();
    let id = role.place_id;
    let places = (
        "/staff/places".to_owned(),
        zh(lang, "新增、修改社区小区网格楼栋", "Add or change places"),
    );
    let roles = (
        "/staff/roles".to_owned(),
        zh(
            lang,
            "任命、撤销和任职记录",
            "Appointments and their history",
        ),
    );
    let links: Vec<(String, &'static str)> = match role.role.as_str() {
        "street_admin" => vec![
            (
                format!("/admin/streets/{id}/ledger"),
                zh(lang, "导入楼栋台账", "Import the places ledger"),
            ),
            places,
            roles,
        ],
        "community_staff" => vec![places, roles],
        _ => {
            let mut links = vec![
                (
                    format!("/admin/compounds/{id}/roster"),
                    zh(lang, "上传住户花名册", "Upload the household roster"),
                ),
                (
                    format!("/admin/compounds/{id}/on-behalf"),
                    zh(
                        lang,
                        "替居民登记一件事（代办）",
                        "Record an affair for a resident",
                    ),
                ),
                (
                    format!("/staff/compounds/{id}/for-resident"),
                    zh(
                        lang,
                        "替居民报名会议、认领志愿岗位",
                        "Sign a resident up for a meeting or a volunteer place",
                    ),
                ),
            ];
            if role.position.as_deref() == Some("head") {
                links.push(roles);
            }
            links
        }
    };
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{role.place_name}</h2>
            <div class=style::chips>
                {links.into_iter().map(|(href, label)| view! {
                    <A href=href attr:class=style::secondary>{label}</A>
                }).collect_view()}
            </div>
        </section>
    }
}

/// The file chosen in a page's file input.
fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
}

/// The file's bad rows, each as the server wrote it.
#[component]
fn RowErrors(errors: Vec<RowError>) -> impl IntoView {
    let lang = use_lang();
    (!errors.is_empty()).then(|| {
        let heading = match lang {
            Lang::Zh => format!("表格中有 {} 处问题，改正后请重新选择文件：", errors.len()),
            Lang::En => format!(
                "{} problems in the file; fix them and choose it again:",
                errors.len()
            ),
        };
        view! {
            <div role="alert">
                <p class=ui::error>{heading}</p>
                <ul class=style::meta>
                    {errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// A spreadsheet form: choose a file, check it (a dry run), then import
/// it once it has no bad row.
#[component]
fn SheetForm<R, U, Fut>(
    /// The label of the file input.
    label: &'static str,
    /// Sends the file (`true`: a dry run).
    upload: U,
    /// Shows a report.
    render: fn(Lang, R) -> AnyView,
    /// Whether a report has no bad row.
    is_clean: fn(&R) -> bool,
) -> impl IntoView
where
    R: Clone + Send + Sync + 'static,
    U: Fn(web_sys::File, bool) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<R, ApiError>> + 'static,
{
    let lang = use_lang();
    let file = StoredValue::new_local(None::<web_sys::File>);
    let report = RwSignal::new(None::<R>);
    let clean = RwSignal::new(false);
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let send = move |dry_run: bool| {
        let Some(chosen) = file.get_value() else {
            error.set(Some(
                zh(lang, "请先选择文件", "Choose a file first").to_owned(),
            ));
            return;
        };
        error.set(None);
        // Unkeyed: importing the same sheet again adds nothing new.
        sending.run(
            move |_| async move { upload(chosen, dry_run).await },
            move |answer| match answer {
                Ok(r) => {
                    clean.set(dry_run && is_clean(&r));
                    report.set(Some(r));
                }
                Err(e) => {
                    clean.set(false);
                    error.set(Some(e.text(lang)));
                }
            },
        );
    };
    view! {
        <section class=style::panel>
            <label class=ui::label for="sheet-file">{label}</label>
            <input id="sheet-file" class=ui::input type="file"
                disabled=move || sending.pending()
                accept=".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                on:change=move |ev| {
                    file.set_value(chosen_file(&ev));
                    report.set(None);
                    clean.set(false);
                    error.set(None);
                } />
            <p class=ui::hint>{zh(lang, "Excel 文件（.xlsx）或 CSV 均可。先检查，没有问题再导入。", "An Excel file (.xlsx) or CSV. Check it first, then import it.")}</p>
            <div class=style::chips>
                <button type="button" class=style::secondary disabled=move || sending.pending() on:click=move |_| send(true)>
                    {zh(lang, "检查（不写入）", "Check (writes nothing)")}
                </button>
                <button type="button" class=ui::primary disabled=move || sending.pending() || !clean.get() on:click=move |_| send(false)>
                    {zh(lang, "导入", "Import")}
                </button>
            </div>
            {move || sending.pending().then(Loading)}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        </section>
        {move || report.get().map(|r| render(lang, r))}
    }
}

/// `/admin/streets/:id/ledger`: the street's places ledger.
#[component]
pub fn LedgerPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let street = move || param().unwrap_or(0);
    use_title(move || title(lang, zh(lang, "导入楼栋台账", "Import the places ledger")));
    let upload = move |file: web_sys::File, dry_run: bool| {
        let path = format!("/streets/{}/place-imports", street());
        async move { api::upload_sheet::<PlaceImportReport>(&path, &file, dry_run, lang).await }
    };
    view! {
        <h1 class=style::title>{zh(lang, "导入楼栋台账", "Import the places ledger")}</h1>
        <p class=ui::hint>{zh(lang,
            "每栋楼一行，表头：社区、小区、小区地址、网格、楼栋、单元数、层数、每层户数（不规则的楼可另加“房号”一列，写出每个单元的房号）。同一份表再导入不会重复；表中没有的楼栋会列出，不会删除。",
            "One row per building, with the header: community, compound, address, grid, building, units, floors, per_floor (add a rooms column listing each unit's rooms for an irregular building). Importing the same file again adds nothing; buildings it does not list are shown, never deleted.")}</p>
        <SheetForm label=zh(lang, "楼栋台账文件", "The ledger file") upload render=ledger_report is_clean=|r: &PlaceImportReport| r.errors.is_empty() />
    }
}

fn ledger_report(lang: Lang, r: PlaceImportReport) -> AnyView {
    let counts = r.summary(lang);
    let unlisted = match lang {
        Lang::Zh => format!("表中没有的楼栋 {} 栋（保留，不删除）", r.unlisted.len()),
        Lang::En => format!("{} buildings not in the file (kept)", r.unlisted.len()),
    };
    view! {
        <section class=style::panel aria-live="polite">
            <RowErrors errors=r.errors />
            <p>{counts}</p>
            <ul class=style::meta>
                {r.changed.into_iter().map(|ch| view! {
                    <li>{format!("{} {}：{} → {}", ch.place, crate::pages::staff::change_words(lang, &ch.field), ch.before, ch.after)}</li>
                }).collect_view()}
            </ul>
            {(!r.unlisted.is_empty()).then(|| view! {
                <details>
                    <summary>{unlisted}</summary>
                    <ul class=style::meta>
                        {r.unlisted.into_iter().map(|u| view! {
                            <li>{format!("{}（{}）", u.place, match lang {
                                Lang::Zh => format!("{} 户，{} 位已绑定居民", u.households, u.residents),
                                Lang::En => format!("{} households, {} residents", u.households, u.residents),
                            })}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
    .into_any()
}

/// `/admin/compounds/:id/roster`: the compound's household roster, and the
/// residents the latest roster no longer lists.
#[component]
pub fn RosterPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let compound = move || param().unwrap_or(0);
    use_title(move || title(lang, zh(lang, "住户花名册", "Household roster")));
    let status = load(move || {
        let id = compound();
        async move { api::roster(id, lang).await }
    });
    let upload = move |file: web_sys::File, dry_run: bool| {
        let path = format!("/compounds/{}/roster-imports", compound());
        async move {
            let report = api::upload_sheet::<RosterImportReport>(&path, &file, dry_run, lang).await;
            if !dry_run && report.is_ok() {
                status.reload();
            }
            report
        }
    };
    view! {
        <h1 class=style::title>{zh(lang, "住户花名册", "Household roster")}</h1>
        <p class=ui::hint>{zh(lang,
            "表头：楼栋、单元、房号、手机号（可加姓名）。名册上的居民用这个手机号登录后，马上绑定到这一户并完成核验，不用再等审核。手机号只以加密摘要保存，不会显示或导出。",
            "Header: building, unit, room, phone (and optionally name). A listed resident who signs in with that phone is bound to the household and verified at once. Phones are kept only as keyed digests, never shown or exported.")}</p>
        <SheetForm label=zh(lang, "花名册文件", "The roster file") upload render=roster_report is_clean=|r: &RosterImportReport| r.errors.is_empty() />
        {move || status.get().map(|s| match s {
            Ok(s) => view! {
                <section class=style::panel>
                    <h2 class=style::panel_title>{zh(lang, "当前名册", "The roster now")}</h2>
                    <p class=style::meta>{match (&s.latest, lang) {
                        (Some(l), Lang::Zh) => format!("{} 行，{} 上传于 {}", l.rows, l.uploaded_by.clone().unwrap_or_else(|| "命令行".to_owned()), local_time(lang, &l.uploaded_at)),
                        (Some(l), Lang::En) => format!("{} rows, uploaded by {} at {}", l.rows, l.uploaded_by.clone().unwrap_or_else(|| "the command line".to_owned()), local_time(lang, &l.uploaded_at)),
                        (None, _) => zh(lang, "还没有上传名册", "No roster uploaded yet").to_owned(),
                    }}</p>
                    <p class=style::meta>{match lang {
                        Lang::Zh => format!("经名册核验绑定的居民：{} 位", s.verified_by_roster),
                        Lang::En => format!("Residents verified by roster: {}", s.verified_by_roster),
                    }}</p>
                    {(!s.not_in_roster.is_empty()).then(|| view! {
                        <h3 class=style::card_title>{zh(lang, "不在最新名册中的已绑定居民（请核实后决定）", "Bound residents not in the latest roster (check and decide)")}</h3>
                        <ul class=style::meta>
                            {s.not_in_roster.into_iter().map(|h| view! {
                                <li>{format!("{} {} {} {} · {}", h.building_name, h.unit, h.room,
                                    h.requester.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                                    h.requester.map(|p| p.phone).unwrap_or_default())}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </section>
            }.into_any(),
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| status.reload()) /> }.into_any(),
        })}
    }
}

fn roster_report(lang: Lang, r: RosterImportReport) -> AnyView {
    let counts = r.summary(lang);
    view! {
        <section class=style::panel aria-live="polite">
            <RowErrors errors=r.errors />
            <p>{counts}</p>
        </section>
    }
    .into_any()
}

/// `/admin/compounds/:id/on-behalf`: an affair recorded for a resident who
/// phoned or came in; they are its filer and rate it once they sign in.
#[component]
pub fn OnBehalfPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let compound = move || param().unwrap_or(0);
    use_title(move || title(lang, zh(lang, "代办登记", "Record for a resident")));
    let detail = load(move || {
        let id = compound();
        async move {
            let detail = api::get_compound(id, lang).await?;
            let categories = api::list_categories(detail.summary.street_id, lang).await?;
            Ok((detail, categories))
        }
    });
    let phone = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let channel = RwSignal::new(Channel::PhoneCall);
    let category = RwSignal::new(None::<i64>);
    let building = RwSignal::new(None::<i64>);
    let unit = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let title_text = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let filed = RwSignal::new(None::<i64>);
    let sending = Submit::new();
    let submit = move |_| {
        let text = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let affair = NewRecordedAffair {
            affair: NewAffair {
                compound_id: compound(),
                category_id: category.get_untracked().unwrap_or(0),
                title: title_text.get_untracked(),
                description: description.get_untracked(),
                building_id: building.get_untracked(),
                unit: text(unit.get_untracked()),
                common_area: text(area.get_untracked()),
                urgent: false,
                private: None,
                photo_ids: Vec::new(),
            },
            on_behalf: Some(OnBehalf {
                phone: phone.get_untracked(),
                name: text(name.get_untracked()),
                channel: channel.get_untracked(),
            }),
        };
        if affair.validate().is_err() || category.get_untracked().is_none() {
            error.set(Some(zh(lang,
                "请填写居民的手机号、事情类别、标题、经过，以及楼栋或地点",
                "Give the resident's phone, a category, a title, what happened, and a building or place").to_owned()));
            return;
        }
        error.set(None);
        sending.run(
            move |key| async move { api::record_affair(&affair, &key, lang).await },
            move |answer| match answer {
                Ok(done) => filed.set(Some(done.id)),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{zh(lang, "替居民登记一件事", "Record an affair for a resident")}</h1>
        <p class=ui::hint>{zh(lang,
            "居民打电话或到站里来说的事，由您替他登记。他用这个手机号登录后，就能看到办理进度并评价。",
            "For a resident who phoned or came in. When they sign in with this phone, they see its progress and rate it.")}</p>
        {move || filed.get().map(|id| view! {
            <section class=style::panel role="status">
                <p>{zh(lang, "已登记，互助站会按流程办理。", "Recorded; the station handles it as usual.")}</p>
                <a class=ui::primary href=format!("/affairs/{id}")>{zh(lang, "查看这件事", "Open the affair")}</a>
            </section>
        })}
        {move || detail.pending().then(Loading)}
        {move || detail.get().map(|d| match d {
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| detail.reload()) /> }.into_any(),
            Ok((compound, categories)) => view! {
                <section class=style::panel>
                    <label class=ui::label for="ob-phone">{zh(lang, "居民手机号", "Resident's mobile number")}</label>
                    <input id="ob-phone" class=ui::input type="tel" inputmode="numeric" autocomplete="off" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                    <label class=ui::label for="ob-name">{zh(lang, "居民称呼（没登录过的居民才需要）", "Their name (for someone who never signed in)")}</label>
                    <input id="ob-name" class=ui::input maxlength="20" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <label class=ui::label for="ob-channel">{zh(lang, "怎么来的", "How they reached you")}</label>
                    <select id="ob-channel" class=ui::input on:change=move |ev| {
                        if let Some(c) = Channel::parse(&event_target_value(&ev)) { channel.set(c); }
                    }>
                        {[(Channel::PhoneCall, "电话", "Phone call"), (Channel::Visit, "来访", "Came in"), (Channel::WechatGroup, "微信群", "WeChat group")]
                            .into_iter().map(|(c, z, e)| view! { <option value=c.as_str()>{zh(lang, z, e)}</option> }).collect_view()}
                    </select>
                    <label class=ui::label for="ob-category">{zh(lang, "事情类别", "Category")}</label>
                    <select id="ob-category" class=ui::input on:change=move |ev| category.set(event_target_value(&ev).parse().ok())>
                        <option value="">{zh(lang, "请选择", "Choose")}</option>
                        {categories.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                    <label class=ui::label for="ob-building">{zh(lang, "楼栋", "Building")}</label>
                    <select id="ob-building" class=ui::input on:change=move |ev| building.set(event_target_value(&ev).parse().ok())>
                        <option value="">{zh(lang, "不在楼里（填下面的地点）", "Not in a building (give the place below)")}</option>
                        {compound.grids.into_iter().flat_map(|g| g.buildings).map(|b| view! { <option value=b.id.to_string()>{b.name}</option> }).collect_view()}
                    </select>
                    <label class=ui::label for="ob-unit">{zh(lang, "单元（可不填）", "Unit (optional)")}</label>
                    <input id="ob-unit" class=ui::input maxlength="40" prop:value=unit on:input=move |ev| unit.set(event_target_value(&ev)) />
                    <label class=ui::label for="ob-area">{zh(lang, "或者：公共地点", "Or: a common area")}</label>
                    <input id="ob-area" class=ui::input maxlength="40" prop:value=area on:input=move |ev| area.set(event_target_value(&ev)) />
                    <label class=ui::label for="ob-title">{zh(lang, "标题", "Title")}</label>
                    <input id="ob-title" class=ui::input maxlength="40" prop:value=title_text on:input=move |ev| title_text.set(event_target_value(&ev)) />
                    <label class=ui::label for="ob-description">{zh(lang, "经过", "What happened")}</label>
                    <textarea id="ob-description" class=ui::input rows="4" maxlength="1000" prop:value=description on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    <button type="button" class=ui::primary disabled=move || sending.pending() || filed.get().is_some() on:click=submit>{zh(lang, "登记", "Record it")}</button>
                </section>
            }.into_any(),
        })}
    }
}

//! The staff bundle, under `/staff`: what a street office, a community and
//! a station change by hand — the places (`/staff/places`: the street →
//! community → compound → grid → building tree, edited one place at a
//! time, with every change recorded), the people who hold roles there
//! (`/staff/roles`: appoint, revoke, and each place's history), and acts
//! for residents who phoned or came in (`/staff/compounds/:id/for-resident`:
//! a meeting registration or a volunteer claim in their name). Reached from
//! the setup page at `/admin`.

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
use api_types::affairs::{Channel, ForResident, OnBehalf};
use api_types::consultations::State;
use api_types::identity::RoleSummary;
use api_types::place_edits::{BuildingEdit, NewBuilding, NewPlace, change};
use api_types::places::CompoundDetail;
use api_types::roles::{NewRoleGrant, Position, Role, RoleRecord};
use leptos::prelude::*;

/// A recorded change's field in words.
pub fn change_words(lang: Lang, field: &str) -> &'static str {
    match field {
        change::CREATED => zh(lang, "新增", "added"),
        change::NAME => zh(lang, "改名", "renamed"),
        change::ADDRESS => zh(lang, "地址", "address"),
        change::GRID => zh(lang, "所属网格", "grid"),
        change::RETIRED => zh(lang, "撤销网格", "grid retired"),
        _ => zh(lang, "变更", "changed"),
    }
}

/// The signed-in person's roles of these kinds, or `None` while the session
/// loads.
fn held(kinds: &'static [&'static str]) -> impl Fn() -> Option<Vec<RoleSummary>> + Copy {
    let session = use_session();
    move || {
        session.person.get().map(|me| {
            me.map(|me| me.roles)
                .unwrap_or_default()
                .into_iter()
                .filter(|r| kinds.contains(&r.role.as_str()))
                .collect()
        })
    }
}

/// A text field and a button that sends it; cleared and `done` called once
/// the server accepted it, the server's error shown otherwise.
#[component]
fn OneField<S, Fut>(
    /// The input's id.
    #[prop(into)]
    id: String,
    /// Its label.
    label: &'static str,
    /// The button's words.
    button: &'static str,
    /// Sends the text, with the [`Submit`] key when it creates something.
    send: S,
    /// After a success.
    done: Callback<()>,
) -> impl IntoView
where
    S: Fn(String, String) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<(), ApiError>> + 'static,
{
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let submit = move |_| {
        let value = text.get_untracked();
        if value.trim().is_empty() {
            error.set(Some(zh(lang, "请先填写", "Fill it in first").to_owned()));
            return;
        }
        error.set(None);
        sending.run(
            move |key| async move { send(value, key).await },
            move |answer| match answer {
                Ok(()) => {
                    text.set(String::new());
                    done.run(());
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <label class=ui::label for=id.clone()>{label}</label>
        <input id=id class=ui::input maxlength="40" prop:value=text on:input=move |ev| text.set(event_target_value(&ev)) />
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=style::secondary disabled=move || sending.pending() on:click=submit>{button}</button>
    }
}

/// `/staff/places`: the communities a person looks after, a compound's
/// grids and buildings, the forms that change them, and (for a street's
/// administrators) the street's recorded changes.
#[component]
pub fn PlacesPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, zh(lang, "社区、小区和楼栋", "Places")));
    let roles = held(&["street_admin", "community_staff"]);
    let communities = load(move || api::list_communities(lang));
    let community = RwSignal::new(None::<i64>);
    let compounds = load(move || api::list_compounds(lang));
    let compound = RwSignal::new(None::<i64>);
    let detail = load(move || {
        let id = compound.get();
        async move {
            match id {
                Some(id) => api::get_compound(id, lang).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reload_places = Callback::new(move |()| {
        communities.reload();
        compounds.reload();
        detail.reload();
    });
    view! {
        <h1 class=style::title>{zh(lang, "社区、小区和楼栋", "Communities, compounds and buildings")}</h1>
        <p class=ui::hint>{zh(lang,
            "逐个新增或修改；大批的楼栋请用“导入楼栋台账”。每次修改都会记录谁、何时、改了什么。",
            "Add or change places one at a time; for many buildings, import the ledger. Every change is recorded with who, when and what.")}</p>
        {move || match (roles(), communities.get()) {
            (None, _) | (_, None) => Loading().into_any(),
            (_, Some(Err(error))) => view! { <LoadError error on_retry=Callback::new(move |()| communities.reload()) /> }.into_any(),
            (Some(roles), Some(Ok(page))) => {
                let streets: Vec<i64> = roles.iter().filter(|r| r.role == "street_admin").map(|r| r.place_id).collect();
                let staffed: Vec<i64> = roles.iter().filter(|r| r.role == "community_staff").map(|r| r.place_id).collect();
                let mine: Vec<(i64, String)> = page.items.into_iter()
                    .filter(|c| streets.contains(&c.street_id) || staffed.contains(&c.id))
                    .map(|c| (c.id, c.name))
                    .collect();
                if mine.is_empty() && streets.is_empty() {
                    return view! { <p class=ui::hint>{zh(lang, "只有街道管理员和社区工作人员可以修改地方。", "Only street administrators and community staff change places.")}</p> }.into_any();
                }
                view! {
                    {streets.first().copied().map(|street| view! {
                        <section class=style::panel>
                            <h2 class=style::panel_title>{zh(lang, "新增社区", "Add a community")}</h2>
                            <OneField id="new-community" label=zh(lang, "社区名称", "Community name") button=zh(lang, "新增社区", "Add")
                                send=move |name, key| async move {
                                    api::add_place(&format!("/streets/{street}/communities"), &NewPlace { name, address: None }, &key, lang).await.map(|_| ())
                                }
                                done=reload_places />
                        </section>
                    })}
                    <section class=style::panel>
                        <label class=ui::label for="pick-community">{zh(lang, "社区", "Community")}</label>
                        <select id="pick-community" class=ui::input on:change=move |ev| { community.set(event_target_value(&ev).parse().ok()); compound.set(None); }>
                            <option value="">{zh(lang, "请选择", "Choose")}</option>
                            {mine.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=move || community.get() == Some(id)>{name}</option> }).collect_view()}
                        </select>
                        {move || community.get().map(|id| view! { <CommunityPlaces community=id compounds compound reload=reload_places /> })}
                    </section>
                    {move || community.get().and(detail.get()).map(|d| match d {
                        Ok(Some(d)) => view! { <CompoundPlaces detail=d reload=reload_places /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| detail.reload()) /> }.into_any(),
                    })}
                    {streets.first().copied().map(|street| view! { <ChangeLog street /> })}
                }.into_any()
            }
        }}
    }
}

/// A community's compounds to choose from, and the form for a new one.
#[component]
fn CommunityPlaces(
    community: i64,
    compounds: crate::load::Loaded<Vec<api_types::places::CompoundSummary>>,
    compound: RwSignal<Option<i64>>,
    reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let place = NewPlace {
            name: name.get_untracked(),
            address: Some(address.get_untracked()),
        };
        if place.validate(true).is_err() {
            error.set(Some(
                zh(
                    lang,
                    "请填写小区名称和地址",
                    "Give the compound's name and address",
                )
                .to_owned(),
            ));
            return;
        }
        error.set(None);
        sending.run(
            move |key| async move {
                api::add_place(
                    &format!("/communities/{community}/compounds"),
                    &place,
                    &key,
                    lang,
                )
                .await
            },
            move |answer| match answer {
                Ok(created) => {
                    name.set(String::new());
                    address.set(String::new());
                    compound.set(Some(created.id));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <label class=ui::label for="pick-compound">{zh(lang, "小区", "Compound")}</label>
        <select id="pick-compound" class=ui::input on:change=move |ev| compound.set(event_target_value(&ev).parse().ok())>
            <option value="">{zh(lang, "请选择", "Choose")}</option>
            {move || compounds.get().and_then(Result::ok).unwrap_or_default().into_iter()
                .filter(|c| c.community_id == community)
                .map(|c| { let id = c.id; view! { <option value=id.to_string() selected=move || compound.get() == Some(id)>{c.name}</option> } })
                .collect_view()}
        </select>
        <details>
            <summary>{zh(lang, "新增小区（同时设立互助站）", "Add a compound (with its station)")}</summary>
            <label class=ui::label for="new-compound">{zh(lang, "小区名称", "Compound name")}</label>
            <input id="new-compound" class=ui::input maxlength="40" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <label class=ui::label for="new-address">{zh(lang, "小区地址", "Address")}</label>
            <input id="new-address" class=ui::input maxlength="100" prop:value=address on:input=move |ev| address.set(event_target_value(&ev)) />
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="button" class=style::secondary disabled=move || sending.pending() on:click=add>{zh(lang, "新增小区", "Add the compound")}</button>
        </details>
    }
}

/// A compound's grids and buildings with the forms that change them.
#[component]
fn CompoundPlaces(detail: CompoundDetail, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let compound = detail.summary.id;
    let grids: Vec<(i64, String)> = detail
        .grids
        .iter()
        .map(|g| (g.id, g.name.clone()))
        .collect();
    let buildings: Vec<(i64, String, i64)> = detail
        .grids
        .iter()
        .flat_map(|g| {
            g.buildings
                .iter()
                .map(move |b| (b.id, b.name.clone(), g.id))
        })
        .collect();
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{detail.summary.name.clone()}</h2>
            <p class=style::meta>{detail.summary.address.clone()}</p>
            {detail.grids.into_iter().map(|g| {
                let id = g.id;
                let empty = g.buildings.is_empty() && g.worker_name.is_none();
                view! {
                    <div class=style::card>
                        <h3 class=style::card_title>{g.name.clone()}</h3>
                        <p class=style::meta>{match lang {
                            Lang::Zh => format!("网格员：{} · {} 户", g.worker_name.clone().unwrap_or_else(|| "未任命".to_owned()), g.household_count),
                            Lang::En => format!("Worker: {} · {} households", g.worker_name.clone().unwrap_or_else(|| "none".to_owned()), g.household_count),
                        }}</p>
                        <p class=style::meta>{g.buildings.iter().map(|b| b.name.clone()).collect::<Vec<_>>().join("、")}</p>
                        <details>
                            <summary>{zh(lang, "改名或撤销", "Rename or retire")}</summary>
                            <OneField id=format!("rename-grid-{id}") label=zh(lang, "新名称", "New name") button=zh(lang, "改名", "Rename")
                                send=move |name, _| async move { api::rename_grid(id, name, lang).await.map(|_| ()) }
                                done=reload />
                            <RetireGrid id empty reload />
                        </details>
                    </div>
                }
            }).collect_view()}
            <OneField id="new-grid" label=zh(lang, "新增网格", "Add a grid") button=zh(lang, "新增网格", "Add the grid")
                send=move |name, key| async move {
                    api::add_place(&format!("/compounds/{compound}/grids"), &NewPlace { name, address: None }, &key, lang).await.map(|_| ())
                }
                done=reload />
        </section>
        {(!grids.is_empty()).then(|| view! { <NewBuildingForm grids=grids.clone() reload /> })}
        {(!buildings.is_empty()).then(|| view! { <EditBuildingForm grids buildings reload /> })}
    }
}

/// Retires an empty grid, after the person confirms.
#[component]
fn RetireGrid(id: i64, empty: bool, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let retire = move |_| {
        let sure = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(zh(lang, "确定撤销这个网格？", "Retire this grid?"))
                    .ok()
            })
            .unwrap_or(false);
        if !sure {
            return;
        }
        sending.run(
            move |_| async move { api::retire_grid(id, lang).await },
            move |answer| match answer {
                Ok(()) => reload.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        {(!empty).then(|| view! { <p class=ui::hint>{zh(lang, "网格里还有楼栋或网格员时不能撤销。", "A grid with buildings or a worker cannot be retired.")}</p> })}
        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
        <button type="button" class=style::secondary disabled=move || !empty || sending.pending() on:click=retire>{zh(lang, "撤销网格", "Retire the grid")}</button>
    }
}

/// The number inputs of a new building.
fn number(value: RwSignal<String>) -> i64 {
    value.get_untracked().trim().parse().unwrap_or(0)
}

/// A new building in one of the compound's grids.
#[component]
fn NewBuildingForm(grids: Vec<(i64, String)>, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let grid = RwSignal::new(grids.first().map(|(id, _)| *id));
    let name = RwSignal::new(String::new());
    let units = RwSignal::new("1".to_owned());
    let floors = RwSignal::new("6".to_owned());
    let per_floor = RwSignal::new("2".to_owned());
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let building = NewBuilding {
            name: name.get_untracked(),
            units: number(units),
            floors: number(floors),
            per_floor: number(per_floor),
        };
        let Some(grid) = grid.get_untracked() else {
            return;
        };
        if building.validate().is_err() {
            error.set(Some(
                zh(
                    lang,
                    "请填写楼栋名称；单元 1–20，层数 1–60，每层 1–20 户",
                    "Give a name; units 1-20, floors 1-60, 1-20 households per floor",
                )
                .to_owned(),
            ));
            return;
        }
        error.set(None);
        sending.run(
            move |key| async move { api::add_building(grid, &building, &key, lang).await },
            move |answer| match answer {
                Ok(_) => {
                    name.set(String::new());
                    reload.run(());
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let field = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label class=ui::label for=id>{label}</label>
            <input id=id class=ui::input type="number" inputmode="numeric" min="1" prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "新增楼栋", "Add a building")}</h2>
            <label class=ui::label for="building-grid">{zh(lang, "网格", "Grid")}</label>
            <select id="building-grid" class=ui::input on:change=move |ev| grid.set(event_target_value(&ev).parse().ok())>
                {grids.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <label class=ui::label for="building-name">{zh(lang, "楼栋名称（如 7号楼）", "Name (e.g. Building 7)")}</label>
            <input id="building-name" class=ui::input maxlength="40" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            {field("building-units", zh(lang, "单元数", "Units"), units)}
            {field("building-floors", zh(lang, "层数", "Floors"), floors)}
            {field("building-per-floor", zh(lang, "每层户数（一梯几户）", "Households per floor"), per_floor)}
            <p class=ui::hint>{zh(lang, "房号按层编排：101、102……", "Rooms are numbered floor by floor: 101, 102…")}</p>
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="button" class=ui::primary disabled=move || sending.pending() on:click=add>{zh(lang, "新增楼栋", "Add the building")}</button>
        </section>
    }
}

/// Renames a building or moves it to another grid of the compound.
#[component]
fn EditBuildingForm(
    grids: Vec<(i64, String)>,
    buildings: Vec<(i64, String, i64)>,
    reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let chosen = RwSignal::new(None::<(i64, String, i64)>);
    let name = RwSignal::new(String::new());
    let grid = RwSignal::new(None::<i64>);
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let all = StoredValue::new(buildings.clone());
    let save = move |_| {
        let Some((id, _, _)) = chosen.get_untracked() else {
            error.set(Some(
                zh(lang, "请先选择楼栋", "Choose a building first").to_owned(),
            ));
            return;
        };
        let edit = BuildingEdit {
            name: name.get_untracked(),
            grid_id: grid.get_untracked().unwrap_or(0),
        };
        if edit.validate().is_err() {
            error.set(Some(
                zh(lang, "请填写楼栋名称", "Give the building's name").to_owned(),
            ));
            return;
        }
        error.set(None);
        sending.run(
            move |_| async move { api::edit_building(id, &edit, lang).await },
            move |answer| match answer {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "楼栋改名或换网格", "Rename or move a building")}</h2>
            <label class=ui::label for="edit-building">{zh(lang, "楼栋", "Building")}</label>
            <select id="edit-building" class=ui::input on:change=move |ev| {
                let id: Option<i64> = event_target_value(&ev).parse().ok();
                let b = all.with_value(|all| all.iter().find(|b| Some(b.0) == id).cloned());
                name.set(b.as_ref().map(|b| b.1.clone()).unwrap_or_default());
                grid.set(b.as_ref().map(|b| b.2));
                chosen.set(b);
            }>
                <option value="">{zh(lang, "请选择", "Choose")}</option>
                {buildings.into_iter().map(|(id, n, _)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
            </select>
            <label class=ui::label for="edit-building-name">{zh(lang, "名称", "Name")}</label>
            <input id="edit-building-name" class=ui::input maxlength="40" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <label class=ui::label for="edit-building-grid">{zh(lang, "所属网格", "Grid")}</label>
            <select id="edit-building-grid" class=ui::input on:change=move |ev| grid.set(event_target_value(&ev).parse().ok())>
                {grids.into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=move || grid.get() == Some(id)>{n}</option> }).collect_view()}
            </select>
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <button type="button" class=ui::primary disabled=move || sending.pending() on:click=save>{zh(lang, "保存", "Save")}</button>
        </section>
    }
}

/// The street's latest recorded changes.
#[component]
fn ChangeLog(street: i64) -> impl IntoView {
    let lang = use_lang();
    let changes = load(move || api::place_changes(street, lang));
    view! {
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "变更记录", "Changes")}</h2>
            <button type="button" class=style::secondary on:click=move |_| changes.reload()>{zh(lang, "刷新", "Refresh")}</button>
            {move || changes.get().map(|c| match c {
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| changes.reload()) /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class=style::meta>{zh(lang, "还没有变更", "No changes yet")}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class=style::meta>
                        {list.into_iter().map(|c| {
                            let who = c.actor_name.unwrap_or_else(|| zh(lang, "系统导入", "system import").to_owned());
                            let how = if c.import_id.is_some() { zh(lang, "（台账导入）", " (ledger)") } else { "" };
                            let what = if c.field == change::RETIRED {
                                let done = if c.before.is_empty() { change_words(lang, &c.field) } else { zh(lang, "恢复启用", "brought back") };
                                format!("{} {done}", c.place)
                            } else if c.before.is_empty() {
                                format!("{} {}：{}", c.place, change_words(lang, &c.field), c.after)
                            } else {
                                format!("{} {}：{} → {}", c.place, change_words(lang, &c.field), c.before, c.after)
                            };
                            view! { <li>{format!("{} · {who}{how} · {what}", local_time(lang, &c.at))}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </section>
    }
}

/// The roles one may appoint, as the form offers them.
const KINDS: [(&str, &str, &str); 7] = [
    ("head", "互助站站长", "Station head"),
    ("deputy", "互助站副站长", "Deputy station head"),
    (
        "secretary_general",
        "互助站秘书长",
        "Station secretary-general",
    ),
    ("member", "互助站成员", "Station member"),
    ("grid_worker", "网格员", "Grid worker"),
    ("community_staff", "社区工作人员", "Community staff"),
    ("department_liaison", "部门联络人", "Department liaison"),
];

/// The form's choices someone holding `roles` may appoint: a street's
/// administrators and a community's staff every role below them but
/// community staff (the street's), a station head the station's other
/// positions.
fn appointable(roles: &[RoleSummary]) -> Vec<(&'static str, &'static str, &'static str)> {
    let holds = |role: &str| roles.iter().any(|r| r.role == role);
    let head = roles
        .iter()
        .any(|r| r.role == "station_member" && r.position.as_deref() == Some("head"));
    KINDS
        .into_iter()
        .filter(|(kind, _, _)| match *kind {
            "community_staff" => holds("street_admin"),
            "deputy" | "secretary_general" | "member" => {
                holds("street_admin") || holds("community_staff") || head
            }
            _ => holds("street_admin") || holds("community_staff"),
        })
        .collect()
}

/// The role, position and the kind of place a form choice means.
fn kind_role(kind: &str) -> (Role, Option<Position>) {
    match kind {
        "head" => (Role::StationMember, Some(Position::Head)),
        "deputy" => (Role::StationMember, Some(Position::Deputy)),
        "secretary_general" => (Role::StationMember, Some(Position::SecretaryGeneral)),
        "member" => (Role::StationMember, Some(Position::Member)),
        "grid_worker" => (Role::GridWorker, None),
        "community_staff" => (Role::CommunityStaff, None),
        _ => (Role::DepartmentLiaison, None),
    }
}

/// A grant's role in words.
fn role_words(lang: Lang, record: &RoleRecord) -> String {
    let g = &record.grant;
    let kind = match (g.role, g.position) {
        (Role::StationMember, Some(Position::Head)) => "head",
        (Role::StationMember, Some(Position::Deputy)) => "deputy",
        (Role::StationMember, Some(Position::SecretaryGeneral)) => "secretary_general",
        (Role::StationMember, _) => "member",
        (Role::GridWorker, _) => "grid_worker",
        (Role::CommunityStaff, _) => "community_staff",
        (Role::DepartmentLiaison, _) => "department_liaison",
        (Role::StreetAdmin, _) => "street_admin",
    };
    let words = KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map_or(zh(lang, "街道管理员", "Street administrator"), |k| {
            zh(lang, k.1, k.2)
        });
    match &g.department_name {
        Some(d) => format!("{} {d}", words),
        None => words.to_owned(),
    }
}

/// `/staff/roles`: appoint someone by phone within the places one keeps;
/// each place's roles, live and revoked, with who granted or revoked them,
/// when and why; revoke with a reason.
#[component]
pub fn RolesPage() -> impl IntoView {
    let lang = use_lang();
    use_title(move || title(lang, zh(lang, "任命与撤销", "Appointments")));
    let roles = held(&["street_admin", "community_staff", "station_member"]);
    let compounds = load(move || api::list_compounds(lang));
    let kind = RwSignal::new("member".to_owned());
    let community = RwSignal::new(None::<i64>);
    let compound = RwSignal::new(None::<i64>);
    let grid = RwSignal::new(None::<i64>);
    let department = RwSignal::new(None::<i64>);
    let phone = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let sending = Submit::new();
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let grids = load(move || {
        let id = compound.get();
        async move {
            match id {
                Some(id) => api::get_compound(id, lang)
                    .await
                    .map(|d| d.grids.into_iter().map(|g| (g.id, g.name)).collect()),
                None => Ok(Vec::new()),
            }
        }
    });
    let departments = load(move || {
        let id = community.get();
        async move {
            match id {
                Some(id) => api::departments(id, lang).await,
                None => Ok(Vec::new()),
            }
        }
    });
    // The place whose roles are listed: the compound if one is chosen,
    // else the community, else the person's street.
    let scope = move || {
        compound
            .get()
            .map(|id| format!("compound_id={id}"))
            .or_else(|| {
                let held = roles().unwrap_or_default();
                let above = held.iter().any(|r| r.role != "station_member");
                community
                    .get()
                    .filter(|_| above)
                    .map(|id| format!("community_id={id}"))
                    .or_else(|| {
                        held.iter()
                            .find(|r| r.role == "street_admin")
                            .map(|r| format!("street_id={}", r.place_id))
                    })
            })
    };
    let records = load(move || {
        let scope = scope();
        async move {
            match scope {
                Some(scope) => api::role_records(&scope, lang).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let grant = move |_| {
        let (role, position) = kind_role(&kind.get_untracked());
        let place = match role {
            Role::StationMember => compound.get_untracked(),
            Role::GridWorker => grid.get_untracked(),
            Role::CommunityStaff | Role::DepartmentLiaison | Role::StreetAdmin => {
                community.get_untracked()
            }
        };
        let request = NewRoleGrant {
            phone: phone.get_untracked(),
            name: Some(name.get_untracked().trim().to_owned()).filter(|n| !n.is_empty()),
            role,
            place_id: place.unwrap_or(0),
            position,
            department_id: (role == Role::DepartmentLiaison)
                .then(|| department.get_untracked())
                .flatten(),
            reason: reason.get_untracked(),
        };
        if request.validate().is_err() || place.is_none() {
            error.set(Some(
                zh(
                    lang,
                    "请填写手机号、选择地方（联络人还要选部门）并写明任命理由",
                    "Give a phone, the place (and a liaison's department) and the reason",
                )
                .to_owned(),
            ));
            return;
        }
        error.set(None);
        done.set(None);
        sending.run(
            move |key| async move { api::grant_role(&request, &key, lang).await },
            move |answer| match answer {
                Ok(g) => {
                    done.set(Some(format!(
                        "{}：{} · {}",
                        zh(lang, "已任命", "Appointed"),
                        g.person_name,
                        g.place_name
                    )));
                    phone.set(String::new());
                    name.set(String::new());
                    records.reload();
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    let needs = move |what: &str| {
        let k = kind.get();
        match what {
            "community" => k != "street_admin",
            "compound" => matches!(
                k.as_str(),
                "head" | "deputy" | "secretary_general" | "member" | "grid_worker"
            ),
            "grid" => k == "grid_worker",
            _ => k == "department_liaison",
        }
    };
    view! {
        <h1 class=style::title>{zh(lang, "任命与撤销", "Appointments")}</h1>
        <p class=ui::hint>{zh(lang,
            "按手机号找人：还没登录过的人会收到短信邀请，用这个手机号登录后就有这个职务。任命和撤销都会记录谁、何时、为什么。",
            "People are found by phone: someone who never signed in gets an SMS invitation and holds the role once they sign in with it. Every appointment and revocation is recorded with who, when and why.")}</p>
        {move || compounds.pending().then(Loading)}
        {move || compounds.get().map(|c| match c {
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| compounds.reload()) /> }.into_any(),
            Ok(list) => {
                let list = StoredValue::new(list);
                let mut communities: Vec<(i64, String)> = list.with_value(|l| l.iter().map(|c| (c.community_id, c.community_name.clone())).collect());
                communities.sort();
                communities.dedup();
                view! {
                    <section class=style::panel>
                        <label class=ui::label for="role-kind">{zh(lang, "职务", "Role")}</label>
                        <select id="role-kind" class=ui::input on:change=move |ev| { kind.set(event_target_value(&ev)); grid.set(None); department.set(None); }>
                            {move || appointable(&roles().unwrap_or_default()).into_iter().map(|(v, z, e)| view! { <option value=v selected=move || kind.get() == v>{zh(lang, z, e)}</option> }).collect_view()}
                        </select>
                        <Show when=move || needs("community")>
                            <label class=ui::label for="role-community">{zh(lang, "社区", "Community")}</label>
                            <select id="role-community" class=ui::input on:change=move |ev| { community.set(event_target_value(&ev).parse().ok()); compound.set(None); grid.set(None); department.set(None); }>
                                <option value="">{zh(lang, "请选择", "Choose")}</option>
                                {communities.iter().map(|(id, n)| { let id = *id; view! { <option value=id.to_string() selected=move || community.get() == Some(id)>{n.clone()}</option> } }).collect_view()}
                            </select>
                        </Show>
                        <Show when=move || needs("compound")>
                            <label class=ui::label for="role-compound">{zh(lang, "小区", "Compound")}</label>
                            <select id="role-compound" class=ui::input on:change=move |ev| { compound.set(event_target_value(&ev).parse().ok()); grid.set(None); }>
                                <option value="">{zh(lang, "请选择", "Choose")}</option>
                                {move || list.with_value(|l| l.iter().filter(|c| community.get().is_none_or(|id| c.community_id == id))
                                    .map(|c| { let id = c.id; view! { <option value=id.to_string() selected=move || compound.get() == Some(id)>{c.name.clone()}</option> } })
                                    .collect_view())}
                            </select>
                        </Show>
                        <Show when=move || needs("grid")>
                            <label class=ui::label for="role-grid">{zh(lang, "网格", "Grid")}</label>
                            <select id="role-grid" class=ui::input on:change=move |ev| grid.set(event_target_value(&ev).parse().ok())>
                                <option value="">{zh(lang, "请选择", "Choose")}</option>
                                {move || grids.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                    .map(|(id, n)| view! { <option value=id.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </Show>
                        <Show when=move || needs("department")>
                            <label class=ui::label for="role-department">{zh(lang, "部门", "Department")}</label>
                            <select id="role-department" class=ui::input on:change=move |ev| department.set(event_target_value(&ev).parse().ok())>
                                <option value="">{zh(lang, "请选择", "Choose")}</option>
                                {move || departments.get().and_then(Result::ok).unwrap_or_default().into_iter()
                                    .map(|d| view! { <option value=d.id.to_string()>{d.name}</option> }).collect_view()}
                            </select>
                            {move || community.get().map(|id| view! {
                                <details>
                                    <summary>{zh(lang, "列表里没有？新增部门", "Not listed? Add a department")}</summary>
                                    <OneField id="new-department" label=zh(lang, "部门名称（如 临城派出所）", "Department name") button=zh(lang, "新增部门", "Add")
                                        send=move |n, key| async move { api::add_department(id, n, &key, lang).await.map(|_| ()) }
                                        done=Callback::new(move |()| { department.set(None); departments.reload(); }) />
                                </details>
                            })}
                        </Show>
                        <label class=ui::label for="role-phone">{zh(lang, "手机号", "Mobile number")}</label>
                        <input id="role-phone" class=ui::input type="tel" inputmode="numeric" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                        <label class=ui::label for="role-name">{zh(lang, "称呼（还没登录过的人才需要）", "Their name (for someone who never signed in)")}</label>
                        <input id="role-name" class=ui::input maxlength="20" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                        <label class=ui::label for="role-reason">{zh(lang, "任命理由", "Reason")}</label>
                        <input id="role-reason" class=ui::input maxlength="200" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                        {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                        {move || done.get().map(|m| view! { <p role="status">{m}</p> })}
                        <button type="button" class=ui::primary disabled=move || sending.pending() on:click=grant>{zh(lang, "任命", "Appoint")}</button>
                    </section>
                }.into_any()
            }
        })}
        <section class=style::panel>
            <h2 class=style::panel_title>{zh(lang, "这里的职务和记录", "Roles here and their history")}</h2>
            {move || records.get().map(|r| match r {
                Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| records.reload()) /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class=style::meta>{if scope().is_some() { zh(lang, "这里还没有人任职", "Nobody holds a role here yet") } else { zh(lang, "先在上面选择社区或小区", "Choose a community or compound above") }}</p> }.into_any(),
                Ok(list) => list.into_iter().map(|record| view! { <RoleCard record reload=Callback::new(move |()| records.reload()) /> }).collect_view().into_any(),
            })}
        </section>
    }
}

/// One grant with its history and, while live, a revocation form.
#[component]
fn RoleCard(record: RoleRecord, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let id = record.grant.id;
    let live = record.grant.revoked_at.is_none();
    let heading = format!(
        "{} · {} · {}{}",
        record.grant.person_name,
        record.grant.place_name,
        role_words(lang, &record),
        match (live, record.signed_in) {
            (false, _) => zh(lang, "（已撤销）", " (revoked)"),
            (true, false) => zh(lang, "（已邀请，未登录）", " (invited, not signed in yet)"),
            (true, true) => "",
        }
    );
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let revoke = move |_| {
        let why = reason.get_untracked();
        if why.trim().is_empty() {
            error.set(Some(
                zh(lang, "请写明撤销理由", "Give the reason").to_owned(),
            ));
            return;
        }
        sending.run(
            move |key| async move { api::revoke_role(id, why, &key, lang).await },
            move |answer| match answer {
                Ok(_) => reload.run(()),
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <div class=style::card>
            <h3 class=style::card_title>{heading}</h3>
            <ul class=style::meta>
                {record.events.into_iter().map(|e| {
                    let act = if e.action == "grant" { zh(lang, "任命", "granted") } else { zh(lang, "撤销", "revoked") };
                    let who = e.actor_name.unwrap_or_else(|| zh(lang, "系统", "the system").to_owned());
                    view! { <li>{format!("{} {act} · {who} · {}", local_time(lang, &e.at), e.reason)}</li> }
                }).collect_view()}
            </ul>
            {live.then(|| view! {
                <details>
                    <summary>{zh(lang, "撤销这个职务", "Revoke this role")}</summary>
                    <label class=ui::label for=format!("revoke-{id}")>{zh(lang, "撤销理由", "Reason")}</label>
                    <input id=format!("revoke-{id}") class=ui::input maxlength="200" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    <button type="button" class=style::secondary disabled=move || sending.pending() on:click=revoke>{zh(lang, "撤销", "Revoke")}</button>
                </details>
            })}
        </div>
    }
}

/// What a resident asked for: a meeting to register for or a volunteer
/// place to claim, with the path that does it.
#[derive(Debug, Clone, PartialEq)]
struct Errand {
    path: String,
    label: String,
}

/// `/staff/compounds/:id/for-resident`: registers a resident who phoned or
/// came in for a consultation's meeting, or claims a volunteer place in
/// their name; the act is theirs, under the rules they would meet.
#[component]
pub fn ForResidentPage() -> impl IntoView {
    let lang = use_lang();
    let param = crate::routes::use_id();
    let compound = move || param().unwrap_or(0);
    use_title(move || title(lang, zh(lang, "替居民报名、认领", "Sign a resident up")));
    let errands =
        load(move || {
            let id = compound();
            async move {
                let mut errands = Vec::new();
                let topics = api::consultations(id, lang).await?;
                for topic in topics.items.into_iter().filter(|t| {
                    matches!(t.state, State::Adopted | State::Discussion | State::Voting)
                }) {
                    let detail = api::consultation(topic.id, lang).await?;
                    if let Some(m) = detail.meeting {
                        errands.push(Errand {
                            path: format!("/consultations/{}/registrations", topic.id),
                            label: format!(
                                "{}{} · {} · {} {}/{}",
                                zh(lang, "会议：", "Meeting: "),
                                topic.title,
                                local_time(lang, &m.at),
                                m.place,
                                m.registered,
                                m.capacity
                            ),
                        });
                    }
                }
                for post in api::posts(id, lang).await? {
                    for slot in post.slots {
                        errands.push(Errand {
                            path: format!("/slots/{}/claims", slot.id),
                            label: format!(
                                "{}{} · {} · {}/{}{}",
                                zh(lang, "志愿：", "Volunteering: "),
                                post.title,
                                local_time(lang, &slot.starts_at),
                                slot.confirmed,
                                post.places,
                                if slot.waiting > 0 {
                                    format!(" +{}", slot.waiting)
                                } else {
                                    String::new()
                                }
                            ),
                        });
                    }
                }
                Ok(errands)
            }
        });
    let chosen = RwSignal::new(None::<String>);
    let phone = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let channel = RwSignal::new(Channel::PhoneCall);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let sending = Submit::new();
    let submit = move |_| {
        let body = ForResident {
            on_behalf: Some(OnBehalf {
                phone: phone.get_untracked(),
                name: Some(name.get_untracked().trim().to_owned()).filter(|n| !n.is_empty()),
                channel: channel.get_untracked(),
            }),
        };
        let Some(path) = chosen.get_untracked().filter(|_| body.validate().is_ok()) else {
            error.set(Some(
                zh(
                    lang,
                    "请选择会议或志愿岗位，并填写居民的手机号",
                    "Choose a meeting or a place, and give the resident's phone",
                )
                .to_owned(),
            ));
            return;
        };
        error.set(None);
        done.set(None);
        sending.run(
            move |key| async move { api::act_for_resident(&path, &body, &key, lang).await },
            move |answer| match answer {
                Ok(()) => {
                    done.set(Some(
                        zh(
                            lang,
                            "已替居民登记。居民用这个手机号登录后能看到。",
                            "Done. The resident sees it once they sign in with that phone.",
                        )
                        .to_owned(),
                    ));
                    phone.set(String::new());
                    name.set(String::new());
                    errands.reload();
                }
                Err(e) => error.set(Some(e.text(lang))),
            },
        );
    };
    view! {
        <h1 class=style::title>{zh(lang, "替居民报名、认领", "Sign a resident up")}</h1>
        <p class=ui::hint>{zh(lang,
            "居民打电话或来站里说要参加会议、认领志愿岗位时，在这里替他登记。登记算居民本人的，和他自己报名的规则一样；记录会写明是谁替他登记的。",
            "When a resident phones or comes in to join a meeting or take a volunteer place, record it here. It is theirs, under the rules they would meet themselves; the record says who entered it.")}</p>
        {move || errands.pending().then(Loading)}
        {move || errands.get().map(|e| match e {
            Err(error) => view! { <LoadError error on_retry=Callback::new(move |()| errands.reload()) /> }.into_any(),
            Ok(list) if list.is_empty() => view! { <p class=ui::hint>{zh(lang, "现在没有可以报名的会议或志愿岗位。", "No meeting or volunteer place is open now.")}</p> }.into_any(),
            Ok(list) => view! {
                <section class=style::panel>
                    <label class=ui::label for="errand">{zh(lang, "报名哪一项", "What for")}</label>
                    <select id="errand" class=ui::input on:change=move |ev| chosen.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty()))>
                        <option value="">{zh(lang, "请选择", "Choose")}</option>
                        {list.into_iter().map(|e| { let p = e.path.clone(); view! { <option value=e.path selected=move || chosen.get().as_deref() == Some(p.as_str())>{e.label}</option> } }).collect_view()}
                    </select>
                    <label class=ui::label for="fr-phone">{zh(lang, "居民手机号", "Resident's mobile number")}</label>
                    <input id="fr-phone" class=ui::input type="tel" inputmode="numeric" prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                    <label class=ui::label for="fr-name">{zh(lang, "称呼（没登录过的居民）", "Their name (if they never signed in)")}</label>
                    <input id="fr-name" class=ui::input maxlength="20" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                    <label class=ui::label for="fr-channel">{zh(lang, "怎么来的", "How they reached you")}</label>
                    <select id="fr-channel" class=ui::input on:change=move |ev| {
                        if let Some(c) = Channel::parse(&event_target_value(&ev)) { channel.set(c); }
                    }>
                        {[(Channel::PhoneCall, "电话", "Phone call"), (Channel::Visit, "来访", "Came in"), (Channel::WechatGroup, "微信群", "WeChat group")]
                            .into_iter().map(|(c, z, e)| view! { <option value=c.as_str()>{zh(lang, z, e)}</option> }).collect_view()}
                    </select>
                    {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
                    {move || done.get().map(|m| view! { <p role="status">{m}</p> })}
                    <button type="button" class=ui::primary disabled=move || sending.pending() on:click=submit>{zh(lang, "替居民登记", "Sign them up")}</button>
                </section>
            }.into_any(),
        })}
    }
}

//! The app's words in Simplified Chinese and English: a typed table, so a
//! missing translation is a compile error and no i18n crate's bytes ride
//! along to the phone.

use api_types::Lang;

/// A fixed piece of UI text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// The portal's name.
    Brand,
    /// The portal's one-line description.
    Tagline,
    /// Bottom navigation: the home page.
    NavHome,
    /// Bottom navigation: the person's own page.
    NavMe,
    /// Bottom navigation: the inbox.
    NavNotices,
    /// Filing an affair.
    FileAffair,
    /// The compound's public board.
    PublicBoard,
    /// The resident's own affairs.
    MyAffairs,
    /// Which notices also come by SMS (a page the server writes).
    SmsNotices,
    /// The compound's consultations.
    Consultations,
    /// Volunteer posts and the pool.
    Volunteers,
    /// Rating the service units.
    ServiceRatings,
    /// The label of the main navigation landmark.
    NavLabel,
    /// The language switch's label (names the other language).
    SwitchLanguage,
    /// The large-text switch's short label.
    LargeTextShort,
    /// The large-text setting's name.
    LargeText,
    /// What large-text mode does.
    LargeTextHint,
    /// Shown while data loads.
    Loading,
    /// Offered after a failed load.
    Retry,
    /// A network failure (the request never reached the server).
    NetworkError,
    /// The home page's heading over the compounds.
    CompoundsHeading,
    /// The heading of the person's chosen compound on the home page.
    MyCompound,
    /// No compound chosen yet.
    NoCompoundChosen,
    /// How to choose one.
    ChooseCompoundHint,
    /// The button that makes a compound the person's own.
    SetMyCompound,
    /// Shown on the compound the person already chose.
    IsMyCompound,
    /// The compound's mutual-aid station.
    Station,
    /// Station head (站长).
    StationHead,
    /// The grids section of a compound.
    Grids,
    /// Grid worker (网格员).
    GridWorker,
    /// Back to the home page.
    BackHome,
    /// The settings section of the me page.
    Settings,
    /// The language setting.
    Language,
    /// The page-not-found heading.
    NotFound,
    /// The page-not-found explanation.
    NotFoundHint,
    /// The change link next to the chosen compound.
    Change,
    /// Not set up yet.
    NoStation,
    /// Sign-in button and link.
    SignIn,
    /// The sign-in page's heading.
    SignInTitle,
    /// What signing in takes.
    SignInHint,
    /// The phone field's label.
    Phone,
    /// A phone number that is not a mainland mobile.
    PhoneInvalid,
    /// Asks for a code.
    SendCode,
    /// While a request is on its way.
    Sending,
    /// Before the masked number the code went to.
    CodeSentTo,
    /// The code field's label.
    Code,
    /// A code that is not six digits.
    CodeInvalid,
    /// Asks for another code.
    Resend,
    /// Goes back to the number.
    ChangePhone,
    /// Ends this device's session.
    SignOut,
    /// Ends every session of the person.
    SignOutEverywhere,
    /// Why to sign in.
    SignInToAct,
    /// The account section.
    Account,
    /// The roles section.
    MyRoles,
    /// The role everyone has.
    Resident,
    /// The household section.
    MyHousehold,
    /// A binding waiting for approval.
    HouseholdPending,
    /// A verified binding.
    HouseholdApproved,
    /// A refused binding.
    HouseholdRejected,
    /// Starts a binding.
    BindHousehold,
    /// Why to bind.
    BindHint,
    /// The building field.
    Building,
    /// The unit field.
    Unit,
    /// The room field.
    Room,
    /// A missing room.
    RoomInvalid,
    /// Sends a form.
    Submit,
    /// The invite page's heading.
    InviteTitle,
    /// An expired or used-up invite.
    InviteUnusable,
    /// Leads to sign-in and back.
    SignInToContinue,
    /// The station's work page.
    StationDesk,
    /// Requests to decide.
    PendingRequests,
    /// An empty queue.
    NoPending,
    /// Approves a request.
    Approve,
    /// Rejects a request.
    Reject,
    /// The reason field.
    RejectReason,
    /// A missing reason.
    ReasonRequired,
    /// The invite section.
    Invites,
    /// Creates an invite.
    MakeInvite,
    /// An invite for the whole building.
    WholeBuilding,
    /// The room field of an invite.
    InviteRoom,
    /// Downloads the person's data.
    DownloadData,
    /// Deletes the account.
    DeleteAccount,
    /// Asked before deleting.
    DeleteConfirm,
    /// Copies a link.
    CopyLink,
    /// After copying.
    Copied,
    /// No compound chosen before binding.
    ChooseCompoundFirst,
    /// Invite use counts label.
    InviteUsed,
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    match lang {
        Lang::Zh => match key {
            Brand => "邻里",
            Tagline => "社区自治 · 邻里互助",
            NavHome => "首页",
            NavMe => "我的",
            NavNotices => "消息",
            FileAffair => "我要报事",
            PublicBoard => "办事公示",
            MyAffairs => "我报的事",
            SmsNotices => "短信提醒",
            Consultations => "议事协商",
            Volunteers => "志愿服务",
            ServiceRatings => "服务评价",
            NavLabel => "主导航",
            SwitchLanguage => "English",
            LargeTextShort => "大字",
            LargeText => "大字模式",
            LargeTextHint => "放大全部文字和按钮，看得更清楚",
            Loading => "正在加载…",
            Retry => "重新加载",
            NetworkError => "网络连接失败，请检查网络后重试",
            CompoundsHeading => "各小区互助站",
            MyCompound => "我的小区",
            NoCompoundChosen => "还没有选择小区",
            ChooseCompoundHint => "在首页点开您住的小区，选“设为我的小区”",
            SetMyCompound => "设为我的小区",
            IsMyCompound => "这是我的小区",
            Station => "居民自治互助站",
            StationHead => "站长",
            Grids => "网格",
            GridWorker => "网格员",
            BackHome => "返回首页",
            Settings => "设置",
            Language => "语言",
            NotFound => "没有找到这个页面",
            NotFoundHint => "链接可能有误，或内容已不存在。",
            Change => "更换",
            NoStation => "尚未设立互助站",
            SignIn => "登录",
            SignInTitle => "登录邻里",
            SignInHint => "输入手机号，我们会发一条短信验证码。",
            Phone => "手机号",
            PhoneInvalid => "请输入 11 位手机号，例如 13800138000",
            SendCode => "获取验证码",
            Sending => "请稍候…",
            CodeSentTo => "验证码已发送至",
            Code => "验证码",
            CodeInvalid => "请输入短信里的 6 位数字验证码",
            Resend => "重新获取验证码",
            ChangePhone => "换一个手机号",
            SignOut => "退出登录",
            SignOutEverywhere => "在所有设备上退出",
            SignInToAct => "登录后可以报事、议事、参加志愿服务",
            Account => "账号",
            MyRoles => "我的身份",
            Resident => "居民",
            MyHousehold => "我的住户",
            HouseholdPending => "等待互助站确认",
            HouseholdApproved => "已认证",
            HouseholdRejected => "未通过",
            BindHousehold => "绑定我的住户",
            BindHint => "认证住户后，才能参与投票和服务评价。",
            Building => "楼栋",
            Unit => "单元",
            Room => "房号",
            RoomInvalid => "请填写房号，例如 301",
            Submit => "提交",
            InviteTitle => "邀请您绑定住户",
            InviteUnusable => "这个邀请链接已失效，请向互助站要一个新的。",
            SignInToContinue => "登录后继续",
            StationDesk => "互助站工作台",
            PendingRequests => "待确认的住户绑定",
            NoPending => "暂时没有要确认的申请",
            Approve => "确认",
            Reject => "不通过",
            RejectReason => "不通过的原因（住户会看到）",
            ReasonRequired => "请写明原因，方便住户处理",
            Invites => "邀请链接",
            MakeInvite => "生成邀请链接",
            WholeBuilding => "整栋楼",
            InviteRoom => "房号（不填则邀请整栋楼）",
            DownloadData => "下载我的数据",
            DeleteAccount => "注销账号",
            DeleteConfirm => "注销后，您的姓名、手机号和住户绑定都会被删除，无法恢复。确定注销吗？",
            CopyLink => "复制链接",
            Copied => "已复制，可以粘贴到微信群",
            ChooseCompoundFirst => "请先在首页选择您住的小区",
            InviteUsed => "已使用",
        },
        Lang::En => match key {
            Brand => "Linli",
            Tagline => "Neighbours governing together",
            NavHome => "Home",
            NavMe => "Me",
            NavNotices => "Notices",
            FileAffair => "Report an affair",
            PublicBoard => "Public board",
            MyAffairs => "My reports",
            SmsNotices => "SMS notices",
            Consultations => "Consultations",
            Volunteers => "Volunteering",
            ServiceRatings => "Rate services",
            NavLabel => "Main navigation",
            SwitchLanguage => "中文",
            LargeTextShort => "A+",
            LargeText => "Large text",
            LargeTextHint => "Make all text and buttons bigger and easier to read",
            Loading => "Loading…",
            Retry => "Try again",
            NetworkError => "No connection. Check your network and try again",
            CompoundsHeading => "Compounds and their stations",
            MyCompound => "My compound",
            NoCompoundChosen => "No compound chosen yet",
            ChooseCompoundHint => {
                "Open your compound from the home page and choose “Set as my compound”"
            }
            SetMyCompound => "Set as my compound",
            IsMyCompound => "This is my compound",
            Station => "Mutual-aid station",
            StationHead => "Station head",
            Grids => "Grids",
            GridWorker => "Grid worker",
            BackHome => "Back to home",
            Settings => "Settings",
            Language => "Language",
            NotFound => "Page not found",
            NotFoundHint => "The link may be wrong, or the page no longer exists.",
            Change => "Change",
            NoStation => "No station set up yet",
            SignIn => "Sign in",
            SignInTitle => "Sign in to Linli",
            SignInHint => "Enter your mobile number and we will text you a code.",
            Phone => "Mobile number",
            PhoneInvalid => "Enter an 11-digit mobile number, e.g. 13800138000",
            SendCode => "Text me a code",
            Sending => "Please wait…",
            CodeSentTo => "We texted a code to",
            Code => "Code",
            CodeInvalid => "Enter the 6-digit code from the message",
            Resend => "Send a new code",
            ChangePhone => "Use another number",
            SignOut => "Sign out",
            SignOutEverywhere => "Sign out on all devices",
            SignInToAct => "Sign in to report, deliberate and volunteer",
            Account => "Account",
            MyRoles => "My roles",
            Resident => "Resident",
            MyHousehold => "My household",
            HouseholdPending => "Waiting for the station to confirm",
            HouseholdApproved => "Verified",
            HouseholdRejected => "Not approved",
            BindHousehold => "Link my household",
            BindHint => "Verified households can vote and rate services.",
            Building => "Building",
            Unit => "Unit",
            Room => "Room",
            RoomInvalid => "Enter your room, e.g. 301",
            Submit => "Submit",
            InviteTitle => "You are invited to link your household",
            InviteUnusable => "This invite link no longer works; ask your station for a new one.",
            SignInToContinue => "Sign in to continue",
            StationDesk => "Station desk",
            PendingRequests => "Household links to confirm",
            NoPending => "Nothing to confirm",
            Approve => "Approve",
            Reject => "Reject",
            RejectReason => "Reason (the resident will see it)",
            ReasonRequired => "Write a reason the resident can act on",
            Invites => "Invite links",
            MakeInvite => "Make an invite link",
            WholeBuilding => "Whole building",
            InviteRoom => "Room (leave empty to invite the whole building)",
            DownloadData => "Download my data",
            DeleteAccount => "Delete my account",
            DeleteConfirm => {
                "Your name, number and household link will be erased for good. Delete your account?"
            }
            CopyLink => "Copy link",
            Copied => "Copied: paste it into the WeChat group",
            ChooseCompoundFirst => "First choose your compound on the home page",
            InviteUsed => "Used",
        },
    }
}

/// Something counted, written with its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Communities (社区).
    Communities,
    /// Compounds (小区).
    Compounds,
    /// Households (户).
    Households,
    /// Grids (网格).
    Grids,
    /// Buildings (楼栋).
    Buildings,
    /// Units (单元).
    Units,
    /// Station members.
    Members,
}

/// The unit of `what` alone, for a figure shown large above it.
pub fn unit(lang: Lang, what: Count) -> &'static str {
    use Count::*;
    match (lang, what) {
        (Lang::Zh, Communities) => "个社区",
        (Lang::Zh, Compounds) => "个小区",
        (Lang::Zh, Households) => "户",
        (Lang::Zh, Grids) => "个网格",
        (Lang::Zh, Buildings) => "栋楼",
        (Lang::Zh, Units) => "个单元",
        (Lang::Zh, Members) => "名站委",
        (Lang::En, Communities) => "communities",
        (Lang::En, Compounds) => "compounds",
        (Lang::En, Households) => "households",
        (Lang::En, Grids) => "grids",
        (Lang::En, Buildings) => "buildings",
        (Lang::En, Units) => "units",
        (Lang::En, Members) => "members",
    }
}

/// `n` with its unit: "204 户", "1 household".
pub fn count(lang: Lang, n: i64, what: Count) -> String {
    let unit = unit(lang, what);
    if lang == Lang::En && n == 1 {
        format!(
            "1 {}",
            unit.strip_suffix('s')
                .unwrap_or(unit)
                .replace("communitie", "community")
        )
    } else {
        format!("{n} {unit}")
    }
}

/// Several counts joined as one line: "2 个网格 · 5 栋楼 · 204 户".
pub fn counts(lang: Lang, items: &[(i64, Count)]) -> String {
    items
        .iter()
        .map(|(n, what)| count(lang, *n, *what))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "59 秒后可重新获取": the resend countdown.
pub fn resend_in(lang: Lang, secs: u32) -> String {
    match lang {
        Lang::Zh => format!("{secs} 秒后可重新获取"),
        Lang::En => format!("New code in {secs} s"),
    }
}

/// A liaison's department, as the community lists it.
fn dept(role: &api_types::identity::RoleSummary) -> &str {
    role.department.as_deref().unwrap_or_default()
}

/// A role with its place, as people say it: "海景花园 站长", "东港社区
/// 海景物业服务中心联络人".
pub fn role_label(lang: Lang, role: &api_types::identity::RoleSummary) -> String {
    let name = match (lang, role.role.as_str()) {
        (Lang::Zh, "station_member") => match role.position.as_deref() {
            Some("head") => "站长",
            Some("deputy") => "副站长",
            Some("secretary_general") => "秘书长",
            _ => "站委成员",
        },
        (Lang::En, "station_member") => match role.position.as_deref() {
            Some("head") => "station head",
            Some("deputy") => "deputy station head",
            Some("secretary_general") => "station secretary-general",
            _ => "station member",
        },
        (Lang::Zh, "grid_worker") => "网格员",
        (Lang::En, "grid_worker") => "grid worker",
        (Lang::Zh, "community_staff") => "社区工作者",
        (Lang::En, "community_staff") => "community staff",
        (Lang::Zh, "department_liaison") => {
            return format!("{} {}联络人", role.place_name, dept(role));
        }
        (Lang::En, "department_liaison") => {
            return format!("{} {} liaison", role.place_name, dept(role));
        }
        (Lang::Zh, "street_admin") => "街道管理员",
        (Lang::En, "street_admin") => "street administrator",
        (_, other) => other,
    };
    format!("{} {name}", role.place_name)
}

/// A household binding's state in words.
pub fn household_status(
    lang: Lang,
    status: api_types::households::HouseholdStatus,
) -> &'static str {
    use api_types::households::HouseholdStatus::*;
    t(
        lang,
        match status {
            Pending => Key::HouseholdPending,
            Approved => Key::HouseholdApproved,
            Rejected => Key::HouseholdRejected,
        },
    )
}

/// A page title as it shows in WeChat's title bar and share cards.
pub fn title(lang: Lang, page: &str) -> String {
    let brand = t(lang, Key::Brand);
    if page.is_empty() {
        format!("{brand} · {}", t(lang, Key::Tagline))
    } else {
        format!("{page} · {brand}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally_in_both_languages() {
        let line = [
            (2, Count::Grids),
            (5, Count::Buildings),
            (204, Count::Households),
        ];
        assert_eq!(counts(Lang::Zh, &line), "2 个网格 · 5 栋楼 · 204 户");
        assert_eq!(
            counts(Lang::En, &line),
            "2 grids · 5 buildings · 204 households"
        );
        assert_eq!(count(Lang::En, 1, Count::Communities), "1 community");
        assert_eq!(count(Lang::En, 1, Count::Households), "1 household");
        assert_eq!(count(Lang::Zh, 1, Count::Households), "1 户");
    }

    #[test]
    fn roles_read_as_people_say_them() {
        let role = |role: &str, position: Option<&str>, department: Option<&str>| {
            api_types::identity::RoleSummary {
                role: role.into(),
                place_id: 1,
                place_name: "海景花园".into(),
                position: position.map(Into::into),
                department: department.map(Into::into),
            }
        };
        assert_eq!(
            role_label(Lang::Zh, &role("station_member", Some("head"), None)),
            "海景花园 站长"
        );
        assert_eq!(
            role_label(
                Lang::Zh,
                &role("department_liaison", None, Some("燃气公司东港服务站"))
            ),
            "海景花园 燃气公司东港服务站联络人"
        );
        assert_eq!(
            role_label(Lang::En, &role("grid_worker", None, None)),
            "海景花园 grid worker"
        );
    }

    #[test]
    fn titles_name_the_page_then_the_portal() {
        assert_eq!(title(Lang::Zh, "海景花园"), "海景花园 · 邻里");
        assert_eq!(title(Lang::En, ""), "Linli · Neighbours governing together");
    }

    #[test]
    fn the_language_switch_names_the_other_language() {
        assert_eq!(t(Lang::Zh, Key::SwitchLanguage), "English");
        assert_eq!(t(Lang::En, Key::SwitchLanguage), "中文");
    }
}

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
    /// Shown when the street has no compounds yet.
    NoCompounds,
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
            NavLabel => "主导航",
            SwitchLanguage => "English",
            LargeTextShort => "大字",
            LargeText => "大字模式",
            LargeTextHint => "放大全部文字和按钮，看得更清楚",
            Loading => "正在加载…",
            Retry => "重新加载",
            NetworkError => "网络连接失败，请检查网络后重试",
            CompoundsHeading => "各小区互助站",
            NoCompounds => "还没有小区信息",
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
        },
        Lang::En => match key {
            Brand => "Linli",
            Tagline => "Neighbours governing together",
            NavHome => "Home",
            NavMe => "Me",
            NavLabel => "Main navigation",
            SwitchLanguage => "中文",
            LargeTextShort => "A+",
            LargeText => "Large text",
            LargeTextHint => "Make all text and buttons bigger and easier to read",
            Loading => "Loading…",
            Retry => "Try again",
            NetworkError => "No connection. Check your network and try again",
            CompoundsHeading => "Compounds and their stations",
            NoCompounds => "No compounds yet",
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

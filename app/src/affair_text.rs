//! The words of the affair pages (filing, timeline, queue, figures,
//! notices). A table of its own, used only by the desk bundle, so its
//! strings cost the residents' first load nothing.

use api_types::Lang;
use api_types::affairs::{Level, Satisfaction, Status};

/// A fixed piece of affair-page text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum W {
    FileTitle,
    Category,
    TitleLabel,
    TitleHint,
    Description,
    Where,
    Building,
    ChooseBuilding,
    Unit,
    CommonArea,
    CommonAreaHint,
    OrCommonArea,
    Urgent,
    Private,
    PrivateHint,
    Photos,
    AddPhoto,
    PhotosHint,
    Uploading,
    Remove,
    Submit,
    Submitting,
    DraftKept,
    SimilarTitle,
    SimilarHint,
    MeToo,
    MeTooDone,
    Seconds,
    Timeline,
    Filer,
    Assignee,
    DueBy,
    Overdue,
    UrgentBadge,
    PrivateBadge,
    Accept,
    PassToGrid,
    Escalate,
    HandBack,
    HandBackTo,
    Resolve,
    Confirm,
    Reopen,
    Note,
    NoteFor,
    Grid,
    Cancel,
    Done,
    RateTitle,
    RateAgainTitle,
    Comment,
    ReasonRequired,
    SendRating,
    YourRating,
    RatingAgain,
    FollowUpDue,
    FollowUpTitle,
    FollowUpNote,
    FollowUpSave,
    FollowUpBy,
    Queue,
    QueueAll,
    QueueNew,
    QueueMine,
    QueueOverdue,
    AllCategories,
    QueueEmpty,
    Figures,
    Received,
    HandledAt,
    ResponseRate,
    ResolutionRate,
    SatisfactionRate,
    UnitsSatisfaction,
    MedianRespond,
    MedianResolve,
    OverdueCount,
    ExportCsv,
    PrevMonth,
    NextMonth,
    Notices,
    NoNotices,
    SmsChoices,
    Board,
    ThisMonth,
    LastMonth,
    RecentlyResolved,
    NothingResolved,
    Concluded,
    Volunteering,
    AskCapable,
    MyAffairs,
    NoAffairs,
    FileNew,
    SignInToFile,
    NoCompound,
    Hours,
    Minutes,
}

/// The text of `key` in `lang`.
pub fn w(lang: Lang, key: W) -> &'static str {
    use W::*;
    match lang {
        Lang::Zh => match key {
            FileTitle => "我要报事",
            Category => "什么事",
            TitleLabel => "一句话说明",
            TitleHint => "例如：3号楼2单元楼道灯不亮",
            Description => "详细情况",
            Where => "在哪里",
            Building => "楼栋",
            ChooseBuilding => "选择楼栋",
            Unit => "单元（可不填）",
            CommonArea => "公共区域",
            CommonAreaHint => "例如：北门车棚、小区广场",
            OrCommonArea => "不在楼里，在公共区域",
            Urgent => "很急，不能等",
            Private => "只给处理人看",
            PrivateHint => "纠纷、家庭困难等私事，邻居看不到",
            Photos => "照片（最多 6 张）",
            AddPhoto => "拍照或选照片",
            PhotosHint => "照片会自动缩小，省流量",
            Uploading => "正在上传照片…",
            Remove => "删除",
            Submit => "提交",
            Submitting => "正在提交…",
            DraftKept => "没提交的内容会保存在手机上，下次打开还在",
            SimilarTitle => "邻居已经报过类似的事",
            SimilarHint => "如果是同一件事，点“我也遇到了”，不用重复报",
            MeToo => "我也遇到了（附议）",
            MeTooDone => "已附议",
            Seconds => "人附议",
            Timeline => "办理经过",
            Filer => "报事人",
            Assignee => "经办人",
            DueBy => "办理期限",
            Overdue => "已超时",
            UrgentBadge => "急",
            PrivateBadge => "仅处理人可见",
            Accept => "受理",
            PassToGrid => "转网格（共议）",
            Escalate => "上报社区（商议）",
            HandBack => "退回下一级",
            HandBackTo => "退回给",
            Resolve => "办结",
            Confirm => "已解决，去评价",
            Reopen => "没解决，重新办理",
            Note => "说明",
            NoteFor => "请写明原因或处理情况",
            Grid => "网格",
            Cancel => "取消",
            Done => "确定",
            RateTitle => "对这次办理满意吗？",
            RateAgainTitle => "回访之后，您现在满意吗？",
            Comment => "想说的话（可不填）",
            ReasonRequired => "不满意请写明原因，我们会回访",
            SendRating => "提交评价",
            YourRating => "评价",
            RatingAgain => "回访后评价",
            FollowUpDue => "回访期限",
            FollowUpTitle => "记录回访",
            FollowUpNote => "回访情况和处理结果",
            FollowUpSave => "保存回访",
            FollowUpBy => "回访人",
            Queue => "待办事务",
            QueueAll => "全部",
            QueueNew => "待受理",
            QueueMine => "我经办",
            QueueOverdue => "超时",
            AllCategories => "全部类别",
            QueueEmpty => "没有待办的事",
            Figures => "本月数据",
            Received => "受理事务",
            HandledAt => "办结层级",
            ResponseRate => "响应率",
            ResolutionRate => "解决率",
            SatisfactionRate => "满意率",
            UnitsSatisfaction => "服务单位满意率",
            MedianRespond => "响应用时（中位数）",
            MedianResolve => "解决用时（中位数）",
            OverdueCount => "超时件数",
            ExportCsv => "导出本月明细（CSV）",
            PrevMonth => "上个月",
            NextMonth => "下个月",
            Notices => "消息",
            NoNotices => "还没有消息",
            SmsChoices => "哪些消息也发短信给我",
            Board => "办事公示",
            ThisMonth => "本月",
            LastMonth => "上月",
            RecentlyResolved => "最近办结",
            NothingResolved => "最近没有办结的事",
            Concluded => "议事结果",
            Volunteering => "志愿服务",
            AskCapable => "能人帮忙",
            MyAffairs => "我报的事",
            NoAffairs => "还没有报过事",
            FileNew => "我要报事",
            SignInToFile => "登录后就能报事，办理进度会通知您",
            NoCompound => "请先在首页选择您住的小区",
            Hours => "小时",
            Minutes => "分钟",
        },
        Lang::En => match key {
            FileTitle => "Report an affair",
            Category => "What kind",
            TitleLabel => "In one line",
            TitleHint => "e.g. Stair light out, building 3 unit 2",
            Description => "Details",
            Where => "Where",
            Building => "Building",
            ChooseBuilding => "Choose a building",
            Unit => "Unit (optional)",
            CommonArea => "Common area",
            CommonAreaHint => "e.g. north gate bike shed, the square",
            OrCommonArea => "Not in a building: a common area",
            Urgent => "Urgent, cannot wait",
            Private => "Handlers only",
            PrivateHint => "Disputes and family matters stay hidden from neighbours",
            Photos => "Photos (up to 6)",
            AddPhoto => "Take or choose a photo",
            PhotosHint => "Photos are shrunk to save data",
            Uploading => "Uploading the photo…",
            Remove => "Remove",
            Submit => "Submit",
            Submitting => "Submitting…",
            DraftKept => "What you type is kept on this phone until you submit",
            SimilarTitle => "Neighbours reported something similar",
            SimilarHint => "If it is the same, tap \"Me too\" instead of reporting again",
            MeToo => "Me too",
            MeTooDone => "You said me too",
            Seconds => "said me too",
            Timeline => "What happened",
            Filer => "Reported by",
            Assignee => "Handled by",
            DueBy => "Due",
            Overdue => "Overdue",
            UrgentBadge => "Urgent",
            PrivateBadge => "Handlers only",
            Accept => "Accept",
            PassToGrid => "Pass to the grid",
            Escalate => "Escalate to the community",
            HandBack => "Hand back down",
            HandBackTo => "Hand back to",
            Resolve => "Resolve",
            Confirm => "Fixed: rate it",
            Reopen => "Not fixed: reopen",
            Note => "Note",
            NoteFor => "Say why, or what was done",
            Grid => "Grid",
            Cancel => "Cancel",
            Done => "OK",
            RateTitle => "Are you satisfied with the handling?",
            RateAgainTitle => "After the call-back, are you satisfied now?",
            Comment => "Anything to add (optional)",
            ReasonRequired => "Please say why; someone will call you back",
            SendRating => "Send rating",
            YourRating => "Rating",
            RatingAgain => "Rating after call-back",
            FollowUpDue => "Call back by",
            FollowUpTitle => "Record the call-back",
            FollowUpNote => "What the call found and what was done",
            FollowUpSave => "Save call-back",
            FollowUpBy => "Called back by",
            Queue => "Affairs to handle",
            QueueAll => "All",
            QueueNew => "New",
            QueueMine => "Mine",
            QueueOverdue => "Overdue",
            AllCategories => "All kinds",
            QueueEmpty => "Nothing to handle",
            Figures => "This month's figures",
            Received => "Received",
            HandledAt => "Resolved at",
            ResponseRate => "Response rate",
            ResolutionRate => "Resolution rate",
            SatisfactionRate => "Satisfaction rate",
            UnitsSatisfaction => "Service units' satisfaction",
            MedianRespond => "Time to respond (median)",
            MedianResolve => "Time to resolve (median)",
            OverdueCount => "Overdue",
            ExportCsv => "Export the month (CSV)",
            PrevMonth => "Previous month",
            NextMonth => "Next month",
            Notices => "Notices",
            NoNotices => "No notices yet",
            SmsChoices => "Which notices also come by SMS",
            Board => "Public board",
            ThisMonth => "This month",
            LastMonth => "Last month",
            RecentlyResolved => "Recently resolved",
            NothingResolved => "Nothing resolved lately",
            Concluded => "Consultation outcomes",
            Volunteering => "Volunteering",
            AskCapable => "Capable persons' help",
            MyAffairs => "My reports",
            NoAffairs => "You have not reported anything yet",
            FileNew => "Report an affair",
            SignInToFile => "Sign in to report; you will be told how it goes",
            NoCompound => "First choose your compound on the home page",
            Hours => "h",
            Minutes => "min",
        },
    }
}

/// Where an affair stands, as residents say it.
pub fn status_label(lang: Lang, status: Status) -> &'static str {
    match (lang, status) {
        (Lang::Zh, Status::Open) => "待受理",
        (Lang::Zh, Status::InProgress) => "办理中",
        (Lang::Zh, Status::Resolved) => "已解决，待确认",
        (Lang::Zh, Status::Closed) => "已办结",
        (Lang::En, Status::Open) => "Waiting",
        (Lang::En, Status::InProgress) => "In progress",
        (Lang::En, Status::Resolved) => "Resolved, to confirm",
        (Lang::En, Status::Closed) => "Closed",
    }
}

/// Who holds it.
pub fn level_label(lang: Lang, level: Level) -> &'static str {
    match (lang, level) {
        (Lang::Zh, Level::Station) => "互助站",
        (Lang::Zh, Level::Grid) => "网格员",
        (Lang::Zh, Level::Community) => "社区/部门",
        (Lang::En, Level::Station) => "Station",
        (Lang::En, Level::Grid) => "Grid worker",
        (Lang::En, Level::Community) => "Community",
    }
}

/// A timeline step's name.
pub fn act_label(lang: Lang, act: &str) -> &'static str {
    let zh = lang == Lang::Zh;
    match act {
        "file" => {
            if zh {
                "提交"
            } else {
                "Reported"
            }
        }
        "accept" => {
            if zh {
                "受理"
            } else {
                "Accepted"
            }
        }
        "pass_to_grid" => {
            if zh {
                "转网格"
            } else {
                "Passed to the grid"
            }
        }
        "escalate" => {
            if zh {
                "上报社区"
            } else {
                "Escalated"
            }
        }
        "hand_back" => {
            if zh {
                "退回"
            } else {
                "Handed back"
            }
        }
        "resolve" => {
            if zh {
                "办结"
            } else {
                "Resolved"
            }
        }
        "confirm" => {
            if zh {
                "确认解决"
            } else {
                "Confirmed"
            }
        }
        "reopen" => {
            if zh {
                "重新办理"
            } else {
                "Reopened"
            }
        }
        "assign" => {
            if zh {
                "指派"
            } else {
                "Assigned"
            }
        }
        "rate" => {
            if zh {
                "评价"
            } else {
                "Rated"
            }
        }
        "follow_up" => {
            if zh {
                "回访"
            } else {
                "Called back"
            }
        }
        "re_rate" => {
            if zh {
                "回访后评价"
            } else {
                "Rated again"
            }
        }
        "unit_rated" => {
            if zh {
                "收到差评，请回访"
            } else {
                "A bad rating to answer"
            }
        }
        "unit_answered" => {
            if zh {
                "已回访，请评价整改"
            } else {
                "Called back: rate the fix"
            }
        }
        "overdue" => {
            if zh {
                "已超时，请尽快办理"
            } else {
                "Overdue: please act now"
            }
        }
        "voting_open" => {
            if zh {
                "开始投票了"
            } else {
                "Voting is open"
            }
        }
        "release" => {
            if zh {
                "经办人离开，退回待受理"
            } else {
                "Back in the queue: its handler left"
            }
        }
        "help_request" => {
            if zh {
                "请您帮忙"
            } else {
                "Your help is asked"
            }
        }
        "help_accepted" => {
            if zh {
                "能人答应帮忙"
            } else {
                "Help accepted"
            }
        }
        "help_declined" => {
            if zh {
                "能人没法帮忙"
            } else {
                "Help declined"
            }
        }
        "help_done" => {
            if zh {
                "能人已帮忙"
            } else {
                "Help given"
            }
        }
        "slot_reminder" => {
            if zh {
                "明天有您的志愿服务"
            } else {
                "Your volunteer slot is tomorrow"
            }
        }
        "post_changed" => {
            if zh {
                "志愿岗位有变动"
            } else {
                "The post changed"
            }
        }
        "post_cancelled" => {
            if zh {
                "志愿岗位已取消"
            } else {
                "The post was cancelled"
            }
        }
        "claim_confirmed" => {
            if zh {
                "候补转正，您已报上名"
            } else {
                "Off the waiting list: your place is confirmed"
            }
        }
        "studio_lead_wanted" => {
            if zh {
                "工作室负责人已离开，请成员接任"
            } else {
                "The studio's lead left: a member may take over"
            }
        }
        _ => {
            if zh {
                "更新"
            } else {
                "Updated"
            }
        }
    }
}

/// The five levels of satisfaction.
pub fn satisfaction_label(lang: Lang, s: Satisfaction) -> &'static str {
    match (lang, s) {
        (Lang::Zh, Satisfaction::VerySatisfied) => "非常满意",
        (Lang::Zh, Satisfaction::Satisfied) => "满意",
        (Lang::Zh, Satisfaction::Fair) => "基本满意",
        (Lang::Zh, Satisfaction::Dissatisfied) => "不满意",
        (Lang::Zh, Satisfaction::VeryDissatisfied) => "非常不满意",
        (Lang::En, Satisfaction::VerySatisfied) => "Very satisfied",
        (Lang::En, Satisfaction::Satisfied) => "Satisfied",
        (Lang::En, Satisfaction::Fair) => "Fair",
        (Lang::En, Satisfaction::Dissatisfied) => "Dissatisfied",
        (Lang::En, Satisfaction::VeryDissatisfied) => "Very dissatisfied",
    }
}

/// An RFC 3339 time as the phone's clock shows it: "11月21日 16:30".
pub fn local_time(lang: Lang, rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    let (month, day) = (date.get_month() + 1, date.get_date());
    let (hour, minute) = (date.get_hours(), date.get_minutes());
    match lang {
        Lang::Zh => format!("{month}月{day}日 {hour:02}:{minute:02}"),
        Lang::En => format!("{month}/{day} {hour:02}:{minute:02}"),
    }
}

/// Minutes as people read a duration: "45 分钟", "26 小时".
pub fn duration(lang: Lang, minutes: i64) -> String {
    if minutes < 120 {
        format!("{minutes} {}", w(lang, W::Minutes))
    } else {
        format!("{} {}", (minutes + 30) / 60, w(lang, W::Hours))
    }
}

/// A ratio as "95.3%（41/43）", or "—" out of nothing.
pub fn ratio(r: api_types::affairs::Ratio) -> String {
    match r.per_mille() {
        Some(pm) => format!("{}.{}%（{}/{}）", pm / 10, pm % 10, r.count, r.of),
        None => "—".to_owned(),
    }
}

//! The words of the consultation pages, used only by their bundle.

use api_types::Lang;
use api_types::consultations::{PledgeKind, Scope, State};

/// A fixed piece of consultation-page text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum C {
    Consultations,
    Intro,
    Propose,
    NoTopics,
    NewTitle,
    Title,
    TitleHint,
    Background,
    Scope,
    DiscussionDays,
    Meeting,
    MeetingAt,
    MeetingPlace,
    Capacity,
    Asks,
    AskMoney,
    AskHours,
    AskMaterials,
    AskVenue,
    Submit,
    ProposedBy,
    ConvenedBy,
    Support,
    Supported,
    Supports,
    Adopt,
    Decline,
    Reason,
    OpenDiscussion,
    OpenVoting,
    Options,
    OptionsHint,
    Multiple,
    PerHousehold,
    Secret,
    Quorum,
    Conclude,
    Decision,
    Reasoning,
    ActionItems,
    ActionItemsHint,
    Implement,
    Discussion,
    NoComments,
    Comment,
    CommentHint,
    AsProposal,
    Send,
    Reply,
    ProposalBadge,
    SupportProposal,
    Hide,
    HiddenNote,
    Report,
    Pledges,
    Amount,
    Description,
    Pledge,
    Asked,
    Pledged,
    Register,
    Registered,
    Full,
    Ballot,
    Vote,
    ChangeVote,
    YouVoted,
    HouseholdVotedBy,
    HouseholdVoted,
    Results,
    SecretUntilClose,
    Turnout,
    QuorumMet,
    QuorumNotMet,
    Outcome,
    SignUp,
    SignedUp,
    Progress,
    ProgressHint,
    PostProgress,
    History,
    DiscussionUntil,
    SignInToTakePart,
    NotInScope,
    ChooseCompound,
    Yuan,
    HoursUnit,
    Attended,
}

/// The text of `key` in `lang`.
pub fn c(lang: Lang, key: C) -> &'static str {
    use C::*;
    match lang {
        Lang::Zh => match key {
            Consultations => "议事协商",
            Intro => "小区的事大家商量：提议题、出主意、投票，结果公开",
            Propose => "我来提议题",
            NoTopics => "还没有议题",
            NewTitle => "提一个议题",
            Title => "议题",
            TitleHint => "例如：1号楼加装电梯",
            Background => "为什么要商量",
            Scope => "涉及范围",
            DiscussionDays => "讨论几天",
            Meeting => "线下议事会（可不填）",
            MeetingAt => "时间",
            MeetingPlace => "地点",
            Capacity => "名额",
            Asks => "需要大家出什么（可不填）",
            AskMoney => "资金（元）",
            AskHours => "出工（小时）",
            AskMaterials => "材料",
            AskVenue => "需要场地",
            Submit => "提交",
            ProposedBy => "提议人",
            ConvenedBy => "召集人",
            Support => "支持这个议题",
            Supported => "已支持",
            Supports => "人支持",
            Adopt => "采纳议题",
            Decline => "不采纳",
            Reason => "原因",
            OpenDiscussion => "开始讨论",
            OpenVoting => "开始投票",
            Options => "投票选项（每行一个）",
            OptionsHint => "例如：同意 / 不同意 / 再议",
            Multiple => "可以多选",
            PerHousehold => "每户一票（不选则每人一票）",
            Secret => "不公开谁投了什么",
            Quorum => "最低参与比例（%）",
            Conclude => "结束投票，公布结果",
            Decision => "决定",
            Reasoning => "理由",
            ActionItems => "需要大家一起做的事（每行一件）",
            ActionItemsHint => "例如：联系电梯公司报价",
            Implement => "已落实",
            Discussion => "大家的意见",
            NoComments => "还没有人发言",
            Comment => "说说您的看法",
            CommentHint => "文明发言，就事论事",
            AsProposal => "这是一个主意（我来出主意）",
            Send => "发表",
            Reply => "回复",
            ProposalBadge => "主意",
            SupportProposal => "赞同",
            Hide => "隐藏",
            HiddenNote => "此发言已被互助站隐藏",
            Report => "举报",
            Pledges => "众筹",
            Amount => "数量",
            Description => "说明",
            Pledge => "我来出",
            Asked => "需要",
            Pledged => "已认捐",
            Register => "我要参加",
            Registered => "已报名",
            Full => "名额已满",
            Ballot => "投票",
            Vote => "投票",
            ChangeVote => "改投",
            YouVoted => "您已投票",
            HouseholdVotedBy => "您家已由这位家人投票：",
            HouseholdVoted => "您家已经投过票了",
            Results => "投票结果",
            SecretUntilClose => "不记名投票，结束后公布结果",
            Turnout => "参与",
            QuorumMet => "达到最低参与比例",
            QuorumNotMet => "未达到最低参与比例",
            Outcome => "协商结果",
            SignUp => "我来做",
            SignedUp => "已报名",
            Progress => "落实进展",
            ProgressHint => "做了什么，进展如何",
            PostProgress => "发布进展",
            History => "经过",
            DiscussionUntil => "讨论截止",
            SignInToTakePart => "登录并绑定住户后，就能参与讨论和投票",
            NotInScope => "这个议题只有范围内已认证的住户能参与",
            ChooseCompound => "请先在首页选择您住的小区",
            Yuan => "元",
            HoursUnit => "小时",
            Attended => "实到",
        },
        Lang::En => match key {
            Consultations => "Consultations",
            Intro => "Decide the compound's matters together: propose, discuss, vote, publish",
            Propose => "Propose a topic",
            NoTopics => "No topics yet",
            NewTitle => "Propose a topic",
            Title => "Topic",
            TitleHint => "e.g. A lift for building 1",
            Background => "Why it needs discussing",
            Scope => "Who it concerns",
            DiscussionDays => "Days of discussion",
            Meeting => "Meeting (optional)",
            MeetingAt => "When",
            MeetingPlace => "Where",
            Capacity => "Places",
            Asks => "What residents could give (optional)",
            AskMoney => "Money (yuan)",
            AskHours => "Work (hours)",
            AskMaterials => "Materials",
            AskVenue => "A venue is needed",
            Submit => "Submit",
            ProposedBy => "Proposed by",
            ConvenedBy => "Convened by",
            Support => "Support this topic",
            Supported => "Supported",
            Supports => "support it",
            Adopt => "Adopt",
            Decline => "Decline",
            Reason => "Reason",
            OpenDiscussion => "Open discussion",
            OpenVoting => "Open voting",
            Options => "Options (one per line)",
            OptionsHint => "e.g. Yes / No / Later",
            Multiple => "Several may be chosen",
            PerHousehold => "One vote per household (else per resident)",
            Secret => "Secret ballot",
            Quorum => "Minimum turnout (%)",
            Conclude => "Close voting and publish",
            Decision => "Decision",
            Reasoning => "Reasoning",
            ActionItems => "Things to do together (one per line)",
            ActionItemsHint => "e.g. Ask lift companies for quotes",
            Implement => "Mark carried out",
            Discussion => "What neighbours say",
            NoComments => "Nobody has spoken yet",
            Comment => "Your view",
            CommentHint => "Be civil and keep to the topic",
            AsProposal => "This is a proposal",
            Send => "Post",
            Reply => "Reply",
            ProposalBadge => "Proposal",
            SupportProposal => "Agree",
            Hide => "Hide",
            HiddenNote => "Hidden by the station",
            Report => "Report",
            Pledges => "Pledges",
            Amount => "How much",
            Description => "Details",
            Pledge => "Pledge",
            Asked => "Asked",
            Pledged => "Pledged",
            Register => "I will come",
            Registered => "Registered",
            Full => "Full",
            Ballot => "Ballot",
            Vote => "Vote",
            ChangeVote => "Change vote",
            YouVoted => "You voted",
            HouseholdVotedBy => "Your household voted, by: ",
            HouseholdVoted => "Your household has voted",
            Results => "Results",
            SecretUntilClose => "Secret ballot: results after it closes",
            Turnout => "Turnout",
            QuorumMet => "Quorum met",
            QuorumNotMet => "Quorum not met",
            Outcome => "Outcome",
            SignUp => "I will help",
            SignedUp => "Signed up",
            Progress => "Progress",
            ProgressHint => "What was done",
            PostProgress => "Post progress",
            History => "History",
            DiscussionUntil => "Discussion until",
            SignInToTakePart => "Sign in and link your household to discuss and vote",
            NotInScope => "Only verified residents it concerns take part",
            ChooseCompound => "First choose your compound on the home page",
            Yuan => "yuan",
            HoursUnit => "h",
            Attended => "came",
        },
    }
}

/// Where a consultation stands.
pub fn state_label(lang: Lang, state: State) -> &'static str {
    let zh = lang == Lang::Zh;
    match state {
        State::Proposed => {
            if zh {
                "征集支持"
            } else {
                "Gathering support"
            }
        }
        State::Declined => {
            if zh {
                "未采纳"
            } else {
                "Declined"
            }
        }
        State::Adopted => {
            if zh {
                "已采纳"
            } else {
                "Adopted"
            }
        }
        State::Discussion => {
            if zh {
                "讨论中"
            } else {
                "Under discussion"
            }
        }
        State::Voting => {
            if zh {
                "投票中"
            } else {
                "Voting"
            }
        }
        State::Concluded => {
            if zh {
                "已出结果"
            } else {
                "Concluded"
            }
        }
        State::Implemented => {
            if zh {
                "已落实"
            } else {
                "Carried out"
            }
        }
    }
}

/// Who it covers.
pub fn scope_label(lang: Lang, scope: Scope) -> &'static str {
    let zh = lang == Lang::Zh;
    match scope {
        Scope::Building => {
            if zh {
                "本楼"
            } else {
                "One building"
            }
        }
        Scope::Compound => {
            if zh {
                "全小区"
            } else {
                "The compound"
            }
        }
        Scope::Community => {
            if zh {
                "全社区"
            } else {
                "The community"
            }
        }
    }
}

/// What a pledge gives.
pub fn pledge_label(lang: Lang, kind: PledgeKind) -> &'static str {
    let zh = lang == Lang::Zh;
    match kind {
        PledgeKind::Money => {
            if zh {
                "出钱"
            } else {
                "Money"
            }
        }
        PledgeKind::Materials => {
            if zh {
                "出材料"
            } else {
                "Materials"
            }
        }
        PledgeKind::Venue => {
            if zh {
                "出场地"
            } else {
                "A venue"
            }
        }
        PledgeKind::Hours => {
            if zh {
                "出力"
            } else {
                "Work"
            }
        }
    }
}

/// A history step's name.
pub fn step_label(lang: Lang, step: &str) -> &'static str {
    let zh = lang == Lang::Zh;
    match step {
        "propose" => {
            if zh {
                "提出议题"
            } else {
                "Proposed"
            }
        }
        "post" => {
            if zh {
                "发布议题"
            } else {
                "Posted"
            }
        }
        "adopt" => {
            if zh {
                "采纳"
            } else {
                "Adopted"
            }
        }
        "decline" => {
            if zh {
                "不采纳"
            } else {
                "Declined"
            }
        }
        "open_discussion" => {
            if zh {
                "开始讨论"
            } else {
                "Discussion opened"
            }
        }
        "open_voting" => {
            if zh {
                "开始投票"
            } else {
                "Voting opened"
            }
        }
        "conclude" => {
            if zh {
                "公布结果"
            } else {
                "Concluded"
            }
        }
        "implement" => {
            if zh {
                "已落实"
            } else {
                "Carried out"
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

/// Fen as yuan: "5000 元", "12.50 元".
pub fn yuan(lang: Lang, fen: i64) -> String {
    let unit = c(lang, C::Yuan);
    if fen % 100 == 0 {
        format!("{} {unit}", fen / 100)
    } else {
        format!("{}.{:02} {unit}", fen / 100, fen % 100)
    }
}

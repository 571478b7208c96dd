//! Which notices also come to a person's phone by SMS (短信提醒), chosen
//! in 我的. The in-app inbox always gets every notice; these say which of
//! them are texted too, through the server's SMS provider.

use serde::{Deserialize, Serialize};

/// A kind of notice that can also come by SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmsNotice {
    /// An affair I filed was taken on, passed on or handed back.
    AffairMoved,
    /// An affair I filed was resolved and waits for my rating.
    AffairResolved,
    /// (Handlers) an affair came to my queue or was assigned to me; urgent
    /// ones come at any hour.
    QueueNew,
    /// A volunteer place I claimed starts within a day.
    SlotReminder,
    /// (Handlers) an affair I hold went past its deadline to accept or to
    /// resolve.
    AffairOverdue,
    /// A consultation I proposed, supported, commented on or registered
    /// for opened its vote.
    VotingOpen,
}

impl SmsNotice {
    /// Every kind, in the order 我的 lists them.
    pub const ALL: [SmsNotice; 6] = [
        SmsNotice::AffairResolved,
        SmsNotice::AffairMoved,
        SmsNotice::SlotReminder,
        SmsNotice::VotingOpen,
        SmsNotice::QueueNew,
        SmsNotice::AffairOverdue,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            SmsNotice::AffairMoved => "affair_moved",
            SmsNotice::AffairResolved => "affair_resolved",
            SmsNotice::QueueNew => "queue_new",
            SmsNotice::SlotReminder => "slot_reminder",
            SmsNotice::AffairOverdue => "affair_overdue",
            SmsNotice::VotingOpen => "voting_open",
        }
    }

    /// What the SMS page calls it, in plain words.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::{En, Zh};
        match (lang, self) {
            (Zh, SmsNotice::AffairResolved) => "我报的事办好了，等我评价",
            (Zh, SmsNotice::AffairMoved) => "我报的事有了进展（受理、转交、退回）",
            (Zh, SmsNotice::SlotReminder) => "我报名的志愿服务快开始了",
            (Zh, SmsNotice::VotingOpen) => "我参与的议题开始投票了",
            (Zh, SmsNotice::QueueNew) => "有新的事到了我的工作台",
            (Zh, SmsNotice::AffairOverdue) => "我工作台上的事超时了",
            (En, SmsNotice::AffairResolved) => {
                "An affair I filed is resolved and waits for my rating"
            }
            (En, SmsNotice::AffairMoved) => {
                "An affair I filed moved on (taken on, passed, returned)"
            }
            (En, SmsNotice::SlotReminder) => "A volunteer place I claimed starts soon",
            (En, SmsNotice::VotingOpen) => "A topic I took part in opens its vote",
            (En, SmsNotice::QueueNew) => "A new affair reached my desk",
            (En, SmsNotice::AffairOverdue) => "An affair on my desk is overdue",
        }
    }

    /// The kind stored as `name`.
    pub fn parse(name: &str) -> Option<SmsNotice> {
        SmsNotice::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether it comes by SMS for someone who never chose: the news a
    /// resident waits for (resolved, a place tomorrow, a vote to cast) and
    /// a handler's new or late work do; every step of an affair does not.
    pub fn on_by_default(self) -> bool {
        !matches!(self, SmsNotice::AffairMoved)
    }
}

/// One kind with the person's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SmsNoticeSetting {
    /// The kind.
    pub kind: SmsNotice,
    /// Whether it also comes by SMS.
    pub enabled: bool,
}

/// `GET /me/sms-notices`: the kinds that apply to this person (`queue_new`
/// and `affair_overdue` only to someone holding a handler's role) and can be sent (the
/// provider has a template for them), with their choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SmsNoticeSettings {
    /// In [`SmsNotice::ALL`]'s order.
    pub items: Vec<SmsNoticeSetting>,
}

//! One module per route.

pub mod admin;
pub mod affair;
pub mod affair_new;
pub mod board;
pub mod compound;
pub mod consultation;
pub mod consultations;
pub mod figures;
pub mod home;
pub mod household_new;
pub mod invite;
pub mod me;
pub mod my_affairs;
pub mod not_found;
pub mod notices;
pub mod photos;
pub mod pool;
pub mod queue;
pub mod reports;
pub mod sign_in;
pub mod staff;
pub mod station;
pub mod units;

stylance::import_crate_style!(
    /// Class names shared by the affair pages (forms, cards, timeline,
    /// figures), one stylesheet for all of them.
    #[allow(missing_docs)]
    pub affair_style,
    "src/pages/affairs.module.css"
);

//! Widgets shared by several pages.

pub mod bottom_nav;
pub mod household_form;
pub mod status;
pub mod top_bar;

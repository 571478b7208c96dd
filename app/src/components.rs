//! Widgets shared by several pages.

pub mod bottom_nav;
pub mod status;
pub mod top_bar;

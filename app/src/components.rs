//! Widgets shared by several pages.

pub mod affair_card;
pub mod bottom_nav;
pub mod household_form;
pub mod status;
pub mod top_bar;

stylance::import_crate_style!(
    /// Class names of the controls every form and page shares (labels,
    /// inputs, errors, hints, the main action).
    #[allow(missing_docs)]
    pub ui,
    "src/components/ui.module.css"
);

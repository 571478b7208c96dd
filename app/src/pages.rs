//! One module per route.

pub mod compound;
pub mod home;
pub mod me;
pub mod not_found;
pub mod sign_in;

//! One module per route.

pub mod compound;
pub mod home;
pub mod household_new;
pub mod invite;
pub mod me;
pub mod not_found;
pub mod sign_in;
pub mod station;

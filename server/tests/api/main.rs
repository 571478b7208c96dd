//! API tests: a real server over HTTP on a fresh database per test (SQLite,
//! or PostgreSQL with `LINLI_TEST_DATABASE_URL`).

// Helpers shared by tests panic on anything unexpected, like the tests.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod affairs;
mod circulation;
mod consultations;
mod demo;
mod errors;
mod households;
mod idempotency;
mod identity;
mod imports;
mod leaving;
mod logs;
mod people;
mod photos;
mod place_edits;
mod places;
mod pool;
mod privacy;
mod roles;
mod sms;
mod telemetry;
mod throttle;
mod units;
mod web;

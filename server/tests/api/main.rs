//! API tests: a real server over HTTP on a fresh database per test (SQLite,
//! or PostgreSQL with `LINLI_TEST_DATABASE_URL`).

#[path = "../common/mod.rs"]
mod common;

mod errors;
mod idempotency;
mod identity;
mod places;
mod web;

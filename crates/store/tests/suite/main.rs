//! The store's behavioural suite: one test binary for every part of the `Store` trait, run
//! on SQLite always and on PostgreSQL when `OBSERVATORY_TEST_DATABASE_URL` is set (each
//! test gets a fresh database from `store::testing::TestDb`).

mod analysis;
mod behaviour;
mod crawl;
mod evidence;
mod helpers;
mod networks;
mod projects;
mod search;
mod session_counts;
mod shared_crawling;
mod websites;

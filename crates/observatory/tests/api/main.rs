//! The API driven over HTTP as a client would: one test binary, a fresh database and a
//! real server on 127.0.0.1:0 per test. SQLite by default; PostgreSQL when
//! `OBSERVATORY_TEST_DATABASE_URL` is set; Redis-backed throttling when
//! `OBSERVATORY_TEST_REDIS_URL` is set.

mod admin_users;
mod analyses;
mod auth;
mod authorization;
mod cache;
mod cli;
mod cli_bench;
mod cli_graph;
mod cli_project;
mod crash;
mod crawls;
mod demo;
mod errors;
mod evidence;
mod health;
mod helpers;
mod jobs;
mod networks;
mod openapi;
mod outage;
mod pages;
mod preferences;
mod processes;
mod projects;
mod queries;
mod rate_limits;
mod redis_outage;
mod search;
mod testbed;
mod ui;
mod websites;

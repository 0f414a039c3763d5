//! One module per resource, one file per action.

pub mod admin;
pub mod analyses;
pub mod auth;
pub mod crawls;
pub mod health;
pub mod jobs;
pub mod networks;
pub mod pages;
pub mod projects;
pub mod search;
mod views;

pub use views::{JobView, UserView};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login::login))
        .routes(routes!(auth::logout::logout))
        .routes(routes!(auth::me::me))
        .routes(routes!(auth::password::change_password))
        .routes(routes!(
            auth::preferences::get_preferences,
            auth::preferences::put_preferences
        ))
        .routes(routes!(
            admin::users::list::list_users,
            admin::users::create::create_user
        ))
        .routes(routes!(
            admin::users::update::update_user,
            admin::users::delete::delete_user
        ))
        .routes(routes!(admin::users::password::reset_password))
        .routes(routes!(admin::cleanup::start_cleanup))
        .routes(routes!(
            projects::list::list_projects,
            projects::create::create_project
        ))
        .routes(routes!(
            projects::get::get_project,
            projects::update::update_project,
            projects::delete::delete_project
        ))
        .routes(routes!(
            projects::members::list_members,
            projects::members::add_member
        ))
        .routes(routes!(
            projects::members::update_member,
            projects::members::remove_member
        ))
        .routes(routes!(projects::activity::list_activity))
        .routes(routes!(
            projects::websites::list::list_websites,
            projects::websites::create::add_website,
            projects::websites::update::update_websites
        ))
        .routes(routes!(
            projects::websites::update::get_website,
            projects::websites::update::update_website
        ))
        .routes(routes!(projects::websites::prospects::list_prospects))
        .routes(routes!(
            projects::websites::table::export_table,
            projects::websites::table::import_table
        ))
        .routes(routes!(jobs::list::list_jobs))
        .routes(routes!(jobs::get::get_job))
        .routes(routes!(jobs::cancel::cancel_job))
        .routes(routes!(search::engines::list_engines))
        .routes(routes!(
            search::sessions::list::list_sessions,
            search::sessions::create::create_session
        ))
        .routes(routes!(
            search::sessions::get::get_session,
            search::sessions::delete::delete_session
        ))
        .routes(routes!(search::sessions::results::list_results))
        .routes(routes!(search::sessions::urls::list_urls))
        .routes(routes!(search::sessions::domains::list_domains))
        .routes(routes!(search::sessions::raw::get_raw_page))
        .routes(routes!(search::sessions::rerun::rerun_session))
        .routes(routes!(search::sessions::cancel::cancel_session))
        .routes(routes!(search::sessions::compare::compare_sessions))
        .routes(routes!(crawls::list::list_crawls, crawls::create::create_crawl))
        .routes(routes!(crawls::get::get_crawl))
        .routes(routes!(crawls::cancel::cancel_crawl))
        .routes(routes!(crawls::resume::resume_crawl))
        .routes(routes!(crawls::pages::list_pages))
        .routes(routes!(crawls::export::export_pages))
        .routes(routes!(pages::search::search_pages))
        .routes(routes!(analyses::create::create_analysis))
        .routes(routes!(analyses::create::create_session_analysis))
        .routes(routes!(analyses::terms::session_top_terms))
        .routes(routes!(analyses::get::get_analysis))
        .routes(routes!(analyses::terms::page_terms))
        .routes(routes!(analyses::terms::top_terms))
        .routes(routes!(
            networks::list::list_networks,
            networks::create::create_network
        ))
        .routes(routes!(
            networks::get::get_network,
            networks::delete::delete_network
        ))
        .routes(routes!(networks::download::download_network))
        .routes(routes!(networks::compare::compare_networks))
        .routes(routes!(networks::compare::download_comparison))
        .routes(routes!(networks::evidence::network_evidence))
        .routes(routes!(pages::get::get_page))
        .routes(routes!(pages::html::get_page_html))
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
}

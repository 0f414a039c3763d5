pub mod create;
pub mod delete;
pub mod list;
pub mod password;
pub mod update;

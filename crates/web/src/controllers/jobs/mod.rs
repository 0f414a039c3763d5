pub mod cancel;
pub mod get;
pub mod list;

pub mod cleanup;
pub mod users;

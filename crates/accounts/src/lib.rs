//! Accounts as a service, beside search, crawl, analysis and networks: creating and
//! administering users, their passwords, and their interface preferences.
//!
//! Every call names its [`Actor`]: an administrator or a user signed in to the API, or the
//! operator at the command line (who has the machine, so is trusted like an administrator
//! but has no account of their own to lock out). Like every service, it answers with
//! [`contract::ServiceError`].
#![forbid(unsafe_code)]

pub mod password;
pub mod preferences;
mod username;
pub mod users;

pub use preferences::{NodeColoring, Preferences, Theme};
pub use username::normalize_username;

use contract::{ServiceError, ServiceResult};
use store::UserId;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The operator running a command on the machine: may administer every account.
    Operator,
    /// A signed-in administrator.
    Admin(UserId),
    /// A signed-in user without administrator rights.
    User(UserId),
}

impl Actor {
    /// The actor as seen by the API: an administrator or not.
    pub fn signed_in(user: UserId, is_admin: bool) -> Self {
        if is_admin {
            Actor::Admin(user)
        } else {
            Actor::User(user)
        }
    }

    /// The account behind the actor, if any.
    pub fn account(self) -> Option<UserId> {
        match self {
            Actor::Operator => None,
            Actor::Admin(id) | Actor::User(id) => Some(id),
        }
    }

    /// Account administration is for administrators and the operator.
    fn require_administrator(self) -> ServiceResult<()> {
        match self {
            Actor::Operator | Actor::Admin(_) => Ok(()),
            Actor::User(_) => Err(ServiceError::Forbidden("administrator access required".into())),
        }
    }

    /// What belongs to one user (their preferences) is theirs and the operator's; to anyone
    /// else it does not exist.
    fn require_self_or_operator(self, user: UserId) -> ServiceResult<()> {
        match self {
            Actor::Operator => Ok(()),
            Actor::Admin(id) | Actor::User(id) if id == user => Ok(()),
            _ => Err(ServiceError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_are_told_apart_by_what_they_may_do() {
        let (four, five) = (UserId::new(4), UserId::new(5));
        assert!(Actor::Operator.require_administrator().is_ok());
        assert!(Actor::signed_in(four, true).require_administrator().is_ok());
        assert!(matches!(
            Actor::signed_in(four, false).require_administrator(),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(Actor::User(four).require_self_or_operator(four).is_ok());
        assert!(Actor::Operator.require_self_or_operator(four).is_ok());
        assert!(matches!(
            Actor::Admin(five).require_self_or_operator(four),
            Err(ServiceError::NotFound)
        ));
        assert_eq!(Actor::Operator.account(), None);
        assert_eq!(Actor::User(four).account(), Some(four));
    }
}

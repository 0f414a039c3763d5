use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What kind of view an entry is; the class sets its TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    SearchResults,
    NetworkMetadata,
    AnalysisResults,
    /// A login session and its user, looked up on every authenticated request. Short by
    /// default: account changes made from another process without Redis (the CLI) must
    /// take effect soon; changes made through the API invalidate at once.
    LoginSessions,
    /// A user's interface preferences: read on every page of the web UI, changed rarely
    /// (and only through the API or the CLI, which invalidate).
    UserPreferences,
    SessionLists,
    Statistics,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::SearchResults => "search_results",
            Class::NetworkMetadata => "network_metadata",
            Class::AnalysisResults => "analysis_results",
            Class::LoginSessions => "login_sessions",
            Class::UserPreferences => "user_preferences",
            Class::SessionLists => "session_lists",
            Class::Statistics => "statistics",
        }
    }
}

/// Seconds each class of entry lives at most (invalidation usually ends it sooner).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Ttls {
    pub search_results_secs: u64,
    pub network_metadata_secs: u64,
    pub analysis_results_secs: u64,
    pub login_sessions_secs: u64,
    pub user_preferences_secs: u64,
    pub session_lists_secs: u64,
    pub statistics_secs: u64,
}

impl Default for Ttls {
    fn default() -> Self {
        Self {
            search_results_secs: 3600,
            network_metadata_secs: 24 * 3600,
            analysis_results_secs: 3600,
            login_sessions_secs: 60,
            user_preferences_secs: 12 * 3600,
            session_lists_secs: 300,
            statistics_secs: 900,
        }
    }
}

impl Ttls {
    pub fn of(&self, class: Class) -> Duration {
        Duration::from_secs(match class {
            Class::SearchResults => self.search_results_secs,
            Class::NetworkMetadata => self.network_metadata_secs,
            Class::AnalysisResults => self.analysis_results_secs,
            Class::LoginSessions => self.login_sessions_secs,
            Class::UserPreferences => self.user_preferences_secs,
            Class::SessionLists => self.session_lists_secs,
            Class::Statistics => self.statistics_secs,
        })
    }

    pub fn longest(&self) -> Duration {
        [
            Class::SearchResults,
            Class::NetworkMetadata,
            Class::AnalysisResults,
            Class::LoginSessions,
            Class::UserPreferences,
            Class::SessionLists,
            Class::Statistics,
        ]
        .into_iter()
        .map(|c| self.of(c))
        .max()
        .unwrap_or(Duration::from_secs(3600))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSettings {
    pub enabled: bool,
    /// Entries the in-process tier holds before evicting the least useful.
    pub max_entries: u64,
    /// With Redis: how long an entry stays in the in-process tier in front of it. Bounds
    /// staleness should an invalidation message be lost.
    pub local_ttl_secs: u64,
    pub ttls: Ttls,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_entries: 100_000,
            local_ttl_secs: 10,
            ttls: Ttls::default(),
        }
    }
}

impl CacheSettings {
    pub fn local_ttl(&self) -> Duration {
        Duration::from_secs(self.local_ttl_secs.max(1))
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.max_entries == 0 {
            return Err("cache.max_entries must be at least 1 (or set cache.enabled = false)".into());
        }
        Ok(())
    }
}

//! Settings and wiring. `settings` reads the configuration (defaults → `observatory.toml`
//! → `OBSERVATORY_*`); `startup` assembles what `observatory serve` runs (store, caches,
//! limiters, queues, engines, web server), so that the binary, the benchmark harness and the
//! integration tests start exactly the same thing; `progress` follows a job on a terminal.
#![forbid(unsafe_code)]

pub mod progress;
pub mod settings;
pub mod startup;

pub use progress::follow_job;

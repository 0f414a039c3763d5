//! Background jobs on apalis: the handler contract, the registry of job kinds, submission,
//! and worker processes that run queues with progress, cancellation and crash recovery.
//!
//! apalis moves a [`store::QueuedJob`] (a pointer) through its queue tables; the app-owned
//! `app_jobs` row holds everything users see: status, progress, result, cancel requests.
#![forbid(unsafe_code)]

mod context;
mod execute;
pub mod kinds;
mod registry;
mod spread;
mod worker;

pub use context::{JobContext, JobError};
pub use registry::{JobHandler, Registry, SubmitError};
pub use worker::{WorkerHandle, WorkerLiveness, WorkerOptions, hostname, start_workers};

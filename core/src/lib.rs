//! kubeplay-core: a Kubernetes cluster in memory, deterministic, with no I/O.
//!
//! # Layout
//! - [`time`], [`rng`]: the virtual clock and the seeded random source — the only time and
//!   randomness the cluster knows.
//! - [`api`]: kinds registry, objects as JSON, defaulting, errors.
//! - [`auth`]: users, RBAC authorization and the bootstrap policy.
//! - [`store`]: the API server — objects, resourceVersions, admission, deletion, watch log.
//! - [`controllers`]: level-triggered reconcilers (Deployment, ReplicaSet, DaemonSet,
//!   StatefulSet, Job, CronJob, PersistentVolume binding and provisioning, garbage collector...)
//!   that return operations instead of writing the store.
//! - [`scheduler`]: filter and score plugins that bind pods to nodes.
//! - [`kubelet`]: simulated nodes running pods through their lifecycle, from an image catalogue.
//! - [`sim`]: the event loop that drives all of the above over virtual time.
//! - [`kubectl`]: the client: a shell line becomes API calls and printed output.
//! - [`sandbox`]: the cluster owner's hands (`kubeplay node add|stop|start|remove`).
//! - [`graph`]: a view model of the cluster for pictures.
//! - [`lessons`]: lesson files read, and exercises' checks evaluated against the cluster.
//! - [`cluster`]: the handle the page and the CLI hold: run a line, advance time, look.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod addons;
pub mod api;
pub mod auth;
pub mod bootstrap;
pub mod cluster;
pub mod controllers;
pub mod diagnostics;
pub mod event_correlator;
pub mod export;
pub mod graph;
pub mod kubectl;
pub mod kubelet;
pub mod lessons;
pub mod load;
pub mod network;
pub mod quota;
pub mod rng;
pub mod sandbox;
pub mod scheduler;
pub mod sim;
pub mod store;
pub mod templates;
pub mod time;

pub use cluster::{Cluster, Diagnostic, EDITOR_FILE, Output, Severity};
pub use time::Time;

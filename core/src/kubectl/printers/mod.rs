//! How kubectl prints objects: tables per kind, pod status cells, YAML and names.

pub mod autoscaling;
pub mod batch;
pub mod columns;
pub mod custom;
pub mod custom_columns;
pub mod go_template;
pub mod jsonpath;
pub mod pod_status;
pub mod table;
pub mod yaml;

//! The cluster network: NetworkPolicy enforcement ([`policy`], over [`cidr`] blocks) and
//! Ingress routing as ingress-nginx does it ([`ingress`]).

pub mod cidr;
pub mod ingress;
pub mod policy;

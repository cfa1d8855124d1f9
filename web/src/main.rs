//! The kubeplay page: a kubectl terminal, a lesson pane and a live picture of the cluster,
//! drawn by yew over `kubeplay-core` compiled to WebAssembly.
//!
//! The page holds no Kubernetes logic. It hands each typed line to [`Cluster::exec`], lets the
//! virtual clock follow real time with [`Cluster::advance`], and draws [`Cluster::graph`].
//!
//! Modules: [`app`] (state, clock, the frame), [`boot`] (panic banner, service worker), [`layout`] (pane sizes, drag handles, theme),
//! [`terminal`] (a terminal tab), [`editor`] (the YAML editor, coloured by [`highlight`]), [`lesson`] (the lesson pane), [`help`] (the shortcuts
//! popover), [`graph_view`] (the SVG picture, with the last request's trace from [`trace_view`]), [`session`] (the cluster and the journal of
//! every change), [`persist`] (saving and restoring it), [`share`] (share links, export and import files), [`storage`] (`localStorage`),
//! [`text`] (every string the page shows, English and Korean), [`explain_data`] (fetching
//! the schemas `kubectl explain` renders, which are not compiled in).
//!
//! [`Cluster::exec`]: kubeplay_core::Cluster::exec
//! [`Cluster::advance`]: kubeplay_core::Cluster::advance
//! [`Cluster::graph`]: kubeplay_core::Cluster::graph

mod app;
mod boot;
mod editor;
mod explain_data;
mod graph_view;
mod help;
mod highlight;
mod inspector;
mod layout;
mod lesson;
mod persist;
mod session;
mod share;
mod storage;
mod terminal;
mod text;
mod time_bar;
mod timeline;
mod trace_view;

fn main() {
    boot::install_panic_hook();
    yew::Renderer::<app::App>::new().render();
    boot::register_service_worker();
}

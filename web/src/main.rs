//! The kubeplay page (placeholder until the web app lands).

fn main() {}

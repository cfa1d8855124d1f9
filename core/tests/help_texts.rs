//! kubectl's `--help` texts are handed over by the host (the page fetches them): before they
//! arrive every way of asking for help says they are still loading, and the rest of kubectl
//! works; afterwards the real texts are printed. Its own test binary, because the texts are
//! kept once per process.

use kubeplay_core::Cluster;

const LOADING: &str = "error: kubectl's help texts are still loading; try again in a moment\n";

#[test]
fn help_waits_for_its_texts_and_nothing_else_does() {
    let mut cluster = Cluster::new_default(1);
    assert!(!Cluster::has_help_texts());
    for line in [
        "kubectl",
        "kubectl get --help",
        "kubectl help get",
        "kubectl options",
    ] {
        let out = cluster.exec(line);
        assert_eq!((out.exit_code, out.stderr.as_str()), (1, LOADING), "{line}");
    }
    assert!(cluster.exec("kubectl get nodes").success());

    Cluster::load_help_texts(include_str!("../../static/help/kubectl-v1.35.txt"));
    assert!(Cluster::has_help_texts());
    let out = cluster.exec("kubectl get --help");
    assert!(out.success());
    assert!(
        out.stdout.starts_with("Display one or many resources."),
        "{}",
        out.stdout
    );
}

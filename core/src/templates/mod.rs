//! Starting points for the page's editor: a small, valid manifest for each kind a learner
//! meets first. They are data (the YAML files beside this one); the tests apply every one to a
//! fresh cluster, which must accept it without a complaint.

/// One template: what the menu calls it and the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// The kind(s) it makes, as the menu lists them.
    pub name: &'static str,
    pub text: &'static str,
}

/// Every template, in menu order.
pub const TEMPLATES: &[Template] = &[
    Template {
        name: "Pod",
        text: include_str!("pod.yaml"),
    },
    Template {
        name: "Deployment",
        text: include_str!("deployment.yaml"),
    },
    Template {
        name: "Service",
        text: include_str!("service.yaml"),
    },
    Template {
        name: "ConfigMap",
        text: include_str!("configmap.yaml"),
    },
    Template {
        name: "Secret",
        text: include_str!("secret.yaml"),
    },
    Template {
        name: "Ingress",
        text: include_str!("ingress.yaml"),
    },
    Template {
        name: "Job",
        text: include_str!("job.yaml"),
    },
    Template {
        name: "CronJob",
        text: include_str!("cronjob.yaml"),
    },
    Template {
        name: "PersistentVolumeClaim",
        text: include_str!("pvc.yaml"),
    },
    Template {
        name: "NetworkPolicy",
        text: include_str!("networkpolicy.yaml"),
    },
    Template {
        name: "HorizontalPodAutoscaler",
        text: include_str!("hpa.yaml"),
    },
    Template {
        name: "StatefulSet + Service",
        text: include_str!("statefulset.yaml"),
    },
    Template {
        name: "DaemonSet",
        text: include_str!("daemonset.yaml"),
    },
    Template {
        name: "Role + RoleBinding",
        text: include_str!("role.yaml"),
    },
];

#[cfg(test)]
mod tests {
    use super::TEMPLATES;
    use crate::Cluster;

    #[test]
    fn every_template_checks_clean_and_applies() {
        for t in TEMPLATES {
            let mut cluster = Cluster::new_default(1);
            assert_eq!(
                cluster.check_manifest(t.text),
                vec![],
                "{} checks clean",
                t.name
            );
            cluster.write_file("editor.yaml", t.text);
            let out = cluster.exec("kubectl apply -f editor.yaml");
            assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""), "{}", t.name);
            let created = out
                .stdout
                .lines()
                .filter(|l| l.ends_with(" created"))
                .count();
            assert_eq!(created, t.text.matches("\nkind: ").count(), "{}", t.name);
            // Applied again (an update now): still no complaint.
            assert_eq!(
                cluster.check_manifest(t.text),
                vec![],
                "{} re-checks clean",
                t.name
            );
            let again = cluster.exec("kubectl apply -f editor.yaml");
            assert_eq!(
                (again.exit_code, again.stderr.as_str()),
                (0, ""),
                "{}",
                t.name
            );
            cluster.advance(60_000);
        }
    }
}

//! The replication manager: ReplicationControllers, the ReplicaSet's predecessor, kept by the
//! same [`ReplicaManager`] as ReplicaSets (upstream runs the ReplicaSet controller over RCs
//! too). Events come from `replication-controller`; the selector is a plain label map, which
//! the API server defaults from the template's labels.

use super::replicaset::ReplicaManager;

/// The replication manager.
pub fn manager() -> ReplicaManager {
    ReplicaManager::new("", "ReplicationController", "replication-controller")
}

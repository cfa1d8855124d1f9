//! Defaults of storage kinds: PersistentVolume and PersistentVolumeClaim (phase `Pending`,
//! `volumeMode: Filesystem`, reclaim policy `Retain`) and StorageClass (`Delete`,
//! `Immediate`), as upstream's `SetDefaults_*` set them.

use serde_json::{Value, json};

use super::default;
use crate::api::meta::ensure_object;

pub fn persistent_volume(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
    default(spec, "volumeMode", json!("Filesystem"));
    default(ensure_object(obj, "status"), "phase", json!("Pending"));
}

pub fn persistent_volume_claim(obj: &mut Value) {
    default(
        ensure_object(obj, "spec"),
        "volumeMode",
        json!("Filesystem"),
    );
    default(ensure_object(obj, "status"), "phase", json!("Pending"));
}

pub fn storage_class(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    default(map, "reclaimPolicy", json!("Delete"));
    default(map, "volumeBindingMode", json!("Immediate"));
}

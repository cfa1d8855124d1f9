//! Tests of the PersistentVolume controller on a whole simulated cluster.

//! Tests of the StatefulSet controller on a whole simulated cluster.

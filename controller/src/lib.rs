//! sealgate-controller: turns SealedSecrets into Secrets in the cluster that holds the keys.

package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.owner
	msg := sprintf("Deployment %s has no owner label", [input.metadata.name])
}

warn contains msg if {
	input.kind == "ConfigMap"
	msg := sprintf("ConfigMap %s: prefer a Secret-free config", [input.metadata.name])
}

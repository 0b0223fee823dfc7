package main

import rego.v1

deny contains msg if {
	input.kind == "ConfigMap"
	msg := sprintf("ConfigMap %s", [input.metadata.name]
}

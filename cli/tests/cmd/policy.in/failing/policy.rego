package main

import rego.v1

deny contains msg if {
	input.kind == "Pod"
	not input.spec.securityContext.runAsNonRoot
	msg := sprintf("Pod %s must run as non-root", [input.metadata.name])
}

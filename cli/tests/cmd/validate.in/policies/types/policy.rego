package main

import rego.v1

# `opa check` (v1.22.3) refuses both rules: a number joined as a string, a number as a prefix
deny contains msg if {
	input.kind == "ConfigMap"
	count(input.data) > 10
	msg := concat(", ", [input.metadata.name, count(input.data)])
}

warn contains msg if {
	limit := 10
	startswith(input.metadata.name, limit)
	msg := "too many"
}

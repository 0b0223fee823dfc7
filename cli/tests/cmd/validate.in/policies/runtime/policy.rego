package main

import rego.v1

# A conflict at evaluation time: a complete rule with two different values.
mode := "a" if input.kind == "ConfigMap"

mode := "b" if input.metadata.name == "settings"

deny contains msg if {
	mode == "c"
	msg := "never"
}

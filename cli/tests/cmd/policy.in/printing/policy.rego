package main

import rego.v1

deny contains msg if {
	print("kind:", input.kind, "labels:", input.metadata.labels)
	input.kind == "Pod"
	msg := "no bare pods"
}

package main

import rego.v1

# int64 fields arrive as strings (protojson)
deny contains msg if {
	to_number(input.level) <= 9000
	msg := sprintf("%s: power level must be over 9000", [input.name])
}

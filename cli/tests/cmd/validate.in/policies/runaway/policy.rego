package main

import rego.v1

# Ten billion iterations in small memory: only the evaluation time limit stops it.
deny contains msg if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i * j == -1
	msg := "unreachable"
}

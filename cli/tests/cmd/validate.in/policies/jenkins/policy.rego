package main

import rego.v1

# a Jenkinsfile is its syntax tree: nodes {kind, text, line, column, children}
deny contains msg if {
	walk(input, [_, node])
	node.kind == "StringLiteral"
	contains(node.text, "| sh")
	msg := sprintf("line %d: a download piped to a shell", [node.line])
}

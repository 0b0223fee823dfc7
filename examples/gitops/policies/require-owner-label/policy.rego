# Every object names the team that owns it (conftest style: package main, deny rules).
package main

import rego.v1

deny contains msg if {
	not input.metadata.labels.owner
	msg := sprintf("%s %s has no 'owner' label: add metadata.labels.owner (the team to page)", [input.kind, input.metadata.name])
}

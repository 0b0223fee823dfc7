# METADATA
# title: resource-requests-limits
# description: >-
#   Every container (and init container) requests CPU and memory and limits memory, so the
#   scheduler can place it and a leak cannot take the node down. A CPU limit is not required:
#   it throttles without protecting anything.
package sealgate.resource_requests_limits

import rego.v1

# The object itself, or the items of a List wrapper.
objects contains input if not is_list(input)

objects contains item if {
	is_list(input)
	some item in input.items
}

is_list(obj) if {
	endswith(obj.kind, "List")
	is_array(obj.items)
}

# Where each workload kind keeps its pod spec.
pod_spec(obj) := obj.spec if obj.kind == "Pod"

pod_spec(obj) := obj.template.spec if obj.kind == "PodTemplate"

pod_spec(obj) := obj.spec.template.spec if obj.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

pod_spec(obj) := obj.spec.jobTemplate.spec.template.spec if obj.kind == "CronJob"

name(obj) := sprintf("%s %s/%s", [obj.kind, obj.metadata.namespace, obj.metadata.name]) if {
	obj.metadata.namespace
} else := sprintf("%s %s", [obj.kind, object.get(object.get(obj, "metadata", {}), "name", "<unnamed>")])

# [object, field, container] for every container of every pod spec.
containers contains [obj, field, c] if {
	some obj in objects
	spec := pod_spec(obj)
	some field in ["containers", "initContainers"]
	some c in object.get(spec, field, [])
}

required := [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]]

missing(c) := [sprintf("%s.%s", [kind, res]) |
	some [kind, res] in required
	not c.resources[kind][res]
]

deny contains msg if {
	some [obj, field, c] in containers
	m := missing(c)
	count(m) > 0
	msg := sprintf("%s: %s %q has no resources.%s", [name(obj), field, c.name, concat(", resources.", m)])
}

# METADATA
# title: no-privileged-containers
# description: >-
#   No container runs privileged (it would own the node); allowPrivilegeEscalation: true and
#   added SYS_ADMIN/ALL capabilities are flagged as warnings.
package sealgate.no_privileged_containers

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
	some field in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(spec, field, [])
}

deny contains msg if {
	some [obj, field, c] in containers
	c.securityContext.privileged == true
	msg := sprintf("%s: %s %q runs privileged; drop securityContext.privileged", [name(obj), field, c.name])
}

warn contains msg if {
	some [obj, field, c] in containers
	c.securityContext.allowPrivilegeEscalation == true
	msg := sprintf("%s: %s %q sets allowPrivilegeEscalation: true", [name(obj), field, c.name])
}

warn contains msg if {
	some [obj, field, c] in containers
	some cap in c.securityContext.capabilities.add
	upper(cap) in {"SYS_ADMIN", "ALL", "CAP_SYS_ADMIN"}
	msg := sprintf("%s: %s %q adds capability %s", [name(obj), field, c.name, cap])
}

# METADATA
# title: pinned-image-tags
# description: >-
#   Every container image names a tag other than "latest", or a digest, so what runs is what
#   was reviewed. Covers Pods, PodTemplates and all built-in workload kinds (containers,
#   initContainers, ephemeralContainers).
package sealgate.pinned_image_tags

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

# The tag is after the last ":" of the last path segment (a registry port is not a tag).
tag(image) := t if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	segs := split(last, ":")
	t := segs[count(segs) - 1]
}

deny contains msg if {
	some [obj, field, c] in containers
	not contains(c.image, "@")
	not tag(c.image)
	msg := sprintf("%s: %s %q uses image %q without a tag; pin a version or a digest", [name(obj), field, c.name, c.image])
}

deny contains msg if {
	some [obj, field, c] in containers
	not contains(c.image, "@")
	tag(c.image) == "latest"
	msg := sprintf("%s: %s %q uses image %q; \"latest\" moves, pin a version or a digest", [name(obj), field, c.name, c.image])
}

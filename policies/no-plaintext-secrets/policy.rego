# METADATA
# title: no-plaintext-secrets
# description: >-
#   A Secret with values (data or stringData) must never be committed: only SealedSecrets
#   belong in Git. Secrets inside `kind: List` (or any *List) are checked too.
package sealgate.no_plaintext_secrets

import rego.v1

# The object itself, or the items of a List wrapper (kubectl get -o yaml produces those).
objects contains input if not is_list(input)

objects contains item if {
	is_list(input)
	some item in input.items
}

is_list(obj) if {
	endswith(obj.kind, "List")
	is_array(obj.items)
}

is_secret(obj) if {
	obj.kind == "Secret"
	object.get(obj, "apiVersion", "v1") == "v1"
}

# Fields holding at least one value; an empty map carries no secret.
filled(obj) := [field |
	some field in ["data", "stringData"]
	value := object.get(obj, field, null)
	is_object(value)
	count(value) > 0
]

display(obj) := sprintf("%s/%s", [obj.metadata.namespace, obj.metadata.name]) if {
	obj.metadata.namespace
} else := object.get(object.get(obj, "metadata", {}), "name", "<unnamed>")

deny contains msg if {
	some obj in objects
	is_secret(obj)
	fields := filled(obj)
	count(fields) > 0
	msg := sprintf(
		"Secret %s has plaintext values in %s: seal it with `sealgate seal` and commit the SealedSecret instead",
		[display(obj), concat(" and ", fields)],
	)
}

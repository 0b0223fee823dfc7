package main

import rego.v1

test_labelled_object_passes if {
	count(deny) == 0 with input as {"kind": "Service", "metadata": {"name": "s", "labels": {"owner": "a"}}}
}

test_missing_owner_is_denied if {
	count(deny) == 1 with input as {"kind": "Service", "metadata": {"name": "s"}}
}

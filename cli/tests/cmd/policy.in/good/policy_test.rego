package main

import rego.v1

test_root_pod_denied if {
	deny["Pod p must run as non-root"] with input as {"kind": "Pod", "metadata": {"name": "p"}}
}

test_non_root_pod_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"securityContext": {"runAsNonRoot": true}}}
}

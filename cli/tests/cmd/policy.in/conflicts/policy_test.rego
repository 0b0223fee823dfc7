package main

import rego.v1

default allow := false

allow if input.user == "admin"

default allow := true

test_allow if allow with input as {"user": "admin"}

package main

import rego.v1

low := parse_config("textproto", "# proto-message: power.Level\nname: \"low\"\nlevel: 9000\n")

test_low_level_denied if {
	deny["low: power level must be over 9000"] with input as low
}

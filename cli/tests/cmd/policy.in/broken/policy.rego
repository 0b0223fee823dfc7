package main

deny contains msg iff {
	msg := "x"
}

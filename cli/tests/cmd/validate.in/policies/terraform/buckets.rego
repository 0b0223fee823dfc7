package main

import rego.v1

deny contains msg if {
	some name, bucket in input.resource.aws_s3_bucket
	bucket[_].acl == "public-read"
	msg := sprintf("S3 bucket %s is public", [name])
}

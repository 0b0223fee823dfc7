resource "aws_s3_bucket" "y" {
  acl = "public-read"
}

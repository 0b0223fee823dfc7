resource "aws_s3_bucket" "logs" {
  acl = "public-read"
}

resource "aws_s3_bucket" "backups" {
  acl = "private"
}

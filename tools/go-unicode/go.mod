module sealgate/tools/go-unicode

go 1.26

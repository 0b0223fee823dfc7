# METADATA
# title: sealedsecret-sanity
# description: >-
#   SealedSecrets that the controller can actually unseal: scope annotations that agree between
#   metadata and spec.template, a namespace where the scope binds one, and blobs that decode and
#   are long enough for kubeseal's layout (u16 length, RSA-OAEP key, AES-GCM payload + tag).
#   With `--cert`, data.sealgate.cert.modulus_bytes pins the RSA part to the cert's key size.
package sealgate.sealedsecret_sanity

import rego.v1

cluster_wide := "sealedsecrets.bitnami.com/cluster-wide"

namespace_wide := "sealedsecrets.bitnami.com/namespace-wide"

objects contains input if not is_list(input)

objects contains item if {
	is_list(input)
	some item in input.items
}

is_list(obj) if {
	endswith(obj.kind, "List")
	is_array(obj.items)
}

sealed_secrets contains obj if {
	some obj in objects
	obj.kind == "SealedSecret"
	startswith(object.get(obj, "apiVersion", ""), "bitnami.com/")
}

meta(obj) := object.get(obj, "metadata", {})

annotations(m) := a if {
	a := m.annotations
	is_object(a)
} else := {}

# kubeseal's precedence: cluster-wide, then namespace-wide, else strict.
scope(ann) := "cluster-wide" if {
	ann[cluster_wide] == "true"
} else := "namespace-wide" if {
	ann[namespace_wide] == "true"
} else := "strict"

has_scope_annotation(ann) if ann[cluster_wide]

has_scope_annotation(ann) if ann[namespace_wide]

name(obj) := sprintf("%s/%s", [meta(obj).namespace, meta(obj).name]) if {
	meta(obj).namespace
} else := object.get(meta(obj), "name", "<unnamed>")

template_meta(obj) := object.get(object.get(object.get(obj, "spec", {}), "template", {}), "metadata", {})

deny contains msg if {
	some obj in sealed_secrets
	tann := annotations(template_meta(obj))
	has_scope_annotation(tann)
	outer := scope(annotations(meta(obj)))
	inner := scope(tann)
	outer != inner
	msg := sprintf(
		"SealedSecret %s: scope annotations disagree: metadata says %s, spec.template.metadata says %s; the controller decrypts with the metadata scope, so re-seal or fix the template",
		[name(obj), outer, inner],
	)
}

deny contains msg if {
	some obj in sealed_secrets
	s := scope(annotations(meta(obj)))
	s != "cluster-wide"
	not meta(obj).namespace
	msg := sprintf(
		"SealedSecret %s: scope %s binds the blobs to a namespace but metadata.namespace is not set; set it to the namespace used when sealing",
		[name(obj), s],
	)
}

warn contains msg if {
	some obj in sealed_secrets
	ann := annotations(meta(obj))
	ann[cluster_wide] == "true"
	ann[namespace_wide] == "true"
	msg := sprintf("SealedSecret %s: both cluster-wide and namespace-wide are set; cluster-wide wins", [name(obj)])
}

warn contains msg if {
	some obj in sealed_secrets
	ns := template_meta(obj).namespace
	meta(obj).namespace
	ns != meta(obj).namespace
	msg := sprintf("SealedSecret %s: spec.template.metadata.namespace %q differs from metadata.namespace", [name(obj), ns])
}

# Every blob: spec.encryptedData items and the legacy single spec.data blob.
blobs contains [obj, key, value] if {
	some obj in sealed_secrets
	some key, value in object.get(obj.spec, "encryptedData", {})
}

blobs contains [obj, "spec.data", obj.spec.data] if {
	some obj in sealed_secrets
	obj.spec.data
}

deny contains msg if {
	some obj in sealed_secrets
	count(object.get(obj.spec, "encryptedData", {})) == 0
	not obj.spec.data
	msg := sprintf("SealedSecret %s has no spec.encryptedData: nothing to unseal", [name(obj)])
}

alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

valid_base64(s) if {
	is_string(s)
	count(s) >= 4
	regex.match(`^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`, s)
}

decoded_length(s) := ((count(s) / 4) * 3) - (count(s) - count(trim_right(s, "=")))

sextet(s, i) := indexof(alphabet, substring(s, i, 1))

# The big-endian u16 that prefixes the RSA ciphertext, read from the first three base64 characters.
rsa_length(s) := (byte0 * 256) + byte1 if {
	byte0 := bits.or(bits.lsh(sextet(s, 0), 2), bits.rsh(sextet(s, 1), 4))
	byte1 := bits.or(bits.lsh(bits.and(sextet(s, 1), 15), 4), bits.rsh(sextet(s, 2), 2))
}

# RSA 2048/3072/4096/8192 when no cert says which.
plausible_rsa := {256, 384, 512, 1024}

expected_rsa := data.sealgate.cert.modulus_bytes

deny contains msg if {
	some [obj, key, value] in blobs
	not valid_base64(value)
	msg := sprintf("SealedSecret %s: %s is not standard padded base64; it was not produced by a sealer", [name(obj), key])
}

deny contains msg if {
	some [obj, key, value] in blobs
	valid_base64(value)
	expected_rsa
	rsa_length(value) != expected_rsa
	msg := sprintf(
		"SealedSecret %s: %s holds a %d-byte RSA part but the sealing cert's key needs %d; it was sealed with another key",
		[name(obj), key, rsa_length(value), expected_rsa],
	)
}

deny contains msg if {
	some [obj, key, value] in blobs
	valid_base64(value)
	not expected_rsa
	not rsa_length(value) in plausible_rsa
	msg := sprintf("SealedSecret %s: %s does not start with a valid RSA length prefix (got %d); the blob is corrupt", [name(obj), key, rsa_length(value)])
}

deny contains msg if {
	some [obj, key, value] in blobs
	valid_base64(value)
	n := decoded_length(value)
	n < rsa_length(value) + 18
	msg := sprintf(
		"SealedSecret %s: %s is %d bytes, shorter than its %d-byte RSA part plus length prefix and GCM tag (%d); the blob is truncated",
		[name(obj), key, n, rsa_length(value), rsa_length(value) + 18],
	)
}

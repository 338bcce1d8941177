/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Marvell (Cavium) LiquidSecurity key attestations, as Google Cloud HSM
 * and Azure Managed HSM hand them out. The HSM signs a binary record of
 * the key's PKCS#11 objects (a response header, the object handles, an
 * info header, one object per key half, each a list of type-length-value
 * attributes) with its partition key: a trailing 256-byte RSA PKCS#1 v1.5
 * / SHA-256 signature over every byte before it. The partition key is
 * certified twice: by the HSM's card key (Marvell partition certificate,
 * whose issuer, the card certificate, is X.509 v1 and is signed by the
 * Marvell LiquidSecurity root), and by the cloud's owner root (Google's
 * Hawksbill root signs a partition and a card certificate, both CA:FALSE,
 * with the Marvell ones' keys).
 *
 * Inputs: Google's gzip-compressed binary (.dat) or the raw binary, with
 * the certificates as a PEM part (.certs: both chains); or Azure's JSON
 * (version "MRVL-1": base64url private and public key attestations and
 * the certificate file), alone. docs/formats.md says what is checked,
 * claimed and why, with the vendors' verifiers cited.
 *
 * OpenSSL cannot build either chain as it is (a v1 issuer), so each link
 * is checked on its own (csra_link_check): the one deviation accepted is
 * the v1 card certificate as the issuer of the Marvell partition
 * certificate, recorded as quirk.v1-card-certificate.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include "csra_cbb.h"
#include "csra_certbag.h"
#include "csra_link.h"
#include "csra_stmt.h"
#include "csra_verify_int.h"

#define KIND "marvell-liquidsecurity"
#define OWNER_TRUST "google-cloudhsm"

/* Hard caps: the binaries seen are 1-3 KB (one key's two objects). */
#define MAX_INFLATED (256u * 1024u)	/* what a .dat may inflate to */
#define MAX_JSON (1024u * 1024u)	/* an Azure MRVL-1 file */
#define MAX_ATTRS 512u			/* attributes in one object */
#define SIG_LEN 256u			/* RSA-2048 PKCS#1 v1.5 */
#define RESP_HDR 16u			/* response code, flags, total size, buffer size */
#define INFO_HDR 8u			/* version, flags, offsets of the two objects */
#define OBJ_HDR 12u			/* handle, attribute count, size */

/* PKCS#11 attribute types (CKA_*, PKCS#11 v2.40 section 4 / pkcs11t.h)
 * as Marvell's parsers name them. */
#define CKA_CLASS 0x0000u
#define CKA_KEY_TYPE 0x0100u
#define CKA_SENSITIVE 0x0103u
#define CKA_MODULUS 0x0120u		/* Marvell: the RSA modulus or the EC point */
#define CKA_MODULUS_BITS 0x0121u
#define CKA_PUBLIC_EXPONENT 0x0122u
#define CKA_EXTRACTABLE 0x0162u
#define CKA_LOCAL 0x0163u
#define CKA_NEVER_EXTRACTABLE 0x0164u
#define CKA_ALWAYS_SENSITIVE 0x0165u
#define CKA_EC_PARAMS 0x0180u
/* CKO_* and CKK_* values. */
#define CKO_PUBLIC_KEY 2u
#define CKO_PRIVATE_KEY 3u
#define CKO_SECRET_KEY 4u
#define CKK_RSA 0u
#define CKK_EC 3u

static const char fips_suffix[] = ", for FIPS mode";

/* ---- reading big-endian ---- */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- what the input looks like ---- */

static int is_gzip(const uint8_t *p, size_t len)
{
	/* RFC 1952: ID1 ID2, CM 8 (deflate), no reserved FLG bits. */
	return len >= 18 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 && (p[3] & 0xe0) == 0;
}

/* The response header's marks: response code 0 (success), request flags
 * 3 (attributes and signature: Marvell's parse_v2.py), the total size
 * |len|, and a buffer that leaves room for the handles and the
 * signature. */
static int raw_header_ok(const uint8_t *p, size_t len, size_t total_len)
{
	if (len < RESP_HDR)
		return 0;
	uint32_t total = be32(p + 8), buf = be32(p + 12);
	return be32(p) == 0 && be32(p + 4) == 3 && total == total_len &&
	    (uint64_t)buf + SIG_LEN + RESP_HDR + 8 <= total;
}

static int is_raw(const uint8_t *p, size_t len)
{
	return len >= RESP_HDR + 8 + INFO_HDR + OBJ_HDR + SIG_LEN && raw_header_ok(p, len, len);
}

/* The start of a gzip member inflated, to see the header's marks. The
 * total size cannot be compared yet: only that it is within the cap. */
static int gzip_head_ok(const uint8_t *p, size_t len)
{
	uint8_t head[RESP_HDR];
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return 0;
	z.next_in = (Bytef *)p;
	z.avail_in = len > (1u << 20) ? (1u << 20) : (uInt)len;
	z.next_out = head;
	z.avail_out = sizeof(head);
	int rc = inflate(&z, Z_SYNC_FLUSH);
	size_t got = sizeof(head) - z.avail_out;
	inflateEnd(&z);
	if ((rc != Z_OK && rc != Z_STREAM_END) || got != sizeof(head))
		return 0;
	uint32_t total = be32(head + 8);
	return total <= MAX_INFLATED && raw_header_ok(head, sizeof(head), total);
}

static int skip_ws(const uint8_t *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < len ? (int)i : -1;
}

static int contains(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

/* Azure's JSON: an object naming version "MRVL-1" and a private key
 * attestation (Microsoft's validator's required members). */
static int is_mrvl_json(const uint8_t *p, size_t len)
{
	int i = skip_ws(p, len, 0);
	return i >= 0 && p[i] == '{' && len <= MAX_JSON && contains(p, len, "\"MRVL-1\"") &&
	    contains(p, len, "\"privateKeyAttestation\"") && contains(p, len, "\"version\"");
}

/* Never a certificate bag: the .certs part is only certificates, and
 * several formats see certificate bags. */
static int mrvl_detect(const uint8_t *p, size_t len, const csra_certbag *bag)
{
	if (bag != NULL || p == NULL)
		return 0;
	if (is_gzip(p, len))
		return gzip_head_ok(p, len);
	return is_raw(p, len) || is_mrvl_json(p, len);
}

static int no_type(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	(void)v, (void)type, (void)len, (void)route;
	return 0;
}

/* ---- the verification's state ---- */

struct attr {
	uint32_t type;
	const uint8_t *p;
	uint32_t len;
	size_t off;		/* of its TLV in the binary */
};

struct object {
	uint32_t handle;
	size_t off;
	size_t n;
	struct attr *a;
};

/* One binary: inflated or copied, parsed. */
struct blob {
	const char *name;	/* "attestation", "privateKeyAttestation", ... */
	uint8_t *buf;
	size_t len;
	struct object obj[2];
	size_t nobj;
};

struct mctx {
	const csra_verifier *v;
	const csra_stmt_in *in;
	csra_result *r;
	csra_stmt_out *out;
	int ok;
	int oom;
	int azure;		/* the input was Azure's MRVL-1 JSON */
	csra_certbag bag;
	int have_bag;
	int bag_borrowed;	/* bag is the request layer's (csra_stmt_part_certbag) */
	/* Certificates by role, indices into bag (-1: none). */
	int part, card, opart, ocard;
	char serial[96];	/* from the card's name */
	long partition;
	int fips;
};

static void fail(struct mctx *x, const char *name, csra_err code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void fail(struct mctx *x, const char *name, csra_err code, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->ok = 0;
	if (!csra_result_add(x->r, name, CSRA_STATUS_FAIL, code, path, "%s", msg))
		x->oom = 1;
}

static void pass(struct mctx *x, const char *name, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void pass(struct mctx *x, const char *name, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!csra_result_add(x->r, name, CSRA_STATUS_PASS, CSRA_OK, path, "%s", msg))
		x->oom = 1;
}

static void blob_clear(struct blob *b)
{
	for (size_t i = 0; i < b->nobj; i++)
		free(b->obj[i].a);
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* ---- inflating ---- */

/* Inflates the one gzip member |p|/|len| into b->buf: CRC-32 and ISIZE
 * checked (windowBits 16 + 15), nothing after the member, at most
 * MAX_INFLATED bytes. Returns 1, or 0 (recorded), -1 out of memory. */
static int inflate_blob(struct mctx *x, const uint8_t *p, size_t len, struct blob *b)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* zlib counts input in uInt: anything near that is no attestation. */
	if (len > (size_t)INT32_MAX) {
		fail(x, "limit.inflated", CSRA_ERR_LIMIT_INFLATED, b->name, "%zu compressed bytes", len);
		return 0;
	}
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	size_t cap = 4096;
	uint8_t *buf = malloc(cap);
	int rc = Z_OK;
	if (buf == NULL) {
		inflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	size_t have = 0;
	for (;;) {
		if (have == cap) {
			if (cap >= MAX_INFLATED + 1)
				break;
			size_t ncap = cap * 2 > MAX_INFLATED + 1 ? MAX_INFLATED + 1 : cap * 2;
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL) {
				free(buf);
				inflateEnd(&z);
				return -1;
			}
			buf = nb, cap = ncap;
		}
		z.next_out = buf + have;
		z.avail_out = (uInt)(cap - have);
		rc = inflate(&z, Z_NO_FLUSH);
		have = cap - z.avail_out;
		if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR))
			break;
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			break;	/* truncated: no more input, no end */
	}
	size_t left = z.avail_in;
	inflateEnd(&z);
	if (rc == Z_MEM_ERROR) {
		free(buf);
		return -1;
	}
	if (have > MAX_INFLATED) {
		free(buf);
		fail(x, "limit.inflated", CSRA_ERR_LIMIT_INFLATED, b->name,
		    "the gzip member inflates past %u bytes", MAX_INFLATED);
		return 0;
	}
	if (rc != Z_STREAM_END) {
		free(buf);
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "the gzip member does not inflate (%s)", rc == Z_DATA_ERROR ? "bad data, CRC or length"
		    : "truncated");
		return 0;
	}
	if (left != 0) {
		free(buf);
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "%zu byte(s) after the gzip member (exactly one member is read)", left);
		return 0;
	}
	b->buf = buf;
	b->len = have;
	return 1;
}

/* ---- parsing the binary ---- */

static int parse_object(struct mctx *x, struct blob *b, size_t off, size_t end, struct object *o)
{
	char path[64];
	snprintf(path, sizeof(path), "%s@%zu", b->name, off);
	if (end - off < OBJ_HDR) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path, "an object header does not fit");
		return 0;
	}
	const uint8_t *p = b->buf;
	o->handle = be32(p + off);
	uint32_t count = be32(p + off + 4), size = be32(p + off + 8);
	o->off = off;
	if (size != end - off - OBJ_HDR) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path,
		    "the object's size %u is not the %zu byte(s) it has", size, end - off - OBJ_HDR);
		return 0;
	}
	if (count > MAX_ATTRS || (uint64_t)count * 8 > size) {
		fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
		    "%u attributes: over the cap of %u or more than the object holds", count, MAX_ATTRS);
		return 0;
	}
	o->a = calloc(count ? count : 1, sizeof(*o->a));
	if (o->a == NULL)
		return -1;
	size_t at = off + OBJ_HDR;
	for (uint32_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s@%zu", b->name, at);
		if (end - at < 8) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "attribute %u of %u: its type and length do not fit", i, count);
			return 0;
		}
		uint32_t t = be32(p + at), l = be32(p + at + 4);
		if (l > end - at - 8) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "attribute 0x%04x: its length %u runs past the object", t, l);
			return 0;
		}
		for (size_t j = 0; j < o->n; j++)
			if (o->a[j].type == t) {
				fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
				    "attribute 0x%04x appears twice in the object", t);
				return 0;
			}
		o->a[o->n++] = (struct attr){ t, p + at + 8, l, at };
		at += 8 + (size_t)l;
	}
	if (at != end) {
		snprintf(path, sizeof(path), "%s@%zu", b->name, at);
		fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
		    "%zu byte(s) after the object's %u attributes", end - at, count);
		return 0;
	}
	return 1;
}

/* The layout (Marvell's parse_v2.py; Google's CAVIUM_V2_COMPRESSED): a
 * response header (code 0, flags 3, total size, buffer size), one 64-bit
 * handle per object, the buffer: an info header (version 1, flags 3, the
 * offsets of the first and second object from the info header; the second
 * 0 for a secret key) and the objects back to back, then the signature.
 * Every byte is accounted for. Returns 1, 0 (recorded), -1 (memory). */
static int parse_blob(struct mctx *x, struct blob *b)
{
	const uint8_t *p = b->buf;
	size_t len = b->len;
	if (len < RESP_HDR + 8 + INFO_HDR + OBJ_HDR + SIG_LEN) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "%zu byte(s): too short for an attestation", len);
		return 0;
	}
	uint32_t code = be32(p), flags = be32(p + 4), total = be32(p + 8), bufsz = be32(p + 12);
	if (code != 0 || flags != 3) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "response code %u, request flags %u: expected 0 and 3 (attributes and signature)",
		    code, flags);
		return 0;
	}
	if (total != len || (uint64_t)bufsz + SIG_LEN + RESP_HDR > total) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "total size %u, buffer size %u do not fit the %zu byte(s)", total, bufsz, len);
		return 0;
	}
	size_t info = total - bufsz - SIG_LEN, end = total - SIG_LEN;
	size_t nh = (info - RESP_HDR) / 8;
	if ((info - RESP_HDR) % 8 != 0 || nh < 1 || nh > 2 || end - info < INFO_HDR) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, b->name,
		    "%zu byte(s) between the header and the buffer: not one or two handles",
		    info - RESP_HDR);
		return 0;
	}
	uint16_t ver = be16(p + info), iflags = be16(p + info + 2);
	size_t off1 = be16(p + info + 4), off2 = be16(p + info + 6);
	char path[64];
	snprintf(path, sizeof(path), "%s@%zu", b->name, info);
	if (ver != 1 || iflags != 3 || off1 != INFO_HDR || (nh == 1) != (off2 == 0)) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path,
		    "info header version %u, flags %u, offsets %zu, %zu: expected 1, 3, 8 and "
		    "%s", ver, iflags, off1, off2, nh == 1 ? "0 (one object)" : "the second object's");
		return 0;
	}
	size_t o2 = nh == 2 ? info + off2 : end;
	if (o2 > end || o2 < info + off1 + OBJ_HDR) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path,
		    "the second object's offset %zu is outside the buffer", off2);
		return 0;
	}
	int rc = parse_object(x, b, info + off1, o2, &b->obj[0]);
	b->nobj = 1;
	if (rc == 1 && nh == 2) {
		rc = parse_object(x, b, o2, end, &b->obj[1]);
		b->nobj = 2;
	}
	if (rc != 1)
		return rc;
	for (size_t i = 0; i < nh; i++) {
		const uint8_t *h = p + RESP_HDR + 8 * i;
		if (be32(h) != 0 || be32(h + 4) != b->obj[i].handle) {
			snprintf(path, sizeof(path), "%s@%zu", b->name, (size_t)(RESP_HDR + 8 * i));
			fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path,
			    "handle %zu is not the handle of object %zu (%u)", i, i, b->obj[i].handle);
			return 0;
		}
	}
	return 1;
}

static const struct attr *find_attr(const struct object *o, uint32_t type)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->a[i].type == type)
			return &o->a[i];
	return NULL;
}

/* An unsigned attribute of 1 to 8 bytes (CK_ULONG as the HSM writes it:
 * 1 byte in the samples). 1, or 0 if absent (-1 if malformed). */
static int attr_uint(const struct object *o, uint32_t type, uint64_t *v)
{
	const struct attr *a = find_attr(o, type);
	if (a == NULL)
		return 0;
	if (a->len < 1 || a->len > 8)
		return -1;
	*v = 0;
	for (uint32_t i = 0; i < a->len; i++)
		*v = *v << 8 | a->p[i];
	return 1;
}

/* A CK_BBOOL: one byte, 0 or 1. 1 with |*v|, 0 absent, -1 malformed. */
static int attr_bool(const struct object *o, uint32_t type, int *v)
{
	const struct attr *a = find_attr(o, type);
	if (a == NULL)
		return 0;
	if (a->len != 1 || a->p[0] > 1)
		return -1;
	*v = a->p[0];
	return 1;
}

/* ---- the signature ---- */

/* ak.signature: the trailing 256 bytes, RSA PKCS#1 v1.5 with SHA-256 over
 * every byte before them (Google's verify_attestation.py: data =
 * attestation[:-256]), verified in full by OpenSSL (padding and DigestInfo
 * checked: never a comparison of the hash's bytes alone). */
/* The key under which a verified signature of |b| by |cert| is
 * remembered in the verifier's cache: the binary's bytes (signature
 * included) and the partition certificate's DER. Only a pass is
 * remembered (as csra_x509_verify_cached does), so a warm verification
 * costs a digest instead of an RSA operation. */
static int sig_cache_key(struct mctx *x, const struct blob *b, X509 *cert, uint8_t key[32])
{
	unsigned char *der = NULL;
	int dl = i2d_X509(cert, &der);
	EVP_MD_CTX *kc = dl > 0 ? EVP_MD_CTX_new() : NULL;
	int ok = kc != NULL && EVP_DigestInit_ex(kc, x->v->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(kc, KIND "/signature", sizeof(KIND "/signature")) == 1 &&
	    EVP_DigestUpdate(kc, &b->len, sizeof(b->len)) == 1 && EVP_DigestUpdate(kc, b->buf, b->len) == 1 &&
	    EVP_DigestUpdate(kc, der, (size_t)dl) == 1 && EVP_DigestFinal_ex(kc, key, NULL) == 1;
	EVP_MD_CTX_free(kc);
	OPENSSL_free(der);
	csra_clear_openssl_errors();
	return ok;
}

static int check_signature(struct mctx *x, const struct blob *b, X509 *cert, const char *certpath)
{
	uint8_t ck[32], seen = 0;
	size_t got = 0;
	int keyed = sig_cache_key(x, b, cert, ck);
	if (keyed && csra_cache_get_blob(x->v->cache, ck, &seen, 1, &got) && got == 1 && seen == 1) {
		pass(x, "ak.signature", b->name, "RSA PKCS#1 v1.5 / SHA-256 over the first %zu byte(s), "
		    "verified with the partition certificate %s's key", b->len - SIG_LEN, certpath);
		return 1;
	}
	EVP_PKEY *key = X509_get0_pubkey(cert);
	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_get_size(key) != SIG_LEN) {
		csra_clear_openssl_errors();
		fail(x, "ak.signature", CSRA_ERR_SIG_ALG_KEY_MISMATCH, certpath,
		    "the partition certificate's key is not RSA-2048: it cannot have made the "
		    "256-byte signature of %s", b->name);
		return 0;
	}
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	int ok = -1;
	if (mc != NULL && EVP_DigestVerifyInit_ex(mc, NULL, "SHA256", csra_libctx(x->v), csra_propq(x->v), key,
	    NULL) == 1)
		ok = EVP_DigestVerify(mc, b->buf + b->len - SIG_LEN, SIG_LEN, b->buf, b->len - SIG_LEN) == 1;
	EVP_MD_CTX_free(mc);
	csra_clear_openssl_errors();
	if (ok < 0) {
		x->oom = 1;
		return 0;
	}
	if (!ok) {
		fail(x, "ak.signature", CSRA_ERR_SIG_INVALID, b->name,
		    "the RSA PKCS#1 v1.5 / SHA-256 signature over the first %zu byte(s) does not verify "
		    "with %s's key", b->len - SIG_LEN, certpath);
		return 0;
	}
	if (keyed) {
		seen = 1;
		csra_cache_put_blob(x->v->cache, ck, &seen, 1);
	}
	pass(x, "ak.signature", b->name, "RSA PKCS#1 v1.5 / SHA-256 over the first %zu byte(s), "
	    "verified with the partition certificate %s's key", b->len - SIG_LEN, certpath);
	return 1;
}

/* ---- certificates ---- */

/* The common name of |n|, NUL-terminated, in |buf|; 0 if none, several
 * or not text. */
static int common_name(const X509_NAME *n, char *buf, size_t cap)
{
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(n, NID_commonName, i) >= 0)
		return 0;
	const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	int len = ASN1_STRING_length(s);
	const unsigned char *d = ASN1_STRING_get0_data(s);
	if (len <= 0 || (size_t)len >= cap || memchr(d, 0, (size_t)len) != NULL)
		return 0;
	memcpy(buf, d, (size_t)len);
	buf[len] = '\0';
	return 1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int is_self_issued(X509 *c)
{
	return X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)) == 0;
}

/* "HSM:<serial>" (card) or "HSM:<serial>:PARTN:<n>" (partition), either
 * with ", for FIPS mode" after it. */
static int hsm_name(X509 *c, int issuer, char *serial, size_t cap, long *partn, int *fips)
{
	char cn[160];
	if (!common_name(issuer ? X509_get_issuer_name(c) : X509_get_subject_name(c), cn, sizeof(cn)) ||
	    strncmp(cn, "HSM:", 4) != 0)
		return 0;
	*fips = ends_with(cn, fips_suffix);
	if (*fips)
		cn[strlen(cn) - strlen(fips_suffix)] = '\0';
	char *pt = strstr(cn + 4, ":PARTN:");
	*partn = -1;
	if (pt != NULL) {
		const char *d = pt + 7;
		char *e = NULL;
		if (*d < '0' || *d > '9' || strlen(d) > 6)
			return 0;
		*partn = strtol(d, &e, 10);
		if (*e != '\0')
			return 0;
		*pt = '\0';
	}
	size_t sl = strlen(cn + 4);
	if (sl == 0 || sl >= cap || strchr(cn + 4, ',') != NULL)
		return 0;
	memcpy(serial, cn + 4, sl + 1);
	return 1;
}

static int same_spki(X509 *a, X509 *b)
{
	const X509_PUBKEY *pa = X509_get_X509_PUBKEY(a), *pb = X509_get_X509_PUBKEY(b);
	unsigned char *da = NULL, *db = NULL;
	int la = i2d_X509_PUBKEY((X509_PUBKEY *)pa, &da), lb = i2d_X509_PUBKEY((X509_PUBKEY *)pb, &db);
	int same = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	csra_clear_openssl_errors();
	return same;
}

/* Roles by content (never by order): the Marvell partition certificate
 * (an "HSM:<serial>:PARTN:<n>" subject issued by an "HSM:<serial>" card
 * name), the owner's partition certificate (its key, another issuer),
 * the card certificate (named as the partition's issuer; of the two
 * certificates so named, the one the owner did not issue), the owner's
 * card certificate (the card's name and key, the owner's issuer), and
 * self-issued roots that came along (never anchors). Anything else is
 * refused: the vendors' verifiers place every certificate
 * (python-docs-samples verify_attestation_chains.py). */
static void classify(struct mctx *x)
{
	char s1[96], path[32];
	long pn, in;
	int f;
	int n = sk_X509_num(x->bag.certs), named[2] = { -1, -1 }, nnamed = 0;
	x->part = x->card = x->opart = x->ocard = -1;
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(x->bag.certs, i);
		if (hsm_name(c, 0, s1, sizeof(s1), &pn, &f) && pn >= 0 && hsm_name(c, 1, s1, sizeof(s1), &in, &f) &&
		    in < 0) {
			if (x->part >= 0) {
				snprintf(path, sizeof(path), "certs[%d]", i);
				fail(x, KIND ".certs", CSRA_ERR_FMT_MALFORMED, path,
				    "a second partition certificate issued by a card name");
				return;
			}
			x->part = i;
		}
	}
	if (x->part < 0) {
		fail(x, KIND ".certs", CSRA_ERR_FMT_PART_MISSING, "certs",
		    "no partition certificate (\"HSM:<serial>:PARTN:<n>\" issued by the card)");
		return;
	}
	X509 *p = sk_X509_value(x->bag.certs, x->part);
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(x->bag.certs, i);
		if (i == x->part || is_self_issued(c))
			continue;
		if (x->opart < 0 && same_spki(c, p))
			x->opart = i;
		else if (X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(p)) == 0 && nnamed < 2)
			named[nnamed++] = i;
	}
	if (nnamed == 1) {
		x->card = named[0];
	} else if (nnamed == 2 && x->opart >= 0) {
		const X509_NAME *owner = X509_get_issuer_name(sk_X509_value(x->bag.certs, x->opart));
		int o0 = X509_NAME_cmp(X509_get_issuer_name(sk_X509_value(x->bag.certs, named[0])), owner) == 0;
		int o1 = X509_NAME_cmp(X509_get_issuer_name(sk_X509_value(x->bag.certs, named[1])), owner) == 0;
		if (o0 != o1) {
			x->card = o0 ? named[1] : named[0];
			x->ocard = o0 ? named[0] : named[1];
		}
	}
	if (x->card < 0) {
		snprintf(path, sizeof(path), "certs[%d]", x->part);
		fail(x, KIND ".certs", nnamed == 0 ? CSRA_ERR_FMT_PART_MISSING : CSRA_ERR_FMT_MALFORMED, path,
		    nnamed == 0 ? "no card certificate is named as the partition certificate's issuer"
		    : "several certificates could be the card certificate");
		return;
	}
	if (x->ocard >= 0 && !same_spki(sk_X509_value(x->bag.certs, x->ocard), sk_X509_value(x->bag.certs, x->card)))
		x->ocard = -1;
	for (int i = 0; i < n; i++) {
		X509 *c = sk_X509_value(x->bag.certs, i);
		if (i == x->part || i == x->card || i == x->opart || i == x->ocard || is_self_issued(c))
			continue;
		snprintf(path, sizeof(path), "certs[%d]", i);
		fail(x, KIND ".certs", CSRA_ERR_FMT_MALFORMED, path,
		    "a certificate that is none of the partition, card, owner partition, owner card "
		    "or a root: refused, the vendors' verifiers place every certificate");
	}
	if (x->ok)
		pass(x, KIND ".certs", "certs", "partition certs[%d], card certs[%d], owner partition certs[%d], "
		    "owner card certs[%d] (-1: none)", x->part, x->card, x->opart, x->ocard);
}

static const struct csra_certbag_entry *entry(struct mctx *x, int i)
{
	return &x->bag.entries[i];
}

/* The validity at in->at of certificate |c| (path |path|), recorded under
 * |check| on failure. */
static int time_ok(struct mctx *x, const char *check, X509 *c, const char *path, const char *what)
{
	csra_err code;
	if (csra_cert_time_check(c, x->in->at, &code))
		return 1;
	fail(x, check, code, path, "%s is %s at the verification time", what,
	    code == CSRA_ERR_AK_EXPIRED ? "expired" : code == CSRA_ERR_AK_NOT_YET_VALID ? "not yet valid"
	    : "of unreadable validity");
	return 0;
}

/* The anchor of |trust| that issued |c| (bag index |at|): by subject
 * name, then by signature; one valid at in->at preferred. Returns 1 when
 * |c| is anchored and the anchor valid, with which anchor in |note|;
 * else records |check| and returns 0. */
static int anchor(struct mctx *x, const char *check, const char *trust, int at, const char *what,
    char *note, size_t note_cap)
{
	char path[32], why[200];
	X509 *c = sk_X509_value(x->bag.certs, at);
	const struct csra_certbag_entry *e = entry(x, at);
	snprintf(path, sizeof(path), "certs[%d]", at);
	X509_STORE *store = csra_verifier_format_store(x->v, trust);
	STACK_OF(X509) *cands = csra_store_issuers(store, X509_get_issuer_name(c), &x->oom);
	X509 *best = NULL;
	int best_valid = 0;
	csra_err code = CSRA_ERR_AK_UNTRUSTED, tcode = CSRA_OK;
	for (int i = 0; i < sk_X509_num(cands); i++) {
		X509 *a = sk_X509_value(cands, i);
		unsigned char *ad = NULL;
		int al = i2d_X509(a, &ad);
		csra_err lc = CSRA_ERR_AK_CHAIN;
		int ok = al > 0 && csra_link_check(x->v, c, e->der, e->len, a, ad, (size_t)al,
		    CSRA_LINK_ISSUER_IS_ANCHOR, KIND "/anchor", NULL, &lc, why, sizeof(why));
		OPENSSL_free(ad);
		if (!ok) {
			if (lc == CSRA_ERR_SIG_INVALID)
				code = lc;
			continue;
		}
		csra_err tc;
		int valid = csra_cert_time_check(a, x->in->at, &tc);
		if (best == NULL || (valid && !best_valid)) {
			best = a, best_valid = valid, tcode = tc;
		}
	}
	csra_clear_openssl_errors();
	int rc = 0;
	if (best == NULL) {
		if (code == CSRA_ERR_SIG_INVALID)
			fail(x, check, code, path, "%s's signature does not verify with the key of any %s anchor "
			    "named as its issuer", what, trust);
		else
			fail(x, check, CSRA_ERR_AK_UNTRUSTED, path, "no %s trust anchor issued %s%s", trust, what,
			    store == NULL ? " (none configured)" : "");
	} else if (!best_valid) {
		fail(x, check, tcode, path, "%s's only %s anchor is %s at the verification time", what, trust,
		    tcode == CSRA_ERR_AK_EXPIRED ? "expired" : "not yet valid");
	} else {
		rc = 1;
		/* A root that came with the certificates under the anchor's name
		 * but is another certificate (Marvell's 2015 root, the anchor its
		 * 2024 re-issue with the same key): say which one anchors. */
		int copy = -1;
		for (int i = 0; i < sk_X509_num(x->bag.certs); i++) {
			X509 *r = sk_X509_value(x->bag.certs, i);
			if (is_self_issued(r) && X509_NAME_cmp(X509_get_subject_name(r), X509_get_subject_name(best)) == 0 &&
			    X509_cmp(r, best) != 0)
				copy = i;
		}
		struct tm tm;
		char nb[16] = "?";
		if (ASN1_TIME_to_tm(X509_get0_notBefore(best), &tm) == 1)
			strftime(nb, sizeof(nb), "%Y-%m-%d", &tm);
		if (copy >= 0)
			snprintf(note, note_cap, "%s is anchored by the %s root of %s, a re-issue (same subject "
			    "and key) of the root that came as certs[%d], which is not an anchor", what, trust, nb, copy);
		else
			snprintf(note, note_cap, "%s is anchored by the %s root of %s", what, trust, nb);
	}
	sk_X509_pop_free(cands, X509_free);
	return rc;
}

/* One link below the anchor: |sub| issued by |iss| (bag indices). */
static int link_check(struct mctx *x, const char *check, int sub, int iss, unsigned allow, const char *what,
    unsigned *used)
{
	char path[32], why[200];
	csra_err code;
	snprintf(path, sizeof(path), "certs[%d]", sub);
	if (csra_link_check(x->v, sk_X509_value(x->bag.certs, sub), entry(x, sub)->der, entry(x, sub)->len,
	    sk_X509_value(x->bag.certs, iss), entry(x, iss)->der, entry(x, iss)->len, allow, KIND "/link",
	    used, &code, why, sizeof(why)))
		return 1;
	fail(x, check, code, path, "%s, issued by certs[%d]: %s", what, iss, why);
	return 0;
}

/* ak.chain: partition <- card (X.509 v1: the one deviation) <- a
 * marvell-liquidsecurity anchor; every certificate valid at in->at; the
 * partition's name is the card's plus ":PARTN:<n>". */
static int marvell_chain(struct mctx *x)
{
	char path[32], s1[96], s2[96];
	long p1, p2;
	int f1, f2;
	X509 *part = sk_X509_value(x->bag.certs, x->part), *card = sk_X509_value(x->bag.certs, x->card);
	unsigned used = 0;
	int ok = 1;
	snprintf(path, sizeof(path), "certs[%d]", x->part);
	if (!hsm_name(part, 0, s1, sizeof(s1), &p1, &f1) || !hsm_name(card, 0, s2, sizeof(s2), &p2, &f2) ||
	    p1 < 0 ||
	    p2 >= 0 || strcmp(s1, s2) != 0 || f1 != f2) {
		fail(x, "ak.chain", CSRA_ERR_AK_CHAIN, path, "the partition certificate's name is not the card's "
		    "\"HSM:<serial>\" with \":PARTN:<n>\" (and the same \"%s\")", fips_suffix);
		ok = 0;
	} else {
		snprintf(x->serial, sizeof(x->serial), "%s", s1);
		x->partition = p1;
		x->fips = f1;
	}
	/* The card certificate is v1 (Marvell issues it so): the only issuer
	 * the deviation is accepted for. */
	ok &= link_check(x, "ak.chain", x->part, x->card, X509_get_version(card) == X509_VERSION_1 ?
	    CSRA_LINK_ALLOW_V1_ISSUER : 0, "the partition certificate", &used);
	ok &= time_ok(x, "ak.chain", part, path, "the partition certificate");
	snprintf(path, sizeof(path), "certs[%d]", x->card);
	ok &= time_ok(x, "ak.chain", card, path, "the card certificate");
	if (used & CSRA_LINK_ALLOW_V1_ISSUER)
		if (!csra_result_add(x->r, "quirk.v1-card-certificate", CSRA_STATUS_WARN, CSRA_ERR_FMT_QUIRK, path,
		    "the card certificate is X.509 v1 (no basicConstraints) and issued the partition "
		    "certificate; accepted for the card certificate of a LiquidSecurity attestation only, "
		    "as Marvell issues it (Google's and Microsoft's verifiers check this link by signature)"))
			x->oom = 1;
	char note[256] = "";
	ok &= anchor(x, "ak.chain", KIND, x->card, "the card certificate", note, sizeof(note));
	if (ok)
		pass(x, "ak.chain", path, "partition certs[%d] <- card certs[%d] <- anchor, each valid at the "
		    "verification time; %s", x->part, x->card, note);
	return ok;
}

/* ak.chain.owner (Google): the owner's partition and card certificates,
 * each issued by a google-cloudhsm anchor, with the Marvell partition's
 * and card's keys (python-docs-samples verify_attestation_chains.py
 * _check_card_pub_key, _check_partition_pub_key). */
static int owner_chain(struct mctx *x)
{
	char path[32];
	int ok = 1;
	if (x->opart < 0 || x->ocard < 0) {
		fail(x, "ak.chain.owner", CSRA_ERR_FMT_PART_MISSING, "certs", "no %s certificate of the owner "
		    "(Google Cloud HSM's .certs holds both chains)", x->opart < 0 ? "partition" : "card");
		return 0;
	}
	X509 *op = sk_X509_value(x->bag.certs, x->opart), *oc = sk_X509_value(x->bag.certs, x->ocard);
	snprintf(path, sizeof(path), "certs[%d]", x->opart);
	if (!same_spki(op, sk_X509_value(x->bag.certs, x->part))) {
		fail(x, "ak.chain.owner", CSRA_ERR_AK_CHAIN, path, "the owner partition certificate's key is not "
		    "the Marvell partition certificate's");
		ok = 0;
	}
	ok &= time_ok(x, "ak.chain.owner", op, path, "the owner partition certificate");
	char n1[256] = "", n2[256] = "";
	ok &= anchor(x, "ak.chain.owner", OWNER_TRUST, x->opart, "the owner partition certificate", n1,
	    sizeof(n1));
	snprintf(path, sizeof(path), "certs[%d]", x->ocard);
	if (!same_spki(oc, sk_X509_value(x->bag.certs, x->card))) {
		fail(x, "ak.chain.owner", CSRA_ERR_AK_CHAIN, path, "the owner card certificate's key is not the "
		    "Marvell card certificate's");
		ok = 0;
	}
	ok &= time_ok(x, "ak.chain.owner", oc, path, "the owner card certificate");
	ok &= anchor(x, "ak.chain.owner", OWNER_TRUST, x->ocard, "the owner card certificate", n2, sizeof(n2));
	if (ok)
		pass(x, "ak.chain.owner", path, "owner partition certs[%d] and card certs[%d], with the Marvell "
		    "partition's and card's keys, valid at the verification time; %s; %s", x->opart, x->ocard,
		    n1, n2);
	return ok;
}

/* ---- the attested key ---- */

static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_ecpub[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };

static void add_uint(csra_cbb *b, const uint8_t *p, size_t n)
{
	while (n > 1 && p[0] == 0)
		p++, n--;
	csra_cbb_open(b, 0x02);
	if (p[0] & 0x80) {
		uint8_t z = 0;
		csra_cbb_add_bytes(b, &z, 1);
	}
	csra_cbb_add_bytes(b, p, n);
	csra_cbb_close(b);
}

/* The DER SubjectPublicKeyInfo of an RSA key (RFC 8017 A.1.1, RFC 3279
 * 2.3.1: NULL parameters) or an EC point on a named curve (RFC 5480). */
static int build_spki(const uint8_t *alg, size_t alg_len, const uint8_t *curve, size_t curve_len,
    const struct attr *n, const struct attr *e, uint8_t **out, size_t *out_len)
{
	csra_cbb b;
	uint8_t zero = 0;
	if (!csra_cbb_init(&b, 64 + n->len + (e ? e->len : 0)))
		return 0;
	csra_cbb_open(&b, 0x30);
	csra_cbb_open(&b, 0x30);
	csra_cbb_add_tlv(&b, 0x06, alg, alg_len);
	if (curve != NULL)
		csra_cbb_add_tlv(&b, 0x06, curve, curve_len);
	else
		csra_cbb_add_tlv(&b, 0x05, NULL, 0);
	csra_cbb_close(&b);
	csra_cbb_open(&b, 0x03);
	csra_cbb_add_bytes(&b, &zero, 1);
	if (curve != NULL) {
		csra_cbb_add_bytes(&b, n->p, n->len);
	} else {
		csra_cbb_open(&b, 0x30);
		add_uint(&b, n->p, n->len);
		add_uint(&b, e->p, e->len);
		csra_cbb_close(&b);
	}
	csra_cbb_close(&b);
	csra_cbb_close(&b);
	if (!csra_cbb_finish(&b, out, out_len)) {
		csra_cbb_cleanup(&b);
		return 0;
	}
	return 1;
}

/* The key of the attested object |o|: RSA modulus and exponent, or an
 * uncompressed EC point whose length gives the curve (CKA_EC_PARAMS, if
 * present, must name that curve). Adds it to out; returns 1 (a key), 0
 * none (a secret key, or no key material), -1 memory; a malformed key is
 * recorded. */
static int attested_key(struct mctx *x, const struct blob *b, const struct object *o, uint64_t ktype)
{
	char path[64];
	const struct attr *m = find_attr(o, CKA_MODULUS), *e = find_attr(o, CKA_PUBLIC_EXPONENT);
	if (m == NULL || (ktype != CKK_RSA && ktype != CKK_EC))
		return 0;
	snprintf(path, sizeof(path), "%s@%zu", b->name, m->off);
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	int built;
	if (ktype == CKK_RSA) {
		if (e == NULL || m->len < 128 || m->len > 1024 || m->p[0] == 0 || e->len < 1 || e->len > 8 ||
		    e->p[0] == 0) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "the RSA key: a modulus of 128 to 1024 bytes, no leading zero, and a public exponent "
			    "(0x0122) of 1 to 8 bytes are needed");
			return 0;
		}
		uint64_t bits;
		if (attr_uint(o, CKA_MODULUS_BITS, &bits) == 1 && bits != (uint64_t)m->len * 8 -
		    (uint64_t)(__builtin_clz(m->p[0]) - 24)) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "CKA_MODULUS_BITS (%llu) is not the modulus's length", (unsigned long long)bits);
			return 0;
		}
		built = build_spki(oid_rsa, sizeof(oid_rsa), NULL, 0, m, e, &spki, &spki_len);
	} else {
		const uint8_t *curve = m->len == 65 ? oid_p256 : m->len == 97 ? oid_p384 : m->len == 133 ? oid_p521
		    : NULL;
		size_t cl = m->len == 65 ? sizeof(oid_p256) : m->len == 97 ? sizeof(oid_p384) : sizeof(oid_p521);
		if (curve == NULL || m->p[0] != 0x04) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "the EC key: %u bytes is not an uncompressed point on P-256, P-384 or P-521", m->len);
			return 0;
		}
		const struct attr *ep = find_attr(o, CKA_EC_PARAMS);
		if (ep != NULL && !(ep->len == cl + 2 && ep->p[0] == 0x06 && ep->p[1] == cl &&
		    memcmp(ep->p + 2, curve, cl) == 0)) {
			snprintf(path, sizeof(path), "%s@%zu", b->name, ep->off);
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "CKA_EC_PARAMS does not name the curve of the %u-byte point", m->len);
			return 0;
		}
		built = build_spki(oid_ecpub, sizeof(oid_ecpub), curve, cl, m, NULL, &spki, &spki_len);
	}
	if (!built)
		return -1;
	/* OpenSSL's import validates it (an EC point on its curve); a key
	 * that passed is remembered under its SPKI's digest. */
	uint8_t kk[32], seen = 0;
	size_t got = 0;
	EVP_MD_CTX *kc = EVP_MD_CTX_new();
	int keyed = kc != NULL && EVP_DigestInit_ex(kc, x->v->sha256, NULL) == 1 &&
	    EVP_DigestUpdate(kc, KIND "/key", sizeof(KIND "/key")) == 1 &&
	    EVP_DigestUpdate(kc, spki, spki_len) == 1 && EVP_DigestFinal_ex(kc, kk, NULL) == 1;
	EVP_MD_CTX_free(kc);
	EVP_PKEY *k = NULL;
	if (!(keyed && csra_cache_get_blob(x->v->cache, kk, &seen, 1, &got) && got == 1 && seen == 1)) {
		k = csra_spki_pkey(x->v, spki, spki_len);
		if (k != NULL && keyed) {
			seen = 1;
			csra_cache_put_blob(x->v->cache, kk, &seen, 1);
		}
	} else {
		seen = 2;
	}
	csra_clear_openssl_errors();
	if (k == NULL && seen != 2) {
		free(spki);
		fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
		    "the key material is not a valid %s public key", ktype == CKK_RSA ? "RSA" : "EC");
		return 0;
	}
	EVP_PKEY_free(k);
	/* Attribute 0x1003 of the samples' key objects is the SHA-256 of the
	 * key's SubjectPublicKeyInfo (as the HSM encodes it: both samples
	 * agree with this rebuild). Undocumented, so only used when present:
	 * a mismatch means the HSM's key is not the one rebuilt here. */
	const struct attr *h = find_attr(o, 0x1003);
	uint8_t dg[32];
	int hashed = 0;
	if (h != NULL && h->len == 32) {
		if (EVP_Digest(spki, spki_len, dg, NULL, x->v->sha256, NULL) != 1) {
			free(spki);
			return -1;
		}
		if (memcmp(dg, h->p, 32) != 0) {
			free(spki);
			snprintf(path, sizeof(path), "%s@%zu", b->name, h->off);
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "attribute 0x1003 is not the SHA-256 of the rebuilt SubjectPublicKeyInfo");
			return 0;
		}
		hashed = 1;
	}
	csra_err ae = csra_stmt_add_key(x->out, spki, spki_len);
	free(spki);
	if (ae == CSRA_ERR_NOMEM)
		return -1;
	pass(x, KIND ".key", path, "the attested %s key, rebuilt as a SubjectPublicKeyInfo%s",
	    ktype == CKK_RSA ? "RSA" : "EC", hashed ? " (its SHA-256 is attribute 0x1003's)" : "");
	return 1;
}

/* The objects and the claims: an asymmetric key is its public object
 * (class 2) then its private object (class 3), the same key type and key
 * material; a secret key is one object (class 4). Claims come from the
 * private (or secret) object: the key the CA cares about. */
static int claims(struct mctx *x, const struct blob *b, int *has_key)
{
	char path[64];
	uint64_t cls[2] = { 0, 0 }, kt[2] = { 0, 0 };
	*has_key = 0;
	for (size_t i = 0; i < b->nobj; i++) {
		snprintf(path, sizeof(path), "%s@%zu", b->name, b->obj[i].off);
		if (attr_uint(&b->obj[i], CKA_CLASS, &cls[i]) != 1 || attr_uint(&b->obj[i], CKA_KEY_TYPE, &kt[i]) != 1) {
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "object %zu: CKA_CLASS and CKA_KEY_TYPE (1 to 8 bytes) are needed", i);
			return 0;
		}
	}
	snprintf(path, sizeof(path), "%s@%zu", b->name, b->obj[0].off);
	if (b->nobj == 2 && (cls[0] != CKO_PUBLIC_KEY || cls[1] != CKO_PRIVATE_KEY || kt[0] != kt[1])) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path, "two objects of classes %llu, %llu and key "
		    "types %llu, %llu: expected a public and a private key of one type",
		    (unsigned long long)cls[0], (unsigned long long)cls[1], (unsigned long long)kt[0],
		    (unsigned long long)kt[1]);
		return 0;
	}
	if (b->nobj == 1 && cls[0] != CKO_SECRET_KEY) {
		fail(x, KIND ".decode", CSRA_ERR_FMT_MALFORMED, path, "one object of class %llu: expected a secret "
		    "key (4)", (unsigned long long)cls[0]);
		return 0;
	}
	const struct object *o = &b->obj[b->nobj - 1];
	if (b->nobj == 2) {
		/* The public half states the key material too: it must agree. */
		static const uint32_t same[] = { CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS };
		for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
			const struct attr *a = find_attr(&b->obj[0], same[i]), *c = find_attr(o, same[i]);
			if ((a == NULL) != (c == NULL) || (a != NULL && !csra_same(a->p, a->len, c->p, c->len))) {
				snprintf(path, sizeof(path), "%s@%zu", b->name, (c ? c : a)->off);
				fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
				    "attribute 0x%04x differs between the public and the private object", same[i]);
				return 0;
			}
		}
	}
	static const struct {
		uint32_t type;
		const char *name;
	} flags[] = {
		{ CKA_EXTRACTABLE, "extractable" },
		{ CKA_NEVER_EXTRACTABLE, "never-extractable" },
		{ CKA_LOCAL, "local" },
		{ CKA_SENSITIVE, "sensitive" },
		{ CKA_ALWAYS_SENSITIVE, "always-sensitive" },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int v;
		int rc = attr_bool(o, flags[i].type, &v);
		if (rc < 0) {
			snprintf(path, sizeof(path), "%s@%zu", b->name, find_attr(o, flags[i].type)->off);
			fail(x, KIND ".attribute", CSRA_ERR_FMT_EXTENSION, path,
			    "attribute 0x%04x (%s) is not a one-byte CK_BBOOL", flags[i].type, flags[i].name);
			return 0;
		}
		if (rc == 1)
			csra_stmt_add_bool(x->out, "key", flags[i].name, v);
	}
	const char *kn = kt[b->nobj - 1] == CKK_RSA ? "RSA" : kt[b->nobj - 1] == CKK_EC ? "EC"
	    : kt[b->nobj - 1] == 0x1f ? "AES" : NULL;
	char ktxt[24];
	if (kn == NULL)
		snprintf(ktxt, sizeof(ktxt), "CKK 0x%llx", (unsigned long long)kt[b->nobj - 1]), kn = ktxt;
	csra_stmt_add_text(x->out, "key", "key-type", (const uint8_t *)kn, strlen(kn));
	if (b->nobj == 2) {
		int rc = attested_key(x, b, o, kt[1]);
		if (rc < 0)
			return -1;
		*has_key = rc;
	}
	return 1;
}

/* ---- inputs ---- */

/* The binary of |p|/|len|: gzip-compressed or raw. */
static int load_blob(struct mctx *x, const uint8_t *p, size_t len, struct blob *b)
{
	if (is_gzip(p, len))
		return inflate_blob(x, p, len, b);
	if (len > MAX_INFLATED) {
		fail(x, "limit.inflated", CSRA_ERR_LIMIT_INFLATED, b->name, "%zu bytes: over the %u-byte cap",
		    len, MAX_INFLATED);
		return 0;
	}
	if ((b->buf = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(b->buf, p, len);
	b->len = len;
	return 1;
}

static int b64url_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* base64url (RFC 4648 5), padding optional (Microsoft's validator adds
 * it before decoding): 1 with a malloc'd |*out|, 0 bad, -1 memory. */
static int b64url_decode(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1 || n == 0)
		return 0;
	uint8_t *o = malloc(n / 4 * 3 + 3);
	if (o == NULL)
		return -1;
	size_t k = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64url_val((unsigned char)s[i]);
		if (v < 0) {
			free(o);
			return 0;
		}
		acc = acc << 6 | (uint32_t)v;
		if (i % 4 == 3) {
			o[k++] = (uint8_t)(acc >> 16), o[k++] = (uint8_t)(acc >> 8), o[k++] = (uint8_t)acc;
			acc = 0;
		}
	}
	/* The unused low bits of a last partial group must be zero (canonical). */
	if (n % 4 == 2) {
		if (acc & 0xf)
			goto bad;
		o[k++] = (uint8_t)(acc >> 4);
	} else if (n % 4 == 3) {
		if (acc & 0x3)
			goto bad;
		o[k++] = (uint8_t)(acc >> 10), o[k++] = (uint8_t)(acc >> 2);
	}
	*out = o;
	*out_len = k;
	return 1;
bad:
	free(o);
	return 0;
}

/* A member of |obj| that is a base64url string: 1 decoded, 0 absent, -1
 * memory; malformed is recorded (x->ok 0) and returns 0. */
static int json_b64(struct mctx *x, json_t *obj, const char *name, uint8_t **out, size_t *len)
{
	json_t *m = json_object_get(obj, name);
	if (m == NULL)
		return 0;
	if (!json_is_string(m)) {
		fail(x, KIND ".json", CSRA_ERR_FMT_MALFORMED, name, "not a string");
		return 0;
	}
	int rc = b64url_decode(json_string_value(m), json_string_length(m), out, len);
	if (rc == 0)
		fail(x, KIND ".json", CSRA_ERR_FMT_MALFORMED, name, "not base64url (RFC 4648 5)");
	return rc;
}

/* Azure's MRVL-1 JSON (Azure/azure-managed-hsm-key-attestation
 * src/validate_attestation.py: the members may sit under "attributes" and
 * "attestation", as "az keyvault key get-attestation" writes them). */
static int read_json(struct mctx *x, const uint8_t *p, size_t len, uint8_t **priv, size_t *priv_len,
    uint8_t **pub, size_t *pub_len, uint8_t **certs, size_t *certs_len)
{
	json_error_t je;
	if (len > MAX_JSON) {
		fail(x, KIND ".json", CSRA_ERR_INPUT_TOO_LARGE, "", "%zu bytes: over the %u-byte cap", len, MAX_JSON);
		return 0;
	}
	json_t *root = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		fail(x, KIND ".json", CSRA_ERR_FMT_MALFORMED, "", "not JSON: %s (at byte %d)", je.text, je.position);
		return 0;
	}
	json_t *o = root, *n;
	if (json_is_object(o) && (n = json_object_get(o, "attributes")) != NULL)
		o = n;
	if (json_is_object(o) && (n = json_object_get(o, "attestation")) != NULL)
		o = n;
	int rc = 0;
	json_t *ver = json_is_object(o) ? json_object_get(o, "version") : NULL;
	if (!json_is_object(o)) {
		fail(x, KIND ".json", CSRA_ERR_FMT_MALFORMED, "", "the attestation is not a JSON object");
		goto out;
	}
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "MRVL-1") != 0 ||
	    json_string_length(ver) != 6) {
		fail(x, KIND ".json", CSRA_ERR_FMT_MALFORMED, "version", "version is not \"MRVL-1\"");
		goto out;
	}
	int a = json_b64(x, o, "privateKeyAttestation", priv, priv_len);
	int b = a < 0 ? 0 : json_b64(x, o, "publicKeyAttestation", pub, pub_len);
	int c = a < 0 || b < 0 ? 0 : json_b64(x, o, "certificatePemFile", certs, certs_len);
	if (a < 0 || b < 0 || c < 0) {
		rc = -1;
		goto out;
	}
	if (!x->ok)
		goto out;
	if (a == 0 || c == 0) {
		fail(x, KIND ".json", CSRA_ERR_FMT_PART_MISSING, a == 0 ? "privateKeyAttestation" : "certificatePemFile",
		    "a required member is missing (Microsoft's validator: config.py REQUIRED_PROPERTIES)");
		goto out;
	}
	pass(x, KIND ".json", "", "MRVL-1: a private key attestation%s and a certificate file",
	    b ? ", a public key attestation" : "");
	rc = 1;
out:
	json_decref(root);
	return rc;
}

/* Classifies the parts: exactly one attestation (in->stmt, what detect()
 * took), and beside a binary exactly one certificate part. */
static int read_parts(struct mctx *x, const uint8_t **certs, size_t *certs_len)
{
	const uint8_t *const *parts = x->in->parts;
	const size_t *lens = x->in->part_lens;
	size_t n = x->in->nparts;
	const uint8_t *one[1] = { x->in->stmt };
	size_t one_len[1] = { x->in->stmt_len };
	if (parts == NULL || n == 0)
		parts = one, lens = one_len, n = 1;
	*certs = NULL;
	char path[32];
	int ok = 1, stmt_seen = 0;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "parts[%zu]", i);
		/* The attestation itself, once: the same bytes given twice are
		 * a part too many. */
		if (!stmt_seen && parts[i] == x->in->stmt && lens[i] == x->in->stmt_len) {
			stmt_seen = 1;
			continue;
		}
		if (!x->azure && *certs == NULL && csra_certbag_detect(parts[i], lens[i])) {
			*certs = parts[i], *certs_len = lens[i];
			continue;
		}
		fail(x, KIND ".parts", CSRA_ERR_FMT_PART_UNUSED, path, "%s", x->azure
		    ? "the MRVL-1 JSON carries its certificates: another part is not read"
		    : "neither the certificates nor the attestation: a part this format does not read");
		ok = 0;
	}
	if (!x->azure && *certs == NULL) {
		fail(x, KIND ".parts", CSRA_ERR_FMT_PART_MISSING, "", "the certificates (.certs: the Marvell and "
		    "the owner chain) are not given with the attestation");
		ok = 0;
	}
	return ok;
}

static int read_bag(struct mctx *x, const uint8_t *p, size_t len)
{
	char why[160];
	csra_err e = csra_stmt_part_certbag(x->v, x->in, p, len, &x->bag, &x->bag_borrowed, why, sizeof(why));
	if (e == CSRA_ERR_NOMEM)
		return -1;
	if (e != CSRA_OK) {
		fail(x, KIND ".certs", e == CSRA_ERR_INPUT_EMPTY ? e : CSRA_ERR_FMT_MALFORMED, "certs", "%s",
		    why[0] ? why : "not a certificate file");
		return 0;
	}
	x->have_bag = 1;
	if (!csra_within_limit(x->v, x->r, CSRA_LIMIT_CERTS, x->bag.n, "certs")) {
		x->ok = 0;
		return 0;
	}
	if (x->bag.pkcs7) {
		fail(x, KIND ".certs", CSRA_ERR_FMT_MALFORMED, "certs", "a PKCS#7 envelope: the certificates "
		    "come as PEM");
		return 0;
	}
	return 1;
}

static csra_err mrvl_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)route, (void)d;
	struct mctx x = { .v = v, .in = in, .r = child, .out = out, .ok = 1 };
	struct blob priv = { .name = "attestation" }, pub = { .name = "publicKeyAttestation" };
	uint8_t *jpriv = NULL, *jpub = NULL, *jcerts = NULL;
	size_t jpriv_len = 0, jpub_len = 0, jcerts_len = 0;
	const uint8_t *certs = NULL;
	size_t certs_len = 0;
	int has_key = 0, rc;
	out->reports_freshness = 1;
	x.part = x.card = x.opart = x.ocard = -1;
	if (in->stmt == NULL || in->stmt_len == 0) {
		fail(&x, KIND ".decode", CSRA_ERR_INPUT_EMPTY, "", "no attestation");
		goto unbound;
	}
	x.azure = !is_gzip(in->stmt, in->stmt_len) && !is_raw(in->stmt, in->stmt_len) &&
	    skip_ws(in->stmt, in->stmt_len, 0) >= 0 && in->stmt[skip_ws(in->stmt, in->stmt_len, 0)] == '{';
	if (!read_parts(&x, &certs, &certs_len))
		goto unbound;
	if (x.azure) {
		priv.name = "privateKeyAttestation";
		rc = read_json(&x, in->stmt, in->stmt_len, &jpriv, &jpriv_len, &jpub, &jpub_len, &jcerts, &jcerts_len);
		if (rc < 0)
			goto oom;
		if (rc == 0)
			goto unbound;
		rc = load_blob(&x, jpriv, jpriv_len, &priv);
		certs = jcerts, certs_len = jcerts_len;
	} else {
		rc = load_blob(&x, in->stmt, in->stmt_len, &priv);
	}
	if (rc < 0)
		goto oom;
	if (rc == 0)
		goto unbound;
	if ((rc = parse_blob(&x, &priv)) < 0)
		goto oom;
	if (rc == 0)
		goto unbound;
	if (jpub != NULL) {
		if ((rc = load_blob(&x, jpub, jpub_len, &pub)) == 1)
			rc = parse_blob(&x, &pub);
		if (rc < 0)
			goto oom;
		if (rc == 0)
			goto unbound;
	}
	pass(&x, KIND ".decode", priv.name, "%zu byte(s): %zu object(s), every byte accounted for", priv.len,
	    priv.nobj);
	if ((rc = read_bag(&x, certs, certs_len)) < 0)
		goto oom;
	if (rc == 0)
		goto unbound;
	classify(&x);
	if (x.oom)
		goto oom;
	if (!x.ok)
		goto unbound;
	char ppath[32];
	snprintf(ppath, sizeof(ppath), "certs[%d]", x.part);
	X509 *pcert = sk_X509_value(x.bag.certs, x.part);
	check_signature(&x, &priv, pcert, ppath);
	if (pub.buf != NULL)
		check_signature(&x, &pub, pcert, ppath);
	marvell_chain(&x);
	if (x.azure) {
		/* Microsoft's validator anchors the owner chain on a self-signed
		 * certificate of the file itself (marvell_validate_key_attestation.py
		 * lines 357-370, get_self_signed_certificate): that adds nothing a
		 * verifier can trust, so the Marvell chain is the trust. */
		if (!csra_result_add(child, "ak.chain.owner", CSRA_STATUS_SKIP, CSRA_OK, "certs",
		    "Azure: no owner trust anchor is published; Microsoft's validator checks the owner "
		    "chain against a self-signed certificate of the file, which proves nothing"))
			x.oom = 1;
	} else {
		owner_chain(&x);
	}
	if (x.oom)
		goto oom;
	rc = claims(&x, &priv, &has_key);
	if (rc < 0)
		goto oom;
	if (x.have_bag && x.card >= 0) {
		static const char vendor[] = "Marvell";
		csra_stmt_add_text(out, "platform", "vendor", (const uint8_t *)vendor, sizeof(vendor) - 1);
		if (x.serial[0] != '\0') {
			csra_stmt_add_text(out, "platform", "hwserial", (const uint8_t *)x.serial, strlen(x.serial));
			csra_stmt_add_int(out, "platform", "partition", x.partition);
			/* The partition certificate, signed by the card key, names the
			 * mode the partition was made in. */
			csra_stmt_add_bool(out, "platform", "fipsboot", x.fips);
		}
	}
	if (x.oom)
		goto oom;
	if (csra_stmt_refused(out, child, "the attestation"))
		x.ok = 0;
	out->verified = x.ok;
	if (x.ok) {
		if (!has_key && in->request_spki != NULL) {
			if (!csra_result_add(child, "statement.binding", CSRA_STATUS_FAIL, CSRA_ERR_FMT_NO_KEY, "",
			    "the attestation is of a %s: it attests no public key to bind the request to",
			    priv.nobj == 1 ? "secret key" : "key without public key material"))
				x.oom = 1;
		} else {
			csra_stmt_bind(in, out, child);
		}
		goto done;
	}
unbound:
	if (!csra_stmt_unverified(out, child))
		x.oom = 1;
done:
	if (x.oom)
		goto oom;
	blob_clear(&priv);
	blob_clear(&pub);
	free(jpriv), free(jpub), free(jcerts);
	if (x.have_bag)
		csra_stmt_part_certbag_done(&x.bag, x.bag_borrowed);
	return CSRA_OK;
oom:
	blob_clear(&priv);
	blob_clear(&pub);
	free(jpriv), free(jpub), free(jcerts);
	if (x.have_bag)
		csra_stmt_part_certbag_done(&x.bag, x.bag_borrowed);
	return CSRA_ERR_NOMEM;
}

const csra_format csra_format_marvell_liquidsecurity = {
	.kind = KIND,
	.handles = no_type,
	.detect = mrvl_detect,
	.verify = mrvl_verify,
	.multipart = 1,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the project's own fuzz seeds: Evidence, bundles, TPM statements,
 * CRMF, attested PKCS#10 and the small PDUs, built as DER from scratch
 * around keys, names and certificates that OpenSSL made
 * (scripts/fuzz-seed.sh). Signatures are filler: decoding never checks
 * them, and the seeds only need to reach deep into the decoder.
 *
 *   seedgen OUTDIR CA.der LEAF.der CSR.der
 *
 * writes OUTDIR/<harness>/<name>, and the same DER with the PDU selector
 * byte in front as OUTDIR/{decode,der_roundtrip}/<harness>-<name>.
 * The OpenSSL files themselves are seeded by the script.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "claim_list.h"
#include "csra_oid_table.h"

/* One DER fragment on the heap; builders consume their arguments. */
typedef struct der {
	uint8_t *p;
	size_t n;
} der;

/* Ends the argument list of cat() and friends. */
static const der END = { NULL, SIZE_MAX };

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL) {
		perror("seedgen");
		exit(1);
	}
	return p;
}

static der raw(const void *p, size_t n)
{
	der d = { xmalloc(n), n };
	memcpy(d.p, p, n);
	return d;
}

static der vcat(va_list ap)
{
	der out = { xmalloc(0), 0 };
	for (;;) {
		der d = va_arg(ap, der);
		if (d.p == NULL && d.n == SIZE_MAX)
			break;
		uint8_t *np = xmalloc(out.n + d.n);
		memcpy(np, out.p, out.n);
		memcpy(np + out.n, d.p, d.n);
		free(out.p);
		free(d.p);
		out.p = np;
		out.n += d.n;
	}
	return out;
}

static der cat(int dummy, ...)
{
	va_list ap;
	va_start(ap, dummy);
	der out = vcat(ap);
	va_end(ap);
	return out;
}

/* A TLV with the minimal (DER) length form around |c|. */
static der tlv(uint8_t tag, der c)
{
	uint8_t h[6];
	size_t k = 0;
	h[k++] = tag;
	if (c.n < 0x80) {
		h[k++] = (uint8_t)c.n;
	} else {
		size_t len = c.n;
		int bytes = 0;
		while (len) {
			bytes++;
			len >>= 8;
		}
		h[k++] = (uint8_t)(0x80 | bytes);
		for (int i = bytes - 1; i >= 0; i--)
			h[k++] = (uint8_t)(c.n >> (8 * i));
	}
	der out = cat(0, raw(h, k), c, END);
	return out;
}

#define CAT(...) cat(0, __VA_ARGS__, END)
#define SEQ(...) tlv(0x30, CAT(__VA_ARGS__))
#define EMPTY raw("", 0)

/* X.690 11.6: SET OF elements in ascending order of their encodings. */
static int cmp_der(const void *a, const void *b)
{
	const der *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->p, y->p, n);
	if (c != 0)
		return c;
	return x->n < y->n ? -1 : x->n > y->n;
}

static der set_of(uint8_t tag, int dummy, ...)
{
	der items[16];
	size_t n = 0;
	va_list ap;
	va_start(ap, dummy);
	for (;;) {
		der d = va_arg(ap, der);
		if (d.p == NULL && d.n == SIZE_MAX)
			break;
		if (n == sizeof(items) / sizeof(items[0]))
			abort();
		items[n++] = d;
	}
	va_end(ap);
	qsort(items, n, sizeof(items[0]), cmp_der);
	der body = { xmalloc(0), 0 };
	for (size_t i = 0; i < n; i++)
		body = CAT(body, items[i]);
	return tlv(tag, body);
}

#define SET(...) set_of(0x31, 0, __VA_ARGS__, END)

static der oid(csra_oid_id id)
{
	return tlv(0x06, raw(csra_oid_table[id].der, csra_oid_table[id].der_len));
}

static der oid_raw(const char *bytes, size_t n)
{
	return tlv(0x06, raw(bytes, n));
}

static der str(uint8_t tag, const char *s)
{
	return tlv(tag, raw(s, strlen(s)));
}

static der octets(const char *s, size_t n)
{
	return tlv(0x04, raw(s, n));
}

static der integer(int64_t v)
{
	uint8_t b[8];
	size_t n = 0;
	/* Minimal two's complement: drop leading bytes that only repeat the sign. */
	for (int i = 7; i >= 0; i--)
		b[n++] = (uint8_t)((uint64_t)v >> (8 * i));
	size_t s = 0;
	while (s < n - 1 && ((b[s] == 0x00 && !(b[s + 1] & 0x80)) ||
	    (b[s] == 0xff && (b[s + 1] & 0x80))))
		s++;
	return tlv(0x02, raw(b + s, n - s));
}

static der boolean(int v)
{
	uint8_t b = v ? 0xff : 0x00;
	return tlv(0x01, raw(&b, 1));
}

static der bits(const char *s, size_t n)
{
	uint8_t *b = xmalloc(n + 1);
	b[0] = 0;
	memcpy(b + 1, s, n);
	der out = tlv(0x03, raw(b, n + 1));
	free(b);
	return out;
}

static der algid(csra_oid_id id)
{
	return SEQ(oid(id));
}

/* Input files ----------------------------------------------------------- */

static der read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "seedgen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	der d = { xmalloc(0), 0 };
	uint8_t buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
		d = CAT(d, raw(buf, k));
	fclose(f);
	return d;
}

/* A read-only view into one of the input files. */
typedef struct view {
	const uint8_t *p;
	size_t n;
} view;

/* Reads one TLV at |*v|, advancing it; |out| gets the whole TLV and
 * |content| its contents. Inputs come from OpenSSL, so only short and
 * definite lengths up to 4 bytes are handled. */
static int next(view *v, uint8_t *tag, view *out, view *content)
{
	if (v->n < 2)
		return 0;
	size_t h = 2, len = v->p[1];
	if (len & 0x80) {
		size_t k = len & 0x7f;
		if (k == 0 || k > 4 || v->n < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = (len << 8) | v->p[2 + i];
		h += k;
	}
	if (v->n - h < len)
		return 0;
	*tag = v->p[0];
	if (out)
		*out = (view){ v->p, h + len };
	if (content)
		*content = (view){ v->p + h, len };
	v->p += h + len;
	v->n -= h + len;
	return 1;
}

static der vraw(view v)
{
	return raw(v.p, v.n);
}

static _Noreturn void die(const char *what);

/* The contents of the TLV |v|, to re-tag it IMPLICIT. */
static der vcontents(view v)
{
	view c;
	uint8_t tag;
	if (!next(&v, &tag, NULL, &c))
		die("TLV");
	return vraw(c);
}

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "seedgen: cannot parse %s\n", what);
	exit(1);
}

/* The parts of a certificate the seeds reuse. */
typedef struct certparts {
	view whole, subject, spki, extensions;
} certparts;

static certparts parse_cert(der d, const char *what)
{
	certparts cp = { { d.p, d.n }, { 0 }, { 0 }, { 0 } };
	view v = { d.p, d.n }, cert, tbs, el;
	uint8_t tag;
	if (!next(&v, &tag, NULL, &cert) || tag != 0x30 || !next(&cert, &tag, NULL, &tbs))
		die(what);
	int idx = 0;
	while (tbs.n > 0) {
		view content;
		if (!next(&tbs, &tag, &el, &content))
			die(what);
		if (tag == 0xa0)
			continue;	/* version: not counted */
		if (idx == 4)
			cp.subject = el;
		else if (idx == 5)
			cp.spki = el;
		else if (tag == 0xa3)
			cp.extensions = content;
		idx++;
	}
	if (cp.subject.n == 0 || cp.spki.n == 0)
		die(what);
	return cp;
}

/* The version, subject and SPKI TLVs of a PKCS#10 request. */
typedef struct csrparts {
	view version, subject, spki;
} csrparts;

static csrparts parse_csr(der d)
{
	csrparts cp;
	view v = { d.p, d.n }, req, cri;
	uint8_t tag;
	if (!next(&v, &tag, NULL, &req) || !next(&req, &tag, NULL, &cri) ||
	    !next(&cri, &tag, &cp.version, NULL) || !next(&cri, &tag, &cp.subject, NULL) ||
	    !next(&cri, &tag, &cp.spki, NULL))
		die("CSR");
	return cp;
}

/* Output ---------------------------------------------------------------- */

static const char *outdir;

static void put(const char *harness, const char *name, int prefix, der d)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", outdir, harness);
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "seedgen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, harness, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "seedgen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (prefix >= 0)
		fputc(prefix, f);
	if (fwrite(d.p, 1, d.n, f) != d.n || fclose(f) != 0) {
		fprintf(stderr, "seedgen: %s: write failed\n", path);
		exit(1);
	}
}

/* Values of the csra_pdu enum (codec.h), as the selector byte of
 * fuzz_decode and fuzz_der_roundtrip reads them: byte % CSRA_PDU_COUNT + 1 (csra_codec_int.h). */
enum { P_EVIDENCE = 1, P_ABUNDLE, P_EBUNDLE, P_CSR, P_CRMF, P_CERT, P_TPM, P_PURPOSES, P_EXTS };

/* |d| as a seed of its own harness and, with the PDU selector byte, of
 * fuzz_decode and fuzz_der_roundtrip. Frees |d|. */
static void seed(const char *harness, const char *name, int pdu, der d)
{
	char both[128];
	if (harness != NULL)
		put(harness, name, -1, d);
	snprintf(both, sizeof(both), "%s-%s", harness ? harness : "pdu", name);
	put("decode", both, pdu - 1, d);
	put("der_roundtrip", both, pdu - 1, d);
	free(d.p);
}

/* Seeds ------------------------------------------------------------------ */

static der claim(csra_oid_id id, der value)
{
	return SEQ(oid(id), value);
}

static der key_purposes(void)
{
	return SEQ(oid(CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_SIGN),
	    oid(CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_VERIFY),
	    oid(CSRA_OID_ID_EVIDENCE_KEY_CAPABILITY_DERIVE));
}

/* Every claim type the draft defines, across the three element types, an
 * unknown claim with a value and a claim without one. */
static der tbs_full(const certparts *ak)
{
	static const char unknown[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x01 };
	der transaction = SEQ(oid(CSRA_OID_ID_EVIDENCE_ELEMENT_TRANSACTION), SEQ(
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE, octets("\xbe\xef\xca\xfe\x01\x02\x03\x04", 8)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_TIMESTAMP, str(0x18, "20260102030405Z")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_AK_SPKI, tlv(0x04, vraw(ak->spki)))));
	der platform = SEQ(oid(CSRA_OID_ID_EVIDENCE_ELEMENT_PLATFORM), SEQ(
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_VENDOR, str(0x0c, "csrattest seeds")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_OEMID, octets("\x00\x01\x02", 3)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWMODEL, octets("model-1", 7)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWVERSION, str(0x0c, "1.0")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWSERIAL, str(0x0c, "SN-\xc3\xa9\xe2\x82\xac")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWNAME, str(0x0c, "fw")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_SWVERSION, str(0x0c, "2.3.4")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_DEBUGSTAT, integer(0)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_UPTIME, integer(86400)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_BOOTCOUNT, integer(-129)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSBOOT, boolean(1)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSVER, str(0x0c, "140-3")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSLEVEL, integer(3)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSMODULE, str(0x0c, "module")),
	    SEQ(oid_raw(unknown, sizeof(unknown)), SEQ(integer(1), str(0x13, "any"))),
	    SEQ(oid_raw(unknown, sizeof(unknown)))));
	der key = SEQ(oid(CSRA_OID_ID_EVIDENCE_ELEMENT_KEY), SEQ(
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_IDENTIFIER, str(0x0c, "key-1")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SPKI, tlv(0x04, vraw(ak->spki))),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXTRACTABLE, boolean(0)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SENSITIVE, boolean(1)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_NEVER_EXTRACTABLE, boolean(1)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_LOCAL, boolean(1)),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXPIRY, str(0x18, "20361231235959Z")),
	    claim(CSRA_OID_ID_EVIDENCE_CLAIM_KEY_PURPOSE, key_purposes())));
	return SEQ(integer(1), SEQ(transaction, platform, key));
}

static der tbs_min(void)
{
	return SEQ(integer(1), SEQ(SEQ(oid(CSRA_OID_ID_EVIDENCE_ELEMENT_TRANSACTION),
	    SEQ(claim(CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE, octets("\x01", 1))))));
}

static der sig_block(der sid, csra_oid_id alg)
{
	return SEQ(tlv(0x30, sid), algid(alg), octets("\x30\x06\x02\x01\x01\x02\x01\x01", 8));
}

/* SignatureBlocks with each SignerIdentifier form: keyId, SPKI, certificate,
 * and all three together. */
static der sig_blocks(const certparts *ak)
{
	return SEQ(
	    sig_block(tlv(0xa0, octets("\x11\x22\x33\x44", 4)), CSRA_OID_ECDSA_WITH_SHA256),
	    sig_block(tlv(0xa1, vraw(ak->spki)), CSRA_OID_ECDSA_WITH_SHA384),
	    sig_block(tlv(0xa2, vraw(ak->whole)), CSRA_OID_ID_ED25519),
	    sig_block(CAT(tlv(0xa0, octets("\x55", 1)), tlv(0xa1, vraw(ak->spki)),
		tlv(0xa2, vraw(ak->whole))), CSRA_OID_ECDSA_WITH_SHA512));
}

static der evidence_full(const certparts *ak, const certparts *ca, int explicit_certs)
{
	der certs = CAT(vraw(ca->whole), vraw(ak->whole));
	der inter = explicit_certs ? tlv(0xa0, tlv(0x30, certs)) : tlv(0xa0, certs);
	return SEQ(tbs_full(ak), sig_blocks(ak), inter);
}

static der evidence_min(void)
{
	return SEQ(tbs_min(), SEQ(EMPTY));
}

static der tpm(int with_public)
{
	der d = CAT(octets("\xff\x54\x43\x47\x80\x17\x00\x22", 8), octets("\x00\x14\x00\x0b", 4));
	if (with_public)
		d = CAT(d, octets("\x00\x23\x00\x0b\x00\x04\x04\x72", 8));
	return tlv(0x30, d);
}

/* A certificate in some other format: [3] IMPLICIT OtherCertificateFormat. */
static der other_cert(void)
{
	static const char fmt[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x63 };
	return tlv(0xa3, CAT(oid_raw(fmt, sizeof(fmt)), octets("opaque", 6)));
}

static der attestation_bundle(const certparts *ak, const certparts *ca)
{
	static const char unknown[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02 };
	return SEQ(
	    SEQ(SEQ(oid(CSRA_OID_ID_STMT_PKIX_EVIDENCE), evidence_full(ak, ca, 0)),
		SEQ(oid(CSRA_OID_ID_TCGATTESTCERTIFY), tpm(1)),
		SEQ(oid_raw(unknown, sizeof(unknown)), SEQ(tlv(0x05, EMPTY)))),
	    SEQ(vraw(ak->whole), vraw(ca->whole), other_cert()));
}

static der attestation_bundle_min(void)
{
	return SEQ(SEQ(SEQ(oid(CSRA_OID_ID_TCGATTESTCERTIFY), tpm(0))));
}

/* The legacy form: a hint on at least one statement, in both string types. */
static der evidence_bundle(const certparts *ak, const certparts *ca)
{
	return SEQ(
	    SEQ(SEQ(oid(CSRA_OID_ID_TCGATTESTCERTIFY), tpm(1), str(0x16, "tpmverifier.example.com")),
		SEQ(oid(CSRA_OID_ID_STMT_PKIX_EVIDENCE), evidence_full(ak, ca, 1),
		    str(0x0c, "verifier.example"))),
	    SEQ(vraw(ak->whole), vraw(ca->whole)));
}

static der evidence_bundle_min(void)
{
	return SEQ(SEQ(SEQ(oid(CSRA_OID_ID_TCGATTESTCERTIFY), tpm(0), str(0x0c, "h"))));
}

static der extensions(void)
{
	return SEQ(
	    SEQ(oid(CSRA_OID_ID_CE_KEYUSAGE), boolean(1), octets("\x03\x02\x07\x80", 4)),
	    SEQ(oid(CSRA_OID_ID_CE_BASICCONSTRAINTS), tlv(0x04, SEQ(EMPTY))),
	    SEQ(oid(CSRA_OID_ID_CE_EXTKEYUSAGE), tlv(0x04, SEQ(oid(CSRA_OID_ID_KP_ATTESTATIONKEY)))));
}

/* A PKCS#10 request carrying |bundle| in id-aa-attestation, beside an
 * extension request and a challenge password; the attributes are a SET OF,
 * so set_of() sorts them. */
static der attested_csr(const csrparts *cp, der bundle)
{
	der attrs = set_of(0xa0, 0,
	    SEQ(oid(CSRA_OID_ID_AA_ATTESTATION), SET(bundle)),
	    SEQ(oid(CSRA_OID_PKCS_9_AT_EXTENSIONREQUEST), SET(extensions())),
	    SEQ(oid(CSRA_OID_PKCS_9_AT_CHALLENGEPASSWORD), SET(str(0x0c, "secret"))), END);
	der cri = SEQ(vraw(cp->version), vraw(cp->subject), vraw(cp->spki), attrs);
	return SEQ(cri, algid(CSRA_OID_ECDSA_WITH_SHA256), bits("\x30\x00", 2));
}

static der crmf_full(const certparts *ak, const certparts *ca)
{
	static const char reg_token[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x05, 0x01, 0x01 };
	static const char utf8_pairs[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x05, 0x02, 0x01 };
	der templ = SEQ(
	    tlv(0x80, raw("\x02", 1)),			/* [0] version v3 */
	    tlv(0x81, raw("\x01\x00", 2)),		/* [1] serialNumber */
	    tlv(0xa2, CAT(oid(CSRA_OID_ECDSA_WITH_SHA256))),
	    tlv(0xa3, vraw(ca->subject)),		/* [3] Name: a CHOICE, so explicit */
	    tlv(0xa4, CAT(tlv(0xa0, str(0x17, "260101000000Z")),
		tlv(0xa1, str(0x18, "20510101000000Z")))),
	    tlv(0xa5, vraw(ak->subject)),
	    tlv(0xa6, vcontents(ak->spki)),		/* [6] IMPLICIT SPKI */
	    tlv(0x87, raw("\x00\xaa", 2)),		/* [7] issuerUID */
	    tlv(0x88, raw("\x04\xf0", 2)),		/* [8] subjectUID, 4 unused bits */
	    tlv(0xa9, CAT(SEQ(oid(CSRA_OID_ID_CE_SUBJECTALTNAME),
		tlv(0x04, SEQ(str(0x82, "device.example")))))));
	der popo = tlv(0xa1, CAT(algid(CSRA_OID_ECDSA_WITH_SHA256), bits("\x30\x00", 2)));
	return SEQ(SEQ(
	    SEQ(integer(7), templ, SEQ(SEQ(oid_raw(reg_token, sizeof(reg_token)), str(0x0c, "token")))),
	    popo,
	    SEQ(SEQ(oid_raw(utf8_pairs, sizeof(utf8_pairs)), str(0x0c, "k?v%")))));
}

static der crmf_variants(const certparts *ak)
{
	der popo_sender = tlv(0xa1, CAT(
	    tlv(0xa0, CAT(tlv(0xa0, tlv(0x82, raw("ra.example", 10))), vraw(ak->spki))),
	    algid(CSRA_OID_ID_ED25519), bits("\x01", 1)));
	return SEQ(
	    SEQ(SEQ(integer(0), SEQ(EMPTY)), tlv(0x80, EMPTY)),
	    SEQ(SEQ(integer(1), SEQ(tlv(0xa5, SEQ(EMPTY)))), popo_sender),
	    SEQ(SEQ(integer(2), SEQ(EMPTY)), tlv(0xa2, tlv(0x80, raw("\x00", 1)))),
	    SEQ(SEQ(integer(3), SEQ(EMPTY)), tlv(0xa2, tlv(0x81, raw("\x00", 1)))));
}

static void claims_seeds(const certparts *ak)
{
	csra_oid_id ids[CSRA_OID__COUNT];
	size_t n = claim_list(ids);
	for (size_t i = 0; i < n; i++) {
		der v;
		switch (ids[i]) {
		case CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_TIMESTAMP:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXPIRY:
			v = str(0x18, "20260102030405.5Z");
			break;
		case CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_AK_SPKI:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SPKI:
			v = tlv(0x04, vraw(ak->spki));
			break;
		case CSRA_OID_ID_EVIDENCE_CLAIM_TRANSACTION_NONCE:
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_OEMID:
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_HWMODEL:
			v = octets("\x00\xff", 2);
			break;
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_DEBUGSTAT:
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_UPTIME:
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_BOOTCOUNT:
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSLEVEL:
			v = integer(-32768);
			break;
		case CSRA_OID_ID_EVIDENCE_CLAIM_PLATFORM_FIPSBOOT:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_EXTRACTABLE:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_SENSITIVE:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_NEVER_EXTRACTABLE:
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_LOCAL:
			v = boolean(1);
			break;
		case CSRA_OID_ID_EVIDENCE_CLAIM_KEY_PURPOSE:
			v = key_purposes();
			break;
		default:
			v = str(0x0c, "caf\xc3\xa9");
			break;
		}
		char name[96];
		snprintf(name, sizeof(name), "%s", csra_oid_table[ids[i]].name + strlen(CLAIM_PREFIX));
		put("claims", name, (int)i, v);
		free(v.p);
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: seedgen OUTDIR CA.der LEAF.der CSR.der\n");
		return 2;
	}
	outdir = argv[1];
	der ca_der = read_file(argv[2]), ak_der = read_file(argv[3]), csr_der = read_file(argv[4]);
	certparts ca = parse_cert(ca_der, argv[2]), ak = parse_cert(ak_der, argv[3]);
	csrparts cp = parse_csr(csr_der);
	if (ak.extensions.n == 0)
		die("extensions of LEAF");

	seed("evidence", "full-implicit", P_EVIDENCE, evidence_full(&ak, &ca, 0));
	seed("evidence", "full-explicit", P_EVIDENCE, evidence_full(&ak, &ca, 1));
	seed("evidence", "min", P_EVIDENCE, evidence_min());
	seed("evidence", "explicit-empty-certs", P_EVIDENCE,
	    SEQ(tbs_min(), SEQ(EMPTY), tlv(0xa0, SEQ(EMPTY))));
	seed("evidence", "keyid-only", P_EVIDENCE, SEQ(tbs_min(),
	    SEQ(sig_block(tlv(0xa0, octets("\x01", 1)), CSRA_OID_ECDSA_WITH_SHA256))));

	seed("bundle", "attestation", P_ABUNDLE, attestation_bundle(&ak, &ca));
	seed("bundle", "attestation-min", P_ABUNDLE, attestation_bundle_min());
	seed("bundle", "legacy", P_EBUNDLE, evidence_bundle(&ak, &ca));
	seed("bundle", "legacy-min", P_EBUNDLE, evidence_bundle_min());

	seed("csr", "attested", P_CSR, attested_csr(&cp, attestation_bundle(&ak, &ca)));
	seed("csr", "attested-legacy", P_CSR, attested_csr(&cp, evidence_bundle(&ak, &ca)));

	seed("crmf", "full", P_CRMF, crmf_full(&ak, &ca));
	seed("crmf", "variants", P_CRMF, crmf_variants(&ak));

	seed("tpm", "with-public", P_TPM, tpm(1));
	seed("tpm", "without-public", P_TPM, tpm(0));

	seed(NULL, "key-purposes", P_PURPOSES, key_purposes());
	seed(NULL, "key-purposes-empty", P_PURPOSES, SEQ(EMPTY));
	seed(NULL, "extensions", P_EXTS, extensions());
	seed(NULL, "extensions-leaf", P_EXTS, vraw(ak.extensions));

	claims_seeds(&ak);
	free(ca_der.p);
	free(ak_der.p);
	free(csr_der.p);
	return 0;
}

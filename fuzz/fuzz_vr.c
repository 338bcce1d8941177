/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "csra_oid_table.h"
#include "csra_verify_int.h"
#include "csrattest/policy.h"
#include "fuzz_pki.h"
#include "fuzz_vr.h"

/* By (no intermediate offered) << 1 | (OpenSSL's route only), then config. */
#define FVR_SETS 4
static csra_verifier *verifiers[FVR_SETS][FVR_CONFIGS];
static csra_policy *policies[FVR_CONFIGS];

size_t fvr_header_read(const uint8_t *data, size_t size, fvr_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (size < 2)
		return 0;
	o->flags = data[0];
	o->when = (int8_t)data[1];
	if (!(o->flags & FVR_NONCE))
		return 2;
	if (size < 3)
		return 0;
	o->nonce_len = data[2] % (FVR_NONCE_MAX + 1);
	if (size - 3 < o->nonce_len)
		return 0;
	memcpy(o->nonce, data + 3, o->nonce_len);
	return 3 + o->nonce_len;
}

size_t fvr_header_write(const fvr_opts *o, uint8_t *out)
{
	out[0] = o->flags;
	out[1] = (uint8_t)o->when;
	if (!(o->flags & FVR_NONCE))
		return 2;
	size_t n = o->nonce_len > FVR_NONCE_MAX ? FVR_NONCE_MAX : o->nonce_len;
	out[2] = (uint8_t)n;
	memcpy(out + 3, o->nonce, n);
	return 3 + n;
}

static time_t when_time(int8_t w)
{
	if (w >= -8 && w <= 8)
		return FUZZ_T0 + 300 * (time_t)w;
	return FUZZ_T0 + (time_t)w * 64 * 86400;
}

/* The callback statement: OCTET STRING { flags, fipslevel, spki }. */
static int callback(void *arg, const uint8_t *type, size_t type_len, const uint8_t *stmt,
    size_t stmt_len, STACK_OF(X509) *certs, const uint8_t *nonce, size_t nonce_len, time_t at,
    csra_cb_result *res)
{
	(void)arg;
	(void)type;
	(void)type_len;
	(void)certs;
	(void)nonce_len;
	(void)at;
	if (stmt_len < 2 || stmt[0] != 0x04)
		return 1;	/* not ours to read: unverified */
	size_t hdr = 2;
	if (stmt[1] & 0x80) {
		hdr += stmt[1] & 0x7f;	/* the length itself is the decoder's business */
		if (hdr > stmt_len)
			return 1;
	}
	const uint8_t *p = stmt + hdr;
	size_t n = stmt_len - hdr;
	if (n < 2)
		return 1;
	unsigned flags = p[0];
	if (flags & FUZZ_CB_FAIL)
		return 0;
	csra_cb_set_verified(res, flags & FUZZ_CB_VERIFIED);
	/* Refused without a nonce: the setter's contract, checked here. */
	if ((flags & FUZZ_CB_FRESH) &&
	    (csra_cb_set_freshness(res, CSRA_FRESHNESS_NONCE) == CSRA_OK) != (nonce != NULL)) {
		fprintf(stderr, "csra_cb_set_freshness and the nonce disagree\n");
		abort();
	}
	if ((flags & FUZZ_CB_SPKI) && n > 2 && csra_cb_set_spki(res, p + 2, n - 2) != CSRA_OK)
		return 0;
	if (flags & FUZZ_CB_CLAIMS) {
		int extractable = (flags & FUZZ_CB_EXTRACTABLE) != 0;
		csra_cb_add_bool(res, "key", "extractable", extractable);
		csra_cb_add_bool(res, "key", "never-extractable", !extractable);
		csra_cb_add_bool(res, "key", "sensitive", 1);
		csra_cb_add_bool(res, "key", "local", 1);
		csra_cb_add_bool(res, "platform", "fipsboot", 1);
		csra_cb_add_int(res, "platform", "fipslevel", (int8_t)p[1]);
	}
	return 1;
}

/* The root as a PEM file for "fuzz-trust"'s per-type anchors; |path| is
 * unlinked once the policy has loaded it. */
static int root_file(X509 *root, char *path, size_t cap)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] != '/' || strpbrk(dir, "\"\\") != NULL)
		dir = "/tmp";
	if (snprintf(path, cap, "%s/csra-fuzz-root-XXXXXX", dir) >= (int)cap)
		return 0;
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	int ok = PEM_write_X509(f, root) == 1;
	return fclose(f) == 0 && ok;
}

static csra_policy *policy(const char *json)
{
	csra_policy *p = NULL;
	char err[256];
	if (csra_policy_from_json(json, strlen(json), &p, err, sizeof(err)) != CSRA_OK)
		fprintf(stderr, "fvr: fixed policy: %s\n", err);
	return p;
}

int fvr_setup(X509 *root)
{
	static int done;
	if (done)
		return done > 0;
	done = -1;
	const char *ev = csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE].dotted;
	const char *tpm = csra_oid_table[CSRA_OID_ID_TCGATTESTCERTIFY].dotted;
	char json[4096], path[512];
	X509 *inter = fuzz_cert(FUZZ_KEY_INTER, root);
	X509 *ak = inter ? fuzz_cert(FUZZ_KEY_AK, inter) : NULL;
	EVP_PKEY *signer = fuzz_key(FUZZ_KEY_SIGNER);
	if (ak == NULL || signer == NULL || !root_file(root, path, sizeof(path))) {
		fprintf(stderr, "fvr: cannot make the fixed PKI\n");
		return 0;
	}
	policies[1] = policy("{\"name\": \"fuzz-any\"}");
	snprintf(json, sizeof(json),
	    "{\"name\": \"fuzz-claims\", \"require_statement_types\": [\"%s\", \"1.3.6.1.4.1.32473.1.1\"],"
	    " \"claims\": {\"key\": {\"extractable\": false, \"sensitive\": true},"
	    " \"platform\": {\"fipslevel\": {\"min\": 1, \"max\": 4}}},"
	    " \"key_algorithms\": [\"ec:P-256\", \"ec:P-384\", \"ed25519\", \"rsa:2048\"]}", ev);
	policies[2] = policy(json);
	snprintf(json, sizeof(json),
	    "{\"name\": \"fuzz-trust\", \"trust\": {\"%s\": [\"%s\"], \"%s\": [\"%s\"]},"
	    " \"claims\": {\"key\": {\"never-extractable\": true}}, \"key_algorithms\": [\"ec:P-256\"]}",
	    ev, path, tpm, path);
	policies[3] = policy(json);
	int ok = policies[1] && policies[2] && policies[3];
	for (int k = 0; k < FVR_SETS * FVR_CONFIGS && ok; k++) {
		int i = k % FVR_CONFIGS, set = k / FVR_CONFIGS;
		csra_verifier *v = verifiers[set][i] = csra_verifier_new();
		if (v != NULL)
			csra_verifier_set_fastlink(v, !(set & 1));
		ok = v != NULL && csra_verifier_add_trust(v, root) == CSRA_OK &&
		    csra_verifier_add_tpm_trust(v, root) == CSRA_OK &&
		    ((set & 2) || csra_verifier_add_untrusted(v, inter) == CSRA_OK) &&
		    csra_verifier_add_signer_cert(v, ak) == CSRA_OK &&
		    csra_verifier_add_signer_key(v, signer, (const uint8_t *)FUZZ_SIGNER_KEYID,
			strlen(FUZZ_SIGNER_KEYID)) == CSRA_OK &&
		    csra_verifier_add_callback(v, (const uint8_t *)FUZZ_CB_OID, FUZZ_CB_OID_LEN, callback,
			NULL) == CSRA_OK &&
		    (i == 0 || csra_verifier_set_policy(v, policies[i]) == CSRA_OK);
	}
	unlink(path);
	X509_free(inter);
	X509_free(ak);
	if (!ok) {
		fprintf(stderr, "fvr: cannot set up the verifiers\n");
		return 0;
	}
	done = 1;
	return 1;
}

static int verify_with(int openssl, const uint8_t *data, size_t size, csra_err *rc, csra_result **out)
{
	fvr_opts o;
	size_t h = fvr_header_read(data, size, &o);
	*out = NULL;
	if (h == 0)
		return 0;
	csra_verifier *v = verifiers[((o.flags & FVR_NO_INTER) ? 2 : 0) | openssl][o.flags % FVR_CONFIGS];
	/* Setters only store: nothing here allocates or can fail. */
	csra_verifier_set_time(v, when_time(o.when));
	csra_verifier_set_strict(v, (o.flags & FVR_STRICT) != 0);
	csra_verifier_set_sig_policy(v, (o.flags & FVR_ANY_TRUSTED) ? CSRA_SIG_ANY_TRUSTED : CSRA_SIG_ALL);
	csra_verifier_set_timestamp_window(v, (o.flags & FVR_WINDOW) ? 600 : -1, 60);
	/* The request ends where the input does: ASan sees a read past it. */
	*rc = csra_verify_request(v, data + h, size - h, (o.flags & FVR_NONCE) ? o.nonce : NULL,
	    (o.flags & FVR_NONCE) ? o.nonce_len : 0, out);
	return 1;
}

int fvr_verify(const uint8_t *data, size_t size, csra_err *rc, csra_result **out)
{
	return verify_with(0, data, size, rc, out);
}

int fvr_verify_openssl(const uint8_t *data, size_t size, csra_err *rc, csra_result **out)
{
	return verify_with(1, data, size, rc, out);
}

int fvr_reset_caches(void)
{
	int ok = 1;
	for (int k = 0; k < FVR_SETS * FVR_CONFIGS; k++) {
		csra_verifier *v = verifiers[k / FVR_CONFIGS][k % FVR_CONFIGS];
		ok &= v != NULL && csra_verifier_set_chain_cache(v, 64) == CSRA_OK;
	}
	return ok;
}

static void explain(const csra_result *r, const char *indent)
{
	for (size_t i = 0; i < csra_result_check_count(r); i++) {
		const char *name, *msg, *path;
		csra_status st;
		csra_err code;
		csra_result_check(r, i, &name, &st, &code, &msg, &path);
		if (st == CSRA_STATUS_FAIL)
			fprintf(stderr, "%s%s FAIL %s [%s]: %s\n", indent, name, csra_err_name(code), path, msg);
	}
	for (size_t i = 0; i < csra_result_statement_count(r); i++) {
		fprintf(stderr, "%sstatement %zu:\n", indent, i);
		explain(csra_result_statement(r, i), "    ");
	}
}

void fvr_explain(const csra_result *r)
{
	explain(r, "  ");
}

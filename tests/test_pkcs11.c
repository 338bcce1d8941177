/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PKCS#11 attester against SoftHSM2: a private token made here with
 * softhsm2-util and pkcs11-tool (and, for attributes pkcs11-tool cannot
 * set, C_GenerateKeyPair called directly), then every outcome of
 * csrattest/pkcs11.h with its exact error: URIs, modules, tokens, PINs,
 * keys, signatures made in the token and checked with OpenSSL, the claims
 * as they come out of signed Evidence, and certificate objects.
 *
 * Exits 77 (skipped) only when SoftHSM2 or OpenSC's pkcs11-tool is not
 * installed.
 */
#define _GNU_SOURCE	/* dlinfo */

#include <dlfcn.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/pkcs11.h"
#include "csrattest/signer.h"
#include "csrattest/verify.h"
#include "testpki.h"
#include "testutil.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define TOKEN "pkcs11:token=csra-test"
#define PIN "1234"

static char dir[] = "/tmp/csra-p11-XXXXXX";
static char log_path[600], cert_path[600], pin_path[600];
static tp_pki pki;
static X509 *ak_cert;	/* for the "ec" key, issued by pki's intermediate */

/* Runs the shell command |fmt|, output to the log; 1 if it exits 0. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(cmd, sizeof(cmd) - 700, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd) - 700)
		return 0;
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " >>'%s' 2>&1", log_path);
	if (system(cmd) != 0) {
		fprintf(stderr, "  failed: %s (see %s)\n", cmd, log_path);
		return 0;
	}
	return 1;
}

/* Keys pkcs11-tool cannot make ------------------------------------- */

/* SoftHSM defaults CKA_SIGN to true and pkcs11-tool only ever adds usage
 * flags, so a key that may not sign (and other odd ones) is made here. */
struct tok {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE s;
};

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_BYTE p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };

static int tok_open(struct tok *t)
{
	CK_C_GetFunctionList get;
	CK_SLOT_ID slots[8];
	CK_ULONG n = 8;
	memset(t, 0, sizeof(*t));
	t->dl = dlopen(MODULE, RTLD_NOW | RTLD_LOCAL);
	CHECK(t->dl != NULL);
	void *sym = dlsym(t->dl, "C_GetFunctionList");
	memcpy(&get, &sym, sizeof(get));
	CHECK(get != NULL && get(&t->f) == CKR_OK);
	CHECK(t->f->C_Initialize(NULL) == CKR_OK);
	CHECK(t->f->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (t->f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && memcmp(ti.label, "csra-test ", 10) == 0) {
			CHECK(t->f->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
			    &t->s) == CKR_OK);
			CHECK(t->f->C_Login(t->s, CKU_USER, (CK_UTF8CHAR_PTR)PIN, 4) == CKR_OK);
			return 1;
		}
	}
	fprintf(stderr, "  no token csra-test\n");
	return 0;
}

static void tok_close(struct tok *t)
{
	if (t->f != NULL) {
		t->f->C_Logout(t->s);
		t->f->C_CloseSession(t->s);
		t->f->C_Finalize(NULL);
	}
	if (t->dl != NULL)
		dlclose(t->dl);
}

#define A(t, v) { t, (void *)(v), sizeof(*(v)) }

/* A key pair: EC P-256 or RSA-2048, with |priv_extra| and |pub_extra|
 * attributes added to the usual ones. */
static int gen(struct tok *t, int rsa, const char *label, CK_BYTE id, CK_ATTRIBUTE *priv_extra,
    CK_ULONG npx, CK_ATTRIBUTE *pub_extra, CK_ULONG nux, CK_OBJECT_HANDLE *priv,
    CK_OBJECT_HANDLE *pub)
{
	static CK_ULONG bits = 2048;
	static CK_BYTE f4[] = { 1, 0, 1 };
	CK_MECHANISM mech = { rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, NULL, 0 };
	CK_ATTRIBUTE pu[12] = {
		A(CKA_TOKEN, &yes),
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ID, &id, 1 },
	};
	CK_ULONG npu = 3;
	if (rsa) {
		pu[npu++] = (CK_ATTRIBUTE)A(CKA_MODULUS_BITS, &bits);
		pu[npu++] = (CK_ATTRIBUTE){ CKA_PUBLIC_EXPONENT, f4, sizeof(f4) };
	} else {
		pu[npu++] = (CK_ATTRIBUTE){ CKA_EC_PARAMS, p256, sizeof(p256) };
	}
	for (CK_ULONG i = 0; i < nux; i++)
		pu[npu++] = pub_extra[i];
	CK_ATTRIBUTE pr[16] = {
		A(CKA_TOKEN, &yes),
		A(CKA_SENSITIVE, &yes),
		A(CKA_EXTRACTABLE, &no),
		{ CKA_LABEL, (void *)label, strlen(label) },
		{ CKA_ID, &id, 1 },
	};
	CK_ULONG npr = 5;
	for (CK_ULONG i = 0; i < npx; i++)
		pr[npr++] = priv_extra[i];
	CHECK(t->f->C_GenerateKeyPair(t->s, &mech, pu, npu, pr, npr, pub, priv) == CKR_OK);
	return 1;
}

/* The SubjectPublicKeyInfo of P-256 public key object |pub|. */
static int spki_of(struct tok *t, CK_OBJECT_HANDLE pub, unsigned char **der, int *len)
{
	CK_BYTE point[128];
	CK_ATTRIBUTE a = { CKA_EC_POINT, point, sizeof(point) };
	CHECK(t->f->C_GetAttributeValue(t->s, pub, &a, 1) == CKR_OK);
	const unsigned char *q = point;
	ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)a.ulValueLen);
	CHECK(os != NULL);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, os->data, (size_t)os->length),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	int ok = c != NULL && EVP_PKEY_fromdata_init(c) == 1 &&
	    EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) == 1 &&
	    (*len = i2d_PUBKEY(pk, der)) > 0;
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);
	ASN1_OCTET_STRING_free(os);
	CHECK(ok);
	return 1;
}

/* Sets the private key's CKA_PUBLIC_KEY_INFO to |der|/|len|. */
static int set_spki(struct tok *t, CK_OBJECT_HANDLE priv, unsigned char *der, int len)
{
	CK_ATTRIBUTE a = { CKA_PUBLIC_KEY_INFO, der, (CK_ULONG)len };
	CHECK(t->f->C_SetAttributeValue(t->s, priv, &a, 1) == CKR_OK);
	return 1;
}

static int special_keys(void)
{
	struct tok t;
	CK_OBJECT_HANDLE priv, pub, pub2;
	int ok = tok_open(&t);
	static CK_DATE end = { { '2', '0', '3', '0' }, { '1', '2' }, { '3', '1' } };
	if (ok) {
		/* "nosign" (04): may only derive; it ends on 2030-12-31. Not
		 * CKA_PRIVATE, for SoftHSM cannot read CKA_END_DATE of a
		 * private object (below). */
		CK_ATTRIBUTE px[] = { A(CKA_PRIVATE, &no), A(CKA_SIGN, &no), A(CKA_DECRYPT, &no),
			A(CKA_UNWRAP, &no), A(CKA_DERIVE, &yes), A(CKA_END_DATE, &end) };
		CK_ATTRIBUTE ux[] = { A(CKA_VERIFY, &no), A(CKA_ENCRYPT, &no), A(CKA_WRAP, &no) };
		ok = gen(&t, 0, "nosign", 0x04, px, 6, ux, 3, &priv, &pub);
	}
	if (ok) {
		/* "dated" (0e): a private object with an end date, which
		 * SoftHSM 2.6 answers with CKR_GENERAL_ERROR. */
		CK_ATTRIBUTE px[] = { A(CKA_PRIVATE, &yes), A(CKA_SIGN, &yes), A(CKA_END_DATE, &end) };
		ok = gen(&t, 0, "dated", 0x0e, px, 3, NULL, 0, &priv, &pub);
	}
	if (ok) {
		/* "always" (08): a PIN for each signature. */
		CK_ATTRIBUTE px[] = { A(CKA_SIGN, &yes), A(CKA_ALWAYS_AUTHENTICATE, &yes) };
		ok = gen(&t, 0, "always", 0x08, px, 2, NULL, 0, &priv, &pub);
	}
	if (ok) {
		/* "rsanopub" (0a) and "ecnopub" (0d): no public key object. */
		CK_ATTRIBUTE px[] = { A(CKA_SIGN, &yes) };
		ok = gen(&t, 1, "rsanopub", 0x0a, px, 1, NULL, 0, &priv, &pub) &&
		    t.f->C_DestroyObject(t.s, pub) == CKR_OK &&
		    gen(&t, 0, "ecnopub", 0x0d, px, 1, NULL, 0, &priv, &pub) &&
		    t.f->C_DestroyObject(t.s, pub) == CKR_OK;
	}
	if (ok) {
		/* "mismatch" (0b): the public key object with its CKA_ID is
		 * another key's (0c's, re-labelled and re-numbered). */
		CK_BYTE id = 0x0b;
		CK_ATTRIBUTE px[] = { A(CKA_SIGN, &yes) };
		CK_ATTRIBUTE set[] = { { CKA_ID, &id, 1 }, { CKA_LABEL, "mismatch", 8 } };
		ok = gen(&t, 1, "mismatch", 0x0b, px, 1, NULL, 0, &priv, &pub) &&
		    t.f->C_DestroyObject(t.s, pub) == CKR_OK &&
		    gen(&t, 1, "other", 0x0c, px, 1, NULL, 0, &priv, &pub2) &&
		    t.f->C_SetAttributeValue(t.s, pub2, set, 2) == CKR_OK;
	}
	if (ok) {
		/* CKA_PUBLIC_KEY_INFO on the private key, which SoftHSM leaves
		 * empty: "ecspki" (0f) has its own and no public key object;
		 * "badspki" (10) has garbage; "otherspki" (11) has another
		 * key's, and its own public key object. */
		unsigned char *der = NULL, junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
		int len = 0;
		CK_ATTRIBUTE px[] = { A(CKA_SIGN, &yes) };
		EVP_PKEY *other = tp_key("EC", "P-256");
		ok = gen(&t, 0, "ecspki", 0x0f, px, 1, NULL, 0, &priv, &pub) &&
		    spki_of(&t, pub, &der, &len) && set_spki(&t, priv, der, len) &&
		    t.f->C_DestroyObject(t.s, pub) == CKR_OK &&
		    gen(&t, 0, "badspki", 0x10, px, 1, NULL, 0, &priv, &pub) &&
		    set_spki(&t, priv, junk, sizeof(junk)) &&
		    gen(&t, 0, "otherspki", 0x11, px, 1, NULL, 0, &priv, &pub);
		OPENSSL_free(der);
		der = NULL;
		ok = ok && other != NULL && (len = i2d_PUBKEY(other, &der)) > 0 &&
		    set_spki(&t, priv, der, len);
		OPENSSL_free(der);
		EVP_PKEY_free(other);
	}
	tok_close(&t);
	return ok;
}

/* Setup and teardown ----------------------------------------------- */

static int tools_present(void)
{
	return access(MODULE, R_OK) == 0 &&
	    system("command -v softhsm2-util >/dev/null 2>&1 && command -v pkcs11-tool >/dev/null 2>&1") == 0;
}

#define TOOL "pkcs11-tool --module " MODULE " --login --pin " PIN

static int setup(void)
{
	char path[600];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/ak.der", dir);
	snprintf(pin_path, sizeof(pin_path), "%s/pin", dir);
	snprintf(path, sizeof(path), "%s/tokens", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/softhsm2.conf", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n", dir);
	CHECK(fclose(f) == 0);
	CHECK(setenv("SOFTHSM2_CONF", path, 1) == 0);
	f = fopen(pin_path, "w");
	CHECK(f != NULL && fputs(PIN "\r\nsecond line\n", f) >= 0 && fclose(f) == 0);

	CHECK(run("softhsm2-util --init-token --free --label csra-test --so-pin 12345678 --pin " PIN));
	CHECK(run(TOOL " --keypairgen --key-type EC:prime256v1 --label ec --id 01 --usage-sign --sensitive"));
	CHECK(run(TOOL " --keypairgen --key-type rsa:3072 --label rsa --id 02 --usage-sign --sensitive"));
	CHECK(run(TOOL " --keypairgen --key-type EC:prime256v1 --label extractable --id 03 --usage-sign "
	    "--extractable --sensitive"));
	CHECK(run(TOOL " --keypairgen --key-type EC:secp384r1 --label 'my key/2' --id 07 --usage-sign --sensitive"));
	CHECK(special_keys());

	/* The "ec" key's certificate, as an attestation key: made from its
	 * public key as the library reads it, stored back in the token. */
	CHECK(tp_pki_new(&pki, "EC", "P-256", TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 3650));
	csra_p11 *p = NULL;
	csra_p11_key *k = NULL;
	CHECK(csra_p11_open(MODULE, TOKEN, PIN, &p, NULL, 0) == CSRA_OK);
	CHECK(csra_p11_find_key(p, "pkcs11:object=ec", &k, NULL, 0) == CSRA_OK);
	ak_cert = tp_cert("token AK", csra_p11_key_pubkey(k), pki.inter, pki.int_key,
	    TP_DIGSIG | TP_EKU_AK, -3600, 86400L * 365);
	csra_p11_key_free(&k);
	csra_p11_close(&p);
	CHECK(ak_cert != NULL);
	unsigned char *der = NULL;
	int n = i2d_X509(ak_cert, &der);
	CHECK(n > 0);
	f = fopen(cert_path, "wb");
	int wrote = f != NULL && fwrite(der, 1, (size_t)n, f) == (size_t)n;
	OPENSSL_free(der);
	CHECK(f != NULL && fclose(f) == 0 && wrote);
	CHECK(run(TOOL " --write-object '%s' --type cert --label akcert --id 01", cert_path));
	return 1;
}

static void cleanup(void)
{
	char cmd[700];
	X509_free(ak_cert);
	tp_pki_free(&pki);
	if (strstr(dir, "XXXXXX") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
}

/* Helpers ------------------------------------------------------------ */

static csra_p11 *open_token(void)
{
	csra_p11 *p = NULL;
	char err[256];
	csra_err e = csra_p11_open(MODULE, TOKEN, PIN, &p, err, sizeof(err));
	if (e != CSRA_OK)
		fprintf(stderr, "  open: %s: %s\n", csra_err_name(e), err);
	return p;
}

/* Opens with |uri| (module |module|, PIN |pin|) and expects |want|; the
 * message must hold |part| if given. */
static int open_fails(const char *module, const char *uri, const char *pin, csra_err want,
    const char *part)
{
	csra_p11 *p = NULL;
	char err[256] = "x";
	csra_err e = csra_p11_open(module, uri, pin, &p, err, sizeof(err));
	if (e != want || p != NULL || (part != NULL && strstr(err, part) == NULL)) {
		fprintf(stderr, "  %s: got %s \"%s\", want %s\n", uri ? uri : "(null)", csra_err_name(e),
		    err, csra_err_name(want));
		csra_p11_close(&p);
		return 0;
	}
	return 1;
}

static int find_fails(csra_p11 *p, const char *uri, csra_err want, const char *part)
{
	csra_p11_key *k = NULL;
	char err[256] = "x";
	csra_err e = csra_p11_find_key(p, uri, &k, err, sizeof(err));
	if (e != want || k != NULL || (part != NULL && strstr(err, part) == NULL)) {
		fprintf(stderr, "  %s: got %s \"%s\", want %s\n", uri, csra_err_name(e), err,
		    csra_err_name(want));
		csra_p11_key_free(&k);
		return 0;
	}
	return 1;
}

/* Signs |msg| with |s| and verifies it with OpenSSL against the key's
 * public key: the AlgorithmIdentifier must be |alg_nid|, the digest |md|,
 * PSS with a digest-long salt if |pss|. */
static int sign_and_verify(const csra_signer *s, EVP_PKEY *pub, int alg_nid, const EVP_MD *md, int pss)
{
	static const uint8_t msg[] = "attested by a key that never left the token";
	uint8_t *alg = NULL, *sig = NULL;
	size_t alg_len = 0, sig_len = 0;
	csra_err e = csra_signer_sign(s, msg, sizeof(msg), &alg, &alg_len, &sig, &sig_len);
	if (e != CSRA_OK)
		fprintf(stderr, "  csra_signer_sign: %s\n", csra_err_name(e));
	CHECK(e == CSRA_OK);
	const unsigned char *q = alg;
	X509_ALGOR *a = d2i_X509_ALGOR(NULL, &q, (long)alg_len);
	const ASN1_OBJECT *obj = NULL;
	if (a != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, a);
	int nid = obj != NULL ? OBJ_obj2nid(obj) : NID_undef;
	X509_ALGOR_free(a);
	free(alg);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, pub) == 1 &&
	    (!pss || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1)) &&
	    EVP_DigestVerify(ctx, sig, sig_len, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	free(sig);
	CHECK(nid == alg_nid);
	CHECK(ok);
	return 1;
}

/* Cases ------------------------------------------------------------- */

static int test_open_right_pin(void)
{
	csra_p11 *p = NULL;
	char err[256];
	CHECK(csra_p11_open(MODULE, TOKEN, PIN, &p, err, sizeof(err)) == CSRA_OK && p != NULL);
	csra_p11_close(&p);
	CHECK(p == NULL);
	csra_p11_close(&p);
	csra_p11_close(NULL);
	/* Scheme and escapes as RFC 7512 allows; unknown and vendor
	 * attributes are ignored; the module and PIN from the URI. */
	CHECK(csra_p11_open(NULL, "PKCS11:token=csra%2dtest;manufacturer=SoftHSM%20project;"
	    "model=SoftHSM%20v2;x-vendor=1;future=2;object=whatever;type=private"
	    "?module-path=" MODULE "&pin-value=" PIN "&x-q=a/b?c|d", NULL, &p, err, sizeof(err)) == CSRA_OK);
	csra_p11_close(&p);
	CHECK(csra_p11_open(MODULE, "pkcs11:", PIN, &p, err, sizeof(err)) == CSRA_OK);
	csra_p11_close(&p);
	CHECK(csra_p11_open(MODULE, "pkcs11:?", PIN, &p, err, sizeof(err)) == CSRA_OK);
	csra_p11_close(&p);
	return 1;
}

static int test_pin_source(void)
{
	char uri[900];
	csra_p11 *p = NULL;
	csra_p11_key *k = NULL;
	char err[256];
	/* The first line, without its CR LF; then the key is visible. */
	snprintf(uri, sizeof(uri), TOKEN "?pin-source=file:%s", pin_path);
	CHECK(csra_p11_open(MODULE, uri, NULL, &p, err, sizeof(err)) == CSRA_OK);
	CHECK(csra_p11_find_key(p, "pkcs11:object=ec", &k, err, sizeof(err)) == CSRA_OK);
	csra_p11_key_free(&k);
	csra_p11_close(&p);
	snprintf(uri, sizeof(uri), TOKEN "?pin-source=file://%s", pin_path);
	CHECK(csra_p11_open(MODULE, uri, NULL, &p, err, sizeof(err)) == CSRA_OK);
	csra_p11_close(&p);
	/* The argument wins over the URI. */
	CHECK(open_fails(MODULE, TOKEN "?pin-value=" PIN, "9999", CSRA_ERR_P11_PIN, NULL));
	snprintf(uri, sizeof(uri), TOKEN "?pin-source=file:%s/none", dir);
	CHECK(open_fails(MODULE, uri, NULL, CSRA_ERR_P11_URI, "No such file"));
	CHECK(open_fails(MODULE, TOKEN "?pin-source=%7Cecho%201234", NULL, CSRA_ERR_P11_URI, "only file:"));
	CHECK(open_fails(MODULE, TOKEN "?pin-source=file:relative", NULL, CSRA_ERR_P11_URI, NULL));
	CHECK(open_fails(MODULE, TOKEN "?pin-source=file://host/x", NULL, CSRA_ERR_P11_URI, NULL));
	return 1;
}

static int test_wrong_pin(void)
{
	CHECK(open_fails(MODULE, TOKEN, "9999", CSRA_ERR_P11_PIN, "CKR_PIN_INCORRECT"));
	/* The PIN itself is never in the message. */
	csra_p11 *p = NULL;
	char err[256];
	CHECK(csra_p11_open(MODULE, TOKEN, "97531", &p, err, sizeof(err)) == CSRA_ERR_P11_PIN);
	CHECK(strstr(err, "97531") == NULL);
	CHECK(open_fails(MODULE, TOKEN "?pin-value=97531", NULL, CSRA_ERR_P11_PIN, NULL));
	/* And the right one still works: no lockout from the tries above. */
	p = open_token();
	CHECK(p != NULL);
	csra_p11_close(&p);
	return 1;
}

static int test_module_errors(void)
{
	char path[700];
	CHECK(open_fails("/nonexistent/libnothing.so", TOKEN, PIN, CSRA_ERR_P11_MODULE, "cannot load"));
	snprintf(path, sizeof(path), "%s/softhsm2.conf", dir);
	CHECK(open_fails(path, TOKEN, PIN, CSRA_ERR_P11_MODULE, "cannot load"));
	/* A shared object that is no PKCS#11 module: libcrypto, by its path. */
	CHECK(open_fails("libcrypto.so.3", TOKEN, PIN, CSRA_ERR_P11_MODULE, "not a path"));
	void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_NOLOAD);
	struct link_map *lm = NULL;
	CHECK(h != NULL);
	int ok = dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm != NULL && lm->l_name[0] == '/' &&
	    open_fails(lm->l_name, TOKEN, PIN, CSRA_ERR_P11_MODULE, "no C_GetFunctionList");
	dlclose(h);
	CHECK(ok);
	CHECK(open_fails(NULL, TOKEN, PIN, CSRA_ERR_P11_MODULE, "no module"));
	CHECK(open_fails(NULL, TOKEN "?module-path=libsofthsm2.so", PIN, CSRA_ERR_P11_URI, NULL));
	return 1;
}

static int test_token_errors(void)
{
	CHECK(open_fails(MODULE, "pkcs11:token=nonexistent", PIN, CSRA_ERR_P11_TOKEN, "\"csra-test\""));
	CHECK(open_fails(MODULE, "pkcs11:token=csra-tes", PIN, CSRA_ERR_P11_TOKEN, NULL));
	CHECK(open_fails(MODULE, "pkcs11:token=csra-test;model=other", PIN, CSRA_ERR_P11_TOKEN, NULL));
	CHECK(open_fails(MODULE, "pkcs11:token=csra-test;slot-id=1", PIN, CSRA_ERR_P11_TOKEN, NULL));
	return 1;
}

static int test_bad_uris(void)
{
	static const char *const bad[] = {
		"token=csra-test",		/* no scheme */
		"pkcs11",
		"pkcs11:token=csra%2",		/* truncated escape */
		"pkcs11:token=csra%zztest",	/* not hex */
		"pkcs11:token=csra%00test",	/* NUL in text */
		"pkcs11:token=csra-test;token=csra-test",	/* duplicate */
		"pkcs11:token=csra-test?pin-value=1&pin-value=2",
		"pkcs11:type=key",		/* not one of the five */
		"pkcs11:type=",
		"pkcs11:token=csra-test;;model=x",	/* empty attribute */
		"pkcs11:token=csra-test;",
		"pkcs11:token",			/* no '=' */
		"pkcs11:=x",
		"pkcs11:tok%65n=x",		/* escapes in names */
		"pkcs11:token=csra test",	/* must be escaped */
		"pkcs11:object=a/b",		/* '/' only in the query */
		"pkcs11:token=csra-test?pin-value=a&b",
		"pkcs11:token=csra-test?pin-value=1&pin-source=file:/x",
		"pkcs11:slot-id=x1",
		"pkcs11:slot-id=",
		"pkcs11:slot-id=123456789012345678901234",
		"pkcs11:library-version=1.x",
		"pkcs11:library-version=1.",
		"pkcs11:token=csra-test#frag",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(open_fails(MODULE, bad[i], PIN, CSRA_ERR_P11_URI, NULL));
	CHECK(open_fails(MODULE, NULL, PIN, CSRA_ERR_P11_URI, NULL));
	/* Over the length bound. */
	char *longuri = malloc(5000);
	CHECK(longuri != NULL);
	memset(longuri, 'a', 4999);
	memcpy(longuri, "pkcs11:object=", 14);
	longuri[4999] = '\0';
	int ok = open_fails(MODULE, longuri, PIN, CSRA_ERR_P11_URI, "longer");
	longuri[1100] = '\0';	/* a value over 1024 bytes */
	ok = ok && open_fails(MODULE, longuri, PIN, CSRA_ERR_P11_URI, "longer");
	free(longuri);
	CHECK(ok);
	/* Well-formed ones that name nothing are token errors, not URI ones. */
	CHECK(open_fails(MODULE, "pkcs11:library-version=2.6;slot-id=42", PIN, CSRA_ERR_P11_TOKEN, NULL));
	CHECK(open_fails(MODULE, "pkcs11:serial=%ff%fe", PIN, CSRA_ERR_P11_TOKEN, NULL));

	/* The same parser for keys and certificates. */
	csra_p11 *p = open_token();
	CHECK(p != NULL);
	X509 *x = NULL;
	char err[256];
	ok = find_fails(p, "object=ec", CSRA_ERR_P11_URI, NULL) &&
	    find_fails(p, "pkcs11:object=e%c", CSRA_ERR_P11_URI, NULL) &&
	    find_fails(p, "pkcs11:object=ec;object=ec", CSRA_ERR_P11_URI, NULL) &&
	    find_fails(p, "pkcs11:object=ec;type=cert", CSRA_ERR_P11_URI, "private key") &&
	    find_fails(p, "pkcs11:object=ec;type=public", CSRA_ERR_P11_URI, NULL) &&
	    csra_p11_find_cert(p, "pkcs11:object=akcert;type=private", &x, err, sizeof(err)) ==
		CSRA_ERR_P11_URI &&
	    csra_p11_find_cert(p, "pkcs11:object=akcert;id=%0", &x, err, sizeof(err)) == CSRA_ERR_P11_URI;
	csra_p11_close(&p);
	CHECK(ok && x == NULL);
	return 1;
}

static int test_find_key_errors(void)
{
	csra_p11 *p = open_token();
	CHECK(p != NULL);
	int ok = find_fails(p, "pkcs11:object=nope", CSRA_ERR_P11_NO_KEY, "label \"nope\"") &&
	    find_fails(p, "pkcs11:object=ec;id=%02", CSRA_ERR_P11_NO_KEY, NULL) &&
	    /* binary ids may hold NUL */
	    find_fails(p, "pkcs11:id=%00%01", CSRA_ERR_P11_NO_KEY, "id 0001") &&
	    find_fails(p, "pkcs11:object=akcert", CSRA_ERR_P11_NO_KEY, NULL) &&
	    find_fails(p, "pkcs11:", CSRA_ERR_P11_AMBIGUOUS, NULL) &&
	    find_fails(p, "pkcs11:token=other-token;object=ec", CSRA_ERR_P11_NO_KEY, "another token") &&
	    /* no public key object, and SoftHSM gives no CKA_PUBLIC_KEY_INFO */
	    find_fails(p, "pkcs11:object=ecnopub", CSRA_ERR_P11_NO_KEY, "no public key object") &&
	    find_fails(p, "pkcs11:object=mismatch", CSRA_ERR_P11_AMBIGUOUS, "another key") &&
	    find_fails(p, "pkcs11:object=otherspki", CSRA_ERR_P11_AMBIGUOUS, "another key") &&
	    find_fails(p, "pkcs11:object=badspki", CSRA_ERR_P11_KEY_TYPE, "CKA_PUBLIC_KEY_INFO");
	csra_p11_close(&p);
	CHECK(ok);
	/* Without a PIN the private keys are out of sight, and we say why. */
	char err[256];
	CHECK(csra_p11_open(MODULE, TOKEN, NULL, &p, err, sizeof(err)) == CSRA_OK);
	ok = find_fails(p, "pkcs11:object=ec", CSRA_ERR_P11_NO_KEY, "not logged in");
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

static int test_identifier(void)
{
	static const struct {
		const char *uri, *id;
	} cases[] = {
		{ "pkcs11:object=ec", "pkcs11:object=ec;id=%01" },
		{ "pkcs11:id=%02", "pkcs11:object=rsa;id=%02" },
		{ "pkcs11:object=my%20key%2F2", "pkcs11:object=my%20key%2F2;id=%07" },
		{ "pkcs11:object=my key/2", NULL },
	};
	csra_p11 *p = open_token();
	CHECK(p != NULL);
	int ok = 1;
	for (size_t i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
		csra_p11_key *k = NULL, *again = NULL;
		char err[256];
		csra_err e = csra_p11_find_key(p, cases[i].uri, &k, err, sizeof(err));
		if (cases[i].id == NULL) {
			ok = e == CSRA_ERR_P11_URI;
			continue;
		}
		ok = e == CSRA_OK && strcmp(csra_p11_key_identifier(k), cases[i].id) == 0 &&
		    /* the identifier is a URI that finds the same key */
		    csra_p11_find_key(p, csra_p11_key_identifier(k), &again, err, sizeof(err)) == CSRA_OK &&
		    EVP_PKEY_eq(csra_p11_key_pubkey(k), csra_p11_key_pubkey(again)) == 1;
		if (!ok)
			fprintf(stderr, "  %s: %s \"%s\" -> %s\n", cases[i].uri, csra_err_name(e), err,
			    k != NULL ? csra_p11_key_identifier(k) : "-");
		csra_p11_key_free(&k);
		csra_p11_key_free(&again);
	}
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

static int test_signer_refused(void)
{
	csra_p11 *p = open_token();
	csra_p11_key *k = NULL;
	char err[256];
	csra_err e = CSRA_OK;
	CHECK(p != NULL);
	int ok = csra_p11_find_key(p, "pkcs11:object=nosign", &k, err, sizeof(err)) == CSRA_OK;
	csra_signer *s = ok ? csra_p11_key_signer(k, &e, err, sizeof(err)) : NULL;
	ok = ok && s == NULL && e == CSRA_ERR_P11_CANNOT_SIGN &&
	    strstr(err, "pkcs11:object=nosign;id=%04") != NULL;
	csra_p11_key_free(&k);
	/* CKA_ALWAYS_AUTHENTICATE: refused up front, not at C_Sign. */
	ok = ok && csra_p11_find_key(p, "pkcs11:object=always", &k, err, sizeof(err)) == CSRA_OK;
	s = ok ? csra_p11_key_signer(k, &e, err, sizeof(err)) : NULL;
	ok = ok && s == NULL && e == CSRA_ERR_P11_FUNCTION && strstr(err, "CKA_ALWAYS_AUTHENTICATE") != NULL;
	csra_p11_key_free(&k);
	csra_signer_free(&s);
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

static int test_sign_ec(void)
{
	csra_p11 *p = open_token();
	csra_p11_key *k = NULL, *k384 = NULL;
	csra_signer *s = NULL, *s384 = NULL;
	csra_err e;
	char err[256];
	CHECK(p != NULL);
	int ok = csra_p11_find_key(p, "pkcs11:object=ec;id=%01;type=private", &k, err, sizeof(err)) ==
		CSRA_OK &&
	    (s = csra_p11_key_signer(k, &e, err, sizeof(err))) != NULL && e == CSRA_OK &&
	    csra_p11_find_key(p, "pkcs11:id=%07", &k384, err, sizeof(err)) == CSRA_OK &&
	    (s384 = csra_p11_key_signer(k384, &e, err, sizeof(err))) != NULL;
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	/* Several in a row: the session is left ready each time. */
	for (int i = 0; ok && i < 3; i++)
		ok = sign_and_verify(s, csra_p11_key_pubkey(k), NID_ecdsa_with_SHA256, EVP_sha256(), 0);
	ok = ok && sign_and_verify(s384, csra_p11_key_pubkey(k384), NID_ecdsa_with_SHA384, EVP_sha384(), 0);
	/* The public key from the private key's CKA_PUBLIC_KEY_INFO only. */
	csra_p11_key_free(&k384);
	csra_signer_free(&s384);
	ok = ok && csra_p11_find_key(p, "pkcs11:object=ecspki", &k384, err, sizeof(err)) == CSRA_OK &&
	    (s384 = csra_p11_key_signer(k384, &e, err, sizeof(err))) != NULL &&
	    sign_and_verify(s384, csra_p11_key_pubkey(k384), NID_ecdsa_with_SHA256, EVP_sha256(), 0);
	ok = ok && csra_signer_set_pss(s, EVP_sha256()) == CSRA_ERR_INVALID_ARGUMENT;
	csra_signer_free(&s);
	csra_signer_free(&s384);
	csra_p11_key_free(&k);
	csra_p11_key_free(&k384);
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

static int test_sign_rsa(void)
{
	csra_p11 *p = open_token();
	csra_p11_key *k = NULL, *nopub = NULL;
	csra_signer *s = NULL, *s2 = NULL;
	csra_err e;
	char err[256];
	CHECK(p != NULL);
	int ok = csra_p11_find_key(p, "pkcs11:object=rsa", &k, err, sizeof(err)) == CSRA_OK &&
	    EVP_PKEY_get_bits(csra_p11_key_pubkey(k)) == 3072 &&
	    (s = csra_p11_key_signer(k, &e, err, sizeof(err))) != NULL;
	ok = ok && sign_and_verify(s, csra_p11_key_pubkey(k), NID_sha256WithRSAEncryption, EVP_sha256(), 0);
	ok = ok && csra_signer_set_pss(s, EVP_sha256()) == CSRA_OK &&
	    sign_and_verify(s, csra_p11_key_pubkey(k), NID_rsassaPss, EVP_sha256(), 1);
	ok = ok && csra_signer_set_pss(s, EVP_sha384()) == CSRA_OK &&
	    sign_and_verify(s, csra_p11_key_pubkey(k), NID_rsassaPss, EVP_sha384(), 1);
	ok = ok && csra_signer_set_pss(s, EVP_sha512()) == CSRA_OK &&
	    sign_and_verify(s, csra_p11_key_pubkey(k), NID_rsassaPss, EVP_sha512(), 1);
	/* OpenSSL reads the PSS parameters from the request's own
	 * AlgorithmIdentifier. */
	X509_REQ *req = X509_REQ_new();
	ok = ok && req != NULL && csra_signer_set_pss(s, EVP_sha256()) == CSRA_OK &&
	    csra_x509_req_sign(req, s) == CSRA_OK && X509_REQ_verify(req, csra_p11_key_pubkey(k)) == 1;
	X509_REQ_free(req);
	/* No public key object: the private key's modulus and exponent. */
	ok = ok && csra_p11_find_key(p, "pkcs11:object=rsanopub", &nopub, err, sizeof(err)) == CSRA_OK &&
	    EVP_PKEY_get_bits(csra_p11_key_pubkey(nopub)) == 2048 &&
	    (s2 = csra_p11_key_signer(nopub, &e, err, sizeof(err))) != NULL &&
	    sign_and_verify(s2, csra_p11_key_pubkey(nopub), NID_sha256WithRSAEncryption, EVP_sha256(), 0);
	if (!ok)
		fprintf(stderr, "  %s\n", err);
	csra_signer_free(&s);
	csra_signer_free(&s2);
	csra_p11_key_free(&k);
	csra_p11_key_free(&nopub);
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

/* Claims through signed Evidence ------------------------------------ */

/* Observes the keys |uris| and the platform into an attester whose AK is
 * |s| with |cert| (certified by pki), answers the request for
 * everything, and verifies the Evidence: |*r| holds the claims. */
static int evidence_for(csra_p11 *p, const char *const *uris, size_t n, csra_signer *s, X509 *cert,
    csra_result **r)
{
	csra_attester *a = csra_attester_new();
	csra_p11_key *keys[8] = { NULL };
	csra_verifier *v = csra_verifier_new();
	uint8_t *req = NULL, *ev = NULL;
	size_t req_len = 0, ev_len = 0;
	char err[256] = "";
	int ok = a != NULL && v != NULL && n <= 8 && s != NULL &&
	    csra_attester_add_signer(a, s, cert, CSRA_SID_CERT) == CSRA_OK &&
	    csra_attester_add_intermediate(a, pki.inter) == CSRA_OK &&
	    csra_p11_observe_platform(p, a) == CSRA_OK;
	for (size_t i = 0; ok && i < n; i++) {
		size_t idx = 99;
		ok = csra_p11_find_key(p, uris[i], &keys[i], err, sizeof(err)) == CSRA_OK &&
		    csra_p11_key_observe(keys[i], a, &idx) == CSRA_OK && idx == i;
	}
	/* The same key twice is refused by the attester. */
	size_t idx;
	ok = ok && n > 0 && csra_p11_key_observe(keys[0], a, &idx) == CSRA_ERR_INVALID_ARGUMENT;
	ok = ok && csra_attester_request_all(a, (const uint8_t *)"n0nce", 5, &req, &req_len) == CSRA_OK &&
	    csra_attester_process(a, req, req_len, &ev, &ev_len, NULL, NULL) == CSRA_OK &&
	    csra_verifier_add_trust(v, pki.root) == CSRA_OK &&
	    csra_verify_evidence(v, ev, ev_len, (const uint8_t *)"n0nce", 5, NULL, r) == CSRA_OK;
	if (ok && csra_result_verdict(*r) != CSRA_VERDICT_VERIFIED) {
		char *j = csra_result_json(*r);
		fprintf(stderr, "%s\n", j);
		free(j);
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "  evidence: %s\n", err);
	free(req);
	free(ev);
	csra_verifier_free(&v);
	csra_attester_free(&a);
	for (size_t i = 0; i < n && i < 8; i++)
		csra_p11_key_free(&keys[i]);
	return ok;
}

/* evidence_for with the token's "ec" key as the AK. */
static int token_evidence(csra_p11 *p, const char *const *uris, size_t n, csra_result **r)
{
	csra_p11_key *ak = NULL;
	csra_signer *s = NULL;
	csra_err e;
	char err[256] = "";
	int ok = csra_p11_find_key(p, "pkcs11:object=ec", &ak, err, sizeof(err)) == CSRA_OK &&
	    (s = csra_p11_key_signer(ak, &e, err, sizeof(err))) != NULL &&
	    evidence_for(p, uris, n, s, ak_cert, r);
	if (!ok)
		fprintf(stderr, "  token AK: %s\n", err);
	csra_signer_free(&s);
	csra_p11_key_free(&ak);
	return ok;
}

static int bool_claim(const csra_result *r, size_t k, csra_claim c, int want)
{
	csra_claim_value v;
	if (!csra_result_key_claim(r, k, c, &v) || v.type != CSRA_VALUE_BOOLEAN || v.boolean != want) {
		fprintf(stderr, "  key %zu claim %s: not %d\n", k, csra_claim_get(c)->name, want);
		return 0;
	}
	return 1;
}

static int text_claim(const csra_value_type t, const csra_claim_value *v, const char *want)
{
	return v->type == t && v->len == strlen(want) && memcmp(v->bytes, want, v->len) == 0;
}

static int test_observe_keys(void)
{
	static const char *const uris[] = {
		"pkcs11:object=ec", "pkcs11:object=extractable", "pkcs11:object=nosign",
		"pkcs11:object=rsanopub", "pkcs11:object=dated",
	};
	csra_p11 *p = open_token();
	csra_result *r = NULL;
	csra_claim_value v;
	CHECK(p != NULL);
	int ok = token_evidence(p, uris, 5, &r);
	csra_p11_key *k = NULL;
	unsigned char *spki = NULL;
	int spki_len = 0;
	char err[256];
	if (ok && csra_p11_find_key(p, "pkcs11:object=ec", &k, err, sizeof(err)) == CSRA_OK)
		spki_len = i2d_PUBKEY(csra_p11_key_pubkey(k), &spki);
	csra_p11_key_free(&k);
	csra_p11_close(&p);
	CHECK(ok);
	ok = csra_result_key_count(r) == 5;
	/* "ec": generated inside, never extractable. */
	ok = ok && csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_IDENTIFIER, &v) &&
	    text_claim(CSRA_VALUE_UTF8, &v, "pkcs11:object=ec;id=%01");
	ok = ok && csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_SPKI, &v) && v.type == CSRA_VALUE_OCTETS &&
	    spki_len > 0 && v.len == (size_t)spki_len && memcmp(v.bytes, spki, v.len) == 0;
	ok = ok && bool_claim(r, 0, CSRA_CLAIM_KEY_EXTRACTABLE, 0) &&
	    bool_claim(r, 0, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) &&
	    bool_claim(r, 0, CSRA_CLAIM_KEY_SENSITIVE, 1) && bool_claim(r, 0, CSRA_CLAIM_KEY_LOCAL, 1);
	/* SoftHSM's defaults besides pkcs11-tool's CKA_SIGN/CKA_VERIFY:
	 * decrypt and unwrap on the private key, encrypt and wrap on the
	 * public one. */
	ok = ok && csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_PURPOSE, &v) &&
	    v.type == CSRA_VALUE_PURPOSES &&
	    v.purposes == (CSRA_PURPOSE_SIGN | CSRA_PURPOSE_DECRYPT | CSRA_PURPOSE_UNWRAP |
		CSRA_PURPOSE_ENCRYPT | CSRA_PURPOSE_VERIFY | CSRA_PURPOSE_WRAP);
	ok = ok && !csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXPIRY, &v);
	/* "extractable" */
	ok = ok && bool_claim(r, 1, CSRA_CLAIM_KEY_EXTRACTABLE, 1) &&
	    bool_claim(r, 1, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 0) &&
	    bool_claim(r, 1, CSRA_CLAIM_KEY_SENSITIVE, 1) && bool_claim(r, 1, CSRA_CLAIM_KEY_LOCAL, 1);
	/* "nosign": derive only, and its end date's last second. */
	ok = ok && csra_result_key_claim(r, 2, CSRA_CLAIM_KEY_PURPOSE, &v) &&
	    v.purposes == CSRA_PURPOSE_DERIVE;
	ok = ok && csra_result_key_claim(r, 2, CSRA_CLAIM_KEY_EXPIRY, &v) && v.type == CSRA_VALUE_TIME &&
	    v.time == (time_t)1924991999;	/* 2030-12-31T23:59:59Z */
	/* "rsanopub": no public key object, so no public-key capability. */
	ok = ok && csra_result_key_claim(r, 3, CSRA_CLAIM_KEY_PURPOSE, &v) &&
	    v.purposes == (CSRA_PURPOSE_SIGN | CSRA_PURPOSE_DECRYPT | CSRA_PURPOSE_UNWRAP);
	/* "dated": the end date the token would not give is left out, the
	 * rest is there. */
	ok = ok && !csra_result_key_claim(r, 4, CSRA_CLAIM_KEY_EXPIRY, &v) &&
	    bool_claim(r, 4, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, 1) &&
	    csra_result_key_claim(r, 4, CSRA_CLAIM_KEY_PURPOSE, &v);
	OPENSSL_free(spki);
	csra_result_free(&r);
	CHECK(ok);
	return 1;
}

static int digits_dot_digits(const csra_claim_value *v)
{
	size_t i = 0, dots = 0;
	if (v->type != CSRA_VALUE_UTF8 || v->len == 0)
		return 0;
	for (i = 0; i < v->len; i++) {
		if (v->bytes[i] == '.')
			dots++;
		else if (v->bytes[i] < '0' || v->bytes[i] > '9')
			return 0;
	}
	return dots == 1 && v->bytes[0] != '.' && v->bytes[v->len - 1] != '.';
}

static int test_observe_platform(void)
{
	static const char *const uris[] = { "pkcs11:object=ec" };
	csra_p11 *p = open_token();
	csra_result *r = NULL;
	csra_claim_value v;
	CHECK(p != NULL);
	int ok = token_evidence(p, uris, 1, &r);
	csra_p11_close(&p);
	CHECK(ok);
	/* What SoftHSM 2 reports in CK_TOKEN_INFO, trimmed. */
	ok = csra_result_platform_claim(r, CSRA_CLAIM_VENDOR, &v) &&
	    text_claim(CSRA_VALUE_UTF8, &v, "SoftHSM project");
	ok = ok && csra_result_platform_claim(r, CSRA_CLAIM_HWMODEL, &v) &&
	    text_claim(CSRA_VALUE_OCTETS, &v, "SoftHSM v2");
	ok = ok && csra_result_platform_claim(r, CSRA_CLAIM_HWSERIAL, &v) && v.type == CSRA_VALUE_UTF8 &&
	    v.len == 16;
	for (size_t i = 0; ok && i < v.len; i++)
		ok = strchr("0123456789abcdef", v.bytes[i]) != NULL && v.bytes[i] != 0;
	ok = ok && csra_result_platform_claim(r, CSRA_CLAIM_HWVERSION, &v) && digits_dot_digits(&v);
	ok = ok && csra_result_platform_claim(r, CSRA_CLAIM_SWVERSION, &v) && digits_dot_digits(&v);
	ok = ok && !csra_result_platform_claim(r, CSRA_CLAIM_FIPSLEVEL, &v);
	csra_result_free(&r);
	CHECK(ok);
	return 1;
}

static int test_find_cert(void)
{
	csra_p11 *p = open_token();
	X509 *x = NULL, *y = NULL;
	char err[256];
	CHECK(p != NULL);
	int ok = csra_p11_find_cert(p, "pkcs11:object=akcert;type=cert", &x, err, sizeof(err)) == CSRA_OK &&
	    X509_cmp(x, ak_cert) == 0 &&
	    /* id 01 is the "ec" key's too: the class tells them apart */
	    csra_p11_find_cert(p, "pkcs11:id=%01", &y, err, sizeof(err)) == CSRA_OK && X509_cmp(y, ak_cert) == 0;
	X509_free(x);
	X509_free(y);
	x = NULL;
	ok = ok && csra_p11_find_cert(p, "pkcs11:object=nocert", &x, err, sizeof(err)) == CSRA_ERR_P11_NO_CERT &&
	    x == NULL && strstr(err, "nocert") != NULL &&
	    csra_p11_find_cert(p, "pkcs11:object=ec;id=%02", &x, err, sizeof(err)) == CSRA_ERR_P11_NO_CERT &&
	    csra_p11_find_cert(p, "pkcs11:token=elsewhere", &x, err, sizeof(err)) == CSRA_ERR_P11_NO_CERT;
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

/* Opens of one module share its initialisation: closing one leaves the
 * other working; after the last close it initialises afresh. */
static int test_two_sessions(void)
{
	csra_p11 *a = open_token(), *b = open_token();
	csra_p11_key *k = NULL;
	csra_signer *s = NULL;
	csra_err e;
	char err[256];
	CHECK(a != NULL && b != NULL);
	csra_p11_close(&a);
	int ok = csra_p11_find_key(b, "pkcs11:object=ec", &k, err, sizeof(err)) == CSRA_OK &&
	    (s = csra_p11_key_signer(k, &e, err, sizeof(err))) != NULL &&
	    sign_and_verify(s, csra_p11_key_pubkey(k), NID_ecdsa_with_SHA256, EVP_sha256(), 0);
	csra_signer_free(&s);
	csra_p11_key_free(&k);
	csra_p11_close(&b);
	CHECK(ok);
	for (int i = 0; i < 3; i++) {
		a = open_token();
		CHECK(a != NULL);
		ok = csra_p11_find_key(a, "pkcs11:object=rsa", &k, err, sizeof(err)) == CSRA_OK;
		csra_p11_key_free(&k);
		csra_p11_close(&a);
		CHECK(ok);
	}
	return 1;
}

/* The fake module (p11_fake.c) ------------------------------------- */

static int fake_open_fails(const char *mode, const char *uri, const char *pin, csra_err want,
    const char *part)
{
	CHECK(setenv("CSRA_FAKE_P11", mode, 1) == 0);
	return open_fails(CSRA_P11_FAKE, uri, pin, want, part);
}

static int test_fake_open(void)
{
	/* Kept loaded here, so that its counter outlives our closes. */
	void *h = dlopen(CSRA_P11_FAKE, RTLD_NOW | RTLD_LOCAL);
	CHECK(h != NULL);
	int *finalized = dlsym(h, "csra_fake_finalized");
	csra_p11 *p = NULL;
	char err[256];
	int ok = finalized != NULL &&
	    fake_open_fails("init-fails", "pkcs11:", PIN, CSRA_ERR_P11_MODULE,
		"C_Initialize failed: CKR_GENERAL_ERROR") &&
	    fake_open_fails("pin-locked", "pkcs11:", PIN, CSRA_ERR_P11_PIN_LOCKED, "CKR_PIN_LOCKED") &&
	    fake_open_fails("", "pkcs11:", "0000", CSRA_ERR_P11_PIN, "CKR_PIN_INCORRECT") &&
	    fake_open_fails("login-fails", "pkcs11:", PIN, CSRA_ERR_P11_FUNCTION, "CKR_DEVICE_ERROR") &&
	    fake_open_fails("two-tokens", "pkcs11:token=fake", PIN, CSRA_ERR_P11_TOKEN,
		"2 tokens match the URI (tokens: \"fake\", \"fake\")");
	/* Already logged in is fine; the slot tells two tokens apart; '&'
	 * needs no escape in the path. */
	ok = ok && setenv("CSRA_FAKE_P11", "logged-in", 1) == 0 &&
	    csra_p11_open(CSRA_P11_FAKE, "pkcs11:token=fake", PIN, &p, err, sizeof(err)) == CSRA_OK;
	csra_p11_close(&p);
	ok = ok && setenv("CSRA_FAKE_P11", "two-tokens", 1) == 0 &&
	    csra_p11_open(CSRA_P11_FAKE, "pkcs11:manufacturer=Fake%20&%20Co;slot-id=8", PIN, &p, err,
		sizeof(err)) == CSRA_OK;
	csra_p11_close(&p);
	/* We finalise what we initialised, and not what was initialised
	 * before us. */
	int before = finalized != NULL ? *finalized : -1;
	ok = ok && setenv("CSRA_FAKE_P11", "", 1) == 0 &&
	    csra_p11_open(CSRA_P11_FAKE, "pkcs11:", PIN, &p, err, sizeof(err)) == CSRA_OK;
	csra_p11_close(&p);
	ok = ok && *finalized == before + 1 && setenv("CSRA_FAKE_P11", "already", 1) == 0 &&
	    csra_p11_open(CSRA_P11_FAKE, "pkcs11:", PIN, &p, err, sizeof(err)) == CSRA_OK;
	csra_p11_close(&p);
	ok = ok && *finalized == before + 1;
	dlclose(h);
	CHECK(ok);
	return 1;
}

static int test_fake_key(void)
{
	static const char *const uris[] = { "pkcs11:object=k" };
	static const uint8_t base_point_x[] = { 0x6b, 0x17, 0xd1, 0xf2 };
	csra_p11 *p = NULL;
	csra_p11_key *k = NULL;
	csra_signer *s = NULL, *ak = NULL;
	csra_result *r = NULL;
	csra_claim_value v;
	csra_err e;
	char err[256];
	uint8_t pt[80], *alg = NULL, *sig = NULL;
	size_t pt_len = 0, alg_len, sig_len;
	CHECK(setenv("CSRA_FAKE_P11", "", 1) == 0);
	CHECK(csra_p11_open(CSRA_P11_FAKE, "pkcs11:token=fake", PIN, &p, err, sizeof(err)) == CSRA_OK);
	/* A bare EC point is taken as well as the OCTET STRING. */
	int ok = csra_p11_find_key(p, "pkcs11:object=k", &k, err, sizeof(err)) == CSRA_OK &&
	    EVP_PKEY_get_octet_string_param(csra_p11_key_pubkey(k), OSSL_PKEY_PARAM_PUB_KEY, pt,
		sizeof(pt), &pt_len) == 1 &&
	    pt_len == 65 && memcmp(pt + 1, base_point_x, sizeof(base_point_x)) == 0;
	/* C_Sign fails: the signature fails, every time, nothing hangs. */
	ok = ok && (s = csra_p11_key_signer(k, &e, err, sizeof(err))) != NULL &&
	    csra_signer_sign(s, (const uint8_t *)"m", 1, &alg, &alg_len, &sig, &sig_len) ==
		CSRA_ERR_P11_FUNCTION &&
	    csra_signer_sign(s, (const uint8_t *)"m", 1, &alg, &alg_len, &sig, &sig_len) ==
		CSRA_ERR_P11_FUNCTION && alg == NULL && sig == NULL;
	/* What the token will not say is not claimed: extractable
	 * (sensitive), never-extractable (absent), local (failed), expiry
	 * (blank). */
	ak = csra_signer_new_pkey(pki.ak_key);
	ok = ok && evidence_for(p, uris, 1, ak, pki.ak, &r);
	ok = ok && bool_claim(r, 0, CSRA_CLAIM_KEY_SENSITIVE, 1) &&
	    !csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXTRACTABLE, &v) &&
	    !csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, &v) &&
	    !csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_LOCAL, &v) &&
	    !csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_EXPIRY, &v) &&
	    csra_result_key_claim(r, 0, CSRA_CLAIM_KEY_PURPOSE, &v) &&
	    v.purposes == (CSRA_PURPOSE_SIGN | CSRA_PURPOSE_VERIFY);
	ok = ok && csra_result_platform_claim(r, CSRA_CLAIM_VENDOR, &v) &&
	    text_claim(CSRA_VALUE_UTF8, &v, "Fake & Co") &&
	    csra_result_platform_claim(r, CSRA_CLAIM_HWMODEL, &v) &&
	    text_claim(CSRA_VALUE_OCTETS, &v, "fake-model") &&
	    csra_result_platform_claim(r, CSRA_CLAIM_HWSERIAL, &v) &&
	    text_claim(CSRA_VALUE_UTF8, &v, "0001") &&
	    csra_result_platform_claim(r, CSRA_CLAIM_HWVERSION, &v) && text_claim(CSRA_VALUE_UTF8, &v, "1.2") &&
	    csra_result_platform_claim(r, CSRA_CLAIM_SWVERSION, &v) && text_claim(CSRA_VALUE_UTF8, &v, "3.40");
	csra_result_free(&r);
	csra_signer_free(&ak);
	csra_signer_free(&s);
	csra_p11_key_free(&k);
	csra_p11_close(&p);
	/* A session that fails fails the search, with the CKR_ name. */
	ok = ok && setenv("CSRA_FAKE_P11", "session-error", 1) == 0 &&
	    csra_p11_open(CSRA_P11_FAKE, "pkcs11:", PIN, &p, err, sizeof(err)) == CSRA_OK &&
	    find_fails(p, "pkcs11:object=k", CSRA_ERR_P11_FUNCTION, "CKR_DEVICE_REMOVED");
	csra_p11_close(&p);
	CHECK(ok);
	return 1;
}

static int test_argument_checks(void)
{
	csra_p11 *p = NULL;
	csra_p11_key *k = NULL;
	X509 *x = NULL;
	csra_err e = CSRA_OK;
	char err[8];
	CHECK(csra_p11_open(MODULE, TOKEN, PIN, NULL, NULL, 0) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_p11_find_key(NULL, "pkcs11:", &k, NULL, 0) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_p11_find_cert(NULL, "pkcs11:", &x, NULL, 0) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_p11_key_signer(NULL, &e, NULL, 0) == NULL && e == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_p11_key_pubkey(NULL) == NULL && csra_p11_key_identifier(NULL) == NULL);
	CHECK(csra_p11_key_observe(NULL, NULL, NULL) == CSRA_ERR_INVALID_ARGUMENT);
	CHECK(csra_p11_observe_platform(NULL, NULL) == CSRA_ERR_INVALID_ARGUMENT);
	csra_p11_key_free(NULL);
	csra_p11_key_free(&k);
	/* A small message buffer is cut, not overrun. */
	CHECK(csra_p11_open(MODULE, "pkcs11:token=nonexistent", PIN, &p, err, sizeof(err)) ==
	    CSRA_ERR_P11_TOKEN);
	CHECK(strlen(err) == sizeof(err) - 1);
	return 1;
}

int main(void)
{
	static const tu_test tests[] = {
		TU(setup), TU(test_open_right_pin), TU(test_pin_source), TU(test_wrong_pin),
		TU(test_module_errors), TU(test_token_errors), TU(test_bad_uris), TU(test_find_key_errors),
		TU(test_identifier), TU(test_signer_refused), TU(test_sign_ec), TU(test_sign_rsa),
		TU(test_observe_keys), TU(test_observe_platform), TU(test_find_cert), TU(test_two_sessions),
		TU(test_fake_open), TU(test_fake_key), TU(test_argument_checks),
	};
	if (!tools_present()) {
		printf("%s: needs %s, softhsm2-util and pkcs11-tool (softhsm2, opensc)\n",
		    getenv("CSRA_REQUIRE_SOFTHSM") ? "FAIL" : "skipped", MODULE);
		return getenv("CSRA_REQUIRE_SOFTHSM") ? 1 : 77;	/* CI must not skip */
	}
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	cleanup();
	return rc;
}

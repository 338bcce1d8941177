/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The producing side of csrattest: "request create" (an attestation
 * request), "evidence create" (signed PKIX Evidence answering one, from a
 * claims file and/or a PKCS#11 token) and "csr create" (a PKCS#10 or CRMF
 * request carrying Evidence in an AttestationBundle). Outputs are written
 * atomically (cli_write_file_atomic); PINs never come from the command
 * line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crmf.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cli.h"
#include "csra_codec_int.h"
#include "csra_input.h"
#include "csra_oid_table.h"
#include "csrattest/attest.h"
#include "csrattest/build.h"
#include "csrattest/codec.h"
#include "csrattest/pkcs11.h"
#include "csrattest/signer.h"

/* The most repeatable options (--claim, --key, --evidence, ...) a command takes. */
#define MAX_REPEAT 32

static const char usage_request[] =
    "Usage: csrattest request create [--claim NAME]... [--all-claims] [--nonce HEX]\n"
    "           [--key-id ID]... --out FILE\n"
    "\n"
    "Build an attestation request (draft-ietf-rats-pkix-key-attestation-07): a\n"
    "TbsEvidence, DER, naming the claims the verifier wants, with values only\n"
    "for the nonce and for key identifiers. Give it to the attester (csrattest\n"
    "evidence create --request FILE).\n"
    "\n"
    "Options:\n"
    "  --claim NAME     ask for claim NAME (may repeat): transaction timestamp,\n"
    "                   ak-spki; platform vendor, oemid, hwmodel, hwversion,\n"
    "                   hwserial, swname, swversion, dbgstat, uptime, bootcount,\n"
    "                   fipsboot, fipsver, fipslevel, fipsmodule; key spki,\n"
    "                   extractable, sensitive, never-extractable, local, expiry,\n"
    "                   purpose\n"
    "  --all-claims     ask for every claim of the draft except nonce\n"
    "  --nonce HEX      the verifier's nonce (even number of hex digits)\n"
    "  --key-id ID      ask about the key with identifier ID (may repeat); without\n"
    "                   it, key claims ask about every key the attester holds\n"
    "  --out FILE       where to write the request (\"-\": stdout)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest request create --all-claims --nonce 0c9e7876bdedc1c3 --out req.der\n"
    "  csrattest request create --claim fipslevel --claim extractable \\\n"
    "      --key-id 'pkcs11:object=cs-ec;id=%01' --nonce 00ff --out req.der\n"
    "\n"
    "Exit status: 0 written, 3 usage or I/O error.\n";

static const char usage_evidence[] =
    "Usage: csrattest evidence create --out FILE --ak FILE|pkcs11:URI\n"
    "           [--ak-cert FILE|pkcs11:URI] (--claims FILE | --module PATH --key pkcs11:URI)\n"
    "           [options]\n"
    "\n"
    "Make signed PKIX Evidence (draft-ietf-rats-pkix-key-attestation-07): collect\n"
    "claims, answer an attestation request under the draft's processing rules,\n"
    "and sign the answer with the attestation key (AK). The report lists every\n"
    "claim reported with its source (observed: read from the token; declared:\n"
    "the operator's word; presenter: copied from the request; attester: made\n"
    "while answering) and every requested claim left out.\n"
    "\n"
    "Claim sources (at least one):\n"
    "  --claims FILE          a claims file (JSON, docs/attester.md); its claims are\n"
    "                         the operator's declaration\n"
    "  --module PATH          PKCS#11 module (default: the URI's module-path)\n"
    "  --key pkcs11:URI       observe this private key (may repeat): spki,\n"
    "                         extractable, never-extractable, sensitive, local,\n"
    "                         purpose, expiry; and the token's vendor, model, serial\n"
    "                         and versions. The token is the one the first pkcs11:\n"
    "                         URI (--key, else --ak, else --ak-cert) selects by its\n"
    "                         token attributes; the others name objects in it\n"
    "  --declare FILE         claims the operator declares on top of what the token\n"
    "                         reports (a claims file, e.g. {\"platform\": {\"fipsboot\":\n"
    "                         true, \"fipslevel\": 3}}); a claim the token reports\n"
    "                         cannot be declared\n"
    "  --pin-file FILE        the user PIN is the first line of FILE; else the\n"
    "                         CSRATTEST_PIN environment variable; else the URI's\n"
    "                         pin-value or pin-source. Never on the command line\n"
    "\n"
    "Attestation key:\n"
    "  --ak FILE|pkcs11:URI   PEM private key, or a key in the same token\n"
    "  --ak-cert FILE|pkcs11:URI  its certificate (PEM, first one in FILE), needed\n"
    "                         unless --sid is spki\n"
    "  --chain FILE           intermediate certificates (PEM, any number; may repeat)\n"
    "  --sid LIST             how the signature names the AK: cert, spki, keyid,\n"
    "                         comma-separated (default cert)\n"
    "  --pss                  RSASSA-PSS with SHA-256 (an RSA AK)\n"
    "\n"
    "What to answer:\n"
    "  --request FILE         an attestation request (DER or base64; csrattest\n"
    "                         request create); default: everything the attester holds\n"
    "  --nonce HEX            the nonce, when there is no --request\n"
    "  --at TIME              the attester's clock: YYYY-MM-DDTHH:MM:SSZ or @SECONDS\n"
    "\n"
    "Output:\n"
    "  --out FILE             where to write the Evidence (\"-\": stdout; the report\n"
    "                         then goes to stderr)\n"
    "  --der                  DER instead of PEM (-----BEGIN EVIDENCE-----)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest evidence create --claims claims.json --ak ak-key.pem --ak-cert ak.pem \\\n"
    "      --chain vendor-intermediate.pem --request req.der --out ev.pem\n"
    "  CSRATTEST_PIN=... csrattest evidence create --module /usr/lib/softhsm/libsofthsm2.so \\\n"
    "      --key 'pkcs11:token=hsm1;object=cs-ec' --ak 'pkcs11:token=hsm1;object=ak' \\\n"
    "      --ak-cert ak.pem --declare fips.json --nonce 0c9e7876bdedc1c3 --out ev.pem\n"
    "\n"
    "Exit status: 0 written; 1 refused: a request the draft's rules make the\n"
    "attester refuse, or the token refused (PIN wrong or locked, no such key or\n"
    "certificate, key cannot sign); 2 malformed input (request, claims file, PEM\n"
    "key); 3 usage, I/O or resource error (a module that does not load).\n";

static const char usage_csr[] =
    "Usage: csrattest csr create --key FILE|pkcs11:URI --subject DN --out FILE\n"
    "           [--evidence FILE]... [--cert FILE]... [--format pkcs10|crmf] [--der]\n"
    "           [--legacy [--hint TEXT]] [--module PATH] [--pin-file FILE]\n"
    "\n"
    "Make a certificate request signed by the subject key (in a PKCS#11 token,\n"
    "the key signs inside it), carrying each Evidence as an id-stmt-pkix-evidence\n"
    "statement of an AttestationBundle (draft-ietf-lamps-csr-attestation-28):\n"
    "the id-aa-attestation attribute of PKCS#10, or extension of CRMF. Without\n"
    "--evidence, a plain request (for example the AK's own, for the vendor CA).\n"
    "Check the result with csrattest verify.\n"
    "\n"
    "Options:\n"
    "  --key FILE|pkcs11:URI  the subject key: PEM private key, or a token key\n"
    "  --module PATH          PKCS#11 module (default: the URI's module-path)\n"
    "  --pin-file FILE        as in evidence create (else CSRATTEST_PIN, else the\n"
    "                         URI's pin-value)\n"
    "  --subject DN           e.g. \"CN=Example Code Signing,O=Example Ltd,C=GB\":\n"
    "                         comma-separated TYPE=value, most specific first as in\n"
    "                         RFC 4514 (the last one is the first RDN); escapes\n"
    "                         (\\, quotes) and multi-valued RDNs (+) are not supported\n"
    "  --evidence FILE        PKIX Evidence (PEM or DER), decoded strictly (may repeat)\n"
    "  --cert FILE            certificates for the bundle's certs (PEM; may repeat)\n"
    "  --legacy               the EvidenceBundle of drafts -10..-21 instead\n"
    "  --hint TEXT            with --legacy: each statement's hint (IA5String, as in\n"
    "                         drafts -18..-21; without one, the EvidenceBundle is\n"
    "                         byte for byte the draft-28 AttestationBundle)\n"
    "  --format FORMAT        pkcs10 (default) or crmf (CertReqMessages, one message,\n"
    "                         certReqId 0, signature proof of possession)\n"
    "  --out FILE             where to write the request (\"-\": stdout)\n"
    "  --der                  DER (PKCS#10 is PEM CERTIFICATE REQUEST by default;\n"
    "                         CRMF is always DER)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Examples:\n"
    "  csrattest csr create --key key.pem --subject 'CN=Example Signer,O=Example' \\\n"
    "      --evidence ev.pem --out req.csr\n"
    "  csrattest csr create --module /usr/lib/softhsm/libsofthsm2.so \\\n"
    "      --key 'pkcs11:token=hsm1;object=cs-ec' --subject CN=signer --evidence ev.pem \\\n"
    "      --format crmf --out req.crmf\n"
    "  csrattest csr create --subject 'CN=HSM AK' --out ak.csr \\\n"
    "      --key 'pkcs11:token=hsm1;object=ak?module-path=/usr/lib/softhsm/libsofthsm2.so'\n"
    "\n"
    "Exit status: 0 written; 1 the token refused (PIN wrong or locked, no such\n"
    "key, key cannot sign); 2 malformed input (Evidence, PEM key or certificate);\n"
    "3 usage, I/O or resource error (a module that does not load).\n";

/* say prints "csrattest: <message>" and returns |rc|, so that an error
 * path is one statement. */
__attribute__((format(printf, 2, 3)))
static int say(int rc, const char *fmt, ...)
{
	va_list ap;
	fputs("csrattest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

/* Whether a --key/--ak/--ak-cert value names a token object rather than a file. */
static int is_uri(const char *s)
{
	return strncmp(s, "pkcs11:", 7) == 0;
}

/* shown_uri copies |uri| for a message with any pin-value replaced by
 * "***": a PIN in a URI must not end up in a log. */
static const char *shown_uri(const char *uri, char *buf, size_t cap)
{
	size_t o = 0;
	for (const char *p = uri; *p && o + 1 < cap;) {
		if (strncmp(p, "pin-value=", 10) == 0) {
			o += (size_t)snprintf(buf + o, cap - o, "pin-value=***");
			p += 10 + strcspn(p + 10, "&;");
		} else {
			buf[o++] = *p++;
		}
		if (o >= cap)
			o = cap - 1;
	}
	buf[o] = '\0';
	return buf;
}

/* A PEM pass phrase callback that never prompts: an encrypted key is
 * refused instead of hanging a script on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Reads |file| into memory, naming the option in errors. */
static int read_whole(const char *opt, const char *file, uint8_t **buf, size_t *len)
{
	int r = cli_read_file(file, buf, len);
	if (r < 0)
		return say(TOOL_EXIT_USAGE, "%s %s: %s", opt, file, strerror(errno));
	if (r > 0)
		return say(TOOL_EXIT_MALFORMED, "%s %s: larger than 16 MiB", opt, file);
	return TOOL_EXIT_OK;
}

/* Reads |file| as DER: PEM with a label |accept| names (0: no PEM
 * accepted; |want| is the label for messages), base64 or DER, through the
 * library's public reader. Errors name the file and the byte offset. */
static int load_der(const char *opt, const char *file, unsigned accept, const char *want,
    uint8_t **der, size_t *len)
{
	uint8_t *in;
	size_t in_len;
	int rc = read_whole(opt, file, &in, &in_len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	csra_input_info info;
	csra_err e = csra_input_read(in, in_len, accept, der, len, &info);
	free(in);
	if (e == CSRA_OK)
		return TOOL_EXIT_OK;
	if (e == CSRA_ERR_NOMEM)
		return say(TOOL_EXIT_USAGE, "%s %s: %s", opt, file, csra_strerror(e));
	if (e == CSRA_ERR_INPUT_WRONG_LABEL && accept == 0)
		return say(TOOL_EXIT_MALFORMED, "%s %s: PEM (%s) where DER or base64 is expected (%s)", opt,
		    file, info.label, csra_err_name(e));
	if (e == CSRA_ERR_INPUT_WRONG_LABEL)
		return say(TOOL_EXIT_MALFORMED, "%s %s: PEM label is %s, not %s (%s) at byte %zu", opt, file,
		    info.label, want, csra_err_name(e), info.err_offset);
	if (info.err_offset == CSRA_INPUT_NO_OFFSET)
		return say(TOOL_EXIT_MALFORMED, "%s %s: %s (%s)", opt, file, csra_strerror(e),
		    csra_err_name(e));
	return say(TOOL_EXIT_MALFORMED, "%s %s: %s (%s) at byte %zu", opt, file, csra_strerror(e),
	    csra_err_name(e), info.err_offset);
}

/* Prints a strict decode failure with its code, ASN.1 path and offset. */
static int decode_error(const char *opt, const char *file, csra_err e, const csra_diag *d)
{
	if (e == CSRA_ERR_NOMEM)
		return say(TOOL_EXIT_USAGE, "%s %s: %s", opt, file, csra_strerror(e));
	if (d->offset != SIZE_MAX)
		return say(TOOL_EXIT_MALFORMED, "%s %s: %s (%s) at %s, byte %zu", opt, file, csra_strerror(e),
		    csra_err_name(e), d->path[0] ? d->path : "?", d->offset);
	return say(TOOL_EXIT_MALFORMED, "%s %s: %s (%s) at %s", opt, file, csra_strerror(e),
	    csra_err_name(e), d->path[0] ? d->path : "?");
}

/* Reads a PEM private key; an unreadable one is malformed input. */
static int load_pkey(const char *opt, const char *file, EVP_PKEY **out)
{
	uint8_t *in;
	size_t len;
	int rc = read_whole(opt, file, &in, &len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	BIO *b = BIO_new_mem_buf(in, (int)len);
	*out = b ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) : NULL;
	BIO_free(b);
	OPENSSL_cleanse(in, len);
	free(in);
	if (*out == NULL)
		return say(TOOL_EXIT_MALFORMED, "%s %s: not an unencrypted PEM private key", opt, file);
	return TOOL_EXIT_OK;
}

/* Reads every PEM certificate in |file| onto |sk| (at least one). */
static int load_certs(const char *opt, const char *file, STACK_OF(X509) *sk)
{
	uint8_t *in;
	size_t len;
	int rc = read_whole(opt, file, &in, &len);
	if (rc != TOOL_EXIT_OK)
		return rc;
	BIO *b = BIO_new_mem_buf(in, (int)len);
	X509 *x;
	int n = 0;
	while (b != NULL && (x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)) != NULL) {
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			BIO_free(b);
			free(in);
			return say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
		}
		n++;
	}
	BIO_free(b);
	free(in);
	ERR_clear_error();
	if (n == 0)
		return say(TOOL_EXIT_MALFORMED, "%s %s: no PEM certificate in it", opt, file);
	return TOOL_EXIT_OK;
}

/* Reads the PIN: --pin-file's first line, else CSRATTEST_PIN, else NULL
 * (csra_p11_open then takes the URI's pin-value). */
static int read_pin(const char *pin_file, char **pin)
{
	*pin = NULL;
	if (pin_file != NULL) {
		uint8_t *in;
		size_t len;
		int rc = read_whole("--pin-file", pin_file, &in, &len);
		if (rc != TOOL_EXIT_OK)
			return rc;
		size_t n = 0;
		while (n < len && in[n] != '\n' && in[n] != '\r' && in[n] != '\0')
			n++;
		*pin = malloc(n + 1);
		if (*pin != NULL) {
			memcpy(*pin, in, n);
			(*pin)[n] = '\0';
		}
		OPENSSL_cleanse(in, len);
		free(in);
		if (*pin == NULL)
			return say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
		if (n == 0) {
			free(*pin);
			*pin = NULL;
			return say(TOOL_EXIT_USAGE, "--pin-file %s: the first line is empty", pin_file);
		}
		return TOOL_EXIT_OK;
	}
	const char *env = getenv("CSRATTEST_PIN");
	if (env != NULL && env[0] != '\0' && (*pin = strdup(env)) == NULL)
		return say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
	return TOOL_EXIT_OK;
}

/* Wipes the PIN before freeing it, so it does not linger on the heap. */
static void free_pin(char **pin)
{
	if (*pin != NULL) {
		OPENSSL_cleanse(*pin, strlen(*pin));
		free(*pin);
		*pin = NULL;
	}
}

/* The exit code of a PKCS#11 failure: what the token refuses is 1, a
 * module or URI problem is 3. */
static int p11_exit(csra_err e)
{
	switch (e) {
	case CSRA_ERR_P11_PIN:
	case CSRA_ERR_P11_PIN_LOCKED:
	case CSRA_ERR_P11_TOKEN:
	case CSRA_ERR_P11_NO_KEY:
	case CSRA_ERR_P11_AMBIGUOUS:
	case CSRA_ERR_P11_CANNOT_SIGN:
	case CSRA_ERR_P11_KEY_TYPE:
	case CSRA_ERR_P11_NO_CERT:
		return TOOL_EXIT_REJECTED;
	default:
		return TOOL_EXIT_USAGE;
	}
}

/* Prints a PKCS#11 failure with the library's detail (the CKR_ name). */
static int p11_error(const char *what, csra_err e, const char *detail)
{
	return say(p11_exit(e), "%s: %s (%s)%s%s", what, csra_strerror(e), csra_err_name(e),
	    detail && detail[0] ? ": " : "", detail ? detail : "");
}

/* One token session and the keys found in it, freed together: keys must
 * go before the session (csra_p11_close). */
struct tok {
	csra_p11 *p;
	csra_p11_key *keys[MAX_REPEAT + 2];
	size_t nkeys;
};

/* Frees the keys, then the session: the order csra_p11_close needs. */
static void tok_close(struct tok *t)
{
	for (size_t i = 0; i < t->nkeys; i++)
		csra_p11_key_free(&t->keys[i]);
	t->nkeys = 0;
	csra_p11_close(&t->p);
}

/* Opens the token |uri| selects, logged in with the PIN. */
static int tok_open(struct tok *t, const char *module, const char *uri, const char *pin_file)
{
	char *pin = NULL, err[256] = "";
	int rc = read_pin(pin_file, &pin);
	if (rc != TOOL_EXIT_OK)
		return rc;
	csra_err e = csra_p11_open(module, uri, pin, &t->p, err, sizeof(err));
	free_pin(&pin);
	if (e != CSRA_OK) {
		char what[600], u[512];
		if (e == CSRA_ERR_P11_MODULE)
			snprintf(what, sizeof(what), "--module %s", module ? module : "(the URI's module-path)");
		else
			snprintf(what, sizeof(what), "token of %s", shown_uri(uri, u, sizeof(u)));
		return p11_error(what, e, err);
	}
	return TOOL_EXIT_OK;
}

/* Finds the private key |uri| names in the open token. */
static int tok_key(struct tok *t, const char *opt, const char *uri, csra_p11_key **k)
{
	char err[256] = "";
	if (t->nkeys == sizeof(t->keys) / sizeof(t->keys[0]))
		return say(TOOL_EXIT_USAGE, "%s: too many keys", opt);
	csra_err e = csra_p11_find_key(t->p, uri, k, err, sizeof(err));
	if (e != CSRA_OK) {
		char what[600], u[512];
		snprintf(what, sizeof(what), "%s %s", opt, shown_uri(uri, u, sizeof(u)));
		return p11_error(what, e, err);
	}
	t->keys[t->nkeys++] = *k;
	return TOOL_EXIT_OK;
}

/* Makes a signer for the token key |k|. */
static int tok_signer(const char *opt, const char *uri, csra_p11_key *k, csra_signer **s)
{
	char err[256] = "";
	csra_err e = CSRA_ERR_NOMEM;
	if ((*s = csra_p11_key_signer(k, &e, err, sizeof(err))) == NULL) {
		char what[600], u[512];
		snprintf(what, sizeof(what), "%s %s", opt, shown_uri(uri, u, sizeof(u)));
		return p11_error(what, e, err);
	}
	return TOOL_EXIT_OK;
}

/* Writes |der| as PEM with |label|, or as it is when |label| is NULL. */
static int write_output(const char *path, const char *label, const uint8_t *der, size_t len)
{
	BIO *b = NULL;
	const uint8_t *data = der;
	size_t n = len;
	if (label != NULL) {
		char *p;
		b = BIO_new(BIO_s_mem());
		if (b == NULL || !PEM_write_bio(b, label, "", der, (long)len)) {
			BIO_free(b);
			return say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
		}
		long m = BIO_get_mem_data(b, &p);
		data = (const uint8_t *)p;
		n = (size_t)m;
	}
	int r = cli_write_file_atomic(path, data, n);
	int saved = errno;
	BIO_free(b);
	if (r != 0)
		return say(TOOL_EXIT_USAGE, "--out %s: %s", path, strerror(saved));
	return TOOL_EXIT_OK;
}

/* The stream for human-readable lines: stdout, unless the output itself
 * goes there. */
static FILE *info_stream(const char *out)
{
	return strcmp(out, "-") == 0 ? stderr : stdout;
}

/* Whether |a| is option |name|; if it takes a value and none follows, a
 * usage error is printed and |*bad| set. */
static int opt_is(const char *cmd, const char *a, const char *name, int takes, int i, int argc, int *bad)
{
	if (strcmp(a, name) != 0)
		return 0;
	if (takes && i + 1 >= argc) {
		cli_usage_error("%s: %s needs a value", cmd, name);
		*bad = 1;
	}
	return 1;
}

/* A PIN on the command line would be visible to every user of the
 * machine (ps, /proc): refused with the way to give it instead. */
static int pin_option(const char *cmd, const char *a)
{
	if (strcmp(a, "--pin") != 0 && strncmp(a, "--pin=", 6) != 0 && strcmp(a, "--so-pin") != 0)
		return 0;
	cli_usage_error("%s: the PIN is never taken on the command line; use --pin-file FILE or "
	    "the CSRATTEST_PIN environment variable", cmd);
	return 1;
}

/* Adds |v| to the repeated option |list| (at most MAX_REPEAT). */
static int push_opt(const char *cmd, const char *opt, const char **list, size_t *n, const char *v)
{
	if (*n == MAX_REPEAT) {
		cli_usage_error("%s: %s given more than %d times", cmd, opt, MAX_REPEAT);
		return 0;
	}
	list[(*n)++] = v;
	return 1;
}

/* Runs before each command: 0 to go on with "NAME create ...", else the
 * exit status (help printed, or a usage error). */
static int expect_create(const char *name, const char *usage, int argc, char **argv, int *rc)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return 0;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		*rc = cli_finish(TOOL_EXIT_OK);
	} else {
		cli_usage_error("%s: the subcommand is create (csrattest %s create --help)", name, name);
		*rc = TOOL_EXIT_USAGE;
	}
	return 1;
}

/* Sets |*nonce| from --nonce's hex value |v|; 0 after a usage error. */
static int nonce_opt(const char *cmd, const char *v, uint8_t **nonce, size_t *len)
{
	free(*nonce);
	*nonce = NULL;
	if (cli_parse_hex(v, nonce, len))
		return 1;
	cli_usage_error("%s: --nonce wants an even number of hex digits", cmd);
	return 0;
}

/* The options of the commands that write a signed object with a key from
 * a file or a token. */
struct outopts {
	const char *out, *module, *pin_file;
	int der;
};

/* Takes argv[*i] if it is one of struct outopts' options (moving *i past
 * its value); returns 0 if it is not. */
static int out_opt(const char *cmd, char **argv, int *i, int argc, int *bad, struct outopts *o)
{
	const char *a = argv[*i];
	const char **v = NULL;
	if (opt_is(cmd, a, "--der", 0, *i, argc, bad))
		o->der = 1;
	else if (opt_is(cmd, a, "--out", 1, *i, argc, bad))
		v = &o->out;
	else if (opt_is(cmd, a, "--module", 1, *i, argc, bad))
		v = &o->module;
	else if (opt_is(cmd, a, "--pin-file", 1, *i, argc, bad))
		v = &o->pin_file;
	else
		return 0;
	if (v != NULL && !*bad)
		*v = argv[++*i];
	return 1;
}

/* A signer for |spec| (option |opt|): the key a pkcs11: URI names in the
 * open token |t|, or |pkey| read from a file. */
static int key_signer(struct tok *t, const char *opt, const char *spec, EVP_PKEY *pkey,
    csra_signer **s)
{
	if (is_uri(spec)) {
		csra_p11_key *k;
		int rc = tok_key(t, opt, spec, &k);
		return rc != TOOL_EXIT_OK ? rc : tok_signer(opt, spec, k, s);
	}
	if ((*s = csra_signer_new_pkey(pkey)) == NULL)
		return say(TOOL_EXIT_USAGE, "%s %s: a key type csrattest cannot sign with", opt, spec);
	return TOOL_EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* request create */

/* The claim of the draft named |name|, or CSRA_CLAIM_UNKNOWN; warns of
 * an old name still read for one release. */
static csra_claim claim_by_name(const char *cmd, const char *name)
{
	int old;
	csra_claim c = csra_claim_from_name(name, &old);
	if (old)
		fprintf(stderr, "csrattest: warning: %s: --claim %s is the old name of %s (the draft's); "
		    "it goes in the next release\n", cmd, name, csra_claim_get(c)->name);
	return c;
}

int cmd_request(int argc, char **argv)
{
	static const char cmd[] = "request create";
	int rc = TOOL_EXIT_USAGE;
	if (expect_create("request", usage_request, argc, argv, &rc))
		return rc;
	const char *out = NULL, *key_ids[MAX_REPEAT];
	size_t nkey_ids = 0, nclaims = 0, nonce_len = 0, len = 0;
	csra_claim claims[CSRA_CLAIM_KEY_PURPOSE + 1];
	int all = 0, bad = 0;
	uint8_t *nonce = NULL, *der = NULL;
	for (int i = 2; i < argc && !bad; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_request, stdout);
			rc = TOOL_EXIT_OK;
			goto out;
		} else if (opt_is(cmd, a, "--claim", 1, i, argc, &bad)) {
			if (bad)
				break;
			const char *v = argv[++i];
			csra_claim c = claim_by_name(cmd, v);
			if (c == CSRA_CLAIM_NONCE || c == CSRA_CLAIM_KEY_IDENTIFIER) {
				cli_usage_error("%s: --claim %s: give it with %s", cmd, v,
				    c == CSRA_CLAIM_NONCE ? "--nonce HEX" : "--key-id ID");
				goto out;
			}
			if (c == CSRA_CLAIM_UNKNOWN) {
				cli_usage_error("%s: --claim '%.64s' is not a claim of the draft (see --help)", cmd, v);
				goto out;
			}
			for (size_t k = 0; k < nclaims; k++) {
				if (claims[k] == c) {
					cli_usage_error("%s: --claim %s given twice", cmd, v);
					goto out;
				}
			}
			claims[nclaims++] = c;
		} else if (strcmp(a, "--all-claims") == 0) {
			all = 1;
		} else if (opt_is(cmd, a, "--nonce", 1, i, argc, &bad)) {
			if (!bad && !nonce_opt(cmd, argv[++i], &nonce, &nonce_len))
				goto out;
		} else if (opt_is(cmd, a, "--key-id", 1, i, argc, &bad)) {
			if (bad)
				break;
			const char *v = argv[++i];
			if (v[0] == '\0') {
				cli_usage_error("%s: --key-id must not be empty", cmd);
				goto out;
			}
			for (size_t k = 0; k < nkey_ids; k++) {
				if (strcmp(key_ids[k], v) == 0) {
					cli_usage_error("%s: --key-id '%.64s' given twice", cmd, v);
					goto out;
				}
			}
			if (!push_opt(cmd, a, key_ids, &nkey_ids, v))
				goto out;
		} else if (opt_is(cmd, a, "--out", 1, i, argc, &bad)) {
			if (bad)
				break;
			out = argv[++i];
		} else {
			cli_usage_error("%s: unknown %s '%.64s'", cmd, a[0] == '-' ? "option" : "argument", a);
			goto out;
		}
	}
	if (bad)
		goto out;
	if (out == NULL) {
		cli_usage_error("%s: --out FILE is required", cmd);
		goto out;
	}
	if (all) {
		nclaims = 0;
		for (int c = 1; c <= CSRA_CLAIM_KEY_PURPOSE; c++)
			if (c != CSRA_CLAIM_NONCE && c != CSRA_CLAIM_KEY_IDENTIFIER)
				claims[nclaims++] = (csra_claim)c;
	}
	if (nclaims == 0 && nonce == NULL && nkey_ids == 0) {
		cli_usage_error("%s: nothing requested: give --claim, --all-claims, --nonce or --key-id", cmd);
		goto out;
	}
	csra_err e = csra_attest_request_new(claims, nclaims, nonce, nonce_len, key_ids, nkey_ids, &der, &len);
	if (e != CSRA_OK) {
		rc = say(TOOL_EXIT_USAGE, "%s: %s (%s)", cmd, csra_strerror(e), csra_err_name(e));
		goto out;
	}
	if ((rc = write_output(out, NULL, der, len)) == TOOL_EXIT_OK)
		fprintf(info_stream(out), "wrote %s: attestation request, %zu bytes\n", out, len);
out:
	free(nonce);
	free(der);
	return cli_finish(rc);
}

/* ------------------------------------------------------------------ */
/* evidence create */

/* Parses --sid's "cert,spki,keyid" into CSRA_SID_* bits. */
static int parse_sid(const char *s, unsigned *sid)
{
	*sid = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		unsigned bit = n == 4 && strncmp(s, "cert", 4) == 0 ? CSRA_SID_CERT
		    : n == 4 && strncmp(s, "spki", 4) == 0 ? CSRA_SID_SPKI
		    : n == 5 && strncmp(s, "keyid", 5) == 0 ? CSRA_SID_KEYID : 0;
		if (bit == 0 || (*sid & bit))
			return 0;
		*sid |= bit;
		s += n;
		if (*s == ',' && *++s == '\0')
			return 0;
	}
	return *sid != 0;
}

/* Whether |x| carries extendedKeyUsage id-kp-attestationKey, which the
 * draft's verifiers require of an AK certificate. */
static int has_ak_eku(X509 *x)
{
	const csra_oid_entry *o = &csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY];
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	int found = 0;
	for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *obj = sk_ASN1_OBJECT_value(eku, i);
		found |= OBJ_length(obj) == o->der_len && memcmp(OBJ_get0_data(obj), o->der, o->der_len) == 0;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

/* The exit code of csra_attester_process's failure |e|. */
static int process_exit(csra_err e)
{
	if (((e >= CSRA_ERR_ATTREQ_UNKNOWN_ELEMENT && e <= CSRA_ERR_ATTREQ_NO_KEYS) ||
	    e == CSRA_ERR_ATTREQ_NOTHING) && e != CSRA_ERR_ATTREQ_NO_SIGNER)
		return TOOL_EXIT_REJECTED;
	if ((e >= CSRA_ERR_INPUT_EMPTY && e <= CSRA_ERR_INPUT_MULTIPLE_PEM) ||
	    (e >= CSRA_ERR_DER_TRUNCATED && e <= CSRA_ERR_DER_DECODER) || e == CSRA_ERR_EV_VERSION)
		return TOOL_EXIT_MALFORMED;
	if (e >= CSRA_ERR_P11_MODULE && e <= CSRA_ERR_P11_NO_CERT)
		return p11_exit(e);
	return TOOL_EXIT_USAGE;
}

/* Prints the report: one line per item, then a warning if any included
 * claim is only the operator's word, which the Evidence cannot show. */
static void print_report(FILE *f, const csra_attest_report *rep)
{
	size_t n = csra_attest_report_count(rep), inc = 0;
	for (size_t i = 0; i < n; i++) {
		int included;
		csra_attest_report_item(rep, i, NULL, NULL, &included, NULL, NULL);
		inc += included != 0;
	}
	fprintf(f, "evidence: %zu claim%s reported, %zu left out\n", inc, inc == 1 ? "" : "s", n - inc);
	for (size_t i = 0; i < n; i++) {
		const char *el, *claim, *note;
		int included;
		csra_claim_source src;
		csra_attest_report_item(rep, i, &el, &claim, &included, &src, &note);
		const char *source = included ? csra_claim_source_name(src) : "left-out";
		if (note[0])
			fprintf(f, "  %-12s %-18s %-10s %s\n", el, claim, source, note);
		else
			fprintf(f, "  %-12s %-18s %s\n", el, claim, source);
	}
	if (!csra_attest_report_declared(rep))
		return;
	size_t ndecl = 0;
	fputs("NOTE: ", f);
	for (size_t i = 0; i < n; i++) {
		const char *el, *claim;
		int included;
		csra_claim_source src;
		csra_attest_report_item(rep, i, &el, &claim, &included, &src, NULL);
		if (included && src == CSRA_SOURCE_DECLARED)
			fprintf(f, "%s%s.%s", ndecl++ ? ", " : "", el, claim);
	}
	fprintf(f, " %s the operator's declaration, not observed by the device; Evidence cannot mark "
	    "%s, so a verifier will take %s as the attester's.\n", ndecl == 1 ? "is" : "are",
	    ndecl == 1 ? "it" : "them", ndecl == 1 ? "it" : "them");
}

struct decl {
	const char *opt;	/* --claims or --declare */
	const char *file;
	uint8_t *json;
	size_t len;
};

int cmd_evidence(int argc, char **argv)
{
	static const char cmd[] = "evidence create";
	int rc = TOOL_EXIT_USAGE;
	if (expect_create("evidence", usage_evidence, argc, argv, &rc))
		return rc;
	struct outopts o = { 0 };
	const char *ak = NULL, *ak_cert = NULL, *request = NULL, *keys[MAX_REPEAT], *chains[MAX_REPEAT];
	struct decl decls[MAX_REPEAT];
	size_t nkeys = 0, nchains = 0, ndecls = 0, nonce_len = 0, req_len = 0, ev_len = 0;
	unsigned sid = CSRA_SID_CERT;
	int pss = 0, bad = 0, have_at = 0;
	time_t at = 0;
	uint8_t *nonce = NULL, *req = NULL, *ev = NULL;
	struct tok t = { 0 };
	csra_attester *a = NULL;
	csra_signer *signer = NULL;
	EVP_PKEY *ak_key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *inter = sk_X509_new_null();
	csra_attest_report *rep = NULL;
	memset(decls, 0, sizeof(decls));
	if (inter == NULL)
		return say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
	for (int i = 2; i < argc && !bad; i++) {
		const char *a1 = argv[i];
		if (strcmp(a1, "-h") == 0 || strcmp(a1, "--help") == 0) {
			fputs(usage_evidence, stdout);
			rc = TOOL_EXIT_OK;
			goto out;
		} else if (pin_option(cmd, a1)) {
			goto out;
		} else if (out_opt(cmd, argv, &i, argc, &bad, &o)) {
			continue;
		} else if (opt_is(cmd, a1, "--pss", 0, i, argc, &bad)) {
			pss = 1;
		} else if (opt_is(cmd, a1, "--key", 1, i, argc, &bad)) {
			if (bad)
				break;
			if (!is_uri(argv[i + 1])) {
				cli_usage_error("%s: --key wants a pkcs11: URI (a key to observe in a token)", cmd);
				goto out;
			}
			if (!push_opt(cmd, a1, keys, &nkeys, argv[++i]))
				goto out;
		} else if (opt_is(cmd, a1, "--claims", 1, i, argc, &bad) ||
		    opt_is(cmd, a1, "--declare", 1, i, argc, &bad)) {
			if (bad)
				break;
			if (ndecls == MAX_REPEAT) {
				cli_usage_error("%s: more than %d claims files", cmd, MAX_REPEAT);
				goto out;
			}
			decls[ndecls].opt = a1;
			decls[ndecls++].file = argv[++i];
		} else if (opt_is(cmd, a1, "--ak", 1, i, argc, &bad)) {
			if (!bad)
				ak = argv[++i];
		} else if (opt_is(cmd, a1, "--ak-cert", 1, i, argc, &bad)) {
			if (!bad)
				ak_cert = argv[++i];
		} else if (opt_is(cmd, a1, "--chain", 1, i, argc, &bad)) {
			if (!bad && !push_opt(cmd, a1, chains, &nchains, argv[++i]))
				goto out;
		} else if (opt_is(cmd, a1, "--sid", 1, i, argc, &bad)) {
			if (!bad && !parse_sid(argv[++i], &sid)) {
				cli_usage_error("%s: --sid wants cert, spki and/or keyid, comma-separated", cmd);
				goto out;
			}
		} else if (opt_is(cmd, a1, "--request", 1, i, argc, &bad)) {
			if (!bad)
				request = argv[++i];
		} else if (opt_is(cmd, a1, "--nonce", 1, i, argc, &bad)) {
			if (!bad && !nonce_opt(cmd, argv[++i], &nonce, &nonce_len))
				goto out;
		} else if (opt_is(cmd, a1, "--at", 1, i, argc, &bad)) {
			if (!bad && !cli_parse_time(argv[++i], &at)) {
				cli_usage_error("%s: --at wants YYYY-MM-DDTHH:MM:SSZ or @SECONDS", cmd);
				goto out;
			}
			have_at = 1;
		} else {
			cli_usage_error("%s: unknown %s '%.64s'", cmd, a1[0] == '-' ? "option" : "argument", a1);
			goto out;
		}
	}
	if (bad)
		goto out;
	if (o.out == NULL || ak == NULL) {
		cli_usage_error("%s: %s is required", cmd, o.out == NULL ? "--out FILE" : "--ak FILE|pkcs11:URI");
		goto out;
	}
	if (ndecls == 0 && nkeys == 0) {
		cli_usage_error("%s: no claims: give --claims FILE, or --module PATH --key pkcs11:URI", cmd);
		goto out;
	}
	if ((sid & (CSRA_SID_CERT | CSRA_SID_KEYID)) && ak_cert == NULL) {
		cli_usage_error("%s: --ak-cert is required unless --sid is spki", cmd);
		goto out;
	}
	if (request != NULL && nonce != NULL) {
		cli_usage_error("%s: --nonce is for the request made from what is held; --request carries its own", cmd);
		goto out;
	}
	const char *open_uri = nkeys ? keys[0] : is_uri(ak) ? ak : ak_cert && is_uri(ak_cert) ? ak_cert : NULL;
	if (o.module != NULL && open_uri == NULL) {
		cli_usage_error("%s: --module is for keys given as pkcs11: URIs", cmd);
		goto out;
	}

	/* Everything from files first: a bad file is reported before any
	 * PIN is used. */
	for (size_t i = 0; i < ndecls; i++)
		if ((rc = read_whole(decls[i].opt, decls[i].file, &decls[i].json, &decls[i].len)) != TOOL_EXIT_OK)
			goto out;
	if (request != NULL && (rc = load_der("--request", request, 0, NULL, &req, &req_len)) != TOOL_EXIT_OK)
		goto out;
	if (!is_uri(ak) && (rc = load_pkey("--ak", ak, &ak_key)) != TOOL_EXIT_OK)
		goto out;
	if (ak_cert != NULL && !is_uri(ak_cert)) {
		STACK_OF(X509) *sk = sk_X509_new_null();
		if (sk == NULL) {
			rc = say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
			goto out;
		}
		if ((rc = load_certs("--ak-cert", ak_cert, sk)) == TOOL_EXIT_OK)
			cert = sk_X509_shift(sk);
		sk_X509_pop_free(sk, X509_free);
		if (rc != TOOL_EXIT_OK)
			goto out;
	}
	for (size_t i = 0; i < nchains; i++)
		if ((rc = load_certs("--chain", chains[i], inter)) != TOOL_EXIT_OK)
			goto out;
	rc = TOOL_EXIT_USAGE;
	if ((a = csra_attester_new()) == NULL) {
		rc = say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
		goto out;
	}
	if (have_at)
		csra_attester_set_time(a, at);

	/* The token: what it observes comes first, declarations after. */
	if (open_uri != NULL && (rc = tok_open(&t, o.module, open_uri, o.pin_file)) != TOOL_EXIT_OK)
		goto out;
	for (size_t i = 0; i < nkeys; i++) {
		csra_p11_key *k;
		size_t idx;
		if ((rc = tok_key(&t, "--key", keys[i], &k)) != TOOL_EXIT_OK)
			goto out;
		csra_err e = csra_p11_key_observe(k, a, &idx);
		if (e != CSRA_OK) {
			char what[600], u[512];
			snprintf(what, sizeof(what), "--key %s", shown_uri(keys[i], u, sizeof(u)));
			rc = e == CSRA_ERR_INVALID_ARGUMENT ? say(TOOL_EXIT_USAGE, "%s: named twice", what)
			    : p11_error(what, e, NULL);
			goto out;
		}
	}
	if (nkeys > 0) {
		csra_err e = csra_p11_observe_platform(t.p, a);
		if (e != CSRA_OK) {
			rc = p11_error("token", e, NULL);
			goto out;
		}
	}
	for (size_t i = 0; i < ndecls; i++) {
		char err[512] = "";
		csra_err e = csra_attester_load_claims(a, (const char *)decls[i].json, decls[i].len,
		    CSRA_SOURCE_DECLARED, err, sizeof(err));
		if (e != CSRA_OK) {
			rc = say(e == CSRA_ERR_CLAIMS_FILE ? TOOL_EXIT_MALFORMED : TOOL_EXIT_USAGE, "%s %s: %s",
			    decls[i].opt, decls[i].file, e == CSRA_ERR_CLAIMS_FILE ? err : csra_strerror(e));
			goto out;
		}
		if (err[0] != '\0')	/* loaded, with a warning (an old claim name) */
			fprintf(stderr, "csrattest: warning: %s %s: %s\n", decls[i].opt, decls[i].file, err);
	}

	/* The attestation key. */
	if ((rc = key_signer(&t, "--ak", ak, ak_key, &signer)) != TOOL_EXIT_OK)
		goto out;
	if (pss && csra_signer_set_pss(signer, EVP_sha256()) != CSRA_OK) {
		rc = say(TOOL_EXIT_USAGE, "%s: --pss needs an RSA attestation key", cmd);
		goto out;
	}
	if (ak_cert != NULL && is_uri(ak_cert)) {
		char err[256] = "";
		csra_err e = csra_p11_find_cert(t.p, ak_cert, &cert, err, sizeof(err));
		if (e != CSRA_OK) {
			char what[600], u[512];
			snprintf(what, sizeof(what), "--ak-cert %s", shown_uri(ak_cert, u, sizeof(u)));
			rc = p11_error(what, e, err);
			goto out;
		}
	}
	if (cert != NULL && EVP_PKEY_eq(X509_get0_pubkey(cert), csra_signer_pubkey(signer)) != 1) {
		rc = say(TOOL_EXIT_USAGE, "--ak-cert %s: the certificate is not for the --ak key", ak_cert);
		goto out;
	}
	if (cert != NULL && !has_ak_eku(cert))
		fprintf(stderr, "csrattest: warning: --ak-cert %s has no extendedKeyUsage id-kp-attestationKey "
		    "(%s); verifiers will not trust the Evidence\n", ak_cert,
		    csra_oid_table[CSRA_OID_ID_KP_ATTESTATIONKEY].dotted);
	if ((sid & CSRA_SID_KEYID) && X509_get0_subject_key_id(cert) == NULL) {
		rc = say(TOOL_EXIT_USAGE, "--sid keyid: --ak-cert %s has no subjectKeyIdentifier", ak_cert);
		goto out;
	}
	csra_err e = csra_attester_add_signer(a, signer, cert, sid);
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(inter); i++)
		e = csra_attester_add_intermediate(a, sk_X509_value(inter, i));
	if (e != CSRA_OK) {
		rc = say(TOOL_EXIT_USAGE, "%s: %s (%s)", cmd, csra_strerror(e), csra_err_name(e));
		goto out;
	}

	/* The request, and the answer. */
	char req_name[600];
	snprintf(req_name, sizeof(req_name), "%s%s", request ? "--request " : "",
	    request ? request : "the request for everything held");
	if (req == NULL && (e = csra_attester_request_all(a, nonce, nonce_len, &req, &req_len)) != CSRA_OK) {
		rc = say(TOOL_EXIT_USAGE, "%s: %s (%s)", cmd, csra_strerror(e), csra_err_name(e));
		goto out;
	}
	csra_diag diag;
	e = csra_attester_process(a, req, req_len, &ev, &ev_len, &rep, &diag);
	if (e != CSRA_OK) {
		rc = process_exit(e);
		const char *verb = rc == TOOL_EXIT_REJECTED ? "refused: " : "";
		if (diag.offset != SIZE_MAX)
			say(rc, "%s: %s%s (%s) at %s, byte %zu", req_name, verb, csra_strerror(e),
			    csra_err_name(e), diag.path[0] ? diag.path : "?", diag.offset);
		else
			say(rc, "%s: %s%s (%s)%s%s", req_name, verb, csra_strerror(e), csra_err_name(e),
			    diag.path[0] ? " at " : "", diag.path);
		goto out;
	}
	if ((rc = write_output(o.out, o.der ? NULL : "EVIDENCE", ev, ev_len)) != TOOL_EXIT_OK)
		goto out;
	FILE *f = info_stream(o.out);
	print_report(f, rep);
	fprintf(f, "wrote %s: Evidence, %zu bytes DER%s\n", o.out, ev_len, o.der ? "" : " (PEM)");
out:
	csra_attest_report_free(&rep);
	csra_attester_free(&a);
	csra_signer_free(&signer);
	tok_close(&t);
	EVP_PKEY_free(ak_key);
	X509_free(cert);
	sk_X509_pop_free(inter, X509_free);
	for (size_t i = 0; i < ndecls; i++)
		free(decls[i].json);
	free(nonce);
	free(req);
	free(ev);
	return cli_finish(rc);
}

/* ------------------------------------------------------------------ */
/* csr create */

/* Parses "CN=x,O=y" (RFC 4514 order: the last is the first RDN) into
 * |name|. Escapes are not supported, so '\\', '"' and '+' are refused
 * rather than misread. Returns 1, or 0 with |why| set. */
static int parse_subject(const char *s, X509_NAME *name, char *why, size_t why_len)
{
	if (strpbrk(s, "\\\"+") != NULL) {
		snprintf(why, why_len, "escapes, quotes and multi-valued RDNs (+) are not supported");
		return 0;
	}
	char *copy = strdup(s), *rest = copy, *part;
	int ok = copy != NULL;
	if (!ok)
		snprintf(why, why_len, "%s", csra_strerror(CSRA_ERR_NOMEM));
	while (ok && (part = strsep(&rest, ",")) != NULL) {
		while (*part == ' ')
			part++;
		char *eq = strchr(part, '=');
		if (eq == NULL || eq == part || eq[1] == '\0') {
			snprintf(why, why_len, "'%.64s' is not TYPE=value", part);
			ok = 0;
			break;
		}
		char *type_end = eq;
		while (type_end > part && type_end[-1] == ' ')
			type_end--;
		*type_end = '\0';
		char *v = eq + 1;
		while (*v == ' ')
			v++;
		char *v_end = v + strlen(v);
		while (v_end > v && v_end[-1] == ' ')
			v_end--;
		*v_end = '\0';
		/* loc 0: each RDN goes before the ones already there. */
		if (*v == '\0' || !X509_NAME_add_entry_by_txt(name, part, MBSTRING_UTF8, (const unsigned char *)v,
		    -1, 0, 0)) {
			snprintf(why, why_len, "cannot encode %.32s=%.64s (unknown attribute type, or a value "
			    "of the wrong length or characters)", part, v);
			ok = 0;
			break;
		}
	}
	free(copy);
	ERR_clear_error();
	return ok;
}

/* Encodes |req| as DER into a malloc'd buffer. */
static csra_err req_der(X509_REQ *req, uint8_t **der, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509_REQ(req, &p);
	if (n <= 0)
		return CSRA_ERR_INTERNAL;
	*der = malloc((size_t)n);
	if (*der == NULL) {
		OPENSSL_free(p);
		return CSRA_ERR_NOMEM;
	}
	memcpy(*der, p, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(p);
	return CSRA_OK;
}

int cmd_csr(int argc, char **argv)
{
	static const char cmd[] = "csr create";
	int rc = TOOL_EXIT_USAGE;
	if (expect_create("csr", usage_csr, argc, argv, &rc))
		return rc;
	struct outopts o = { 0 };
	const char *key = NULL, *subject = NULL, *hint = NULL, *evidence[MAX_REPEAT], *certs[MAX_REPEAT];
	size_t nev = 0, ncerts = 0, blen = 0, len = 0;
	int crmf = 0, legacy = 0, bad = 0;
	uint8_t *bundle = NULL, *der = NULL;
	struct tok t = { 0 };
	csra_signer *signer = NULL;
	EVP_PKEY *pkey = NULL;
	X509_NAME *name = X509_NAME_new();
	STACK_OF(X509) *bcerts = sk_X509_new_null();
	csra_bb *bb = csra_bb_new();
	X509_REQ *req = NULL;
	OSSL_CRMF_MSG *msg = NULL;
	if (name == NULL || bcerts == NULL || bb == NULL) {
		rc = say(TOOL_EXIT_USAGE, "%s", csra_strerror(CSRA_ERR_NOMEM));
		goto out;
	}
	for (int i = 2; i < argc && !bad; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_csr, stdout);
			rc = TOOL_EXIT_OK;
			goto out;
		} else if (pin_option(cmd, a)) {
			goto out;
		} else if (out_opt(cmd, argv, &i, argc, &bad, &o)) {
			continue;
		} else if (opt_is(cmd, a, "--legacy", 0, i, argc, &bad)) {
			legacy = 1;
		} else if (opt_is(cmd, a, "--hint", 1, i, argc, &bad)) {
			if (bad)
				break;
			hint = argv[++i];
			for (const char *c = hint; *c; c++) {
				if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
					cli_usage_error("%s: --hint must be printable ASCII (an IA5String)", cmd);
					goto out;
				}
			}
		} else if (opt_is(cmd, a, "--key", 1, i, argc, &bad)) {
			if (!bad)
				key = argv[++i];
		} else if (opt_is(cmd, a, "--subject", 1, i, argc, &bad)) {
			if (!bad)
				subject = argv[++i];
		} else if (opt_is(cmd, a, "--evidence", 1, i, argc, &bad)) {
			if (!bad && !push_opt(cmd, a, evidence, &nev, argv[++i]))
				goto out;
		} else if (opt_is(cmd, a, "--cert", 1, i, argc, &bad)) {
			if (!bad && !push_opt(cmd, a, certs, &ncerts, argv[++i]))
				goto out;
		} else if (opt_is(cmd, a, "--format", 1, i, argc, &bad)) {
			if (bad)
				break;
			const char *v = argv[++i];
			if (strcmp(v, "pkcs10") != 0 && strcmp(v, "crmf") != 0) {
				cli_usage_error("%s: --format is pkcs10 or crmf", cmd);
				goto out;
			}
			crmf = strcmp(v, "crmf") == 0;
		} else {
			cli_usage_error("%s: unknown %s '%.64s'", cmd, a[0] == '-' ? "option" : "argument", a);
			goto out;
		}
	}
	if (bad)
		goto out;
	if (key == NULL || subject == NULL || o.out == NULL) {
		cli_usage_error("%s: %s is required", cmd, key == NULL ? "--key FILE|pkcs11:URI"
		    : subject == NULL ? "--subject DN" : "--out FILE");
		goto out;
	}
	if (nev == 0 && (ncerts > 0 || legacy)) {
		cli_usage_error("%s: %s goes with --evidence (a bundle needs a statement)", cmd,
		    ncerts ? "--cert" : "--legacy");
		goto out;
	}
	if (hint != NULL && !legacy) {
		cli_usage_error("%s: --hint goes with --legacy (draft-28 statements have no hint)", cmd);
		goto out;
	}
	if (o.module != NULL && !is_uri(key)) {
		cli_usage_error("%s: --module is for a --key given as a pkcs11: URI", cmd);
		goto out;
	}
	char why[256];
	if (!parse_subject(subject, name, why, sizeof(why))) {
		cli_usage_error("%s: --subject: %s", cmd, why);
		goto out;
	}

	/* The bundle: every Evidence strictly decoded first. */
	const csra_oid_entry *st = &csra_oid_table[CSRA_OID_ID_STMT_PKIX_EVIDENCE];
	csra_err e = CSRA_OK;
	for (size_t i = 0; i < nev; i++) {
		uint8_t *ev;
		size_t ev_len;
		if ((rc = load_der("--evidence", evidence[i], CSRA_INPUT_ACCEPT_EVIDENCE, "EVIDENCE", &ev, &ev_len)) != TOOL_EXIT_OK)
			goto out;
		csra_decoded *d = NULL;
		csra_diag diag;
		e = csra_decode(NULL, CSRA_PDU_EVIDENCE, ev, ev_len, &d, &diag);
		csra_decoded_free(&d);
		if (e != CSRA_OK) {
			free(ev);
			rc = decode_error("--evidence", evidence[i], e, &diag);
			goto out;
		}
		e = csra_bb_add_statement(bb, st->der, st->der_len, ev, ev_len);
		free(ev);
		if (e != CSRA_OK)
			break;
	}
	for (size_t i = 0; e == CSRA_OK && i < ncerts; i++) {
		if ((rc = load_certs("--cert", certs[i], bcerts)) != TOOL_EXIT_OK)
			goto out;
	}
	for (int i = 0; e == CSRA_OK && i < sk_X509_num(bcerts); i++)
		e = csra_bb_add_cert(bb, sk_X509_value(bcerts, i));
	if (e == CSRA_OK && legacy)
		e = csra_bb_set_legacy(bb, hint, 0);
	if (e == CSRA_OK && nev > 0)
		e = csra_bb_encode(bb, &bundle, &blen);
	if (e != CSRA_OK) {
		rc = say(TOOL_EXIT_USAGE, "%s: the attestation bundle: %s (%s)", cmd, csra_strerror(e), csra_err_name(e));
		goto out;
	}

	/* The subject key. */
	if ((rc = is_uri(key) ? tok_open(&t, o.module, key, o.pin_file) : load_pkey("--key", key, &pkey))
	    != TOOL_EXIT_OK || (rc = key_signer(&t, "--key", key, pkey, &signer)) != TOOL_EXIT_OK)
		goto out;

	/* The request, signed last. */
	rc = TOOL_EXIT_USAGE;
	if (!crmf) {
		if ((req = X509_REQ_new()) == NULL || !X509_REQ_set_subject_name(req, name)) {
			e = CSRA_ERR_NOMEM;
		} else {
			e = bundle ? csra_x509_req_add_bundle(req, bundle, blen) : CSRA_OK;
			if (e == CSRA_OK)
				e = csra_x509_req_sign(req, signer);
			if (e == CSRA_OK)
				e = req_der(req, &der, &len);
		}
	} else {
		if ((msg = OSSL_CRMF_MSG_new()) == NULL || !OSSL_CRMF_MSG_set_certReqId(msg, 0) ||
		    !OSSL_CRMF_CERTTEMPLATE_fill(OSSL_CRMF_MSG_get0_tmpl(msg), csra_signer_pubkey(signer), name,
		    NULL, NULL)) {
			e = CSRA_ERR_NOMEM;
		} else {
			e = bundle ? csra_crmf_add_bundle(msg, bundle, blen) : CSRA_OK;
			if (e == CSRA_OK)
				e = csra_crmf_sign(msg, signer, &der, &len);
		}
	}
	if (e != CSRA_OK) {
		char what[600], u[512];
		snprintf(what, sizeof(what), "--key %s: signing the %s request", is_uri(key) ? shown_uri(key, u, sizeof(u))
		    : key, crmf ? "CRMF" : "PKCS#10");
		rc = e >= CSRA_ERR_P11_MODULE && e <= CSRA_ERR_P11_NO_CERT ? p11_error(what, e, NULL)
		    : say(TOOL_EXIT_USAGE, "%s: %s (%s)", what, csra_strerror(e), csra_err_name(e));
		goto out;
	}
	if ((rc = write_output(o.out, crmf || o.der ? NULL : "CERTIFICATE REQUEST", der, len)) == TOOL_EXIT_OK)
		fprintf(info_stream(o.out), "wrote %s: %s request, %zu bytes DER%s, %zu Evidence%s\n", o.out,
		    crmf ? "CRMF" : "PKCS#10", len, crmf || o.der ? "" : " (PEM)", nev,
		    legacy ? " (legacy EvidenceBundle)" : "");
out:
	X509_REQ_free(req);
	OSSL_CRMF_MSG_free(msg);
	csra_signer_free(&signer);
	tok_close(&t);
	EVP_PKEY_free(pkey);
	X509_NAME_free(name);
	sk_X509_pop_free(bcerts, X509_free);
	csra_bb_free(&bb);
	free(bundle);
	free(der);
	return cli_finish(rc);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regression tests for the asn1c 0.9.28 skeleton defects fixed by
 * runtime/patches/0001..0005, fed through the decoders of our own
 * generated types (generated/):
 *
 *   1 ber_tlv_length.c  signed left-shift overflow of a long-form length
 *   2 OCTET_STRING.c    BIT STRING unused-bits octet > 7 used as a shift
 *   3 INTEGER.c         asn_INTEGER2long: left shift of a negative value
 *   4 UTF8String.c      NULL + 0 when measuring a UTF8String
 *   5 constr_CHOICE.c   endless loop on a malformed end-of-contents of an
 *                       indefinite-length, tagged CHOICE
 *
 * Defects 1, 3 and 4 only show under UBSan, so build with
 * -fsanitize=address,undefined -fno-sanitize-recover=all. Each case runs
 * in a child process under alarm(), so a sanitizer abort or a hang
 * (defect 5) counts as that case failing and the other cases still run.
 * Prints "N passed, M failed"; exits 0 only if nothing failed.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "OBJECT_IDENTIFIER.h"
#include "Certificate.h"
#include "CertificateSerialNumber.h"
#include "CertTemplate.h"
#include "EvidenceHint.h"
#include "OptionalValidity.h"
#include "Time.h"
#include "UniqueIdentifier.h"
#include "ber_tlv_length.h"	/* after asn_application.h, via the above */

#define CASE_TIMEOUT_SECONDS 10

static int failures;	/* checks failed in the current case (child) */

#define CHECK(cond) do {						\
		if(!(cond)) {						\
			fprintf(stderr, "  %s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			failures++;					\
		}							\
	} while(0)

/* ber_decode() of buf into a fresh structure of type td; frees it. */
static enum asn_dec_rval_code_e
decode_code(asn_TYPE_descriptor_t *td, const void *buf, size_t len)
{
	void *sp = NULL;
	asn_dec_rval_t rv = ber_decode(NULL, td, &sp, buf, len);

	ASN_STRUCT_FREE(*td, sp);
	return rv.code;
}

/*
 * Defect 1: ber_fetch_length() shifted before testing for overflow.
 * Length octets 88 80 00 00 00 00 00 00 00 made (len << 8) overflow
 * ssize_t. Must fail (-1 / RC_FAIL) without undefined behaviour.
 */
static void test_ber_length_shift(void)
{
	static const uint8_t len_8[] = { 0x88, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t len_9[] = { 0x89, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t len_ok[] = { 0x84, 0x7f, 0xff, 0xff, 0xff };
	static const uint8_t cert[] = { 0x30, 0x88, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t uid[] = { 0x03, 0x88, 0x80, 0, 0, 0, 0, 0, 0, 0 };
	ber_tlv_len_t len = 0;

	CHECK(ber_fetch_length(0, len_8, sizeof(len_8), &len) == -1);
	CHECK(ber_fetch_length(1, len_9, sizeof(len_9), &len) == -1);
	/* A large length that fits is still parsed. */
	CHECK(ber_fetch_length(0, len_ok, sizeof(len_ok), &len) == 5);
	CHECK(len == 0x7fffffff);

	CHECK(decode_code(&asn_DEF_Certificate, cert, sizeof(cert)) == RC_FAIL);
	CHECK(decode_code(&asn_DEF_UniqueIdentifier, uid, sizeof(uid)) == RC_FAIL);
}

/*
 * Defect 2: a BIT STRING's unused-bits octet greater than 7 was kept
 * and used as a shift count (0xff << 32). Must be RC_FAIL.
 */
static void test_bit_string_unused_bits(void)
{
	static const uint8_t ub32[] = { 0x03, 0x02, 0x20, 0xff };
	static const uint8_t ub24[] = { 0x03, 0x02, 0x18, 0xff };
	static const uint8_t ub8[] = { 0x03, 0x02, 0x08, 0xff };
	/* Primitive, cut short after the unused-bits octet. */
	static const uint8_t ub32_part[] = { 0x03, 0x03, 0x20 };
	/* Constructed, indefinite length, one segment. */
	static const uint8_t ub32_cons[] = {
		0x23, 0x80, 0x03, 0x02, 0x20, 0xff, 0x00, 0x00 };
	static const uint8_t ub7[] = { 0x03, 0x02, 0x07, 0xff };
	asn_TYPE_descriptor_t *td = &asn_DEF_UniqueIdentifier;
	UniqueIdentifier_t *bs = NULL;
	asn_dec_rval_t rv;

	CHECK(decode_code(td, ub32, sizeof(ub32)) == RC_FAIL);
	CHECK(decode_code(td, ub24, sizeof(ub24)) == RC_FAIL);
	CHECK(decode_code(td, ub8, sizeof(ub8)) == RC_FAIL);
	CHECK(decode_code(td, ub32_part, sizeof(ub32_part)) == RC_FAIL);
	CHECK(decode_code(td, ub32_cons, sizeof(ub32_cons)) == RC_FAIL);

	/* 7 unused bits stay valid, and are masked off the last octet. */
	rv = ber_decode(NULL, td, (void **)&bs, ub7, sizeof(ub7));
	CHECK(rv.code == RC_OK);
	CHECK(rv.consumed == sizeof(ub7));
	CHECK(bs != NULL && bs->bits_unused == 7 && bs->size == 1
		&& bs->buf[0] == 0x80);
	ASN_STRUCT_FREE(*td, bs);
}

/* Decodes an INTEGER as CertificateSerialNumber and converts it. */
static int integer_to_long(const uint8_t *der, size_t len, long *out,
	int *err)
{
	CertificateSerialNumber_t *i = NULL;
	asn_dec_rval_t rv;
	int ret;

	rv = ber_decode(NULL, &asn_DEF_CertificateSerialNumber, (void **)&i,
		der, len);
	CHECK(rv.code == RC_OK);
	CHECK(rv.consumed == len);
	errno = 0;
	ret = asn_INTEGER2long(i, out);
	*err = errno;
	ASN_STRUCT_FREE(asn_DEF_CertificateSerialNumber, i);
	return ret;
}

/*
 * Defect 3: asn_INTEGER2long() left-shifted a negative long for every
 * negative INTEGER. Must give the right value with defined arithmetic.
 */
static void test_integer_negative_shift(void)
{
	static const uint8_t m1[] = { 0x02, 0x01, 0xff };
	static const uint8_t m128[] = { 0x02, 0x01, 0x80 };
	static const uint8_t m129[] = { 0x02, 0x02, 0xff, 0x7f };
	static const uint8_t p255[] = { 0x02, 0x02, 0x00, 0xff };
	uint8_t big[2 + sizeof(long) + 1];
	long v;
	int err;
	size_t n;

	v = 0;
	CHECK(integer_to_long(m1, sizeof(m1), &v, &err) == 0 && v == -1);
	v = 0;
	CHECK(integer_to_long(m128, sizeof(m128), &v, &err) == 0 && v == -128);
	v = 0;
	CHECK(integer_to_long(m129, sizeof(m129), &v, &err) == 0 && v == -129);
	v = 0;
	CHECK(integer_to_long(p255, sizeof(p255), &v, &err) == 0 && v == 255);

	/* 80 00 .. 00, sizeof(long) octets: LONG_MIN. */
	n = sizeof(long);
	memset(big, 0, sizeof(big));
	big[0] = 0x02; big[1] = (uint8_t)n; big[2] = 0x80;
	v = 0;
	CHECK(integer_to_long(big, 2 + n, &v, &err) == 0 && v == LONG_MIN);

	/* 7F FF .. FF: LONG_MAX. */
	memset(big + 2, 0xff, n);
	big[2] = 0x7f;
	v = 0;
	CHECK(integer_to_long(big, 2 + n, &v, &err) == 0 && v == LONG_MAX);

	/* FF 80 00 .. 00, one redundant sign octet: still LONG_MIN. */
	n = sizeof(long) + 1;
	memset(big + 2, 0, n);
	big[1] = (uint8_t)n; big[2] = 0xff; big[3] = 0x80;
	v = 0;
	CHECK(integer_to_long(big, 2 + n, &v, &err) == 0 && v == LONG_MIN);

	/* FE 00 .. 00: one octet too many, ERANGE, *lptr untouched. */
	big[2] = 0xfe; big[3] = 0x00;
	v = 12345;
	CHECK(integer_to_long(big, 2 + n, &v, &err) == -1);
	CHECK(err == ERANGE && v == 12345);
}

/*
 * Defect 4: UTF8String_length(), used by the UTF8String constraint
 * check, computed NULL + 0. Must measure and validate cleanly.
 */
static void test_utf8string_null_plus_zero(void)
{
	static const uint8_t one[] = { 0x0c, 0x01, 0x41 };
	static const uint8_t empty[] = { 0x0c, 0x00 };
	static const uint8_t eacute[] = { 0x0c, 0x02, 0xc3, 0xa9 };
	static const uint8_t bad[] = { 0x0c, 0x01, 0xff };
	asn_TYPE_descriptor_t *td = &asn_DEF_EvidenceHint;
	EvidenceHint_t *h = NULL;
	asn_dec_rval_t rv;
	char errbuf[128];
	size_t errlen;
	uint32_t wcs[4];

	rv = ber_decode(NULL, td, (void **)&h, one, sizeof(one));
	CHECK(rv.code == RC_OK);
	if(rv.code == RC_OK && h && h->present == EvidenceHint_PR_utf8) {
		errlen = sizeof(errbuf);
		CHECK(asn_check_constraints(td, h, errbuf, &errlen) == 0);
		CHECK(UTF8String_length(&h->choice.utf8) == 1);
		CHECK(UTF8String_to_wcs(&h->choice.utf8, NULL, 0) == 1);
	} else {
		CHECK(!"EvidenceHint 0C 01 41 is not a utf8 hint");
	}
	ASN_STRUCT_FREE(*td, h);
	h = NULL;

	rv = ber_decode(NULL, td, (void **)&h, empty, sizeof(empty));
	CHECK(rv.code == RC_OK);
	if(rv.code == RC_OK && h && h->present == EvidenceHint_PR_utf8) {
		errlen = sizeof(errbuf);
		CHECK(asn_check_constraints(td, h, errbuf, &errlen) == 0);
		CHECK(UTF8String_length(&h->choice.utf8) == 0);
	} else {
		CHECK(!"EvidenceHint 0C 00 is not a utf8 hint");
	}
	ASN_STRUCT_FREE(*td, h);
	h = NULL;

	/* Storing into a real buffer still works. */
	rv = ber_decode(NULL, td, (void **)&h, eacute, sizeof(eacute));
	CHECK(rv.code == RC_OK);
	if(rv.code == RC_OK && h && h->present == EvidenceHint_PR_utf8) {
		memset(wcs, 0xff, sizeof(wcs));
		CHECK(UTF8String_to_wcs(&h->choice.utf8, wcs, 4) == 1);
		CHECK(wcs[0] == 0xe9 && wcs[1] == 0);
	} else {
		CHECK(!"EvidenceHint 0C 02 C3 A9 is not a utf8 hint");
	}
	ASN_STRUCT_FREE(*td, h);
	h = NULL;

	/* And invalid UTF-8 is still refused by the constraint check. */
	rv = ber_decode(NULL, td, (void **)&h, bad, sizeof(bad));
	CHECK(rv.code == RC_OK);
	if(rv.code == RC_OK && h) {
		errlen = sizeof(errbuf);
		CHECK(asn_check_constraints(td, h, errbuf, &errlen) != 0);
	}
	ASN_STRUCT_FREE(*td, h);
}

/*
 * Defect 5: a tagged CHOICE of indefinite length whose end-of-contents
 * is 00 01 looped forever. The report's trigger is 61 80 13 02 55 53
 * 00 01 for CountryName ::= [APPLICATION 1] CHOICE {...}; we have no
 * CHOICE type with a tag of its own, but an untagged CHOICE used with an
 * EXPLICIT tag takes the same path (CHOICE_decode_ber, tag_mode 1):
 * OptionalValidity.notBefore [0] Time and CertTemplate.issuer [3] Name.
 * Must be RC_FAIL (a hang is caught by alarm() in run_case).
 */
static void test_choice_indefinite_eoc_loop(void)
{
	/* OptionalValidity { notBefore [0] utcTime "US" } with EOC 00 01. */
	static const uint8_t ov_bad[] = { 0x30, 0x80,
		0xa0, 0x80, 0x17, 0x02, 0x55, 0x53, 0x00, 0x01,
		0x00, 0x00 };
	static const uint8_t ov_bad80[] = { 0x30, 0x80,
		0xa0, 0x80, 0x17, 0x02, 0x55, 0x53, 0x00, 0x80,
		0x00, 0x00 };
	static const uint8_t ov_good[] = { 0x30, 0x80,
		0xa0, 0x80, 0x17, 0x02, 0x55, 0x53, 0x00, 0x00,
		0x00, 0x00 };
	static const uint8_t ov_cut[] = { 0x30, 0x80,
		0xa0, 0x80, 0x17, 0x02, 0x55, 0x53, 0x00 };
	/* CertTemplate { issuer [3] Name { rdnSequence {} } }, EOC 00 01. */
	static const uint8_t ct_bad[] = { 0x30, 0x80,
		0xa3, 0x80, 0x30, 0x00, 0x00, 0x01,
		0x00, 0x00 };
	/* The report's input with CountryName's [APPLICATION 1] replaced
	 * by [0], decoded as Time under an EXPLICIT tag. */
	static const uint8_t time_bad[] = {
		0xa0, 0x80, 0x17, 0x02, 0x55, 0x53, 0x00, 0x01 };
	asn_dec_rval_t rv;
	void *sp = NULL;

	CHECK(decode_code(&asn_DEF_OptionalValidity, ov_bad,
		sizeof(ov_bad)) == RC_FAIL);
	CHECK(decode_code(&asn_DEF_OptionalValidity, ov_bad80,
		sizeof(ov_bad80)) == RC_FAIL);
	CHECK(decode_code(&asn_DEF_CertTemplate, ct_bad,
		sizeof(ct_bad)) == RC_FAIL);

	rv = asn_DEF_Time.ber_decoder(NULL, &asn_DEF_Time, &sp, time_bad,
		sizeof(time_bad), 1 /* EXPLICIT tag, as from a SEQUENCE */);
	CHECK(rv.code == RC_FAIL);
	ASN_STRUCT_FREE(asn_DEF_Time, sp);

	/* Well-formed and truncated inputs are unaffected. */
	sp = NULL;
	rv = ber_decode(NULL, &asn_DEF_OptionalValidity, &sp, ov_good,
		sizeof(ov_good));
	CHECK(rv.code == RC_OK && rv.consumed == sizeof(ov_good));
	ASN_STRUCT_FREE(asn_DEF_OptionalValidity, sp);
	CHECK(decode_code(&asn_DEF_OptionalValidity, ov_cut,
		sizeof(ov_cut)) == RC_WMORE);
}

/* 6: OID 1.39 (first octet 79) printed and split as arc 2. */
static void test_oid_first_arc(void)
{
	uint8_t der[] = { 0x06, 0x02, 0x4f, 0x05 };	/* 1.39.5 */
	OBJECT_IDENTIFIER_t *oid = NULL;
	asn_dec_rval_t rv = ber_decode(NULL, &asn_DEF_OBJECT_IDENTIFIER, (void **)&oid, der, sizeof(der));
	CHECK(rv.code == RC_OK && oid != NULL);
	unsigned long arcs[4];
	CHECK(OBJECT_IDENTIFIER_get_arcs(oid, arcs, sizeof(arcs[0]), 4) == 3);
	CHECK(arcs[0] == 1 && arcs[1] == 39 && arcs[2] == 5);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	CHECK(f != NULL);
	CHECK(asn_fprint(f, &asn_DEF_OBJECT_IDENTIFIER, oid) == 0);
	fclose(f);
	CHECK(strstr(text, "1.39.5") != NULL);
	free(text);
	ASN_STRUCT_FREE(asn_DEF_OBJECT_IDENTIFIER, oid);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "6 OID first arc 1.39", test_oid_first_arc },
	{ "1 ber_tlv_length signed shift", test_ber_length_shift },
	{ "2 BIT STRING unused bits > 7", test_bit_string_unused_bits },
	{ "3 INTEGER negative shift", test_integer_negative_shift },
	{ "4 UTF8String NULL + 0", test_utf8string_null_plus_zero },
	{ "5 CHOICE indefinite EOC loop", test_choice_indefinite_eoc_loop },
};

/* Runs one case in a child: 0 if it passed. */
static int run_case(const char *name, void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if(pid < 0) {
		perror("fork");
		return -1;
	}
	if(pid == 0) {
		alarm(CASE_TIMEOUT_SECONDS);
		failures = 0;
		fn();
		exit(failures ? 1 : 0);	/* exit(): let LeakSanitizer run */
	}
	while(waitpid(pid, &status, 0) < 0) {
		if(errno != EINTR) {
			perror("waitpid");
			return -1;
		}
	}
	if(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS %s\n", name);
		return 0;
	}
	if(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("FAIL %s: no result after %d s (endless loop?)\n",
			name, CASE_TIMEOUT_SECONDS);
	else if(WIFSIGNALED(status))
		printf("FAIL %s: killed by signal %d\n", name,
			WTERMSIG(status));
	else
		printf("FAIL %s: exit status %d (failed check or sanitizer)\n",
			name, WEXITSTATUS(status));
	return -1;
}

int main(void)
{
	size_t i;
	int passed = 0, failed = 0;

	for(i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if(run_case(cases[i].name, cases[i].fn) == 0)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

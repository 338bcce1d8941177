/* SPDX-License-Identifier: BSD-2-Clause */
/* Checks shared by the fuzz harnesses. Every check abort()s on failure so
 * that libFuzzer and the replay runner both see it as a crash. */
#ifndef CSRA_FUZZ_COMMON_H
#define CSRA_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "csra_codec_int.h"
#include "csrattest/codec.h"

/* fuzz_main.c defines libFuzzer's entry points for every harness. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each harness defines fuzz_one, run for each input (twice in alloc-fail
 * mode, see fuzz_alloc.h), and may define fuzz_init, run once first. */
int fuzz_one(const uint8_t *data, size_t size);
void fuzz_init(void) __attribute__((weak));

/* What fuzz_decode_check does beyond decoding. */
enum {
	/* Decode every open-type value csrattest resolves (claims, statements,
	 * CSR attributes) again with csra_decoded_open: the gate accepted the
	 * whole, so each must decode. */
	FUZZ_OPEN = 1,
	/* Re-encode the value and every opened value with asn1c's DER encoder
	 * and require the input bytes back. */
	FUZZ_ROUNDTRIP = 2,
	/* Decode again with csra_decode_reference (asn1c's ber_decode building
	 * the value) and require the same verdict and the same value. */
	FUZZ_REFERENCE = 4
};

/* fuzz_decode_check decodes |der|/|len| as |pdu| with the default codec,
 * checks the API contract of csra_decode on success and failure, does
 * what |flags| asks, frees, and returns csra_decode's result. */
csra_err fuzz_decode_check(csra_pdu pdu, const uint8_t *der, size_t len, int flags);

/* fuzz_check_decoded applies |flags| to the decoded |d|. */
void fuzz_check_decoded(csra_decoded *d, int flags);

/* fuzz_expect_der aborts unless asn1c's DER encoding of |value| as |td| is
 * exactly |der|/|len|. |what| names the value in the report. */
void fuzz_expect_der(asn_TYPE_descriptor_t *td, const void *value,
    const uint8_t *der, size_t len, const char *what);

/* fuzz_realloc is realloc for the harness's own buffers: never failed by
 * the injection, and aborts when out of memory. */
void *fuzz_realloc(void *p, size_t n);

/* fuzz_has_fail says whether a check of |r| (a csra_result *) failed. */
struct csra_result;
int fuzz_has_fail(const struct csra_result *r);

/* fuzz_printable aborts unless |s| is printable ASCII (|what| names it). */
void fuzz_printable(const char *s, const char *what);

/* fuzz_find_check returns the last check of |r| named |name| whose status
 * is |st| (0: any) and sets |*count| to how many there are. */
struct csra_check;
const struct csra_check *fuzz_find_check(const struct csra_result *r, const char *name, int st, int *count);

/* fuzz_vendor_checks holds what every vendor format's result must: each
 * check's message and path printable ASCII, and every "quirk.*" check a
 * CSRA_ERR_FMT_QUIRK warning. */
void fuzz_vendor_checks(const struct csra_result *r);

/* fuzz_vendor_after holds what every vendor format's verify() must, given
 * its return |rc|, its result |r| and outcome |out| (a csra_stmt_out),
 * whether the format's detect() took the input, and fuzz_alloc_injected()
 * before the call: CSRA_OK unless an injected allocation failed, then a
 * whole result; fuzz_vendor_checks; "statement.binding" once, passing
 * exactly when bound, skipped when not verified; no freshness vouched
 * for; verified only what detect() takes. Returns the binding check, or
 * NULL when verify() ran out of memory (nothing more to check). |what|
 * names the input in messages. */
struct csra_stmt_out;
const struct csra_check *fuzz_vendor_after(int rc, const struct csra_result *r, const struct csra_stmt_out *out,
    int detected, unsigned long injected, const char *what);

/* fuzz_vendor_ref, in allocation-failure mode, keeps the outcome of the
 * run without injection (|armed| 0) and holds the next run's to it: never
 * verified or bound only because an allocation failed, and (|same|) the
 * same outcome when none was injected. */
void fuzz_vendor_ref(const struct csra_stmt_out *out, int armed, unsigned long injected, int same, const char *what);

/* One vendor format's verify() over a fuzzed input, as the request layer
 * calls it (fuzz_vendor_run), and what is left to free (fuzz_vendor_done). */
struct csra_format;
struct csra_verifier;
struct fuzz_vendor {
	struct csra_result *r;
	struct csra_stmt_out *out;
	unsigned long injected;
	int armed;
};

/* fuzz_vendor_run asks |f|'s detect() about parts[0], then runs its
 * verify() under |v| on the |nparts| parts, bound to |spki|, at FUZZ_T0,
 * and holds fuzz_vendor_after. Returns the binding check (|fv| then holds
 * the result and outcome), or NULL when there is nothing more to check.
 * Call fuzz_vendor_done either way. */
const struct csra_check *fuzz_vendor_run(struct fuzz_vendor *fv, const struct csra_format *f,
    const struct csra_verifier *v, const uint8_t *const *parts, const size_t *lens, size_t nparts,
    const uint8_t *spki, size_t spki_len, const char *what);

/* fuzz_vendor_done frees what fuzz_vendor_run made. */
void fuzz_vendor_done(struct fuzz_vendor *fv);

/* fuzz_fail prints |msg| and |detail| and aborts. */
_Noreturn void fuzz_fail(const char *msg, const char *detail);

#endif

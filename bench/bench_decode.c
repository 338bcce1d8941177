/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decode benchmark for PKIX Evidence. Every workload runs in the same
 * process, round robin over the repeats, so a noisy shared machine slows
 * them alike and the ratios (to a bare TLV walk and to asn1c's own decode)
 * stay meaningful where absolute times do not.
 *
 * Allocations are counted as bench_common.h says: the library's own calls
 * (the arena's malloc, asn1c's element allocations) are seen without
 * touching it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "csra_arena.h"
#include "csra_codec_int.h"
#include "csra_gate.h"
#include "csrattest/codec.h"

#include "Evidence.h"
#include "asn_application.h"



/* Input ------------------------------------------------------------------ */

/* Decodes the body of the first EVIDENCE PEM block in the string |in|
 * into |out| (at least as long as |in|). Lenient: this only has to read
 * our vectors; the product's input detection lives elsewhere. Returns the
 * DER length, or 0 if there is no such block. */
static size_t pem_evidence(const char *in, uint8_t *out)
{
	static const char begin[] = "-----BEGIN EVIDENCE-----", end_mark[] = "-----END EVIDENCE-----";
	const char *p = strstr(in, begin);
	if (p == NULL)
		return 0;
	p += sizeof(begin) - 1;
	const char *e = strstr(p, end_mark);
	if (e == NULL)
		return 0;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (; p < e && *p != '='; p++) {
		int v = csra_base64_value((unsigned char)*p);
		if (v < 0)
			continue;	/* whitespace */
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static uint8_t *load(const char *path, size_t *len, const char **form)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "bench_decode: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (buf == NULL)
			break;
		n += fread(buf + n, 1, cap - 1 - n, f);
		if (n < cap - 1)
			break;
		char *nb = realloc(buf, cap * 2);
		if (nb == NULL)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf == NULL)
		return NULL;
	buf[n] = '\0';
	uint8_t *der = malloc(n ? n : 1);
	if (der == NULL) {
		free(buf);
		return NULL;
	}
	if (n > 0 && (uint8_t)buf[0] == 0x30) {
		memcpy(der, buf, n);
		*len = n;
		*form = "DER";
	} else {
		*len = pem_evidence(buf, der);
		*form = "PEM EVIDENCE";
	}
	free(buf);
	if (*len == 0) {
		fprintf(stderr, "bench_decode: %s: no DER and no EVIDENCE PEM block\n", path);
		free(der);
		return NULL;
	}
	return der;
}

/* Workloads ---------------------------------------------------------------- */

static const uint8_t *g_der;
static size_t g_len;
static asn_TYPE_descriptor_t *g_td;
static csra_codec *g_codec;
static void *g_value;		/* decoded once with plain asn1c, for encode/constraints */
static uint8_t *g_encbuf;
static volatile long g_sink;

static int w_floor(void)
{
	long n = bench_tlv_walk(g_der, g_der + g_len, 0);
	g_sink = n;
	return n > 0;
}

static int w_gate_generic(void)
{
	csra_gate_opts o = { 32, NULL, NULL, NULL, NULL };
	csra_diag diag;
	return csra_gate_check(g_td, g_der, g_len, &o, &diag) == CSRA_OK;
}

static asn_TYPE_descriptor_t *bench_resolve(void *arg, const asn_TYPE_descriptor_t *container,
    const uint8_t *oid, size_t oid_len, const uint8_t *val, size_t val_len)
{
	return csra_codec_open_type(arg, container, oid, oid_len, val, val_len);
}

static int w_gate_resolver(void)
{
	csra_gate_opts o = { 32, bench_resolve, g_codec, NULL, NULL };
	csra_diag diag;
	return csra_gate_check(g_td, g_der, g_len, &o, &diag) == CSRA_OK;
}

static int w_asn1c_plain(void)
{
	void *v = NULL;
	asn_dec_rval_t rv = ber_decode(NULL, g_td, &v, g_der, g_len);
	int ok = rv.code == RC_OK && rv.consumed == g_len;
	g_td->free_struct(g_td, v, 0);	/* ASN_STRUCT_FREE with a pointer */
	return ok;
}

/* ber_decode into an arena sized as csra_decode sizes it: the decode step
 * of the product path without the gate and the constraint check. */
static int w_asn1c_arena(void)
{
	csra_arena *a = csra_arena_new(9 * g_len + 2048 + 128, 64 * g_len + (1u << 20));
	if (a == NULL)
		return 0;
	void *v = NULL;
	csra_arena *prev = csra_arena_enter(a);
	asn_dec_rval_t rv = ber_decode(NULL, g_td, &v, g_der, g_len);
	csra_arena_leave(prev);
	csra_arena_free(&a);
	return rv.code == RC_OK && rv.consumed == g_len;
}

static int w_constraints(void)
{
	char msg[128];
	size_t msglen = sizeof(msg);
	return asn_check_constraints(g_td, g_value, msg, &msglen) == 0;
}

static int w_strict(void)
{
	csra_decoded *d = NULL;
	csra_diag diag;
	csra_err e = csra_decode(NULL, CSRA_PDU_EVIDENCE, g_der, g_len, &d, &diag);
	csra_decoded_free(&d);
	return e == CSRA_OK;
}

/* Re-encoding as the DER check that was not chosen: encode what asn1c
 * decoded and compare with the input. */
static int w_der_encode(void)
{
	asn_enc_rval_t er = der_encode_to_buffer(g_td, g_value, g_encbuf, g_len + 64);
	return er.encoded == (ssize_t)g_len && memcmp(g_encbuf, g_der, g_len) == 0;
}

static int w_reencode_check(void)
{
	void *v = NULL;
	asn_dec_rval_t rv = ber_decode(NULL, g_td, &v, g_der, g_len);
	int ok = rv.code == RC_OK && rv.consumed == g_len;
	if (ok) {
		asn_enc_rval_t er = der_encode_to_buffer(g_td, v, g_encbuf, g_len + 64);
		ok = er.encoded == (ssize_t)g_len && memcmp(g_encbuf, g_der, g_len) == 0;
	}
	g_td->free_struct(g_td, v, 0);
	return ok;
}

struct workload {
	const char *name;	/* no spaces: the RESULT line is split on them */
	const char *what;
	int (*fn)(void);
	long iters;
	double *ns;		/* per repeat */
	double median, min, max;
	size_t allocs, frees, peak;
	int counted;
	int skip;		/* not selected by --only */
};

static struct workload wl[] = {
	{ "floor", "bare TLV walk", w_floor, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "gate_generic", "gate, resolve=NULL", w_gate_generic, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "gate_resolver", "gate, real resolver", w_gate_resolver, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "asn1c_plain", "ber_decode+FREE, libc", w_asn1c_plain, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "asn1c_arena", "ber_decode, arena", w_asn1c_arena, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "constraints", "asn_check_constraints", w_constraints, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "strict_decode", "csra_decode+free", w_strict, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "der_encode", "der_encode+memcmp", w_der_encode, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "reencode_check", "decode+encode+cmp+FREE", w_reencode_check, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0 },
};
#define NWL (sizeof(wl) / sizeof(wl[0]))
enum { W_FLOOR = 0, W_ASN1C = 3, W_STRICT = 6 };

/* Timing ----------------------------------------------------------------- */

/* Runs |w| |n| times; returns the elapsed ns, or -1 if an iteration failed. */
static double run(struct workload *w, long n)
{
	int ok = 1;
	double t0 = bench_now_ns();
	for (long i = 0; i < n; i++)
		ok &= w->fn();
	double t = bench_now_ns() - t0;
	return ok ? t : -1;
}

/* Iterations for about |target_ns| per repeat. */
static long calibrate(struct workload *w, double target_ns)
{
	long n = 1;
	for (;;) {
		double t = run(w, n);
		if (t < 0)
			return -1;
		if (t >= target_ns / 10 || n >= (1L << 30)) {
			double per = t / (double)n;
			long want = (long)(target_ns / (per > 1 ? per : 1));
			return want > 0 ? want : 1;
		}
		n *= 2;
	}
}

/* Machine -------------------------------------------------------------- */


static void fmt_ratio(char *out, size_t cap, double num, double den, int prec)
{
	if (den > 0)
		snprintf(out, cap, "%.*f", prec, num / den);
	else
		snprintf(out, cap, "-");
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_decode [--smoke] [--iters N] [--repeats R] [--target-ms MS]\n"
	    "                    [--only NAME[,NAME...]] FILE\n"
	    "FILE: PEM (label EVIDENCE) or DER PKIX Evidence, e.g. shared/vectors/pkix-evidence/evidence2.pem\n"
	    "--only times just the named workloads (for profiling); NAME as in the first column\n");
}

static void fmt_count(char *out, size_t cap, const struct workload *w, int peak)
{
	if (!w->counted)
		snprintf(out, cap, "n/a");
	else
		snprintf(out, cap, "%zu", peak ? w->peak : w->allocs);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *only = NULL;
	long iters = 0;
	int repeats = 7, smoke = 0;
	double target_ms = 100;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--smoke") == 0) {
			smoke = 1;
		} else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
			iters = strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
			repeats = (int)strtol(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--target-ms") == 0 && i + 1 < argc) {
			target_ms = strtod(argv[++i], NULL);
		} else if (argv[i][0] == '-' || path != NULL) {
			usage();
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (path == NULL || repeats < 1 || iters < 0 || target_ms <= 0) {
		usage();
		return 2;
	}
	if (only != NULL) {
		int any = 0;
		for (size_t k = 0; k < NWL; k++) {
			size_t n = strlen(wl[k].name);
			const char *m = only;
			wl[k].skip = 1;
			while ((m = strstr(m, wl[k].name)) != NULL) {
				if ((m == only || m[-1] == ',') && (m[n] == ',' || m[n] == '\0'))
					wl[k].skip = 0;
				m += n;
			}
			any |= !wl[k].skip;
		}
		if (!any) {
			usage();
			return 2;
		}
	}
	if (smoke) {
		/* A handful of iterations: this checks that every path works, not
		 * how fast it is. */
		if (iters == 0)
			iters = 3;
		repeats = 1;
	}

	const char *form = "";
	size_t len = 0;
	uint8_t *der = load(path, &len, &form);
	if (der == NULL)
		return 1;
	g_der = der;
	g_len = len;
	g_td = csra_evidence_td_for(der, len);
	g_codec = csra_codec_new();
	g_encbuf = malloc(len + 64);
	if (g_codec == NULL || g_encbuf == NULL)
		return 1;

	/* Set-up checks: every workload must succeed on this input before
	 * anything is timed. */
	asn_dec_rval_t rv = ber_decode(NULL, g_td, &g_value, der, len);
	if (rv.code != RC_OK || rv.consumed != len) {
		fprintf(stderr, "bench_decode: asn1c ber_decode failed (code %d, consumed %zu of %zu)\n",
		    (int)rv.code, rv.consumed, len);
		return 1;
	}
	{
		csra_decoded *d = NULL;
		csra_diag diag;
		csra_err e = csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, &diag);
		if (e != CSRA_OK) {
			fprintf(stderr, "bench_decode: csra_decode: %s at offset %zu, %s\n",
			    csra_err_name(e), diag.offset, diag.path);
			return 1;
		}
		csra_decoded_free(&d);
	}
	int failed = 0;
	for (size_t k = 0; k < NWL; k++) {
		if (!wl[k].fn()) {
			fprintf(stderr, "bench_decode: workload %s fails on this input\n", wl[k].name);
			failed = 1;
		}
	}
	if (failed)
		return 1;

	/* Allocations: one counted run per workload, outside the timing. */
	size_t heap_used = 0, heap_mallocs = 0;
#if COUNTING
	for (size_t k = 0; k < NWL; k++) {
		bench_count_begin();
		int ok = wl[k].fn();
		bench_counts c = bench_count_end();
		wl[k].allocs = c.allocs;
		wl[k].frees = c.frees;
		wl[k].peak = c.peak;
		wl[k].counted = ok && !c.overflow;
	}
#endif
	{
		/* The library's own account of a decoded value, for the cross-check. */
		csra_decoded *d = NULL;
		csra_diag diag;
		if (csra_decode(NULL, CSRA_PDU_EVIDENCE, der, len, &d, &diag) != CSRA_OK)
			return 1;
		heap_used = csra_decoded_heap(d, &heap_mallocs);
		csra_decoded_free(&d);
	}

	/* Timing: calibrate each, then round robin so that drift and
	 * neighbours' load hit every workload in every repeat. */
	for (size_t k = 0; k < NWL; k++) {
		if (wl[k].skip)
			continue;
		wl[k].iters = iters ? iters : calibrate(&wl[k], target_ms * 1e6);
		wl[k].ns = calloc((size_t)repeats, sizeof(double));
		if (wl[k].iters < 0 || wl[k].ns == NULL)
			return 1;
	}
	for (int r = 0; r < repeats; r++) {
		for (size_t k = 0; k < NWL; k++) {
			if (wl[k].skip)
				continue;
			double t = run(&wl[k], wl[k].iters);
			if (t < 0) {
				fprintf(stderr, "bench_decode: workload %s failed\n", wl[k].name);
				return 1;
			}
			wl[k].ns[r] = t / (double)wl[k].iters;
		}
	}
	for (size_t k = 0; k < NWL; k++) {
		if (wl[k].skip)
			continue;
		qsort(wl[k].ns, (size_t)repeats, sizeof(double), bench_cmp_double);
		wl[k].min = wl[k].ns[0];
		wl[k].max = wl[k].ns[repeats - 1];
		wl[k].median = repeats % 2 ? wl[k].ns[repeats / 2]
		    : (wl[k].ns[repeats / 2 - 1] + wl[k].ns[repeats / 2]) / 2;
	}

	char cpu[256], load[64];
	bench_cpu_model(cpu, sizeof(cpu));
	bench_loadavg(load, sizeof(load));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const char *tdname = g_td->name;
	const char *certs = g_td == &asn_DEF_Evidence ? "[0] IMPLICIT certs" : "[0] EXPLICIT certs";

	printf("bench_decode%s: %s (%s, DER %zu bytes, %s, %s)\n", smoke ? " --smoke" : "",
	    path, form, len, tdname, certs);
	printf("machine: nproc %ld, %s, loadavg %s\n", ncpu, cpu, load);
	printf("compiler: %s; build %s, flags \"%s\"%s%s\n", bench_compiler(), CSRA_BENCH_BUILD,
	    CSRA_BENCH_FLAGS, SANITIZED ? "; ASan" : "", COUNTING ? "" : "; allocation counting off");
	printf("method: %d repeat(s) round robin; per repeat N iterations (~%.0f ms unless --iters); "
	    "ns/op = repeat time / N\n\n", repeats, target_ms);
	printf("%-15s %-23s %9s %10s %10s %10s %8s %8s %9s %11s\n", "workload", "what", "N",
	    "median ns", "min ns", "max ns", "x floor", "x asn1c", "allocs/op", "peak heap B");
	double floor_ns = wl[W_FLOOR].skip ? 0 : wl[W_FLOOR].median;
	double asn1c_ns = wl[W_ASN1C].skip ? 0 : wl[W_ASN1C].median;
	for (size_t k = 0; k < NWL; k++) {
		const struct workload *w = &wl[k];
		char a[32], pk[32], rf[32], ra[32];
		if (w->skip)
			continue;
		fmt_count(a, sizeof(a), w, 0);
		fmt_count(pk, sizeof(pk), w, 1);
		fmt_ratio(rf, sizeof(rf), w->median, floor_ns, 2);
		fmt_ratio(ra, sizeof(ra), w->median, asn1c_ns, 3);
		printf("%-15s %-23s %9ld %10.0f %10.0f %10.0f %8s %8s %9s %11s\n", w->name, w->what,
		    w->iters, w->median, w->min, w->max, rf, ra, a, pk);
	}
	printf("\n");
#if COUNTING
	const struct workload *s = &wl[W_STRICT];
	int cross_ok = s->counted && s->allocs == heap_mallocs;
	printf("cross-check: csra_decoded_heap says %zu bytes handed out, %zu malloc(s); "
	    "wrapper saw %zu alloc call(s), %zu free(s), peak %zu bytes: %s\n", heap_used,
	    heap_mallocs, s->allocs, s->frees, s->peak, cross_ok ? "agree" : "DISAGREE");
#else
	int cross_ok = 1;
	printf("cross-check: csra_decoded_heap says %zu bytes handed out, %zu malloc(s); "
	    "wrapper off (n/a)\n", heap_used, heap_mallocs);
#endif
	/* The targets; informational, never the exit status. */
	char t_time[128], t_alloc[64];
	size_t strict_allocs = COUNTING ? wl[W_STRICT].allocs : heap_mallocs;
	if (wl[W_STRICT].skip)
		snprintf(t_time, sizeof(t_time), "not run");
	else
		snprintf(t_time, sizeof(t_time), "%s (%.2fx: median %.0f ns, walk %.0f ns)%s",
		    floor_ns > 0 && wl[W_STRICT].median <= 3 * floor_ns ? "met" : "NOT met",
		    floor_ns > 0 ? wl[W_STRICT].median / floor_ns : 0, wl[W_STRICT].median, floor_ns,
		    smoke ? " [smoke: not meaningful]" : "");
	snprintf(t_alloc, sizeof(t_alloc), "%s (%zu)", strict_allocs <= 2 ? "met" : "NOT met",
	    strict_allocs);
	printf("target: strict decode <= 3x the bare tag-length walk: %s\n", t_time);
	printf("target: <= 2 allocations per decode: %s\n", t_alloc);

	/* Machine-readable lines for scripts/bench_table.sh. */
	printf("\nINFO input %s (%s, DER %zu bytes, %s, %s)\n", path, form, len, tdname, certs);
	printf("INFO machine nproc %ld, %s, loadavg %s\n", ncpu, cpu, load);
	printf("INFO compiler %s; build %s, flags \"%s\"%s\n", bench_compiler(), CSRA_BENCH_BUILD,
	    CSRA_BENCH_FLAGS, SANITIZED ? "; ASan" : "");
	printf("INFO method %d repeat(s), round robin, %s\n", repeats,
	    iters ? "fixed N" : "N for ~100 ms per repeat");
	for (size_t k = 0; k < NWL; k++) {
		const struct workload *w = &wl[k];
		char a[32], pk[32], rf[32], ra[32];
		if (w->skip)
			continue;
		fmt_count(a, sizeof(a), w, 0);
		fmt_count(pk, sizeof(pk), w, 1);
		fmt_ratio(rf, sizeof(rf), w->median, floor_ns, 2);
		fmt_ratio(ra, sizeof(ra), w->median, asn1c_ns, 3);
		printf("RESULT %s %.1f %.1f %.1f %s %s %s %s\n", w->name, w->median, w->min, w->max,
		    rf, ra, a, pk);
	}
	printf("TARGET strict decode <= 3x the bare tag-length walk: %s\n", t_time);
	printf("TARGET <= 2 allocations per decode: %s\n", t_alloc);

	g_td->free_struct(g_td, g_value, 0);
	for (size_t k = 0; k < NWL; k++)
		free(wl[k].ns);
	free(g_encbuf);
	csra_codec_free(&g_codec);
	free(der);
	if (!cross_ok) {
		fprintf(stderr, "bench_decode: allocation counts disagree with csra_decoded_heap\n");
		return 1;
	}
	return 0;
}

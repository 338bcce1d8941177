/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * External statement verifiers: helper programs are sh scripts written
 * here at run time. Each misbehaviour (hang, flood, death, garbage, lies)
 * must become its exact check failure, quickly, and leave no temporary
 * file, child process or file descriptor behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "csra_stmt.h"
#include "testpki.h"
#include "testutil.h"

static char sdir[] = "/tmp/csra-ext-scripts-XXXXXX";	/* scripts */
static char tdir[] = "/tmp/csra-ext-tmpdir-XXXXXX";	/* $TMPDIR: must end empty */
static EVP_PKEY *req_key, *other_key;
static uint8_t *req_spki, *other_spki;
static size_t req_spki_len, other_spki_len;
static char req_b64[1024], other_b64[1024];
static STACK_OF(X509) *certs;
static uint8_t stmt[300];
static int fds_at_start;

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint8_t *spki_of(EVP_PKEY *k, size_t *len, char *b64)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);
	if (n <= 0)
		return NULL;
	EVP_EncodeBlock((unsigned char *)b64, der, n);
	*len = (size_t)n;
	return der;
}

static int setup(void)
{
	CHECK(mkdtemp(sdir) != NULL);
	CHECK(mkdtemp(tdir) != NULL);
	CHECK(setenv("TMPDIR", tdir, 1) == 0);
	req_key = tp_key("EC", "P-256");
	other_key = tp_key("EC", "P-256");
	CHECK(req_key != NULL && other_key != NULL);
	req_spki = spki_of(req_key, &req_spki_len, req_b64);
	other_spki = spki_of(other_key, &other_spki_len, other_b64);
	CHECK(req_spki != NULL && other_spki != NULL);
	certs = sk_X509_new_null();
	X509 *x = tp_cert("external test root", other_key, NULL, NULL, TP_CA, -60, 3600);
	CHECK(certs != NULL && x != NULL && sk_X509_push(certs, x) == 1);
	for (size_t i = 0; i < sizeof(stmt); i++)
		stmt[i] = (uint8_t)(i * 7 + 3);
	stmt[0] = 0x30;
	fds_at_start = count_fds();
	return 1;
}

/* Writes an executable script |name| in sdir with |body| after the
 * #!/bin/sh line; returns its path (static buffer per call site). */
static const char *script(const char *name, const char *body, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", sdir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
	return path;
}

/* A script that prints |reply| exactly (via a file: no quoting issues). */
static const char *replier(const char *name, const char *reply, const char *before, char *path,
    size_t cap)
{
	char rpath[512], body[2048];
	snprintf(rpath, sizeof(rpath), "%s/%s.reply", sdir, name);
	FILE *f = fopen(rpath, "w");
	if (f == NULL)
		return NULL;
	fputs(reply, f);
	fclose(f);
	snprintf(body, sizeof(body), "%s\ncat '%s'\n", before ? before : "cat >/dev/null", rpath);
	return script(name, body, path, cap);
}

/* A claim name one byte over CSRA_STMT_MAX_NAME. */
#define N16 "nnnnnnnnnnnnnnnn"
#define N256 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 N16 "n"

typedef struct runres {
	csra_err rc;
	csra_result *r;
	csra_stmt_out out;
	int64_t ms;
} runres;

/* The nonce and time the next runs give the command (none, 0: unset). */
static const uint8_t *run_nonce;
static size_t run_nonce_len;
static time_t run_at;

static void run_argv(char **argv, unsigned timeout_ms, size_t max_output, const uint8_t *s,
    size_t slen, runres *rr)
{
	csra_external ext = { argv, timeout_ms, max_output };
	csra_stmt_in in;
	memset(&in, 0, sizeof(in));
	in.stmt = s;
	in.stmt_len = slen;
	in.nonce = run_nonce;
	in.nonce_len = run_nonce_len;
	in.at = run_at;
	in.request_spki = req_spki;
	in.request_spki_len = req_spki_len;
	in.certs = certs;
	memset(rr, 0, sizeof(*rr));
	rr->r = csra_result_new();
	int64_t t0 = now_ms();
	rr->rc = rr->r ? csra_external_verify(&ext, &in, rr->r, &rr->out) : CSRA_ERR_NOMEM;
	tu_keep_stmt_out(&rr->out);
	rr->ms = now_ms() - t0;
}

static void run1(const char *prog, unsigned timeout_ms, size_t max_output, runres *rr)
{
	char *argv[] = { (char *)prog, NULL };
	run_argv(argv, timeout_ms, max_output, stmt, sizeof(stmt), rr);
}

/* The status and code of check |name|, and its message. */
static int check_is(const runres *rr, const char *name, csra_status st, csra_err code,
    const char *msg_part)
{
	for (size_t i = 0; i < csra_result_check_count(rr->r); i++) {
		const char *n, *m;
		csra_status s;
		csra_err c;
		csra_result_check(rr->r, i, &n, &s, &c, &m, NULL);
		if (strcmp(n, name) != 0)
			continue;
		if (s != st || c != code || (msg_part && strstr(m, msg_part) == NULL)) {
			fprintf(stderr, "  %s: status %d code %s message \"%s\"\n", n, (int)s,
			    csra_err_name(c), m);
			return 0;
		}
		return 1;
	}
	fprintf(stderr, "  no check %s\n", name);
	return 0;
}

static int failed_with(runres *rr, const char *name, csra_err code, const char *msg_part)
{
	int ok = rr->rc == CSRA_OK && check_is(rr, name, CSRA_STATUS_FAIL, code, msg_part) &&
	    !(rr->out.verified && code != CSRA_ERR_STMT_NOT_BOUND) && !rr->out.bound;
	csra_result_free(&rr->r);
	return ok;
}

static char good_reply[2048];

static int test_good_reply(void)
{
	char p[512];
	runres rr;
	snprintf(good_reply, sizeof(good_reply),
	    "{\"spki\": \"%s\", \"claims\": {\"key\": {\"extractable\": false, \"identifier\": \"k1\"},"
	    " \"platform\": {\"fipslevel\": 3, \"fipsboot\": true}}}\n", req_b64);
	run1(replier("good", good_reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.rc == CSRA_OK);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(check_is(&rr, "external.reply", CSRA_STATUS_PASS, CSRA_OK, "4 claim"));
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(rr.out.verified == 1 && rr.out.bound == 1 && rr.out.nclaims == 4);
	const csra_stmt_claim *c = csra_stmt_find(&rr.out, "key", "extractable");
	CHECK(c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == 0);
	c = csra_stmt_find(&rr.out, "key", "identifier");
	CHECK(c != NULL && c->type == CSRA_VALUE_UTF8 && strcmp(c->text, "k1") == 0);
	c = csra_stmt_find(&rr.out, "platform", "fipslevel");
	CHECK(c != NULL && c->type == CSRA_VALUE_INTEGER && c->integer == 3);
	c = csra_stmt_find(&rr.out, "platform", "fipsboot");
	CHECK(c != NULL && c->type == CSRA_VALUE_BOOLEAN && c->boolean == 1);
	CHECK(csra_result_verdict(rr.r) != CSRA_VERDICT_MALFORMED);
	csra_result_free(&rr.r);
	return 1;
}

static int test_timeout(void)
{
	char p[512], body[1024], pidfile[512], buf[32];
	runres rr;
	snprintf(pidfile, sizeof(pidfile), "%s/sleeper.pid", sdir);
	/* The sleep is a grandchild: killing only the shell would leave it. */
	snprintf(body, sizeof(body), "sleep 10 &\necho $! > '%s'\nwait\n", pidfile);
	run1(script("sleeper", body, p, sizeof(p)), 500, 65536, &rr);
	CHECK(rr.ms >= 450 && rr.ms < 1500);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_TIMEOUT, "500 ms"));
	/* The grandchild went with its process group. */
	FILE *f = fopen(pidfile, "r");
	CHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	char stat_path[64], st[256];
	snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", atoi(buf));
	int gone = 0;
	for (int i = 0; i < 100 && !gone; i++) {
		f = fopen(stat_path, "r");
		if (f == NULL) {
			gone = 1;
			break;
		}
		/* A zombie waiting for init to reap it is dead too. */
		gone = fgets(st, sizeof(st), f) != NULL && strstr(st, ") Z ") != NULL;
		fclose(f);
		if (!gone)
			usleep(10000);
	}
	CHECK(gone);
	return 1;
}

static int test_timeout_after_closing_stdout(void)
{
	char p[512];
	runres rr;
	run1(script("lingerer", "exec >&- <&-\nsleep 10\n", p, sizeof(p)), 300, 65536, &rr);
	CHECK(rr.ms < 1300);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_TIMEOUT, "no exit within"));
	return 1;
}

static int test_garbage(void)
{
	char p[512];
	runres rr;
	run1(script("garbage", "cat >/dev/null\necho 'hello, world'\n", p, sizeof(p)), 5000, 65536,
	    &rr);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	CHECK(rr.out.verified == 0);
	CHECK(failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON, "not JSON"));
	return 1;
}

static int test_exit_status(void)
{
	char p[512];
	runres rr;
	run1(script("exit3", "exit 3\n", p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.reply", CSRA_STATUS_SKIP, CSRA_OK, NULL));
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXIT, "status 3"));
	/* A good reply does not excuse a failed exit. */
	char body[2048];
	snprintf(body, sizeof(body), "cat >/dev/null\nprintf '%%s' '{\"spki\":\"%s\"}'\nexit 1\n", req_b64);
	run1(script("exit1", body, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXIT, "status 1"));
	run1(script("killed", "kill -9 $$\n", p, sizeof(p)), 5000, 65536, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXIT, "signal 9"));
	return 1;
}

static int test_flood(void)
{
	char p[512];
	runres rr;
	run1(script("flood", "head -c 10485760 /dev/zero | tr '\\0' x\n", p, sizeof(p)), 10000, 65536,
	    &rr);
	CHECK(rr.ms < 5000);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_OUTPUT, "65536"));
	/* The limit is exact: max_output bytes pass, one more does not. */
	char reply[2048];
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\"}", req_b64);
	size_t n = strlen(reply);
	run1(replier("exact", reply, NULL, p, sizeof(p)), 5000, n, &rr);
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	run1(p, 5000, n - 1, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_OUTPUT, NULL));
	return 1;
}

static int test_exec_failure(void)
{
	char p[512];
	runres rr;
	run1("/nonexistent/csra-verifier", 5000, 65536, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXEC, "No such file"));
	/* Not executable. */
	script("noexec", "exit 0\n", p, sizeof(p));
	CHECK(chmod(p, 0644) == 0);
	run1(p, 5000, 65536, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXEC, NULL));
	/* No program, or none configured. */
	char *argv0[] = { NULL };
	run_argv(argv0, 5000, 65536, stmt, sizeof(stmt), &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXEC, "no command"));
	/* No PATH search: a bare name is a path relative to the cwd. */
	run1("sh", 5000, 65536, &rr);
	CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_EXEC, NULL));
	return 1;
}

static int test_stdin_and_pem(void)
{
	char p[512], body[4096], hex[sizeof(stmt) * 2 + 1];
	runres rr;
	for (size_t i = 0; i < sizeof(stmt); i++)
		snprintf(hex + 2 * i, 3, "%02x", stmt[i]);
	snprintf(body, sizeof(body),
	    "[ $# -eq 1 ] || exit 10\n"
	    "got=$(od -An -v -tx1 | tr -d ' \\n')\n"
	    "[ \"$got\" = '%s' ] || exit 11\n"
	    "[ -f \"$1\" ] || exit 12\n"
	    "grep -q 'BEGIN CERTIFICATE' \"$1\" || exit 13\n"
	    "[ \"$(stat -c %%a \"$1\")\" = 600 ] || exit 14\n"
	    "case \"$1\" in '%s'/csrattest-certs-*) ;; *) exit 15 ;; esac\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n",
	    hex, tdir, req_b64);
	run1(script("stdin", body, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(rr.out.verified && rr.out.bound);
	csra_result_free(&rr.r);
	return 1;
}

/* A statement far larger than a pipe's buffer, read slowly after the
 * reply is written: stdin and stdout must be served together. */
static int test_large_stdin(void)
{
	char p[512], body[2048];
	runres rr;
	size_t n = 3u << 20;
	uint8_t *big = malloc(n);
	CHECK(big != NULL);
	memset(big, 0x5a, n);
	snprintf(body, sizeof(body),
	    "printf '%%s' '{\"spki\":\"%s\"}'\n"
	    "[ \"$(wc -c)\" -eq %zu ] || exit 4\n", req_b64, n);
	char *argv[] = { (char *)script("bigstdin", body, p, sizeof(p)), NULL };
	run_argv(argv, 10000, 65536, big, n, &rr);
	free(big);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	return 1;
}

/* A command that never reads its stdin makes our write fail with EPIPE:
 * the process must survive, with no SIGPIPE left pending. */
static int test_sigpipe(void)
{
	char p[512], body[2048];
	runres rr;
	size_t n = 4u << 20;
	uint8_t *big = calloc(1, n);
	CHECK(big != NULL);
	CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
	snprintf(body, sizeof(body), "exec <&-\nprintf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	char *argv[] = { (char *)script("noread", body, p, sizeof(p)), NULL };
	run_argv(argv, 5000, 65536, big, n, &rr);
	free(big);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	/* A reader that exits mid-statement while stdout stays open. poll()
	 * reports the closed reader before the next write in practice; the
	 * EPIPE of the remaining race is what write_nosigpipe absorbs. */
	char *argv2[] = { (char *)script("partial", "exec 3>&1\nexec head -c 70000 >/dev/null\n", p, sizeof(p)),
		NULL };
	big = calloc(1, n);
	CHECK(big != NULL);
	for (int i = 0; i < 10; i++) {
		run_argv(argv2, 5000, 65536, big, n, &rr);
		int ok = rr.rc == CSRA_OK && check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL);
		csra_result_free(&rr.r);
		if (!ok)
			free(big);
		CHECK(ok);
	}
	free(big);
	sigset_t pending;
	CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 0);
	return 1;
}

static int test_environment(void)
{
	char p[512], body[2048];
	runres rr;
	/* dash exports PWD itself; everything else is what docs/external.md
	 * lists: PATH, the verification time and, when given, the nonce. */
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    "[ \"$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')\" = "
	    "'CSRATTEST_TIME=2026-12-06T07:17:16Z CSRATTEST_TIME_EPOCH=1796541436 "
	    "PATH=/usr/bin:/bin ' ] || exit 20\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	CHECK(setenv("CSRA_SECRET", "must-not-leak", 1) == 0);
	run_at = 1796541436;
	run1(script("env", body, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	/* With a nonce: CSRATTEST_NONCE in lower-case hex, nothing else more. */
	static const uint8_t nonce[] = { 0x0a, 0x1b, 0xfc, 0x00, 0xff };
	run_nonce = nonce;
	run_nonce_len = sizeof(nonce);
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    "[ \"$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')\" = "
	    "'CSRATTEST_NONCE=0a1bfc00ff CSRATTEST_TIME=2026-12-06T07:17:16Z "
	    "CSRATTEST_TIME_EPOCH=1796541436 PATH=/usr/bin:/bin ' ] || exit 21\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	run1(script("envn", body, p, sizeof(p)), 5000, 65536, &rr);
	unsetenv("CSRA_SECRET");
	run_nonce = NULL;
	run_nonce_len = 0;
	run_at = 0;
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	return 1;
}

/* The reply's "freshness": what the command says it checked. "nonce" is
 * taken only when a nonce was given; anything but "nonce" or "none" is a
 * malformed reply; absent is "none". */
static int test_freshness_reply(void)
{
	char p[512], reply[2048];
	runres rr;
	static const uint8_t nonce[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	run_nonce = nonce;
	run_nonce_len = sizeof(nonce);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":\"nonce\"}", req_b64);
	run1(replier("fresh", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.reply", CSRA_STATUS_PASS, CSRA_OK, "freshness nonce"));
	CHECK(rr.out.verified && rr.out.bound && rr.out.freshness == CSRA_FRESHNESS_NONCE);
	csra_result_free(&rr.r);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":\"none\"}", req_b64);
	run1(replier("fresh", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.reply", CSRA_STATUS_PASS, CSRA_OK, "freshness none"));
	CHECK(rr.out.verified && rr.out.freshness == CSRA_FRESHNESS_NONE);
	csra_result_free(&rr.r);
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\"}", req_b64);
	run1(replier("fresh", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.out.verified && rr.out.freshness == CSRA_FRESHNESS_NONE);
	csra_result_free(&rr.r);
	static const char *const bad[] = { "\"timestamp\"", "\"Nonce\"", "\"nonce\\u0000x\"", "true",
		"1", "null", "[\"nonce\"]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":%s}", req_b64, bad[i]);
		run1(replier("fresh", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
		if (rr.out.freshness != CSRA_FRESHNESS_NONE ||
		    !failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON,
			"freshness: must be \"nonce\" or \"none\"")) {
			fprintf(stderr, "  case %s\n", bad[i]);
			return 0;
		}
	}
	/* Without a nonce there was nothing to compare: "nonce" is refused. */
	run_nonce = NULL;
	run_nonce_len = 0;
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"freshness\":\"nonce\"}", req_b64);
	run1(replier("fresh", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.out.freshness == CSRA_FRESHNESS_NONE);
	CHECK(failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON, "but no nonce was given"));
	return 1;
}

/* The command starts with no signal blocked or ignored, although the
 * helper that runs it ignores ^C and friends and blocks SIGCHLD. */
static int test_signals_default(void)
{
	char p[512], body[2048];
	runres rr;
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    /* read by the shell itself: while it waits for a child it may
	     * block signals of its own */
	    "while IFS= read -r l; do case \"$l\" in SigIgn:*|SigBlk:*) "
	    "case \"${l#*:}\" in *[1-9a-f]*) exit 40 ;; esac ;; esac; done < /proc/$$/status\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	run1(script("signals", body, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	return 1;
}

/* Arguments reach the command as they are: no shell reads them. */
static int test_argv_verbatim(void)
{
	char p[512], body[2048];
	runres rr;
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    "[ $# -eq 3 ] || exit 21\n"
	    "[ \"$1\" = 'a b' ] || exit 22\n"
	    "[ \"$2\" = '$HOME;x*' ] || exit 23\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	char *argv[] = { (char *)script("argv", body, p, sizeof(p)), "a b", "$HOME;x*", NULL };
	run_argv(argv, 5000, 65536, stmt, sizeof(stmt), &rr);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	return 1;
}

/* An fd the application opened without O_CLOEXEC stays out of the child. */
static int test_no_inherited_fds(void)
{
	char p[512], body[2048];
	runres rr;
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 123) == 123);
	close(fd);
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    "[ -e /proc/$$/fd/123 ] && exit 30\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", req_b64);
	run1(script("fds", body, p, sizeof(p)), 5000, 65536, &rr);
	close(123);
	CHECK(check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	return 1;
}

static int test_other_key(void)
{
	char p[512], reply[2048];
	runres rr;
	snprintf(reply, sizeof(reply), "{\"spki\": \"%s\", \"claims\": {\"key\": {\"local\": true}}}",
	    other_b64);
	run1(replier("otherkey", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(check_is(&rr, "external.reply", CSRA_STATUS_PASS, CSRA_OK, NULL));
	CHECK(rr.out.verified == 1 && rr.out.nclaims == 1);
	CHECK(failed_with(&rr, "external.key", CSRA_ERR_STMT_NOT_BOUND, NULL));
	return 1;
}

/* Background work the command leaves behind is killed with its group. */
static int test_background_killed(void)
{
	char p[512], body[2048], pidfile[512], buf[32];
	runres rr;
	snprintf(pidfile, sizeof(pidfile), "%s/bg.pid", sdir);
	snprintf(body, sizeof(body),
	    "cat >/dev/null\n"
	    "sleep 30 >/dev/null 2>&1 &\necho $! > '%s'\n"
	    "printf '%%s' '{\"spki\":\"%s\"}'\n", pidfile, req_b64);
	run1(script("bg", body, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.ms < 2000);
	CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
	csra_result_free(&rr.r);
	FILE *f = fopen(pidfile, "r");
	CHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	char stat_path[64], st[256];
	snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", atoi(buf));
	int gone = 0;
	for (int i = 0; i < 100 && !gone; i++) {
		f = fopen(stat_path, "r");
		if (f == NULL) {
			gone = 1;
			break;
		}
		gone = fgets(st, sizeof(st), f) != NULL && strstr(st, ") Z ") != NULL;
		fclose(f);
		if (!gone)
			usleep(10000);
	}
	CHECK(gone);
	return 1;
}

/* Whether process |pid| is gone (or a zombie waiting for its reaper),
 * polled at most |tries| times. */
static int process_gone(pid_t pid, int tries)
{
	char stat_path[64], st[256];
	snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < tries; i++) {
		FILE *f = fopen(stat_path, "r");
		if (f == NULL)
			return 1;
		int zombie = fgets(st, sizeof(st), f) != NULL && strstr(st, ") Z ") != NULL;
		fclose(f);
		if (zombie)
			return 1;
		usleep(10000);
	}
	return 0;
}

static pid_t read_pid(const char *path)
{
	char buf[32];
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	pid_t pid = fgets(buf, sizeof(buf), f) != NULL ? (pid_t)atoi(buf) : -1;
	fclose(f);
	return pid;
}

/* Processes that leave the command's process group (setsid, a second
 * session) or are orphaned by a double fork still die with the run: when
 * the command exits and when it times out. */
static int test_escapees_killed(void)
{
	char p[512], body[4096], pf1[512], pf2[512];
	runres rr;
	snprintf(pf1, sizeof(pf1), "%s/setsid.pid", sdir);
	snprintf(pf2, sizeof(pf2), "%s/orphan.pid", sdir);
	for (int timeout = 0; timeout < 2; timeout++) {
		unlink(pf1);
		unlink(pf2);
		snprintf(body, sizeof(body),
		    "cat >/dev/null\n"
		    /* its own session and process group */
		    "setsid sleep 100 </dev/null >/dev/null 2>&1 &\n"
		    "echo $! > '%s'\n"
		    /* a grandchild whose parent exits at once: an orphan, in a
		     * session of its own too */
		    "sh -c 'setsid sleep 100 </dev/null >/dev/null 2>&1 & echo $! > \"%s\"' "
		    "</dev/null >/dev/null 2>&1\n"
		    "while [ ! -s '%s' ] || [ ! -s '%s' ]; do :; done\n"
		    "%s"
		    "printf '%%s' '{\"spki\":\"%s\"}'\n",
		    pf1, pf2, pf1, pf2, timeout ? "sleep 100\n" : "", req_b64);
		run1(script("escape", body, p, sizeof(p)), timeout ? 700 : 5000, 65536, &rr);
		if (timeout)
			CHECK(failed_with(&rr, "external.run", CSRA_ERR_EXT_TIMEOUT, NULL));
		else {
			CHECK(check_is(&rr, "external.key", CSRA_STATUS_PASS, CSRA_OK, NULL));
			csra_result_free(&rr.r);
		}
		pid_t a = read_pid(pf1), b = read_pid(pf2);
		CHECK(a > 0 && b > 0);
		int ga = process_gone(a, 100), gb = process_gone(b, 100);
		/* Do not leave them behind when the check fails. */
		if (!ga)
			kill(a, SIGKILL);
		if (!gb)
			kill(b, SIGKILL);
		CHECK(ga && gb);
	}
	return 1;
}

/* Writes |fmt| with every "%s" replaced by |v| (formats from a table
 * would be non-literal). */
static void subst(const char *fmt, const char *v, char *out, size_t cap)
{
	size_t n = 0, vl = strlen(v);
	for (const char *f = fmt; *f != '\0' && n + 1 < cap; f++) {
		if (f[0] == '%' && f[1] == 's' && n + vl + 1 < cap) {
			memcpy(out + n, v, vl);
			n += vl;
			f++;
		} else {
			out[n++] = *f;
		}
	}
	out[n] = '\0';
}

/* Malformed replies: each fails "external.reply" with the key named, and
 * leaves no claim behind. */
static int test_bad_replies(void)
{
	char spki_trailing[1024];
	{
		uint8_t der[600];
		memcpy(der, req_spki, req_spki_len);
		der[req_spki_len] = 0;
		EVP_EncodeBlock((unsigned char *)spki_trailing, der, (int)req_spki_len + 1);
	}
	/* Non-canonical: the last character before "=" carries pad bits. */
	char noncanon[1024];
	snprintf(noncanon, sizeof(noncanon), "%s", req_b64);
	size_t bl = strlen(noncanon);
	int pad = noncanon[bl - 1] == '=' ? (noncanon[bl - 2] == '=' ? 2 : 1) : 0;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *last = &noncanon[bl - 1 - pad];
	if (pad > 0)
		*last = b64[(strchr(b64, *last) - b64) | 1];
	static const struct {
		const char *fmt;	/* %s: the request's base64 SPKI */
		const char *msg;
	} cases[] = {
		{ "{\"spki\":\"%s\",\"spki\":\"%s\"}", "duplicate" },
		{ "[\"%s\"]", "not a JSON object" },
		{ "{}", "spki: missing" },
		{ "{\"spki\":5}", "spki: must be a string" },
		{ "{\"spki\":\"%s\",\"verified\":false}", "verified: unknown key" },
		{ "{\"spki\":\"!!!!\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"%s\\n\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"AAAA\"}", "spki: not a DER SubjectPublicKeyInfo" },
		{ "{\"spki\":\"AAA=\"}", "spki: not a DER SubjectPublicKeyInfo" },
		{ "{\"spki\":\"AAB=\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"AA==\"}", "spki: not a DER SubjectPublicKeyInfo" },
		{ "{\"spki\":\"AB==\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"A===\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"AA=A\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"AAA\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"\"}", "spki: not canonical base64" },
		{ "{\"spki\":\"%s\",\"claims\":[]}", "claims: must be an object" },
		{ "{\"spki\":\"%s\",\"claims\":{\"hsm\":{}}}", "claims.hsm: unknown element" },
		{ "{\"spki\":\"%s\",\"claims\":{\"key\":[]}}", "claims.key: must be an object" },
		{ "{\"spki\":\"%s\",\"claims\":{\"key\":{\"extractable\":null}}}",
		    "claims.key.extractable: must be a boolean, an integer, a string or {\"bytes\"" },
		{ "{\"spki\":\"%s\",\"claims\":{\"key\":{\"local\":[true]}}}",
		    "claims.key.local: must be a boolean" },
		{ "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"fipslevel\":2.5}}}",
		    "claims.platform.fipslevel: must be" },
		{ "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"fipslevel\":99999999999999999999}}}",
		    "not JSON" },
		{ "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"vendor\":\"a\\u0000b\"}}}",
		    "claims.platform.vendor: claim refused" },
		{ "{\"spki\":\"%s\",\"claims\":{\"key\":{\"\":true}}}", "claims.key.: claim name" },
		{ "{\"spki\":\"%s\",\"claims\":{\"key\":{\"" N256 "\":true}}}",
		    "claim name empty or too long" },
		{ "{\"spki\":\"%s\"} x", "not JSON" },
		{ "", "not JSON" },
	};
	char p[512], reply[4096];
	runres rr;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		subst(cases[i].fmt, req_b64, reply, sizeof(reply));
		run1(replier("bad", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
		if (!check_is(&rr, "external.run", CSRA_STATUS_PASS, CSRA_OK, NULL) ||
		    rr.out.nclaims != 0 || !failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON,
			cases[i].msg)) {
			fprintf(stderr, "  case %zu: %s\n", i, reply);
			csra_result_free(&rr.r);
			return 0;
		}
	}
	/* Whole replies built here rather than from a format. */
	const char *whole[3];
	char r1[2048], r2[2048], r3[8192];
	snprintf(r1, sizeof(r1), "{\"spki\":\"%s\"}", spki_trailing);
	snprintf(r2, sizeof(r2), "{\"spki\":\"%s\"}", noncanon);
	char longstr[200];
	memset(longstr, 'v', sizeof(longstr) - 1);
	longstr[sizeof(longstr) - 1] = '\0';
	snprintf(r3, sizeof(r3), "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"vendor\":\"%s\"}}}",
	    req_b64, longstr);
	whole[0] = r1;
	whole[1] = r2;
	whole[2] = r3;
	/* r3's long text is kept whole now: test_long_text. */
	const char *wmsg[3] = { "not a DER SubjectPublicKeyInfo", pad ? "not canonical base64" : "", "" };
	for (size_t i = 0; i < 3; i++) {
		if (wmsg[i][0] == '\0')
			continue;
		run1(replier("bad", whole[i], NULL, p, sizeof(p)), 5000, 65536, &rr);
		if (rr.out.nclaims != 0 || !failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON, wmsg[i])) {
			fprintf(stderr, "  whole case %zu: %s\n", i, whole[i]);
			return 0;
		}
	}
	return 1;
}

/* A reply of |n| platform claims c0..c(n-1) = i, into |buf|. */
static char *many_claims(size_t n)
{
	size_t cap = 128 + 24 * n, len;
	char *reply = malloc(cap);
	if (reply == NULL)
		return NULL;
	len = (size_t)snprintf(reply, cap, "{\"spki\":\"%s\",\"claims\":{\"platform\":{", req_b64);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(reply + len, cap - len, "%s\"c%zu\":%zu", i ? "," : "", i, i);
	snprintf(reply + len, cap - len, "}}}");
	return reply;
}

/* More claims than the cap is a refusal with CSRA_ERR_LIMIT_CLAIMS, as
 * for a callback; up to it, every claim is kept (48 was a silent cut). */
static int test_too_many_claims(void)
{
	char p[512];
	runres rr;
	char *reply = many_claims(49);
	CHECK(reply != NULL);
	run1(replier("many", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	free(reply);
	CHECK(rr.out.verified == 1 && rr.out.nclaims == 49);
	const csra_stmt_claim *c = csra_stmt_find(&rr.out, "platform", "c48");
	CHECK(c != NULL && c->type == CSRA_VALUE_INTEGER && c->integer == 48);
	csra_result_free(&rr.r);

	/* The default cap, and a smaller one. */
	static const size_t caps[] = { 0, 48 };
	for (size_t k = 0; k < 2; k++) {
		size_t cap = caps[k] ? caps[k] : CSRA_STMT_DEFAULT_LIMIT;
		for (size_t n = cap; n <= cap + 1; n++) {
			reply = many_claims(n);
			CHECK(reply != NULL);
			csra_result *r = csra_result_new();
			csra_stmt_out out;
			csra_stmt_out_init(&out, caps[k]);
			CHECK(r != NULL && csra_external_parse_reply(reply, strlen(reply), req_spki, req_spki_len, 0,
			    r, &out) == CSRA_OK);
			free(reply);
			if (n == cap) {
				CHECK(out.verified == 1 && out.nclaims == n);
				CHECK(csra_result_find(r, "statement.claims", CSRA_ERR_LIMIT_CLAIMS) < 0);
			} else {
				CHECK(out.verified == 0 && out.nclaims == 0);
				CHECK(csra_result_find(r, "statement.claims", CSRA_ERR_LIMIT_CLAIMS) >= 0);
				CHECK(csra_result_has_failure(r, CSRA_ERR_LIMIT_CLAIMS));
				rr.r = r;
				CHECK(check_is(&rr, "external.reply", CSRA_STATUS_FAIL, CSRA_ERR_EXT_JSON,
				    "too many claims"));
			}
			csra_stmt_out_clear(&out);
			csra_result_free(&r);
		}
	}
	return 1;
}

/* Bytes claims: {"bytes": "<base64>"} only; a string stays text. */
static int test_bytes_claims(void)
{
	static const struct {
		const char *value;	/* the claim "fw" of platform */
		int ok;
		const char *problem;	/* external.reply's message, when not ok */
	} cases[] = {
		{ "{\"bytes\": \"qwDN7w==\"}", 1, NULL },		/* ab 00 cd ef */
		{ "{\"bytes\": \"\"}", 1, NULL },
		{ "\"qwDN7w==\"", 1, NULL },				/* text */
		{ "{\"bytes\": \"qwDN7w\"}", 0, "not canonical base64" },
		{ "{\"bytes\": \"qwDN7x==\"}", 0, "not canonical base64" },
		{ "{\"bytes\": \"qw DN7w==\"}", 0, "not canonical base64" },
		{ "{\"bytes\": 5}", 0, "{\"bytes\"" },
		{ "{\"bytes\": \"qwDN7w==\", \"x\": 1}", 0, "{\"bytes\"" },
		{ "{\"hex\": \"ab00cdef\"}", 0, "{\"bytes\"" },
		{ "{}", 0, "{\"bytes\"" },
		{ "[1]", 0, "{\"bytes\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char reply[2048];
		snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"fw\":%s}}}",
		    req_b64, cases[i].value);
		runres rr;
		csra_stmt_out_init(&rr.out, 0);
		rr.r = csra_result_new();
		CHECK(rr.r != NULL && csra_external_parse_reply(reply, strlen(reply), req_spki, req_spki_len, 0,
		    rr.r, &rr.out) == CSRA_OK);
		int ok;
		const csra_stmt_claim *c = csra_stmt_find(&rr.out, "platform", "fw");
		if (!cases[i].ok)
			ok = rr.out.verified == 0 && rr.out.nclaims == 0 &&
			    check_is(&rr, "external.reply", CSRA_STATUS_FAIL, CSRA_ERR_EXT_JSON, cases[i].problem);
		else if (i == 0)
			ok = c != NULL && c->type == CSRA_VALUE_OCTETS && c->len == 4 &&
			    memcmp(c->bytes, "\xab\x00\xcd\xef", 4) == 0;
		else if (i == 1)
			ok = c != NULL && c->type == CSRA_VALUE_OCTETS && c->len == 0;
		else
			ok = c != NULL && c->type == CSRA_VALUE_UTF8 && strcmp(c->text, "qwDN7w==") == 0;
		if (cases[i].ok)
			ok = ok && rr.out.verified == 1;
		if (!ok)
			fprintf(stderr, "  case %zu: %s\n", i, cases[i].value);
		csra_stmt_out_clear(&rr.out);
		csra_result_free(&rr.r);
		CHECK(ok);
	}
	return 1;
}

/* Text claims are kept whole (they were cut at 127 bytes), and U+0000 in
 * one is refused with the code every statement type uses. */
static int test_long_text(void)
{
	char p[512], reply[4096], longstr[1000];
	runres rr;
	memset(longstr, 'v', sizeof(longstr) - 1);
	longstr[sizeof(longstr) - 1] = '\0';
	snprintf(reply, sizeof(reply), "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"vendor\":\"%s\"}}}",
	    req_b64, longstr);
	run1(replier("long", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.out.verified == 1);
	const csra_stmt_claim *c = csra_stmt_find(&rr.out, "platform", "vendor");
	CHECK(c != NULL && c->text_len == sizeof(longstr) - 1 && strcmp(c->text, longstr) == 0);
	csra_result_free(&rr.r);

	snprintf(reply, sizeof(reply),
	    "{\"spki\":\"%s\",\"claims\":{\"platform\":{\"vendor\":\"Trusted HSM Inc\\u0000 (not really)\"}}}",
	    req_b64);
	run1(replier("nul", reply, NULL, p, sizeof(p)), 5000, 65536, &rr);
	CHECK(rr.out.verified == 0 && rr.out.nclaims == 0);
	CHECK(csra_result_find(rr.r, "statement.claims", CSRA_ERR_EV_CLAIM_NUL) >= 0);
	CHECK(failed_with(&rr, "external.reply", CSRA_ERR_EXT_JSON, "claims.platform.vendor: claim refused"));
	csra_result_free(&rr.r);
	return 1;
}

static int test_nothing_left_behind(void)
{
	DIR *d = opendir(tdir);
	struct dirent *e;
	int files = 0;
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.') {
			fprintf(stderr, "  left behind: %s\n", e->d_name);
			files++;
		}
	}
	closedir(d);
	CHECK(files == 0);
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	CHECK(count_fds() == fds_at_start);
	return 1;
}

/* Empties and removes one of our flat temporary directories. */
static void remove_dir(const char *dir)
{
	char path[512];
	DIR *d = opendir(dir);
	struct dirent *e;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void cleanup(void)
{
	remove_dir(sdir);
	remove_dir(tdir);
	sk_X509_pop_free(certs, X509_free);
	EVP_PKEY_free(req_key);
	EVP_PKEY_free(other_key);
	OPENSSL_free(req_spki);
	OPENSSL_free(other_spki);
}

int main(void)
{
	static const tu_test tests[] = {
		TU(setup), TU(test_good_reply), TU(test_timeout), TU(test_timeout_after_closing_stdout),
		TU(test_garbage), TU(test_exit_status), TU(test_flood), TU(test_exec_failure),
		TU(test_stdin_and_pem), TU(test_large_stdin), TU(test_sigpipe), TU(test_environment),
		TU(test_argv_verbatim), TU(test_signals_default), TU(test_no_inherited_fds), TU(test_other_key),
		TU(test_freshness_reply), TU(test_background_killed), TU(test_escapees_killed), TU(test_bad_replies),
		TU(test_too_many_claims), TU(test_long_text), TU(test_bytes_claims),
		TU(test_nothing_left_behind),
	};
	int rc = tu_run(tests, sizeof(tests) / sizeof(tests[0]));
	cleanup();
	return rc;
}

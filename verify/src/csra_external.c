/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * External statement verifiers: a command the CA configures, run without
 * a shell in an empty environment, given the statement on stdin and the
 * bundle's certificates in a PEM file, answering in JSON on stdout.
 * Whatever the command does (hang, flood, die, answer garbage) becomes a
 * failed statement: never a crash, a hang, a zombie or a leaked fd.
 */
#define _GNU_SOURCE	/* pipe2, mkostemp, _Fork, close_range (glibc 2.34), ppoll */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "csra_codec_int.h"
#include "csra_stmt.h"

/* The child's whole environment: no variable of ours reaches it, only
 * PATH and what the verification gives it (make_env). */
static char env_path[] = "PATH=/usr/bin:/bin";

/* The child's environment: PATH; CSRATTEST_NONCE, the CA's nonce in
 * lower-case hex, only when one was given; CSRATTEST_TIME, the
 * verification time in RFC 3339 UTC, and CSRATTEST_TIME_EPOCH, the same
 * in seconds since 1970. */
typedef struct env {
	char *vars[5];
	char *nonce;		/* "CSRATTEST_NONCE=<hex>", allocated */
	char time[64];
	char epoch[48];
} env;

static int make_env(const csra_stmt_in *in, env *e)
{
	static const char hexd[] = "0123456789abcdef";
	static const char pre[] = "CSRATTEST_NONCE=";
	size_t n = 0;
	struct tm tm;
	e->nonce = NULL;
	e->vars[n++] = env_path;
	if (in->nonce != NULL) {
		if (in->nonce_len > (SIZE_MAX - sizeof(pre)) / 2 ||
		    (e->nonce = malloc(sizeof(pre) + 2 * in->nonce_len)) == NULL)
			return 0;
		memcpy(e->nonce, pre, sizeof(pre) - 1);
		char *h = e->nonce + sizeof(pre) - 1;
		for (size_t i = 0; i < in->nonce_len; i++) {
			*h++ = hexd[in->nonce[i] >> 4];
			*h++ = hexd[in->nonce[i] & 15];
		}
		*h = '\0';
		e->vars[n++] = e->nonce;
	}
	if (gmtime_r(&in->at, &tm) != NULL &&
	    strftime(e->time, sizeof(e->time), "CSRATTEST_TIME=%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		e->vars[n++] = e->time;
	snprintf(e->epoch, sizeof(e->epoch), "CSRATTEST_TIME_EPOCH=%lld", (long long)in->at);
	e->vars[n++] = e->epoch;
	e->vars[n] = NULL;
	return 1;
}

/* Arguments beyond this are a configuration error, not a real command. */
#define MAX_ARGS 1024

typedef enum outcome {
	RUN_OK = 0,
	RUN_EXEC,	/* could not start (or an internal error around it) */
	RUN_TIMEOUT,
	RUN_OUTPUT,
	RUN_EXIT,
	RUN_NOMEM
} outcome;

typedef struct run {
	pid_t pid;		/* the helper; 0: none, or reaped */
	int in_fd;		/* our end of the child's stdin, -1 when closed */
	int out_fd;		/* our end of the child's stdout, -1 when closed */
	int ctl_fd;		/* the helper's control pipe: closing it kills the command */
	int st_fd;		/* the helper's report */
	uint8_t *buf;		/* the reply so far */
	size_t len, cap;
	outcome outcome;
	char msg[320];		/* why, when outcome != RUN_OK */
} run;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void fail(run *ru, outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(run *ru, outcome o, const char *fmt, ...)
{
	va_list ap;
	if (ru->outcome != RUN_OK)
		return;	/* the first failure is the cause */
	ru->outcome = o;
	va_start(ap, fmt);
	vsnprintf(ru->msg, sizeof(ru->msg), fmt, ap);
	va_end(ap);
}

/* The temporary PEM file ---------------------------------------------- */

/* Writes |certs| into a new file only we can read; |path| names it on
 * success and is empty otherwise (nothing left behind). */
static int write_pem(STACK_OF(X509) *certs, char *path, size_t cap, run *ru)
{
	const char *dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	int n = snprintf(path, cap, "%s/csrattest-certs-XXXXXX", dir);
	if (n < 0 || (size_t)n >= cap) {
		n = snprintf(path, cap, "/tmp/csrattest-certs-XXXXXX");
		if (n < 0 || (size_t)n >= cap) {
			path[0] = '\0';
			fail(ru, RUN_EXEC, "cannot name a temporary file");
			return 0;
		}
	}
	/* O_CLOEXEC: another thread's child must not inherit it. */
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		fail(ru, RUN_EXEC, "cannot create a temporary file in %s: %s", dir, strerror(errno));
		path[0] = '\0';
		return 0;
	}
	FILE *f = NULL;
	if (fchmod(fd, 0600) != 0 || (f = fdopen(fd, "w")) == NULL) {
		fail(ru, RUN_EXEC, "cannot open the temporary file: %s", strerror(errno));
		close(fd);
		goto err;
	}
	int ok = 1;
	for (int i = 0; certs != NULL && i < sk_X509_num(certs); i++)
		ok = ok && PEM_write_X509(f, sk_X509_value(certs, i)) == 1;
	ok = ok && fflush(f) == 0 && !ferror(f);
	if (fclose(f) != 0 || !ok) {
		fail(ru, RUN_EXEC, "cannot write the bundle's certificates to a temporary file");
		goto err;
	}
	return 1;
err:
	unlink(path);
	path[0] = '\0';
	return 0;
}

/* glibc 2.34 added _Fork and close_range; the kernel's close_range is 5.9's.
 * Elsewhere, or built with CSRA_PORTABLE_FALLBACKS (CI's clang build, so
 * that the fallbacks are tested), fork and a close loop stand in. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34)) && \
    !defined(CSRA_PORTABLE_FALLBACKS)
#define CSRA_HAVE_GLIBC_234 1
#endif

/* fork_bare forks without the application's atfork handlers where libc
 * can (they may take locks); the child makes only async-signal-safe
 * calls either way. */
static pid_t fork_bare(void)
{
#ifdef CSRA_HAVE_GLIBC_234
	return _Fork();
#else
	return fork();
#endif
}

/* close_fds closes every fd in [lo, hi]. Without close_range: each fd up
 * to the RLIMIT_NOFILE soft limit (an fd opened above a limit lowered
 * later would stay open). Async-signal-safe. Returns 0, or -1. */
static int close_fds(unsigned lo, unsigned hi)
{
#ifdef CSRA_HAVE_GLIBC_234
	if (close_range(lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS && errno != EPERM)
		return -1;
#endif
	struct rlimit rl;
	unsigned max = 1u << 16;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (1u << 20))
		max = (unsigned)rl.rlim_cur;
	for (unsigned fd = lo; fd <= hi && fd < max; fd++)
		close((int)fd);
	return 0;
}

/* The helper ------------------------------------------------------------
 *
 * A process group is not enough to kill what a command starts: a process
 * that calls setsid() or setpgid() leaves it, and a double fork hands the
 * grandchild to init. So the command runs under a helper, a child of
 * ours that is a child subreaper (prctl PR_SET_CHILD_SUBREAPER, Linux
 * 3.4): every orphan among its descendants becomes its child instead of
 * init's, whatever session or group it is in. When the command exits,
 * or when we close the control pipe (timeout, flood, error, or our own
 * death), the helper kills the command's group, then every child it has
 * and reaps them, again and again until it has none: each dead process's
 * children are reparented to the helper, so the whole tree goes.
 * Then it writes the command's fate on the status pipe and exits.
 *
 * What still escapes: a descendant that changes its user ID (a setuid
 * program), which the helper may not signal; it gives up on it after
 * REAP_ROUNDS, and it goes to init when the helper exits.
 * docs/external.md says so.
 *
 * The helper is forked from a possibly multithreaded process: until it
 * exits it makes only async-signal-safe calls (no malloc, no stdio). */

struct helper_args {
	char **argv, **envp;
	int in_r, out_w, devnull;	/* the command's stdin, stdout, stderr */
	int ctl_r;			/* EOF: kill everything now */
	int st_w;			/* where the report goes */
};

/* What the helper reports. */
enum { REP_EXEC = 1, REP_EXITED, REP_KILLED, REP_ERROR };
struct report {
	int kind;
	int value;	/* REP_EXEC, REP_ERROR: errno; else the wait status */
};

static void on_sigchld(int sig)
{
	(void)sig;	/* only interrupts ppoll */
}

static void put_report(int fd, int kind, int value)
{
	struct report rep = { kind, value };
	while (write(fd, &rep, sizeof(rep)) < 0 && errno == EINTR)
		;
}

/* Sends SIGKILL to every process whose parent is |me|, found in /proc.
 * Returns how many it signalled. */
static int kill_children(pid_t me)
{
	char buf[4096], path[64], stat[512];
	int n = 0, dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return 0;
	for (;;) {
		long got = syscall(SYS_getdents64, dir, buf, sizeof(buf));
		if (got <= 0)
			break;
		for (long off = 0; off < got;) {
			const char *name = buf + off + 19;	/* struct linux_dirent64's d_name */
			unsigned short reclen;
			memcpy(&reclen, buf + off + 16, sizeof(reclen));
			off += reclen;
			pid_t pid = 0;
			const char *c = name;
			for (; *c >= '0' && *c <= '9' && pid < 100000000; c++)
				pid = pid * 10 + (*c - '0');
			if (*c != '\0' || pid <= 0)
				continue;
			/* "/proc/<pid>/stat", by hand: snprintf is not async-signal-safe. */
			char digits[16];
			size_t k = sizeof(digits);
			for (pid_t q = pid; q > 0; q /= 10)
				digits[--k] = (char)('0' + q % 10);
			size_t pl = 0;
			memcpy(path, "/proc/", 6), pl = 6;
			memcpy(path + pl, digits + k, sizeof(digits) - k), pl += sizeof(digits) - k;
			memcpy(path + pl, "/stat", 6);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			ssize_t len = read(fd, stat, sizeof(stat) - 1);
			close(fd);
			if (len <= 0)
				continue;
			stat[len] = '\0';
			/* "pid (comm) S ppid ...": comm may hold anything, so the
			 * last ')' ends it. */
			char *rp = NULL;
			for (char *s = stat; *s; s++)
				if (*s == ')')
					rp = s;
			if (rp == NULL || rp[1] != ' ' || rp[2] == '\0' || rp[3] != ' ')
				continue;
			pid_t ppid = 0;
			for (c = rp + 4; *c >= '0' && *c <= '9'; c++)
				ppid = ppid * 10 + (*c - '0');
			if (ppid == me && kill(pid, SIGKILL) == 0)
				n++;
		}
	}
	close(dir);
	return n;
}

/* Rounds of reap_all before the helper gives up on a process it cannot
 * kill (another user's): about two seconds. */
#define REAP_ROUNDS 1000

/* Kills and reaps every child until there is none, or REAP_ROUNDS have
 * passed; |*status| gets |cmd|'s wait status when it is reaped here. */
static void reap_all(pid_t me, pid_t cmd, int *status)
{
	for (int round = 0; round < REAP_ROUNDS; round++) {
		pid_t w;
		int st;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w == cmd)
				*status = st;
		if (w < 0 && errno != EINTR)
			return;	/* ECHILD: none left */
		kill_children(me);
		struct timespec nap = { 0, 2000000 };
		nanosleep(&nap, NULL);
	}
}

static int above_stdio(int *fd);
static void helper(const struct helper_args *a) __attribute__((noreturn));
static void helper(const struct helper_args *a)
{
	struct sigaction sa;
	sigset_t none, waitmask;
	int ex[2];
	pid_t me = getpid();

	/* Only its own five fds: the parent's ends and every other fd of
	 * the application (another thread's pipes, O_CLOEXEC or not) would
	 * otherwise stay open as long as the helper lives. */
	int keep[5] = { a->in_r, a->out_w, a->devnull, a->ctl_r, a->st_w };
	for (int i = 1; i < 5; i++)
		for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned lo = 0;
	for (int i = 0; i < 5; i++) {
		if ((unsigned)keep[i] > lo)
			close_fds(lo, (unsigned)keep[i] - 1);
		lo = (unsigned)keep[i] + 1;
	}
	close_fds(lo, ~0u);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	/* A terminal's ^C reaches the helper (it is in our process group),
	 * not the command (its own group): dying of it would orphan the
	 * command's tree to init. Our own death closes the control pipe,
	 * which is the helper's signal to kill everything. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_sigchld;
	sigaction(SIGCHLD, &sa, NULL);
	/* 0, 1 and 2 are closed here: the exec-error pipe must not land on
	 * them, where the command's dup2s would overwrite it. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0 || pipe2(ex, O_CLOEXEC) != 0 ||
	    !above_stdio(&ex[0]) || !above_stdio(&ex[1])) {
		put_report(a->st_w, REP_ERROR, errno);
		_exit(0);
	}
	pid_t cmd = fork_bare();
	if (cmd == 0) {
		/* The command: 0, 1, 2, and fd 3 (close-on-exec) for the exec
		 * error; nothing else. Sources are above 2 (above_stdio). */
		int err;
		if (dup2(a->in_r, 0) < 0 || dup2(a->out_w, 1) < 0 || dup2(a->devnull, 2) < 0 ||
		    (ex[1] != 3 && dup2(ex[1], 3) < 0) || fcntl(3, F_SETFD, FD_CLOEXEC) != 0 ||
		    close_fds(4, ~0u) != 0 || setpgid(0, 0) != 0) {
			err = errno;
		} else {
			/* The helper ignores some signals: exec would keep that. */
			sa.sa_handler = SIG_DFL;
			for (int sig = 1; sig < NSIG; sig++)
				sigaction(sig, &sa, NULL);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			execve(a->argv[0], a->argv, a->envp);
			err = errno;
		}
		while (write(3, &err, sizeof(err)) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	int fork_errno = errno;
	close(ex[1]);
	close(a->in_r);
	close(a->out_w);
	close(a->devnull);
	if (cmd < 0) {
		put_report(a->st_w, REP_ERROR, fork_errno);
		_exit(0);
	}
	int err = 0, status = 0, exited = 0;
	ssize_t n;
	while ((n = read(ex[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(ex[0]);
	if (n == (ssize_t)sizeof(err)) {
		reap_all(me, cmd, &status);
		put_report(a->st_w, REP_EXEC, err);
		_exit(0);
	}
	/* Wait for the command's exit (SIGCHLD interrupts ppoll) or for the
	 * parent's word (the control pipe closes). SIGCHLD is blocked but
	 * during ppoll: none is lost between the check and the wait. */
	sigfillset(&waitmask);
	sigdelset(&waitmask, SIGCHLD);
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		/* WNOWAIT: the command stays a zombie, so its pid, and so its
		 * process group's id, cannot be reused before the kill below. */
		if (waitid(P_PID, (id_t)cmd, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == cmd) {
			exited = 1;
			break;
		}
		struct pollfd pf = { a->ctl_r, POLLIN, 0 };
		if (ppoll(&pf, 1, NULL, &waitmask) > 0)
			break;
	}
	kill(-cmd, SIGKILL);
	if (!exited)
		kill(cmd, SIGKILL);
	/* Reaped in there too: a command we may not kill must not hold the
	 * run past REAP_ROUNDS. */
	reap_all(me, cmd, &status);
	put_report(a->st_w, exited ? REP_EXITED : REP_KILLED, status);
	_exit(0);
}

/* The child --------------------------------------------------------- */

/* Moves |*fd| above 2 so that the child's dup2 onto 0/1/2 can never meet
 * one of its own sources. */
static int above_stdio(int *fd)
{
	if (*fd > 2)
		return 1;
	int n = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	close(*fd);
	*fd = n;
	return n >= 0;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

/* Starts the command under a helper process (see helper()): stdin and
 * stdout pipes, stderr /dev/null, no other fd, its own process group,
 * default signal handling, the environment |envp|. */
static void spawn(const csra_external *ext, const char *pem, char **envp, run *ru)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ctl[2] = { -1, -1 }, st[2] = { -1, -1 };
	int devnull = -1;
	size_t argc = 0;
	char **argv = NULL;
	sigset_t all, old;

	while (argc < MAX_ARGS && ext->argv[argc] != NULL)
		argc++;
	if (argc == MAX_ARGS) {
		fail(ru, RUN_EXEC, "more than %d arguments", MAX_ARGS - 1);
		return;
	}
	argv = calloc(argc + 2, sizeof(*argv));
	if (argv == NULL) {
		fail(ru, RUN_NOMEM, "out of memory");
		return;
	}
	memcpy(argv, ext->argv, argc * sizeof(*argv));
	argv[argc] = (char *)pem;	/* execve's prototype; never written */

	/* Everything the helper uses is made here: after the fork it may only
	 * make async-signal-safe calls. */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
	    pipe2(ctl, O_CLOEXEC) != 0 || pipe2(st, O_CLOEXEC) != 0 || !above_stdio(&devnull) ||
	    !above_stdio(&in[0]) || !above_stdio(&in[1]) || !above_stdio(&out[0]) ||
	    !above_stdio(&out[1]) || !above_stdio(&ctl[0]) || !above_stdio(&st[1])) {
		fail(ru, RUN_EXEC, "cannot create pipes: %s", strerror(errno));
		goto done;
	}
	struct helper_args ha = { argv, envp, in[0], out[1], devnull, ctl[0], st[1] };
	/* No signal handler of the application may run in the helper before
	 * it resets them; the mask is restored here at once. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* No atfork handlers where libc allows (fork_bare): they are the
	 * application's and may take locks; the helper only makes
	 * async-signal-safe calls. */
	pid_t pid = fork_bare();
	if (pid == 0)
		helper(&ha);	/* never returns */
	int fork_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		fail(ru, RUN_EXEC, "cannot fork: %s", strerror(fork_errno));
		goto done;
	}
	ru->pid = pid;
	ru->in_fd = in[1];
	ru->out_fd = out[0];
	ru->ctl_fd = ctl[1];
	ru->st_fd = st[0];
	in[1] = out[0] = ctl[1] = st[0] = -1;
	if (!set_nonblock(ru->in_fd) || !set_nonblock(ru->out_fd))
		fail(ru, RUN_EXEC, "cannot configure pipes: %s", strerror(errno));
done:
	close_fd(&devnull);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&out[0]);
	close_fd(&out[1]);
	close_fd(&ctl[0]);
	close_fd(&ctl[1]);
	close_fd(&st[0]);
	close_fd(&st[1]);
	free(argv);
}

/* write(2) without letting SIGPIPE kill the process: a library must not
 * touch the application's handlers, so SIGPIPE is blocked in this thread
 * around the write, and one it raised (thread-directed) is consumed
 * before unblocking unless one was already pending. */
static ssize_t write_nosigpipe(int fd, const void *p, size_t n)
{
	sigset_t pipe_set, old, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	int err = pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	if (err != 0) {
		errno = err;
		return -1;
	}
	int was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	ssize_t w;
	do
		w = write(fd, p, n);
	while (w < 0 && errno == EINTR);
	int saved = errno;
	if (w < 0 && saved == EPIPE && !was_pending) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return w;
}

/* Reads what is available into the reply buffer, one byte past the limit
 * at most so that "too long" is known. Returns 0 at EOF or on failure. */
static int read_some(const csra_external *ext, run *ru)
{
	size_t limit = ext->max_output < SIZE_MAX ? ext->max_output + 1 : SIZE_MAX;
	for (;;) {
		if (ru->len == ru->cap) {
			size_t cap = ru->cap ? ru->cap * 2 : 4096;
			if (cap > limit || cap < ru->cap)
				cap = limit;
			if (cap == ru->cap) {	/* limit reached */
				fail(ru, RUN_OUTPUT, "reply longer than %zu bytes; the command was killed",
				    ext->max_output);
				return 0;
			}
			uint8_t *b = realloc(ru->buf, cap);
			if (b == NULL) {
				fail(ru, RUN_NOMEM, "out of memory");
				return 0;
			}
			ru->buf = b;
			ru->cap = cap;
		}
		ssize_t n = read(ru->out_fd, ru->buf + ru->len, ru->cap - ru->len);
		if (n > 0) {
			ru->len += (size_t)n;
			if (ru->len > ext->max_output) {
				fail(ru, RUN_OUTPUT, "reply longer than %zu bytes; the command was killed",
				    ext->max_output);
				return 0;
			}
			continue;
		}
		if (n == 0) {
			close_fd(&ru->out_fd);
			return 0;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 1;
		fail(ru, RUN_EXEC, "cannot read the reply: %s", strerror(errno));
		return 0;
	}
}

/* Feeds stdin and collects stdout together (either alone could deadlock
 * against a child that writes before it has read everything) until the
 * child closes stdout, the reply is too long or the deadline passes. */
static void pump(const csra_external *ext, const csra_stmt_in *in, run *ru, int64_t deadline)
{
	size_t off = 0;
	if (in->stmt == NULL || in->stmt_len == 0)
		close_fd(&ru->in_fd);
	while (ru->outcome == RUN_OK && ru->out_fd >= 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0) {
			fail(ru, RUN_TIMEOUT, "no reply within %u ms; the command was killed", ext->timeout_ms);
			return;
		}
		struct pollfd pfd[2] = { { ru->out_fd, POLLIN, 0 }, { ru->in_fd, POLLOUT, 0 } };
		int pr = poll(pfd, ru->in_fd >= 0 ? 2 : 1, left > INT_MAX ? INT_MAX : (int)left);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			fail(ru, RUN_EXEC, "poll: %s", strerror(errno));
			return;
		}
		if (ru->in_fd >= 0 && pfd[1].revents != 0) {
			if (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				close_fd(&ru->in_fd);	/* it stopped reading: its business */
			} else {
				ssize_t w = write_nosigpipe(ru->in_fd, in->stmt + off, in->stmt_len - off);
				if (w > 0)
					off += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || off == in->stmt_len)
					close_fd(&ru->in_fd);
			}
		}
		if (pfd[0].revents != 0)
			read_some(ext, ru);
	}
}

/* Waits until the helper's report can be read (the command exited and
 * what it left is dead) or the deadline passes: 1, 0 at the deadline, -1
 * on error. */
static int wait_report(run *ru, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pf = { ru->st_fd, POLLIN, 0 };
		int r = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Closes the control pipe (the helper then kills whatever still runs),
 * reads the helper's report and reaps the helper. Returns 1 with |*rep|
 * set, 0 when there is no report. */
static int finish(run *ru, struct report *rep)
{
	size_t got = 0;
	if (ru->pid <= 0)
		return 0;
	close_fd(&ru->ctl_fd);
	while (got < sizeof(*rep)) {
		ssize_t n = read(ru->st_fd, (char *)rep + got, sizeof(*rep) - got);
		if (n > 0)
			got += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			break;
	}
	close_fd(&ru->st_fd);
	/* ECHILD: someone else reaped it (SIGCHLD ignored?); the report
	 * came through the pipe anyway. */
	while (waitpid(ru->pid, NULL, 0) < 0 && errno == EINTR)
		;
	ru->pid = 0;
	return got == sizeof(*rep);
}

/* Runs the command to completion or failure; the reply is in ru->buf. */
static void run_command(const csra_external *ext, const csra_stmt_in *in, const char *pem, run *ru)
{
	int64_t deadline = now_ms() + ext->timeout_ms;
	struct report rep;
	char prog[128];
	env e;
	if (!make_env(in, &e)) {
		fail(ru, RUN_NOMEM, "out of memory");
		return;
	}
	spawn(ext, pem, e.vars, ru);
	free(e.nonce);
	if (ru->outcome == RUN_OK)
		pump(ext, in, ru, deadline);
	close_fd(&ru->in_fd);
	close_fd(&ru->out_fd);
	if (ru->pid <= 0)
		return;
	if (ru->outcome == RUN_OK) {
		int w = wait_report(ru, deadline);
		if (w == 0)
			fail(ru, RUN_TIMEOUT, "no exit within %u ms; the command was killed",
			    ext->timeout_ms);
		else if (w < 0)
			fail(ru, RUN_EXIT, "cannot wait for the command: %s", strerror(errno));
	}
	int known = finish(ru, &rep);
	if (ru->outcome != RUN_OK)
		return;
	if (!known)
		fail(ru, RUN_EXIT, "the command's exit status is unavailable");
	else if (rep.kind == REP_EXEC)
		fail(ru, RUN_EXEC, "cannot run %s: %s", csra_shown(ext->argv[0], prog, sizeof(prog)),
		    strerror(rep.value));
	else if (rep.kind != REP_EXITED)
		fail(ru, RUN_EXEC, "cannot start %s: %s", csra_shown(ext->argv[0], prog, sizeof(prog)),
		    strerror(rep.value));
	else if (WIFSIGNALED(rep.value))
		fail(ru, RUN_EXIT, "killed by signal %d", WTERMSIG(rep.value));
	else if (!WIFEXITED(rep.value) || WEXITSTATUS(rep.value) != 0)
		fail(ru, RUN_EXIT, "exited with status %d", WIFEXITED(rep.value) ? WEXITSTATUS(rep.value) : -1);
}

/* The reply ---------------------------------------------------------- */

/* Canonical, padded base64 without whitespace (csra_base64_decode): one
 * spelling per key. NULL if it is not, or memory ran out. */
static uint8_t *b64_decode(const char *s, size_t n, size_t *out_len)
{
	uint8_t *out = n > 0 ? malloc(n / 4 * 3 + 1) : NULL;
	if (out != NULL && !csra_base64_decode(s, n, out, out_len)) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Records "external.reply" FAIL for |path| and returns 0. */
static int reply_fail(csra_result *r, const char *path, const char *problem)
{
	char p[160];
	csra_shown(path, p, sizeof(p));
	csra_result_add(r, "external.reply", CSRA_STATUS_FAIL, CSRA_ERR_EXT_JSON, p, "%s: %s",
	    p[0] ? p : "reply", problem);
	return 0;
}

/* A bytes claim, {"bytes": "<canonical base64>"}: an object, so that no
 * string is ever read as anything but text. Adds it to |out| and returns
 * its code, or returns -1 after recording why the value is malformed. */
static int add_bytes_claim(json_t *v, const char *elem, const char *name, const char *path,
    csra_result *r, csra_stmt_out *out)
{
	json_t *b = json_object_get(v, "bytes");
	if (json_object_size(v) != 1 || !json_is_string(b)) {
		reply_fail(r, path, "an object value must be {\"bytes\": \"<base64>\"}");
		return -1;
	}
	size_t n = json_string_length(b), len = 0;
	uint8_t *bytes = malloc(n / 4 * 3 + 1);
	if (bytes == NULL)
		return CSRA_ERR_NOMEM;
	if (n != 0 && !csra_base64_decode(json_string_value(b), n, bytes, &len)) {
		free(bytes);
		reply_fail(r, path, "bytes: not canonical base64");
		return -1;
	}
	csra_err e = csra_stmt_add_bytes(out, elem, name, bytes, len);
	free(bytes);
	return e;
}

static int known_element(const char *e)
{
	return strcmp(e, "key") == 0 || strcmp(e, "platform") == 0 || strcmp(e, "transaction") == 0;
}

/* Adds the reply's claims to |out|, or records why they are unusable. A
 * claim |out| refuses (past the CSRA_LIMIT_CLAIMS cap, text with U+0000)
 * fails the reply as a callback's does: check "statement.claims" with
 * the same code. */
static int parse_claims(json_t *claims, csra_result *r, csra_stmt_out *out)
{
	const char *elem, *name;
	json_t *obj, *v;
	char path[200];
	if (!json_is_object(claims))
		return reply_fail(r, "claims", "must be an object");
	json_object_foreach(claims, elem, obj) {
		snprintf(path, sizeof(path), "claims.%s", elem);
		if (!known_element(elem))
			return reply_fail(r, path, "unknown element (key, platform or transaction)");
		if (!json_is_object(obj))
			return reply_fail(r, path, "must be an object");
		json_object_foreach(obj, name, v) {
			snprintf(path, sizeof(path), "claims.%s.%s", elem, name);
			/* A claim name cut to fit could pass for another claim. */
			if (name[0] == '\0' || strlen(name) > CSRA_STMT_MAX_NAME)
				return reply_fail(r, path, "claim name empty or too long");
			csra_err e;
			if (json_is_boolean(v)) {
				e = csra_stmt_add_bool(out, elem, name, json_is_true(v));
			} else if (json_is_integer(v)) {
				e = csra_stmt_add_int(out, elem, name, (int64_t)json_integer_value(v));
			} else if (json_is_string(v)) {
				e = csra_stmt_add_text(out, elem, name, (const uint8_t *)json_string_value(v),
				    json_string_length(v));
			} else if (json_is_object(v)) {
				int be = add_bytes_claim(v, elem, name, path, r, out);
				if (be < 0)
					return 0;
				e = (csra_err)be;
			} else {
				return reply_fail(r, path,
				    "must be a boolean, an integer, a string or {\"bytes\": \"<base64>\"}");
			}
			if (e == CSRA_ERR_NOMEM) {
				r->nomem = 1;
				return 0;
			}
			if (e != CSRA_OK) {
				csra_stmt_refused(out, r, "the reply");
				return reply_fail(r, path, e == CSRA_ERR_LIMIT_CLAIMS ? "too many claims"
				    : "claim refused (statement.claims)");
			}
		}
	}
	return 1;
}

/* Checks the reply's form, records "external.reply" and, when it holds,
 * "external.key". Returns 1 if the reply is well-formed. */
static int check_reply(const char *reply, size_t len, const uint8_t *request_spki,
    size_t request_spki_len, int have_nonce, csra_result *r, csra_stmt_out *out)
{
	json_error_t je;
	char msg[200], buf[200];
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	EVP_PKEY *key = NULL;
	int ok = 0;
	/* U+0000 is let through the parser to be refused as a claim, with
	 * the code a callback's or an Evidence's gets. */
	json_t *root = json_loadb(reply, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	if (root == NULL) {
		snprintf(msg, sizeof(msg), "not JSON: line %d column %d: %s", je.line, je.column,
		    csra_shown(je.text, buf, sizeof(buf)));
		return reply_fail(r, "", msg);
	}
	if (!json_is_object(root)) {
		reply_fail(r, "", "not a JSON object");
		goto out;
	}
	const char *k;
	json_t *v;
	json_object_foreach(root, k, v) {
		/* An unknown key may carry meaning ("verified": false) that
		 * ignoring it would throw away. */
		if (strcmp(k, "spki") != 0 && strcmp(k, "claims") != 0 && strcmp(k, "freshness") != 0) {
			reply_fail(r, k, "unknown key");
			goto out;
		}
	}
	/* What the command checked of freshness: absent is "none". Anything
	 * else is refused rather than guessed at, and "nonce" without a nonce
	 * claims a comparison that cannot have happened. */
	csra_freshness fresh = CSRA_FRESHNESS_NONE;
	json_t *jf = json_object_get(root, "freshness");
	if (jf != NULL) {
		const char *fv = json_is_string(jf) ? json_string_value(jf) : NULL;
		if (fv != NULL && strcmp(fv, "nonce") == 0 && json_string_length(jf) == 5) {
			if (!have_nonce) {
				reply_fail(r, "freshness", "\"nonce\", but no nonce was given");
				goto out;
			}
			fresh = CSRA_FRESHNESS_NONCE;
		} else if (fv == NULL || strcmp(fv, "none") != 0 || json_string_length(jf) != 4) {
			reply_fail(r, "freshness", "must be \"nonce\" or \"none\"");
			goto out;
		}
	}
	json_t *js = json_object_get(root, "spki");
	if (js == NULL) {
		reply_fail(r, "spki", "missing");
		goto out;
	}
	if (!json_is_string(js)) {
		reply_fail(r, "spki", "must be a string");
		goto out;
	}
	spki = b64_decode(json_string_value(js), json_string_length(js), &spki_len);
	if (spki == NULL) {
		reply_fail(r, "spki", "not canonical base64");
		goto out;
	}
	const unsigned char *p = spki;
	key = spki_len <= LONG_MAX ? d2i_PUBKEY(NULL, &p, (long)spki_len) : NULL;
	if (key == NULL || p != spki + spki_len) {
		reply_fail(r, "spki", "not a DER SubjectPublicKeyInfo");
		goto out;
	}
	json_t *jc = json_object_get(root, "claims");
	if (jc != NULL && !parse_claims(jc, r, out)) {
		out->nclaims = 0;	/* nothing from a reply we refuse */
		goto out;
	}
	csra_result_add(r, "external.reply", CSRA_STATUS_PASS, CSRA_OK, "",
	    "key type %s, %zu claim(s), freshness %s",
	    EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown", out->nclaims,
	    fresh == CSRA_FRESHNESS_NONCE ? "nonce" : "none");
	out->freshness = fresh;
	ok = 1;
	if (request_spki != NULL && spki_len == request_spki_len &&
	    memcmp(spki, request_spki, spki_len) == 0) {
		out->bound = 1;
		csra_result_add(r, "external.key", CSRA_STATUS_PASS, CSRA_OK, "spki",
		    "the attested key is the request key");
	} else {
		csra_result_add(r, "external.key", CSRA_STATUS_FAIL, CSRA_ERR_STMT_NOT_BOUND, "spki",
		    "the attested key is not the request key");
	}
out:
	EVP_PKEY_free(key);
	free(spki);
	json_decref(root);
	return ok;
}

csra_err csra_external_parse_reply(const char *buf, size_t len, const uint8_t *request_spki,
    size_t request_spki_len, int have_nonce, csra_result *r, csra_stmt_out *out)
{
	if (r == NULL || out == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	if (check_reply(buf, len, request_spki, request_spki_len, have_nonce, r, out))
		out->verified = 1;	/* the command vouched for the statement */
	else
		csra_result_add(r, "external.key", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "not compared: the reply is malformed");
	return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
}

static csra_err run_error(outcome o)
{
	switch (o) {
	case RUN_TIMEOUT: return CSRA_ERR_EXT_TIMEOUT;
	case RUN_OUTPUT: return CSRA_ERR_EXT_OUTPUT;
	case RUN_EXIT: return CSRA_ERR_EXT_EXIT;
	default: return CSRA_ERR_EXT_EXEC;
	}
}

csra_err csra_external_verify(const csra_external *ext, const csra_stmt_in *in, csra_result *r,
    csra_stmt_out *out)
{
	run ru;
	char pem[PATH_MAX], prog[128];
	if (in == NULL || r == NULL || out == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	memset(&ru, 0, sizeof(ru));
	ru.in_fd = ru.out_fd = ru.ctl_fd = ru.st_fd = -1;
	pem[0] = '\0';

	if (ext == NULL || ext->argv == NULL || ext->argv[0] == NULL || ext->argv[0][0] == '\0')
		fail(&ru, RUN_EXEC, "no command configured");
	else if (write_pem(in->certs, pem, sizeof(pem), &ru))
		run_command(ext, in, pem, &ru);
	if (pem[0] != '\0')
		unlink(pem);

	if (ru.outcome == RUN_NOMEM) {
		free(ru.buf);
		return CSRA_ERR_NOMEM;
	}
	if (ru.outcome != RUN_OK) {
		csra_result_add(r, "external.run", CSRA_STATUS_FAIL, run_error(ru.outcome), "", "%s",
		    ru.msg);
		csra_result_add(r, "external.reply", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "not read: the command failed");
		csra_result_add(r, "external.key", CSRA_STATUS_SKIP, CSRA_OK, "",
		    "not compared: the command failed");
	} else {
		csra_result_add(r, "external.run", CSRA_STATUS_PASS, CSRA_OK, "",
		    "%s exited with status 0 and a %zu-byte reply", csra_shown(ext->argv[0], prog, sizeof(prog)),
		    ru.len);
		/* Its nomem is the result's, reported below. */
		csra_external_parse_reply((const char *)ru.buf, ru.len, in->request_spki,
		    in->request_spki_len, in->nonce != NULL, r, out);
	}
	free(ru.buf);
	return r->nomem ? CSRA_ERR_NOMEM : CSRA_OK;
}

static int external_handles(const csra_verifier *v, const uint8_t *type, size_t len, const void **route)
{
	for (size_t i = 0; i < v->nexternals; i++) {
		if (v->externals[i].oid_len == len && memcmp(v->externals[i].oid, type, len) == 0) {
			*route = &v->externals[i];
			return 1;
		}
	}
	return 0;
}

static csra_err external_verify(const csra_verifier *v, const void *route, csra_decoded *d,
    const csra_stmt_in *in, csra_result *child, csra_stmt_out *out)
{
	(void)v, (void)d;
	const struct csra_external_route *rt = route;
	out->reports_freshness = 1;
	return csra_external_verify(&rt->ext, in, child, out);
}

const csra_format csra_format_external = { "external", external_handles, NULL, external_verify, 0 };

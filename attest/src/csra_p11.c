/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKCS#11 attester (csrattest/pkcs11.h): a module loaded by path, one
 * read-only session on one token, keys named by RFC 7512 pkcs11: URIs,
 * their attributes as claims, and signatures made with C_Sign.
 *
 * A csra_p11, and the keys and signers made from it, is for one thread at
 * a time: they share one session, and PKCS#11 allows one active operation
 * per session. Callers that sign from several threads serialise.
 *
 * C_Initialize and C_Finalize act on the whole process, so opens of one
 * module share one initialisation, counted here: the last close finalises,
 * and only if we initialised it (not if the application already had).
 *
 * The PIN is never written into a message, and is wiped after C_Login.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "csra_codec_int.h"
#include "csra_p11_int.h"
#include "csrattest/claims.h"
#include "csrattest/pkcs11.h"

#define URI_MAX 4096		/* a whole pkcs11: URI */
#define VAL_MAX 1024		/* one decoded URI attribute value */
#define PIN_MAX 256		/* longer PINs are a configuration error */
#define LABEL_MAX 1024		/* CKA_LABEL and CKA_ID we read */
#define CERT_MAX (256u * 1024)	/* a certificate object's CKA_VALUE */
#define SLOTS_MAX 4096
#define MSG_MAX 512		/* our own messages, before copying to |err| */

/* RFC 7512 URIs ------------------------------------------------------ */

typedef enum uattr {
	U_TOKEN,
	U_MANUFACTURER,
	U_SERIAL,
	U_MODEL,
	U_LIB_MANUFACTURER,
	U_LIB_DESCRIPTION,
	U_LIB_VERSION,
	U_OBJECT,
	U_ID,
	U_TYPE,
	U_SLOT_ID,
	U_SLOT_DESCRIPTION,
	U_SLOT_MANUFACTURER,
	U_PIN_VALUE,
	U_PIN_SOURCE,
	U_MODULE_NAME,
	U_MODULE_PATH,
	U_COUNT
} uattr;

static const struct {
	const char *name;
	int query;	/* after '?', separated by '&'; else in the path, by ';' */
} UATTRS[U_COUNT] = {
	[U_TOKEN] = { "token", 0 },
	[U_MANUFACTURER] = { "manufacturer", 0 },
	[U_SERIAL] = { "serial", 0 },
	[U_MODEL] = { "model", 0 },
	[U_LIB_MANUFACTURER] = { "library-manufacturer", 0 },
	[U_LIB_DESCRIPTION] = { "library-description", 0 },
	[U_LIB_VERSION] = { "library-version", 0 },
	[U_OBJECT] = { "object", 0 },
	[U_ID] = { "id", 0 },
	[U_TYPE] = { "type", 0 },
	[U_SLOT_ID] = { "slot-id", 0 },
	[U_SLOT_DESCRIPTION] = { "slot-description", 0 },
	[U_SLOT_MANUFACTURER] = { "slot-manufacturer", 0 },
	[U_PIN_VALUE] = { "pin-value", 1 },
	[U_PIN_SOURCE] = { "pin-source", 1 },
	[U_MODULE_NAME] = { "module-name", 1 },
	[U_MODULE_PATH] = { "module-path", 1 },
};

static const struct {
	const char *name;
	CK_OBJECT_CLASS cls;
} TYPES[] = {
	{ "private", CKO_PRIVATE_KEY },
	{ "public", CKO_PUBLIC_KEY },
	{ "cert", CKO_CERTIFICATE },
	{ "secret-key", CKO_SECRET_KEY },
	{ "data", CKO_DATA },
};

/* A parsed URI. Values point into |buf| (decoded in place, each
 * NUL-terminated); only id may hold NUL bytes, being binary. */
typedef struct p11_uri {
	char *buf;
	size_t cap;
	const char *v[U_COUNT];	/* NULL: absent */
	size_t len[U_COUNT];
	CK_SLOT_ID slot_id;
	CK_OBJECT_CLASS type;
} p11_uri;

/* Writes "<what>" into |err| (the caller's buffer, may be NULL). */
static void say(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || err_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

static void uri_free(p11_uri *u)
{
	if (u->buf != NULL) {
		OPENSSL_cleanse(u->buf, u->cap);	/* it may hold a PIN */
		free(u->buf);
	}
	memset(u, 0, sizeof(*u));
}

/* What RFC 7512 lets a path (;) or query (&) value hold unencoded:
 * unreserved, pk11-res-avail, and "&" in the path or "/?|" in the query. */
static int plain_char(unsigned char c, int query)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	if (c != '\0' && strchr("-._~:[]@!$'()*+,=", c) != NULL)
		return 1;
	return c != '\0' && strchr(query ? "/?|" : "&", c) != NULL;
}

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Parses one "name=value" of the path or query, [a, b), decoding the
 * value in place. */
static csra_err uri_attr(p11_uri *u, char *a, char *b, int query, char *err, size_t err_len)
{
	char *eq = memchr(a, '=', (size_t)(b - a));
	char shown[64], nm[40];
	if (a == b) {
		say(err, err_len, "an empty attribute in the %s", query ? "query" : "path");
		return CSRA_ERR_P11_URI;
	}
	if (eq == NULL || eq == a) {
		/* A query attribute is not shown: it might be a PIN. */
		snprintf(shown, sizeof(shown), "%.*s", (int)(b - a), a);
		if (query)
			say(err, err_len, "an attribute in the query is not name=value");
		else
			say(err, err_len, "\"%s\" is not name=value", csra_shown(shown, nm, sizeof(nm)));
		return CSRA_ERR_P11_URI;
	}
	for (char *c = a; c < eq; c++) {
		if (!name_char((unsigned char)*c)) {
			snprintf(shown, sizeof(shown), "%.*s", (int)(eq - a), a);
			say(err, err_len, "attribute name \"%s\" is not valid",
			    csra_shown(shown, nm, sizeof(nm)));
			return CSRA_ERR_P11_URI;
		}
	}
	int which = -1;
	for (int i = 0; i < U_COUNT; i++) {
		if (UATTRS[i].query == query && strlen(UATTRS[i].name) == (size_t)(eq - a) &&
		    memcmp(UATTRS[i].name, a, (size_t)(eq - a)) == 0)
			which = i;
	}
	snprintf(nm, sizeof(nm), "%.*s", (int)(eq - a), a);	/* only name_char: printable */
	/* Decode even an unknown attribute's value: its syntax must hold too. */
	char *w = eq + 1;
	char *start = w;
	for (char *r = eq + 1; r < b; r++) {
		unsigned char c = (unsigned char)*r;
		if (c == '%') {
			int hi = r + 2 < b ? csra_hex_digit((unsigned char)r[1]) : -1,
			    lo = r + 2 < b ? csra_hex_digit((unsigned char)r[2]) : -1;
			if (hi < 0 || lo < 0) {
				say(err, err_len, "%s: a '%%' not followed by two hex digits", nm);
				return CSRA_ERR_P11_URI;
			}
			c = (unsigned char)(hi << 4 | lo);
			r += 2;
			if (c == 0 && which != U_ID) {
				say(err, err_len, "%s: holds a NUL byte (%%00)", nm);
				return CSRA_ERR_P11_URI;
			}
		} else if (!plain_char(c, query)) {
			say(err, err_len, "%s: character 0x%02x must be percent-encoded", nm, c);
			return CSRA_ERR_P11_URI;
		}
		*w++ = (char)c;
	}
	size_t len = (size_t)(w - start);
	if (len > VAL_MAX) {
		say(err, err_len, "%s: longer than %d bytes", nm, VAL_MAX);
		return CSRA_ERR_P11_URI;
	}
	/* |w| <= |b|: writing the terminator over the separator is safe, the
	 * caller found the next attribute already. */
	*w = '\0';
	if (which < 0)
		return CSRA_OK;	/* vendor (x-) or unknown: ignored */
	if (u->v[which] != NULL) {
		say(err, err_len, "%s appears twice", nm);
		return CSRA_ERR_P11_URI;
	}
	u->v[which] = start;
	u->len[which] = len;
	if (which == U_SLOT_ID) {
		errno = 0;
		unsigned long long id = all_digits(start, len) ? strtoull(start, NULL, 10) : 0;
		if (!all_digits(start, len) || len > 20 || errno != 0 || (CK_SLOT_ID)id != id) {
			say(err, err_len, "slot-id is not a decimal number");
			return CSRA_ERR_P11_URI;
		}
		u->slot_id = (CK_SLOT_ID)id;
	} else if (which == U_LIB_VERSION) {
		const char *dot = memchr(start, '.', len);
		if (dot == NULL ? !all_digits(start, len) :
		    !all_digits(start, (size_t)(dot - start)) ||
			!all_digits(dot + 1, len - (size_t)(dot - start) - 1)) {
			say(err, err_len, "library-version is not M or M.m");
			return CSRA_ERR_P11_URI;
		}
	} else if (which == U_TYPE) {
		size_t i;
		for (i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++)
			if (strcmp(start, TYPES[i].name) == 0)
				break;
		if (i == sizeof(TYPES) / sizeof(TYPES[0])) {
			char v[40];
			say(err, err_len, "type \"%s\" is not private, public, cert, secret-key or data",
			    csra_shown(start, v, sizeof(v)));
			return CSRA_ERR_P11_URI;
		}
		u->type = TYPES[i].cls;
	}
	return CSRA_OK;
}

/* Splits [a, end) at |sep| and parses each attribute. */
static csra_err uri_part(p11_uri *u, char *a, char *end, char sep, int query, char *err,
    size_t err_len)
{
	if (a == end)
		return CSRA_OK;	/* an empty path or query is allowed */
	for (;;) {
		char *b = memchr(a, sep, (size_t)(end - a));
		char *stop = b != NULL ? b : end;
		csra_err e = uri_attr(u, a, stop, query, err, err_len);
		if (e != CSRA_OK)
			return e;
		if (b == NULL)
			return CSRA_OK;
		a = b + 1;
	}
}

/* Parses |s| ("pkcs11:" path ["?" query]) into |u|. */
static csra_err uri_parse(const char *s, p11_uri *u, char *err, size_t err_len)
{
	memset(u, 0, sizeof(*u));
	if (s == NULL) {
		say(err, err_len, "no URI");
		return CSRA_ERR_P11_URI;
	}
	size_t n = strnlen(s, URI_MAX + 1);
	if (n > URI_MAX) {
		say(err, err_len, "URI longer than %d bytes", URI_MAX);
		return CSRA_ERR_P11_URI;
	}
	if (n < 7 || strncasecmp(s, "pkcs11:", 7) != 0) {
		say(err, err_len, "URI does not start with \"pkcs11:\"");
		return CSRA_ERR_P11_URI;
	}
	u->cap = n + 1;
	u->buf = malloc(u->cap);
	if (u->buf == NULL) {
		say(err, err_len, "out of memory");
		return CSRA_ERR_NOMEM;
	}
	memcpy(u->buf, s, u->cap);
	char *path = u->buf + 7, *end = u->buf + n;
	char *q = memchr(path, '?', (size_t)(end - path));
	csra_err e = uri_part(u, path, q != NULL ? q : end, ';', 0, err, err_len);
	if (e == CSRA_OK && q != NULL)
		e = uri_part(u, q + 1, end, '&', 1, err, err_len);
	if (e == CSRA_OK && u->v[U_PIN_VALUE] != NULL && u->v[U_PIN_SOURCE] != NULL) {
		say(err, err_len, "pin-value and pin-source together");
		e = CSRA_ERR_P11_URI;
	}
	if (e != CSRA_OK)
		uri_free(u);
	return e;
}

/* Reads the PIN from a pin-source: only "file:" and an absolute path
 * ("file:/p" or "file:///p"), whose first line (without "\n" or "\r\n")
 * is the PIN. Programs ("|cmd") and other schemes are refused. */
static csra_err pin_from_source(const char *src, char *pin, size_t cap, char *err, size_t err_len)
{
	char shown[96];
	const char *path = NULL;
	if (strncmp(src, "file:", 5) == 0) {
		path = src + 5;
		if (strncmp(path, "//", 2) == 0)
			path = path[2] == '/' ? path + 2 : NULL;	/* file://host/...: no */
	}
	if (path == NULL || path[0] != '/') {
		say(err, err_len, "pin-source \"%s\": only file: with an absolute path is supported",
		    csra_shown(src, shown, sizeof(shown)));
		return CSRA_ERR_P11_URI;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		say(err, err_len, "pin-source %s: %s", csra_shown(path, shown, sizeof(shown)),
		    strerror(errno));
		return CSRA_ERR_P11_URI;
	}
	size_t len = 0;
	int line = 0;
	while (len < cap && !line) {
		ssize_t r = read(fd, pin + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			say(err, err_len, "pin-source %s: %s", csra_shown(path, shown, sizeof(shown)),
			    strerror(errno));
			close(fd);
			OPENSSL_cleanse(pin, cap);
			return CSRA_ERR_P11_URI;
		}
		if (r == 0)
			break;
		line = memchr(pin + len, '\n', (size_t)r) != NULL;
		len += (size_t)r;
	}
	close(fd);
	char *nl = memchr(pin, '\n', len);
	if (nl != NULL)
		len = (size_t)(nl - pin);
	if (len > 0 && pin[len - 1] == '\r')
		len--;
	if (len == 0 || len >= cap || memchr(pin, '\0', len) != NULL) {
		say(err, err_len, "pin-source %s: the first line is %s",
		    csra_shown(path, shown, sizeof(shown)),
		    len == 0 ? "empty" : len >= cap ? "too long for a PIN" : "not text");
		OPENSSL_cleanse(pin, cap);
		return CSRA_ERR_P11_URI;
	}
	OPENSSL_cleanse(pin + len, cap - len);
	return CSRA_OK;
}

/* PKCS#11 return values ---------------------------------------------- */

#define R(x) { x, #x }
static const struct {
	CK_RV rv;
	const char *name;
} CKRS[] = {
	R(CKR_OK), R(CKR_CANCEL), R(CKR_HOST_MEMORY), R(CKR_SLOT_ID_INVALID),
	R(CKR_GENERAL_ERROR), R(CKR_FUNCTION_FAILED), R(CKR_ARGUMENTS_BAD), R(CKR_CANT_LOCK),
	R(CKR_ATTRIBUTE_READ_ONLY), R(CKR_ATTRIBUTE_SENSITIVE), R(CKR_ATTRIBUTE_TYPE_INVALID),
	R(CKR_ATTRIBUTE_VALUE_INVALID), R(CKR_DATA_INVALID), R(CKR_DATA_LEN_RANGE),
	R(CKR_DEVICE_ERROR), R(CKR_DEVICE_MEMORY), R(CKR_DEVICE_REMOVED),
	R(CKR_FUNCTION_CANCELED), R(CKR_FUNCTION_NOT_SUPPORTED), R(CKR_KEY_HANDLE_INVALID),
	R(CKR_KEY_SIZE_RANGE), R(CKR_KEY_TYPE_INCONSISTENT), R(CKR_KEY_FUNCTION_NOT_PERMITTED),
	R(CKR_MECHANISM_INVALID), R(CKR_MECHANISM_PARAM_INVALID), R(CKR_OBJECT_HANDLE_INVALID),
	R(CKR_OPERATION_ACTIVE), R(CKR_OPERATION_NOT_INITIALIZED), R(CKR_PIN_INCORRECT),
	R(CKR_PIN_INVALID), R(CKR_PIN_LEN_RANGE), R(CKR_PIN_EXPIRED), R(CKR_PIN_LOCKED),
	R(CKR_SESSION_CLOSED), R(CKR_SESSION_COUNT), R(CKR_SESSION_HANDLE_INVALID),
	R(CKR_SESSION_PARALLEL_NOT_SUPPORTED), R(CKR_SESSION_READ_ONLY), R(CKR_SIGNATURE_INVALID),
	R(CKR_SIGNATURE_LEN_RANGE), R(CKR_TEMPLATE_INCOMPLETE), R(CKR_TEMPLATE_INCONSISTENT),
	R(CKR_TOKEN_NOT_PRESENT), R(CKR_TOKEN_NOT_RECOGNIZED), R(CKR_USER_ALREADY_LOGGED_IN),
	R(CKR_USER_NOT_LOGGED_IN), R(CKR_USER_PIN_NOT_INITIALIZED), R(CKR_USER_TYPE_INVALID),
	R(CKR_USER_ANOTHER_ALREADY_LOGGED_IN), R(CKR_BUFFER_TOO_SMALL),
	R(CKR_CRYPTOKI_NOT_INITIALIZED), R(CKR_CRYPTOKI_ALREADY_INITIALIZED),
	R(CKR_FUNCTION_REJECTED),
};
#undef R

/* The CKR_ name of |rv|, or its hex value in |buf|. */
static const char *ckr_name(CK_RV rv, char *buf, size_t cap)
{
	for (size_t i = 0; i < sizeof(CKRS) / sizeof(CKRS[0]); i++)
		if (CKRS[i].rv == rv)
			return CKRS[i].name;
	snprintf(buf, cap, "%s0x%lx", rv >= CKR_VENDOR_DEFINED ? "vendor-defined " : "",
	    (unsigned long)rv);
	return buf;
}

/* Records "|fn| failed: CKR_..." and returns |e|. */
static csra_err ck_fail(char *err, size_t err_len, csra_err e, const char *fn, CK_RV rv)
{
	char hex[40];
	say(err, err_len, "%s failed: %s", fn, ckr_name(rv, hex, sizeof(hex)));
	return e;
}

/* Modules and sessions ----------------------------------------------- */

/* One module this process opened through us, and how many csra_p11 use it. */
typedef struct modref {
	struct modref *next;
	void *dl;
	unsigned refs;
	int finalize;	/* we initialised it: the last close finalises */
} modref;

static pthread_mutex_t mods_lock = PTHREAD_MUTEX_INITIALIZER;
static modref *mods;

struct csra_p11 {
	void *dl;
	modref *mod;			/* NULL until initialised */
	CK_FUNCTION_LIST_PTR f;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session;
	int have_session;
	int logged_in;			/* C_Login succeeded: log out at close */
	int login_required;		/* CKF_LOGIN_REQUIRED and we did not log in */
	CK_TOKEN_INFO token;
};

typedef enum tri {
	T_UNKNOWN = -1,	/* the token did not say: no claim */
	T_FALSE = 0,
	T_TRUE = 1
} tri;

/* The private key's boolean attributes we keep. */
typedef enum kattr {
	K_SIGN,
	K_DECRYPT,
	K_UNWRAP,
	K_DERIVE,
	K_EXTRACTABLE,
	K_NEVER_EXTRACTABLE,
	K_SENSITIVE,
	K_LOCAL,
	K_ALWAYS_AUTH,
	K_COUNT
} kattr;

static const struct {
	CK_ATTRIBUTE_TYPE type;
	const char *name;
} KATTRS[K_COUNT] = {
	[K_SIGN] = { CKA_SIGN, "CKA_SIGN" },
	[K_DECRYPT] = { CKA_DECRYPT, "CKA_DECRYPT" },
	[K_UNWRAP] = { CKA_UNWRAP, "CKA_UNWRAP" },
	[K_DERIVE] = { CKA_DERIVE, "CKA_DERIVE" },
	[K_EXTRACTABLE] = { CKA_EXTRACTABLE, "CKA_EXTRACTABLE" },
	[K_NEVER_EXTRACTABLE] = { CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE" },
	[K_SENSITIVE] = { CKA_SENSITIVE, "CKA_SENSITIVE" },
	[K_LOCAL] = { CKA_LOCAL, "CKA_LOCAL" },
	[K_ALWAYS_AUTH] = { CKA_ALWAYS_AUTHENTICATE, "CKA_ALWAYS_AUTHENTICATE" },
};

/* The public key object's. */
typedef enum pattr {
	P_ENCRYPT,
	P_VERIFY,
	P_WRAP,
	P_COUNT
} pattr;

static const struct {
	CK_ATTRIBUTE_TYPE type;
	const char *name;
} PATTRS[P_COUNT] = {
	[P_ENCRYPT] = { CKA_ENCRYPT, "CKA_ENCRYPT" },
	[P_VERIFY] = { CKA_VERIFY, "CKA_VERIFY" },
	[P_WRAP] = { CKA_WRAP, "CKA_WRAP" },
};

struct csra_p11_key {
	csra_p11 *p;
	CK_OBJECT_HANDLE priv;
	CK_KEY_TYPE type;		/* CKK_EC or CKK_RSA */
	size_t field_len;		/* EC: bytes of one coordinate; RSA: of the modulus */
	EVP_PKEY *pub;
	char *identifier;
	tri k[K_COUNT];
	tri pk[P_COUNT];		/* all T_FALSE when the token holds no public key object */
	int pub_caps_known;		/* pk[] may be reported */
	int has_end;			/* CKA_END_DATE set and valid */
	time_t end;
};

static void unload(csra_p11 *p)
{
	if (p->mod != NULL) {
		pthread_mutex_lock(&mods_lock);
		modref *m = p->mod;
		/* Logging out would log out every other session of ours on the
		 * token; closing the last session logs out anyway. */
		if (p->logged_in && p->have_session && m->refs == 1)
			p->f->C_Logout(p->session);
		if (p->have_session)
			p->f->C_CloseSession(p->session);
		if (--m->refs == 0) {
			if (m->finalize)
				p->f->C_Finalize(NULL);
			for (modref **pp = &mods; *pp != NULL; pp = &(*pp)->next) {
				if (*pp == m) {
					*pp = m->next;
					break;
				}
			}
			free(m);
		}
		pthread_mutex_unlock(&mods_lock);
	}
	if (p->dl != NULL)
		dlclose(p->dl);
	free(p);
}

void csra_p11_close(csra_p11 **pp)
{
	if (pp == NULL || *pp == NULL)
		return;
	unload(*pp);
	*pp = NULL;
}

/* Loads |path| and initialises it (or shares our earlier initialisation). */
static csra_err load(csra_p11 *p, const char *path, char *err, size_t err_len)
{
	char shown[160];
	/* dlopen searches the library path for a name without '/': a module
	 * must be named by its path, never found by search. */
	if (strchr(path, '/') == NULL) {
		say(err, err_len, "module \"%s\" is not a path", csra_shown(path, shown, sizeof(shown)));
		return CSRA_ERR_P11_MODULE;
	}
	dlerror();
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		const char *why = dlerror();
		char w[200];
		say(err, err_len, "cannot load %s: %s", csra_shown(path, shown, sizeof(shown)),
		    why != NULL ? csra_shown(why, w, sizeof(w)) : "dlopen failed");
		return CSRA_ERR_P11_MODULE;
	}
	CK_C_GetFunctionList get = NULL;
	void *sym = dlsym(p->dl, "C_GetFunctionList");
	/* POSIX's way from an object pointer to a function pointer. */
	memcpy(&get, &sym, sizeof(get));
	if (get == NULL) {
		say(err, err_len, "%s is not a PKCS#11 module (no C_GetFunctionList)",
		    csra_shown(path, shown, sizeof(shown)));
		return CSRA_ERR_P11_MODULE;
	}
	CK_RV rv = get(&p->f);
	if (rv != CKR_OK || p->f == NULL) {
		return ck_fail(err, err_len, CSRA_ERR_P11_MODULE, "C_GetFunctionList",
		    rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
	}
	CK_FUNCTION_LIST_PTR f = p->f;
	if (f->version.major < 2 || f->C_Initialize == NULL || f->C_Finalize == NULL ||
	    f->C_GetSlotList == NULL || f->C_GetTokenInfo == NULL || f->C_OpenSession == NULL ||
	    f->C_CloseSession == NULL || f->C_Login == NULL || f->C_Logout == NULL ||
	    f->C_FindObjectsInit == NULL || f->C_FindObjects == NULL ||
	    f->C_FindObjectsFinal == NULL || f->C_GetAttributeValue == NULL ||
	    f->C_SignInit == NULL || f->C_Sign == NULL) {
		say(err, err_len, "%s: not a PKCS#11 2.x function list",
		    csra_shown(path, shown, sizeof(shown)));
		return CSRA_ERR_P11_MODULE;
	}

	csra_err e = CSRA_OK;
	pthread_mutex_lock(&mods_lock);
	modref *m;
	for (m = mods; m != NULL && m->dl != p->dl; m = m->next)
		;
	if (m == NULL) {
		m = calloc(1, sizeof(*m));
		if (m == NULL) {
			say(err, err_len, "out of memory");
			e = CSRA_ERR_NOMEM;
			goto out;
		}
		CK_C_INITIALIZE_ARGS args;
		memset(&args, 0, sizeof(args));
		args.flags = CKF_OS_LOCKING_OK;
		rv = f->C_Initialize(&args);
		if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
			free(m);
			e = ck_fail(err, err_len, CSRA_ERR_P11_MODULE, "C_Initialize", rv);
			goto out;
		}
		/* Already initialised by the application: it finalises, not us. */
		m->finalize = rv == CKR_OK;
		m->dl = p->dl;
		m->next = mods;
		mods = m;
	}
	m->refs++;
	p->mod = m;
out:
	pthread_mutex_unlock(&mods_lock);
	return e;
}

/* |f|/|n| (a blank-padded CK_TOKEN_INFO field) without its padding. */
static size_t trimmed(const CK_UTF8CHAR *f, size_t n)
{
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\0'))
		n--;
	return n;
}

csra_err csra_p11_uri_check(const uint8_t *data, size_t len, size_t *nattrs, char *err, size_t err_len)
{
	*nattrs = 0;
	if (memchr(data, 0, len) != NULL) {
		say(err, err_len, "NUL byte in the URI");
		return CSRA_ERR_P11_URI;
	}
	char *str = malloc(len + 1);
	if (str == NULL) {
		say(err, err_len, "out of memory");
		return CSRA_ERR_NOMEM;
	}
	memcpy(str, data, len);
	str[len] = '\0';
	p11_uri u;
	csra_err e = uri_parse(str, &u, err, err_len);
	int parsed = e == CSRA_OK;
	for (int a = 0; e == CSRA_OK && a < U_COUNT; a++) {
		if (u.v[a] == NULL)
			continue;
		(*nattrs)++;
		/* Values lie in the buffer, terminated; only id is binary. */
		if (u.v[a] < u.buf || u.v[a] + u.len[a] >= u.buf + u.cap || u.v[a][u.len[a]] != '\0' ||
		    (a != U_ID && strlen(u.v[a]) != u.len[a]) || u.len[a] > VAL_MAX) {
			say(err, err_len, "attribute %s decoded wrongly", UATTRS[a].name);
			e = CSRA_ERR_INTERNAL;
		}
	}
	if (parsed)
		uri_free(&u);
	free(str);
	return e;
}

static int field_is(const p11_uri *u, uattr a, const CK_UTF8CHAR *f, size_t n)
{
	if (u->v[a] == NULL)
		return 1;
	n = trimmed(f, n);
	return u->len[a] == n && memcmp(u->v[a], f, n) == 0;
}

/* Whether token |t| in slot |slot| is the one |u| names. */
static int token_matches(const p11_uri *u, CK_SLOT_ID slot, const CK_TOKEN_INFO *t)
{
	return field_is(u, U_TOKEN, t->label, sizeof(t->label)) &&
	    field_is(u, U_MANUFACTURER, t->manufacturerID, sizeof(t->manufacturerID)) &&
	    field_is(u, U_SERIAL, t->serialNumber, sizeof(t->serialNumber)) &&
	    field_is(u, U_MODEL, t->model, sizeof(t->model)) &&
	    (u->v[U_SLOT_ID] == NULL || u->slot_id == slot);
}

/* Appends token label |t| to the list of labels seen in |buf|. */
static void add_label(char *buf, size_t cap, const CK_TOKEN_INFO *t)
{
	char label[sizeof(t->label) + 1], shown[48];
	size_t n = trimmed(t->label, sizeof(t->label)), used = strlen(buf);
	memcpy(label, t->label, n);
	label[n] = '\0';
	if (used < cap)
		snprintf(buf + used, cap - used, "%s\"%s\"", used ? ", " : "",
		    csra_shown(label, shown, sizeof(shown)));
}

/* Finds the one token |u| names and sets p->slot and p->token. */
static csra_err pick_token(csra_p11 *p, const p11_uri *u, char *err, size_t err_len)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG n = 0;
	CK_RV rv;
	/* The slot list may grow between the two calls: ask again. */
	for (int tries = 0;; tries++) {
		rv = p->f->C_GetSlotList(CK_TRUE, NULL, &n);
		if (rv != CKR_OK)
			return ck_fail(err, err_len, CSRA_ERR_P11_FUNCTION, "C_GetSlotList", rv);
		if (n == 0 || n > SLOTS_MAX)
			break;
		free(slots);
		slots = calloc(n, sizeof(*slots));
		if (slots == NULL) {
			say(err, err_len, "out of memory");
			return CSRA_ERR_NOMEM;
		}
		rv = p->f->C_GetSlotList(CK_TRUE, slots, &n);
		if (rv == CKR_OK || rv != CKR_BUFFER_TOO_SMALL || tries == 3)
			break;
	}
	if (rv != CKR_OK) {
		free(slots);
		return ck_fail(err, err_len, CSRA_ERR_P11_FUNCTION, "C_GetSlotList", rv);
	}
	if (n > SLOTS_MAX) {
		free(slots);
		say(err, err_len, "the module reports %lu slots", (unsigned long)n);
		return CSRA_ERR_P11_FUNCTION;
	}
	char seen[256] = "";
	unsigned matched = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO t;
		memset(&t, 0, sizeof(t));
		if (p->f->C_GetTokenInfo(slots[i], &t) != CKR_OK)
			continue;	/* removed meanwhile, or broken: not a candidate */
		/* An uninitialised token holds no keys and has no label. */
		if (!(t.flags & CKF_TOKEN_INITIALIZED))
			continue;
		add_label(seen, sizeof(seen), &t);
		if (token_matches(u, slots[i], &t)) {
			if (matched++ == 0) {
				p->slot = slots[i];
				p->token = t;
			}
		}
	}
	free(slots);
	if (matched == 1)
		return CSRA_OK;
	if (matched == 0)
		say(err, err_len, "no token matches the URI (tokens: %s)", seen[0] ? seen : "none");
	else
		say(err, err_len, "%u tokens match the URI (tokens: %s)", matched, seen);
	return CSRA_ERR_P11_TOKEN;
}

csra_err csra_p11_open(const char *module, const char *uri, const char *pin, csra_p11 **out,
    char *err, size_t err_len)
{
	p11_uri u;
	char pinbuf[PIN_MAX + 1];
	const char *use_pin = NULL;
	size_t pin_len = 0;
	say(err, err_len, "%s", "");
	if (out == NULL) {
		say(err, err_len, "no place for the result");
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	csra_err e = uri_parse(uri, &u, err, err_len);
	if (e != CSRA_OK)
		return e;
	if (module == NULL)
		module = u.v[U_MODULE_PATH];
	if (module == NULL) {
		uri_free(&u);
		say(err, err_len, "no module: give its path, or module-path in the URI");
		return CSRA_ERR_P11_MODULE;
	}
	if (u.v[U_MODULE_PATH] != NULL && module == u.v[U_MODULE_PATH] && module[0] != '/') {
		uri_free(&u);
		say(err, err_len, "module-path is not an absolute path");
		return CSRA_ERR_P11_URI;
	}
	if (pin != NULL) {
		use_pin = pin;
		pin_len = strnlen(pin, PIN_MAX + 1);
	} else if (u.v[U_PIN_VALUE] != NULL) {
		use_pin = u.v[U_PIN_VALUE];
		pin_len = u.len[U_PIN_VALUE];
	} else if (u.v[U_PIN_SOURCE] != NULL) {
		e = pin_from_source(u.v[U_PIN_SOURCE], pinbuf, sizeof(pinbuf), err, err_len);
		if (e != CSRA_OK) {
			uri_free(&u);
			return e;
		}
		use_pin = pinbuf;
		pin_len = strlen(pinbuf);
	}
	csra_p11 *p = NULL;
	if (use_pin != NULL && pin_len > PIN_MAX) {
		e = CSRA_ERR_P11_PIN;
		say(err, err_len, "the PIN is longer than %d bytes", PIN_MAX);
		goto done;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		e = CSRA_ERR_NOMEM;
		say(err, err_len, "out of memory");
		goto done;
	}
	e = load(p, module, err, err_len);
	if (e == CSRA_OK)
		e = pick_token(p, &u, err, err_len);
	if (e == CSRA_OK) {
		CK_RV rv = p->f->C_OpenSession(p->slot, CKF_SERIAL_SESSION, NULL, NULL, &p->session);
		if (rv != CKR_OK)
			e = ck_fail(err, err_len, CSRA_ERR_P11_FUNCTION, "C_OpenSession", rv);
		else
			p->have_session = 1;
	}
	if (e == CSRA_OK && use_pin != NULL) {
		CK_RV rv = p->f->C_Login(p->session, CKU_USER, (CK_UTF8CHAR_PTR)use_pin, pin_len);
		if (rv == CKR_OK)
			p->logged_in = 1;
		else if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE)
			e = ck_fail(err, err_len, CSRA_ERR_P11_PIN, "C_Login", rv);
		else if (rv == CKR_PIN_LOCKED)
			e = ck_fail(err, err_len, CSRA_ERR_P11_PIN_LOCKED, "C_Login", rv);
		else if (rv != CKR_USER_ALREADY_LOGGED_IN)
			e = ck_fail(err, err_len, CSRA_ERR_P11_FUNCTION, "C_Login", rv);
	}
	if (e == CSRA_OK && use_pin == NULL)
		p->login_required = (p->token.flags & CKF_LOGIN_REQUIRED) != 0;
	if (e != CSRA_OK)
		unload(p);
	else
		*out = p;
done:
	OPENSSL_cleanse(pinbuf, sizeof(pinbuf));
	uri_free(&u);
	return e;
}

/* Objects and attributes --------------------------------------------- */

/* An operation on an open session, and where its failure goes. */
typedef struct op {
	csra_p11 *p;
	char *err;
	size_t err_len;
	csra_err e;
	int soft;	/* attr_bytes: the attribute only feeds a claim */
} op;

static int op_fail(op *o, csra_err e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int op_fail(op *o, csra_err e, const char *fmt, ...)
{
	va_list ap;
	o->e = e;
	if (o->err != NULL && o->err_len > 0) {
		va_start(ap, fmt);
		vsnprintf(o->err, o->err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int op_ckfail(op *o, const char *fn, const char *what, CK_RV rv)
{
	char hex[40];
	return op_fail(o, rv == CKR_HOST_MEMORY ? CSRA_ERR_NOMEM : CSRA_ERR_P11_FUNCTION,
	    "%s(%s) failed: %s", fn, what, ckr_name(rv, hex, sizeof(hex)));
}

/* Whether |rv| (and length) means "the token does not give this value":
 * no such attribute, sensitive, or unavailable. Never a guess. */
static int unavailable(CK_RV rv, CK_ULONG len)
{
	return rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
	    (rv == CKR_OK && len == CK_UNAVAILABLE_INFORMATION);
}

/* Whether |rv| says the session, token or memory failed, not one
 * attribute of one object. */
static int session_failed(CK_RV rv)
{
	return rv == CKR_HOST_MEMORY || rv == CKR_DEVICE_MEMORY || rv == CKR_DEVICE_REMOVED ||
	    rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED ||
	    rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_CRYPTOKI_NOT_INITIALIZED ||
	    rv == CKR_OBJECT_HANDLE_INVALID;
}

/* For attributes that only feed a claim: one the token fails to give is
 * unknown, so its claim is left out, rather than the key refused.
 * SoftHSM 2.6 answers CKR_GENERAL_ERROR for a CKA_END_DATE set on a
 * private object (it stores the date in clear and decrypts it to read). */
static int claim_unavailable(CK_RV rv, CK_ULONG len)
{
	return unavailable(rv, len) || (rv != CKR_OK && !session_failed(rv));
}

/* Reads attribute |t| (at most |max| bytes) of object |h| into |*val|
 * (malloc, one NUL byte beyond |*len|). 1: read; 0: unavailable; -1: failed. */
static int attr_bytes(op *o, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, const char *name, size_t max,
    uint8_t **val, size_t *len)
{
	CK_ATTRIBUTE a = { t, NULL, 0 };
	*val = NULL;
	*len = 0;
	CK_RV rv = o->p->f->C_GetAttributeValue(o->p->session, h, &a, 1);
	if (unavailable(rv, a.ulValueLen) || (o->soft && claim_unavailable(rv, a.ulValueLen)))
		return 0;
	if (rv != CKR_OK)
		return op_ckfail(o, "C_GetAttributeValue", name, rv);
	if (a.ulValueLen > max)
		return op_fail(o, CSRA_ERR_P11_FUNCTION, "%s is %lu bytes, more than %zu", name,
		    (unsigned long)a.ulValueLen, max);
	size_t cap = a.ulValueLen;
	uint8_t *b = malloc(cap + 1);
	if (b == NULL)
		return op_fail(o, CSRA_ERR_NOMEM, "out of memory");
	a.pValue = b;
	rv = o->p->f->C_GetAttributeValue(o->p->session, h, &a, 1);
	if (rv != CKR_OK || a.ulValueLen > cap) {
		free(b);
		if (unavailable(rv, a.ulValueLen) || (o->soft && claim_unavailable(rv, a.ulValueLen)))
			return 0;
		return op_ckfail(o, "C_GetAttributeValue", name, rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
	}
	b[a.ulValueLen] = 0;
	*val = b;
	*len = a.ulValueLen;
	return 1;
}

/* Reads a CK_BBOOL attribute, which only ever feeds a claim, into |*v|
 * (T_UNKNOWN if the token does not give it, or gives other than CK_TRUE
 * or CK_FALSE). 0, or -1 if the session failed. */
static int attr_bool(op *o, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, const char *name, tri *v)
{
	CK_BBOOL b = 0xff;
	CK_ATTRIBUTE a = { t, &b, sizeof(b) };
	*v = T_UNKNOWN;
	CK_RV rv = o->p->f->C_GetAttributeValue(o->p->session, h, &a, 1);
	if (claim_unavailable(rv, a.ulValueLen))
		return 0;
	if (rv != CKR_OK)
		return op_ckfail(o, "C_GetAttributeValue", name, rv);
	if (a.ulValueLen == sizeof(b) && (b == CK_TRUE || b == CK_FALSE))
		*v = b == CK_TRUE ? T_TRUE : T_FALSE;
	return 0;
}

/* Reads a CK_ULONG attribute. 1: read; 0: unavailable; -1: failed. */
static int attr_ulong(op *o, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t, const char *name,
    CK_ULONG *v)
{
	CK_ATTRIBUTE a = { t, v, sizeof(*v) };
	CK_RV rv = o->p->f->C_GetAttributeValue(o->p->session, h, &a, 1);
	if (unavailable(rv, a.ulValueLen))
		return 0;
	if (rv != CKR_OK)
		return op_ckfail(o, "C_GetAttributeValue", name, rv);
	return a.ulValueLen == sizeof(*v) ? 1 : 0;
}

/* Finds the objects |tmpl| matches: sets |*first| and |*count| (0, 1, or
 * 2 for "several"). 0, or -1 if a call failed. */
static int find(op *o, CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *first, unsigned *count)
{
	CK_OBJECT_HANDLE h[2];
	CK_ULONG total = 0, got = 0;
	CK_SESSION_HANDLE s = o->p->session;
	CK_RV rv = o->p->f->C_FindObjectsInit(s, tmpl, n);
	if (rv != CKR_OK)
		return op_ckfail(o, "C_FindObjectsInit", "", rv);
	do {
		rv = o->p->f->C_FindObjects(s, h + total, 2 - total, &got);
		if (rv == CKR_OK && got > 2 - total)
			rv = CKR_GENERAL_ERROR;	/* wrote past what we gave it: stop */
		if (rv != CKR_OK)
			break;
		total += got;
	} while (got > 0 && total < 2);
	CK_RV rv2 = o->p->f->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return op_ckfail(o, "C_FindObjects", "", rv);
	if (rv2 != CKR_OK)
		return op_ckfail(o, "C_FindObjectsFinal", "", rv2);
	*count = (unsigned)total;
	*first = total > 0 ? h[0] : CK_INVALID_HANDLE;
	return 0;
}

/* Shows a URI's object=/id= for messages. */
static const char *named(const p11_uri *u, char *buf, size_t cap)
{
	char label[64], idhex[40];
	size_t n = 0;
	if (u->v[U_OBJECT] != NULL)
		csra_shown(u->v[U_OBJECT], label, sizeof(label));
	for (size_t i = 0; u->v[U_ID] != NULL && i < u->len[U_ID] && n + 3 < sizeof(idhex); i++)
		n += (size_t)snprintf(idhex + n, sizeof(idhex) - n, "%02x",
		    (unsigned char)u->v[U_ID][i]);
	idhex[n] = '\0';
	if (u->v[U_OBJECT] != NULL && u->v[U_ID] != NULL)
		snprintf(buf, cap, "label \"%s\" and id %s", label, idhex);
	else if (u->v[U_OBJECT] != NULL)
		snprintf(buf, cap, "label \"%s\"", label);
	else if (u->v[U_ID] != NULL)
		snprintf(buf, cap, "id %s", idhex);
	else
		snprintf(buf, cap, "any label and id");
	return buf;
}

/* Parses |uri| for an object of class |cls| in |o|'s token: the token
 * attributes, if any, must be the session's token's. */
static int object_uri(op *o, const char *uri, CK_OBJECT_CLASS cls, csra_err none, p11_uri *u)
{
	csra_err e = uri_parse(uri, u, o->err, o->err_len);
	if (e != CSRA_OK) {
		o->e = e;
		return -1;
	}
	if (u->v[U_TYPE] != NULL && u->type != cls) {
		op_fail(o, CSRA_ERR_P11_URI, "type=%s does not name a %s", u->v[U_TYPE],
		    cls == CKO_PRIVATE_KEY ? "private key" : "certificate");
		uri_free(u);
		return -1;
	}
	if (!token_matches(u, o->p->slot, &o->p->token)) {
		op_fail(o, none, "the URI names another token than the open one");
		uri_free(u);
		return -1;
	}
	return 0;
}

/* Public keys -------------------------------------------------------- */

static const struct {
	int nid;
	const char *group;	/* OpenSSL's name, also the draft's */
	size_t field_len;
} CURVES[] = {
	{ NID_X9_62_prime256v1, "P-256", 32 },
	{ NID_secp384r1, "P-384", 48 },
	{ NID_secp521r1, "P-521", 66 },
};

/* The CURVES index of the named-curve DER |der|/|n| (CKA_EC_PARAMS), or -1. */
static int curve_of(const uint8_t *der, size_t n)
{
	const unsigned char *q = der;
	ASN1_OBJECT *obj = n > 0 && n < 64 ? d2i_ASN1_OBJECT(NULL, &q, (long)n) : NULL;
	int nid = obj != NULL && q == der + n ? OBJ_obj2nid(obj) : NID_undef;
	ASN1_OBJECT_free(obj);
	for (size_t i = 0; i < sizeof(CURVES) / sizeof(CURVES[0]); i++)
		if (nid != NID_undef && CURVES[i].nid == nid)
			return (int)i;
	return -1;
}

static EVP_PKEY *from_params(const char *alg, OSSL_PARAM *params)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	if (pk != NULL) {
		/* The point on the curve; a sane modulus and exponent. */
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
		EVP_PKEY_CTX_free(ctx);
	}
	return pk;
}

/* An EC public key on curve |c| from CKA_EC_POINT |v|/|n|: the DER OCTET
 * STRING holding the uncompressed point, as PKCS#11 says, or the bare
 * point, as some tokens give. */
static EVP_PKEY *ec_public(int c, const uint8_t *v, size_t n)
{
	size_t want = 1 + 2 * CURVES[c].field_len;
	const uint8_t *pt = NULL;
	const unsigned char *q = v;
	ASN1_OCTET_STRING *os = n > 0 && n < 1024 ? d2i_ASN1_OCTET_STRING(NULL, &q, (long)n) : NULL;
	if (os != NULL && q == v + n && (size_t)os->length == want && os->data[0] == 0x04)
		pt = os->data;
	else if (n == want && v[0] == 0x04)
		pt = v;
	EVP_PKEY *pk = NULL;
	if (pt != NULL) {
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
			    (char *)CURVES[c].group, 0),
			OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, want),
			OSSL_PARAM_construct_end(),
		};
		pk = from_params("EC", params);
	}
	ASN1_OCTET_STRING_free(os);
	return pk;
}

/* An RSA public key from CKA_MODULUS and CKA_PUBLIC_EXPONENT. */
static EVP_PKEY *rsa_public(const uint8_t *mod, size_t mlen, const uint8_t *exp, size_t elen)
{
	EVP_PKEY *pk = NULL;
	OSSL_PARAM *params = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *n = BN_bin2bn(mod, (int)mlen, NULL), *e = BN_bin2bn(exp, (int)elen, NULL);
	if (bld != NULL && n != NULL && e != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) != NULL)
		pk = from_params("RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	return pk;
}

/* Whether |pk| is of the key's type (and curve). */
static int same_kind(const csra_p11_key *k, int curve, EVP_PKEY *pk)
{
	if (k->type == CKK_RSA)
		return EVP_PKEY_is_a(pk, "RSA");
	char g[64];
	if (!EVP_PKEY_is_a(pk, "EC") ||
	    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, g, sizeof(g), NULL) != 1)
		return 0;
	int nid = OBJ_sn2nid(g);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(g);
	return nid == CURVES[curve].nid;
}

/* The public key as one object of class |h| gives it: RSA modulus and
 * exponent, or EC point. 1: made; 0: the object does not give it. */
static int public_of(op *o, const csra_p11_key *k, int curve, CK_OBJECT_HANDLE h, EVP_PKEY **out)
{
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen;
	int r;
	*out = NULL;
	if (k->type == CKK_EC) {
		r = attr_bytes(o, h, CKA_EC_POINT, "CKA_EC_POINT", 1024, &a, &alen);
		if (r == 1 && (*out = ec_public(curve, a, alen)) == NULL)
			r = op_fail(o, CSRA_ERR_P11_KEY_TYPE, "CKA_EC_POINT is not a point on %s",
			    CURVES[curve].group);
	} else {
		r = attr_bytes(o, h, CKA_MODULUS, "CKA_MODULUS", CSRA_SIG_MAX, &a, &alen);
		if (r == 1)
			r = attr_bytes(o, h, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT", 64, &b, &blen);
		if (r == 1 && (*out = rsa_public(a, alen, b, blen)) == NULL)
			r = op_fail(o, CSRA_ERR_P11_KEY_TYPE,
			    "CKA_MODULUS and CKA_PUBLIC_EXPONENT are not an RSA public key");
	}
	free(a);
	free(b);
	return r;
}

/* Sets k->pub: from the private key itself (CKA_PUBLIC_KEY_INFO, or an
 * RSA key's modulus and exponent) and from the public key object with its
 * CKA_ID (and the URI's label); when both exist they must agree. */
static int load_public(op *o, csra_p11_key *k, int curve, const uint8_t *id, size_t id_len,
    const p11_uri *u)
{
	EVP_PKEY *own = NULL, *obj = NULL;
	uint8_t *spki = NULL;
	size_t spki_len = 0;
	/* Optional (PKCS#11 2.40 added it): a token that fails to give it
	 * may still have a public key object. */
	o->soft = 1;
	int r = attr_bytes(o, k->priv, CKA_PUBLIC_KEY_INFO, "CKA_PUBLIC_KEY_INFO", 4096, &spki,
	    &spki_len);
	o->soft = 0;
	if (r == 1 && spki_len > 0) {
		const unsigned char *q = spki;
		own = d2i_PUBKEY(NULL, &q, (long)spki_len);
		if (own == NULL || q != spki + spki_len || !same_kind(k, curve, own))
			r = op_fail(o, CSRA_ERR_P11_KEY_TYPE,
			    "the private key's CKA_PUBLIC_KEY_INFO is not its SubjectPublicKeyInfo");
	}
	free(spki);
	if (r >= 0 && own == NULL && k->type == CKK_RSA)
		r = public_of(o, k, curve, k->priv, &own);
	if (r < 0)
		goto fail;

	CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
	CK_KEY_TYPE kt = k->type;
	CK_ATTRIBUTE t[4] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_KEY_TYPE, &kt, sizeof(kt) },
		{ CKA_ID, (void *)id, id_len },
	};
	CK_ULONG nt = 3;
	if (u->v[U_OBJECT] != NULL)
		t[nt++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)u->v[U_OBJECT], u->len[U_OBJECT] };
	CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
	unsigned count = 2;	/* without a CKA_ID, no public key object is known to be its */
	if (id != NULL && find(o, t, nt, &h, &count) < 0)
		goto fail;
	if (count == 1) {
		if (public_of(o, k, curve, h, &obj) < 0)
			goto fail;
		k->pub_caps_known = 1;
		for (int i = 0; i < P_COUNT; i++) {
			if (attr_bool(o, h, PATTRS[i].type, PATTRS[i].name, &k->pk[i]) < 0)
				goto fail;
			if (k->pk[i] == T_UNKNOWN)
				k->pub_caps_known = 0;
		}
	} else {
		/* No public key object: the token cannot encrypt, verify or
		 * wrap with this key, which is a fact, not a guess. Several:
		 * we cannot tell which is the key's, so no purpose claim. */
		for (int i = 0; i < P_COUNT; i++)
			k->pk[i] = T_FALSE;
		k->pub_caps_known = count == 0;
	}
	if (own != NULL && obj != NULL && EVP_PKEY_eq(own, obj) != 1) {
		op_fail(o, CSRA_ERR_P11_AMBIGUOUS,
		    "the public key object with this key's CKA_ID holds another key");
		goto fail;
	}
	if (own == NULL && obj == NULL) {
		op_fail(o, CSRA_ERR_P11_NO_KEY, "%s, and the private key gives no public key",
		    id == NULL ? "the private key has no CKA_ID" : count > 1 ?
		    "several public key objects have its CKA_ID" :
		    "no public key object has its CKA_ID");
		goto fail;
	}
	k->pub = own != NULL ? own : obj;
	EVP_PKEY_free(own != NULL ? obj : NULL);
	return 0;
fail:
	EVP_PKEY_free(own);
	EVP_PKEY_free(obj);
	return -1;
}

/* Keys --------------------------------------------------------------- */

static int unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

/* "pkcs11:object=<label>;id=<id>": the label's bytes outside RFC 3986
 * unreserved and every byte of the id as %XX; an empty part left out. */
static char *make_identifier(const uint8_t *label, size_t llen, const uint8_t *id, size_t idlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t cap = sizeof("pkcs11:object=;id=") + 3 * (llen + idlen);
	char *s = malloc(cap), *w = s;
	if (s == NULL)
		return NULL;
	w += snprintf(w, cap, "pkcs11:");
	if (llen > 0) {
		w += snprintf(w, cap - (size_t)(w - s), "object=");
		for (size_t i = 0; i < llen; i++) {
			if (unreserved(label[i])) {
				*w++ = (char)label[i];
			} else {
				*w++ = '%';
				*w++ = hex[label[i] >> 4];
				*w++ = hex[label[i] & 15];
			}
		}
	}
	if (idlen > 0) {
		w += snprintf(w, cap - (size_t)(w - s), "%sid=", llen > 0 ? ";" : "");
		for (size_t i = 0; i < idlen; i++) {
			*w++ = '%';
			*w++ = hex[id[i] >> 4];
			*w++ = hex[id[i] & 15];
		}
	}
	*w = '\0';
	return s;
}

/* CKA_END_DATE (CK_DATE, "YYYYMMDD") as the last second of that day, UTC:
 * a key that ends on a day is still valid during it. All blanks, zeros or
 * NULs, or an empty value, mean no end date. 1: set; 0: none or invalid. */
static int end_date(const uint8_t *v, size_t n, time_t *out)
{
	int blank = 1;
	for (size_t i = 0; i < n; i++)
		blank = blank && (v[i] == ' ' || v[i] == '0' || v[i] == '\0');
	if (n != 8 || blank || !all_digits((const char *)v, 8))
		return 0;
	int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	int m = (v[4] - '0') * 10 + (v[5] - '0'), d = (v[6] - '0') * 10 + (v[7] - '0');
	struct tm tm, back;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	time_t t = timegm(&tm);
	/* timegm normalises 20250231 into March: such a date is not valid. */
	if (y < 1900 || t == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_year != y - 1900 || back.tm_mon != m - 1 || back.tm_mday != d)
		return 0;
	*out = t;
	return 1;
}

void csra_p11_key_free(csra_p11_key **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	csra_p11_key *k = *kp;
	EVP_PKEY_free(k->pub);
	free(k->identifier);
	free(k);
	*kp = NULL;
}

csra_err csra_p11_find_key(csra_p11 *p, const char *uri, csra_p11_key **out, char *err,
    size_t err_len)
{
	op o = { p, err, err_len, CSRA_OK, 0 };
	p11_uri u;
	char what[160];
	uint8_t *label = NULL, *id = NULL, *params = NULL, *end = NULL;
	size_t label_len = 0, id_len = 0, params_len = 0, end_len = 0;
	int curve = -1;
	say(err, err_len, "%s", "");
	if (p == NULL || out == NULL) {
		say(err, err_len, "no session or no place for the result");
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (object_uri(&o, uri, CKO_PRIVATE_KEY, CSRA_ERR_P11_NO_KEY, &u) < 0)
		return o.e;
	csra_p11_key *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		op_fail(&o, CSRA_ERR_NOMEM, "out of memory");
		goto fail;
	}
	k->p = p;

	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE t[3] = { { CKA_CLASS, &cls, sizeof(cls) } };
	CK_ULONG nt = 1;
	if (u.v[U_OBJECT] != NULL)
		t[nt++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)u.v[U_OBJECT], u.len[U_OBJECT] };
	if (u.v[U_ID] != NULL)
		t[nt++] = (CK_ATTRIBUTE){ CKA_ID, (void *)u.v[U_ID], u.len[U_ID] };
	unsigned count;
	if (find(&o, t, nt, &k->priv, &count) < 0)
		goto fail;
	if (count == 0) {
		op_fail(&o, CSRA_ERR_P11_NO_KEY, "no private key with %s%s", named(&u, what, sizeof(what)),
		    p->login_required ? " (not logged in: the token wants a PIN)" : "");
		goto fail;
	}
	if (count > 1) {
		op_fail(&o, CSRA_ERR_P11_AMBIGUOUS, "several private keys with %s",
		    named(&u, what, sizeof(what)));
		goto fail;
	}

	CK_ULONG kt;
	int r = attr_ulong(&o, k->priv, CKA_KEY_TYPE, "CKA_KEY_TYPE", &kt);
	if (r < 0)
		goto fail;
	if (r == 0 || (kt != CKK_EC && kt != CKK_RSA)) {
		op_fail(&o, CSRA_ERR_P11_KEY_TYPE, "the key with %s is %s, not EC or RSA",
		    named(&u, what, sizeof(what)), r == 0 ? "of no key type" : "another type");
		goto fail;
	}
	k->type = kt;
	if (attr_bytes(&o, k->priv, CKA_LABEL, "CKA_LABEL", LABEL_MAX, &label, &label_len) < 0 ||
	    attr_bytes(&o, k->priv, CKA_ID, "CKA_ID", LABEL_MAX, &id, &id_len) < 0)
		goto fail;
	if (k->type == CKK_EC) {
		r = attr_bytes(&o, k->priv, CKA_EC_PARAMS, "CKA_EC_PARAMS", 1024, &params, &params_len);
		if (r < 0)
			goto fail;
		curve = r == 1 ? curve_of(params, params_len) : -1;
		if (curve < 0) {
			op_fail(&o, CSRA_ERR_P11_KEY_TYPE,
			    "the EC key with %s is not on P-256, P-384 or P-521 (named curve)",
			    named(&u, what, sizeof(what)));
			goto fail;
		}
		k->field_len = CURVES[curve].field_len;
	}
	for (int i = 0; i < K_COUNT; i++)
		if (attr_bool(&o, k->priv, KATTRS[i].type, KATTRS[i].name, &k->k[i]) < 0)
			goto fail;
	o.soft = 1;
	r = attr_bytes(&o, k->priv, CKA_END_DATE, "CKA_END_DATE", 64, &end, &end_len);
	o.soft = 0;
	if (r < 0)
		goto fail;
	k->has_end = r == 1 && end_date(end, end_len, &k->end);
	if (load_public(&o, k, curve, id, id_len, &u) < 0)
		goto fail;
	if (k->type == CKK_RSA) {
		int bytes = EVP_PKEY_get_size(k->pub);
		if (bytes <= 0 || bytes > CSRA_SIG_MAX) {
			op_fail(&o, CSRA_ERR_P11_KEY_TYPE, "the RSA key with %s is too large",
			    named(&u, what, sizeof(what)));
			goto fail;
		}
		k->field_len = (size_t)bytes;
	}
	k->identifier = make_identifier(label, label_len, id, id_len);
	if (k->identifier == NULL) {
		op_fail(&o, CSRA_ERR_NOMEM, "out of memory");
		goto fail;
	}
	*out = k;
	k = NULL;
	o.e = CSRA_OK;
fail:
	csra_p11_key_free(&k);
	free(label);
	free(id);
	free(params);
	free(end);
	uri_free(&u);
	return o.e;
}

EVP_PKEY *csra_p11_key_pubkey(const csra_p11_key *k)
{
	return k != NULL ? k->pub : NULL;
}

const char *csra_p11_key_identifier(const csra_p11_key *k)
{
	return k != NULL ? k->identifier : NULL;
}

/* Signing ------------------------------------------------------------ */

/* The DER DigestInfo of |digest| under |md| (RFC 8017 section 9.2),
 * which CKM_RSA_PKCS pads and signs as it is. */
static int digest_info(const EVP_MD *md, const uint8_t *digest, size_t len, uint8_t **der,
    int *der_len)
{
	X509_SIG *sig = X509_SIG_new();
	X509_ALGOR *alg = NULL;
	ASN1_OCTET_STRING *dig = NULL;
	ASN1_OBJECT *oid = OBJ_nid2obj(EVP_MD_get_type(md));
	int ok = 0;
	*der = NULL;
	if (sig != NULL && oid != NULL) {
		X509_SIG_getm(sig, &alg, &dig);
		ok = X509_ALGOR_set0(alg, oid, V_ASN1_NULL, NULL) == 1 &&
		    ASN1_OCTET_STRING_set(dig, digest, (int)len) == 1 &&
		    (*der_len = i2d_X509_SIG(sig, der)) > 0;
	}
	X509_SIG_free(sig);
	return ok;
}

/* The DER Ecdsa-Sig-Value of the token's r || s. */
static csra_err ecdsa_der(const uint8_t *raw, size_t half, uint8_t *sig, size_t *sig_len)
{
	csra_err e = CSRA_ERR_NOMEM;
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)half, NULL), *s = BN_bin2bn(raw + half, (int)half, NULL);
	if (es != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL;	/* owned by |es| now */
		int n = i2d_ECDSA_SIG(es, NULL);
		if (n <= 0 || (size_t)n > *sig_len) {
			e = CSRA_ERR_INTERNAL;
		} else {
			unsigned char *w = sig;
			i2d_ECDSA_SIG(es, &w);
			*sig_len = (size_t)n;
			e = CSRA_OK;
		}
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return e;
}

/* csra_sign_fn for keys in the token: the digest goes to C_Sign. */
static csra_err p11_sign(void *arg, csra_sig_scheme scheme, const EVP_MD *md,
    const uint8_t *digest, size_t digest_len, uint8_t *sig, size_t *sig_len)
{
	csra_p11_key *k = arg;
	CK_MECHANISM mech = { 0, NULL, 0 };
	CK_RSA_PKCS_PSS_PARAMS pss;
	uint8_t *info = NULL;
	const uint8_t *in = digest;
	CK_ULONG in_len = digest_len;
	uint8_t raw[CSRA_SIG_MAX];
	CK_ULONG raw_len = sizeof(raw);
	csra_err e = CSRA_OK;

	if (k == NULL || md == NULL || digest == NULL || sig == NULL || sig_len == NULL ||
	    EVP_MD_get_size(md) <= 0 || digest_len != (size_t)EVP_MD_get_size(md))
		return CSRA_ERR_INVALID_ARGUMENT;
	switch (scheme) {
	case CSRA_SCHEME_ECDSA:
		if (k->type != CKK_EC)
			return CSRA_ERR_INVALID_ARGUMENT;
		mech.mechanism = CKM_ECDSA;
		break;
	case CSRA_SCHEME_RSA_PKCS1: {
		int n = 0;
		if (k->type != CKK_RSA)
			return CSRA_ERR_INVALID_ARGUMENT;
		if (!digest_info(md, digest, digest_len, &info, &n))
			return CSRA_ERR_NOMEM;
		mech.mechanism = CKM_RSA_PKCS;
		in = info;
		in_len = (CK_ULONG)n;
		break;
	}
	case CSRA_SCHEME_RSA_PSS:
		if (k->type != CKK_RSA)
			return CSRA_ERR_INVALID_ARGUMENT;
		switch (EVP_MD_get_type(md)) {
		case NID_sha256:
			pss.hashAlg = CKM_SHA256;
			pss.mgf = CKG_MGF1_SHA256;
			break;
		case NID_sha384:
			pss.hashAlg = CKM_SHA384;
			pss.mgf = CKG_MGF1_SHA384;
			break;
		case NID_sha512:
			pss.hashAlg = CKM_SHA512;
			pss.mgf = CKG_MGF1_SHA512;
			break;
		default:
			return CSRA_ERR_INVALID_ARGUMENT;
		}
		pss.sLen = digest_len;
		mech.mechanism = CKM_RSA_PKCS_PSS;
		mech.pParameter = &pss;
		mech.ulParameterLen = sizeof(pss);
		break;
	default:
		return CSRA_ERR_INVALID_ARGUMENT;
	}

	CK_FUNCTION_LIST_PTR f = k->p->f;
	CK_RV rv = f->C_SignInit(k->p->session, &mech, k->priv);
	/* A buffer for the largest signature we take (RSA moduli are at most
	 * CSRA_SIG_MAX bytes, checked in csra_p11_find_key), so that
	 * CKR_BUFFER_TOO_SMALL, which would leave the operation active, does
	 * not happen. */
	if (rv == CKR_OK)
		rv = f->C_Sign(k->p->session, (CK_BYTE_PTR)in, in_len, raw, &raw_len);
	if (rv != CKR_OK) {
		e = rv == CKR_HOST_MEMORY ? CSRA_ERR_NOMEM : CSRA_ERR_P11_FUNCTION;
	} else if (k->type == CKK_EC) {
		/* r || s, each as long as the field. */
		e = raw_len == 2 * k->field_len ? ecdsa_der(raw, k->field_len, sig, sig_len) :
		    CSRA_ERR_P11_FUNCTION;
	} else if (raw_len != k->field_len || raw_len > *sig_len) {
		e = CSRA_ERR_P11_FUNCTION;
	} else {
		memcpy(sig, raw, raw_len);
		*sig_len = raw_len;
	}
	OPENSSL_free(info);
	return e;
}

csra_signer *csra_p11_key_signer(csra_p11_key *k, csra_err *e, char *err, size_t err_len)
{
	csra_err ignored;
	char shown[160];
	if (e == NULL)
		e = &ignored;
	say(err, err_len, "%s", "");
	if (k == NULL) {
		*e = CSRA_ERR_INVALID_ARGUMENT;
		say(err, err_len, "no key");
		return NULL;
	}
	if (k->k[K_SIGN] == T_FALSE) {
		*e = CSRA_ERR_P11_CANNOT_SIGN;
		say(err, err_len, "key %s may not sign (CKA_SIGN is false)",
		    csra_shown(k->identifier, shown, sizeof(shown)));
		return NULL;
	}
	/* Such a key wants the PIN again before each signature
	 * (CKU_CONTEXT_SPECIFIC); we keep no PIN, so say so now rather than
	 * fail, or wait on a PIN pad, inside each signature. */
	if (k->k[K_ALWAYS_AUTH] == T_TRUE) {
		*e = CSRA_ERR_P11_FUNCTION;
		say(err, err_len, "key %s has CKA_ALWAYS_AUTHENTICATE (a PIN for each signature), "
		    "which csrattest does not support", csra_shown(k->identifier, shown, sizeof(shown)));
		return NULL;
	}
	csra_signer *s = csra_signer_new_fn(k->pub, p11_sign, k);
	if (s == NULL) {
		*e = CSRA_ERR_NOMEM;
		say(err, err_len, "cannot make a signer for key %s",
		    csra_shown(k->identifier, shown, sizeof(shown)));
		return NULL;
	}
	*e = CSRA_OK;
	return s;
}

/* Claims ------------------------------------------------------------- */

static csra_err set_bool(csra_attester *a, size_t idx, csra_claim c, tri v)
{
	if (v == T_UNKNOWN)
		return CSRA_OK;	/* the token did not say */
	csra_claim_value cv;
	memset(&cv, 0, sizeof(cv));
	cv.type = CSRA_VALUE_BOOLEAN;
	cv.boolean = v == T_TRUE;
	return csra_attester_set_key(a, idx, c, &cv, CSRA_SOURCE_OBSERVED);
}

csra_err csra_p11_key_observe(const csra_p11_key *k, csra_attester *a, size_t *k_index)
{
	if (k == NULL || a == NULL || k_index == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	size_t idx;
	csra_err e = csra_attester_add_key(a, k->identifier, strlen(k->identifier), &idx);
	if (e != CSRA_OK)
		return e;
	*k_index = idx;

	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pub, &der);
	if (n <= 0)
		return CSRA_ERR_NOMEM;
	csra_claim_value v;
	memset(&v, 0, sizeof(v));
	v.type = CSRA_VALUE_OCTETS;
	v.bytes = der;
	v.len = (size_t)n;
	e = csra_attester_set_key(a, idx, CSRA_CLAIM_KEY_SPKI, &v, CSRA_SOURCE_OBSERVED);
	OPENSSL_free(der);
	if (e == CSRA_OK)
		e = set_bool(a, idx, CSRA_CLAIM_KEY_EXTRACTABLE, k->k[K_EXTRACTABLE]);
	if (e == CSRA_OK)
		e = set_bool(a, idx, CSRA_CLAIM_KEY_NEVER_EXTRACTABLE, k->k[K_NEVER_EXTRACTABLE]);
	if (e == CSRA_OK)
		e = set_bool(a, idx, CSRA_CLAIM_KEY_SENSITIVE, k->k[K_SENSITIVE]);
	if (e == CSRA_OK)
		e = set_bool(a, idx, CSRA_CLAIM_KEY_LOCAL, k->k[K_LOCAL]);

	/* The purpose claim lists what the key may do; one capability the
	 * token would not tell us makes the whole list unknowable. */
	static const struct {
		kattr a;
		unsigned bit;
	} PRIV[] = {
		{ K_SIGN, CSRA_PURPOSE_SIGN }, { K_DECRYPT, CSRA_PURPOSE_DECRYPT },
		{ K_UNWRAP, CSRA_PURPOSE_UNWRAP }, { K_DERIVE, CSRA_PURPOSE_DERIVE },
	};
	static const struct {
		pattr a;
		unsigned bit;
	} PUB[] = {
		{ P_ENCRYPT, CSRA_PURPOSE_ENCRYPT }, { P_VERIFY, CSRA_PURPOSE_VERIFY },
		{ P_WRAP, CSRA_PURPOSE_WRAP },
	};
	int known = k->pub_caps_known;
	memset(&v, 0, sizeof(v));
	v.type = CSRA_VALUE_PURPOSES;
	for (size_t i = 0; i < sizeof(PRIV) / sizeof(PRIV[0]); i++) {
		known = known && k->k[PRIV[i].a] != T_UNKNOWN;
		v.purposes |= k->k[PRIV[i].a] == T_TRUE ? PRIV[i].bit : 0;
	}
	for (size_t i = 0; i < sizeof(PUB) / sizeof(PUB[0]); i++)
		v.purposes |= k->pk[PUB[i].a] == T_TRUE ? PUB[i].bit : 0;
	if (e == CSRA_OK && known)
		e = csra_attester_set_key(a, idx, CSRA_CLAIM_KEY_PURPOSE, &v, CSRA_SOURCE_OBSERVED);

	if (e == CSRA_OK && k->has_end) {
		memset(&v, 0, sizeof(v));
		v.type = CSRA_VALUE_TIME;
		v.time = k->end;
		e = csra_attester_set_key(a, idx, CSRA_CLAIM_KEY_EXPIRY, &v, CSRA_SOURCE_OBSERVED);
	}
	return e;
}

/* Whether |s|/|n| is well-formed UTF-8 (no overlong forms, surrogates or
 * values past U+10FFFF): a token's text fields may not be. */
static int utf8_ok(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		size_t more;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i <= more)
			return 0;
		for (size_t j = 1; j <= more; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if ((more == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (more == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += more + 1;
	}
	return 1;
}

/* Sets platform claim |c| to the text |s|/|n| (trimmed already), as the
 * claim's type wants it; empty or not UTF-8 is left out. */
static csra_err set_text(csra_attester *a, csra_claim c, const uint8_t *s, size_t n)
{
	const csra_claim_info *ci = csra_claim_get(c);
	if (ci == NULL)
		return CSRA_ERR_INTERNAL;
	if (n == 0 || (ci->type == CSRA_VALUE_UTF8 && !utf8_ok(s, n)))
		return CSRA_OK;
	csra_claim_value v;
	memset(&v, 0, sizeof(v));
	v.type = ci->type;
	v.bytes = s;
	v.len = n;
	return csra_attester_set_platform(a, c, &v, CSRA_SOURCE_OBSERVED);
}

csra_err csra_p11_observe_platform(const csra_p11 *p, csra_attester *a)
{
	if (p == NULL || a == NULL)
		return CSRA_ERR_INVALID_ARGUMENT;
	const CK_TOKEN_INFO *t = &p->token;
	char hw[16], fw[16];
	snprintf(hw, sizeof(hw), "%u.%u", t->hardwareVersion.major, t->hardwareVersion.minor);
	snprintf(fw, sizeof(fw), "%u.%u", t->firmwareVersion.major, t->firmwareVersion.minor);
	csra_err e = set_text(a, CSRA_CLAIM_VENDOR, t->manufacturerID,
	    trimmed(t->manufacturerID, sizeof(t->manufacturerID)));
	if (e == CSRA_OK)
		e = set_text(a, CSRA_CLAIM_HWMODEL, t->model, trimmed(t->model, sizeof(t->model)));
	if (e == CSRA_OK)
		e = set_text(a, CSRA_CLAIM_HWSERIAL, t->serialNumber,
		    trimmed(t->serialNumber, sizeof(t->serialNumber)));
	if (e == CSRA_OK)
		e = set_text(a, CSRA_CLAIM_HWVERSION, (const uint8_t *)hw, strlen(hw));
	if (e == CSRA_OK)
		e = set_text(a, CSRA_CLAIM_SWVERSION, (const uint8_t *)fw, strlen(fw));
	return e;
}

/* Certificates ------------------------------------------------------- */

csra_err csra_p11_find_cert(csra_p11 *p, const char *uri, X509 **out, char *err, size_t err_len)
{
	op o = { p, err, err_len, CSRA_OK, 0 };
	p11_uri u;
	char what[160];
	uint8_t *der = NULL;
	size_t len = 0;
	say(err, err_len, "%s", "");
	if (p == NULL || out == NULL) {
		say(err, err_len, "no session or no place for the result");
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	*out = NULL;
	if (object_uri(&o, uri, CKO_CERTIFICATE, CSRA_ERR_P11_NO_CERT, &u) < 0)
		return o.e;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_ATTRIBUTE t[4] = {
		{ CKA_CLASS, &cls, sizeof(cls) },
		{ CKA_CERTIFICATE_TYPE, &ct, sizeof(ct) },
	};
	CK_ULONG nt = 2;
	if (u.v[U_OBJECT] != NULL)
		t[nt++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)u.v[U_OBJECT], u.len[U_OBJECT] };
	if (u.v[U_ID] != NULL)
		t[nt++] = (CK_ATTRIBUTE){ CKA_ID, (void *)u.v[U_ID], u.len[U_ID] };
	CK_OBJECT_HANDLE h;
	unsigned count;
	if (find(&o, t, nt, &h, &count) < 0)
		goto done;
	if (count != 1) {
		op_fail(&o, count == 0 ? CSRA_ERR_P11_NO_CERT : CSRA_ERR_P11_AMBIGUOUS,
		    "%s X.509 certificate with %s", count == 0 ? "no" : "several",
		    named(&u, what, sizeof(what)));
		goto done;
	}
	int r = attr_bytes(&o, h, CKA_VALUE, "CKA_VALUE", CERT_MAX, &der, &len);
	if (r < 0)
		goto done;
	const unsigned char *q = der;
	X509 *x = r == 1 && len > 0 ? d2i_X509(NULL, &q, (long)len) : NULL;
	if (x == NULL || q != der + len) {
		X509_free(x);
		op_fail(&o, CSRA_ERR_P11_NO_CERT,
		    "the certificate object with %s does not hold one DER certificate",
		    named(&u, what, sizeof(what)));
		goto done;
	}
	*out = x;
	o.e = CSRA_OK;
done:
	free(der);
	uri_free(&u);
	return o.e;
}

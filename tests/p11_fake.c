/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A PKCS#11 module for test_pkcs11, for what SoftHSM cannot be made to
 * do: a locked PIN, a failing or already done C_Initialize, two tokens of
 * one name, an EC point without its OCTET STRING, attributes a token will
 * not give, a session that fails, C_Sign failing. CSRA_FAKE_P11, read at
 * C_Initialize, picks the behaviour. It holds one EC key "k" (id 01)
 * whose public key is the P-256 base point; it cannot sign.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

/* For the test, through dlsym: how often C_Finalize ran. */
int csra_fake_finalized;

static char mode[32];

static int is(const char *m)
{
	return strcmp(mode, m) == 0;
}

typedef struct fattr {
	CK_ATTRIBUTE_TYPE type;
	const void *v;
	CK_ULONG len;
	CK_RV rv;	/* not CKR_OK: what reading it answers */
} fattr;

static const CK_OBJECT_CLASS c_priv = CKO_PRIVATE_KEY, c_pub = CKO_PUBLIC_KEY;
static const CK_KEY_TYPE k_ec = CKK_EC;
static const CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static const CK_BYTE id1 = 1;
static const CK_BYTE p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
/* The P-256 base point, uncompressed, bare: as some tokens give it. */
static const CK_BYTE point[65] = {
	0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4,
	0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8,
	0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a,
	0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40,
	0x68, 0x37, 0xbf, 0x51, 0xf5,
};

static const fattr priv_attrs[] = {
	{ CKA_CLASS, &c_priv, sizeof(c_priv), CKR_OK },
	{ CKA_KEY_TYPE, &k_ec, sizeof(k_ec), CKR_OK },
	{ CKA_LABEL, "k", 1, CKR_OK },
	{ CKA_ID, &id1, 1, CKR_OK },
	{ CKA_EC_PARAMS, p256, sizeof(p256), CKR_OK },
	{ CKA_SIGN, &yes, 1, CKR_OK },
	{ CKA_DECRYPT, &no, 1, CKR_OK },
	{ CKA_UNWRAP, &no, 1, CKR_OK },
	{ CKA_DERIVE, &no, 1, CKR_OK },
	{ CKA_SENSITIVE, &yes, 1, CKR_OK },
	{ CKA_EXTRACTABLE, NULL, 0, CKR_ATTRIBUTE_SENSITIVE },
	{ CKA_LOCAL, NULL, 0, CKR_FUNCTION_FAILED },
	{ CKA_END_DATE, "        ", 8, CKR_OK },	/* all blank: no end date */
	/* CKA_NEVER_EXTRACTABLE: absent, CKR_ATTRIBUTE_TYPE_INVALID */
};

static const fattr pub_attrs[] = {
	{ CKA_CLASS, &c_pub, sizeof(c_pub), CKR_OK },
	{ CKA_KEY_TYPE, &k_ec, sizeof(k_ec), CKR_OK },
	{ CKA_LABEL, "k", 1, CKR_OK },
	{ CKA_ID, &id1, 1, CKR_OK },
	{ CKA_EC_PARAMS, p256, sizeof(p256), CKR_OK },
	{ CKA_EC_POINT, point, sizeof(point), CKR_OK },
	{ CKA_ENCRYPT, &no, 1, CKR_OK },
	{ CKA_VERIFY, &yes, 1, CKR_OK },
	{ CKA_WRAP, &no, 1, CKR_OK },
};

static const struct {
	const fattr *a;
	size_t n;
} objs[] = {
	{ priv_attrs, sizeof(priv_attrs) / sizeof(priv_attrs[0]) },
	{ pub_attrs, sizeof(pub_attrs) / sizeof(pub_attrs[0]) },
};
#define NOBJS (sizeof(objs) / sizeof(objs[0]))	/* handles 1..NOBJS */

static CK_OBJECT_HANDLE found[NOBJS];
static CK_ULONG nfound, next_found;
static int finding, signing;

static const fattr *attr_of(CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE t)
{
	if (h < 1 || h > NOBJS)
		return NULL;
	for (size_t i = 0; i < objs[h - 1].n; i++)
		if (objs[h - 1].a[i].type == t)
			return &objs[h - 1].a[i];
	return NULL;
}

static CK_RV f_Initialize(void *args)
{
	(void)args;
	const char *m = getenv("CSRA_FAKE_P11");
	snprintf(mode, sizeof(mode), "%s", m != NULL ? m : "");
	if (is("init-fails"))
		return CKR_GENERAL_ERROR;
	if (is("already"))
		return CKR_CRYPTOKI_ALREADY_INITIALIZED;
	return CKR_OK;
}

static CK_RV f_Finalize(void *reserved)
{
	(void)reserved;
	csra_fake_finalized++;
	return CKR_OK;
}

static CK_RV f_GetSlotList(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR n)
{
	CK_ULONG have = is("two-tokens") ? 2 : 1;
	(void)present;
	if (list == NULL) {
		*n = have;
		return CKR_OK;
	}
	if (*n < have) {
		*n = have;
		return CKR_BUFFER_TOO_SMALL;
	}
	for (CK_ULONG i = 0; i < have; i++)
		list[i] = 7 + i;
	*n = have;
	return CKR_OK;
}

static void pad(CK_UTF8CHAR *f, size_t n, const char *s)
{
	memset(f, ' ', n);
	memcpy(f, s, strlen(s));
}

static CK_RV f_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR t)
{
	if (slot != 7 && slot != 8)
		return CKR_SLOT_ID_INVALID;
	memset(t, 0, sizeof(*t));
	pad(t->label, sizeof(t->label), "fake");
	pad(t->manufacturerID, sizeof(t->manufacturerID), "Fake & Co");
	pad(t->model, sizeof(t->model), "fake-model");
	pad(t->serialNumber, sizeof(t->serialNumber), "0001");
	t->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED;
	t->hardwareVersion.major = 1;
	t->hardwareVersion.minor = 2;
	t->firmwareVersion.major = 3;
	t->firmwareVersion.minor = 40;
	return CKR_OK;
}

static CK_RV f_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, void *app, CK_NOTIFY notify,
    CK_SESSION_HANDLE_PTR s)
{
	(void)flags;
	(void)app;
	(void)notify;
	*s = 100 + slot;
	return CKR_OK;
}

static CK_RV f_CloseSession(CK_SESSION_HANDLE s)
{
	(void)s;
	return CKR_OK;
}

static CK_RV f_Login(CK_SESSION_HANDLE s, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	(void)s;
	(void)user;
	if (is("pin-locked"))
		return CKR_PIN_LOCKED;
	if (is("logged-in"))
		return CKR_USER_ALREADY_LOGGED_IN;
	if (is("login-fails"))
		return CKR_DEVICE_ERROR;
	return len == 4 && memcmp(pin, "1234", 4) == 0 ? CKR_OK : CKR_PIN_INCORRECT;
}

static CK_RV f_Logout(CK_SESSION_HANDLE s)
{
	(void)s;
	return CKR_OK;
}

static CK_RV f_FindObjectsInit(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
	(void)s;
	if (finding)
		return CKR_OPERATION_ACTIVE;
	nfound = next_found = 0;
	for (CK_OBJECT_HANDLE h = 1; h <= NOBJS; h++) {
		int match = 1;
		for (CK_ULONG i = 0; match && i < n; i++) {
			const fattr *a = attr_of(h, t[i].type);
			match = a != NULL && a->rv == CKR_OK && a->len == t[i].ulValueLen &&
			    (a->len == 0 || memcmp(a->v, t[i].pValue, a->len) == 0);
		}
		if (match)
			found[nfound++] = h;
	}
	finding = 1;
	return CKR_OK;
}

static CK_RV f_FindObjects(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE_PTR out, CK_ULONG max,
    CK_ULONG_PTR n)
{
	(void)s;
	if (!finding)
		return CKR_OPERATION_NOT_INITIALIZED;
	*n = 0;
	while (*n < max && next_found < nfound)
		out[(*n)++] = found[next_found++];
	return CKR_OK;
}

static CK_RV f_FindObjectsFinal(CK_SESSION_HANDLE s)
{
	(void)s;
	if (!finding)
		return CKR_OPERATION_NOT_INITIALIZED;
	finding = 0;
	return CKR_OK;
}

static CK_RV f_GetAttributeValue(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_PTR t,
    CK_ULONG n)
{
	CK_RV rv = CKR_OK;
	(void)s;
	if (is("session-error"))
		return CKR_DEVICE_REMOVED;
	if (h < 1 || h > NOBJS)
		return CKR_OBJECT_HANDLE_INVALID;
	for (CK_ULONG i = 0; i < n; i++) {
		const fattr *a = attr_of(h, t[i].type);
		if (a == NULL || a->rv != CKR_OK) {
			t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			/* Not one of the three "not true errors": stop here. */
			if (a != NULL && a->rv != CKR_ATTRIBUTE_SENSITIVE)
				return a->rv;
			rv = a == NULL ? CKR_ATTRIBUTE_TYPE_INVALID : a->rv;
		} else if (t[i].pValue == NULL) {
			t[i].ulValueLen = a->len;
		} else if (t[i].ulValueLen < a->len) {
			t[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			rv = CKR_BUFFER_TOO_SMALL;
		} else {
			memcpy(t[i].pValue, a->v, a->len);
			t[i].ulValueLen = a->len;
		}
	}
	return rv;
}

static CK_RV f_SignInit(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE h)
{
	(void)s;
	(void)m;
	if (h != 1)
		return CKR_KEY_HANDLE_INVALID;
	if (signing)
		return CKR_OPERATION_ACTIVE;
	signing = 1;
	return CKR_OK;
}

/* It fails, which ends the operation, as PKCS#11 says an error does. */
static CK_RV f_Sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
    CK_ULONG_PTR sig_len)
{
	(void)s;
	(void)data;
	(void)len;
	(void)sig;
	(void)sig_len;
	if (!signing)
		return CKR_OPERATION_NOT_INITIALIZED;
	signing = 0;
	return CKR_DEVICE_ERROR;
}

static CK_FUNCTION_LIST fl = {
	.version = { 2, 40 },
	.C_Initialize = f_Initialize,
	.C_Finalize = f_Finalize,
	.C_GetSlotList = f_GetSlotList,
	.C_GetTokenInfo = f_GetTokenInfo,
	.C_OpenSession = f_OpenSession,
	.C_CloseSession = f_CloseSession,
	.C_Login = f_Login,
	.C_Logout = f_Logout,
	.C_FindObjectsInit = f_FindObjectsInit,
	.C_FindObjects = f_FindObjects,
	.C_FindObjectsFinal = f_FindObjectsFinal,
	.C_GetAttributeValue = f_GetAttributeValue,
	.C_SignInit = f_SignInit,
	.C_Sign = f_Sign,
};

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL)
		return CKR_ARGUMENTS_BAD;
	*list = &fl;
	return CKR_OK;
}

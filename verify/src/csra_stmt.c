/* SPDX-License-Identifier: BSD-2-Clause */
#include <string.h>

#include "csra_stmt.h"

static csra_stmt_claim *next(csra_stmt_out *out, const char *element, const char *name)
{
	if (out->nclaims >= CSRA_STMT_MAX_CLAIMS)
		return NULL;
	csra_stmt_claim *c = &out->claims[out->nclaims++];
	memset(c, 0, sizeof(*c));
	strncpy(c->element, element, sizeof(c->element) - 1);
	strncpy(c->name, name, sizeof(c->name) - 1);
	return c;
}

void csra_stmt_add_bool(csra_stmt_out *out, const char *element, const char *name, int v)
{
	csra_stmt_claim *c = next(out, element, name);
	if (c != NULL) {
		c->type = CSRA_VALUE_BOOLEAN;
		c->boolean = v != 0;
	}
}

void csra_stmt_add_int(csra_stmt_out *out, const char *element, const char *name, int64_t v)
{
	csra_stmt_claim *c = next(out, element, name);
	if (c != NULL) {
		c->type = CSRA_VALUE_INTEGER;
		c->integer = v;
	}
}

void csra_stmt_add_text(csra_stmt_out *out, const char *element, const char *name,
    const uint8_t *p, size_t n)
{
	csra_stmt_claim *c = next(out, element, name);
	if (c != NULL) {
		c->type = CSRA_VALUE_UTF8;
		if (n > sizeof(c->text) - 1)
			n = sizeof(c->text) - 1;
		memcpy(c->text, p, n);
		c->text[n] = '\0';
	}
}

const csra_stmt_claim *csra_stmt_find(const csra_stmt_out *out, const char *element,
    const char *name)
{
	for (size_t i = 0; i < out->nclaims; i++)
		if (strcmp(out->claims[i].element, element) == 0 && strcmp(out->claims[i].name, name) == 0)
			return &out->claims[i];
	return NULL;
}

const char *csra_shown(const char *s, char *buf, size_t cap)
{
	size_t i = 0;
	for (; s[i] != '\0' && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[i] = '\0';
	if (s[i] != '\0' && cap >= 4)
		memcpy(buf + cap - 4, "...", 4);
	return buf;
}

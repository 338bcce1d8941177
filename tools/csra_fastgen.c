/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csra_fastgen OUT.c: writes the strict decode's fast path, one C function
 * per plan of the walk (runtime/src/csra_gate.c), with the tags, offsets,
 * sizes and member order as constants. It runs at build time, linked with
 * the same asn1c output and plan builder as the library, so the code it
 * writes cannot disagree with the descriptors it is compiled against.
 *
 * Each function mirrors a step of the walk (check_type, check_sequence,
 * check_collection, the untagged CHOICE, check_member) and applies the
 * same rules (csra_der_rules.h), minus the path and the diagnostics: on
 * any refusal it returns 0 and the walk runs instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_gate_plan.h"

static FILE *out;
static const struct plan *plans;
static size_t nplans;
static unsigned uid;

static size_t idx(const struct plan *pl)
{
	return (size_t)(pl - plans);
}

static int is_null(const char *s)
{
	return strcmp(s, "NULL") == 0;
}

/* Does the member pass its container's defining OID on to an open type? */
static int uses_db(const struct mplan *m)
{
	if (m->open)
		return 1;
	if (m->type->kind == K_SEQ_OF || m->type->kind == K_SET_OF)
		return uses_db(&m->type->m[0]);
	return 0;
}

static void emit_member(const struct mplan *m, const char *p, const char *e, const char *d,
    const char *db, const char *sptr, const char *next, const char *hdr);

/* The walk's check_type: |pl| under tag chain |tags|, the TLV at |p|
 * (its header already in |hdr| if not NULL), into |next|. */
static void emit_type(const struct plan *pl, int rempty, const ber_tlv_tag_t *tags, int ntags,
    const char *p, const char *e, const char *d, const char *db, const char *sptr,
    const char *next, const char *hdr)
{
	unsigned id = ++uid;
	char h[32], in[32], dd[96];
	if (pl->kind == K_UNSUPPORTED) {
		fprintf(out, "\treturn 0;\t/* unsupported: the walk reports it */\n");
		return;
	}
	if (ntags == 0) {
		if (pl->kind == K_ANY) {
			fprintf(out, "\tif (!f_any(x, %s, %s, %s, &%s)) return 0;\n", p, e, d, next);
			if (!is_null(sptr))
				fprintf(out, "\tif (%s != NULL && !f_build_any(x, %s, %s, %s)) return 0;\n",
				    sptr, p, next, sptr);
		} else if (pl->kind == K_CHOICE) {
			fprintf(out, "\tif (!ch_%zu(x, %s, %s, %s, %s, &%s)) return 0;\n", idx(pl), p, e, d,
			    sptr, next);
		} else {
			fprintf(out, "\treturn 0;\n");
		}
		return;
	}
	if (hdr == NULL) {
		snprintf(h, sizeof(h), "h%u", id);
		fprintf(out, "\tstruct tlv %s;\n\tif (!f_hdr(%s, %s, &%s)) return 0;\n", h, p, e, h);
		hdr = h;
	}
	if (pl->kind == K_PRIM && ntags == 1) {
		fprintf(out, "\tif (!f_leaf(x, %s, %s, %s, %#lxu, %u, &%s, 1, %s, &%s)) return 0;\n", p, e,
		    d, (unsigned long)tags[0], pl->univ, hdr, sptr, next);
		return;
	}
	fprintf(out, "\tif (%s >= x->max_depth || %s.tag != %#lxu || !%s.cons) return 0;\n", d, hdr,
	    (unsigned long)tags[0], hdr);
	snprintf(dd, sizeof(dd), "%s + 1", d);
	if (ntags > 1 || pl->kind == K_CHOICE || pl->kind == K_ANY) {
		snprintf(in, sizeof(in), "in%u", id);
		char c[48], ce[48];
		snprintf(c, sizeof(c), "%s.content", hdr);
		snprintf(ce, sizeof(ce), "%s.end", hdr);
		fprintf(out, "\t{\n\tconst uint8_t *%s;\n", in);
		emit_type(pl, rempty, tags + 1, ntags - 1, c, ce, dd, db, sptr, in, NULL);
		fprintf(out, "\tif (%s != %s.end) return 0;\n\t}\n", in, hdr);
	} else if (pl->kind == K_SEQUENCE || pl->kind == K_SEQ_OF || pl->kind == K_SET_OF) {
		fprintf(out, "\t{\n\tvoid *st%u = NULL;\n", id);
		if (!is_null(sptr))
			fprintf(out, "\tif (%s != NULL && (st%u = f_struct(x, %s, %u)) == NULL) return 0;\n",
			    sptr, id, sptr, pl->struct_size);
		fprintf(out, "\tif (!c_%zu(x, %s.content, %s.end, %s, %s, st%u, %d)) return 0;\n\t}\n",
		    idx(pl), hdr, hdr, dd, db, id, rempty);
	} else {
		fprintf(out, "\treturn 0;\n");
	}
	fprintf(out, "\t%s = %s.end;\n", next, hdr);
}

/* The walk's check_member. */
static void emit_member(const struct mplan *m, const char *p, const char *e, const char *d,
    const char *db, const char *sptr, const char *next, const char *hdr)
{
	if (m->open) {
		fprintf(out, "\tif (!f_open_member(x, %s, %s, %s, %s, %s, &%s)) return 0;\n", p, e, d, db,
		    sptr, next);
		return;
	}
	emit_type(m->type, m->refuse_empty, m->tags, m->ntags, p, e, d, db, sptr, next, hdr);
}

/* The slot of member |m| in struct |st| (which may be NULL: checking). */
static void emit_slot(const struct mplan *m, const char *st)
{
	if (m->pointer)
		fprintf(out, "\tvoid **sp = %s ? (void **)((char *)%s + %u) : NULL;\n", st, st, m->offset);
	else
		fprintf(out, "\tvoid *inl = %s ? (char *)%s + %u : NULL;\n\tvoid **sp = %s ? &inl : NULL;\n",
		    st, st, m->offset, st);
}

/* Could the member's first tag be an OBJECT IDENTIFIER's? */
static int may_be_oid(const struct mplan *m)
{
	if (m->match == M_ANY)
		return 1;
	if (m->match == M_TAG)
		return m->tag == (6u << 2);
	if (m->match == M_CHOICE)
		for (unsigned i = 0; i < m->type->nalts; i++)
			if (m->type->alts[i].any || m->type->alts[i].tag == (6u << 2))
				return 1;
	return 0;
}

static void emit_match(const struct mplan *m)
{
	switch (m->match) {
	case M_TAG:
		fprintf(out, "h.tag == %#lxu", (unsigned long)m->tag);
		break;
	case M_ANY:
		fprintf(out, "1");
		break;
	case M_CHOICE:
		fprintf(out, "(0");
		for (unsigned i = 0; i < m->type->nalts; i++) {
			if (m->type->alts[i].any) {
				fprintf(out, " || 1");
				break;
			}
			fprintf(out, " || h.tag == %#lxu", (unsigned long)m->type->alts[i].tag);
		}
		fprintf(out, ")");
		break;
	default:
		fprintf(out, "0");
	}
}

static void emit_sequence(const struct plan *pl)
{
	size_t i = idx(pl);
	int own = 0;
	for (unsigned k = 0; k < pl->nm; k++)
		own |= uses_db(&pl->m[k]);
	for (unsigned k = 0; k < pl->nm; k++) {
		const struct mplan *m = &pl->m[k];
		if (m->dfl == NULL)
			continue;
		fprintf(out, "static const uint8_t dfl_%zu_%u[] = {", i, k);
		for (size_t b = 0; b < m->dfl_len; b++)
			fprintf(out, "%s0x%02x", b ? ", " : " ", m->dfl[b]);
		fprintf(out, " };\n");
	}
	fprintf(out, "\n/* %s: SEQUENCE */\nstatic int c_%zu(fx *x, const uint8_t *c, const uint8_t *e, "
	    "unsigned d, const struct fdefby *db, void *st, int rempty)\n{\n", pl->td->name, i);
	fprintf(out, "\t(void)db;\n\t(void)rempty;\n\tstruct tlv h;\n\tconst uint8_t *n;\n");
	if (own)
		fprintf(out, "\tstruct fdefby own = { P[%zu].td, NULL, 0 };\n", i);
	if (pl->signer_id)
		fprintf(out, "\tint present = 0;\n");
	fprintf(out, "\tif (c < e && !f_hdr(c, e, &h)) return 0;\n");
	for (unsigned k = 0; k < pl->nm; k++) {
		const struct mplan *m = &pl->m[k];
		fprintf(out, "\t/* %s */\n\tif (c < e && ", m->name);
		emit_match(m);
		fprintf(out, ") {\n");
		emit_slot(m, "st");
		emit_member(m, "c", "e", "d", own ? "&own" : "NULL", "sp", "n", "h");
		if (m->dfl != NULL)
			fprintf(out, "\tif ((size_t)(n - c) == %zu && memcmp(c, dfl_%zu_%u, %zu) == 0) return 0;\n",
			    m->dfl_len, i, k, m->dfl_len);
		if (own && may_be_oid(m))
			fprintf(out, "\tif (own.oid == NULL && h.tag == (6u << 2)) {\n\t\town.oid = h.content;\n"
			    "\t\town.oid_len = (size_t)(h.end - h.content);\n\t}\n");
		if (pl->signer_id)
			fprintf(out, "\tpresent++;\n");
		fprintf(out, "\tc = n;\n\tif (c < e && !f_hdr(c, e, &h)) return 0;\n\t}");
		if (!m->optional)
			fprintf(out, " else {\n\treturn 0;\n\t}");
		fprintf(out, "\n");
	}
	fprintf(out, "\tif (c != e) return 0;\n");
	if (pl->signer_id)
		fprintf(out, "\tif (present == 0) return 0;\n");
	fprintf(out, "\treturn 1;\n}\n");
}

static void emit_collection(const struct plan *pl)
{
	size_t i = idx(pl);
	fprintf(out, "\n/* %s: %s */\nstatic int c_%zu(fx *x, const uint8_t *c, const uint8_t *e, "
	    "unsigned d, const struct fdefby *db, void *st, int rempty)\n{\n", pl->td->name,
	    pl->kind == K_SET_OF ? "SET OF" : "SEQUENCE OF", i);
	fprintf(out, "\t(void)db;\n\tconst uint8_t *prev = NULL, *n;\n\tsize_t prev_len = 0, count = 0;\n"
	    "\t(void)prev;\n\t(void)prev_len;\n");
	fprintf(out, "\twhile (c < e) {\n\tvoid *it = NULL;\n\tvoid **sp = st ? &it : NULL;\n");
	emit_member(&pl->m[0], "c", "e", "d", "db", "sp", "n", NULL);
	if (pl->kind == K_SET_OF)
		fprintf(out, "\tif (prev != NULL && der_set_cmp(prev, prev_len, c, (size_t)(n - c)) > 0) "
		    "return 0;\n");
	fprintf(out, "\tif (st != NULL && !f_list_add(x, st, it)) return 0;\n"
	    "\tprev = c;\n\tprev_len = (size_t)(n - c);\n\tc = n;\n\tcount++;\n\t}\n"
	    "\treturn count > 0 || !rempty;\n}\n");
}

static void emit_choice(const struct plan *pl)
{
	size_t i = idx(pl);
	fprintf(out, "\n/* %s: CHOICE */\nstatic int ch_%zu(fx *x, const uint8_t *p, const uint8_t *e, "
	    "unsigned d, void **sptr, const uint8_t **next)\n{\n", pl->td->name, i);
	fprintf(out, "\tstruct tlv h;\n\tint i;\n\tvoid *st = NULL;\n\tconst uint8_t *n;\n"
	    "\tif (!f_hdr(p, e, &h)) return 0;\n\t");
	unsigned a;
	for (a = 0; a < pl->nalts; a++) {
		if (pl->alts[a].any) {
			fprintf(out, "i = %u;\n", pl->alts[a].index);
			break;
		}
		fprintf(out, "if (h.tag == %#lxu) i = %u;\n\telse ", (unsigned long)pl->alts[a].tag,
		    pl->alts[a].index);
	}
	if (a == pl->nalts)
		fprintf(out, "return 0;\n");
	fprintf(out, "\tif (sptr != NULL) {\n\tif ((st = f_struct(x, sptr, %u)) == NULL) return 0;\n"
	    "\tf_set_present(st, %u, %u, i + 1);\n\t}\n\tswitch (i) {\n", pl->struct_size,
	    pl->pres_offset, pl->pres_size);
	for (unsigned k = 0; k < pl->nm; k++) {
		fprintf(out, "\tcase %u: {\t/* %s */\n", k, pl->m[k].name);
		emit_slot(&pl->m[k], "st");
		emit_member(&pl->m[k], "p", "e", "d", "NULL", "sp", "n", "h");
		fprintf(out, "\tbreak;\n\t}\n");
	}
	fprintf(out, "\tdefault:\n\treturn 0;\n\t}\n\t*next = n;\n\treturn 1;\n}\n");
}

static void emit_root(const struct plan *pl)
{
	fprintf(out, "\n/* %s as a whole TLV */\nstatic int t_%zu(fx *x, const uint8_t *p, const uint8_t *e, "
	    "unsigned d, const struct fdefby *db, void **sptr, const uint8_t **next)\n{\n"
	    "\tconst uint8_t *n;\n\t(void)db;\n", pl->td->name, idx(pl));
	emit_type(pl, pl->refuse_empty, pl->tags, pl->ntags, "p", "e", "d", "db", "sptr", "n", NULL);
	fprintf(out, "\t*next = n;\n\treturn 1;\n}\n");
}

static const struct plan *plan_for(const asn_TYPE_descriptor_t *td)
{
	for (size_t i = 0; i < nplans; i++)
		if (plans[i].td == td)
			return &plans[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: csra_fastgen OUT.c\n");
		return 2;
	}
	plans = csra_gate_plans(&nplans);
	size_t nroots;
	asn_TYPE_descriptor_t *const *roots = csra_gate_plan_roots(&nroots);
	if (plans == NULL) {
		fprintf(stderr, "csra_fastgen: the plans failed to build\n");
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	if ((out = fopen(tmp, "w")) == NULL) {
		perror(tmp);
		return 1;
	}
	fprintf(out, "/* Generated by tools/csra_fastgen.c from asn1c's descriptors at build time: "
	    "do not edit. */\n#include \"csra_fast_rt.h\"\n\n"
	    "#pragma GCC diagnostic ignored \"-Wunused-function\"\n\n#define NPLANS %zu\n\n", nplans);
	/* The plans at run time must be the ones written from. */
	fprintf(out, "static const struct { const char *name; uint32_t size; uint8_t kind, nm; } "
	    "expect[NPLANS] = {\n");
	for (size_t i = 0; i < nplans; i++)
		fprintf(out, "\t{ \"%s\", %u, %u, %u },\n", plans[i].td->name, plans[i].struct_size,
		    plans[i].kind, plans[i].nm);
	fprintf(out, "};\n\nstatic const struct plan *P;\nstatic int fast_ok;\n"
	    "static pthread_once_t fast_once = PTHREAD_ONCE_INIT;\n\n"
	    "static void fast_init(void)\n{\n\tsize_t n;\n\tconst struct plan *p = csra_gate_plans(&n);\n"
	    "\tif (p == NULL || n != NPLANS)\n\t\treturn;\n\tfor (size_t i = 0; i < n; i++)\n"
	    "\t\tif (strcmp(p[i].td->name, expect[i].name) != 0 || p[i].struct_size != expect[i].size ||\n"
	    "\t\t    p[i].kind != expect[i].kind || p[i].nm != expect[i].nm)\n\t\t\treturn;\n"
	    "\tP = p;\n\tfast_ok = 1;\n}\n\n");
	for (size_t i = 0; i < nplans; i++) {
		const struct plan *pl = &plans[i];
		if (pl->kind == K_SEQUENCE || pl->kind == K_SEQ_OF || pl->kind == K_SET_OF)
			fprintf(out, "static int c_%zu(fx *, const uint8_t *, const uint8_t *, unsigned, "
			    "const struct fdefby *, void *, int);\n", i);
		else if (pl->kind == K_CHOICE)
			fprintf(out, "static int ch_%zu(fx *, const uint8_t *, const uint8_t *, unsigned, "
			    "void **, const uint8_t **);\n", i);
	}
	for (size_t i = 0; i < nplans; i++) {
		const struct plan *pl = &plans[i];
		if (pl->kind == K_SEQUENCE)
			emit_sequence(pl);
		else if (pl->kind == K_SEQ_OF || pl->kind == K_SET_OF)
			emit_collection(pl);
		else if (pl->kind == K_CHOICE)
			emit_choice(pl);
	}
	for (size_t r = 0; r < nroots; r++) {
		const struct plan *pl = plan_for(roots[r]);
		if (pl == NULL) {
			fprintf(stderr, "csra_fastgen: no plan for %s\n", roots[r]->name);
			return 1;
		}
		emit_root(pl);
	}
	fprintf(out, "\nstatic f_tlv_fn f_root_fn(const asn_TYPE_descriptor_t *td)\n{\n");
	for (size_t r = 0; r < nroots; r++) {
		size_t i = idx(plan_for(roots[r]));
		fprintf(out, "\tif (td == P[%zu].td)\n\t\treturn t_%zu;\n", i, i);
	}
	fprintf(out, "\treturn NULL;\n}\n\n"
	    "int csra_fast_decode(asn_TYPE_descriptor_t *td, const uint8_t *der, size_t len,\n"
	    "    const csra_gate_opts *opts, csra_arena *arena, csra_gate_opens *opens, void **out)\n{\n"
	    "\tpthread_once(&fast_once, fast_init);\n\tif (!fast_ok)\n\t\treturn 0;\n"
	    "\tf_tlv_fn fn = f_root_fn(td);\n\tif (fn == NULL)\n\t\treturn 0;\n"
	    "\tfx x = { opts, arena, opens, opts->max_depth, NULL, 0 };\n\tvoid *value = NULL;\n"
	    "\tconst uint8_t *next;\n"
	    "\tif (!fn(&x, der, der + len, 0, NULL, &value, &next) || next != der + len)\n\t\treturn 0;\n"
	    "\t*out = value;\n\treturn 1;\n}\n");
	if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}

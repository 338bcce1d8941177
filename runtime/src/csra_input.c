/* SPDX-License-Identifier: BSD-2-Clause */
#include "csra_input.h"
#include "csra_codec_int.h"
#include "csrattest/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Offsets below are always indices into the caller's |in|, so that errors
 * can point into the original input. Every access is guarded by an explicit
 * comparison with |len|. */

static const char kBegin[] = "-----BEGIN ";
static const char kEnd[] = "-----END ";
static const char kDashes[] = "-----";

/* Accepted PEM labels. Each is shorter than csra_input_result.label. */
static const char *const kLabels[] = {
    "EVIDENCE",
    "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST",
    "CERTIFICATE",
    /* Crypto4A QASM (verify/formats/crypto4a_qasm): read by that format
     * only; csra_input_read has no CSRA_INPUT_ACCEPT_* bit for it. */
    "ATTESTATION MESSAGE",
};

/* is_ws is ASCII whitespace; not isspace(), which depends on the locale. */
static int is_ws(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

/* is_blank is the whitespace allowed after "-----" on BEGIN/END lines. */
static int is_blank(uint8_t c) { return c == ' ' || c == '\t'; }

/* has_prefix returns 1 if the |s_len| bytes at |s| occur at |in + pos|
 * within the first |len| bytes of |in|. */
static int has_prefix(const uint8_t *in, size_t len, size_t pos,
                      const void *s, size_t s_len) {
  return pos <= len && len - pos >= s_len &&
         memcmp(in + pos, s, s_len) == 0;
}

/* has_str is has_prefix for a NUL-terminated |s|. */
static int has_str(const uint8_t *in, size_t len, size_t pos, const char *s) {
  return has_prefix(in, len, pos, s, strlen(s));
}

/* line_bounds finds the line starting at |pos|: |*out_end| is the offset of
 * its LF or |len|, |*out_content_end| excludes a CR just before that LF. */
static void line_bounds(const uint8_t *in, size_t len, size_t pos,
                        size_t *out_end, size_t *out_content_end) {
  const uint8_t *lf = NULL;
  size_t end;

  if (pos < len) {
    lf = memchr(in + pos, '\n', len - pos);
  }
  end = lf != NULL ? (size_t)(lf - in) : len;
  *out_end = end;
  *out_content_end = end;
  if (lf != NULL && end > pos && in[end - 1] == '\r') {
    *out_content_end = end - 1;
  }
}

/* b64_check validates the base64 text in |in[start..end)| without decoding
 * it. On CSRA_INPUT_OK it sets |*out_len| to the decoded length (at least 1)
 * and |*out_first| to the first decoded byte. It returns CSRA_INPUT_EMPTY if
 * there are no base64 characters at all, and CSRA_INPUT_BAD_BASE64 with
 * |*err_offset| set otherwise. */
static csra_input_err b64_check(const uint8_t *in, size_t start, size_t end,
                                size_t *out_len, uint8_t *out_first,
                                size_t *err_offset) {
  size_t n_sym = 0, n_pad = 0, first_pad = 0, last_sym = 0, after = start;
  int v0 = 0, v1 = 0, last_v = 0;
  size_t i;

  for (i = start; i < end; i++) {
    uint8_t c = in[i];
    int v;

    if (is_ws(c)) {
      continue;
    }
    if (c == '=') {
      if (n_pad == 0) {
        first_pad = i;
      }
      n_pad++;
      if (n_pad > 2) {
        *err_offset = i;
        return CSRA_INPUT_BAD_BASE64;
      }
      after = i + 1;
      continue;
    }
    v = csra_base64_value(c);
    if (v < 0) {
      *err_offset = i;
      return CSRA_INPUT_BAD_BASE64;
    }
    if (n_pad != 0) {
      /* Data after padding: '=' in the middle, e.g. concatenated base64. */
      *err_offset = first_pad;
      return CSRA_INPUT_BAD_BASE64;
    }
    if (n_sym == 0) {
      v0 = v;
    } else if (n_sym == 1) {
      v1 = v;
    }
    last_v = v;
    last_sym = i;
    n_sym++;
    after = i + 1;
  }

  if (n_sym == 0 && n_pad == 0) {
    return CSRA_INPUT_EMPTY;
  }
  /* Both counts are bounded by end - start, so the sum cannot overflow.
   * With at most two '=' and a multiple of 4 in total, n_sym % 4 is 0, 2
   * or 3, so at least one byte is decoded. */
  if ((n_sym + n_pad) % 4 != 0) {
    *err_offset = after;
    return CSRA_INPUT_BAD_BASE64;
  }
  /* Canonical form: the bits that do not make a whole byte must be zero,
   * otherwise several encodings would decode to the same DER. */
  if ((n_pad == 1 && (last_v & 0x03) != 0) ||
      (n_pad == 2 && (last_v & 0x0f) != 0)) {
    *err_offset = last_sym;
    return CSRA_INPUT_BAD_BASE64;
  }
  *out_len = (n_sym / 4) * 3 + (n_sym % 4 == 0 ? 0 : n_sym % 4 - 1);
  *out_first = (uint8_t)((v0 << 2) | (v1 >> 4));
  return CSRA_INPUT_OK;
}

/* b64_decode decodes |in[start..end)|, which b64_check accepted with
 * length |out_len|, into |out|. It writes at most |out_len| bytes whatever
 * the input, as a second line of defence. */
static void b64_decode(const uint8_t *in, size_t start, size_t end,
                       uint8_t *out, size_t out_len) {
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t i, o = 0;

  for (i = start; i < end; i++) {
    int v = csra_base64_value(in[i]);
    if (v < 0) {
      continue; /* whitespace or '=' */
    }
    acc = ((acc << 6) | (uint32_t)v) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < out_len) {
        out[o++] = (uint8_t)(acc >> bits);
      }
    }
  }
}

/* finish_b64 decodes the validated base64 in |in[start..end)| of length
 * |der_len| into a fresh allocation in |out|. */
static csra_input_err finish_b64(const uint8_t *in, size_t start, size_t end,
                                 size_t der_len, size_t max_der_len,
                                 csra_input_result *out) {
  uint8_t *der;

  if (der_len > max_der_len) {
    return CSRA_INPUT_TOO_LARGE;
  }
  der = malloc(der_len);
  if (der == NULL) {
    return CSRA_INPUT_NOMEM;
  }
  b64_decode(in, start, end, der, der_len);
  out->der = der;
  out->der_len = der_len;
  return CSRA_INPUT_OK;
}

/* decode_pem decodes the PEM block whose "-----BEGIN " is at |pos|. */
static csra_input_err decode_pem(const uint8_t *in, size_t len, size_t pos,
                                 size_t max_der_len, csra_input_result *out) {
  size_t label_start = pos + sizeof(kBegin) - 1;
  size_t line_end, content_end, i, label_len, body_start, end_line;
  size_t der_len = 0, label_idx;
  const char *label = NULL;
  uint8_t first;
  csra_input_err err;

  out->kind = CSRA_INPUT_PEM;

  /* BEGIN line: "-----BEGIN " label "-----" *blank EOL. The label ends at
   * the first "-----" on the line; no accepted label contains '-'. */
  line_bounds(in, len, label_start, &line_end, &content_end);
  for (i = label_start; i < content_end; i++) {
    if (in[i] == '-' && has_str(in, content_end, i, kDashes)) {
      break;
    }
  }
  if (i >= content_end) {
    out->err_offset = content_end;
    return CSRA_INPUT_BAD_PEM;
  }
  label_len = i - label_start;
  for (label_idx = 0; label_idx < sizeof(kLabels) / sizeof(kLabels[0]);
       label_idx++) {
    if (strlen(kLabels[label_idx]) == label_len &&
        memcmp(in + label_start, kLabels[label_idx], label_len) == 0) {
      label = kLabels[label_idx];
      break;
    }
  }
  if (label == NULL) {
    out->err_offset = label_start;
    return CSRA_INPUT_UNKNOWN_LABEL;
  }
  out->label_offset = label_start;
  for (i += sizeof(kDashes) - 1; i < content_end && is_blank(in[i]); i++) {
  }
  if (i < content_end) {
    out->err_offset = i;
    return CSRA_INPUT_BAD_PEM;
  }

  /* Body lines up to the END line. */
  body_start = line_end < len ? line_end + 1 : len;
  end_line = body_start;
  for (;;) {
    if (end_line >= len) {
      out->err_offset = len; /* no END line */
      return CSRA_INPUT_BAD_PEM;
    }
    line_bounds(in, len, end_line, &line_end, &content_end);
    if (has_str(in, len, end_line, kDashes)) {
      if (has_str(in, len, end_line, kEnd)) {
        break;
      }
      out->err_offset = end_line; /* e.g. a nested BEGIN */
      return CSRA_INPUT_BAD_PEM;
    }
    if (memchr(in + end_line, ':', content_end - end_line) != NULL) {
      out->err_offset = end_line; /* RFC 1421 header, e.g. Proc-Type */
      return CSRA_INPUT_BAD_PEM;
    }
    end_line = line_end < len ? line_end + 1 : len;
  }

  /* END line: "-----END " label "-----" *blank (EOL / end of input). */
  i = end_line + sizeof(kEnd) - 1;
  if (!has_prefix(in, content_end, i, label, label_len) ||
      !has_str(in, content_end, i + label_len, kDashes)) {
    out->err_offset = i;
    return CSRA_INPUT_BAD_PEM;
  }
  for (i += label_len + sizeof(kDashes) - 1;
       i < content_end && is_blank(in[i]); i++) {
  }
  if (i < content_end) {
    out->err_offset = i;
    return CSRA_INPUT_BAD_PEM;
  }

  /* After the END line: whitespace only. */
  for (i = line_end; i < len && is_ws(in[i]); i++) {
  }
  if (i < len) {
    out->err_offset = i;
    return has_str(in, len, i, kBegin) ? CSRA_INPUT_MULTIPLE_PEM
                                       : CSRA_INPUT_BAD_PEM;
  }

  err = b64_check(in, body_start, end_line, &der_len, &first,
                  &out->err_offset);
  if (err == CSRA_INPUT_EMPTY) {
    out->err_offset = end_line;
  }
  if (err != CSRA_INPUT_OK) {
    return err;
  }
  err = finish_b64(in, body_start, end_line, der_len, max_der_len, out);
  if (err != CSRA_INPUT_OK) {
    return err;
  }
  /* label_len < sizeof(out->label) for every entry of kLabels. */
  memcpy(out->label, label, label_len + 1);
  return CSRA_INPUT_OK;
}

csra_input_err csra_input_decode(const uint8_t *in, size_t in_len,
                                 size_t max_der_len, csra_input_result *out) {
  size_t pos, der_len = 0, b64_err = 0;
  uint8_t first = 0;
  csra_input_err err;

  memset(out, 0, sizeof(*out));

  for (pos = 0; pos < in_len && is_ws(in[pos]); pos++) {
  }
  if (pos == in_len) {
    err = CSRA_INPUT_EMPTY;
  } else if (has_str(in, in_len, pos, kBegin)) {
    err = decode_pem(in, in_len, pos, max_der_len, out);
  } else if (b64_check(in, 0, in_len, &der_len, &first, &b64_err) ==
                 CSRA_INPUT_OK &&
             first == 0x30) {
    out->kind = CSRA_INPUT_BASE64;
    err = finish_b64(in, 0, in_len, der_len, max_der_len, out);
  } else if (in[0] == 0x30) {
    out->kind = CSRA_INPUT_DER;
    if (in_len > max_der_len) {
      err = CSRA_INPUT_TOO_LARGE;
    } else if ((out->der = malloc(in_len)) == NULL) {
      err = CSRA_INPUT_NOMEM;
    } else {
      memcpy(out->der, in, in_len);
      out->der_len = in_len;
      err = CSRA_INPUT_OK;
    }
  } else {
    err = CSRA_INPUT_NOT_DER;
  }

  if (err != CSRA_INPUT_OK) {
    /* Errors that concern the whole input carry offset 0. */
    if (err == CSRA_INPUT_TOO_LARGE || err == CSRA_INPUT_NOT_DER ||
        err == CSRA_INPUT_NOMEM) {
      out->err_offset = 0;
    }
    /* No failing step follows an allocation today; this keeps the "NULL
     * and nothing leaks" promise if one is ever added. */
    free(out->der);
    out->der = NULL;
    out->der_len = 0;
    out->label[0] = '\0';
  } else {
    out->err_offset = 0;
  }
  return err;
}

const char *csra_input_strerror(csra_input_err e) {
  switch (e) {
    case CSRA_INPUT_OK:
      return "success";
    case CSRA_INPUT_EMPTY:
      return "input holds no data";
    case CSRA_INPUT_TOO_LARGE:
      return "decoded input exceeds the size limit";
    case CSRA_INPUT_BAD_PEM:
      return "malformed PEM armour";
    case CSRA_INPUT_UNKNOWN_LABEL:
      return "PEM label not accepted";
    case CSRA_INPUT_BAD_BASE64:
      return "invalid base64";
    case CSRA_INPUT_NOT_DER:
      return "input is neither PEM, base64 nor DER";
    case CSRA_INPUT_MULTIPLE_PEM:
      return "more than one PEM block";
    case CSRA_INPUT_NOMEM:
      return "out of memory";
  }
  return "unknown error";
}

int csra_input_err_code(csra_input_err e)
{
	switch (e) {
	case CSRA_INPUT_OK: return CSRA_OK;
	case CSRA_INPUT_EMPTY: return CSRA_ERR_INPUT_EMPTY;
	case CSRA_INPUT_TOO_LARGE: return CSRA_ERR_INPUT_TOO_LARGE;
	case CSRA_INPUT_BAD_PEM: return CSRA_ERR_INPUT_BAD_PEM;
	case CSRA_INPUT_UNKNOWN_LABEL: return CSRA_ERR_INPUT_UNKNOWN_LABEL;
	case CSRA_INPUT_BAD_BASE64: return CSRA_ERR_INPUT_BAD_BASE64;
	case CSRA_INPUT_NOT_DER: return CSRA_ERR_INPUT_NOT_DER;
	case CSRA_INPUT_MULTIPLE_PEM: return CSRA_ERR_INPUT_MULTIPLE_PEM;
	case CSRA_INPUT_NOMEM: return CSRA_ERR_NOMEM;
	default: return CSRA_ERR_INTERNAL;
	}
}

int csra_read_stream(FILE *f, size_t max, uint8_t **out, size_t *out_len)
{
	size_t len = 0, cap = 0;
	uint8_t *buf = NULL;
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				rc = 1;
				break;
			}
			size_t ncap = cap ? cap * 2 : 65536;
			if (ncap > max + 1 || ncap < cap)
				ncap = max + 1;	/* one past the cap tells "too large" */
			uint8_t *nb = realloc(buf, ncap);
			if (nb == NULL) {
				errno = ENOMEM;
				rc = -1;
				break;
			}
			buf = nb;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				if (errno == 0)
					errno = EIO;
				rc = -1;
			}
			break;
		}
		if (len > max) {
			rc = 1;
			break;
		}
	}
	if (rc != 0) {
		int saved = errno;
		free(buf);
		errno = saved;
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/* Every accepted label fits csra_input_info.label. */
_Static_assert(sizeof("NEW CERTIFICATE REQUEST") <= sizeof(((csra_input_info *)0)->label),
    "csra_input_info.label too small");

/* label_bit maps an accepted PEM label to its CSRA_INPUT_ACCEPT_* bit. */
static unsigned label_bit(const char *label)
{
	if (strcmp(label, "EVIDENCE") == 0)
		return CSRA_INPUT_ACCEPT_EVIDENCE;
	if (strcmp(label, "CERTIFICATE REQUEST") == 0 ||
	    strcmp(label, "NEW CERTIFICATE REQUEST") == 0)
		return CSRA_INPUT_ACCEPT_CSR;
	if (strcmp(label, "CERTIFICATE") == 0)
		return CSRA_INPUT_ACCEPT_CERTIFICATE;
	return 0;
}

static void info_fail(csra_input_info *info, size_t off)
{
	if (info != NULL) {
		info->label[0] = '\0';
		info->err_offset = off;
	}
}

csra_err csra_input_read(const uint8_t *in, size_t len, unsigned accept, uint8_t **der,
    size_t *der_len, csra_input_info *info)
{
	csra_input_result r;
	csra_input_err e;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (der != NULL)
		*der = NULL;
	if (der_len != NULL)
		*der_len = 0;
	if (der == NULL || der_len == NULL || (in == NULL && len != 0)) {
		info_fail(info, CSRA_INPUT_NO_OFFSET);
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	/* The CLI never decodes more than it reads: the same cap on the
	 * input as on the DER, so memory stays bounded for either reader. */
	if (len > CSRA_INPUT_MAX) {
		info_fail(info, CSRA_INPUT_NO_OFFSET);
		return CSRA_ERR_INPUT_TOO_LARGE;
	}
	e = csra_input_decode(len ? in : NULL, len, CSRA_INPUT_MAX, &r);
	if (info != NULL)
		info->kind = r.kind;
	if (e != CSRA_INPUT_OK) {
		int whole = e == CSRA_INPUT_TOO_LARGE || e == CSRA_INPUT_NOT_DER ||
		    e == CSRA_INPUT_NOMEM;
		info_fail(info, whole ? CSRA_INPUT_NO_OFFSET : r.err_offset);
		return (csra_err)csra_input_err_code(e);
	}
	if (r.kind == CSRA_INPUT_PEM && (label_bit(r.label) & accept) == 0) {
		/* A block of another kind: say which, and where its label is. */
		if (info != NULL) {
			memcpy(info->label, r.label, strlen(r.label) + 1);
			info->err_offset = r.label_offset;
		}
		free(r.der);
		return CSRA_ERR_INPUT_WRONG_LABEL;
	}
	if (info != NULL)
		memcpy(info->label, r.label, strlen(r.label) + 1);
	*der = r.der;
	*der_len = r.der_len;
	return CSRA_OK;
}

csra_err csra_input_read_file(const char *path, unsigned accept, uint8_t **der,
    size_t *der_len, csra_input_info *info)
{
	uint8_t *in;
	size_t len;
	FILE *f;
	int rc, saved;
	csra_err e;

	if (info != NULL)
		memset(info, 0, sizeof(*info));
	if (der != NULL)
		*der = NULL;
	if (der_len != NULL)
		*der_len = 0;
	if (path == NULL || der == NULL || der_len == NULL) {
		info_fail(info, CSRA_INPUT_NO_OFFSET);
		return CSRA_ERR_INVALID_ARGUMENT;
	}
	f = fopen(path, "rb");
	if (f == NULL) {
		info_fail(info, CSRA_INPUT_NO_OFFSET);
		return CSRA_ERR_IO;
	}
	rc = csra_read_stream(f, CSRA_INPUT_MAX, &in, &len);
	saved = errno;
	fclose(f);
	if (rc != 0) {
		info_fail(info, CSRA_INPUT_NO_OFFSET);
		errno = saved;
		return rc > 0 ? CSRA_ERR_INPUT_TOO_LARGE :
		    saved == ENOMEM ? CSRA_ERR_NOMEM : CSRA_ERR_IO;
	}
	e = csra_input_read(in, len, accept, der, der_len, info);
	free(in);
	return e;
}

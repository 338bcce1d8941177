/* SPDX-License-Identifier: BSD-2-Clause */
/* Tests for csra_input_decode and the csra_cbs cursor. Standalone: prints
 * "N passed, M failed" and exits non-zero if anything failed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csra_cbs.h"
#include "csra_input.h"
#include "csrattest/codec.h"
#include "csrattest/input.h"
#include "csrattest/version.h"

#include <errno.h>
#include <unistd.h>

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__,        \
              __LINE__, __func__, #cond);                               \
      return 0;                                                         \
    }                                                                   \
  } while (0)

#define NO_LIMIT ((size_t)1 << 20)

/* 60 bytes of DER-looking data (30 3a 00 01 .. 39) and its base64, split
 * over two body lines so that PEM tests cover multi-line bodies. */
static const char kBigB64L1[] =
    "MDoAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywt";
static const char kBigB64L2[] = "Li8wMTIzNDU2Nzg5";

static void big_der(uint8_t out[60]) {
  int i;

  out[0] = 0x30;
  out[1] = 0x3a;
  for (i = 0; i < 58; i++) {
    out[2 + i] = (uint8_t)i;
  }
}

/* offset_of returns the offset of the first |needle| in |hay|; a test
 * vector without it is a bug in the test, so it aborts. */
static size_t offset_of(const char *hay, const char *needle) {
  const char *p = strstr(hay, needle);

  if (p == NULL) {
    fprintf(stderr, "test bug: \"%s\" not in vector\n", needle);
    abort();
  }
  return (size_t)(p - hay);
}

/* offset_of_nth is offset_of for the |n|th (1-based) occurrence. */
static size_t offset_of_nth(const char *hay, const char *needle, int n) {
  size_t off = 0;
  const char *p = hay;

  while (n-- > 0) {
    p = strstr(p, needle);
    if (p == NULL) {
      fprintf(stderr, "test bug: \"%s\" not in vector\n", needle);
      abort();
    }
    off = (size_t)(p - hay);
    p++;
  }
  return off;
}

/* expect_err_n decodes |in| and checks the exact error and offset, and
 * that the result holds no allocation and no label. */
static int expect_err_n(const char *caller, const void *in, size_t len,
                        size_t max, csra_input_err want, size_t want_off) {
  csra_input_result r;
  csra_input_err got;

  memset(&r, 0xa5, sizeof(r)); /* decode must overwrite everything */
  got = csra_input_decode(in, len, max, &r);
  if (got != want || r.err_offset != want_off || r.der != NULL ||
      r.der_len != 0 || r.label[0] != '\0') {
    fprintf(stderr,
            "%s: want err %d (%s) at %zu, got %d (%s) at %zu, der %p len %zu\n",
            caller, (int)want, csra_input_strerror(want), want_off, (int)got,
            csra_input_strerror(got), r.err_offset, (void *)r.der, r.der_len);
    free(got == CSRA_INPUT_OK ? r.der : NULL);
    return 0;
  }
  return 1;
}

#define expect_err(in, max, want, off) \
  expect_err_n(__func__, (in), strlen(in), (max), (want), (off))

/* expect_ok_n decodes |in| and checks kind, label and DER exactly. */
static int expect_ok_n(const char *caller, const void *in, size_t len,
                       size_t max, csra_input_kind kind, const char *label,
                       const uint8_t *der, size_t der_len) {
  csra_input_result r;
  csra_input_err got;
  int ok;

  memset(&r, 0xa5, sizeof(r));
  got = csra_input_decode(in, len, max, &r);
  if (got != CSRA_INPUT_OK) {
    fprintf(stderr, "%s: want OK, got %d (%s) at %zu\n", caller, (int)got,
            csra_input_strerror(got), r.err_offset);
    return 0;
  }
  ok = r.kind == kind && memchr(r.label, '\0', sizeof(r.label)) != NULL &&
       strcmp(r.label, label) == 0 && r.der != NULL && r.der_len == der_len &&
       memcmp(r.der, der, der_len) == 0 && r.err_offset == 0;
  if (!ok) {
    fprintf(stderr, "%s: OK but kind %d label \"%.63s\" len %zu (want %d "
            "\"%s\" %zu) or bytes differ\n",
            caller, (int)r.kind, r.label, r.der_len, (int)kind, label,
            der_len);
  }
  free(r.der);
  return ok;
}

#define expect_ok(in, max, kind, label, der, der_len) \
  expect_ok_n(__func__, (in), strlen(in), (max), (kind), (label), (der), \
              (der_len))

/* pem_good builds a two-line-body PEM block with |label| and |eol| and
 * checks it decodes to the 60-byte sample. */
static int pem_good(const char *caller, const char *label, const char *eol) {
  char buf[512];
  uint8_t der[60];

  snprintf(buf, sizeof(buf), "-----BEGIN %s-----%s%s%s%s%s-----END %s-----%s",
           label, eol, kBigB64L1, eol, kBigB64L2, eol, label, eol);
  big_der(der);
  return expect_ok_n(caller, buf, strlen(buf), NO_LIMIT, CSRA_INPUT_PEM,
                     label, der, sizeof(der));
}

static int test_pem_evidence_lf(void) {
  return pem_good(__func__, "EVIDENCE", "\n");
}
static int test_pem_evidence_crlf(void) {
  return pem_good(__func__, "EVIDENCE", "\r\n");
}
static int test_pem_csr_lf(void) {
  return pem_good(__func__, "CERTIFICATE REQUEST", "\n");
}
static int test_pem_csr_crlf(void) {
  return pem_good(__func__, "CERTIFICATE REQUEST", "\r\n");
}
static int test_pem_new_csr_lf(void) {
  return pem_good(__func__, "NEW CERTIFICATE REQUEST", "\n");
}
static int test_pem_new_csr_crlf(void) {
  return pem_good(__func__, "NEW CERTIFICATE REQUEST", "\r\n");
}
static int test_pem_cert_lf(void) {
  return pem_good(__func__, "CERTIFICATE", "\n");
}
static int test_pem_cert_crlf(void) {
  return pem_good(__func__, "CERTIFICATE", "\r\n");
}

/* Whitespace around the block, trailing blanks on the armour lines, blank
 * body lines, blanks inside body lines and no final newline are all fine. */
static int test_pem_lax_whitespace(void) {
  static const uint8_t der[] = {0x30, 0x02, 0x05, 0x00};
  static const uint8_t der2[] = {0x30, 0x04, 0x02, 0x02, 0x01, 0xff};

  CHECK(expect_ok("\r\n \t-----BEGIN CERTIFICATE----- \t\n\nMAI FAA=\t=\n\n"
                  "-----END CERTIFICATE-----  \n\n \r\n\t",
                  NO_LIMIT, CSRA_INPUT_PEM, "CERTIFICATE", der, sizeof(der)));
  CHECK(expect_ok("-----BEGIN EVIDENCE-----\nMAQCAgH/\n-----END EVIDENCE-----",
                  NO_LIMIT, CSRA_INPUT_PEM, "EVIDENCE", der2, sizeof(der2)));
  /* One base64 character per line. */
  CHECK(expect_ok("-----BEGIN EVIDENCE-----\nM\nA\nQ\nC\nA\ng\nH\n/\n"
                  "-----END EVIDENCE-----\n",
                  NO_LIMIT, CSRA_INPUT_PEM, "EVIDENCE", der2, sizeof(der2)));
  return 1;
}

static int test_pem_unknown_label(void) {
  static const char in[] =
      "  -----BEGIN PRIVATE KEY-----\nMAIFAA==\n-----END PRIVATE KEY-----\n";
  char longlabel[300];

  CHECK(expect_err(in, NO_LIMIT, CSRA_INPUT_UNKNOWN_LABEL, 13));
  /* Labels are case-sensitive. */
  CHECK(expect_err("-----BEGIN certificate-----\nMAIFAA==\n"
                   "-----END certificate-----\n",
                   NO_LIMIT, CSRA_INPUT_UNKNOWN_LABEL, 11));
  /* A prefix or extension of an accepted label is not accepted. */
  CHECK(expect_err("-----BEGIN CERTIFICATE REQ-----\nMAIFAA==\n"
                   "-----END CERTIFICATE REQ-----\n",
                   NO_LIMIT, CSRA_INPUT_UNKNOWN_LABEL, 11));
  CHECK(expect_err("-----BEGIN EVIDENCE -----\nMAIFAA==\n"
                   "-----END EVIDENCE -----\n",
                   NO_LIMIT, CSRA_INPUT_UNKNOWN_LABEL, 11));
  CHECK(expect_err("-----BEGIN -----\nMAIFAA==\n-----END -----\n", NO_LIMIT,
                   CSRA_INPUT_UNKNOWN_LABEL, 11));
  /* Longer than csra_input_result.label. */
  memset(longlabel, 'A', sizeof(longlabel));
  memcpy(longlabel, "-----BEGIN ", 11);
  memcpy(longlabel + 200, "-----\nMAIFAA==\n", 16);
  CHECK(expect_err(longlabel, NO_LIMIT, CSRA_INPUT_UNKNOWN_LABEL, 11));
  return 1;
}

static int test_pem_mismatched_end(void) {
  static const char in1[] =
      "-----BEGIN CERTIFICATE-----\nMAIFAA==\n"
      "-----END CERTIFICATE REQUEST-----\n";
  static const char in2[] =
      "-----BEGIN CERTIFICATE REQUEST-----\r\nMAIFAA==\r\n"
      "-----END CERTIFICATE-----\r\n";
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE----\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of(in1, "-----END ") + 9));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of(in2, "-----END ") + 9));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of(in3, "-----END ") + 9));
  return 1;
}

static int test_pem_missing_end(void) {
  static const char in1[] = "-----BEGIN EVIDENCE-----\nMAIFAA==\n";
  static const char in2[] = "-----BEGIN EVIDENCE-----\nMAIFAA==";
  static const char in3[] = "-----BEGIN EVIDENCE-----";
  static const char in4[] = "-----BEGIN EVIDENCE-----\r\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in1)));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in2)));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in3)));
  CHECK(expect_err(in4, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in4)));
  /* Armour errors win over body errors. */
  CHECK(expect_err("-----BEGIN EVIDENCE-----\nMA*FAA==\n", NO_LIMIT,
                   CSRA_INPUT_BAD_PEM, 34));
  return 1;
}

/* A BEGIN line must end "-----" [blanks] EOL. */
static int test_pem_bad_begin_line(void) {
  static const char in1[] =
      "-----BEGIN CERTIFICATE\nMAIFAA==\n-----END CERTIFICATE-----\n";
  static const char in2[] =
      "-----BEGIN CERTIFICATE----- x\nMAIFAA==\n-----END CERTIFICATE-----\n";
  static const char in3[] =
      "-----BEGIN CERTIFICATE------\nMAIFAA==\n-----END CERTIFICATE-----\n";
  /* A bare CR is not a line ending. */
  static const char in4[] =
      "-----BEGIN CERTIFICATE-----\rMAIFAA==\r-----END CERTIFICATE-----\r";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM, 22));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM, 28));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_PEM, 27));
  CHECK(expect_err(in4, NO_LIMIT, CSRA_INPUT_BAD_PEM, 27));
  return 1;
}

static int test_pem_bad_end_line(void) {
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE----- x\n";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE-----\r\r\n";
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE-----\r";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of(in1, " x") + 1));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM, offset_of(in2, "\r")));
  /* A bare CR is not a line ending, even at the end of the input. */
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in3) - 1));
  return 1;
}

static int test_pem_header_line(void) {
  static const char in1[] =
      "-----BEGIN CERTIFICATE REQUEST-----\n"
      "Proc-Type: 4,ENCRYPTED\n"
      "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n"
      "\n"
      "MAIFAA==\n"
      "-----END CERTIFICATE REQUEST-----\n";
  /* ':' anywhere in a body line counts, not only before the data. */
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\r\nMAIF\r\nAA==x:\r\n"
      "-----END EVIDENCE-----\r\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of(in1, "Proc-Type")));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM, offset_of(in2, "AA==")));
  return 1;
}

static int test_pem_second_block(void) {
  static const char in1[] =
      "-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n"
      "\n-----BEGIN CERTIFICATE-----\nMAIFAA==\n-----END CERTIFICATE-----\n";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\r\nMAIFAA==\r\n-----END EVIDENCE-----\r\n"
      "-----BEGIN PRIVATE KEY-----\r\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_MULTIPLE_PEM,
                   offset_of_nth(in1, "-----BEGIN", 2)));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_MULTIPLE_PEM,
                   offset_of_nth(in2, "-----BEGIN", 2)));
  return 1;
}

/* A BEGIN or other armour line inside the body. */
static int test_pem_nested_begin(void) {
  static const char in[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----BEGIN EVIDENCE-----\n"
      "MAIFAA==\n-----END EVIDENCE-----\n";

  CHECK(expect_err(in, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of_nth(in, "-----BEGIN", 2)));
  return 1;
}

static int test_pem_junk_after_end(void) {
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE-----\n \nx";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE-----\n"
      "-----END EVIDENCE-----\n";
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA==\n-----END EVIDENCE-----\n"
      "\0\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_PEM, strlen(in1) - 1));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_PEM,
                   offset_of_nth(in2, "-----END", 2)));
  CHECK(expect_err_n(__func__, in3, sizeof(in3) - 1, NO_LIMIT,
                     CSRA_INPUT_BAD_PEM, strlen(in3)));
  return 1;
}

static int test_pem_bad_base64_char(void) {
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMAIF\nA*A=\n-----END EVIDENCE-----\n";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\r\nMAQCAgH_\r\n-----END EVIDENCE-----\r\n";
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAQCAgH-\n-----END EVIDENCE-----\n";
  static const char in4[] =
      "-----BEGIN EVIDENCE-----\nMAQC\0gH/\n-----END EVIDENCE-----\n";
  static const char in5[] =
      "-----BEGIN EVIDENCE-----\nMAQCAgH\xc3\xa9\n-----END EVIDENCE-----\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_BASE64, offset_of(in1, "*")));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_BASE64, offset_of(in2, "_")));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in3, "H-") + 1));
  CHECK(expect_err_n(__func__, in4, sizeof(in4) - 1, NO_LIMIT,
                     CSRA_INPUT_BAD_BASE64, strlen(in4)));
  CHECK(expect_err(in5, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in5, "\xc3")));
  return 1;
}

static int test_pem_bad_padding(void) {
  /* 7 characters: the '=' is missing. Offset is just past the last one. */
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMAMCAQU\n-----END EVIDENCE-----\n";
  /* 6 characters and one '=': still not a multiple of 4. */
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\nMAIFAA=\r\n-----END EVIDENCE-----\r\n";
  /* Three '=' is never valid. */
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAIFA===\n-----END EVIDENCE-----\n";
  /* Five characters. */
  static const char in4[] =
      "-----BEGIN EVIDENCE-----\nMAQCAgH/M\n-----END EVIDENCE-----\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in1, "U\n") + 1));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in2, "=\r") + 1));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in3, "===") + 2));
  CHECK(expect_err(in4, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in4, "/M") + 2));
  return 1;
}

static int test_pem_pad_in_middle(void) {
  /* Two concatenated encodings. */
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMA==\nMAIFAA==\n-----END EVIDENCE-----\n";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\nMAIF=AA=\n-----END EVIDENCE-----\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_BASE64, offset_of(in1, "=")));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_BASE64, offset_of(in2, "=")));
  return 1;
}

static int test_pem_noncanonical_bits(void) {
  /* "MAMCAQU=" is canonical; 'V' sets one of the two unused bits. */
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\nMAMCAQV=\n-----END EVIDENCE-----\n";
  /* "MA==" is canonical; 'B' sets one of the four unused bits. */
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\nMB==\n-----END EVIDENCE-----\n";
  static const char in3[] =
      "-----BEGIN EVIDENCE-----\nMAIFAP==\n-----END EVIDENCE-----\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in1, "QV") + 1));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in2, "MB") + 1));
  CHECK(expect_err(in3, NO_LIMIT, CSRA_INPUT_BAD_BASE64,
                   offset_of(in3, "AP") + 1));
  return 1;
}

static int test_pem_empty_body(void) {
  static const char in1[] =
      "-----BEGIN EVIDENCE-----\n-----END EVIDENCE-----\n";
  static const char in2[] =
      "-----BEGIN EVIDENCE-----\r\n \r\n\r\n-----END EVIDENCE-----\r\n";

  CHECK(expect_err(in1, NO_LIMIT, CSRA_INPUT_EMPTY,
                   offset_of(in1, "-----END")));
  CHECK(expect_err(in2, NO_LIMIT, CSRA_INPUT_EMPTY,
                   offset_of(in2, "-----END")));
  return 1;
}

/* Non-whitespace before BEGIN: not PEM. It then isn't base64 or DER. */
static int test_text_before_begin(void) {
  CHECK(expect_err("Certificate request:\n-----BEGIN CERTIFICATE REQUEST-----"
                   "\nMAIFAA==\n-----END CERTIFICATE REQUEST-----\n",
                   NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("\xef\xbb\xbf-----BEGIN EVIDENCE-----\nMAIFAA==\n"
                   "-----END EVIDENCE-----\n",
                   NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  /* "-----BEGIN" without the space is not PEM either. */
  CHECK(expect_err("-----BEGIN-----\n", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  return 1;
}

static int test_raw_der(void) {
  static const uint8_t der1[] = {0x30, 0x03, 0x02, 0x01, 0x05};
  static const uint8_t der2[] = {0x30, 0x80, 0x00, 0x0a, 0xff, 0x00, 0x00};
  /* "0abc" is valid base64 but decodes to d1 a6 dc, not a SEQUENCE, so by
   * the rule it is taken as DER starting with '0' (0x30). */
  static const uint8_t der3[] = {'0', 'a', 'b', 'c'};
  /* Base64-looking but invalid (length 3): DER, since it starts with '0'. */
  static const uint8_t der4[] = {'0', 'A', 'A'};
  /* Trailing whitespace in binary input is kept: DER is copied as is. */
  static const uint8_t der5[] = {0x30, 0x00, '\n'};

  CHECK(expect_ok_n(__func__, der1, sizeof(der1), NO_LIMIT, CSRA_INPUT_DER,
                    "", der1, sizeof(der1)));
  CHECK(expect_ok_n(__func__, der2, sizeof(der2), NO_LIMIT, CSRA_INPUT_DER,
                    "", der2, sizeof(der2)));
  CHECK(expect_ok_n(__func__, der3, sizeof(der3), NO_LIMIT, CSRA_INPUT_DER,
                    "", der3, sizeof(der3)));
  CHECK(expect_ok_n(__func__, der4, sizeof(der4), NO_LIMIT, CSRA_INPUT_DER,
                    "", der4, sizeof(der4)));
  CHECK(expect_ok_n(__func__, der5, sizeof(der5), NO_LIMIT, CSRA_INPUT_DER,
                    "", der5, sizeof(der5)));
  /* One byte. */
  CHECK(expect_ok_n(__func__, der1, 1, NO_LIMIT, CSRA_INPUT_DER, "", der1, 1));
  return 1;
}

static int test_raw_base64(void) {
  static const uint8_t der1[] = {0x30, 0x04, 0x02, 0x02, 0x01, 0xff};
  static const uint8_t der2[] = {0x30, 0x03, 0x02, 0x01, 0x05};
  uint8_t der[60];
  char buf[256];

  CHECK(expect_ok("MAQCAgH/", NO_LIMIT, CSRA_INPUT_BASE64, "", der1,
                  sizeof(der1)));
  CHECK(expect_ok("  MAMC\r\nAQU=\n\n", NO_LIMIT, CSRA_INPUT_BASE64, "", der2,
                  sizeof(der2)));
  big_der(der);
  snprintf(buf, sizeof(buf), "%s\n%s\n", kBigB64L1, kBigB64L2);
  CHECK(expect_ok(buf, NO_LIMIT, CSRA_INPUT_BASE64, "", der, sizeof(der)));
  return 1;
}

/* Raw base64 that is not a SEQUENCE, or is invalid and does not start with
 * '0', is none of the forms. */
static int test_raw_not_der(void) {
  CHECK(expect_err("aGVsbG8=", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("MAQC*gH/", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("MAMCAQV=", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("MA==MAIFAA==", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("hello, world\n", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err("====", NO_LIMIT, CSRA_INPUT_NOT_DER, 0));
  CHECK(expect_err_n(__func__, "\x31\x00", 2, NO_LIMIT, CSRA_INPUT_NOT_DER,
                     0));
  /* DER is binary: leading whitespace is not skipped for the 0x30 check. */
  CHECK(expect_err_n(__func__, " \x30\x00", 3, NO_LIMIT, CSRA_INPUT_NOT_DER,
                     0));
  return 1;
}

static int test_empty_input(void) {
  static const uint8_t byte = 0x30;

  CHECK(expect_err_n(__func__, NULL, 0, NO_LIMIT, CSRA_INPUT_EMPTY, 0));
  CHECK(expect_err_n(__func__, &byte, 0, NO_LIMIT, CSRA_INPUT_EMPTY, 0));
  return 1;
}

static int test_only_whitespace(void) {
  CHECK(expect_err(" \t\r\n\v\f \n", NO_LIMIT, CSRA_INPUT_EMPTY, 0));
  CHECK(expect_err("\n", 0, CSRA_INPUT_EMPTY, 0));
  return 1;
}

static int test_too_large(void) {
  static const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x05};
  static const char pem[] =
      "-----BEGIN EVIDENCE-----\nMAMCAQU=\n-----END EVIDENCE-----\n";
  csra_input_result r;

  /* Exactly at the limit is fine; one byte over is not, in every form. */
  CHECK(expect_ok(pem, 5, CSRA_INPUT_PEM, "EVIDENCE", der, sizeof(der)));
  CHECK(expect_err(pem, 4, CSRA_INPUT_TOO_LARGE, 0));
  CHECK(expect_err(pem, 0, CSRA_INPUT_TOO_LARGE, 0));
  CHECK(expect_ok("MAMCAQU=", 5, CSRA_INPUT_BASE64, "", der, sizeof(der)));
  CHECK(expect_err("MAMCAQU=", 4, CSRA_INPUT_TOO_LARGE, 0));
  CHECK(expect_ok_n(__func__, der, sizeof(der), 5, CSRA_INPUT_DER, "", der,
                    sizeof(der)));
  CHECK(expect_err_n(__func__, der, sizeof(der), 4, CSRA_INPUT_TOO_LARGE, 0));
  /* The kind is still reported, so the caller can say what was too big. */
  CHECK(csra_input_decode((const uint8_t *)pem, strlen(pem), 4, &r) ==
        CSRA_INPUT_TOO_LARGE);
  CHECK(r.kind == CSRA_INPUT_PEM && r.der == NULL);
  return 1;
}

static int test_strerror(void) {
  int e;

  for (e = CSRA_INPUT_OK; e <= CSRA_INPUT_NOMEM; e++) {
    const char *s = csra_input_strerror((csra_input_err)e);
    CHECK(s != NULL && s[0] != '\0');
    CHECK(strcmp(s, "unknown error") != 0);
  }
  CHECK(strcmp(csra_input_strerror((csra_input_err)99), "unknown error") == 0);
  return 1;
}

static int test_cbs_reads(void) {
  static const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                0x08, 0x09, 0xfe, 0xff};
  csra_cbs cbs, sub;
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;

  csra_cbs_init(&cbs, buf, sizeof(buf));
  CHECK(csra_cbs_len(&cbs) == sizeof(buf) && csra_cbs_data(&cbs) == buf);
  CHECK(csra_cbs_get_u8(&cbs, &u8) && u8 == 0x01);
  CHECK(csra_cbs_get_u16(&cbs, &u16) && u16 == 0x0203);
  CHECK(csra_cbs_get_u32(&cbs, &u32) && u32 == 0x04050607);
  CHECK(csra_cbs_skip(&cbs, 1));
  CHECK(csra_cbs_get_bytes(&cbs, &sub, 2));
  CHECK(csra_cbs_data(&sub) == buf + 8 && csra_cbs_len(&sub) == 2);
  CHECK(csra_cbs_get_u16(&sub, &u16) && u16 == 0x09fe);
  CHECK(csra_cbs_len(&sub) == 0);
  CHECK(csra_cbs_get_u8(&cbs, &u8) && u8 == 0xff);
  CHECK(csra_cbs_len(&cbs) == 0 && csra_cbs_data(&cbs) == buf + sizeof(buf));
  /* Reading into the cursor itself narrows it. */
  csra_cbs_init(&cbs, buf, sizeof(buf));
  CHECK(csra_cbs_get_bytes(&cbs, &cbs, 3));
  CHECK(csra_cbs_data(&cbs) == buf && csra_cbs_len(&cbs) == 3);
  /* Zero-length steps succeed anywhere. */
  CHECK(csra_cbs_skip(&cbs, 0) && csra_cbs_get_bytes(&cbs, &sub, 0));
  CHECK(csra_cbs_len(&sub) == 0 && csra_cbs_len(&cbs) == 3);
  return 1;
}

/* Reads past the end fail and leave cursor and outputs untouched. */
static int test_cbs_bounds(void) {
  static const uint8_t buf[] = {0xaa, 0xbb, 0xcc};
  csra_cbs cbs, sub;
  uint8_t u8 = 0x11;
  uint16_t u16 = 0x2222;
  uint32_t u32 = 0x33333333;

  csra_cbs_init(&cbs, buf, sizeof(buf));
  CHECK(!csra_cbs_get_u32(&cbs, &u32) && u32 == 0x33333333);
  CHECK(csra_cbs_data(&cbs) == buf && csra_cbs_len(&cbs) == 3);
  CHECK(!csra_cbs_skip(&cbs, 4));
  CHECK(!csra_cbs_skip(&cbs, SIZE_MAX));
  sub.data = NULL;
  sub.len = 7;
  CHECK(!csra_cbs_get_bytes(&cbs, &sub, 4));
  CHECK(!csra_cbs_get_bytes(&cbs, &sub, SIZE_MAX));
  CHECK(sub.data == NULL && sub.len == 7);
  CHECK(csra_cbs_data(&cbs) == buf && csra_cbs_len(&cbs) == 3);

  CHECK(csra_cbs_skip(&cbs, 2));
  CHECK(!csra_cbs_get_u16(&cbs, &u16) && u16 == 0x2222);
  CHECK(!csra_cbs_get_u32(&cbs, &u32) && u32 == 0x33333333);
  CHECK(csra_cbs_data(&cbs) == buf + 2 && csra_cbs_len(&cbs) == 1);
  CHECK(csra_cbs_get_u8(&cbs, &u8) && u8 == 0xcc);
  u8 = 0x11;
  CHECK(!csra_cbs_get_u8(&cbs, &u8) && u8 == 0x11);
  CHECK(!csra_cbs_skip(&cbs, 1));
  CHECK(csra_cbs_data(&cbs) == buf + 3 && csra_cbs_len(&cbs) == 0);

  /* An empty cursor over NULL is valid and every read fails cleanly. */
  csra_cbs_init(&cbs, NULL, 0);
  CHECK(!csra_cbs_get_u8(&cbs, &u8) && !csra_cbs_get_u16(&cbs, &u16) &&
        !csra_cbs_get_u32(&cbs, &u32) && !csra_cbs_skip(&cbs, 1) &&
        !csra_cbs_get_bytes(&cbs, &sub, 1));
  CHECK(csra_cbs_skip(&cbs, 0) && csra_cbs_get_bytes(&cbs, &sub, 0));
  CHECK(csra_cbs_data(&cbs) == NULL && csra_cbs_len(&cbs) == 0);
  return 1;
}

/* The public reader (csrattest/input.h). */

/* pub_err reads |in| with |accept| and checks the code, the offset in
 * |info| and that nothing is handed back. */
static int pub_err(const char *caller, const void *in, size_t len, unsigned accept,
                   csra_err want, size_t want_off) {
  uint8_t *der = (uint8_t *)1;
  size_t der_len = 99;
  csra_input_info info;
  csra_err got = csra_input_read(in, len, accept, &der, &der_len, &info);

  if (got != want || info.err_offset != want_off || der != NULL || der_len != 0) {
    fprintf(stderr, "%s: want %s at %zu, got %s at %zu (der %p, %zu)\n", caller,
            csra_err_name(want), want_off, csra_err_name(got), info.err_offset,
            (void *)der, der_len);
    return 0;
  }
  if (want != CSRA_ERR_INPUT_WRONG_LABEL && info.label[0] != '\0') {
    fprintf(stderr, "%s: label \"%s\" handed back with an error\n", caller, info.label);
    return 0;
  }
  /* info is optional. */
  der = (uint8_t *)1;
  if (csra_input_read(in, len, accept, &der, &der_len, NULL) != want || der != NULL) {
    fprintf(stderr, "%s: different answer without info\n", caller);
    return 0;
  }
  return 1;
}

#define PUB_ERR(in, accept, want, off) \
  pub_err(__func__, (in), strlen(in), (accept), (want), (off))

/* pub_ok reads |in| and checks the DER, form and label. */
static int pub_ok(const char *caller, const void *in, size_t len, unsigned accept,
                  csra_input_kind kind, const char *label, const uint8_t *want,
                  size_t want_len) {
  uint8_t *der = NULL;
  size_t der_len = 0;
  csra_input_info info;
  csra_err got = csra_input_read(in, len, accept, &der, &der_len, &info);
  int ok = got == CSRA_OK && info.kind == kind && strcmp(info.label, label) == 0 &&
           info.err_offset == 0 && der_len == want_len && der != NULL &&
           memcmp(der, want, want_len) == 0;

  if (!ok)
    fprintf(stderr, "%s: got %s kind %d label \"%s\" len %zu\n", caller, csra_err_name(got),
            (int)info.kind, info.label, der_len);
  csra_free(der);
  return ok;
}

static const uint8_t kSmallDer[] = {0x30, 0x03, 0x02, 0x01, 0x05};

static int test_pub_forms(void) {
  static const char ev_lf[] = "-----BEGIN EVIDENCE-----\nMAMCAQU=\n-----END EVIDENCE-----\n";
  static const char ev_crlf[] =
      "-----BEGIN EVIDENCE-----\r\nMAMCAQU=\r\n-----END EVIDENCE-----\r\n";
  static const char csr[] =
      "-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQU=\n-----END CERTIFICATE REQUEST-----\n";
  static const char ncsr[] = "-----BEGIN NEW CERTIFICATE REQUEST-----\nMAMCAQU=\n"
                             "-----END NEW CERTIFICATE REQUEST-----\n";
  static const char cert[] = "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n";

  CHECK(pub_ok(__func__, ev_lf, strlen(ev_lf), CSRA_INPUT_ACCEPT_EVIDENCE, CSRA_INPUT_PEM,
               "EVIDENCE", kSmallDer, sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, ev_crlf, strlen(ev_crlf), CSRA_INPUT_ACCEPT_EVIDENCE, CSRA_INPUT_PEM,
               "EVIDENCE", kSmallDer, sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, csr, strlen(csr), CSRA_INPUT_ACCEPT_CSR, CSRA_INPUT_PEM,
               "CERTIFICATE REQUEST", kSmallDer, sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, ncsr, strlen(ncsr), CSRA_INPUT_ACCEPT_CSR, CSRA_INPUT_PEM,
               "NEW CERTIFICATE REQUEST", kSmallDer, sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, cert, strlen(cert), CSRA_INPUT_ACCEPT_CERTIFICATE, CSRA_INPUT_PEM,
               "CERTIFICATE", kSmallDer, sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, cert, strlen(cert), CSRA_INPUT_ACCEPT_ANY, CSRA_INPUT_PEM,
               "CERTIFICATE", kSmallDer, sizeof(kSmallDer)));
  /* Base64 and DER carry no label: accepted whatever |accept| says. */
  CHECK(pub_ok(__func__, "MAMC\r\nAQU=\r\n", 12, 0, CSRA_INPUT_BASE64, "", kSmallDer,
               sizeof(kSmallDer)));
  CHECK(pub_ok(__func__, kSmallDer, sizeof(kSmallDer), 0, CSRA_INPUT_DER, "", kSmallDer,
               sizeof(kSmallDer)));
  return 1;
}

/* A known label the caller did not ask for: its own code, the label named,
 * the offset of the label on the BEGIN line. */
static int test_pub_wrong_label(void) {
  static const char csr[] =
      "\n-----BEGIN CERTIFICATE REQUEST-----\nMAMCAQU=\n-----END CERTIFICATE REQUEST-----\n";
  static const char cert[] = "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n";
  csra_input_info info;
  uint8_t *der;
  size_t len;

  CHECK(PUB_ERR(csr, CSRA_INPUT_ACCEPT_EVIDENCE, CSRA_ERR_INPUT_WRONG_LABEL, 12));
  CHECK(PUB_ERR(csr, CSRA_INPUT_ACCEPT_EVIDENCE | CSRA_INPUT_ACCEPT_CERTIFICATE,
                CSRA_ERR_INPUT_WRONG_LABEL, 12));
  CHECK(PUB_ERR(cert, CSRA_INPUT_ACCEPT_CSR, CSRA_ERR_INPUT_WRONG_LABEL, 11));
  /* |accept| 0: no PEM at all. */
  CHECK(PUB_ERR(cert, 0, CSRA_ERR_INPUT_WRONG_LABEL, 11));
  CHECK(csra_input_read((const uint8_t *)csr, strlen(csr), CSRA_INPUT_ACCEPT_EVIDENCE, &der,
                        &len, &info) == CSRA_ERR_INPUT_WRONG_LABEL);
  CHECK(strcmp(info.label, "CERTIFICATE REQUEST") == 0 && info.kind == CSRA_INPUT_PEM);
  /* A label no reader knows stays UNKNOWN_LABEL, and is not handed back. */
  CHECK(PUB_ERR("-----BEGIN PRIVATE KEY-----\nMAMCAQU=\n-----END PRIVATE KEY-----\n",
                CSRA_INPUT_ACCEPT_ANY, CSRA_ERR_INPUT_UNKNOWN_LABEL, 11));
  return 1;
}

/* Each other code, with its offset. */
static int test_pub_codes(void) {
  static const char two[] = "-----BEGIN EVIDENCE-----\nMAMCAQU=\n-----END EVIDENCE-----\n"
                            "-----BEGIN EVIDENCE-----\nMAMCAQU=\n-----END EVIDENCE-----\n";
  static const char noend[] = "-----BEGIN EVIDENCE-----\nMAMCAQU=\n";
  static const char badchar[] = "-----BEGIN EVIDENCE-----\nMAM*AQU=\n-----END EVIDENCE-----\n";
  static const char empty_body[] = "-----BEGIN EVIDENCE-----\n\n-----END EVIDENCE-----\n";
  static const char crlf_hdr[] =
      "-----BEGIN EVIDENCE-----\r\nProc-Type: 4,ENCRYPTED\r\nMAMCAQU=\r\n-----END EVIDENCE-----\r\n";
  const unsigned ev = CSRA_INPUT_ACCEPT_EVIDENCE;

  CHECK(pub_err(__func__, NULL, 0, ev, CSRA_ERR_INPUT_EMPTY, 0));
  CHECK(PUB_ERR(" \r\n\t", ev, CSRA_ERR_INPUT_EMPTY, 0));
  CHECK(PUB_ERR(empty_body, ev, CSRA_ERR_INPUT_EMPTY, offset_of(empty_body, "-----END")));
  CHECK(PUB_ERR(noend, ev, CSRA_ERR_INPUT_BAD_PEM, strlen(noend)));
  CHECK(PUB_ERR(crlf_hdr, ev, CSRA_ERR_INPUT_BAD_PEM, offset_of(crlf_hdr, "Proc-Type")));
  CHECK(PUB_ERR(badchar, ev, CSRA_ERR_INPUT_BAD_BASE64, offset_of(badchar, "*")));
  CHECK(PUB_ERR(two, ev, CSRA_ERR_INPUT_MULTIPLE_PEM, offset_of_nth(two, "-----BEGIN", 2)));
  /* Whole-input errors have no offset. */
  CHECK(PUB_ERR("hello, world", ev, CSRA_ERR_INPUT_NOT_DER, CSRA_INPUT_NO_OFFSET));
  CHECK(PUB_ERR("MAMCAQU", ev, CSRA_ERR_INPUT_NOT_DER, CSRA_INPUT_NO_OFFSET));
  return 1;
}

/* Raw DER is copied as is: trailing data is the strict decoder's to find
 * (csra_decode reports CSRA_ERR_DER_TRAILING_DATA), not the reader's. */
static int test_pub_der_trailing(void) {
  /* KeyPurposes { 1.2 } and two bytes more. */
  static const uint8_t der_trail[] = {0x30, 0x03, 0x06, 0x01, 0x2a, 0x00, 0x00};
  uint8_t *der = NULL;
  size_t len = 0;
  csra_decoded *d = NULL;
  csra_diag dg;

  CHECK(pub_ok(__func__, der_trail, sizeof(der_trail), CSRA_INPUT_ACCEPT_ANY, CSRA_INPUT_DER, "",
               der_trail, sizeof(der_trail)));
  /* The same in base64: framing is all the reader does. */
  CHECK(pub_ok(__func__, "MAMGASoAAA==", 12, 0, CSRA_INPUT_BASE64, "", der_trail,
               sizeof(der_trail)));
  CHECK(csra_input_read(der_trail, sizeof(der_trail), 0, &der, &len, NULL) == CSRA_OK);
  CHECK(csra_decode(NULL, CSRA_PDU_KEY_PURPOSES, der, len, &d, &dg) == CSRA_ERR_DER_TRAILING_DATA);
  CHECK(d == NULL && dg.offset == 5);
  csra_free(der);
  return 1;
}

static int test_pub_args_and_size(void) {
  uint8_t *der = (uint8_t *)1;
  size_t len = 5;
  csra_input_info info;
  uint8_t *big;

  CHECK(csra_input_read(NULL, 3, CSRA_INPUT_ACCEPT_ANY, &der, &len, &info) ==
        CSRA_ERR_INVALID_ARGUMENT);
  CHECK(der == NULL && len == 0 && info.err_offset == CSRA_INPUT_NO_OFFSET);
  CHECK(csra_input_read(kSmallDer, sizeof(kSmallDer), 0, NULL, &len, NULL) ==
        CSRA_ERR_INVALID_ARGUMENT);
  /* One byte over the cap, though it is valid DER in itself. */
  big = calloc(CSRA_INPUT_MAX + 1, 1);
  CHECK(big != NULL);
  big[0] = 0x30;
  der = (uint8_t *)1;
  if (csra_input_read(big, CSRA_INPUT_MAX + 1, 0, &der, &len, &info) != CSRA_ERR_INPUT_TOO_LARGE ||
      der != NULL || info.err_offset != CSRA_INPUT_NO_OFFSET || info.kind != 0) {
    free(big);
    CHECK(!"input over CSRA_INPUT_MAX accepted");
  }
  /* At the cap: read (the strict decoder judges the DER later). */
  if (csra_input_read(big, CSRA_INPUT_MAX, 0, &der, &len, &info) != CSRA_OK ||
      len != CSRA_INPUT_MAX || info.kind != CSRA_INPUT_DER) {
    free(big);
    CHECK(!"input at CSRA_INPUT_MAX refused");
  }
  csra_free(der);
  free(big);
  return 1;
}

/* write_tmp writes |len| bytes of |b| to a new temporary file. */
static int write_tmp(char *path, const void *b, size_t len) {
  int fd = mkstemp(path);
  FILE *f;
  int ok;

  if (fd < 0)
    return 0;
  f = fdopen(fd, "wb");
  if (f == NULL) {
    close(fd);
    return 0;
  }
  ok = fwrite(b, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

static int test_pub_file(void) {
  static const char ev[] = "-----BEGIN EVIDENCE-----\r\nMAMCAQU=\r\n-----END EVIDENCE-----\r\n";
  char path[] = "/tmp/csra_test_input_XXXXXX";
  char bigpath[] = "/tmp/csra_test_input_big_XXXXXX";
  uint8_t *der = NULL, *big;
  size_t len = 0;
  csra_input_info info;
  csra_err e;
  int ok;

  CHECK(write_tmp(path, ev, strlen(ev)));
  e = csra_input_read_file(path, CSRA_INPUT_ACCEPT_EVIDENCE, &der, &len, &info);
  ok = e == CSRA_OK && len == sizeof(kSmallDer) && memcmp(der, kSmallDer, len) == 0 &&
       strcmp(info.label, "EVIDENCE") == 0;
  csra_free(der);
  e = csra_input_read_file(path, CSRA_INPUT_ACCEPT_CSR, &der, &len, &info);
  unlink(path);
  CHECK(ok);
  CHECK(e == CSRA_ERR_INPUT_WRONG_LABEL && der == NULL && info.err_offset == 11);

  errno = 0;
  CHECK(csra_input_read_file("/nonexistent/csra/input", 0, &der, &len, &info) == CSRA_ERR_IO);
  CHECK(errno == ENOENT && der == NULL && info.err_offset == CSRA_INPUT_NO_OFFSET);
  CHECK(csra_input_read_file("/tmp", 0, &der, &len, &info) == CSRA_ERR_IO);

  /* A file over the cap is refused without reading it all into memory. */
  big = calloc(CSRA_INPUT_MAX + 1, 1);
  CHECK(big != NULL);
  big[0] = 0x30;
  ok = write_tmp(bigpath, big, CSRA_INPUT_MAX + 1);
  free(big);
  CHECK(ok);
  e = csra_input_read_file(bigpath, 0, &der, &len, &info);
  unlink(bigpath);
  CHECK(e == CSRA_ERR_INPUT_TOO_LARGE && der == NULL && info.err_offset == CSRA_INPUT_NO_OFFSET);
  return 1;
}

typedef struct {
  const char *name;
  int (*fn)(void);
} test_case;

#define TEST(f) {#f, f}

static const test_case kTests[] = {
    TEST(test_pem_evidence_lf),
    TEST(test_pem_evidence_crlf),
    TEST(test_pem_csr_lf),
    TEST(test_pem_csr_crlf),
    TEST(test_pem_new_csr_lf),
    TEST(test_pem_new_csr_crlf),
    TEST(test_pem_cert_lf),
    TEST(test_pem_cert_crlf),
    TEST(test_pem_lax_whitespace),
    TEST(test_pem_unknown_label),
    TEST(test_pem_mismatched_end),
    TEST(test_pem_missing_end),
    TEST(test_pem_bad_begin_line),
    TEST(test_pem_bad_end_line),
    TEST(test_pem_header_line),
    TEST(test_pem_second_block),
    TEST(test_pem_nested_begin),
    TEST(test_pem_junk_after_end),
    TEST(test_pem_bad_base64_char),
    TEST(test_pem_bad_padding),
    TEST(test_pem_pad_in_middle),
    TEST(test_pem_noncanonical_bits),
    TEST(test_pem_empty_body),
    TEST(test_text_before_begin),
    TEST(test_raw_der),
    TEST(test_raw_base64),
    TEST(test_raw_not_der),
    TEST(test_empty_input),
    TEST(test_only_whitespace),
    TEST(test_too_large),
    TEST(test_strerror),
    TEST(test_pub_forms),
    TEST(test_pub_wrong_label),
    TEST(test_pub_codes),
    TEST(test_pub_der_trailing),
    TEST(test_pub_args_and_size),
    TEST(test_pub_file),
    TEST(test_cbs_reads),
    TEST(test_cbs_bounds),
};

int main(void) {
  size_t i;
  int passed = 0, failed = 0;

  for (i = 0; i < sizeof(kTests) / sizeof(kTests[0]); i++) {
    if (kTests[i].fn()) {
      passed++;
    } else {
      fprintf(stderr, "FAIL %s\n", kTests[i].name);
      failed++;
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* "YYYY-MM-DDTHH:MM:SSZ", the one spelling of a time in claims files,
 * vendor XML and the CLI's --at. */
#include <string.h>
#include <time.h>

#include "csra_codec_int.h"

/* |s| at |at|, |n| decimal digits (already checked to be digits). */
static int field(const char *s, size_t at, size_t n)
{
	int v = 0;
	for (size_t i = at; i < at + n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int csra_utc_parse(const char *s, size_t n, time_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (s == NULL || n != sizeof(shape) - 1)
		return 0;
	/* Digits where digits go: sscanf's %d would also take a sign or
	 * leading blanks. */
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return 0;
	struct tm tm, back;
	memset(&tm, 0, sizeof(tm));
	int y = field(s, 0, 4), mo = field(s, 5, 2), d = field(s, 8, 2);
	tm.tm_hour = field(s, 11, 2);
	tm.tm_min = field(s, 14, 2);
	tm.tm_sec = field(s, 17, 2);
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	time_t t = timegm(&tm);
	/* timegm normalises 31 February into March: a round trip refuses
	 * what it changed. */
	if (gmtime_r(&t, &back) == NULL || back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d)
		return 0;
	*out = t;
	return 1;
}

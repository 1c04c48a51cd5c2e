/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: EHLO and CAPA capability lines, enhanced status codes and
 * POP3 response codes through the annotation lookups. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "annot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char buf[512];
	const char *m = annot_ehlo(s, buf, sizeof(buf));
	assert(!m || m != buf || strlen(m) < sizeof(buf));
	annot_capa(s, buf, sizeof(buf));
	annot_pop3_resp_code(s);
	annot_sasl_mech(s);
	struct annot_esc e;
	if (annot_esc_lookup(s, &e))
		assert(e.klass == 2 || e.klass == 4 || e.klass == 5);
	int code = size >= 2 ? (data[0] << 8 | data[1]) % 1000 : 250;
	assert(annot_smtp(code, s, buf, sizeof(buf)) != NULL);
	free(s);
	return 0;
}

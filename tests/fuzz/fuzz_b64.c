/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: base64 decoding of anything, encode/decode round trips, and
 * terminal sanitising (GB18030 fallback included). */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "b64.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a, b, t;
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&t, 0);
	b64_decode(&a, (const char *)data, size);
	buf_clear(&a);
	assert(b64_encode(&a, data, size) == SMTPSH_OK);
	assert(b64_decode(&b, a.data ? a.data : "", a.len) == SMTPSH_OK);
	assert(b.len == size && (!size || !memcmp(b.data, data, size)));
	text_safe(&t, (const char *)data, size);
	for (size_t i = 0; i < t.len; i++)
		assert((unsigned char)t.data[i] != 0x1b);
	buf_free(&a);
	buf_free(&b);
	buf_free(&t);
	return 0;
}

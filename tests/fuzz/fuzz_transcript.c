/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: the transcript reader on arbitrary files (event tokens
 * included), and escaping round trips on arbitrary bytes. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "escape.h"
#include "transcript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size) {
		FILE *f = fmemopen((void *)data, size, "r");
		if (f) {
			struct transcript_reader r;
			struct transcript_item it;
			transcript_reader_init(&r, f);
			transcript_item_init(&it);
			enum smtpsh_err e;
			while ((e = transcript_next(&r, &it, NULL)) != SMTPSH_ECLOSED) {
				assert(e != SMTPSH_OK || it.bytes.len <= TRANSCRIPT_MAX_LINE);
				/* an event's token is what the table writes for it */
				const char *token = transcript_event_token(it.event);
				assert(e != SMTPSH_OK || it.kind != TR_EVENT ||
				       (it.detail <= it.bytes.len &&
				        !memcmp(it.bytes.data ? it.bytes.data : "", token,
				                strlen(token))));
			}
			transcript_item_free(&it);
			transcript_reader_free(&r);
			fclose(f);
		}
	}
	struct buf esc, back;
	size_t bad;
	buf_init(&esc, 0);
	buf_init(&back, 0);
	assert(escape_append(&esc, data, size));
	assert(unescape_append(&back, esc.data ? esc.data : "", esc.len, &bad, NULL) == SMTPSH_OK);
	assert(back.len == size && (!size || !memcmp(back.data, data, size)));
	buf_free(&esc);
	buf_free(&back);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: the reply reader (SMTP when the first byte is even, POP3
 * when odd) fed in chunks whose sizes come from the input, with POP3 body
 * expectations toggled by it too.  Invariants: bounded buffers, every
 * event well-formed. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct reply_parser p;
	reply_parser_init(&p, data[0] & 1 ? REPLY_POP3 : REPLY_SMTP);
	size_t chunk = 1 + data[1] % 64;
	reply_parser_expect_body(&p, data[1] & 0x80);
	for (size_t i = 2; i < size; i += chunk) {
		size_t n = size - i < chunk ? size - i : chunk;
		reply_parser_feed(&p, data + i, n);
		struct reply_event ev;
		while (reply_parser_next(&p, &ev)) {
			if (ev.kind == REPLY_EV_LINE) {
				assert(ev.line.raw_len <= REPLY_MAX_LINE);
				assert(ev.line.text_len <= ev.line.raw_len);
			} else if (ev.kind == REPLY_EV_END) {
				assert(strlen(ev.reply->text) < REPLY_TEXT_MAX);
				reply_parser_expect_body(&p, (data[i] & 3) == 1);
			} else {
				assert(ev.error[0]);
			}
		}
		assert(p.in.cap <= 4 * REPLY_MAX_LINE);
	}
	reply_parser_eof(&p);
	struct reply_event ev;
	while (reply_parser_next(&p, &ev))
		;
	reply_parser_free(&p);
	return 0;
}

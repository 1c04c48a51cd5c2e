/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: arbitrary bytes as a transcript through `smtpsh show`'s
 * whole rendering path (smtpsh/playback.c, smtpsh/render.c, the offline
 * session, annotations, provider hints), with its output in memory; what
 * comes out must be safe on a terminal: valid UTF-8 with no ESC, no C0
 * control but LF and TAB, no DEL, no C1 control (U+0080..U+009F) and no
 * bidi control (U+202A..U+202E, U+2066..U+2069, LRM, RLM, ALM).  Colour
 * is off, so not even smtpsh's own escapes may appear. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shell.h"
#include "utf8.h"

/* Where the first unsafe byte of out is, or -1. */
static long first_unsafe(const unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned cp = 0;
		size_t len = utf8_seq(out + i, n - i, &cp);
		if (!len || (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    utf8_is_hidden_control(cp))
			return (long)i;
		i += len;
	}
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen refuses an empty buffer: one byte that is not read */
	static const char nothing[1];
	FILE *in = fmemopen(size ? (void *)data : (void *)nothing, size ? size : 1, "r");
	if (!in)
		return 0;
	if (!size)
		fgetc(in);
	char *out = NULL;
	size_t outlen = 0;
	FILE *o = open_memstream(&out, &outlen);
	if (!o) {
		fclose(in);
		return 0;
	}
	static struct shell sh;
	memset(&sh, 0, sizeof(sh));
	sh.out = o;
	sh.timeout_s = 30;
	playback_file(&sh, in, "fuzz", false);
	fclose(in);
	fclose(o);
	long bad = first_unsafe((const unsigned char *)out, outlen);
	if (bad >= 0) {
		long from = bad > 60 ? bad - 60 : 0;
		fprintf(stderr, "fuzz_show: unsafe byte 0x%02x at %ld in the output: ...%.*s\n",
		        (unsigned char)out[bad], bad, (int)(bad - from + 8), out + from);
		abort();
	}
	free(out);
	return 0;
}

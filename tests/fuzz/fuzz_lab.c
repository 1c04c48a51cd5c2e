/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer: the lab's SMTP command engine fed arbitrary client lines
 * (split at LF), on the plain, submission and SMTPS flavours, with the
 * qq persona and faults chosen by the first byte.  Invariants: replies
 * stay bounded and every reply line ends in CRLF. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "lab/lab.h"

static bool begin(void *ctx, struct lab_smtp *s)
{
	(void)ctx, (void)s;
	return true;
}

static bool line(void *ctx, const char *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	return true;
}

static void abort_msg(void *ctx)
{
	(void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static struct lab_users users;
	static bool ready;
	if (!ready) {
		lab_users_defaults(&users);
		ready = true;
	}
	struct lab_faults faults;
	struct smtpsh_msg why;
	lab_faults_parse(&faults, "seed=3,451@RCPT:30%,454@AUTH:20%", &why);
	unsigned flavour = data[0] % 3;
	struct lab_smtp_config cfg = {
	    .host = "lab.smtpsh.test",
	    .greeting = "lab.smtpsh.test ESMTP smtpsh lab",
	    .tls_available = true,
	    .tls_required = flavour == 1,
	    .auth_required = flavour != 0,
	    .auth_in_cleartext = flavour == 0,
	    .max_size = 4096,
	    .users = &users,
	    .persona = data[0] & 4 ? lab_persona_find("qq") : NULL,
	    .faults = data[0] & 8 ? &faults : NULL,
	};
	struct lab_smtp_hooks hooks = {NULL, begin, line, abort_msg};
	struct lab_smtp s;
	struct buf out;
	buf_init(&out, 1 << 16);
	lab_smtp_init(&s, &cfg, &hooks, "127.0.0.1", 1, flavour == 2);
	lab_smtp_greet(&s, &out);
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t n = lf ? (size_t)(lf - p) : (size_t)(end - p);
		buf_clear(&out);
		enum lab_action a = lab_smtp_feed(&s, p, n, 0, &out);
		if (out.len)
			assert(out.len >= 2 && out.data[out.len - 2] == '\r' &&
			       out.data[out.len - 1] == '\n');
		if (a == LAB_DELIVER) {
			buf_clear(&out);
			lab_smtp_delivered(&s, data[0] & 16, "Q1", &out);
		}
		if (a == LAB_STARTTLS)
			lab_smtp_tls_started(&s, "TLSv1.3 with cipher TEST");
		if (a == LAB_CLOSE || a == LAB_DROP)
			break;
		p += n + 1;
	}
	lab_smtp_wipe(&s);
	buf_free(&out);
	return 0;
}

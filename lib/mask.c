/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mask.h"

#include <string.h>

/* What differs between two runs of the same session. */
static const char *const defaults[] = {
    "queued as [A-Za-z0-9]+", /* Postfix queue id */
    "id [A-Za-z0-9.-]+",      /* ESMTPSA id ..., mx id */
    "<[^<>@ ]+@[^<> ]+>",     /* Message-ID, APOP timestamp */
    "[A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8}( [-+][0-9]{4})?( "
    "\\([A-Z]+\\))?",                           /* RFC 5322 date */
    "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+Z?", /* ISO dates */
    "[0-9a-fA-F]{12,}",                         /* UIDLs, hashes */
};

void mask_init(struct mask *m)
{
	m->n = 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		mask_add(m, defaults[i], NULL);
}

enum smtpsh_err mask_add(struct mask *m, const char *pattern, struct smtpsh_msg *msg)
{
	if (m->n >= MASK_MAX)
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "at most %d masks", MASK_MAX);
	int rc = regcomp(&m->re[m->n], pattern, REG_EXTENDED);
	if (rc != 0) {
		char why[100];
		regerror(rc, &m->re[m->n], why, sizeof(why));
		return smtpsh_fail(msg, SMTPSH_EINVAL, "bad mask '%s': %s", pattern, why);
	}
	m->n++;
	return SMTPSH_OK;
}

enum smtpsh_err mask_apply(const struct mask *m, const char *text, size_t len, struct buf *out)
{
	/* regexec wants a C string: NUL bytes end the comparison there,
	 * which is fine for masking purposes. */
	struct buf cur, next;
	buf_init(&cur, 0);
	buf_init(&next, 0);
	bool ok = buf_append(&cur, text, len);
	for (size_t i = 0; ok && i < m->n; i++) {
		buf_clear(&next);
		const char *p = cur.data ? cur.data : "";
		regmatch_t mt;
		int flags = 0;
		while (ok && *p && regexec(&m->re[i], p, 1, &mt, flags) == 0 && mt.rm_eo > 0) {
			ok = buf_append(&next, p, (size_t)mt.rm_so) && buf_append_char(&next, '*');
			p += mt.rm_eo;
			flags = REG_NOTBOL;
		}
		ok = ok && buf_append_str(&next, p);
		struct buf t = cur;
		cur = next;
		next = t;
	}
	ok = ok && buf_append(out, cur.data ? cur.data : "", cur.len);
	buf_free(&cur);
	buf_free(&next);
	return ok ? SMTPSH_OK : SMTPSH_ENOMEM;
}

bool mask_equal(const struct mask *m, const char *a, size_t alen, const char *b, size_t blen)
{
	struct buf x, y;
	buf_init(&x, 0);
	buf_init(&y, 0);
	bool eq = mask_apply(m, a, alen, &x) == SMTPSH_OK &&
	          mask_apply(m, b, blen, &y) == SMTPSH_OK && x.len == y.len &&
	          (x.len == 0 || !memcmp(x.data, y.data, x.len));
	buf_free(&x);
	buf_free(&y);
	return eq;
}

void mask_free(struct mask *m)
{
	for (size_t i = 0; i < m->n; i++)
		regfree(&m->re[i]);
	m->n = 0;
}

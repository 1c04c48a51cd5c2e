/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/transfer.h"
#include "hex.h"

#include <string.h>

void mime_decoder_init(struct mime_decoder *d, enum mime_cte cte, mime_sink sink, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->cte = cte;
	d->sink = sink;
	d->ctx = ctx;
}

/* Each byte's base64 meaning in one lookup: its value (0..63), a line
 * break or space to skip, the padding '=', or a byte outside the
 * alphabet.  Values are below 64, so four of them OR'ed below 64 say a
 * whole group is plain data (the fast path). */
enum { B64_SKIP = 64, B64_PAD = 65, B64_BAD = 128 };
/* clang-format off */
static const unsigned char b64_table[256] = {
	/* 0x00 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x08 */ B64_BAD, B64_SKIP, B64_SKIP, B64_BAD, B64_BAD, B64_SKIP, B64_BAD, B64_BAD,
	/* 0x10 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x18 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x20 */ B64_SKIP, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x28 */ B64_BAD, B64_BAD, B64_BAD, 62, B64_BAD, B64_BAD, B64_BAD, 63,
	/* 0x30 */ 52, 53, 54, 55, 56, 57, 58, 59,
	/* 0x38 */ 60, 61, B64_BAD, B64_BAD, B64_BAD, B64_PAD, B64_BAD, B64_BAD,
	/* 0x40 */ B64_BAD, 0, 1, 2, 3, 4, 5, 6,
	/* 0x48 */ 7, 8, 9, 10, 11, 12, 13, 14,
	/* 0x50 */ 15, 16, 17, 18, 19, 20, 21, 22,
	/* 0x58 */ 23, 24, 25, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x60 */ B64_BAD, 26, 27, 28, 29, 30, 31, 32,
	/* 0x68 */ 33, 34, 35, 36, 37, 38, 39, 40,
	/* 0x70 */ 41, 42, 43, 44, 45, 46, 47, 48,
	/* 0x78 */ 49, 50, 51, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x80 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x88 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x90 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0x98 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xa0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xa8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xb0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xb8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xc0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xc8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xd0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xd8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xe0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xe8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xf0 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
	/* 0xf8 */ B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD, B64_BAD,
};
/* clang-format on */

/* Decoded bytes gathered here and given to the sink once per feed. */
struct b64_out {
	char bytes[3 * 1024];
	size_t n;
};

static void out_flush(struct mime_decoder *d, struct b64_out *o)
{
	if (o->n)
		d->sink(d->ctx, o->bytes, o->n);
	o->n = 0;
}

/* The bytes of a group of quad characters (2, 3 or 4) out. */
static void b64_group(struct mime_decoder *d, struct b64_out *o)
{
	size_t n = d->quad == 4 ? 3 : d->quad == 3 ? 2 : d->quad == 2 ? 1 : 0;
	unsigned long acc = d->acc << (6 * (4 - d->quad));
	if (o->n + 3 > sizeof(o->bytes))
		out_flush(d, o);
	char *b = o->bytes + o->n;
	b[0] = (char)(acc >> 16);
	b[1] = (char)(acc >> 8);
	b[2] = (char)acc;
	o->n += n;
	if (d->quad == 1)
		d->truncated = true;
	d->quad = 0;
	d->acc = 0;
}

/* Whole groups of four data characters at once, from a group boundary;
 * stops before anything else (a line break, '=', garbage).  Returns the
 * characters read. */
static size_t b64_groups(struct mime_decoder *d, struct b64_out *o, const unsigned char *s,
                         size_t n)
{
	size_t i = 0;
	for (; n - i >= 4; i += 4) {
		unsigned a = b64_table[s[i]], b = b64_table[s[i + 1]];
		unsigned c = b64_table[s[i + 2]], e = b64_table[s[i + 3]];
		if ((a | b | c | e) >= 64)
			break;
		if (o->n + 3 > sizeof(o->bytes))
			out_flush(d, o);
		unsigned long v = (unsigned long)a << 18 | b << 12 | c << 6 | e;
		char *out = o->bytes + o->n;
		out[0] = (char)(v >> 16);
		out[1] = (char)(v >> 8);
		out[2] = (char)v;
		o->n += 3;
	}
	return i;
}

/* One character, whatever it is: the slow path keeps every rule. */
static void b64_char(struct mime_decoder *d, struct b64_out *o, unsigned char c)
{
	unsigned v = b64_table[c];
	if (v == B64_SKIP)
		return;
	if (d->ended) { /* after the padding: Python and most readers stop here too */
		d->garbage++;
		return;
	}
	if (v == B64_PAD) {
		if (d->quad < 2) {
			d->garbage++;
			return;
		}
		if (d->quad + ++d->pads >= 4) {
			b64_group(d, o);
			d->ended = true;
		}
		return;
	}
	if (v == B64_BAD) {
		d->garbage++;
		return;
	}
	d->acc = (d->acc << 6) | v;
	if (++d->quad == 4)
		b64_group(d, o);
}

static void b64_feed(struct mime_decoder *d, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	struct b64_out o = {.n = 0};
	for (size_t i = 0; i < n;) {
		if (!d->quad && !d->ended) {
			i += b64_groups(d, &o, s + i, n - i);
			if (i == n)
				break;
		}
		b64_char(d, &o, s[i++]);
	}
	out_flush(d, &o);
}

enum { QP_TEXT, QP_EQUALS, QP_HEX, QP_SOFT };

static void qp_out_ws(struct mime_decoder *d)
{
	if (d->ws_len)
		d->sink(d->ctx, d->ws, d->ws_len);
	d->ws_len = 0;
}

static void qp_feed(struct mime_decoder *d, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		switch (d->qp_state) {
		case QP_TEXT: break;
		case QP_EQUALS:
			if (hex_value(c) >= 0) {
				d->qp_hex = c;
				d->qp_state = QP_HEX;
				continue;
			}
			if (c == ' ' || c == '\t' ||
			    c == '\r') { /* "=" then spaces: a soft break */
				d->qp_state = QP_SOFT;
				continue;
			}
			if (c == '\n') {
				d->qp_state = QP_TEXT;
				continue;
			}
			d->bad_escapes++; /* kept as it was, as RFC 2045 suggests */
			d->sink(d->ctx, "=", 1);
			d->qp_state = QP_TEXT;
			break;
		case QP_HEX:
			if (hex_value(c) >= 0) {
				char b = (char)(hex_value(d->qp_hex) * 16 + hex_value(c));
				d->sink(d->ctx, &b, 1);
				d->qp_state = QP_TEXT;
				continue;
			}
			d->bad_escapes++;
			d->sink(d->ctx, "=", 1);
			d->sink(d->ctx, &d->qp_hex, 1);
			d->qp_state = QP_TEXT;
			break;
		case QP_SOFT:
			if (c == '\n')
				d->qp_state = QP_TEXT;
			else if (c != ' ' && c != '\t' && c != '\r') {
				d->bad_escapes++; /* "= x": not a soft break after all */
				d->sink(d->ctx, "=", 1);
				d->qp_state = QP_TEXT;
				break;
			}
			continue;
		}
		/* QP_TEXT */
		if (c == '=') {
			qp_out_ws(d);
			d->qp_state = QP_EQUALS;
		} else if (c == ' ' || c == '\t') {
			if (d->ws_len == sizeof(d->ws))
				qp_out_ws(d);
			d->ws[d->ws_len++] = c;
		} else if (c == '\r') {
			/* dropped: "\r\n" is a line break, written "\n" */
		} else if (c == '\n') {
			d->ws_len = 0; /* rule 3: trailing whitespace is not text */
			d->sink(d->ctx, "\n", 1);
		} else {
			qp_out_ws(d);
			d->sink(d->ctx, &c, 1);
		}
	}
}

void mime_decoder_feed(struct mime_decoder *d, const char *p, size_t n)
{
	switch (d->cte) {
	case MIME_CTE_IDENTITY: d->sink(d->ctx, p, n); return;
	case MIME_CTE_BASE64: b64_feed(d, p, n); return;
	case MIME_CTE_QP: qp_feed(d, p, n); return;
	}
}

void mime_decoder_finish(struct mime_decoder *d)
{
	switch (d->cte) {
	case MIME_CTE_IDENTITY: return;
	case MIME_CTE_BASE64:
		if (d->quad) {
			struct b64_out o = {.n = 0};
			b64_group(d, &o);
			out_flush(d, &o);
		}
		return;
	case MIME_CTE_QP:
		if (d->qp_state == QP_EQUALS || d->qp_state == QP_HEX) {
			d->bad_escapes++;
			d->sink(d->ctx, "=", 1);
			if (d->qp_state == QP_HEX)
				d->sink(d->ctx, &d->qp_hex, 1);
		}
		d->qp_state = QP_TEXT;
		d->ws_len = 0;
		return;
	}
}

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

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decoded bytes gathered here and given to the sink once per feed. */
struct b64_out {
	char bytes[768];
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

static void b64_feed(struct mime_decoder *d, const char *p, size_t n)
{
	struct b64_out o = {.n = 0};
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		int v = b64_value(c);
		if (d->ended) { /* after the padding: Python and most readers stop here too */
			d->garbage++;
			continue;
		}
		if (c == '=') {
			if (d->quad < 2) {
				d->garbage++;
				continue;
			}
			if (d->quad + ++d->pads >= 4) {
				b64_group(d, &o);
				d->ended = true;
			}
			continue;
		}
		if (v < 0) {
			d->garbage++;
			continue;
		}
		d->acc = (d->acc << 6) | (unsigned long)v;
		if (++d->quad == 4)
			b64_group(d, &o);
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

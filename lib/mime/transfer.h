/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Streaming Content-Transfer-Encoding decoders (RFC 2045 sections 6.7
 * and 6.8): fed the body in chunks of any size, they write the decoded
 * bytes to a sink and keep a few bytes of state, whatever the input. */
#ifndef SMTPSH_MIME_TRANSFER_H
#define SMTPSH_MIME_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*mime_sink)(void *ctx, const char *p, size_t n);

enum mime_cte { MIME_CTE_IDENTITY, MIME_CTE_BASE64, MIME_CTE_QP };

struct mime_decoder {
	enum mime_cte cte;
	mime_sink sink;
	void *ctx;
	/* base64: bits not yet a whole byte; '=' seen ends the data */
	unsigned long acc;
	unsigned quad; /* characters of the current group of four */
	unsigned pads;
	bool ended;
	/* quoted-printable: after '=', the hex digit(s) read so far; the
	 * spaces and tabs not yet known to end a line (RFC 2045 rule 3) */
	unsigned qp_state;
	char qp_hex;
	char ws[64];
	size_t ws_len;
	/* what was wrong */
	unsigned long long garbage; /* base64: characters outside the alphabet or after the end */
	unsigned long long bad_escapes; /* quoted-printable: '=' not followed by two hex digits */
	bool truncated;                 /* base64: the last group incomplete */
};

/* Identity passes the bytes on as they are; quoted-printable reads
 * "\r\n" or "\n" as a line break and writes "\n"; base64 skips both. */
void mime_decoder_init(struct mime_decoder *d, enum mime_cte cte, mime_sink sink, void *ctx);
void mime_decoder_feed(struct mime_decoder *d, const char *p, size_t n);
/* The end of the body: the bytes still held are written. */
void mime_decoder_finish(struct mime_decoder *d);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What message headers mean (RFC 5322, MIME and the headers servers add
 * on the way): const tables and lookups, for `explain` and for the DATA
 * mode checker's "did you mean".  No I/O.  The tables are exported so
 * that tests can walk them (no duplicate keys, every entry names its
 * RFC). */
#ifndef SMTPSH_HEADERS_H
#define SMTPSH_HEADERS_H

#include <stddef.h>

/* Who writes a header, as bits: one header may come from several hands
 * (Received from every hop). */
enum header_writer {
	HEADER_BY_AUTHOR = 1 << 0,     /* the author's mail client */
	HEADER_BY_SUBMISSION = 1 << 1, /* the submission server (port 587/465) */
	HEADER_BY_RELAY = 1 << 2,      /* each relay on the way */
	HEADER_BY_DELIVERY = 1 << 3,   /* the server that delivers to the mailbox */
	HEADER_BY_LIST = 1 << 4,       /* a mailing list that resends it */
};
#define HEADER_WRITERS_ALL 0x1fu

/* The longest header name the lookups compare; longer ones match none. */
#define HEADER_NAME_MAX 64

struct header_info {
	const char *name;  /* canonical spelling, e.g. "Message-ID" */
	unsigned writers;  /* enum header_writer bits, at least one */
	const char *rfc;   /* "RFC 5322 3.6.1", never NULL */
	const char *what;  /* what it is */
	const char *check; /* the one thing a student should check */
};
extern const struct header_info header_infos[];
extern const size_t header_infos_len;

/* A value of Content-Type, Content-Transfer-Encoding or
 * Content-Disposition: "multipart/related", "quoted-printable"... */
struct header_value_info {
	const char *header; /* the header it is a value of */
	const char *value;  /* lower case */
	const char *rfc;
	const char *what;
};
extern const struct header_value_info header_values[];
extern const size_t header_values_len;

/* The header named name[0..len) (case-insensitive), or NULL. */
const struct header_info *header_find(const char *name, size_t len);
/* The value value[0..len) (case-insensitive), or NULL. */
const struct header_value_info *header_value_find(const char *value, size_t len);
/* The known header a mistyped name most likely meant ("Data" -> Date):
 * within one edit (a letter changed, added, dropped or two swapped) of a
 * name up to 5 letters long, two of a longer one.  NULL when name is
 * itself known, or nothing is that close. */
const struct header_info *header_nearest(const char *name, size_t len);

#endif

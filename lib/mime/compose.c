/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mime/compose.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/rand.h>

#include "err.h"

#define TRY(x)                                                                                     \
	do {                                                                                       \
		if (!(x))                                                                          \
			goto full;                                                                 \
	} while (0)

/* The longest line a text part sends as it is (7bit); RFC 2045 wants
 * short lines, and 76 is what the encoders write. */
#define TEXT_7BIT_LINE_MAX 76

void compose_init(struct compose *c)
{
	memset(c, 0, sizeof(*c));
}

static bool header_named(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n > k && line[k] == ':' && !strncasecmp(line, name, k);
}

void compose_observe(struct compose *c, const char *line, size_t n)
{
	if (c->in_body)
		return;
	if (n == 0) {
		c->in_body = true;
	} else if (header_named(line, n, "MIME-Version")) {
		c->mime_version_sent = true;
	} else if (header_named(line, n, "Content-Type")) {
		c->top_typed = true; /* typed by hand: the helpers do not give it another */
	}
}

const char *compose_multipart_name(enum compose_multipart kind)
{
	switch (kind) {
	case COMPOSE_MIXED: return "mixed";
	case COMPOSE_ALTERNATIVE: return "alternative";
	case COMPOSE_RELATED: return "related";
	}
	return "mixed";
}

const char *compose_cte_name(enum compose_cte cte)
{
	switch (cte) {
	case COMPOSE_7BIT: return "7bit";
	case COMPOSE_QP: return "quoted-printable";
	case COMPOSE_BASE64: return "base64";
	}
	return "7bit";
}

static void done_reset(struct compose_done *done)
{
	memset(done, 0, sizeof(*done));
}

/* Counts the lines a helper added to out since from. */
static size_t count_lines(const struct buf *out, size_t from)
{
	size_t n = 0;
	for (size_t i = from; i < out->len; i++)
		n += out->data[i] == '\n';
	return n;
}

static enum smtpsh_err fail_full(struct buf *out, size_t mark, struct smtpsh_msg *msg)
{
	out->len = mark;
	if (out->data)
		out->data[mark] = '\0';
	return smtpsh_fail(msg, SMTPSH_ENOMEM, "the lines do not fit in memory");
}

/* ---- headers ------------------------------------------------------------- */

static bool is_address_header(const char *name)
{
	static const char *const names[] = {"From", "To", "Cc", "Bcc", "Reply-To", "Sender"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i]))
			return true;
	return false;
}

static bool is_wsp(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The non-ASCII span of p[0..n) widened to whole words: [*from, *to). */
static void non_ascii_span(const char *p, size_t n, size_t *from, size_t *to)
{
	size_t first = n, last = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] > 127) {
			if (first == n)
				first = i;
			last = i + 1;
		}
	if (first == n) { /* all ASCII: nothing to encode */
		*from = *to = 0;
		return;
	}
	while (first > 0 && !is_wsp(p[first - 1]))
		first--;
	while (last < n && !is_wsp(p[last]))
		last++;
	*from = first;
	*to = last;
}

/* Appends p[0..n) with its non-ASCII words as encoded words; a quoted
 * display name loses its quotes (an encoded word may not stand in a
 * quoted string, RFC 2047 section 5). */
static enum smtpsh_err encode_phrase(struct buf *v, const char *p, size_t n, size_t first_max,
                                     struct compose_done *done)
{
	size_t from, to;
	non_ascii_span(p, n, &from, &to);
	if (from >= to)
		return buf_append(v, p, n) ? SMTPSH_OK : SMTPSH_ENOMEM;
	if (from > 0 && to < n && p[from - 1] == '"' && p[to] == '"')
		from--, to++;
	const char *s = p + from;
	size_t k = to - from;
	if (k >= 2 && s[0] == '"' && s[k - 1] == '"')
		s++, k -= 2;
	if (!buf_append(v, p, from))
		return SMTPSH_ENOMEM;
	size_t room = first_max > v->len ? first_max - v->len : 0;
	enum smtpsh_err e = mime_encode_words(v, s, k, room, &done->word);
	if (e != SMTPSH_OK)
		return e;
	done->word_encoded = true;
	return buf_append(v, p + to, n - to) ? SMTPSH_OK : SMTPSH_ENOMEM;
}

/* An address list: each item's display name encoded, the addresses kept
 * (an address is no place for an encoded word). */
static enum smtpsh_err encode_addresses(struct buf *v, const char *p, size_t n, size_t first_max,
                                        struct compose_done *done, struct smtpsh_msg *msg)
{
	size_t start = 0;
	bool quoted = false, angle = false;
	for (size_t i = 0; i <= n; i++) {
		char ch = i < n ? p[i] : ',';
		if (ch == '"' && !angle)
			quoted = !quoted;
		else if (ch == '<' && !quoted)
			angle = true;
		else if (ch == '>' && !quoted)
			angle = false;
		if (ch != ',' || quoted || angle)
			continue;
		const char *item = p + start;
		size_t len = i - start;
		const char *lt = memchr(item, '<', len);
		size_t name_len = lt ? (size_t)(lt - item) : len;
		if (!mime_is_ascii(item + name_len, len - name_len) ||
		    (!lt && !mime_is_ascii(item, len)))
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "an address itself must be ASCII (only a display name "
			                   "before <address> can be encoded)");
		enum smtpsh_err e =
		    encode_phrase(v, item, name_len, start == 0 ? first_max : 0, done);
		if (e != SMTPSH_OK)
			return smtpsh_fail(msg, e, "the value is not UTF-8");
		if (!buf_append(v, item + name_len, len - name_len) ||
		    (i < n && !buf_append_char(v, ',')))
			return smtpsh_fail(msg, SMTPSH_ENOMEM, "the value does not fit in memory");
		start = i + 1;
	}
	return SMTPSH_OK;
}

static bool valid_header_name(const char *name)
{
	if (!*name)
		return false;
	for (const char *q = name; *q; q++)
		if (*q < 33 || *q > 126 || *q == ':')
			return false;
	return true;
}

enum smtpsh_err compose_header(struct compose *c, const char *name, const char *value,
                               struct buf *out, struct compose_done *done, struct smtpsh_msg *msg)
{
	done_reset(done);
	if (c->in_body)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "the header block is over (a blank line was sent): a header now "
		                   "would be body text");
	if (!valid_header_name(name))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "a header name is printable ASCII without ':' or spaces");
	size_t n = strlen(value);
	if (strpbrk(value, "\r\n"))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "a header value is one line");
	struct buf v;
	buf_init(&v, 64 * 1024);
	/* the first encoded word shares its line with "Name: " */
	size_t first_max = MIME_ENCODED_LINE_MAX - (strlen(name) + 2);
	enum smtpsh_err e = SMTPSH_OK;
	if (mime_is_ascii(value, n))
		e = buf_append(&v, value, n) ? SMTPSH_OK : SMTPSH_ENOMEM;
	else if (is_address_header(name))
		e = encode_addresses(&v, value, n, first_max, done, msg);
	else if ((e = encode_phrase(&v, value, n, first_max, done)) != SMTPSH_OK)
		smtpsh_fail(msg, e, "the value is not UTF-8");
	size_t mark = out->len;
	if (e == SMTPSH_OK && mime_fold_header(out, name, v.data ? v.data : "", v.len) != SMTPSH_OK)
		e = fail_full(out, mark, msg);
	buf_free(&v);
	done->lines = count_lines(out, mark);
	return e;
}

enum smtpsh_err compose_date(struct compose *c, time_t now, struct buf *out,
                             struct compose_done *done, struct smtpsh_msg *msg)
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	done_reset(done);
	if (c->in_body)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "the header block is over (a blank line was sent): Date now "
		                   "would be body text");
	struct tm tm;
	if (!localtime_r(&now, &tm))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "the clock gives no local time");
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	size_t mark = out->len;
	/* RFC 5322 3.3, in English whatever the locale */
	if (!buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\n",
	                days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	                tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60, off % 60))
		return fail_full(out, mark, msg);
	done->lines = 1;
	return SMTPSH_OK;
}

static bool random_hex(char *out, size_t bytes)
{
	unsigned char r[32];
	if (bytes > sizeof(r) || RAND_bytes(r, (int)bytes) != 1)
		return false;
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
	return true;
}

enum smtpsh_err compose_msgid(struct compose *c, const char *host, struct buf *out,
                              struct compose_done *done, struct smtpsh_msg *msg)
{
	done_reset(done);
	if (c->in_body)
		return smtpsh_fail(
		    msg, SMTPSH_ESTATE,
		    "the header block is over (a blank line was sent): Message-ID now "
		    "would be body text");
	if (!*host ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
	        strlen(host))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "a Message-ID needs a host name after '@'");
	char id[2 * 16 + 1];
	if (!random_hex(id, 16))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "no random bytes for the Message-ID");
	size_t mark = out->len;
	if (!buf_printf(out, "Message-ID: <%s@%s>\n", id, host))
		return fail_full(out, mark, msg);
	done->lines = 1;
	return SMTPSH_OK;
}

/* ---- parts --------------------------------------------------------------- */

/* "=_" cannot occur in base64 or quoted-printable text, so no encoded line
 * can look like the boundary (RFC 2045 6.7 note). */
static bool fresh_boundary(char out[COMPOSE_BOUNDARY_SIZE])
{
	char hex[2 * 12 + 1];
	if (!random_hex(hex, 12))
		return false;
	snprintf(out, COMPOSE_BOUNDARY_SIZE, "=_smtpsh_%s", hex);
	return true;
}

/* Where a part can go; the top level takes one when the header block is
 * still open and holds no Content-Type. */
static enum smtpsh_err part_place(const struct compose *c, const char *what, struct smtpsh_msg *msg)
{
	if (c->closed)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "the message's top multipart was closed with /end: only the "
		                   "final '.' is left to send");
	if (c->depth > 0)
		return SMTPSH_OK;
	if (c->top_typed)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "the message already has its Content-Type and is not multipart: "
		                   "%s needs /multipart before the blank line",
		                   what);
	if (c->in_body)
		return smtpsh_fail(
		    msg, SMTPSH_ESTATE,
		    "the header block is over (a blank line was sent): %s at the top "
		    "writes Content-Type, a header, so it goes before the blank line",
		    what);
	return SMTPSH_OK;
}

/* The lines that open a part: the boundary when nested, MIME-Version at
 * the top. */
static bool part_open(struct compose *c, struct buf *out)
{
	if (c->depth > 0)
		return buf_printf(out, "--%s\n", c->boundary[c->depth - 1]);
	if (!c->mime_version_sent) {
		c->mime_version_sent = true;
		return buf_append_str(out, "MIME-Version: 1.0\n");
	}
	return true;
}

/* After a part's headers: the blank line; at the top it ends the header
 * block. */
static bool part_headers_end(struct compose *c, struct compose_done *done, struct buf *out)
{
	if (c->depth == 0) {
		c->top_typed = true;
		c->in_body = true;
		done->wrote_headers = true;
	}
	return buf_append_char(out, '\n');
}

enum smtpsh_err compose_multipart(struct compose *c, enum compose_multipart kind, struct buf *out,
                                  struct compose_done *done, struct smtpsh_msg *msg)
{
	done_reset(done);
	enum smtpsh_err e = part_place(c, "/multipart", msg);
	if (e != SMTPSH_OK)
		return e;
	if (c->depth == COMPOSE_DEPTH_MAX)
		return smtpsh_fail(msg, SMTPSH_ESTATE, "multiparts nest at most %d deep here",
		                   COMPOSE_DEPTH_MAX);
	char boundary[COMPOSE_BOUNDARY_SIZE];
	if (!fresh_boundary(boundary))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "no random bytes for a boundary");
	size_t mark = out->len;
	bool top = c->depth == 0;
	TRY(part_open(c, out));
	TRY(buf_printf(out, "Content-Type: multipart/%s;\n boundary=\"%s\"\n",
	               compose_multipart_name(kind), boundary));
	TRY(part_headers_end(c, done, out));
	if (top) /* read only by mailers that know no MIME */
		TRY(buf_append_str(out, "This is a multi-part message in MIME format.\n"));
	c->kind[c->depth] = kind;
	memcpy(c->boundary[c->depth], boundary, sizeof(boundary));
	c->depth++;
	snprintf(done->type, sizeof(done->type), "multipart/%s", compose_multipart_name(kind));
	memcpy(done->boundary, boundary, sizeof(boundary));
	done->depth = c->depth;
	done->lines = count_lines(out, mark);
	return SMTPSH_OK;
full:
	return fail_full(out, mark, msg);
}

enum smtpsh_err compose_end(struct compose *c, struct buf *out, struct compose_done *done,
                            struct smtpsh_msg *msg)
{
	done_reset(done);
	if (c->depth == 0)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "no multipart is open: /multipart opens one");
	size_t mark = out->len;
	TRY(buf_printf(out, "--%s--\n", c->boundary[c->depth - 1]));
	c->depth--;
	snprintf(done->type, sizeof(done->type), "multipart/%s",
	         compose_multipart_name(c->kind[c->depth]));
	memcpy(done->boundary, c->boundary[c->depth], sizeof(done->boundary));
	done->depth = c->depth;
	c->closed = c->depth == 0;
	done->lines = 1;
	return SMTPSH_OK;
full:
	return fail_full(out, mark, msg);
}

/* 7bit when ASCII with short lines and no control but TAB; otherwise
 * the shorter of quoted-printable and base64, which makes mostly-ASCII
 * text quoted-printable (readable) and Chinese text base64. */
static enum compose_cte text_cte(const char *p, size_t n)
{
	size_t line = 0, qp = 0;
	bool plain = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\n') {
			line = 0;
			qp++;
			continue;
		}
		bool ok = (ch >= 32 && ch < 127) || ch == '\t' ||
		          (ch == '\r' && i + 1 < n && p[i + 1] == '\n');
		if (!ok || ++line > TEXT_7BIT_LINE_MAX)
			plain = false;
		qp += (ch >= 33 && ch <= 126 && ch != '=') || ch == ' ' ? 1 : 3;
	}
	if (plain)
		return COMPOSE_7BIT;
	return qp <= (n + 2) / 3 * 4 ? COMPOSE_QP : COMPOSE_BASE64;
}

static bool append_7bit(struct buf *out, const char *p, size_t n)
{
	size_t start = 0;
	while (start < n) {
		const char *nl = memchr(p + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - p) : n;
		size_t len = end - start;
		if (len && p[start + len - 1] == '\r')
			len--;
		if (!buf_append(out, p + start, len) || !buf_append_char(out, '\n'))
			return false;
		start = end + 1;
	}
	return true;
}

/* Text is base64'd in its canonical form: CRLF line breaks (RFC 2045
 * 6.8), the last line ended too. */
static enum smtpsh_err append_text_base64(struct buf *out, const char *p, size_t n)
{
	struct buf crlf;
	buf_init(&crlf, 0);
	enum smtpsh_err e = SMTPSH_OK;
	for (size_t i = 0; i < n && e == SMTPSH_OK; i++) {
		bool lf = p[i] == '\n' && (i == 0 || p[i - 1] != '\r');
		if ((lf && !buf_append_char(&crlf, '\r')) || !buf_append_char(&crlf, p[i]))
			e = SMTPSH_ENOMEM;
	}
	/* its last line ends as in 7bit and quoted-printable */
	if (e == SMTPSH_OK && n && p[n - 1] != '\n' && !buf_append(&crlf, "\r\n", 2))
		e = SMTPSH_ENOMEM;
	if (e == SMTPSH_OK)
		e = mime_encode_base64(out, crlf.data ? crlf.data : "", crlf.len);
	buf_free(&crlf);
	return e;
}

enum smtpsh_err compose_text(struct compose *c, const char *subtype, const char *text, size_t n,
                             struct buf *out, struct compose_done *done, struct smtpsh_msg *msg)
{
	done_reset(done);
	if (strcmp(subtype, "plain") && strcmp(subtype, "html"))
		return smtpsh_fail(msg, SMTPSH_EINVAL, "a text part is plain or html");
	enum smtpsh_err e = part_place(c, "/text", msg);
	if (e != SMTPSH_OK)
		return e;
	struct buf check;
	buf_init(&check, 1);
	bool utf8 = mime_encode_words(&check, text, n, 0, NULL) != SMTPSH_EINVAL;
	buf_free(&check);
	if (!utf8)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "the text is not UTF-8");
	done->cte = text_cte(text, n);
	size_t mark = out->len;
	TRY(part_open(c, out));
	TRY(buf_printf(out, "Content-Type: text/%s; charset=\"UTF-8\"\n", subtype));
	TRY(buf_printf(out, "Content-Transfer-Encoding: %s\n", compose_cte_name(done->cte)));
	TRY(part_headers_end(c, done, out));
	switch (done->cte) {
	case COMPOSE_7BIT: TRY(append_7bit(out, text, n)); break;
	case COMPOSE_QP: TRY(mime_encode_qp(out, text, n) == SMTPSH_OK); break;
	case COMPOSE_BASE64: TRY(append_text_base64(out, text, n) == SMTPSH_OK); break;
	}
	snprintf(done->type, sizeof(done->type), "text/%s", subtype);
	done->depth = c->depth;
	done->lines = count_lines(out, mark);
	return SMTPSH_OK;
full:
	return fail_full(out, mark, msg);
}

static bool valid_type(const char *type)
{
	const char *slash = strchr(type, '/');
	if (!slash || slash == type || !slash[1] || strchr(slash + 1, '/'))
		return false;
	for (const char *q = type; *q; q++)
		if (*q <= ' ' || *q >= 127 || strchr("()<>@,;:\\\"[]?=", *q))
			return false;
	return true;
}

enum smtpsh_err compose_attach(struct compose *c, const char *filename, const char *type,
                               const char *cid, const void *data, size_t n, struct buf *out,
                               struct compose_done *done, struct smtpsh_msg *msg)
{
	done_reset(done);
	const char *what = cid ? "/inline" : "/attach";
	if (c->closed || c->depth == 0) {
		enum smtpsh_err e = part_place(c, what, msg);
		if (e != SMTPSH_OK)
			return e;
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "%s makes a part of a multipart: /multipart mixed (or related) "
		                   "first, before the blank line",
		                   what);
	}
	if (!*filename || strchr(filename, '/'))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "a file name here is a base name, without '/'");
	if (!type)
		type = compose_guess_type(filename, data, n);
	if (!valid_type(type))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "'%.60s' is not a content type (type/subtype)", type);
	if (cid && (!*cid || strpbrk(cid, "<> \t\"") || !mime_is_ascii(cid, strlen(cid))))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "a Content-ID is ASCII without spaces or <>, like img1@example");
	size_t mark = out->len;
	bool extended = false;
	TRY(part_open(c, out));
	TRY(buf_printf(out, "Content-Type: %s;\n ", type));
	enum smtpsh_err e = mime_encode_param(out, "name", filename, &extended);
	if (e == SMTPSH_EINVAL) {
		out->len = mark;
		out->data[mark] = '\0';
		return smtpsh_fail(msg, e,
		                   "the file name is not UTF-8 or holds a control character");
	}
	TRY(e == SMTPSH_OK);
	TRY(buf_printf(out, "\nContent-Transfer-Encoding: base64\nContent-Disposition: %s;\n ",
	               cid ? "inline" : "attachment"));
	TRY(mime_encode_param(out, "filename", filename, NULL) == SMTPSH_OK);
	TRY(buf_append_char(out, '\n'));
	if (cid)
		TRY(buf_printf(out, "Content-ID: <%s>\n", cid));
	TRY(part_headers_end(c, done, out));
	TRY(mime_encode_base64(out, data, n) == SMTPSH_OK);
	done->cte = COMPOSE_BASE64;
	done->filename_rfc2231 = extended;
	snprintf(done->type, sizeof(done->type), "%s", type);
	done->depth = c->depth;
	done->lines = count_lines(out, mark);
	return SMTPSH_OK;
full:
	return fail_full(out, mark, msg);
}

/* ---- type guessing ------------------------------------------------------- */

static const struct {
	const char *magic;
	size_t len;
	const char *type;
} magics[] = {
    {"\x89PNG\r\n\x1a\n", 8, "image/png"},
    {"\xff\xd8\xff", 3, "image/jpeg"},
    {"GIF87a", 6, "image/gif"},
    {"GIF89a", 6, "image/gif"},
    {"%PDF-", 5, "application/pdf"},
    {"PK\x03\x04", 4, "application/zip"},
};

static const struct {
	const char *ext;
	const char *type;
	bool zip; /* a ZIP container: its name says more than its magic */
} extensions[] = {
    {"txt", "text/plain", false},
    {"text", "text/plain", false},
    {"html", "text/html", false},
    {"htm", "text/html", false},
    {"csv", "text/csv", false},
    {"md", "text/markdown", false},
    {"ics", "text/calendar", false},
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"gif", "image/gif", false},
    {"webp", "image/webp", false},
    {"svg", "image/svg+xml", false},
    {"pdf", "application/pdf", false},
    {"zip", "application/zip", true},
    {"gz", "application/gzip", false},
    {"tar", "application/x-tar", false},
    {"json", "application/json", false},
    {"xml", "application/xml", false},
    {"doc", "application/msword", false},
    {"xls", "application/vnd.ms-excel", false},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", true},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", true},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", true},
    {"mp3", "audio/mpeg", false},
    {"mp4", "video/mp4", false},
};

const char *compose_guess_type(const char *filename, const void *data, size_t n)
{
	const char *dot = strrchr(filename, '.');
	int by_name = -1;
	for (size_t i = 0; dot && i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (!strcasecmp(dot + 1, extensions[i].ext))
			by_name = (int)i;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		if (n < magics[i].len || memcmp(data, magics[i].magic, magics[i].len))
			continue;
		bool zip = !strcmp(magics[i].type, "application/zip");
		if (zip && by_name >= 0 && extensions[by_name].zip)
			return extensions[by_name].type;
		return magics[i].type;
	}
	return by_name >= 0 ? extensions[by_name].type : "application/octet-stream";
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh mime FILE|- [--json]`: a message file read through the MIME
 * tree reader (lib/mime/tree.c) and shown: the headers that had encoded
 * words, decoded; the tree, one indented line per part; the problems.
 * --json gives the same tree to scripts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "i18n.h"
#include "mime/tree.h"
#include "mime_view.h"
#include "shell.h"
#include "utf8.h"

static void put_stdout_line(void *ctx, const char *line)
{
	FILE *out = ctx;
	fputs(line, out);
	fputc('\n', out);
}

/* The text view: the same printer (mime_view.c) as the notes after a RETR. */
static void print_text(FILE *out, const struct mime_tree *t, const struct mime_excerpts *x)
{
	const struct mime_view v = {.put = put_stdout_line, .ctx = out};
	if (mime_view_headers(&v, t, 0, t->n_parts))
		fputc('\n', out);
	mime_view_tree(&v, t);
	if (x->n) {
		fputc('\n', out);
		mime_view_texts(&v, x);
	}
	if (t->problems_seen)
		fputc('\n', out);
	mime_view_problems(&v, t);
}

/* A JSON string: UTF-8 kept, control characters \u00XX, bytes that are
 * not UTF-8 U+FFFD (JSON text is UTF-8). */
void put_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	fputc('"', out);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_seq(p + i, n - i, &cp);
		if (!len) {
			fputs("\\ufffd", out);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			fprintf(out, "\\u%04x", cp);
		else
			fwrite(p + i, 1, len, out);
		i += len;
	}
	fputc('"', out);
}

static void put_json_params(FILE *out, const struct mime_params *ps)
{
	fputc('{', out);
	for (size_t i = 0; i < ps->n; i++) {
		if (i)
			fputc(',', out);
		put_json_string(out, ps->p[i].name);
		fputc(':', out);
		put_json_string(out, ps->p[i].value);
	}
	fputc('}', out);
}

/* --json: the SHA-256 of each leaf part's decoded body, computed while it
 * streams by (one context per kept part, created at its first bytes), so
 * a script can compare payloads without smtpsh keeping any. */
struct part_hashes {
	EVP_MD_CTX *ctx[MIME_PARTS_MAX];
	bool failed; /* no memory for a context: no hash is shown */
};

static EVP_MD_CTX *hash_start(struct part_hashes *h, size_t part)
{
	if (!h->ctx[part] && !h->failed) {
		h->ctx[part] = EVP_MD_CTX_new();
		if (!h->ctx[part] || !EVP_DigestInit_ex(h->ctx[part], EVP_sha256(), NULL))
			h->failed = true;
	}
	return h->failed ? NULL : h->ctx[part];
}

static void hash_bytes(void *ctx, size_t part, const char *p, size_t n)
{
	struct part_hashes *h = ctx;
	EVP_MD_CTX *c = hash_start(h, part);
	if (c && !EVP_DigestUpdate(c, p, n))
		h->failed = true;
}

static void hashes_free(struct part_hashes *h)
{
	for (size_t i = 0; i < MIME_PARTS_MAX; i++)
		EVP_MD_CTX_free(h->ctx[i]);
}

/* The part's SHA-256 in hex, or null (a container, or no hash to give). */
static void put_json_sha256(FILE *out, struct part_hashes *h, size_t part)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_MD_CTX *c = hash_start(h, part); /* a part with no bytes: the empty hash */
	if (!c || !EVP_DigestFinal_ex(c, md, &len)) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (unsigned k = 0; k < len; k++)
		fprintf(out, "%02x", md[k]);
	fputc('"', out);
}

static void put_json_part(FILE *out, const struct mime_tree *t, struct part_hashes *h, size_t i)
{
	const struct mime_part *p = &t->parts[i];
	fputs("{\"type\":", out);
	put_json_string(out, p->type.value);
	fputs(",\"params\":", out);
	put_json_params(out, &p->type);
	fputs(",\"disposition\":", out);
	put_json_string(out, p->disposition.value);
	fputs(",\"disposition_params\":", out);
	put_json_params(out, &p->disposition);
	fputs(",\"transfer_encoding\":", out);
	put_json_string(out, p->cte);
	fputs(",\"content_id\":", out);
	put_json_string(out, p->content_id);
	fputs(",\"headers\":[", out);
	size_t pos = 0;
	const char *name, *value;
	bool had, first = true;
	while (mime_header_next(p, &pos, &name, &value, &had)) {
		fputs(first ? "[" : ",[", out);
		first = false;
		put_json_string(out, name);
		fputc(',', out);
		put_json_string(out, value);
		fputc(']', out);
	}
	fputs("]", out);
	if (p->container)
		fputs(",\"size\":null,\"sha256\":null", out);
	else {
		fprintf(out, ",\"size\":%llu,\"sha256\":", p->size);
		if (p->size && !h->ctx[i]) /* a multipart never divided: its text was not seen */
			fputs("null", out);
		else
			put_json_sha256(out, h, i);
	}
	fputs(",\"children\":[", out);
	first = true;
	for (size_t c = i + 1; c < t->n_parts; c++)
		if (t->parts[c].parent == (int)i) {
			if (!first)
				fputc(',', out);
			first = false;
			put_json_part(out, t, h, c);
		}
	fputs("]}", out);
}

static void print_json(FILE *out, const struct mime_tree *t, struct part_hashes *h)
{
	fputs("{\"message\":", out);
	if (t->n_parts)
		put_json_part(out, t, h, 0);
	else
		fputs("null", out);
	fprintf(out, ",\"parts_seen\":%llu,\"problems\":[", t->parts_seen);
	for (size_t i = 0; i < t->n_problems; i++) {
		const struct mime_problem *pr = &t->problems[i];
		fprintf(out, "%s{\"part\":%u,\"line\":%lu,\"what\":", i ? "," : "", pr->part,
		        pr->line);
		put_json_string(out, mime_problem_words(pr->kind));
		fputs(",\"detail\":", out);
		put_json_string(out, pr->detail);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

int mime_cmd_run(const char *path, bool json)
{
	bool from_stdin = !strcmp(path, "-");
	FILE *in = from_stdin ? stdin : fopen(path, "rb");
	if (!in) {
		fprintf(stderr, _("smtpsh mime: cannot read %s: %s\n"), path, strerror(errno));
		return 2;
	}
	static struct mime_tree t; /* 40 KB of problems and stack: off the stack */
	static struct mime_excerpts x;
	static struct part_hashes hashes;
	mime_tree_init(&t);
	mime_excerpts_init(&x, &t);
	if (json) /* only then: hashing would slow the plain path */
		mime_tree_observe(&t, hash_bytes, &hashes);
	else
		mime_tree_observe(&t, mime_excerpts_sink, &x);
	char chunk[64 * 1024];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		mime_tree_feed(&t, chunk, n);
	bool failed = ferror(in);
	int err = errno;
	if (!from_stdin)
		fclose(in);
	if (failed) {
		fprintf(stderr, _("smtpsh mime: cannot read %s: %s\n"), path, strerror(err));
		mime_tree_free(&t);
		hashes_free(&hashes);
		return 2;
	}
	mime_tree_finish(&t);
	if (json)
		print_json(stdout, &t, &hashes);
	else
		print_text(stdout, &t, &x);
	mime_tree_free(&t);
	hashes_free(&hashes);
	return 0;
}

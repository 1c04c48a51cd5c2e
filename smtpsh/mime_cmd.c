/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh mime FILE|- [--json]`: a message file read through the MIME
 * tree reader (lib/mime/tree.c) and shown: the headers that had encoded
 * words, decoded; the tree, one indented line per part; the problems.
 * --json gives the same tree to scripts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "mime/tree.h"
#include "shell.h"
#include "text.h"
#include "utf8.h"

/* What each multipart kind means, for someone reading the tree. */
static const struct {
	const char *type, *words;
} kinds[] = {
    {"multipart/mixed", "mixed: the body and its attachments, one after the other"},
    {"multipart/alternative", "alternative: the same content in several forms, the last preferred"},
    {"multipart/related", "related: an HTML body and the images it references by cid:"},
    {"multipart/signed", "signed: the content, then its signature"},
    {"multipart/encrypted", "encrypted: control information, then the encrypted content"},
    {"multipart/digest", "digest: a collection of messages"},
    {"multipart/report", "report: a delivery or read report for a message"},
    {"message/rfc822", "a whole message inside this one"},
};

static const char *kind_words(const char *type)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].type, type))
			return kinds[i].words;
	return NULL;
}

/* Untrusted text shown safely (lib/text.c), up to a screenful. */
static void put_safe(FILE *out, const char *s)
{
	char safe[TEXT_SAFE_SIZE(1024)];
	size_t n = strlen(s);
	fputs(text_safe_str(safe, sizeof(safe), s, n > 1024 ? 1024 : n), out);
	if (n > 1024)
		fprintf(out, "... (%zu more bytes)", n - 1024);
}

static void put_part_line(FILE *out, const struct mime_tree *t, size_t i)
{
	const struct mime_part *p = &t->parts[i];
	fprintf(out, "%*s#%zu ", (int)(2 * p->depth), "", i);
	put_safe(out, p->type.value);
	const char *charset = mime_params_get(&p->type, "charset");
	if (charset) {
		fputs("; charset=", out);
		put_safe(out, charset);
	}
	if (p->cte[0]) {
		fputs(", ", out);
		put_safe(out, p->cte);
	}
	if (p->disposition.value[0]) {
		fputs(", ", out);
		put_safe(out, p->disposition.value);
	}
	const char *file = mime_params_get(&p->disposition, "filename");
	if (!file)
		file = mime_params_get(&p->type, "name");
	if (file) {
		fputs(" \"", out);
		put_safe(out, file);
		fputs("\"", out);
	}
	if (p->content_id[0]) {
		fputs(", Content-ID ", out);
		put_safe(out, p->content_id);
	}
	const char *words = kind_words(p->type.value);
	if (p->container)
		fprintf(out, "  (%s)\n", words ? words : "parts inside");
	else
		fprintf(out, ", %llu bytes decoded\n", p->size);
}

static void print_text(FILE *out, const struct mime_tree *t)
{
	bool any = false;
	for (size_t i = 0; i < t->n_parts; i++) {
		size_t pos = 0;
		const char *name, *value;
		bool had;
		while (mime_header_next(&t->parts[i], &pos, &name, &value, &had)) {
			if (!had)
				continue;
			if (!any)
				fputs("decoded headers (RFC 2047 encoded words):\n", out);
			any = true;
			fprintf(out, "  #%zu ", i);
			put_safe(out, name);
			fputs(": ", out);
			put_safe(out, value);
			fputc('\n', out);
		}
	}
	fputs(any ? "\ntree:\n" : "tree:\n", out);
	for (size_t i = 0; i < t->n_parts; i++)
		put_part_line(out, t, i);
	if (t->parts_seen > t->n_parts)
		fprintf(out, "  ... %llu more parts not kept\n", t->parts_seen - t->n_parts);
	if (!t->problems_seen)
		return;
	fprintf(out, "\nproblems (%llu):\n", t->problems_seen);
	for (size_t i = 0; i < t->n_problems; i++) {
		const struct mime_problem *pr = &t->problems[i];
		fprintf(out, "  #%u, line %lu: %s", pr->part, pr->line,
		        mime_problem_words(pr->kind));
		if (pr->detail[0]) {
			fputs(" (", out);
			put_safe(out, pr->detail);
			fputs(")", out);
		}
		fputc('\n', out);
	}
	if (t->problems_seen > t->n_problems)
		fprintf(out, "  ... %llu more\n", t->problems_seen - t->n_problems);
}

/* A JSON string: UTF-8 kept, control characters \u00XX, bytes that are
 * not UTF-8 U+FFFD (JSON text is UTF-8). */
static void put_json_string(FILE *out, const char *s)
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
		fprintf(stderr, "smtpsh mime: cannot read %s: %s\n", path, strerror(errno));
		return 2;
	}
	static struct mime_tree t; /* 40 KB of problems and stack: off the stack */
	static struct part_hashes hashes;
	mime_tree_init(&t);
	if (json) /* only then: hashing would slow the plain path */
		mime_tree_observe(&t, hash_bytes, &hashes);
	char chunk[64 * 1024];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		mime_tree_feed(&t, chunk, n);
	bool failed = ferror(in);
	int err = errno;
	if (!from_stdin)
		fclose(in);
	if (failed) {
		fprintf(stderr, "smtpsh mime: cannot read %s: %s\n", path, strerror(err));
		mime_tree_free(&t);
		hashes_free(&hashes);
		return 2;
	}
	mime_tree_finish(&t);
	if (json)
		print_json(stdout, &t, &hashes);
	else
		print_text(stdout, &t);
	mime_tree_free(&t);
	hashes_free(&hashes);
	return 0;
}

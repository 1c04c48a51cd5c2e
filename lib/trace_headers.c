/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "trace_headers.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* One Received header, read. */
struct hop {
	char from[TRACE_FIELD], by[TRACE_FIELD], id[TRACE_FIELD], date[TRACE_FIELD];
};

static void keep(char *field, const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n > TRACE_FIELD - 1)
		n = TRACE_FIELD - 1;
	memcpy(field, p, n);
	field[n] = '\0';
}

/* "from A (comment) by B (comment) with X id Q for <r>; date": the
 * words after from, by and id, comments skipped (RFC 5321 4.4). */
static void read_hop(struct hop *h, const char *v)
{
	memset(h, 0, sizeof(*h));
	const char *semi = strrchr(v, ';');
	size_t end = semi ? (size_t)(semi - v) : strlen(v);
	if (semi)
		keep(h->date, semi + 1, strlen(semi + 1));
	char *want = NULL;
	unsigned depth = 0;
	for (size_t i = 0; i < end;) {
		if (v[i] == '(' || (depth && v[i] == ')')) {
			depth += v[i] == '(' ? 1 : (unsigned)-1;
			i++;
			continue;
		}
		if (depth || v[i] == ' ' || v[i] == '\t' || v[i] == ')') {
			i++;
			continue;
		}
		size_t w = i;
		while (w < end && v[w] != ' ' && v[w] != '\t' && v[w] != '(')
			w++;
		if (want) {
			keep(want, v + i, w - i);
			want = NULL;
		} else if (w - i == 4 && !strncasecmp(v + i, "from", 4) && !*h->from) {
			want = h->from;
		} else if (w - i == 2 && !strncasecmp(v + i, "by", 2) && !*h->by) {
			want = h->by;
		} else if (w - i == 2 && !strncasecmp(v + i, "id", 2) && !*h->id) {
			want = h->id;
		}
		i = w;
	}
}

/* Whether a Message-ID names hop h: its queue id inside, or its host
 * right of the '@'. */
static bool id_names_hop(const char *msgid, const struct hop *h)
{
	if (strlen(h->id) >= 4 && strstr(msgid, h->id))
		return true;
	const char *at = strrchr(msgid, '@');
	if (!at || !*h->by)
		return false;
	size_t n = strcspn(at + 1, "> \t");
	return n == strlen(h->by) && !strncasecmp(at + 1, h->by, n);
}

size_t trace_headers_read(const struct mime_part *top, struct trace_note *out, size_t max)
{
	struct hop hops[TRACE_NOTES_MAX];
	size_t pos = 0, nhops = 0, total_hops = 0, n = 0;
	const char *name, *value;
	bool words;
	while (mime_header_next(top, &pos, &name, &value, &words))
		if (!strcasecmp(name, "Received") && total_hops++ < TRACE_NOTES_MAX)
			read_hop(&hops[nhops++], value);
	pos = 0;
	unsigned seen_hops = 0;
	while (n < max && mime_header_next(top, &pos, &name, &value, &words)) {
		struct trace_note *t = &out[n];
		memset(t, 0, sizeof(*t));
		t->name = name;
		keep(t->value, value, strlen(value));
		if (!strcasecmp(name, "Return-Path")) {
			t->kind = TRACE_RETURN_PATH;
		} else if (!strcasecmp(name, "Delivered-To")) {
			t->kind = TRACE_DELIVERED_TO;
		} else if (!strcasecmp(name, "Received")) {
			if (seen_hops >= nhops)
				continue;
			const struct hop *h = &hops[seen_hops++];
			t->kind = TRACE_RECEIVED;
			t->hops = (unsigned)total_hops;
			t->hop = (unsigned)total_hops - seen_hops + 1;
			memcpy(t->from, h->from, sizeof(t->from));
			memcpy(t->by, h->by, sizeof(t->by));
			memcpy(t->id, h->id, sizeof(t->id));
		} else if (!strcasecmp(name, "Message-ID")) {
			size_t i = 0;
			while (i < nhops && !id_names_hop(value, &hops[i]))
				i++;
			if (i == nhops)
				continue;
			t->kind = TRACE_MESSAGE_ID_ADDED;
			t->hop = (unsigned)(total_hops - i);
			memcpy(t->by, hops[i].by, sizeof(t->by));
			memcpy(t->id, hops[i].id, sizeof(t->id));
		} else if (!strcasecmp(name, "Date")) {
			/* the lowest hop kept is the first only when all were kept */
			if (!nhops || nhops != total_hops || !*hops[nhops - 1].date ||
			    strcmp(t->value, hops[nhops - 1].date))
				continue;
			t->kind = TRACE_DATE_ADDED;
			memcpy(t->by, hops[nhops - 1].by, sizeof(t->by));
		} else {
			continue;
		}
		n++;
	}
	return n;
}

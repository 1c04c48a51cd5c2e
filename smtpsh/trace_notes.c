/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notes on the headers a server added to a retrieved message: where the
 * message went (Received, bottom-up), who it was delivered to, and the
 * Message-ID and Date a submission server wrote for a client that sent
 * none.  The words come from lib/headers.c's table. */
#include <string.h>

#include "headers.h"
#include "i18n.h"
#include "shell.h"
#include "text.h"
#include "trace_headers.h"

#define SAFE(field) text_safe_str(safe_##field, sizeof(safe_##field), t->field, strlen(t->field))

static const char *what(const char *name)
{
	const struct header_info *h = header_find(name, strlen(name));
	return h ? _(h->what) : "";
}

static void note_one(struct shell *sh, const struct trace_note *t, bool *received_told)
{
	char safe_value[TEXT_SAFE_SIZE(TRACE_FIELD)], safe_from[TEXT_SAFE_SIZE(TRACE_FIELD)],
	    safe_by[TEXT_SAFE_SIZE(TRACE_FIELD)], safe_id[TEXT_SAFE_SIZE(TRACE_FIELD)];
	SAFE(value), SAFE(from), SAFE(by), SAFE(id);
	switch (t->kind) {
	case TRACE_RETURN_PATH:
	case TRACE_DELIVERED_TO:
		render_note(sh, "%s %s (added at delivery): %s", t->name, safe_value,
		            what(t->name));
		break;
	case TRACE_RECEIVED:
		if (!*received_told)
			render_note(sh, "Received: %s", what("Received"));
		*received_told = true;
		if (*t->from && *t->id)
			render_note(
			    sh, "Received, hop %u of %u: %s handed the message to %s, queue id %s",
			    t->hop, t->hops, safe_from, safe_by, safe_id);
		else if (*t->from)
			render_note(sh, "Received, hop %u of %u: %s handed the message to %s",
			            t->hop, t->hops, safe_from, safe_by);
		else if (*t->id)
			render_note(sh,
			            "Received, hop %u of %u: the message entered %s, queue id %s",
			            t->hop, t->hops, safe_by, safe_id);
		else
			render_note(sh, "Received, hop %u of %u: the message entered %s", t->hop,
			            t->hops, safe_by);
		break;
	case TRACE_MESSAGE_ID_ADDED:
		if (*t->id)
			render_note(sh,
			            "%s %s: added by %s (Received hop %u) because the client sent "
			            "none: it holds that server's queue id %s",
			            t->name, safe_value, safe_by, t->hop, safe_id);
		else
			render_note(sh,
			            "%s %s: added by %s (Received hop %u) because the client sent "
			            "none: it holds that server's name",
			            t->name, safe_value, safe_by, t->hop);
		break;
	case TRACE_DATE_ADDED:
		render_note(
		    sh,
		    "%s %s: most likely added by %s because the client sent none: it is the "
		    "very time of the first Received hop",
		    t->name, safe_value, safe_by);
		break;
	}
}

void trace_notes_show(struct shell *sh, const struct mime_part *top)
{
	struct trace_note notes[TRACE_NOTES_MAX];
	size_t n = trace_headers_read(top, notes, TRACE_NOTES_MAX);
	bool received_told = false;
	for (size_t i = 0; i < n; i++)
		note_one(sh, &notes[i], &received_told);
}

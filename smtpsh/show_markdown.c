/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh show --markdown FILE`: the session as a Markdown table for a lab
 * report or an issue, one row per S:/R: line (| # | → / ← | line | note |)
 * with the notes on the row of the line they follow.  The same writer
 * interface as show --html; one row is held back until the next line
 * (its notes may follow), and a row's notes are bounded, so memory stays
 * bounded whatever the transcript. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "shell.h"

/* A row's notes beyond this go on in a row of their own. */
#define ROW_NOTES_MAX 16384

struct md_page {
	FILE *out;
	bool row_open;   /* a row is held back for its notes */
	bool table_open; /* the header row was written */
	bool in_part;    /* a part began: what comes before is a preamble */
	unsigned long lines;
	struct buf row;   /* "| n | → | `line` |" */
	struct buf notes; /* escaped notes, "<br>" between */
};

/* Inline text: every character Markdown or a table could read as markup
 * backslash-escaped; a line end as <br>. */
static void escape_text(struct buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			buf_append_str(b, "<br>");
		else {
			if (strchr("\\`*_[]<>|~&#!", p[i]))
				buf_append_char(b, '\\');
			buf_append_char(b, p[i]);
		}
	}
}

/* A protocol line as a code span: a fence longer than any run of
 * backticks inside, padded when the line starts or ends with one (or
 * with a space at both ends, which Markdown would strip); a pipe as \|,
 * which a table cell unescapes even inside code. */
static void code_span(struct buf *b, const char *p, size_t n)
{
	if (!n)
		return;
	size_t run = 0, longest = 0;
	for (size_t i = 0; i < n; i++) {
		run = p[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	bool pad = p[0] == '`' || p[n - 1] == '`' || (p[0] == ' ' && p[n - 1] == ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_append_char(b, '`');
	if (pad)
		buf_append_char(b, ' ');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '|')
			buf_append_char(b, '\\');
		buf_append_char(b, p[i]);
	}
	if (pad)
		buf_append_char(b, ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_append_char(b, '`');
}

static void open_table(struct md_page *pg)
{
	if (pg->table_open)
		return;
	/* the arrows are the same in every language */
	fprintf(pg->out, _("| # | → / ← | line | note |\n"));
	fputs("|---:|:---:|---|---|\n", pg->out);
	pg->table_open = true;
}

static void flush_row(struct md_page *pg)
{
	if (!pg->row_open)
		return;
	open_table(pg);
	fwrite(pg->row.data, 1, pg->row.len, pg->out);
	fputc(' ', pg->out);
	if (pg->notes.len)
		fwrite(pg->notes.data, 1, pg->notes.len, pg->out);
	fputs(" |\n", pg->out);
	buf_clear(&pg->row);
	buf_clear(&pg->notes);
	pg->row_open = false;
}

/* A row: its number, arrow and line cells; the note cell comes later. */
static void start_row(struct md_page *pg, const char *number, const char *arrow)
{
	flush_row(pg);
	buf_printf(&pg->row, "| %s | %s | ", number, arrow);
	pg->row_open = true;
}

static void add_note(struct md_page *pg, bool warning, const char *text, size_t len)
{
	if (!pg->row_open || pg->notes.len > ROW_NOTES_MAX) {
		start_row(pg, "", "");
		buf_append_str(&pg->row, " |");
	}
	if (pg->notes.len)
		buf_append_str(&pg->notes, "<br>");
	if (warning)
		buf_append_str(&pg->notes, "**!!** ");
	escape_text(&pg->notes, text, len);
}

/* A full-width line (a narration, an event) as a row with its text in
 * the line cell, emphasised. */
static void add_wide(struct md_page *pg, const char *arrow, const char *mark, const char *text,
                     size_t len)
{
	/* emphasis does not start or end at a space */
	while (len && *text == ' ')
		text++, len--;
	while (len && text[len - 1] == ' ')
		len--;
	start_row(pg, "", arrow);
	buf_append_str(&pg->row, mark);
	escape_text(&pg->row, text, len);
	buf_append_str(&pg->row, mark);
	buf_append_str(&pg->row, " |");
}

/* Before the first part (a lesson's introduction, the target): lines of
 * text, the narration quoted. */
static void add_preamble(struct md_page *pg, bool quoted, const char *text, size_t len)
{
	struct buf b;
	buf_init(&b, 0);
	escape_text(&b, text, len);
	fprintf(pg->out, quoted ? "> %s\n" : "%s\n\n", b.data ? b.data : "");
	buf_free(&b);
}

static void on_line(void *ctx, enum render_kind kind, enum render_tone tone, const char *text,
                    size_t len)
{
	struct md_page *pg = ctx;
	if (!pg->in_part && (kind == RENDER_NOTE || kind == RENDER_NARRATION)) {
		add_preamble(pg, kind == RENDER_NARRATION, text, len);
		return;
	}
	char number[24];
	(void)tone;
	switch (kind) {
	case RENDER_SENT:
	case RENDER_RECEIVED:
		snprintf(number, sizeof(number), "%lu", ++pg->lines);
		start_row(pg, number, kind == RENDER_SENT ? "→" : "←");
		code_span(&pg->row, text, len);
		buf_append_str(&pg->row, " |");
		break;
	case RENDER_NOTE:
	case RENDER_INFO: add_note(pg, false, text, len); break;
	case RENDER_WARNING: add_note(pg, true, text, len); break;
	case RENDER_EVENT: add_wide(pg, "⇅", "**", text, len); break;
	case RENDER_NARRATION: add_wide(pg, "", "*", text, len); break;
	}
}

static void on_band(void *ctx, enum transcript_event ev, const char *text, size_t len)
{
	(void)ev;
	add_wide(ctx, "⇅", "**", text, len);
}

static void on_part(void *ctx, unsigned n, enum proto p)
{
	struct md_page *pg = ctx;
	flush_row(pg);
	fputs("\n### ", pg->out);
	pg->in_part = true;
	fprintf(pg->out, _("Part %u: %s"), n, proto_name(p));
	fputs("\n\n", pg->out);
	pg->table_open = false;
}

int show_markdown_run(struct shell *sh, const char *path)
{
	FILE *f = playback_open(path, "smtpsh show");
	if (!f)
		return EXIT_USAGE;
	struct md_page pg = {.out = sh->out};
	buf_init(&pg.row, 1 << 18);             /* a line is bounded (REPLY_MAX_LINE) */
	buf_init(&pg.notes, 4 * ROW_NOTES_MAX); /* past the bound, a note is cut */
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct buf title;
	buf_init(&title, 0);
	escape_text(&title, base, strlen(base));
	fputs("## ", pg.out);
	fprintf(pg.out, _("Session %s"), title.data ? title.data : "");
	fputs("\n\n", pg.out);
	buf_free(&title);
	const struct render_writer writer = {
	    .ctx = &pg, .line = on_line, .band = on_band, .part = on_part};
	sh->writer = &writer;
	sh->color = false;
	int rc = playback_file(sh, f, path, false);
	sh->writer = NULL;
	if (f != stdin)
		fclose(f);
	flush_row(&pg);
	buf_free(&pg.row);
	buf_free(&pg.notes);
	fflush(pg.out);
	return rc;
}

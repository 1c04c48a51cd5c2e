/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh show --html FILE`: the session as one self-contained page for a
 * report, a sequence diagram (client and server columns, one arrow per
 * S:/R: line, the notes beside them, TLS and closes as bands).  The
 * annotations are show's own: playback.c feeds the transcript through the
 * same session hooks and render.c hands every line to this writer.  The
 * page streams out as the transcript is read (memory stays bounded), has
 * inline CSS only, no script and no URL, and prints in colour. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "shell.h"

struct html_page {
	FILE *out;
	bool in_block; /* a <section class="block"> is open */
	bool in_notes; /* ... and its notes column is open */
	unsigned long lines;
};

/* Text (already text_safe()'d) with every byte that could be markup
 * written as an entity. */
static void put_escaped(FILE *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (p[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\n': fputs("<br>", out); break;
		default: fputc(p[i], out);
		}
	}
}

static void put_escaped_str(FILE *out, const char *s)
{
	put_escaped(out, s, strlen(s));
}

static void close_block(struct html_page *pg)
{
	if (!pg->in_block)
		return;
	fputs(pg->in_notes
	          ? "</div></section>\n"
	          : "</div><div class=\"notes\"></div></section>\n", /* i18n: protocol (markup) */
	      pg->out);
	pg->in_block = pg->in_notes = false;
}

/* An arrow opens a block, or goes on with the open one while no note has
 * come after its arrows. */
static void open_arrows(struct html_page *pg)
{
	if (pg->in_block && !pg->in_notes)
		return;
	close_block(pg);
	fputs("<section class=\"block\"><div class=\"arrows\">\n",
	      pg->out); /* i18n: protocol (markup) */
	pg->in_block = true;
}

static void open_notes(struct html_page *pg)
{
	if (pg->in_notes)
		return;
	if (!pg->in_block) {
		fputs("<section class=\"block\"><div class=\"arrows\">",
		      pg->out); /* i18n: protocol (markup) */
		pg->in_block = true;
	}
	fputs("</div><div class=\"notes\">\n", pg->out); /* i18n: protocol (markup) */
	pg->in_notes = true;
}

/* A reply's colour class from its tone. */
static const char *tone_class(enum render_tone tone)
{
	switch (tone) {
	case TONE_OK: return "ok";
	case TONE_MORE: return "more";
	case TONE_TEMP: return "temp";
	case TONE_FAIL: return "fail";
	case TONE_PLAIN:
	case TONE_SENT:
	case TONE_MATCH:
	case TONE_NOTE:
	case TONE_EVENT:
	case TONE_WARN:
	case TONE_STRONG: return "plain";
	}
	return "plain";
}

static void put_arrow(struct html_page *pg, bool sent, enum render_tone tone, const char *text,
                      size_t len)
{
	open_arrows(pg);
	fprintf(pg->out, /* i18n: protocol (markup) */
	        "<div class=\"msg %s %s\"><span class=\"n\">%lu</span>"
	        "<code class=\"line\" data-dir=\"%s\">",
	        sent ? "sent" : "received", sent ? "c2s" : tone_class(tone), ++pg->lines,
	        sent ? "S" : "R");
	put_escaped(pg->out, text, len);
	fputs("</code></div>\n", pg->out);
}

static void put_full_width(struct html_page *pg, const char *tag, const char *cls, const char *text,
                           size_t len)
{
	close_block(pg);
	fprintf(pg->out, "<%s class=\"%s\">", tag, cls);
	put_escaped(pg->out, text, len);
	fprintf(pg->out, "</%s>\n", tag);
}

static void on_line(void *ctx, enum render_kind kind, enum render_tone tone, const char *text,
                    size_t len)
{
	struct html_page *pg = ctx;
	switch (kind) {
	case RENDER_SENT: put_arrow(pg, true, tone, text, len); break;
	case RENDER_RECEIVED: put_arrow(pg, false, tone, text, len); break;
	case RENDER_NOTE:
	case RENDER_INFO:
	case RENDER_WARNING:
		open_notes(pg);
		fprintf(pg->out, "<p class=\"%s\">", kind == RENDER_WARNING ? "warn" : "note");
		put_escaped(pg->out, text, len);
		fputs("</p>\n", pg->out);
		break;
	case RENDER_EVENT: put_full_width(pg, "div", "band event", text, len); break;
	case RENDER_NARRATION: put_full_width(pg, "p", "narration", text, len); break;
	}
}

static const char *band_class(enum transcript_event ev)
{
	switch (ev) {
	case TRANSCRIPT_EV_CONNECTED: return "band connected";
	case TRANSCRIPT_EV_TLS_STARTTLS:
	case TRANSCRIPT_EV_TLS_IMPLICIT: return "band tls";
	case TRANSCRIPT_EV_TLS_UNVERIFIED:
	case TRANSCRIPT_EV_ERROR:
	case TRANSCRIPT_EV_LINE_CUT: return "band trouble";
	case TRANSCRIPT_EV_CLOSED_BY_PEER:
	case TRANSCRIPT_EV_CLOSED_BY_US: return "band closed";
	case TRANSCRIPT_EV_OTHER: return "band event";
	}
	return "band event";
}

static void on_band(void *ctx, enum transcript_event ev, const char *text, size_t len)
{
	put_full_width(ctx, "div", band_class(ev), text, len);
}

static void on_part(void *ctx, unsigned n, enum proto p)
{
	struct html_page *pg = ctx;
	close_block(pg);
	fputs("<h2>", pg->out);
	char head[128];
	snprintf(head, sizeof(head), _("Part %u: %s"), n, proto_name(p));
	put_escaped_str(pg->out, head);
	fputs("</h2>\n<div class=\"heads\"><div class=\"lanes\"><span>",
	      pg->out); /* i18n: protocol (markup) */
	put_escaped_str(pg->out, _("client"));
	fputs("</span><span>", pg->out);
	put_escaped_str(pg->out, _("server"));
	fputs("</span></div><div>", pg->out);
	put_escaped_str(pg->out, _("notes"));
	fputs("</div></div>\n", pg->out);
}

/* The catalogue says which language the page is in: a translation gives
 * its own BCP 47 tag, so a page without one is "en" and says so. */
static const char *page_language(void)
{
	/* TRANSLATORS: keep "BCP47:", then this catalogue's language tag */
	const char *t = _("BCP47:en");
	if (strncmp(t, "BCP47:", 6) || !t[6] ||
	    strspn(t + 6, "abcdefghijklmnopqrstuvwxyz"
	                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != strlen(t + 6))
		return "en";
	return t + 6;
}

/* Light colours that print: print-color-adjust keeps the backgrounds in
 * a PDF; the lifelines are the arrows column's borders. */
static const char page_css[] =
    "*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "body{font:14px/1.4 system-ui,sans-serif;color:#1a1a1a;background:#fff;margin:1.5em}"
    "h1{font-size:1.3em}h2{font-size:1.1em;margin:1.2em 0 .3em}"
    ".heads,.block{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 1em}"
    ".heads{font-weight:bold;border-bottom:1px solid #999}"
    ".lanes{display:flex;justify-content:space-between}"
    ".arrows{border-left:4px solid #4a5a70;border-right:4px solid #4a5a70;padding:2px 0}"
    ".msg{position:relative;margin:3px 0;padding:1px 16px 2px;border-bottom:2px solid}"
    ".msg::after{content:'';position:absolute;bottom:-7px;border:6px solid transparent}"
    ".sent::after{right:0;border-left:10px solid;border-left-color:inherit;border-right:0}"
    ".received{text-align:right}"
    ".received::after{left:0;border-right:10px solid;border-right-color:inherit;border-left:0}"
    ".line{font:13px/1.3 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}"
    ".n{float:left;color:#777;font-size:11px;margin-right:.6em}"
    ".received .n{float:right;margin:0 0 0 .6em}"
    ".c2s{color:#0b4f8a;border-color:#0b4f8a}.ok{color:#1b6e20;border-color:#2e7d32}"
    ".more{color:#8a5a00;border-color:#b27800}.temp{color:#b34700;border-color:#e65100}"
    ".fail{color:#b71c1c;border-color:#c62828}.plain{color:#333;border-color:#888}"
    ".notes{font-size:12.5px;color:#333;padding:2px 0}.notes p{margin:2px 0}"
    ".warn{color:#b71c1c;font-weight:bold}"
    ".narration{font-style:italic;background:#f4f1e6;border-left:4px solid #c9b458;"
    "margin:6px 0;padding:3px 8px}.narration+.narration{margin-top:-6px}"
    ".band{margin:6px 0;padding:4px 8px;font:12.5px ui-monospace,monospace;"
    "text-align:center;border:1px solid}"
    ".tls{background:#e3f1e4;border-color:#2e7d32;color:#1b5e20}"
    ".closed{background:#ececec;border-color:#777;color:#333}"
    ".connected{background:#e6eef8;border-color:#4a6fa5;color:#1f3f6e}"
    ".trouble{background:#fde7e7;border-color:#c62828;color:#8e0000}"
    ".event{background:#f3e8f6;border-color:#8e4a9e;color:#5b2067}"
    "@media print{body{margin:0}.msg,.band,.narration{break-inside:avoid}}";

int show_html_run(struct shell *sh, const char *path)
{
	FILE *f = playback_open(path, "smtpsh show");
	if (!f)
		return EXIT_USAGE;
	struct html_page pg = {.out = sh->out};
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char title[512];
	snprintf(title, sizeof(title), _("Session %s"), base);
	fprintf(pg.out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
	        page_language()); /* i18n: protocol (markup) */
	fputs("<meta name=\"color-scheme\" content=\"light\">\n<title>",
	      pg.out); /* i18n: protocol (markup) */
	put_escaped_str(pg.out, title);
	fprintf(pg.out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", page_css);
	put_escaped_str(pg.out, title);
	fputs("</h1>\n", pg.out);
	const struct render_writer writer = {
	    .ctx = &pg, .line = on_line, .band = on_band, .part = on_part};
	sh->writer = &writer;
	sh->color = false;
	int rc = playback_file(sh, f, path, false);
	sh->writer = NULL;
	if (f != stdin)
		fclose(f);
	close_block(&pg);
	fputs("</body>\n</html>\n", pg.out);
	fflush(pg.out);
	return rc;
}

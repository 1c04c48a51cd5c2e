/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "headers.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"

#define A HEADER_BY_AUTHOR
#define SUB HEADER_BY_SUBMISSION
#define REL HEADER_BY_RELAY
#define DEL HEADER_BY_DELIVERY
#define LIST HEADER_BY_LIST

const struct header_info header_infos[] = {
    /* RFC 5322: the origin, the addresses, identification, information */
    {"Date", A | SUB, "RFC 5322 3.6.1",
     N_("when the author finished the message and sent it (not when it arrived)"),
     N_("present exactly once, in the form \"Mon, 30 Nov 2026 23:46:59 +0800\"; a submission "
        "server adds one when it is missing")},
    {"From", A, "RFC 5322 3.6.2",
     N_("the author: the address a reader sees and answers by default; not the envelope's "
        "MAIL FROM"),
     N_("present exactly once; a name that is not ASCII must be an encoded word "
        "(=?UTF-8?B?...?=), and DMARC compares its domain with SPF and DKIM")},
    {"Sender", A, "RFC 5322 3.6.2",
     N_("who sent the message on the author's behalf (a secretary, a list), when not the author"),
     N_("needed only when From holds several addresses or the sender is someone else")},
    {"Reply-To", A | LIST, "RFC 5322 3.6.2", N_("where replies should go instead of From"),
     N_("a list that sets it to itself changes where your answer goes")},
    {"To", A, "RFC 5322 3.6.3", N_("the primary recipients, as shown to every reader"),
     N_("it does not decide delivery: the RCPT TO commands do (the envelope)")},
    {"Cc", A, "RFC 5322 3.6.3", N_("carbon copy: further recipients, shown to every reader"),
     N_("each one needs its own RCPT TO as well")},
    {"Bcc", A, "RFC 5322 3.6.3",
     N_("blind copy: recipients the others must not see; normally removed before sending"),
     N_("it should not be in the message you type in DATA: give those recipients RCPT TO only")},
    {"Subject", A, "RFC 5322 3.6.5", N_("the topic, one line"),
     N_("text that is not ASCII must be encoded words (RFC 2047), e.g. =?UTF-8?B?5rWL6K+V?=")},
    {"Message-ID", A | SUB, "RFC 5322 3.6.4",
     N_("a world-unique identifier, <left@right>, that replies and threads refer to"),
     N_("present once, angle brackets included, the right side a domain of the sender")},
    {"In-Reply-To", A, "RFC 5322 3.6.4", N_("the Message-ID of the message this one answers"),
     N_("a reply's client copies the parent's Message-ID here; threads break without it")},
    {"References", A, "RFC 5322 3.6.4", N_("the Message-IDs of the thread so far, oldest first"),
     N_("the parent's References plus its Message-ID; long lists are folded")},
    {"Comments", A, "RFC 5322 3.6.5", N_("free comments on the message"), N_("rarely used")},
    {"Keywords", A, "RFC 5322 3.6.5", N_("comma-separated key words or phrases"),
     N_("rarely used; clients ignore it")},
    /* trace fields: added on the way, newest on top */
    {"Received", SUB | REL | DEL, "RFC 5322 3.6.7, RFC 5321 4.4",
     N_("one per server that handled the message (from, by, with, id, for; a date): read them "
        "bottom-up, the lowest is where the message entered, the top the last hop"),
     N_("the hops and their times: a long gap shows where it waited; only lines added by servers "
        "you trust are true, a sender can forge the lower ones")},
    {"Return-Path", DEL, "RFC 5321 4.4, RFC 5322 3.6.7",
     N_("the envelope's MAIL FROM, recorded by the delivering server: where bounces go"),
     N_("written at delivery only: one typed by the sender is replaced or wrong")},
    {"Delivered-To", DEL, "RFC 9228",
     N_("the mailbox the delivering server put the message in (after aliases and forwarding)"),
     N_("several of them and the same address twice mean a forwarding loop")},
    /* MIME (RFC 2045-2049 and friends) */
    {"MIME-Version", A, "RFC 2045 4", N_("says the message uses MIME; the only version is 1.0"),
     N_("\"MIME-Version: 1.0\" once in the top header, or readers ignore Content-Type")},
    {"Content-Type", A, "RFC 2045 5, RFC 2046",
     N_("the media type of the body or of a part (type/subtype; parameters: charset, boundary, "
        "name)"),
     N_("text needs the right charset; multipart needs a boundary that occurs nowhere in the "
        "parts (explain multipart/mixed, text/plain...)")},
    {"Content-Transfer-Encoding", A, "RFC 2045 6",
     N_("how the part's bytes were made safe to send: 7bit, 8bit, binary, base64, "
        "quoted-printable"),
     N_("8bit needs BODY=8BITMIME on MAIL FROM, binary needs BINARYMIME and BDAT; base64 and "
        "quoted-printable always pass (explain base64)")},
    {"Content-Disposition", A, "RFC 2183",
     N_("whether a part is shown in the text (inline) or offered as a file (attachment), and "
        "its filename"),
     N_("a filename that is not ASCII uses RFC 2231 (filename*=UTF-8''...); a reader takes only "
        "its base name")},
    {"Content-ID", A, "RFC 2045 7, RFC 2392",
     N_("an identifier for a part, <id@domain>, that HTML in the same multipart/related refers "
        "to as cid:id@domain"),
     N_("the cid: in the HTML has no angle brackets; the header has them")},
    {"Content-Location", A, "RFC 2557",
     N_("the URL a part stands for, so that HTML in multipart/related can refer to it by that "
        "URL"),
     N_("relative URLs are resolved against Content-Base or the enclosing part's location")},
    {"Content-Base", A, "RFC 2110",
     N_("the base URL for relative URLs in the part (replaced by Content-Location in RFC 2557)"),
     N_("obsolete: prefer absolute Content-Location")},
    {"Content-Description", A, "RFC 2045 8", N_("a short text describing a part"),
     N_("shown by some readers only; not ASCII means encoded words")},
    {"Content-Language", A, "RFC 3282", N_("the language of the part's text (zh-CN, en)"),
     N_("a hint for readers and screen readers")},
    /* authentication, added by servers */
    {"DKIM-Signature", SUB | REL | LIST, "RFC 6376",
     N_("a signature by a domain (d=) over the body and the headers in h=, with a key at "
        "SELECTOR._domainkey.DOMAIN (s=)"),
     N_("d= should match From's domain for DMARC; a relay that changes the body or a signed "
        "header breaks it")},
    {"Authentication-Results", DEL | REL, "RFC 8601",
     N_("the verdict of the receiving server's checks: spf=, dkim=, dmarc=, each pass or fail"),
     N_("trust only the one your own provider added (its authserv-id, the top one); senders can "
        "add false ones below")},
    {"Received-SPF", DEL | REL, "RFC 7208 9.1",
     N_("the result of the SPF check of the envelope sender's domain against the client's IP"),
     N_("pass, fail, softfail, neutral, none; it checks MAIL FROM, not the From header")},
    {"ARC-Seal", REL | LIST, "RFC 8617",
     N_("ARC: a seal by each intermediary (a list, a forwarder) over the ARC headers before it, "
        "numbered i=1, 2..."),
     N_("cv=pass when the chain before it was intact; a receiver decides whether it trusts the "
        "sealer")},
    {"ARC-Message-Signature", REL | LIST, "RFC 8617",
     N_("ARC: a DKIM-like signature of the message as the intermediary i= received it"),
     N_("its d= names the intermediary, not the author")},
    {"ARC-Authentication-Results", REL | LIST, "RFC 8617",
     N_("ARC: the Authentication-Results the intermediary i= saw before changing the message"),
     N_("lets the final receiver see that SPF and DKIM passed before a list rewrote the message")},
    /* lists and the rest */
    {"List-Unsubscribe", LIST, "RFC 2369, RFC 8058",
     N_("how to leave the list: <mailto:...> and/or <https://...>"),
     N_("with List-Unsubscribe-Post: List-Unsubscribe=One-Click, a reader unsubscribes with one "
        "POST, no page")},
    {"List-Unsubscribe-Post", LIST, "RFC 8058",
     N_("says the https List-Unsubscribe URL takes a one-click POST"),
     N_("the value is exactly \"List-Unsubscribe=One-Click\" and the header must be signed by "
        "DKIM")},
    {"List-Id", LIST, "RFC 2919", N_("the list's identifier, <name.domain>, for filters"),
     N_("filter on it rather than on To or Subject")},
    {"Auto-Submitted", A | DEL, "RFC 3834",
     N_("says a program sent it (auto-replied, auto-generated): autoresponders must not answer"),
     N_("vacation replies and bounces carry it; answering one makes mail loops")},
    {"Resent-From", A, "RFC 5322 3.6.6",
     N_("a resent (forwarded as is) message: who resent it (Resent-Date, -To, -Message-ID go "
        "with it)"),
     N_("the original From stays the author")},
    {"User-Agent", A, "RFC 5536 3.2.13 (de facto in mail)", N_("the author's mail program"),
     N_("not standard in mail; spam filters read it")},
};
const size_t header_infos_len = sizeof(header_infos) / sizeof(header_infos[0]);

#undef A
#undef SUB
#undef REL
#undef DEL
#undef LIST

#define CT "Content-Type"
#define CTE "Content-Transfer-Encoding"
#define CD "Content-Disposition"

const struct header_value_info header_values[] = {
    {CT, "multipart/mixed", "RFC 2046 5.1.3",
     N_("independent parts in order: the text, then the attachments")},
    {CT, "multipart/alternative", "RFC 2046 5.1.4",
     N_("the same content in several forms (text/plain, then text/html): the reader shows the "
        "last one it can, so the preferred form goes last")},
    {CT, "multipart/related", "RFC 2387",
     N_("a whole made of parts: the first (an HTML body) refers to the others (its images) by "
        "cid: or Content-Location")},
    {CT, "multipart/digest", "RFC 2046 5.1.5",
     N_("a collection of messages; each part is message/rfc822 by default")},
    {CT, "multipart/parallel", "RFC 2046 5.1.6", N_("parts meant to be shown at the same time")},
    {CT, "multipart/signed", "RFC 1847, RFC 8551",
     N_("a part and its signature (S/MIME or OpenPGP): the first part must not be changed by a "
        "byte")},
    {CT, "multipart/encrypted", "RFC 1847, RFC 3156",
     N_("an encrypted part with its control part")},
    {CT, "multipart/report", "RFC 6522",
     N_("a report for a program: a human text, a machine-readable part (a bounce's "
        "message/delivery-status), the original or its headers")},
    {CT, "text/plain", "RFC 2046 4.1.3",
     N_("plain text; charset= says how its bytes are characters (us-ascii when absent)")},
    {CT, "text/html", "RFC 2854", N_("HTML; images come as parts of a multipart/related")},
    {CT, "message/rfc822", "RFC 2046 5.2.1",
     N_("a whole message inside this one (a forward as attachment)")},
    {CT, "message/delivery-status", "RFC 3464",
     N_("the machine-readable part of a bounce (DSN): Final-Recipient, Action, Status")},
    {CT, "message/global", "RFC 6532", N_("a message with UTF-8 headers inside this one")},
    {CT, "application/octet-stream", "RFC 2046 4.5.1",
     N_("bytes of unknown kind: a reader offers to save them")},
    {CT, "application/pdf", "RFC 8118", N_("a PDF document")},
    {CT, "image/png", "RFC 2083", N_("a PNG image")},
    {CT, "image/jpeg", "RFC 2046 4.2", N_("a JPEG image")},
    {CT, "image/gif", "RFC 2046 4.2", N_("a GIF image")},
    {CTE, "7bit", "RFC 2045 2.7",
     N_("lines of ASCII, at most 998 octets, no NUL: the default when the header is absent")},
    {CTE, "8bit", "RFC 2045 2.8, RFC 6152",
     N_("lines may hold bytes over 127 (UTF-8, GBK); needs BODY=8BITMIME on MAIL FROM")},
    {CTE, "binary", "RFC 2045 2.9, RFC 3030",
     N_("any bytes, no line limit: needs BINARYMIME and BDAT, not DATA")},
    {CTE, "base64", "RFC 2045 6.8",
     N_("every 3 bytes as 4 of A-Z a-z 0-9 + /, lines of 76: for attachments and text that is "
        "mostly not ASCII")},
    {CTE, "quoted-printable", "RFC 2045 6.7",
     N_("ASCII as it is, other bytes as =XX, '=' at a line end joins the next line: for text "
        "that is mostly ASCII")},
    {CD, "inline", "RFC 2183 2.1", N_("show the part in the message's text")},
    {CD, "attachment", "RFC 2183 2.2", N_("offer the part as a file, named by filename=")},
};
const size_t header_values_len = sizeof(header_values) / sizeof(header_values[0]);

static bool same(const char *known, const char *s, size_t len)
{
	return strlen(known) == len && strncasecmp(known, s, len) == 0;
}

const struct header_info *header_find(const char *name, size_t len)
{
	for (size_t i = 0; i < header_infos_len; i++)
		if (same(header_infos[i].name, name, len))
			return &header_infos[i];
	return NULL;
}

const struct header_value_info *header_value_find(const char *value, size_t len)
{
	for (size_t i = 0; i < header_values_len; i++)
		if (same(header_values[i].value, value, len))
			return &header_values[i];
	return NULL;
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

/* Edits from a to b, case-insensitive: change, insert, delete, or swap
 * two neighbours (optimal string alignment).  Both at most
 * HEADER_NAME_MAX bytes: three rows on the stack. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t rows[3][HEADER_NAME_MAX + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[nb];
}

const struct header_info *header_nearest(const char *name, size_t len)
{
	if (len == 0 || len > HEADER_NAME_MAX || header_find(name, len))
		return NULL;
	const struct header_info *best = NULL;
	size_t best_d = 0;
	for (size_t i = 0; i < header_infos_len; i++) {
		size_t n = strlen(header_infos[i].name);
		size_t limit = n <= 5 ? 1 : 2;
		size_t d = distance(name, len, header_infos[i].name, n);
		if (d <= limit && (!best || d < best_d)) {
			best = &header_infos[i];
			best_d = d;
		}
	}
	return best;
}

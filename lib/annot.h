/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What replies mean: const tables and lookups.  No I/O.  Every table is
 * exported so that tests can walk it (no duplicate keys, every code the
 * RFCs define present).  The tables hold the English (the msgids); every
 * lookup returns its text in the reader's language (gettext), so a caller
 * that reads a table's row itself translates it with _(). */
#ifndef SMTPSH_ANNOT_H
#define SMTPSH_ANNOT_H

#include <stdbool.h>
#include <stddef.h>

/* --- SMTP basic reply codes (RFC 5321 §4.2, seed 002's table) ---------
 * An entry with a context applies only when the reply answers that
 * command ("DATA", "AUTH", "QUIT", "EHLO", "MAIL", "RCPT", "STARTTLS",
 * ...), or, for context "", the greeting.  An entry with context NULL is
 * the general meaning. */
struct annot_smtp_code {
	int code;
	const char *context;
	const char *meaning;
};
extern const struct annot_smtp_code annot_smtp_codes[];
extern const size_t annot_smtp_codes_len;

/* The meaning of `code` answering `verb` (upper case; "" for the
 * greeting; NULL when unknown, e.g. unsolicited).  Falls back to the
 * general meaning, then to an explanation built from the first and
 * second digit, written into buf.  Never returns NULL. */
const char *annot_smtp(int code, const char *verb, char *buf, size_t bufsz);
/* Whether code has a row of its own in annot_smtp_codes. */
bool annot_smtp_registered(int code);

/* --- Enhanced status codes (RFC 3463, RFC 3886, RFC 4954, RFC 5248
 * IANA registry, ...) -------------------------------------------------- */
struct annot_esc_entry {
	int subject; /* the Y of X.Y.Z */
	int detail;  /* the Z; -1 for the subject's own description */
	const char *meaning;
	const char *source; /* "RFC 3463", "RFC 4954", ... */
};
extern const struct annot_esc_entry annot_esc_table[];
extern const size_t annot_esc_table_len;

struct annot_esc {
	int klass, subject, detail;
	const char
	    *klass_meaning; /* "Success" / "Persistent transient failure" / "Permanent failure" */
	const char *subject_meaning; /* NULL when the subject is unknown */
	const char *detail_meaning;  /* NULL when X.Y.Z is not registered */
	const char *source;          /* of the detail; NULL when not registered */
};
/* Parses "X.Y.Z" (class 2, 4 or 5; Y and Z up to 3 digits) and looks it
 * up.  Returns false when esc is not an enhanced status code. */
bool annot_esc_lookup(const char *esc, struct annot_esc *out);

/* --- EHLO keywords (RFC 5321 and service extensions) ------------------ */
struct annot_keyword {
	const char *keyword; /* upper case, e.g. "SIZE" */
	const char *meaning;
};
extern const struct annot_keyword annot_ehlo_keywords[];
extern const size_t annot_ehlo_keywords_len;
/* Explains one EHLO line's text ("SIZE 10240000", "AUTH PLAIN LOGIN",
 * "PIPELINING") into buf, parameters included ("maximum message size
 * 10240000 bytes (9.8 MB)"; "log in with AUTH <mechanism> (RFC 4954);
 * PLAIN: user name and password in one base64 line (RFC 4616); LOGIN:
 * ...").  A text too long for buf ends in "...".  Server text copied
 * into buf is printable ASCII ('?' for other bytes).  Keywords are
 * case-insensitive; "AUTH=LOGIN PLAIN" is the old AUTH= form.  Returns
 * NULL for an unknown keyword; with no buf, the keyword's bare meaning. */
const char *annot_ehlo(const char *text, char *buf, size_t bufsz);

/* --- POP3 ---------------------------------------------------------------- */
extern const struct annot_keyword annot_capa_tags[]; /* RFC 2449 & co */
extern const size_t annot_capa_tags_len;
/* Explains one CAPA body line ("SASL PLAIN LOGIN", "TOP", "EXPIRE 30"). */
const char *annot_capa(const char *text, char *buf, size_t bufsz);

extern const struct annot_keyword annot_pop3_resp_codes[]; /* RFC 2449, 3206 */
extern const size_t annot_pop3_resp_codes_len;
/* "IN-USE", "SYS/TEMP" ... -> meaning; NULL if unknown.  Hierarchical
 * codes fall back to their first component ("SYS/FOO" -> SYS). */
const char *annot_pop3_resp_code(const char *code);

/* The meaning of a POP3 status (REPLY_POP3_OK/ERR/CONT) answering verb
 * ("" for the greeting).  Never NULL. */
const char *annot_pop3(int status, const char *verb);
/* Added so that tests can walk it: what annot_pop3() looks up.  verb NULL
 * is the general meaning of a status. */
struct annot_pop3_status {
	const char *verb; /* upper case; "" for the greeting; NULL: any */
	int status;       /* REPLY_POP3_OK / _ERR / _CONT (lib/reply.h) */
	const char *meaning;
};
extern const struct annot_pop3_status annot_pop3_statuses[];
extern const size_t annot_pop3_statuses_len;

/* A POP3 "LIST n" or "UIDL n" answer must carry the message number and
 * its size or unique-id ("+OK 2 200", "+OK 2 QhdPYR:00WBw1Ph7x7", RFC
 * 1939 §5, §7).  text is the answer after "+OK ".  NULL when it does;
 * otherwise a sentence (no server text in it) written into buf. */
const char *annot_pop3_scan_check(const char *verb, unsigned long msgno, const char *text,
                                  char *buf, size_t bufsz);

/* --- SASL --------------------------------------------------------------- */
/* Mechanism name -> one-line description; NULL if unknown. */
const char *annot_sasl_mech(const char *mech);
/* Added: the table annot_sasl_mech() looks up (upper-case names). */
extern const struct annot_keyword annot_sasl_mechs[];
extern const size_t annot_sasl_mechs_len;

/* --- Mail ports ---------------------------------------------------------- */
/* "explain 587" is a port, not a reply code: the ports a mail client
 * meets (IANA service names; RFC 8314 for the implicit-TLS ones). */
struct annot_port {
	unsigned port;
	const char *meaning;
};
extern const struct annot_port annot_ports[];
extern const size_t annot_ports_len;
/* The meaning of a mail port, or NULL when it is none of them. */
const char *annot_port(unsigned port);

/* --- What a reply is, beyond its code ------------------------------------ */
/* An EHLO line after the first that is no extension: QQ Mail repeats its
 * greeting's words ("XMail Esmtp QQ Mail Server.") and ends with "250 OK".
 * greeting: the greeting's text (NULL when unknown).  A sentence saying
 * what the line is, or NULL when it reads as an extension keyword. */
const char *annot_ehlo_not_extension(const char *line, const char *greeting);

/* What a 503 or 530 refusal asks to come first, read from its text
 * ("need EHLO and AUTH first", "Must issue a STARTTLS command first"): a
 * sentence, or NULL when the code is another or the text names nothing. */
const char *annot_smtp_first(int code, const char *text);

/* Whether `code` answering the unknown `verb` is a server hanging up on
 * message text sent as commands: a header name ("FROM:", "Subject:")
 * answered by 221 or 421 (Postfix: "221 2.7.0 Error: I can break rules,
 * too. Goodbye.", smtpd(8) smtpd_forbidden_commands). */
bool annot_smtp_header_hangup(const char *verb, int code);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personas (persona.c): providers' servers imitated from what they
 * document and what they are seen to send, one row per provider, each
 * text with its source.  The engines read the row; no engine names a
 * provider. */
#ifndef SMTPSH_LAB_PERSONA_H
#define SMTPSH_LAB_PERSONA_H

#include "lab/base.h"

/* A reply as the provider sends it (whole lines with their codes, '\n'
 * between the lines of a multi-line reply), and where it was seen: the
 * provider's help page or a public capture.  text NULL: the provider has
 * no such refusal (or none could be found; source says which). */
struct lab_said {
	const char *text;
	const char *source;
};

/* What a student can switch off in the account's settings. */
enum lab_persona_flag {
	LAB_PERSONA_AS_IS,           /* the account as its owner set it up */
	LAB_PERSONA_SMTP_OFF,        /* "smtp-off": SMTP service switched off */
	LAB_PERSONA_POP3_OFF,        /* "pop3-off": POP3 service switched off */
	LAB_PERSONA_TENANT_AUTH_OFF, /* "tenant-auth-off": SMTP AUTH disabled for the tenant */
	LAB_PERSONA_FLAGS
};
extern const char *const lab_persona_flag_names[LAB_PERSONA_FLAGS];

struct lab_persona {
	const char *name;              /* --persona NAME */
	const char *provider;          /* a providers[].name of provider.h: the hints' name */
	const char *domain;            /* its mail domain, local in the lab */
	const char *host;              /* name in the SMTP greeting and EHLO */
	bool number_login;             /* the account number (QQ number) is a user name too */
	struct lab_said smtp_greeting; /* the 220 line's text after "220 " */
	struct lab_said pop3_greeting; /* the +OK line's text after "+OK " */
	/* EHLO's lines without "250-", '\n' between: first the host line as
	 * the provider sends it (163's is just "mail"), then the extensions;
	 * "STARTTLS" is left out once TLS is up, "AUTH..." lines while AUTH
	 * is not offered. */
	struct lab_said ehlo;
	/* AUTH before STARTTLS on the cleartext port: this refusal, and no
	 * AUTH in EHLO before TLS.  NULL text: AUTH is offered in clear. */
	struct lab_said auth_needs_tls;
	struct lab_said capa;            /* POP3 CAPA lines between "+OK" and ".", '\n' between */
	struct lab_said smtp_needs_code; /* the account password was sent */
	struct lab_said smtp_bad;        /* wrong user or secret */
	struct lab_said pop3_needs_code;
	struct lab_said pop3_bad;
	struct lab_said sender_mismatch; /* MAIL FROM not the logged-in user */
	struct lab_said smtp_off;        /* right code, SMTP switched off */
	struct lab_said pop3_off;        /* right code, POP3 switched off */
	struct lab_said tenant_auth_off; /* right code, SMTP AUTH off for the tenant */
	unsigned lock_after;             /* failures that lock the account; 0: never */
	unsigned lock_minutes;           /* for this long (the lab's own, shorter time) */
	struct lab_said smtp_locked, pop3_locked;
	const char *secret_name; /* "authorization code", "app password" */
	const char *rule;        /* the rule in one sentence */
};
extern const struct lab_persona lab_personas[];
extern const size_t lab_personas_len;
/* NULL when unknown ("none" and "" give NULL too). */
const struct lab_persona *lab_persona_find(const char *name);
/* The refusal the flag switches on for proto, or NULL when the flag does
 * not apply to it (LAB_PERSONA_AS_IS, POP3 off for SMTP...). */
const struct lab_said *lab_persona_flag_refusal(const struct lab_persona *p,
                                                enum lab_persona_flag f, enum proto proto);

/* Failures counted per account, shared by every connection of the lab. */
#define LAB_LOCK_SLOTS 64
struct lab_lock {
	char user[LAB_NAME_MAX]; /* the account's name; "" free */
	unsigned failures;
	time_t until; /* locked until then; 0: not locked */
};

/* A persona in use: the row, the flag chosen, the locks. */
struct lab_persona_run {
	const struct lab_persona *row;
	enum lab_persona_flag flag;
	struct lab_lock locks[LAB_LOCK_SLOTS];
};

/* "qq", "163:smtp-off", "outlook:tenant-auth-off", "none" or "" (row
 * NULL).  SMTPSH_EINVAL with the reason in msg: an unknown persona, an
 * unknown flag, or a flag the provider has no refusal for. */
enum smtpsh_err lab_persona_parse(struct lab_persona_run *run, const char *spec,
                                  struct smtpsh_msg *msg);
/* Whether user's account is locked at now. */
bool lab_persona_locked(const struct lab_persona_run *run, const char *user, time_t now);
/* A checked login failed (true: the account is now locked) or succeeded
 * (the count starts again). */
bool lab_persona_failed(struct lab_persona_run *run, const char *user, time_t now);
void lab_persona_succeeded(struct lab_persona_run *run, const char *user);

#endif

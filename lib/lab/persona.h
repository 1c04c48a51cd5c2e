/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personas (persona.c): providers' login rules and texts, imitated. */
#ifndef SMTPSH_LAB_PERSONA_H
#define SMTPSH_LAB_PERSONA_H

#include "lab/base.h"

/* ---- personas (lab_persona.c) ---- */

/* A provider's login rules and texts, imitated.  Reply texts hold whole
 * reply lines (with the code) separated by '\n'. */
struct lab_persona {
	const char *name;            /* --persona NAME */
	const char *provider;        /* "QQ Mail" */
	const char *domain;          /* its mail domain, local in the lab */
	const char *host;            /* name in the SMTP greeting and EHLO */
	const char *smtp_greeting;   /* the 220 line */
	const char *pop3_greeting;   /* the +OK line, before the APOP timestamp */
	bool code_only;              /* only the authorization code logs in */
	const char *smtp_needs_code; /* the password was sent, not the code */
	const char *smtp_bad;        /* wrong user or secret */
	const char *pop3_needs_code; /* whole -ERR line */
	const char *pop3_bad;
	const char *rule;   /* the rule in one sentence */
	const char *source; /* where the texts come from */
};
extern const struct lab_persona lab_personas[];
extern const size_t lab_personas_len;
/* NULL when unknown ("none" and "" give NULL too). */
const struct lab_persona *lab_persona_find(const char *name);

#endif

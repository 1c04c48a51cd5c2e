/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where a mail address's provider takes mail from its users: the SMTP
 * submission host and ports, the POP3 host and ports, what it wants as
 * the secret, and where that is documented.  Data: one row per domain,
 * read by `smtpsh doctor`. */
#ifndef SMTPSH_DOCTOR_TARGETS_H
#define SMTPSH_DOCTOR_TARGETS_H

#include <stddef.h>

/* What a mail client must log in with at this provider. */
enum doctor_secret {
	DOCTOR_SECRET_PASSWORD,     /* the account's own password */
	DOCTOR_SECRET_AUTH_CODE,    /* an authorization code from the mail settings (QQ, 163) */
	DOCTOR_SECRET_APP_PASSWORD, /* an app password (2-step verification on) */
};

struct doctor_target {
	const char *domain;   /* the address's domain, exactly (case-insensitive) */
	const char *provider; /* a providers[].name of provider.h, for the hints */
	const char *smtp_host;
	unsigned smtp_tls_port;    /* implicit TLS (465), or 0: not offered */
	unsigned smtp_submit_port; /* submission with STARTTLS (587), or 0 */
	const char *pop3_host;     /* NULL: the provider has no POP3 */
	unsigned pop3_tls_port;    /* 995, or 0 */
	unsigned pop3_plain_port;  /* 110 with STLS, or 0 */
	enum doctor_secret secret;
	const char *source; /* the provider's page listing these servers */
};

extern const struct doctor_target doctor_targets[];
extern const size_t doctor_targets_len;

/* The row for the domain of address ("alice@qq.com", or a bare domain),
 * or NULL. */
const struct doctor_target *doctor_target_find(const char *address);

/* The domain part of address (after the last '@'), or address itself. */
const char *doctor_address_domain(const char *address);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's five services and where their ports are (see base.h). */
#include "i18n.h"
#include "lab/base.h"

const struct lab_service_info lab_services[LAB_SVC_COUNT] = {
    {"smtp", "smtp", PROTO_SMTP, 0, false, false, false,
     N_("SMTP like port 25: STARTTLS offered, AUTH also in cleartext (teaching port)")},
    {"submission", "smtp", PROTO_SMTP, 62, false, true, true,
     N_("submission like port 587: STARTTLS first, then AUTH")},
    {"smtps", "smtps", PROTO_SMTP, -60, true, false, true,
     N_("SMTP over implicit TLS like port 465: AUTH required")},
    {"pop3", "pop3", PROTO_POP3, -415, false, false, false,
     N_("POP3 like port 110: STLS offered, login allowed in cleartext on loopback")},
    {"pop3s", "pop3s", PROTO_POP3, 470, true, false, false,
     N_("POP3 over implicit TLS like port 995")},
};

unsigned lab_service_port(unsigned base, enum lab_service s)
{
	long p = (long)base + lab_services[s].offset;
	return p >= 1 && p <= 65535 ? (unsigned)p : 0;
}

unsigned lab_port_base_min(void)
{
	return 1024 + 415;
}

unsigned lab_port_base_max(void)
{
	return 65535 - 470;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personas: real providers' servers, imitated from their help pages and
 * from replies their users have published, so that a student can
 * practise the diagnosis offline.  Data, plus the per-account failure
 * counter that locks an account where the provider does.  Where no text
 * could be found the source says so and the closest documented one is
 * kept; nothing is made up.  The help pages are provider.h's, the same
 * the shell's hints cite. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "lab/persona.h"
#include "provider.h"

/* QQ's 535 carries the help page's old http:// address, as sent. */
#define QQ_535_TAIL                                                                                \
	"Please enter your authorization code to login. More information in "                      \
	"http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
#define QQ_535_SEEN "https://github.com/YMFE/yapi/issues/2219 (capture); " PROVIDER_QQ_HELP
#define GMAIL_TAG "lab0123 - gsmtp"
#define OUTLOOK_HOST "LAB0001.outlook.office365.com"
#define NOT_FOUND "no capture found in the stored pages; "
#define GENERIC_POP3 "-ERR [AUTH] Authentication failed."

const char *const lab_persona_flag_names[LAB_PERSONA_FLAGS] = {
    [LAB_PERSONA_AS_IS] = "",
    [LAB_PERSONA_SMTP_OFF] = "smtp-off",
    [LAB_PERSONA_POP3_OFF] = "pop3-off",
    [LAB_PERSONA_TENANT_AUTH_OFF] = "tenant-auth-off",
};

const struct lab_persona lab_personas[] = {
    {
        .name = "qq",
        .provider = "QQ Mail",
        .domain = "qq.com",
        .host = "smtp.qq.com",
        .number_login = true,
        .smtp_greeting = {"smtp.qq.com XMail Esmtp QQ Mail Server.",
                          "https://github.com/midoks/imail/wiki/SMTP (telnet smtp.qq.com 25)"},
        .pop3_greeting = {"XMail POP3 Server v1.0 Service Ready(XMail v1.0)",
                          "telnet pop.qq.com 110 captures in published SMTP/POP3 tutorials"},
        .ehlo = {"newxmesmtplogicsvrsza9.qq.com\nPIPELINING\nSIZE 73400320\nSTARTTLS\n"
                 "AUTH LOGIN PLAIN XOAUTH XOAUTH2\nAUTH=LOGIN\nMAILCOMPRESS\n8BITMIME",
                 "host line: https://github.com/midoks/imail/wiki/SMTP (telnet smtp.qq.com 25: "
                 "250-newxmesmtplogicsvrsza9.qq.com, there followed by the client's address and "
                 "a session number); list: telnet smtp.qq.com captures in published tutorials"},
        .auth_needs_tls = {"530 Must issue a STARTTLS command first.",
                           "smtplib debug capture of AUTH PLAIN before STARTTLS at "
                           "smtp.qq.com:25 (published tutorial)"},
        .capa = {NULL, NOT_FOUND "the lab's own CAPA"},
        .smtp_needs_code = {"535 Login Fail. " QQ_535_TAIL, QQ_535_SEEN},
        .smtp_bad = {"535 Login Fail. " QQ_535_TAIL, QQ_535_SEEN},
        .pop3_needs_code = {"-ERR Login fail. " QQ_535_TAIL,
                            NOT_FOUND "the SMTP text as -ERR; " PROVIDER_QQ_HELP},
        .pop3_bad = {"-ERR Login fail. " QQ_535_TAIL,
                     NOT_FOUND "the SMTP text as -ERR; " PROVIDER_QQ_HELP},
        .sender_mismatch = {"501 mail from address must be same as authorization user",
                            "https://github.com/swiftmailer/swiftmailer/issues/92, "
                            "https://github.com/gogs/gogs/issues/6561"},
        .smtp_off = {"535 Login Fail. " QQ_535_TAIL,
                     "no text of its own: with the service off QQ refuses the code like a "
                     "wrong one; " PROVIDER_QQ_HELP},
        .pop3_off = {"-ERR Login fail. " QQ_535_TAIL,
                     "no text of its own: with the service off QQ refuses the code like a "
                     "wrong one; " PROVIDER_QQ_HELP},
        .tenant_auth_off = {NULL, "QQ Mail has no tenants"},
        .smtp_locked = {NULL, NOT_FOUND "QQ documents no lock-out"},
        .pop3_locked = {NULL, NOT_FOUND "QQ documents no lock-out"},
        .secret_name = N_("authorization code"),
        .rule = N_("the user is the full address or the QQ number; only the authorization code "
                   "(授权码) logs in, never the QQ password; AUTH wants STARTTLS first"),
    },
    {
        .name = "163",
        .provider = "NetEase 163/126",
        .domain = "163.com",
        .host = "smtp.163.com",
        .smtp_greeting = {"163.com Anti-spam GT for Coremail System (163com[20141201])",
                          "telnet smtp.163.com 25 captures in published tutorials"},
        .pop3_greeting = {"Welcome to coremail Mail Pop3 Server (163coms)",
                          NOT_FOUND "kept from the lab's first persona"},
        .ehlo =
            {"mail\nPIPELINING\nAUTH LOGIN PLAIN XOAUTH2\nAUTH=LOGIN PLAIN XOAUTH2\n"
             "coremail 1Uxr2xKj7kG0xkI17xGrU7I0s8FY2U3Uj8Cz28x1UUUUU7Ic2I0Y2UFJbpo8UCa0xDrUUUUj\n"
             "STARTTLS\nID\n8BITMIME",
             "curl -v capture of smtp.126.com:25 (EHLO list, 2020s); host line 250-mail: "
             "https://hunterpro.net/archives/282 (telnet smtp.126.com 25)"},
        .auth_needs_tls = {NULL, "captures show AUTH LOGIN accepted in clear on port 25"},
        .capa = {NULL, NOT_FOUND "the lab's own CAPA"},
        .smtp_needs_code =
            {"535 Error: authentication failed",
             "https://github.com/hongrunhui/node_12306/issues/1; " PROVIDER_NETEASE_HELP},
        .smtp_bad = {"535 Error: authentication failed",
                     "https://github.com/lossme/ComicBook/issues/3"},
        .pop3_needs_code = {"-ERR Unable to log on", NOT_FOUND "kept from the lab's first persona"},
        .pop3_bad = {"-ERR Unable to log on", NOT_FOUND "kept from the lab's first persona"},
        .sender_mismatch = {"553 Mail from must equal authorized user",
                            "https://github.com/xuxueli/xxl-job/issues/3858, "
                            "https://github.com/miguelgrinberg/flasky/issues/540"},
        .smtp_off = {"550 User has no permission",
                     "https://github.com/open-falcon/mail-provider/issues/6, "
                     "https://github.com/testerSunshine/12306/issues/62"},
        .pop3_off = {"-ERR Unable to log on", NOT_FOUND "the POP3 refusal kept"},
        .tenant_auth_off = {NULL, "163 has no tenants"},
        .smtp_locked = {NULL, NOT_FOUND "163 documents no lock-out"},
        .pop3_locked = {NULL, NOT_FOUND "163 documents no lock-out"},
        .secret_name = N_("client authorization password"),
        .rule = N_("the user is the full address; only the client authorization password "
                   "(客户端授权密码) logs in, not the web password; POP3/SMTP must be switched on"),
    },
    {
        .name = "gmail",
        .provider = "Gmail",
        .domain = "gmail.com",
        .host = "smtp.gmail.com",
        .smtp_greeting = {"smtp.gmail.com ESMTP " GMAIL_TAG,
                          "published smtp.gmail.com transcripts (220 ... - gsmtp)"},
        .pop3_greeting = {"Gpop ready for requests from 127.0.0.1 lab0123",
                          NOT_FOUND "kept from the lab's first persona"},
        .ehlo = {"smtp.gmail.com at your service, [127.0.0.1]\nSIZE 35882577\n8BITMIME\nSTARTTLS\n"
                 "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\n"
                 "ENHANCEDSTATUSCODES\nPIPELINING\nCHUNKING\nSMTPUTF8",
                 "nodemailer's info.ehlo and openssl s_client captures of smtp.gmail.com:587; "
                 "host line as in http://ehlo.me/2008/11/23/ehlo-is-back/ (250-mx.google.com at "
                 "your service, [client address])"},
        .auth_needs_tls = {"530 5.7.0 Must issue a STARTTLS command first. " GMAIL_TAG,
                           NOT_FOUND "Gmail's widely reported reply to AUTH before STARTTLS"},
        .capa = {"USER\nRESP-CODES\nEXPIRE 0\nLOGIN-DELAY 300\nTOP\nUIDL\nX-GOOGLE-RICO\n"
                 "SASL PLAIN XOAUTH2 OAUTHBEARER",
                 "fetchmail -v capture of pop.gmail.com (CAPA)"},
        .smtp_needs_code =
            {"534-5.7.9 Application-specific password required. Learn more at\n"
             "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor " GMAIL_TAG,
             PROVIDER_GMAIL_APP},
        .smtp_bad = {"535-5.7.8 Username and Password not accepted. Learn more at\n"
                     "535 5.7.8  https://support.google.com/mail/?p=BadCredentials " GMAIL_TAG,
                     "https://support.google.com/mail/?p=BadCredentials"},
        .pop3_needs_code = {"-ERR [AUTH] Application-specific password required: "
                            "https://support.google.com/accounts/answer/185833",
                            PROVIDER_GMAIL_APP},
        .pop3_bad = {"-ERR [AUTH] Username and password not accepted.",
                     NOT_FOUND "Gmail's widely reported POP3 refusal"},
        .sender_mismatch = {NULL, "Gmail accepts another MAIL FROM and rewrites From to the "
                                  "account unless it is a verified 'Send mail as' address"},
        .smtp_off = {NULL, "Gmail has no switch for SMTP"},
        .pop3_off = {"-ERR [SYS/PERM] Your account is not enabled for POP access. Please visit "
                     "your Gmail settings page and enable your account for POP access.",
                     "fetchmail/PHP POP3 client captures quoting Gmail's reply"},
        .tenant_auth_off = {NULL, "Google Workspace has no such switch"},
        .lock_after = 5,
        .lock_minutes = 10,
        .smtp_locked = {"454 4.7.0 Too many login attempts, please try again later. " GMAIL_TAG,
                        "https://github.com/geoffsmith82/GmailAuthSMTP/issues/12"},
        .pop3_locked = {NULL, NOT_FOUND "POP3 answers as for a wrong password"},
        .secret_name = N_("app password"),
        .rule = N_("the user is the full address; with 2-Step Verification on, only an app "
                   "password logs in; AUTH wants STARTTLS first; too many failures lock the "
                   "login for a while"),
    },
    {
        .name = "outlook",
        .provider = "Outlook / Office 365",
        .domain = "outlook.com",
        .host = OUTLOOK_HOST,
        .smtp_greeting = {OUTLOOK_HOST " Microsoft ESMTP MAIL Service ready",
                          "https://github.com/simonrob/email-oauth2-proxy/issues/232"},
        .pop3_greeting = {"The Microsoft Exchange POP3 service is ready.",
                          NOT_FOUND "Exchange's POP3 greeting"},
        .ehlo =
            {OUTLOOK_HOST
             " Hello [127.0.0.1]\nSIZE 157286400\nPIPELINING\nDSN\nENHANCEDSTATUSCODES\nSTARTTLS\n"
             "AUTH LOGIN XOAUTH2\n8BITMIME\nBINARYMIME\nCHUNKING\nSMTPUTF8",
             NOT_FOUND "smtp.office365.com's EHLO as widely published (host line: "
                       "Exchange's 'HOST Hello [client address]')"},
        .auth_needs_tls = {NULL, NOT_FOUND "Exchange Online's reply to AUTH before STARTTLS"},
        .capa = {NULL, NOT_FOUND "the lab's own CAPA"},
        .smtp_needs_code = {"535 5.7.139 Authentication unsuccessful, basic authentication is "
                            "disabled. [" OUTLOOK_HOST "]",
                            "https://github.com/rpremraj/mailR/issues/107; " PROVIDER_MS_SMTP_AUTH},
        .smtp_bad = {"535 5.7.3 Authentication unsuccessful [" OUTLOOK_HOST "]",
                     "https://github.com/mageplaza/magento-2-smtp/issues/108"},
        .pop3_needs_code = {"-ERR Logon failure: unknown user name or bad password.",
                            "https://github.com/pulb/mailnag/issues/200 (outlook.com with an "
                            "app password, 2025)"},
        .pop3_bad = {"-ERR Logon failure: unknown user name or bad password.",
                     "https://github.com/mattnenterprise/rust-pop3/issues/17 (Microsoft "
                     "Exchange POP3, Wireshark)"},
        .sender_mismatch = {"550 5.7.60 SMTP; Client does not have permissions to send as this "
                            "sender",
                            "https://learn.microsoft.com/exchange/mail-flow-best-practices/"
                            "non-delivery-reports-in-exchange-online/"
                            "fix-error-code-5-7-60-smtp-in-exchange-online"},
        .smtp_off = {NULL, NOT_FOUND "per-mailbox SMTP AUTH: see tenant-auth-off"},
        .pop3_off = {NULL, NOT_FOUND "POP3 switched off"},
        .tenant_auth_off =
            {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication "
             "is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled "
             "for more information. [" OUTLOOK_HOST "]",
             "https://github.com/nodemailer/nodemailer/issues/1484; " PROVIDER_MS_SMTP_AUTH},
        .smtp_locked = {NULL, NOT_FOUND "Microsoft documents no SMTP lock-out text"},
        .pop3_locked = {NULL, NOT_FOUND "Microsoft documents no POP3 lock-out text"},
        .secret_name = N_("app password"),
        .rule = N_("the user is the full address; basic authentication is off for the mailbox: "
                   "the password is refused (the code stands for an app password or SMTP AUTH "
                   "switched on); a tenant may disable SMTP AUTH altogether"),
    },
    {
        .name = "yahoo",
        .provider = "Yahoo Mail",
        .domain = "yahoo.com",
        .host = "smtp.mail.yahoo.com",
        .smtp_greeting = {"smtp.mail.yahoo.com ESMTP ready",
                          "https://github.com/PHPMailer/PHPMailer/issues/1287"},
        .pop3_greeting = {"smtpsh lab ready.", NOT_FOUND "the lab's own greeting"},
        .ehlo = {"smtp.mail.yahoo.com\nPIPELINING\nSIZE 41697280\nSTARTTLS\n8BITMIME\n"
                 "AUTH PLAIN LOGIN XOAUTH2 XYMCOOKIE OAUTHBEARER",
                 "https://github.com/zetacomponents/Mail/pull/37 (250-smtp.mail.yahoo.com), "
                 "https://github.com/PHPMailer/PHPMailer/issues/1287 (STARTTLS: port "
                 "587, " PROVIDER_YAHOO_APP ")"},
        .auth_needs_tls = {NULL, NOT_FOUND "the lab offers AUTH in clear on its port 25"},
        .capa = {NULL, NOT_FOUND "the lab's own CAPA"},
        .smtp_needs_code = {"535 5.7.0 (#AUTH005) Too many bad auth attempts.",
                            "https://github.com/nodemailer/nodemailer/issues/1112, "
                            "https://github.com/nedimf/maildroid/issues/17; " PROVIDER_YAHOO_APP},
        .smtp_bad = {"535 5.7.0 (#MBR1212) Incorrect username or password.",
                     "https://github.com/PHPMailer/PHPMailer/issues/1287"},
        .pop3_needs_code = {GENERIC_POP3, NOT_FOUND "Dovecot's text"},
        .pop3_bad = {GENERIC_POP3, NOT_FOUND "Dovecot's text"},
        .sender_mismatch = {NULL, NOT_FOUND "Yahoo's sender check"},
        .smtp_off = {NULL, "Yahoo has no switch for SMTP"},
        .pop3_off = {"-ERR Your account is not enabled for POP access. Please visit options "
                     "section in yahoo mail accounts for enable POP access.",
                     "quoted in a POP3 client's login tests (POP_NOT_ALLOWED_RESPONSE)"},
        .tenant_auth_off = {NULL, "Yahoo has no tenants"},
        .lock_after = 5,
        .lock_minutes = 10,
        .smtp_locked = {"535 5.7.0 (#AUTH005) Too many bad auth attempts.",
                        "https://github.com/PHPMailer/PHPMailer/issues/2034"},
        .pop3_locked = {NULL, NOT_FOUND "POP3 answers as for a wrong password"},
        .secret_name = N_("app password"),
        .rule = N_("the user is the full address; only an app password logs in (the account "
                   "password gets #AUTH005); too many failures lock the login for a while"),
    },
    {
        .name = "icloud",
        .provider = "iCloud Mail",
        .domain = "icloud.com",
        .host = "smtp.mail.me.com",
        .smtp_greeting = {"smtp.mail.me.com ESMTP", NOT_FOUND "the host name and ESMTP only"},
        .pop3_greeting = {"smtpsh lab ready.",
                          "iCloud Mail has no POP3 (IMAP only); the lab's own greeting"},
        .ehlo = {"smtp.mail.me.com\nPIPELINING\nSIZE 28319744\nETRN\nSTARTTLS\n"
                 "AUTH LOGIN PLAIN ATOKEN ATOKEN2 WSTOKEN WETOKEN XOAUTH2\n"
                 "ENHANCEDSTATUSCODES\n8BITMIME\nDSN\nSMTPUTF8",
                 "a published EHLO capture of smtp.mail.me.com:587 (STARTTLS: " PROVIDER_ICLOUD_APP
                 "); " NOT_FOUND "the host line: the service's name"},
        .auth_needs_tls = {NULL, NOT_FOUND "the lab offers AUTH in clear on its port 25"},
        .capa = {NULL, "iCloud Mail has no POP3"},
        .smtp_needs_code = {"535 5.7.8 Authentication credentials invalid",
                            NOT_FOUND "RFC 4954's own words; " PROVIDER_ICLOUD_APP},
        .smtp_bad = {"535 5.7.8 Authentication credentials invalid",
                     NOT_FOUND "RFC 4954's own words"},
        .pop3_needs_code = {GENERIC_POP3, "iCloud Mail has no POP3; Dovecot's text"},
        .pop3_bad = {GENERIC_POP3, "iCloud Mail has no POP3; Dovecot's text"},
        .sender_mismatch = {NULL, NOT_FOUND "iCloud's sender check"},
        .smtp_off = {NULL, "iCloud has no switch for SMTP"},
        .pop3_off = {NULL, "iCloud Mail has no POP3"},
        .tenant_auth_off = {NULL, "iCloud has no tenants"},
        .smtp_locked = {NULL, NOT_FOUND "Apple documents no lock-out text"},
        .pop3_locked = {NULL, "iCloud Mail has no POP3"},
        .secret_name = N_("app-specific password"),
        .rule = N_("the user is the full address; only an app-specific password logs in; "
                   "SMTP is smtp.mail.me.com:587 with STARTTLS and there is no POP3"),
    },
};
const size_t lab_personas_len = sizeof(lab_personas) / sizeof(lab_personas[0]);

const struct lab_persona *lab_persona_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < lab_personas_len; i++)
		if (!strcasecmp(lab_personas[i].name, name))
			return &lab_personas[i];
	return NULL;
}

const struct lab_said *lab_persona_flag_refusal(const struct lab_persona *p,
                                                enum lab_persona_flag f, enum proto proto)
{
	const struct lab_said *s = NULL;
	switch (f) {
	case LAB_PERSONA_AS_IS:
	case LAB_PERSONA_FLAGS: return NULL;
	case LAB_PERSONA_SMTP_OFF: s = proto == PROTO_SMTP ? &p->smtp_off : NULL; break;
	case LAB_PERSONA_POP3_OFF: s = proto == PROTO_POP3 ? &p->pop3_off : NULL; break;
	case LAB_PERSONA_TENANT_AUTH_OFF:
		s = proto == PROTO_SMTP ? &p->tenant_auth_off : NULL;
		break;
	}
	return s && s->text ? s : NULL;
}

enum smtpsh_err lab_persona_parse(struct lab_persona_run *run, const char *spec,
                                  struct smtpsh_msg *msg)
{
	memset(run, 0, sizeof(*run));
	if (!spec || !*spec || !strcasecmp(spec, "none"))
		return SMTPSH_OK;
	char name[32];
	size_t n = strcspn(spec, ":");
	snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1), spec);
	run->row = lab_persona_find(name);
	if (!run->row || n >= sizeof(name))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "unknown persona '%s': qq, 163, gmail, outlook, yahoo or icloud",
		                   spec);
	if (!spec[n])
		return SMTPSH_OK;
	const char *flag = spec + n + 1;
	for (int f = LAB_PERSONA_SMTP_OFF; f < LAB_PERSONA_FLAGS; f++) {
		if (strcasecmp(flag, lab_persona_flag_names[f]))
			continue;
		enum lab_persona_flag pf = (enum lab_persona_flag)f;
		if (!lab_persona_flag_refusal(run->row, pf, PROTO_SMTP) &&
		    !lab_persona_flag_refusal(run->row, pf, PROTO_POP3))
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "persona %s has no '%s' (%s does not refuse that way)",
			                   run->row->name, flag, _(run->row->provider));
		run->flag = pf;
		return SMTPSH_OK;
	}
	return smtpsh_fail(msg, SMTPSH_EINVAL,
	                   "unknown persona option '%s': smtp-off, pop3-off or tenant-auth-off",
	                   flag);
}

static struct lab_lock *lock_slot(struct lab_persona_run *run, const char *user, bool make)
{
	struct lab_lock *oldest = &run->locks[0];
	for (size_t i = 0; i < LAB_LOCK_SLOTS; i++) {
		struct lab_lock *l = &run->locks[i];
		if (l->user[0] && !strcasecmp(l->user, user))
			return l;
		if (!l->user[0] || (oldest->user[0] && l->failures < oldest->failures))
			oldest = l;
	}
	if (!make)
		return NULL;
	/* Full: the account with the fewest failures makes room (bounded). */
	memset(oldest, 0, sizeof(*oldest));
	snprintf(oldest->user, sizeof(oldest->user), "%s", user);
	return oldest;
}

bool lab_persona_locked(const struct lab_persona_run *run, const char *user, time_t now)
{
	if (!run || !run->row || !run->row->lock_after)
		return false;
	for (size_t i = 0; i < LAB_LOCK_SLOTS; i++)
		if (run->locks[i].user[0] && !strcasecmp(run->locks[i].user, user))
			return run->locks[i].until > now;
	return false;
}

bool lab_persona_failed(struct lab_persona_run *run, const char *user, time_t now)
{
	if (!run || !run->row || !run->row->lock_after)
		return false;
	struct lab_lock *l = lock_slot(run, user, true);
	if (l->until && l->until <= now) { /* the lock ran out: count again */
		l->until = 0;
		l->failures = 0;
	}
	if (++l->failures >= run->row->lock_after && !l->until)
		l->until = now + (time_t)run->row->lock_minutes * 60;
	return l->until > now;
}

void lab_persona_succeeded(struct lab_persona_run *run, const char *user)
{
	if (!run || !run->row)
		return;
	struct lab_lock *l = lock_slot(run, user, false);
	if (l)
		memset(l, 0, sizeof(*l));
}

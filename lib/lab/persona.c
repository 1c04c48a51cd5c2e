/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personas: real providers' login rules and failure texts, so that a
 * student can practise the diagnosis offline.  Data only.  The texts are
 * what users report meeting (see the reference notes on provider
 * failures); greetings are close imitations, not captures. */
#include <string.h>
#include <strings.h>

#include "lab/persona.h"

#define QQ_HELP "http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256"
#define OUTLOOK_HOST "LAB0001.outlook.office365.com"

const struct lab_persona lab_personas[] = {
    {
        .name = "qq",
        .provider = "QQ Mail",
        .domain = "qq.com",
        .host = "smtp.qq.com",
        .smtp_greeting = "smtp.qq.com XMail Esmtp QQ Mail Server.",
        .pop3_greeting = "XMail POP3 Server v1.0 Service Ready(XMail v1.0)",
        .code_only = true,
        .smtp_needs_code = "535 Login Fail. Please enter your authorization code to login. "
                           "More information in " QQ_HELP,
        .smtp_bad = "535 Login Fail. Please enter your authorization code to login. "
                    "More information in " QQ_HELP,
        .pop3_needs_code = "-ERR Login fail. Please enter your authorization code to login. "
                           "More information in " QQ_HELP,
        .pop3_bad = "-ERR Login fail. Please enter your authorization code to login. "
                    "More information in " QQ_HELP,
        .rule = "only the authorization code (授权码) logs in, never the QQ password; "
                "port 587 wants STARTTLS first",
        .source = QQ_HELP,
    },
    {
        .name = "163",
        .provider = "NetEase 163 Mail",
        .domain = "163.com",
        .host = "smtp.163.com",
        .smtp_greeting = "163.com Anti-spam GT for Coremail System (163com[20141201])",
        .pop3_greeting = "Welcome to coremail Mail Pop3 Server (163coms)",
        .code_only = true,
        .smtp_needs_code = "535 Error: authentication failed",
        .smtp_bad = "535 Error: authentication failed",
        .pop3_needs_code = "-ERR Unable to log on",
        .pop3_bad = "-ERR Unable to log on",
        .rule = "only the client authorization password (客户端授权密码) logs in, not the web "
                "password; POP3/SMTP must be switched on in the settings",
        .source = "help.mail.163.com: 客户端授权密码 (client authorization password)",
    },
    {
        .name = "gmail",
        .provider = "Gmail",
        .domain = "gmail.com",
        .host = "smtp.gmail.com",
        .smtp_greeting = "smtp.gmail.com ESMTP lab0123 - gsmtp",
        .pop3_greeting = "Gpop ready for requests from 127.0.0.1 lab0123",
        .code_only = true,
        .smtp_needs_code =
            "534-5.7.9 Application-specific password required. Learn more at\n"
            "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor lab0123 - gsmtp",
        .smtp_bad = "535-5.7.8 Username and Password not accepted. Learn more at\n"
                    "535 5.7.8  https://support.google.com/mail/?p=BadCredentials lab0123 - gsmtp",
        .pop3_needs_code = "-ERR [AUTH] Application-specific password required: "
                           "https://support.google.com/accounts/answer/185833",
        .pop3_bad = "-ERR [AUTH] Username and password not accepted.",
        .rule = "with 2-Step Verification on, only an app password logs in (the authcode "
                "plays it here)",
        .source = "https://support.google.com/accounts/answer/185833",
    },
    {
        .name = "outlook",
        .provider = "Outlook / Office 365",
        .domain = "outlook.com",
        .host = OUTLOOK_HOST,
        .smtp_greeting = OUTLOOK_HOST " Microsoft ESMTP MAIL Service ready",
        .pop3_greeting = "The Microsoft Exchange POP3 service is ready. [TEFCMDAwMQ==]",
        .code_only = true,
        .smtp_needs_code = "535 5.7.139 Authentication unsuccessful, basic authentication is "
                           "disabled. [" OUTLOOK_HOST "]",
        .smtp_bad = "535 5.7.3 Authentication unsuccessful [" OUTLOOK_HOST "]",
        .pop3_needs_code = "-ERR Logon failure: unknown user name or bad password.",
        .pop3_bad = "-ERR Logon failure: unknown user name or bad password.",
        .rule = "basic authentication is off for the mailbox: the password is refused "
                "(the authcode stands for an app password or SMTP AUTH switched on)",
        .source = "https://learn.microsoft.com/en-us/exchange/"
                  "clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission",
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

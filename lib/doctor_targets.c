/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "doctor_targets.h"

#include <string.h>
#include <strings.h>

#include "provider.h"

#define QQ "QQ Mail"
#define NETEASE "NetEase 163/126"
#define MS "Outlook / Office 365"
/* Chinese providers' own pages are not stored here: these rows cite the
 * published server lists they were checked against. */
#define CN_LIST "http://zixun.rcj99.com/bzwd/202509/570365.html (server and SSL port table)"
#define NETEASE_SERVERS PROVIDER_NETEASE_HELP "; " CN_LIST
#define MS_SERVERS                                                                                 \
	"https://support.microsoft.com/office/"                                                    \
	"pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040"

const struct doctor_target doctor_targets[] = {
    {"qq.com", QQ, "smtp.qq.com", 465, 587, "pop.qq.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     PROVIDER_QQ_HELP},
    {"foxmail.com", QQ, "smtp.qq.com", 465, 587, "pop.qq.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     PROVIDER_QQ_HELP},
    {"exmail.qq.com", QQ, "smtp.exmail.qq.com", 465, 0, "pop.exmail.qq.com", 995, 110,
     DOCTOR_SECRET_PASSWORD,
     "http://t.zoukankan.com/lisicn-p-14858051.html (Exmail: the account password, no code)"},
    {"163.com", NETEASE, "smtp.163.com", 465, 0, "pop.163.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     NETEASE_SERVERS},
    {"126.com", NETEASE, "smtp.126.com", 465, 0, "pop.126.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     NETEASE_SERVERS},
    {"yeah.net", NETEASE, "smtp.yeah.net", 465, 0, "pop.yeah.net", 995, 110,
     DOCTOR_SECRET_AUTH_CODE, NETEASE_SERVERS},
    {"sina.com", NULL, "smtp.sina.com", 465, 0, "pop.sina.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     "https://xiayuyun.com/zonghe/634029.html (smtp/pop3.sina.com.cn; sina.com names assumed)"},
    {"sohu.com", NULL, "smtp.sohu.com", 465, 0, "pop3.sohu.com", 995, 110, DOCTOR_SECRET_AUTH_CODE,
     "https://topic.alibabacloud.com/a/what-is-an-smtp-server_8_8_10226040.html (hosts; SSL "
     "ports assumed)"},
    {"aliyun.com", NULL, "smtp.aliyun.com", 465, 0, "pop3.aliyun.com", 995, 110,
     DOCTOR_SECRET_PASSWORD, "https://onionseo.com/2445.html (aliyun: smtp 465 SSL, pop3 995 SSL)"},
    {"gmail.com", "Gmail", "smtp.gmail.com", 465, 587, "pop.gmail.com", 995, 0,
     DOCTOR_SECRET_APP_PASSWORD, "https://support.google.com/mail/answer/7126229"},
    {"outlook.com", MS, "smtp-mail.outlook.com", 0, 587, "outlook.office365.com", 995, 0,
     DOCTOR_SECRET_APP_PASSWORD, MS_SERVERS},
    {"hotmail.com", MS, "smtp-mail.outlook.com", 0, 587, "outlook.office365.com", 995, 0,
     DOCTOR_SECRET_APP_PASSWORD, MS_SERVERS},
    {"live.com", MS, "smtp-mail.outlook.com", 0, 587, "outlook.office365.com", 995, 0,
     DOCTOR_SECRET_APP_PASSWORD, MS_SERVERS},
    {"yahoo.com", "Yahoo Mail", "smtp.mail.yahoo.com", 465, 587, "pop.mail.yahoo.com", 995, 0,
     DOCTOR_SECRET_APP_PASSWORD, "https://help.yahoo.com/kb/SLN4724.html"},
    {"icloud.com", "iCloud Mail", "smtp.mail.me.com", 0, 587, NULL, 0, 0,
     DOCTOR_SECRET_APP_PASSWORD, "https://support.apple.com/en-us/102525"},
};
const size_t doctor_targets_len = sizeof(doctor_targets) / sizeof(doctor_targets[0]);

const char *doctor_address_domain(const char *address)
{
	const char *at = strrchr(address, '@');
	return at ? at + 1 : address;
}

const struct doctor_target *doctor_target_find(const char *address)
{
	const char *domain = doctor_address_domain(address);
	for (size_t i = 0; i < doctor_targets_len; i++)
		if (!strcasecmp(doctor_targets[i].domain, domain))
			return &doctor_targets[i];
	return NULL;
}

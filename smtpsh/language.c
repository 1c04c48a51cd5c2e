/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The language smtpsh speaks: --lang zh|en, else LC_ALL / LC_MESSAGES /
 * LANG as usual.  A student's machine often has LANG=zh_CN.UTF-8 set but
 * the locale not generated (setlocale fails); the catalogue is then still
 * used, through LANGUAGE and the built-in C.UTF-8 locale, so that the
 * Chinese does not depend on `locale-gen`.  Output is always UTF-8. */
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "shell.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

/* The first of the variables gettext reads for messages that is set. */
static const char *messages_locale_env(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return "";
}

/* "zh" or "en" from a --lang value or a locale name ("zh_CN.UTF-8"). */
static const char *language_of(const char *name)
{
	if (!strncmp(name, "zh", 2))
		return "zh";
	return "en";
}

/* build/locale beside a binary run from the build tree, else LOCALEDIR. */
static void bind_catalogue(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	const char *dir = LOCALEDIR;
	char near[PATH_MAX];
	struct stat st;
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(near, sizeof(near), "%s/locale", exe);
			if (stat(near, &st) == 0 && S_ISDIR(st.st_mode))
				dir = near;
		}
	}
	bindtextdomain(SMTPSH_TEXT_DOMAIN, dir);
	bind_textdomain_codeset(SMTPSH_TEXT_DOMAIN, "UTF-8");
}

/* --lang VALUE or --lang=VALUE anywhere before "--"; NULL when absent. */
static const char *lang_option(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--lang=", 7))
			return argv[i] + 7;
	}
	return NULL;
}

void i18n_init(int argc, char **argv)
{
	/* LC_CTYPE for wcwidth() and readline's multibyte input; not
	 * LC_NUMERIC and the rest: figures stay "1.5", never "1,5". */
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8"))
		setlocale(LC_CTYPE, "C.UTF-8");
	const char *lang = lang_option(argc, argv);
	bool messages_ok = setlocale(LC_MESSAGES, "") != NULL;
	const char *want = language_of(lang ? lang : messages_locale_env());
	const char *now = setlocale(LC_MESSAGES, NULL);
	/* gettext ignores LANGUAGE in the "C" locale: C.UTF-8 is not "C" */
	if (!messages_ok || !now || !strcmp(now, "C") || !strcmp(now, "POSIX"))
		setlocale(LC_MESSAGES, "C.UTF-8");
	if (lang || !messages_ok)
		setenv("LANGUAGE", !strcmp(want, "zh") ? "zh_CN" : "en", 1);
	bind_catalogue();
}

bool i18n_lang_valid(const char *value)
{
	return !strcmp(value, "zh") || !strcmp(value, "en") || !strncmp(value, "zh_", 3) ||
	       !strncmp(value, "en_", 3);
}

const char *i18n_language(void)
{
	const char *now = setlocale(LC_MESSAGES, NULL);
	/* gettext translates nothing in the "C" locale, LANGUAGE or not */
	if (!now || !strcmp(now, "C") || !strcmp(now, "POSIX"))
		return "en";
	const char *list = getenv("LANGUAGE");
	/* LANGUAGE is a priority list ("zh_CN:en"): its first language we
	 * have a catalogue for (English needs none) is the one shown */
	for (const char *p = list; p && *p; p += strcspn(p, ":"), p += *p == ':') {
		if (!strncmp(p, "zh", 2))
			return "zh";
		if (!strncmp(p, "en", 2))
			return "en";
	}
	return language_of(now);
}

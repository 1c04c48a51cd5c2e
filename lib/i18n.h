/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Words for people go through GNU gettext (glibc's libintl), domain
 * "smtpsh"; catalogues are po/LANG.po, compiled by msgfmt at build time.
 * _() translates now; N_() marks a string in a table for xgettext, and
 * whoever shows it translates it then with _().  Protocol text (commands,
 * replies, headers) is never marked: it is the same in every language.
 * dgettext, not gettext: lib/ must not depend on textdomain() having
 * been called (unit tests, fuzzers).  English is the msgid: without a
 * catalogue or a locale everything stays English. */
#ifndef SMTPSH_I18N_H
#define SMTPSH_I18N_H

#include <libintl.h>

#define SMTPSH_TEXT_DOMAIN "smtpsh"
#define _(s) dgettext(SMTPSH_TEXT_DOMAIN, s)
#define N_(s) s

#endif

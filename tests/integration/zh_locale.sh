# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the Chinese (zh) integration tests: makes sure the locale
# zh_CN.UTF-8 exists, so that LANG=zh_CN.UTF-8 runs as on a student's
# machine (Debian's `locales` package, in tools/deps.sh's test set).
# Generated when missing; that needs root, as CI and the dev containers
# run.  Without it smtpsh still speaks Chinese (LANGUAGE + C.UTF-8), so a
# non-root run goes on and says which path it tests.  Sets ZH_LOCALE to
# "generated" or "missing".
zh_locale_present() {
	locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'
}
if zh_locale_present; then
	ZH_LOCALE=generated
elif [ "$(id -u)" = 0 ] && command -v localedef >/dev/null &&
	localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 2>/dev/null && zh_locale_present; then
	ZH_LOCALE=generated
else
	ZH_LOCALE=missing
	echo "note: zh_CN.UTF-8 could not be generated (not root, or no 'locales'): testing smtpsh's own fallback"
fi
export ZH_LOCALE

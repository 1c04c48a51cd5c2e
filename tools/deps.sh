#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages smtpsh needs, when missing.  Arguments name
# the sets: build, test, peers, fuzz, format.  Without root or sudo, prints the command.
set -eu
pkgs=""
for set in "$@"; do
	case $set in
	build) pkgs="$pkgs gcc make pkg-config libreadline-dev libssl-dev gettext" ;;
	test) pkgs="$pkgs groff-base libcmocka-dev python3 tmux openssl time swaks libnet-ssleay-perl libio-socket-ssl-perl curl libpython3.11-testsuite locales s-nail chromium" ;;
	fuzz) pkgs="$pkgs clang libclang-rt-dev" ;;
	format) pkgs="$pkgs clang-format" ;;
	# swaks speaks TLS only with the two Perl modules (Recommends, not Depends)
	peers) pkgs="$pkgs postfix dovecot-core dovecot-pop3d swaks libnet-ssleay-perl libio-socket-ssl-perl openssl python3" ;;
	*) echo "deps.sh: unknown set '$set' (build, test, peers, fuzz, format)" >&2; exit 2 ;;
	esac
done
missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"
else
	echo "smtpsh needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
echo "installing:$missing" >&2
# Postfix asks questions at install time; answer them (local only).
if echo "$missing" | grep -q postfix; then
	printf '%s\n' "postfix postfix/main_mailer_type select Local only" \
		"postfix postfix/mailname string smtpsh.test" | $sudo debconf-set-selections
fi
# Never let package scripts start daemons with Debian's defaults.
# Remove our policy-rc.d even when apt-get fails (set -e would skip it).
policy=/usr/sbin/policy-rc.d
if [ ! -e $policy ]; then
	trap '$sudo rm -f $policy' EXIT
	printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null
	$sudo chmod 755 $policy
fi
# sudo resets the environment (env_reset), so an exported DEBIAN_FRONTEND
# would not reach apt-get/debconf; pass it on the command line instead.
apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get"
$apt update -q >/dev/null || $apt update
$apt install -y -q --no-install-recommends $missing >/dev/null
exit 0

# SPDX-License-Identifier: GPL-3.0-or-later
# smtpsh: the only build system.  `make` builds build/smtpsh.
#   make run          build, start the practice lab and open a shell on it
#   make deps         install the Debian packages needed (or print the command)
#   make test         unit tests + integration tests that need no system service
#   make test-peers   integration tests against real Postfix + Dovecot (installs
#                     and starts them on loopback: changes system services)
#   make SAN=1 ...    the same under AddressSanitizer + UBSan (in build-san/)
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SAN),1)
B := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B := build
SANFLAGS :=
endif

# Truncation by snprintf is intended (bounded buffers); clang lacks the flag.
NO_TRUNC := $(shell $(CC) -Werror -Wno-format-truncation -E -x c /dev/null >/dev/null 2>&1 && echo -Wno-format-truncation)
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wno-format-nonliteral $(NO_TRUNC)
ifeq ($(WERROR),1)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
SSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
SSL_LIBS := $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null || echo -lssl -lcrypto)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(SANFLAGS) $(SSL_CFLAGS) -Ilib $(CFLAGS) -MMD -MP \
	-DLOCALEDIR='"$(PREFIX)/share/locale"'
LIBS := $(SSL_LIBS)
LDFLAGS += $(SANFLAGS)

LIB_SRC := $(wildcard lib/*.c lib/lab/*.c lib/mime/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o)
APP_SRC := $(wildcard smtpsh/*.c)
APP_OBJ := $(APP_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

# Catalogues (GNU gettext): po/LANG.po, plus po/parts/LANG-*.po while a
# translation is split by area, checked and compiled by msgfmt into
# $(B)/locale, where a binary run from the build tree finds them.
LANGS := zh_CN
MO := $(LANGS:%=$(B)/locale/%/LC_MESSAGES/smtpsh.mo)
# The functions that take a format and translate it themselves.
XGETTEXT_KEYS := -k_ -kN_ -krender_note:2 -krender_warning:2 -krender_event:2 -krender_info:2 \
	-krender_prompt:2 -ksmtpsh_fail:3 -kemit_error:5 --flag=emit_error:5:c-format -kevent_error:2 \
	--flag=event_error:2:c-format \
	--flag=render_note:2:c-format \
	--flag=render_warning:2:c-format --flag=render_event:2:c-format \
	--flag=render_info:2:c-format --flag=render_prompt:2:c-format \
	--flag=smtpsh_fail:3:c-format

.PHONY: pot po-check format-check all deps run test test-unit test-integration test-valgrind test-peers install uninstall clean format bench fuzz

all: $(B)/smtpsh $(MO)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libsmtpsh.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/smtpsh: $(APP_OBJ) $(B)/libsmtpsh.a | $(MO)
	$(CC) $(LDFLAGS) -o $@ $(APP_OBJ) $(B)/libsmtpsh.a -lreadline $(LIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libsmtpsh.a | $(MO)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(B)/libsmtpsh.a -lcmocka $(LIBS)

deps:
	@sh tools/deps.sh build test

# The main job: a shell on the built-in practice server.
run: $(B)/smtpsh
	@$(B)/smtpsh --lab

test: test-unit test-integration

test-unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

test-integration: $(B)/smtpsh
	@SMTPSH=$(abspath $(B)/smtpsh) SMTPSH_SAN=$(SAN) sh tests/integration/run.sh

# The unit tests and the script-mode integration suites under valgrind
# memcheck (0 errors, 0 leaks wanted).  Memory bounds are not checked
# there: valgrind's own footprint would hide them.  Left to the other
# passes (plain and ASan), to keep CI within its time: the Chinese re-runs
# (t_zh_*: the same paths with the other catalogue, two or three runs
# each), the docs check, the Chromium page, and the suites that start a
# lab per provider persona (t_personas, t_explain_pasted, t_doctor: 4 to
# 8 minutes under valgrind; their lib code runs under valgrind in the unit
# tests, their engines in t_lab).
VALGRIND_SKIP := $(wildcard tests/integration/t_zh_*.sh) tests/integration/t_docs_zh.sh \
	tests/integration/t_show_html.sh tests/integration/t_personas.sh \
	tests/integration/t_explain_pasted.sh tests/integration/t_doctor.sh
VALGRIND_TESTS := $(basename $(notdir $(filter-out $(VALGRIND_SKIP),$(wildcard tests/integration/t_*.sh))))
test-valgrind: build/smtpsh $(UNIT_SRC:tests/unit/%.c=build/tests/%)
	@VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" \
		sh tests/unit/run.sh $(UNIT_SRC:tests/unit/%.c=build/tests/%)
	@SMTPSH=$(abspath tools/valgrind-smtpsh) SMTPSH_SAN=1 sh tests/integration/run.sh $(VALGRIND_TESTS)

test-peers: $(B)/smtpsh
	@sh tools/deps.sh peers
	@SMTPSH=$(abspath $(B)/smtpsh) SMTPSH_SAN=$(SAN) sh tests/peers/run.sh

# libFuzzer targets (clang), FUZZ_SECONDS each (default 30)
fuzz:
	@bash tests/fuzz/run.sh

bench: $(B)/smtpsh
	@SMTPSH=$(abspath $(B)/smtpsh) sh bench/run.sh
	@SMTPSH=$(abspath $(B)/smtpsh) bash bench/mime.sh

install: $(B)/smtpsh $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/smtpsh $(DESTDIR)$(PREFIX)/bin/smtpsh
	install -m 0644 docs/smtpsh.1 $(DESTDIR)$(PREFIX)/share/man/man1/smtpsh.1
	install -d $(DESTDIR)$(PREFIX)/share/smtpsh/transcripts
	install -m 0644 transcripts/*.txt $(DESTDIR)$(PREFIX)/share/smtpsh/transcripts/
	for l in $(LANGS); do \
		install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES $(DESTDIR)$(PREFIX)/share/man/$$l/man1 && \
		install -m 0644 $(B)/locale/$$l/LC_MESSAGES/smtpsh.mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/smtpsh.mo && \
		install -m 0644 docs/smtpsh.$$l.1 $(DESTDIR)$(PREFIX)/share/man/$$l/man1/smtpsh.1 || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/smtpsh $(DESTDIR)$(PREFIX)/share/man/man1/smtpsh.1
	rm -rf $(DESTDIR)$(PREFIX)/share/smtpsh/transcripts
	for l in $(LANGS); do rm -f $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/smtpsh.mo \
		$(DESTDIR)$(PREFIX)/share/man/$$l/man1/smtpsh.1; done

.SECONDEXPANSION:
$(B)/locale/%/LC_MESSAGES/smtpsh.mo: $$(wildcard po/$$*.po po/parts/$$*-*.po)
	@mkdir -p $(dir $@)
	msgcat --use-first -o $(B)/$*.po $^
	msgfmt --check -o $@ $(B)/$*.po

# The template: every marked string in the sources.
pot: $(B)/smtpsh.pot
$(B)/smtpsh.pot: $(LIB_SRC) $(APP_SRC) $(wildcard lib/*.h lib/*/*.h smtpsh/*.h)
	@mkdir -p $(B)
	xgettext --from-code=UTF-8 -L C $(XGETTEXT_KEYS) --add-comments=TRANSLATORS: \
		--package-name=smtpsh --msgid-bugs-address= -o $@ $(LIB_SRC) $(APP_SRC)

# CI: every msgid translated, none fuzzy, formats matching (msgfmt
# --check), and no user-visible string left outside gettext.
po-check: $(B)/smtpsh.pot $(MO)
	@sh tools/po_check.sh $(B)/smtpsh.pot $(LANGS)

FORMAT_SRC = lib/*.[ch] lib/lab/*.[ch] lib/mime/*.[ch] smtpsh/*.[ch] tests/unit/*.c tests/fuzz/*.c
# Twice: clang-format 14 settles some braced initialisers only on its
# second pass; after that a pass changes nothing (format-check holds it).
format:
	clang-format -i $(FORMAT_SRC)
	clang-format -i $(FORMAT_SRC)

# CI: fails when `make format` would change a file.
format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRC) && echo "format: every file is formatted"

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(APP_OBJ:.o=.d)

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's Maildir store in a temporary directory: delivery to several
 * users, listing with POP3 sizes, reading back, the POP3 lock, deletions
 * at UPDATE, and what survives a restart. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab/lab.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_lab_store.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void deliver(struct lab_store *st, const char *text, const char *const *users, size_t n,
                    char *id, size_t idn)
{
	struct lab_spool sp;
	assert_int_equal(lab_spool_begin(st, &sp), SMTPSH_OK);
	assert_int_equal(lab_spool_write(&sp, text, strlen(text)), SMTPSH_OK);
	struct lab_delivery d = {&sp, users, n, false};
	lab_store_commit(st, &d, 1);
	assert_true(d.ok);
	snprintf(id, idn, "%s", sp.id);
}

static char *read_all(int fd)
{
	static char b[65536];
	ssize_t n = read(fd, b, sizeof(b) - 1);
	assert_true(n >= 0);
	b[n] = '\0';
	close(fd);
	return b;
}

static void round_trip(void **state)
{
	(void)state;
	struct lab_store st;
	struct smtpsh_msg why;
	char id[64];
	assert_int_equal(lab_store_open(&st, dir, &why), SMTPSH_OK);
	static const char *const both[] = {"alice", "bob"};
	static const char *const bob[] = {"bob"};
	deliver(&st, "Subject: one\n\nfirst\n", both, 2, id, sizeof(id));
	assert_int_equal(strlen(id), 10);
	deliver(&st, "Subject: two\n\n.dot\n", bob, 1, id, sizeof(id));
	assert_int_equal(st.delivered, 2);
	assert_int_equal(lab_store_count(&st, "bob"), 2);
	assert_int_equal(lab_store_count(&st, "alice"), 1);
	assert_int_equal(lab_store_count(&st, "carol"), 0);

	struct lab_maildrop drop;
	assert_int_equal(lab_store_maildrop_open(&st, "bob", &drop), LAB_DROP_OK);
	assert_int_equal(drop.n, 2);
	assert_int_equal(drop.v[0].octets, strlen("Subject: one\r\n\r\nfirst\r\n"));
	assert_int_equal(drop.v[1].octets, strlen("Subject: two\r\n\r\n.dot\r\n"));
	assert_true(strlen(drop.v[0].uid) > 10 && strlen(drop.v[0].uid) < 71);
	assert_string_not_equal(drop.v[0].uid, drop.v[1].uid);
	assert_string_equal(read_all(lab_store_message_open(&st, &drop, 1)),
	                    "Subject: two\n\n.dot\n");
	assert_int_equal(lab_store_message_open(&st, &drop, 2), -1);

	/* a second session on the same mailbox is refused */
	struct lab_maildrop other;
	assert_int_equal(lab_store_maildrop_open(&st, "bob", &other), LAB_DROP_IN_USE);
	assert_int_equal(lab_store_maildrop_open(&st, "alice", &other), LAB_DROP_OK);
	lab_store_maildrop_close(&other);

	char uid1[LAB_UID_MAX];
	snprintf(uid1, sizeof(uid1), "%s", drop.v[1].uid);
	drop.v[0].deleted = true;
	assert_true(lab_store_maildrop_commit(&st, &drop));
	lab_store_maildrop_close(&drop);
	assert_int_equal(lab_store_count(&st, "bob"), 1);
	/* alice's copy is another name for the same file: still there */
	assert_int_equal(lab_store_count(&st, "alice"), 1);

	/* a restart: same messages, same unique ids; stale spool files go */
	char stale[400];
	snprintf(stale, sizeof(stale), "%s/spool/123.half-written", dir);
	int fd = open(stale, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct lab_store again;
	assert_int_equal(lab_store_open(&again, dir, &why), SMTPSH_OK);
	assert_int_equal(access(stale, F_OK), -1);
	assert_int_equal(lab_store_maildrop_open(&again, "bob", &drop), LAB_DROP_OK);
	assert_int_equal(drop.n, 1);
	assert_string_equal(drop.v[0].uid, uid1);
	lab_store_maildrop_close(&drop);
}

static void foreign_files_and_aborts(void **state)
{
	(void)state;
	struct lab_store st;
	struct smtpsh_msg why;
	assert_int_equal(lab_store_open(&st, dir, &why), SMTPSH_OK);
	assert_int_equal(lab_store_add_user(&st, "carol"), SMTPSH_OK);
	/* a message dropped in by another tool: no ,W= in its name */
	char path[400];
	snprintf(path, sizeof(path), "%s/mail/carol/cur/1.foreign:2,S", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("a\nb\r\nc", f);
	fclose(f);
	struct lab_maildrop drop;
	assert_int_equal(lab_store_maildrop_open(&st, "carol", &drop), LAB_DROP_OK);
	assert_int_equal(drop.n, 1);
	assert_string_equal(drop.v[0].uid, "1.foreign");
	assert_int_equal(drop.v[0].octets, strlen("a\r\nb\r\nc\r\n"));
	lab_store_maildrop_close(&drop);

	struct lab_spool sp;
	assert_int_equal(lab_spool_begin(&st, &sp), SMTPSH_OK);
	lab_spool_write(&sp, "x\n", 2);
	lab_spool_abort(&sp);
	assert_int_equal(access(sp.path, F_OK), -1);
	DIR *d = opendir(dir);
	assert_non_null(d);
	closedir(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(foreign_files_and_aborts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

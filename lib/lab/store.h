/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's Maildir store (store.c). */
#ifndef SMTPSH_LAB_STORE_H
#define SMTPSH_LAB_STORE_H

#include "lab/base.h"

struct lab_msg {
	char uid[LAB_UID_MAX];
	char file[256]; /* name under new/ or cur/ ("new/...") */
	size_t octets;  /* size as sent: CRLF line endings */
	bool deleted;
};

struct lab_maildrop {
	struct lab_msg *v;
	size_t n;
	int lock_fd;
	char user[LAB_NAME_MAX];
};

enum lab_drop_status { LAB_DROP_OK, LAB_DROP_IN_USE, LAB_DROP_FAILED };

/* ---- the Maildir store (lab_store.c) ----
 *
 * DIR/mail/USER/{tmp,new,cur}/ per user; DIR/spool/ for messages being
 * received.  A message is written to the spool, fsync'd, linked into each
 * recipient's tmp/, renamed into new/, and each new/ directory fsync'd,
 * all before the 250.  Files hold LF line ends; names carry ",S=" (bytes
 * on disk) and ",W=" (octets as POP3 sends them). */

struct lab_store {
	char dir[4096];
	unsigned seq;
	unsigned long delivered; /* messages committed since start */
};

/* Returns SMTPSH_OK, SMTPSH_EINVAL (the path is too long) or SMTPSH_EIO
 * (the store cannot be made), with words in msg. */
enum smtpsh_err lab_store_open(struct lab_store *st, const char *dir, struct smtpsh_msg *msg);
/* Creates DIR/mail/USER/{tmp,new,cur}. */
enum smtpsh_err lab_store_add_user(struct lab_store *st, const char *user);

struct lab_spool {
	int fd;
	char path[4200];
	char id[64];        /* the queue id shown in "250 ... queued as" */
	char name[128];     /* the Maildir base name it gets */
	size_t bytes;       /* on disk */
	size_t octets;      /* as POP3 will send it */
	struct buf pending; /* written in blocks */
	bool failed;
};
enum smtpsh_err lab_spool_begin(struct lab_store *st, struct lab_spool *sp);
/* Appends text (LF line ends). */
enum smtpsh_err lab_spool_write(struct lab_spool *sp, const char *p, size_t n);
void lab_spool_abort(struct lab_spool *sp);

/* One message of a commit batch. */
struct lab_delivery {
	struct lab_spool *spool;
	const char *const *users; /* recipients' user names */
	size_t nusers;
	bool ok; /* result */
};
/* Group commit: fsyncs every spool, links each into its recipients'
 * mailboxes, then fsyncs each new/ directory once.  ok says per message
 * whether it is safely stored; the spools are closed and removed. */
void lab_store_commit(struct lab_store *st, struct lab_delivery *d, size_t n);

enum lab_drop_status lab_store_maildrop_open(struct lab_store *st, const char *user,
                                             struct lab_maildrop *drop);
bool lab_store_maildrop_commit(struct lab_store *st, struct lab_maildrop *drop);
void lab_store_maildrop_close(struct lab_maildrop *drop);
/* An open read-only descriptor for message i, or -1. */
int lab_store_message_open(struct lab_store *st, const struct lab_maildrop *drop, size_t i);
/* Messages waiting in user's mailbox (new/ + cur/). */
size_t lab_store_count(struct lab_store *st, const char *user);

#endif

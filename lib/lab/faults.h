/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Faults the lab injects on purpose (faults.c). */
#ifndef SMTPSH_LAB_FAULTS_H
#define SMTPSH_LAB_FAULTS_H

#include "lab/base.h"

/* The --faults spec:
 *
 * SPEC = ITEM *("," ITEM)
 * ITEM = "seed=" NUMBER
 *      | KIND ["@" VERB] [":" CHANCE]
 * KIND = "421" | "451" | "454" | "drop" | "slow" ["=" MILLISECONDS]
 * VERB = a command verb (MAIL, RCPT, AUTH, RETR...), "CONNECT" for the
 *        greeting, "DOT" for the end of DATA, or "*" for any
 * CHANCE = a percentage ("30%") or a fraction ("0.3"); 100% when absent
 *
 * 421 answers "421 4.3.0 ..." (POP3: "-ERR [SYS/TEMP] ...") and closes;
 * 451 is a temporary local error (queue file, lookup; POP3 [SYS/TEMP]);
 * 454 a temporary authentication or TLS failure; drop closes without a
 * word; slow holds the reply (default 3000 ms).  Without a VERB: 421,
 * drop and slow hit any command; 451 hits MAIL RCPT DATA DOT (POP3: the
 * maildrop commands); 454 hits AUTH and STARTTLS (POP3: USER PASS APOP
 * AUTH STLS).  Each connection draws from its own generator seeded with
 * the seed and the connection's number, so the same seed gives a class
 * the same faults in the same places. */

enum lab_fault_kind {
	LAB_FAULT_NONE,
	LAB_FAULT_421,
	LAB_FAULT_451,
	LAB_FAULT_454,
	LAB_FAULT_DROP,
	LAB_FAULT_SLOW,
};

#define LAB_FAULT_RULES 16
struct lab_fault_rule {
	enum lab_fault_kind kind;
	char verb[16];     /* upper case; "*" any; "" the kind's default */
	unsigned permille; /* chance out of 1000 */
	unsigned delay_ms; /* slow */
};

struct lab_faults {
	uint64_t seed;
	struct lab_fault_rule rules[LAB_FAULT_RULES];
	size_t n;
};

/* A deterministic generator (splitmix64): simulation, not secrecy. */
struct lab_rng {
	uint64_t state;
};
void lab_rng_seed(struct lab_rng *r, uint64_t seed, uint64_t stream);
uint64_t lab_rng_next(struct lab_rng *r);

struct lab_fault {
	enum lab_fault_kind kind; /* the first hit among 421/451/454/drop */
	unsigned delay_ms;        /* the sum of the slow hits */
};

/* Returns SMTPSH_OK or SMTPSH_EINVAL with a sentence in msg.  An empty
 * spec gives no rules. */
enum smtpsh_err lab_faults_parse(struct lab_faults *f, const char *spec, struct smtpsh_msg *msg);
/* The spec back in canonical form ("seed=7,451@RCPT:30%"). */
void lab_faults_format(const struct lab_faults *f, char *out, size_t n);
/* What to inject before answering verb (upper case) in protocol p. */
struct lab_fault lab_faults_pick(const struct lab_faults *f, struct lab_rng *r, enum proto p,
                                 const char *verb);
const char *lab_fault_name(enum lab_fault_kind k);

#endif

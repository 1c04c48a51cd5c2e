/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The --faults spec: grammar, refusals in words, canonical form, which
 * commands a fault hits, and the seeded generator's repeatability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lab/lab.h"

static void parse_and_format(void **state)
{
	(void)state;
	struct lab_faults f;
	struct smtpsh_msg why;
	char out[300];
	assert_int_equal(lab_faults_parse(&f, NULL, &why), SMTPSH_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(lab_faults_parse(&f, "", &why), SMTPSH_OK);
	assert_int_equal(f.n, 0);
	assert_int_equal(
	    lab_faults_parse(&f, " seed=7, 451@rcpt:30% ,421:0.05,slow=1500@DATA,drop,454", &why),
	    SMTPSH_OK);
	assert_int_equal(f.seed, 7);
	assert_int_equal(f.n, 5);
	assert_int_equal(f.rules[0].kind, LAB_FAULT_451);
	assert_string_equal(f.rules[0].verb, "RCPT");
	assert_int_equal(f.rules[0].permille, 300);
	assert_int_equal(f.rules[1].permille, 50);
	assert_int_equal(f.rules[2].kind, LAB_FAULT_SLOW);
	assert_int_equal(f.rules[2].delay_ms, 1500);
	assert_int_equal(f.rules[3].kind, LAB_FAULT_DROP);
	assert_int_equal(f.rules[3].permille, 1000);
	lab_faults_format(&f, out, sizeof(out));
	assert_string_equal(out, "seed=7,451@RCPT:30.0%,421:5.0%,slow=1500@DATA,drop,454");
	/* the canonical form parses to the same rules */
	struct lab_faults g;
	assert_int_equal(lab_faults_parse(&g, out, &why), SMTPSH_OK);
	assert_memory_equal(&f, &g, sizeof(f));
	assert_int_equal(lab_faults_parse(&f, "slow", &why), SMTPSH_OK);
	assert_int_equal(f.rules[0].delay_ms, 3000);
	assert_int_equal(f.seed, 1);
}

static void refusals(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *why;
	} bad[] = {
	    {"500", "'500': a fault is 421, 451, 454, drop or slow[=MS]"},
	    {"451@",
	     "'451@': after '@' comes a command verb (MAIL, RCPT, AUTH...), CONNECT, DOT or *"},
	    {"451@MA-IL", "'451@MA-IL': a verb is letters and digits (or *)"},
	    {"451:150%",
	     "'451:150%': a chance is a percentage (30%) or a fraction (0.3) from 0 to 1"},
	    {"451:x", "'451:x': a chance is a percentage (30%) or a fraction (0.3) from 0 to 1"},
	    {"slow=0", "'slow=0': slow=MS takes 1 to 600000 milliseconds"},
	    {"slow=fast", "'slow=fast': slow=MS takes 1 to 600000 milliseconds"},
	    {"seed=x", "'seed=x': seed=N takes a decimal number"},
	    {"421,421,421,421,421,421,421,421,421,421,421,421,421,421,421,421,421",
	     "at most 16 fault rules"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lab_faults f;
		struct smtpsh_msg why = {""};
		assert_int_equal(lab_faults_parse(&f, bad[i].spec, &why), SMTPSH_EINVAL);
		assert_string_equal(why.text, bad[i].why);
	}
}

static void targets(void **state)
{
	(void)state;
	struct lab_faults f;
	struct smtpsh_msg why;
	struct lab_rng r;
	lab_rng_seed(&r, 1, 1);
	assert_int_equal(lab_faults_parse(&f, "451", &why), SMTPSH_OK);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "RCPT").kind, LAB_FAULT_451);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "DOT").kind, LAB_FAULT_451);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "EHLO").kind, LAB_FAULT_NONE);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_POP3, "RETR").kind, LAB_FAULT_451);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_POP3, "USER").kind, LAB_FAULT_NONE);
	assert_int_equal(lab_faults_parse(&f, "454", &why), SMTPSH_OK);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "AUTH").kind, LAB_FAULT_454);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "STARTTLS").kind, LAB_FAULT_454);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_SMTP, "MAIL").kind, LAB_FAULT_NONE);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_POP3, "PASS").kind, LAB_FAULT_454);
	assert_int_equal(lab_faults_parse(&f, "421,slow=10,slow=5@*", &why), SMTPSH_OK);
	struct lab_fault hit = lab_faults_pick(&f, &r, PROTO_SMTP, "NOOP");
	assert_int_equal(hit.kind, LAB_FAULT_421);
	assert_int_equal(hit.delay_ms, 15);
	hit = lab_faults_pick(&f, &r, PROTO_SMTP, "CONNECT");
	assert_int_equal(hit.kind, LAB_FAULT_NONE);
	assert_int_equal(hit.delay_ms, 0);
	assert_int_equal(lab_faults_parse(&f, "drop@CONNECT", &why), SMTPSH_OK);
	assert_int_equal(lab_faults_pick(&f, &r, PROTO_POP3, "CONNECT").kind, LAB_FAULT_DROP);
	assert_int_equal(lab_faults_pick(NULL, &r, PROTO_POP3, "CONNECT").kind, LAB_FAULT_NONE);
}

static void seeded(void **state)
{
	(void)state;
	struct lab_faults f;
	struct smtpsh_msg why;
	assert_int_equal(lab_faults_parse(&f, "seed=99,451@RCPT:25%", &why), SMTPSH_OK);
	unsigned hits[2] = {0, 0};
	char seq[2][201];
	for (int run = 0; run < 2; run++) {
		struct lab_rng r;
		lab_rng_seed(&r, f.seed, 3);
		for (int i = 0; i < 200; i++) {
			bool h = lab_faults_pick(&f, &r, PROTO_SMTP, "RCPT").kind == LAB_FAULT_451;
			seq[run][i] = h ? 'x' : '.';
			hits[run] += h;
		}
		seq[run][200] = '\0';
	}
	assert_string_equal(seq[0], seq[1]);
	assert_true(hits[0] > 25 && hits[0] < 75); /* about a quarter */
	/* another connection, another sequence */
	struct lab_rng r;
	lab_rng_seed(&r, f.seed, 4);
	char other[201];
	for (int i = 0; i < 200; i++)
		other[i] =
		    lab_faults_pick(&f, &r, PROTO_SMTP, "RCPT").kind == LAB_FAULT_451 ? 'x' : '.';
	other[200] = '\0';
	assert_string_not_equal(seq[0], other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_and_format),
	    cmocka_unit_test(refusals),
	    cmocka_unit_test(targets),
	    cmocka_unit_test(seeded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

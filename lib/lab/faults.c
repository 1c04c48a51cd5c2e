/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection for the lab: the --faults spec, a seeded generator and
 * the choice of what to inject before a reply (grammar in lab.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "lab/engines.h"
#include "lab/faults.h"
#include "proto.h"

#define SLOW_DEFAULT_MS 3000
#define SLOW_MAX_MS 600000

void lab_rng_seed(struct lab_rng *r, uint64_t seed, uint64_t stream)
{
	r->state = seed ^ (stream * 0x9e3779b97f4a7c15ULL);
	(void)lab_rng_next(r);
}

/* splitmix64 (Steele, Lea, Flood 2014) */
uint64_t lab_rng_next(struct lab_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

const char *lab_fault_name(enum lab_fault_kind k)
{
	switch (k) {
	case LAB_FAULT_NONE: return "none";
	case LAB_FAULT_421: return "421";
	case LAB_FAULT_451: return "451";
	case LAB_FAULT_454: return "454";
	case LAB_FAULT_DROP: return "drop";
	case LAB_FAULT_SLOW: return "slow";
	}
	return "?";
}

/* Parses a chance: "30%", "0.3", "1".  Out of 1000. */
static bool parse_chance(const char *s, unsigned *permille)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno)
		return false;
	if (*end == '%') {
		v /= 100.0;
		end++;
	}
	if (*end || v < 0 || v > 1)
		return false;
	*permille = (unsigned)(v * 1000.0 + 0.5);
	return true;
}

static bool parse_item(struct lab_fault_rule *r, char *item, const char **reason)
{
	memset(r, 0, sizeof(*r));
	r->permille = 1000;
	char *chance = strchr(item, ':');
	if (chance) {
		*chance++ = '\0';
		if (!parse_chance(chance, &r->permille)) {
			*reason =
			    N_("a chance is a percentage (30%) or a fraction (0.3) from 0 to 1");
			return false;
		}
	}
	char *verb = strchr(item, '@');
	if (verb) {
		*verb++ = '\0';
		size_t n = strlen(verb);
		if (n == 0 || n >= sizeof(r->verb)) {
			*reason =
			    N_("after '@' comes a command verb (MAIL, RCPT, AUTH...), CONNECT, "
			       "DOT or *");
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			if (!isalnum((unsigned char)verb[i]) && verb[i] != '*') {
				*reason = N_("a verb is letters and digits (or *)");
				return false;
			}
			r->verb[i] = (char)toupper((unsigned char)verb[i]);
		}
	}
	if (!strcmp(item, "421"))
		r->kind = LAB_FAULT_421;
	else if (!strcmp(item, "451"))
		r->kind = LAB_FAULT_451;
	else if (!strcmp(item, "454"))
		r->kind = LAB_FAULT_454;
	else if (!strcasecmp(item, "drop"))
		r->kind = LAB_FAULT_DROP;
	else if (!strncasecmp(item, "slow", 4) && (item[4] == '\0' || item[4] == '=')) {
		r->kind = LAB_FAULT_SLOW;
		r->delay_ms = SLOW_DEFAULT_MS;
		if (item[4] == '=') {
			char *end;
			errno = 0;
			unsigned long ms = strtoul(item + 5, &end, 10);
			if (end == item + 5 || *end || errno || ms == 0 || ms > SLOW_MAX_MS) {
				*reason = N_("slow=MS takes 1 to 600000 milliseconds");
				return false;
			}
			r->delay_ms = (unsigned)ms;
		}
	} else {
		*reason = N_("a fault is 421, 451, 454, drop or slow[=MS]");
		return false;
	}
	return true;
}

enum smtpsh_err lab_faults_parse(struct lab_faults *f, const char *spec, struct smtpsh_msg *msg)
{
	memset(f, 0, sizeof(*f));
	f->seed = 1;
	if (!spec)
		return SMTPSH_OK;
	char copy[1024];
	if (strlen(spec) >= sizeof(copy)) {
		return smtpsh_fail(msg, SMTPSH_EINVAL, "the fault spec is longer than %zu bytes",
		                   sizeof(copy) - 1);
	}
	strcpy(copy, spec);
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		size_t n = strlen(item);
		while (n && item[n - 1] == ' ')
			item[--n] = '\0';
		if (n == 0)
			continue;
		char shown[64];
		snprintf(shown, sizeof(shown), "%s", item);
		if (!strncasecmp(item, "seed=", 5)) {
			char *end;
			errno = 0;
			unsigned long long seed = strtoull(item + 5, &end, 10);
			if (end == item + 5 || *end || errno) {
				return smtpsh_fail(msg, SMTPSH_EINVAL,
				                   "'%s': seed=N takes a decimal number", shown);
			}
			f->seed = seed;
			continue;
		}
		if (f->n == LAB_FAULT_RULES) {
			return smtpsh_fail(msg, SMTPSH_EINVAL, "at most %d fault rules",
			                   LAB_FAULT_RULES);
		}
		const char *reason = NULL;
		if (!parse_item(&f->rules[f->n], item, &reason)) {
			return smtpsh_fail(msg, SMTPSH_EINVAL, "'%s': %s", shown, _(reason));
		}
		f->n++;
	}
	return SMTPSH_OK;
}

void lab_faults_format(const struct lab_faults *f, char *out, size_t n)
{
	size_t used = (size_t)snprintf(out, n, "seed=%llu", (unsigned long long)f->seed);
	for (size_t i = 0; i < f->n && used < n; i++) {
		const struct lab_fault_rule *r = &f->rules[i];
		char kind[24];
		if (r->kind == LAB_FAULT_SLOW)
			snprintf(kind, sizeof(kind), "slow=%u", r->delay_ms);
		else
			snprintf(kind, sizeof(kind), "%s", lab_fault_name(r->kind));
		char chance[16] = "";
		if (r->permille != 1000)
			snprintf(chance, sizeof(chance), ":%u.%u%%", r->permille / 10,
			         r->permille % 10);
		used += (size_t)snprintf(out + used, n - used, ",%s%s%s%s", kind,
		                         r->verb[0] ? "@" : "", r->verb, chance);
	}
}

/* The verbs 451 and 454 hit in protocol p when the rule names none:
 * the protocol's lab engine says. */
static const char *default_verbs(bool is_451, enum proto p)
{
	const struct lab_engine_ops *lab = proto_handler_get(p)->lab;
	return is_451 ? lab->fault_451_verbs : lab->fault_454_verbs;
}

/* The verbs a kind hits when the rule names none. */
static bool default_target(enum lab_fault_kind k, enum proto p, const char *verb)
{
	char key[24];
	snprintf(key, sizeof(key), " %s ", verb);
	switch (k) {
	case LAB_FAULT_451:
	case LAB_FAULT_454: return strstr(default_verbs(k == LAB_FAULT_451, p), key) != NULL;
	case LAB_FAULT_NONE:
	case LAB_FAULT_421:
	case LAB_FAULT_DROP:
	case LAB_FAULT_SLOW: break;
	}
	/* any command; the greeting only when named */
	return strcmp(verb, "CONNECT") != 0;
}

static bool rule_applies(const struct lab_fault_rule *r, enum proto p, const char *verb)
{
	if (!r->verb[0])
		return default_target(r->kind, p, verb);
	if (!strcmp(r->verb, "*"))
		return strcmp(verb, "CONNECT") != 0;
	return !strcmp(r->verb, verb);
}

struct lab_fault lab_faults_pick(const struct lab_faults *f, struct lab_rng *r, enum proto p,
                                 const char *verb)
{
	struct lab_fault hit = {LAB_FAULT_NONE, 0};
	if (!f)
		return hit;
	for (size_t i = 0; i < f->n; i++) {
		const struct lab_fault_rule *rule = &f->rules[i];
		if (!rule_applies(rule, p, verb))
			continue;
		/* One draw per applicable rule, hit or not, so that the
		 * sequence depends only on the commands seen. */
		bool fires = lab_rng_next(r) % 1000 < rule->permille;
		if (!fires)
			continue;
		if (rule->kind == LAB_FAULT_SLOW)
			hit.delay_ms += rule->delay_ms;
		else if (hit.kind == LAB_FAULT_NONE)
			hit.kind = rule->kind;
	}
	if (hit.delay_ms > SLOW_MAX_MS)
		hit.delay_ms = SLOW_MAX_MS;
	return hit;
}

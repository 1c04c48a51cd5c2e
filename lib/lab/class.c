/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A class of student accounts: random secrets from OpenSSL's generator,
 * written as a users file only the teacher can read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "i18n.h"
#include "lab/class.h"
#include "lab/domains.h"

/* No 0/o, 1/l/i: a student copies it from paper. */
static const char password_letters[] = "abcdefghjkmnpqrstuvwxyz23456789";
#define PASSWORD_LEN 10
#define AUTHCODE_LEN 16 /* a QQ authorization code: 16 lowercase letters */

/* len characters drawn uniformly from letters (rejection sampling keeps
 * every letter equally likely); false when RAND_bytes fails. */
static bool random_text(char *out, size_t len, const char *letters)
{
	size_t k = strlen(letters);
	unsigned limit = 256 - 256 % (unsigned)k;
	size_t got = 0;
	while (got < len) {
		unsigned char b[32];
		if (RAND_bytes(b, sizeof(b)) != 1)
			return false;
		for (size_t i = 0; i < sizeof(b) && got < len; i++)
			if (b[i] < limit)
				out[got++] = letters[b[i] % k];
		OPENSSL_cleanse(b, sizeof(b));
	}
	out[len] = '\0';
	return true;
}

enum smtpsh_err lab_class_generate(struct lab_users *u, unsigned n, const char *domains,
                                   struct smtpsh_msg *msg)
{
	u->v = NULL;
	u->n = 0;
	if (n < 1 || n > LAB_CLASS_MAX)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "--class takes 1 to %d students",
		                   LAB_CLASS_MAX);
	u->v = calloc(n, sizeof(*u->v));
	if (!u->v)
		return smtpsh_fail(msg, SMTPSH_ENOMEM, "out of memory");
	size_t ndomains = 0;
	char domain[LAB_DOMAIN_NAME_MAX + 1];
	while (domains && lab_domains_at(domains, ndomains, domain, sizeof(domain)))
		ndomains++;
	int width = n >= 100 ? 3 : 2; /* student01 ... student99, student001 ... */
	for (unsigned i = 0; i < n; i++) {
		struct lab_user *w = &u->v[i];
		if (ndomains)
			lab_domains_at(domains, i % ndomains, domain, sizeof(domain));
		else
			snprintf(domain, sizeof(domain), "smtpsh.test");
		int len =
		    snprintf(w->name, sizeof(w->name), "student%0*u@%s", width, i + 1, domain);
		if (len < 0 || (size_t)len >= sizeof(w->name)) {
			lab_users_free(u);
			return smtpsh_fail(msg, SMTPSH_EINVAL,
			                   "the domain %s is too long for a lab user name", domain);
		}
		if (!random_text(w->password, PASSWORD_LEN, password_letters) ||
		    !random_text(w->authcode, AUTHCODE_LEN, "abcdefghijklmnopqrstuvwxyz")) {
			lab_users_free(u);
			return smtpsh_fail(msg, SMTPSH_EIO, "no random bytes from OpenSSL");
		}
		snprintf(w->number, sizeof(w->number), "%u", 20001 + i);
		u->n++;
	}
	return SMTPSH_OK;
}

enum smtpsh_err lab_class_write(const struct lab_users *u, const char *path, bool force,
                                struct smtpsh_msg *msg)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
	int fd = open(path, flags, 0600);
	if (fd < 0 && errno == EEXIST)
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "%s exists: --force replaces it, or --users %s uses it again",
		                   path, path);
	if (fd < 0)
		return smtpsh_fail(msg, SMTPSH_EIO, "%s: %s", path, strerror(errno));
	FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		int e = errno;
		close(fd);
		return smtpsh_fail(msg, SMTPSH_EIO, "%s: %s", path, strerror(e));
	}
	fprintf(f, _("# smtpsh lab accounts: address:password:authorization code:account "
	             "number\n# private: hand each student their own line; the lab reads this "
	             "file again with --users\n"));
	for (size_t i = 0; i < u->n; i++)
		fprintf(f, "%s:%s:%s:%s\n", u->v[i].name, u->v[i].password, u->v[i].authcode,
		        u->v[i].number);
	bool ok = !ferror(f);
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		return smtpsh_fail(msg, SMTPSH_EIO, "%s: %s", path, strerror(errno));
	return SMTPSH_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The lab's certificates, made with OpenSSL on first start: a lab CA
 * (DIR/ca.pem, what clients are told to trust) and a server certificate
 * it signs for 127.0.0.1, ::1, localhost and lab.smtpsh.test.  Kept
 * across starts; the server certificate is remade when it nears its end
 * or no longer matches the CA, the CA only when it is unusable (so a CA
 * a student imported stays valid).  ECDSA P-256: quick to make, quick to
 * handshake for a whole class. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "lab/certs.h"

#define CA_DAYS 3650
#define SERVER_DAYS 825
#define RENEW_BEFORE_S (7 * 86400)

/* SMTPSH_ETLS with what (marked N_()) and OpenSSL's first queued error. */
static enum smtpsh_err ossl_fail(struct smtpsh_msg *msg, const char *what)
{
	char detail[256] = "";
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	if (!*detail)
		return smtpsh_fail(msg, SMTPSH_ETLS, "%s", _(what));
	return smtpsh_fail(msg, SMTPSH_ETLS, "%s: %s", _(what), detail);
}

/* The first PEM object that read finds in the file at path; NULL when
 * the file cannot be opened or holds none. */
static void *load_pem(const char *path, void *(*read)(FILE *f))
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	void *obj = read(f);
	fclose(f);
	return obj;
}

static void *read_key(FILE *f)
{
	return PEM_read_PrivateKey(f, NULL, NULL, NULL);
}

static void *read_cert(FILE *f)
{
	return PEM_read_X509(f, NULL, NULL, NULL);
}

static EVP_PKEY *load_key(const char *path)
{
	return load_pem(path, read_key);
}

static X509 *load_cert(const char *path)
{
	return load_pem(path, read_cert);
}

/* Valid now and for a while yet. */
static bool fresh(X509 *x)
{
	time_t soon = time(NULL) + RENEW_BEFORE_S;
	return X509_cmp_current_time(X509_get0_notBefore(x)) < 0 &&
	       X509_cmp_time(X509_get0_notAfter(x), &soon) > 0;
}

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
	if (!e)
		return false;
	bool ok = X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

static bool random_serial(X509 *x)
{
	BIGNUM *bn = BN_new();
	bool ok = bn && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	          BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, long days,
                       bool ca, const char *address)
{
	char names[256];
	snprintf(names, sizeof(names), "DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1%s%s", LAB_HOST,
	         address ? ",IP:" : "", address ? address : "");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	bool ok = x && name && X509_set_version(x, 2) && random_serial(x) &&
	          X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
	          X509_gmtime_adj(X509_getm_notAfter(x), days * 86400L) &&
	          X509_set_pubkey(x, key) &&
	          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
	                                     -1, -1, 0) &&
	          X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	                                     (const unsigned char *)"smtpsh lab", -1, -1, 0) &&
	          X509_set_subject_name(x, name) &&
	          X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	X509 *signer = issuer ? issuer : x;
	if (ok && ca)
		ok = add_ext(x, signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
		     add_ext(x, signer, NID_key_usage, "critical,keyCertSign,cRLSign") &&
		     add_ext(x, signer, NID_subject_key_identifier, "hash");
	else if (ok)
		ok = add_ext(x, signer, NID_basic_constraints, "critical,CA:FALSE") &&
		     add_ext(x, signer, NID_key_usage, "critical,digitalSignature") &&
		     add_ext(x, signer, NID_ext_key_usage, "serverAuth") &&
		     add_ext(x, signer, NID_subject_key_identifier, "hash") &&
		     add_ext(x, signer, NID_authority_key_identifier, "keyid:always") &&
		     add_ext(x, signer, NID_subject_alt_name, names);
	if (ok)
		ok = X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Written beside the target, then renamed over it; 0600 like every file
 * of the lab (the owner's clients read the CA as the same user), also
 * over a leftover temporary file of another mode. */
static bool write_pem(const char *path, EVP_PKEY *key, X509 *cert, X509 *chain)
{
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	if (fchmod(fd, 0600) != 0) {
		close(fd);
		unlink(tmp);
		return false;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return false;
	}
	bool ok = true;
	if (key)
		ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	if (cert)
		ok = ok && PEM_write_X509(f, cert) == 1;
	if (chain)
		ok = ok && PEM_write_X509(f, chain) == 1;
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok)
		unlink(tmp);
	return ok;
}

static void fingerprint(X509 *x, char *out, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	out[0] = '\0';
	if (!X509_digest(x, EVP_sha256(), md, &len))
		return;
	size_t used = 0;
	for (unsigned i = 0; i < len && used + 4 <= n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%02X", i ? ":" : "", md[i]);
}

/* One key and certificate: the CA's (no issuer, self-signed) or the
 * server's (issued by the CA, sent with it as its chain). */
struct pair_spec {
	const char *key_path, *cert_path;
	const char *cn;
	X509 *issuer; /* NULL: the CA */
	EVP_PKEY *issuer_key;
	const char *make_failed; /* words when OpenSSL cannot make it */
	const char *address;     /* the server's: also named, or NULL */
};

/* Whether a loaded pair can serve: unexpired, the key its own and, for
 * the server, signed by the CA and naming 127.0.0.1. */
static bool pair_valid(const struct pair_spec *sp, EVP_PKEY *key, X509 *cert)
{
	if (!key || !cert || !fresh(cert) || X509_check_private_key(cert, key) != 1)
		return false;
	return !sp->issuer || (X509_verify(cert, X509_get0_pubkey(sp->issuer)) == 1 &&
	                       X509_check_ip_asc(cert, "127.0.0.1", 0) == 1 &&
	                       (!sp->address || X509_check_ip_asc(cert, sp->address, 0) == 1));
}

/* Loads the pair, or makes and writes a new one (*made).  *key and *cert
 * are the caller's to free, also on failure.  Returns SMTPSH_OK,
 * SMTPSH_ETLS or SMTPSH_EIO, with words in msg. */
static enum smtpsh_err load_or_make(const struct pair_spec *sp, EVP_PKEY **key, X509 **cert,
                                    bool *made, struct smtpsh_msg *msg)
{
	*key = load_key(sp->key_path);
	*cert = load_cert(sp->cert_path);
	if (pair_valid(sp, *key, *cert))
		return SMTPSH_OK;
	EVP_PKEY_free(*key);
	X509_free(*cert);
	ERR_clear_error();
	bool ca = !sp->issuer;
	*key = EVP_EC_gen("P-256");
	*cert = *key ? make_cert(*key, sp->cn, sp->issuer, sp->issuer_key,
	                         ca ? CA_DAYS : SERVER_DAYS, ca, sp->address)
	             : NULL;
	if (!*cert)
		return ossl_fail(msg, sp->make_failed);
	if (!write_pem(sp->key_path, *key, NULL, NULL) ||
	    !write_pem(sp->cert_path, NULL, *cert, sp->issuer))
		return smtpsh_fail(msg, SMTPSH_EIO, "cannot write %s: %s", sp->cert_path,
		                   strerror(errno));
	*made = true;
	return SMTPSH_OK;
}

enum smtpsh_err lab_tls_ensure(const char *dir, const char *address, struct lab_tls_files *f,
                               struct smtpsh_msg *msg)
{
	memset(f, 0, sizeof(*f));
	char ca_key_path[4200];
	snprintf(f->ca_cert, sizeof(f->ca_cert), "%s/ca.pem", dir);
	snprintf(ca_key_path, sizeof(ca_key_path), "%s/ca.key", dir);
	snprintf(f->cert, sizeof(f->cert), "%s/server.pem", dir);
	snprintf(f->key, sizeof(f->key), "%s/server.key", dir);

	EVP_PKEY *ca_key = NULL, *key = NULL;
	X509 *ca = NULL, *cert = NULL;
	const struct pair_spec ca_spec = {ca_key_path, f->ca_cert, "smtpsh lab CA",
	                                  NULL,        NULL,       N_("cannot make the lab CA"),
	                                  NULL};
	enum smtpsh_err result = load_or_make(&ca_spec, &ca_key, &ca, &f->created, msg);
	if (result == SMTPSH_OK) {
		const struct pair_spec server_spec = {
		    f->key, f->cert, "localhost",
		    ca,     ca_key,  N_("cannot make the lab's server certificate"),
		    address};
		result = load_or_make(&server_spec, &key, &cert, &f->created, msg);
	}
	if (result == SMTPSH_OK) {
		fingerprint(ca, f->ca_sha256, sizeof(f->ca_sha256));
		fingerprint(cert, f->sha256, sizeof(f->sha256));
	}
	EVP_PKEY_free(ca_key);
	X509_free(ca);
	EVP_PKEY_free(key);
	X509_free(cert);
	return result;
}

enum smtpsh_err lab_tls_server_ctx(const struct lab_tls_files *f, void **out,
                                   struct smtpsh_msg *msg)
{
	*out = NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return ossl_fail(msg, "SSL_CTX_new");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Bounded memory per connection: buffers go back while idle. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	                          SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, f->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		enum smtpsh_err e = ossl_fail(msg, N_("cannot load the lab's certificate"));
		SSL_CTX_free(ctx);
		return e;
	}
	*out = ctx;
	return SMTPSH_OK;
}

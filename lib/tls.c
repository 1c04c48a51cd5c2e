/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include "text.h"

static void asn1_time(const ASN1_TIME *t, char *out, size_t n)
{
	struct tm tm;
	if (t && ASN1_TIME_to_tm(t, &tm))
		strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(out, n, "?");
}

/* A certificate is the server's text: its names are kept raw (a CN may
 * hold ESC, BEL, a UTF-8 C1 CSI or a bidi override) and made safe where
 * shown.  Writes a NUL-terminated, possibly cut, copy of p[0..len). */
static void copy_raw(char *out, size_t n, const void *p, size_t len)
{
	size_t k = len < n - 1 ? len : n - 1;
	memcpy(out, p, k);
	out[k] = '\0';
}

/* A name quoted in the verdict sentence, which error messages carry:
 * made safe here, since a sentence is shown whole. */
static const char *quote(char *out, size_t n, const char *raw)
{
	return text_safe_str(out, n, raw, strlen(raw));
}

static void x509_name(X509_NAME *name, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	out[0] = '\0';
	if (!b)
		return;
	/* RFC 2253 quoting of the DN syntax, UTF-8 as is: controls are
	 * kept raw so that they read \xHH like everywhere else when shown. */
	X509_NAME_print_ex(b, name, 0,
	                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB & ~ASN1_STRFLGS_ESC_CTRL);
	char *raw;
	long len = BIO_get_mem_data(b, &raw);
	copy_raw(out, n, raw, len > 0 ? (size_t)len : 0);
	BIO_free(b);
}

static void alt_names(X509 *cert, char *out, size_t n)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char item[128] = "";
		if (g->type == GEN_DNS) {
			copy_raw(item, sizeof(item), ASN1_STRING_get0_data(g->d.dNSName),
			         (size_t)ASN1_STRING_length(g->d.dNSName));
		} else if (g->type == GEN_IPADD) {
			int l = ASN1_STRING_length(g->d.iPAddress);
			const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
			if (l != 4 && l != 16)
				continue;
			inet_ntop(l == 16 ? AF_INET6 : AF_INET, d, item, sizeof(item));
		} else {
			continue;
		}
		used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s",
		                         used ? ", " : "", item);
		if (used >= n)
			break;
	}
	GENERAL_NAMES_free(gens);
	if (!out[0]) {
		/* No SAN: fall back to the CN (which modern checks ignore). */
		int idx =
		    X509_NAME_get_index_by_NID(X509_get_subject_name(cert), NID_commonName, -1);
		X509_NAME_ENTRY *e =
		    idx >= 0 ? X509_NAME_get_entry(X509_get_subject_name(cert), idx) : NULL;
		if (e) {
			ASN1_STRING *s = X509_NAME_ENTRY_get_data(e);
			char cn[256];
			copy_raw(cn, sizeof(cn), ASN1_STRING_get0_data(s),
			         (size_t)ASN1_STRING_length(s));
			snprintf(out, n, _("CN=%s only (no subjectAltName)"), cn);
		}
	}
}

static void describe_failure(long v, const struct conn *c, struct tls_info *in)
{
	const char *host = c->host;
	char q[TEXT_SAFE_SIZE(sizeof(in->names))];
	in->clock_bound = v == X509_V_ERR_CERT_HAS_EXPIRED || v == X509_V_ERR_CERT_NOT_YET_VALID;
	switch (v) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		snprintf(in->verdict, sizeof(in->verdict), _("the certificate expired on %s"),
		         in->not_after);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		snprintf(in->verdict, sizeof(in->verdict),
		         _("the certificate is not valid before %s (check this machine's clock)"),
		         in->not_before);
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		snprintf(in->verdict, sizeof(in->verdict),
		         _("the certificate was issued for %s, not for %s"),
		         quote(q, sizeof(q), in->names[0] ? in->names : in->subject), host);
		break;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		snprintf(
		    in->verdict, sizeof(in->verdict),
		    _("the certificate is self-signed (%s signed it for itself): nobody vouches "
		      "for it"),
		    quote(q, sizeof(q), in->subject));
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		snprintf(in->verdict, sizeof(in->verdict),
		         _("the certificate was issued by %s, which is not among the trusted CAs"),
		         quote(q, sizeof(q), in->issuer));
		break;
	default:
		snprintf(in->verdict, sizeof(in->verdict), _("certificate verification failed: %s"),
		         X509_verify_cert_error_string(v));
	}
	if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH)
		snprintf(in->advice, sizeof(in->advice), "%s",
		         _("connect with one of the names the certificate holds, or use --insecure "
		           "to go on anyway"));
	else
		snprintf(in->advice, sizeof(in->advice), "%s",
		         _("use --cafile FILE with the CA that issued it, or --insecure to go on "
		           "anyway"));
}

static enum smtpsh_err handshake(struct conn *c, int timeout_ms, struct smtpsh_msg *msg)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ERR_clear_error();
		int r = SSL_connect(c->ssl);
		if (r == 1)
			return SMTPSH_OK;
		int se = SSL_get_error(c->ssl, r);
		short ev;
		if (se == SSL_ERROR_WANT_READ)
			ev = POLLIN;
		else if (se == SSL_ERROR_WANT_WRITE)
			ev = POLLOUT;
		else {
			unsigned long e = ERR_peek_last_error();
			enum smtpsh_err code =
			    se == SSL_ERROR_SYSCALL ? SMTPSH_ECLOSED : SMTPSH_ETLS;
			if (se == SSL_ERROR_SYSCALL || se == SSL_ERROR_ZERO_RETURN ||
			    (!e && se == SSL_ERROR_SSL))
				return smtpsh_fail(msg, code,
				                   "the server hung up during the TLS handshake");
			char reason[200];
			ERR_error_string_n(e, reason, sizeof(reason));
			if (ERR_GET_REASON(e) == SSL_R_WRONG_VERSION_NUMBER)
				return smtpsh_fail(
				    msg, code,
				    "TLS handshake failed: %s (the server did not answer "
				    "in TLS: is this a plaintext port?)",
				    reason);
			return smtpsh_fail(msg, code, "TLS handshake failed: %s", reason);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long spent = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms)
			return smtpsh_fail(msg, SMTPSH_ETIMEOUT,
			                   "the TLS handshake did not finish within %d s",
			                   timeout_ms / 1000);
		struct pollfd p = {.fd = c->fd, .events = ev};
		poll(&p, 1, (int)(timeout_ms - spent));
	}
}

enum smtpsh_err tls_start(struct conn *c, const struct tls_opts *o, struct tls_info *info,
                          int timeout_ms, struct smtpsh_msg *msg)
{
	memset(info, 0, sizeof(*info));
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return smtpsh_fail(msg, SMTPSH_ETLS, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	/* Many servers close after QUIT without a close_notify; a cut in
	 * the middle of a reply is still caught by the reply reader. */
	SSL_CTX_set_options(c->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	if (o->cafile || o->capath) {
		if (!SSL_CTX_load_verify_locations(c->ctx, o->cafile, o->capath))
			return smtpsh_fail(msg, SMTPSH_ETLS, "cannot load CA certificates from %s",
			                   o->cafile ? o->cafile : o->capath);
	} else {
		SSL_CTX_set_default_verify_paths(c->ctx);
	}
	/* Verify after the handshake ourselves, to say in words what failed;
	 * nothing is sent before that check. */
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd))
		return smtpsh_fail(msg, SMTPSH_ETLS, "cannot create a TLS session");
	unsigned char ip[16];
	bool is_ip = inet_pton(AF_INET, c->host, ip) == 1 || inet_pton(AF_INET6, c->host, ip) == 1;
	X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
	if (is_ip) {
		X509_VERIFY_PARAM_set1_ip_asc(param, c->host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, c->host);
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		X509_VERIFY_PARAM_set1_host(param, c->host, 0);
	}
	enum smtpsh_err e = handshake(c, timeout_ms, msg);
	if (e != SMTPSH_OK)
		return e;
	snprintf(info->version, sizeof(info->version), "%s", SSL_get_version(c->ssl));
	snprintf(info->cipher, sizeof(info->cipher), "%s", SSL_get_cipher_name(c->ssl));
	X509 *cert = SSL_get1_peer_certificate(c->ssl);
	if (!cert) {
		snprintf(info->verdict, sizeof(info->verdict), "%s",
		         _("the server sent no certificate"));
		info->verified = false;
	} else {
		x509_name(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
		x509_name(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
		asn1_time(X509_get0_notBefore(cert), info->not_before, sizeof(info->not_before));
		asn1_time(X509_get0_notAfter(cert), info->not_after, sizeof(info->not_after));
		alt_names(cert, info->names, sizeof(info->names));
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdlen = 0;
		X509_digest(cert, EVP_sha256(), md, &mdlen);
		for (unsigned i = 0; i < mdlen && i * 3 + 3 < sizeof(info->sha256); i++)
			snprintf(info->sha256 + i * 3, 4, "%02X%s", md[i],
			         i + 1 < mdlen ? ":" : "");
		long v = SSL_get_verify_result(c->ssl);
		info->verified = v == X509_V_OK;
		if (info->verified)
			snprintf(info->verdict, sizeof(info->verdict),
			         _("verified: issued by a trusted CA, valid now, and for %s"),
			         c->host);
		else
			describe_failure(v, c, info);
		X509_free(cert);
	}
	if (!info->verified && !o->insecure)
		return smtpsh_fail(msg, SMTPSH_ETLS, "%s", info->verdict);
	return SMTPSH_OK;
}

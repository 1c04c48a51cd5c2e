/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `smtpsh lab`: the practice mail server in the foreground, with its URLs,
 * users and a one-screen "try this" guide; and the same lab in the
 * background for `smtpsh --lab`. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "i18n.h"
#include "lab/lab.h"
#include "lab_cmd.h"
#include "listen.h"
#include "text.h"

static struct lab_server *running; /* for the signal handler */

static void on_stop_signal(int sig)
{
	(void)sig;
	if (running)
		lab_server_stop(running);
}

/* mkdir -p, private. */
static bool make_dirs(const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	struct stat st;
	return (mkdir(tmp, 0700) == 0 || errno == EEXIST) && stat(tmp, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

static bool default_dir(char *out, size_t n)
{
	const char *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (data && *data == '/')
		snprintf(out, n, "%s/smtpsh/lab", data);
	else if (home && *home)
		snprintf(out, n, "%s/.local/share/smtpsh/lab", home);
	else
		return false;
	return true;
}

/* Whether every port of base can be bound now on address (NULL:
 * 127.0.0.1). */
static bool ports_free(unsigned base, const char *address)
{
	bool loopback;
	int family = address ? listen_address_family(address, &loopback) : AF_INET;
	for (int s = 0; s < LAB_SVC_COUNT; s++) {
		unsigned port = lab_service_port(base, (enum lab_service)s);
		const struct listen_spec spec = {family, port, 0, false, address};
		struct listen_socket ls;
		if (listen_loopback(&spec, &ls, NULL) != SMTPSH_OK)
			return false;
		close(ls.fd);
	}
	return true;
}

/* 2525, or the next base whose five ports are all free (Postfix's
 * teaching port or a foreground lab may hold the default ones); 0 when
 * none is. */
static unsigned pick_port_base(const char *address)
{
	for (unsigned base = LAB_DEFAULT_PORT_BASE; base <= 9525; base += 1000)
		if (ports_free(base, address))
			return base;
	return 0;
}

/* Everything lab_main and the background lab share. */
struct lab_setup {
	char dir[4096];
	char log_path[4200];
	struct lab_users users;
	const struct lab_persona *persona;
	struct lab_persona_run run; /* persona, flag, locks */
	struct lab_faults faults;
	bool have_faults;
	unsigned port_base;
	char class_path[4200];              /* the accounts file --class wrote; "" without */
	char host[80];                      /* in URLs: 127.0.0.1, the --listen address, [v6] */
	bool remote;                        /* --listen beyond loopback: logins need TLS */
	const char *domains;                /* --domains, or NULL */
	int idle_timeout_s, line_timeout_s; /* 0: the server's defaults */
	bool helo_optional;
	FILE *log;
	bool echo; /* the log on stdout too */
};

/* Everything both ways of running the lab check before starting it.
 * SMTPSH_EINVAL: a bad option value or users file, no home for the lab;
 * SMTPSH_EIO: the directory cannot be made.  msg says which. */
static enum smtpsh_err prepare(struct lab_setup *su, const struct lab_options *o,
                               struct smtpsh_msg *msg)
{
	memset(su, 0, sizeof(*su));
	if (o->dir && *o->dir)
		snprintf(su->dir, sizeof(su->dir), "%s", o->dir);
	else if (!default_dir(su->dir, sizeof(su->dir)))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "no HOME or XDG_DATA_HOME to keep the lab in: give --dir DIR");
	struct smtpsh_msg sub = {""};
	if (lab_persona_parse(&su->run, o->persona, &sub) != SMTPSH_OK)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "--persona: %s", sub.text);
	su->persona = su->run.row;
	if (lab_faults_parse(&su->faults, o->faults, &sub) != SMTPSH_OK)
		return smtpsh_fail(msg, SMTPSH_EINVAL, "--faults: %s", sub.text);
	su->have_faults = su->faults.n > 0;
	bool loopback = true;
	int family = AF_INET;
	if (o->listen && !(family = listen_address_family(o->listen, &loopback)))
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "--listen wants an IPv4 or IPv6 address, not '%s'", o->listen);
	su->remote = !loopback;
	snprintf(su->host, sizeof(su->host), family == AF_INET6 ? "[%s]" : "%s",
	         o->listen ? o->listen : "127.0.0.1");
	if (o->domains && lab_domains_check(o->domains, msg) != SMTPSH_OK)
		return SMTPSH_EINVAL;
	if (o->class_size && o->users_file)
		return smtpsh_fail(msg, SMTPSH_EINVAL,
		                   "--class makes the users: give --class or --users, not both");
	enum smtpsh_err e;
	if (o->class_size)
		e = lab_class_generate(&su->users, (unsigned)o->class_size, o->domains, msg);
	else if (o->users_file)
		e = lab_users_load(&su->users, o->users_file, msg);
	else
		e = lab_users_defaults(&su->users);
	if (e != SMTPSH_OK)
		return SMTPSH_EINVAL;
	if (!make_dirs(su->dir)) {
		e = smtpsh_fail(msg, SMTPSH_EIO, "cannot create %s: %s", su->dir, strerror(errno));
		lab_users_free(&su->users);
		return e;
	}
	if (o->class_size) {
		snprintf(su->class_path, sizeof(su->class_path), "%s/class.txt", su->dir);
		e = lab_class_write(&su->users, su->class_path, o->force, msg);
		if (e != SMTPSH_OK) {
			lab_users_free(&su->users);
			return e == SMTPSH_EINVAL ? SMTPSH_EINVAL : SMTPSH_EIO;
		}
	}
	su->port_base = o->port_base;
	su->domains = o->domains;
	su->idle_timeout_s = (int)o->idle_timeout_s;
	su->helo_optional = o->helo_optional;
	su->line_timeout_s = (int)o->line_timeout_s;
	snprintf(su->log_path, sizeof(su->log_path), "%s/lab.log", su->dir);
	return SMTPSH_OK;
}

/* lab.log is private (0600): it names who logged in and what they sent.
 * A log an older lab created 0644 is made private too. */
static FILE *open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return NULL;
	FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return f;
}

static void write_log(void *ctx, const char *line)
{
	struct lab_setup *su = ctx;
	if (su->log)
		fprintf(su->log, "%s\n", line);
	if (su->echo)
		printf("%s\n", line);
}

/* --trace: a session's state change on stderr, as the shell's --trace
 * prints the client's; never in lab.log. */
static void on_state(void *ctx, uint64_t serial, enum proto p, const char *from, const char *to,
                     const char *why)
{
	(void)ctx;
	fflush(stdout); /* keep the order of the log lines and the trace */
	fprintf(stderr, "-- trace: lab %s #%llu: %s -> %s (%s)\n",
	        proto_name(p), /* i18n: protocol */
	        (unsigned long long)serial, from, to, why);
}

static struct lab_server *start_server(struct lab_setup *su, char *why, size_t whyn)
{
	struct lab_server_config cfg = {
	    .dir = su->dir,
	    .port_base = su->port_base,
	    .users = &su->users,
	    .persona = su->persona,
	    .persona_run = &su->run,
	    .faults = su->have_faults ? &su->faults : NULL,
	    .idle_timeout_s = su->idle_timeout_s,
	    .line_timeout_s = su->line_timeout_s,
	    .helo_optional = su->helo_optional,
	    .ipv6 = true,
	    .domains = su->domains,
	    .log = write_log,
	    .log_ctx = su,
	};
	struct lab_server *srv;
	struct smtpsh_msg msg = {""};
	if (lab_server_new(&cfg, &srv, &msg) != SMTPSH_OK)
		snprintf(why, whyn, "%s", msg.text);
	return srv;
}

static void print_guide(FILE *f, struct lab_server *srv, const struct lab_setup *su, bool full)
{
	const struct lab_tls_files *tls = lab_server_tls(srv);
	for (int s = 0; s < LAB_SVC_COUNT; s++) {
		char url[64];
		snprintf(url, sizeof(url), "%s://%s:%u", lab_services[s].scheme, su->host,
		         lab_server_port(srv, (enum lab_service)s));
		const char *summary = _(lab_services[s].summary);
		fprintf(f, "%-24s %-11s %s\n", url, lab_services[s].name, summary);
	}
	const struct lab_persona *per = su->persona;
	/* A class's secrets stay in its file, not on the projector. */
	bool listed = !su->class_path[0];
	if (!listed)
		fprintf(
		    f,
		    _("\n%zu student accounts, one a line, in %s (mode 0600): hand each student "
		      "their own line\n"),
		    su->users.n, su->class_path);
	else if (per && per->number_login)
		fprintf(f,
		        _("\nusers (address, password, %s, account number); the password is "
		          "refused:\n"),
		        _(per->secret_name));
	else if (per)
		fprintf(f, _("\nusers (address, password, %s); the password is refused:\n"),
		        _(per->secret_name));
	else
		fprintf(f, _("\nusers (name, password, authorization code); without --persona the "
		             "password logs in:\n"));
	size_t shown = listed ? su->users.n : 0;
	for (size_t i = 0; i < shown; i++) {
		const struct lab_user *w = &su->users.v[i];
		char addr[LAB_ADDR_MAX];
		lab_user_address(w, per ? per->domain : NULL, addr, sizeof(addr));
		const char *code = w->authcode[0] ? w->authcode : "-";
		/* Columns by display width: a users file may hold non-ASCII names. */
		fprintf(f, "  %-*s %-*s %-*s %s\n", text_field(addr, 18), addr,
		        text_field(w->password, 12), w->password, text_field(code, 18), code,
		        per && per->number_login && w->number[0] ? w->number : "");
	}
	if (per)
		fprintf(f,
		        _("mail for NAME@localhost or NAME@smtpsh.test or NAME@%s is stored in "
		          "%s/mail/NAME/\n"),
		        per->domain, su->dir);
	else
		fprintf(
		    f,
		    _("mail for NAME@localhost or NAME@smtpsh.test is stored in %s/mail/NAME/\n"),
		    su->dir);
	if (su->domains)
		fprintf(f, _("the lab also plays the domains %s: mail to any of them stays here\n"),
		        su->domains);
	if (su->remote)
		fprintf(f,
		        _("listening on %s, beyond loopback: every login (AUTH, USER, APOP) needs "
		          "TLS first (STARTTLS or STLS, or the smtps and pop3s ports)\n"),
		        su->host);
	if (per) {
		char spec[64]; /* qq or qq:smtp-off, as typed after --persona */
		snprintf(spec, sizeof(spec), "%s%s%s", per->name, su->run.flag ? ":" : "",
		         lab_persona_flag_names[su->run.flag]);
		fprintf(f, _("persona %s (%s): %s\n"), spec, _(per->provider), _(per->rule));
	}
	if (su->have_faults) {
		char spec[600];
		lab_faults_format(&su->faults, spec, sizeof(spec));
		fprintf(f, _("faults: %s (same seed, same faults for everyone)\n"), spec);
	}
	if (tls->created)
		fprintf(
		    f,
		    _("TLS: trust %s (made now)\n  CA SHA256 %s\n  server certificate (127.0.0.1, "
		      "::1, localhost) SHA256 %s\n"),
		    tls->ca_cert, tls->ca_sha256, tls->sha256);
	else
		fprintf(f,
		        _("TLS: trust %s\n  CA SHA256 %s\n  server certificate (127.0.0.1, ::1, "
		          "localhost) SHA256 %s\n"),
		        tls->ca_cert, tls->ca_sha256, tls->sha256);
	if (!full)
		return;
	const char *pw = su->persona ? su->users.v[0].authcode : su->users.v[0].password;
	/* With a persona the user names are addresses (the provider's rule). */
	char ua[LAB_ADDR_MAX], toa[LAB_ADDR_MAX];
	lab_user_address(&su->users.v[0], per ? per->domain : NULL, ua, sizeof(ua));
	lab_user_address(&su->users.v[su->users.n > 1], per ? per->domain : NULL, toa, sizeof(toa));
	const char *u = ua;
	const char *to = toa;
	char fa[LAB_ADDR_MAX + 16], ta[LAB_ADDR_MAX + 16]; /* envelope addresses */
	snprintf(fa, sizeof(fa), "%s%s", ua, per || strchr(ua, '@') ? "" : "@localhost");
	snprintf(ta, sizeof(ta), "%s%s", toa, per || strchr(toa, '@') ? "" : "@localhost");
	const char *topw = su->persona ? su->users.v[su->users.n > 1].authcode
	                               : su->users.v[su->users.n > 1].password;
	unsigned smtp = lab_server_port(srv, LAB_SVC_SMTP),
	         sub = lab_server_port(srv, LAB_SVC_SUBMISSION);
	unsigned pop3 = lab_server_port(srv, LAB_SVC_POP3),
	         pop3s = lab_server_port(srv, LAB_SVC_POP3S);
	fprintf(f, _("\ntry this:\n"));
	fprintf(f,
	        _("  smtpsh smtp://127.0.0.1:%u         type EHLO me, AUTH LOGIN, MAIL "
	          "FROM:<%s>,\n"
	          "                                       RCPT TO:<%s>, DATA, ..., '.', QUIT\n"),
	        smtp, fa, ta);
	fprintf(f, _("  smtpsh --cafile %s smtp://127.0.0.1:%u   then: starttls\n"), tls->ca_cert,
	        sub);
	const char *pop3_line =
	    "  smtpsh pop3://127.0.0.1:%u         USER %s, PASS %s, LIST, RETR 1, "
	    "QUIT\n"; /* i18n: protocol (commands only) */
	fprintf(f, pop3_line, pop3, to, topw);
	fprintf(f, /* i18n: protocol */
	        "  swaks --server 127.0.0.1:%u --tls --tls-verify --tls-ca-path %s \\\n"
	        "        --auth LOGIN --auth-user %s --auth-password %s --from %s --to "
	        "%s\n",
	        sub, tls->ca_cert, u, pw, fa, ta);
	fprintf(f, "  curl --cacert %s pop3s://127.0.0.1:%u/1 -u %s:%s\n", /* i18n: protocol */
	        tls->ca_cert, pop3s, to, topw);
	fprintf(f, _("log (what arrived, what was answered and why): %s; Ctrl-C stops the lab\n\n"),
	        su->log_path);
}

enum smtpsh_err lab_run(const struct lab_options *opts)
{
	struct lab_options o = *opts;
	static struct lab_setup su;
	struct smtpsh_msg msg;
	enum smtpsh_err e = prepare(&su, &o, &msg);
	if (e != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lab: %s\n"), msg.text);
		return e;
	}
	su.log = open_log(su.log_path);
	if (!su.log) {
		fprintf(stderr, _("smtpsh lab: %s: %s\n"), su.log_path, strerror(errno));
		lab_users_free(&su.users);
		return SMTPSH_EIO;
	}
	setvbuf(su.log, NULL, _IOLBF, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	bool moved = false;
	if (!o.port_base) {
		o.port_base = pick_port_base(o.listen);
		moved = o.port_base && o.port_base != LAB_DEFAULT_PORT_BASE;
		if (!o.port_base)
			o.port_base = LAB_DEFAULT_PORT_BASE; /* and say why it fails */
	}
	struct lab_server_config cfg = {
	    .dir = su.dir,
	    .port_base = o.port_base,
	    .users = &su.users,
	    .persona = su.persona,
	    .persona_run = &su.run,
	    .faults = su.have_faults ? &su.faults : NULL,
	    .max_connections = (unsigned)o.max_connections,
	    .idle_timeout_s = (int)o.idle_timeout_s,
	    .line_timeout_s = (int)o.line_timeout_s,
	    .ipv6 = true,
	    .log = write_log,
	    .log_ctx = &su,
	    .trace = o.trace ? on_state : NULL,
	    .listen_addr = o.listen,
	    .domains = o.domains,
	};
	struct lab_server *srv;
	if (lab_server_new(&cfg, &srv, &msg) != SMTPSH_OK) {
		fprintf(stderr, _("smtpsh lab: %s\n"), msg.text);
		fclose(su.log);
		lab_users_free(&su.users);
		return SMTPSH_EIO;
	}
	/* "try this" names 127.0.0.1 and the first user's secret: not for a class. */
	print_guide(stdout, srv, &su, !o.listen && !o.class_size);
	if (moved)
		printf(_("(the default ports 2525... are taken here: --port-base %u was picked; "
		         "give --port-base to choose)\n\n"),
		       o.port_base);
	su.echo = !o.quiet;
	running = srv;
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	e = lab_server_run(srv);
	struct lab_stats st;
	lab_server_stats(srv, &st);
	running = NULL;
	su.echo = false;
	lab_server_free(srv);
	printf(_("lab stopped: %lu connections (at most %lu at once), %lu messages stored, %lu "
	         "timeouts\n"),
	       st.connections, st.peak, st.messages, st.timeouts);
	fclose(su.log);
	lab_users_free(&su.users);
	return e == SMTPSH_OK ? SMTPSH_OK : SMTPSH_EIO;
}

/* ---- the lab in the background of the shell ---- */

/* What to type first in a shell on the background lab (`smtpsh --lab`):
 * the ports are the running server's, never recomputed from the SMTP one. */
static void print_shell_guide(FILE *f, const struct lab_server *srv)
{
	fprintf(
	    f,
	    _("\ntry this (seed 003's flow: alice sends, the lab stores, bob reads):\n"
	      "  EHLO me                     the server lists what it can do\n"
	      "  AUTH LOGIN                  then: b64 alice   and: b64   (type alice-pw, not "
	      "echoed)\n"
	      "  MAIL FROM:<alice@localhost>\n"
	      "  RCPT TO:<bob@localhost>\n"
	      "  DATA                        Subject: hi, an empty line, some text, then a lone .\n"
	      "  QUIT                        then read it:  /connect pop3://127.0.0.1:%u\n"
	      "                              USER bob, PASS bob-pw, LIST, RETR 1, QUIT\n"
	      "  /help lists the helpers; explain 535 explains a code; Ctrl-D leaves (the lab "
	      "stops "
	      "too)\n\n"),
	    lab_server_port(srv, LAB_SVC_POP3));
}

static pid_t bg_pid = -1;
static char bg_guide[4096];

const char *lab_background_guide(void)
{
	return bg_guide;
}

static void child_run(struct lab_setup *su, int ready_fd)
{
	/* Out of the terminal's process group: the shell's Ctrl-C is the
	 * shell's.  Gone with the parent. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGINT, SIG_IGN);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	char why[600] = "";
	su->log = open_log(su->log_path);
	if (su->log)
		setvbuf(su->log, NULL, _IOLBF, 0);
	struct lab_server *srv = start_server(su, why, sizeof(why));
	if (!srv) {
		dprintf(ready_fd, "E%s", why);
		_exit(1);
	}
	FILE *g = fmemopen(bg_guide, sizeof(bg_guide) - 1, "w");
	if (g) {
		print_guide(g, srv, su, false);
		print_shell_guide(g, srv);
		fclose(g);
	}
	dprintf(ready_fd, "K%u\n%s", lab_server_port(srv, LAB_SVC_SMTP), bg_guide);
	close(ready_fd);
	running = srv;
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (getppid() == 1)
		lab_server_stop(srv); /* the parent is already gone */
	lab_server_run(srv);
	lab_server_free(srv);
	if (su->log)
		fclose(su->log);
	_exit(0);
}

/* What the child says on the pipe once its ports listen ("K" PORT "\n"
 * GUIDE) or why it could not ("E" WHY), within 30 seconds; the length. */
static size_t read_ready(int fd, char *buf, size_t n)
{
	size_t got = 0;
	int64_t waited = 0;
	while (got < n - 1 && waited < 30000) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, 100);
		if (r == 0) {
			waited += 100;
			continue;
		}
		ssize_t k = read(fd, buf + got, n - 1 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	buf[got] = '\0';
	return got;
}

/* Forks the child; its pid, or -1 with msg filled. */
static pid_t fork_child(struct lab_setup *su, int *ready_fd, struct smtpsh_msg *msg)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		smtpsh_fail(msg, SMTPSH_EIO, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		smtpsh_fail(msg, SMTPSH_EIO, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_run(su, p[1]);
	}
	close(p[1]);
	*ready_fd = p[0];
	return pid;
}

enum smtpsh_err lab_start_background(const struct lab_options *o, char *smtp_url, size_t n,
                                     char *cafile, size_t m, struct smtpsh_msg *msg)
{
	smtpsh_msg_clear(msg);
	if (bg_pid > 0)
		return smtpsh_fail(msg, SMTPSH_ESTATE,
		                   "a lab is already running in the background");
	static struct lab_setup su;
	enum smtpsh_err e = prepare(&su, o, msg);
	if (e != SMTPSH_OK)
		return e;
	if (!su.port_base)
		su.port_base = pick_port_base(NULL);
	int ready_fd = -1;
	pid_t pid = -1;
	if (!su.port_base)
		smtpsh_fail(msg, SMTPSH_EIO,
		            "no free ports for the lab (tried port bases 2525 to 9525)");
	else
		pid = fork_child(&su, &ready_fd, msg);
	if (pid < 0) {
		lab_users_free(&su.users);
		return SMTPSH_EIO;
	}
	/* Ready means every port listens: the child writes after bind/listen. */
	char ready[sizeof(bg_guide) + 800];
	size_t got = read_ready(ready_fd, ready, sizeof(ready));
	close(ready_fd);
	lab_users_free(&su.users);
	if (got == 0 || ready[0] != 'K') {
		if (got > 1 && ready[0] == 'E')
			smtpsh_fail(msg, SMTPSH_EIO, "the lab did not start: %s", ready + 1);
		else
			smtpsh_fail(msg, SMTPSH_EIO, "the lab did not start (see %s)", su.log_path);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return SMTPSH_EIO;
	}
	unsigned port = (unsigned)strtoul(ready + 1, NULL, 10);
	const char *guide = strchr(ready, '\n');
	snprintf(bg_guide, sizeof(bg_guide), "%s", guide ? guide + 1 : "");
	snprintf(smtp_url, n, "smtp://127.0.0.1:%u", port);
	snprintf(cafile, m, "%s/ca.pem", su.dir);
	bg_pid = pid;
	return SMTPSH_OK;
}

void lab_stop_background(void)
{
	if (bg_pid <= 0)
		return;
	kill(bg_pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(bg_pid, NULL, WNOHANG) == bg_pid) {
			bg_pid = -1;
			return;
		}
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	kill(bg_pid, SIGKILL);
	waitpid(bg_pid, NULL, 0);
	bg_pid = -1;
}

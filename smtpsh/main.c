/* SPDX-License-Identifier: GPL-3.0-or-later */
/* smtpsh: type SMTP and POP3 by hand, with every reply explained. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab_cmd.h"
#include "mask.h"
#include "shell.h"

#define SMTPSH_VERSION "0.1.0"

static void usage(FILE *f)
{
	fputs(
	    "usage: smtpsh [options] TARGET\n"
	    "       smtpsh --lab [options]     the built-in practice server, and a shell on it\n"
	    "       smtpsh lab [--dir DIR] [--users FILE] [--port-base N] [--persona NAME] "
	    "[--faults SPEC]\n"
	    "                                  run the practice server in the foreground\n"
	    "       smtpsh show FILE           a transcript, annotated\n"
	    "       smtpsh replay [--all] FILE one exchange at a time (Enter)\n"
	    "       smtpsh serve FILE [--port N] [--cert F [--key F]] [--exact] [--timeout S]\n"
	    "                                  a mock server playing FILE's R: side to one\n"
	    "                                  client on 127.0.0.1 (exit 5 if it strays;\n"
	    "                                  --port 0: any free port, said on the first line)\n"
	    "       smtpsh replay --against TARGET [--exact] [--mask REGEX]... [options] FILE\n"
	    "                                  send FILE's S: lines to a live server and\n"
	    "                                  compare its replies (exit 5 when they differ;\n"
	    "                                  redacted lines: SMTPSH_SECRET_1, _2, ...)\n"
	    "\n"
	    "Connect to an SMTP or POP3 server and type the protocol by hand;\n"
	    "every reply is shown with what it means.\n"
	    "\n"
	    "TARGET:  smtp://HOST[:PORT]   SMTP (port 25 by default); smtp://USER@HOST\n"
	    "                              gives login its user name (never a password)\n"
	    "         pop3://HOST[:PORT]   POP3 (port 110 by default)\n"
	    "         smtps://HOST[:PORT]  SMTP over implicit TLS (port 465)\n"
	    "         pop3s://HOST[:PORT]  POP3 over implicit TLS (port 995)\n"
	    "         HOST[:PORT]          SMTP, or POP3 when PORT is 110 or 995;\n"
	    "                              implicit TLS when PORT is 465 or 995\n"
	    "         IPv6 addresses in brackets: smtp://[::1]:25\n"
	    "\n"
	    "options:\n"
	    "  -4, -6               use IPv4 / IPv6 only\n"
	    "  -t, --timeout SECS   connect and reply timeout (default 30)\n"
	    "  -f, --file FILE      run the lines of FILE as if typed (script mode)\n"
	    "      --tls            implicit TLS on any port\n"
	    "      --starttls       EHLO/CAPA, STARTTLS/STLS and EHLO again right after the\n"
	    "                       greeting; never goes on in plaintext\n"
	    "      --cafile FILE    trust the CAs in FILE (PEM) instead of the system's\n"
	    "      --capath DIR     trust the CAs in DIR (hashed, c_rehash)\n"
	    "      --insecure       go on when the certificate does not verify (warned)\n"
	    "      --password-file FILE  password for the login helper (mode 600 or stricter);\n"
	    "                       or set SMTPSH_PASSWORD (SMTPSH_OAUTH_TOKEN for XOAUTH2)\n"
	    "      --record FILE    write the transcript to FILE (default: a new file under\n"
	    "                       $XDG_STATE_HOME/smtpsh/transcripts/)\n"
	    "      --no-record      do not write a transcript\n"
	    "      --timestamps     add relative times to the transcript\n"
	    "      --show-secrets   show passwords and their base64 on screen and on record\n"
	    "      --trace          print each state change on standard error\n"
	    "                       (-- trace: smtp: mail -> rcpt (250 to RCPT)); never recorded\n"
	    "      --color=WHEN     auto (default), always, never; NO_COLOR is honoured\n"
	    "      --no-history     do not read or write the history file\n"
	    "      --lab            start the built-in practice server and connect to it\n"
	    "      --persona NAME   with --lab: behave like qq, 163, gmail or outlook\n"
	    "  -h, --help           this text\n"
	    "  -V, --version        version\n"
	    "\n"
	    "Script mode: when standard input is not a terminal, or with -f, each\n"
	    "line is sent in lock-step with the replies; S:/R: lines and # notes go\n"
	    "to standard output.\n"
	    "\n"
	    "In the session: /help lists the helpers (b64, unb64, explain, status...);\n"
	    "\\LINE sends LINE verbatim.\n"
	    "\n"
	    "exit status:\n"
	    "  0  the session ran and ended (QUIT or end of input)\n"
	    "  1  smtpsh lab: the lab could not start (ports in use, store unwritable)\n"
	    "  2  bad command line, a script line too long or with a NUL, an unreadable "
	    "transcript\n"
	    "  3  connection failure: unknown host, refused, connect timeout\n"
	    "  4  protocol failure: malformed reply, no reply in time, hang-up, a failed write\n"
	    "  5  replay --against / serve: the peer did not follow the transcript\n",
	    f);
}

/* --color=WHEN with NO_COLOR and TERM=dumb honoured for auto. */
static bool pick_color(const char *when, bool tty)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	return tty && !(nc && *nc) && !(term && !strcmp(term, "dumb"));
}

/* `smtpsh show FILE`, `smtpsh replay [--all] FILE` */
static int subcommand_playback(int argc, char **argv, bool step)
{
	static struct shell sh;
	const char *file = NULL;
	const char *color = "auto";
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			step = false;
		else if (!strncmp(argv[i], "--color=", 8))
			color = argv[i] + 8;
		else if (!file && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
			file = argv[i];
		else {
			fprintf(stderr,
			        "smtpsh %s: unexpected '%s'\nusage: smtpsh show [--color=WHEN] "
			        "FILE | smtpsh replay [--all] FILE\n",
			        argv[1], argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!file) {
		fprintf(stderr, "smtpsh %s: which transcript? (a file, or - for standard input)\n",
		        argv[1]);
		return EXIT_USAGE;
	}
	sh.out = stdout;
	sh.color = pick_color(color, isatty(STDOUT_FILENO));
	return playback_run(&sh, file, step);
}

/* `smtpsh serve FILE [--port N] [--cert F --key F] [--exact] [--timeout S]` */
/* A whole number from lo to hi written in digits only ("+5", " 5", "5s"
 * and "" are not), into *v. */
static bool whole_number(const char *s, long lo, long hi, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(s, &end, 10);
	return isdigit((unsigned char)s[0]) && !*end && !errno && *v >= lo && *v <= hi;
}

static int subcommand_serve(int argc, char **argv)
{
	static struct shell sh;
	const char *file = NULL, *cert = NULL, *key = NULL;
	unsigned port = 2525;
	bool exact = false;
	sh.timeout_s = 30;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--port") && more) {
			long v;
			if (!whole_number(argv[++i], 0, 65535, &v)) {
				fprintf(stderr,
				        "smtpsh serve: bad port '%s': a number from 0 (any free "
				        "port) to 65535\n",
				        argv[i]);
				return EXIT_USAGE;
			}
			port = (unsigned)v;
		} else if (!strcmp(a, "--cert") && more) {
			cert = argv[++i];
		} else if (!strcmp(a, "--key") && more) {
			key = argv[++i];
		} else if (!strcmp(a, "--timeout") && more) {
			long v;
			if (!whole_number(argv[++i], 1, 3600, &v)) {
				fprintf(stderr,
				        "smtpsh serve: --timeout wants seconds from 1 to 3600, not "
				        "'%s'\n",
				        argv[i]);
				return EXIT_USAGE;
			}
			sh.timeout_s = (int)v;
		} else if (!strcmp(a, "--exact")) {
			exact = true;
		} else if (!file && a[0] != '-') {
			file = a;
		} else {
			fprintf(stderr,
			        "smtpsh serve: unexpected '%s'\nusage: smtpsh serve FILE [--port "
			        "N] [--cert F [--key F]] [--exact] [--timeout S]\n",
			        a);
			return EXIT_USAGE;
		}
	}
	if (!file) {
		fputs("smtpsh serve: which transcript?\n", stderr);
		return EXIT_USAGE;
	}
	sh.out = stdout;
	sh.color = pick_color("auto", isatty(STDOUT_FILENO));
	return serve_run(&sh, file, port, cert, key, exact);
}

int main(int argc, char **argv)
{
	static struct shell sh;
	if (argc > 1 && !strcmp(argv[1], "serve"))
		return subcommand_serve(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "lab"))
		return lab_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "show"))
		return subcommand_playback(argc, argv, false);
	/* replay --against URL FILE takes the shell's own options, before or
	 * after the word replay. */
	bool against = false;
	int replay_at = 0;
	for (int i = 1; i < argc; i++) {
		against |= !strncmp(argv[i], "--against", 9);
		if (!replay_at && !strcmp(argv[i], "replay"))
			replay_at = i;
	}
	if (replay_at && against) {
		memmove(&argv[replay_at], &argv[replay_at + 1],
		        (size_t)(argc - replay_at) * sizeof(*argv));
		argc--;
	} else if (replay_at == 1) {
		return subcommand_playback(argc, argv, true);
	} else {
		against = false;
	}
	const char *color = "auto";
	const char *file = NULL;
	enum {
		OPT_COLOR = 256,
		OPT_NOHIST,
		OPT_TLS,
		OPT_CAFILE,
		OPT_CAPATH,
		OPT_INSECURE,
		OPT_PWFILE,
		OPT_STARTTLS,
		OPT_RECORD,
		OPT_NORECORD,
		OPT_SHOWSECRETS,
		OPT_TIMESTAMPS,
		OPT_AGAINST,
		OPT_EXACT,
		OPT_MASK,
		OPT_LAB,
		OPT_PERSONA,
		OPT_TRACE
	};
	bool lab = false;
	struct lab_options labopt = {0};
	const char *against_url = NULL;
	bool exact = false;
	char *masks[MASK_MAX];
	int nmasks = 0;
	const char *record = NULL;
	bool no_record = false, timestamps = false;
	bool force_tls = false;
	struct tls_opts tls = {0};
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'},
	    {"file", required_argument, NULL, 'f'},
	    {"color", required_argument, NULL, OPT_COLOR},
	    {"colour", required_argument, NULL, OPT_COLOR},
	    {"no-history", no_argument, NULL, OPT_NOHIST},
	    {"tls", no_argument, NULL, OPT_TLS},
	    {"cafile", required_argument, NULL, OPT_CAFILE},
	    {"capath", required_argument, NULL, OPT_CAPATH},
	    {"insecure", no_argument, NULL, OPT_INSECURE},
	    {"password-file", required_argument, NULL, OPT_PWFILE},
	    {"starttls", no_argument, NULL, OPT_STARTTLS},
	    {"record", required_argument, NULL, OPT_RECORD},
	    {"no-record", no_argument, NULL, OPT_NORECORD},
	    {"show-secrets", no_argument, NULL, OPT_SHOWSECRETS},
	    {"timestamps", no_argument, NULL, OPT_TIMESTAMPS},
	    {"against", required_argument, NULL, OPT_AGAINST},
	    {"exact", no_argument, NULL, OPT_EXACT},
	    {"mask", required_argument, NULL, OPT_MASK},
	    {"lab", no_argument, NULL, OPT_LAB},
	    {"persona", required_argument, NULL, OPT_PERSONA},
	    {"trace", no_argument, NULL, OPT_TRACE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0, 0, 0, 0},
	};
	sh.family = AF_UNSPEC;
	sh.timeout_s = 30;
	sh.history = true;
	sh.out = stdout;
	int c;
	while ((c = getopt_long(argc, argv, "46t:f:hV", opts, NULL)) != -1) {
		switch (c) {
		case '4':
		case '6':
			if (sh.family != AF_UNSPEC &&
			    sh.family != (c == '4' ? AF_INET : AF_INET6)) {
				fputs("smtpsh: -4 and -6 exclude each other (give neither to use "
				      "both)\n",
				      stderr);
				return EXIT_USAGE;
			}
			sh.family = c == '4' ? AF_INET : AF_INET6;
			break;
		case 't': {
			long v;
			if (!whole_number(optarg, 1, 3600, &v)) {
				fprintf(
				    stderr,
				    "smtpsh: --timeout wants seconds from 1 to 3600, not '%s'\n",
				    optarg);
				return EXIT_USAGE;
			}
			sh.timeout_s = (int)v;
			break;
		}
		case 'f': file = optarg; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_NOHIST: sh.history = false; break;
		case OPT_TLS: force_tls = true; break;
		case OPT_CAFILE: tls.cafile = optarg; break;
		case OPT_CAPATH: tls.capath = optarg; break;
		case OPT_INSECURE: tls.insecure = true; break;
		case OPT_PWFILE: sh.password_file = optarg; break;
		case OPT_STARTTLS: sh.starttls = true; break;
		case OPT_RECORD: record = optarg; break;
		case OPT_NORECORD: no_record = true; break;
		case OPT_SHOWSECRETS: sh.show_secrets = true; break;
		case OPT_TIMESTAMPS: timestamps = true; break;
		case OPT_AGAINST: against_url = optarg; break;
		case OPT_EXACT: exact = true; break;
		case OPT_LAB: lab = true; break;
		case OPT_PERSONA: labopt.persona = optarg; break;
		case OPT_TRACE: sh.trace = true; break;
		case OPT_MASK:
			if (nmasks == MASK_MAX) {
				fprintf(stderr, "smtpsh: at most %d --mask\n", MASK_MAX);
				return EXIT_USAGE;
			}
			masks[nmasks++] = optarg;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("smtpsh %s\n", SMTPSH_VERSION); return EXIT_OK;
		default: fputs("smtpsh: try 'smtpsh --help'\n", stderr); return EXIT_USAGE;
		}
	}
	if (labopt.persona && !lab) {
		fputs("smtpsh: --persona goes with --lab (or: smtpsh lab --persona NAME)\n",
		      stderr);
		return EXIT_USAGE;
	}
	char lab_url[128], lab_ca[4200];
	if (lab) {
		if (optind != argc || against) {
			fputs("smtpsh: --lab connects to the built-in lab: give no server\n",
			      stderr);
			return EXIT_USAGE;
		}
		if (lab_start_background(&labopt, lab_url, sizeof(lab_url), lab_ca,
		                         sizeof(lab_ca)) != 0) {
			fprintf(stderr, "smtpsh: cannot start the lab: %s\n",
			        lab_background_error());
			return EXIT_CONNECT;
		}
		atexit(lab_stop_background);
		if (!tls.cafile && !tls.capath)
			tls.cafile = lab_ca; /* trust the lab's own CA: real verification */
	}
	if (against_url && !against) {
		fputs("smtpsh: --against belongs to 'smtpsh replay --against URL FILE'\n", stderr);
		return EXIT_USAGE;
	}
	if (against && optind >= argc) {
		fputs("smtpsh replay --against: which transcript? (smtpsh replay --against URL "
		      "FILE)\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (!lab && optind != argc - 1) {
		fprintf(stderr,
		        "smtpsh: %s\nusage: smtpsh [options] smtp://HOST[:PORT] | "
		        "pop3://HOST[:PORT] | HOST[:PORT]  (--help for more)\n",
		        optind >= argc ? "no server given" : "one server only");
		return EXIT_USAGE;
	}
	if ((exact || nmasks) && !against) {
		fputs("smtpsh: --exact and --mask belong to 'smtpsh replay --against URL FILE'\n",
		      stderr);
		return EXIT_USAGE;
	}
	const char *replay_file = NULL;
	if (against) {
		replay_file = argv[optind];
		no_record = no_record || !record;
		/* Everything that can be checked offline is, before connecting. */
		if (access(replay_file, R_OK) != 0) {
			fprintf(stderr, "smtpsh replay: cannot read transcript '%s': %s\n",
			        replay_file, strerror(errno));
			return EXIT_USAGE;
		}
		struct mask m;
		char merr[300];
		mask_init(&m);
		for (int i = 0; i < nmasks; i++)
			if (!mask_add(&m, masks[i], merr, sizeof(merr))) {
				fprintf(stderr, "smtpsh: --mask: %s\n", merr);
				mask_free(&m);
				return EXIT_USAGE;
			}
		mask_free(&m);
	}
	char terr[512];
	if (target_parse(lab       ? lab_url
	                 : against ? against_url
	                           : argv[optind],
	                 &sh.target, terr, sizeof(terr)) != SMTPSH_OK) {
		fprintf(stderr, "smtpsh: %s\n", terr);
		return EXIT_USAGE;
	}
	sh.target.tls = sh.target.tls || force_tls;
	if (sh.starttls && sh.target.tls) {
		fputs("smtpsh: --starttls and implicit TLS (--tls, smtps://, pop3s://, 465, 995) "
		      "exclude each other\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (tls.cafile && access(tls.cafile, R_OK) != 0) {
		fprintf(stderr, "smtpsh: --cafile %s: %s\n", tls.cafile, strerror(errno));
		return EXIT_USAGE;
	}
	struct stat capath_st;
	errno = 0;
	if (tls.capath && (stat(tls.capath, &capath_st) != 0 || !S_ISDIR(capath_st.st_mode) ||
	                   access(tls.capath, R_OK | X_OK) != 0)) {
		fprintf(stderr, "smtpsh: --capath %s: %s\n", tls.capath,
		        errno ? strerror(errno) : "not a directory");
		return EXIT_USAGE;
	}
	if (file) {
		sh.script = fopen(file, "r");
		if (!sh.script) {
			fprintf(stderr, "smtpsh: cannot open script '%s': %s\n", file,
			        strerror(errno));
			return EXIT_USAGE;
		}
	} else {
		sh.script = stdin;
	}
	sh.interactive = !file && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (against)
		sh.interactive = false, sh.history = false;
	if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never")) {
		fprintf(stderr, "smtpsh: --color wants auto, always or never, not '%s'\n", color);
		return EXIT_USAGE;
	}
	sh.color = pick_color(color, isatty(STDOUT_FILENO));

	if (!no_record) {
		char path[1200], dir[1024], target[400];
		if (record) {
			snprintf(path, sizeof(path), "%s", record);
		} else if (state_dir(dir, sizeof(dir), "transcripts")) {
			char when[32];
			time_t now = time(NULL);
			strftime(when, sizeof(when), "%Y%m%d-%H%M%S", localtime(&now));
			/* the pid keeps two sessions started in the same second apart */
			snprintf(path, sizeof(path), "%s/%s-%s-%u-%ld.txt", dir, when,
			         sh.target.host, sh.target.port, (long)getpid());
		} else {
			path[0] = '\0';
		}
		snprintf(target, sizeof(target), "%s%s://%s%s%s:%u", proto_name(sh.target.proto),
		         sh.target.tls ? "s" : "", strchr(sh.target.host, ':') ? "[" : "",
		         sh.target.host, strchr(sh.target.host, ':') ? "]" : "", sh.target.port);
		char err[300];
		if (path[0] && (record ? transcript_open : transcript_create)(
		                   &sh.rec, path, target, proto_name(sh.target.proto), timestamps,
		                   err, sizeof(err)) != SMTPSH_OK) {
			fprintf(stderr, "smtpsh: %s\n", err);
			if (record)
				return EXIT_USAGE;
		} else if (path[0] && (record || sh.interactive)) {
			render_event(&sh, "recording to %s", path);
		}
	}
	if (lab && sh.interactive) {
		fputs(lab_background_guide(), stdout);
	}
	struct session_hooks hooks = {0};
	render_init_hooks(&sh, &hooks);
	session_init(&sh.session, sh.target.proto, NULL, sh.timeout_s * 1000);
	/* the recorder first: a line is on record before it is shown */
	sh.recorder = (struct recorder){.w = &sh.rec, .show_secrets = sh.show_secrets};
	recorder_attach(&sh.recorder, &sh.session);
	session_subscribe(&sh.session, &hooks);
	sh.session.tls_opts = tls;
	enum smtpsh_err e =
	    session_connect(&sh.session, sh.target.host, sh.target.port, sh.family, sh.target.tls);
	if (e != SMTPSH_OK) {
		if (e == SMTPSH_ETLS || e == SMTPSH_ECLOSED)
			fprintf(stderr, "smtpsh: TLS with %s port %u failed: %s\n", sh.target.host,
			        sh.target.port, sh.session.err);
		else
			fprintf(stderr, "smtpsh: %s\n", sh.session.err);
		transcript_event(&sh.rec, TRANSCRIPT_EV_ERROR, "cannot connect: %s",
		                 sh.session.err);
		transcript_close(&sh.rec);
		session_free(&sh.session);
		return EXIT_CONNECT;
	}
	int rc = against ? against_run(&sh, replay_file, exact, masks, nmasks) : repl_run(&sh);
	session_free(&sh.session);
	transcript_close(&sh.rec);
	if (sh.script && sh.script != stdin)
		fclose(sh.script);
	return rc;
}

/*
 * berth-ga: Berth's guest agent for the Berth Linux guest.
 *
 * Speaks the QEMU guest agent (QGA) wire protocol on a virtio-serial port
 * (org.qemu.guest_agent.0): JSON commands in, one JSON reply per command out,
 * each reply ending in "\n". A 0xFF byte from the host resets the parser
 * (guest-sync-delimited); its reply is preceded by 0xFF.
 *
 * Commands: guest-sync, guest-sync-delimited, guest-ping, guest-info,
 * guest-shutdown (powerdown|halt|reboot; no reply on success),
 * guest-get-osinfo, guest-get-host-name, guest-get-time.
 * Anything else gets a QGA-style error; the agent never exits on bad input.
 *
 * Usage: berth-ga [-p PORT] [-f PIDFILE] [-s SHUTDOWN-CMD]
 *   PORT defaults to /dev/virtio-ports/org.qemu.guest_agent.0, "-" for stdin/stdout.
 *
 * Part of Berth. Built static with riscv64-linux-gnu-gcc by build.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BERTH_GA_VERSION "1.0.0"
#define MAX_MSG (64 * 1024)
#define MAX_NODES 2048

/* ---------------------------------------------------------------- JSON */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	const char *s;     /* start of the value's text in the message */
	int len;           /* length of the value's text */
	const char *key;   /* member name (raw, without quotes) for object members */
	int keylen;
	int child, next;   /* first child, next sibling (-1: none) */
};

struct jparser {
	const char *p, *end;
	struct jnode nodes[MAX_NODES];
	int n;
	const char *err;
};

static void ws(struct jparser *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jvalue(struct jparser *j, int depth);

static int jnew(struct jparser *j, enum jtype t)
{
	if (j->n >= MAX_NODES) {
		j->err = "JSON nesting or size too large";
		return -1;
	}
	struct jnode *nd = &j->nodes[j->n];
	memset(nd, 0, sizeof(*nd));
	nd->type = t;
	nd->s = j->p;
	nd->child = nd->next = -1;
	return j->n++;
}

static int jstring_raw(struct jparser *j, const char **s, int *len)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	*s = j->p;
	while (j->p < j->end && *j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return -1;
		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->end || !strchr("\"\\/bfnrtu'", *j->p))
				return -1;
		}
		j->p++;
	}
	if (j->p >= j->end)
		return -1;
	*len = (int)(j->p - *s);
	j->p++;
	return 0;
}

static int jvalue(struct jparser *j, int depth)
{
	int id, prev = -1;

	if (depth > 64) {
		j->err = "JSON nesting too deep";
		return -1;
	}
	ws(j);
	if (j->p >= j->end)
		return -1;
	char c = *j->p;
	if (c == '{' || c == '[') {
		id = jnew(j, c == '{' ? J_OBJ : J_ARR);
		if (id < 0)
			return -1;
		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == (c == '{' ? '}' : ']')) {
			j->p++;
			j->nodes[id].len = (int)(j->p - j->nodes[id].s);
			return id;
		}
		for (;;) {
			const char *k = NULL;
			int kl = 0, v;
			ws(j);
			if (c == '{') {
				if (jstring_raw(j, &k, &kl) < 0)
					return -1;
				ws(j);
				if (j->p >= j->end || *j->p != ':')
					return -1;
				j->p++;
			}
			v = jvalue(j, depth + 1);
			if (v < 0)
				return -1;
			j->nodes[v].key = k;
			j->nodes[v].keylen = kl;
			if (prev < 0)
				j->nodes[id].child = v;
			else
				j->nodes[prev].next = v;
			prev = v;
			ws(j);
			if (j->p >= j->end)
				return -1;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == (c == '{' ? '}' : ']')) {
				j->p++;
				j->nodes[id].len = (int)(j->p - j->nodes[id].s);
				return id;
			}
			return -1;
		}
	}
	if (c == '"') {
		const char *s;
		int l;
		id = jnew(j, J_STR);
		if (id < 0 || jstring_raw(j, &s, &l) < 0)
			return -1;
		j->nodes[id].len = (int)(j->p - j->nodes[id].s);
		return id;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		id = jnew(j, J_NUM);
		if (id < 0)
			return -1;
		if (*j->p == '-')
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return -1;
		while (j->p < j->end && strchr("0123456789.eE+-", *j->p))
			j->p++;
		j->nodes[id].len = (int)(j->p - j->nodes[id].s);
		return id;
	}
	static const struct { const char *w; enum jtype t; } lit[] = {
		{ "true", J_BOOL }, { "false", J_BOOL }, { "null", J_NULL } };
	for (unsigned i = 0; i < 3; i++) {
		size_t l = strlen(lit[i].w);
		if ((size_t)(j->end - j->p) >= l && !memcmp(j->p, lit[i].w, l)) {
			id = jnew(j, lit[i].t);
			if (id < 0)
				return -1;
			j->p += l;
			j->nodes[id].len = (int)l;
			return id;
		}
	}
	return -1;
}

static int jget(struct jparser *j, int obj, const char *key)
{
	if (obj < 0 || j->nodes[obj].type != J_OBJ)
		return -1;
	for (int c = j->nodes[obj].child; c >= 0; c = j->nodes[c].next)
		if ((int)strlen(key) == j->nodes[c].keylen && !memcmp(key, j->nodes[c].key, j->nodes[c].keylen))
			return c;
	return -1;
}

/* A JSON string value without escapes decoded (commands and modes are plain ASCII). */
static int jstr(struct jparser *j, int id, char *buf, size_t n)
{
	if (id < 0 || j->nodes[id].type != J_STR || (size_t)j->nodes[id].len - 2 >= n)
		return -1;
	memcpy(buf, j->nodes[id].s + 1, j->nodes[id].len - 2);
	buf[j->nodes[id].len - 2] = 0;
	return 0;
}

/* -------------------------------------------------------------- output */

static int out_fd = 1;

struct sbuf {
	char b[8192];
	size_t n;
};

static void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	if (s->n >= sizeof(s->b))
		return;
	va_start(ap, fmt);
	int r = vsnprintf(s->b + s->n, sizeof(s->b) - s->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->n += (size_t)r;
	if (s->n >= sizeof(s->b))
		s->n = sizeof(s->b) - 1;
}

static void sb_str(struct sbuf *s, const char *v)
{
	sb_add(s, "\"");
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '"' || c == '\\')
			sb_add(s, "\\%c", c);
		else if (c == '\n')
			sb_add(s, "\\n");
		else if (c < 0x20)
			sb_add(s, "\\u%04x", c);
		else
			sb_add(s, "%c", c);
	}
	sb_add(s, "\"");
}

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(out_fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* host gone: drop the reply */
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Send one reply: {"return": RET} or {"error": ...}, echoing the request's "id". */
static void reply(int delimited, const char *body, const char *id, int idlen)
{
	struct sbuf s = { .n = 0 };
	if (delimited)
		s.b[s.n++] = (char)0xFF;
	sb_add(&s, "{%s", body);
	if (id)
		sb_add(&s, ", \"id\": %.*s", idlen, id);
	sb_add(&s, "}\n");
	write_all(s.b, s.n);
}

static void reply_error(const char *cls, const char *id, int idlen, const char *fmt, ...)
{
	char desc[512];
	struct sbuf s = { .n = 0 };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	sb_add(&s, "\"error\": {\"class\": \"%s\", \"desc\": ", cls);
	sb_str(&s, desc);
	sb_add(&s, "}");
	s.b[s.n] = 0;
	reply(0, s.b, id, idlen);
}

/* ------------------------------------------------------------ commands */

static const char *shutdown_cmd = "/sbin/berth-shutdown";

struct cmd {
	const char *name;
	int success_response;
	const char *args[3];   /* allowed argument names */
};

static const struct cmd cmds[] = {
	{ "guest-sync-delimited", 1, { "id" } },
	{ "guest-sync", 1, { "id" } },
	{ "guest-ping", 1, { 0 } },
	{ "guest-info", 1, { 0 } },
	{ "guest-shutdown", 0, { "mode" } },
	{ "guest-get-osinfo", 1, { 0 } },
	{ "guest-get-host-name", 1, { 0 } },
	{ "guest-get-time", 1, { 0 } },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void os_release(const char *key, char *val, size_t n)
{
	char line[256];
	size_t kl = strlen(key);
	FILE *f = fopen("/etc/os-release", "r");
	val[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) || line[kl] != '=')
			continue;
		char *v = line + kl + 1;
		v[strcspn(v, "\n")] = 0;
		size_t l = strlen(v);
		if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
			v[l - 1] = 0;
			v++;
		}
		snprintf(val, n, "%s", v);
		break;
	}
	fclose(f);
}

static void do_shutdown(const char *mode)
{
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		/* the agent itself is stopped by the shutdown: run it detached */
		if (fork() == 0) {
			execl(shutdown_cmd, shutdown_cmd, mode, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void handle(const char *msg, size_t len)
{
	static struct jparser j;
	char exec[64], mode[32];
	const char *id = NULL;
	int idlen = 0;

	j.n = 0;
	j.err = NULL;
	j.p = msg;
	j.end = msg + len;
	int root = jvalue(&j, 0);
	if (root >= 0) {
		ws(&j);
		if (j.p != j.end)
			root = -1;
	}
	if (root < 0) {
		reply_error("GenericError", NULL, 0, "JSON parse error, %s",
			    j.err ? j.err : "invalid JSON syntax");
		return;
	}
	if (j.nodes[root].type != J_OBJ) {
		reply_error("GenericError", NULL, 0, "QMP input must be a JSON object");
		return;
	}
	int idn = jget(&j, root, "id");
	if (idn >= 0) {
		id = j.nodes[idn].s;
		idlen = j.nodes[idn].len;
	}
	for (int c = j.nodes[root].child; c >= 0; c = j.nodes[c].next) {
		const char *k = j.nodes[c].key;
		int kl = j.nodes[c].keylen;
		if (!((kl == 7 && !memcmp(k, "execute", 7)) || (kl == 9 && !memcmp(k, "arguments", 9)) ||
		      (kl == 2 && !memcmp(k, "id", 2)))) {
			reply_error("GenericError", id, idlen, "QMP input member '%.*s' is unexpected", kl, k);
			return;
		}
	}
	int en = jget(&j, root, "execute");
	if (en < 0) {
		reply_error("GenericError", id, idlen, "QMP input lacks member 'execute'");
		return;
	}
	if (jstr(&j, en, exec, sizeof(exec)) < 0) {
		if (j.nodes[en].type != J_STR)
			reply_error("GenericError", id, idlen, "QMP input member 'execute' must be a string");
		else
			reply_error("CommandNotFound", id, idlen, "The command %.*s has not been found",
				    j.nodes[en].len - 2 > 60 ? 60 : j.nodes[en].len - 2, j.nodes[en].s + 1);
		return;
	}
	const struct cmd *cmd = NULL;
	for (unsigned i = 0; i < NCMDS; i++)
		if (!strcmp(exec, cmds[i].name))
			cmd = &cmds[i];
	if (!cmd) {
		reply_error("CommandNotFound", id, idlen, "The command %s has not been found", exec);
		return;
	}
	int args = jget(&j, root, "arguments");
	if (args >= 0 && j.nodes[args].type != J_OBJ) {
		reply_error("GenericError", id, idlen, "QMP input member 'arguments' must be an object");
		return;
	}
	if (args >= 0) {
		for (int c = j.nodes[args].child; c >= 0; c = j.nodes[c].next) {
			int ok = 0;
			for (int a = 0; a < 3 && cmd->args[a]; a++)
				if ((int)strlen(cmd->args[a]) == j.nodes[c].keylen &&
				    !memcmp(cmd->args[a], j.nodes[c].key, j.nodes[c].keylen))
					ok = 1;
			if (!ok) {
				reply_error("GenericError", id, idlen, "Parameter '%.*s' is unexpected",
					    j.nodes[c].keylen, j.nodes[c].key);
				return;
			}
		}
	}

	struct sbuf s = { .n = 0 };
	if (!strcmp(exec, "guest-sync") || !strcmp(exec, "guest-sync-delimited")) {
		int v = jget(&j, args, "id");
		if (v < 0) {
			reply_error("GenericError", id, idlen, "Parameter 'id' is missing");
			return;
		}
		const char *t = j.nodes[v].s;
		int tl = j.nodes[v].len;
		if (j.nodes[v].type != J_NUM || memchr(t, '.', tl) || memchr(t, 'e', tl) || memchr(t, 'E', tl)) {
			reply_error("GenericError", id, idlen, "Invalid parameter type for 'id', expected: integer");
			return;
		}
		sb_add(&s, "\"return\": %.*s", tl, t);
		s.b[s.n] = 0;
		reply(exec[10] == '-', s.b, id, idlen);
	} else if (!strcmp(exec, "guest-ping")) {
		reply(0, "\"return\": {}", id, idlen);
	} else if (!strcmp(exec, "guest-info")) {
		sb_add(&s, "\"return\": {\"version\": \"" BERTH_GA_VERSION "\", \"supported_commands\": [");
		for (unsigned i = 0; i < NCMDS; i++)
			sb_add(&s, "%s{\"enabled\": true, \"name\": \"%s\", \"success-response\": %s}",
			       i ? ", " : "", cmds[i].name, cmds[i].success_response ? "true" : "false");
		sb_add(&s, "]}");
		s.b[s.n] = 0;
		reply(0, s.b, id, idlen);
	} else if (!strcmp(exec, "guest-shutdown")) {
		int m = jget(&j, args, "mode");
		strcpy(mode, "powerdown");
		if (m >= 0 && (j.nodes[m].type != J_STR || jstr(&j, m, mode, sizeof(mode)) < 0)) {
			reply_error("GenericError", id, idlen, "Invalid parameter type for 'mode', expected: string");
			return;
		}
		if (strcmp(mode, "powerdown") && strcmp(mode, "halt") && strcmp(mode, "reboot")) {
			reply_error("GenericError", id, idlen,
				    "Parameter 'mode' expects 'halt', 'powerdown' or 'reboot'");
			return;
		}
		fprintf(stderr, "berth-ga: guest-shutdown %s\n", mode);
		do_shutdown(!strcmp(mode, "powerdown") ? "poweroff" : mode);
		/* success: no reply (the host sees the VM stop) */
	} else if (!strcmp(exec, "guest-get-osinfo")) {
		struct utsname u;
		char v[128];
		uname(&u);
		sb_add(&s, "\"return\": {\"kernel-release\": ");
		sb_str(&s, u.release);
		sb_add(&s, ", \"kernel-version\": ");
		sb_str(&s, u.version);
		sb_add(&s, ", \"machine\": ");
		sb_str(&s, u.machine);
		static const char *const keys[][2] = { { "ID", "id" }, { "NAME", "name" },
			{ "PRETTY_NAME", "pretty-name" }, { "VERSION", "version" },
			{ "VERSION_ID", "version-id" } };
		for (unsigned i = 0; i < 5; i++) {
			os_release(keys[i][0], v, sizeof(v));
			if (!v[0])
				continue;
			sb_add(&s, ", \"%s\": ", keys[i][1]);
			sb_str(&s, v);
		}
		sb_add(&s, "}");
		s.b[s.n] = 0;
		reply(0, s.b, id, idlen);
	} else if (!strcmp(exec, "guest-get-host-name")) {
		char h[256] = "";
		gethostname(h, sizeof(h) - 1);
		sb_add(&s, "\"return\": {\"host-name\": ");
		sb_str(&s, h);
		sb_add(&s, "}");
		s.b[s.n] = 0;
		reply(0, s.b, id, idlen);
	} else if (!strcmp(exec, "guest-get-time")) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		sb_add(&s, "\"return\": %lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		s.b[s.n] = 0;
		reply(0, s.b, id, idlen);
	}
}

/* --------------------------------------------------------------- input */

/*
 * Split the byte stream into top-level JSON values by tracking nesting and
 * strings, as QEMU's JSON streamer does. 0xFF discards a partial message.
 */
static char msg[MAX_MSG];
static size_t mlen;
static int depth, in_str, esc, overflow, junk;

static void feed(unsigned char c)
{
	if (c == 0xFF) {
		mlen = 0;
		depth = in_str = esc = overflow = junk = 0;
		return;
	}
	if (depth == 0 && !in_str) {
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			return;
		if (c != '{' && c != '[') {
			/* a stray scalar or garbage outside any object: one error per run */
			if (!junk)
				reply_error("GenericError", NULL, 0, "JSON parse error, invalid token '%c'",
					    c >= 0x20 && c < 0x7f ? c : '?');
			junk = 1;
			return;
		}
		junk = 0;
	}
	if (mlen < MAX_MSG)
		msg[mlen++] = (char)c;
	else
		overflow = 1;
	if (in_str) {
		if (esc)
			esc = 0;
		else if (c == '\\')
			esc = 1;
		else if (c == '"')
			in_str = 0;
		return;
	}
	if (c == '"')
		in_str = 1;
	else if (c == '{' || c == '[')
		depth++;
	else if (c == '}' || c == ']') {
		if (--depth == 0) {
			if (overflow)
				reply_error("GenericError", NULL, 0, "JSON parse error, message too long");
			else
				handle(msg, mlen);
			mlen = 0;
			overflow = 0;
		}
	}
}

int main(int argc, char **argv)
{
	const char *port = "/dev/virtio-ports/org.qemu.guest_agent.0";
	const char *pidfile = NULL;
	int opt, fd;

	while ((opt = getopt(argc, argv, "p:f:s:h")) != -1) {
		switch (opt) {
		case 'p': port = optarg; break;
		case 'f': pidfile = optarg; break;
		case 's': shutdown_cmd = optarg; break;
		default:
			fprintf(stderr, "usage: berth-ga [-p PORT|-] [-f PIDFILE] [-s SHUTDOWN-CMD]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	if (!strcmp(port, "-")) {
		fd = 0;
		out_fd = 1;
	} else {
		while ((fd = open(port, O_RDWR | O_NOCTTY)) < 0) {
			fprintf(stderr, "berth-ga: %s: %s (retrying)\n", port, strerror(errno));
			sleep(1);
		}
		out_fd = fd;
	}
	fprintf(stderr, "berth-ga " BERTH_GA_VERSION ": listening on %s\n", port);
	for (;;) {
		unsigned char buf[4096];
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (fd == 0)
				return 0; /* stdin mode: EOF ends the test run */
			/* virtio port: the host side is not connected; wait for it */
			usleep(100 * 1000);
			continue;
		}
		for (ssize_t i = 0; i < n; i++)
			feed(buf[i]);
	}
}

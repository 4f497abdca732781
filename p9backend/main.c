// SPDX-License-Identifier: GPL-2.0-only
/*
 * p9backend: share Dom0 directories with guests over 9P2000.L.
 *
 * With a hypervisor interface it serves the "9pfs" devices of this Dom0
 * (each device's backend node names its directory: "path",
 * "security_model", "read_only"); with --socket it also serves one
 * directory (--export) on a Unix socket for ordinary 9P clients. After
 * setting up it keeps only the capabilities the security models need.
 */
#include <cap-ng.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "p9server.h"
#include "p9wire.h"
#include "transport.h"
#include "xenif.h"
#include "xs_client.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

struct opts {
	const char *xen_mode;
	const char *store_path;
	const char *socket_path;
	const char *export_path;
	enum p9s_security_model model;
	bool readonly;
	struct p9x_config xcfg;
	uint32_t msize;
	bool keep_caps;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: p9backend [options]\n"
		"Share Dom0 directories with guests over 9P2000.L: the Xen "
		"9pfs devices\nof this Dom0, and optionally one directory on a "
		"Unix socket.\n\n"
		"  -X, --xen MODE            auto, none, hosted or linux "
		"(default auto)\n"
		"  -S, --store PATH          xenstored's socket\n"
		"  -s, --socket PATH         also serve --export on this Unix "
		"socket\n"
		"  -e, --export DIR          the directory served on --socket\n"
		"  -m, --security-model M    none (passthrough) or "
		"mapped-xattr, for --export\n"
		"  -r, --read-only           --export read-only; with Xen, "
		"every device too\n"
		"      --max-rings N         rings a device may use (1-%u, "
		"default %u)\n"
		"      --max-ring-order N    pages per ring as a power of 2 "
		"(1-%u, default %u)\n"
		"      --msize N             largest msize on the socket "
		"(default %u)\n"
		"      --keep-caps           do not drop capabilities after "
		"setup\n"
		"  -l, --log-level LEVEL     err, warn, info or debug "
		"(default info)\n"
		"  -h, --help                this text\n"
		"  -V, --version             the version\n",
		P9X_MAX_RINGS, P9X_DEFAULT_MAX_RINGS, P9X_MAX_RING_ORDER,
		P9X_MAX_RING_ORDER, P9U_DEFAULT_MSIZE);
}

static int parse_uint(
	const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9') {
		return -EINVAL;
	}
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v < min || *v > max) {
		return -EINVAL;
	}
	return 0;
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	enum { OPT_MAX_RINGS = 256, OPT_MAX_ORDER, OPT_MSIZE, OPT_KEEP_CAPS };
	static const struct option longopts[] = {
		{"xen", required_argument, NULL, 'X'},
		{"store", required_argument, NULL, 'S'},
		{"socket", required_argument, NULL, 's'},
		{"export", required_argument, NULL, 'e'},
		{"security-model", required_argument, NULL, 'm'},
		{"read-only", no_argument, NULL, 'r'},
		{"max-rings", required_argument, NULL, OPT_MAX_RINGS},
		{"max-ring-order", required_argument, NULL, OPT_MAX_ORDER},
		{"msize", required_argument, NULL, OPT_MSIZE},
		{"keep-caps", no_argument, NULL, OPT_KEEP_CAPS},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	enum log_level level;
	unsigned long v;
	int c;

	while ((c = getopt_long(
			argc, argv, "X:S:s:e:m:rl:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'X':
			if (strcmp(optarg, "auto") != 0 &&
				strcmp(optarg, "none") != 0 &&
				strcmp(optarg, "hosted") != 0 &&
				strcmp(optarg, "linux") != 0) {
				fatalx("--xen: \"%s\" is not auto, none, "
				       "hosted or linux",
					optarg);
			}
			o->xen_mode = optarg;
			break;
		case 'S':
			o->store_path = optarg;
			break;
		case 's':
			o->socket_path = optarg;
			break;
		case 'e':
			o->export_path = optarg;
			break;
		case 'm':
			if (p9s_security_model_parse(optarg, &o->model) != 0) {
				fatalx("--security-model: \"%s\" is not none, "
				       "passthrough or mapped-xattr",
					optarg);
			}
			break;
		case 'r':
			o->readonly = true;
			break;
		case OPT_MAX_RINGS:
			if (parse_uint(optarg, 1, P9X_MAX_RINGS, &v) != 0) {
				fatalx("--max-rings: not a number in 1-%u",
					P9X_MAX_RINGS);
			}
			o->xcfg.max_rings = (unsigned int)v;
			break;
		case OPT_MAX_ORDER:
			if (parse_uint(optarg, 1, P9X_MAX_RING_ORDER, &v) !=
				0) {
				fatalx("--max-ring-order: not a number in "
				       "1-%u",
					P9X_MAX_RING_ORDER);
			}
			o->xcfg.max_ring_order = (unsigned int)v;
			break;
		case OPT_MSIZE:
			if (parse_uint(optarg, P9_MIN_MSIZE, 16u << 20, &v) !=
				0) {
				fatalx("--msize: not a number in %u-%u",
					P9_MIN_MSIZE, 16u << 20);
			}
			o->msize = (uint32_t)v;
			break;
		case OPT_KEEP_CAPS:
			o->keep_caps = true;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) != 0) {
				fatalx("--log-level: \"%s\" is not err, warn, "
				       "info or debug",
					optarg);
			}
			log_set_level(level);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("p9backend %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind != argc) {
		fatalx("unexpected argument \"%s\" (see --help)", argv[optind]);
	}
	if ((o->socket_path == NULL) != (o->export_path == NULL)) {
		fatalx("--socket and --export go together");
	}
}

/* Which hypervisor interface, if any: NULL for none. */
static struct xenif *open_xen(const char *mode)
{
	enum xenif_backend which;
	const char *env = getenv("XEN_HOSTED_SOCKET");
	struct xenif *xi;

	if (strcmp(mode, "none") == 0) {
		return NULL;
	}
	if (strcmp(mode, "hosted") == 0) {
		which = XENIF_HOSTED;
	} else if (strcmp(mode, "linux") == 0) {
		which = XENIF_LINUX;
	} else if (env != NULL && *env != '\0') {
		which = XENIF_HOSTED;
	} else if (access("/dev/xen/privcmd", F_OK) == 0) {
		which = XENIF_LINUX;
	} else {
		log_info("no hypervisor interface: no Xen devices served");
		return NULL;
	}
	xi = xenif_open(which, NULL);
	if (xi == NULL) {
		fatal("hypervisor interface (%s)", mode);
	}
	return xi;
}

/*
 * Keep only what serving files needs: reading and writing files whatever
 * their modes and owners, and, when some export may use the model none,
 * ownership changes, set-id bits and device nodes for the guests' users.
 * The hypervisor devices are already open.
 */
static void drop_caps(bool passthrough)
{
	static const int keep[] = {
		CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER, /* all */
		CAP_CHOWN, CAP_FSETID, CAP_MKNOD, /* model none */
	};
	unsigned int i, n = passthrough ? 6 : 3;

	if (capng_have_capabilities(CAPNG_SELECT_CAPS) == CAPNG_NONE) {
		return; /* an unprivileged run has nothing to drop */
	}
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < n; i++) {
		capng_update(CAPNG_ADD,
			CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
			(unsigned int)keep[i]);
	}
	if (capng_apply(CAPNG_SELECT_BOTH) != 0) {
		log_warn("could not drop capabilities; running with all");
		return;
	}
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	log_info("capabilities reduced to dac_override, dac_read_search, "
		 "fowner%s",
		passthrough ? ", chown, fsetid, mknod" : "");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.xen_mode = "auto",
		.model = P9S_SECURITY_NONE,
		.xcfg = {.max_rings = P9X_DEFAULT_MAX_RINGS,
			.max_ring_order = P9X_MAX_RING_ORDER},
		.msize = P9U_DEFAULT_MSIZE,
	};
	struct p9s_export_config ecfg;
	struct p9s_export *ex = NULL;
	struct event_base *base;
	struct event *sigterm, *sigint;
	struct xenif *xi;
	struct xsc *store = NULL;
	struct p9x *x = NULL;
	struct p9u *u = NULL;
	struct rlimit rl;
	char *real = NULL;
	int ret;

	log_init("p9backend", LOG_LEVEL_INFO);
	parse_opts(argc, argv, &o);
	o.xcfg.force_readonly = o.readonly;
	signal(SIGPIPE, SIG_IGN);
	/* Each fid of each guest holds a descriptor. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Modes are the guests' to choose, exactly. */
	umask(0);
	base = event_base_new();
	if (base == NULL) {
		fatalx("libevent: no event base");
	}
	/*
	 * Before anything is served: a SIGTERM that comes as soon as the
	 * first device is answered must still stop the daemon cleanly.
	 */
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm, NULL) ||
		evsignal_add(sigint, NULL)) {
		fatalx("libevent: signals");
	}
	if (o.socket_path != NULL) {
		real = realpath(o.export_path, NULL);
		if (real == NULL) {
			fatal("--export %s", o.export_path);
		}
		ecfg = (struct p9s_export_config){
			.path = real, .model = o.model, .readonly = o.readonly};
		ex = p9s_export_open(&ecfg);
		if (ex == NULL) {
			fatal("--export %s", real);
		}
		u = p9u_new(base, o.socket_path, ex, o.msize);
		if (u == NULL) {
			fatal("--socket %s", o.socket_path);
		}
		log_info("serving %s (%s%s) on %s", real,
			p9s_security_model_name(o.model),
			o.readonly ? ", read-only" : "", o.socket_path);
	}
	xi = open_xen(o.xen_mode);
	if (xi != NULL) {
		ret = xsc_open(o.store_path, &store);
		if (ret != 0) {
			fatalx("xenstored (%s): %s",
				o.store_path ? o.store_path : "default",
				strerror(-ret));
		}
		x = p9x_new(base, store, o.store_path, xi, &o.xcfg);
		if (x == NULL) {
			fatal("serving the 9pfs devices");
		}
		log_info("serving the 9pfs devices over %s (%u known)",
			xenif_backend_name(xi), p9x_devices(x));
	}
	if (u == NULL && x == NULL) {
		fatalx("nothing to serve: no hypervisor interface and no "
		       "--socket");
	}
	if (!o.keep_caps) {
		/* Store devices may ask for either model. */
		drop_caps(x != NULL || o.model == P9S_SECURITY_NONE);
	}
#if HAVE_LIBSYSTEMD
	sd_notify(0, "READY=1");
#endif
	event_base_dispatch(base);
#if HAVE_LIBSYSTEMD
	sd_notify(0, "STOPPING=1");
#endif
	p9x_free(x);
	p9u_free(u);
	p9s_export_put(ex);
	xsc_close(store);
	xenif_close(xi);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(base);
	free(real);
	return 0;
}

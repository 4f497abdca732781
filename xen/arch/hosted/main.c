/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-hosted: the hypervisor core as a Linux process. Creates dom0, listens
 * on its socket, runs the event loop until SIGTERM or dom0's shutdown.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hosted.h"
#include "log.h"
#include "xen/domain.h"
#include "xen/hypercall.h"
#include "xen/sched_if.h"
#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static char handle_path_buf[256];

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xen-hosted [OPTION]...\n"
		"The hypervisor core as a Linux process: domains are "
		"processes\n"
		"that connect to its socket.\n\n"
		"  -s, --socket PATH       listen here (default %s)\n"
		"      --handle-file PATH  where dom0's handle is written\n"
		"                          (default: the socket path + "
		"\".dom0\")\n"
		"  -n, --max-domains N     at most N domains, dom0 included "
		"(default %u)\n"
		"      --dom0-pages N      dom0's RAM in 4 KiB pages (default "
		"%llu)\n"
		"      --default-pages N   a new domain's RAM (default %llu)\n"
		"      --max-pages N       the most RAM a domain may get "
		"(default %llu)\n"
		"      --grant-frames N    grant-table frames per domain "
		"(default %u)\n"
		"      --dom0-evtchns N    dom0's event channel ports (default "
		"%u; one per\n"
		"                          guest its store serves)\n"
		"      --sched NAME        scheduler: credit (default) or "
		"null\n"
		"      --cpus N            physical CPUs the scheduler places "
		"vCPUs on (default %u)\n"
		"      --keep-dead         keep a dead guest's domain until "
		"dom0 "
		"destroys it\n"
		"  -l, --log-level LEVEL   err, warn, info or debug (default "
		"info)\n"
		"  -h, --help              this text\n",
		hosted_config.socket_path, hosted_config.max_domains,
		(unsigned long long)hosted_config.dom0_pages,
		(unsigned long long)hosted_config.default_pages,
		(unsigned long long)hosted_config.max_pages,
		hosted_config.grant_frames, hosted_config.dom0_evtchns,
		hosted_config.nr_cpus);
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min ||
		v > max) {
		return -EINVAL;
	}
	*out = v;
	return 0;
}

enum {
	OPT_HANDLE_FILE = 256,
	OPT_DOM0_PAGES,
	OPT_DEFAULT_PAGES,
	OPT_MAX_PAGES,
	OPT_GRANT_FRAMES,
	OPT_DOM0_EVTCHNS,
	OPT_SCHED,
	OPT_CPUS,
	OPT_KEEP_DEAD,
};

static int parse_args(int argc, char **argv, bool *exit_now)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"handle-file", required_argument, NULL, OPT_HANDLE_FILE},
		{"max-domains", required_argument, NULL, 'n'},
		{"dom0-pages", required_argument, NULL, OPT_DOM0_PAGES},
		{"default-pages", required_argument, NULL, OPT_DEFAULT_PAGES},
		{"max-pages", required_argument, NULL, OPT_MAX_PAGES},
		{"grant-frames", required_argument, NULL, OPT_GRANT_FRAMES},
		{"dom0-evtchns", required_argument, NULL, OPT_DOM0_EVTCHNS},
		{"sched", required_argument, NULL, OPT_SCHED},
		{"cpus", required_argument, NULL, OPT_CPUS},
		{"keep-dead", no_argument, NULL, OPT_KEEP_DEAD},
		{"log-level", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	enum log_level level;
	uint64_t v;
	int c;

	*exit_now = false;
	while ((c = getopt_long(argc, argv, "s:n:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			hosted_config.socket_path = optarg;
			break;
		case OPT_HANDLE_FILE:
			hosted_config.handle_path = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, 1, DOMID_FIRST_RESERVED, &v) !=
				0) {
				goto bad;
			}
			hosted_config.max_domains = (unsigned int)v;
			break;
		case OPT_DOM0_PAGES:
		case OPT_DEFAULT_PAGES:
		case OPT_MAX_PAGES:
			if (parse_u64(optarg, 1, 0xff000, &v) != 0) {
				goto bad;
			}
			if (c == OPT_DOM0_PAGES) {
				hosted_config.dom0_pages = v;
			} else if (c == OPT_DEFAULT_PAGES) {
				hosted_config.default_pages = v;
			} else {
				hosted_config.max_pages = v;
			}
			break;
		case OPT_GRANT_FRAMES:
			if (parse_u64(optarg, 1, 256, &v) != 0) {
				goto bad;
			}
			hosted_config.grant_frames = (unsigned int)v;
			break;
		case OPT_DOM0_EVTCHNS:
			if (parse_u64(optarg, 4096, 131072, &v) != 0) {
				goto bad;
			}
			hosted_config.dom0_evtchns = (unsigned int)v;
			break;
		case OPT_SCHED:
			if (scheduler_find(optarg) == NULL) {
				fprintf(stderr,
					"xen-hosted: unknown scheduler "
					"'%s' (credit, null)\n",
					optarg);
				return -EINVAL;
			}
			hosted_config.sched = optarg;
			break;
		case OPT_CPUS:
			if (parse_u64(optarg, 1, 1024, &v) != 0) {
				goto bad;
			}
			hosted_config.nr_cpus = (unsigned int)v;
			break;
		case OPT_KEEP_DEAD:
			hosted_config.keep_dead = true;
			break;
		case 'l':
			if (log_level_parse(optarg, &level) != 0) {
				goto bad;
			}
			log_set_level(level);
			if (level == LOG_LEVEL_DEBUG) {
				printk_set_level(XENLOG_DEBUG);
			}
			break;
		case 'h':
			usage(stdout);
			*exit_now = true;
			return 0;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xen-hosted: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	if (hosted_config.default_pages > hosted_config.max_pages ||
		hosted_config.dom0_pages > hosted_config.max_pages) {
		fprintf(stderr, "xen-hosted: --max-pages is below the dom0 or "
				"default RAM\n");
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "xen-hosted: bad value '%s' for option %s\n", optarg,
		argv[optind - 1]);
	return -EINVAL;
}

/* Write dom0's handle whole under a temporary name, then rename it in. */
static int write_handle_file(const char *path, const uint8_t handle[16])
{
	char hex[34], tmp[PATH_MAX];
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < 16; i++) {
		snprintf(hex + 2 * i, 3, "%02x", handle[i]);
	}
	hex[32] = '\n';
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		return -ENAMETOOLONG;
	}
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		return -errno;
	}
	n = write(fd, hex, 33);
	close(fd);
	if (n != 33 || rename(tmp, path) != 0) {
		unlink(tmp);
		return n != 33 ? -EIO : -errno;
	}
	return 0;
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(hosted_base);
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* Each domain holds a memfd and a socket. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	struct event *sigterm, *sigint;
	struct domain *dom0;
	uint8_t handle[16];
	bool exit_now;
	int rc;

	log_init("xen-hosted", LOG_LEVEL_INFO);
	if (parse_args(argc, argv, &exit_now) != 0) {
		return 2;
	}
	if (exit_now) {
		return 0;
	}
	if (hosted_config.handle_path == NULL) {
		snprintf(handle_path_buf, sizeof(handle_path_buf), "%s.dom0",
			hosted_config.socket_path);
		hosted_config.handle_path = handle_path_buf;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	hosted_base = event_base_new();
	if (hosted_base == NULL) {
		fatalx("cannot create the event loop");
	}
	hosted_timer_init();
	console_init();
	domain_table_init();
	domain_limits.max_domains = hosted_config.max_domains;
	domain_limits.max_grant_frames = hosted_config.grant_frames;
	rc = sched_init(hosted_config.sched, hosted_config.nr_cpus);
	if (rc != 0) {
		fatalx("scheduler: %s", strerror(-rc));
	}
	if (getrandom(handle, sizeof(handle), 0) != sizeof(handle)) {
		fatal("getrandom");
	}
	domain_limits.default_max_pages = hosted_config.dom0_pages;
	rc = domain_create(0, 0, 1, handle, true, &dom0);
	if (rc != 0) {
		fatalx("cannot create dom0: %s", strerror(-rc));
	}
	domain_limits.default_max_pages = hosted_config.default_pages;
	domain_unpause_by_controller(dom0);
	rc = hosted_listen(hosted_config.socket_path);
	if (rc != 0) {
		fatalx("cannot listen on %s: %s", hosted_config.socket_path,
			strerror(-rc));
	}
	rc = write_handle_file(hosted_config.handle_path, handle);
	if (rc != 0) {
		unlink(hosted_config.socket_path);
		fatalx("cannot write %s: %s", hosted_config.handle_path,
			strerror(-rc));
	}
	sigterm = evsignal_new(hosted_base, SIGTERM, signal_cb, NULL);
	sigint = evsignal_new(hosted_base, SIGINT, signal_cb, NULL);
	if (sigterm == NULL || sigint == NULL) {
		fatalx("cannot watch signals");
	}
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	log_info("listening on %s; scheduler %s, %u domains at most",
		hosted_config.socket_path, sched_name(),
		hosted_config.max_domains);
#if HAVE_LIBSYSTEMD
	sd_notify(0, "READY=1");
#endif
	event_base_dispatch(hosted_base);
#if HAVE_LIBSYSTEMD
	sd_notify(0, "STOPPING=1");
#endif
	hosted_conn_close_all();
	domain_table_teardown();
	sched_deinit();
	unlink(hosted_config.socket_path);
	unlink(hosted_config.handle_path);
	event_free(sigterm);
	event_free(sigint);
	event_base_free(hosted_base);
	libevent_global_shutdown();
	return 0;
}

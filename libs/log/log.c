/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the shared log module declared in log.h: one line
 * per call on stderr, "<prio>progname: message", with an optional errno
 * text. The level and on/off switch can change at run time (xenstored's
 * CONTROL "log" command).
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	const char *progname;
	enum log_level level;
	bool enabled;
} log_state = {"daemon", LOG_LEVEL_INFO, true};

static const struct {
	const char *name;
	enum log_level level;
} log_levels[] = {
	{"err", LOG_LEVEL_ERR},
	{"warn", LOG_LEVEL_WARN},
	{"info", LOG_LEVEL_INFO},
	{"debug", LOG_LEVEL_DEBUG},
};

void log_init(const char *progname, enum log_level level)
{
	log_state.progname = progname;
	log_state.level = level;
	log_state.enabled = true;
}

void log_set_level(enum log_level level)
{
	log_state.level = level;
}

enum log_level log_get_level(void)
{
	return log_state.level;
}

void log_set_enabled(bool enabled)
{
	log_state.enabled = enabled;
}

bool log_is_enabled(void)
{
	return log_state.enabled;
}

int log_level_parse(const char *name, enum log_level *level)
{
	size_t i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (strcmp(name, log_levels[i].name) == 0) {
			*level = log_levels[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	size_t i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (log_levels[i].level == level) {
			return log_levels[i].name;
		}
	}
	return "unknown";
}

bool log_would_print(enum log_level level)
{
	return log_state.enabled && level <= log_state.level;
}

static void log_vline(enum log_level level, int errnum, const char *fmt,
	va_list ap) __attribute__((format(printf, 3, 0)));

static void log_vline(
	enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];

	if (!log_would_print(level)) {
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0) {
		fprintf(stderr, "<%d>%s: %s: %s\n", (int)level,
			log_state.progname, msg, strerror(errnum));
	} else {
		fprintf(stderr, "<%d>%s: %s\n", (int)level, log_state.progname,
			msg);
	}
}

#define LOG_DEFINE(fn, level, with_errno)                                      \
	void fn(const char *fmt, ...)                                          \
	{                                                                      \
		int saved_errno = errno;                                       \
		va_list ap;                                                    \
                                                                               \
		va_start(ap, fmt);                                             \
		log_vline(level, with_errno ? saved_errno : 0, fmt, ap);       \
		va_end(ap);                                                    \
		errno = saved_errno;                                           \
	}

LOG_DEFINE(log_err, LOG_LEVEL_ERR, 0)
LOG_DEFINE(log_warn, LOG_LEVEL_WARN, 0)
LOG_DEFINE(log_info, LOG_LEVEL_INFO, 0)
LOG_DEFINE(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_DEFINE(log_err_errno, LOG_LEVEL_ERR, 1)
LOG_DEFINE(log_warn_errno, LOG_LEVEL_WARN, 1)

void fatal(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	log_state.enabled = true;
	va_start(ap, fmt);
	log_vline(LOG_LEVEL_ERR, saved_errno, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	log_state.enabled = true;
	va_start(ap, fmt);
	log_vline(LOG_LEVEL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

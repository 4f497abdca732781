/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemons' shared log module (prefix log_).
 *
 * Lines go to stderr with a syslog priority prefix ("<3>"), which journald
 * turns into the record's priority. There are no private log files.
 *
 * Levels: err (our bugs, bad configuration, host faults), warn, info and
 * debug (guest- or client-caused events). The _errno variants append the
 * text of errno as it was on entry. fatal()/fatalx() are for start-up
 * failures only: they log and exit(1).
 *
 * Thread context: single-threaded; state is the one file-scope struct.
 */
#ifndef LIBS_LOG_H
#define LIBS_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERR = 3,
	LOG_LEVEL_WARN = 4,
	LOG_LEVEL_INFO = 6,
	LOG_LEVEL_DEBUG = 7,
};

/** Set the program name shown in each line and the initial level. */
void log_init(const char *progname, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/** Turn all output off (false) or back on (true), keeping the level. */
void log_set_enabled(bool enabled);
bool log_is_enabled(void);
/** Parse "err", "warn", "info" or "debug"; -EINVAL otherwise. */
int log_level_parse(const char *name, enum log_level *level);
const char *log_level_name(enum log_level level);
/** True when a line at this level would be printed. */
bool log_would_print(enum log_level level);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_err_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* LIBS_LOG_H */

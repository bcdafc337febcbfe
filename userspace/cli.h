/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: the command table and its dispatcher, in the style of iproute2:
 * "ktgtctl OBJECT COMMAND ARGS", where any word may be shortened to a
 * unique prefix and "help" or -h shows the usage of whatever precedes it.
 */
#ifndef KTGTCTL_CLI_H
#define KTGTCTL_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_PROG	"ktgtctl"

/* Exit codes */
enum {
	CLI_OK		= 0,
	CLI_ERR		= 1,	/* the request failed */
	CLI_USAGE	= 2,	/* the command line is wrong */
};

/**
 * struct cli_cmd - one word of the command tree
 * @name: the word
 * @args: the argument synopsis of a command
 * @help: a one-line description
 * @details: more help, shown by "ktgtctl OBJECT COMMAND --help", or NULL
 * @sub: the table of commands below this object, or NULL for a command
 * @run: the command; it gets the arguments after @name and returns an exit code
 * @id: for @run's use (a KTGT_CMD_*)
 * @min_args: the fewest arguments @run accepts
 * @max_args: the most arguments @run accepts
 *
 * Tables end with an entry whose @name is NULL.
 */
struct cli_cmd {
	const char *name;
	const char *args;
	const char *help;
	const char *details;
	const struct cli_cmd *sub;
	int (*run)(const struct cli_cmd *cmd, int argc, char **argv, void *ctx);
	int id;
	int min_args;
	int max_args;
};

const struct cli_cmd *cli_lookup(const struct cli_cmd *table, const char *word, bool *ambiguous);
int cli_dispatch(const struct cli_cmd *table, const char *options, int argc, char **argv,
		 bool help, void *ctx);
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* KTGTCTL_CLI_H */

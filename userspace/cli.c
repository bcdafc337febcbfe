// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: the command table and its dispatcher.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

/* "ktgtctl lun add" and the like */
#define CLI_PATH_MAX	64

/**
 * cli_error() - print "ktgtctl: MESSAGE" as one line on stderr
 * @code: the exit code to return
 * @fmt: the message, without a trailing newline; control characters in
 *       the result are shown as '?'
 *
 * Return: @code.
 */
int cli_error(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Whatever the user or the kernel passed in, keep it to one line. */
	for (p = msg; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	fprintf(stderr, "%s: %s\n", CLI_PROG, msg);
	return code;
}

/**
 * cli_lookup() - find a word in a command table
 * @table: the table
 * @word: the exact name, or a prefix of exactly one name
 * @ambiguous: set when @word is a prefix of several names
 *
 * Return: the entry, or NULL.
 */
const struct cli_cmd *cli_lookup(const struct cli_cmd *table, const char *word, bool *ambiguous)
{
	const struct cli_cmd *found = NULL, *cmd;
	size_t len = strlen(word);
	int matches = 0;

	*ambiguous = false;
	if (!len)
		return NULL;
	for (cmd = table; cmd->name; cmd++) {
		if (!strcmp(cmd->name, word))
			return cmd;
		if (!strncmp(cmd->name, word, len)) {
			found = cmd;
			matches++;
		}
	}
	*ambiguous = matches > 1;
	return matches == 1 ? found : NULL;
}

static void print_commands(FILE *f, const struct cli_cmd *table, const char *path)
{
	const struct cli_cmd *cmd;
	char sub[CLI_PATH_MAX];

	for (cmd = table; cmd->name; cmd++) {
		snprintf(sub, sizeof(sub), "%s %s", path, cmd->name);
		if (cmd->sub) {
			print_commands(f, cmd->sub, sub);
			continue;
		}
		fprintf(f, "  %s%s%s%s\n", CLI_PROG, sub, cmd->args ? " " : "",
			cmd->args ? cmd->args : "");
		fprintf(f, "        %s\n", cmd->help);
	}
}

static void print_table_help(FILE *f, const struct cli_cmd *table, const char *path,
			     const char *options)
{
	fprintf(f, "Usage: %s%s%s %s [ARGS]\n\nCommands:\n", CLI_PROG,
		*path ? "" : " [OPTIONS]", path, *path ? "COMMAND" : "OBJECT COMMAND");
	print_commands(f, table, path);
	if (!*path && options)
		fprintf(f, "\nOptions:\n%s", options);
}

static void print_cmd_help(FILE *f, const struct cli_cmd *cmd, const char *path)
{
	fprintf(f, "Usage: %s%s%s%s\n\n%s\n", CLI_PROG, path, cmd->args ? " " : "",
		cmd->args ? cmd->args : "", cmd->help);
	if (cmd->details)
		fprintf(f, "\n%s", cmd->details);
}

static int dispatch(const struct cli_cmd *table, const char *path, const char *options,
		    int argc, char **argv, bool help, void *ctx)
{
	const struct cli_cmd *cmd;
	char sub[CLI_PATH_MAX];
	bool ambiguous;

	if ((!argc && help) || (argc && !strcmp(argv[0], "help"))) {
		print_table_help(stdout, table, path, options);
		return CLI_OK;
	}
	if (!argc)
		return cli_error(CLI_USAGE, "missing %s (try '%s%s help')",
				 *path ? "command" : "object", CLI_PROG, path);
	cmd = cli_lookup(table, argv[0], &ambiguous);
	if (!cmd)
		return cli_error(CLI_USAGE, "%s %s '%s' (try '%s%s help')",
				 ambiguous ? "ambiguous" : "unknown",
				 *path ? "command" : "object", argv[0], CLI_PROG, path);

	snprintf(sub, sizeof(sub), "%s %s", path, cmd->name);
	if (cmd->sub)
		return dispatch(cmd->sub, sub, options, argc - 1, argv + 1, help, ctx);
	/* No command takes "help" as its first argument: it is never a name. */
	if (help || (argc > 1 && !strcmp(argv[1], "help"))) {
		print_cmd_help(stdout, cmd, sub);
		return CLI_OK;
	}
	if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args)
		return cli_error(CLI_USAGE, "usage: %s%s%s%s", CLI_PROG, sub,
				 cmd->args ? " " : "", cmd->args ? cmd->args : "");
	return cmd->run(cmd, argc - 1, argv + 1, ctx);
}

/**
 * cli_dispatch() - run the command that the words on the command line name
 * @table: the top-level table (objects, or commands without an object)
 * @options: help text for the global options
 * @argc: the number of words, options removed
 * @argv: the words
 * @help: -h was given: show the usage of the deepest word instead of running it
 * @ctx: passed to the command
 *
 * Return: the exit code, %CLI_USAGE if the words name no command or the
 * argument count is wrong.
 */
int cli_dispatch(const struct cli_cmd *table, const char *options, int argc, char **argv,
		 bool help, void *ctx)
{
	return dispatch(table, "", options, argc, argv, help, ctx);
}

/* poise-admin.h: what the subcommands of poise-admin share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-library.h"

G_BEGIN_DECLS

/* Exit statuses: 0 success, 1 failure (bad library, unreadable file),
 * 2 wrong usage. */
#define POISE_ADMIN_EXIT_FAILURE 1
#define POISE_ADMIN_EXIT_USAGE   2

/* Global options, given before the command name. */
typedef struct {
  char *server;   /* --server URL, for the commands that talk to poise-server */
} PoiseAdminOptions;

/* A subcommand: @argv[0] is its name, the rest its own arguments. */
typedef int (*PoiseAdminCommandFunc) (const PoiseAdminOptions *options,
                                      int                      argc,
                                      char                   **argv);

/* Loads @path, or the default library if NULL. On failure prints every
 * problem as "PATH: MESSAGE" on stderr and returns NULL. */
PoiseLibrary *poise_admin_load_library (const char *path);

/* The language given with --lang, checked; else detected from @text; else
 * the locale's. NULL (after a message on stderr) for an unknown code. */
const char   *poise_admin_pick_language (const char *option,
                                         const char *text);

int poise_admin_suggest  (const PoiseAdminOptions *options,
                          int                      argc,
                          char                   **argv);
int poise_admin_evaluate (const PoiseAdminOptions *options,
                          int                      argc,
                          char                   **argv);

G_END_DECLS

/* poise-admin.h: what the subcommands of poise-admin share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-library.h"

G_BEGIN_DECLS

/* Exit statuses, one per kind of failure so scripts and CI can tell them
 * apart (listed in --help and docs/supervisors.md). */
#define POISE_ADMIN_EXIT_FAILURE     1   /* bad library, unreadable file */
#define POISE_ADMIN_EXIT_USAGE       2
#define POISE_ADMIN_EXIT_UNREACHABLE 3   /* no connection to the server */
#define POISE_ADMIN_EXIT_AUTH        4   /* no token, token refused (401), throttled (429) */
#define POISE_ADMIN_EXIT_FORBIDDEN   5   /* 403: not a supervisor */
#define POISE_ADMIN_EXIT_CONFLICT    6   /* 409: someone published since */
#define POISE_ADMIN_EXIT_TOO_LARGE   7   /* 413 */
#define POISE_ADMIN_EXIT_REJECTED    8   /* 422: the server refused the library */
#define POISE_ADMIN_EXIT_SERVER      9   /* 5xx */
#define POISE_ADMIN_EXIT_PROTOCOL    10  /* not a Poise server, or a garbled answer */
#define POISE_ADMIN_EXIT_NOT_FOUND   11  /* 404: no such version */

/* Global options, given before the command name. */
typedef struct {
  char *server;       /* --server URL, for the commands that talk to poise-server */
  char *token_file;   /* --token-file FILE; else $POISE_TOKEN */
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
int poise_admin_library  (const PoiseAdminOptions *options,
                          int                      argc,
                          char                   **argv);

G_END_DECLS

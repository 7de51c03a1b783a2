/* main.c: poise-admin, the supervisors' command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `poise-admin [--server URL] COMMAND [OPTIONS…]`: global options first,
 * then one command from the table below with its own options.  `library`
 * has subcommands of its own (poise-admin-library.c) that use --server.
 */
#define G_LOG_DOMAIN "poise-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "poise-admin.h"

static const struct {
  const char            *name;
  PoiseAdminCommandFunc  run;
  const char            *summary;
} commands[] = {
  { "suggest", poise_admin_suggest,
    N_("Rank the scenarios for a customer message read from standard input") },
  { "evaluate", poise_admin_evaluate,
    N_("Measure the suggestions against a file of labelled messages") },
  { "library", poise_admin_library,
    N_("Pull, validate, push, list, roll back and compare the team's library") },
};

static char *
describe_commands (void)
{
  GString *out = g_string_new (_("Commands:"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "\n  %-10s %s", commands[i].name, _(commands[i].summary));

  g_string_append_printf (out, "\n\n%s", _("Exit status:\n"
                                            "  0  success\n"
                                            "  1  the library or a file is not valid or cannot be read\n"
                                            "  2  wrong usage\n"
                                            "  3  the server cannot be reached\n"
                                            "  4  no token, or the server refused it\n"
                                            "  5  only supervisors can publish\n"
                                            "  6  someone published since your base version\n"
                                            "  7  the library is too large\n"
                                            "  8  the server refused the library\n"
                                            "  9  the server failed\n"
                                            "  10 the address is not a Poise server\n"
                                            "  11 no such version\n"));

  return g_string_free (out, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  PoiseAdminOptions options = { NULL };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *server = NULL;
  g_autofree char *token_file = NULL;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      N_("The Poise server, for the commands that use one"), N_("URL") },
    { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &token_file,
      N_("Read the token from FILE instead of $POISE_TOKEN"), N_("FILE") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [OPTION…]"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  description = describe_commands ();
  g_option_context_set_description (context, description);
  /* Stop at the command name: what follows are the command's options. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("poise-admin: %s\n", error->message);
      return POISE_ADMIN_EXIT_USAGE;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
      return POISE_ADMIN_EXIT_USAGE;
    }

  options.server = server;
  options.token_file = token_file;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (&options, argc - 1, argv + 1);

  /* Translators: %s is what the user typed as a command */
  g_printerr (_("poise-admin: unknown command “%s”\n"), argv[1]);
  g_printerr ("%s\n", description);
  return POISE_ADMIN_EXIT_USAGE;
}

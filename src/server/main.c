/* main.c: poise-server's command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   poise-server serve --db FILE [--address 127.0.0.1] [--port 8080]
 *                      [--tls-cert FILE --tls-key FILE] [--trust-proxy]
 *   poise-server user add NAME --role agent|supervisor --db FILE
 *   poise-server user list|remove NAME|reset-token NAME --db FILE
 *   poise-server backup --db FILE OUT
 */
#define G_LOG_DOMAIN "poise-server"

#include "config.h"

#include "poise-server.h"
#include "poise-server-storage.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

static char *opt_db;
static char *opt_address;
static int opt_port = 8080;
static char *opt_tls_cert;
static char *opt_tls_key;
static char *opt_role;
static gboolean opt_trust_proxy;

static const GOptionEntry db_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "The database file", "FILE" },
  { NULL }
};

static const GOptionEntry serve_entries[] = {
  { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "Address to listen on (default 127.0.0.1)", "ADDRESS" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "Port (default 8080; 0 picks a free one)", "PORT" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "PEM certificate for https", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "PEM private key for https", "FILE" },
  { "trust-proxy", 0, 0, G_OPTION_ARG_NONE, &opt_trust_proxy,
    "Throttle by the X-Real-IP of requests from a proxy on loopback", NULL },
  { NULL }
};

static const GOptionEntry role_entries[] = {
  { "role", 0, 0, G_OPTION_ARG_STRING, &opt_role, "agent or supervisor", "ROLE" },
  { NULL }
};

static int
usage (void)
{
  g_printerr ("Usage:\n"
              "  poise-server serve --db FILE [--address 127.0.0.1] [--port 8080] [--tls-cert F --tls-key F]\n"
              "                     [--trust-proxy]\n"
              "  poise-server user add NAME --role agent|supervisor --db FILE\n"
              "  poise-server user list --db FILE\n"
              "  poise-server user remove NAME --db FILE\n"
              "  poise-server user reset-token NAME --db FILE\n"
              "  poise-server backup --db FILE OUT\n");
  return 2;
}

static gboolean
parse (int                 *argc,
       char              ***argv,
       const char          *parameters,
       const GOptionEntry  *extra)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, db_entries, NULL);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (opt_db == NULL)
    {
      g_printerr ("--db FILE is required\n");
      return FALSE;
    }
  return TRUE;
}

static PoiseServerStorage *
open_storage (void)
{
  g_autoptr(GError) error = NULL;
  PoiseServerStorage *storage = poise_server_storage_open (opt_db, &error);

  if (storage == NULL)
    g_printerr ("%s: %s\n", opt_db, error->message);
  return storage;
}

static gboolean
on_quit_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* 1,000s of live sockets need more descriptors than the soft default. */
static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static int
serve (int    argc,
       char **argv)
{
  g_autoptr(PoiseServerStorage) storage = NULL;
  g_autoptr(PoiseServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (!parse (&argc, &argv, "- serve the team API", serve_entries) || argc != 1)
    return usage ();
  if (opt_port < 0 || opt_port > 65535 || (opt_tls_cert == NULL) != (opt_tls_key == NULL))
    return usage ();

  if (opt_tls_cert != NULL &&
      (certificate = g_tls_certificate_new_from_files (opt_tls_cert, opt_tls_key, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  raise_file_limit ();
  signal (SIGPIPE, SIG_IGN);
  /* Before the "listening" line: whoever reads it may stop us at once. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal_cb, loop);
  g_unix_signal_add (SIGINT, on_quit_signal_cb, loop);
  if ((storage = open_storage ()) == NULL)
    return 1;

  server = poise_server_new (storage);
  poise_server_set_trust_proxy (server, opt_trust_proxy);
  if (!poise_server_listen (server, opt_address ? opt_address : "127.0.0.1", opt_port,
                            certificate, &error))
    {
      g_printerr ("Could not listen: %s\n", error->message);
      return 1;
    }

  uri = poise_server_get_uri (server);
  /* Scripts and tests read the port from this first line. */
  printf ("listening on %s\n", uri);
  fflush (stdout);

  g_main_loop_run (loop);

  /* Queued writes finish (and are committed) before we exit. */
  poise_server_stop (server);
  g_message ("Stopped");
  return 0;
}

static int
user_command (int    argc,
              char **argv)
{
  g_autoptr(PoiseServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  const char *verb = argc > 1 ? argv[1] : "";
  g_autofree char *token = NULL;

  if (g_str_equal (verb, "add"))
    {
      if (!parse (&argc, &argv, "add NAME - add a user and print its token", role_entries) ||
          argc != 3 || opt_role == NULL)
        return usage ();
      if ((storage = open_storage ()) == NULL)
        return 1;
      token = poise_server_storage_add_user (storage, argv[2], opt_role, &error);
    }
  else if (g_str_equal (verb, "reset-token"))
    {
      if (!parse (&argc, &argv, "reset-token NAME - replace a user's token", NULL) || argc != 3)
        return usage ();
      if ((storage = open_storage ()) == NULL)
        return 1;
      token = poise_server_storage_reset_token (storage, argv[2], &error);
    }
  else if (g_str_equal (verb, "remove"))
    {
      if (!parse (&argc, &argv, "remove NAME - remove a user", NULL) || argc != 3)
        return usage ();
      if ((storage = open_storage ()) == NULL)
        return 1;
      if (!poise_server_storage_remove_user (storage, argv[2], &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }
  else if (g_str_equal (verb, "list"))
    {
      g_autoptr(GPtrArray) users = NULL;

      if (!parse (&argc, &argv, "list - list the users", NULL) || argc != 2)
        return usage ();
      if ((storage = open_storage ()) == NULL)
        return 1;
      if ((users = poise_server_storage_list_users (storage, &error)) == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      for (guint i = 0; i < users->len; i++)
        {
          PoiseServerUser *user = g_ptr_array_index (users, i);

          printf ("%s\t%s\n", user->name, user->role);
        }
      return 0;
    }
  else
    return usage ();

  if (token == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* The only time the token is ever shown: only its SHA-256 is stored. */
  printf ("%s\n", token);
  fflush (stdout);
  g_printerr ("Give this token to %s now; it cannot be shown again.\n", argv[2]);
  return 0;
}

static int
backup (int    argc,
        char **argv)
{
  g_autoptr(PoiseServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse (&argc, &argv, "OUT - copy the live database safely", NULL) || argc != 2)
    return usage ();
  if ((storage = open_storage ()) == NULL)
    return 1;
  if (!poise_server_storage_backup (storage, argv[1], &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    return usage ();
  if (g_str_equal (argv[1], "serve"))
    return serve (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "user"))
    return user_command (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "backup"))
    return backup (argc - 1, argv + 1);
  return usage ();
}

/* poise-admin-library.c: `poise-admin library …`, the team's script library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   library pull [-o FILE]                       the current library
 *   library validate FILE [--allow-incomplete]   offline, the app's validator
 *   library push FILE -m MESSAGE [--allow-incomplete] [--base N]
 *   library history                              every version
 *   library rollback VERSION -m MESSAGE [--base N]
 *   library diff A B                             versions or files
 *
 * Supervisors keep the library in git and publish from CI; every command
 * exits with a status that says what went wrong (poise-admin.h).
 */
#define G_LOG_DOMAIN "poise-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "poise-admin.h"
#include "poise-admin-client.h"
#include "poise-json-guard.h"
#include "poise-library-diff.h"

typedef int (*LibraryCommandFunc) (PoiseAdminOptions *options,
                                   int                argc,
                                   char             **argv);

static GOptionContext *
command_context (const char   *command,
                 const char   *parameters,
                 const char   *summary,
                 GOptionEntry *entries)
{
  g_autofree char *prgname = g_strconcat ("poise-admin library ", command, NULL);
  GOptionContext *context;

  g_set_prgname (prgname);
  context = g_option_context_new (parameters);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

static int
usage (GOptionContext *context,
       GError         *error)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (error != NULL)
    g_printerr ("poise-admin: %s\n", error->message);
  g_printerr ("%s", help);
  return POISE_ADMIN_EXIT_USAGE;
}

#define TOKEN_FILE_ENTRY(options) \
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &(options)->token_file, \
    N_("Read the token from FILE instead of $POISE_TOKEN"), N_("FILE") }

/* "\"12\"" → 12, else -1. */
static gint64
parse_etag (const char *etag)
{
  gsize length = etag != NULL ? strlen (etag) : 0;
  g_autofree char *digits = NULL;
  guint64 value;

  if (length < 3 || etag[0] != '"' || etag[length - 1] != '"')
    return -1;
  digits = g_strndup (etag + 1, length - 2);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &value, NULL))
    return -1;
  return value;
}

/* Fetches version @version (or the current one if < 1) and checks that
 * it is JSON and arrived whole. */
static GBytes *
fetch_library (PoiseAdminClient *client,
               gint64            version,
               gint64           *fetched,
               int              *status)
{
  static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autofree char *path = version > 0 ? g_strdup_printf ("/library/versions/%" G_GINT64_FORMAT, version)
                                      : g_strdup ("/library");
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sha256 = NULL;
  const char *expected;
  gsize length;
  const char *data;

  bytes = poise_admin_client_send (client, "GET", path, NULL, 200, &headers, status);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  expected = soup_message_headers_get_one (headers, "X-Library-SHA256");
  *fetched = parse_etag (soup_message_headers_get_one (headers, "ETag"));
  if (*fetched < 1 || (expected != NULL && g_ascii_strcasecmp (expected, sha256) != 0) ||
      !poise_json_guard_check (data != NULL ? data : "", length, &limits, NULL))
    {
      *status = poise_admin_client_garbled (client);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* pull */

static int
library_pull (PoiseAdminOptions *options,
              int                argc,
              char             **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write the library to FILE instead of standard output"), N_("FILE") },
    TOKEN_FILE_ENTRY (options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseAdminClient) client = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 version = 0;
  int status = 0;
  gsize length;
  const char *data;

  context = command_context ("pull", NULL, _("Downloads the library the server serves now."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    return usage (context, error);
  if ((client = poise_admin_client_new (options, &status)) == NULL ||
      (bytes = fetch_library (client, 0, &version, &status)) == NULL)
    return status;

  data = g_bytes_get_data (bytes, &length);
  if (output != NULL)
    {
      if (!g_file_set_contents (output, data, length, &error))
        {
          g_printerr ("poise-admin: %s\n", error->message);
          return POISE_ADMIN_EXIT_FAILURE;
        }
    }
  else if (fwrite (data, 1, length, stdout) != length || fflush (stdout) != 0)
    return POISE_ADMIN_EXIT_FAILURE;

  /* Translators: %lld is a library version number */
  g_printerr (_("Pulled version %lld.\n"), (long long) version);
  return 0;
}

/* validate */

static int
library_validate (PoiseAdminOptions *options,
                  int                argc,
                  char             **argv)
{
  gboolean allow_incomplete = FALSE;
  GOptionEntry entries[] = {
    { "allow-incomplete", 0, 0, G_OPTION_ARG_NONE, &allow_incomplete,
      N_("Accept texts missing in one of the library's languages"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  guint n_incomplete = 0;

  context = command_context ("validate", _("FILE"),
                             _("Checks a library file with the validator the app and the server use, "
                               "without a server. Prints every problem as PATH: MESSAGE and exits "
                               "with 1 if the server would refuse the file."),
                             entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    return usage (context, error);

  file = g_file_new_for_commandline_arg (argv[1]);
  library = poise_library_new_from_file (file, &problems, &error);
  if (library == NULL && (problems == NULL || problems->len == 0))
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const PoiseProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *line = poise_problem_to_string (problem);

      if (problem->severity == POISE_PROBLEM_INCOMPLETE)
        n_incomplete++;
      g_printerr ("%s\n", line);
    }

  if (library == NULL)
    return POISE_ADMIN_EXIT_FAILURE;
  if (n_incomplete > 0 && !allow_incomplete)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "%u text is missing in one of the library's languages; add it, or "
                               "accept the gap with --allow-incomplete\n",
                               "%u texts are missing in one of the library's languages; add them, or "
                               "accept the gaps with --allow-incomplete\n", n_incomplete),
                  n_incomplete);
      return POISE_ADMIN_EXIT_FAILURE;
    }
  /* Translators: %s is a file name */
  g_print (_("%s is a valid library.\n"), argv[1]);
  return 0;
}

/* push and rollback */

static char *
json_quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

/* POSTs @body; prints the new version. */
static int
publish (PoiseAdminClient *client,
         GBytes           *body,
         gint64            rollback_to)
{
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  int status = 0;
  gint64 version;

  if ((answer = poise_admin_client_send (client, "POST", "/library/versions", body, 201, NULL, &status)) == NULL ||
      (root = poise_admin_client_parse (client, answer, &status)) == NULL)
    return status;
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (version = poise_admin_json_int (json_node_get_object (root), "version", 0)) < 1)
    return poise_admin_client_garbled (client);

  if (rollback_to > 0)
    /* Translators: both are library version numbers */
    g_print (_("Published version %lld with the library of version %lld.\n"),
             (long long) version, (long long) rollback_to);
  else
    /* Translators: %lld is a library version number */
    g_print (_("Published version %lld.\n"), (long long) version);
  return 0;
}

static gboolean
message_is_given (const char *message)
{
  g_autofree char *stripped = g_strstrip (g_strdup (message != NULL ? message : ""));

  return stripped[0] != '\0';
}

static int
library_push (PoiseAdminOptions *options,
              int                argc,
              char             **argv)
{
  static const PoiseJsonLimits limits = { 0, POISE_JSON_MAX_DEPTH };
  g_autofree char *message = NULL;
  gboolean allow_incomplete = FALSE;
  gint64 base = 0;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message,
      N_("Say what changed (shown in the history and to the agents)"), N_("MESSAGE") },
    { "allow-incomplete", 0, 0, G_OPTION_ARG_NONE, &allow_incomplete,
      N_("Publish even if texts are missing in one of the library's languages"), NULL },
    { "base", 0, 0, G_OPTION_ARG_INT64, &base,
      N_("The version your file is based on (default: the server's current one)"), N_("N") },
    TOKEN_FILE_ENTRY (options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseAdminClient) client = NULL;
  g_autofree char *library = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(GString) body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  int status = 0;

  context = command_context ("push", _("FILE"),
                             _("Publishes a library file as the next version. The server checks it "
                               "with the app's validator and refuses it if someone published since "
                               "the version it is based on."),
                             entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      !message_is_given (message) || base < 0)
    return usage (context, error);

  if (!g_file_get_contents (argv[1], &library, &length, &error))
    {
      g_printerr ("poise-admin: %s\n", error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }
  /* The file goes into the request as it is, so it must be JSON. */
  if (!poise_json_guard_check (library, length, &limits, &error))
    {
      /* Translators: %s are the file name and what is wrong */
      g_printerr (_("%s: not a JSON file: %s\n"), argv[1], error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }

  if ((client = poise_admin_client_new (options, &status)) == NULL)
    return status;
  if (base == 0 && (base = poise_admin_client_current_version (client, &status)) < 0)
    return status;

  /* The file's bytes follow "library": unchanged: the server stores exactly
   * this file, and its SHA-256 is the file's. */
  quoted = json_quote (message);
  body = g_string_sized_new (length + strlen (quoted) + 128);
  g_string_append_printf (body, "{\"base_version\":%" G_GINT64_FORMAT ",\"message\":%s,"
                                "\"allow_incomplete\":%s,\"library\":",
                          base, quoted, allow_incomplete ? "true" : "false");
  g_string_append_len (body, library, length);
  g_string_append (body, "}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  return publish (client, bytes, 0);
}

static int
library_rollback (PoiseAdminOptions *options,
                  int                argc,
                  char             **argv)
{
  g_autofree char *message = NULL;
  gint64 base = 0;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message,
      N_("Say why (shown in the history and to the agents)"), N_("MESSAGE") },
    { "base", 0, 0, G_OPTION_ARG_INT64, &base,
      N_("Refuse if the server's current version is not N"), N_("N") },
    TOKEN_FILE_ENTRY (options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseAdminClient) client = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 version = 0;
  int status = 0;

  context = command_context ("rollback", _("VERSION"),
                             _("Publishes an old version's library again as the next version. "
                               "Nothing in the history is changed or lost."),
                             entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXINT64, &version, NULL) ||
      !message_is_given (message) || base < 0)
    return usage (context, error);

  if ((client = poise_admin_client_new (options, &status)) == NULL)
    return status;
  if (base == 0 && (base = poise_admin_client_current_version (client, &status)) < 0)
    return status;

  quoted = json_quote (message);
  body = g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT ",\"message\":%s,"
                          "\"rollback_to\":%" G_GUINT64_FORMAT "}", base, quoted, version);
  bytes = g_bytes_new (body, strlen (body));
  return publish (client, bytes, version);
}

/* history */

static int
library_history (PoiseAdminOptions *options,
                 int                argc,
                 char             **argv)
{
  GOptionEntry entries[] = {
    TOKEN_FILE_ENTRY (options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseAdminClient) client = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *versions;
  int status = 0;

  context = command_context ("history", NULL,
                             _("Lists every published version, oldest first: number, time (UTC), "
                               "author and message."),
                             entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 1)
    return usage (context, error);
  if ((client = poise_admin_client_new (options, &status)) == NULL ||
      (bytes = poise_admin_client_send (client, "GET", "/library/versions", NULL, 200, NULL, &status)) == NULL ||
      (root = poise_admin_client_parse (client, bytes, &status)) == NULL)
    return status;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return poise_admin_client_garbled (client);

  versions = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (versions); i++)
    {
      JsonNode *node = json_array_get_element (versions, i);
      JsonObject *version;
      const char *when, *author, *message;
      gint64 rollback_of;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return poise_admin_client_garbled (client);
      version = json_node_get_object (node);
      when = poise_admin_json_string (version, "published_at");
      author = poise_admin_json_string (version, "author");
      message = poise_admin_json_string (version, "message");
      rollback_of = poise_admin_json_int (version, "rollback_of", 0);
      if (when == NULL || author == NULL || message == NULL)
        return poise_admin_client_garbled (client);

      /* "2026-11-23T06:00:09.3Z" → "2026-11-23 06:00" */
      g_print ("%4" G_GINT64_FORMAT "  %.10s %.5s  %s  %s",
               poise_admin_json_int (version, "version", 0), when,
               strlen (when) > 11 ? when + 11 : "", author, message);
      if (rollback_of > 0)
        /* Translators: %lld is a library version number */
        g_print (_(" (the library of version %lld again)"), (long long) rollback_of);
      g_print ("\n");
    }
  return 0;
}

/* diff */

/* A version number on the server, or a file. */
static PoiseLibrary *
load_either (PoiseAdminOptions  *options,
             PoiseAdminClient  **client,
             const char         *what,
             int                *status)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PoiseLibrary *library;
  guint64 version;
  gint64 fetched;

  if (!g_ascii_string_to_unsigned (what, 10, 1, G_MAXINT64, &version, NULL))
    {
      if ((library = poise_admin_load_library (what)) == NULL)
        *status = POISE_ADMIN_EXIT_FAILURE;
      return library;
    }

  if (*client == NULL && (*client = poise_admin_client_new (options, status)) == NULL)
    return NULL;
  if ((bytes = fetch_library (*client, version, &fetched, status)) == NULL)
    return NULL;
  if ((library = poise_library_new_from_bytes (bytes, &problems, &error)) == NULL)
    {
      /* Translators: %s is a version number, then the validator's message */
      g_printerr (_("poise-admin: version %s on the server does not load here: %s\n"),
                  what, error->message);
      *status = POISE_ADMIN_EXIT_FAILURE;
    }
  return library;
}

static int
library_diff (PoiseAdminOptions *options,
              int                argc,
              char             **argv)
{
  g_autofree char *lang_option = NULL;
  GOptionEntry entries[] = {
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang_option,
      N_("Show titles in this language, de or en (default: the locale's)"), N_("LANG") },
    TOKEN_FILE_ENTRY (options),
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseAdminClient) client = NULL;
  g_autoptr(PoiseLibrary) old_library = NULL;
  g_autoptr(PoiseLibrary) new_library = NULL;
  g_autoptr(GListModel) changes = NULL;
  g_autofree char *text = NULL;
  const char *lang;
  int status = 0;

  context = command_context ("diff", _("A B"),
                             _("Shows the scenarios B adds, removes and changes compared with A, "
                               "word by word. A and B are version numbers on the server or "
                               "library files."),
                             entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 3)
    return usage (context, error);
  if ((lang = poise_admin_pick_language (lang_option, NULL)) == NULL)
    return POISE_ADMIN_EXIT_USAGE;

  if ((old_library = load_either (options, &client, argv[1], &status)) == NULL ||
      (new_library = load_either (options, &client, argv[2], &status)) == NULL)
    return status;

  changes = poise_library_diff (old_library, new_library, lang);
  text = poise_library_diff_to_string (changes);
  g_print ("%s", text);
  return 0;
}

/* The command */

static const struct {
  const char         *name;
  LibraryCommandFunc  run;
  const char         *summary;
} library_commands[] = {
  { "pull", library_pull, N_("Download the current library") },
  { "validate", library_validate, N_("Check a library file offline") },
  { "push", library_push, N_("Publish a library file as the next version") },
  { "history", library_history, N_("List the published versions") },
  { "rollback", library_rollback, N_("Publish an old version again") },
  { "diff", library_diff, N_("Compare two versions or files") },
};

int
poise_admin_library (const PoiseAdminOptions *options,
                     int                      argc,
                     char                   **argv)
{
  PoiseAdminOptions own = *options;

  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (library_commands); i++)
      if (strcmp (argv[1], library_commands[i].name) == 0)
        {
          int status = library_commands[i].run (&own, argc - 1, argv + 1);

          /* A --token-file given after the command is the command's own. */
          if (own.token_file != options->token_file)
            g_free (own.token_file);
          return status;
        }

  if (argc >= 2)
    /* Translators: %s is what the user typed */
    g_printerr (_("poise-admin: unknown library command “%s”\n"), argv[1]);
  g_printerr ("%s\n", _("Usage: poise-admin [--server URL] library COMMAND [OPTION…]"));
  for (guint i = 0; i < G_N_ELEMENTS (library_commands); i++)
    g_printerr ("  %-10s %s\n", library_commands[i].name, _(library_commands[i].summary));
  return POISE_ADMIN_EXIT_USAGE;
}

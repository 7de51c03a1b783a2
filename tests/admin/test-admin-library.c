/* test-admin-library.c: `poise-admin library …` against a real poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the binary as a supervisor's CI job would, and checks what it
 * prints and each exit status, success and every kind of failure.
 */
#define G_LOG_DOMAIN "test-admin-library"

#include "server-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

/* From src/admin/poise-admin.h, restated: the numbers are the contract. */
enum {
  EXIT_FAILURE_ = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3, EXIT_AUTH = 4, EXIT_FORBIDDEN = 5,
  EXIT_CONFLICT = 6, EXIT_TOO_LARGE = 7, EXIT_REJECTED = 8, EXIT_SERVER = 9, EXIT_PROTOCOL = 10,
  EXIT_NOT_FOUND = 11,
};

static TestServer *server;
static char *supervisor;
static char *agent;
static char *url;
static char *work;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs poise-admin with POISE_TOKEN=@token (unset if NULL) and @args. */
static void
admin (Run        *run,
       const char *token,
       ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("POISE_ADMIN"));
  va_start (args, token);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (token != NULL)
    g_subprocess_launcher_setenv (launcher, "POISE_TOKEN", token, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "POISE_TOKEN");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "tests", "data", name, NULL);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
write_temp (const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (work, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* library-small.json without the German script of its first scenario. */
static char *
incomplete_library (void)
{
  g_autofree char *small = data_path ("library-small.json");
  g_autofree char *text = read_file (small);
  const char *german = ", \"de\": \"Sie erhalten [remedy] bis [date].\"";
  char *at = strstr (text, german);

  g_assert_nonnull (at);
  memmove (at, at + strlen (german), strlen (at + strlen (german)) + 1);
  return write_temp ("incomplete.json", text);
}

static gint64
current_version (void)
{
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;
  guint n;

  admin (&run, supervisor, "--server", url, "library", "history", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (g_strstrip (run.out), "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >, 0);
  return g_ascii_strtoll (lines[n - 1], NULL, 10);
}

/* Tests */

/* Offline: every error as PATH: MESSAGE on stderr, exit 1. */
static void
test_validate (void)
{
  g_autofree char *bad = data_path ("library-bad.json");
  g_autofree char *small = data_path ("library-small.json");
  g_autofree char *incomplete = incomplete_library ();
  g_autofree char *missing = g_build_filename (work, "missing.json", NULL);
  g_auto(Run) bad_run = { 0 };
  g_auto(Run) good = { 0 };
  g_auto(Run) gap = { 0 };
  g_auto(Run) gap_allowed = { 0 };
  g_auto(Run) none = { 0 };

  admin (&bad_run, NULL, "library", "validate", bad, NULL);
  g_assert_cmpint (bad_run.status, ==, EXIT_FAILURE_);
  g_assert_cmpstr (bad_run.err, ==,
                   "checklist[0].cues.en: expected an array of strings, got a string\n"
                   "scenarios[0].category: unknown category \"nowhere\"\n"
                   "scenarios[0].triggers.en: expected an array of strings, got a string\n");
  g_assert_cmpstr (bad_run.out, ==, "");

  admin (&good, NULL, "library", "validate", small, NULL);
  g_assert_cmpint (good.status, ==, 0);
  g_assert_cmpstr (good.err, ==, "");

  admin (&gap, NULL, "library", "validate", incomplete, NULL);
  g_assert_cmpint (gap.status, ==, EXIT_FAILURE_);
  g_assert_true (g_str_has_prefix (gap.err, "scenarios[0].script.de: missing German text"));
  g_assert_nonnull (strstr (gap.err, "--allow-incomplete"));
  admin (&gap_allowed, NULL, "library", "validate", "--allow-incomplete", incomplete, NULL);
  g_assert_cmpint (gap_allowed.status, ==, 0);

  admin (&none, NULL, "library", "validate", missing, NULL);
  g_assert_cmpint (none.status, ==, EXIT_FAILURE_);
  g_assert_nonnull (strstr (none.err, missing));
}

/* The first pull is the default library, byte for byte. */
static void
test_pull (void)
{
  g_autofree char *default_path = g_test_build_filename (G_TEST_DIST, "data", "library", "default.json", NULL);
  g_autofree char *expected = read_file (default_path);
  g_autofree char *out = g_build_filename (work, "pulled.json", NULL);
  g_autofree char *pulled = NULL;
  g_auto(Run) to_stdout = { 0 };
  g_auto(Run) to_file = { 0 };

  admin (&to_stdout, agent, "--server", url, "library", "pull", NULL);
  g_assert_cmpint (to_stdout.status, ==, 0);
  g_assert_cmpstr (to_stdout.out, ==, expected);
  g_assert_cmpstr (to_stdout.err, ==, "Pulled version 1.\n");

  admin (&to_file, agent, "--server", url, "library", "pull", "-o", out, NULL);
  g_assert_cmpint (to_file.status, ==, 0);
  pulled = read_file (out);
  g_assert_cmpstr (pulled, ==, expected);
}

/* push → history → pull gives the pushed file back; diff; rollback. */
static void
test_push_history_rollback (void)
{
  g_autofree char *small = data_path ("library-small.json");
  g_autofree char *small_text = read_file (small);
  g_autofree char *token_file = write_temp ("token", supervisor);
  g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT, current_version ());
  gint64 pushed = g_ascii_strtoll (base, NULL, 10) + 1;
  g_autofree char *pushed_text = g_strdup_printf ("%" G_GINT64_FORMAT, pushed);
  g_autofree char *expected = g_strdup_printf ("Published version %" G_GINT64_FORMAT ".\n", pushed);
  g_autofree char *rolled = g_strdup_printf ("Published version %" G_GINT64_FORMAT
                                             " with the library of version 1.\n", pushed + 1);
  g_autofree char *default_path = g_test_build_filename (G_TEST_DIST, "data", "library", "default.json", NULL);
  g_autofree char *default_text = read_file (default_path);
  g_auto(Run) push = { 0 };
  g_auto(Run) history = { 0 };
  g_auto(Run) pull = { 0 };
  g_auto(Run) diff = { 0 };
  g_auto(Run) diff_files = { 0 };
  g_auto(Run) rollback = { 0 };
  g_auto(Run) after = { 0 };

  /* The token from a file, given after the command. */
  admin (&push, NULL, "--server", url, "library", "push", small, "-m", "Smaller library",
         "--token-file", token_file, NULL);
  g_assert_cmpint (push.status, ==, 0);
  g_assert_cmpstr (push.out, ==, expected);

  admin (&history, agent, "--server", url, "library", "history", NULL);
  g_assert_cmpint (history.status, ==, 0);
  g_assert_nonnull (strstr (history.out, "  sup  Smaller library\n"));
  g_assert_nonnull (strstr (history.out, "  poise-server  "));

  admin (&pull, agent, "--server", url, "library", "pull", NULL);
  g_assert_cmpstr (pull.out, ==, small_text);

  /* Versions on the server and files compare alike. */
  admin (&diff, agent, "--server", url, "library", "diff", "--lang", "en", "1", pushed_text, NULL);
  g_assert_cmpint (diff.status, ==, 0);
  g_assert_nonnull (strstr (diff.out, "- wrong-item  Wrong item sent\n"));
  admin (&diff_files, NULL, "library", "diff", "--lang", "en", default_path, small, NULL);
  g_assert_cmpint (diff_files.status, ==, 0);
  g_assert_cmpstr (diff_files.out, ==, diff.out);

  admin (&rollback, supervisor, "--server", url, "library", "rollback", "1", "-m", "Back to the default", NULL);
  g_assert_cmpint (rollback.status, ==, 0);
  g_assert_cmpstr (rollback.out, ==, rolled);
  admin (&after, agent, "--server", url, "library", "pull", NULL);
  g_assert_cmpstr (after.out, ==, default_text);
}

/* Each failure: its own exit status and a message that says what to do. */
static void
test_errors (void)
{
  g_autofree char *small = data_path ("library-small.json");
  g_autofree char *bad = data_path ("library-bad.json");
  g_autofree char *incomplete = incomplete_library ();
  g_autofree char *not_json = write_temp ("not.json", "{\"format\": 1,}");
  g_autofree char *stale = NULL;
  g_auto(Run) no_token = { 0 };
  g_auto(Run) bad_token = { 0 };
  g_auto(Run) as_agent = { 0 };
  g_auto(Run) conflict = { 0 };
  g_auto(Run) invalid = { 0 };
  g_auto(Run) gap = { 0 };
  g_auto(Run) gap_allowed = { 0 };
  g_auto(Run) garbage_file = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) no_server = { 0 };
  g_auto(Run) no_message = { 0 };
  gint64 before;

  admin (&no_token, NULL, "--server", url, "library", "history", NULL);
  g_assert_cmpint (no_token.status, ==, EXIT_AUTH);
  g_assert_nonnull (strstr (no_token.err, "POISE_TOKEN"));

  admin (&bad_token, "poise_wrong", "--server", url, "library", "pull", NULL);
  g_assert_cmpint (bad_token.status, ==, EXIT_AUTH);
  g_assert_nonnull (strstr (bad_token.err, "refused the token"));

  before = current_version ();
  admin (&as_agent, agent, "--server", url, "library", "push", small, "-m", "Agent", NULL);
  g_assert_cmpint (as_agent.status, ==, EXIT_FORBIDDEN);
  g_assert_nonnull (strstr (as_agent.err, "only supervisors can publish"));

  stale = g_strdup_printf ("%" G_GINT64_FORMAT, before - 1);
  admin (&conflict, supervisor, "--server", url, "library", "push", small, "-m", "Stale", "--base", stale, NULL);
  g_assert_cmpint (conflict.status, ==, EXIT_CONFLICT);
  {
    g_autofree char *says = g_strdup_printf ("someone published version %" G_GINT64_FORMAT
                                             " since you pulled; pull, merge and push again", before);
    g_assert_nonnull (strstr (conflict.err, says));
  }

  admin (&invalid, supervisor, "--server", url, "library", "push", bad, "-m", "Broken", NULL);
  g_assert_cmpint (invalid.status, ==, EXIT_REJECTED);
  g_assert_nonnull (strstr (invalid.err,
                            "\nchecklist[0].cues.en: expected an array of strings, got a string\n"
                            "scenarios[0].category: unknown category \"nowhere\"\n"
                            "scenarios[0].triggers.en: expected an array of strings, got a string\n"));

  admin (&gap, supervisor, "--server", url, "library", "push", incomplete, "-m", "Gap", NULL);
  g_assert_cmpint (gap.status, ==, EXIT_REJECTED);
  g_assert_nonnull (strstr (gap.err, "--allow-incomplete"));
  g_assert_nonnull (strstr (gap.err, "scenarios[0].script.de: missing German text"));
  g_assert_cmpint (current_version (), ==, before);
  admin (&gap_allowed, supervisor, "--server", url, "library", "push", incomplete, "-m", "Gap",
         "--allow-incomplete", NULL);
  g_assert_cmpint (gap_allowed.status, ==, 0);
  g_assert_cmpint (current_version (), ==, before + 1);

  admin (&garbage_file, supervisor, "--server", url, "library", "push", not_json, "-m", "Not JSON", NULL);
  g_assert_cmpint (garbage_file.status, ==, EXIT_FAILURE_);
  g_assert_nonnull (strstr (garbage_file.err, "not a JSON file"));

  admin (&unknown, agent, "--server", url, "library", "diff", "1", "999", NULL);
  g_assert_cmpint (unknown.status, ==, EXIT_NOT_FOUND);

  admin (&no_message, supervisor, "--server", url, "library", "push", small, NULL);
  g_assert_cmpint (no_message.status, ==, EXIT_USAGE);

  admin (&no_server, supervisor, "library", "history", NULL);
  g_assert_cmpint (no_server.status, ==, EXIT_USAGE);
  g_assert_nonnull (strstr (no_server.err, "--server"));
}

/* 8 MiB and more: the server refuses before reading it all. */
static void
test_too_large (void)
{
  g_autofree char *small = data_path ("library-small.json");
  g_autofree char *text = read_file (small);
  gsize size = 9 * 1024 * 1024;
  g_autofree char *big = g_malloc (size + strlen (text) + 1);
  g_autofree char *path = NULL;
  g_auto(Run) run = { 0 };

  memset (big, ' ', size);
  strcpy (big + size, text);
  path = write_temp ("big.json", big);
  admin (&run, supervisor, "--server", url, "library", "push", path, "-m", "Huge", NULL);
  g_assert_cmpint (run.status, ==, EXIT_TOO_LARGE);
  g_assert_nonnull (strstr (run.err, "too large"));
}

/* A stranger's web server: HTML where JSON was expected, a 502 like a
 * proxy whose backend is down. */
typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  GThread      *thread;
  guint         port;
  GMutex        mutex;
  GCond         cond;
} Stranger;

static void
stranger_cb (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  static const char page[] = "<html><body>Welcome to our website</body></html>";

  soup_server_message_set_status (msg, g_str_has_suffix (path, "/versions") ? 502 : 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
}

static gpointer
stranger_thread (gpointer data)
{
  Stranger *stranger = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = NULL;

  g_main_context_push_thread_default (stranger->context);
  stranger->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (stranger->soup, NULL, stranger_cb, NULL, NULL);
  /* Our own socket: libsoup 3.2's listen_local leaks its address. */
  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (listener, any_port, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  soup_server_listen_socket (stranger->soup, listener, 0, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  g_mutex_lock (&stranger->mutex);
  stranger->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_cond_signal (&stranger->cond);
  g_mutex_unlock (&stranger->mutex);

  g_main_loop_run (stranger->loop);
  soup_server_disconnect (stranger->soup);
  g_clear_object (&stranger->soup);
  g_main_context_pop_thread_default (stranger->context);
  return NULL;
}

static void
test_not_poise (void)
{
  Stranger stranger = { 0 };
  g_autofree char *address = NULL;
  g_auto(Run) pull = { 0 };
  g_auto(Run) history = { 0 };
  g_auto(Run) down = { 0 };

  stranger.context = g_main_context_new ();
  stranger.loop = g_main_loop_new (stranger.context, FALSE);
  g_mutex_init (&stranger.mutex);
  g_cond_init (&stranger.cond);
  stranger.thread = g_thread_new ("stranger", stranger_thread, &stranger);
  g_mutex_lock (&stranger.mutex);
  while (stranger.port == 0)
    g_cond_wait (&stranger.cond, &stranger.mutex);
  g_mutex_unlock (&stranger.mutex);
  address = g_strdup_printf ("http://127.0.0.1:%u", stranger.port);

  admin (&pull, supervisor, "--server", address, "library", "pull", NULL);
  g_assert_cmpint (pull.status, ==, EXIT_PROTOCOL);
  g_assert_nonnull (strstr (pull.err, "does not look like a Poise server"));
  g_assert_cmpstr (pull.out, ==, "");

  admin (&history, supervisor, "--server", address, "library", "history", NULL);
  g_assert_cmpint (history.status, ==, EXIT_SERVER);
  g_assert_nonnull (strstr (history.err, "502"));

  g_main_loop_quit (stranger.loop);
  g_thread_join (stranger.thread);
  g_main_loop_unref (stranger.loop);
  g_main_context_unref (stranger.context);
  g_mutex_clear (&stranger.mutex);
  g_cond_clear (&stranger.cond);

  /* Now nothing listens there: unreachable, naming the address. */
  admin (&down, supervisor, "--server", address, "library", "pull", NULL);
  g_assert_cmpint (down.status, ==, EXIT_UNREACHABLE);
  g_assert_nonnull (strstr (down.err, address));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  work = g_dir_make_tmp ("poise-admin-library-XXXXXX", &error);
  g_assert_no_error (error);
  server = test_server_start (NULL);
  supervisor = test_server_add_user (server, "sup", "supervisor");
  agent = test_server_add_user (server, "agent", "agent");
  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);

  /* In this order: pull first sees the server before any publish. */
  g_test_add_func ("/admin/library/validate", test_validate);
  g_test_add_func ("/admin/library/pull", test_pull);
  g_test_add_func ("/admin/library/push-history-rollback", test_push_history_rollback);
  g_test_add_func ("/admin/library/errors", test_errors);
  g_test_add_func ("/admin/library/too-large", test_too_large);
  g_test_add_func ("/admin/library/not-poise", test_not_poise);
  status = g_test_run ();

  test_server_free (server);
  {
    const char *names[] = { "incomplete.json", "pulled.json", "token", "not.json", "big.json" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (work, names[i], NULL);
        g_remove (path);
      }
    g_rmdir (work);
  }
  g_free (work);
  g_free (url);
  g_free (supervisor);
  g_free (agent);
  return status;
}

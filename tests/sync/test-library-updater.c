/* test-library-updater.c: the library client and updater against the real
 * poise-server (and a tiny in-test server that sends a broken library)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GTK: this suite also runs under ASan + LeakSanitizer. Every wait is
 * bounded.
 */
#define G_LOG_DOMAIN "test-library-updater"

#include <glib/gstdio.h>
#include <string.h>

#include "poise-library-cache.h"
#include "poise-library-client.h"
#include "poise-library-updater.h"
#include "poise-sync-client.h"
#include "server-fixture.h"

#define WAIT_MS (15000 * test_time_scale ())

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
spin (guint ms)
{
  test_wait_until (never, NULL, ms);
}

static char *
read_small (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "library-small.json", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
remove_tree (const char *path)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", path);

  (void) system (command);
}

/* One agent without the app: store, sync client, updater. */
typedef struct {
  char                *dir;
  PoiseStore          *store;
  PoiseSyncClient     *client;
  PoiseLibraryUpdater *updater;
  guint                updates;
  guint                failures;
} Agent;

static void
updated_cb (Agent *agent)
{
  agent->updates++;
}

static void
failed_cb (Agent *agent)
{
  agent->failures++;
}

static Agent *
agent_new (void)
{
  Agent *agent = g_new0 (Agent, 1);
  g_autofree char *db = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(GError) error = NULL;

  agent->dir = g_dir_make_tmp ("poise-library-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (agent->dir, "poise.db", NULL);
  cache = g_build_filename (agent->dir, "library", NULL);
  agent->store = poise_store_new (db, &error);
  g_assert_no_error (error);
  agent->client = poise_sync_client_new (agent->store);
  agent->updater = poise_library_updater_new (cache);
  g_signal_connect_swapped (agent->updater, "updated", G_CALLBACK (updated_cb), agent);
  g_signal_connect_swapped (agent->updater, "failed", G_CALLBACK (failed_cb), agent);
  poise_library_updater_set_sync_client (agent->updater, agent->client);
  return agent;
}

static void
agent_free (Agent *agent)
{
  poise_sync_client_set_server (agent->client, NULL, NULL);
  spin (100);
  g_assert_finalize_object (agent->updater);
  g_assert_finalize_object (agent->client);
  g_assert_finalize_object (agent->store);
  remove_tree (agent->dir);
  g_free (agent->dir);
  g_free (agent);
}

typedef struct {
  PoiseLibraryUpdater *updater;
  gint64               version;
} VersionWait;

static gboolean
has_version (gpointer data)
{
  VersionWait *wait = data;

  return poise_library_updater_get_version (wait->updater) == wait->version;
}

/* Tests */

static void
test_cache_and_tampered (void)
{
  g_autofree char *small = read_small ();
  g_autofree char *dir = g_dir_make_tmp ("poise-cache-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "library.json", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (small, strlen (small));
  g_autoptr(GError) error = NULL;
  PoiseLibraryUpdater *updater;

  /* Nothing cached: the built-in library, as version 0, quietly. */
  updater = poise_library_updater_new (dir);
  g_assert_cmpint (poise_library_updater_get_version (updater), ==, 0);
  g_assert_nonnull (poise_library_updater_get_library (updater));
  g_assert_finalize_object (updater);

  poise_library_cache_save (dir, bytes, 4, "four", &error);
  g_assert_no_error (error);
  updater = poise_library_updater_new (dir);
  g_assert_cmpint (poise_library_updater_get_version (updater), ==, 4);
  g_assert_cmpstr (poise_library_get_title (poise_library_updater_get_library (updater), "en"), ==,
                   "Test library");
  g_assert_finalize_object (updater);

  /* One byte changed: the SHA-256 check fails, the built-in one is used. */
  *strstr (small, "Threat") = 'X';
  g_file_set_contents (path, small, -1, &error);
  g_assert_no_error (error);
  g_test_expect_message ("poise-library-updater", G_LOG_LEVEL_WARNING, "*cached script library*");
  updater = poise_library_updater_new (dir);
  g_test_assert_expected_messages ();
  g_assert_cmpint (poise_library_updater_get_version (updater), ==, 0);
  g_assert_cmpstr (poise_library_get_title (poise_library_updater_get_library (updater), "en"), !=,
                   "Test library");
  g_assert_finalize_object (updater);
  remove_tree (dir);
}

/* A server whose library does not validate: plain GIO rather than a
 * SoupServer, whose 3.2 listener leaks its local address. Each connection
 * is answered on the service's own thread, so the blocking read of the
 * request cannot stall the client on the main loop. */
static gboolean
broken_library_cb (GThreadedSocketService *service,
                   GSocketConnection      *connection,
                   GObject                *source,
                   gpointer                user_data)
{
  static const char broken[] = "{\"format\": 1, \"languages\": [\"en\"], \"scenarios\": 7}";
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GString) request = g_string_new (NULL);
  g_autofree char *reply = NULL;
  char buffer[1024];
  gssize n;

  while (strstr (request->str, "\r\n\r\n") == NULL &&
         (n = g_input_stream_read (in, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (request, buffer, n);

  reply = g_strdup_printf ("HTTP/1.1 200 OK\r\nETag: \"9\"\r\nContent-Type: application/json\r\n"
                           "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                           strlen (broken), broken);
  g_output_stream_write_all (out, reply, strlen (reply), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static gboolean
has_failed (gpointer data)
{
  return ((Agent *) data)->failures > 0;
}

static void
test_invalid_library_never_switched (void)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (2);
  g_autoptr(GSocketAddress) loopback = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *cache = NULL;
  Agent *agent = agent_new ();
  PoiseLibrary *before = poise_library_updater_get_library (agent->updater);

  g_signal_connect (service, "run", G_CALLBACK (broken_library_cb), NULL);
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), loopback, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_service_start (service);

  g_test_expect_message ("poise-library-updater", G_LOG_LEVEL_WARNING, "*not updated*version 9*");
  poise_sync_client_set_server (agent->client, url, "token");
  poise_library_updater_check_now (agent->updater);
  g_assert_true (test_wait_until (has_failed, agent, WAIT_MS));
  g_test_assert_expected_messages ();

  /* Same library, same version, nothing cached; the reason is kept. */
  g_assert_true (poise_library_updater_get_library (agent->updater) == before);
  g_assert_cmpint (poise_library_updater_get_version (agent->updater), ==, 0);
  g_assert_cmpuint (agent->updates, ==, 0);
  g_assert_nonnull (strstr (poise_library_updater_get_error_message (agent->updater), "version 9"));
  cache = g_build_filename (agent->dir, "library", "library.json", NULL);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));

  agent_free (agent);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

typedef struct {
  GAsyncResult *result;
} Result;

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ((Result *) user_data)->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Result *) data)->result != NULL;
}

static gint64
publish (PoiseLibraryClient *client,
         gint64              base_version,
         const char         *text,
         gint64              rollback_to,
         GPtrArray         **problems,
         GError            **error)
{
  g_autoptr(GBytes) bytes = text != NULL ? g_bytes_new (text, strlen (text)) : NULL;
  Result result = { NULL };
  gint64 version;

  poise_library_client_publish_async (client, base_version, "test", bytes, rollback_to, FALSE,
                                      NULL, store_result_cb, &result);
  g_assert_true (test_wait_until (has_result, &result, WAIT_MS));
  version = poise_library_client_publish_finish (client, result.result, problems, error);
  g_object_unref (result.result);
  return version;
}

static void
test_client_publish_answers (void)
{
  g_autofree char *small = read_small ();
  g_autofree char *dir = g_dir_make_tmp ("poise-library-server-XXXXXX", NULL);
  TestServer *server = test_server_start (dir);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autofree char *supervisor = test_server_add_user (server, "sue", "supervisor");
  g_autofree char *agent = test_server_add_user (server, "ana", "agent");
  g_autoptr(PoiseLibraryClient) sue = poise_library_client_new (url, supervisor);
  g_autoptr(PoiseLibraryClient) ana = poise_library_client_new (url, agent);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *broken = NULL;
  Result result = { NULL };
  gint64 version = 0;

  /* 403 for an agent. */
  g_assert_cmpint (publish (ana, 1, small, 0, NULL, &error), ==, 0);
  g_assert_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_FORBIDDEN);
  g_clear_error (&error);

  /* 422 with the loader's problems and their paths. */
  {
    /* The first scenario's script, emptied. */
    const char *script = "\"You will get [remedy] by [date].\"";
    char *at = strstr (small, script);

    g_assert_nonnull (at);
    broken = g_strdup_printf ("%.*s\"\"%s", (int) (at - small), small, at + strlen (script));
  }
  g_assert_cmpint (publish (sue, 1, broken, 0, &problems, &error), ==, 0);
  g_assert_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_REJECTED);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, >, 0);
  g_assert_true (g_str_has_prefix (((PoiseProblem *) g_ptr_array_index (problems, 0))->path,
                                   "scenarios[0]"));
  g_clear_error (&error);

  /* 201, then 409 for the same stale base. */
  g_assert_cmpint (publish (sue, 1, small, 0, NULL, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (publish (sue, 1, small, 0, NULL, &error), ==, 0);
  g_assert_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_STALE);
  g_clear_error (&error);

  /* A rollback is a new version. */
  g_assert_cmpint (publish (sue, 2, NULL, 1, NULL, &error), ==, 3);
  g_assert_no_error (error);

  /* 304 for the version held, the bytes for another. */
  poise_library_client_fetch_async (ana, 0, 3, NULL, store_result_cb, &result);
  g_assert_true (test_wait_until (has_result, &result, WAIT_MS));
  bytes = poise_library_client_fetch_finish (ana, result.result, &version, &error);
  g_assert_no_error (error);
  g_assert_null (bytes);
  g_clear_object (&result.result);
  poise_library_client_fetch_async (ana, 2, 0, NULL, store_result_cb, &result);
  g_assert_true (test_wait_until (has_result, &result, WAIT_MS));
  bytes = poise_library_client_fetch_finish (ana, result.result, &version, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpint (version, ==, 2);
  g_clear_object (&result.result);

  poise_library_client_list_versions_async (ana, NULL, store_result_cb, &result);
  g_assert_true (test_wait_until (has_result, &result, WAIT_MS));
  versions = poise_library_client_list_versions_finish (ana, result.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 3);
  g_assert_cmpstr (((PoiseLibraryVersion *) g_ptr_array_index (versions, 1))->author, ==, "sue");
  g_clear_object (&result.result);

  test_server_stop (server);
  test_server_free (server);
}

static void
test_live_publish_and_reconnect (void)
{
  g_autofree char *small = read_small ();
  g_autofree char *dir = g_dir_make_tmp ("poise-library-server-XXXXXX", NULL);
  TestServer *server = test_server_start (dir);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autofree char *supervisor = test_server_add_user (server, "sue", "supervisor");
  g_autofree char *token = test_server_add_user (server, "ana", "agent");
  g_autoptr(PoiseLibraryClient) sue = poise_library_client_new (url, supervisor);
  g_autoptr(GError) error = NULL;
  Agent *agents[2] = { agent_new (), agent_new () };
  VersionWait wait;

  for (guint i = 0; i < 2; i++)
    {
      poise_sync_client_set_server (agents[i]->client, url, token);
      wait = (VersionWait) { agents[i]->updater, 1 };
      g_assert_true (test_wait_until (has_version, &wait, WAIT_MS));
      /* Version 1 is the built-in library: no news for the agent. */
      g_assert_cmpuint (agents[i]->updates, ==, 0);
    }

  /* Agent 1 goes offline; the publish reaches agent 0 live. */
  poise_sync_client_set_server (agents[1]->client, NULL, NULL);
  g_assert_cmpint (publish (sue, 1, small, 0, NULL, &error), ==, 2);
  wait = (VersionWait) { agents[0]->updater, 2 };
  g_assert_true (test_wait_until (has_version, &wait, WAIT_MS));
  g_assert_cmpuint (agents[0]->updates, ==, 1);
  spin (300);
  g_assert_cmpint (poise_library_updater_get_version (agents[1]->updater), ==, 1);

  /* Back online: fetched on the live socket's connect. */
  poise_sync_client_set_server (agents[1]->client, url, token);
  wait = (VersionWait) { agents[1]->updater, 2 };
  g_assert_true (test_wait_until (has_version, &wait, WAIT_MS));
  g_assert_cmpuint (agents[1]->updates, ==, 1);

  for (guint i = 0; i < 2; i++)
    agent_free (agents[i]);
  test_server_stop (server);
  test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/library-updater/cache-and-tampered", test_cache_and_tampered);
  g_test_add_func ("/library-updater/invalid-library-never-switched",
                   test_invalid_library_never_switched);
  g_test_add_func ("/library-client/publish-answers", test_client_publish_answers);
  g_test_add_func ("/library-updater/live-publish-and-reconnect", test_live_publish_and_reconnect);

  return g_test_run ();
}

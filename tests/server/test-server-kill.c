/* test-server-kill.c: SIGKILL during 1,000 concurrent writes loses no
 * acknowledged write and leaves the database intact
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <sqlite3.h>
#include <string.h>

#define N_WRITES    1000
#define CONCURRENCY 40
#define KILL_AFTER  300

typedef struct {
  TestServer  *server;
  GMainLoop   *loop;
  GPtrArray   *acknowledged;   /* uuids answered 201 */
  guint        done;
  gboolean     killed;
} Run;

typedef struct {
  Run  *run;
  char *uuid;
} Write;

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out");
  return G_SOURCE_REMOVE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Write *write = user_data;
  Run *run = write->run;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (body != NULL && soup_message_get_status (msg) == 201)
    g_ptr_array_add (run->acknowledged, g_steal_pointer (&write->uuid));
  else if (body != NULL && soup_message_get_status (msg) != 0)
    g_error ("Unexpected status %u", soup_message_get_status (msg));

  if (!run->killed && run->acknowledged->len >= KILL_AFTER)
    {
      run->killed = TRUE;
      g_subprocess_force_exit (run->server->process);
    }
  if (++run->done == N_WRITES)
    g_main_loop_quit (run->loop);

  g_free (write->uuid);
  g_free (write);
}

static void
check_integrity (const char *db)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

static void
test_kill_during_writes (void)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", CONCURRENCY,
                                                                  "max-conns-per-host", CONCURRENCY,
                                                                  "timeout", 10, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *token = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *changes_url = NULL;
  g_autoptr(TestReply) changes = NULL;
  Run run = { 0 };
  JsonArray *list;
  guint timeout;

  run.server = test_server_start (NULL);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.acknowledged = g_ptr_array_new_with_free_func (g_free);
  token = test_server_add_user (run.server, "alice", "agent");

  for (guint i = 0; i < N_WRITES; i++)
    {
      Write *write = g_new0 (Write, 1);
      g_autofree char *url = NULL;
      g_autofree char *key = test_uuid ();
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      g_autofree char *json = test_note_json ("C-kill", "durable");
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
      g_autoptr(SoupMessage) msg = NULL;
      SoupMessageHeaders *headers;

      write->run = &run;
      write->uuid = test_uuid ();
      url = g_strdup_printf ("%s/notes/%s", run.server->base, write->uuid);
      msg = soup_message_new ("PUT", url);
      headers = soup_message_get_request_headers (msg);
      soup_message_headers_replace (headers, "Authorization", auth);
      soup_message_headers_replace (headers, "If-None-Match", "*");
      soup_message_headers_replace (headers, "Idempotency-Key", key);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, write);
    }

  /* The sanitizer build runs several times slower (tests/sanitizers). */
  timeout = g_timeout_add_seconds (150 * test_time_scale (),
                                   timeout_cb, NULL);
  g_main_loop_run (run.loop);
  g_source_remove (timeout);

  g_assert_true (run.killed);
  g_test_message ("%u of %u writes acknowledged before SIGKILL", run.acknowledged->len, N_WRITES);
  g_assert_cmpuint (run.acknowledged->len, >=, KILL_AFTER);
  g_assert_cmpuint (run.acknowledged->len, <, N_WRITES);

  /* It was SIGKILLed: reap it rather than stop it. */
  g_assert_true (g_subprocess_wait (run.server->process, NULL, NULL));
  g_assert_false (g_subprocess_get_if_exited (run.server->process));
  g_clear_object (&run.server->process);

  /* Restart on the same database: every acknowledged write is there. */
  dir = g_strdup (run.server->dir);
  g_free (run.server->dir);
  run.server->dir = NULL;
  test_server_free (run.server);
  run.server = test_server_start (dir);

  changes_url = test_url (run.server, "/changes?since=0&limit=1000");
  changes = test_request (session, "GET", changes_url, token, NULL, NULL);
  g_assert_cmpuint (changes->status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (changes->json), "changes");
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_hash_table_add (seen, (gpointer) json_object_get_string_member (json_array_get_object_element (list, i), "id"));
  for (guint i = 0; i < run.acknowledged->len; i++)
    g_assert_true (g_hash_table_contains (seen, run.acknowledged->pdata[i]));
  for (guint i = 0; i < run.acknowledged->len; i += 50)
    {
      g_autofree char *path = g_strdup_printf ("/notes/%s", (char *) run.acknowledged->pdata[i]);
      g_autofree char *url = test_url (run.server, path);
      g_autoptr(TestReply) reply = test_request (session, "GET", url, token, NULL, NULL);

      g_assert_cmpuint (reply->status, ==, 200);
    }

  test_server_stop (run.server);
  check_integrity (run.server->db);
  test_server_free (run.server);
  g_ptr_array_unref (run.acknowledged);
  g_main_loop_unref (run.loop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kill/during-writes", test_kill_during_writes);
  return g_test_run ();
}

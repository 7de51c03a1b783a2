/* test-sync-kill.c: SIGKILL the sync client; nothing acknowledged is lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sync-agent (a process of its own, on a real store, against the real
 * poise-server) is killed after a random number of its progress lines
 * plus a random 0–20 ms, round after round:
 *   saves   local writes with outbox rows
 *   pull    applying the change feed, page after page
 *   push    PoiseSyncClient pushing the outbox
 * After each kill the store is reopened: PRAGMA integrity_check is "ok",
 * every acknowledged write is there with its outbox row unless the server
 * has it, and the cursor is never ahead of the data (every change up to it
 * is present).  After a clean sync the server holds every record exactly
 * once.  The seed is printed; --seed repeats a run.
 */
#define G_LOG_DOMAIN "test-sync-kill"

#include "poise-store-sync.h"
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_ROUNDS 10

static const char *agent_path;

typedef struct {
  TestServer *server;
  char       *token;
  char       *url;     /* "http://127.0.0.1:PORT" */
  char       *dir;
  char       *db;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = test_server_start (NULL);
  fixture->token = test_server_add_user (fixture->server, "ana", "agent");
  fixture->url = g_strdup_printf ("http://127.0.0.1:%u", fixture->server->port);
  fixture->dir = g_dir_make_tmp ("poise-sync-kill-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->db = g_build_filename (fixture->dir, "poise.db", NULL);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_server_stop (fixture->server);
  test_server_free (fixture->server);
  remove_dir (fixture->dir);
  g_free (fixture->token);
  g_free (fixture->url);
  g_free (fixture->dir);
  g_free (fixture->db);
}

/* Runs sync-agent ARGS; kills it after @kill_after lines (G_MAXUINT: lets
 * it finish, which it must, with exit 0).  Returns its complete lines. */
static GPtrArray *
run_agent (guint        kill_after,
           const char  *first,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) split = NULL;
  const char *arg;
  va_list args;
  GPid pid;
  int fd, status;
  char buffer[4096];
  gssize n;
  gboolean killed = FALSE;

  g_ptr_array_add (argv, (char *) agent_path);
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                           NULL, &fd, NULL, &error));
  g_assert_no_error (error);

  if (kill_after == 0)
    {
      g_usleep (g_test_rand_int_range (0, 20000));
      kill (pid, SIGKILL);
      killed = TRUE;
    }
  /* The agent's watchdog bounds this loop. */
  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    {
      g_string_append_len (out, buffer, n);
      if (!killed && kill_after != G_MAXUINT)
        {
          guint count = 0;

          for (const char *p = out->str; (p = strchr (p, '\n')) != NULL; p++)
            count++;
          if (count >= kill_after)
            {
              g_usleep (g_test_rand_int_range (0, 20000));
              kill (pid, SIGKILL);
              killed = TRUE;
            }
        }
    }
  close (fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  if (kill_after == G_MAXUINT)
    {
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  /* Only complete lines: a line cut by the kill was not acknowledged. */
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    {
      char *last = strrchr (out->str, '\n');

      g_string_truncate (out, last != NULL ? (gsize) (last - out->str + 1) : 0);
    }
  split = g_strsplit (out->str, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0')
      g_ptr_array_add (lines, g_strdup (split[i]));
  return lines;
}

/* The UUIDs of lines "@what UUID". */
static void
collect (GPtrArray  *lines,
         const char *what,
         GHashTable *into)
{
  gsize len = strlen (what);

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      if (g_str_has_prefix (line, what) && line[len] == ' ')
        g_hash_table_add (into, g_strdup (line + len + 1));
    }
}

static sqlite3 *
open_db (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *result = g_string_new (NULL);
  g_autofree char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (result, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  text = g_string_free (result, FALSE);
  g_assert_cmpstr (text, ==, "ok");
  return db;
}

static gint64
query_int (sqlite3    *db,
           const char *sql,
           const char *arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The server's whole change feed, page after page. */
static GPtrArray *
server_feed (Fixture *fixture)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  GPtrArray *feed = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=1000", since);
      g_autofree char *url = test_url (fixture->server, path);
      g_autoptr(TestReply) reply = test_request (session, "GET", url, fixture->token, NULL, NULL);
      JsonObject *page;
      JsonArray *changes;

      g_assert_cmpuint (reply->status, ==, 200);
      page = json_node_get_object (reply->json);
      more = json_object_get_boolean_member (page, "more");
      since = json_object_get_int_member (page, "last_seq");
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        g_ptr_array_add (feed, json_object_ref (json_array_get_object_element (changes, i)));
    }
  return feed;
}

/* The server's live notes: uuid → body. */
static GHashTable *
server_notes (Fixture *fixture)
{
  g_autoptr(GPtrArray) feed = server_feed (fixture);
  GHashTable *notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *change = g_ptr_array_index (feed, i);
      const char *id = json_object_get_string_member (change, "id");

      if (json_object_get_boolean_member (change, "deleted"))
        g_hash_table_remove (notes, id);
      else
        g_hash_table_insert (notes, g_strdup (id),
                             g_strdup (json_object_get_string_member (
                               json_object_get_object_member (change, "record"), "body")));
    }
  return notes;
}

/* After a clean sync: the server holds exactly the local notes, each once
 * (no body twice: a duplicate would be a second record). */
static void
check_server_matches (Fixture *fixture,
                      guint    expected)
{
  g_autoptr(GHashTable) notes = server_notes (fixture);
  g_autoptr(GHashTable) bodies = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3 *db = open_db (fixture->db);
  GHashTableIter iter;
  gpointer uuid, body;

  g_assert_cmpuint (g_hash_table_size (notes), ==, expected);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes", NULL), ==, expected);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox", NULL), ==, 0);
  g_hash_table_iter_init (&iter, notes);
  while (g_hash_table_iter_next (&iter, &uuid, &body))
    {
      g_assert_false (g_hash_table_contains (bodies, body));
      g_hash_table_add (bodies, body);
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes WHERE uuid = ?1", uuid), ==, 1);
    }
  sqlite3_close (db);
}

/* (a) Killed while saving: every acknowledged note with its outbox row. */
static void
test_kill_saves (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) lines = NULL;
  guint n_local;

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(GPtrArray) round_lines = run_agent (g_test_rand_int_range (1, 30),
                                                    fixture->db, "save", "1000", NULL);
      GHashTableIter iter;
      gpointer uuid;
      sqlite3 *db;

      collect (round_lines, "saved", saved);
      db = open_db (fixture->db);
      g_hash_table_iter_init (&iter, saved);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        {
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes WHERE uuid = ?1", uuid), ==, 1);
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE kind = 'note' AND uuid = ?1",
                                      uuid), ==, 1);
        }
      /* Committed but not yet printed is fine; an outbox row without its
       * note is not. */
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE uuid NOT IN "
                                  "(SELECT uuid FROM notes)", NULL), ==, 0);
      sqlite3_close (db);
    }

  lines = run_agent (G_MAXUINT, fixture->db, "sync", fixture->url, fixture->token, NULL);
  {
    sqlite3 *db = open_db (fixture->db);

    n_local = query_int (db, "SELECT count(*) FROM notes", NULL);
    sqlite3_close (db);
  }
  g_assert_cmpuint (n_local, >=, g_hash_table_size (saved));
  check_server_matches (fixture, n_local);
}

/* (c) Killed while pushing: unpushed notes keep their outbox rows; no
 * record reaches the server twice. */
static void
test_kill_push (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GHashTable) saved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) lines = NULL;

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(GPtrArray) save_lines = run_agent (G_MAXUINT, fixture->db, "save", "15", NULL);
      g_autoptr(GPtrArray) sync_lines = NULL;
      g_autoptr(GHashTable) on_server = NULL;
      GHashTableIter iter;
      gpointer uuid;
      sqlite3 *db;

      collect (save_lines, "saved", saved);
      sync_lines = run_agent (g_test_rand_int_range (0, 15), fixture->db, "sync",
                              fixture->url, fixture->token, NULL);
      on_server = server_notes (fixture);

      db = open_db (fixture->db);
      g_hash_table_iter_init (&iter, saved);
      while (g_hash_table_iter_next (&iter, &uuid, NULL))
        {
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes WHERE uuid = ?1", uuid), ==, 1);
          if (!g_hash_table_contains (on_server, uuid))
            g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox WHERE uuid = ?1", uuid), ==, 1);
        }
      sqlite3_close (db);
    }

  lines = run_agent (G_MAXUINT, fixture->db, "sync", fixture->url, fixture->token, NULL);
  g_assert_cmpstr (g_ptr_array_index (lines, lines->len - 1), ==, "synced -");
  check_server_matches (fixture, g_hash_table_size (saved));
}

/* (b) Killed while applying a pull, page after page: the cursor never
 * passes a change that is not in the store. */
static void
test_kill_pull (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) save_lines = NULL;
  g_autoptr(GPtrArray) sync_lines = NULL;
  g_autoptr(GHashTable) notes = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autofree char *source = g_build_filename (fixture->dir, "source.db", NULL);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);

  /* Someone else's 200 notes, on the server. */
  save_lines = run_agent (G_MAXUINT, source, "save", "200", NULL);
  sync_lines = run_agent (G_MAXUINT, source, "sync", fixture->url, fixture->token, NULL);
  notes = server_notes (fixture);
  g_assert_cmpuint (g_hash_table_size (notes), ==, 200);

  /* The feed's seq → id, to know what the cursor promises. */
  feed = server_feed (fixture);
  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *change = g_ptr_array_index (feed, i);

      g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, i + 1);
      g_ptr_array_add (uuids, g_strdup (json_object_get_string_member (change, "id")));
    }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autofree char *db_path = g_strdup_printf ("%s/pull-%u.db", fixture->dir, round);
      g_autoptr(GPtrArray) lines = run_agent (g_test_rand_int_range (0, 6), db_path, "pull",
                                              fixture->url, fixture->token, "25", NULL);
      gint64 cursor, acknowledged = 0;
      sqlite3 *db;

      for (guint i = 0; i < lines->len; i++)
        if (g_str_has_prefix (g_ptr_array_index (lines, i), "applied "))
          acknowledged = g_ascii_strtoll ((char *) g_ptr_array_index (lines, i) + 8, NULL, 10);

      if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
        continue;   /* killed before it created the store */
      db = open_db (db_path);
      if (query_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'sync_state'", NULL) == 0)
        {
          sqlite3_close (db);
          continue;   /* killed while creating the schema */
        }
      cursor = query_int (db, "SELECT coalesce((SELECT cursor FROM sync_state WHERE id = 1), 0)", NULL);
      g_test_message ("round %u: cursor %" G_GINT64_FORMAT ", acknowledged %" G_GINT64_FORMAT,
                      round, cursor, acknowledged);
      g_assert_cmpint (cursor, >=, acknowledged);
      g_assert_cmpint (cursor, <=, (gint64) uuids->len);
      for (gint64 seq = 1; seq <= cursor; seq++)
        {
          const char *uuid = g_ptr_array_index (uuids, seq - 1);

          g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes WHERE uuid = ?1", uuid), ==, 1);
        }
      g_assert_cmpint (query_int (db, "SELECT count(*) FROM outbox", NULL), ==, 0);
      sqlite3_close (db);

      /* The killed store finishes the job and pushes nothing back. */
      if (round == N_ROUNDS - 1)
        {
          g_autoptr(GPtrArray) rest = run_agent (G_MAXUINT, db_path, "sync", fixture->url,
                                                 fixture->token, NULL);
          g_autoptr(GHashTable) after = server_notes (fixture);

          db = open_db (db_path);
          g_assert_cmpint (query_int (db, "SELECT count(*) FROM notes", NULL), ==, 200);
          sqlite3_close (db);
          g_assert_cmpuint (g_hash_table_size (after), ==, 200);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  agent_path = g_getenv ("SYNC_AGENT");
  g_assert_nonnull (agent_path);

  g_test_add ("/sync-kill/saves", Fixture, NULL, fixture_set_up, test_kill_saves, fixture_tear_down);
  g_test_add ("/sync-kill/pull", Fixture, NULL, fixture_set_up, test_kill_pull, fixture_tear_down);
  g_test_add ("/sync-kill/push", Fixture, NULL, fixture_set_up, test_kill_push, fixture_tear_down);
  return g_test_run ();
}

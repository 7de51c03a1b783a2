/* test-server-cli.c: accounts and backups from poise-server's command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* memmem */

#include "server-fixture.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

static TestServer *server;
static SoupSession *session;

static guint
me_status (const char *token)
{
  g_autofree char *url = test_url (server, "/me");
  g_autoptr(TestReply) reply = test_request (session, "GET", url, token, NULL, NULL);

  return reply->status;
}

static gboolean
token_is_well_formed (const char *token)
{
  if (!g_str_has_prefix (token, "poise_") || strlen (token) != strlen ("poise_") + 64)
    return FALSE;
  for (const char *p = token + strlen ("poise_"); *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

/* The token (binary-safe search) must appear in no file of the database (main, WAL). */
static void
assert_not_stored (const char *token)
{
  static const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  gboolean hash_found = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (server->db, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      g_assert_null (memmem (contents, length, token, strlen (token)));
      g_assert_null (memmem (contents, length, token + strlen ("poise_"), 64));
      hash_found |= memmem (contents, length, hash, strlen (hash)) != NULL;
    }
  /* …while its hash is: the check above looked in the right files. */
  g_assert_true (hash_found);
}

static void
test_accounts (void)
{
  g_autofree char *first = test_server_add_user (server, "alice", "agent");
  g_autofree char *second = test_server_add_user (server, "bob", "supervisor");
  g_autofree char *again = test_server_cli (server->db, FALSE, "user", "add", "alice", "--role", "agent", NULL);
  g_autofree char *bad_role = test_server_cli (server->db, FALSE, "user", "add", "zed", "--role", "boss", NULL);
  g_autofree char *bad_name = test_server_cli (server->db, FALSE, "user", "add", "a b", "--role", "agent", NULL);
  g_autofree char *list = test_server_cli (server->db, TRUE, "user", "list", NULL);
  g_autofree char *reset = NULL;
  g_autofree char *after_remove = NULL;
  g_autofree char *missing = NULL;

  /* Printed once, on one line; nothing else on stdout. */
  g_assert_true (token_is_well_formed (first));
  g_assert_true (token_is_well_formed (second));
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpstr (again, ==, "");
  g_assert_cmpstr (bad_role, ==, "");
  g_assert_cmpstr (bad_name, ==, "");
  g_assert_cmpstr (list, ==, "alice\tagent\nbob\tsupervisor\n");

  g_assert_cmpuint (me_status (first), ==, 200);
  assert_not_stored (first);
  assert_not_stored (second);

  /* A new token replaces the old one at once, on the running server. */
  reset = test_server_cli (server->db, TRUE, "user", "reset-token", "alice", NULL);
  g_strstrip (reset);
  g_assert_true (token_is_well_formed (reset));
  g_assert_cmpuint (me_status (first), ==, 401);
  g_assert_cmpuint (me_status (reset), ==, 200);
  assert_not_stored (reset);

  g_free (test_server_cli (server->db, TRUE, "user", "remove", "alice", NULL));
  g_assert_cmpuint (me_status (reset), ==, 401);
  after_remove = test_server_cli (server->db, TRUE, "user", "list", NULL);
  g_assert_cmpstr (after_remove, ==, "bob\tsupervisor\n");
  missing = test_server_cli (server->db, FALSE, "user", "remove", "alice", NULL);
  g_free (test_server_cli (server->db, FALSE, "user", "reset-token", "alice", NULL));
}

static char *
query_text (const char *db,
            const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return text;
}

/* A backup of the live database is complete, intact and has a new epoch. */
static void
test_backup (void)
{
  g_autofree char *token = test_server_add_user (server, "carol", "agent");
  g_autofree char *out = g_build_filename (server->dir, "backup.db", NULL);
  g_autofree char *uuid = test_uuid ();
  g_autofree char *key = test_uuid ();
  g_autofree char *url = g_strdup_printf ("%s/notes/%s", server->base, uuid);
  g_autofree char *body = test_note_json ("C-backup", "kept");
  g_autofree char *live_epoch = query_text (server->db, "SELECT value FROM meta WHERE key = 'epoch'");
  g_autofree char *copy_epoch = NULL;
  g_autofree char *integrity = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(TestReply) reply = test_request (session, "PUT", url, token, body,
                                             "If-None-Match", "*", "Idempotency-Key", key, NULL);

  g_assert_cmpuint (reply->status, ==, 201);
  g_free (test_server_cli (server->db, TRUE, "backup", out, NULL));
  /* Never over an existing file. */
  g_free (test_server_cli (server->db, FALSE, "backup", out, NULL));

  integrity = query_text (out, "PRAGMA integrity_check");
  g_assert_cmpstr (integrity, ==, "ok");
  sql = g_strdup_printf ("SELECT uuid FROM records WHERE uuid = '%s'", uuid);
  copied = query_text (out, sql);
  g_assert_cmpstr (copied, ==, uuid);
  copy_epoch = query_text (out, "SELECT value FROM meta WHERE key = 'epoch'");
  g_assert_true (g_uuid_string_is_valid (copy_epoch));
  g_assert_cmpstr (copy_epoch, !=, live_epoch);
}

/* SIGINT (Ctrl+C) stops the server as cleanly as SIGTERM. */
static void
test_sigint (void)
{
  TestServer *own = test_server_start (NULL);

  test_server_stop_with (own, SIGINT);
  test_server_free (own);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (NULL);
  session = soup_session_new ();

  g_test_add_func ("/cli/accounts", test_accounts);
  g_test_add_func ("/cli/backup", test_backup);
  g_test_add_func ("/cli/sigint", test_sigint);
  status = g_test_run ();

  g_object_unref (session);
  test_server_free (server);
  return status;
}

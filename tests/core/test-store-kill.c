/* test-store-kill.c: SIGKILL a writer at random moments; nothing acknowledged is lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * store-writer prints each UUID after its COMMIT returned.  Each round
 * starts it on the same database, waits for its first acknowledged write
 * (so a slow start, e.g. under AddressSanitizer, cannot make every kill
 * land before any write), kills it after a further random 0–150 ms,
 * reopens the database and checks that every UUID it printed is there
 * and that PRAGMA integrity_check says "ok".  The seed is printed, so a
 * failing run can be repeated with --seed.
 */
#define G_LOG_DOMAIN "test-store-kill"

#include "poise-store.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_ROUNDS 30

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *result = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (result, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (result, FALSE);
}

/* Reads until @out holds a complete line (or EOF). */
static void
read_first_line (int      fd,
                 GString *out)
{
  char buffer[4096];
  gssize n;

  while (strchr (out->str, '\n') == NULL && (n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (out, buffer, n);
}

/* Reads to EOF after what @out already holds; keeps only complete lines. */
static void
read_acknowledged (int        fd,
                   GString   *out,
                   GPtrArray *acknowledged)
{
  g_auto(GStrv) lines = NULL;
  char buffer[4096];
  gssize n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (out, buffer, n);

  lines = g_strsplit (out->str, "\n", -1);
  /* The last piece is empty or a line cut short by the kill. */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_assert_true (g_uuid_string_is_valid (lines[i]));
      g_ptr_array_add (acknowledged, g_strdup (lines[i]));
    }
}

static void
test_kill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("poise-kill-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "poise.db", NULL);
  g_autofree char *writer = g_test_build_filename (G_TEST_BUILT, "store-writer", NULL);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  guint killed_mid_write = 0;

  g_assert_no_error (error);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      const char *argv[] = { writer, path, NULL };
      g_autoptr(PoiseStore) store = NULL;
      g_autofree char *integrity = NULL;
      g_autoptr(GString) out = g_string_new (NULL);
      guint before = acknowledged->len;
      GPid pid;
      int out_fd;
      int status;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);

      read_first_line (out_fd, out);
      g_usleep (g_test_rand_int_range (0, 150) * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      read_acknowledged (out_fd, out, acknowledged);
      close (out_fd);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);

      /* It must have died by the kill, not by an error of its own. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      if (acknowledged->len > before)
        killed_mid_write++;

      store = poise_store_new (path, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < acknowledged->len; i++)
        {
          g_autoptr(PoiseFollowUp) follow_up =
            poise_store_get_follow_up (store, g_ptr_array_index (acknowledged, i), &error);

          g_assert_no_error (error);
          g_assert_nonnull (follow_up);
        }
      g_clear_object (&store);

      integrity = integrity_check (path);
      g_assert_cmpstr (integrity, ==, "ok");
    }

  g_test_message ("%u rounds, %u acknowledged writes, all present; %u rounds killed "
                  "while writing", N_ROUNDS, acknowledged->len, killed_mid_write);
  /* Otherwise the test proved nothing. */
  g_assert_cmpuint (killed_mid_write, >, N_ROUNDS / 2);

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/sigkill", test_kill);

  return g_test_run ();
}

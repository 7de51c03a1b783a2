/* bench-sync.c: the first sync of 10,000 notes into a fresh client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the real poise-server (127.0.0.1, port 0, a temporary database),
 * fills it with 10,000 notes through one sync client, then times a second,
 * fresh client from poise_sync_client_set_server() to "synced" with every
 * note in its store.  Target: ≤ 2 s.
 *
 * Usage: bench-sync [N]   (POISE_SERVER overrides the server binary)
 */
#include "config.h"

#include "poise-store.h"
#include "poise-sync-client.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_SECONDS 2.0

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Until the client is synced with nothing pending, or 10 minutes. */
static gboolean
wait_synced (PoiseSyncClient *client,
             guint            n_notes,
             PoiseStore      *store)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (600, timeout_cb, &timed_out);

  for (;;)
    {
      g_autoptr(GListStore) notes = NULL;

      g_main_context_iteration (NULL, TRUE);
      if (timed_out)
        return FALSE;
      if (poise_sync_client_get_state (client) == POISE_SYNC_STATE_ERROR)
        {
          g_printerr ("sync failed: %s\n", poise_sync_client_get_error_message (client));
          return FALSE;
        }
      if (poise_sync_client_get_state (client) != POISE_SYNC_STATE_SYNCED ||
          poise_sync_client_get_pending (client) > 0)
        continue;
      notes = poise_store_list_notes (store, NULL, NULL);
      if (g_list_model_get_n_items (G_LIST_MODEL (notes)) >= n_notes)
        break;
    }
  g_source_remove (id);
  return TRUE;
}

static char *
run (const char *server,
     const char *db,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  char *out = NULL;
  va_list ap;
  const char *arg;

  g_ptr_array_add (args, (char *) server);
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, (char *) db);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_newv ((const char * const *) args->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error))
    g_error ("%s", error->message);
  return g_strstrip (out);
}

int
main (int   argc,
      char *argv[])
{
  const char *server = g_getenv ("POISE_SERVER") ? g_getenv ("POISE_SERVER") : POISE_SERVER_PATH;
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("poise-bench-sync-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "server.db", NULL);
  g_autofree char *seed_path = g_build_filename (dir, "seed.db", NULL);
  g_autofree char *fresh_path = g_build_filename (dir, "fresh.db", NULL);
  g_autofree char *token = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(PoiseStore) seed = NULL;
  g_autoptr(PoiseStore) fresh = NULL;
  g_autoptr(PoiseSyncClient) seeder = NULL;
  g_autoptr(PoiseSyncClient) client = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start;
  double seconds;
  int status = 0;

  g_assert_no_error (error);
  token = run (server, db, "user", "add", "bench", "--role", "agent", NULL);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              server, "serve", "--db", db, "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("poise-server did not start: %s", line != NULL ? line : "no output");
  url = g_strdup (line + strlen ("listening on "));

  /* Seed through a client: the store's batch write is per note, so save
   * them one transaction each, as an agent would over time. */
  seed = poise_store_new (seed_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PoiseNote) note = poise_note_new ();
      g_autofree char *ref = g_strdup_printf ("T-%05u", i % 2000);
      g_autofree char *body = g_strdup_printf ("Customer called about order %u; refund promised "
                                               "by Friday, prefers email.", i);

      poise_note_set_customer_ref (note, ref);
      poise_note_set_body (note, body);
      if (!poise_store_save_note (seed, note, &error))
        g_error ("%s", error->message);
    }
  start = g_get_monotonic_time ();
  seeder = poise_sync_client_new (seed);
  poise_sync_client_set_server (seeder, url, token);
  if (!wait_synced (seeder, n, seed))
    g_error ("seeding failed");
  g_print ("seeding: %u notes pushed in %.2f s (%.0f/s)\n", n,
           (g_get_monotonic_time () - start) / 1e6,
           n / ((g_get_monotonic_time () - start) / 1e6));
  poise_sync_client_set_server (seeder, NULL, NULL);

  /* The measurement. */
  fresh = poise_store_new (fresh_path, &error);
  g_assert_no_error (error);
  client = poise_sync_client_new (fresh);
  start = g_get_monotonic_time ();
  poise_sync_client_set_server (client, url, token);
  if (!wait_synced (client, n, fresh))
    g_error ("first sync failed");
  seconds = (g_get_monotonic_time () - start) / 1e6;

  g_print ("first sync of %u notes into a fresh client: %.2f s (target <= %.1f s) %s\n",
           n, seconds, TARGET_SECONDS, seconds <= TARGET_SECONDS ? "OK" : "SLOWER THAN TARGET");
  if (seconds > TARGET_SECONDS)
    status = 1;

  poise_sync_client_set_server (client, NULL, NULL);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  {
    const char *names[] = { "server.db", "server.db-wal", "server.db-shm", "seed.db", "seed.db-wal",
                            "seed.db-shm", "fresh.db", "fresh.db-wal", "fresh.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);

        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return status;
}

/* sync-agent.c: one agent's store and sync, in a process to SIGKILL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage:
 *   sync-agent DB save N              N new notes; "saved UUID" after each COMMIT
 *   sync-agent DB sync URL TOKEN      PoiseSyncClient until synced: "changed UUID"
 *                                     per record the store changes, then "synced"
 *   sync-agent DB pull URL TOKEN L    the change feed in pages of L, each applied
 *                                     with poise_store_apply_changes: "applied SEQ"
 *                                     after each page, then "pulled"
 *
 * Every line is flushed before the next step, so the test (test-sync-kill)
 * knows what was acknowledged when it kills us.  A watchdog ends a run that
 * hangs (exit 2).
 */
#include "poise-json-guard.h"
#include "poise-store-sync.h"
#include "poise-sync-client.h"
#include "poise-sync-request-private.h"

#include <stdio.h>
#include <stdlib.h>

static guint
time_scale (void)
{
  return MAX (1, g_ascii_strtoull (g_getenv ("POISE_TEST_TIME_SCALE") ?: "1", NULL, 10));
}

static gboolean
watchdog_cb (gpointer data)
{
  fprintf (stderr, "sync-agent: no end in sight\n");
  exit (2);
}

static void
print_line (const char *what,
            const char *detail)
{
  printf ("%s %s\n", what, detail != NULL ? detail : "-");
  fflush (stdout);
}

static int
save (PoiseStore *store,
      guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PoiseNote) note = poise_note_new ();
      g_autofree char *body = g_strdup_printf ("saved %u by %d", i, (int) getpid ());

      poise_note_set_customer_ref (note, "K-1");
      poise_note_set_body (note, body);
      if (!poise_store_save_note (store, note, &error))
        {
          fprintf (stderr, "sync-agent: %s\n", error->message);
          return 1;
        }
      print_line ("saved", poise_note_get_uuid (note));
    }
  return 0;
}

static void
note_changed_cb (PoiseStore *store,
                 const char *uuid)
{
  print_line ("changed", uuid);
}

static void
state_cb (PoiseSyncClient *client,
          GParamSpec      *pspec,
          GMainLoop       *loop)
{
  PoiseSyncState state = poise_sync_client_get_state (client);

  if (state == POISE_SYNC_STATE_SYNCED && poise_sync_client_get_pending (client) == 0)
    g_main_loop_quit (loop);
  else if (state == POISE_SYNC_STATE_ERROR || state == POISE_SYNC_STATE_OFFLINE)
    {
      fprintf (stderr, "sync-agent: %s\n", poise_sync_client_get_error_message (client));
      exit (3);
    }
}

static int
sync (PoiseStore *store,
      const char *url,
      const char *token)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(PoiseSyncClient) client = poise_sync_client_new (store);

  g_signal_connect (store, "note-changed", G_CALLBACK (note_changed_cb), NULL);
  g_signal_connect (client, "notify::state", G_CALLBACK (state_cb), loop);
  poise_sync_client_set_server (client, url, token);
  g_main_loop_run (loop);
  print_line ("synced", NULL);
  poise_sync_client_set_server (client, NULL, NULL);
  return 0;
}

static int
pull (PoiseStore *store,
      const char *url,
      const char *token,
      guint       limit)
{
  static const PoiseJsonLimits limits = { 64 * 1024 * 1024, POISE_JSON_MAX_DEPTH };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *page_url = g_strdup_printf ("%s/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                                                   url, poise_store_get_cursor (store), limit);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", page_url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *seq = NULL;
      JsonArray *changes;
      gint64 last_seq;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    authorization);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      if (body == NULL || soup_message_get_status (msg) != 200 ||
          (root = poise_json_parse_guarded (body, &limits, &error)) == NULL ||
          !_poise_sync_parse_changes_page (root, poise_store_get_cursor (store),
                                           &changes, &last_seq, &more) ||
          !poise_store_apply_changes (store, changes, last_seq, POISE_DELETIONS_APPLY,
                                      NULL, NULL, &error))
        {
          fprintf (stderr, "sync-agent: page %s: %s\n", page_url,
                   error != NULL ? error->message : "not a page");
          return 1;
        }
      seq = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq);
      print_line ("applied", seq);
    }
  print_line ("pulled", NULL);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = NULL;

  if (argc < 4)
    {
      fprintf (stderr, "Usage: sync-agent DB save N | DB sync URL TOKEN | DB pull URL TOKEN LIMIT\n");
      return 64;
    }
  g_timeout_add_seconds (30 * time_scale (), watchdog_cb, NULL);

  store = poise_store_new (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "sync-agent: %s\n", error->message);
      return 1;
    }
  if (g_str_equal (argv[2], "save"))
    return save (store, atoi (argv[3]));
  if (g_str_equal (argv[2], "sync") && argc == 5)
    return sync (store, argv[3], argv[4]);
  if (g_str_equal (argv[2], "pull") && argc == 6)
    return pull (store, argv[3], argv[4], atoi (argv[5]));
  fprintf (stderr, "sync-agent: unknown command %s\n", argv[2]);
  return 64;
}

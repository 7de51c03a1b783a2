/* test-sync.c: two agents, their stores and sync clients, one real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything runs in this process's main loop except poise-server, which
 * tests/server's fixture starts on 127.0.0.1 with a temporary database.
 * Every wait is bounded.
 */
#define G_LOG_DOMAIN "test-sync"

#include "poise-store-sync.h"
#include "poise-json-guard.h"
#include "poise-reminder-scheduler.h"
#include "poise-sync-client.h"
#include "poise-sync-request-private.h"
#include "server-fixture.h"

#include <glib/gstdio.h>

/* Bounded waits; the sanitizer build stretches them (tests/sanitizers). */
#define WAIT_MS (15000 * test_time_scale ())

typedef struct {
  char            *dir;
  char            *name;
  char            *token;
  PoiseStore      *store;
  PoiseSyncClient *client;
  guint            synced;
} Agent;

/* Main loop helpers */

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

/* Agents */

static void
synced_cb (Agent *agent)
{
  agent->synced++;
}

static Agent *
agent_new (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Agent *agent = g_new0 (Agent, 1);

  agent->name = g_strdup (name);
  agent->dir = g_dir_make_tmp ("poise-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (agent->dir, "poise.db", NULL);
  agent->store = poise_store_new (path, &error);
  g_assert_no_error (error);
  agent->client = poise_sync_client_new (agent->store);
  g_signal_connect_swapped (agent->client, "notify::last-synced", G_CALLBACK (synced_cb), agent);
  return agent;
}

static void
agent_connect (Agent      *agent,
               TestServer *server)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);

  g_free (agent->token);
  agent->token = test_server_add_user (server, agent->name,
                                       g_str_equal (agent->name, "ben") ? "supervisor" : "agent");
  poise_sync_client_set_server (agent->client, url, agent->token);
}

/* Back online with the same token. */
static void
agent_reconnect (Agent      *agent,
                 TestServer *server)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);

  poise_sync_client_set_server (agent->client, url, agent->token);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
agent_free (Agent *agent)
{
  poise_sync_client_set_server (agent->client, NULL, NULL);
  /* Let cancelled requests unwind: they hold the client. */
  spin (100);
  g_assert_finalize_object (agent->client);
  g_assert_finalize_object (agent->store);
  remove_dir (agent->dir);
  g_free (agent->dir);
  g_free (agent->name);
  g_free (agent->token);
  g_free (agent);
}

static gboolean
run_over (gpointer data)
{
  Agent *agent = data;

  return poise_sync_client_get_state (agent->client) != POISE_SYNC_STATE_SYNCING;
}

typedef struct {
  Agent *agent;
  guint  synced;
} SyncWait;

static gboolean
synced_since (gpointer data)
{
  SyncWait *wait = data;

  return wait->agent->synced > wait->synced && run_over (wait->agent);
}

/* Syncs and waits until the client is idle again (runs it queued
 * meanwhile included). */
static void
sync_wait (Agent *agent)
{
  SyncWait wait = { agent, agent->synced };

  poise_sync_client_sync_now (agent->client);
  do
    g_assert_true (test_wait_until (synced_since, &wait, WAIT_MS));
  while (spin (100), !run_over (agent));

  g_assert_cmpstr (poise_sync_client_get_error_message (agent->client), ==, NULL);
  g_assert_cmpint (poise_sync_client_get_state (agent->client), ==, POISE_SYNC_STATE_SYNCED);
}

static gboolean
is_live (gpointer data)
{
  Agent *agent = data;

  return poise_sync_client_get_live (agent->client);
}

static guint
n_notes (Agent *agent)
{
  g_autoptr(GListStore) notes = poise_store_list_notes (agent->store, NULL, NULL);

  return g_list_model_get_n_items (G_LIST_MODEL (notes));
}

static PoiseNote *
add_note (Agent      *agent,
          const char *body)
{
  g_autoptr(GError) error = NULL;
  PoiseNote *note = poise_note_new ();

  poise_note_set_customer_ref (note, "T-100");
  poise_note_set_body (note, body);
  g_assert_true (poise_store_save_note (agent->store, note, &error));
  g_assert_no_error (error);
  return note;
}

static PoiseNote *
get_note (Agent      *agent,
          const char *uuid)
{
  g_autoptr(GError) error = NULL;
  PoiseNote *note = poise_store_get_note (agent->store, uuid, &error);

  g_assert_no_error (error);
  return note;
}

/* How many changes of @kind the server's feed holds for @id (NULL: all). */
static guint
server_count (TestServer *server,
              const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = test_url (server, "/changes?since=0&limit=1000");
  g_autoptr(TestReply) reply = test_request (session, "GET", url, token, NULL, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *changes;

  g_assert_cmpuint (reply->status, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (reply->json), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (json_object_get_boolean_member (change, "deleted"))
        g_hash_table_remove (ids, json_object_get_string_member (change, "id"));
      else
        g_hash_table_add (ids, g_strdup (json_object_get_string_member (change, "id")));
    }
  return g_hash_table_size (ids);
}

/* Tests */

static void
test_disabled (void)
{
  Agent *ana = agent_new ("ana");
  g_autoptr(PoiseNote) note = add_note (ana, "local only");

  /* No server: nothing happens, however often asked. */
  poise_sync_client_sync_now (ana->client);
  spin (500);
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_DISABLED);
  g_assert_cmpuint (ana->synced, ==, 0);
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 1);
  g_assert_null (poise_sync_client_get_user_name (ana->client));
  g_assert_false (poise_sync_client_get_live (ana->client));

  /* "" disables as NULL does. */
  poise_sync_client_set_server (ana->client, "", "token");
  spin (500);
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_DISABLED);
  g_assert_cmpuint (ana->synced, ==, 0);

  agent_free (ana);
}

static void
test_two_agents_merge (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(PoiseNote) bens = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) bens_follow_up = NULL;
  g_autoptr(PoiseFollowUp) merged = NULL;
  g_autoptr(GListStore) notes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean have_tuesday = FALSE, have_friday = FALSE;

  agent_connect (ana, server);
  agent_connect (ben, server);
  sync_wait (ana);
  sync_wait (ben);
  g_assert_cmpstr (poise_sync_client_get_user_name (ana->client), ==, "ana");
  g_assert_cmpstr (poise_sync_client_get_user_role (ben->client), ==, "supervisor");

  note = add_note (ana, "alpha beta gamma");
  poise_follow_up_set_promise (follow_up, "Send the invoice");
  poise_follow_up_set_contact (follow_up, "ana@example.org");
  g_assert_true (poise_store_insert_follow_up (ana->store, follow_up, &error));
  sync_wait (ana);
  sync_wait (ben);
  bens = get_note (ben, poise_note_get_uuid (note));
  g_assert_cmpstr (poise_note_get_author (bens), ==, "ana");

  /* Both edit the same note and follow-up, in different places. */
  poise_note_set_body (note, "ALPHA beta gamma");
  g_assert_true (poise_store_save_note (ana->store, note, &error));
  poise_note_set_body (bens, "alpha beta GAMMA");
  g_assert_true (poise_store_save_note (ben->store, bens, &error));
  poise_follow_up_set_promise (follow_up, "Send the corrected invoice");
  g_assert_true (poise_store_update_follow_up (ana->store, follow_up, &error));
  bens_follow_up = poise_store_get_follow_up (ben->store, poise_follow_up_get_uuid (follow_up), &error);
  poise_follow_up_set_contact (bens_follow_up, "+49 30 1234");
  g_assert_true (poise_store_update_follow_up (ben->store, bens_follow_up, &error));
  g_assert_no_error (error);

  sync_wait (ana);
  sync_wait (ben);
  sync_wait (ana);

  for (guint i = 0; i < 2; i++)
    {
      Agent *agent = i == 0 ? ana : ben;

      g_clear_object (&read);
      read = get_note (agent, poise_note_get_uuid (note));
      g_assert_cmpstr (poise_note_get_body (read), ==, "ALPHA beta GAMMA");
      g_clear_object (&merged);
      merged = poise_store_get_follow_up (agent->store, poise_follow_up_get_uuid (follow_up), &error);
      g_assert_cmpstr (poise_follow_up_get_promise (merged), ==, "Send the corrected invoice");
      g_assert_cmpstr (poise_follow_up_get_contact (merged), ==, "+49 30 1234");
      g_assert_cmpuint (n_notes (agent), ==, 1);
    }

  /* Overlapping edits: a visible conflicted copy, on both sides. */
  poise_note_set_body (read, "Call on Tuesday");
  g_clear_object (&bens);
  bens = get_note (ben, poise_note_get_uuid (note));
  poise_note_set_body (bens, "Call on Friday");
  g_assert_true (poise_store_save_note (ana->store, read, &error));
  g_assert_true (poise_store_save_note (ben->store, bens, &error));
  sync_wait (ana);
  sync_wait (ben);
  sync_wait (ana);

  g_assert_cmpuint (n_notes (ana), ==, 2);
  g_assert_cmpuint (n_notes (ben), ==, 2);
  notes = poise_store_list_notes (ben->store, NULL, &error);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PoiseNote) item = g_list_model_get_item (G_LIST_MODEL (notes), i);

      have_tuesday |= g_str_equal (poise_note_get_body (item), "Call on Tuesday");
      have_friday |= g_str_equal (poise_note_get_body (item), "Call on Friday");
      /* Whoever pushed second gets the copy. */
      if (g_str_equal (poise_note_get_uuid (item), poise_note_get_uuid (note)))
        g_assert_null (poise_note_get_conflict_of (item));
      else
        g_assert_cmpstr (poise_note_get_conflict_of (item), ==, poise_note_get_uuid (note));
    }
  g_assert_true (have_tuesday && have_friday);
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 0);
  g_assert_cmpuint (poise_sync_client_get_pending (ben->client), ==, 0);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static void
test_offline_500 (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");

  /* Offline (no server yet): 500 changes wait in the outbox. */
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *body = g_strdup_printf ("note %u", i);
      g_autoptr(PoiseNote) note = add_note (ana, body);
    }
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 500);
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_DISABLED);

  agent_connect (ana, server);
  agent_connect (ben, server);
  sync_wait (ana);
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 0);
  sync_wait (ben);

  g_assert_cmpuint (n_notes (ana), ==, 500);
  g_assert_cmpuint (n_notes (ben), ==, 500);
  /* Once each on the server: no duplicates. */
  g_assert_cmpuint (server_count (server, ana->token), ==, 500);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static void
test_lost_response (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  PoiseOutboxEntry *entry;
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autoptr(TestReply) reply = NULL;

  agent_connect (ana, server);
  agent_connect (ben, server);
  sync_wait (ana);
  sync_wait (ben);

  /* Disable ana's client, then do her push by hand and drop the answer:
   * the server committed, the client never heard. */
  poise_sync_client_set_server (ana->client, NULL, NULL);
  note = add_note (ana, "sent once");
  entries = poise_store_take_outbox (ana->store, 10, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  url = g_strdup_printf ("%s/notes/%s", server->base, entry->uuid);
  body = json_to_string (entry->record, FALSE);
  reply = test_request (session, "PUT", url, ana->token, body,
                        "If-None-Match", "*", "Idempotency-Key", entry->idempotency_key, NULL);
  g_assert_cmpuint (reply->status, ==, 201);

  /* The client retries with the same key: the stored answer, no copy. */
  agent_reconnect (ana, server);
  sync_wait (ana);
  sync_wait (ben);
  g_assert_cmpuint (n_notes (ana), ==, 1);
  g_assert_cmpuint (n_notes (ben), ==, 1);
  read = get_note (ana, poise_note_get_uuid (note));
  g_assert_null (poise_note_get_conflict_of (read));
  g_assert_cmpint (poise_note_get_rev (read), ==, 1);
  g_assert_cmpuint (server_count (server, ana->token), ==, 1);
  g_clear_object (&read);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_clear_pointer (&reply, test_reply_free);
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&body, g_free);

  /* Lost again, then edited (a new key): the 412 holds our own earlier
   * write, which is no conflict. */
  poise_sync_client_set_server (ana->client, NULL, NULL);
  poise_note_set_body (read = get_note (ana, poise_note_get_uuid (note)), "sent once, edited");
  g_assert_true (poise_store_save_note (ana->store, read, &error));
  entries = poise_store_take_outbox (ana->store, 10, &error);
  entry = entries->pdata[0];
  url = g_strdup_printf ("%s/notes/%s", server->base, entry->uuid);
  body = json_to_string (entry->record, FALSE);
  reply = test_request (session, "PUT", url, ana->token, body,
                        "If-Match", "\"1\"", "Idempotency-Key", entry->idempotency_key, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  poise_note_set_body (read, "sent once, edited twice");
  g_assert_true (poise_store_save_note (ana->store, read, &error));

  agent_reconnect (ana, server);
  sync_wait (ana);
  sync_wait (ben);
  g_clear_object (&read);
  read = get_note (ben, poise_note_get_uuid (note));
  g_assert_cmpstr (poise_note_get_body (read), ==, "sent once, edited twice");
  g_assert_cmpuint (n_notes (ana), ==, 1);
  g_assert_cmpuint (n_notes (ben), ==, 1);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

typedef struct {
  Agent      *agent;
  const char *uuid;
} HasNote;

static gboolean
has_note (gpointer data)
{
  HasNote *has = data;
  g_autoptr(PoiseNote) note = poise_store_get_note (has->agent->store, has->uuid, NULL);

  return note != NULL;
}

static void
test_live (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) note = NULL;
  HasNote has = { ben, NULL };
  gint64 start, elapsed;

  agent_connect (ana, server);
  agent_connect (ben, server);
  g_assert_true (test_wait_until (is_live, ben, WAIT_MS));
  sync_wait (ana);
  sync_wait (ben);

  /* ana saves; ben only listens (no sync_now). */
  start = g_get_monotonic_time ();
  note = add_note (ana, "live");
  has.uuid = poise_note_get_uuid (note);
  g_assert_true (test_wait_until (has_note, &has, WAIT_MS));
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("ben saw ana's note after %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

/* poise-server on a fixed port, so a restart keeps the client's URL. */
static TestServer *
start_on_port (const char *dir,
               guint       port)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  /* The later --port wins over the fixture's "--port 0". */
  TestServer *server = test_server_start_with (dir, "--port", port_text, NULL);

  g_assert_cmpuint (server->port, ==, port);
  return server;
}

static void
test_live_reconnects (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *dir = g_strdup (server->dir);
  guint port = server->port;
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) note = NULL;
  HasNote has = { ben, NULL };

  agent_connect (ana, server);
  agent_connect (ben, server);
  g_assert_true (test_wait_until (is_live, ben, WAIT_MS));
  sync_wait (ben);

  /* The server goes away and comes back on the same port and database. */
  test_server_stop (server);
  g_clear_pointer (&server->base, g_free);
  g_clear_pointer (&server->db, g_free);
  g_clear_pointer (&server->dir, g_free);
  g_free (server);
  spin (200);
  g_assert_false (poise_sync_client_get_live (ben->client));
  server = start_on_port (dir, port);

  /* Back-off from 1 s: connected again within a few seconds. */
  g_assert_true (test_wait_until (is_live, ben, WAIT_MS));
  sync_wait (ana);
  note = add_note (ana, "after the restart");
  has.uuid = poise_note_get_uuid (note);
  g_assert_true (test_wait_until (has_note, &has, 3000));

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static void
test_edit_beats_delete (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(PoiseNote) deleted = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(GError) error = NULL;

  agent_connect (ana, server);
  agent_connect (ben, server);
  note = add_note (ana, "keep me");
  sync_wait (ana);
  sync_wait (ben);

  /* ana goes offline and edits; ben deletes meanwhile. */
  poise_sync_client_set_server (ana->client, NULL, NULL);
  poise_note_set_body (note, "keep me, edited");
  g_assert_true (poise_store_save_note (ana->store, note, &error));
  deleted = poise_store_delete_note (ben->store, poise_note_get_uuid (note), &error);
  g_assert_no_error (error);
  sync_wait (ben);
  g_assert_cmpuint (n_notes (ben), ==, 0);

  agent_reconnect (ana, server);
  sync_wait (ana);
  sync_wait (ben);
  read = get_note (ben, poise_note_get_uuid (note));
  g_assert_cmpstr (poise_note_get_body (read), ==, "keep me, edited");
  g_assert_cmpuint (n_notes (ana), ==, 1);
  g_assert_cmpuint (server_count (server, ana->token), ==, 1);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static void
test_new_epoch (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) a = NULL;
  g_autoptr(PoiseNote) b = NULL;

  agent_connect (ana, server);
  agent_connect (ben, server);
  a = add_note (ana, "from ana");
  b = add_note (ben, "from ben");
  sync_wait (ana);
  sync_wait (ben);
  sync_wait (ana);
  g_assert_cmpuint (n_notes (ana), ==, 2);

  /* The server's database is recreated: empty, with a new epoch.  An
   * empty answer must not delete anything; both re-upload. */
  poise_sync_client_set_server (ana->client, NULL, NULL);
  poise_sync_client_set_server (ben->client, NULL, NULL);
  test_server_stop (server);
  test_server_free (server);
  server = test_server_start (NULL);

  agent_connect (ana, server);
  sync_wait (ana);
  g_assert_cmpuint (n_notes (ana), ==, 2);
  agent_connect (ben, server);
  sync_wait (ben);
  sync_wait (ana);
  g_assert_cmpuint (n_notes (ana), ==, 2);
  g_assert_cmpuint (n_notes (ben), ==, 2);
  g_assert_cmpuint (server_count (server, ana->token), ==, 2);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static void
deletions_cb (PoiseSyncClient *client,
              guint            n_deletions,
              guint            n_local,
              guint           *seen)
{
  seen[0] = n_deletions;
  seen[1] = n_local;
}

static gboolean
deletions_seen (gpointer data)
{
  return ((guint *) data)[0] > 0;
}

static void
test_deletion_guard (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint seen[2] = { 0, 0 };

  agent_connect (ana, server);
  agent_connect (ben, server);
  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (notes, add_note (ana, "text"));
  sync_wait (ana);
  sync_wait (ben);

  /* ben (a supervisor) deletes 5 of 20: more than 10 % for ana. */
  poise_sync_client_set_server (ana->client, NULL, NULL);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(PoiseNote) deleted =
        poise_store_delete_note (ben->store, poise_note_get_uuid (notes->pdata[i]), &error);
      g_assert_no_error (error);
    }
  sync_wait (ben);

  g_signal_connect (ana->client, "deletions-pending", G_CALLBACK (deletions_cb), seen);
  agent_reconnect (ana, server);
  g_assert_true (test_wait_until (deletions_seen, seen, WAIT_MS));
  g_assert_cmpuint (seen[0], ==, 5);
  g_assert_cmpuint (seen[1], ==, 20);
  g_assert_cmpuint (n_notes (ana), ==, 20);
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_ERROR);
  g_assert_nonnull (poise_sync_client_get_error_message (ana->client));

  poise_sync_client_resolve_deletions (ana->client, TRUE);
  sync_wait (ana);
  g_assert_cmpuint (n_notes (ana), ==, 15);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static guint
n_mine (Agent *agent)
{
  g_autoptr(GListStore) list = poise_store_list_follow_ups (agent->store, NULL);

  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
count_due_cb (guint         *count,
              PoiseFollowUp *follow_up)
{
  (*count)++;
}

static void
test_handover (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) due = g_date_time_add_minutes (now, 30);
  /* Each agent's reminders, on clocks the test moves. */
  g_autoptr(PoiseClock) ana_clock = poise_clock_new_manual (now);
  g_autoptr(PoiseClock) ben_clock = poise_clock_new_manual (now);
  g_autoptr(PoiseReminderScheduler) ana_reminders = poise_reminder_scheduler_new (ana->store, ana_clock);
  g_autoptr(PoiseReminderScheduler) ben_reminders = poise_reminder_scheduler_new (ben->store, ben_clock);
  guint ana_due = 0, ben_due = 0;

  g_signal_connect_swapped (ana_reminders, "due", G_CALLBACK (count_due_cb), &ana_due);
  g_signal_connect_swapped (ben_reminders, "due", G_CALLBACK (count_due_cb), &ben_due);
  poise_reminder_scheduler_start (ana_reminders);
  poise_reminder_scheduler_start (ben_reminders);

  agent_connect (ana, server);
  agent_connect (ben, server);
  poise_follow_up_set_due_at (follow_up, due);
  g_assert_true (poise_store_insert_follow_up (ana->store, follow_up, &error));
  sync_wait (ana);
  sync_wait (ben);
  g_assert_cmpuint (n_mine (ana), ==, 1);
  g_assert_cmpuint (n_mine (ben), ==, 0);

  poise_follow_up_set_assignee (follow_up, "ben");
  g_assert_true (poise_store_update_follow_up (ana->store, follow_up, &error));
  g_assert_no_error (error);
  sync_wait (ana);
  sync_wait (ben);
  g_assert_cmpuint (n_mine (ana), ==, 0);
  g_assert_cmpuint (n_mine (ben), ==, 1);

  /* The reminder moved with it: ben is reminded when it is due, ana not. */
  g_assert_null (poise_reminder_scheduler_get_next_due (ana_reminders));
  g_assert_nonnull (poise_reminder_scheduler_get_next_due (ben_reminders));
  /* The store keeps whole seconds. */
  g_assert_cmpint (g_date_time_to_unix (poise_reminder_scheduler_get_next_due (ben_reminders)), ==,
                   g_date_time_to_unix (due));
  poise_clock_advance (ana_clock, 31 * G_TIME_SPAN_MINUTE);
  poise_clock_advance (ben_clock, 31 * G_TIME_SPAN_MINUTE);
  g_assert_cmpuint (ana_due, ==, 0);
  g_assert_cmpuint (ben_due, ==, 1);

  g_clear_object (&ana_reminders);
  g_clear_object (&ben_reminders);
  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

static gboolean
in_error (gpointer data)
{
  Agent *agent = data;

  return poise_sync_client_get_state (agent->client) == POISE_SYNC_STATE_ERROR;
}

static void
test_forbidden (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_autoptr(PoiseNote) bens = NULL;
  g_autoptr(PoiseNote) mine = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(GError) error = NULL;

  agent_connect (ana, server);
  agent_connect (ben, server);
  bens = add_note (ben, "ben's note");
  sync_wait (ben);
  sync_wait (ana);

  /* ana may not change ben's note: her text becomes her own conflicted
   * copy, ben's note goes back to his text, nothing stays stuck. */
  g_clear_object (&read);
  read = get_note (ana, poise_note_get_uuid (bens));
  poise_note_set_body (read, "ana's edit");
  g_assert_true (poise_store_save_note (ana->store, read, &error));
  mine = add_note (ana, "ana's note");
  sync_wait (ana);
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 0);
  g_clear_object (&read);
  read = get_note (ana, poise_note_get_uuid (bens));
  g_assert_cmpstr (poise_note_get_body (read), ==, "ben's note");
  g_assert_cmpuint (n_notes (ana), ==, 3);

  sync_wait (ben);
  g_assert_cmpuint (n_notes (ben), ==, 3);
  g_clear_object (&read);
  read = get_note (ben, poise_note_get_uuid (bens));
  g_assert_cmpstr (poise_note_get_body (read), ==, "ben's note");
  {
    g_autoptr(GListStore) notes = poise_store_search_notes (ben->store, "ana's edit", &error);
    g_autoptr(PoiseNote) copy = g_list_model_get_item (G_LIST_MODEL (notes), 0);

    g_assert_cmpstr (poise_note_get_conflict_of (copy), ==, poise_note_get_uuid (bens));
    g_assert_cmpstr (poise_note_get_author (copy), ==, "ana");
  }

  /* A follow-up ben made and kept: ana's change stays queued, reported. */
  {
    g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
    g_autoptr(PoiseFollowUp) anas = NULL;

    poise_follow_up_set_promise (follow_up, "ben's promise");
    g_assert_true (poise_store_insert_follow_up (ben->store, follow_up, &error));
    sync_wait (ben);
    sync_wait (ana);
    anas = poise_store_get_follow_up (ana->store, poise_follow_up_get_uuid (follow_up), &error);
    g_assert_no_error (error);
    poise_follow_up_set_promise (anas, "ana's promise");
    g_assert_true (poise_store_update_follow_up (ana->store, anas, &error));
    poise_sync_client_sync_now (ana->client);
    g_assert_true (test_wait_until (in_error, ana, WAIT_MS));
    g_assert_nonnull (strstr (poise_sync_client_get_error_message (ana->client), "kept"));
    g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 1);
  }

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

/* A server that is not one */

typedef enum {
  GARBAGE_HTML,
  GARBAGE_TRUNCATED,
  GARBAGE_500,
  GARBAGE_STALL,
} Garbage;

/* What the stand-in server answers: fixed bytes, or nothing (NULL). */
static const char *
garbage_answer (const char *head,
                gpointer    user_data)
{
  switch ((Garbage) GPOINTER_TO_INT (user_data))
    {
    case GARBAGE_HTML:
      return "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 33\r\n"
             "Connection: close\r\n\r\n<html><body>Welcome</body></html>";
    case GARBAGE_TRUNCATED:
      return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n"
             "Connection: close\r\n\r\n{\"name\":\"ana\",\"ro";
    case GARBAGE_500:
      return "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
             "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    case GARBAGE_STALL:
    default:
      return NULL;
    }
}

static gboolean
in_trouble (gpointer data)
{
  Agent *agent = data;
  PoiseSyncState state = poise_sync_client_get_state (agent->client);

  return state == POISE_SYNC_STATE_ERROR || state == POISE_SYNC_STATE_OFFLINE;
}

static void
test_garbage_server (gconstpointer data)
{
  Garbage garbage = GPOINTER_TO_INT (data);
  TestStandIn *stand_in = test_stand_in_start (garbage_answer, GINT_TO_POINTER (garbage));
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autofree char *url = NULL;
  Agent *ana = agent_new ("ana");

  url = g_strconcat (test_stand_in_url (stand_in), "/", NULL);

  note = add_note (ana, "kept");
  poise_sync_client_set_timeout (ana->client, 1);
  poise_sync_client_set_server (ana->client, url, "token");
  g_assert_true (test_wait_until (in_trouble, ana, WAIT_MS));

  g_test_message ("%s", poise_sync_client_get_error_message (ana->client));
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_ERROR);
  g_assert_nonnull (poise_sync_client_get_error_message (ana->client));
  g_assert_cmpuint (strlen (poise_sync_client_get_error_message (ana->client)), >, 20);
  if (garbage == GARBAGE_STALL)
    g_assert_nonnull (strstr (poise_sync_client_get_error_message (ana->client), "in time"));
  else if (garbage == GARBAGE_500)
    g_assert_nonnull (strstr (poise_sync_client_get_error_message (ana->client), "HTTP 500"));
  else
    g_assert_nonnull (strstr (poise_sync_client_get_error_message (ana->client), "Poise team server"));

  /* Local changes are kept for later. */
  read = get_note (ana, poise_note_get_uuid (note));
  g_assert_cmpstr (poise_note_get_body (read), ==, "kept");
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 1);

  agent_free (ana);
  test_stand_in_stop (stand_in);
}

static void
test_network_up (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  SyncWait wait = { ana, 0 };

  agent_connect (ana, server);
  /* Quiet first: the live socket's own sync on connect is over. */
  g_assert_true (test_wait_until (is_live, ana, WAIT_MS));
  sync_wait (ana);
  spin (500);

  /* The network comes back: a sync, without anyone asking. */
  wait.synced = ana->synced;
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
  g_assert_true (test_wait_until (synced_since, &wait, WAIT_MS));

  agent_free (ana);
  test_server_free (server);
}

static void
test_bad_token (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autofree char *token = test_server_add_user (server, "ana", "agent");
  g_autoptr(PoiseNote) note = NULL;
  Agent *ana = agent_new ("ana");

  note = add_note (ana, "kept");
  poise_sync_client_set_server (ana->client, url, "not-the-token");
  g_assert_true (test_wait_until (in_trouble, ana, WAIT_MS));
  g_assert_cmpint (poise_sync_client_get_state (ana->client), ==, POISE_SYNC_STATE_ERROR);
  g_assert_nonnull (strstr (poise_sync_client_get_error_message (ana->client), "token"));
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 1);

  /* The right token: everything goes up. */
  poise_sync_client_set_server (ana->client, url, token);
  sync_wait (ana);
  g_assert_cmpuint (poise_sync_client_get_pending (ana->client), ==, 0);
  g_assert_cmpuint (server_count (server, token), ==, 1);

  agent_free (ana);
  test_server_free (server);
}

static void
connection_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
test_connection (void)
{
  TestServer *server = test_server_start (NULL);
  g_autofree char *token = test_server_add_user (server, "ana", "agent");
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", server->port);
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  poise_sync_client_test_connection_async (url, token, NULL, connection_cb, &result);
  g_assert_true (test_wait_until (have_result, &result, WAIT_MS));
  g_assert_true (poise_sync_client_test_connection_finish (result, &name, &role, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "ana");
  g_assert_cmpstr (role, ==, "agent");
  g_clear_object (&result);

  poise_sync_client_test_connection_async (url, "wrong", NULL, connection_cb, &result);
  g_assert_true (test_wait_until (have_result, &result, WAIT_MS));
  g_assert_false (poise_sync_client_test_connection_finish (result, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "token"));
  g_clear_error (&error);
  g_clear_object (&result);

  test_server_stop (server);
  poise_sync_client_test_connection_async (url, token, NULL, connection_cb, &result);
  g_assert_true (test_wait_until (have_result, &result, WAIT_MS));
  g_assert_false (poise_sync_client_test_connection_finish (result, NULL, NULL, &error));
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
  g_clear_object (&result);

  poise_sync_client_test_connection_async ("not a url", token, NULL, connection_cb, &result);
  g_assert_true (test_wait_until (have_result, &result, WAIT_MS));
  g_assert_false (poise_sync_client_test_connection_finish (result, NULL, NULL, &error));
  g_clear_object (&result);

  test_server_free (server);
}

static void
users_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_list_users (void)
{
  TestServer *server = test_server_start (NULL);
  Agent *ana = agent_new ("ana");
  Agent *ben = agent_new ("ben");
  g_auto(GStrv) users = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  agent_connect (ana, server);
  agent_connect (ben, server);
  sync_wait (ana);
  poise_sync_client_list_users_async (ana->client, NULL, users_cb, &result);
  g_assert_true (test_wait_until (have_result, &result, WAIT_MS));
  users = poise_sync_client_list_users_finish (ana->client, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) users, "ana"));
  g_assert_true (g_strv_contains ((const char * const *) users, "ben"));
  g_clear_object (&result);

  agent_free (ana);
  agent_free (ben);
  test_server_free (server);
}

/* Regression (fuzz-change-feed): a page whose last_seq runs past its
 * changes moved the cursor past changes never applied, which no later
 * pull brings back. */
static void
test_changes_page (void)
{
  static const struct {
    const char *page;
    gint64      since;
    gboolean    valid;
  } pages[] = {
    { "{\"changes\":[],\"last_seq\":4,\"more\":false}", 4, TRUE },
    { "{\"changes\":[{\"seq\":5},{\"seq\":6}],\"last_seq\":6,\"more\":true}", 4, TRUE },
    /* The cursor would skip 7..100 or 1..4 (or a seq already applied). */
    { "{\"changes\":[{\"seq\":5},{\"seq\":6}],\"last_seq\":100,\"more\":false}", 4, FALSE },
    { "{\"changes\":[],\"last_seq\":100,\"more\":false}", 4, FALSE },
    { "{\"changes\":[{\"seq\":4}],\"last_seq\":4,\"more\":false}", 4, FALSE },
    { "{\"changes\":[{\"seq\":6},{\"seq\":5}],\"last_seq\":5,\"more\":false}", 4, FALSE },
    { "{\"changes\":[{\"id\":\"x\"}],\"last_seq\":5,\"more\":false}", 4, FALSE },
    { "{\"changes\":[],\"last_seq\":-1,\"more\":false}", 0, FALSE },
    { "{\"changes\":{},\"last_seq\":0,\"more\":false}", 0, FALSE },
    { "{\"changes\":[],\"last_seq\":0,\"more\":1}", 0, FALSE },
    { "[]", 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      static const PoiseJsonLimits limits = { 4096, 8 };
      g_autoptr(GBytes) bytes = g_bytes_new_static (pages[i].page, strlen (pages[i].page));
      g_autoptr(JsonNode) root = poise_json_parse_guarded (bytes, &limits, NULL);
      JsonArray *changes = NULL;
      gint64 last_seq = -1;
      gboolean more = FALSE;

      g_assert_nonnull (root);
      g_test_message ("%s", pages[i].page);
      g_assert_cmpint (_poise_sync_parse_changes_page (root, pages[i].since, &changes, &last_seq, &more),
                       ==, pages[i].valid);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/changes-page", test_changes_page);
  g_test_add_func ("/sync/disabled", test_disabled);
  g_test_add_func ("/sync/two-agents-merge", test_two_agents_merge);
  g_test_add_func ("/sync/offline-500", test_offline_500);
  g_test_add_func ("/sync/lost-response", test_lost_response);
  g_test_add_func ("/sync/live", test_live);
  g_test_add_func ("/sync/live-reconnects", test_live_reconnects);
  g_test_add_func ("/sync/edit-beats-delete", test_edit_beats_delete);
  g_test_add_func ("/sync/new-epoch", test_new_epoch);
  g_test_add_func ("/sync/deletion-guard", test_deletion_guard);
  g_test_add_func ("/sync/handover", test_handover);
  g_test_add_func ("/sync/forbidden", test_forbidden);
  g_test_add_data_func ("/sync/garbage/html", GINT_TO_POINTER (GARBAGE_HTML), test_garbage_server);
  g_test_add_data_func ("/sync/garbage/truncated", GINT_TO_POINTER (GARBAGE_TRUNCATED),
                        test_garbage_server);
  g_test_add_data_func ("/sync/garbage/500", GINT_TO_POINTER (GARBAGE_500), test_garbage_server);
  g_test_add_data_func ("/sync/garbage/stall", GINT_TO_POINTER (GARBAGE_STALL), test_garbage_server);
  g_test_add_func ("/sync/network-up", test_network_up);
  g_test_add_func ("/sync/bad-token", test_bad_token);
  g_test_add_func ("/sync/test-connection", test_connection);
  g_test_add_func ("/sync/list-users", test_list_users);

  return g_test_run ();
}

/* test-sync-backup.c: a backup request from one client reaches another, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ana (agent) and ben (supervisor), each with a store and a sync client,
 * against the real poise-server.  Every wait is bounded.
 */
#define G_LOG_DOMAIN "test-sync-backup"

#include "poise-sync-client.h"
#include "poise-sync-request-private.h"
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define WAIT_MS (15000 * test_time_scale ())

typedef struct {
  char            *dir;
  PoiseStore      *store;
  PoiseSyncClient *client;
  JsonObject      *heard;     /* the last live message of the awaited type */
  GAsyncResult    *result;
} Peer;

static gboolean
is_live (gpointer data)
{
  return poise_sync_client_get_live (((Peer *) data)->client);
}

static gboolean
has_heard (gpointer data)
{
  return ((Peer *) data)->heard != NULL;
}

static gboolean
has_result (gpointer data)
{
  return ((Peer *) data)->result != NULL;
}

static void
heard_cb (PoiseSyncClient *client,
          const char      *type,
          JsonObject      *message,
          Peer            *peer)
{
  g_clear_pointer (&peer->heard, json_object_unref);
  peer->heard = json_object_ref (message);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Peer *peer = user_data;

  peer->result = g_object_ref (result);
}

static Peer *
peer_new (TestServer *server,
          const char *name,
          const char *role,
          const char *listen_for)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *signal = g_strconcat ("live-message::", listen_for, NULL);
  Peer *peer = g_new0 (Peer, 1);

  peer->dir = g_dir_make_tmp ("poise-backup-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (peer->dir, "poise.db", NULL);
  peer->store = poise_store_new (path, &error);
  g_assert_no_error (error);
  peer->client = poise_sync_client_new (peer->store);
  g_signal_connect (peer->client, signal, G_CALLBACK (heard_cb), peer);
  if (server != NULL)
    {
      url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
      token = test_server_add_user (server, name, role);
      poise_sync_client_set_server (peer->client, url, token);
    }
  return peer;
}

static void
peer_free (Peer *peer)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", peer->dir);

  poise_sync_client_set_server (peer->client, NULL, NULL);
  g_signal_handlers_disconnect_by_data (peer->client, peer);
  g_clear_object (&peer->client);
  g_clear_object (&peer->store);
  g_clear_pointer (&peer->heard, json_object_unref);
  g_clear_object (&peer->result);
  (void) system (command);
  g_free (peer->dir);
  g_free (peer);
}

/* ana asks; ben's client hears it with who, whom and why; ben's ack
 * reaches ana's client.  An agent cannot ack. */
static void
test_request_reaches_supervisor (void)
{
  TestServer *server = test_server_start (NULL);
  Peer *ana = peer_new (server, "ana", "agent", "backup_ack");
  Peer *ben = peer_new (server, "ben", "supervisor", "backup_request");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (test_wait_until (is_live, ana, WAIT_MS));
  g_assert_true (test_wait_until (is_live, ben, WAIT_MS));

  poise_sync_client_request_backup_async (ana->client, "CUST-3", "threat",
                                          "Caller threatens to come to the office", NULL,
                                          result_cb, ana);
  g_assert_true (test_wait_until (has_result, ana, WAIT_MS));
  id = poise_sync_client_request_backup_finish (ana->client, ana->result, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));
  g_clear_object (&ana->result);

  g_assert_true (test_wait_until (has_heard, ben, WAIT_MS));
  g_assert_cmpstr (json_object_get_string_member (ben->heard, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (ben->heard, "from"), ==, "ana");
  g_assert_cmpstr (json_object_get_string_member (ben->heard, "customer_ref"), ==, "CUST-3");
  g_assert_cmpstr (json_object_get_string_member (ben->heard, "scenario"), ==, "threat");
  g_assert_cmpstr (json_object_get_string_member (ben->heard, "context"), ==,
                   "Caller threatens to come to the office");

  /* ana (an agent) cannot acknowledge; the error says so. */
  poise_sync_client_ack_backup_async (ana->client, id, NULL, result_cb, ana);
  g_assert_true (test_wait_until (has_result, ana, WAIT_MS));
  g_assert_false (poise_sync_client_ack_backup_finish (ana->client, ana->result, &error));
  g_assert_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "supervisors"));
  g_clear_error (&error);
  g_clear_object (&ana->result);
  g_assert_null (ana->heard);

  poise_sync_client_ack_backup_async (ben->client, id, NULL, result_cb, ben);
  g_assert_true (test_wait_until (has_result, ben, WAIT_MS));
  g_assert_true (poise_sync_client_ack_backup_finish (ben->client, ben->result, &error));
  g_assert_no_error (error);

  g_assert_true (test_wait_until (has_heard, ana, WAIT_MS));
  g_assert_cmpstr (json_object_get_string_member (ana->heard, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (ana->heard, "by"), ==, "ben");

  peer_free (ana);
  peer_free (ben);
  test_server_free (server);
}

/* Without a server the request fails at once, saying what is needed. */
static void
test_without_server (void)
{
  Peer *ana = peer_new (NULL, "ana", "agent", "backup_ack");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  poise_sync_client_request_backup_async (ana->client, NULL, NULL, "help", NULL, result_cb, ana);
  g_assert_true (test_wait_until (has_result, ana, WAIT_MS));
  id = poise_sync_client_request_backup_finish (ana->client, ana->result, &error);
  g_assert_null (id);
  g_assert_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, "No team server"));

  peer_free (ana);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-backup/request-reaches-supervisor", test_request_reaches_supervisor);
  g_test_add_func ("/sync-backup/without-server", test_without_server);

  return g_test_run ();
}

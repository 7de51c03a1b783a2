/* test-server-live.c: the live WebSocket of the real poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <string.h>

static TestServer *server;
static char *token;


/* A write from another client pokes the socket within a second. */
static void
test_poke (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) writer = soup_session_new ();
  g_autofree char *uuid = test_uuid ();
  g_autofree char *key = test_uuid ();
  g_autofree char *url = g_strdup_printf ("%s/notes/%s", server->base, uuid);
  g_autofree char *body = test_note_json ("C-live", "poke");
  g_autofree char *changes_url = test_url (server, "/changes?since=0&limit=1000");
  g_autoptr(TestReply) reply = NULL;
  g_autoptr(TestReply) changes = NULL;
  g_autoptr(JsonNode) poke = NULL;
  TestLive live = { 0 };
  gint64 sent_at;

  test_live_connect (&live, session, server, token);
  g_assert_no_error (live.error);
  g_assert_nonnull (live.connection);

  sent_at = g_get_monotonic_time ();
  reply = test_request (writer, "PUT", url, token, body,
                        "If-None-Match", "*", "Idempotency-Key", key, NULL);
  g_assert_cmpuint (reply->status, ==, 201);
  test_live_wait (&live);
  g_assert_nonnull (live.text);
  g_assert_cmpint (live.received_at - sent_at, <, G_USEC_PER_SEC);

  poke = json_from_string (live.text, NULL);
  g_assert_nonnull (poke);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (poke), "type"), ==, "changes");
  changes = test_request (writer, "GET", changes_url, token, NULL, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (poke), "last_seq"), ==,
                   test_reply_int (changes, "last_seq"));

  test_live_clear (&live);
}

/* Clients have nothing to say: the server closes with 1008. */
static void
test_client_sends (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  TestLive live = { 0 };

  test_live_connect (&live, session, server, token);
  g_assert_no_error (live.error);
  soup_websocket_connection_send_text (live.connection, "hello");
  test_live_wait (&live);
  g_assert_true (live.closed);
  g_assert_cmpuint (live.close_code, ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  test_live_clear (&live);
}

/* The token is checked before the upgrade: no socket without one. */
static void
test_rejected_before_upgrade (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  TestLive bad = { 0 };
  TestLive none = { 0 };

  test_live_connect (&bad, session, server, "poise_not-a-token");
  g_assert_null (bad.connection);
  g_assert_nonnull (bad.error);
  g_assert_cmpuint (bad.status, ==, 401);
  test_live_clear (&bad);

  test_live_connect (&none, session, server, NULL);
  g_assert_null (none.connection);
  g_assert_cmpuint (none.status, ==, 401);
  test_live_clear (&none);
}

/* A plain GET of the live path is no handshake. */
static void
test_plain_get (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = test_url (server, "/live");
  g_autoptr(TestReply) reply = test_request (session, "GET", url, token, NULL, NULL);

  g_assert_cmpuint (reply->status, ==, 400);
  g_assert_cmpstr (test_reply_error_code (reply), ==, "bad_request");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (NULL);
  token = test_server_add_user (server, "alice", "agent");

  g_test_add_func ("/live/poke", test_poke);
  g_test_add_func ("/live/client-sends", test_client_sends);
  g_test_add_func ("/live/rejected-before-upgrade", test_rejected_before_upgrade);
  g_test_add_func ("/live/plain-get", test_plain_get);
  status = g_test_run ();

  test_server_free (server);
  g_free (token);
  return status;
}

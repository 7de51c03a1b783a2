/* test-server-backup.c: backup requests, announced on the live socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <string.h>

static TestServer *server;
static char *agent_token;
static char *boss_token;



static JsonObject *
live_next (TestLive       *live,
           JsonNode  **keep)
{
  g_clear_pointer (&live->text, g_free);
  test_live_wait (live);
  g_assert_nonnull (live->text);
  *keep = json_from_string (live->text, NULL);
  g_assert_nonnull (*keep);
  return json_node_get_object (*keep);
}

/* An agent asks; a supervisor's socket hears it, acks, and the agent's
 * socket hears the ack. */
static void
test_request_and_ack (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) boss_session = soup_session_new ();
  g_autofree char *url = test_url (server, "/backup-requests");
  g_autofree char *ack_url = NULL;
  g_autoptr(TestReply) reply = NULL;
  g_autoptr(TestReply) ack = NULL;
  g_autoptr(TestReply) again = NULL;
  g_autoptr(JsonNode) heard = NULL;
  g_autoptr(JsonNode) heard_ack = NULL;
  JsonObject *message;
  TestLive agent = { 0 };
  TestLive boss = { 0 };

  test_live_connect (&agent, session, server, agent_token);
  test_live_connect (&boss, boss_session, server, boss_token);
  g_assert_no_error (agent.error);
  g_assert_no_error (boss.error);

  reply = test_request (session, "POST", url, agent_token,
                        "{\"customer_ref\":\"CUST-7\",\"scenario\":\"threat\",\"context\":\"He says he knows where I live\"}",
                        NULL);
  g_assert_cmpuint (reply->status, ==, 201);
  g_assert_cmpstr (test_reply_string (reply, "type"), ==, "backup_request");
  g_assert_true (g_uuid_string_is_valid (test_reply_string (reply, "id")));

  message = live_next (&boss, &heard);
  g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, "backup_request");
  g_assert_cmpstr (json_object_get_string_member (message, "id"), ==, test_reply_string (reply, "id"));
  g_assert_cmpstr (json_object_get_string_member (message, "from"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (message, "customer_ref"), ==, "CUST-7");
  g_assert_cmpstr (json_object_get_string_member (message, "scenario"), ==, "threat");
  g_assert_cmpstr (json_object_get_string_member (message, "context"), ==, "He says he knows where I live");

  /* Only supervisors acknowledge. */
  ack_url = g_strdup_printf ("%s/%s/ack", url, test_reply_string (reply, "id"));
  again = test_request (session, "POST", ack_url, agent_token, NULL, NULL);
  g_assert_cmpuint (again->status, ==, 403);
  g_clear_pointer (&again, test_reply_free);

  /* The agent's own socket heard the request too; the ack comes next. */
  g_clear_pointer (&agent.text, g_free);
  ack = test_request (boss_session, "POST", ack_url, boss_token, NULL, NULL);
  g_assert_cmpuint (ack->status, ==, 200);
  message = live_next (&agent, &heard_ack);
  if (g_strcmp0 (json_object_get_string_member (message, "type"), "backup_request") == 0)
    {
      g_clear_pointer (&heard_ack, json_node_unref);
      message = live_next (&agent, &heard_ack);
    }
  g_assert_cmpstr (json_object_get_string_member (message, "type"), ==, "backup_ack");
  g_assert_cmpstr (json_object_get_string_member (message, "id"), ==, test_reply_string (reply, "id"));
  g_assert_cmpstr (json_object_get_string_member (message, "by"), ==, "bob");

  /* An id the server never gave out. */
  {
    g_autofree char *unknown = g_strdup_printf ("%s/%s/ack", url, "0f0e0d0c-0b0a-4908-8706-050403020100");

    again = test_request (boss_session, "POST", unknown, boss_token, NULL, NULL);
    g_assert_cmpuint (again->status, ==, 404);
  }

  test_live_clear (&agent);
  test_live_clear (&boss);
}

/* Fields are checked and named; bad JSON, methods and tokens are refused. */
static void
test_rejects (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = test_url (server, "/backup-requests");
  g_autofree char *long_context = g_strnfill (501, 'x');
  g_autofree char *long_body = g_strdup_printf ("{\"context\":\"%s\"}", long_context);
  g_autofree char *umlauts = NULL;
  TestReply *reply;

  reply = test_request (session, "POST", url, agent_token, "{\"scenario\":3}", NULL);
  g_assert_cmpuint (reply->status, ==, 422);
  g_assert_nonnull (strstr (reply->body, "scenario"));
  g_assert_nonnull (strstr (reply->body, "context"));
  test_reply_free (reply);

  reply = test_request (session, "POST", url, agent_token, long_body, NULL);
  g_assert_cmpuint (reply->status, ==, 422);
  g_assert_nonnull (strstr (reply->body, "500"));
  test_reply_free (reply);

  /* 500 characters, not bytes. */
  {
    GString *text = g_string_new ("{\"context\":\"");

    for (int i = 0; i < 500; i++)
      g_string_append (text, "ä");
    g_string_append (text, "\"}");
    umlauts = g_string_free (text, FALSE);
  }
  reply = test_request (session, "POST", url, agent_token, umlauts, NULL);
  g_assert_cmpuint (reply->status, ==, 201);
  test_reply_free (reply);

  reply = test_request (session, "POST", url, agent_token, "[1,2", NULL);
  g_assert_cmpuint (reply->status, ==, 400);
  test_reply_free (reply);

  reply = test_request (session, "POST", url, agent_token, "[]", NULL);
  g_assert_cmpuint (reply->status, ==, 422);
  test_reply_free (reply);

  reply = test_request (session, "GET", url, agent_token, NULL, NULL);
  g_assert_cmpuint (reply->status, ==, 405);
  test_reply_free (reply);

  reply = test_request (session, "POST", url, NULL, "{\"context\":\"help\"}", NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  test_reply_free (reply);

  reply = test_request (session, "POST", url, "poise_wrong", "{\"context\":\"help\"}", NULL);
  g_assert_cmpuint (reply->status, ==, 401);
  test_reply_free (reply);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (NULL);
  agent_token = test_server_add_user (server, "alice", "agent");
  boss_token = test_server_add_user (server, "bob", "supervisor");

  g_test_add_func ("/backup/request-and-ack", test_request_and_ack);
  g_test_add_func ("/backup/rejects", test_rejects);
  status = g_test_run ();

  test_server_free (server);
  g_free (agent_token);
  g_free (boss_token);
  return status;
}

/* test-server-api.c: every route and status of the HTTP API, against the
 * real poise-server binary on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

static TestServer *server;
static SoupSession *session;
static char *alice;   /* agent */
static char *carol;   /* agent */
static char *dave;    /* agent */
static char *bob;     /* supervisor */

/* Helpers */

static char *
record_url (const char *kind,
            const char *uuid)
{
  g_autofree char *path = g_strdup_printf ("/%s/%s", kind, uuid);

  return test_url (server, path);
}

static TestReply *
put (const char *token,
     const char *kind,
     const char *uuid,
     const char *body,
     const char *precondition,   /* "*" or a rev, e.g. "\"2\"" */
     const char *key)            /* NULL: a fresh one */
{
  g_autofree char *url = record_url (kind, uuid);
  g_autofree char *fresh = test_uuid ();
  gboolean create = g_strcmp0 (precondition, "*") == 0;

  return test_request (session, "PUT", url, token, body,
                       "Idempotency-Key", key != NULL ? key : fresh,
                       create ? "If-None-Match" : "If-Match", precondition,
                       NULL);
}

static TestReply *
get (const char *token,
     const char *path)
{
  g_autofree char *url = test_url (server, path);

  return test_request (session, "GET", url, token, NULL, NULL);
}

static gint64
last_seq (void)
{
  g_autoptr(TestReply) reply = get (alice, "/changes?since=0&limit=1000");
  gint64 seq = test_reply_int (reply, "last_seq");

  g_assert_cmpuint (reply->status, ==, 200);
  /* The test never writes more than a page, so one request sees the end. */
  g_assert_false (json_object_get_boolean_member (json_node_get_object (reply->json), "more"));
  return seq;
}

static JsonObject *
current_of (TestReply *reply)
{
  return json_object_get_object_member (json_node_get_object (reply->json), "current");
}

static char *
follow_up_json (const char *assignee)
{
  if (assignee == NULL)
    return g_strdup ("{\"customer_name\":\"Ann\",\"channel\":\"call\",\"promise\":\"Call back\","
                     "\"due_at\":\"2026-05-01T09:00:00Z\",\"status\":\"open\",\"assignee\":null}");
  return g_strdup_printf ("{\"customer_name\":\"Ann\",\"channel\":\"email\",\"promise\":\"Write\","
                          "\"due_at\":\"2026-05-01T09:00:00Z\",\"status\":\"open\",\"assignee\":\"%s\"}",
                          assignee);
}

/* Tests */

static void
test_health (void)
{
  g_autoptr(TestReply) reply = get (NULL, "/health");

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (test_reply_string (reply, "status"), ==, "ok");
  g_assert_true (g_uuid_string_is_valid (test_reply_string (reply, "epoch")));
}

static void
test_unauthorized (void)
{
  g_autoptr(TestReply) none = get (NULL, "/me");
  g_autoptr(TestReply) bad = get ("poise_0000", "/me");
  g_autoptr(TestReply) feed = get (NULL, "/changes?since=0");

  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (test_reply_error_code (none), ==, "unauthorized");
  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpstr (test_reply_error_code (bad), ==, "unauthorized");
  g_assert_cmpuint (feed->status, ==, 401);
}

static void
test_me_and_users (void)
{
  g_autoptr(TestReply) me = get (bob, "/me");
  g_autoptr(TestReply) users = get (alice, "/users");
  JsonArray *list;

  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (test_reply_string (me, "name"), ==, "bob");
  g_assert_cmpstr (test_reply_string (me, "role"), ==, "supervisor");

  g_assert_cmpuint (users->status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (users->json), "users");
  g_assert_cmpuint (json_array_get_length (list), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "name"), ==, "alice");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "role"), ==, "agent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "role"), ==, "supervisor");
}

static void
test_note_lifecycle (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *url = record_url ("notes", uuid);
  g_autofree char *key = test_uuid ();
  g_autofree char *v1 = g_strdup ("{\"customer_ref\":\"C-1\",\"body\":\"first\",\"tags\":[\"vip\"],"
                                  "\"rev\":99,\"author\":\"mallory\",\"updated_by\":\"mallory\","
                                  "\"updated_at\":\"1999-01-01T00:00:00Z\",\"seq\":5}");
  g_autofree char *v2 = test_note_json ("C-1", "second");
  g_autofree char *v3 = test_note_json ("C-1", "revived");
  TestReply *r;

  /* Create: the server's fields are the server's. */
  r = put (alice, "notes", uuid, v1, "*", key);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, "\"1\"");
  g_assert_cmpint (test_reply_int (r, "rev"), ==, 1);
  g_assert_cmpstr (test_reply_string (r, "author"), ==, "alice");
  g_assert_cmpstr (test_reply_string (r, "updated_by"), ==, "alice");
  g_assert_cmpstr (test_reply_string (r, "updated_at"), !=, "1999-01-01T00:00:00Z");
  g_assert_cmpstr (test_reply_string (r, "uuid"), ==, uuid);
  g_assert_cmpstr (test_reply_string (r, "body"), ==, "first");
  test_reply_free (r);

  /* Update. */
  r = put (alice, "notes", uuid, v2, "\"1\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, "\"2\"");
  g_assert_cmpint (test_reply_int (r, "rev"), ==, 2);
  test_reply_free (r);

  /* Stale: 412 with the current record to merge against. */
  r = put (alice, "notes", uuid, v2, "\"1\"", NULL);
  g_assert_cmpuint (r->status, ==, 412);
  g_assert_cmpstr (test_reply_error_code (r), ==, "precondition_failed");
  g_assert_cmpint (json_object_get_int_member (current_of (r), "rev"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (current_of (r), "body"), ==, "second");
  test_reply_free (r);

  /* No precondition at all. */
  r = test_request (session, "PUT", url, alice, v2, "Idempotency-Key", key, NULL);
  g_assert_cmpuint (r->status, ==, 428);
  g_assert_cmpstr (test_reply_error_code (r), ==, "precondition_required");
  test_reply_free (r);

  /* Creating what exists. */
  r = put (alice, "notes", uuid, v2, "*", NULL);
  g_assert_cmpuint (r->status, ==, 412);
  g_assert_cmpint (json_object_get_int_member (current_of (r), "rev"), ==, 2);
  test_reply_free (r);

  /* Read with its ETag. */
  r = test_request (session, "GET", url, carol, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, "\"2\"");
  g_assert_cmpstr (test_reply_string (r, "body"), ==, "second");
  test_reply_free (r);

  /* Delete needs If-Match, then leaves a tombstone (GET → 410). */
  r = test_request (session, "DELETE", url, alice, NULL, "Idempotency-Key", key, NULL);
  g_assert_cmpuint (r->status, ==, 428);
  test_reply_free (r);
  r = test_request (session, "DELETE", url, alice, NULL, "If-Match", "\"2\"",
                    "Idempotency-Key", "6a3c7a9e-34a3-4a52-9b4b-9f6fbd3a0a01", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (test_reply_int (r, "rev"), ==, 3);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (r->json), "deleted"));
  test_reply_free (r);
  r = test_request (session, "GET", url, alice, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 410);
  g_assert_cmpstr (test_reply_error_code (r), ==, "gone");
  g_assert_true (json_object_get_boolean_member (current_of (r), "deleted"));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "ETag"), ==, "\"3\"");
  test_reply_free (r);

  /* A create meets the tombstone; an edit of the tombstone's rev revives. */
  r = put (alice, "notes", uuid, v3, "*", NULL);
  g_assert_cmpuint (r->status, ==, 412);
  g_assert_true (json_object_get_boolean_member (current_of (r), "deleted"));
  test_reply_free (r);
  r = put (alice, "notes", uuid, v3, "\"3\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (test_reply_int (r, "rev"), ==, 4);
  g_assert_cmpstr (test_reply_string (r, "author"), ==, "alice");
  test_reply_free (r);
  r = test_request (session, "GET", url, alice, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (test_reply_string (r, "body"), ==, "revived");
  test_reply_free (r);
}

static void
test_not_found (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *body = test_note_json ("C", "x");
  g_autoptr(TestReply) missing = get (alice, path);
  g_autoptr(TestReply) update = put (alice, "notes", uuid, body, "\"1\"", NULL);

  g_assert_cmpuint (missing->status, ==, 404);
  g_assert_cmpstr (test_reply_error_code (missing), ==, "not_found");
  /* If-Match on a record that never existed: nothing to match. */
  g_assert_cmpuint (update->status, ==, 412);
}

static void
test_idempotent_retry (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *create_key = test_uuid ();
  g_autofree char *update_key = test_uuid ();
  g_autofree char *v1 = test_note_json ("C-2", "one");
  g_autofree char *v2 = test_note_json ("C-2", "two");
  g_autofree char *feed = NULL;
  g_autoptr(TestReply) first = NULL;
  g_autoptr(TestReply) again = NULL;
  g_autoptr(TestReply) update = NULL;
  g_autoptr(TestReply) update_again = NULL;
  g_autoptr(TestReply) changes = NULL;
  gint64 before = last_seq ();
  JsonArray *list;
  guint mine = 0;

  first = put (alice, "notes", uuid, v1, "*", create_key);
  g_assert_cmpuint (first->status, ==, 201);
  /* The answer was "lost"; the client retries the same create. */
  again = put (alice, "notes", uuid, v1, "*", create_key);
  g_assert_cmpuint (again->status, ==, 201);
  g_assert_cmpstr (again->body, ==, first->body);
  g_assert_cmpstr (soup_message_headers_get_one (again->headers, "ETag"), ==, "\"1\"");

  update = put (alice, "notes", uuid, v2, "\"1\"", update_key);
  g_assert_cmpuint (update->status, ==, 200);
  /* The retry's If-Match is stale now, but it is the same write: no conflict. */
  update_again = put (alice, "notes", uuid, v2, "\"1\"", update_key);
  g_assert_cmpuint (update_again->status, ==, 200);
  g_assert_cmpstr (update_again->body, ==, update->body);

  /* Two writes, two changes: no copies. */
  feed = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT, before);
  changes = get (alice, feed);
  list = json_object_get_array_member (json_node_get_object (changes->json), "changes");
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (list, i), "id"), uuid))
      mine++;
  g_assert_cmpuint (mine, ==, 2);
}

static void
test_idempotency_key_required (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *url = record_url ("notes", uuid);
  g_autofree char *body = test_note_json ("C", "x");
  g_autoptr(TestReply) missing = test_request (session, "PUT", url, alice, body,
                                               "If-None-Match", "*", NULL);
  g_autoptr(TestReply) invalid = test_request (session, "PUT", url, alice, body,
                                               "If-None-Match", "*", "Idempotency-Key", "abc", NULL);

  g_assert_cmpuint (missing->status, ==, 400);
  g_assert_cmpstr (test_reply_error_code (missing), ==, "bad_request");
  g_assert_cmpuint (invalid->status, ==, 400);
}

static void
test_changes_feed (void)
{
  gint64 since = last_seq ();
  g_auto(GStrv) ids = g_new0 (char *, 4);
  g_autofree char *page1_path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=2", since);
  g_autofree char *page2_path = NULL;
  g_autoptr(TestReply) page1 = NULL;
  g_autoptr(TestReply) page2 = NULL;
  g_autoptr(TestReply) all = NULL;
  JsonArray *list;
  gint64 seq;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *body = test_note_json ("C-feed", "feed");
      g_autoptr(TestReply) r = NULL;

      ids[i] = test_uuid ();
      r = put (carol, "notes", ids[i], body, "*", NULL);
      g_assert_cmpuint (r->status, ==, 201);
    }

  /* The same query as before the writes: a cached answer must not hide them. */
  g_assert_cmpint (last_seq (), ==, since + 3);

  page1 = get (alice, page1_path);
  g_assert_cmpuint (page1->status, ==, 200);
  list = json_object_get_array_member (json_node_get_object (page1->json), "changes");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (page1->json), "more"));
  seq = since;
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *change = json_array_get_object_element (list, i);

      g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, seq + 1);
      seq = json_object_get_int_member (change, "seq");
      g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, "note");
      g_assert_cmpstr (json_object_get_string_member (change, "id"), ==, ids[i]);
      g_assert_cmpint (json_object_get_int_member (change, "rev"), ==, 1);
      g_assert_false (json_object_get_boolean_member (change, "deleted"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "record"), "uuid"), ==, ids[i]);
    }
  g_assert_cmpint (test_reply_int (page1, "last_seq"), ==, seq);

  page2_path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=2", seq);
  page2 = get (alice, page2_path);
  list = json_object_get_array_member (json_node_get_object (page2->json), "changes");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (page2->json), "more"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"), ==, ids[2]);
  g_assert_cmpint (test_reply_int (page2, "last_seq"), ==, seq + 1);

  /* since=0: everything, from seq 1, in order. */
  all = get (alice, "/changes?since=0&limit=1000");
  list = json_object_get_array_member (json_node_get_object (all->json), "changes");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "seq"), ==, 1);
  for (guint i = 1; i < json_array_get_length (list); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, i), "seq"), ==,
                     json_object_get_int_member (json_array_get_object_element (list, i - 1), "seq") + 1);

  for (const char *const *q = (const char *const[]) { "since=-1", "since=abc", "since=1.5",
                                                      "limit=0", "limit=1001", "limit=x", NULL }; *q; q++)
    {
      g_autofree char *path = g_strdup_printf ("/changes?%s", *q);
      g_autoptr(TestReply) bad = get (alice, path);

      g_assert_cmpuint (bad->status, ==, 400);
      g_assert_cmpstr (test_reply_error_code (bad), ==, "bad_request");
    }
}

static void
test_roles (void)
{
  g_autofree char *note = test_uuid ();
  g_autofree char *follow_up = test_uuid ();
  g_autofree char *body = test_note_json ("C-3", "alice's");
  g_autofree char *assigned = follow_up_json ("carol");
  g_autofree char *nobody = follow_up_json ("nobody");
  g_autofree char *nobody_id = test_uuid ();
  g_autofree char *note_url = record_url ("notes", note);
  TestReply *r;

  r = put (alice, "notes", note, body, "*", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  test_reply_free (r);

  /* Another agent may read but not write it. */
  r = put (carol, "notes", note, body, "\"1\"", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  g_assert_cmpstr (test_reply_error_code (r), ==, "forbidden");
  test_reply_free (r);
  r = test_request (session, "DELETE", note_url, carol, NULL, "If-Match", "\"1\"",
                    "Idempotency-Key", "0d4b1e7a-5d59-4a8e-b6c1-3e2b8f1c9a77", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  test_reply_free (r);
  /* A supervisor may. */
  r = put (bob, "notes", note, body, "\"1\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (test_reply_string (r, "author"), ==, "alice");
  g_assert_cmpstr (test_reply_string (r, "updated_by"), ==, "bob");
  test_reply_free (r);

  /* Follow-ups: creator, assignee and supervisors write. */
  r = put (alice, "followups", follow_up, assigned, "*", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  g_assert_cmpstr (test_reply_string (r, "assignee"), ==, "carol");
  g_assert_cmpstr (test_reply_string (r, "channel"), ==, "email");
  test_reply_free (r);
  r = put (carol, "followups", follow_up, assigned, "\"1\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);
  r = put (dave, "followups", follow_up, assigned, "\"2\"", NULL);
  g_assert_cmpuint (r->status, ==, 403);
  test_reply_free (r);
  r = put (bob, "followups", follow_up, assigned, "\"2\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);
  r = put (alice, "followups", follow_up, assigned, "\"3\"", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);

  /* The assignee must be a user. */
  r = put (dave, "followups", nobody_id, nobody, "*", NULL);
  g_assert_cmpuint (r->status, ==, 422);
  g_assert_nonnull (strstr (r->body, "assignee"));
  test_reply_free (r);
}

static void
assert_rejected (TestReply  *reply,
                 guint       status,
                 const char *code,
                 const char *const *mentions)
{
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (test_reply_error_code (reply), ==, code);
  for (; mentions != NULL && *mentions != NULL; mentions++)
    if (strstr (reply->body, *mentions) == NULL)
      g_error ("“%s” does not mention “%s”", reply->body, *mentions);
}

static char *
nested (guint depth)
{
  GString *text = g_string_new ("{\"customer_ref\":\"C\",\"body\":\"b\",\"x\":");

  for (guint i = 1; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 1; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* Sends a PUT with a Content-Length of 2 MiB but only 64 KiB of body: an
 * answer can only come if the server does not wait for the rest. */
static void
test_too_large (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = test_uuid ();
  g_autofree char *head = NULL;
  g_autofree char *filler = g_malloc0 (64 * 1024);
  char answer[512] = { 0 };
  gsize got = 0;
  gssize n;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("PUT /api/v1/notes/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nIf-None-Match: *\r\n"
                          "Idempotency-Key: %s\r\nContent-Length: %d\r\n\r\n",
                          uuid, alice, uuid, 2 * 1024 * 1024);
  memset (filler, ' ', 64 * 1024);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             filler, 64 * 1024, NULL, NULL, &error);
  g_assert_no_error (error);

  while (got < sizeof answer - 1 &&
         (n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   answer + got, sizeof answer - 1 - got, NULL, &error)) > 0)
    got += n;
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (answer, "\"payload_too_large\""));
}

/* A chunked body has no length to check up front: the server counts what
 * arrives and answers 413 once it passes 1 MiB, while the client still
 * has more to send. */
static void
test_too_large_chunked (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = test_uuid ();
  g_autofree char *head = NULL;
  g_autofree char *chunk = NULL;
  GOutputStream *out;
  char answer[512] = { 0 };
  gsize got = 0;
  gssize n;

  g_socket_client_set_timeout (client, 5);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", server->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  head = g_strdup_printf ("PUT /api/v1/notes/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\nIf-None-Match: *\r\n"
                          "Idempotency-Key: %s\r\nTransfer-Encoding: chunked\r\n\r\n",
                          uuid, alice, uuid);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  /* 1.25 MiB in 64 KiB chunks, never the terminating chunk. */
  chunk = g_malloc (64 * 1024);
  memset (chunk, ' ', 64 * 1024);
  for (guint i = 0; i < 20 && error == NULL; i++)
    {
      g_output_stream_write_all (out, "10000\r\n", 7, NULL, NULL, &error);
      if (error == NULL)
        g_output_stream_write_all (out, chunk, 64 * 1024, NULL, NULL, &error);
      if (error == NULL)
        g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error);
    }
  /* The server may already have stopped reading. */
  g_clear_error (&error);

  while (got < sizeof answer - 1 &&
         (n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   answer + got, sizeof answer - 1 - got, NULL, &error)) > 0)
    got += n;
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
}

static void
test_bad_input (void)
{
  static const char *note_fields[] = { "body: must be a string", "customer_ref: required",
                                       "tags: must be an array", NULL };
  static const char *follow_up_fields[] = { "channel:", "due_at: required", "cancel_on_reply:",
                                            "customer_name: must be a string or null", NULL };
  static const char *big_body[] = { "body: must be at most 65536 bytes", NULL };
  gint64 before = last_seq ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *deep = nested (65);
  g_autofree char *deep_ok = nested (64);
  g_autofree char *huge = NULL;
  GString *long_body = g_string_new ("{\"customer_ref\":\"C\",\"body\":\"");
  TestReply *r;

  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (ids, test_uuid ());

  r = put (alice, "notes", ids->pdata[0], "{\"customer_ref\": \"C\", \"body\": ", "*", NULL);
  assert_rejected (r, 400, "invalid_json", NULL);
  test_reply_free (r);
  r = put (alice, "notes", ids->pdata[1], "{\"customer_ref\":\"C\",\"body\":\"\xc3\x28\"}", "*", NULL);
  assert_rejected (r, 400, "invalid_json", NULL);
  test_reply_free (r);
  r = put (alice, "notes", ids->pdata[2], "{\"customer_ref\":\"C\",\"body\":\"a\",\"body\":\"b\"}", "*", NULL);
  assert_rejected (r, 400, "invalid_json", (const char *const[]) { "duplicate", NULL });
  test_reply_free (r);
  r = put (alice, "notes", ids->pdata[3], deep, "*", NULL);
  assert_rejected (r, 400, "invalid_json", NULL);
  test_reply_free (r);
  /* 64 deep is allowed JSON; the stray member is simply ignored. */
  r = put (alice, "notes", ids->pdata[9], deep_ok, "*", NULL);
  g_assert_cmpuint (r->status, ==, 201);
  test_reply_free (r);

  r = put (alice, "notes", ids->pdata[4], "{\"body\":5,\"tags\":\"x\"}", "*", NULL);
  assert_rejected (r, 422, "invalid_fields", note_fields);
  test_reply_free (r);
  r = put (alice, "followups", ids->pdata[5],
           "{\"channel\":\"fax\",\"cancel_on_reply\":\"yes\",\"customer_name\":3}", "*", NULL);
  assert_rejected (r, 422, "invalid_fields", follow_up_fields);
  test_reply_free (r);
  r = put (alice, "notes", ids->pdata[6], "[1,2]", "*", NULL);
  assert_rejected (r, 422, "invalid_fields", NULL);
  test_reply_free (r);
  r = put (alice, "notes", ids->pdata[7], "{\"uuid\":\"0b8f7c1e-0000-4000-8000-000000000000\","
                                          "\"customer_ref\":\"C\",\"body\":\"b\"}", "*", NULL);
  assert_rejected (r, 422, "invalid_fields", (const char *const[]) { "uuid: must match the URL", NULL });
  test_reply_free (r);

  for (guint i = 0; i < 64 * 1024 + 1; i++)
    g_string_append_c (long_body, 'x');
  g_string_append (long_body, "\"}");
  huge = g_string_free (long_body, FALSE);
  r = put (alice, "notes", ids->pdata[8], huge, "*", NULL);
  assert_rejected (r, 422, "invalid_fields", big_body);
  test_reply_free (r);

  test_too_large ();
  test_too_large_chunked ();

  /* Only the one valid write got in: nothing from a rejected request. */
  g_assert_cmpint (last_seq (), ==, before + 1);
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s", i == 5 ? "followups" : "notes",
                                               (char *) ids->pdata[i]);
      g_autoptr(TestReply) missing = get (alice, path);

      g_assert_cmpuint (missing->status, ==, 404);
    }
}

static void
test_routes (void)
{
  g_autofree char *health = test_url (server, "/health");
  g_autofree char *changes = test_url (server, "/changes");
  g_autofree char *note = test_url (server, "/notes/6a3c7a9e-34a3-4a52-9b4b-9f6fbd3a0a01");
  g_autoptr(TestReply) unknown = get (alice, "/nothing");
  g_autoptr(TestReply) bad_id = get (alice, "/notes/not-a-uuid");
  g_autoptr(TestReply) bad_kind = get (alice, "/tasks/6a3c7a9e-34a3-4a52-9b4b-9f6fbd3a0a01");
  g_autoptr(TestReply) post = test_request (session, "POST", health, NULL, "{}", NULL);
  g_autoptr(TestReply) put_changes = test_request (session, "PUT", changes, alice, "{}", NULL);
  g_autoptr(TestReply) post_note = test_request (session, "POST", note, alice, "{}", NULL);

  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_cmpstr (test_reply_error_code (unknown), ==, "not_found");
  g_assert_cmpuint (bad_id->status, ==, 404);
  g_assert_cmpuint (bad_kind->status, ==, 404);
  g_assert_cmpuint (post->status, ==, 405);
  g_assert_cmpstr (test_reply_error_code (post), ==, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET");
  g_assert_cmpuint (put_changes->status, ==, 405);
  g_assert_cmpuint (post_note->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (post_note->headers, "Allow"), ==, "GET, PUT, DELETE");
}

/* Its own server: the address it throttles is the one the others use. */
static void
test_throttle (void)
{
  TestServer *own = test_server_start (NULL);
  g_autofree char *token = test_server_add_user (own, "erin", "agent");
  g_autofree char *me = test_url (own, "/me");
  g_autoptr(GInetAddress) other = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GSocketAddress) other_address = g_inet_socket_address_new (other, 0);
  g_autoptr(SoupSession) elsewhere = soup_session_new_with_options ("local-address", other_address, NULL);
  TestReply *r;

  for (guint i = 0; i < 10; i++)
    {
      r = test_request (session, "GET", me, "poise_wrong", NULL, NULL);
      g_assert_cmpuint (r->status, ==, 401);
      test_reply_free (r);
    }
  r = test_request (session, "GET", me, "poise_wrong", NULL, NULL);
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_cmpstr (test_reply_error_code (r), ==, "too_many_requests");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "Retry-After"));
  test_reply_free (r);

  /* The address is blocked, even with a good token; the account is not. */
  r = test_request (session, "GET", me, token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 429);
  test_reply_free (r);
  r = test_request (elsewhere, "GET", me, token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (test_reply_string (r, "name"), ==, "erin");
  test_reply_free (r);

  test_server_free (own);
}

/* Behind a proxy on loopback, X-Real-IP tells clients apart; without
 * --trust-proxy the header is ignored. */
static void
test_throttle_behind_proxy (void)
{
  TestServer *own = test_server_start_with (NULL, "--trust-proxy", NULL);
  TestServer *plain = test_server_start (NULL);
  g_autofree char *token = test_server_add_user (own, "erin", "agent");
  g_autofree char *me = test_url (own, "/me");
  g_autofree char *plain_me = test_url (plain, "/me");
  TestReply *r;

  for (guint i = 0; i < 11; i++)
    {
      r = test_request (session, "GET", me, "poise_wrong", NULL, "X-Real-IP", "203.0.113.7", NULL);
      g_assert_cmpuint (r->status, ==, i < 10 ? 401 : 429);
      test_reply_free (r);
    }
  r = test_request (session, "GET", me, token, NULL, "X-Real-IP", "203.0.113.7", NULL);
  g_assert_cmpuint (r->status, ==, 429);
  test_reply_free (r);
  r = test_request (session, "GET", me, token, NULL, "X-Real-IP", "203.0.113.8", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);

  /* Without the option a client cannot dodge the throttle with the header. */
  for (guint i = 0; i < 11; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", i);

      r = test_request (session, "GET", plain_me, "poise_wrong", NULL, "X-Real-IP", ip, NULL);
      g_assert_cmpuint (r->status, ==, i < 10 ? 401 : 429);
      test_reply_free (r);
    }

  test_server_free (own);
  test_server_free (plain);
}

/* --tls-cert/--tls-key: https with the given certificate. */
static void
test_tls (void)
{
  g_autofree char *dir = g_dir_make_tmp ("poise-tls-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GSubprocess) openssl = NULL;
  g_autoptr(GTlsDatabase) anchors = NULL;
  g_autoptr(SoupSession) tls_session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *health = NULL;
  g_autofree char *me = NULL;
  g_autofree char *token = NULL;
  TestServer *own;
  TestReply *r;

  openssl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                              "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                              "-addext", "subjectAltName=IP:127.0.0.1", NULL);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not available to make a certificate");
      g_rmdir (dir);
      return;
    }
  g_assert_true (g_subprocess_wait_check (openssl, NULL, &error));

  own = test_server_start_with (NULL, "--tls-cert", cert, "--tls-key", key, NULL);
  g_assert_true (g_str_has_prefix (own->base, "https://"));
  token = test_server_add_user (own, "erin", "agent");
  anchors = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  tls_session = soup_session_new_with_options ("tls-database", anchors, NULL);

  health = test_url (own, "/health");
  r = test_request (tls_session, "GET", health, NULL, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);
  me = test_url (own, "/me");
  r = test_request (tls_session, "GET", me, token, NULL, NULL);
  g_assert_cmpuint (r->status, ==, 200);
  test_reply_free (r);

  test_server_free (own);
  g_remove (cert);
  g_remove (key);
  g_rmdir (dir);
}

static guint
count_fds (TestServer *own)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (own->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* libsoup 3.2 keeps the socket of every kept-alive connection the client
 * closes; the server must close them itself, or it runs out of
 * descriptors.  100 such connections may not leave 100 descriptors. */
static void
test_closed_connections (void)
{
  TestServer *own = test_server_start (NULL);
  guint before, after = G_MAXUINT;
  gint64 deadline;

  /* One request first, so the database and the like are open. */
  g_free (test_server_cli (own->db, TRUE, "user", "list", NULL));
  before = count_fds (own);

  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      static const char request[] = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      char answer[256];

      connection = g_socket_client_connect_to_host (client, "127.0.0.1", own->port, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                            answer, sizeof answer, NULL, &error), >, 0);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }

  /* The server sweeps every few seconds. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && (after = count_fds (own)) > before + 5)
    g_usleep (G_USEC_PER_SEC / 4);
  g_test_message ("descriptors: %u before, %u after 100 closed connections", before, after);
  g_assert_cmpuint (after, <=, before + 5);

  test_server_free (own);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (NULL);
  alice = test_server_add_user (server, "alice", "agent");
  bob = test_server_add_user (server, "bob", "supervisor");
  carol = test_server_add_user (server, "carol", "agent");
  dave = test_server_add_user (server, "dave", "agent");
  session = soup_session_new_with_options ("timeout", 10, NULL);

  g_test_add_func ("/server/health", test_health);
  g_test_add_func ("/server/unauthorized", test_unauthorized);
  g_test_add_func ("/server/me-and-users", test_me_and_users);
  g_test_add_func ("/server/notes/lifecycle", test_note_lifecycle);
  g_test_add_func ("/server/notes/not-found", test_not_found);
  g_test_add_func ("/server/writes/idempotent-retry", test_idempotent_retry);
  g_test_add_func ("/server/writes/idempotency-key-required", test_idempotency_key_required);
  g_test_add_func ("/server/changes", test_changes_feed);
  g_test_add_func ("/server/roles", test_roles);
  g_test_add_func ("/server/bad-input", test_bad_input);
  g_test_add_func ("/server/routes", test_routes);
  g_test_add_func ("/server/throttle", test_throttle);
  g_test_add_func ("/server/throttle-behind-proxy", test_throttle_behind_proxy);
  g_test_add_func ("/server/tls", test_tls);
  g_test_add_func ("/server/closed-connections", test_closed_connections);
  status = g_test_run ();

  g_object_unref (session);
  test_server_free (server);
  g_free (alice);
  g_free (bob);
  g_free (carol);
  g_free (dave);
  return status;
}

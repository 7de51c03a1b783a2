/* test-server-hostile.c: what an attacker can send the real poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One server (with a short --request-timeout) takes every hostile input in
 * turn: deep nesting, huge bodies announced or chunked, numbers beyond
 * every range, duplicate keys, bytes that are not UTF-8, and 20 clients
 * sending a byte a second.  Each must get its 4xx with a JSON error body,
 * nothing may be stored, other clients must still be served, and the
 * server's peak memory must stay bounded.
 */
#include "server-fixture.h"

#include <string.h>

/* Short, so the slow clients are answered within the test's time. */
#define REQUEST_TIMEOUT "3"
#define N_SLOW          20
#define BIG_BODY        (50 * 1024 * 1024)
/* Peak resident memory allowed after all of it.  A bound, not a timing:
 * the server holds at most 1 MiB of body per request and the hostile
 * inputs are a few MiB in all, so anything near this means a body was
 * read into memory whole (50 MiB) or something grew without limit.  The
 * sanitizer build's shadow memory and quarantine stay well below it. */
#define MAX_PEAK_KIB    (200 * 1024)

static TestServer *server;
static SoupSession *session;
static char *alice;

/* Raw HTTP over a plain socket: for what libsoup's client will not send */

static GSocket *
raw_connect (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, server->port);
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  /* Bounds every blocking call: a server that never answers fails here. */
  g_socket_set_timeout (socket, 30);
  return socket;
}

/* Sends what it can; the server may close early, which is not an error. */
static gsize
raw_send (GSocket    *socket,
          const void *data,
          gsize       length)
{
  gsize sent = 0;

  while (sent < length)
    {
      gssize n = g_socket_send (socket, (const char *) data + sent, length - sent, NULL, NULL);

      if (n <= 0)
        break;
      sent += n;
    }
  return sent;
}

/* Reads the whole answer: the server must close after each of these
 * (a reset is a close too), not leave the connection open. */
static GString *
raw_read_all (GSocket *socket)
{
  GString *answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  return answer;
}

/* Checks @answer is one well-formed HTTP response with @status and a JSON
 * error body, and returns the error's code. */
static char *
assert_error_answer (const GString *answer,
                     guint          status)
{
  g_autofree char *status_line = g_strdup_printf ("HTTP/1.1 %u ", status);
  const char *body = strstr (answer->str, "\r\n\r\n");
  g_autoptr(JsonNode) json = NULL;
  JsonObject *error;

  g_assert_true (g_str_has_prefix (answer->str, status_line));
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (answer->str, "Content-Type: application/json"));
  json = json_from_string (body + 4, NULL);
  g_assert_nonnull (json);
  error = json_object_get_object_member (json_node_get_object (json), "error");
  g_assert_nonnull (json_object_get_string_member (error, "message"));
  return g_strdup (json_object_get_string_member (error, "code"));
}

static char *
raw_exchange (const char *request,
              gsize       length,
              guint       status)
{
  g_autoptr(GSocket) socket = raw_connect ();
  g_autoptr(GString) answer = NULL;

  raw_send (socket, request, length);
  answer = raw_read_all (socket);
  return assert_error_answer (answer, status);
}

/* A write's headers, as a client would send them. */
static char *
write_head (const char *method,
            const char *path,
            const char *extra)
{
  g_autofree char *key = test_uuid ();

  return g_strdup_printf ("%s /api/v1%s HTTP/1.1\r\n"
                          "Host: 127.0.0.1\r\n"
                          "Authorization: Bearer %s\r\n"
                          "Idempotency-Key: %s\r\n"
                          "If-None-Match: *\r\n"
                          "Content-Type: application/json\r\n"
                          "%s"
                          "\r\n",
                          method, path, alice, key, extra);
}

/* Nothing stored: the change feed is still empty. */
static void
assert_nothing_stored (void)
{
  g_autofree char *url = test_url (server, "/changes?since=0");
  g_autoptr(TestReply) reply = test_request (session, "GET", url, alice, NULL, NULL);

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (test_reply_int (reply, "last_seq"), ==, 0);
}

static TestReply *
put_note (const char *uuid,
          const char *body)
{
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *url = test_url (server, path);
  g_autofree char *key = test_uuid ();

  return test_request (session, "PUT", url, alice, body,
                       "Idempotency-Key", key, "If-None-Match", "*", NULL);
}

static void
assert_put_refused (const char *body,
                    guint       status,
                    const char *code)
{
  g_autofree char *uuid = test_uuid ();
  g_autoptr(TestReply) reply = put_note (uuid, body);

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (test_reply_error_code (reply), ==, code);
}

/* Tests */

static void
test_deep_nesting (void)
{
  const guint depth = 100000;
  g_autoptr(GString) arrays = g_string_new ("{\"customer_ref\":\"C-1\",\"body\":");
  g_autoptr(GString) objects = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (arrays, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (arrays, ']');
  g_string_append_c (arrays, '}');
  for (guint i = 0; i < depth; i++)
    g_string_append (objects, "{\"a\":");
  g_string_append (objects, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (objects, '}');

  assert_put_refused (arrays->str, 400, "invalid_json");
  assert_put_refused (objects->str, 400, "invalid_json");
  assert_nothing_stored ();
}

/* 50 MiB announced: 413 after the headers and a little of the body. */
static void
test_huge_content_length (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *extra = g_strdup_printf ("Content-Length: %d\r\n", BIG_BODY);
  g_autofree char *head = write_head ("PUT", path, extra);
  g_autofree char *code = NULL;
  g_autoptr(GSocket) socket = raw_connect ();
  g_autoptr(GString) answer = NULL;
  char little[1024];

  memset (little, ' ', sizeof little);
  raw_send (socket, head, strlen (head));
  raw_send (socket, little, sizeof little);
  /* Only 1 KiB of the 50 MiB was ever sent: the answer cannot have
   * waited for the body. */
  answer = raw_read_all (socket);
  code = assert_error_answer (answer, 413);
  g_assert_cmpstr (code, ==, "payload_too_large");
  assert_nothing_stored ();
}

/* 50 MiB chunked: 413 once a little over 1 MiB has arrived. */
static void
test_huge_chunked (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *head = write_head ("PUT", path, "Transfer-Encoding: chunked\r\n");
  g_autofree char *chunk = g_malloc (65536 + 16);
  g_autofree char *code = NULL;
  g_autoptr(GSocket) socket = raw_connect ();
  g_autoptr(GString) answer = NULL;
  gsize chunk_length, sent = 0;

  chunk_length = g_snprintf (chunk, 16, "%x\r\n", 65536);
  memset (chunk + chunk_length, 'x', 65536);
  chunk_length += 65536;
  chunk[chunk_length++] = '\r';
  chunk[chunk_length++] = '\n';

  raw_send (socket, head, strlen (head));
  /* Send until the answer is there (or all 50 MiB went, which fails). */
  while (sent < BIG_BODY && !g_socket_condition_check (socket, G_IO_IN))
    {
      gsize n = raw_send (socket, chunk, chunk_length);

      sent += n;
      if (n < chunk_length)
        break;
    }
  g_test_message ("413 after %" G_GSIZE_FORMAT " KiB of %d", sent / 1024, BIG_BODY / 1024);
  /* 1 MiB plus what the sockets' buffers hold: far from 50 MiB. */
  g_assert_cmpuint (sent, <, 16 * 1024 * 1024);
  answer = raw_read_all (socket);
  code = assert_error_answer (answer, 413);
  g_assert_cmpstr (code, ==, "payload_too_large");
  assert_nothing_stored ();
}

static void
test_numbers_out_of_range (void)
{
  static const char *numbers[] = {
    "9223372036854775808",    /* 2^63 */
    "18446744073709551616",   /* 2^64 */
    "-9223372036854775809",   /* -2^63 - 1 */
    "1e400",
    "-1e400",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autofree char *in_field = g_strdup_printf ("{\"customer_ref\":\"C-1\",\"body\":%s}", numbers[i]);
      g_autofree char *in_unknown = g_strdup_printf ("{\"customer_ref\":\"C-1\",\"body\":\"b\","
                                                     "\"extra\":[%s]}", numbers[i]);

      g_test_message ("%s", numbers[i]);
      assert_put_refused (in_field, 400, "invalid_json");
      /* Even where the server would drop the member. */
      assert_put_refused (in_unknown, 400, "invalid_json");
    }
  assert_nothing_stored ();
}

static void
test_duplicate_keys (void)
{
  assert_put_refused ("{\"customer_ref\":\"C-1\",\"body\":\"a\",\"body\":\"b\"}", 400, "invalid_json");
  assert_put_refused ("{\"customer_ref\":\"C-1\",\"body\":\"a\",\"tags\":[{\"x\":1,\"x\":2}]}",
                      400, "invalid_json");
  assert_nothing_stored ();
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *code = NULL;
  const char *note = "{\"customer_ref\":\"C-1\",\"body\":\"fine\"}";
  const char *get_raw = "GET /api/v1/he\xff" "alth HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  const char *get_escaped = "GET /api/v1/notes/%FF%FE HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  g_autofree char *bad_key = NULL;
  g_autofree char *bad_match = NULL;

  /* In the body. */
  assert_put_refused ("{\"customer_ref\":\"C-1\",\"body\":\"caf\xc3\"}", 400, "invalid_json");
  assert_put_refused ("{\"customer_ref\":\"C-1\",\"body\":\"\xed\xa0\x80\"}", 400, "invalid_json");

  /* In the URL path, raw and percent-encoded. */
  code = raw_exchange (get_raw, strlen (get_raw), 400);
  g_assert_cmpstr (code, ==, "bad_request");
  g_clear_pointer (&code, g_free);
  code = raw_exchange (get_escaped, strlen (get_escaped), 400);
  g_assert_cmpstr (code, ==, "bad_request");
  g_clear_pointer (&code, g_free);

  /* In a header value: an otherwise good write. */
  bad_key = g_strdup_printf ("PUT /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n"
                             "Idempotency-Key: 2f0a6a2e-4b7e-4a36-9a53-0d6c6c1f6f10\xff\r\n"
                             "If-None-Match: *\r\nConnection: close\r\n"
                             "Content-Length: %zu\r\n\r\n%s",
                             path, alice, strlen (note), note);
  code = raw_exchange (bad_key, strlen (bad_key), 400);
  g_assert_cmpstr (code, ==, "bad_request");
  g_clear_pointer (&code, g_free);
  bad_match = g_strdup_printf ("PUT /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Authorization: Bearer %s\r\n"
                               "Idempotency-Key: 2f0a6a2e-4b7e-4a36-9a53-0d6c6c1f6f10\r\n"
                               "If-Match: \"1\xc3\"\r\nConnection: close\r\n"
                               "Content-Length: %zu\r\n\r\n%s",
                               path, alice, strlen (note), note);
  code = raw_exchange (bad_match, strlen (bad_match), 400);
  g_assert_cmpstr (code, ==, "bad_request");

  assert_nothing_stored ();
}

/* A GET of the live socket that is no WebSocket handshake: a JSON 400,
 * not libsoup's HTML page (found by fuzz-server-request). */
static void
test_bad_live_handshake (void)
{
  g_autofree char *url = test_url (server, "/live");
  g_autoptr(TestReply) plain = test_request (session, "GET", url, alice, NULL, NULL);
  g_autoptr(TestReply) version = test_request (session, "GET", url, alice, NULL,
                                               "Upgrade", "websocket",
                                               "Connection", "Upgrade",
                                               "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
                                               "Sec-WebSocket-Version", "12",
                                               NULL);

  g_assert_cmpuint (plain->status, ==, 400);
  g_assert_cmpstr (test_reply_error_code (plain), ==, "bad_request");
  g_assert_cmpuint (version->status, ==, 400);
  g_assert_cmpstr (test_reply_error_code (version), ==, "bad_request");
}

/* Slow clients */

typedef struct {
  GSocket *socket;
  GSource *source;
  GString *answer;
  gboolean closed;
} Slow;

typedef struct {
  Slow       slow[N_SLOW];
  char      *request;
  gsize      request_length;
  gsize      sent;           /* bytes each has sent */
  guint      open;
  guint      health_status;
  GMainLoop *loop;
} Loris;

static gboolean
slow_readable_cb (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  Slow *slow = user_data;
  Loris *loris = g_object_get_data (G_OBJECT (socket), "loris");
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

  if (n > 0)
    {
      g_string_append_len (slow->answer, buffer, n);
      return G_SOURCE_CONTINUE;
    }
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  slow->closed = TRUE;
  slow->source = NULL;
  if (--loris->open == 0 && loris->health_status != 0)
    g_main_loop_quit (loris->loop);
  return G_SOURCE_REMOVE;
}

/* One more byte on every connection still open. */
static gboolean
drip_cb (gpointer user_data)
{
  Loris *loris = user_data;

  if (loris->sent == loris->request_length)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < N_SLOW; i++)
    if (!loris->slow[i].closed)
      g_socket_send (loris->slow[i].socket, loris->request + loris->sent, 1, NULL, NULL);
  loris->sent++;
  return G_SOURCE_CONTINUE;
}

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Loris *loris = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  guint still_open = loris->open;

  g_assert_nonnull (body);
  loris->health_status = soup_message_get_status (msg);
  g_test_message ("health answered %u with %u slow clients still waiting",
                  loris->health_status, still_open);
  if (loris->open == 0)
    g_main_loop_quit (loris->loop);
}

static gboolean
ask_health_cb (gpointer user_data)
{
  Loris *loris = user_data;
  g_autofree char *url = test_url (server, "/health");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, health_cb, loris);
  return G_SOURCE_REMOVE;
}

static gboolean
loris_timeout_cb (gpointer user_data)
{
  g_error ("The slow clients were not all answered");
  return G_SOURCE_REMOVE;
}

static void
test_slow_clients (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *path = g_strdup_printf ("/notes/%s", uuid);
  g_autofree char *head = write_head ("PUT", path, "Content-Length: 40\r\n");
  Loris loris = { 0 };
  guint drip, timeout;

  /* Headers and body together take far longer than the timeout at a
   * byte a second. */
  loris.request = g_strconcat (head, "{\"customer_ref\":\"C-1\",\"body\":\"slow\"}   ", NULL);
  loris.request_length = strlen (loris.request);
  loris.loop = g_main_loop_new (NULL, FALSE);
  for (guint i = 0; i < N_SLOW; i++)
    {
      Slow *slow = &loris.slow[i];

      slow->socket = raw_connect ();
      g_socket_set_blocking (slow->socket, FALSE);
      g_object_set_data (G_OBJECT (slow->socket), "loris", &loris);
      slow->answer = g_string_new (NULL);
      slow->source = g_socket_create_source (slow->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (slow->source, (GSourceFunc) (GCallback) slow_readable_cb, slow, NULL);
      g_source_attach (slow->source, NULL);
      g_source_unref (slow->source);
      loris.open++;
    }

  drip_cb (&loris);
  drip = g_timeout_add_seconds (1, drip_cb, &loris);
  /* Everyone else is served while the slow ones wait. */
  g_idle_add (ask_health_cb, &loris);
  timeout = g_timeout_add_seconds (60, loris_timeout_cb, NULL);
  g_main_loop_run (loris.loop);
  g_source_remove (timeout);
  g_source_remove (drip);

  g_assert_cmpuint (loris.health_status, ==, 200);
  g_test_message ("each slow client sent %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
                  loris.sent, loris.request_length);
  g_assert_cmpuint (loris.sent, <, loris.request_length);
  for (guint i = 0; i < N_SLOW; i++)
    {
      g_autofree char *code = assert_error_answer (loris.slow[i].answer, 408);

      g_assert_cmpstr (code, ==, "request_timeout");
      g_string_free (loris.slow[i].answer, TRUE);
      g_object_unref (loris.slow[i].socket);
    }
  g_free (loris.request);
  g_main_loop_unref (loris.loop);
  assert_nothing_stored ();
}

/* After all of the above: a normal write still works, and the peak
 * memory stayed bounded. */
static void
test_still_serving_and_bounded (void)
{
  g_autofree char *uuid = test_uuid ();
  g_autofree char *note = test_note_json ("C-1", "after the storm");
  g_autoptr(TestReply) reply = put_note (uuid, note);
  g_autofree char *status_path = g_strdup_printf ("/proc/%s/status",
                                                  g_subprocess_get_identifier (server->process));
  g_autofree char *status = NULL;
  const char *line;
  guint64 peak_kib;

  g_assert_cmpuint (reply->status, ==, 201);

  g_assert_true (g_file_get_contents (status_path, &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  peak_kib = g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
  g_test_message ("poise-server's peak resident memory: %" G_GUINT64_FORMAT " KiB", peak_kib);
  g_assert_cmpuint (peak_kib, >, 0);
  g_assert_cmpuint (peak_kib, <, MAX_PEAK_KIB);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start_with (NULL, "--request-timeout", REQUEST_TIMEOUT, NULL);
  alice = test_server_add_user (server, "alice", "agent");
  session = soup_session_new_with_options ("timeout", 30, NULL);

  g_test_add_func ("/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hostile/huge-content-length", test_huge_content_length);
  g_test_add_func ("/hostile/huge-chunked", test_huge_chunked);
  g_test_add_func ("/hostile/numbers-out-of-range", test_numbers_out_of_range);
  g_test_add_func ("/hostile/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/hostile/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/hostile/bad-live-handshake", test_bad_live_handshake);
  g_test_add_func ("/hostile/slow-clients", test_slow_clients);
  /* Last: it measures what all the others did to the server. */
  g_test_add_func ("/hostile/still-serving-and-bounded", test_still_serving_and_bounded);
  status = g_test_run ();

  g_object_unref (session);
  test_server_free (server);
  g_free (alice);
  return status;
}

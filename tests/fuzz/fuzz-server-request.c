/* fuzz-server-request.c: the server's request handling, in process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Once per process a PoiseServer (the same static library poise-server
 * links) serves a temporary database with one user on a loopback port,
 * on a thread of its own.  Each input becomes one HTTP request:
 *
 *   byte 0   the method             byte 1   the route
 *   byte 2   flags: good token, bad token, Idempotency-Key, If-None-Match *,
 *            If-Match "1", chunked body, no framing, If-Match from the input
 *   the rest up to the first NUL: raw header lines (for the "input" route,
 *            its first line is the path under /api/v1/)
 *   after the NUL: the body
 *
 * sent over a plain socket.  The answer must be one well-formed HTTP
 * response (or none, if the server closed without one), never a 500; a 4xx from our handlers has a JSON error body; and the change feed
 * grows only with a 2xx.
 */
#include "poise-server.h"
#include "poise-server-storage.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define NOTE_UUID     "0b5c6a10-8a3e-4c8e-9a57-3f7c1b2d4e60"
#define FOLLOWUP_UUID "6f1d2c3b-4a59-4e68-8d7c-9b0a1f2e3d4c"

static const char *methods[] = { "GET", "PUT", "DELETE", "POST", "HEAD", "OPTIONS", "PATCH" };

static GMutex lock;
static GCond ready;
static guint port;
static char *token;
static char *db_path;
static sqlite3 *reader;

static gpointer
server_thread (gpointer user_data)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fuzz-server-XXXXXX", &error);
  PoiseServerStorage *storage;
  PoiseServer *server;
  GMainLoop *loop;
  g_autofree char *uri = NULL;

  g_main_context_push_thread_default (context);
  if (dir == NULL)
    abort ();
  db_path = g_build_filename (dir, "server.db", NULL);
  if ((storage = poise_server_storage_open (db_path, &error)) == NULL ||
      (token = poise_server_storage_add_user (storage, "alice", "agent", &error)) == NULL)
    abort ();
  server = poise_server_new (storage);
  /* Short, so an input that leaves a request unfinished costs little. */
  poise_server_set_request_timeout (server, 1);
  if (!poise_server_listen (server, "127.0.0.1", 0, NULL, &error))
    abort ();
  uri = poise_server_get_uri (server);
  loop = g_main_loop_new (context, FALSE);

  g_mutex_lock (&lock);
  port = atoi (strrchr (uri, ':') + 1);
  g_cond_signal (&ready);
  g_mutex_unlock (&lock);

  /* Serves until the process exits; everything stays reachable. */
  g_main_loop_run (loop);
  return server;
}

static GSocket *
connect_to_server (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, NULL);

  if (socket == NULL || !g_socket_connect (socket, address, NULL, NULL))
    abort ();
  /* Far beyond the server's 1 s request timeout. */
  g_socket_set_timeout (socket, 5);
  return socket;
}

/* Whether @answer holds one whole response to a request by @method. */
static gboolean
answer_complete (const GString *answer,
                 const char    *method)
{
  const char *end = strstr (answer->str, "\r\n\r\n");
  g_autofree char *head = NULL;
  const char *length;
  guint64 status = 0;

  if (end == NULL)
    return FALSE;
  head = g_ascii_strdown (answer->str, end - answer->str);
  if (answer->len > 12)
    {
      char code[4] = { answer->str[9], answer->str[10], answer->str[11], 0 };

      g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL);
    }
  if (g_str_equal (method, "HEAD") || status < 200 || status == 204 || status == 304)
    return TRUE;
  if ((length = strstr (head, "\r\ncontent-length:")) == NULL)
    return FALSE;   /* until the server closes */
  return answer->len - (end + 4 - answer->str) >= g_ascii_strtoull (length + 17, NULL, 10);
}

/* Sends @request and reads one answer.  Not half-closing: libsoup 3.2
 * never closes a kept-alive connection whose client did. */
static GString *
exchange (const GString *request,
          const char    *method)
{
  g_autoptr(GSocket) socket = connect_to_server ();
  GString *answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gsize sent = 0;
  char buffer[8192];
  gssize n;

  while (sent < request->len)
    {
      n = g_socket_send (socket, request->str + sent, request->len - sent, NULL, NULL);
      if (n <= 0)
        break;   /* the server may answer and close before reading all */
      sent += n;
    }
  while (!answer_complete (answer, method) &&
         (n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (answer, buffer, n);
  /* An unfinished request gets its 408 after a second: never silence. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    abort ();
  return answer;
}

static void
seed_records (void)
{
  g_autoptr(GString) note = g_string_new (NULL);
  g_autoptr(GString) answer = NULL;
  const char *body = "{\"customer_ref\":\"C-1\",\"body\":\"seed\"}";
  g_autofree char *key = g_uuid_string_random ();

  g_string_printf (note, "PUT /api/v1/notes/" NOTE_UUID " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\nAuthorization: Bearer %s\r\nIdempotency-Key: %s\r\n"
                   "If-None-Match: *\r\nContent-Length: %zu\r\n\r\n%s",
                   token, key, strlen (body), body);
  answer = exchange (note, "PUT");
  if (!g_str_has_prefix (answer->str, "HTTP/1.1 201 "))
    abort ();
}

static void
setup (void)
{
  g_mutex_lock (&lock);
  g_thread_new ("server", server_thread, NULL);
  while (port == 0)
    g_cond_wait (&ready, &lock);
  g_mutex_unlock (&lock);

  if (sqlite3_open_v2 (db_path, &reader, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    abort ();
  sqlite3_busy_timeout (reader, 5000);
  seed_records ();
}

/* The change feed's length, read straight from the database. */
static gint64
count_changes (void)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  if (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM changes", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    abort ();
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}


enum {
  FLAG_GOOD_TOKEN  = 1 << 0,
  FLAG_BAD_TOKEN   = 1 << 1,
  FLAG_KEY         = 1 << 2,
  FLAG_CREATE      = 1 << 3,
  FLAG_MATCH_1     = 1 << 4,
  FLAG_CHUNKED     = 1 << 5,
  FLAG_NO_FRAMING  = 1 << 6,
  FLAG_MATCH_INPUT = 1 << 7,
};

/* Builds the request the input describes. */
static GString *
decode (const uint8_t *data,
        size_t         size)
{
  GString *request = g_string_new (NULL);
  const char *text = (const char *) data + 3;
  gsize text_size = size - 3;
  const char *nul = memchr (text, '\0', text_size);
  gsize headers_length = nul != NULL ? (gsize) (nul - text) : text_size;
  const char *body = nul != NULL ? nul + 1 : text + text_size;
  gsize body_length = text + text_size - body;
  const char *headers = text;
  guint8 flags = data[2];
  g_autofree char *path = NULL;
  g_autofree char *fresh = g_uuid_string_random ();

  switch (data[1] % 12)
    {
    case 0: path = g_strdup ("/api/v1/health"); break;
    case 1: path = g_strdup ("/api/v1/me"); break;
    case 2: path = g_strdup ("/api/v1/users"); break;
    case 3: path = g_strdup ("/api/v1/changes"); break;
    case 4: path = g_strdup ("/api/v1/changes?since=0&limit=2"); break;
    case 5: path = g_strdup ("/api/v1/live"); break;
    case 6: path = g_strdup ("/api/v1/notes/" NOTE_UUID); break;
    case 7: path = g_strdup_printf ("/api/v1/notes/%s", fresh); break;
    case 8: path = g_strdup ("/api/v1/followups/" FOLLOWUP_UUID); break;
    case 9: path = g_strdup_printf ("/api/v1/followups/%s", fresh); break;
    case 10: path = g_strdup ("/"); break;
    default:
      {
        /* The path is the input's first line. */
        const char *eol = memchr (headers, '\n', headers_length);
        gsize length = eol != NULL ? (gsize) (eol - headers) : headers_length;

        path = g_strdup_printf ("/api/v1/%.*s", (int) length, headers);
        headers += MIN (length + 1, headers_length);
        headers_length -= MIN (length + 1, headers_length);
        break;
      }
    }

  g_string_append_printf (request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
                          methods[data[0] % G_N_ELEMENTS (methods)], path);
  if (flags & FLAG_GOOD_TOKEN)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n", token);
  else if (flags & FLAG_BAD_TOKEN)
    g_string_append (request, "Authorization: Bearer poise_0000\r\n");
  if (flags & FLAG_KEY)
    g_string_append_printf (request, "Idempotency-Key: %s\r\n", fresh);
  if (flags & FLAG_CREATE)
    g_string_append (request, "If-None-Match: *\r\n");
  if (flags & FLAG_MATCH_1)
    g_string_append (request, "If-Match: \"1\"\r\n");
  if (headers_length > 0)
    {
      g_string_append_len (request, headers, headers_length);
      g_string_append (request, "\r\n");
    }
  if (flags & FLAG_CHUNKED)
    {
      g_string_append (request, "Transfer-Encoding: chunked\r\n\r\n");
      if (body_length > 0)
        {
          g_string_append_printf (request, "%zx\r\n", body_length);
          g_string_append_len (request, body, body_length);
          g_string_append (request, "\r\n");
        }
      g_string_append (request, "0\r\n\r\n");
    }
  else if (flags & FLAG_NO_FRAMING)
    {
      g_string_append (request, "\r\n");
      g_string_append_len (request, body, body_length);
    }
  else
    {
      g_string_append_printf (request, "Content-Length: %zu\r\n\r\n", body_length);
      g_string_append_len (request, body, body_length);
    }
  return request;
}

/* A well-formed answer; returns its status, or 0 for no answer at all. */
static guint
check_answer (const GString *answer,
              const char    *method)
{
  const char *end_of_head;
  const char *body;
  gsize body_length;
  g_autofree char *head = NULL;
  const char *length;
  guint64 status;
  char code[4] = { 0 };

  if (answer->len == 0)
    return 0;
  if (!g_str_has_prefix (answer->str, "HTTP/1.1 ") && !g_str_has_prefix (answer->str, "HTTP/1.0 "))
    abort ();
  memcpy (code, answer->str + 9, MIN (3, answer->len - 9));
  if (!g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL))
    abort ();
  if ((end_of_head = strstr (answer->str, "\r\n\r\n")) == NULL)
    abort ();
  body = end_of_head + 4;
  body_length = answer->str + answer->len - body;
  /* Raw header lines may end the request early and make the rest a
   * second one, whose answer follows: only this answer's body counts. */
  head = g_ascii_strdown (answer->str, end_of_head - answer->str);
  if ((length = strstr (head, "\r\ncontent-length:")) != NULL)
    body_length = MIN (body_length, g_ascii_strtoull (length + 17, NULL, 10));
  /* A HEAD answer names the length of a body it does not send. */
  if (g_str_equal (method, "HEAD"))
    body_length = 0;

  /* A 4xx with a body is ours: JSON saying what went wrong.  libsoup's
   * own answers to requests it cannot parse have none. */
  if (status >= 400 && status < 500 && body_length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object, *error;

      if (g_strstr_len (answer->str, end_of_head - answer->str, "Content-Type: application/json") == NULL ||
          !json_parser_load_from_data (parser, body, body_length, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        abort ();
      object = json_node_get_object (json_parser_get_root (parser));
      if (!json_object_has_member (object, "error"))
        abort ();
      error = json_object_get_object_member (object, "error");
      if (error == NULL ||
          json_object_get_string_member_with_default (error, "code", NULL) == NULL ||
          json_object_get_string_member_with_default (error, "message", NULL) == NULL)
        abort ();
    }
  return status;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GString) request = NULL;
  g_autoptr(GString) answer = NULL;
  gint64 before, after;
  guint status;

  if (reader == NULL)
    setup ();
  if (size < 3)
    return 0;

  request = decode (data, size);
  before = count_changes ();
  answer = exchange (request, methods[data[0] % G_N_ELEMENTS (methods)]);
  status = check_answer (answer, methods[data[0] % G_N_ELEMENTS (methods)]);
  after = count_changes ();

  /* Never an internal error; 505 is libsoup's for a version it lacks. */
  if (status >= 500 && status != 505)
    abort ();
  /* Only a successful write adds to the feed, and only one change. */
  if (after != before && (status < 200 || status >= 300 || after != before + 1))
    abort ();
  return 0;
}

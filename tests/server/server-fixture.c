/* server-fixture.c: run the real poise-server binary and talk to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <sys/prctl.h>
#include <signal.h>
#include <string.h>

static const char *
server_binary (void)
{
  const char *path = g_getenv ("POISE_SERVER");

  g_assert_nonnull (path);
  return path;
}

/* A test that aborts must not leave its server running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

TestServer *
test_server_start (const char *dir)
{
  return test_server_start_with (dir, NULL);
}

TestServer *
test_server_start_with (const char *dir,
                        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *option;
  const char *scheme;
  va_list args;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  TestServer *server = g_new0 (TestServer, 1);
  const char *port;

  server->dir = dir != NULL ? g_strdup (dir) : g_dir_make_tmp ("poise-server-XXXXXX", &error);
  g_assert_no_error (error);
  server->db = g_build_filename (server->dir, "server.db", NULL);
  g_ptr_array_add (argv, (char *) server_binary ());
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, server->db);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  va_start (args, dir);
  while ((option = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) option);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* In the sanitizer build the server's leak reports need whole stacks:
   * libsoup 3.2's own leaks are suppressed by function name, and GLib has
   * no frame pointers for the fast unwinder (tests/sanitizers/meson.build). */
  if (g_getenv ("POISE_SERVER_ASAN_OPTIONS") != NULL && g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":",
                                              g_getenv ("POISE_SERVER_ASAN_OPTIONS"), NULL);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  if (g_str_has_prefix (line, "listening on https://127.0.0.1:"))
    scheme = "https";
  else
    {
      g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
      scheme = "http";
    }
  port = strrchr (line, ':') + 1;
  server->port = atoi (port);
  g_assert_cmpuint (server->port, >, 0);
  server->base = g_strdup_printf ("%s://127.0.0.1:%u/api/v1", scheme, server->port);
  return server;
}

static void
wait_for (TestServer *server)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server->process);
}

void
test_server_stop (TestServer *server)
{
  test_server_stop_with (server, SIGTERM);
}

void
test_server_stop_with (TestServer *server,
                       int         signum)
{
  g_autoptr(GSubprocess) process = g_object_ref (server->process);

  /* A clean stop: the server exits by itself with status 0. */
  g_subprocess_send_signal (server->process, signum);
  wait_for (server);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

void
test_server_kill (TestServer *server)
{
  g_subprocess_force_exit (server->process);
  wait_for (server);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

void
test_server_free (TestServer *server)
{
  if (server->process != NULL)
    test_server_stop (server);
  if (server->dir != NULL)
    remove_dir (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->base);
  g_free (server);
}

char *
test_server_cli (const char *db,
                 gboolean    ok,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) server_binary ());
  va_start (args, ok);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (ok)
    g_assert_true (g_subprocess_get_successful (process));
  else
    g_assert_false (g_subprocess_get_successful (process));
  return out;
}

char *
test_server_add_user (TestServer *server,
                      const char *name,
                      const char *role)
{
  g_autofree char *out = test_server_cli (server->db, TRUE, "user", "add", name, "--role", role, NULL);

  return g_strstrip (g_strdup (out));
}

char *
test_url (TestServer *server,
          const char *path)
{
  return g_strconcat (server->base, path, NULL);
}

TestReply *
test_request (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *token,
              const char  *body,
              ...)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  TestReply *reply;
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  va_start (args, body);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (headers, name, va_arg (args, const char *));
  va_end (args);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  reply = g_new0 (TestReply, 1);
  reply->status = soup_message_get_status (msg);
  /* An empty body (a 304) has no data pointer: "" rather than NULL. */
  reply->body = g_strndup (g_bytes_get_size (bytes) > 0 ? g_bytes_get_data (bytes, NULL) : "",
                           g_bytes_get_size (bytes));
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->json = json_from_string (reply->body, NULL);
  return reply;
}

void
test_reply_free (TestReply *reply)
{
  g_free (reply->body);
  g_clear_pointer (&reply->json, json_node_unref);
  soup_message_headers_unref (reply->headers);
  g_free (reply);
}

static JsonObject *
reply_object (TestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

const char *
test_reply_string (TestReply  *reply,
                   const char *member)
{
  return json_object_get_string_member_with_default (reply_object (reply), member, NULL);
}

gint64
test_reply_int (TestReply  *reply,
                const char *member)
{
  return json_object_get_int_member_with_default (reply_object (reply), member, -1);
}

const char *
test_reply_error_code (TestReply *reply)
{
  JsonObject *object = reply_object (reply);
  JsonObject *error;

  g_assert_true (json_object_has_member (object, "error"));
  error = json_object_get_object_member (object, "error");
  g_assert_nonnull (json_object_get_string_member_with_default (error, "message", NULL));
  return json_object_get_string_member_with_default (error, "code", NULL);
}

char *
test_uuid (void)
{
  return g_uuid_string_random ();
}

char *
test_note_json (const char *customer_ref,
                const char *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "customer_ref");
  json_builder_add_string_value (builder, customer_ref);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, "2026-01-02T03:04:05Z");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Stand-in servers */

struct _TestStandIn
{
  GSocketService    *service;
  TestStandInAnswer  answer;
  gpointer           user_data;
  char              *url;
  gint               stop;
  /* Connections are accepted in a thread and main context of their own,
   * so a test that blocks its main thread (waiting for a CLI) is served. */
  GThread           *thread;
  GMainContext      *context;
  GMainLoop         *loop;
  GMutex             mutex;
  GCond              cond;
};

/* The head, then the body (if any) read and dropped, so that closing does
 * not reset the connection before the client has read the answer. */
static char *
read_request (GInputStream *in)
{
  g_autoptr(GString) head = g_string_new (NULL);
  const char *length;
  char c;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      if (g_input_stream_read (in, &c, 1, NULL, NULL) != 1 || head->len > 64 * 1024)
        return NULL;
      g_string_append_c (head, c);
    }

  length = strstr (head->str, "Content-Length: ");
  if (length != NULL)
    {
      gsize n = g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10);
      g_autofree char *body = g_malloc (MAX (n, 1));
      gsize got;

      if (n > 16 * 1024 * 1024 ||
          !g_input_stream_read_all (in, body, n, &got, NULL, NULL) || got != n)
        return NULL;
    }

  return g_string_free (g_steal_pointer (&head), FALSE);
}

static gboolean
stand_in_run_cb (GThreadedSocketService *service,
                 GSocketConnection      *connection,
                 GObject                *source,
                 gpointer                user_data)
{
  TestStandIn *stand_in = user_data;
  GIOStream *stream = G_IO_STREAM (connection);
  g_autofree char *head = read_request (g_io_stream_get_input_stream (stream));
  const char *answer;

  if (head == NULL)
    return TRUE;

  answer = stand_in->answer (head, stand_in->user_data);
  if (answer == NULL)
    {
      /* Never answers; holds the connection until the test stops us. */
      while (!g_atomic_int_get (&stand_in->stop))
        g_usleep (20 * 1000);
      return TRUE;
    }

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), answer, strlen (answer),
                             NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  return TRUE;
}

static gpointer
stand_in_thread (gpointer data)
{
  TestStandIn *stand_in = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_main_context_push_thread_default (stand_in->context);
  stand_in->service = g_threaded_socket_service_new (8);
  g_signal_connect (stand_in->service, "run", G_CALLBACK (stand_in_run_cb), stand_in);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (stand_in->service), any_port,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  g_socket_service_start (stand_in->service);

  g_mutex_lock (&stand_in->mutex);
  stand_in->url = g_strdup_printf ("http://127.0.0.1:%u",
                                   g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_cond_signal (&stand_in->cond);
  g_mutex_unlock (&stand_in->mutex);

  g_main_loop_run (stand_in->loop);

  g_socket_service_stop (stand_in->service);
  g_socket_listener_close (G_SOCKET_LISTENER (stand_in->service));
  g_main_context_pop_thread_default (stand_in->context);
  return NULL;
}

TestStandIn *
test_stand_in_start (TestStandInAnswer answer,
                     gpointer          user_data)
{
  TestStandIn *stand_in = g_new0 (TestStandIn, 1);

  stand_in->answer = answer;
  stand_in->user_data = user_data;
  stand_in->context = g_main_context_new ();
  stand_in->loop = g_main_loop_new (stand_in->context, FALSE);
  g_mutex_init (&stand_in->mutex);
  g_cond_init (&stand_in->cond);
  stand_in->thread = g_thread_new ("stand-in", stand_in_thread, stand_in);

  g_mutex_lock (&stand_in->mutex);
  while (stand_in->url == NULL)
    g_cond_wait (&stand_in->cond, &stand_in->mutex);
  g_mutex_unlock (&stand_in->mutex);

  return stand_in;
}

const char *
test_stand_in_url (TestStandIn *stand_in)
{
  return stand_in->url;
}

void
test_stand_in_stop (TestStandIn *stand_in)
{
  g_atomic_int_set (&stand_in->stop, 1);
  g_main_loop_quit (stand_in->loop);
  g_thread_join (stand_in->thread);
  /* Let held connections see the flag and their threads finish. */
  g_usleep (100 * 1000);
  g_clear_object (&stand_in->service);
  g_main_loop_unref (stand_in->loop);
  g_main_context_unref (stand_in->context);
  g_mutex_clear (&stand_in->mutex);
  g_cond_clear (&stand_in->cond);
  g_free (stand_in->url);
  g_free (stand_in);
}

/* Live socket clients */

static gboolean
live_timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting on the live socket");
  return G_SOURCE_REMOVE;
}

static void
live_connected_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TestLive *live = user_data;

  live->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                            &live->error);
  g_main_loop_quit (live->loop);
}

static void
live_message_cb (SoupWebsocketConnection *connection,
                 gint                     type,
                 GBytes                  *message,
                 TestLive                *live)
{
  live->received_at = g_get_monotonic_time ();
  g_free (live->text);
  live->text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_main_loop_quit (live->loop);
}

static void
live_closed_cb (SoupWebsocketConnection *connection,
                TestLive                *live)
{
  live->closed = TRUE;
  live->close_code = soup_websocket_connection_get_close_code (connection);
  g_main_loop_quit (live->loop);
}

void
test_live_connect (TestLive    *live,
                   SoupSession *session,
                   TestServer  *server,
                   const char  *token)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/api/v1/live", server->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  guint timeout = g_timeout_add_seconds (10, live_timeout_cb, NULL);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  live->loop = g_main_loop_new (NULL, FALSE);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        live_connected_cb, live);
  g_main_loop_run (live->loop);
  g_source_remove (timeout);
  live->status = soup_message_get_status (msg);
  if (live->connection != NULL)
    {
      g_signal_connect (live->connection, "message", G_CALLBACK (live_message_cb), live);
      g_signal_connect (live->connection, "closed", G_CALLBACK (live_closed_cb), live);
    }
}

void
test_live_wait (TestLive *live)
{
  guint timeout = g_timeout_add_seconds (10, live_timeout_cb, NULL);

  g_main_loop_run (live->loop);
  g_source_remove (timeout);
}

void
test_live_clear (TestLive *live)
{
  if (live->connection != NULL)
    g_signal_handlers_disconnect_by_data (live->connection, live);
  g_clear_object (&live->connection);
  g_clear_pointer (&live->loop, g_main_loop_unref);
  g_clear_error (&live->error);
  g_clear_pointer (&live->text, g_free);
}

/* Waiting */

guint
test_time_scale (void)
{
  return MAX (1, g_ascii_strtoull (g_getenv ("POISE_TEST_TIME_SCALE") ?: "1", NULL, 10));
}

static gboolean
wait_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
test_wait_until (TestCondition condition,
                 gpointer      data,
                 guint         ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, wait_timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return condition (data);
}

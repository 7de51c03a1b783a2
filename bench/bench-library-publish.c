/* bench-library-publish.c: from a publish until every live client has it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-library-publish POISE_SERVER LIBRARY.json [CLIENTS] [PUBLISHES]
 *
 * Starts POISE_SERVER on 127.0.0.1 (port 0, a temporary database) and
 * CLIENTS (200) clients that behave like the app: each holds a live socket
 * and the library it last fetched; on a {"type":"library"} poke it GETs
 * /api/v1/library with If-None-Match and keeps the new bytes.  A
 * supervisor publishes PUBLISHES (5) times, alternating LIBRARY.json and
 * the default library; for each client and publish, the time from sending
 * the POST until that client holds the new version's bytes (checked by
 * SHA-256) is one sample.  Prints p50/p99/max against the target p99
 * <= 1 s.  Loopback only; gives up after 20 s.
 */
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define TARGET_P99_MS 1000.0
#define GIVE_UP_S     20

typedef struct _Bench Bench;

typedef struct {
  Bench                   *bench;
  SoupWebsocketConnection *socket;
  gint64                   version;     /* held */
  char                    *sha256;      /* of the bytes held */
  gboolean                 fetching;
  gboolean                 again;       /* poked while fetching */
} Client;

struct _Bench {
  GMainLoop   *loop;
  SoupSession *http;
  SoupSession *sockets;
  char        *base;
  char        *agent_auth;
  Client      *clients;
  guint        n_clients;
  guint        pending;        /* connects, or clients without the target version */
  gint64       target;         /* the version being waited for */
  char        *target_sha256;
  gint64       sent_at;
  GArray      *latencies;      /* µs */
  guint        failures;
};

static gint64
etag_version (SoupMessage *msg)
{
  const char *etag = soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag");

  return etag != NULL && etag[0] == '"' ? g_ascii_strtoll (etag + 1, NULL, 10) : -1;
}

static void fetch (Client *client);

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Client *client = user_data;
  Bench *bench = client->bench;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  gboolean had_target = client->version == bench->target;

  client->fetching = FALSE;
  if (body != NULL && soup_message_get_status (msg) == 200)
    {
      g_free (client->sha256);
      client->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
      client->version = etag_version (msg);
    }
  else if (body == NULL || soup_message_get_status (msg) != 304)
    bench->failures++;

  /* No SHA-256 to check for the first fetch of version 1. */
  if (!had_target && client->version == bench->target &&
      (bench->target_sha256 == NULL || g_strcmp0 (client->sha256, bench->target_sha256) == 0))
    {
      gint64 latency = g_get_monotonic_time () - bench->sent_at;

      g_array_append_val (bench->latencies, latency);
      if (--bench->pending == 0)
        g_main_loop_quit (bench->loop);
    }
  if (client->again)
    {
      client->again = FALSE;
      fetch (client);
    }
}

/* GET /library with the version held, as the app does. */
static void
fetch (Client *client)
{
  Bench *bench = client->bench;
  g_autofree char *url = g_strconcat (bench->base, "/library", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (client->fetching)
    {
      client->again = TRUE;
      return;
    }
  client->fetching = TRUE;
  soup_message_headers_replace (headers, "Authorization", bench->agent_auth);
  if (client->version > 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", client->version);

      soup_message_headers_replace (headers, "If-None-Match", etag);
    }
  soup_session_send_and_read_async (bench->http, msg, G_PRIORITY_DEFAULT, NULL, fetched_cb, client);
}

static void
message_cb (SoupWebsocketConnection *socket,
            gint                     type,
            GBytes                  *message,
            Client                  *client)
{
  /* Only library pokes matter here; the body is a hint, the GET decides. */
  if (g_strstr_len (g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                    "\"type\":\"library\"") != NULL)
    fetch (client);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *client = user_data;
  Bench *bench = client->bench;

  client->socket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  if (client->socket != NULL)
    g_signal_connect (client->socket, "message", G_CALLBACK (message_cb), client);
  else
    bench->failures++;
  if (--bench->pending == 0)
    g_main_loop_quit (bench->loop);
}

static gboolean
give_up_cb (gpointer user_data)
{
  fprintf (stderr, "bench-library-publish: gave up after %d s\n", GIVE_UP_S);
  exit (1);
  return G_SOURCE_REMOVE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
run_cli (const char *server,
         const char *db,
         const char *name,
         const char *role)
{
  const char *argv[] = { server, "user", "add", name, "--role", role, "--db", db, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, NULL, &error))
    g_error ("%s", error->message);
  return g_strstrip (g_strdup (out));
}

static char *
json_quote (const char *text)
{
  /* Our own messages: nothing to escape. */
  return g_strdup_printf ("\"%s\"", text);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) publisher = soup_session_new ();
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *line = NULL;
  g_autofree char *supervisor = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *supervisor_auth = NULL;
  g_autofree char *ws = NULL;
  char *files[2] = { NULL, NULL };
  gsize sizes[2];
  Bench bench = { 0 };
  guint n_publishes;
  gint64 p50, p99, max;
  struct rlimit limit;

  if (argc < 3)
    {
      fprintf (stderr, "usage: bench-library-publish POISE_SERVER LIBRARY.json [CLIENTS] [PUBLISHES]\n");
      return 2;
    }
  bench.n_clients = argc > 3 ? atoi (argv[3]) : 200;
  n_publishes = argc > 4 ? atoi (argv[4]) : 5;
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
  g_timeout_add_seconds (GIVE_UP_S, give_up_cb, NULL);

  if (!g_file_get_contents (argv[2], &files[0], &sizes[0], &error))
    g_error ("%s", error->message);

  dir = g_dir_make_tmp ("poise-bench-library-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "server.db", NULL);
  supervisor = run_cli (argv[1], db, "sup", "supervisor");
  agent = run_cli (argv[1], db, "agent", "agent");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* However this ends (even by give_up_cb), the server goes too. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, argv[1], "serve", "--db", db, "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on http://127.0.0.1:"))
    g_error ("poise-server did not start");
  bench.base = g_strdup_printf ("http://127.0.0.1:%d/api/v1", atoi (strrchr (line, ':') + 1));
  ws = g_strdup_printf ("ws://127.0.0.1:%d/api/v1/live", atoi (strrchr (line, ':') + 1));
  bench.agent_auth = g_strconcat ("Bearer ", agent, NULL);
  supervisor_auth = g_strconcat ("Bearer ", supervisor, NULL);

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench.http = soup_session_new_with_options ("max-conns", bench.n_clients + 16,
                                              "max-conns-per-host", bench.n_clients + 16, NULL);
  bench.sockets = soup_session_new_with_options ("max-conns", bench.n_clients + 16,
                                                 "max-conns-per-host", bench.n_clients + 16, NULL);
  bench.clients = g_new0 (Client, bench.n_clients);

  /* Connect every client, then let each fetch what is current (version 1). */
  bench.pending = bench.n_clients;
  for (guint i = 0; i < bench.n_clients; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", ws);

      bench.clients[i].bench = &bench;
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bench.agent_auth);
      soup_session_websocket_connect_async (bench.sockets, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            connected_cb, &bench.clients[i]);
    }
  g_main_loop_run (bench.loop);
  if (bench.failures > 0)
    g_error ("%u clients could not connect", bench.failures);
  bench.target = 1;
  bench.pending = bench.n_clients;
  bench.sent_at = g_get_monotonic_time ();
  for (guint i = 0; i < bench.n_clients; i++)
    fetch (&bench.clients[i]);
  g_main_loop_run (bench.loop);
  files[1] = g_strdup (""); /* filled below from what version 1 is */
  sizes[1] = 0;
  g_array_set_size (bench.latencies, 0);

  {
    g_autofree char *url = g_strconcat (bench.base, "/library/versions/1", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) bytes = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bench.agent_auth);
    bytes = soup_session_send_and_read (publisher, msg, NULL, &error);
    g_assert_no_error (error);
    g_free (files[1]);
    files[1] = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    sizes[1] = g_bytes_get_size (bytes);
  }

  for (guint p = 0; p < n_publishes; p++)
    {
      g_autofree char *url = g_strconcat (bench.base, "/library/versions", NULL);
      g_autofree char *message = g_strdup_printf ("Benchmark publish %u", p + 1);
      g_autofree char *quoted = json_quote (message);
      g_autoptr(GString) body = g_string_new (NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      const char *library = files[p % 2];
      gsize size = sizes[p % 2];

      g_string_append_printf (body, "{\"base_version\":%" G_GINT64_FORMAT ",\"message\":%s,"
                                    "\"allow_incomplete\":true,\"library\":", bench.target, quoted);
      g_string_append_len (body, library, size);
      g_string_append_c (body, '}');
      bytes = g_string_free_to_bytes (g_steal_pointer (&body));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", supervisor_auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

      bench.target++;
      g_free (bench.target_sha256);
      bench.target_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) library, size);
      bench.pending = bench.n_clients;
      bench.sent_at = g_get_monotonic_time ();
      soup_session_send_and_read_async (publisher, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_main_loop_run (bench.loop);
    }

  g_array_sort (bench.latencies, compare_gint64);
  p50 = g_array_index (bench.latencies, gint64, bench.latencies->len / 2);
  p99 = g_array_index (bench.latencies, gint64, (bench.latencies->len * 99) / 100);
  max = g_array_index (bench.latencies, gint64, bench.latencies->len - 1);
  printf ("== library publish -> %u live clients hold the new version (%u publishes of %zu/%zu B, "
          "GET with If-None-Match on the poke)\n", bench.n_clients, n_publishes, sizes[0], sizes[1]);
  printf ("  p50 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 <= %.0f ms; p99/target %.2f)%s\n",
          p50 / 1000.0, p99 / 1000.0, max / 1000.0, TARGET_P99_MS, p99 / 1000.0 / TARGET_P99_MS,
          bench.failures > 0 ? " — with failed requests" : "");

  for (guint i = 0; i < bench.n_clients; i++)
    {
      g_clear_object (&bench.clients[i].socket);
      g_free (bench.clients[i].sha256);
    }
  g_free (files[0]);
  g_free (files[1]);
  g_free (bench.target_sha256);
  g_free (bench.clients);
  g_free (bench.base);
  g_free (bench.agent_auth);
  g_array_unref (bench.latencies);
  g_clear_object (&bench.http);
  g_clear_object (&bench.sockets);
  g_main_loop_unref (bench.loop);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  {
    const char *names[] = { "server.db", "server.db-wal", "server.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
  return p99 / 1000.0 <= TARGET_P99_MS && bench.failures == 0 ? 0 : 1;
}

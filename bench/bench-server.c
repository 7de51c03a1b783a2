/* bench-server.c: load for poise-server, and the SQLite reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-server writes URL TOKEN SECONDS CLIENTS
 *       unique creates (If-None-Match: *, Idempotency-Key) from CLIENTS
 *       concurrent connections; prints acknowledged writes per second
 *   bench-server sqlite DIR SECONDS
 *       the same rows written by a plain loop at the same durability (WAL,
 *       synchronous=FULL, one transaction per write); prints writes/s
 *   bench-server live URL TOKEN SOCKETS WRITES SERVER_PID
 *       SOCKETS live sockets; WRITES writes one after another; prints the
 *       p50/p99/max time from sending a write until a socket has its poke
 *       (over every socket and write, ms), and the server's RSS (MiB)
 *
 * Loopback only; every mode stops by itself.
 */
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char body_template[] =
  "{\"customer_ref\":\"C-%u\",\"body\":\"A customer called about the late delivery and "
  "was promised a call back tomorrow morning.\",\"tags\":[\"bench\"],"
  "\"created_at\":\"2026-01-02T03:04:05Z\"}";

/* Writes */

typedef struct {
  SoupSession *session;
  const char  *base;
  char        *auth;
  gint64       deadline;
  guint        in_flight;
  guint        acknowledged;
  guint        failed;
  guint        counter;
  GMainLoop   *loop;
} Load;

static void send_one (Load *load);

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Load *load = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (body != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    load->acknowledged++;
  else
    load->failed++;
  load->in_flight--;

  if (g_get_monotonic_time () < load->deadline)
    send_one (load);
  else if (load->in_flight == 0)
    g_main_loop_quit (load->loop);
}

static void
send_one (Load *load)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *url = g_strdup_printf ("%s/notes/%s", load->base, uuid);
  g_autofree char *json = g_strdup_printf (body_template, load->counter++);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", load->auth);
  soup_message_headers_replace (headers, "If-None-Match", "*");
  soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  load->in_flight++;
  soup_session_send_and_read_async (load->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, load);
}

static int
run_writes (const char *base,
            const char *token,
            double      seconds,
            guint       clients)
{
  Load load = { 0 };
  gint64 start;
  double elapsed;

  load.session = soup_session_new_with_options ("max-conns", clients, "max-conns-per-host", clients,
                                                "timeout", 30, NULL);
  load.base = base;
  load.auth = g_strconcat ("Bearer ", token, NULL);
  load.loop = g_main_loop_new (NULL, FALSE);
  start = g_get_monotonic_time ();
  load.deadline = start + seconds * G_USEC_PER_SEC;
  for (guint i = 0; i < clients; i++)
    send_one (&load);
  g_main_loop_run (load.loop);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  printf ("%.0f\n", load.acknowledged / elapsed);
  fprintf (stderr, "server: %u acknowledged, %u failed in %.1f s with %u clients\n",
           load.acknowledged, load.failed, elapsed, clients);
  return load.failed == 0 ? 0 : 1;
}

/* The reference: the rows one write makes, one transaction each. */
static int
run_sqlite (const char *dir,
            double      seconds)
{
  g_autofree char *path = g_build_filename (dir, "reference.db", NULL);
  sqlite3 *db;
  sqlite3_stmt *record, *change, *idem;
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + seconds * G_USEC_PER_SEC;
  guint n = 0;
  double elapsed;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    return 1;
  sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                    "CREATE TABLE records (kind TEXT, uuid TEXT, rev INTEGER, deleted INTEGER,"
                    " author TEXT, assignee TEXT, record TEXT, PRIMARY KEY (kind, uuid)) WITHOUT ROWID;"
                    "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT,"
                    " uuid TEXT, rev INTEGER, deleted INTEGER, record TEXT);"
                    "CREATE TABLE idempotency (user TEXT, key TEXT, status INTEGER, rev INTEGER,"
                    " body TEXT, created_at INTEGER, PRIMARY KEY (user, key)) WITHOUT ROWID;",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO records VALUES ('note', ?, 1, 0, 'bench', NULL, ?)", -1, &record, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO changes (kind, uuid, rev, deleted, record) VALUES ('note', ?, 1, 0, ?)", -1, &change, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO idempotency VALUES ('bench', ?, 201, 1, ?, 0)", -1, &idem, NULL);

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *json = g_strdup_printf (body_template, n);

      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      sqlite3_bind_text (record, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (record, 2, json, -1, SQLITE_STATIC);
      sqlite3_step (record);
      sqlite3_reset (record);
      sqlite3_bind_text (change, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (change, 2, json, -1, SQLITE_STATIC);
      sqlite3_step (change);
      sqlite3_reset (change);
      sqlite3_bind_text (idem, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (idem, 2, json, -1, SQLITE_STATIC);
      sqlite3_step (idem);
      sqlite3_reset (idem);
      if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return 1;
      n++;
    }
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  sqlite3_finalize (record);
  sqlite3_finalize (change);
  sqlite3_finalize (idem);
  sqlite3_close (db);

  printf ("%.0f\n", n / elapsed);
  fprintf (stderr, "sqlite loop: %u writes in %.1f s\n", n, elapsed);
  return 0;
}

/* Live sockets */

typedef struct {
  GMainLoop  *loop;
  GPtrArray  *sockets;
  guint       connecting;
  guint       failed;
  guint       waiting;      /* sockets not yet poked for the current write */
  gint64      sent_at;
  GArray     *latencies;    /* µs, one per socket per write */
  gint64      expected_seq;
} Live;

static void
message_cb (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *message,
            Live                    *live)
{
  gint64 latency = g_get_monotonic_time () - live->sent_at;

  if (live->waiting == 0)
    return;
  g_array_append_val (live->latencies, latency);
  if (--live->waiting == 0)
    g_main_loop_quit (live->loop);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Live *live = user_data;
  SoupWebsocketConnection *connection =
    soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);

  if (connection != NULL)
    {
      g_signal_connect (connection, "message", G_CALLBACK (message_cb), live);
      g_ptr_array_add (live->sockets, connection);
    }
  else
    live->failed++;
  if (--live->connecting == 0)
    g_main_loop_quit (live->loop);
}

static gboolean
give_up_cb (gpointer user_data)
{
  Live *live = user_data;

  g_main_loop_quit (live->loop);
  return G_SOURCE_REMOVE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static long
rss_kib (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return -1;
  return strtol (line + strlen ("VmRSS:"), NULL, 10);
}

static int
run_live (const char *base,
          const char *token,
          guint       n_sockets,
          guint       n_writes,
          const char *server_pid)
{
  /* One session per 50 sockets: a session's connection bookkeeping grows
   * with its connections, and a single one makes the client the bottleneck. */
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SoupSession) writer = soup_session_new ();
  g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *ws = g_strdup_printf ("ws%s/live", base + strlen ("http"));
  Live live = { 0 };
  gint64 p50, p99, max;
  guint timeout;

  live.loop = g_main_loop_new (NULL, FALSE);
  live.sockets = g_ptr_array_new_with_free_func (g_object_unref);
  live.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  live.connecting = n_sockets;
  for (guint i = 0; i < n_sockets; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", ws);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      if (i % 50 == 0)
        g_ptr_array_add (sessions, soup_session_new_with_options ("max-conns", 64,
                                                                  "max-conns-per-host", 64, NULL));
      soup_session_websocket_connect_async (g_ptr_array_index (sessions, sessions->len - 1), msg,
                                            NULL, NULL, G_PRIORITY_DEFAULT,
                                            NULL, connected_cb, &live);
    }
  timeout = g_timeout_add_seconds (20, give_up_cb, &live);
  g_main_loop_run (live.loop);
  if (live.connecting == 0)
    g_source_remove (timeout);
  fprintf (stderr, "live: %u sockets open, %u failed\n", live.sockets->len, live.failed);
  if (live.sockets->len != n_sockets)
    return 1;

  for (guint w = 0; w < n_writes; w++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *url = g_strdup_printf ("%s/notes/%s", base, uuid);
      g_autofree char *json = g_strdup_printf (body_template, w);
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
      g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

      soup_message_headers_replace (headers, "Authorization", auth);
      soup_message_headers_replace (headers, "If-None-Match", "*");
      soup_message_headers_replace (headers, "Idempotency-Key", key);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);

      live.waiting = n_sockets;
      live.sent_at = g_get_monotonic_time ();
      soup_session_send_and_read_async (writer, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      timeout = g_timeout_add_seconds (5, give_up_cb, &live);
      g_main_loop_run (live.loop);
      if (live.waiting == 0)
        g_source_remove (timeout);
      if (live.waiting != 0)
        {
          fprintf (stderr, "live: %u sockets not poked within 5 s\n", live.waiting);
          return 1;
        }
    }

  g_array_sort (live.latencies, compare_gint64);
  p50 = g_array_index (live.latencies, gint64, live.latencies->len / 2);
  p99 = g_array_index (live.latencies, gint64, (live.latencies->len * 99) / 100);
  max = g_array_index (live.latencies, gint64, live.latencies->len - 1);
  printf ("%.1f %.1f %.1f %.1f\n", p50 / 1000.0, p99 / 1000.0, max / 1000.0,
          rss_kib (server_pid) / 1024.0);
  return 0;
}

static void
raise_file_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (int    argc,
      char **argv)
{
  raise_file_limit ();

  if (argc == 6 && g_str_equal (argv[1], "writes"))
    return run_writes (argv[2], argv[3], g_ascii_strtod (argv[4], NULL), atoi (argv[5]));
  if (argc == 4 && g_str_equal (argv[1], "sqlite"))
    return run_sqlite (argv[2], g_ascii_strtod (argv[3], NULL));
  if (argc == 7 && g_str_equal (argv[1], "live"))
    return run_live (argv[2], argv[3], atoi (argv[4]), atoi (argv[5]), argv[6]);

  fprintf (stderr, "Usage: see the top of bench-server.c\n");
  return 2;
}

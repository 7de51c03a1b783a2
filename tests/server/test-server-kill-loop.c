/* test-server-kill-loop.c: 100 SIGKILLs under 50 concurrent writers lose
 * no acknowledged write, duplicate none, and leave a gap-free feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each writer creates a note and updates it a few times, then starts the
 * next, one request at a time, each with its own Idempotency-Key.  A write
 * that got no answer (the server died under it) is sent again, unchanged
 * and with the same key, to the restarted server, until it is answered:
 * that is what a client does.  The server is killed again and again after
 * a random number of answers.  At the end the change feed must hold
 * exactly the acknowledged writes, each once, with seqs 1, 2, 3, … and
 * the content each write sent, and the database must pass
 * PRAGMA integrity_check.
 *
 * POISE_KILL_ROUNDS sets the number of kills (default 100).
 */
#include "server-fixture.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define N_WRITERS          50
#define UPDATES_PER_RECORD 4
#define DEFAULT_ROUNDS     100
/* Answers between two kills: at random, 1 to this. */
#define MAX_ACKS_PER_ROUND 10

typedef struct _Run Run;

typedef struct {
  Run   *run;
  guint  id;
  guint  n_records;
  char  *uuid;       /* the record being written */
  gint64 rev;        /* its last acknowledged rev; 0 before it exists */
  char  *key;        /* the write in flight or to be retried */
  char  *body;       /* its note body */
  guint  generation; /* the server it was last sent to */
} Writer;

typedef struct {
  char  *uuid;
  gint64 rev;
  char  *body;
} Ack;

struct _Run {
  TestServer  *server;
  char        *dir;
  char        *token;
  SoupSession *session;
  GMainLoop   *loop;
  Writer       writers[N_WRITERS];
  GPtrArray   *acks;          /* Ack, every acknowledged write */
  guint        generation;    /* bumped by each restart */
  guint        rounds;
  guint        kills;
  guint        acks_this_round;
  guint        acks_before_kill;
  guint        retries;
  gboolean     finishing;     /* no new writes: only retries */
  guint        in_flight;
};

static void send_write (Writer *writer);

static void
ack_free (gpointer data)
{
  Ack *ack = data;

  g_free (ack->uuid);
  g_free (ack->body);
  g_free (ack);
}

static void
restart (Run *run)
{
  test_server_kill (run->server);
  g_free (run->server->dir);
  run->server->dir = NULL;
  test_server_free (run->server);
  run->server = test_server_start (run->dir);
  run->generation++;
}

/* The next write of @writer: a new note, or the next update of its note. */
static void
next_write (Writer *writer)
{
  g_clear_pointer (&writer->key, g_free);
  g_clear_pointer (&writer->body, g_free);
  if (writer->uuid == NULL || writer->rev > UPDATES_PER_RECORD)
    {
      g_free (writer->uuid);
      writer->uuid = test_uuid ();
      writer->rev = 0;
      writer->n_records++;
    }
  writer->key = test_uuid ();
  writer->body = g_strdup_printf ("writer %u, note %u, rev %" G_GINT64_FORMAT,
                                  writer->id, writer->n_records, writer->rev + 1);
}

static void
maybe_quit (Run *run)
{
  if (run->finishing && run->in_flight == 0)
    g_main_loop_quit (run->loop);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Writer *writer = user_data;
  Run *run = writer->run;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  guint status = bytes != NULL ? soup_message_get_status (msg) : 0;

  run->in_flight--;
  if (status == 200 || status == 201)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autoptr(JsonNode) json = json_from_string (text, NULL);
      Ack *ack = g_new0 (Ack, 1);
      gint64 rev;

      g_assert_nonnull (json);
      rev = json_object_get_int_member (json_node_get_object (json), "rev");
      /* A create is 201 and rev 1; an update the next rev. */
      g_assert_cmpint (rev, ==, writer->rev + 1);
      g_assert_cmpuint (status, ==, rev == 1 ? 201 : 200);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "body"), ==,
                       writer->body);
      writer->rev = rev;
      ack->uuid = g_strdup (writer->uuid);
      ack->rev = rev;
      ack->body = g_strdup (writer->body);
      g_ptr_array_add (run->acks, ack);

      if (run->finishing)
        {
          g_clear_pointer (&writer->key, g_free);
          maybe_quit (run);
          return;
        }
      next_write (writer);

      if (++run->acks_this_round >= run->acks_before_kill && run->generation == writer->generation)
        {
          if (run->kills == run->rounds)
            {
              /* Enough: the writes in flight finish, nothing new starts. */
              run->finishing = TRUE;
              maybe_quit (run);
              if (run->in_flight == 0)
                return;
            }
          else
            {
              restart (run);
              run->kills++;
              run->acks_this_round = 0;
              run->acks_before_kill = g_random_int_range (1, MAX_ACKS_PER_ROUND + 1);
            }
        }
      if (!run->finishing)
        send_write (writer);
      return;
    }

  /* No answer: the server died under it.  Anything else is a bug. */
  if (status != 0)
    g_error ("Unexpected status %u for writer %u: %.*s", status, writer->id,
             (int) g_bytes_get_size (bytes), (const char *) g_bytes_get_data (bytes, NULL));
  run->retries++;
  send_write (writer);
}

static void
send_write (Writer *writer)
{
  Run *run = writer->run;
  g_autofree char *url = g_strdup_printf ("%s/notes/%s", run->server->base, writer->uuid);
  g_autofree char *auth = g_strconcat ("Bearer ", run->token, NULL);
  g_autofree char *json = test_note_json ("C-kill", writer->body);
  g_autofree char *if_match = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", writer->rev);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_headers_replace (headers, "Authorization", auth);
  soup_message_headers_replace (headers, "Idempotency-Key", writer->key);
  if (writer->rev == 0)
    soup_message_headers_replace (headers, "If-None-Match", "*");
  else
    soup_message_headers_replace (headers, "If-Match", if_match);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  writer->generation = run->generation;
  run->in_flight++;
  soup_session_send_and_read_async (run->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, writer);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Run *run = user_data;

  g_error ("Timed out after %u of %u kills", run->kills, run->rounds);
  return G_SOURCE_REMOVE;
}

static void
check_integrity (const char *db)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

/* The whole feed, page by page, checking the seqs run 1, 2, 3, … */
static GPtrArray *
read_feed (Run *run)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=1000", since);
      g_autofree char *url = test_url (run->server, path);
      g_autoptr(TestReply) reply = test_request (run->session, "GET", url, run->token, NULL, NULL);
      JsonObject *page;
      JsonArray *list;

      g_assert_cmpuint (reply->status, ==, 200);
      page = json_node_get_object (reply->json);
      list = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *change = json_array_get_object_element (list, i);

          g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, changes->len + 1);
          g_ptr_array_add (changes, json_object_ref (change));
        }
      since = json_object_get_int_member (page, "last_seq");
      more = json_object_get_boolean_member (page, "more");
    }
  return changes;
}

static void
test_kill_loop (void)
{
  g_autoptr(GHashTable) feed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) last_rev = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) changes = NULL;
  const char *rounds = g_getenv ("POISE_KILL_ROUNDS");
  Run run = { 0 };
  guint timeout;

  run.rounds = rounds != NULL ? atoi (rounds) : DEFAULT_ROUNDS;
  g_assert_cmpuint (run.rounds, >, 0);
  run.server = test_server_start (NULL);
  run.dir = g_strdup (run.server->dir);
  run.token = test_server_add_user (run.server, "alice", "agent");
  run.session = soup_session_new_with_options ("max-conns", N_WRITERS * 2,
                                               "max-conns-per-host", N_WRITERS * 2,
                                               "timeout", 30, NULL);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.acks = g_ptr_array_new_with_free_func (ack_free);
  run.acks_before_kill = g_random_int_range (1, MAX_ACKS_PER_ROUND + 1);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      run.writers[i].run = &run;
      run.writers[i].id = i;
      next_write (&run.writers[i]);
      send_write (&run.writers[i]);
    }

  /* Generous: a round takes well under a second even under ASan on a
   * loaded machine; meson stops the test at 300 s. */
  timeout = g_timeout_add_seconds (200 + run.rounds, timeout_cb, &run);
  g_main_loop_run (run.loop);
  g_source_remove (timeout);

  g_test_message ("%u kills, %u acknowledged writes, %u sent again after a kill",
                  run.kills, run.acks->len, run.retries);
  g_assert_cmpuint (run.kills, ==, run.rounds);
  g_assert_cmpuint (run.in_flight, ==, 0);

  /* One more kill, so the last answers too were given before a crash. */
  restart (&run);

  /* Exactly the acknowledged writes, each once, with what was sent. */
  changes = read_feed (&run);
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      JsonObject *record = json_object_get_object_member (change, "record");
      char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                   json_object_get_string_member (change, "id"),
                                   json_object_get_int_member (change, "rev"));

      g_assert_false (json_object_get_boolean_member (change, "deleted"));
      /* No write is in the feed twice. */
      g_assert_true (g_hash_table_insert (feed, key, record));
    }
  for (guint i = 0; i < run.acks->len; i++)
    {
      Ack *ack = g_ptr_array_index (run.acks, i);
      g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, ack->uuid, ack->rev);
      JsonObject *record = g_hash_table_lookup (feed, key);

      g_assert_nonnull (record);
      g_assert_cmpstr (json_object_get_string_member (record, "body"), ==, ack->body);
      g_hash_table_insert (last_rev, ack->uuid, GINT_TO_POINTER (ack->rev));
    }
  /* Nothing unacknowledged either: every write sent was answered. */
  g_assert_cmpuint (changes->len, ==, run.acks->len);

  /* Each note reads as its last acknowledged rev. */
  {
    GHashTableIter iter;
    gpointer uuid, rev;
    guint n = 0;

    g_hash_table_iter_init (&iter, last_rev);
    while (g_hash_table_iter_next (&iter, &uuid, &rev))
      {
        g_autofree char *path = NULL;
        g_autofree char *url = NULL;
        g_autoptr(TestReply) reply = NULL;

        /* A sample: the feed check above already covers every write. */
        if (n++ % 10 != 0)
          continue;
        path = g_strdup_printf ("/notes/%s", (char *) uuid);
        url = test_url (run.server, path);
        reply = test_request (run.session, "GET", url, run.token, NULL, NULL);
        g_assert_cmpuint (reply->status, ==, 200);
        g_assert_cmpint (test_reply_int (reply, "rev"), ==, GPOINTER_TO_INT (rev));
      }
  }

  test_server_stop (run.server);
  check_integrity (run.server->db);
  test_server_free (run.server);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_free (run.writers[i].uuid);
      g_free (run.writers[i].key);
      g_free (run.writers[i].body);
    }
  g_ptr_array_unref (run.acks);
  g_main_loop_unref (run.loop);
  g_object_unref (run.session);
  g_free (run.token);
  g_free (run.dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kill/loop", test_kill_loop);
  return g_test_run ();
}

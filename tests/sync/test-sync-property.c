/* test-sync-property.c: random offline edits by three agents converge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three PoiseStores, one real poise-server for the whole run.  The store's
 * sync engine (poise-store-sync.h) is driven in-process over plain
 * synchronous HTTP, the way PoiseSyncClient drives it (push each outbox
 * entry: 2xx settle, 412 rebase, 403 refuse; then pull the change feed):
 * a full PoiseSyncClient run costs /me, /health and a debounce per sync,
 * and 1,000 schedules of those would not fit in a minute.
 *
 * A schedule (seeded GRand; the seed is printed, and
 * POISE_PROPERTY_SEED=N POISE_PROPERTY_SCHEDULES=1 repeats schedule N) makes
 * one note and one follow-up, syncs them to everyone, then does a few
 * random things offline: replace a random word of the note's body, set a
 * follow-up text field, delete either record, or sync one agent.  Each
 * edit writes a unique token.  Then everyone syncs until quiet, and:
 *   - all three stores hold the same live records (and conflicted copies)
 *     with equal content;
 *   - every token survives, in the record, a conflicted copy
 *     (conflict_of) or the follow-up's note ("Conflicting edit …"), unless
 *     the agent who overwrote or deleted it had it in their own copy.
 * POISE_PROPERTY_SCHEDULES sets the count (default 1,000, divided by
 * POISE_TEST_TIME_SCALE under the sanitizers; set it higher for long runs).
 */
#define G_LOG_DOMAIN "test-sync-property"

#include "poise-json-guard.h"
#include "poise-store-private.h"
#include "poise-store-sync.h"
#include "poise-sync-request-private.h"
#include "server-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define N_AGENTS 3

typedef struct {
  char       *name;
  char       *token;
  char       *dir;
  PoiseStore *store;
} Agent;

static TestServer *server;
static SoupSession *session;
static Agent agents[N_AGENTS];
/* Tokens overwritten or deleted by someone who had them. */
static GHashTable *excused;
static guint token_count;
/* What the schedules did, to show the run was not empty. */
static guint n_checked, n_copies;

/* HTTP */

static JsonNode *
request (Agent      *agent,
         const char *method,
         const char *path,
         JsonNode   *body,
         const char *key,
         gint64      if_match,
         guint      *status)
{
  static const PoiseJsonLimits limits = { 64 * 1024 * 1024, POISE_JSON_MAX_DEPTH };
  g_autofree char *url = g_strconcat (server->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autofree char *authorization = g_strconcat ("Bearer ", agent->token, NULL);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = NULL;
  JsonNode *root;

  soup_message_headers_replace (headers, "Authorization", authorization);
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (if_match > 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", if_match);

      soup_message_headers_replace (headers, "If-Match", etag);
    }
  else if (if_match == 0)
    soup_message_headers_replace (headers, "If-None-Match", "*");
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  root = poise_json_parse_guarded (reply, &limits, &error);
  g_assert_no_error (error);
  return root;
}

/* One push of the outbox, as PoiseSyncClient does it. */
static void
push (Agent *agent)
{
  for (guint round = 0; round < 8 && poise_store_get_pending (agent->store) > 0; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = poise_store_take_outbox (agent->store, 100, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < entries->len; i++)
        {
          PoiseOutboxEntry *entry = g_ptr_array_index (entries, i);
          g_autofree char *path = g_strdup_printf ("/%s/%s",
                                                   g_str_equal (entry->kind, POISE_SYNC_KIND_NOTE) ? "notes" : "followups",
                                                   entry->uuid);
          g_autoptr(JsonNode) reply = NULL;
          guint status;

          reply = request (agent, entry->record != NULL ? "PUT" : "DELETE", path, entry->record,
                           entry->idempotency_key, entry->base_rev > 0 ? entry->base_rev : 0, &status);
          if (status == 412)
            g_assert_true (poise_store_rebase_push (agent->store, entry,
                                                    json_object_get_member (json_node_get_object (reply), "current"),
                                                    &error));
          else if (status == 403)
            poise_store_refuse_push (agent->store, entry, &error);
          else
            {
              g_assert_cmpuint (status / 100, ==, 2);
              g_assert_true (poise_store_settle_push (agent->store, entry, reply, &error));
            }
          g_assert_no_error (error);
        }
    }
}

static void
pull (Agent *agent)
{
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(GError) error = NULL;
      gint64 cursor = poise_store_get_cursor (agent->store);
      g_autofree char *path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=1000", cursor);
      g_autoptr(JsonNode) reply = NULL;
      JsonArray *changes;
      gint64 last_seq;
      guint status;

      reply = request (agent, "GET", path, NULL, NULL, -1, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_true (_poise_sync_parse_changes_page (reply, cursor, &changes, &last_seq, &more));
      g_assert_true (poise_store_apply_changes (agent->store, changes, last_seq, POISE_DELETIONS_APPLY,
                                                NULL, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
agent_sync (Agent *agent)
{
  push (agent);
  pull (agent);
  push (agent);
}

static gint64
server_last_seq (void)
{
  g_autoptr(JsonNode) reply = NULL;
  guint status;

  reply = request (&agents[0], "GET", "/changes?since=0&limit=1", NULL, NULL, -1, &status);
  g_assert_cmpuint (status, ==, 200);
  if (!json_object_get_boolean_member (json_node_get_object (reply), "more"))
    return json_object_get_int_member (json_node_get_object (reply), "last_seq");
  /* More than one change: ask from far ahead of our cursor instead. */
  {
    gint64 seq = poise_store_get_cursor (agents[0].store);
    gboolean more = TRUE;

    while (more)
      {
        g_autofree char *path = g_strdup_printf ("/changes?since=%" G_GINT64_FORMAT "&limit=1000", seq);
        g_autoptr(JsonNode) page = request (&agents[0], "GET", path, NULL, NULL, -1, &status);

        more = json_object_get_boolean_member (json_node_get_object (page), "more");
        seq = json_object_get_int_member (json_node_get_object (page), "last_seq");
      }
    return seq;
  }
}

/* Everyone syncs until nobody has anything to push and all have pulled
 * everything. */
static void
sync_all (void)
{
  for (guint round = 0; round < 6; round++)
    {
      gboolean quiet = TRUE;
      gint64 last;

      for (guint i = 0; i < N_AGENTS; i++)
        agent_sync (&agents[i]);
      last = server_last_seq ();
      for (guint i = 0; i < N_AGENTS; i++)
        quiet = quiet && poise_store_get_pending (agents[i].store) == 0 &&
                poise_store_get_cursor (agents[i].store) == last;
      if (quiet)
        return;
    }
  g_error ("the agents did not settle after 6 rounds of sync");
}

/* Records */

static char *
new_token (guint schedule)
{
  return g_strdup_printf ("q%uz%uq", schedule, token_count++);
}

/* Excuses every token in @text (it was in the overwriting agent's copy). */
static void
excuse_tokens (const char *text)
{
  const char *p = text;

  while (p != NULL && (p = strchr (p, 'q')) != NULL)
    {
      const char *end = strchr (p + 1, 'q');
      guint a, b;

      if (end != NULL && sscanf (p, "q%uz%uq", &a, &b) == 2)
        {
          g_hash_table_add (excused, g_strndup (p, end - p + 1));
          p = end + 1;
        }
      else
        p++;
    }
}

static void
edit_note (Agent      *agent,
           const char *uuid,
           GRand      *rand,
           GPtrArray  *tokens,
           guint       schedule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseNote) note = poise_store_get_note (agent->store, uuid, NULL);
  g_auto(GStrv) words = NULL;
  g_autofree char *body = NULL;
  char *token;
  guint n, k;

  if (note == NULL)
    return;
  words = g_strsplit (poise_note_get_body (note), " ", -1);
  n = g_strv_length (words);
  k = g_rand_int_range (rand, 0, n);
  token = new_token (schedule);
  excuse_tokens (words[k]);
  g_free (words[k]);
  words[k] = token;
  g_ptr_array_add (tokens, g_strdup (token));
  body = g_strjoinv (" ", words);
  poise_note_set_body (note, body);
  g_assert_true (poise_store_save_note (agent->store, note, &error));
  g_assert_no_error (error);
}

static void
edit_follow_up (Agent      *agent,
                const char *uuid,
                GRand      *rand,
                GPtrArray  *tokens,
                guint       schedule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseFollowUp) follow_up = poise_store_get_follow_up (agent->store, uuid, NULL);
  char *token;

  if (follow_up == NULL)
    return;
  token = new_token (schedule);
  g_ptr_array_add (tokens, token);
  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      excuse_tokens (poise_follow_up_get_promise (follow_up));
      poise_follow_up_set_promise (follow_up, token);
      break;
    case 1:
      excuse_tokens (poise_follow_up_get_contact (follow_up));
      poise_follow_up_set_contact (follow_up, token);
      break;
    default:
      excuse_tokens (poise_follow_up_get_customer_name (follow_up));
      poise_follow_up_set_customer_name (follow_up, token);
      break;
    }
  g_assert_true (poise_store_update_follow_up (agent->store, follow_up, &error));
  g_assert_no_error (error);
}

static void
delete_record (Agent      *agent,
               const char *note_uuid,
               const char *follow_up_uuid,
               gboolean    note)
{
  g_autoptr(PoiseNote) old_note = NULL;
  g_autoptr(PoiseFollowUp) old_follow_up = NULL;

  if (note)
    {
      g_autoptr(PoiseNote) current = poise_store_get_note (agent->store, note_uuid, NULL);

      if (current == NULL)
        return;
      excuse_tokens (poise_note_get_body (current));
      old_note = poise_store_delete_note (agent->store, note_uuid, NULL);
      g_assert_nonnull (old_note);
    }
  else
    {
      g_autoptr(PoiseFollowUp) current = poise_store_get_follow_up (agent->store, follow_up_uuid, NULL);
      g_autoptr(JsonNode) json = NULL;
      g_autofree char *text = NULL;

      if (current == NULL)
        return;
      json = poise_follow_up_to_json (current);
      text = json_to_string (json, FALSE);
      excuse_tokens (text);
      old_follow_up = poise_store_delete_follow_up (agent->store, follow_up_uuid, NULL);
      g_assert_nonnull (old_follow_up);
    }
}

/* Every record of the schedule in @agent's store as JSON text, by UUID:
 * the note, its conflicted copies and the follow-up. */
static GHashTable *
snapshot (Agent      *agent,
          const char *note_uuid,
          const char *follow_up_uuid)
{
  GHashTable *records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(PoiseFollowUp) follow_up = poise_store_get_follow_up (agent->store, follow_up_uuid, NULL);
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (agent->store,
                                     "SELECT uuid FROM notes WHERE uuid = ?1 OR conflict_of = ?1", NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, note_uuid, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);

  for (guint i = 0; i < uuids->len; i++)
    {
      g_autoptr(PoiseNote) note = poise_store_get_note (agent->store, g_ptr_array_index (uuids, i), NULL);
      g_autoptr(JsonNode) json = NULL;

      g_assert_nonnull (note);
      json = poise_note_to_json (note);
      g_hash_table_insert (records, g_strdup (g_ptr_array_index (uuids, i)), json_to_string (json, FALSE));
    }
  if (follow_up != NULL)
    {
      g_autoptr(JsonNode) json = poise_follow_up_to_json (follow_up);

      g_hash_table_insert (records, g_strdup (follow_up_uuid), json_to_string (json, FALSE));
    }
  return records;
}

static gboolean
run_schedule (guint seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PoiseNote) note = poise_note_new ();
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) first = NULL;
  g_autofree char *note_uuid = NULL;
  g_autofree char *follow_up_uuid = NULL;
  g_autofree char *all = NULL;
  GString *everything = g_string_new (NULL);
  Agent *creator = &agents[g_rand_int_range (rand, 0, N_AGENTS)];
  guint n_ops = g_rand_int_range (rand, 1, 5);
  GHashTableIter iter;
  gpointer key, value;

  poise_note_set_customer_ref (note, "P-1");
  poise_note_set_body (note, "one two three four five six seven eight");
  g_assert_true (poise_store_save_note (creator->store, note, &error));
  note_uuid = g_strdup (poise_note_get_uuid (note));
  poise_follow_up_set_customer_name (follow_up, "Ann");
  poise_follow_up_set_promise (follow_up, "Call back");
  poise_follow_up_set_contact (follow_up, "ann@example.com");
  g_assert_true (poise_store_insert_follow_up (creator->store, follow_up, &error));
  g_assert_no_error (error);
  follow_up_uuid = g_strdup (poise_follow_up_get_uuid (follow_up));
  sync_all ();

  for (guint op = 0; op < n_ops; op++)
    {
      Agent *agent = &agents[g_rand_int_range (rand, 0, N_AGENTS)];

      switch (g_rand_int_range (rand, 0, 10))
        {
        case 0: case 1: case 2:
          edit_note (agent, note_uuid, rand, tokens, seed);
          break;
        case 3: case 4: case 5:
          edit_follow_up (agent, follow_up_uuid, rand, tokens, seed);
          break;
        case 6:
          delete_record (agent, note_uuid, follow_up_uuid, g_rand_boolean (rand));
          break;
        default:
          agent_sync (agent);   /* one agent reconnects mid-schedule */
          break;
        }
    }
  sync_all ();

  /* Convergence. */
  first = snapshot (&agents[0], note_uuid, follow_up_uuid);
  for (guint i = 1; i < N_AGENTS; i++)
    {
      g_autoptr(GHashTable) other = snapshot (&agents[i], note_uuid, follow_up_uuid);

      if (g_hash_table_size (other) != g_hash_table_size (first))
        {
          g_test_message ("schedule %u: %s has %u records, %s %u", seed, agents[0].name,
                          g_hash_table_size (first), agents[i].name, g_hash_table_size (other));
          g_string_free (everything, TRUE);
          return FALSE;
        }
      g_hash_table_iter_init (&iter, first);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_strcmp0 (value, g_hash_table_lookup (other, key)) != 0)
          {
            g_test_message ("schedule %u: %s differs:\n  %s\n  %s", seed, (char *) key,
                            (char *) value, (char *) g_hash_table_lookup (other, key));
            g_string_free (everything, TRUE);
            return FALSE;
          }
    }

  n_copies += g_hash_table_size (first) - (g_hash_table_contains (first, follow_up_uuid) ? 1 : 0) -
              (g_hash_table_contains (first, note_uuid) ? 1 : 0);

  /* Every edit survives somewhere, unless knowingly overwritten. */
  g_hash_table_iter_init (&iter, first);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_string_append (everything, value);
  all = g_string_free (everything, FALSE);
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);

      if (g_hash_table_contains (excused, token))
        continue;
      n_checked++;
      if (strstr (all, token) == NULL)
        {
          g_test_message ("schedule %u: the edit %s is lost; records: %s", seed, token, all);
          return FALSE;
        }
    }
  return TRUE;
}

static void
test_property (void)
{
  /* The sanitizer pass (POISE_TEST_TIME_SCALE=3) runs a third: the
   * sanitized poise-server is what takes the time. */
  guint n = g_getenv ("POISE_PROPERTY_SCHEDULES") != NULL
            ? g_ascii_strtoull (g_getenv ("POISE_PROPERTY_SCHEDULES"), NULL, 10)
            : 1000 / test_time_scale ();
  guint base = g_getenv ("POISE_PROPERTY_SEED") != NULL
               ? g_ascii_strtoull (g_getenv ("POISE_PROPERTY_SEED"), NULL, 10)
               : (guint) g_test_rand_int_range (0, G_MAXINT / 2);
  guint failed = 0;

  g_test_message ("POISE_PROPERTY_SEED=%u, %u schedules (schedule i uses seed %u + i)", base, n, base);
  for (guint i = 0; i < n; i++)
    if (!run_schedule (base + i))
      {
        g_test_message ("repeat with POISE_PROPERTY_SEED=%u POISE_PROPERTY_SCHEDULES=1", base + i);
        failed++;
        break;
      }
  g_test_message ("%u edits, %u checked (the rest overwritten or deleted by someone who had "
                  "them), %u conflicted copies", token_count, n_checked, n_copies);
  g_assert_cmpuint (failed, ==, 0);
  /* Random schedules that never edit would prove nothing. */
  if (n >= 100)
    g_assert_cmpuint (n_checked, >, n / 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-property/converge", test_property);

  server = test_server_start (NULL);
  session = soup_session_new ();
  excused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < N_AGENTS; i++)
    {
      static const char *names[N_AGENTS] = { "ana", "ben", "cleo" };
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) health = NULL;
      g_autofree char *path = NULL;
      guint status_code;

      agents[i].name = g_strdup (names[i]);
      agents[i].token = test_server_add_user (server, names[i], "supervisor");
      agents[i].dir = g_dir_make_tmp ("poise-property-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (agents[i].dir, "poise.db", NULL);
      agents[i].store = poise_store_new (path, &error);
      g_assert_no_error (error);
      poise_store_set_owner (agents[i].store, names[i]);
      health = request (&agents[i], "GET", "/health", NULL, NULL, -1, &status_code);
      g_assert_true (poise_store_check_epoch (agents[i].store, server->base,
                                              json_object_get_string_member (json_node_get_object (health), "epoch"),
                                              NULL, &error));
      g_assert_no_error (error);
    }

  status = g_test_run ();

  for (guint i = 0; i < N_AGENTS; i++)
    {
      g_autofree char *db = g_build_filename (agents[i].dir, "poise.db", NULL);
      g_autofree char *wal = g_strconcat (db, "-wal", NULL);
      g_autofree char *shm = g_strconcat (db, "-shm", NULL);

      g_clear_object (&agents[i].store);
      g_unlink (db);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (agents[i].dir);
      g_free (agents[i].dir);
      g_free (agents[i].name);
      g_free (agents[i].token);
    }
  g_hash_table_unref (excused);
  g_object_unref (session);
  test_server_stop (server);
  test_server_free (server);
  return status;
}

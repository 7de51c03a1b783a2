/* test-store.c: the SQLite store: CRUD, state, migrations, refusals, 10,000 rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store"

#include "poise-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("poise-store-XXXXXX", &error);
  g_assert_no_error (error);
  /* A folder that does not exist yet: the store creates it. */
  fixture->path = g_build_filename (fixture->dir, "poise", "poise.db", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static GDateTime *
utc (const char *iso)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (iso, tz);
}

static PoiseFollowUp *
make_follow_up (const char *name,
                const char *due_iso)
{
  g_autoptr(GDateTime) due = utc (due_iso);
  PoiseFollowUp *follow_up = poise_follow_up_new ();

  poise_follow_up_set_customer_name (follow_up, name);
  poise_follow_up_set_due_at (follow_up, due);
  return follow_up;
}

static char *
to_text (PoiseFollowUp *follow_up)
{
  g_autoptr(JsonNode) node = poise_follow_up_to_json (follow_up);

  return json_to_string (node, FALSE);
}

static void
assert_same (PoiseFollowUp *a,
             PoiseFollowUp *b)
{
  g_autofree char *text_a = to_text (a);
  g_autofree char *text_b = to_text (b);

  g_assert_cmpstr (text_a, ==, text_b);
}

static void
count_changed_cb (PoiseStore *store,
                  const char *uuid,
                  guint      *count)
{
  g_assert_true (g_uuid_string_is_valid (uuid));
  (*count)++;
}

static guint
list_length (GListStore *list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(PoiseFollowUp) follow_up = make_follow_up ("Jördis Ünal", "2026-11-27T09:00:00Z");
  g_autoptr(PoiseFollowUp) loaded = NULL;
  g_autoptr(PoiseFollowUp) deleted = NULL;
  g_autoptr(GDateTime) later = utc ("2026-11-27T10:00:00Z");
  g_autofree char *uuid = g_strdup (poise_follow_up_get_uuid (follow_up));
  guint changed = 0;

  g_assert_no_error (error);
  g_assert_cmpint (poise_store_get_schema_version (store), ==, POISE_STORE_SCHEMA_VERSION);
  g_signal_connect (store, "changed", G_CALLBACK (count_changed_cb), &changed);

  poise_follow_up_set_customer_ref (follow_up, "ORD-4711");
  poise_follow_up_set_contact (follow_up, "joerdis@example.org");
  poise_follow_up_set_channel (follow_up, POISE_CHANNEL_EMAIL);
  poise_follow_up_set_promise (follow_up, "I'll call you by Friday.");
  poise_follow_up_set_cancel_on_reply (follow_up, TRUE);
  poise_follow_up_set_note (follow_up, "Carrier: DHL");
  poise_follow_up_set_assignee (follow_up, "kim");

  g_assert_true (poise_store_insert_follow_up (store, follow_up, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  /* The same UUID twice is refused, not copied. */
  g_assert_false (poise_store_insert_follow_up (store, follow_up, &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 1);

  loaded = poise_store_get_follow_up (store, uuid, &error);
  g_assert_no_error (error);
  assert_same (follow_up, loaded);

  /* Update: every field is saved, updated-at moves. */
  poise_follow_up_set_note (loaded, NULL);
  poise_follow_up_set_status (loaded, POISE_FOLLOW_UP_STATUS_CANCELLED);
  poise_follow_up_set_updated_at (loaded, poise_follow_up_get_created_at (loaded));
  g_assert_true (poise_store_update_follow_up (store, loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 2);
  g_clear_object (&follow_up);
  follow_up = poise_store_get_follow_up (store, uuid, &error);
  g_assert_no_error (error);
  assert_same (follow_up, loaded);
  g_assert_null (poise_follow_up_get_note (follow_up));
  g_assert_cmpint (poise_follow_up_get_status (follow_up), ==, POISE_FOLLOW_UP_STATUS_CANCELLED);

  /* Snooze reopens and moves the due time; done closes. */
  g_assert_true (poise_store_snooze (store, uuid, later, &error));
  g_assert_no_error (error);
  g_clear_object (&follow_up);
  follow_up = poise_store_get_follow_up (store, uuid, &error);
  g_assert_true (g_date_time_equal (poise_follow_up_get_due_at (follow_up), later));
  g_assert_cmpint (poise_follow_up_get_status (follow_up), ==, POISE_FOLLOW_UP_STATUS_OPEN);
  g_assert_true (poise_store_mark_done (store, uuid, &error));
  g_assert_no_error (error);
  g_clear_object (&follow_up);
  follow_up = poise_store_get_follow_up (store, uuid, &error);
  g_assert_cmpint (poise_follow_up_get_status (follow_up), ==, POISE_FOLLOW_UP_STATUS_DONE);
  g_assert_cmpuint (changed, ==, 4);

  /* Delete hands back the row; restore puts it back unchanged. */
  deleted = poise_store_delete_follow_up (store, uuid, &error);
  g_assert_no_error (error);
  assert_same (follow_up, deleted);
  g_clear_object (&loaded);
  loaded = poise_store_get_follow_up (store, uuid, &error);
  g_assert_null (loaded);
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (poise_store_delete_follow_up (store, uuid, &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (poise_store_restore_follow_up (store, deleted, &error));
  g_assert_no_error (error);
  loaded = poise_store_get_follow_up (store, uuid, &error);
  g_assert_no_error (error);
  assert_same (deleted, loaded);
  g_assert_cmpuint (changed, ==, 6);

  /* Writes to a follow-up that is gone say so. */
  g_assert_false (poise_store_mark_done (store, "0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60", &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&follow_up);
  follow_up = make_follow_up ("Nobody", "2026-01-01T00:00:00Z");
  g_assert_false (poise_store_update_follow_up (store, follow_up, &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (changed, ==, 6);
}

static void
test_persists (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(PoiseFollowUp) follow_up = make_follow_up ("Ada", "2026-05-04T12:00:00Z");
  g_autoptr(PoiseFollowUp) loaded = NULL;

  g_assert_no_error (error);
  g_assert_true (poise_store_insert_follow_up (store, follow_up, &error));
  g_clear_object (&store);

  store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  loaded = poise_store_get_follow_up (store, poise_follow_up_get_uuid (follow_up), &error);
  g_assert_no_error (error);
  assert_same (follow_up, loaded);
}

static void
test_queries (Fixture       *fixture,
              gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *ref;
    const char *due;
    PoiseFollowUpStatus status;
  } rows[] = {
    { "Jördis Ünal", "ORD-1", "2026-01-01T09:00:00Z", POISE_FOLLOW_UP_STATUS_OPEN },
    { "Ada Lovelace", "ORD-2", "2026-01-01T08:00:00Z", POISE_FOLLOW_UP_STATUS_OPEN },
    { "Grace Hopper", "TICKET-9", "2026-01-02T09:00:00Z", POISE_FOLLOW_UP_STATUS_OPEN },
    { "Alan Turing", "ORD-3", "2025-12-31T09:00:00Z", POISE_FOLLOW_UP_STATUS_DONE },
    { "Edsger Dijkstra", "ORD-4", "2025-12-30T09:00:00Z", POISE_FOLLOW_UP_STATUS_CANCELLED },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(GPtrArray) follow_ups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GDateTime) t = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(PoiseFollowUp) first = NULL;
  guint count = 0;

  g_assert_no_error (error);

  /* Empty store: nothing due, nothing next. */
  t = utc ("2030-01-01T00:00:00Z");
  g_assert_true (poise_store_get_next_due (store, NULL, &next, &error));
  g_assert_null (next);
  g_assert_true (poise_store_count_open_due (store, t, &count, &error));
  g_assert_cmpuint (count, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      PoiseFollowUp *follow_up = make_follow_up (rows[i].name, rows[i].due);

      poise_follow_up_set_customer_ref (follow_up, rows[i].ref);
      poise_follow_up_set_status (follow_up, rows[i].status);
      g_ptr_array_add (follow_ups, follow_up);
    }
  poise_follow_up_set_promise (g_ptr_array_index (follow_ups, 2), "Send the replacement part");
  poise_follow_up_set_note (g_ptr_array_index (follow_ups, 1), "Prefers email");
  g_assert_true (poise_store_insert_follow_ups (store, follow_ups, &error));
  g_assert_no_error (error);

  list = poise_store_list_follow_ups (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list_length (list), ==, 5);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (poise_follow_up_get_customer_name (first), ==, "Edsger Dijkstra");
  g_clear_object (&first);
  g_clear_object (&list);

  list = poise_store_list_by_status (store, POISE_FOLLOW_UP_STATUS_OPEN, &error);
  g_assert_cmpuint (list_length (list), ==, 3);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (poise_follow_up_get_customer_name (first), ==, "Ada Lovelace");
  g_clear_object (&first);
  g_clear_object (&list);
  list = poise_store_list_by_status (store, POISE_FOLLOW_UP_STATUS_DONE, &error);
  g_assert_cmpuint (list_length (list), ==, 1);
  g_clear_object (&list);

  /* Due before: open only, inclusive. */
  g_clear_pointer (&t, g_date_time_unref);
  t = utc ("2026-01-01T09:00:00Z");
  list = poise_store_list_open_due_before (store, t, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list_length (list), ==, 2);
  g_clear_object (&list);
  g_assert_true (poise_store_count_open_due (store, t, &count, &error));
  g_assert_cmpuint (count, ==, 2);

  /* Next due: the earliest open one, optionally strictly after a time. */
  g_assert_true (poise_store_get_next_due (store, NULL, &next, &error));
  g_assert_nonnull (next);
  {
    g_autofree char *text = g_date_time_format_iso8601 (next);

    g_assert_cmpstr (text, ==, "2026-01-01T08:00:00Z");
  }
  g_clear_pointer (&next, g_date_time_unref);
  g_assert_true (poise_store_get_next_due (store, t, &next, &error));
  g_assert_true (g_date_time_to_unix (next) == g_date_time_to_unix (t) + 24 * 3600);
  g_clear_pointer (&next, g_date_time_unref);

  /* Search: words across name, ref, promise and note; case and accents ignored. */
  list = poise_store_search_follow_ups (store, "jordis", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list_length (list), ==, 1);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "ord", &error);
  g_assert_cmpuint (list_length (list), ==, 4);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "REPLACEMENT grace", &error);
  g_assert_cmpuint (list_length (list), ==, 1);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "email ada", &error);
  g_assert_cmpuint (list_length (list), ==, 1);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "lovelace ticket", &error);
  g_assert_cmpuint (list_length (list), ==, 0);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "100%_", &error);
  g_assert_cmpuint (list_length (list), ==, 0);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "  ", &error);
  g_assert_cmpuint (list_length (list), ==, 5);
}

static void
test_batch_all_or_nothing (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(GPtrArray) follow_ups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) list = NULL;
  PoiseFollowUp *twice = make_follow_up ("Twice", "2026-01-01T00:00:00Z");

  g_ptr_array_add (follow_ups, make_follow_up ("One", "2026-01-01T00:00:00Z"));
  g_ptr_array_add (follow_ups, twice);
  g_ptr_array_add (follow_ups, g_object_ref (twice));

  g_assert_false (poise_store_insert_follow_ups (store, follow_ups, &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_EXISTS);
  list = poise_store_list_follow_ups (store, NULL);
  g_assert_cmpuint (list_length (list), ==, 0);
}

static void
test_state (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(JsonNode) value = json_from_string ("{\"version\":1,\"scenario_id\":\"late\","
                                                "\"values\":{\"name\":\"Jördis\"}}", NULL);
  g_autoptr(JsonNode) loaded = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  loaded = poise_store_get_state (store, "conversation", &error);
  g_assert_no_error (error);
  g_assert_null (loaded);

  g_assert_true (poise_store_set_state (store, "conversation", value, &error));
  g_assert_no_error (error);
  g_assert_true (poise_store_set_state (store, "conversation", value, &error));
  g_clear_object (&store);

  store = poise_store_new (fixture->path, &error);
  loaded = poise_store_get_state (store, "conversation", &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (value, loaded));
  g_clear_pointer (&loaded, json_node_unref);

  g_assert_true (poise_store_set_state (store, "conversation", NULL, &error));
  loaded = poise_store_get_state (store, "conversation", &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
}

/* Schema 1 exactly as the first Poise with a store wrote it. */
static const char schema_1[] =
  "CREATE TABLE follow_ups ("
  "  uuid            TEXT PRIMARY KEY NOT NULL,"
  "  customer_name   TEXT,"
  "  customer_ref    TEXT,"
  "  contact         TEXT,"
  "  channel         TEXT NOT NULL CHECK (channel IN ('call', 'email', 'chat')),"
  "  promise         TEXT,"
  "  due_at          INTEGER NOT NULL,"
  "  cancel_on_reply INTEGER NOT NULL DEFAULT 0 CHECK (cancel_on_reply IN (0, 1)),"
  "  status          TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),"
  "  created_at      INTEGER NOT NULL,"
  "  updated_at      INTEGER NOT NULL,"
  "  note            TEXT"
  ");"
  "CREATE INDEX follow_ups_due_at ON follow_ups (due_at);"
  "CREATE TABLE state ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL"
  ");"
  "INSERT INTO follow_ups VALUES ('0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60', 'Ada', 'ORD-1', "
  "  'ada@example.org', 'email', 'Call back', 1767254400, 1, 'open', 1767250000, 1767250000, "
  "  'old note');"
  "INSERT INTO state VALUES ('conversation', '{\"version\":1}');"
  "PRAGMA user_version = 1;";

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);
}

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
test_migrate_from_1 (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = NULL;
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *index = NULL;
  g_autofree char *mode = NULL;

  g_mkdir_with_parents (dir, 0700);
  exec_sql (fixture->path, schema_1);

  store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poise_store_get_schema_version (store), ==, POISE_STORE_SCHEMA_VERSION);

  follow_up = poise_store_get_follow_up (store, "0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (poise_follow_up_get_customer_name (follow_up), ==, "Ada");
  g_assert_cmpstr (poise_follow_up_get_note (follow_up), ==, "old note");
  g_assert_cmpint (poise_follow_up_get_channel (follow_up), ==, POISE_CHANNEL_EMAIL);
  g_assert_true (poise_follow_up_get_cancel_on_reply (follow_up));
  g_assert_null (poise_follow_up_get_assignee (follow_up));
  state = poise_store_get_state (store, "conversation", &error);
  g_assert_no_error (error);
  g_assert_nonnull (state);

  /* The new column works, and the new index replaced the old one. */
  poise_follow_up_set_assignee (follow_up, "kim");
  g_assert_true (poise_store_update_follow_up (store, follow_up, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  index = query_text (fixture->path, "SELECT group_concat(name) FROM sqlite_master "
                      "WHERE type = 'index' AND name LIKE 'follow_ups_%'");
  g_assert_cmpstr (index, ==, "follow_ups_status_due_at");
  mode = query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  /* And it opens again without migrating anything. */
  store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_object (&follow_up);
  follow_up = poise_store_get_follow_up (store, "0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60", &error);
  g_assert_cmpstr (poise_follow_up_get_assignee (follow_up), ==, "kim");
}

static void
assert_refused_untouched (const char *path,
                          int         code,
                          const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  store = poise_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, POISE_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, message_part));
  g_test_message ("%s", error->message);

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_newer_schema (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);

  g_mkdir_with_parents (dir, 0700);
  exec_sql (fixture->path, "CREATE TABLE future (x); PRAGMA user_version = 99;");
  assert_refused_untouched (fixture->path, POISE_STORE_ERROR_TOO_NEW, "unchanged");
}

static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);

  g_mkdir_with_parents (dir, 0700);

  /* Not a database at all. */
  for (guint i = 0; i < 2000; i++)
    g_string_append (garbage, "not a database, just text; ");
  g_assert_true (g_file_set_contents (fixture->path, garbage->str, garbage->len, NULL));
  assert_refused_untouched (fixture->path, POISE_STORE_ERROR_DAMAGED, "move it aside");

  /* A real store with its table pages overwritten. */
  g_unlink (fixture->path);
  store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(PoiseFollowUp) follow_up = make_follow_up ("Ada", "2026-01-01T00:00:00Z");

      poise_follow_up_set_note (follow_up, garbage->str);
      g_assert_true (poise_store_insert_follow_up (store, follow_up, &error));
    }
  g_clear_object (&store);
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
    g_assert_cmpuint (length, >, 3 * 4096);
    /* Keep page 1 (header and schema), scramble the pages of the tables. */
    for (gsize i = 4096; i < length; i += 7)
      contents[i] = (char) (i * 31);
    g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));
  }
  assert_refused_untouched (fixture->path, POISE_STORE_ERROR_DAMAGED, "damaged");
}

static void
test_cannot_open (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (fixture->dir, "file", NULL);
  g_autofree char *path = g_build_filename (blocker, "poise.db", NULL);
  g_autoptr(PoiseStore) store = NULL;

  /* The parent "folder" is a file. */
  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  store = poise_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_OPEN);
}

static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = poise_store_new (fixture->path, &error);
  g_autoptr(GPtrArray) follow_ups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) base = utc ("2026-01-01T00:00:00Z");
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GListStore) list = NULL;
  gint64 start;
  guint count;

  g_assert_no_error (error);
  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GDateTime) due = g_date_time_add_minutes (base, (i * 7919) % 10000);
      PoiseFollowUp *follow_up = poise_follow_up_new ();
      g_autofree char *name = g_strdup_printf ("Customer %u", i);

      poise_follow_up_set_customer_name (follow_up, name);
      poise_follow_up_set_due_at (follow_up, due);
      if (i % 3 == 0)
        poise_follow_up_set_status (follow_up, POISE_FOLLOW_UP_STATUS_DONE);
      g_ptr_array_add (follow_ups, follow_up);
    }

  start = g_get_monotonic_time ();
  g_assert_true (poise_store_insert_follow_ups (store, follow_ups, &error));
  g_assert_no_error (error);
  g_test_message ("insert 10,000 in one transaction: %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);

  g_clear_object (&store);
  store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  list = poise_store_list_follow_ups (store, &error);
  g_assert_no_error (error);
  g_test_message ("list 10,000: %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (list_length (list), ==, 10000);
  for (guint i = 1; i < 10000; i++)
    {
      g_autoptr(PoiseFollowUp) a = g_list_model_get_item (G_LIST_MODEL (list), i - 1);
      g_autoptr(PoiseFollowUp) b = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (g_date_time_compare (poise_follow_up_get_due_at (a),
                                            poise_follow_up_get_due_at (b)), <=, 0);
    }

  /* The earliest open due time, against a plain scan. */
  g_assert_true (poise_store_get_next_due (store, NULL, &next, &error));
  {
    gint64 min = G_MAXINT64;

    for (guint i = 0; i < follow_ups->len; i++)
      {
        PoiseFollowUp *follow_up = g_ptr_array_index (follow_ups, i);

        if (poise_follow_up_get_status (follow_up) == POISE_FOLLOW_UP_STATUS_OPEN)
          min = MIN (min, g_date_time_to_unix (poise_follow_up_get_due_at (follow_up)));
      }
    g_assert_cmpint (g_date_time_to_unix (next), ==, min);
  }

  now = g_date_time_add_minutes (base, 5000);
  g_assert_true (poise_store_count_open_due (store, now, &count, &error));
  g_assert_cmpuint (count, >, 3000);
  g_assert_cmpuint (count, <, 3400);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/crud", test_crud);
  ADD ("/store/persists", test_persists);
  ADD ("/store/queries", test_queries);
  ADD ("/store/batch-all-or-nothing", test_batch_all_or_nothing);
  ADD ("/store/state", test_state);
  ADD ("/store/migrate-from-1", test_migrate_from_1);
  ADD ("/store/newer-schema", test_newer_schema);
  ADD ("/store/damaged", test_damaged);
  ADD ("/store/cannot-open", test_cannot_open);
  ADD ("/store/10000", test_many);

#undef ADD

  return g_test_run ();
}

/* test-store-sync.c: the store's half of the sync, without a network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server's answers are written by hand here, as docs/sync.md says
 * they look; tests/sync runs the same paths against the real server.
 */
#define G_LOG_DOMAIN "test-store-sync"

#include "poise-store-sync.h"

#include <glib/gstdio.h>

typedef struct {
  char       *dir;
  char       *path;
  PoiseStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean reset = FALSE;

  fixture->dir = g_dir_make_tmp ("poise-store-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "poise.db", NULL);
  fixture->store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (poise_store_check_epoch (fixture->store, "http://127.0.0.1:1/", "epoch-1",
                                          &reset, &error));
  g_assert_true (reset);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_assert_finalize_object (fixture->store);
  g_unlink (fixture->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

/* The note's JSON as the server would store it. */
static JsonNode *
server_note (PoiseNote  *note,
             gint64      rev,
             const char *body)
{
  JsonNode *node = poise_note_to_json (note);
  JsonObject *object = json_node_get_object (node);

  json_object_set_int_member (object, "rev", rev);
  json_object_set_string_member (object, "author", "ana");
  json_object_set_string_member (object, "updated_by", "ben");
  if (body != NULL)
    json_object_set_string_member (object, "body", body);
  return node;
}

static JsonNode *
tombstone (const char *uuid,
           gint64      rev)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "rev");
  json_builder_add_int_value (builder, rev);
  json_builder_set_member_name (builder, "deleted");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* One change of the feed. */
static void
add_change (JsonArray  *changes,
            const char *kind,
            const char *uuid,
            gint64      rev,
            JsonNode   *record)
{
  JsonObject *change = json_object_new ();

  json_object_set_int_member (change, "seq", json_array_get_length (changes) + 1);
  json_object_set_string_member (change, "kind", kind);
  json_object_set_string_member (change, "id", uuid);
  json_object_set_int_member (change, "rev", rev);
  json_object_set_boolean_member (change, "deleted", record == NULL);
  if (record != NULL)
    json_object_set_member (change, "record", record);
  else
    json_object_set_null_member (change, "record");
  json_array_add_object_element (changes, change);
}

static PoiseOutboxEntry *
take_one (PoiseStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = poise_store_take_outbox (store, 100, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  return g_ptr_array_steal_index (entries, 0);
}

/* Saves a note and pushes it: rev 1 on the server. */
static PoiseNote *
synced_note (PoiseStore *store,
             const char *body)
{
  g_autoptr(PoiseNote) note = poise_note_new ();
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;

  poise_note_set_customer_ref (note, "T-1");
  poise_note_set_body (note, body);
  g_assert_true (poise_store_save_note (store, note, &error));
  entry = take_one (store);
  response = server_note (note, 1, NULL);
  g_assert_true (poise_store_settle_push (store, entry, response, &error));
  g_assert_no_error (error);
  return poise_store_get_note (store, poise_note_get_uuid (note), &error);
}

static void
test_push_settle (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PoiseNote) note = poise_note_new ();
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(PoiseOutboxEntry) again = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;

  poise_note_set_body (note, "first");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);

  entry = take_one (fixture->store);
  g_assert_cmpstr (entry->kind, ==, POISE_SYNC_KIND_NOTE);
  g_assert_cmpint (entry->base_rev, ==, 0);
  g_assert_nonnull (entry->record);
  g_assert_true (g_uuid_string_is_valid (entry->idempotency_key));

  /* Edited while the push was on its way: the row stays, with a new key. */
  poise_note_set_body (note, "second");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  response = server_note (note, 1, "first");
  g_assert_true (poise_store_settle_push (fixture->store, entry, response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);

  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "second");
  g_assert_cmpint (poise_note_get_rev (read), ==, 1);
  g_assert_cmpstr (poise_note_get_author (read), ==, "ana");

  again = take_one (fixture->store);
  g_assert_cmpint (again->base_rev, ==, 1);
  g_assert_cmpstr (again->idempotency_key, !=, entry->idempotency_key);
  g_clear_pointer (&response, json_node_unref);
  response = server_note (note, 2, "second");
  g_assert_true (poise_store_settle_push (fixture->store, again, response, &error));
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 0);
}

static void
test_delete_push (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PoiseNote) note = synced_note (fixture->store, "text");
  g_autoptr(PoiseNote) never_synced = poise_note_new ();
  g_autoptr(PoiseNote) deleted = NULL;
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GError) error = NULL;

  /* A note the server never had: deleting it sends nothing. */
  g_assert_true (poise_store_save_note (fixture->store, never_synced, &error));
  g_clear_object (&deleted);
  deleted = poise_store_delete_note (fixture->store, poise_note_get_uuid (never_synced), &error);
  g_clear_object (&deleted);
  deleted = poise_store_delete_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 2);

  entry = take_one (fixture->store);
  g_assert_cmpstr (entry->uuid, ==, poise_note_get_uuid (note));
  g_assert_null (entry->record);
  g_assert_cmpint (entry->base_rev, ==, 1);
  response = tombstone (poise_note_get_uuid (note), 2);
  g_assert_true (poise_store_settle_push (fixture->store, entry, response, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 0);
}

static void
test_rebase_merges (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(PoiseNote) note = synced_note (fixture->store, "alpha beta gamma");
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(PoiseOutboxEntry) again = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GError) error = NULL;

  poise_note_set_body (note, "ALPHA beta gamma");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  entry = take_one (fixture->store);

  /* 412: a colleague changed another word. */
  current = server_note (note, 2, "alpha beta GAMMA");
  g_assert_true (poise_store_rebase_push (fixture->store, entry, current, &error));
  g_assert_no_error (error);
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "ALPHA beta GAMMA");
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);

  again = take_one (fixture->store);
  g_assert_cmpint (again->base_rev, ==, 2);
  g_assert_cmpstr (again->idempotency_key, !=, entry->idempotency_key);
}

static void
test_rebase_conflicted_copy (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(PoiseNote) note = synced_note (fixture->store, "Call on Monday");
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GListStore) notes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found_copy = FALSE;

  poise_note_set_body (note, "Call on Tuesday");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  entry = take_one (fixture->store);
  current = server_note (note, 2, "Call on Friday");
  g_assert_true (poise_store_rebase_push (fixture->store, entry, current, &error));
  g_assert_no_error (error);

  notes = poise_store_list_notes (fixture->store, NULL, &error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notes)), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PoiseNote) item = g_list_model_get_item (G_LIST_MODEL (notes), i);

      if (poise_note_get_conflict_of (item) != NULL)
        {
          found_copy = TRUE;
          g_assert_cmpstr (poise_note_get_body (item), ==, "Call on Tuesday");
          g_assert_cmpstr (poise_note_get_conflict_of (item), ==, poise_note_get_uuid (note));
        }
      else
        g_assert_cmpstr (poise_note_get_body (item), ==, "Call on Friday");
    }
  g_assert_true (found_copy);
  /* Only the copy is left to push: the original equals the server's. */
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);
}

static void
test_rebase_own_write (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(PoiseNote) note = synced_note (fixture->store, "one");
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) current = NULL;
  g_autoptr(GError) error = NULL;

  /* Pushed "one two", the answer was lost; then edited to "one two three". */
  poise_note_set_body (note, "one two");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  g_clear_pointer (&entry, poise_outbox_entry_free);
  entry = take_one (fixture->store);
  poise_note_set_body (note, "one two three");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));

  /* The next push gets a 412 with our own earlier write: no conflict. */
  current = server_note (note, 2, "one two");
  g_assert_true (poise_store_rebase_push (fixture->store, entry, current, &error));
  g_assert_no_error (error);
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "one two three");
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);
}

static void
test_pull (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(PoiseNote) remote = poise_note_new ();
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(JsonArray) again = json_array_new ();
  g_autoptr(GError) error = NULL;
  guint n_deletions = 0, n_local = 0;

  poise_note_set_body (remote, "from a colleague");
  add_change (changes, "note", poise_note_get_uuid (remote), 1, server_note (remote, 1, NULL));
  g_assert_true (poise_store_apply_changes (fixture->store, changes, 1, POISE_DELETIONS_ASK,
                                            &n_deletions, &n_local, &error));
  g_assert_no_error (error);
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 1);
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (remote), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "from a colleague");
  g_assert_cmpint (poise_note_get_rev (read), ==, 1);
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 0);
  g_clear_object (&read);

  /* The same change again (rev ≤ base) is skipped. */
  add_change (again, "note", poise_note_get_uuid (remote), 1, server_note (remote, 1, "stale"));
  g_assert_true (poise_store_apply_changes (fixture->store, again, 2, POISE_DELETIONS_ASK, NULL, NULL, &error));
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (remote), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "from a colleague");
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 2);
}

static void
test_pull_invalid_applies_nothing (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(PoiseNote) remote = poise_note_new ();
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GListStore) notes = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *bad;

  add_change (changes, "note", poise_note_get_uuid (remote), 1, server_note (remote, 1, NULL));
  bad = server_note (remote, 2, NULL);
  json_object_set_int_member (json_node_get_object (bad), "body", 5);
  add_change (changes, "note", poise_note_get_uuid (remote), 2, bad);

  g_assert_false (poise_store_apply_changes (fixture->store, changes, 2, POISE_DELETIONS_ASK, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "body"));
  notes = poise_store_list_notes (fixture->store, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notes)), ==, 0);
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 0);
}

static void
test_edit_beats_delete (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PoiseNote) edited = synced_note (fixture->store, "keep me");
  g_autoptr(PoiseNote) deleted_here = synced_note (fixture->store, "delete me");
  g_autoptr(PoiseNote) deleted = NULL;
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  /* Here: edit one, delete the other.  There: the reverse. */
  poise_note_set_body (edited, "keep me, edited");
  g_assert_true (poise_store_save_note (fixture->store, edited, &error));
  deleted = poise_store_delete_note (fixture->store, poise_note_get_uuid (deleted_here), &error);
  g_assert_no_error (error);

  add_change (changes, "note", poise_note_get_uuid (edited), 2, NULL);
  add_change (changes, "note", poise_note_get_uuid (deleted_here), 2,
              server_note (deleted_here, 2, "edited there"));
  g_assert_true (poise_store_apply_changes (fixture->store, changes, 2, POISE_DELETIONS_ASK, NULL, NULL, &error));
  g_assert_no_error (error);

  read = poise_store_get_note (fixture->store, poise_note_get_uuid (edited), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "keep me, edited");
  g_clear_object (&read);
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (deleted_here), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "edited there");

  /* The edit is pushed with If-Match of the tombstone: it revives. */
  entries = poise_store_take_outbox (fixture->store, 10, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((PoiseOutboxEntry *) entries->pdata[0])->base_rev, ==, 2);
  g_assert_nonnull (((PoiseOutboxEntry *) entries->pdata[0])->record);
}

static void
test_mass_deletion_guard (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GError) error = NULL;
  guint n_deletions = 0, n_local = 0;

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (notes, synced_note (fixture->store, "text"));
  for (guint i = 0; i < 3; i++)
    add_change (changes, "note", poise_note_get_uuid (notes->pdata[i]), 2, NULL);

  g_assert_false (poise_store_apply_changes (fixture->store, changes, 3, POISE_DELETIONS_ASK,
                                             &n_deletions, &n_local, &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_TOO_MANY_DELETIONS);
  g_assert_cmpuint (n_deletions, ==, 3);
  g_assert_cmpuint (n_local, ==, 20);
  g_clear_error (&error);
  list = poise_store_list_notes (fixture->store, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 20);
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 0);
  g_clear_object (&list);

  /* The agent agreed. */
  g_assert_true (poise_store_apply_changes (fixture->store, changes, 3, POISE_DELETIONS_APPLY, NULL, NULL, &error));
  g_assert_no_error (error);
  list = poise_store_list_notes (fixture->store, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 17);
}

static void
test_keep_deletions (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (notes, synced_note (fixture->store, "text"));
  for (guint i = 0; i < 3; i++)
    add_change (changes, "note", poise_note_get_uuid (notes->pdata[i]), 2, NULL);

  /* The agent refused: kept, and queued to revive them on the server. */
  g_assert_true (poise_store_apply_changes (fixture->store, changes, 3, POISE_DELETIONS_KEEP,
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  list = poise_store_list_notes (fixture->store, NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 20);
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 3);
  entries = poise_store_take_outbox (fixture->store, 10, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpint (((PoiseOutboxEntry *) entries->pdata[0])->base_rev, ==, 2);
  g_assert_nonnull (((PoiseOutboxEntry *) entries->pdata[0])->record);
}

static void
count_signal_cb (PoiseStore *store,
                 const char *uuid,
                 guint      *counts)
{
  counts[uuid == NULL ? 1 : 0]++;
}

static void
test_signals_coalesce (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonArray) few = json_array_new ();
  g_autoptr(JsonArray) many = json_array_new ();
  g_autoptr(GError) error = NULL;
  guint counts[2] = { 0, 0 };

  g_signal_connect (fixture->store, "note-changed", G_CALLBACK (count_signal_cb), counts);
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(PoiseNote) note = poise_note_new ();

      add_change (i < 3 ? few : many, "note", poise_note_get_uuid (note), 1, server_note (note, 1, NULL));
    }

  /* A few: one signal each.  A first sync's page: one for all. */
  g_assert_true (poise_store_apply_changes (fixture->store, few, 3, POISE_DELETIONS_ASK, NULL, NULL, &error));
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 0);
  g_assert_true (poise_store_apply_changes (fixture->store, many, 60, POISE_DELETIONS_ASK, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 1);
}

static void
test_new_epoch (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(PoiseNote) note = synced_note (fixture->store, "text");
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean reset = TRUE;

  g_assert_true (poise_store_insert_follow_up (fixture->store, follow_up, &error));
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 1);
  g_assert_true (poise_store_check_epoch (fixture->store, "http://127.0.0.1:1/", "epoch-1",
                                          &reset, &error));
  g_assert_false (reset);

  g_assert_true (poise_store_check_epoch (fixture->store, "http://127.0.0.1:1/", "epoch-2",
                                          &reset, &error));
  g_assert_true (reset);
  g_assert_cmpint (poise_store_get_cursor (fixture->store), ==, 0);
  g_assert_cmpuint (poise_store_get_pending (fixture->store), ==, 2);

  /* Everything goes up as a create. */
  entries = poise_store_take_outbox (fixture->store, 10, &error);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpint (((PoiseOutboxEntry *) entries->pdata[i])->base_rev, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store-sync/push-settle", test_push_settle);
  ADD ("/store-sync/delete-push", test_delete_push);
  ADD ("/store-sync/rebase-merges", test_rebase_merges);
  ADD ("/store-sync/rebase-conflicted-copy", test_rebase_conflicted_copy);
  ADD ("/store-sync/rebase-own-write", test_rebase_own_write);
  ADD ("/store-sync/pull", test_pull);
  ADD ("/store-sync/pull-invalid-applies-nothing", test_pull_invalid_applies_nothing);
  ADD ("/store-sync/edit-beats-delete", test_edit_beats_delete);
  ADD ("/store-sync/mass-deletion-guard", test_mass_deletion_guard);
  ADD ("/store-sync/keep-deletions", test_keep_deletions);
  ADD ("/store-sync/signals-coalesce", test_signals_coalesce);
  ADD ("/store-sync/new-epoch", test_new_epoch);

#undef ADD

  return g_test_run ();
}

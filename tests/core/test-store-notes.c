/* test-store-notes.c: notes in the store, the outbox, the owner filter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-store-notes"

#include "poise-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

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

  fixture->dir = g_dir_make_tmp ("poise-notes-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "poise.db", NULL);
  fixture->store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
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

/* Read through a second connection: what is committed. */
static int
count_rows (Fixture    *fixture,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int count;

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static void
count_cb (PoiseStore *store,
          const char *uuid,
          guint      *count)
{
  (*count)++;
}

static PoiseNote *
make_note (const char *customer_ref,
           const char *body)
{
  PoiseNote *note = poise_note_new ();

  poise_note_set_customer_ref (note, customer_ref);
  poise_note_set_body (note, body);
  return note;
}

static void
test_crud (Fixture       *fixture,
           gconstpointer  data)
{
  static const char * const tags[] = { "vip", NULL };
  g_autoptr(PoiseNote) note = make_note ("T-1", "Prefers email.");
  g_autoptr(PoiseNote) read = NULL;
  g_autoptr(PoiseNote) deleted = NULL;
  g_autoptr(GError) error = NULL;
  guint notes_changed = 0, changed = 0;

  g_signal_connect (fixture->store, "note-changed", G_CALLBACK (count_cb), &notes_changed);
  g_signal_connect (fixture->store, "changed", G_CALLBACK (count_cb), &changed);

  poise_note_set_tags (note, tags);
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notes_changed, ==, 1);
  g_assert_cmpuint (changed, ==, 0);

  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_no_error (error);
  g_assert_true (poise_note_content_equal (note, read));
  g_assert_true (g_strv_equal (poise_note_get_tags (read), tags));
  g_clear_object (&read);

  poise_note_set_body (note, "Prefers email. Call after 5.");
  g_assert_true (poise_store_save_note (fixture->store, note, &error));
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_cmpstr (poise_note_get_body (read), ==, "Prefers email. Call after 5.");
  /* Two edits, still one row to push. */
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox WHERE kind = 'note'"), ==, 1);

  deleted = poise_store_delete_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_no_error (error);
  g_assert_true (poise_note_content_equal (note, deleted));
  g_assert_null (poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error));
  g_assert_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox"), ==, 1);

  g_assert_true (poise_store_restore_note (fixture->store, deleted, &error));
  g_assert_no_error (error);
  g_clear_object (&read);
  read = poise_store_get_note (fixture->store, poise_note_get_uuid (note), &error);
  g_assert_no_error (error);
  g_assert_true (poise_note_content_equal (deleted, read));
  g_assert_cmpuint (notes_changed, ==, 4);
  g_assert_cmpuint (changed, ==, 0);
}

static void
test_list_and_search (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PoiseNote) a = make_note ("T-1", "Jördis wants a refund");
  g_autoptr(PoiseNote) b = make_note ("T-2", "Parcel lost twice");
  g_autoptr(PoiseNote) c = make_note ("T-1", "Refund sent");
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (poise_store_save_note (fixture->store, a, &error));
  g_assert_true (poise_store_save_note (fixture->store, b, &error));
  g_assert_true (poise_store_save_note (fixture->store, c, &error));
  g_assert_no_error (error);

  list = poise_store_list_notes (fixture->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_clear_object (&list);

  list = poise_store_list_notes (fixture->store, "T-1", &error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_clear_object (&list);

  /* Every word, in the reference or the body, case and accents ignored. */
  list = poise_store_search_notes (fixture->store, "jordis REFUND", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_clear_object (&list);
  list = poise_store_search_notes (fixture->store, "t-1 refund", &error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_clear_object (&list);
  list = poise_store_search_notes (fixture->store, "", &error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_clear_object (&list);
}

static PoiseFollowUp *
make_follow_up (const char *customer_ref,
                const char *author,
                const char *assignee)
{
  PoiseFollowUp *follow_up = poise_follow_up_new ();

  poise_follow_up_set_customer_ref (follow_up, customer_ref);
  poise_follow_up_set_author (follow_up, author);
  poise_follow_up_set_assignee (follow_up, assignee);
  return follow_up;
}

static void
test_follow_up_writes_queue (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(PoiseFollowUp) a = make_follow_up ("T-1", NULL, NULL);
  g_autoptr(PoiseFollowUp) b = make_follow_up ("T-2", NULL, NULL);
  g_autoptr(PoiseFollowUp) deleted = NULL;
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) later = g_date_time_new_from_unix_utc (2000000000);
  g_autoptr(GError) error = NULL;

  g_assert_true (poise_store_insert_follow_up (fixture->store, a, &error));
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox"), ==, 1);
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (many, make_follow_up ("T-3", NULL, NULL));
  g_assert_true (poise_store_insert_follow_ups (fixture->store, many, &error));
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox"), ==, 4);

  g_assert_true (poise_store_insert_follow_up (fixture->store, b, &error));
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox"), ==, 5);
  /* Further writes keep one row per record. */
  poise_follow_up_set_promise (b, "Call back");
  g_assert_true (poise_store_update_follow_up (fixture->store, b, &error));
  g_assert_true (poise_store_mark_done (fixture->store, poise_follow_up_get_uuid (b), &error));
  g_assert_true (poise_store_snooze (fixture->store, poise_follow_up_get_uuid (b), later, &error));
  deleted = poise_store_delete_follow_up (fixture->store, poise_follow_up_get_uuid (b), &error);
  g_assert_true (poise_store_restore_follow_up (fixture->store, deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM outbox"), ==, 5);
  g_assert_cmpint (count_rows (fixture, "SELECT max(generation) FROM outbox"), ==, 6);
}

static guint
n_items (GListStore *list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_owner_filter (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PoiseFollowUp) mine_local = make_follow_up ("T-1", NULL, NULL);
  g_autoptr(PoiseFollowUp) mine_synced = make_follow_up ("T-1", "ana", NULL);
  g_autoptr(PoiseFollowUp) given_to_me = make_follow_up ("T-1", "ben", "ana");
  g_autoptr(PoiseFollowUp) bens = make_follow_up ("T-1", "ben", NULL);
  g_autoptr(PoiseFollowUp) handed_over = make_follow_up ("T-2", "ana", "ben");
  g_autoptr(GDateTime) far = g_date_time_new_from_unix_utc (4000000000);
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0, changed = 0;

  g_assert_true (poise_store_insert_follow_up (fixture->store, mine_local, &error));
  g_assert_true (poise_store_insert_follow_up (fixture->store, mine_synced, &error));
  g_assert_true (poise_store_insert_follow_up (fixture->store, given_to_me, &error));
  g_assert_true (poise_store_insert_follow_up (fixture->store, bens, &error));
  g_assert_true (poise_store_insert_follow_up (fixture->store, handed_over, &error));
  g_assert_no_error (error);

  list = poise_store_list_follow_ups (fixture->store, &error);
  g_assert_cmpuint (n_items (list), ==, 5);
  g_clear_object (&list);

  g_signal_connect (fixture->store, "changed", G_CALLBACK (count_cb), &changed);
  poise_store_set_owner (fixture->store, "ana");
  g_assert_cmpuint (changed, ==, 1);

  list = poise_store_list_follow_ups (fixture->store, &error);
  g_assert_cmpuint (n_items (list), ==, 3);
  g_clear_object (&list);
  list = poise_store_list_by_status (fixture->store, POISE_FOLLOW_UP_STATUS_OPEN, &error);
  g_assert_cmpuint (n_items (list), ==, 3);
  g_clear_object (&list);
  list = poise_store_list_open_due_before (fixture->store, far, &error);
  g_assert_cmpuint (n_items (list), ==, 3);
  g_clear_object (&list);
  list = poise_store_search_follow_ups (fixture->store, "t-2", &error);
  g_assert_cmpuint (n_items (list), ==, 0);
  g_clear_object (&list);
  g_assert_true (poise_store_count_open_due (fixture->store, far, &count, &error));
  g_assert_cmpuint (count, ==, 3);

  /* The customer's view shows the whole team's. */
  list = poise_store_list_open_follow_ups_for (fixture->store, "T-1", &error);
  g_assert_cmpuint (n_items (list), ==, 4);
  g_clear_object (&list);

  poise_store_set_owner (fixture->store, "ben");
  list = poise_store_list_follow_ups (fixture->store, &error);
  /* ben's own, the one handed to him, and the unsynced local one. */
  g_assert_cmpuint (n_items (list), ==, 3);
  g_clear_object (&list);

  poise_store_set_owner (fixture->store, NULL);
  list = poise_store_list_follow_ups (fixture->store, &error);
  g_assert_cmpuint (n_items (list), ==, 5);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store-notes/crud", test_crud);
  ADD ("/store-notes/list-and-search", test_list_and_search);
  ADD ("/store-notes/follow-up-writes-queue", test_follow_up_writes_queue);
  ADD ("/store-notes/owner-filter", test_owner_filter);

#undef ADD

  return g_test_run ();
}

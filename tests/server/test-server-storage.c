/* test-server-storage.c: PoiseServerStorage in-process: epoch, accounts,
 * and a burst of writes committed together where refusals leave no trace
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "poise-record-check.h"
#include "poise-server-storage.h"

#include <glib/gstdio.h>

typedef struct {
  GMainLoop *loop;
  GArray    *statuses;
  GArray    *seqs;
  guint      remaining;
  gint64     committed_seq;
} Burst;

static char *
temp_db (char **dir)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp ("poise-storage-XXXXXX", &error);
  g_assert_no_error (error);
  return g_build_filename (*dir, "server.db", NULL);
}

static void
remove_db (char *dir,
           char *db)
{
  for (const char *const *s = (const char *const[]) { "", "-wal", "-shm", NULL }; *s; s++)
    {
      g_autofree char *path = g_strconcat (db, *s, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
  g_free (dir);
  g_free (db);
}

static void
test_epoch_and_accounts (void)
{
  g_autofree char *dir = NULL;
  char *db = temp_db (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseServerStorage) storage = poise_server_storage_open (db, &error);
  g_autoptr(PoiseServerStorage) again = NULL;
  g_autoptr(PoiseServerUser) user = NULL;
  g_autoptr(PoiseServerUser) nobody = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autofree char *token = NULL;
  g_autofree char *epoch = NULL;

  g_assert_no_error (error);
  epoch = g_strdup (poise_server_storage_get_epoch (storage));
  g_assert_true (g_uuid_string_is_valid (epoch));

  token = poise_server_storage_add_user (storage, "ann", "supervisor", &error);
  g_assert_no_error (error);
  user = poise_server_storage_authenticate (storage, token);
  g_assert_nonnull (user);
  g_assert_cmpstr (user->name, ==, "ann");
  g_assert_cmpstr (user->role, ==, "supervisor");
  nobody = poise_server_storage_authenticate (storage, "poise_guess");
  g_assert_null (nobody);
  g_assert_null (poise_server_storage_add_user (storage, "ann", "agent", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  users = poise_server_storage_list_users (storage, &error);
  g_assert_cmpuint (users->len, ==, 1);

  /* Reopening keeps the epoch: only a new or restored database changes it. */
  g_clear_object (&storage);
  again = poise_server_storage_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (poise_server_storage_get_epoch (again), ==, epoch);
  g_clear_object (&again);

  remove_db (g_steal_pointer (&dir), db);
}

static void
write_done_cb (const PoiseServerWriteResult *result,
               gpointer                      user_data)
{
  Burst *burst = user_data;

  g_array_append_val (burst->statuses, result->status);
  g_array_append_val (burst->seqs, result->seq);
  if (--burst->remaining == 0)
    g_main_loop_quit (burst->loop);
}

static void
committed_cb (gint64   last_seq,
              gpointer user_data)
{
  Burst *burst = user_data;

  g_assert_cmpint (last_seq, >, burst->committed_seq);
  burst->committed_seq = last_seq;
}

static PoiseServerWrite *
new_write (const char *kind,
           const char *uuid,
           const char *json)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  PoiseServerWrite *write = g_new0 (PoiseServerWrite, 1);

  write->kind = g_strdup (kind);
  write->uuid = g_strdup (uuid);
  write->user = g_strdup ("ann");
  write->idempotency_key = g_uuid_string_random ();
  write->if_none_match = TRUE;
  write->if_match = -1;
  write->record = g_str_equal (kind, "note")
    ? poise_record_check_note (root, uuid, problems)
    : poise_record_check_followup (root, uuid, problems);
  g_assert_nonnull (write->record);
  if (json_object_has_member (write->record, "assignee") &&
      !json_object_get_null_member (write->record, "assignee"))
    write->assignee = g_strdup (json_object_get_string_member (write->record, "assignee"));
  return write;
}

/* Thirty writes queued at once: ten creates, five repeated creates (412)
 * and a follow-up for an unknown assignee (422) between them.  The
 * refusals must not take the creates down with them, and the creates get
 * gap-free seqs in queue order. */
static void
test_burst (void)
{
  g_autofree char *dir = NULL;
  char *db = temp_db (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseServerStorage) storage = poise_server_storage_open (db, &error);
  g_autofree char *token = poise_server_storage_add_user (storage, "ann", "agent", &error);
  g_autofree char *feed = NULL;
  g_autoptr(JsonNode) changes = NULL;
  g_auto(GStrv) ids = g_new0 (char *, 11);
  Burst burst = { 0 };
  guint created = 0, conflicts = 0, invalid = 0;
  gint64 last = 0;

  g_assert_no_error (error);
  burst.loop = g_main_loop_new (NULL, FALSE);
  burst.statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  burst.seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  poise_server_storage_start_writer (storage, committed_cb, &burst);

  for (guint i = 0; i < 10; i++)
    ids[i] = g_uuid_string_random ();
  for (guint i = 0; i < 16; i++)
    {
      PoiseServerWrite *write;

      if (i == 12)
        {
          g_autofree char *uuid = g_uuid_string_random ();

          write = new_write ("followup", uuid, "{\"due_at\":\"2026-05-01T09:00:00Z\",\"assignee\":\"nobody\"}");
        }
      else
        write = new_write ("note", ids[i % 10], "{\"customer_ref\":\"C\",\"body\":\"b\"}");
      burst.remaining++;
      poise_server_storage_write (storage, write, write_done_cb, &burst);
    }
  g_main_loop_run (burst.loop);

  for (guint i = 0; i < burst.statuses->len; i++)
    {
      guint status = g_array_index (burst.statuses, guint, i);
      gint64 seq = g_array_index (burst.seqs, gint64, i);

      if (status == 201)
        {
          created++;
          g_assert_cmpint (seq, ==, last + 1);
          last = seq;
        }
      else
        {
          g_assert_cmpint (seq, ==, 0);
          conflicts += status == 412;
          invalid += status == 422;
        }
    }
  g_assert_cmpuint (created, ==, 10);
  g_assert_cmpuint (conflicts, ==, 5);
  g_assert_cmpuint (invalid, ==, 1);

  /* The feed holds the ten creates and nothing of the refusals. */
  feed = poise_server_storage_get_changes (storage, 0, 1000, &error);
  g_assert_no_error (error);
  changes = json_from_string (feed, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (changes), "changes")), ==, 10);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (changes), "last_seq"), ==, 10);

  /* The batch's "committed" comes after its answers. */
  while (burst.committed_seq < 10)
    g_main_context_iteration (NULL, TRUE);

  poise_server_storage_stop_writer (storage);
  g_clear_object (&storage);
  g_array_unref (burst.statuses);
  g_array_unref (burst.seqs);
  g_main_loop_unref (burst.loop);
  remove_db (g_steal_pointer (&dir), db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/storage/epoch-and-accounts", test_epoch_and_accounts);
  g_test_add_func ("/storage/burst", test_burst);
  return g_test_run ();
}

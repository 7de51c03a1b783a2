/* fuzz-change-feed.c: what the sync client does with the server's answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One temporary PoiseStore for the whole run.  Each input, guarded, is
 * taken three ways, as the client would: a GET /changes page (checked by
 * _poise_sync_parse_changes_page, then poise_store_apply_changes), a PUT
 * answer (poise_store_settle_push) and a 412's "current" member
 * (poise_store_rebase_push) for a note with a pending change.  Never a
 * crash, and the store stays consistent: PRAGMA integrity_check says ok,
 * the cursor is the page's last_seq after an applied page and unchanged
 * after a refused one, and the note's local change is never lost.
 */
#include "poise-json-guard.h"
#include "poise-store-private.h"
#include "poise-store-sync.h"
#include "poise-sync-request-private.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The seeds' note; the fuzzer finds the UUID in them. */
#define NOTE_UUID "0f8fad5b-d9cb-469f-a165-70867728950e"

static PoiseStore *store;

static void
execute (const char *sql)
{
  sqlite3_stmt *stmt = _poise_store_get_statement (store, sql, NULL);

  if (stmt == NULL)
    abort ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    ;
  sqlite3_reset (stmt);
}

static void
check_integrity (void)
{
  sqlite3_stmt *stmt = _poise_store_get_statement (store, "PRAGMA integrity_check", NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW ||
      strcmp ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    abort ();
  sqlite3_reset (stmt);
}

static void
remove_store_dir (void)
{
  g_autofree char *dir = g_path_get_dirname (poise_store_get_path (store));
  g_autofree char *wal = g_strconcat (poise_store_get_path (store), "-wal", NULL);
  g_autofree char *shm = g_strconcat (poise_store_get_path (store), "-shm", NULL);
  g_autofree char *db = g_strdup (poise_store_get_path (store));

  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (db);
  g_rmdir (dir);
}

static void
open_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("poise-fuzz-feed-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "poise.db", NULL);

  store = poise_store_new (path, NULL);
  if (store == NULL)
    abort ();
  atexit (remove_store_dir);
}

/* A local edit of the seeds' note, pending; returns its outbox entry. */
static PoiseOutboxEntry *
edit_note (const char *body)
{
  g_autoptr(PoiseNote) note = poise_store_get_note (store, NOTE_UUID, NULL);
  g_autoptr(GPtrArray) entries = NULL;

  if (note == NULL)
    note = g_object_new (POISE_TYPE_NOTE, "uuid", NOTE_UUID, "customer-ref", "T-1", NULL);
  g_object_set (note, "body", body, NULL);
  if (!poise_store_save_note (store, note, NULL))
    abort ();
  entries = poise_store_take_outbox (store, 1000, NULL);
  if (entries == NULL)
    abort ();
  for (guint i = 0; i < entries->len; i++)
    {
      PoiseOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->uuid, NOTE_UUID))
        return g_ptr_array_steal_index (entries, i);
    }
  return NULL;
}

/* The edit is on the note, or in a conflicted copy of it. */
static void
check_kept (const char *body)
{
  g_autoptr(PoiseNote) note = poise_store_get_note (store, NOTE_UUID, NULL);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;

  if (note != NULL && strstr (poise_note_get_body (note), body) != NULL)
    return;
  stmt = _poise_store_get_statement (store, "SELECT count(*) FROM notes WHERE instr(body, ?1) > 0", NULL);
  if (stmt == NULL)
    abort ();
  sqlite3_bind_text (stmt, 1, body, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0;
  sqlite3_reset (stmt);
  /* A tombstone the agent did not agree to may win only where docs/sync.md
   * says so (an unchanged record); a pending edit always survives. */
  if (!found)
    abort ();
}

static void
try_page (JsonNode *root,
          guint     policy)
{
  JsonArray *changes;
  gint64 last_seq, before;
  gboolean more;

  /* Every page starts from 0, so the seeds' seqs stay valid. */
  execute ("UPDATE sync_state SET cursor = 0 WHERE id = 1");
  before = poise_store_get_cursor (store);
  if (!_poise_sync_parse_changes_page (root, before, &changes, &last_seq, &more))
    return;
  if (poise_store_apply_changes (store, changes, last_seq, policy, NULL, NULL, NULL))
    {
      if (poise_store_get_cursor (store) != last_seq)
        abort ();
    }
  else if (poise_store_get_cursor (store) != before)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PoiseJsonLimits limits = { 1024 * 1024, POISE_JSON_MAX_DEPTH };
  static guint64 round;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(JsonNode) root = poise_json_parse_guarded (bytes, &limits, NULL);
  g_autoptr(PoiseOutboxEntry) entry = NULL;
  g_autofree char *body = NULL;
  JsonNode *current = NULL;

  if (store == NULL)
    open_store ();
  if (root == NULL)
    return 0;
  /* Conflicted copies pile up; a store that only grows slows every run. */
  if (round % 2000 == 1998)
    {
      execute ("DELETE FROM notes");
      execute ("DELETE FROM follow_ups");
      execute ("DELETE FROM outbox");
      execute ("DELETE FROM base");
    }

  try_page (root, size % 3);
  check_integrity ();

  /* A PUT answer, then a 412's "current", each for a fresh local edit. */
  body = g_strdup_printf ("edit%" G_GUINT64_FORMAT, round++);
  entry = edit_note (body);
  if (entry != NULL)
    poise_store_settle_push (store, entry, root, NULL);
  check_kept (body);
  g_clear_pointer (&entry, poise_outbox_entry_free);

  g_free (body);
  body = g_strdup_printf ("edit%" G_GUINT64_FORMAT, round++);
  entry = edit_note (body);
  if (JSON_NODE_HOLDS_OBJECT (root))
    current = json_object_get_member (json_node_get_object (root), "current");
  if (entry != NULL)
    poise_store_rebase_push (store, entry, current, NULL);
  check_kept (body);
  check_integrity ();
  return 0;
}

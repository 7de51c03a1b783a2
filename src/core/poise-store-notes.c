/* poise-store-notes.c: the notes in the local store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same rules as the follow-ups (poise-store.c): each write is one
 * transaction that also queues the change for the team (the outbox), and
 * signals come after the COMMIT.
 */
#define G_LOG_DOMAIN "poise-store"

#include "config.h"

#include "poise-json-guard.h"
#include "poise-query.h"
#include "poise-store-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define NOTE_COLUMNS \
  "uuid, customer_ref, body, tags, conflict_of, created_at, updated_at, rev, author, updated_by"

/* Tags are kept as a JSON array of strings. */
static char *
tags_to_json (PoiseNote *note)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char * const *tags = poise_note_get_tags (note);

  /* Most notes have none; a builder per note shows in a first sync. */
  if (tags[0] == NULL)
    return g_strdup ("[]");

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; tags[i] != NULL; i++)
    json_builder_add_string_value (builder, tags[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static GStrv
tags_from_json (const char *text)
{
  static const PoiseJsonLimits limits = { 64 * 1024, 4 };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(JsonNode) root = poise_json_parse_guarded (bytes, &limits, NULL);

  /* Only Poise writes them; anything unreadable reads as no tags. */
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *tag = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (tag) && json_node_get_value_type (tag) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (tag));
        }
    }
  return g_strv_builder_end (builder);
}

/* Binds ?1 … ?10 in NOTE_COLUMNS order; @tags must outlive the step. */
static void
bind_note (sqlite3_stmt *stmt,
           PoiseNote    *note,
           const char   *tags)
{
  _poise_store_bind_text (stmt, 1, poise_note_get_uuid (note));
  _poise_store_bind_text (stmt, 2, poise_note_get_customer_ref (note));
  _poise_store_bind_text (stmt, 3, poise_note_get_body (note));
  _poise_store_bind_text (stmt, 4, tags);
  _poise_store_bind_text (stmt, 5, poise_note_get_conflict_of (note));
  _poise_store_bind_time (stmt, 6, poise_note_get_created_at (note));
  _poise_store_bind_time (stmt, 7, poise_note_get_updated_at (note));
  sqlite3_bind_int64 (stmt, 8, poise_note_get_rev (note));
  _poise_store_bind_text (stmt, 9, poise_note_get_author (note));
  _poise_store_bind_text (stmt, 10, poise_note_get_updated_by (note));
}

static PoiseNote *
read_note (sqlite3_stmt *stmt)
{
  g_autoptr(GDateTime) created_at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 5));
  g_autoptr(GDateTime) updated_at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 6));
  g_auto(GStrv) tags = tags_from_json ((const char *) sqlite3_column_text (stmt, 3));

  return g_object_new (POISE_TYPE_NOTE,
                       "uuid", sqlite3_column_text (stmt, 0),
                       "customer-ref", sqlite3_column_text (stmt, 1),
                       "body", sqlite3_column_text (stmt, 2),
                       "tags", tags,
                       "conflict-of", sqlite3_column_text (stmt, 4),
                       "created-at", created_at,
                       "updated-at", updated_at,
                       "rev", sqlite3_column_int64 (stmt, 7),
                       "author", sqlite3_column_text (stmt, 8),
                       "updated-by", sqlite3_column_text (stmt, 9),
                       NULL);
}

static GListStore *
collect_notes (PoiseStore    *self,
               sqlite3_stmt  *stmt,
               GError       **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) list = g_list_store_new (POISE_TYPE_NOTE);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, read_note (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "read the notes"));
      return NULL;
    }

  g_list_store_splice (list, 0, 0, items->pdata, items->len);
  return g_steal_pointer (&list);
}

PoiseNote *
_poise_store_select_note (PoiseStore  *self,
                          const char  *uuid,
                          GError     **error)
{
  PoiseNote *note = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = _poise_store_get_statement (self, "SELECT " NOTE_COLUMNS " FROM notes WHERE uuid = ?1",
                                     error);
  if (stmt == NULL)
    return NULL;

  _poise_store_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    note = read_note (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND,
                 /* Translators: %s is the note's UUID. */
                 _("There is no note %s."), uuid);
  else
    _poise_store_set_sqlite_error (self, error, C_("store action", "read the notes"));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return note;
}

gboolean
_poise_store_put_note (PoiseStore  *self,
                       PoiseNote   *note,
                       GError     **error)
{
  g_autofree char *tags = tags_to_json (note);
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (self,
                                     "INSERT OR REPLACE INTO notes (" NOTE_COLUMNS ") "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  bind_note (stmt, note, tags);
  return _poise_store_step_write (self, stmt, C_("store action", "save the note"), error);
}

/* One transaction: the row as it is, plus the outbox. */
static gboolean
write_note (PoiseStore  *self,
            PoiseNote   *note,
            GError     **error)
{
  if (!_poise_store_begin (self, error))
    return FALSE;
  if (!_poise_store_put_note (self, note, error) ||
      !_poise_store_queue (self, POISE_KIND_NOTE, poise_note_get_uuid (note), error))
    {
      _poise_store_rollback (self);
      return FALSE;
    }
  if (!_poise_store_commit (self, error))
    return FALSE;

  _poise_store_emit_note_changed (self, poise_note_get_uuid (note));
  return TRUE;
}

/**
 * poise_store_save_note:
 *
 * Inserts a new note or saves every field of an existing one, and sets its
 * updated time to now (on @note too, once committed).  The server's fields
 * (rev, author, updated by) stay as the store has them.
 *
 * Returns: %TRUE once committed, or %FALSE with @error set
 */
gboolean
poise_store_save_note (PoiseStore  *self,
                       PoiseNote   *note,
                       GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) previous = NULL;
  g_autofree char *tags = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (POISE_IS_NOTE (note), FALSE);

  stmt = _poise_store_get_statement (self,
                                     "INSERT INTO notes (" NOTE_COLUMNS ") "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                                     "ON CONFLICT (uuid) DO UPDATE SET "
                                     "customer_ref = excluded.customer_ref, body = excluded.body, "
                                     "tags = excluded.tags, conflict_of = excluded.conflict_of, "
                                     "created_at = excluded.created_at, "
                                     "updated_at = excluded.updated_at",
                                     error);
  if (stmt == NULL)
    return FALSE;

  /* Bound from the object, so set the new time first and undo on failure. */
  previous = g_date_time_ref (poise_note_get_updated_at (note));
  poise_note_set_updated_at (note, now);
  tags = tags_to_json (note);

  if (!_poise_store_begin (self, error))
    goto failed;
  bind_note (stmt, note, tags);
  if (!_poise_store_step_write (self, stmt, C_("store action", "save the note"), error) ||
      !_poise_store_queue (self, POISE_KIND_NOTE, poise_note_get_uuid (note), error))
    {
      _poise_store_rollback (self);
      goto failed;
    }
  if (!_poise_store_commit (self, error))
    goto failed;

  _poise_store_emit_note_changed (self, poise_note_get_uuid (note));
  return TRUE;

failed:
  poise_note_set_updated_at (note, previous);
  return FALSE;
}

/**
 * poise_store_delete_note:
 *
 * Deletes a note (for the whole team, once synced) and hands it back, so
 * that Undo can give it to poise_store_restore_note().
 *
 * Returns: (transfer full) (nullable): the deleted note, or %NULL with
 *   @error set
 */
PoiseNote *
poise_store_delete_note (PoiseStore  *self,
                         const char  *uuid,
                         GError     **error)
{
  g_autoptr(PoiseNote) note = NULL;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  if (!_poise_store_begin (self, error))
    return NULL;
  note = _poise_store_select_note (self, uuid, error);
  if (note == NULL ||
      !_poise_store_remove_row (self, POISE_KIND_NOTE, uuid, error) ||
      !_poise_store_queue (self, POISE_KIND_NOTE, uuid, error))
    {
      _poise_store_rollback (self);
      return NULL;
    }
  if (!_poise_store_commit (self, error))
    return NULL;

  _poise_store_emit_note_changed (self, uuid);
  return g_steal_pointer (&note);
}

/**
 * poise_store_restore_note:
 * @note: as returned by poise_store_delete_note()
 *
 * Puts a deleted note back unchanged (same UUID and times).
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_restore_note (PoiseStore  *self,
                          PoiseNote   *note,
                          GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (POISE_IS_NOTE (note), FALSE);

  return write_note (self, note, error);
}

/**
 * poise_store_get_note:
 *
 * Returns: (transfer full) (nullable): a fresh copy of the note, or %NULL
 *   with @error set (%POISE_STORE_ERROR_NOT_FOUND if there is none)
 */
PoiseNote *
poise_store_get_note (PoiseStore  *self,
                      const char  *uuid,
                      GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  return _poise_store_select_note (self, uuid, error);
}

/**
 * poise_store_list_notes:
 * @customer_ref: (nullable): only the notes about this customer; %NULL
 *   for all
 *
 * Returns: (transfer full) (nullable): a list of #PoiseNote, newest first,
 *   or %NULL with @error set
 */
GListStore *
poise_store_list_notes (PoiseStore  *self,
                        const char  *customer_ref,
                        GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);

  if (customer_ref == NULL)
    stmt = _poise_store_get_statement (self,
                                       "SELECT " NOTE_COLUMNS " FROM notes "
                                       "ORDER BY updated_at DESC, uuid",
                                       error);
  else
    stmt = _poise_store_get_statement (self,
                                       "SELECT " NOTE_COLUMNS " FROM notes WHERE customer_ref = ?1 "
                                       "ORDER BY updated_at DESC, uuid",
                                       error);
  if (stmt == NULL)
    return NULL;
  if (customer_ref != NULL)
    _poise_store_bind_text (stmt, 1, customer_ref);
  return collect_notes (self, stmt, error);
}

/**
 * poise_store_search_notes:
 * @text: words, each of which must occur in the customer reference or the
 *   body; case and accents are ignored
 *
 * Returns: (transfer full) (nullable): the matches, newest first (all notes
 *   for empty @text), or %NULL with @error set
 */
GListStore *
poise_store_search_notes (PoiseStore  *self,
                          const char  *text,
                          GError     **error)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) sql = NULL;
  g_autoptr(GListStore) list = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  folded = poise_normalize_text (text);
  words = g_strsplit_set (g_strstrip (folded), " \t\n", -1);

  /* As the follow-ups' search: a separator keeps a word within one field. */
  sql = g_string_new ("SELECT " NOTE_COLUMNS " FROM notes WHERE 1");
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (sql, " AND instr(poise_fold(customer_ref || char(31) || body), ?%u) > 0",
                              ++n);
  g_string_append (sql, " ORDER BY updated_at DESC, uuid");

  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "search the notes"));
      return NULL;
    }

  n = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      sqlite3_bind_text (stmt, ++n, words[i], -1, SQLITE_STATIC);

  list = collect_notes (self, stmt, error);
  sqlite3_finalize (stmt);
  return g_steal_pointer (&list);
}

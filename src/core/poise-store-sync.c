/* poise-store-sync.c: the store's half of the team sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync client does the HTTP; everything that decides what happens to
 * a record is here, one transaction per call, so that a crash at any point
 * leaves either the old or the new state and an outbox that still says
 * what to push (docs/sync.md, "The client's store").
 *
 * A record is a PoiseNote or a PoiseFollowUp, handled through a few
 * helpers keyed by the kind.  The base is the JSON of the last copy both
 * sides agreed on; a tombstone base has no record.
 */
#define G_LOG_DOMAIN "poise-store"

#include "config.h"

#include "poise-json-guard.h"
#include "poise-merge.h"
#include "poise-store-private.h"
#include "poise-store-sync.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Records are ≤ 64 KiB of text; their JSON stays well below this. */
#define RECORD_MAX_BYTES (1024 * 1024)

typedef struct {
  gint64    rev;
  gboolean  deleted;
  GObject  *object;   /* NULL for a tombstone */
  JsonNode *node;     /* unowned: the record as the server sent it, if it did */
} Remote;

static void
remote_clear (Remote *remote)
{
  g_clear_object (&remote->object);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Remote, remote_clear)

/* The UUIDs to signal after the COMMIT. */
typedef struct {
  GPtrArray *notes;
  GPtrArray *follow_ups;
} Emits;

static void
emits_init (Emits *emits)
{
  emits->notes = g_ptr_array_new_with_free_func (g_free);
  emits->follow_ups = g_ptr_array_new_with_free_func (g_free);
}

static void
emits_clear (Emits *emits)
{
  g_clear_pointer (&emits->notes, g_ptr_array_unref);
  g_clear_pointer (&emits->follow_ups, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Emits, emits_clear)

static void
emits_add (Emits      *emits,
           const char *kind,
           const char *uuid)
{
  g_ptr_array_add (g_str_equal (kind, POISE_KIND_NOTE) ? emits->notes : emits->follow_ups,
                   g_strdup (uuid));
}

/* Pages re-read the store on each signal, so a page of a first sync
 * (up to 1,000 records) signals once, with a NULL UUID: "re-read all". */
#define MAX_SIGNALS_PER_KIND 50

static void
emits_send (Emits      *emits,
            PoiseStore *self)
{
  if (emits->notes->len > MAX_SIGNALS_PER_KIND)
    _poise_store_emit_note_changed (self, NULL);
  else
    for (guint i = 0; i < emits->notes->len; i++)
      _poise_store_emit_note_changed (self, g_ptr_array_index (emits->notes, i));

  if (emits->follow_ups->len > MAX_SIGNALS_PER_KIND)
    _poise_store_emit_changed (self, NULL);
  else
    for (guint i = 0; i < emits->follow_ups->len; i++)
      _poise_store_emit_changed (self, g_ptr_array_index (emits->follow_ups, i));
}

void
poise_outbox_entry_free (PoiseOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->kind);
  g_free (entry->uuid);
  g_free (entry->idempotency_key);
  g_clear_pointer (&entry->record, json_node_unref);
  g_free (entry);
}

/* Records by kind */

static gboolean
is_note (const char *kind)
{
  return g_str_equal (kind, POISE_KIND_NOTE);
}

static GObject *
record_from_json (const char  *kind,
                  JsonNode    *node,
                  GError     **error)
{
  if (is_note (kind))
    return (GObject *) poise_note_new_from_json (node, error);
  return (GObject *) poise_follow_up_new_from_json (node, error);
}

static JsonNode *
record_to_json (GObject *object)
{
  if (POISE_IS_NOTE (object))
    return poise_note_to_json (POISE_NOTE (object));
  return poise_follow_up_to_json (POISE_FOLLOW_UP (object));
}

static const char *
record_uuid (GObject *object)
{
  if (POISE_IS_NOTE (object))
    return poise_note_get_uuid (POISE_NOTE (object));
  return poise_follow_up_get_uuid (POISE_FOLLOW_UP (object));
}

static gboolean
record_content_equal (GObject *a,
                      GObject *b)
{
  if (POISE_IS_NOTE (a))
    return poise_note_content_equal (POISE_NOTE (a), POISE_NOTE (b));
  return poise_follow_up_content_equal (POISE_FOLLOW_UP (a), POISE_FOLLOW_UP (b));
}

/* Missing is not an error: *local stays NULL. */
static gboolean
select_local (PoiseStore  *self,
              const char  *kind,
              const char  *uuid,
              GObject    **local,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (is_note (kind))
    *local = (GObject *) _poise_store_select_note (self, uuid, &local_error);
  else
    *local = (GObject *) _poise_store_select_one (self, uuid, &local_error);

  if (local_error != NULL && !g_error_matches (local_error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
put_local (PoiseStore  *self,
           GObject     *object,
           GError     **error)
{
  if (POISE_IS_NOTE (object))
    return _poise_store_put_note (self, POISE_NOTE (object), error);
  return _poise_store_put_follow_up (self, POISE_FOLLOW_UP (object), error);
}

/* The server's fields of @from onto @to; content stays. */
static void
copy_server_fields (GObject *to,
                    GObject *from)
{
  g_object_set (to,
                "rev", POISE_IS_NOTE (from) ? poise_note_get_rev (POISE_NOTE (from))
                                            : poise_follow_up_get_rev (POISE_FOLLOW_UP (from)),
                NULL);
  if (POISE_IS_NOTE (from))
    g_object_set (to,
                  "author", poise_note_get_author (POISE_NOTE (from)),
                  "updated-by", poise_note_get_updated_by (POISE_NOTE (from)),
                  "updated-at", poise_note_get_updated_at (POISE_NOTE (from)),
                  NULL);
  else
    g_object_set (to,
                  "author", poise_follow_up_get_author (POISE_FOLLOW_UP (from)),
                  "updated-by", poise_follow_up_get_updated_by (POISE_FOLLOW_UP (from)),
                  "updated-at", poise_follow_up_get_updated_at (POISE_FOLLOW_UP (from)),
                  NULL);
}

/* A record or a tombstone ({"uuid", "rev", "deleted": true}) for @uuid. */
static gboolean
parse_remote (const char  *kind,
              const char  *uuid,
              JsonNode    *node,
              Remote      *remote,
              GError     **error)
{
  JsonObject *object;
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto invalid;
  object = json_node_get_object (node);

  member = json_object_get_member (object, "rev");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 || json_node_get_int (member) < 1)
    goto invalid;
  remote->rev = json_node_get_int (member);

  member = json_object_get_member (object, "deleted");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
      json_node_get_value_type (member) == G_TYPE_BOOLEAN && json_node_get_boolean (member))
    {
      remote->deleted = TRUE;
      return TRUE;
    }

  remote->object = record_from_json (kind, node, error);
  if (remote->object == NULL)
    return FALSE;
  remote->node = node;
  if (!g_str_equal (record_uuid (remote->object), uuid))
    goto invalid;
  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: %s is a record's UUID */
               _("The server sent an invalid record for %s."), uuid);
  return FALSE;
}

/* Base and outbox rows */

static gboolean
read_base (PoiseStore  *self,
           const char  *kind,
           const char  *uuid,
           gboolean    *found,
           Remote      *base,
           GError     **error)
{
  static const PoiseJsonLimits limits = { RECORD_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(GBytes) record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;
  stmt = _poise_store_get_statement (self, "SELECT rev, deleted, record FROM base "
                                     "WHERE kind = ?1 AND uuid = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      base->rev = sqlite3_column_int64 (stmt, 0);
      base->deleted = sqlite3_column_int (stmt, 1) != 0;
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        record = g_bytes_new (sqlite3_column_blob (stmt, 2), sqlite3_column_bytes (stmt, 2));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the sync state"));

  /* Written by us from a checked record; if it cannot be read, merging
   * without a base still loses nothing. */
  if (record != NULL)
    {
      g_autoptr(JsonNode) node = poise_json_parse_guarded (record, &limits, NULL);

      if (node != NULL)
        base->object = record_from_json (kind, node, NULL);
    }
  return TRUE;
}

static gboolean
write_base (PoiseStore  *self,
            const char  *kind,
            const char  *uuid,
            Remote      *remote,
            GError     **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;

  /* The server's own JSON when we have it: building it again from the
   * object was a fifth of a first sync. */
  if (remote->object != NULL && remote->node != NULL)
    text = json_to_string (remote->node, FALSE);
  else if (remote->object != NULL)
    {
      g_autoptr(JsonNode) node = record_to_json (remote->object);

      text = json_to_string (node, FALSE);
    }

  stmt = _poise_store_get_statement (self,
                                     "INSERT OR REPLACE INTO base (kind, uuid, rev, deleted, record) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  sqlite3_bind_int64 (stmt, 3, remote->rev);
  sqlite3_bind_int (stmt, 4, remote->deleted ? 1 : 0);
  _poise_store_bind_text (stmt, 5, text);
  return _poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error);
}

/* @sent: (out) (optional): what was pushed since the base, any of which
 * the server may have stored without us hearing of it. */
static gboolean
read_outbox_row (PoiseStore  *self,
                 const char  *kind,
                 const char  *uuid,
                 gboolean    *found,
                 GPtrArray  **sent,
                 GError     **error)
{
  /* Up to 8 records (see poise_store_take_outbox()). */
  static const PoiseJsonLimits limits = { 8 * RECORD_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(GBytes) text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;
  if (sent != NULL)
    *sent = NULL;
  stmt = _poise_store_get_statement (self, "SELECT sent FROM outbox WHERE kind = ?1 AND uuid = ?2",
                                     error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        text = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the sync state"));

  if (sent != NULL)
    {
      g_autoptr(JsonNode) node = text != NULL ? poise_json_parse_guarded (text, &limits, NULL) : NULL;

      *sent = g_ptr_array_new_with_free_func (g_object_unref);
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
          {
            GObject *object = record_from_json (kind, json_array_get_element (json_node_get_array (node), i),
                                                NULL);

            if (object != NULL)
              g_ptr_array_add (*sent, object);
          }
    }
  return TRUE;
}

/* After the base moved: earlier pushes are settled one way or the other. */
static gboolean
forget_sent (PoiseStore  *self,
             const char  *kind,
             const char  *uuid,
             GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (self, "UPDATE outbox SET sent = NULL "
                                     "WHERE kind = ?1 AND uuid = ?2", error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  return _poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error);
}

static gboolean
is_own_push (GPtrArray *sent,
             GObject   *remote)
{
  for (guint i = 0; sent != NULL && i < sent->len; i++)
    if (record_content_equal (g_ptr_array_index (sent, i), remote))
      return TRUE;
  return FALSE;
}

/* @generation < 0: whatever it is. */
static gboolean
drop_outbox_row (PoiseStore  *self,
                 const char  *kind,
                 const char  *uuid,
                 gint64       generation,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (self,
                                     "DELETE FROM outbox WHERE kind = ?1 AND uuid = ?2 "
                                     "AND (?3 < 0 OR generation = ?3)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  sqlite3_bind_int64 (stmt, 3, generation);
  return _poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error);
}

/* Reconciling one record */

/* The heart of both the pull and the 412: the server has @remote; we have
 * a local change queued for it (or not).  docs/sync.md, "Pulling" and
 * "Merging". */
static gboolean
reconcile (PoiseStore  *self,
           const char  *kind,
           const char  *uuid,
           Remote      *remote,
           gboolean     from_feed,
           gboolean     keep_deletions,
           Emits       *emits,
           GError     **error)
{
  g_auto(Remote) base = { 0 };
  g_autoptr(GObject) local = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GObject) merged = NULL;
  g_autoptr(PoiseNote) copy = NULL;
  gboolean has_base, pending;

  if (!read_base (self, kind, uuid, &has_base, &base, error))
    return FALSE;
  /* Applying a change twice is harmless: skip what we have. */
  if (from_feed && has_base && base.rev >= remote->rev)
    return TRUE;
  if (!read_outbox_row (self, kind, uuid, &pending, &sent, error) ||
      !select_local (self, kind, uuid, &local, error))
    return FALSE;

  if (!pending)
    {
      /* Nothing of ours to keep: the server's copy replaces the local one. */
      if (remote->deleted && local != NULL && keep_deletions)
        {
          /* The agent said no: keep it and push it again, which revives it
           * on the server, as an edit against a delete would. */
          return write_base (self, kind, uuid, remote, error) &&
                 _poise_store_queue (self, kind, uuid, error);
        }
      if (remote->deleted)
        {
          if (local != NULL)
            {
              if (!_poise_store_remove_row (self, kind, uuid, error))
                return FALSE;
              emits_add (emits, kind, uuid);
            }
        }
      else
        {
          if (!put_local (self, remote->object, error))
            return FALSE;
          emits_add (emits, kind, uuid);
        }
      return write_base (self, kind, uuid, remote, error);
    }

  if (remote->deleted)
    {
      if (!write_base (self, kind, uuid, remote, error) || !forget_sent (self, kind, uuid, error))
        return FALSE;
      /* Both deleted: done.  A local edit beats the delete: it is pushed
       * with If-Match of the tombstone's rev, which revives the record. */
      if (local == NULL)
        return drop_outbox_row (self, kind, uuid, -1, error);
      return _poise_store_queue (self, kind, uuid, error);
    }

  if (local == NULL)
    {
      /* A local delete against an edit: the edit wins. */
      if (!put_local (self, remote->object, error) ||
          !write_base (self, kind, uuid, remote, error) ||
          !drop_outbox_row (self, kind, uuid, -1, error))
        return FALSE;
      emits_add (emits, kind, uuid);
      return TRUE;
    }

  if (is_own_push (sent, remote->object))
    {
      /* Our own earlier push (its answer was lost): nothing to merge. */
      merged = g_object_ref (local);
      copy_server_fields (merged, remote->object);
    }
  else if (is_note (kind))
    merged = (GObject *) poise_merge_note (POISE_NOTE (base.object), POISE_NOTE (local),
                                           POISE_NOTE (remote->object), &copy);
  else
    merged = (GObject *) poise_merge_follow_up (POISE_FOLLOW_UP (base.object),
                                                POISE_FOLLOW_UP (local),
                                                POISE_FOLLOW_UP (remote->object));

  if (!put_local (self, merged, error) || !write_base (self, kind, uuid, remote, error) ||
      !forget_sent (self, kind, uuid, error))
    return FALSE;
  emits_add (emits, kind, uuid);

  if (record_content_equal (merged, remote->object))
    {
      if (!drop_outbox_row (self, kind, uuid, -1, error))
        return FALSE;
    }
  /* Queue again: an attempted key gets renewed, or a retry with it would
   * replay the server's answer to the earlier content. */
  else if (!_poise_store_queue (self, kind, uuid, error))
    return FALSE;

  if (copy != NULL)
    {
      if (!_poise_store_put_note (self, copy, error) ||
          !_poise_store_queue (self, POISE_KIND_NOTE, poise_note_get_uuid (copy), error))
        return FALSE;
      emits_add (emits, POISE_KIND_NOTE, poise_note_get_uuid (copy));
    }
  return TRUE;
}

/* Public API */

/**
 * poise_store_get_pending:
 *
 * Returns: how many records have local changes the server has not got
 */
guint
poise_store_get_pending (PoiseStore *self)
{
  sqlite3_stmt *stmt;
  guint count = 0;

  g_return_val_if_fail (POISE_IS_STORE (self), 0);

  stmt = _poise_store_get_statement (self, "SELECT count(*) FROM outbox", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return count;
}

/**
 * poise_store_take_outbox:
 * @limit: at most this many entries
 *
 * Returns: (transfer full) (element-type PoiseOutboxEntry) (nullable): the
 *   entries to push, or %NULL with @error set
 */
GPtrArray *
poise_store_take_outbox (PoiseStore  *self,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_outbox_entry_free);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_outbox_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);

  if (!_poise_store_begin (self, error))
    return NULL;

  stmt = _poise_store_get_statement (self,
                                     "SELECT kind, uuid, idempotency_key, generation FROM outbox "
                                     "ORDER BY rowid LIMIT ?1",
                                     error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PoiseOutboxEntry *entry = g_new0 (PoiseOutboxEntry, 1);

      entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->generation = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (rows, entry);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "read the sync state"));
      goto failed;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      PoiseOutboxEntry *entry = g_ptr_array_index (rows, i);
      g_auto(Remote) base = { 0 };
      g_autoptr(GObject) local = NULL;
      g_autofree char *sent = NULL;
      gboolean has_base;

      if (!read_base (self, entry->kind, entry->uuid, &has_base, &base, error) ||
          !select_local (self, entry->kind, entry->uuid, &local, error))
        goto failed;

      if (local == NULL && (!has_base || base.deleted))
        {
          /* Deleted before the server ever had it (or already gone there). */
          if (!drop_outbox_row (self, entry->kind, entry->uuid, -1, error))
            goto failed;
          continue;
        }

      entry->base_rev = has_base ? base.rev : 0;
      if (local != NULL)
        {
          entry->record = record_to_json (local);
          sent = json_to_string (entry->record, FALSE);
        }

      stmt = _poise_store_get_statement (self,
                                         /* Appended, keeping the last 8: see read_outbox_row(). */
                                         "UPDATE outbox SET attempts = attempts + 1, "
                                         "sent = json_insert(CASE WHEN json_array_length(coalesce(sent, '[]')) >= 8 "
                                         "THEN json_remove(sent, '$[0]') ELSE coalesce(sent, '[]') END, "
                                         "'$[#]', json(?3)) "
                                         "WHERE kind = ?1 AND uuid = ?2",
                                         error);
      if (stmt == NULL)
        goto failed;
      _poise_store_bind_text (stmt, 1, entry->kind);
      _poise_store_bind_text (stmt, 2, entry->uuid);
      _poise_store_bind_text (stmt, 3, sent);
      if (!_poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error))
        goto failed;

      g_ptr_array_add (entries, entry);
      rows->pdata[i] = NULL;
    }

  if (!_poise_store_commit (self, error))
    return NULL;
  return g_steal_pointer (&entries);

failed:
  _poise_store_rollback (self);
  return NULL;
}

/**
 * poise_store_settle_push:
 * @response: the body of the 2xx answer: the record, or the tombstone of a
 *   DELETE
 *
 * Returns: %TRUE, or %FALSE with @error set (nothing changed)
 */
gboolean
poise_store_settle_push (PoiseStore        *self,
                         PoiseOutboxEntry  *entry,
                         JsonNode          *response,
                         GError           **error)
{
  g_auto(Remote) remote = { 0 };
  g_auto(Remote) base = { 0 };
  g_auto(Emits) emits = { 0 };
  g_autoptr(GObject) local = NULL;
  gboolean has_base;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!parse_remote (entry->kind, entry->uuid, response, &remote, error))
    return FALSE;

  emits_init (&emits);
  if (!_poise_store_begin (self, error))
    return FALSE;
  if (!read_base (self, entry->kind, entry->uuid, &has_base, &base, error) ||
      !select_local (self, entry->kind, entry->uuid, &local, error))
    goto failed;

  /* A replayed answer may be older than what a pull brought meanwhile. */
  if (has_base && base.rev > remote.rev)
    g_clear_object (&remote.object);
  else if (!write_base (self, entry->kind, entry->uuid, &remote, error))
    goto failed;

  if (local != NULL && remote.object != NULL)
    {
      copy_server_fields (local, remote.object);
      if (!put_local (self, local, error))
        goto failed;
      emits_add (&emits, entry->kind, entry->uuid);
    }
  if (!drop_outbox_row (self, entry->kind, entry->uuid, entry->generation, error) ||
      (remote.object != NULL && !forget_sent (self, entry->kind, entry->uuid, error)))
    goto failed;
  if (!_poise_store_commit (self, error))
    return FALSE;

  emits_send (&emits, self);
  return TRUE;

failed:
  _poise_store_rollback (self);
  return FALSE;
}

/**
 * poise_store_rebase_push:
 * @current: the "current" member of the 412 answer: record or tombstone
 *
 * Returns: %TRUE, or %FALSE with @error set (nothing changed)
 */
gboolean
poise_store_rebase_push (PoiseStore        *self,
                         PoiseOutboxEntry  *entry,
                         JsonNode          *current,
                         GError           **error)
{
  g_auto(Remote) remote = { 0 };
  g_auto(Emits) emits = { 0 };

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!parse_remote (entry->kind, entry->uuid, current, &remote, error))
    return FALSE;

  emits_init (&emits);
  if (!_poise_store_begin (self, error))
    return FALSE;
  /* The key got a 412, which the server remembers for it: reconcile()
   * queues the row again, which renews the key. */
  if (!reconcile (self, entry->kind, entry->uuid, &remote, FALSE, FALSE, &emits, error))
    {
      _poise_store_rollback (self);
      return FALSE;
    }
  if (!_poise_store_commit (self, error))
    return FALSE;

  emits_send (&emits, self);
  return TRUE;
}

/**
 * poise_store_refuse_push:
 *
 * After a 403 for a note (an agent changing a colleague's note): the local
 * text becomes the agent's own note, a conflicted copy of the original,
 * and the original goes back to the server's copy.  Nothing is lost and
 * nothing stays stuck in the outbox.  Follow-ups have no copies: for them
 * this returns %FALSE without an error and changes nothing.
 *
 * Returns: %TRUE if handled, %FALSE otherwise (with @error set on failure)
 */
gboolean
poise_store_refuse_push (PoiseStore        *self,
                         PoiseOutboxEntry  *entry,
                         GError           **error)
{
  g_auto(Remote) base = { 0 };
  g_auto(Emits) emits = { 0 };
  g_autoptr(GObject) local = NULL;
  gboolean has_base;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!is_note (entry->kind))
    return FALSE;

  emits_init (&emits);
  if (!_poise_store_begin (self, error))
    return FALSE;
  if (!read_base (self, entry->kind, entry->uuid, &has_base, &base, error) ||
      !select_local (self, entry->kind, entry->uuid, &local, error))
    goto failed;

  if (local != NULL && !(base.object != NULL && record_content_equal (local, base.object)))
    {
      g_autoptr(PoiseNote) copy = poise_note_new ();

      poise_note_set_customer_ref (copy, poise_note_get_customer_ref (POISE_NOTE (local)));
      poise_note_set_body (copy, poise_note_get_body (POISE_NOTE (local)));
      poise_note_set_tags (copy, poise_note_get_tags (POISE_NOTE (local)));
      poise_note_set_conflict_of (copy, entry->uuid);
      if (!_poise_store_put_note (self, copy, error) ||
          !_poise_store_queue (self, POISE_KIND_NOTE, poise_note_get_uuid (copy), error))
        goto failed;
      emits_add (&emits, POISE_KIND_NOTE, poise_note_get_uuid (copy));
    }

  if (base.object != NULL ? !put_local (self, base.object, error)
                          : !_poise_store_remove_row (self, entry->kind, entry->uuid, error))
    goto failed;
  if (!drop_outbox_row (self, entry->kind, entry->uuid, -1, error))
    goto failed;
  emits_add (&emits, entry->kind, entry->uuid);

  if (!_poise_store_commit (self, error))
    return FALSE;
  emits_send (&emits, self);
  return TRUE;

failed:
  _poise_store_rollback (self);
  return FALSE;
}

typedef struct {
  const char *kind;
  const char *id;
  Remote      remote;
} Change;

static void
change_free (Change *change)
{
  remote_clear (&change->remote);
  g_free (change);
}

static gboolean
is_type (JsonNode *node,
         GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* One change of the feed, or NULL with @error naming it by its position. */
static Change *
parse_change (JsonNode  *node,
              guint      position,
              GError   **error)
{
  g_autoptr(GError) record_error = NULL;
  JsonNode *kind = NULL, *id = NULL, *rev = NULL, *deleted = NULL, *record = NULL;
  const char *problem = "kind, id, rev, deleted, record";
  Change *change;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      kind = json_object_get_member (object, "kind");
      id = json_object_get_member (object, "id");
      rev = json_object_get_member (object, "rev");
      deleted = json_object_get_member (object, "deleted");
      record = json_object_get_member (object, "record");
    }

  if (!is_type (kind, G_TYPE_STRING) ||
      (!g_str_equal (json_node_get_string (kind), POISE_KIND_NOTE) &&
       !g_str_equal (json_node_get_string (kind), POISE_KIND_FOLLOW_UP)) ||
      !is_type (id, G_TYPE_STRING) || !g_uuid_string_is_valid (json_node_get_string (id)) ||
      !is_type (rev, G_TYPE_INT64) || json_node_get_int (rev) < 1 ||
      !is_type (deleted, G_TYPE_BOOLEAN) ||
      (!json_node_get_boolean (deleted) && (record == NULL || !JSON_NODE_HOLDS_OBJECT (record))))
    goto invalid;

  change = g_new0 (Change, 1);
  change->kind = json_node_get_string (kind);
  change->id = json_node_get_string (id);
  change->remote.rev = json_node_get_int (rev);
  change->remote.deleted = json_node_get_boolean (deleted);
  if (change->remote.deleted)
    return change;

  change->remote.object = record_from_json (change->kind, record, &record_error);
  if (change->remote.object != NULL && g_str_equal (record_uuid (change->remote.object), change->id))
    {
      /* The feed's rev is the one that counts. */
      g_object_set (change->remote.object, "rev", change->remote.rev, NULL);
      change->remote.node = record;
      return change;
    }
  change_free (change);
  problem = record_error != NULL ? record_error->message : "uuid";

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: %u is the change's position in the list, %s what
                * is wrong with it */
               _("The server sent an invalid change (number %u: %s)."), position, problem);
  return NULL;
}

/* Checks a whole page before anything is written. */
static GPtrArray *
parse_changes (JsonArray  *changes,
               GError    **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      Change *change = parse_change (json_array_get_element (changes, i), i + 1, error);

      if (change == NULL)
        return NULL;
      g_ptr_array_add (parsed, change);
    }
  return g_steal_pointer (&parsed);
}

static gboolean
count_local (PoiseStore  *self,
             guint       *count,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _poise_store_get_statement (self, "SELECT (SELECT count(*) FROM notes) + "
                                     "(SELECT count(*) FROM follow_ups)", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the sync state"));
  return TRUE;
}

/* Deletions this page would really make: a local record without a pending
 * change whose base is older than the tombstone. */
static gboolean
count_deletions (PoiseStore  *self,
                 GPtrArray   *changes,
                 guint       *count,
                 GError     **error)
{
  *count = 0;
  for (guint i = 0; i < changes->len; i++)
    {
      Change *change = g_ptr_array_index (changes, i);
      g_auto(Remote) base = { 0 };
      g_autoptr(GObject) local = NULL;
      gboolean has_base, pending;

      if (!change->remote.deleted)
        continue;
      if (!read_base (self, change->kind, change->id, &has_base, &base, error) ||
          !read_outbox_row (self, change->kind, change->id, &pending, NULL, error) ||
          !select_local (self, change->kind, change->id, &local, error))
        return FALSE;
      if (local != NULL && !pending && (!has_base || base.rev < change->remote.rev))
        (*count)++;
    }
  return TRUE;
}

/**
 * poise_store_apply_changes:
 * @changes: the "changes" of one GET /api/v1/changes page
 * @last_seq: its "last_seq": the new cursor
 * @deletions_policy: what to do with deletions (see #PoiseDeletionsPolicy)
 * @n_deletions: (out) (optional): records this page deletes
 * @n_local: (out) (optional): local records before it
 *
 * Returns: %TRUE, or %FALSE with @error set and nothing applied
 */
gboolean
poise_store_apply_changes (PoiseStore  *self,
                           JsonArray   *changes,
                           gint64                last_seq,
                           PoiseDeletionsPolicy  deletions_policy,
                           guint       *n_deletions,
                           guint       *n_local,
                           GError     **error)
{
  g_autoptr(GPtrArray) parsed = NULL;
  g_auto(Emits) emits = { 0 };
  guint deletions = 0, local = 0;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL, FALSE);

  parsed = parse_changes (changes, error);
  if (parsed == NULL)
    return FALSE;

  emits_init (&emits);
  if (!_poise_store_begin (self, error))
    return FALSE;

  if (!count_deletions (self, parsed, &deletions, error) || !count_local (self, &local, error))
    goto failed;
  if (n_deletions != NULL)
    *n_deletions = deletions;
  if (n_local != NULL)
    *n_local = local;
  if (deletions_policy == POISE_DELETIONS_ASK && local >= 10 && (guint64) deletions * 10 > local)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_TOO_MANY_DELETIONS,
                   /* Translators: the numbers of records; both are at least 2 */
                   _("The team server would delete %u of the %u records here."),
                   deletions, local);
      goto failed;
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      Change *change = g_ptr_array_index (parsed, i);

      if (!reconcile (self, change->kind, change->id, &change->remote, TRUE,
                      deletions_policy == POISE_DELETIONS_KEEP, &emits, error))
        goto failed;
    }

  stmt = _poise_store_get_statement (self, "UPDATE sync_state SET cursor = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, last_seq);
  if (!_poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error))
    goto failed;

  if (!_poise_store_commit (self, error))
    return FALSE;
  emits_send (&emits, self);
  return TRUE;

failed:
  _poise_store_rollback (self);
  return FALSE;
}

/**
 * poise_store_get_cursor:
 *
 * Returns: the last change seq applied (0: none)
 */
gint64
poise_store_get_cursor (PoiseStore *self)
{
  sqlite3_stmt *stmt;
  gint64 cursor = 0;

  g_return_val_if_fail (POISE_IS_STORE (self), 0);

  stmt = _poise_store_get_statement (self, "SELECT cursor FROM sync_state WHERE id = 1", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    cursor = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return cursor;
}

static gboolean
queue_all (PoiseStore  *self,
           const char  *kind,
           const char  *sql,
           GError     **error)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _poise_store_get_statement (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the sync state"));

  for (guint i = 0; i < uuids->len; i++)
    if (!_poise_store_queue (self, kind, g_ptr_array_index (uuids, i), error))
      return FALSE;
  return TRUE;
}

/**
 * poise_store_check_epoch:
 * @server: the server's URL, kept for reference
 * @epoch: from GET /api/v1/health
 * @reset: (out) (optional): whether this was a new epoch
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_check_epoch (PoiseStore  *self,
                         const char  *server,
                         const char  *epoch,
                         gboolean    *reset,
                         GError     **error)
{
  g_autofree char *known = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (epoch != NULL, FALSE);

  if (reset != NULL)
    *reset = FALSE;

  stmt = _poise_store_get_statement (self, "SELECT epoch FROM sync_state WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    known = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (g_strcmp0 (known, epoch) == 0)
    return TRUE;

  if (!_poise_store_begin (self, error))
    return FALSE;
  stmt = _poise_store_get_statement (self, "UPDATE sync_state SET server = ?1, epoch = ?2, "
                                     "cursor = 0 WHERE id = 1", error);
  if (stmt == NULL)
    goto failed;
  _poise_store_bind_text (stmt, 1, server);
  _poise_store_bind_text (stmt, 2, epoch);
  if (!_poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error))
    goto failed;

  stmt = _poise_store_get_statement (self, "DELETE FROM base", error);
  if (stmt == NULL ||
      !_poise_store_step_write (self, stmt, C_("store action", "save the sync state"), error) ||
      !queue_all (self, POISE_KIND_NOTE, "SELECT uuid FROM notes", error) ||
      !queue_all (self, POISE_KIND_FOLLOW_UP, "SELECT uuid FROM follow_ups", error))
    goto failed;

  if (!_poise_store_commit (self, error))
    return FALSE;

  g_debug ("New server epoch %s (was %s): everything queued for upload", epoch,
           known != NULL ? known : "none");
  if (reset != NULL)
    *reset = TRUE;
  return TRUE;

failed:
  _poise_store_rollback (self);
  return FALSE;
}

/* poise-store.c: the local SQLite store (follow-ups, app state)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection, used from the main thread.  The rules that make "nothing
 * acknowledged is ever lost" true:
 *
 *  - WAL with synchronous=FULL: a COMMIT returns only once the WAL is
 *    fsync'ed, so a write that returned TRUE survives SIGKILL and power loss.
 *  - Every write is one transaction (BEGIN IMMEDIATE … COMMIT); a failed
 *    write is rolled back whole.
 *  - The schema only moves forward through an ordered list of migrations,
 *    each in its own transaction together with its PRAGMA user_version, so a
 *    crash mid-migration leaves the previous version intact.
 *  - A file we cannot read (damaged, or from a newer Poise) is reported and
 *    left exactly as it was: we check before we switch the journal mode or
 *    migrate, both of which write.
 */
#define G_LOG_DOMAIN "poise-store"

#include "config.h"

#include "poise-store-private.h"
#include "poise-json-guard.h"
#include "poise-query.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* The app state is small (a conversation is a few hundred bytes). */
#define STATE_MAX_BYTES (4 * 1024 * 1024)
/* Long enough for another Poise process to finish a write. */
#define BUSY_TIMEOUT_MS 5000

G_DEFINE_FINAL_TYPE (PoiseStore, poise_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (poise-store-error-quark, poise_store_error)

enum {
  CHANGED,
  NOTE_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

/* Migration N takes the schema from version N-1 to N.  Never edit one that
 * has shipped: add a new one.  Times are Unix seconds (UTC), which index
 * and compare as integers. */
static const char * const migrations[] = {
  /* 1: follow-ups and a key/value table for app state. */
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
  ");",

  /* 2: who keeps the promise (for the team sync), and an index that serves
   * the scheduler's and the badge's "open, due before T" directly. */
  "ALTER TABLE follow_ups ADD COLUMN assignee TEXT;"
  "DROP INDEX follow_ups_due_at;"
  "CREATE INDEX follow_ups_status_due_at ON follow_ups (status, due_at);",

  /* 3: the team sync (docs/sync.md): the server's fields on follow-ups,
   * notes, the outbox of unpushed local changes, the merge bases and the
   * cursor.  Rows written before this have no outbox row; the first sync
   * with a server queues everything (see the epoch in poise-store-sync.c). */
  "ALTER TABLE follow_ups ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE follow_ups ADD COLUMN author TEXT;"
  "ALTER TABLE follow_ups ADD COLUMN updated_by TEXT;"
  "CREATE TABLE notes ("
  "  uuid         TEXT PRIMARY KEY NOT NULL,"
  "  customer_ref TEXT NOT NULL,"
  "  body         TEXT NOT NULL,"
  "  tags         TEXT NOT NULL DEFAULT '[]',"
  "  conflict_of  TEXT,"
  "  created_at   INTEGER NOT NULL,"
  "  updated_at   INTEGER NOT NULL,"
  "  rev          INTEGER NOT NULL DEFAULT 0,"
  "  author       TEXT,"
  "  updated_by   TEXT"
  ");"
  "CREATE INDEX notes_customer_ref ON notes (customer_ref, updated_at);"
  "CREATE INDEX notes_updated_at ON notes (updated_at);"
  /* generation counts local changes, so settling a push can tell whether
   * the record changed again meanwhile; sent is a JSON array of what was
   * pushed since the base, to recognise our own write in a 412. */
  "CREATE TABLE outbox ("
  "  kind            TEXT NOT NULL CHECK (kind IN ('note', 'followup')),"
  "  uuid            TEXT NOT NULL,"
  "  idempotency_key TEXT NOT NULL,"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  generation      INTEGER NOT NULL DEFAULT 1,"
  "  sent            TEXT,"
  "  PRIMARY KEY (kind, uuid)"
  ");"
  "CREATE TABLE base ("
  "  kind    TEXT NOT NULL CHECK (kind IN ('note', 'followup')),"
  "  uuid    TEXT NOT NULL,"
  "  rev     INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),"
  "  record  TEXT,"
  "  PRIMARY KEY (kind, uuid)"
  ");"
  "CREATE TABLE sync_state ("
  "  id     INTEGER PRIMARY KEY CHECK (id = 1),"
  "  server TEXT,"
  "  epoch  TEXT,"
  "  cursor INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO sync_state (id) VALUES (1);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == POISE_STORE_SCHEMA_VERSION);

/* My follow-ups when an owner is set (see poise_store_set_owner()). */
#define OWNER_FILTER \
  " AND (:owner IS NULL OR assignee = :owner OR " \
  "(assignee IS NULL AND (author IS NULL OR author = :owner)))"

/* Errors */

static gboolean
is_damage (int code)
{
  code &= 0xff;
  return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
}

static gboolean
set_damaged_error (PoiseStore  *self,
                   GError     **error,
                   const char  *detail)
{
  g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_DAMAGED,
               /* Translators: the first %s is the database file, the second
                * what SQLite found wrong with it (in English). */
               _("The database at %s is damaged (%s). Poise kept it unchanged; "
                 "move it aside to start afresh."), self->path, detail);
  return FALSE;
}

/* @what says what we were doing, e.g. "save the follow-up", already
 * translated: the callers mark and translate it, since most of them only
 * get here on failure. */
gboolean
_poise_store_set_sqlite_error (PoiseStore  *self,
                               GError     **error,
                               const char  *what)
{
  int code = sqlite3_extended_errcode (self->db);

  if (is_damage (code))
    return set_damaged_error (self, error, sqlite3_errmsg (self->db));

  if ((code & 0xff) == SQLITE_FULL)
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_FAILED,
                 /* Translators: the first %s is one of the messages with the
                  * context "store action" (e.g. "save the follow-up"): translate
                  * those so that they fit here.  The second is the database file. */
                 _("Could not %s in %s: the disk is full. Free some space and try again."),
                 what, self->path);
  else if ((code & 0xff) == SQLITE_BUSY)
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_FAILED,
                 /* Translators: the first %s is a "store action", the second the
                  * database file. */
                 _("Could not %s in %s: another program keeps the database busy. "
                   "Close other copies of Poise and try again."), what, self->path);
  else
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_FAILED,
                 /* Translators: the first %s is a "store action", the second the
                  * database file, the third SQLite's error message (in English). */
                 _("Could not %s in %s (%s)."), what, self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

/* Statements */

/* Prepared once and kept: @sql must be a string constant, it is the key. */
sqlite3_stmt *
_poise_store_get_statement (PoiseStore  *self,
                            const char  *sql,
                            GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "prepare a query"));
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec (PoiseStore  *self,
      const char  *sql,
      const char  *what,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _poise_store_set_sqlite_error (self, error, what);
  return TRUE;
}

/* IMMEDIATE takes the write lock up front, so a transaction never fails
 * half-way because another connection started writing. */
gboolean
_poise_store_begin (PoiseStore  *self,
                    GError     **error)
{
  /* Not through exec(): this runs for every write, and the action needs
   * translating only when it failed. */
  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  return _poise_store_set_sqlite_error (self, error, C_("store action", "start a transaction"));
}

gboolean
_poise_store_commit (PoiseStore  *self,
                     GError     **error)
{
  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;

  _poise_store_set_sqlite_error (self, error, C_("store action", "commit the change"));
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

void
_poise_store_rollback (PoiseStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

void
_poise_store_bind_text (sqlite3_stmt *stmt,
                        int           index,
                        const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

void
_poise_store_bind_time (sqlite3_stmt *stmt,
                        int           index,
                        GDateTime    *time)
{
  sqlite3_bind_int64 (stmt, index, g_date_time_to_unix (time));
}

/* Binds ?1 … ?13 in FOLLOW_UP_COLUMNS order. */
void
_poise_store_bind_follow_up (sqlite3_stmt  *stmt,
                             PoiseFollowUp *follow_up)
{
  _poise_store_bind_text (stmt, 1, poise_follow_up_get_uuid (follow_up));
  _poise_store_bind_text (stmt, 2, poise_follow_up_get_customer_name (follow_up));
  _poise_store_bind_text (stmt, 3, poise_follow_up_get_customer_ref (follow_up));
  _poise_store_bind_text (stmt, 4, poise_follow_up_get_contact (follow_up));
  _poise_store_bind_text (stmt, 5, poise_channel_to_string (poise_follow_up_get_channel (follow_up)));
  _poise_store_bind_text (stmt, 6, poise_follow_up_get_promise (follow_up));
  _poise_store_bind_time (stmt, 7, poise_follow_up_get_due_at (follow_up));
  sqlite3_bind_int (stmt, 8, poise_follow_up_get_cancel_on_reply (follow_up) ? 1 : 0);
  _poise_store_bind_text (stmt, 9, poise_follow_up_status_to_string (poise_follow_up_get_status (follow_up)));
  _poise_store_bind_time (stmt, 10, poise_follow_up_get_created_at (follow_up));
  _poise_store_bind_time (stmt, 11, poise_follow_up_get_updated_at (follow_up));
  _poise_store_bind_text (stmt, 12, poise_follow_up_get_note (follow_up));
  _poise_store_bind_text (stmt, 13, poise_follow_up_get_assignee (follow_up));
}

/* Binds ?14 … ?16: the server's fields. */
static void
bind_server_fields (sqlite3_stmt  *stmt,
                    PoiseFollowUp *follow_up)
{
  sqlite3_bind_int64 (stmt, 14, poise_follow_up_get_rev (follow_up));
  _poise_store_bind_text (stmt, 15, poise_follow_up_get_author (follow_up));
  _poise_store_bind_text (stmt, 16, poise_follow_up_get_updated_by (follow_up));
}

static void
bind_owner (PoiseStore   *self,
            sqlite3_stmt *stmt)
{
  _poise_store_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":owner"), self->owner);
}

PoiseFollowUp *
_poise_store_read_follow_up (sqlite3_stmt *stmt)
{
  g_autoptr(GDateTime) due_at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 6));
  g_autoptr(GDateTime) created_at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 9));
  g_autoptr(GDateTime) updated_at = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 10));
  PoiseChannel channel = POISE_CHANNEL_CALL;
  PoiseFollowUpStatus status = POISE_FOLLOW_UP_STATUS_OPEN;

  /* The CHECK constraints keep these valid. */
  poise_channel_from_string ((const char *) sqlite3_column_text (stmt, 4), &channel);
  poise_follow_up_status_from_string ((const char *) sqlite3_column_text (stmt, 8), &status);

  return g_object_new (POISE_TYPE_FOLLOW_UP,
                       "uuid", sqlite3_column_text (stmt, 0),
                       "customer-name", sqlite3_column_text (stmt, 1),
                       "customer-ref", sqlite3_column_text (stmt, 2),
                       "contact", sqlite3_column_text (stmt, 3),
                       "channel", channel,
                       "promise", sqlite3_column_text (stmt, 5),
                       "due-at", due_at,
                       "cancel-on-reply", sqlite3_column_int (stmt, 7) != 0,
                       "status", status,
                       "created-at", created_at,
                       "updated-at", updated_at,
                       "note", sqlite3_column_text (stmt, 11),
                       "assignee", sqlite3_column_text (stmt, 12),
                       "rev", sqlite3_column_int64 (stmt, 13),
                       "author", sqlite3_column_text (stmt, 14),
                       "updated-by", sqlite3_column_text (stmt, 15),
                       NULL);
}

/* Steps a bound SELECT of FOLLOW_UP_COLUMNS to the end. */
GListStore *
_poise_store_collect (PoiseStore    *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListStore) list = g_list_store_new (POISE_TYPE_FOLLOW_UP);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, _poise_store_read_follow_up (stmt));

  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "read the follow-ups"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  /* One splice: one items-changed for the whole list. */
  g_list_store_splice (list, 0, 0, items->pdata, items->len);
  return g_steal_pointer (&list);
}

void
_poise_store_emit_changed (PoiseStore *self,
                           const char *uuid)
{
  g_signal_emit (self, signals[CHANGED], 0, uuid);
}

void
_poise_store_emit_note_changed (PoiseStore *self,
                                const char *uuid)
{
  g_signal_emit (self, signals[NOTE_CHANGED], 0, uuid);
}

gboolean
_poise_store_step_write (PoiseStore    *self,
                         sqlite3_stmt  *stmt,
                         const char    *what,
                         GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    return _poise_store_set_sqlite_error (self, error, what);
  return TRUE;
}

gboolean
_poise_store_queue (PoiseStore  *self,
                    const char  *kind,
                    const char  *uuid,
                    GError     **error)
{
  g_autofree char *key = g_uuid_string_random ();
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (self,
                                     "INSERT INTO outbox (kind, uuid, idempotency_key) "
                                     "VALUES (?1, ?2, ?3) ON CONFLICT (kind, uuid) DO UPDATE SET "
                                     "generation = generation + 1, "
                                     "idempotency_key = CASE WHEN attempts > 0 "
                                     "THEN excluded.idempotency_key ELSE idempotency_key END, "
                                     "attempts = 0",
                                     error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, kind);
  _poise_store_bind_text (stmt, 2, uuid);
  _poise_store_bind_text (stmt, 3, key);
  return _poise_store_step_write (self, stmt, C_("store action", "queue the change for the team"),
                                  error);
}

gboolean
_poise_store_put_follow_up (PoiseStore     *self,
                            PoiseFollowUp  *follow_up,
                            GError        **error)
{
  sqlite3_stmt *stmt;

  stmt = _poise_store_get_statement (self,
                                     "INSERT OR REPLACE INTO follow_ups (" FOLLOW_UP_COLUMNS ") "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                     "?13, ?14, ?15, ?16)",
                                     error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_follow_up (stmt, follow_up);
  bind_server_fields (stmt, follow_up);
  return _poise_store_step_write (self, stmt, C_("store action", "save the follow-up"), error);
}

gboolean
_poise_store_remove_row (PoiseStore  *self,
                         const char  *kind,
                         const char  *uuid,
                         GError     **error)
{
  sqlite3_stmt *stmt;

  if (g_str_equal (kind, POISE_KIND_NOTE))
    stmt = _poise_store_get_statement (self, "DELETE FROM notes WHERE uuid = ?1", error);
  else
    stmt = _poise_store_get_statement (self, "DELETE FROM follow_ups WHERE uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _poise_store_bind_text (stmt, 1, uuid);
  return _poise_store_step_write (self, stmt, C_("store action", "delete the record"), error);
}

/* SQL function poise_fold(text): case-folded, without accents, as
 * PoiseQuery matches scenarios; so searching "jordis" finds "Jördis". */
static void
fold_sql_function (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  char *folded;

  if (text == NULL)
    {
      sqlite3_result_null (context);
      return;
    }

  folded = poise_normalize_text (text);
  sqlite3_result_text (context, folded, -1, g_free);
}

/* Opening */

static gboolean
read_int_pragma (PoiseStore  *self,
                 const char  *sql,
                 int         *value,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the schema version"));

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "read the schema version"));
  return TRUE;
}

/* quick_check is O(size) but cheap for a store this small (a few ms for
 * 10,000 follow-ups), and it keeps a damaged file from being migrated. */
static gboolean
check_integrity (PoiseStore  *self,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *problem = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(1)", -1, &stmt, NULL) != SQLITE_OK)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "check the database"));

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    problem = g_strdelimit (g_strdup ((const char *) sqlite3_column_text (stmt, 0)), "\n", ' ');
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "check the database"));
  if (problem != NULL)
    return set_damaged_error (self, error, problem);
  return TRUE;
}

static gboolean
configure (PoiseStore  *self,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *mode = NULL;
  const char *what;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL) != SQLITE_OK)
    return _poise_store_set_sqlite_error (self, error,
                                          C_("store action", "switch to write-ahead logging"));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  /* WAL needs shared memory; a file system without it would silently keep
   * the old journal, with other durability rules. */
  if (g_strcmp0 (mode, "wal") != 0)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_OPEN,
                   /* Translators: the first %s is the database file, the second
                    * SQLite's name for its journal mode (e.g. "delete") or
                    * "unknown". */
                   _("Could not switch the database at %s to write-ahead logging "
                     "(journal mode is %s). Keep the data folder on a local disk."),
                   self->path, mode != NULL ? mode : C_("journal mode", "unknown"));
      return FALSE;
    }

  what = C_("store action", "configure the database");
  return exec (self, "PRAGMA synchronous=FULL", what, error) &&
         exec (self, "PRAGMA foreign_keys=ON", what, error);
}

static gboolean
migrate (PoiseStore  *self,
         GError     **error)
{
  while (self->schema_version < POISE_STORE_SCHEMA_VERSION)
    {
      int target = self->schema_version + 1;
      g_autofree char *what =
        g_strdup_printf (C_("store action", "update the schema to version %d"), target);
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", target);

      if (!_poise_store_begin (self, error))
        return FALSE;

      /* Another process may have migrated while we waited for the lock. */
      if (!read_int_pragma (self, "PRAGMA user_version", &self->schema_version, error))
        {
          _poise_store_rollback (self);
          return FALSE;
        }
      if (self->schema_version >= target)
        {
          _poise_store_rollback (self);
          continue;
        }

      if (!exec (self, migrations[self->schema_version], what, error) ||
          !exec (self, set_version, what, error))
        {
          _poise_store_rollback (self);
          return FALSE;
        }
      if (!_poise_store_commit (self, error))
        return FALSE;

      g_debug ("Migrated %s to schema version %d", self->path, target);
      self->schema_version = target;
    }

  return TRUE;
}

static gboolean
open_database (PoiseStore  *self,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  int rc;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_OPEN,
                   /* Translators: %s is a folder, then the system's error message. */
                   _("Could not create the folder %s for the database (%s)."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_OPEN,
                   /* Translators: %s is the database file, then SQLite's error
                    * message (in English). */
                   _("Could not open the database at %s (%s). Check that the folder "
                     "is writable and the disk is not full."),
                   self->path, self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* Reads only, up to the migration: a file we refuse stays as it was. */
  if (!read_int_pragma (self, "PRAGMA user_version", &self->schema_version, error))
    return FALSE;

  if (self->schema_version > POISE_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_TOO_NEW,
                   /* Translators: %s is the database file; the numbers are
                    * versions of its table layout ("schema"). */
                   _("The database at %s was written by a newer version of Poise "
                     "(schema %d; this one knows up to %d). Poise left it unchanged; "
                     "update Poise to open it."),
                   self->path, self->schema_version, POISE_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (self->schema_version > 0 && !check_integrity (self, error))
    return FALSE;

  if (!configure (self, error) || !migrate (self, error))
    return FALSE;

  if (sqlite3_create_function (self->db, "poise_fold", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                               NULL, fold_sql_function, NULL, NULL) != SQLITE_OK)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "prepare searching"));

  return TRUE;
}

/* GObject overrides */

static void
poise_store_finalize (GObject *object)
{
  PoiseStore *self = (PoiseStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  /* The statements are finalized above; close_v2 never fails for that. */
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->owner, g_free);

  G_OBJECT_CLASS (poise_store_parent_class)->finalize (object);
}

static void
poise_store_class_init (PoiseStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = poise_store_finalize;

  /**
   * PoiseStore::changed:
   * @self: the store
   * @uuid: (nullable): the follow-up that was inserted, updated, deleted
   *   or restored; %NULL if the owner changed or a sync page changed more
   *   than 50 at once
   *
   * Emitted after the change was committed, for local writes and for what
   * the sync applies.  Lists taken before it are snapshots: take a new one.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * PoiseStore::note-changed:
   * @self: the store
   * @uuid: (nullable): the note that was saved, deleted or restored,
   *   locally or from the team's server; %NULL if a sync page changed more
   *   than 50 at once
   *
   * Emitted after the change was committed.
   */
  signals[NOTE_CHANGED] =
    g_signal_new ("note-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
poise_store_init (PoiseStore *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                            NULL, finalize_statement);
}

/* Public API */

/**
 * poise_store_new:
 * @path: the database file, e.g. `g_get_user_data_dir()/poise/poise.db`;
 *   created with its folder if missing
 *
 * Opens the store and brings its schema up to date.  A damaged file
 * (%POISE_STORE_ERROR_DAMAGED) or one from a newer Poise
 * (%POISE_STORE_ERROR_TOO_NEW) is an error and is left unchanged.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
PoiseStore *
poise_store_new (const char  *path,
                 GError     **error)
{
  g_autoptr(PoiseStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (POISE_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
poise_store_get_path (PoiseStore *self)
{
  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  return self->path;
}

int
poise_store_get_schema_version (PoiseStore *self)
{
  g_return_val_if_fail (POISE_IS_STORE (self), 0);
  return self->schema_version;
}

static gboolean
insert_one (PoiseStore     *self,
            PoiseFollowUp  *follow_up,
            GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = _poise_store_get_statement (self,
                                     "INSERT INTO follow_ups (" FOLLOW_UP_COLUMNS ") "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                     "?13, ?14, ?15, ?16)",
                                     error);
  if (stmt == NULL)
    return FALSE;

  _poise_store_bind_follow_up (stmt, follow_up);
  bind_server_fields (stmt, follow_up);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_EXISTS,
                   /* Translators: %s is the follow-up's UUID. */
                   _("A follow-up with the id %s exists already."),
                   poise_follow_up_get_uuid (follow_up));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "save the follow-up"));

  return _poise_store_queue (self, POISE_KIND_FOLLOW_UP, poise_follow_up_get_uuid (follow_up),
                             error);
}

/**
 * poise_store_insert_follow_up:
 *
 * Saves a new follow-up as it is (its created and updated times included).
 * Returns once the change is committed, i.e. durable.
 *
 * Returns: %TRUE, or %FALSE with @error set (%POISE_STORE_ERROR_EXISTS if
 *   the UUID is taken)
 */
gboolean
poise_store_insert_follow_up (PoiseStore     *self,
                              PoiseFollowUp  *follow_up,
                              GError        **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (follow_up), FALSE);

  if (!_poise_store_begin (self, error))
    return FALSE;
  if (!insert_one (self, follow_up, error))
    {
      _poise_store_rollback (self);
      return FALSE;
    }
  if (!_poise_store_commit (self, error))
    return FALSE;

  _poise_store_emit_changed (self, poise_follow_up_get_uuid (follow_up));
  return TRUE;
}

/**
 * poise_store_insert_follow_ups:
 * @follow_ups: (element-type PoiseFollowUp): new follow-ups
 *
 * Like poise_store_insert_follow_up() for many at once, in one transaction:
 * all are saved or none.  For imports and the sync, where one fsync per
 * row would be slow.  Emits "changed" once per follow-up after the commit.
 *
 * Returns: %TRUE, or %FALSE with @error set and nothing saved
 */
gboolean
poise_store_insert_follow_ups (PoiseStore  *self,
                               GPtrArray   *follow_ups,
                               GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (follow_ups != NULL, FALSE);

  if (!_poise_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < follow_ups->len; i++)
    {
      if (!insert_one (self, g_ptr_array_index (follow_ups, i), error))
        {
          _poise_store_rollback (self);
          return FALSE;
        }
    }
  if (!_poise_store_commit (self, error))
    return FALSE;

  for (guint i = 0; i < follow_ups->len; i++)
    _poise_store_emit_changed (self, poise_follow_up_get_uuid (g_ptr_array_index (follow_ups, i)));
  return TRUE;
}

/**
 * poise_store_update_follow_up:
 *
 * Saves every field of an existing follow-up and sets its updated time to
 * now (on @follow_up too, once committed).
 *
 * Returns: %TRUE, or %FALSE with @error set (%POISE_STORE_ERROR_NOT_FOUND if
 *   it was deleted meanwhile)
 */
gboolean
poise_store_update_follow_up (PoiseStore     *self,
                              PoiseFollowUp  *follow_up,
                              GError        **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) previous = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (follow_up), FALSE);

  stmt = _poise_store_get_statement (self,
                                     "UPDATE follow_ups SET customer_name = ?2, customer_ref = ?3, "
                                     "contact = ?4, channel = ?5, promise = ?6, due_at = ?7, "
                                     "cancel_on_reply = ?8, status = ?9, created_at = ?10, "
                                     "updated_at = ?11, note = ?12, assignee = ?13 WHERE uuid = ?1",
                                     error);
  if (stmt == NULL)
    return FALSE;

  /* Bound from the object, so set the new time first and undo on failure. */
  previous = g_date_time_ref (poise_follow_up_get_updated_at (follow_up));
  g_object_freeze_notify (G_OBJECT (follow_up));
  poise_follow_up_set_updated_at (follow_up, now);

  if (!_poise_store_begin (self, error))
    goto failed;

  _poise_store_bind_follow_up (stmt, follow_up);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "save the follow-up"));
      _poise_store_rollback (self);
      goto failed;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND,
                   /* Translators: %s is the follow-up's UUID. */
                   _("The follow-up %s no longer exists."), poise_follow_up_get_uuid (follow_up));
      _poise_store_rollback (self);
      goto failed;
    }
  if (!_poise_store_queue (self, POISE_KIND_FOLLOW_UP, poise_follow_up_get_uuid (follow_up), error))
    {
      _poise_store_rollback (self);
      goto failed;
    }
  if (!_poise_store_commit (self, error))
    goto failed;

  g_object_thaw_notify (G_OBJECT (follow_up));
  _poise_store_emit_changed (self, poise_follow_up_get_uuid (follow_up));
  return TRUE;

failed:
  poise_follow_up_set_updated_at (follow_up, previous);
  g_object_thaw_notify (G_OBJECT (follow_up));
  return FALSE;
}

PoiseFollowUp *
_poise_store_select_one (PoiseStore  *self,
                         const char  *uuid,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  PoiseFollowUp *follow_up = NULL;
  int rc;

  stmt = _poise_store_get_statement (self, "SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups WHERE uuid = ?1",
                                     error);
  if (stmt == NULL)
    return NULL;

  _poise_store_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    follow_up = _poise_store_read_follow_up (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND,
                 /* Translators: %s is the follow-up's UUID. */
                 _("There is no follow-up %s."), uuid);
  else
    _poise_store_set_sqlite_error (self, error, C_("store action", "read the follow-up"));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return follow_up;
}

/**
 * poise_store_get_follow_up:
 *
 * Returns: (transfer full) (nullable): a fresh copy of the follow-up, or
 *   %NULL with @error set (%POISE_STORE_ERROR_NOT_FOUND if there is none)
 */
PoiseFollowUp *
poise_store_get_follow_up (PoiseStore  *self,
                           const char  *uuid,
                           GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  return _poise_store_select_one (self, uuid, error);
}

/**
 * poise_store_delete_follow_up:
 *
 * Deletes a follow-up and hands it back, so that Undo can give it to
 * poise_store_restore_follow_up().
 *
 * Returns: (transfer full) (nullable): the deleted follow-up, or %NULL with
 *   @error set
 */
PoiseFollowUp *
poise_store_delete_follow_up (PoiseStore  *self,
                              const char  *uuid,
                              GError     **error)
{
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  if (!_poise_store_begin (self, error))
    return NULL;

  /* Read and delete in one transaction: what Undo restores is exactly
   * what was deleted. */
  follow_up = _poise_store_select_one (self, uuid, error);
  if (follow_up == NULL)
    {
      _poise_store_rollback (self);
      return NULL;
    }

  stmt = _poise_store_get_statement (self, "DELETE FROM follow_ups WHERE uuid = ?1", error);
  if (stmt == NULL)
    {
      _poise_store_rollback (self);
      return NULL;
    }
  _poise_store_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "delete the follow-up"));
      _poise_store_rollback (self);
      return NULL;
    }
  if (!_poise_store_queue (self, POISE_KIND_FOLLOW_UP, uuid, error))
    {
      _poise_store_rollback (self);
      return NULL;
    }

  if (!_poise_store_commit (self, error))
    return NULL;

  _poise_store_emit_changed (self, uuid);
  return g_steal_pointer (&follow_up);
}

/**
 * poise_store_restore_follow_up:
 * @follow_up: as returned by poise_store_delete_follow_up()
 *
 * Puts a deleted follow-up back unchanged (same UUID and times).
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_restore_follow_up (PoiseStore     *self,
                               PoiseFollowUp  *follow_up,
                               GError        **error)
{
  return poise_store_insert_follow_up (self, follow_up, error);
}

/* ?1 is the UUID, ?2 the updated time, ?3 (if used) @value. */
static gboolean
update_fields (PoiseStore   *self,
               const char   *sql,
               const char   *uuid,
               gint64        value,
               GError      **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = _poise_store_get_statement (self, sql, error);
  if (stmt == NULL || !_poise_store_begin (self, error))
    return FALSE;

  _poise_store_bind_text (stmt, 1, uuid);
  _poise_store_bind_time (stmt, 2, now);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, value);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "save the follow-up"));
      _poise_store_rollback (self);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND,
                   /* Translators: %s is the follow-up's UUID. */
                   _("There is no follow-up %s."), uuid);
      _poise_store_rollback (self);
      return FALSE;
    }
  if (!_poise_store_queue (self, POISE_KIND_FOLLOW_UP, uuid, error))
    {
      _poise_store_rollback (self);
      return FALSE;
    }
  if (!_poise_store_commit (self, error))
    return FALSE;

  _poise_store_emit_changed (self, uuid);
  return TRUE;
}

/**
 * poise_store_mark_done:
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_mark_done (PoiseStore  *self,
                       const char  *uuid,
                       GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  return update_fields (self,
                        "UPDATE follow_ups SET status = 'done', updated_at = ?2 "
                        "WHERE uuid = ?1",
                        uuid, 0, error);
}

/**
 * poise_store_snooze:
 * @due_at: the new due time
 *
 * Moves the due time and (re)opens the follow-up, so that it reminds again.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_snooze (PoiseStore  *self,
                    const char  *uuid,
                    GDateTime   *due_at,
                    GError     **error)
{
  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);
  g_return_val_if_fail (due_at != NULL, FALSE);

  return update_fields (self,
                        "UPDATE follow_ups SET status = 'open', updated_at = ?2, due_at = ?3 "
                        "WHERE uuid = ?1",
                        uuid, g_date_time_to_unix (due_at), error);
}

/**
 * poise_store_set_owner:
 * @user_name: (nullable): the signed-in user, or %NULL for everyone
 *
 * Narrows the follow-up lists of the Follow-ups page and the reminders
 * (list, by status, open due before, search, count, next due) to mine:
 * assigned to me, or unassigned and made by me or made here and not yet
 * synced.  A follow-up handed over to a colleague leaves my lists.
 * Emits "changed" with a %NULL UUID when the owner changes.
 */
void
poise_store_set_owner (PoiseStore *self,
                       const char *user_name)
{
  g_return_if_fail (POISE_IS_STORE (self));

  if (user_name != NULL && user_name[0] == '\0')
    user_name = NULL;
  if (g_strcmp0 (self->owner, user_name) == 0)
    return;

  g_free (self->owner);
  self->owner = g_strdup (user_name);
  _poise_store_emit_changed (self, NULL);
}

const char *
poise_store_get_owner (PoiseStore *self)
{
  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  return self->owner;
}

/**
 * poise_store_list_open_follow_ups_for:
 * @customer_ref: the ticket or order number
 *
 * The whole team's open follow-ups for a customer, whoever keeps them (the
 * owner filter does not apply), by due time.
 *
 * Returns: (transfer full) (nullable): a list of #PoiseFollowUp, or %NULL
 *   with @error set
 */
GListStore *
poise_store_list_open_follow_ups_for (PoiseStore  *self,
                                      const char  *customer_ref,
                                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (customer_ref != NULL, NULL);

  stmt = _poise_store_get_statement (self,
                                     "SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups "
                                     "WHERE customer_ref = ?1 AND status = 'open' "
                                     "ORDER BY due_at, uuid",
                                     error);
  if (stmt == NULL)
    return NULL;
  _poise_store_bind_text (stmt, 1, customer_ref);
  return _poise_store_collect (self, stmt, error);
}

/**
 * poise_store_list_follow_ups:
 *
 * All follow-ups, by due time.  The list is a snapshot: the store's
 * "changed" signal says when to take a new one.
 *
 * Returns: (transfer full) (nullable): a list of #PoiseFollowUp, or %NULL
 *   with @error set
 */
GListStore *
poise_store_list_follow_ups (PoiseStore  *self,
                             GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);

  stmt = _poise_store_get_statement (self,
                                     "SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups WHERE 1" OWNER_FILTER
                                     " ORDER BY due_at, uuid",
                                     error);
  if (stmt == NULL)
    return NULL;
  bind_owner (self, stmt);
  return _poise_store_collect (self, stmt, error);
}

/**
 * poise_store_list_by_status:
 *
 * Returns: (transfer full) (nullable): the follow-ups with @status by due
 *   time, or %NULL with @error set
 */
GListStore *
poise_store_list_by_status (PoiseStore           *self,
                            PoiseFollowUpStatus   status,
                            GError              **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);

  stmt = _poise_store_get_statement (self,
                                     "SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups WHERE status = ?1"
                                     OWNER_FILTER " ORDER BY due_at, uuid",
                                     error);
  if (stmt == NULL)
    return NULL;
  bind_owner (self, stmt);
  _poise_store_bind_text (stmt, 1, poise_follow_up_status_to_string (status));
  return _poise_store_collect (self, stmt, error);
}

/**
 * poise_store_list_open_due_before:
 * @until: inclusive
 *
 * Returns: (transfer full) (nullable): the open follow-ups due at or
 *   before @until, by due time, or %NULL with @error set
 */
GListStore *
poise_store_list_open_due_before (PoiseStore  *self,
                                  GDateTime   *until,
                                  GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (until != NULL, NULL);

  stmt = _poise_store_get_statement (self,
                                     "SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups "
                                     "WHERE status = 'open' AND due_at <= ?1" OWNER_FILTER
                                     " ORDER BY due_at, uuid",
                                     error);
  if (stmt == NULL)
    return NULL;
  bind_owner (self, stmt);
  _poise_store_bind_time (stmt, 1, until);
  return _poise_store_collect (self, stmt, error);
}

/**
 * poise_store_search_follow_ups:
 * @text: words, each of which must occur in the customer name, reference,
 *   promise or note; case and accents are ignored
 *
 * Returns: (transfer full) (nullable): the matches by due time (all
 *   follow-ups for empty @text), or %NULL with @error set
 */
GListStore *
poise_store_search_follow_ups (PoiseStore  *self,
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

  /* Fields joined by a separator no word contains, so a word never
   * matches across two fields. */
  sql = g_string_new ("SELECT " FOLLOW_UP_COLUMNS " FROM follow_ups WHERE 1");
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (sql, " AND instr(poise_fold(coalesce(customer_name, '') "
                              "|| char(31) || coalesce(customer_ref, '') || char(31) || "
                              "coalesce(promise, '') || char(31) || coalesce(note, '')), ?%u) > 0",
                              ++n);
  g_string_append (sql, OWNER_FILTER " ORDER BY due_at, uuid");

  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "search the follow-ups"));
      return NULL;
    }

  n = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      sqlite3_bind_text (stmt, ++n, words[i], -1, SQLITE_STATIC);
  bind_owner (self, stmt);

  list = _poise_store_collect (self, stmt, error);
  sqlite3_finalize (stmt);
  return g_steal_pointer (&list);
}

/**
 * poise_store_count_open_due:
 * @until: inclusive
 * @count: (out): open follow-ups due at or before @until (the badge)
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_count_open_due (PoiseStore  *self,
                            GDateTime   *until,
                            guint       *count,
                            GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (until != NULL, FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  stmt = _poise_store_get_statement (self,
                                     "SELECT count(*) FROM follow_ups WHERE status = 'open' AND due_at <= ?1"
                                     OWNER_FILTER,
                                     error);
  if (stmt == NULL)
    return FALSE;
  bind_owner (self, stmt);
  _poise_store_bind_time (stmt, 1, until);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "count the follow-ups"));
  return TRUE;
}

/**
 * poise_store_get_next_due:
 * @after: (nullable): only due times strictly after this one
 * @next_due: (out) (transfer full) (nullable): the earliest due time of an
 *   open follow-up, or %NULL if there is none
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_store_get_next_due (PoiseStore  *self,
                          GDateTime   *after,
                          GDateTime  **next_due,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (next_due != NULL, FALSE);

  *next_due = NULL;
  stmt = _poise_store_get_statement (self,
                                     "SELECT min(due_at) FROM follow_ups WHERE status = 'open' AND due_at > ?1"
                                     OWNER_FILTER,
                                     error);
  if (stmt == NULL)
    return FALSE;
  bind_owner (self, stmt);
  sqlite3_bind_int64 (stmt, 1, after != NULL ? g_date_time_to_unix (after) : G_MININT64);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *next_due = g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    return _poise_store_set_sqlite_error (self, error, C_("store action", "find the next due follow-up"));
  return TRUE;
}

/**
 * poise_store_get_state:
 * @key: e.g. "conversation"
 *
 * Returns: (transfer full) (nullable): the value last set for @key, or
 *   %NULL (with @error unset if there is none, set if it could not be read)
 */
JsonNode *
poise_store_get_state (PoiseStore  *self,
                       const char  *key,
                       GError     **error)
{
  static const PoiseJsonLimits limits = { STATE_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  sqlite3_stmt *stmt;
  JsonNode *node;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _poise_store_get_statement (self, "SELECT value FROM state WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;
  _poise_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "read the saved state"));
      return NULL;
    }

  /* Only Poise writes it, but it is still a file on disk. */
  node = poise_json_parse_guarded (bytes, &limits, &local_error);
  if (node == NULL)
    g_set_error (error, POISE_STORE_ERROR, POISE_STORE_ERROR_DAMAGED,
                 /* Translators: the first %s is the name of the saved state
                  * (e.g. "conversation"), the second the database file, the
                  * third what is wrong with the saved JSON. */
                 _("The saved state \"%s\" in %s is damaged (%s)."),
                 key, self->path, local_error->message);
  return node;
}

/**
 * poise_store_set_state:
 * @value: (nullable): the new value; %NULL removes @key
 *
 * Returns: %TRUE once committed, or %FALSE with @error set
 */
gboolean
poise_store_set_state (PoiseStore  *self,
                       const char  *key,
                       JsonNode    *value,
                       GError     **error)
{
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (POISE_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value != NULL)
    {
      text = json_to_string (value, FALSE);
      stmt = _poise_store_get_statement (self, "INSERT INTO state (key, value) VALUES (?1, ?2) "
                                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
    }
  else
    {
      stmt = _poise_store_get_statement (self, "DELETE FROM state WHERE key = ?1", error);
    }
  if (stmt == NULL || !_poise_store_begin (self, error))
    return FALSE;

  _poise_store_bind_text (stmt, 1, key);
  if (text != NULL)
    _poise_store_bind_text (stmt, 2, text);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    {
      _poise_store_set_sqlite_error (self, error, C_("store action", "save the state"));
      _poise_store_rollback (self);
      return FALSE;
    }
  return _poise_store_commit (self, error);
}

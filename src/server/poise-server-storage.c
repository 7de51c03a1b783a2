/* poise-server-storage.c: SQLite behind the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two connections to one WAL database:
 *
 *  - the write connection belongs to one writer thread.  Writes queue up;
 *    the thread takes everything queued into one transaction (group
 *    commit: one fsync for many writes), each write inside a SAVEPOINT so
 *    a refused or failing write leaves no trace and does not fail the
 *    others.  A write is answered only after COMMIT returned with
 *    synchronous=FULL, so every 2xx is on disk.
 *  - the read connection is used on the main thread.  WAL lets it read the
 *    last commit while the writer fsyncs, so reads never wait for a disk
 *    flush.
 *
 * The command line (accounts, backup) uses the write connection directly
 * while no writer thread runs.
 */
#define G_LOG_DOMAIN "poise-server-storage"
#define _GNU_SOURCE   /* explicit_bzero, getrandom */

#include "config.h"

#include "poise-server-storage.h"
#include "poise-server-storage-private.h"
#include "poise-server-library-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>

#define SCHEMA_VERSION      2
#define BUSY_TIMEOUT_MS     10000
#define TOKEN_BYTES         32
/* Idempotency keys are kept long enough for any client to have retried. */
#define IDEMPOTENCY_KEEP_US (G_TIME_SPAN_DAY * 30)

typedef struct {
  sqlite3    *db;
  GHashTable *stmts;   /* SQL text → prepared statement, reused */
} Connection;

typedef struct {
  PoiseServerStorage   *self;
  PoiseServerWrite     *write;
  PoiseServerWriteFunc  callback;
  gpointer              user_data;
  PoiseServerWriteResult result;
  /* Set for work other modules bring (library publishes); else @write. */
  PoiseServerTxnFunc    txn;
  gpointer              txn_data;
} Job;

struct _PoiseServerStorage
{
  GObject       parent_instance;

  char         *path;
  char         *epoch;
  Connection    w;     /* writer thread (or the command line) */
  Connection    r;     /* main thread reads */

  GThread      *writer;
  GAsyncQueue  *queue;
  GMainContext *main_context;
  PoiseServerCommittedFunc committed;
  gpointer      committed_data;
  guint         batches;
};

G_DEFINE_FINAL_TYPE (PoiseServerStorage, poise_server_storage, G_TYPE_OBJECT)

/* Pushed to stop the writer thread; never dereferenced. */
static Job stop_job;

static const char *migrations[] = {
  /* 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE users ("
  "  name TEXT PRIMARY KEY,"
  "  role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor')),"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE records ("
  "  kind TEXT NOT NULL,"
  "  uuid TEXT NOT NULL,"
  "  rev INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL,"
  "  author TEXT NOT NULL,"
  "  assignee TEXT,"
  "  record TEXT NOT NULL,"
  "  PRIMARY KEY (kind, uuid)) WITHOUT ROWID;"
  "CREATE TABLE changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL,"
  "  uuid TEXT NOT NULL,"
  "  rev INTEGER NOT NULL,"
  "  deleted INTEGER NOT NULL,"
  "  record TEXT);"
  "CREATE TABLE idempotency ("
  "  user TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  rev INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user, key)) WITHOUT ROWID;"
  "CREATE INDEX idempotency_age ON idempotency (created_at);",
  /* 2: published script libraries (poise-server-library-store.c); version
   * 1, the built-in default, is stored by the migration itself. */
  "CREATE TABLE library_versions ("
  "  version INTEGER PRIMARY KEY,"
  "  author TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  published_at TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  rollback_of INTEGER,"
  "  library BLOB NOT NULL);",
};

/* Helpers */

void
poise_server_user_free (PoiseServerUser *user)
{
  if (user == NULL)
    return;
  g_free (user->name);
  g_free (user->role);
  g_free (user);
}

void
poise_server_write_free (PoiseServerWrite *write)
{
  if (write == NULL)
    return;
  g_free (write->kind);
  g_free (write->uuid);
  g_free (write->user);
  g_free (write->idempotency_key);
  g_clear_pointer (&write->record, json_object_unref);
  g_free (write->assignee);
  g_free (write);
}

gboolean
poise_server_user_name_is_valid (const char *name)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len == 0 || len > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._@-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/**
 * poise_server_error_json:
 * @current: (nullable): raw JSON for a "current" member, e.g. a record
 *
 * Returns: (transfer full): `{"error":{"code":…,"message":…}}`
 */
char *
poise_server_error_json (const char *code,
                         const char *message,
                         const char *current)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  error = json_generator_to_data (generator, NULL);

  if (current != NULL)
    return g_strdup_printf ("{\"error\":%s,\"current\":%s}", error, current);
  return g_strdup_printf ("{\"error\":%s}", error);
}

static gboolean
set_sqlite_error (GError    **error,
                  sqlite3    *db,
                  const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "Could not %s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec (Connection  *c,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (error, c->db, sql);
  return TRUE;
}

static void
finalize_stmt (gpointer data)
{
  sqlite3_finalize (data);
}

/* A reset statement for @sql, prepared once per connection. */
static sqlite3_stmt *
stmt (Connection *c,
      const char *sql)
{
  sqlite3_stmt *s = g_hash_table_lookup (c->stmts, sql);

  if (s == NULL)
    {
      if (sqlite3_prepare_v3 (c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        {
          g_warning ("Could not prepare %s: %s", sql, sqlite3_errmsg (c->db));
          return NULL;
        }
      g_hash_table_insert (c->stmts, (gpointer) sql, s);
    }
  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  return s;
}

static void
connection_close (Connection *c)
{
  g_clear_pointer (&c->stmts, g_hash_table_unref);
  g_clear_pointer (&c->db, sqlite3_close);
}

static gboolean
connection_open (Connection  *c,
                 const char  *path,
                 GError     **error)
{
  c->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                    finalize_stmt);
  if (sqlite3_open_v2 (path, &c->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, c->db, "open the database");
      return FALSE;
    }
  sqlite3_busy_timeout (c->db, BUSY_TIMEOUT_MS);
  /* FULL: COMMIT returns only once the WAL is fsync'ed. */
  return exec (c, "PRAGMA journal_mode=WAL", error) &&
         exec (c, "PRAGMA synchronous=FULL", error);
}

static char *
random_hex (gsize n_bytes)
{
  guint8 buf[64];
  GString *hex = g_string_sized_new (n_bytes * 2);
  gsize got = 0;

  g_assert (n_bytes <= sizeof buf);
  /* getrandom(2): the kernel's CSPRNG; GRand is not cryptographic. */
  while (got < n_bytes)
    {
      ssize_t n = getrandom (buf + got, n_bytes - got, 0);

      if (n < 0)
        g_error ("getrandom failed");
      got += n;
    }
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (hex, "%02x", buf[i]);
  explicit_bzero (buf, sizeof buf);
  return g_string_free (hex, FALSE);
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static char *
column_dup (sqlite3_stmt *s,
            int           i)
{
  return g_strdup ((const char *) sqlite3_column_text (s, i));
}

/* Schema */

static gboolean
migrate (PoiseServerStorage  *self,
         GError             **error)
{
  Connection *c = &self->w;
  sqlite3_stmt *s;
  int version;

  if (!exec (c, "BEGIN IMMEDIATE", error))
    return FALSE;
  s = stmt (c, "PRAGMA user_version");
  sqlite3_step (s);
  version = sqlite3_column_int (s, 0);
  sqlite3_reset (s);

  if (version > SCHEMA_VERSION)
    {
      exec (c, "ROLLBACK", NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The database has schema version %d; this poise-server knows %d",
                   version, SCHEMA_VERSION);
      return FALSE;
    }

  for (int v = version; v < SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (!exec (c, migrations[v], error) || !exec (c, set_version, error))
        {
          exec (c, "ROLLBACK", NULL);
          return FALSE;
        }
      if (v == 1 && !_poise_server_library_store_seed (c->db, error))
        {
          exec (c, "ROLLBACK", NULL);
          return FALSE;
        }
      if (v == 0)
        {
          /* The epoch: clients that see a new one re-upload, never delete. */
          g_autofree char *uuid = g_uuid_string_random ();

          s = stmt (c, "INSERT INTO meta (key, value) VALUES ('epoch', ?)");
          sqlite3_bind_text (s, 1, uuid, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (s) != SQLITE_DONE)
            {
              set_sqlite_error (error, c->db, "store the epoch");
              exec (c, "ROLLBACK", NULL);
              return FALSE;
            }
        }
    }

  if (!exec (c, "COMMIT", error))
    {
      exec (c, "ROLLBACK", NULL);
      return FALSE;
    }

  s = stmt (c, "SELECT value FROM meta WHERE key = 'epoch'");
  if (sqlite3_step (s) == SQLITE_ROW)
    self->epoch = column_dup (s, 0);
  sqlite3_reset (s);
  if (self->epoch == NULL)
    return set_sqlite_error (error, c->db, "read the epoch");
  return TRUE;
}

/* GObject */

static void
poise_server_storage_finalize (GObject *object)
{
  PoiseServerStorage *self = (PoiseServerStorage *) object;

  poise_server_storage_stop_writer (self);
  connection_close (&self->r);
  connection_close (&self->w);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->path);
  g_free (self->epoch);

  G_OBJECT_CLASS (poise_server_storage_parent_class)->finalize (object);
}

static void
poise_server_storage_class_init (PoiseServerStorageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_server_storage_finalize;
}

static void
poise_server_storage_init (PoiseServerStorage *self)
{
}

/* Public API: opening */

/**
 * poise_server_storage_open:
 * @path: the database file; created (with a new epoch) if missing
 *
 * Returns: (transfer full) (nullable): the storage
 */
PoiseServerStorage *
poise_server_storage_open (const char  *path,
                           GError     **error)
{
  g_autoptr(PoiseServerStorage) self = g_object_new (POISE_TYPE_SERVER_STORAGE, NULL);

  self->path = g_strdup (path);
  if (!connection_open (&self->w, path, error) ||
      !migrate (self, error) ||
      !connection_open (&self->r, path, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
poise_server_storage_get_epoch (PoiseServerStorage *self)
{
  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);
  return self->epoch;
}

/* Public API: accounts */

static gboolean
role_is_valid (const char *role)
{
  return g_strcmp0 (role, "agent") == 0 || g_strcmp0 (role, "supervisor") == 0;
}

/**
 * poise_server_storage_add_user:
 *
 * Returns: (transfer full) (nullable): the new user's token, shown once
 */
char *
poise_server_storage_add_user (PoiseServerStorage  *self,
                               const char          *name,
                               const char          *role,
                               GError             **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *now = now_rfc3339 ();
  sqlite3_stmt *s;
  int rc;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);

  if (!poise_server_user_name_is_valid (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A user name is 1–64 letters, digits or . _ @ -");
      return NULL;
    }
  if (!role_is_valid (role))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The role is agent or supervisor");
      return NULL;
    }

  hex = random_hex (TOKEN_BYTES);
  token = g_strconcat ("poise_", hex, NULL);
  hash = hash_token (token);
  s = stmt (&self->w, "INSERT INTO users (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)");
  sqlite3_bind_text (s, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, role, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 4, now, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "User “%s” already exists", name);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->w.db, "add the user");
      return NULL;
    }
  return g_steal_pointer (&token);
}

char *
poise_server_storage_reset_token (PoiseServerStorage  *self,
                                  const char          *name,
                                  GError             **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *hash = NULL;
  sqlite3_stmt *s;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);

  hex = random_hex (TOKEN_BYTES);
  token = g_strconcat ("poise_", hex, NULL);
  hash = hash_token (token);
  s = stmt (&self->w, "UPDATE users SET token_hash = ? WHERE name = ?");
  sqlite3_bind_text (s, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (s) != SQLITE_DONE)
    {
      set_sqlite_error (error, self->w.db, "reset the token");
      return NULL;
    }
  if (sqlite3_changes (self->w.db) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No user “%s”", name);
      return NULL;
    }
  return g_steal_pointer (&token);
}

gboolean
poise_server_storage_remove_user (PoiseServerStorage  *self,
                                  const char          *name,
                                  GError             **error)
{
  sqlite3_stmt *s;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), FALSE);

  /* The records keep the name as author: nothing is lost with the account. */
  s = stmt (&self->w, "DELETE FROM users WHERE name = ?");
  sqlite3_bind_text (s, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (s) != SQLITE_DONE)
    return set_sqlite_error (error, self->w.db, "remove the user");
  if (sqlite3_changes (self->w.db) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No user “%s”", name);
      return FALSE;
    }
  return TRUE;
}

/**
 * poise_server_storage_list_users:
 *
 * Returns: (transfer full) (element-type PoiseServerUser): users by name
 */
GPtrArray *
poise_server_storage_list_users (PoiseServerStorage  *self,
                                 GError             **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_server_user_free);
  sqlite3_stmt *s;
  int rc;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);

  s = stmt (&self->r, "SELECT name, role FROM users ORDER BY name");
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      PoiseServerUser *user = g_new0 (PoiseServerUser, 1);

      user->name = column_dup (s, 0);
      user->role = column_dup (s, 1);
      g_ptr_array_add (users, user);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->r.db, "list the users");
      return NULL;
    }
  return g_steal_pointer (&users);
}

/**
 * poise_server_storage_backup:
 * @out_path: a file that must not exist yet
 *
 * Copies the database with SQLite's online backup API: a consistent
 * snapshot even while the server writes, which copying the file (and its
 * WAL) is not.  The copy gets a new epoch, so clients of a restored server
 * re-upload what the backup missed instead of trusting their cursors.
 */
gboolean
poise_server_storage_backup (PoiseServerStorage  *self,
                             const char          *out_path,
                             GError             **error)
{
  Connection out = { 0 };
  g_autofree char *epoch = g_uuid_string_random ();
  g_autofree char *sql = NULL;
  sqlite3_backup *backup;
  int rc;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), FALSE);

  if (g_file_test (out_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s already exists", out_path);
      return FALSE;
    }
  out.stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     finalize_stmt);
  if (sqlite3_open_v2 (out_path, &out.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, out.db, "create the backup");
      connection_close (&out);
      return FALSE;
    }

  backup = sqlite3_backup_init (out.db, "main", self->r.db, "main");
  if (backup == NULL)
    {
      set_sqlite_error (error, out.db, "start the backup");
      connection_close (&out);
      return FALSE;
    }
  /* All pages in one step: one read snapshot, so the copy is consistent. */
  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (50);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, out.db, "copy the database");
      connection_close (&out);
      return FALSE;
    }

  sql = g_strdup_printf ("PRAGMA synchronous=FULL;"
                         "UPDATE meta SET value = '%s' WHERE key = 'epoch';", epoch);
  if (!exec (&out, sql, error))
    {
      connection_close (&out);
      return FALSE;
    }
  connection_close (&out);
  return TRUE;
}

/* Public API: reads */

/**
 * poise_server_storage_authenticate:
 *
 * Looks the token up by its SHA-256; the token itself is never stored.
 *
 * Returns: (transfer full) (nullable): the user, or %NULL
 */
PoiseServerUser *
poise_server_storage_authenticate (PoiseServerStorage *self,
                                   const char         *token)
{
  g_autofree char *hash = NULL;
  PoiseServerUser *user = NULL;
  sqlite3_stmt *s;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);

  if (token == NULL || *token == '\0')
    return NULL;
  hash = hash_token (token);
  s = stmt (&self->r, "SELECT name, role FROM users WHERE token_hash = ?");
  sqlite3_bind_text (s, 1, hash, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      user = g_new0 (PoiseServerUser, 1);
      user->name = column_dup (s, 0);
      user->role = column_dup (s, 1);
    }
  sqlite3_reset (s);
  return user;
}

/**
 * poise_server_storage_get_record:
 * @record: (out) (transfer full): the stored JSON (a tombstone if deleted)
 *
 * Returns: %FALSE if the record never existed
 */
gboolean
poise_server_storage_get_record (PoiseServerStorage  *self,
                                 const char          *kind,
                                 const char          *uuid,
                                 gint64              *rev,
                                 gboolean            *deleted,
                                 char               **record)
{
  gboolean found = FALSE;
  sqlite3_stmt *s;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), FALSE);

  s = stmt (&self->r, "SELECT rev, deleted, record FROM records WHERE kind = ? AND uuid = ?");
  sqlite3_bind_text (s, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      found = TRUE;
      *rev = sqlite3_column_int64 (s, 0);
      *deleted = sqlite3_column_int (s, 1) != 0;
      *record = column_dup (s, 2);
    }
  sqlite3_reset (s);
  return found;
}

/**
 * poise_server_storage_get_changes:
 *
 * Returns: (transfer full) (nullable): the change feed's JSON answer
 */
char *
poise_server_storage_get_changes (PoiseServerStorage  *self,
                                  gint64               since,
                                  guint                limit,
                                  GError             **error)
{
  GString *out = g_string_sized_new (4096);
  gint64 last_seq = since;
  gboolean more = FALSE;
  guint n = 0;
  sqlite3_stmt *s;
  int rc;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);

  /* One row more than asked tells whether there is more.  The stored
   * records are our own JSON (ids are checked UUIDs), so they are copied
   * into the answer without parsing them again. */
  s = stmt (&self->r, "SELECT seq, kind, uuid, rev, deleted, record FROM changes "
                      "WHERE seq > ? ORDER BY seq LIMIT ?");
  sqlite3_bind_int64 (s, 1, since);
  sqlite3_bind_int64 (s, 2, (gint64) limit + 1);
  g_string_append (out, "{\"changes\":[");
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      const char *record = (const char *) sqlite3_column_text (s, 5);

      if (n == limit)
        {
          more = TRUE;
          break;
        }
      last_seq = sqlite3_column_int64 (s, 0);
      g_string_append_printf (out,
                              "%s{\"seq\":%" G_GINT64_FORMAT ",\"kind\":\"%s\",\"id\":\"%s\","
                              "\"rev\":%" G_GINT64_FORMAT ",\"deleted\":%s,\"record\":%s}",
                              n > 0 ? "," : "",
                              last_seq,
                              (const char *) sqlite3_column_text (s, 1),
                              (const char *) sqlite3_column_text (s, 2),
                              (gint64) sqlite3_column_int64 (s, 3),
                              sqlite3_column_int (s, 4) ? "true" : "false",
                              record != NULL ? record : "null");
      n++;
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->r.db, "read the changes");
      g_string_free (out, TRUE);
      return NULL;
    }
  g_string_append_printf (out, "],\"last_seq\":%" G_GINT64_FORMAT ",\"more\":%s}",
                          last_seq, more ? "true" : "false");
  return g_string_free (out, FALSE);
}

/* The writer thread */

static void
set_result (PoiseServerWriteResult *result,
            guint                   status,
            gint64                  rev,
            char                   *body)
{
  result->status = status;
  result->rev = rev;
  g_free (result->body);
  result->body = body;
}

static void
refuse (PoiseServerWriteResult *result,
        guint                   status,
        const char             *code,
        const char             *message,
        const char             *current)
{
  set_result (result, status, 0, poise_server_error_json (code, message, current));
}

static gboolean
user_exists (Connection *c,
             const char *name)
{
  sqlite3_stmt *s = stmt (c, "SELECT 1 FROM users WHERE name = ?");
  gboolean found;

  sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_reset (s);
  return found;
}

static char *
record_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_node_set_object (node, object);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* Runs inside the write's SAVEPOINT.  Returns FALSE only on an SQLite
 * error; a refusal (403, 412, …) is a result and returns TRUE with
 * nothing written. */
static gboolean
apply_write (PoiseServerStorage     *self,
             PoiseServerWrite       *w,
             PoiseServerWriteResult *result)
{
  Connection *c = &self->w;
  g_autofree char *author = NULL;
  g_autofree char *assignee = NULL;
  g_autofree char *current = NULL;
  g_autofree char *record = NULL;
  gboolean exists = FALSE, deleted = FALSE;
  gint64 rev = 0, new_rev;
  sqlite3_stmt *s;

  /* A retry returns what the first attempt answered, whatever happened since. */
  s = stmt (c, "SELECT status, rev, body FROM idempotency WHERE user = ? AND key = ?");
  sqlite3_bind_text (s, 1, w->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, w->idempotency_key, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      set_result (result, sqlite3_column_int (s, 0), sqlite3_column_int64 (s, 1),
                  column_dup (s, 2));
      sqlite3_reset (s);
      return TRUE;
    }
  sqlite3_reset (s);

  s = stmt (c, "SELECT rev, deleted, author, assignee, record FROM records WHERE kind = ? AND uuid = ?");
  sqlite3_bind_text (s, 1, w->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, w->uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (s) == SQLITE_ROW)
    {
      exists = TRUE;
      rev = sqlite3_column_int64 (s, 0);
      deleted = sqlite3_column_int (s, 1) != 0;
      author = column_dup (s, 2);
      assignee = column_dup (s, 3);
      current = column_dup (s, 4);
    }
  sqlite3_reset (s);

  /* Creation by anyone; changes by the author, a follow-up's assignee or
   * a supervisor. */
  if (exists && !w->supervisor && g_strcmp0 (author, w->user) != 0 &&
      !(g_str_equal (w->kind, "followup") && g_strcmp0 (assignee, w->user) == 0))
    {
      refuse (result, 403, "forbidden",
              g_str_equal (w->kind, "note")
                ? "Only the note's author or a supervisor may change it"
                : "Only the follow-up's creator, its assignee or a supervisor may change it",
              NULL);
      return TRUE;
    }

  if (w->is_delete)
    {
      if (!exists)
        {
          refuse (result, 404, "not_found", "No such record", NULL);
          return TRUE;
        }
      if (w->if_match != rev)
        {
          refuse (result, 412, "precondition_failed", "The record has changed", current);
          return TRUE;
        }
      if (deleted)
        {
          /* Deleting a tombstone again changes nothing. */
          set_result (result, 200, rev, g_strdup (current));
          return TRUE;
        }
    }
  else if (w->if_none_match && exists)
    {
      refuse (result, 412, "precondition_failed", "The record already exists", current);
      return TRUE;
    }
  else if (!w->if_none_match && (!exists || w->if_match != rev))
    {
      refuse (result, 412, "precondition_failed",
              exists ? "The record has changed" : "No such record",
              exists ? current : "null");
      return TRUE;
    }

  if (!w->is_delete && w->assignee != NULL && !user_exists (c, w->assignee))
    {
      refuse (result, 422, "invalid_fields", "assignee: no such user", NULL);
      return TRUE;
    }

  new_rev = rev + 1;
  if (!exists)
    author = g_strdup (w->user);

  if (w->is_delete)
    {
      record = g_strdup_printf ("{\"uuid\":\"%s\",\"rev\":%" G_GINT64_FORMAT ",\"deleted\":true}",
                                w->uuid, new_rev);
    }
  else
    {
      g_autofree char *now = now_rfc3339 ();

      g_clear_pointer (&assignee, g_free);
      assignee = g_strdup (w->assignee);
      json_object_set_int_member (w->record, "rev", new_rev);
      json_object_set_string_member (w->record, "author", author);
      json_object_set_string_member (w->record, "updated_by", w->user);
      json_object_set_string_member (w->record, "updated_at", now);
      record = record_to_string (w->record);
    }

  s = stmt (c, "INSERT OR REPLACE INTO records (kind, uuid, rev, deleted, author, assignee, record) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (s, 1, w->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, w->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, new_rev);
  sqlite3_bind_int (s, 4, w->is_delete);
  sqlite3_bind_text (s, 5, author, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 6, assignee, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 7, record, -1, SQLITE_STATIC);
  if (sqlite3_step (s) != SQLITE_DONE)
    return FALSE;

  /* The seq is assigned here, in the write's transaction: commit order. */
  s = stmt (c, "INSERT INTO changes (kind, uuid, rev, deleted, record) VALUES (?, ?, ?, ?, ?)");
  sqlite3_bind_text (s, 1, w->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, w->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 3, new_rev);
  sqlite3_bind_int (s, 4, w->is_delete);
  if (w->is_delete)
    sqlite3_bind_null (s, 5);
  else
    sqlite3_bind_text (s, 5, record, -1, SQLITE_STATIC);
  if (sqlite3_step (s) != SQLITE_DONE)
    return FALSE;
  result->seq = sqlite3_last_insert_rowid (c->db);

  set_result (result, exists ? 200 : 201, new_rev, g_steal_pointer (&record));

  s = stmt (c, "INSERT INTO idempotency (user, key, status, rev, body, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (s, 1, w->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, w->idempotency_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 3, result->status);
  sqlite3_bind_int64 (s, 4, new_rev);
  sqlite3_bind_text (s, 5, result->body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 6, g_get_real_time ());
  return sqlite3_step (s) == SQLITE_DONE;
}

static void
job_free (Job *job)
{
  poise_server_write_free (job->write);
  g_free (job->result.body);
  g_free (job);
}

static gboolean
job_complete_cb (gpointer data)
{
  Job *job = data;

  job->callback (&job->result, job->user_data);
  return G_SOURCE_REMOVE;
}

typedef struct {
  PoiseServerStorage *self;
  gint64              last_seq;
} Committed;

static gboolean
committed_cb (gpointer data)
{
  Committed *committed = data;

  if (committed->self->committed != NULL)
    committed->self->committed (committed->last_seq, committed->self->committed_data);
  return G_SOURCE_REMOVE;
}

static void
fail_job (Job *job)
{
  job->result.seq = 0;
  refuse (&job->result, 500, "internal_error", "The write could not be stored", NULL);
}

static void
run_batch (PoiseServerStorage *self,
           GPtrArray          *batch)
{
  Connection *c = &self->w;
  gint64 last_seq = 0;
  gboolean committed;

  if (!exec (c, "BEGIN IMMEDIATE", NULL))
    {
      g_warning ("%s", sqlite3_errmsg (c->db));
      for (guint i = 0; i < batch->len; i++)
        fail_job (g_ptr_array_index (batch, i));
    }
  else
    {
      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);
          gboolean ok;

          exec (c, "SAVEPOINT w", NULL);
          if (job->txn != NULL)
            ok = job->txn (c->db, job->txn_data, &job->result);
          else
            ok = apply_write (self, job->write, &job->result);
          if (!ok)
            {
              g_warning ("A write failed: %s", sqlite3_errmsg (c->db));
              fail_job (job);
            }
          /* Record writes that change nothing have no seq; other work
           * keeps what it did unless it refused. */
          if (!ok || (job->txn != NULL ? job->result.status >= 300 : job->result.seq == 0))
            exec (c, "ROLLBACK TO w", NULL);
          exec (c, "RELEASE w", NULL);
        }

      /* Forget idempotency keys older than any retry, now and then. */
      if (++self->batches % 1024 == 0)
        {
          sqlite3_stmt *s = stmt (c, "DELETE FROM idempotency WHERE created_at < ?");

          sqlite3_bind_int64 (s, 1, g_get_real_time () - IDEMPOTENCY_KEEP_US);
          sqlite3_step (s);
          sqlite3_reset (s);
        }

      committed = exec (c, "COMMIT", NULL);
      if (!committed)
        {
          g_warning ("COMMIT failed: %s", sqlite3_errmsg (c->db));
          exec (c, "ROLLBACK", NULL);
        }
      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);

          if (!committed && job->result.status < 300)
            fail_job (job);
          last_seq = MAX (last_seq, job->result.seq);
        }
    }

  for (guint i = 0; i < batch->len; i++)
    g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                                job_complete_cb, g_ptr_array_index (batch, i),
                                (GDestroyNotify) job_free);
  g_ptr_array_set_size (batch, 0);

  if (last_seq > 0)
    {
      Committed *data = g_new0 (Committed, 1);

      data->self = self;
      data->last_seq = last_seq;
      g_main_context_invoke_full (self->main_context, G_PRIORITY_DEFAULT,
                                  committed_cb, data, g_free);
    }
}

static gpointer
writer_thread (gpointer data)
{
  PoiseServerStorage *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Job *job = g_async_queue_pop (self->queue);

      if (job == &stop_job)
        break;
      g_ptr_array_add (batch, job);

      /* Group commit: everything that queued up during the last fsync. */
      while (batch->len < POISE_SERVER_MAX_BATCH &&
             (job = g_async_queue_try_pop (self->queue)) != NULL)
        {
          if (job == &stop_job)
            {
              stop = TRUE;
              break;
            }
          g_ptr_array_add (batch, job);
        }
      run_batch (self, batch);
    }

  return NULL;
}

/* Public API: writes */

/**
 * poise_server_storage_start_writer:
 * @committed: (nullable): called on this thread's main context after each
 *   batch that changed something, with its last seq
 *
 * From now on the write connection belongs to the writer thread.
 */
void
poise_server_storage_start_writer (PoiseServerStorage       *self,
                                   PoiseServerCommittedFunc  committed,
                                   gpointer                  user_data)
{
  g_return_if_fail (POISE_IS_SERVER_STORAGE (self));
  g_return_if_fail (self->writer == NULL);

  self->main_context = g_main_context_ref_thread_default ();
  self->committed = committed;
  self->committed_data = user_data;
  self->queue = g_async_queue_new ();
  self->writer = g_thread_new ("poise-writer", writer_thread, self);
}

/**
 * poise_server_storage_write:
 * @write: (transfer full): the write
 *
 * Queues @write; @callback runs on the main context once it is committed
 * (2xx) or refused.
 */
void
poise_server_storage_write (PoiseServerStorage   *self,
                            PoiseServerWrite     *write,
                            PoiseServerWriteFunc  callback,
                            gpointer              user_data)
{
  Job *job;

  g_return_if_fail (POISE_IS_SERVER_STORAGE (self));
  g_return_if_fail (self->writer != NULL);

  job = g_new0 (Job, 1);
  job->self = self;
  job->write = write;
  job->callback = callback;
  job->user_data = user_data;
  g_async_queue_push (self->queue, job);
}

/* Finishes the queued writes, then stops the thread.  Their callbacks run
 * the next time the main context is iterated. */
void
poise_server_storage_stop_writer (PoiseServerStorage *self)
{
  g_return_if_fail (POISE_IS_SERVER_STORAGE (self));

  if (self->writer == NULL)
    return;
  g_async_queue_push (self->queue, &stop_job);
  g_thread_join (g_steal_pointer (&self->writer));
  g_clear_pointer (&self->queue, g_async_queue_unref);
}

/* Work from other modules (library publishes)
 *
 * These run in the writer thread's group commit like record writes, so a
 * publish is answered only once it is on disk, and SQLite's one writer
 * orders them with everything else. */

/**
 * _poise_server_storage_run:
 * @txn: runs in the writer thread inside its own SAVEPOINT; returns FALSE
 *   only on an SQLite error, and a result with status >= 300 undoes what
 *   it wrote
 * @callback: runs on the main context after COMMIT (or the refusal)
 *
 * @txn_data belongs to the caller and must live until @callback.
 */
void
_poise_server_storage_run (PoiseServerStorage   *self,
                           PoiseServerTxnFunc    txn,
                           gpointer              txn_data,
                           PoiseServerWriteFunc  callback,
                           gpointer              user_data)
{
  Job *job;

  g_return_if_fail (POISE_IS_SERVER_STORAGE (self));
  g_return_if_fail (self->writer != NULL);

  job = g_new0 (Job, 1);
  job->self = self;
  job->txn = txn;
  job->txn_data = txn_data;
  job->callback = callback;
  job->user_data = user_data;
  g_async_queue_push (self->queue, job);
}

/* The main thread's read connection. */
sqlite3 *
_poise_server_storage_get_read_db (PoiseServerStorage *self)
{
  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (self), NULL);
  return self->r.db;
}

/* poise-server-library-store.c: the published script libraries in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * History is linear and immutable: a publish (or a rollback, which
 * republishes an old version's bytes) appends version N+1 and nothing is
 * ever edited or deleted.  The bytes are stored exactly as published, with
 * their SHA-256, so every client can check what it received.
 *
 * Publishes run in the storage's writer thread (one SAVEPOINT each); the
 * check that base_version is still the newest and the insert happen in the
 * same transaction, so two supervisors can never both publish N+1.
 */
#define G_LOG_DOMAIN "poise-server-library"

#include "config.h"

#include "poise-server-library-store.h"

#include <string.h>

#include "poise-library-resources.h"

#define SEED_AUTHOR  "poise-server"
#define SEED_MESSAGE "The built-in default library"
/* Stored beside record writes' keys; the prefix keeps the two apart. */
#define KEY_PREFIX   "library:"

void
poise_server_library_version_free (PoiseServerLibraryVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->author);
  g_free (version->message);
  g_free (version->published_at);
  g_free (version->sha256);
  g_free (version);
}

void
poise_server_library_publish_free (PoiseServerLibraryPublish *publish)
{
  if (publish == NULL)
    return;
  g_free (publish->user);
  g_free (publish->message);
  g_free (publish->idempotency_key);
  g_clear_pointer (&publish->library, g_bytes_unref);
  g_clear_pointer (&publish->published, poise_server_library_version_free);
  g_clear_pointer (&publish->stored, g_bytes_unref);
  g_free (publish);
}

void
poise_server_library_version_build (const PoiseServerLibraryVersion *version,
                                    JsonBuilder                     *builder)
{
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version->version);
  json_builder_set_member_name (builder, "author");
  json_builder_add_string_value (builder, version->author);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, version->message);
  json_builder_set_member_name (builder, "published_at");
  json_builder_add_string_value (builder, version->published_at);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, version->sha256);
  json_builder_set_member_name (builder, "rollback_of");
  if (version->rollback_of > 0)
    json_builder_add_int_value (builder, version->rollback_of);
  else
    json_builder_add_null_value (builder);
}

static char *
version_to_json (const PoiseServerLibraryVersion *version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  poise_server_library_version_build (version, builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
set_error (GError    **error,
           sqlite3    *db,
           const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not %s: %s", what, sqlite3_errmsg (db));
  return FALSE;
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

static PoiseServerLibraryVersion *
version_from_row (sqlite3_stmt *s)
{
  PoiseServerLibraryVersion *version = g_new0 (PoiseServerLibraryVersion, 1);

  version->version = sqlite3_column_int64 (s, 0);
  version->author = column_dup (s, 1);
  version->message = column_dup (s, 2);
  version->published_at = column_dup (s, 3);
  version->sha256 = column_dup (s, 4);
  version->rollback_of = sqlite3_column_int64 (s, 5);
  return version;
}

#define VERSION_COLUMNS "version, author, message, published_at, sha256, rollback_of"

/* Inserts @version with @bytes; its sha256 is computed here. */
static gboolean
insert_version (sqlite3                   *db,
                PoiseServerLibraryVersion *version,
                GBytes                    *bytes)
{
  sqlite3_stmt *s = NULL;
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);
  int rc;

  g_free (version->sha256);
  version->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (sqlite3_prepare_v2 (db, "INSERT INTO library_versions (" VERSION_COLUMNS ", library) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_int64 (s, 1, version->version);
  sqlite3_bind_text (s, 2, version->author, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 3, version->message, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 4, version->published_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 5, version->sha256, -1, SQLITE_STATIC);
  if (version->rollback_of > 0)
    sqlite3_bind_int64 (s, 6, version->rollback_of);
  else
    sqlite3_bind_null (s, 6);
  /* A zero-length blob would read back as NULL; libraries are never empty. */
  sqlite3_bind_blob64 (s, 7, data != NULL ? data : "", size, SQLITE_STATIC);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  return rc == SQLITE_DONE;
}

/**
 * _poise_server_library_store_seed:
 *
 * Stores the default library this poise-server was built with as version
 * 1, so that even before anything is published every version is a row
 * that never changes (a later poise-server with a newer default does not
 * rewrite it).
 */
gboolean
_poise_server_library_store_seed (sqlite3  *db,
                                  GError  **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PoiseServerLibraryVersion) version = g_new0 (PoiseServerLibraryVersion, 1);

  bytes = g_resource_lookup_data (poise_library_get_resource (),
                                  RESOURCE_PATH "/library/default.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  version->version = 1;
  version->author = g_strdup (SEED_AUTHOR);
  version->message = g_strdup (SEED_MESSAGE);
  version->published_at = now_rfc3339 ();
  if (!insert_version (db, version, bytes))
    return set_error (error, db, "store the default library");
  return TRUE;
}

/**
 * poise_server_library_store_list:
 *
 * Returns: (transfer full) (element-type PoiseServerLibraryVersion): every
 *   version, oldest first
 */
GPtrArray *
poise_server_library_store_list (sqlite3  *db,
                                 GError  **error)
{
  g_autoptr(GPtrArray) versions =
    g_ptr_array_new_with_free_func ((GDestroyNotify) poise_server_library_version_free);
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT " VERSION_COLUMNS " FROM library_versions ORDER BY version",
                          -1, &s, NULL) != SQLITE_OK)
    {
      set_error (error, db, "list the library versions");
      return NULL;
    }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (versions, version_from_row (s));
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    {
      set_error (error, db, "list the library versions");
      return NULL;
    }
  return g_steal_pointer (&versions);
}

/**
 * poise_server_library_store_get:
 * @version: a version number, or -1 for the newest
 * @info: (out) (optional) (transfer full): its description
 *
 * Returns: (transfer full) (nullable): the stored bytes; %NULL without
 *   @error set when there is no such version
 */
GBytes *
poise_server_library_store_get (sqlite3                    *db,
                                gint64                      version,
                                PoiseServerLibraryVersion **info,
                                GError                    **error)
{
  const char *sql = version < 0
    ? "SELECT " VERSION_COLUMNS ", library FROM library_versions ORDER BY version DESC LIMIT 1"
    : "SELECT " VERSION_COLUMNS ", library FROM library_versions WHERE version = ?";
  sqlite3_stmt *s = NULL;
  GBytes *bytes = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    {
      set_error (error, db, "read a library version");
      return NULL;
    }
  if (version >= 0)
    sqlite3_bind_int64 (s, 1, version);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      bytes = g_bytes_new (sqlite3_column_blob (s, 6), sqlite3_column_bytes (s, 6));
      if (info != NULL)
        *info = version_from_row (s);
    }
  else if (rc != SQLITE_DONE)
    set_error (error, db, "read a library version");
  sqlite3_finalize (s);
  return bytes;
}

static void
refuse (PoiseServerWriteResult *result,
        guint                   status,
        const char             *code,
        const char             *message,
        char                   *extra)
{
  g_autofree char *owned_extra = extra;
  g_autofree char *error = poise_server_error_json (code, message, NULL);

  result->status = status;
  g_free (result->body);
  /* {"error":{…}} plus members of our own, e.g. the current version. */
  if (extra != NULL)
    result->body = g_strdup_printf ("%.*s,%s}", (int) strlen (error) - 1, error, extra);
  else
    result->body = g_steal_pointer (&error);
}

static gboolean
replay (sqlite3                   *db,
        PoiseServerLibraryPublish *publish,
        PoiseServerWriteResult    *result,
        gboolean                  *found)
{
  g_autofree char *key = g_strconcat (KEY_PREFIX, publish->idempotency_key, NULL);
  sqlite3_stmt *s = NULL;
  int rc;

  *found = FALSE;
  if (sqlite3_prepare_v2 (db, "SELECT status, body FROM idempotency WHERE user = ? AND key = ?",
                          -1, &s, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (s, 1, publish->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      result->status = sqlite3_column_int (s, 0);
      g_free (result->body);
      result->body = column_dup (s, 1);
    }
  sqlite3_finalize (s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
remember (sqlite3                   *db,
          PoiseServerLibraryPublish *publish,
          PoiseServerWriteResult    *result)
{
  g_autofree char *key = g_strconcat (KEY_PREFIX, publish->idempotency_key, NULL);
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT INTO idempotency (user, key, status, rev, body, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (s, 1, publish->user, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int (s, 3, result->status);
  sqlite3_bind_int64 (s, 4, publish->published->version);
  sqlite3_bind_text (s, 5, result->body, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (s, 6, g_get_real_time ());
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  return rc == SQLITE_DONE;
}

/**
 * poise_server_library_store_publish:
 *
 * Runs in the writer thread.  201 with the new version's description, 409
 * when base_version is not the newest (the body names the current one),
 * 422 when rollback_to names no version.  A retry with the same
 * Idempotency-Key gets the first answer again.
 */
gboolean
poise_server_library_store_publish (sqlite3                *db,
                                    gpointer                data,
                                    PoiseServerWriteResult *result)
{
  PoiseServerLibraryPublish *publish = data;
  g_autoptr(PoiseServerLibraryVersion) current = NULL;
  g_autoptr(PoiseServerLibraryVersion) version = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) latest = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  if (publish->idempotency_key != NULL)
    {
      if (!replay (db, publish, result, &found))
        return FALSE;
      if (found)
        return TRUE;
    }

  latest = poise_server_library_store_get (db, -1, &current, &error);
  if (latest == NULL)
    return FALSE;

  if (publish->base_version != current->version)
    {
      g_autofree char *message =
        g_strdup_printf ("Version %" G_GINT64_FORMAT " was published since version %" G_GINT64_FORMAT
                         "; pull it, merge your changes and publish again",
                         current->version, publish->base_version);
      g_autofree char *described = version_to_json (current);

      refuse (result, 409, "conflict", message,
              g_strdup_printf ("\"current_version\":%" G_GINT64_FORMAT ",\"current\":%s",
                               current->version, described));
      return TRUE;
    }

  if (publish->rollback_to > 0)
    {
      bytes = poise_server_library_store_get (db, publish->rollback_to, NULL, &error);
      if (bytes == NULL && error != NULL)
        return FALSE;
      if (bytes == NULL)
        {
          g_autofree char *message =
            g_strdup_printf ("rollback_to: there is no version %" G_GINT64_FORMAT, publish->rollback_to);

          refuse (result, 422, "invalid_fields", message, NULL);
          return TRUE;
        }
    }
  else
    bytes = g_bytes_ref (publish->library);

  version = g_new0 (PoiseServerLibraryVersion, 1);
  version->version = current->version + 1;
  version->author = g_strdup (publish->user);
  version->message = g_strdup (publish->message);
  version->published_at = now_rfc3339 ();
  version->rollback_of = publish->rollback_to;
  if (!insert_version (db, version, bytes))
    return FALSE;

  result->status = 201;
  result->rev = version->version;
  g_free (result->body);
  result->body = version_to_json (version);
  publish->published = g_steal_pointer (&version);
  publish->stored = g_steal_pointer (&bytes);

  return publish->idempotency_key == NULL || remember (db, publish, result);
}

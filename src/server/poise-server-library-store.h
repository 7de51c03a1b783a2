/* poise-server-library-store.h: the published script libraries in SQLite
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "poise-server-storage.h"

G_BEGIN_DECLS

/* What GET /library/versions lists for each version. */
typedef struct {
  gint64  version;
  char   *author;
  char   *message;
  char   *published_at;   /* RFC 3339, UTC */
  char   *sha256;         /* hex SHA-256 of the stored bytes */
  gint64  rollback_of;    /* the version republished, or 0 */
} PoiseServerLibraryVersion;

void poise_server_library_version_free (PoiseServerLibraryVersion *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseServerLibraryVersion, poise_server_library_version_free)

/* Adds @version's members to an open object of @builder. */
void poise_server_library_version_build (const PoiseServerLibraryVersion *version,
                                         JsonBuilder                     *builder);

/* One publish as the HTTP layer checked it; the writer thread fills in
 * the outcome. */
typedef struct {
  char                      *user;
  char                      *message;
  char                      *idempotency_key;   /* nullable */
  gint64                     base_version;
  GBytes                    *library;           /* checked bytes, or NULL for a rollback */
  gint64                     rollback_to;       /* 0 unless a rollback */

  /* Out: set when this call stored a new version (not for a replay). */
  PoiseServerLibraryVersion *published;
  GBytes                    *stored;
} PoiseServerLibraryPublish;

void poise_server_library_publish_free (PoiseServerLibraryPublish *publish);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseServerLibraryPublish, poise_server_library_publish_free)

/* The migration's part: version 1 is the built-in default library. */
gboolean                   _poise_server_library_store_seed (sqlite3                *db,
                                                             GError                **error);

/* Reads, on the connection given. */
GPtrArray                 *poise_server_library_store_list  (sqlite3                *db,
                                                             GError                **error);
/* NULL without @error for an unknown version; @version < 0 is the current. */
GBytes                    *poise_server_library_store_get   (sqlite3                *db,
                                                             gint64                  version,
                                                             PoiseServerLibraryVersion **info,
                                                             GError                **error);

/* A PoiseServerTxnFunc for @data, a PoiseServerLibraryPublish. */
gboolean                   poise_server_library_store_publish (sqlite3                *db,
                                                               gpointer                data,
                                                               PoiseServerWriteResult *result);

G_END_DECLS

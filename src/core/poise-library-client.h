/* poise-library-client.h: the team server's script library API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-library.h"

G_BEGIN_DECLS

#define POISE_LIBRARY_CLIENT_ERROR (poise_library_client_error_quark ())

typedef enum {
  POISE_LIBRARY_CLIENT_ERROR_NETWORK,     /* unreachable, TLS, timeout, bad address */
  POISE_LIBRARY_CLIENT_ERROR_FORBIDDEN,   /* 401 or 403: token or role */
  POISE_LIBRARY_CLIENT_ERROR_STALE,       /* 409: someone published since the base version */
  POISE_LIBRARY_CLIENT_ERROR_REJECTED,    /* 422: the problems say why */
  POISE_LIBRARY_CLIENT_ERROR_INCOMPLETE,  /* 422, only missing translations */
  POISE_LIBRARY_CLIENT_ERROR_NOT_FOUND,
  POISE_LIBRARY_CLIENT_ERROR_SERVER,      /* 5xx or an answer that is not Poise's */
} PoiseLibraryClientError;

/* One entry of GET /library/versions. */
typedef struct {
  gint64  version;
  char   *author;
  char   *message;
  char   *published_at;
  char   *sha256;
} PoiseLibraryVersion;

void poise_library_version_free (PoiseLibraryVersion *version);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseLibraryVersion, poise_library_version_free)

#define POISE_TYPE_LIBRARY_CLIENT (poise_library_client_get_type ())
G_DECLARE_FINAL_TYPE (PoiseLibraryClient, poise_library_client, POISE, LIBRARY_CLIENT, GObject)

GQuark              poise_library_client_error_quark (void);

/* @url as for the sync client ("http://host:port"); @token nullable. */
PoiseLibraryClient *poise_library_client_new          (const char  *url,
                                                       const char  *token);

/* GET /library (@version 0) or /library/versions/N. With @if_none_match
 * > 0 a 304 finishes with NULL and no error. The bytes are not validated. */
void     poise_library_client_fetch_async     (PoiseLibraryClient  *self,
                                               gint64               version,
                                               gint64               if_none_match,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GBytes  *poise_library_client_fetch_finish    (PoiseLibraryClient  *self,
                                               GAsyncResult        *result,
                                               gint64              *version,
                                               GError             **error);

/* PoiseLibraryVersion, newest last as the server lists them. */
void       poise_library_client_list_versions_async  (PoiseLibraryClient  *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray *poise_library_client_list_versions_finish (PoiseLibraryClient  *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* POST /library/versions: @library (JSON text) or, with @library NULL,
 * a rollback to @rollback_to. Finishes with the new version (> 0); on
 * a 422 @problems gets the server's PoiseProblem list. */
void     poise_library_client_publish_async   (PoiseLibraryClient  *self,
                                               gint64               base_version,
                                               const char          *message,
                                               GBytes              *library,
                                               gint64               rollback_to,
                                               gboolean             allow_incomplete,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gint64   poise_library_client_publish_finish  (PoiseLibraryClient  *self,
                                               GAsyncResult        *result,
                                               GPtrArray          **problems,
                                               GError             **error);

G_END_DECLS

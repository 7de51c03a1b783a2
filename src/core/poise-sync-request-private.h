/* poise-sync-request-private.h: one HTTP exchange with the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define POISE_SYNC_ERROR (poise_sync_error_quark ())

/* What failed, for the state (offline or error) and the message. */
typedef enum {
  POISE_SYNC_ERROR_UNREACHABLE,    /* no connection: refused, no route, DNS */
  POISE_SYNC_ERROR_TLS,
  POISE_SYNC_ERROR_UNAUTHORIZED,   /* 401: the token */
  POISE_SYNC_ERROR_NOT_POISE,      /* not JSON, or not the expected fields */
  POISE_SYNC_ERROR_SERVER,         /* 5xx */
  POISE_SYNC_ERROR_TIMEOUT,
  POISE_SYNC_ERROR_REFUSED,        /* another 4xx */
  POISE_SYNC_ERROR_INVALID_URL,
} PoiseSyncError;

GQuark poise_sync_error_quark (void);

typedef struct {
  guint     status;
  JsonNode *json;   /* the guarded body; an object */
} PoiseSyncReply;

void            _poise_sync_reply_free   (PoiseSyncReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseSyncReply, _poise_sync_reply_free)

/* "http://host:port" (no trailing slash) + @path, or NULL if @url is no
 * http(s) URL. */
char           *_poise_sync_build_url    (const char     *url,
                                          const char     *path);

/* Sends one request.  @if_match: -1 none, 0 `If-None-Match: *`, else the
 * revision.  The answer must be a JSON object (guarded); a status other
 * than 2xx, 403 and 412 is an error (PoiseSyncError, translated). */
void            _poise_sync_send_async   (SoupSession         *session,
                                          const char          *method,
                                          const char          *url,
                                          const char          *token,
                                          JsonNode            *body,
                                          const char          *idempotency_key,
                                          gint64               if_match,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
PoiseSyncReply *_poise_sync_send_finish  (GAsyncResult        *result,
                                          GError             **error);

/* A server field problem in a reply, as a PoiseSyncError. */
gboolean        _poise_sync_set_garbage  (GError             **error,
                                          const char          *url,
                                          const char          *detail);

/* Member helpers: NULL / FALSE if missing or of another type. */
const char     *_poise_sync_get_string   (JsonNode            *object,
                                          const char          *member);
gboolean        _poise_sync_get_int      (JsonNode            *object,
                                          const char          *member,
                                          gint64              *value);

/* The top of a GET /api/v1/changes?since=@since answer: FALSE if @root
 * is not an object with a "changes" array, an integer "last_seq" >= 0 and
 * a boolean "more", or if the changes' "seq"s do not rise from @since to
 * last_seq (a cursor past them would skip changes for good).  @changes
 * points into @root; poise_store_apply_changes() checks the changes. */
gboolean        _poise_sync_parse_changes_page (JsonNode   *root,
                                                gint64      since,
                                                JsonArray **changes,
                                                gint64     *last_seq,
                                                gboolean   *more);

G_END_DECLS

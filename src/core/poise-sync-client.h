/* poise-sync-client.h: keeps the local store in sync with the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-store.h"

G_BEGIN_DECLS

/**
 * PoiseSyncState:
 * @POISE_SYNC_STATE_DISABLED: no server set: nothing goes over the network
 * @POISE_SYNC_STATE_OFFLINE: the server cannot be reached; changes wait
 * @POISE_SYNC_STATE_SYNCING: pushing or pulling
 * @POISE_SYNC_STATE_SYNCED: everything is up to date
 * @POISE_SYNC_STATE_ERROR: the last sync failed; see the error message
 */
typedef enum {
  POISE_SYNC_STATE_DISABLED,
  POISE_SYNC_STATE_OFFLINE,
  POISE_SYNC_STATE_SYNCING,
  POISE_SYNC_STATE_SYNCED,
  POISE_SYNC_STATE_ERROR,
} PoiseSyncState;

#define POISE_TYPE_SYNC_CLIENT (poise_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSyncClient, poise_sync_client, POISE, SYNC_CLIENT, GObject)

PoiseSyncClient *poise_sync_client_new                   (PoiseStore          *store);
void             poise_sync_client_set_server            (PoiseSyncClient     *self,
                                                          const char          *url,
                                                          const char          *token);
void             poise_sync_client_sync_now              (PoiseSyncClient     *self);
PoiseSyncState   poise_sync_client_get_state             (PoiseSyncClient     *self);
const char      *poise_sync_client_get_error_message     (PoiseSyncClient     *self);
const char      *poise_sync_client_get_user_name         (PoiseSyncClient     *self);
const char      *poise_sync_client_get_user_role         (PoiseSyncClient     *self);
GDateTime       *poise_sync_client_get_last_synced       (PoiseSyncClient     *self);
guint            poise_sync_client_get_pending           (PoiseSyncClient     *self);
gboolean         poise_sync_client_get_live              (PoiseSyncClient     *self);
/* The server and token set, for other clients of the same server. */
const char      *poise_sync_client_get_url               (PoiseSyncClient     *self);
const char      *poise_sync_client_get_token             (PoiseSyncClient     *self);

/* Seconds a request may take before it counts as a stalled server
 * (default 30); mainly for tests. */
void             poise_sync_client_set_timeout           (PoiseSyncClient     *self,
                                                          guint                seconds);

void             poise_sync_client_test_connection_async (const char          *url,
                                                          const char          *token,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean         poise_sync_client_test_connection_finish (GAsyncResult       *result,
                                                           char              **name,
                                                           char              **role,
                                                           GError            **error);

void             poise_sync_client_list_users_async      (PoiseSyncClient     *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GStrv            poise_sync_client_list_users_finish     (PoiseSyncClient     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* After "deletions-pending" (guint n_deletions, guint n_local): apply the
 * deletions, or keep the records (they are uploaded again). */
void             poise_sync_client_resolve_deletions     (PoiseSyncClient     *self,
                                                          gboolean             apply);

/* Backup requests to the supervisors online (see poise-server-backup.c and
 * the "live-message" signal, detail "backup_request" / "backup_ack"). */
void             poise_sync_client_request_backup_async  (PoiseSyncClient     *self,
                                                          const char          *customer_ref,
                                                          const char          *scenario,
                                                          const char          *context,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
char            *poise_sync_client_request_backup_finish (PoiseSyncClient     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);
void             poise_sync_client_ack_backup_async      (PoiseSyncClient     *self,
                                                          const char          *id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean         poise_sync_client_ack_backup_finish     (PoiseSyncClient     *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS

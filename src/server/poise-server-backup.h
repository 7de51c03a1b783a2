/* poise-server-backup.h: agents asking supervisors for backup, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "poise-live-hub.h"
#include "poise-server-storage.h"

G_BEGIN_DECLS

#define POISE_BACKUP_CONTEXT_MAX 500
#define POISE_BACKUP_FIELD_MAX   200

#define POISE_TYPE_SERVER_BACKUP (poise_server_backup_get_type ())
G_DECLARE_FINAL_TYPE (PoiseServerBackup, poise_server_backup, POISE, SERVER_BACKUP, GObject)

PoiseServerBackup *poise_server_backup_new            (PoiseLiveHub      *hub);
/* Whether @path is under /api/v1/backup-requests. */
gboolean           poise_server_backup_owns           (const char        *path);
/* Answers 405 (and returns FALSE) for anything but POST. */
gboolean           poise_server_backup_method_allowed (SoupServerMessage *msg);
/* Handles an authenticated request on one of its routes. */
void               poise_server_backup_handle         (PoiseServerBackup *self,
                                                       SoupServerMessage *msg,
                                                       const char        *path,
                                                       PoiseServerUser   *user);

G_END_DECLS

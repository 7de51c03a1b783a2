/* poise-backup-alerts.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-sync-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_BACKUP_ALERTS (poise_backup_alerts_get_type ())
G_DECLARE_FINAL_TYPE (PoiseBackupAlerts, poise_backup_alerts, POISE, BACKUP_ALERTS, GObject)

/* Supervisors get a notification for each backup request heard on
 * @client's live socket; its "Acknowledge" button (the "app.backup-ack"
 * action it adds to @application) tells the agent help is coming. */
PoiseBackupAlerts *poise_backup_alerts_new (GApplication    *application,
                                            PoiseSyncClient *client);
/* Acknowledges request @id (what the notification's button does). */
void               poise_backup_alerts_acknowledge (PoiseBackupAlerts *self,
                                                    const char        *id);

G_END_DECLS

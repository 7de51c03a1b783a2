/* poise-backup-button.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-conversation.h"
#include "poise-library.h"
#include "poise-sync-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_BACKUP_BUTTON (poise_backup_button_get_type ())
G_DECLARE_FINAL_TYPE (PoiseBackupButton, poise_backup_button, POISE, BACKUP_BUTTON, GtkWidget)

/* @client may be NULL (no team sync in this Poise): the button then says
 * that a team server is needed. */
void        poise_backup_button_setup      (PoiseBackupButton *self,
                                            PoiseSyncClient   *client,
                                            PoiseLibrary      *library,
                                            PoiseConversation *conversation,
                                            const char        *language);
void        poise_backup_button_set_language (PoiseBackupButton *self,
                                              const char        *language);
/* Sends the request with @context (what the dialog asks for). */
void        poise_backup_button_send       (PoiseBackupButton *self,
                                            const char        *context);
/* What the agent sees: "Request sent", "Alex is on the way", an error. */
const char *poise_backup_button_get_status (PoiseBackupButton *self);

G_END_DECLS

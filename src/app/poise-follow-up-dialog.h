/* poise-follow-up-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-store.h"
#include "poise-sync-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_FOLLOW_UP_DIALOG (poise_follow_up_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PoiseFollowUpDialog, poise_follow_up_dialog, POISE, FOLLOW_UP_DIALOG, AdwWindow)

/* Edits a copy of @follow_up and writes it to @store on Save: an update
 * if the store has it, an insert otherwise. Emits "saved" (PoiseFollowUp*)
 * once written. */
PoiseFollowUpDialog *poise_follow_up_dialog_new  (PoiseStore    *store,
                                                  PoiseFollowUp *follow_up);
/* Saves as if Save were pressed; FALSE with @error if the store refused. */
gboolean             poise_follow_up_dialog_save (PoiseFollowUpDialog *self,
                                                  GError             **error);
/* "Assigned To" lists the colleagues known to @client (nullable: off). */
void                 poise_follow_up_dialog_set_sync_client (PoiseFollowUpDialog *self,
                                                             PoiseSyncClient     *client);

G_END_DECLS

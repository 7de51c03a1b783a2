/* poise-next-step-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define POISE_TYPE_NEXT_STEP_DIALOG (poise_next_step_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PoiseNextStepDialog, poise_next_step_dialog, POISE, NEXT_STEP_DIALOG, AdwWindow)

/* Signal "next-step" (const char *action, GDateTime *due_utc) when the agent
 * inserts it; the dialog then closes. */
PoiseNextStepDialog *poise_next_step_dialog_new      (GtkWindow           *parent);
void                 poise_next_step_dialog_set_action (PoiseNextStepDialog *self,
                                                        const char          *action);
/* 0 in 1 hour, 1 in 3 hours (the default), 2 tomorrow 9:00, 3 next business day 9:00. */
void                 poise_next_step_dialog_set_choice (PoiseNextStepDialog *self,
                                                        guint                choice);

G_END_DECLS

/* poise-summary-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-store.h"

G_BEGIN_DECLS

#define POISE_TYPE_SUMMARY_DIALOG (poise_summary_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSummaryDialog, poise_summary_dialog, POISE, SUMMARY_DIALOG, AdwMessageDialog)

/* Offers @summary, editable, as a note about @customer_ref in @store. */
PoiseSummaryDialog *poise_summary_dialog_new      (GtkWindow          *parent,
                                                   PoiseStore         *store,
                                                   const char         *customer_ref,
                                                   const char         *summary);
GtkTextBuffer      *poise_summary_dialog_get_buffer (PoiseSummaryDialog *self);

G_END_DECLS

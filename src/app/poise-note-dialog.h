/* poise-note-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-store.h"

G_BEGIN_DECLS

#define POISE_TYPE_NOTE_DIALOG (poise_note_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PoiseNoteDialog, poise_note_dialog, POISE, NOTE_DIALOG, AdwWindow)

/* Edits a copy of @note (new or stored); Save writes it to @store. */
PoiseNoteDialog *poise_note_dialog_new       (PoiseStore       *store,
                                              PoiseNote        *note);
/* Merging a conflicted copy: the text starts as both versions, and a
 * successful save into @original deletes @copy. */
PoiseNoteDialog *poise_note_dialog_new_merge (PoiseStore       *store,
                                              PoiseNote        *original,
                                              PoiseNote        *copy);
/* What Save does, for tests: FALSE with @error, and nothing saved. */
gboolean         poise_note_dialog_save      (PoiseNoteDialog  *self,
                                              GError          **error);
/* Signal "saved" (PoiseNoteDialog *self, PoiseNote *note). */

G_END_DECLS

/* poise-note-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-note.h"

G_BEGIN_DECLS

#define POISE_TYPE_NOTE_ROW (poise_note_row_get_type ())
G_DECLARE_FINAL_TYPE (PoiseNoteRow, poise_note_row, POISE, NOTE_ROW, GtkWidget)

PoiseNoteRow *poise_note_row_new         (void);
void          poise_note_row_show_header (PoiseNoteRow *self,
                                          const char   *title);
/* @other: for a conflicted copy, the note it conflicts with (nullable). */
void          poise_note_row_show_note   (PoiseNoteRow *self,
                                          PoiseNote    *note,
                                          PoiseNote    *other,
                                          GDateTime    *now);

G_END_DECLS

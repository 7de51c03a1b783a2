/* poise-notes-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-store.h"
#include "poise-sync-indicator.h"

G_BEGIN_DECLS

#define POISE_TYPE_NOTES_PAGE (poise_notes_page_get_type ())
G_DECLARE_FINAL_TYPE (PoiseNotesPage, poise_notes_page, POISE, NOTES_PAGE, GtkWidget)

/* @store may be NULL when the database could not be opened. */
void                poise_notes_page_setup              (PoiseNotesPage *self,
                                                         PoiseStore     *store,
                                                         AdwViewStack   *view_stack);
/* Opens the editor for a new note about @customer_ref (nullable). */
void                poise_notes_page_new_note           (PoiseNotesPage *self,
                                                         const char     *customer_ref);
/* Opens the editor for the note @uuid, if it exists. */
void                poise_notes_page_edit_note          (PoiseNotesPage *self,
                                                         const char     *uuid);
void                poise_notes_page_start_search       (PoiseNotesPage *self);
/* Searches the team's notes for @text right away ("" shows all). */
void                poise_notes_page_search             (PoiseNotesPage *self,
                                                         const char     *text);
/* What the list shows: customer headings (GtkStringObject) and PoiseNotes,
 * brought up to date first if the page was hidden. */
GListModel         *poise_notes_page_get_model          (PoiseNotesPage *self);
PoiseSyncIndicator *poise_notes_page_get_sync_indicator (PoiseNotesPage *self);

G_END_DECLS

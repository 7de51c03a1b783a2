/* poise-follow-ups-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-store.h"
#include "poise-sync-client.h"
#include "poise-sync-indicator.h"

G_BEGIN_DECLS

#define POISE_TYPE_FOLLOW_UPS_PAGE (poise_follow_ups_page_get_type ())
G_DECLARE_FINAL_TYPE (PoiseFollowUpsPage, poise_follow_ups_page, POISE, FOLLOW_UPS_PAGE, GtkWidget)

/* @store may be NULL when the database could not be opened. */
void       poise_follow_ups_page_setup           (PoiseFollowUpsPage *self,
                                                  PoiseStore         *store,
                                                  AdwViewStack       *view_stack);
/* Follow-ups overdue or due today: the page's badge. Property "n-due". */
guint      poise_follow_ups_page_get_n_due       (PoiseFollowUpsPage *self);
/* Opens the editor for a new follow-up, prefilled from @template (nullable). */
void       poise_follow_ups_page_new_follow_up   (PoiseFollowUpsPage *self,
                                                  PoiseFollowUp      *template);
/* Opens the editor for the follow-up @uuid, if it exists. */
void       poise_follow_ups_page_edit_follow_up  (PoiseFollowUpsPage *self,
                                                  const char         *uuid);
/* What the list shows: section headings (GtkStringObject) and PoiseFollowUps,
 * brought up to date first if the page was hidden. */
GListModel *poise_follow_ups_page_get_model      (PoiseFollowUpsPage *self);
void       poise_follow_ups_page_start_search    (PoiseFollowUpsPage *self);
/* The page's own sync status button, for the window to bind. */
PoiseSyncIndicator *poise_follow_ups_page_get_sync_indicator (PoiseFollowUpsPage *self);
/* Hand-over asks @client (nullable) for the colleagues. */
void       poise_follow_ups_page_set_sync_client (PoiseFollowUpsPage *self,
                                                  PoiseSyncClient    *client);
/* Assigns @uuid to @user_name, with an Undo toast. */
gboolean   poise_follow_ups_page_hand_over       (PoiseFollowUpsPage  *self,
                                                  const char          *uuid,
                                                  const char          *user_name,
                                                  GError             **error);

G_END_DECLS

/* poise-customer-panel.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-conversation.h"
#include "poise-store.h"

G_BEGIN_DECLS

/* The conversation's customer reference, kept among its values under this
 * key so it is saved and restored (and cleared) with the conversation. */
#define POISE_CUSTOMER_REF_KEY "poise:customer-ref"

#define POISE_TYPE_CUSTOMER_PANEL (poise_customer_panel_get_type ())
G_DECLARE_FINAL_TYPE (PoiseCustomerPanel, poise_customer_panel, POISE, CUSTOMER_PANEL, GtkWidget)

/* @store may be NULL when the database could not be opened. */
void        poise_customer_panel_setup       (PoiseCustomerPanel *self,
                                              PoiseConversation  *conversation,
                                              PoiseStore         *store);
/* What the team list shows: PoiseNotes (newest first), then the open
 * PoiseFollowUps for the reference entered. */
GListModel *poise_customer_panel_get_model   (PoiseCustomerPanel *self);
/* Lists again now rather than after the typing pause. */
void        poise_customer_panel_refresh     (PoiseCustomerPanel *self);

G_END_DECLS

/* poise-sync-indicator.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define POISE_TYPE_SYNC_INDICATOR (poise_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSyncIndicator, poise_sync_indicator, POISE, SYNC_INDICATOR, GtkWidget)

/* Properties mirror PoiseSyncClient's: "state" (the PoiseSyncState value:
 * 0 disabled, 1 offline, 2 syncing, 3 synced, 4 error), "error-message",
 * "last-synced" (GDateTime, nullable), "pending" (guint). Hidden while
 * disabled. */
PoiseSyncIndicator *poise_sync_indicator_new           (void);
/* Follows @client's properties of the same names (nullable: unbinds). */
void                poise_sync_indicator_bind          (PoiseSyncIndicator *self,
                                                        GObject            *client);
guint               poise_sync_indicator_get_state     (PoiseSyncIndicator *self);
/* What the button and the popover say now, for tests and a11y. */
const char         *poise_sync_indicator_get_summary   (PoiseSyncIndicator *self);
const char         *poise_sync_indicator_get_detail    (PoiseSyncIndicator *self);

G_END_DECLS

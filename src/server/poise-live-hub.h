/* poise-live-hub.h: the live sockets that get poked after each commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define POISE_LIVE_KEEPALIVE_S 25

#define POISE_TYPE_LIVE_HUB (poise_live_hub_get_type ())
G_DECLARE_FINAL_TYPE (PoiseLiveHub, poise_live_hub, POISE, LIVE_HUB, GObject)

PoiseLiveHub *poise_live_hub_new           (void);
void          poise_live_hub_add           (PoiseLiveHub            *self,
                                            SoupWebsocketConnection *connection);
void          poise_live_hub_poke          (PoiseLiveHub            *self,
                                            gint64                   last_seq);
void          poise_live_hub_broadcast     (PoiseLiveHub            *self,
                                            const char              *text);
guint         poise_live_hub_get_n_sockets (PoiseLiveHub            *self);

G_END_DECLS

/* poise-socket-reaper.h: close the sockets libsoup 3.2 forgets to close
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define POISE_TYPE_SOCKET_REAPER (poise_socket_reaper_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSocketReaper, poise_socket_reaper, POISE, SOCKET_REAPER, GObject)

PoiseSocketReaper *poise_socket_reaper_new     (guint              interval_ms);
/* Watches @socket (a client connection's) until it is finalized or reaped. */
void               poise_socket_reaper_watch   (PoiseSocketReaper *self,
                                                GSocket           *socket);
/* Closes every watched socket whose TCP connection is over; returns how many. */
guint              poise_socket_reaper_sweep   (PoiseSocketReaper *self);
guint              poise_socket_reaper_get_n_watched (PoiseSocketReaper *self);

G_END_DECLS

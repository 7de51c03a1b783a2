/* poise-server.h: the team server's HTTP API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "poise-server-storage.h"

G_BEGIN_DECLS

#define POISE_SERVER_MAX_BODY (1024 * 1024)
/* Seconds a request's headers and body may take to arrive. */
#define POISE_SERVER_DEFAULT_REQUEST_TIMEOUT 30

#define POISE_TYPE_SERVER (poise_server_get_type ())
G_DECLARE_FINAL_TYPE (PoiseServer, poise_server, POISE, SERVER, GObject)

PoiseServer *poise_server_new            (PoiseServerStorage  *storage);
gboolean     poise_server_listen         (PoiseServer         *self,
                                          const char          *address,
                                          guint                port,
                                          GTlsCertificate     *certificate,
                                          GError             **error);
/* The first listening URI, e.g. "http://127.0.0.1:8080/". */
char        *poise_server_get_uri        (PoiseServer         *self);
void         poise_server_set_trust_proxy (PoiseServer        *self,
                                           gboolean            trust_proxy);
void         poise_server_set_request_timeout (PoiseServer   *self,
                                               guint          seconds);
SoupServer  *poise_server_get_soup_server (PoiseServer        *self);
/* Stops listening and finishes the queued writes. */
void         poise_server_stop           (PoiseServer         *self);

G_END_DECLS

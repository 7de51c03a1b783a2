/* poise-server-library.h: the script library routes of the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "poise-json-guard.h"
#include "poise-live-hub.h"
#include "poise-server-storage.h"

G_BEGIN_DECLS

/* Publishing takes a whole library: bodies up to 8 MiB on that one route. */
#define POISE_SERVER_LIBRARY_MAX_BODY POISE_LIBRARY_MAX_BYTES

#define POISE_TYPE_SERVER_LIBRARY (poise_server_library_get_type ())
G_DECLARE_FINAL_TYPE (PoiseServerLibrary, poise_server_library, POISE, SERVER_LIBRARY, GObject)

PoiseServerLibrary *poise_server_library_new        (PoiseServerStorage *storage,
                                                     PoiseLiveHub       *hub);
/* @path is under /api/v1/library. */
gboolean            poise_server_library_owns_path  (const char         *path);
/* The body limit for @msg if it is a publish, else 0. */
gsize               poise_server_library_body_limit (SoupServerMessage  *msg);
/* Answers an authenticated request for one of the library routes. */
void                poise_server_library_handle     (PoiseServerLibrary *self,
                                                     SoupServerMessage  *msg,
                                                     const char         *path,
                                                     PoiseServerUser    *user);
/* Publishes that arrive from now on get 503. */
void                poise_server_library_stop       (PoiseServerLibrary *self);

G_END_DECLS

/* poise-library-updater.h: keeps the team's current script library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-library.h"
#include "poise-sync-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_LIBRARY_UPDATER (poise_library_updater_get_type ())
G_DECLARE_FINAL_TYPE (PoiseLibraryUpdater, poise_library_updater, POISE, LIBRARY_UPDATER, GObject)

/* Loads the library cached in @cache_dir ($XDG_DATA_HOME/poise/library),
 * or the built-in one when there is none or it is damaged (logged). */
PoiseLibraryUpdater *poise_library_updater_new          (const char          *cache_dir);

/* Nullable: only if the built-in library is broken too. */
PoiseLibrary        *poise_library_updater_get_library  (PoiseLibraryUpdater *self);
/* The server's version of the library held; 0 for the built-in one. */
gint64               poise_library_updater_get_version  (PoiseLibraryUpdater *self);
/* Why the last update was not taken; NULL after a good one. */
const char          *poise_library_updater_get_error_message (PoiseLibraryUpdater *self);

/* Follows @client's server: fetches when the live socket (re)connects and
 * on each live "library" message. NULL stops following. */
void                 poise_library_updater_set_sync_client (PoiseLibraryUpdater *self,
                                                            PoiseSyncClient     *client);
PoiseSyncClient     *poise_library_updater_get_sync_client (PoiseLibraryUpdater *self);
/* Asks the server now (does nothing without a server). */
void                 poise_library_updater_check_now    (PoiseLibraryUpdater *self);

/* signal "updated" (PoiseLibrary *old (nullable), PoiseLibrary *new,
 *                   gint64 version, const char *message (nullable))
 * signal "failed"  (const char *message): a library was not switched to */

G_END_DECLS

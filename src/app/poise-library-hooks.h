/* poise-library-hooks.h: where the team's script library meets the app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-application.h"
#include "poise-window.h"

G_BEGIN_DECLS

/* At start-up: the updater with the cached library (or the built-in one),
 * switching @app's library on each update, and app.edit-library. */
PoiseLibraryUpdater *poise_library_hooks_start          (PoiseApplication *app);
/* Follows @client's server (NULL: none). */
void                 poise_library_hooks_follow_sync    (PoiseApplication *app,
                                                         PoiseSyncClient  *client);
/* The "Scripts updated" toast and update errors in @window. */
void                 poise_library_hooks_setup_window   (PoiseWindow      *window,
                                                         PoiseApplication *app);
/* The toast for an update from @old to @new (for tests too). */
void                 poise_library_hooks_show_update    (PoiseWindow      *window,
                                                         PoiseLibrary     *old,
                                                         PoiseLibrary     *new_library,
                                                         gint64            version,
                                                         const char       *message);

G_END_DECLS

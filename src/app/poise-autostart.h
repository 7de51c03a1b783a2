/* poise-autostart.h: starting Poise at login, with or without Flatpak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the autostart entry and the Background portal run. */
#define POISE_AUTOSTART_COMMAND "poise --background"

gboolean  poise_autostart_is_sandboxed   (void);
char     *poise_autostart_get_entry_path (const char       *app_id);
gboolean  poise_autostart_write_entry    (const char       *app_id,
                                          gboolean          enabled,
                                          GError          **error);
void      poise_autostart_request_portal (GDBusConnection  *connection,
                                          gboolean          enabled);
void      poise_autostart_set_enabled    (GApplication     *application,
                                          gboolean          enabled);

G_END_DECLS

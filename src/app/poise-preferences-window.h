/* poise-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define POISE_TYPE_PREFERENCES_WINDOW (poise_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PoisePreferencesWindow, poise_preferences_window, POISE, PREFERENCES_WINDOW, AdwPreferencesWindow)

PoisePreferencesWindow *poise_preferences_window_new (GSettings *settings);

G_END_DECLS

/* poise-pause-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define POISE_PAUSE_MINUTES 5

#define POISE_TYPE_PAUSE_WINDOW (poise_pause_window_get_type ())
G_DECLARE_FINAL_TYPE (PoisePauseWindow, poise_pause_window, POISE, PAUSE_WINDOW, AdwWindow)

PoisePauseWindow *poise_pause_window_new          (GtkWindow        *parent);
/* Seconds left of the pause. */
guint             poise_pause_window_get_remaining (PoisePauseWindow *self);

G_END_DECLS

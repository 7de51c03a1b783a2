/* poise-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-application.h"

G_BEGIN_DECLS

#define POISE_TYPE_WINDOW (poise_window_get_type ())
G_DECLARE_FINAL_TYPE (PoiseWindow, poise_window, POISE, WINDOW, AdwApplicationWindow)

PoiseWindow *poise_window_new        (PoiseApplication *application);
/* A toast that stays until dismissed: what went wrong, and the detail. */
void         poise_window_show_error (PoiseWindow *self,
                                      const char  *summary,
                                      const char  *detail);
void         poise_window_add_toast  (PoiseWindow *self,
                                      AdwToast    *toast);
/* Shows the Follow-ups page; with @uuid, opens that follow-up. */
void         poise_window_show_follow_up (PoiseWindow *self,
                                          const char  *uuid);

G_END_DECLS

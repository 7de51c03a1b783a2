/* poise-auth-throttle.h: slow down token guessing, per client address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define POISE_AUTH_MAX_FAILURES 10
#define POISE_AUTH_WINDOW_US    (60 * G_USEC_PER_SEC)

#define POISE_TYPE_AUTH_THROTTLE (poise_auth_throttle_get_type ())
G_DECLARE_FINAL_TYPE (PoiseAuthThrottle, poise_auth_throttle, POISE, AUTH_THROTTLE, GObject)

PoiseAuthThrottle *poise_auth_throttle_new            (void);
/* Seconds until @address may try again, 0 if it may now. */
guint              poise_auth_throttle_blocked_for    (PoiseAuthThrottle *self,
                                                       const char        *address);
/* Records a failure; returns TRUE if @address is blocked from now on. */
gboolean           poise_auth_throttle_record_failure (PoiseAuthThrottle *self,
                                                       const char        *address);

G_END_DECLS

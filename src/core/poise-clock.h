/* poise-clock.h: wall-clock time and one timer, real or driven by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define POISE_TYPE_CLOCK (poise_clock_get_type ())
G_DECLARE_FINAL_TYPE (PoiseClock, poise_clock, POISE, CLOCK, GObject)

PoiseClock *poise_clock_new_system   (void);
PoiseClock *poise_clock_new_manual   (GDateTime  *now);

gboolean    poise_clock_is_manual    (PoiseClock *self);
GDateTime  *poise_clock_get_now      (PoiseClock *self);
/* One timer: arming replaces the previous one. */
void        poise_clock_arm          (PoiseClock *self,
                                      GDateTime  *when);
void        poise_clock_disarm       (PoiseClock *self);
GDateTime  *poise_clock_get_deadline (PoiseClock *self);

/* Manual clocks only: time passes, or the wall clock is set. */
void        poise_clock_advance      (PoiseClock *self,
                                      GTimeSpan   span);
void        poise_clock_jump         (PoiseClock *self,
                                      GDateTime  *now);

/* signal "wakeup" (PoiseClock *self): the armed time was reached, or the
 * wall clock was set; the timer is disarmed either way. */

G_END_DECLS

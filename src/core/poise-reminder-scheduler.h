/* poise-reminder-scheduler.h: when follow-ups come due, said once each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-clock.h"
#include "poise-store.h"

G_BEGIN_DECLS

/* Due more than this long ago when first seen: "missed", not "due". */
#define POISE_REMINDER_LATE_SPAN (2 * G_TIME_SPAN_MINUTE)

#define POISE_TYPE_REMINDER_SCHEDULER (poise_reminder_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (PoiseReminderScheduler, poise_reminder_scheduler,
                      POISE, REMINDER_SCHEDULER, GObject)

PoiseReminderScheduler *poise_reminder_scheduler_new          (PoiseStore             *store,
                                                               PoiseClock             *clock);
PoiseStore             *poise_reminder_scheduler_get_store    (PoiseReminderScheduler *self);
PoiseClock             *poise_reminder_scheduler_get_clock    (PoiseReminderScheduler *self);
void                    poise_reminder_scheduler_start        (PoiseReminderScheduler *self);
void                    poise_reminder_scheduler_recheck      (PoiseReminderScheduler *self);
GDateTime              *poise_reminder_scheduler_get_next_due (PoiseReminderScheduler *self);

/* signal "due"    (PoiseReminderScheduler *self, PoiseFollowUp *follow_up)
 * signal "missed" (PoiseReminderScheduler *self, GPtrArray *follow_ups) */

G_END_DECLS

/* poise-due.h: when a follow-up is due, in the agent's terms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-follow-up.h"

G_BEGIN_DECLS

/* The sections of the Follow-ups page, in display order. */
typedef enum {
  POISE_SECTION_OVERDUE,
  POISE_SECTION_TODAY,
  POISE_SECTION_UPCOMING,
  POISE_SECTION_DONE,
} PoiseSection;

/* Quick due choices when making or snoozing a follow-up. */
typedef enum {
  POISE_DUE_IN_15_MINUTES,
  POISE_DUE_IN_1_HOUR,
  POISE_DUE_IN_3_HOURS,           /* the 1–3 hour reply target for angry customers */
  POISE_DUE_TOMORROW_9,
  POISE_DUE_NEXT_BUSINESS_DAY_9,  /* Monday to Friday */
} PoiseDueChoice;

/* Done and cancelled follow-ups are Done; open ones by their due time
 * against @now, in @now's time zone (the agent's local day). */
PoiseSection  poise_follow_up_get_section (PoiseFollowUp *follow_up,
                                           GDateTime     *now);
/* The due time a quick choice means at @now (local), in UTC. */
GDateTime    *poise_due_choice_resolve    (PoiseDueChoice  choice,
                                           GDateTime      *now);
/* A day at 9:00 local; @iso_date "YYYY-MM-DD", @time "HH:MM" or NULL for
 * 9:00. NULL if either is invalid. In UTC. */
GDateTime    *poise_due_from_date_time    (const char *iso_date,
                                           const char *time,
                                           GTimeZone  *zone);
/* Parses "15m", "1h", "3h", "tomorrow", "next-business-day". */
gboolean      poise_due_choice_from_string (const char     *text,
                                            PoiseDueChoice *out_choice);

G_END_DECLS

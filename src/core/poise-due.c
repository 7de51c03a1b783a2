/* poise-due.c: when a follow-up is due, in the agent's terms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-due"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "poise-due.h"

static GDateTime *
at_nine (GDateTime *local_day)
{
  return g_date_time_new (g_date_time_get_timezone (local_day),
                          g_date_time_get_year (local_day),
                          g_date_time_get_month (local_day),
                          g_date_time_get_day_of_month (local_day),
                          9, 0, 0);
}

PoiseSection
poise_follow_up_get_section (PoiseFollowUp *follow_up,
                             GDateTime     *now)
{
  g_autoptr(GDateTime) due_local = NULL;
  GDateTime *due;

  g_return_val_if_fail (POISE_IS_FOLLOW_UP (follow_up), POISE_SECTION_UPCOMING);
  g_return_val_if_fail (now != NULL, POISE_SECTION_UPCOMING);

  if (poise_follow_up_get_status (follow_up) != POISE_FOLLOW_UP_STATUS_OPEN)
    return POISE_SECTION_DONE;

  due = poise_follow_up_get_due_at (follow_up);
  if (due == NULL)
    return POISE_SECTION_UPCOMING;

  if (g_date_time_compare (due, now) <= 0)
    return POISE_SECTION_OVERDUE;

  due_local = g_date_time_to_timezone (due, g_date_time_get_timezone (now));
  if (g_date_time_get_year (due_local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (due_local) == g_date_time_get_day_of_year (now))
    return POISE_SECTION_TODAY;

  return POISE_SECTION_UPCOMING;
}

GDateTime *
poise_due_choice_resolve (PoiseDueChoice  choice,
                          GDateTime      *now)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  switch (choice)
    {
    case POISE_DUE_IN_15_MINUTES:
      local = g_date_time_add_minutes (now, 15);
      break;

    case POISE_DUE_IN_1_HOUR:
      local = g_date_time_add_hours (now, 1);
      break;

    case POISE_DUE_IN_3_HOURS:
      local = g_date_time_add_hours (now, 3);
      break;

    case POISE_DUE_TOMORROW_9:
      {
        g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);

        local = at_nine (tomorrow);
      }
      break;

    case POISE_DUE_NEXT_BUSINESS_DAY_9:
      {
        /* Friday, Saturday and Sunday all lead to Monday. */
        int weekday = g_date_time_get_day_of_week (now);  /* 1 = Monday */
        int days = weekday >= 5 ? 8 - weekday : 1;
        g_autoptr(GDateTime) day = g_date_time_add_days (now, days);

        local = at_nine (day);
      }
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  return g_date_time_to_utc (local);
}

GDateTime *
poise_due_from_date_time (const char *iso_date,
                          const char *time,
                          GTimeZone  *zone)
{
  int year, month, day, hour = 9, minute = 0;
  char trailing;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (zone != NULL, NULL);

  if (iso_date == NULL ||
      sscanf (iso_date, "%4d-%2d-%2d%c", &year, &month, &day, &trailing) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;

  if (time != NULL && *time != '\0' &&
      (sscanf (time, "%2d:%2d%c", &hour, &minute, &trailing) != 2 ||
       hour < 0 || hour > 23 || minute < 0 || minute > 59))
    return NULL;

  local = g_date_time_new (zone, year, month, day, hour, minute, 0);
  return local != NULL ? g_date_time_to_utc (local) : NULL;
}

gboolean
poise_due_choice_from_string (const char     *text,
                              PoiseDueChoice *out_choice)
{
  static const struct { const char *name; PoiseDueChoice choice; } choices[] = {
    { "15m", POISE_DUE_IN_15_MINUTES },
    { "1h", POISE_DUE_IN_1_HOUR },
    { "3h", POISE_DUE_IN_3_HOURS },
    { "tomorrow", POISE_DUE_TOMORROW_9 },
    { "next-business-day", POISE_DUE_NEXT_BUSINESS_DAY_9 },
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (choices); i++)
    {
      if (strcmp (choices[i].name, text) == 0)
        {
          if (out_choice != NULL)
            *out_choice = choices[i].choice;
          return TRUE;
        }
    }

  return FALSE;
}

/* test-due.c: sections and quick due choices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "poise-due.h"

static GTimeZone *berlin;

static GDateTime *
local (int y, int mo, int d, int h, int mi)
{
  return g_date_time_new (berlin, y, mo, d, h, mi, 0);
}

static void
assert_utc_is_local (GDateTime *utc,
                     int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) l = g_date_time_to_timezone (utc, berlin);
  g_autofree char *text = g_date_time_format (l, "%Y-%m-%d %H:%M");
  g_autofree char *expected = g_strdup_printf ("%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);

  g_assert_cmpstr (g_date_time_get_timezone_abbreviation (utc), ==, "UTC");
  g_assert_cmpstr (text, ==, expected);
}

static void
test_sections (void)
{
  /* Monday 23 November 2026, 14:00 in Berlin */
  g_autoptr(GDateTime) now = local (2026, 11, 23, 14, 0);
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  struct { int d, h, mi; PoiseSection section; } cases[] = {
    { 23, 13, 59, POISE_SECTION_OVERDUE },
    { 23, 14, 0, POISE_SECTION_OVERDUE },
    { 23, 14, 1, POISE_SECTION_TODAY },
    { 23, 23, 59, POISE_SECTION_TODAY },
    { 24, 0, 0, POISE_SECTION_UPCOMING },
    { 20, 9, 0, POISE_SECTION_OVERDUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) due = local (2026, 11, cases[i].d, cases[i].h, cases[i].mi);
      g_autoptr(GDateTime) due_utc = g_date_time_to_utc (due);

      poise_follow_up_set_due_at (follow_up, due_utc);
      g_assert_cmpint (poise_follow_up_get_section (follow_up, now), ==, cases[i].section);
    }

  poise_follow_up_set_status (follow_up, POISE_FOLLOW_UP_STATUS_DONE);
  g_assert_cmpint (poise_follow_up_get_section (follow_up, now), ==, POISE_SECTION_DONE);
  poise_follow_up_set_status (follow_up, POISE_FOLLOW_UP_STATUS_CANCELLED);
  g_assert_cmpint (poise_follow_up_get_section (follow_up, now), ==, POISE_SECTION_DONE);
}

static void
test_quick_choices (void)
{
  g_autoptr(GDateTime) monday = local (2026, 11, 23, 14, 10);
  g_autoptr(GDateTime) thursday = local (2026, 11, 26, 17, 0);
  g_autoptr(GDateTime) friday = local (2026, 11, 27, 17, 0);
  g_autoptr(GDateTime) saturday = local (2026, 11, 28, 10, 0);
  g_autoptr(GDateTime) sunday = local (2026, 11, 29, 10, 0);
  GDateTime *due;

  due = poise_due_choice_resolve (POISE_DUE_IN_15_MINUTES, monday);
  assert_utc_is_local (due, 2026, 11, 23, 14, 25);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_IN_1_HOUR, monday);
  assert_utc_is_local (due, 2026, 11, 23, 15, 10);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_IN_3_HOURS, monday);
  assert_utc_is_local (due, 2026, 11, 23, 17, 10);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_TOMORROW_9, monday);
  assert_utc_is_local (due, 2026, 11, 24, 9, 0);
  g_date_time_unref (due);

  due = poise_due_choice_resolve (POISE_DUE_NEXT_BUSINESS_DAY_9, monday);
  assert_utc_is_local (due, 2026, 11, 24, 9, 0);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_NEXT_BUSINESS_DAY_9, thursday);
  assert_utc_is_local (due, 2026, 11, 27, 9, 0);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_NEXT_BUSINESS_DAY_9, friday);
  assert_utc_is_local (due, 2026, 11, 30, 9, 0);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_NEXT_BUSINESS_DAY_9, saturday);
  assert_utc_is_local (due, 2026, 11, 30, 9, 0);
  g_date_time_unref (due);
  due = poise_due_choice_resolve (POISE_DUE_NEXT_BUSINESS_DAY_9, sunday);
  assert_utc_is_local (due, 2026, 11, 30, 9, 0);
  g_date_time_unref (due);
}

/* 9:00 on the day the clocks change is still 9:00 on the wall. */
static void
test_from_date_time (void)
{
  GDateTime *due;
  PoiseDueChoice choice;

  due = poise_due_from_date_time ("2026-03-29", NULL, berlin);
  assert_utc_is_local (due, 2026, 3, 29, 9, 0);
  g_assert_cmpint (g_date_time_get_hour (due), ==, 7);
  g_date_time_unref (due);
  due = poise_due_from_date_time ("2026-11-27", "14:30", berlin);
  assert_utc_is_local (due, 2026, 11, 27, 14, 30);
  g_date_time_unref (due);

  g_assert_null (poise_due_from_date_time ("2026-02-30", NULL, berlin));
  g_assert_null (poise_due_from_date_time ("27.11.2026", NULL, berlin));
  g_assert_null (poise_due_from_date_time ("2026-11-27", "25:00", berlin));
  g_assert_null (poise_due_from_date_time ("2026-11-27", "9", berlin));
  g_assert_null (poise_due_from_date_time (NULL, NULL, berlin));

  g_assert_true (poise_due_choice_from_string ("tomorrow", &choice));
  g_assert_cmpint (choice, ==, POISE_DUE_TOMORROW_9);
  g_assert_false (poise_due_choice_from_string ("soon", &choice));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_assert_nonnull (berlin);

  g_test_add_func ("/due/sections", test_sections);
  g_test_add_func ("/due/quick-choices", test_quick_choices);
  g_test_add_func ("/due/from-date-time", test_from_date_time);

  return g_test_run ();
}

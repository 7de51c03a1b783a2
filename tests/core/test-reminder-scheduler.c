/* test-reminder-scheduler.c: reminders with a clock driven by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-reminder-scheduler"

#include "poise-reminder-scheduler.h"

#include <glib/gstdio.h>

typedef struct {
  char                   *dir;
  char                   *path;
  PoiseStore             *store;
  PoiseClock             *clock;
  PoiseReminderScheduler *scheduler;
  GPtrArray              *due;       /* UUIDs, in order */
  GPtrArray              *missed;    /* one GPtrArray of UUIDs per signal */
  gboolean                done_on_due;
} Fixture;

static GDateTime *
utc (const char *iso)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (iso, tz);
}

/* The test starts at 2026-03-02 09:00 UTC. */
static GDateTime *
at (int minutes)
{
  g_autoptr(GDateTime) start = utc ("2026-03-02T09:00:00Z");

  return g_date_time_add_minutes (start, minutes);
}

static void
on_due_cb (PoiseReminderScheduler *scheduler,
           PoiseFollowUp          *follow_up,
           Fixture                *fixture)
{
  g_assert_cmpint (poise_follow_up_get_status (follow_up), ==, POISE_FOLLOW_UP_STATUS_OPEN);
  g_ptr_array_add (fixture->due, g_strdup (poise_follow_up_get_customer_name (follow_up)));

  /* A handler may act on the store at once, as the Done button does. */
  if (fixture->done_on_due)
    {
      g_autoptr(GError) error = NULL;

      poise_store_mark_done (fixture->store, poise_follow_up_get_uuid (follow_up), &error);
      g_assert_no_error (error);
    }
}

static void
on_missed_cb (PoiseReminderScheduler *scheduler,
              GPtrArray              *follow_ups,
              Fixture                *fixture)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < follow_ups->len; i++)
    g_ptr_array_add (names, g_strdup (poise_follow_up_get_customer_name (g_ptr_array_index (follow_ups, i))));
  g_ptr_array_add (fixture->missed, names);
}

static void
new_scheduler (Fixture *fixture)
{
  g_clear_object (&fixture->scheduler);
  fixture->scheduler = poise_reminder_scheduler_new (fixture->store, fixture->clock);
  g_signal_connect (fixture->scheduler, "due", G_CALLBACK (on_due_cb), fixture);
  g_signal_connect (fixture->scheduler, "missed", G_CALLBACK (on_missed_cb), fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) start = at (0);

  fixture->dir = g_dir_make_tmp ("poise-scheduler-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "poise.db", NULL);
  fixture->store = poise_store_new (fixture->path, &error);
  g_assert_no_error (error);
  fixture->clock = poise_clock_new_manual (start);
  fixture->due = g_ptr_array_new_with_free_func (g_free);
  fixture->missed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  new_scheduler (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->clock);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->due, g_ptr_array_unref);
  g_clear_pointer (&fixture->missed, g_ptr_array_unref);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Adds an open follow-up named @name due @minutes after the start; returns its UUID. */
static char *
add (Fixture    *fixture,
     const char *name,
     int         minutes)
{
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(GDateTime) due = at (minutes);
  g_autoptr(GError) error = NULL;

  poise_follow_up_set_customer_name (follow_up, name);
  poise_follow_up_set_due_at (follow_up, due);
  poise_store_insert_follow_up (fixture->store, follow_up, &error);
  g_assert_no_error (error);

  return g_strdup (poise_follow_up_get_uuid (follow_up));
}

static void
advance_minutes (Fixture *fixture,
                 int      minutes)
{
  poise_clock_advance (fixture->clock, minutes * G_TIME_SPAN_MINUTE);
}

static void
jump_to (Fixture *fixture,
         int      minutes)
{
  g_autoptr(GDateTime) when = at (minutes);

  poise_clock_jump (fixture->clock, when);
}

static void
assert_armed_at (Fixture *fixture,
                 int      minutes)
{
  GDateTime *deadline = poise_reminder_scheduler_get_next_due (fixture->scheduler);
  g_autoptr(GDateTime) expected = at (minutes);

  g_assert_nonnull (deadline);
  g_assert_true (g_date_time_equal (deadline, expected));
}

static void
assert_due (Fixture    *fixture,
            const char *names)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < fixture->due->len; i++)
    g_string_append_printf (got, "%s%s", i > 0 ? " " : "", (char *) g_ptr_array_index (fixture->due, i));
  g_assert_cmpstr (got->str, ==, names);
}

static void
test_next_due (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *a = add (fixture, "A", 10);
  g_autofree char *b = add (fixture, "B", 20);
  g_autofree char *c = add (fixture, "C", 60);

  /* Nothing before start. */
  g_assert_null (poise_reminder_scheduler_get_next_due (fixture->scheduler));

  poise_reminder_scheduler_start (fixture->scheduler);
  g_assert_cmpuint (fixture->missed->len, ==, 0);
  assert_armed_at (fixture, 10);

  advance_minutes (fixture, 9);
  assert_due (fixture, "");
  advance_minutes (fixture, 1);
  assert_due (fixture, "A");
  assert_armed_at (fixture, 20);

  /* Looking again changes nothing: no second "due" for A. */
  poise_reminder_scheduler_recheck (fixture->scheduler);
  poise_reminder_scheduler_recheck (fixture->scheduler);
  assert_due (fixture, "A");

  advance_minutes (fixture, 10);
  assert_due (fixture, "A B");
  assert_armed_at (fixture, 60);
  advance_minutes (fixture, 40);
  assert_due (fixture, "A B C");
  g_assert_null (poise_reminder_scheduler_get_next_due (fixture->scheduler));
  g_assert_cmpuint (fixture->missed->len, ==, 0);
}

static void
test_store_changes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add (fixture, "A", 10);
  g_autofree char *b = NULL;
  g_autoptr(GDateTime) later = at (30);
  g_autoptr(PoiseFollowUp) deleted = NULL;

  poise_reminder_scheduler_start (fixture->scheduler);
  assert_armed_at (fixture, 10);

  /* An earlier one re-arms the timer at once. */
  b = add (fixture, "B", 5);
  assert_armed_at (fixture, 5);

  /* Done before it was due: never reminds. */
  poise_store_mark_done (fixture->store, b, &error);
  g_assert_no_error (error);
  assert_armed_at (fixture, 10);

  /* Deleted: disarmed; restored (Undo): armed again. */
  deleted = poise_store_delete_follow_up (fixture->store, a, &error);
  g_assert_no_error (error);
  g_assert_null (poise_reminder_scheduler_get_next_due (fixture->scheduler));
  poise_store_restore_follow_up (fixture->store, deleted, &error);
  g_assert_no_error (error);
  assert_armed_at (fixture, 10);

  advance_minutes (fixture, 10);
  assert_due (fixture, "A");

  /* Snooze: a new due time, so it reminds once more, then not again. */
  poise_store_snooze (fixture->store, a, later, &error);
  g_assert_no_error (error);
  assert_armed_at (fixture, 30);
  advance_minutes (fixture, 20);
  assert_due (fixture, "A A");
  advance_minutes (fixture, 60);
  assert_due (fixture, "A A");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
test_done_from_handler (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *a = add (fixture, "A", 10);
  g_autofree char *b = add (fixture, "B", 10);
  g_autofree char *c = add (fixture, "C", 11);
  guint count;
  g_autoptr(GDateTime) end = at (100);

  fixture->done_on_due = TRUE;
  poise_reminder_scheduler_start (fixture->scheduler);
  advance_minutes (fixture, 10);
  /* Same due time: in either order. */
  g_ptr_array_sort (fixture->due, compare_names);
  assert_due (fixture, "A B");
  assert_armed_at (fixture, 11);
  advance_minutes (fixture, 1);
  assert_due (fixture, "A B C");

  poise_store_count_open_due (fixture->store, end, &count, NULL);
  g_assert_cmpuint (count, ==, 0);
}

static void
test_missed_at_start (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *old1 = add (fixture, "Old1", -600);
  g_autofree char *old2 = add (fixture, "Old2", -5);
  g_autofree char *now = add (fixture, "Now", 0);
  g_autofree char *soon = add (fixture, "Soon", 15);
  g_autofree char *done = add (fixture, "Done", -60);
  GPtrArray *names;

  poise_store_mark_done (fixture->store, done, NULL);

  poise_reminder_scheduler_start (fixture->scheduler);

  /* One summary, by due time, and no single reminders for them. */
  g_assert_cmpuint (fixture->missed->len, ==, 1);
  names = g_ptr_array_index (fixture->missed, 0);
  g_assert_cmpuint (names->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "Old1");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "Old2");
  g_assert_cmpstr (g_ptr_array_index (names, 2), ==, "Now");
  assert_due (fixture, "");
  assert_armed_at (fixture, 15);

  /* Not announced twice; what comes due later is a normal reminder. */
  poise_reminder_scheduler_recheck (fixture->scheduler);
  advance_minutes (fixture, 15);
  g_assert_cmpuint (fixture->missed->len, ==, 1);
  assert_due (fixture, "Soon");
}

static void
test_nothing_missed (Fixture       *fixture,
                     gconstpointer  data)
{
  poise_reminder_scheduler_start (fixture->scheduler);
  g_assert_cmpuint (fixture->missed->len, ==, 0);
  g_assert_null (poise_reminder_scheduler_get_next_due (fixture->scheduler));
}

static void
test_clock_forward (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *a = add (fixture, "A", 10);
  g_autofree char *b = add (fixture, "B", 60);
  g_autofree char *c = add (fixture, "C", 179);
  g_autofree char *d = add (fixture, "D", 240);
  GPtrArray *names;

  poise_reminder_scheduler_start (fixture->scheduler);

  /* The clock is set 3 hours ahead (or the laptop slept that long): A and
   * B are long past and summarised; C came due a minute ago and rings. */
  jump_to (fixture, 180);
  g_assert_cmpuint (fixture->missed->len, ==, 1);
  names = g_ptr_array_index (fixture->missed, 0);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "A");
  g_assert_cmpstr (g_ptr_array_index (names, 1), ==, "B");
  assert_due (fixture, "C");
  assert_armed_at (fixture, 240);
}

static void
test_clock_backward (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *a = add (fixture, "A", 10);
  g_autofree char *b = add (fixture, "B", 20);

  poise_reminder_scheduler_start (fixture->scheduler);
  advance_minutes (fixture, 10);
  assert_due (fixture, "A");

  /* Set back by an hour: A (still open) is ahead again, but rings once. */
  jump_to (fixture, -50);
  assert_armed_at (fixture, 10);
  advance_minutes (fixture, 60);
  assert_due (fixture, "A");
  assert_armed_at (fixture, 20);
  advance_minutes (fixture, 10);
  assert_due (fixture, "A B");
  g_assert_cmpuint (fixture->missed->len, ==, 0);
}

static void
test_resume (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *a = add (fixture, "A", 10);

  poise_reminder_scheduler_start (fixture->scheduler);

  /* Slept through it without the timer firing (a clock that cannot tell):
   * the app's recheck on resume finds it, as missed since it is long past. */
  poise_clock_disarm (fixture->clock);
  advance_minutes (fixture, 120);
  assert_due (fixture, "");
  poise_reminder_scheduler_recheck (fixture->scheduler);
  g_assert_cmpuint (fixture->missed->len, ==, 1);
  assert_due (fixture, "");

  /* Only the late ones are summarised: one just due rings normally. */
  g_free (add (fixture, "B", 121));
  advance_minutes (fixture, 1);
  assert_due (fixture, "B");
}

static void
count_wakeup_cb (PoiseClock *clock,
                 guint      *count)
{
  (*count)++;
}

static void
test_idle_one_timer (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) follow_ups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint wakeups = 0;

  /* 1,000 open follow-ups, none due for a day. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GDateTime) due = at (24 * 60 + (int) i);
      PoiseFollowUp *follow_up = poise_follow_up_new ();

      poise_follow_up_set_due_at (follow_up, due);
      g_ptr_array_add (follow_ups, follow_up);
    }
  poise_store_insert_follow_ups (fixture->store, follow_ups, &error);
  g_assert_no_error (error);

  g_signal_connect (fixture->clock, "wakeup", G_CALLBACK (count_wakeup_cb), &wakeups);
  poise_reminder_scheduler_start (fixture->scheduler);
  assert_armed_at (fixture, 24 * 60);

  /* An hour passes minute by minute: the timer never fires. */
  for (guint i = 0; i < 60; i++)
    advance_minutes (fixture, 1);
  g_assert_cmpuint (wakeups, ==, 0);
  assert_due (fixture, "");
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
quit_on_wakeup_cb (PoiseClock *clock,
                   GMainLoop  *loop)
{
  g_main_loop_quit (loop);
}

/* The real clock: one wake-up at the armed wall-clock time, none before. */
static void
test_system_clock (void)
{
  g_autoptr(PoiseClock) clock = poise_clock_new_system ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GDateTime) now = poise_clock_get_now (clock);
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) far = g_date_time_add_days (now, 1);
  guint wakeups = 0;
  guint timeout_id;
  gint64 start;
  gint64 elapsed;

  g_assert_false (poise_clock_is_manual (clock));
  g_assert_cmpint (g_date_time_get_utc_offset (now), ==, 0);

  /* Armed a day ahead: nothing happens for a second. */
  g_signal_connect (clock, "wakeup", G_CALLBACK (count_wakeup_cb), &wakeups);
  poise_clock_arm (clock, far);
  timeout_id = g_timeout_add (1000, quit_cb, loop);
  g_main_loop_run (loop);
  g_assert_cmpuint (wakeups, ==, 0);

  /* Re-armed for the next whole second + 1: fires then, once. */
  when = g_date_time_new_from_unix_utc (g_date_time_to_unix (now) + 3);
  g_signal_connect (clock, "wakeup", G_CALLBACK (quit_on_wakeup_cb), loop);
  poise_clock_arm (clock, when);
  start = g_get_real_time ();
  timeout_id = g_timeout_add (6000, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (timeout_id);
  elapsed = g_get_real_time () - start;
  g_assert_cmpuint (wakeups, ==, 1);
  g_assert_null (poise_clock_get_deadline (clock));
  g_assert_cmpint (g_get_real_time (), >=, g_date_time_to_unix (when) * G_USEC_PER_SEC);
  g_test_message ("woke %.0f ms after the due time",
                  (g_get_real_time () - g_date_time_to_unix (when) * G_USEC_PER_SEC) / 1000.0);
  g_assert_cmpint (elapsed, <, 4 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/scheduler/next-due", test_next_due);
  ADD ("/scheduler/store-changes", test_store_changes);
  ADD ("/scheduler/done-from-handler", test_done_from_handler);
  ADD ("/scheduler/missed-at-start", test_missed_at_start);
  ADD ("/scheduler/nothing-missed", test_nothing_missed);
  ADD ("/scheduler/clock-forward", test_clock_forward);
  ADD ("/scheduler/clock-backward", test_clock_backward);
  ADD ("/scheduler/resume", test_resume);
  ADD ("/scheduler/idle-one-timer", test_idle_one_timer);
  g_test_add_func ("/clock/system", test_system_clock);

#undef ADD

  return g_test_run ();
}

/* bench-store.c: the follow-up store and scheduler with 10,000 follow-ups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-store [IDLE-SECONDS]   (default 10)
 *
 * Prints one figure per line ("store-insert-10000: 2950.1 ms"):
 *  - inserting 10,000 follow-ups one transaction each (one fsync each, as
 *    the app saves them) and all in one transaction (an import);
 *  - reopening the store (with its quick_check), listing all 10,000 (what
 *    the Follow-ups page loads), the next due time and the due count;
 *  - RSS after loading;
 *  - idle wake-ups per minute with 1,000 open follow-ups and none due
 *    (voluntary context switches of this process in /proc; target ≤ 1);
 *  - reminder lateness: how long after its due time "due" is emitted
 *    (target ≤ 1 s).
 * The database lives in a temporary folder and is removed afterwards.
 */
#define G_LOG_DOMAIN "bench-store"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "poise-reminder-scheduler.h"
#include "poise-store.h"

#define N_FOLLOW_UPS 10000
#define N_IDLE       1000

static char *
db_path (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
remove_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* A field of /proc/self/status, e.g. "VmRSS" (kB) or "voluntary_ctxt_switches". */
static gint64
proc_status (const char *field)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize field_len = strlen (field);

  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return -1;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strncmp (lines[i], field, field_len) == 0 && lines[i][field_len] == ':')
      return g_ascii_strtoll (lines[i] + field_len + 1, NULL, 10);
  return -1;
}

static GPtrArray *
make_follow_ups (guint      n,
                 GDateTime *base,
                 int        first_minute)
{
  GPtrArray *follow_ups = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) due = g_date_time_add_minutes (base, first_minute + (int) ((i * 7919) % n));
      g_autofree char *name = g_strdup_printf ("Customer %u", i);
      g_autofree char *ref = g_strdup_printf ("ORD-%06u", i);
      PoiseFollowUp *follow_up = poise_follow_up_new ();

      poise_follow_up_set_customer_name (follow_up, name);
      poise_follow_up_set_customer_ref (follow_up, ref);
      poise_follow_up_set_contact (follow_up, "+49 30 1234567");
      poise_follow_up_set_promise (follow_up,
                                   "If it hasn't arrived by Friday, I'll contact you personally.");
      poise_follow_up_set_due_at (follow_up, due);
      g_ptr_array_add (follow_ups, follow_up);
    }

  return follow_ups;
}

static void
die (GError *error)
{
  fprintf (stderr, "bench-store: %s\n", error->message);
  exit (1);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_due_cb (PoiseReminderScheduler *scheduler,
           PoiseFollowUp          *follow_up,
           GMainLoop              *loop)
{
  gint64 due = g_date_time_to_unix (poise_follow_up_get_due_at (follow_up)) * G_USEC_PER_SEC;

  printf ("reminder-lateness: %.1f ms\n", (g_get_real_time () - due) / 1000.0);
  g_main_loop_quit (loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("poise-bench-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *batch_path = NULL;
  g_autofree char *idle_path = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) follow_ups = NULL;
  g_autoptr(PoiseStore) store = NULL;
  g_autoptr(GListStore) list = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint idle_seconds = argc > 1 ? (guint) atoi (argv[1]) : 10;
  gint64 start;
  guint count;

  /* --seed PATH N: a store of N open follow-ups, none due within a day,
   * for the app-level benchmark (bench/bench-follow-ups.sh). */
  if (argc == 4 && g_str_equal (argv[1], "--seed"))
    {
      follow_ups = make_follow_ups ((guint) atoi (argv[3]), now, 24 * 60);
      store = poise_store_new (argv[2], &error);
      if (store == NULL || !poise_store_insert_follow_ups (store, follow_ups, &error))
        die (error);
      return 0;
    }

  if (dir == NULL)
    die (error);
  path = db_path (dir, "each.db");
  batch_path = db_path (dir, "batch.db");
  idle_path = db_path (dir, "idle.db");

  /* One transaction (and fsync) per follow-up, as the app writes them. */
  follow_ups = make_follow_ups (N_FOLLOW_UPS, now, 60);
  store = poise_store_new (path, &error);
  if (store == NULL)
    die (error);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < follow_ups->len; i++)
    if (!poise_store_insert_follow_up (store, g_ptr_array_index (follow_ups, i), &error))
      die (error);
  printf ("store-insert-10000: %.1f ms (one transaction each)\n", ms_since (start));
  g_clear_object (&store);

  /* All in one transaction. */
  store = poise_store_new (batch_path, &error);
  if (store == NULL)
    die (error);
  start = g_get_monotonic_time ();
  if (!poise_store_insert_follow_ups (store, follow_ups, &error))
    die (error);
  printf ("store-insert-10000-batch: %.1f ms (one transaction)\n", ms_since (start));
  g_clear_object (&store);
  g_clear_pointer (&follow_ups, g_ptr_array_unref);

  printf ("rss-before-load: %" G_GINT64_FORMAT " KiB\n", proc_status ("VmRSS"));

  start = g_get_monotonic_time ();
  store = poise_store_new (path, &error);
  if (store == NULL)
    die (error);
  printf ("store-open-10000: %.1f ms (with quick_check)\n", ms_since (start));

  start = g_get_monotonic_time ();
  list = poise_store_list_follow_ups (store, &error);
  if (list == NULL)
    die (error);
  printf ("store-load-10000: %.1f ms (%u follow-ups listed)\n", ms_since (start),
          g_list_model_get_n_items (G_LIST_MODEL (list)));

  start = g_get_monotonic_time ();
  if (!poise_store_get_next_due (store, now, &next, &error) ||
      !poise_store_count_open_due (store, next, &count, &error))
    die (error);
  printf ("store-next-due-and-count: %.3f ms\n", ms_since (start));

  start = g_get_monotonic_time ();
  g_clear_object (&list);
  list = poise_store_search_follow_ups (store, "customer 99", &error);
  if (list == NULL)
    die (error);
  printf ("store-search-10000: %.1f ms (%u matches)\n", ms_since (start),
          g_list_model_get_n_items (G_LIST_MODEL (list)));

  printf ("rss-after-load: %" G_GINT64_FORMAT " KiB (peak %" G_GINT64_FORMAT " KiB)\n",
          proc_status ("VmRSS"), proc_status ("VmHWM"));
  g_clear_object (&list);
  g_clear_object (&store);

  /* Idle: 1,000 open follow-ups, the first due in a day. */
  {
    g_autoptr(PoiseReminderScheduler) scheduler = NULL;
    g_autoptr(PoiseFollowUp) soon = poise_follow_up_new ();
    g_autoptr(GDateTime) soon_due = NULL;
    gint64 switches;
    double per_minute;

    follow_ups = make_follow_ups (N_IDLE, now, 24 * 60);
    store = poise_store_new (idle_path, &error);
    if (store == NULL || !poise_store_insert_follow_ups (store, follow_ups, &error))
      die (error);
    scheduler = poise_reminder_scheduler_new (store, NULL);
    poise_reminder_scheduler_start (scheduler);

    switches = proc_status ("voluntary_ctxt_switches");
    g_timeout_add_seconds (idle_seconds, quit_cb, loop);
    g_main_loop_run (loop);
    /* The quit timeout itself is one wake-up: not the scheduler's. */
    switches = proc_status ("voluntary_ctxt_switches") - switches - 1;
    per_minute = MAX (switches, 0) * 60.0 / idle_seconds;
    printf ("idle-wakeups-1000-open: %.1f per minute (%" G_GINT64_FORMAT " in %u s)\n",
            per_minute, MAX (switches, 0), idle_seconds);

    /* Lateness: one due two seconds from now (on a whole second). */
    g_clear_pointer (&now, g_date_time_unref);
    now = g_date_time_new_now_utc ();
    soon_due = g_date_time_new_from_unix_utc (g_date_time_to_unix (now) + 2);
    poise_follow_up_set_due_at (soon, soon_due);
    g_signal_connect (scheduler, "due", G_CALLBACK (on_due_cb), loop);
    if (!poise_store_insert_follow_up (store, soon, &error))
      die (error);
    g_timeout_add_seconds (10, quit_cb, loop);
    g_main_loop_run (loop);
  }
  g_clear_object (&store);

  remove_db (path);
  remove_db (batch_path);
  remove_db (idle_path);
  g_rmdir (dir);

  return 0;
}

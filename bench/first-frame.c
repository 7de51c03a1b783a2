/* first-frame.c - launch benchmark hook
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With POISE_BENCH_FIRST_FRAME=1 in the environment, the first frame that
 * GTK paints for the window prints
 *
 *   first-frame-ms <milliseconds since the process started>
 *   peak-rss-kib <VmHWM of the process>
 *
 * on stdout and the process exits with status 0. Without the variable the
 * hook does nothing, so the app can call it unconditionally.
 *
 * "Process start" is POISE_BENCH_T0_NS (CLOCK_REALTIME nanoseconds, as from
 * `date +%s%N`) when the runner sets it just before exec, which is precise
 * to the microsecond. Otherwise it is the starttime in /proc/self/stat,
 * which the kernel counts in clock ticks (usually 10 ms) of boot time.
 * bench/bench-launch.sh always sets POISE_BENCH_T0_NS, so every program it
 * measures is timed the same way.
 */

#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "PoiseBench"
#endif

#include "first-frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
elapsed_ms_from_env (const char *t0_ns)
{
  gint64 t0 = g_ascii_strtoll (t0_ns, NULL, 10);
  struct timespec now;

  clock_gettime (CLOCK_REALTIME, &now);
  return ((double) now.tv_sec * 1e9 + (double) now.tv_nsec - (double) t0) / 1e6;
}

static double
elapsed_ms_from_proc (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  unsigned long long starttime = 0;
  struct timespec now;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return -1;

  /* The command name may contain spaces: fields start after the last ')'.
   * starttime is field 22; after ')' come field 3 (state) onwards. */
  p = strrchr (stat, ')');
  if (p == NULL)
    return -1;
  p++;
  for (int field = 3; field <= 22 && p != NULL; field++)
    {
      while (*p == ' ')
        p++;
      if (field == 22)
        starttime = g_ascii_strtoull (p, NULL, 10);
      p = strchr (p, ' ');
    }

  clock_gettime (CLOCK_BOOTTIME, &now);
  return ((double) now.tv_sec * 1e3 + (double) now.tv_nsec / 1e6) -
         (double) starttime * 1e3 / (double) (ticks > 0 ? ticks : 100);
}

static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmHWM:");
  if (p == NULL)
    return -1;
  return strtol (p + strlen ("VmHWM:"), NULL, 10);
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  const char *t0 = g_getenv ("POISE_BENCH_T0_NS");
  double ms = (t0 != NULL && *t0 != '\0') ? elapsed_ms_from_env (t0) : elapsed_ms_from_proc ();

  printf ("first-frame-ms %.1f\n", ms);
  printf ("peak-rss-kib %ld\n", peak_rss_kib ());
  fflush (stdout);

  /* Exit at once: the measurement is done, and a normal shutdown would
   * only add noise (and, for the app, write its settings). */
  _exit (0);
}

static void
connect_frame_clock (GtkWidget *widget)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (widget);

  if (frame_clock == NULL)
    {
      g_warning ("No frame clock for the mapped window; cannot time the first frame");
      return;
    }
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
window_mapped_cb (GtkWidget *widget,
                  gpointer   user_data)
{
  g_signal_handlers_disconnect_by_func (widget, window_mapped_cb, user_data);
  connect_frame_clock (widget);
}

void
poise_bench_first_frame_hook (GtkWindow *window)
{
  const char *enabled = g_getenv ("POISE_BENCH_FIRST_FRAME");

  g_return_if_fail (GTK_IS_WINDOW (window));

  if (enabled == NULL || strcmp (enabled, "1") != 0)
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (window)))
    connect_frame_clock (GTK_WIDGET (window));
  else
    g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), NULL);
}

/* poise-clock.c: wall-clock time and one timer, real or driven by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reminders are due at wall-clock times, but GLib's timeouts count
 * monotonic time, which stops during suspend and ignores the clock being
 * set.  The system clock therefore uses a Linux timerfd on CLOCK_REALTIME
 * with an absolute expiry and TFD_TIMER_CANCEL_ON_SET: it fires at the
 * wall-clock time itself, at once on resume if that time passed while
 * suspended, and early when the clock is set, so the scheduler can look
 * again.  No polling: an idle Poise does not wake at all.
 *
 * Where timerfd is missing, a GLib timeout of at most 60 seconds is armed
 * instead, re-armed silently until the wall-clock deadline is reached: a
 * clock change is then noticed within a minute, for one wake-up a minute.
 *
 * The manual clock is for tests: time moves only when told to.
 */
#define G_LOG_DOMAIN "poise-clock"

#include "poise-clock.h"

#include <errno.h>
#include <unistd.h>
#include <glib-unix.h>

#ifdef __linux__
# include <sys/timerfd.h>
#endif

/* The fallback's longest sleep: how late a clock change may be noticed. */
#define FALLBACK_MAX_SECONDS 60

struct _PoiseClock
{
  GObject    parent_instance;

  GDateTime *deadline;     /* nullable */
  GDateTime *manual_now;   /* NULL for the system clock */
  int        timer_fd;     /* -1 without timerfd */
  guint      fd_source_id;
  guint      timeout_id;   /* the fallback's */
};

G_DEFINE_FINAL_TYPE (PoiseClock, poise_clock, G_TYPE_OBJECT)

enum {
  WAKEUP,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void rearm_fallback (PoiseClock *self);

/* Auxiliary methods */

static void
fire (PoiseClock *self)
{
  g_clear_pointer (&self->deadline, g_date_time_unref);
  g_signal_emit (self, signals[WAKEUP], 0);
}

/* Callbacks */

#ifdef __linux__
static gboolean
on_timer_fd_ready_cb (int          fd,
                      GIOCondition condition,
                      gpointer     user_data)
{
  PoiseClock *self = user_data;
  guint64 expirations;

  /* ECANCELED: the wall clock was set.  EAGAIN: re-armed meanwhile. */
  if (read (fd, &expirations, sizeof expirations) < 0 && errno == EAGAIN)
    return G_SOURCE_CONTINUE;

  if (self->deadline != NULL)
    fire (self);

  return G_SOURCE_CONTINUE;
}
#endif

static gboolean
on_fallback_timeout_cb (gpointer user_data)
{
  PoiseClock *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->timeout_id = 0;

  if (self->deadline == NULL)
    return G_SOURCE_REMOVE;

  if (g_date_time_compare (now, self->deadline) >= 0)
    fire (self);
  else
    rearm_fallback (self);

  return G_SOURCE_REMOVE;
}

static void
rearm_fallback (PoiseClock *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan left = g_date_time_difference (self->deadline, now);
  guint seconds;

  g_clear_handle_id (&self->timeout_id, g_source_remove);

  /* Rounded up, so the timeout never fires a little early and sleeps again. */
  left = CLAMP (left, 0, (GTimeSpan) FALLBACK_MAX_SECONDS * G_TIME_SPAN_SECOND);
  seconds = (guint) ((left + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND);
  self->timeout_id = g_timeout_add_seconds (seconds, on_fallback_timeout_cb, self);
}

static void
arm_system (PoiseClock *self)
{
#ifdef __linux__
  if (self->timer_fd >= 0)
    {
      struct itimerspec spec = { { 0, 0 }, { 0, 0 } };

      if (self->deadline != NULL)
        {
          /* 0 would disarm; a deadline at the epoch is long past anyway. */
          spec.it_value.tv_sec = MAX (g_date_time_to_unix (self->deadline), 1);
          spec.it_value.tv_nsec = 0;
        }

      if (timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                           &spec, NULL) == 0)
        return;

      g_warning ("Could not arm the reminder timer (%s); checking once a minute instead",
                 g_strerror (errno));
      g_clear_handle_id (&self->fd_source_id, g_source_remove);
      close (self->timer_fd);
      self->timer_fd = -1;
    }
#endif

  if (self->deadline != NULL)
    rearm_fallback (self);
  else
    g_clear_handle_id (&self->timeout_id, g_source_remove);
}

/* GObject overrides */

static void
poise_clock_finalize (GObject *object)
{
  PoiseClock *self = (PoiseClock *) object;

  g_clear_handle_id (&self->fd_source_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->timer_fd >= 0)
    close (self->timer_fd);
  g_clear_pointer (&self->deadline, g_date_time_unref);
  g_clear_pointer (&self->manual_now, g_date_time_unref);

  G_OBJECT_CLASS (poise_clock_parent_class)->finalize (object);
}

static void
poise_clock_class_init (PoiseClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = poise_clock_finalize;

  /**
   * PoiseClock::wakeup:
   * @self: the clock
   *
   * The armed time was reached, or the wall clock was set (then possibly
   * early).  The timer is disarmed before the signal: arm it again.
   */
  signals[WAKEUP] =
    g_signal_new ("wakeup", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
poise_clock_init (PoiseClock *self)
{
  self->timer_fd = -1;
}

/* Public API */

/**
 * poise_clock_new_system:
 *
 * The real wall clock, with its timer on the thread-default main context.
 *
 * Returns: (transfer full): a new clock
 */
PoiseClock *
poise_clock_new_system (void)
{
  PoiseClock *self = g_object_new (POISE_TYPE_CLOCK, NULL);

#ifdef __linux__
  self->timer_fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd >= 0)
    self->fd_source_id = g_unix_fd_add (self->timer_fd, G_IO_IN, on_timer_fd_ready_cb, self);
  else
    g_debug ("No timerfd (%s); checking the clock once a minute", g_strerror (errno));
#endif

  return self;
}

/**
 * poise_clock_new_manual:
 * @now: the time to start at
 *
 * A clock for tests: its time moves only by poise_clock_advance() and
 * poise_clock_jump(), and its timer fires from within them.
 *
 * Returns: (transfer full): a new clock
 */
PoiseClock *
poise_clock_new_manual (GDateTime *now)
{
  PoiseClock *self;

  g_return_val_if_fail (now != NULL, NULL);

  self = g_object_new (POISE_TYPE_CLOCK, NULL);
  self->manual_now = g_date_time_to_utc (now);
  return self;
}

gboolean
poise_clock_is_manual (PoiseClock *self)
{
  g_return_val_if_fail (POISE_IS_CLOCK (self), FALSE);
  return self->manual_now != NULL;
}

/**
 * poise_clock_get_now:
 *
 * Returns: (transfer full): the current wall-clock time, UTC
 */
GDateTime *
poise_clock_get_now (PoiseClock *self)
{
  g_return_val_if_fail (POISE_IS_CLOCK (self), NULL);

  if (self->manual_now != NULL)
    return g_date_time_ref (self->manual_now);
  return g_date_time_new_now_utc ();
}

/**
 * poise_clock_arm:
 * @when: the wall-clock time to wake up at
 *
 * Replaces any earlier timer.  A system clock armed for a time already
 * past wakes up from the next main-loop iteration; a manual one at the
 * next poise_clock_advance().
 */
void
poise_clock_arm (PoiseClock *self,
                 GDateTime  *when)
{
  g_return_if_fail (POISE_IS_CLOCK (self));
  g_return_if_fail (when != NULL);

  g_clear_pointer (&self->deadline, g_date_time_unref);
  self->deadline = g_date_time_to_utc (when);

  if (self->manual_now == NULL)
    arm_system (self);
}

void
poise_clock_disarm (PoiseClock *self)
{
  g_return_if_fail (POISE_IS_CLOCK (self));

  g_clear_pointer (&self->deadline, g_date_time_unref);

  if (self->manual_now == NULL)
    arm_system (self);
}

/**
 * poise_clock_get_deadline:
 *
 * Returns: (transfer none) (nullable): when the timer will fire, if armed
 */
GDateTime *
poise_clock_get_deadline (PoiseClock *self)
{
  g_return_val_if_fail (POISE_IS_CLOCK (self), NULL);
  return self->deadline;
}

/**
 * poise_clock_advance:
 * @span: how much time passes, ≥ 0
 *
 * Manual clocks: time passes; the timer fires if its time is reached.
 */
void
poise_clock_advance (PoiseClock *self,
                     GTimeSpan   span)
{
  GDateTime *later;

  g_return_if_fail (POISE_IS_CLOCK (self));
  g_return_if_fail (self->manual_now != NULL);
  g_return_if_fail (span >= 0);

  later = g_date_time_add (self->manual_now, span);
  g_date_time_unref (self->manual_now);
  self->manual_now = later;

  if (self->deadline != NULL && g_date_time_compare (self->manual_now, self->deadline) >= 0)
    fire (self);
}

/**
 * poise_clock_jump:
 * @now: the new wall-clock time, earlier or later
 *
 * Manual clocks: the wall clock is set, as by NTP or the user; like the
 * system clock, this wakes up whoever armed the timer.
 */
void
poise_clock_jump (PoiseClock *self,
                  GDateTime  *now)
{
  g_return_if_fail (POISE_IS_CLOCK (self));
  g_return_if_fail (self->manual_now != NULL);
  g_return_if_fail (now != NULL);

  g_date_time_unref (self->manual_now);
  self->manual_now = g_date_time_to_utc (now);
  fire (self);
}

/* poise-reminder-scheduler.c: when follow-ups come due, said once each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is the truth; the scheduler keeps no copy of it.  Each check
 * asks the store for the open follow-ups due by now, reports the ones not
 * reported yet for their current due time, and arms the clock's one timer
 * for the earliest due time after now.  A check runs at start, when the
 * timer fires, when the wall clock is set, when the store changes and when
 * the app calls poise_reminder_scheduler_recheck() (resume from suspend).
 *
 * "Reported" is remembered per (UUID, due time): checking twice, or the
 * clock going back and forth, never repeats a reminder, while a snooze (a
 * new due time) reminds again.  What came due while Poise was not running,
 * or long before the check noticed (suspend, a clock set forward), is
 * grouped into one "missed" signal instead of a flood of "due" ones.
 */
#define G_LOG_DOMAIN "poise-reminder-scheduler"

#include "poise-reminder-scheduler.h"

/* After a failed read of the store, try again this much later. */
#define RETRY_SPAN G_TIME_SPAN_MINUTE

struct _PoiseReminderScheduler
{
  GObject     parent_instance;

  PoiseStore *store;
  PoiseClock *clock;
  GHashTable *reported;     /* "UUID@unix-due-time" */
  guint       running : 1;      /* start() was called */
  guint       started : 1;      /* the first check is done */
  guint       checking : 1;
  guint       check_again : 1;
};

G_DEFINE_FINAL_TYPE (PoiseReminderScheduler, poise_reminder_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLOCK,
  N_PROPS,
};

enum {
  DUE,
  MISSED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Auxiliary methods */

static char *
reported_key (PoiseFollowUp *follow_up)
{
  return g_strdup_printf ("%s@%" G_GINT64_FORMAT, poise_follow_up_get_uuid (follow_up),
                          g_date_time_to_unix (poise_follow_up_get_due_at (follow_up)));
}

static void
arm_retry (PoiseReminderScheduler *self,
           GDateTime              *now,
           GError                 *error)
{
  g_autoptr(GDateTime) retry = g_date_time_add (now, RETRY_SPAN);

  g_warning ("Could not check for due follow-ups: %s", error->message);
  poise_clock_arm (self->clock, retry);
}

static void
check_once (PoiseReminderScheduler *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = poise_clock_get_now (self->clock);
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GListStore) overdue = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) missed = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_items;

  overdue = poise_store_list_open_due_before (self->store, now, &error);
  if (overdue == NULL)
    {
      arm_retry (self, now, error);
      return;
    }

  n_items = g_list_model_get_n_items (G_LIST_MODEL (overdue));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(PoiseFollowUp) follow_up = g_list_model_get_item (G_LIST_MODEL (overdue), i);
      char *key = reported_key (follow_up);
      GTimeSpan late;

      if (!g_hash_table_add (self->reported, key))
        continue;

      late = g_date_time_difference (now, poise_follow_up_get_due_at (follow_up));
      if (!self->started || late > POISE_REMINDER_LATE_SPAN)
        g_ptr_array_add (missed, g_steal_pointer (&follow_up));
      else
        g_ptr_array_add (due, g_steal_pointer (&follow_up));
    }
  self->started = TRUE;

  /* Armed before the signals, so a handler that reads the next due time
   * sees the right one (and a handler's own change re-arms after it). */
  if (!poise_store_get_next_due (self->store, now, &next, &error))
    arm_retry (self, now, error);
  else if (next != NULL)
    poise_clock_arm (self->clock, next);
  else
    poise_clock_disarm (self->clock);

  if (missed->len > 0)
    g_signal_emit (self, signals[MISSED], 0, missed);
  for (guint i = 0; i < due->len; i++)
    g_signal_emit (self, signals[DUE], 0, g_ptr_array_index (due, i));
}

/* Handlers may change the store (Done, Snooze), which asks for a check
 * while one runs: run it again afterwards rather than inside. */
static void
check (PoiseReminderScheduler *self)
{
  if (!self->running)
    return;

  if (self->checking)
    {
      self->check_again = TRUE;
      return;
    }

  g_object_ref (self);
  self->checking = TRUE;
  do
    {
      self->check_again = FALSE;
      check_once (self);
    }
  while (self->check_again);
  self->checking = FALSE;
  g_object_unref (self);
}

/* Callbacks */

static void
on_store_changed_cb (PoiseReminderScheduler *self,
                     const char             *uuid)
{
  check (self);
}

static void
on_clock_wakeup_cb (PoiseReminderScheduler *self)
{
  check (self);
}

/* GObject overrides */

static void
poise_reminder_scheduler_constructed (GObject *object)
{
  PoiseReminderScheduler *self = POISE_REMINDER_SCHEDULER (object);

  G_OBJECT_CLASS (poise_reminder_scheduler_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = poise_clock_new_system ();

  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->clock, "wakeup",
                           G_CALLBACK (on_clock_wakeup_cb), self, G_CONNECT_SWAPPED);
}

static void
poise_reminder_scheduler_dispose (GObject *object)
{
  PoiseReminderScheduler *self = (PoiseReminderScheduler *) object;

  if (self->clock != NULL)
    poise_clock_disarm (self->clock);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (poise_reminder_scheduler_parent_class)->dispose (object);
}

static void
poise_reminder_scheduler_finalize (GObject *object)
{
  PoiseReminderScheduler *self = (PoiseReminderScheduler *) object;

  g_clear_pointer (&self->reported, g_hash_table_unref);

  G_OBJECT_CLASS (poise_reminder_scheduler_parent_class)->finalize (object);
}

static void
poise_reminder_scheduler_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  PoiseReminderScheduler *self = POISE_REMINDER_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_reminder_scheduler_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  PoiseReminderScheduler *self = POISE_REMINDER_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_reminder_scheduler_class_init (PoiseReminderSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = poise_reminder_scheduler_constructed;
  object_class->dispose = poise_reminder_scheduler_dispose;
  object_class->finalize = poise_reminder_scheduler_finalize;
  object_class->get_property = poise_reminder_scheduler_get_property;
  object_class->set_property = poise_reminder_scheduler_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, POISE_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, POISE_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PoiseReminderScheduler::due:
   * @self: the scheduler
   * @follow_up: an open follow-up that just came due (a copy from the store)
   *
   * Emitted once per follow-up and due time, at that time.
   */
  signals[DUE] =
    g_signal_new ("due", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, POISE_TYPE_FOLLOW_UP);

  /**
   * PoiseReminderScheduler::missed:
   * @self: the scheduler
   * @follow_ups: (element-type PoiseFollowUp): open follow-ups, by due time
   *
   * "Missed while you were away": at start everything already due, and
   * later what came due more than %POISE_REMINDER_LATE_SPAN before it was
   * noticed (suspend, the clock set forward), in one signal.
   */
  signals[MISSED] =
    g_signal_new ("missed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
}

static void
poise_reminder_scheduler_init (PoiseReminderScheduler *self)
{
  self->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Public API */

/**
 * poise_reminder_scheduler_new:
 * @clock: (nullable): the clock to use; %NULL for the system clock
 *
 * Nothing happens until poise_reminder_scheduler_start().
 *
 * Returns: (transfer full): a new scheduler
 */
PoiseReminderScheduler *
poise_reminder_scheduler_new (PoiseStore *store,
                              PoiseClock *clock)
{
  g_return_val_if_fail (POISE_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || POISE_IS_CLOCK (clock), NULL);

  return g_object_new (POISE_TYPE_REMINDER_SCHEDULER,
                       "store", store,
                       "clock", clock,
                       NULL);
}

/**
 * poise_reminder_scheduler_get_store:
 *
 * Returns: (transfer none): the store
 */
PoiseStore *
poise_reminder_scheduler_get_store (PoiseReminderScheduler *self)
{
  g_return_val_if_fail (POISE_IS_REMINDER_SCHEDULER (self), NULL);
  return self->store;
}

/**
 * poise_reminder_scheduler_get_clock:
 *
 * Returns: (transfer none): the clock
 */
PoiseClock *
poise_reminder_scheduler_get_clock (PoiseReminderScheduler *self)
{
  g_return_val_if_fail (POISE_IS_REMINDER_SCHEDULER (self), NULL);
  return self->clock;
}

/**
 * poise_reminder_scheduler_start:
 *
 * The first check: everything already due is announced by one "missed"
 * signal, then the timer is armed.  Calling it again is a recheck.
 */
void
poise_reminder_scheduler_start (PoiseReminderScheduler *self)
{
  g_return_if_fail (POISE_IS_REMINDER_SCHEDULER (self));

  self->running = TRUE;
  check (self);
}

/**
 * poise_reminder_scheduler_recheck:
 *
 * Looks again now.  Call it on resume from suspend and when the time zone
 * or the clock changed; cheap, and harmless when nothing did.
 */
void
poise_reminder_scheduler_recheck (PoiseReminderScheduler *self)
{
  g_return_if_fail (POISE_IS_REMINDER_SCHEDULER (self));
  check (self);
}

/**
 * poise_reminder_scheduler_get_next_due:
 *
 * Returns: (transfer none) (nullable): the time the timer is armed for
 */
GDateTime *
poise_reminder_scheduler_get_next_due (PoiseReminderScheduler *self)
{
  g_return_val_if_fail (POISE_IS_REMINDER_SCHEDULER (self), NULL);
  return poise_clock_get_deadline (self->clock);
}

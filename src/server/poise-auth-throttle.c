/* poise-auth-throttle.c: slow down token guessing, per client address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * More than POISE_AUTH_MAX_FAILURES failed authentications from one
 * address within a minute block that address for a minute.  Accounts are
 * never locked: a guesser must not be able to lock a colleague out.
 * Tokens have 256 random bits, so this only keeps the noise down.
 */
#define G_LOG_DOMAIN "poise-auth-throttle"

#include "config.h"

#include "poise-auth-throttle.h"

/* Past this many addresses, expired entries are dropped on the next failure. */
#define PRUNE_AT 4096

typedef struct {
  gint64 failures[POISE_AUTH_MAX_FAILURES + 1];   /* a ring of failure times */
  guint  n_failures;
  guint  next;
  gint64 blocked_until;
} Entry;

struct _PoiseAuthThrottle
{
  GObject     parent_instance;
  GHashTable *entries;   /* address → Entry */
};

G_DEFINE_FINAL_TYPE (PoiseAuthThrottle, poise_auth_throttle, G_TYPE_OBJECT)

static gboolean
entry_expired (gpointer key,
               gpointer value,
               gpointer user_data)
{
  Entry *entry = value;
  gint64 now = *(gint64 *) user_data;
  gint64 newest = entry->failures[(entry->next + G_N_ELEMENTS (entry->failures) - 1) %
                                  G_N_ELEMENTS (entry->failures)];

  return entry->blocked_until <= now && newest + POISE_AUTH_WINDOW_US <= now;
}

static void
poise_auth_throttle_finalize (GObject *object)
{
  PoiseAuthThrottle *self = (PoiseAuthThrottle *) object;

  g_clear_pointer (&self->entries, g_hash_table_unref);
  G_OBJECT_CLASS (poise_auth_throttle_parent_class)->finalize (object);
}

static void
poise_auth_throttle_class_init (PoiseAuthThrottleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_auth_throttle_finalize;
}

static void
poise_auth_throttle_init (PoiseAuthThrottle *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PoiseAuthThrottle *
poise_auth_throttle_new (void)
{
  return g_object_new (POISE_TYPE_AUTH_THROTTLE, NULL);
}

guint
poise_auth_throttle_blocked_for (PoiseAuthThrottle *self,
                                 const char        *address)
{
  Entry *entry;
  gint64 now;

  g_return_val_if_fail (POISE_IS_AUTH_THROTTLE (self), 0);

  if (address == NULL || (entry = g_hash_table_lookup (self->entries, address)) == NULL)
    return 0;
  now = g_get_monotonic_time ();
  if (entry->blocked_until <= now)
    return 0;
  return (entry->blocked_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
}

gboolean
poise_auth_throttle_record_failure (PoiseAuthThrottle *self,
                                    const char        *address)
{
  gint64 now = g_get_monotonic_time ();
  Entry *entry;
  guint oldest;

  g_return_val_if_fail (POISE_IS_AUTH_THROTTLE (self), FALSE);

  if (address == NULL)
    address = "";
  if (g_hash_table_size (self->entries) >= PRUNE_AT)
    g_hash_table_foreach_remove (self->entries, entry_expired, &now);

  entry = g_hash_table_lookup (self->entries, address);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (address), entry);
    }

  entry->failures[entry->next] = now;
  entry->next = (entry->next + 1) % G_N_ELEMENTS (entry->failures);
  entry->n_failures = MIN (entry->n_failures + 1, G_N_ELEMENTS (entry->failures));

  /* With the ring full, the slot after the newest holds the oldest of the
   * last MAX + 1 failures: all of them within the window means "more than
   * MAX in a minute". */
  oldest = entry->next;
  if (entry->n_failures == G_N_ELEMENTS (entry->failures) &&
      now - entry->failures[oldest] < POISE_AUTH_WINDOW_US)
    entry->blocked_until = now + POISE_AUTH_WINDOW_US;

  return entry->blocked_until > now;
}

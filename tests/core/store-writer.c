/* store-writer.c: a process for test-store-kill to SIGKILL mid-write
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: store-writer DATABASE
 *
 * Inserts follow-ups one per transaction and prints each UUID on its own
 * line only after poise_store_insert_follow_up() returned, i.e. after the
 * COMMIT: a printed UUID is an acknowledged write.  Stops by itself after
 * ten seconds in case nobody kills it.
 */
#define G_LOG_DOMAIN "store-writer"

#include "poise-store.h"

#include <stdio.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseStore) store = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n = 0;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: %s DATABASE\n", argv[0]);
      return 2;
    }

  store = poise_store_new (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) due = g_date_time_add_hours (now, 1 + n % 48);
      g_autofree char *name = g_strdup_printf ("Customer %u", n++);

      poise_follow_up_set_customer_name (follow_up, name);
      poise_follow_up_set_promise (follow_up, "I will call you back as soon as I know more.");
      poise_follow_up_set_due_at (follow_up, due);

      if (!poise_store_insert_follow_up (store, follow_up, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }

      /* One write per line; a line is shorter than PIPE_BUF, so the reader
       * sees it whole or not at all. */
      printf ("%s\n", poise_follow_up_get_uuid (follow_up));
      fflush (stdout);
    }

  return 0;
}

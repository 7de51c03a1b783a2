/* poise-test-store.c: prepare and inspect the store for tests of the real app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opens $XDG_DATA_HOME/poise/poise.db, the store the app uses.
 *
 *   poise-test-store add UUID DUE_UNIX NAME PROMISE   adds an open follow-up
 *   poise-test-store get UUID                         prints its status
 */
#define G_LOG_DOMAIN "poise-test-store"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "poise-store.h"

static PoiseStore *
open_store (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "poise", NULL);
  g_autofree char *path = g_build_filename (dir, "poise.db", NULL);
  g_autoptr(GError) error = NULL;
  PoiseStore *store;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_printerr ("Could not create %s\n", dir);
      exit (1);
    }

  store = poise_store_new (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }

  return store;
}

static int
add (const char *uuid,
     const char *due_unix,
     const char *name,
     const char *promise)
{
  g_autoptr(PoiseStore) store = open_store ();
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(GDateTime) due_at = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seconds;

  if (!g_ascii_string_to_signed (due_unix, 10, 0, G_MAXINT64, &seconds, &error))
    {
      g_printerr ("DUE_UNIX: %s\n", error->message);
      return 2;
    }

  due_at = g_date_time_new_from_unix_utc (seconds);
  follow_up = g_object_new (POISE_TYPE_FOLLOW_UP, "uuid", uuid, NULL);
  poise_follow_up_set_customer_name (follow_up, name);
  poise_follow_up_set_promise (follow_up, promise);
  poise_follow_up_set_due_at (follow_up, due_at);

  if (!poise_store_insert_follow_up (store, follow_up, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

static int
get (const char *uuid)
{
  g_autoptr(PoiseStore) store = open_store ();
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(GError) error = NULL;

  follow_up = poise_store_get_follow_up (store, uuid, &error);
  if (follow_up == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("%s\n", poise_follow_up_status_to_string (poise_follow_up_get_status (follow_up)));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 6 && g_str_equal (argv[1], "add"))
    return add (argv[2], argv[3], argv[4], argv[5]);
  if (argc == 3 && g_str_equal (argv[1], "get"))
    return get (argv[2]);

  g_printerr ("Usage: %s add UUID DUE_UNIX NAME PROMISE | get UUID\n", argv[0]);
  return 2;
}

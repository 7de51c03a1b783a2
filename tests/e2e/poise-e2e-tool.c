/* poise-e2e-tool.c: set up and read one agent's Poise for the end-to-end test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   poise-e2e-tool secret URL TOKEN   store the token as Preferences' Connect
 *                                     does (poise-credentials, the real
 *                                     Secret Service of this session)
 *   poise-e2e-tool notes              the store's notes: UUID \t REF \t BODY
 *   poise-e2e-tool follow-ups OWNER   OWNER's follow-ups, as their list shows
 *                                     them ("-": all): UUID \t ASSIGNEE \t PROMISE
 *
 * The store is the one the app of this XDG_DATA_HOME uses.
 */
#define G_LOG_DOMAIN "poise-e2e-tool"

#include "config.h"

#include <stdlib.h>

#include "poise-credentials.h"
#include "poise-store.h"

static PoiseStore *
open_store (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "poise", "poise.db", NULL);
  g_autoptr(GError) error = NULL;
  PoiseStore *store = poise_store_new (path, &error);

  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  return store;
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  int *status = user_data;
  g_autoptr(GError) error = NULL;

  *status = poise_credentials_store_finish (result, &error) ? 0 : 1;
  if (error != NULL)
    g_printerr ("%s\n", error->message);
}

static int
store_secret (const char *url,
              const char *token)
{
  int status = -1;

  poise_credentials_store_async (url, token, NULL, stored_cb, &status);
  while (status < 0)
    g_main_context_iteration (NULL, TRUE);
  return status;
}

static int
list_notes (void)
{
  g_autoptr(PoiseStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) notes = poise_store_list_notes (store, NULL, &error);

  if (notes == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (notes)); i++)
    {
      g_autoptr(PoiseNote) note = g_list_model_get_item (G_LIST_MODEL (notes), i);

      g_print ("%s\t%s\t%s\n", poise_note_get_uuid (note),
               poise_note_get_customer_ref (note), poise_note_get_body (note));
    }
  return 0;
}

static int
list_follow_ups (const char *owner)
{
  g_autoptr(PoiseStore) store = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) follow_ups = NULL;

  /* "-": everyone's, as the store holds them. */
  poise_store_set_owner (store, g_str_equal (owner, "-") ? NULL : owner);
  follow_ups = poise_store_list_follow_ups (store, &error);
  if (follow_ups == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (follow_ups)); i++)
    {
      g_autoptr(PoiseFollowUp) follow_up = g_list_model_get_item (G_LIST_MODEL (follow_ups), i);
      const char *assignee = poise_follow_up_get_assignee (follow_up);
      const char *promise = poise_follow_up_get_promise (follow_up);

      g_print ("%s\t%s\t%s\n", poise_follow_up_get_uuid (follow_up),
               assignee != NULL ? assignee : "", promise != NULL ? promise : "");
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "secret"))
    return store_secret (argv[2], argv[3]);
  if (argc == 2 && g_str_equal (argv[1], "notes"))
    return list_notes ();
  if (argc == 3 && g_str_equal (argv[1], "follow-ups"))
    return list_follow_ups (argv[2]);

  g_printerr ("Usage: %s secret URL TOKEN | notes | follow-ups OWNER\n", argv[0]);
  return 2;
}

/* poise-library-hooks.c: where the team's script library meets the app
 *
 * Kept out of poise-application.c and poise-window.c, which others edit
 * too: the application only holds the updater and its library, the
 * window only rebuilds on notify::library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-changes-dialog.h"
#include "poise-library-diff.h"
#include "poise-library-editor.h"
#include "poise-library-hooks.h"

static void
on_updated_cb (PoiseApplication *app,
               PoiseLibrary     *old,
               PoiseLibrary     *new_library,
               gint64            version,
               const char       *message,
               PoiseLibraryUpdater *updater)
{
  g_message ("Script library version %" G_GINT64_FORMAT " received", version);
  poise_application_set_library (app, new_library);
}

/* The library editor: supervisors only */

static PoiseSyncClient *
get_sync_client (PoiseApplication *app)
{
  PoiseLibraryUpdater *updater = poise_application_get_library_updater (app);

  return updater != NULL ? poise_library_updater_get_sync_client (updater) : NULL;
}

static void
update_edit_action (PoiseApplication *app)
{
  PoiseSyncClient *client = get_sync_client (app);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (app), "edit-library");

  /* The server checks the role on publish too; this only keeps the
   * editor out of agents' menus. */
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                 client != NULL &&
                                 poise_sync_client_get_url (client) != NULL &&
                                 g_strcmp0 (poise_sync_client_get_user_role (client), "supervisor") == 0);
}

static void
on_editor_destroyed_cb (PoiseApplication *app)
{
  g_object_set_data (G_OBJECT (app), "poise-library-editor", NULL);
}

static void
edit_library_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PoiseApplication *app = user_data;
  PoiseSyncClient *client = get_sync_client (app);
  PoiseLibraryEditor *editor = g_object_get_data (G_OBJECT (app), "poise-library-editor");
  g_autoptr(PoiseLibraryClient) library_client = NULL;
  g_autofree char *draft = NULL;

  if (editor == NULL)
    {
      if (client != NULL && poise_sync_client_get_url (client) != NULL)
        library_client = poise_library_client_new (poise_sync_client_get_url (client),
                                                   poise_sync_client_get_token (client));
      draft = g_build_filename (g_get_user_data_dir (), "poise", "library-draft.json", NULL);
      editor = poise_library_editor_new (library_client, draft);
      gtk_window_set_application (GTK_WINDOW (editor), GTK_APPLICATION (app));
      /* One editor at a time; forgotten when it closes. */
      g_object_set_data (G_OBJECT (app), "poise-library-editor", editor);
      g_signal_connect_object (editor, "destroy", G_CALLBACK (on_editor_destroyed_cb), app,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (editor));
}

PoiseLibraryUpdater *
poise_library_hooks_start (PoiseApplication *app)
{
  static const GActionEntry actions[] = {
    { "edit-library", edit_library_action },
  };
  static const char *accels[] = { "<Control><Shift>l", NULL };
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "poise", "library", NULL);
  PoiseLibraryUpdater *updater = poise_library_updater_new (dir);

  g_signal_connect_object (updater, "updated", G_CALLBACK (on_updated_cb), app,
                           G_CONNECT_SWAPPED);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.edit-library", accels);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                            "edit-library")),
                               FALSE);
  return updater;
}

void
poise_library_hooks_follow_sync (PoiseApplication *app,
                                 PoiseSyncClient  *client)
{
  PoiseLibraryUpdater *updater = poise_application_get_library_updater (app);

  if (updater == NULL)
    return;
  poise_library_updater_set_sync_client (updater, client);
  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::user-role", G_CALLBACK (update_edit_action), app,
                               G_CONNECT_SWAPPED);
      /* Disconnecting keeps the role but drops the server. */
      g_signal_connect_object (client, "notify::state", G_CALLBACK (update_edit_action), app,
                               G_CONNECT_SWAPPED);
    }
  update_edit_action (app);
}

/* The toast */

static void
on_what_changed_cb (AdwToast    *toast,
                    PoiseWindow *window)
{
  PoiseLibrary *old = g_object_get_data (G_OBJECT (toast), "poise-old-library");
  PoiseLibrary *new_library = g_object_get_data (G_OBJECT (toast), "poise-new-library");
  PoiseApplication *app = POISE_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));
  g_autoptr(GListModel) changes = NULL;
  PoiseChangesDialog *dialog;

  if (old == NULL || new_library == NULL || app == NULL)
    return;
  changes = poise_library_diff (old, new_library, poise_application_get_script_language (app));
  dialog = poise_changes_dialog_new (changes, adw_toast_get_title (toast));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
poise_library_hooks_show_update (PoiseWindow  *window,
                                 PoiseLibrary *old,
                                 PoiseLibrary *new_library,
                                 gint64        version,
                                 const char   *message)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_if_fail (POISE_IS_WINDOW (window));
  g_return_if_fail (POISE_IS_LIBRARY (new_library));

  if (message != NULL && *message != '\0')
    /* Translators: a toast; %s is the supervisor's publish message */
    title = g_strdup_printf (_("Scripts updated: %s"), message);
  else
    /* Translators: a toast; %lld is the version number */
    title = g_strdup_printf (_("Scripts updated to version %lld"), (long long) version);

  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 10);
  if (old != NULL)
    {
      adw_toast_set_button_label (toast, _("_What Changed"));
      g_object_set_data_full (G_OBJECT (toast), "poise-old-library", g_object_ref (old),
                              g_object_unref);
      g_object_set_data_full (G_OBJECT (toast), "poise-new-library", g_object_ref (new_library),
                              g_object_unref);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_what_changed_cb), window, 0);
    }
  poise_window_add_toast (window, toast);
}

static void
on_window_updated_cb (PoiseWindow  *window,
                      PoiseLibrary *old,
                      PoiseLibrary *new_library,
                      gint64        version,
                      const char   *message,
                      PoiseLibraryUpdater *updater)
{
  poise_library_hooks_show_update (window, old, new_library, version, message);
}

static void
on_window_failed_cb (PoiseWindow *window,
                     const char  *message,
                     PoiseLibraryUpdater *updater)
{
  poise_window_show_error (window, _("Scripts not updated"), message);
}

void
poise_library_hooks_setup_window (PoiseWindow      *window,
                                  PoiseApplication *app)
{
  PoiseLibraryUpdater *updater = poise_application_get_library_updater (app);

  if (updater == NULL)
    return;
  g_signal_connect_object (updater, "updated", G_CALLBACK (on_window_updated_cb), window,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (updater, "failed", G_CALLBACK (on_window_failed_cb), window,
                           G_CONNECT_SWAPPED);
}

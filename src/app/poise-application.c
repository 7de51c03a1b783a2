/* poise-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "poise-application.h"
#include "poise-preferences-window.h"
#include "poise-window.h"

/* Long enough to coalesce a burst of typing into one write, short enough
 * that a crash loses at most a few keystrokes. */
#define SAVE_DELAY_MS 400

struct _PoiseApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;
  PoiseLibrary      *library;
  GError            *library_error;
  PoiseConversation *conversation;
  PoiseStore        *store;
  PoiseReminderScheduler *scheduler;
  char              *store_error;
  char              *restore_error;
  guint              save_source;
};

/* The key of the conversation in progress in the store's app state. */
#define CONVERSATION_STATE_KEY "conversation"

G_DEFINE_FINAL_TYPE (PoiseApplication, poise_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SCRIPT_LANGUAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
color_scheme_get_mapping (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  if (g_strcmp0 (scheme, "light") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "dark") == 0)
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);

  return TRUE;
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  PoiseApplication *self = user_data;

  self->save_source = 0;
  poise_application_save_conversation (self);

  return G_SOURCE_REMOVE;
}

static void
on_conversation_changed_cb (PoiseApplication  *self,
                            PoiseConversation *conversation)
{
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
on_script_language_changed_cb (PoiseApplication *self,
                               const char       *key,
                               GSettings        *settings)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRIPT_LANGUAGE]);
}

/* Poise 0.1 kept the conversation in a file of its own: import it once. */
static void
import_conversation_file (PoiseApplication *self)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "poise",
                                            "conversation.json", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  if (!poise_conversation_load_from_file (self->conversation, path, &error))
    {
      g_warning ("Could not import the conversation from %s: %s (left in place)",
                 path, error->message);
      return;
    }

  poise_application_save_conversation (self);
  g_unlink (path);
}

static void
open_store (PoiseApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "poise", NULL);
  g_autofree char *path = g_build_filename (dir, "poise.db", NULL);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      self->store_error = g_strdup_printf (_("Could not create the folder %s: %s"),
                                           dir, g_strerror (saved_errno));
      return;
    }

  /* A store that does not open is left untouched: Poise then works on
   * the conversation in memory and says so, rather than start afresh. */
  self->store = poise_store_new (path, &error);
  if (self->store == NULL)
    {
      g_warning ("%s", error->message);
      self->store_error = g_strdup (error->message);
      return;
    }

  self->scheduler = poise_reminder_scheduler_new (self->store, NULL);
}

/* A conversation the store holds but this Poise cannot read is copied
 * aside in the store before the agent's next change replaces it. */
static void
restore_conversation (PoiseApplication *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  node = poise_store_get_state (self->store, CONVERSATION_STATE_KEY, &error);
  if (node == NULL && error == NULL)
    {
      import_conversation_file (self);
      return;
    }

  if (node == NULL || !poise_conversation_load_json (self->conversation, node, &error))
    {
      g_warning ("Could not restore the conversation: %s", error->message);
      self->restore_error = g_strdup (error->message);

      if (node != NULL)
        {
          g_autofree char *aside = g_strdup_printf ("%s-unreadable-%" G_GINT64_FORMAT,
                                                    CONVERSATION_STATE_KEY,
                                                    g_get_real_time () / G_USEC_PER_SEC);

          poise_store_set_state (self->store, aside, node, NULL);
        }
    }
}

static void
poise_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  PoiseApplication *self = user_data;

  poise_application_save_conversation (self);
  g_application_quit (G_APPLICATION (self));
}

static void
poise_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  PoiseApplication *self = user_data;
  static const char *developers[] = { "The Poise developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "modal", TRUE,
                        "application-name", _("Poise"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Calm, ready words for conversations with angry customers"),
                        "developer-name", _("The Poise developers"),
                        "developers", developers,
                        "website", "https://github.com/poisedesk/poise",
                        "issue-url", "https://github.com/poisedesk/poise/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Poise developers",
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
poise_application_preferences_action (GSimpleAction *action,
                                      GVariant      *parameter,
                                      gpointer       user_data)
{
  PoiseApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  PoisePreferencesWindow *preferences;

  preferences = poise_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", poise_application_quit_action },
  { "about", poise_application_about_action },
  { "preferences", poise_application_preferences_action },
};

static void
poise_application_activate (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      window = GTK_WINDOW (poise_window_new (self));

      if (self->library_error != NULL)
        poise_window_show_error (POISE_WINDOW (window),
                                 _("The scripts could not be loaded"),
                                 self->library_error->message);
      else if (self->store_error != NULL)
        poise_window_show_error (POISE_WINDOW (window),
                                 _("Your saved conversation and follow-ups could not be opened"),
                                 self->store_error);
      else if (self->restore_error != NULL)
        poise_window_show_error (POISE_WINDOW (window),
                                 _("The last conversation could not be restored"),
                                 self->restore_error);
    }

  gtk_window_present (window);
}

static void
poise_application_startup (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  AdwStyleManager *style_manager;

  G_APPLICATION_CLASS (poise_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  style_manager = adw_style_manager_get_default ();
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                style_manager, "color-scheme",
                                G_SETTINGS_BIND_GET,
                                color_scheme_get_mapping, NULL, NULL, NULL);

  self->library = poise_library_new_default (&self->library_error);
  if (self->library == NULL)
    g_critical ("The built-in script library is invalid: %s", self->library_error->message);

  open_store (self);
  restore_conversation (self);
  g_signal_connect_object (self->conversation, "changed",
                           G_CALLBACK (on_conversation_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
poise_application_shutdown (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);

  poise_application_save_conversation (self);

  G_APPLICATION_CLASS (poise_application_parent_class)->shutdown (app);
}

static void
poise_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PoiseApplication *self = POISE_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SCRIPT_LANGUAGE:
      g_value_set_string (value, poise_application_get_script_language (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_application_constructed (GObject *object)
{
  G_OBJECT_CLASS (poise_application_parent_class)->constructed (object);

  /* The Devel profile and the tests have other app ids but the same
   * resources; GApplication derives the path from the id until told. */
  g_application_set_resource_base_path (G_APPLICATION (object), RESOURCE_PATH);
}

static void
poise_application_finalize (GObject *object)
{
  PoiseApplication *self = POISE_APPLICATION (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->settings);
  g_clear_object (&self->library);
  g_clear_error (&self->library_error);
  g_clear_object (&self->conversation);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);
  g_clear_pointer (&self->store_error, g_free);
  g_clear_pointer (&self->restore_error, g_free);

  G_OBJECT_CLASS (poise_application_parent_class)->finalize (object);
}

static void
poise_application_class_init (PoiseApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->constructed = poise_application_constructed;
  object_class->get_property = poise_application_get_property;
  object_class->finalize = poise_application_finalize;

  app_class->activate = poise_application_activate;
  app_class->startup = poise_application_startup;
  app_class->shutdown = poise_application_shutdown;

  properties[PROP_SCRIPT_LANGUAGE] =
    g_param_spec_string ("script-language", NULL, NULL,
                         "en",
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
poise_application_init (PoiseApplication *self)
{
  self->settings = g_settings_new (SCHEMA_ID);
  g_signal_connect_object (self->settings, "changed::script-language",
                           G_CALLBACK (on_script_language_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->conversation = poise_conversation_new ();
}

PoiseApplication *
poise_application_new (const char        *application_id,
                       GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (POISE_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       NULL);
}

GSettings *
poise_application_get_settings (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * poise_application_get_library:
 *
 * Returns: (transfer none) (nullable): the script library, or %NULL if it
 *   could not be loaded
 */
PoiseLibrary *
poise_application_get_library (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->library;
}

PoiseConversation *
poise_application_get_conversation (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->conversation;
}

const char *
poise_application_get_script_language (PoiseApplication *self)
{
  g_autofree char *choice = NULL;

  g_return_val_if_fail (POISE_IS_APPLICATION (self), "en");

  choice = g_settings_get_string (self->settings, "script-language");
  if (g_strcmp0 (choice, "de") == 0)
    return "de";
  if (g_strcmp0 (choice, "en") == 0)
    return "en";

  return poise_language_from_locale ();
}

void
poise_application_save_conversation (PoiseApplication *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (POISE_IS_APPLICATION (self));

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->store == NULL)
    return;

  node = poise_conversation_to_json (self->conversation);
  if (!poise_store_set_state (self->store, CONVERSATION_STATE_KEY, node, &error))
    g_warning ("Could not save the conversation: %s", error->message);
}

/**
 * poise_application_get_store:
 *
 * Returns: (transfer none) (nullable): the local store
 */
PoiseStore *
poise_application_get_store (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * poise_application_get_scheduler:
 *
 * Returns: (transfer none) (nullable): the reminder scheduler
 */
PoiseReminderScheduler *
poise_application_get_scheduler (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->scheduler;
}

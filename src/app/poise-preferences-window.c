/* poise-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-credentials.h"
#include "poise-preferences-window.h"
#include "poise-sync-client.h"

struct _PoisePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;   /* the test or connection under way */

  /* Template widgets */
  GtkSwitch            *background_switch;
  AdwComboRow          *color_scheme_row;
  AdwComboRow          *language_row;
  GtkSwitch            *login_switch;
  GtkImage             *status_icon;
  AdwActionRow         *status_row;
  AdwPasswordEntryRow  *token_row;
  AdwEntryRow          *url_row;
};

/* What a test of the connection is for. */
typedef enum {
  CHECK_ONLY,
  CHECK_AND_CONNECT,
} CheckPurpose;

G_DEFINE_FINAL_TYPE (PoisePreferencesWindow, poise_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The rows list their choices in the same order as these keys. */
static const char *language_keys[] = { "system", "de", "en" };
static const char *color_scheme_keys[] = { "default", "light", "dark" };

static gboolean
key_to_position (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char **keys = user_data;
  const char *key = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < 3; i++)
    {
      if (g_strcmp0 (keys[i], key) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_key (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  const char **keys = user_data;
  guint position = g_value_get_uint (value);

  if (position >= 3)
    return NULL;

  return g_variant_new_string (keys[position]);
}

/* Team server */

static char *
dup_url (PoisePreferencesWindow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
}

static char *
dup_token (PoisePreferencesWindow *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
}

static void
set_status (PoisePreferencesWindow *self,
            const char             *icon_name,
            const char             *text,
            gboolean                error)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), text);
  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_row), "error");
}

static void
update_team_actions (PoisePreferencesWindow *self)
{
  g_autofree char *url = dup_url (self);
  g_autofree char *token = dup_token (self);
  g_autofree char *saved_url = g_settings_get_string (self->settings, "server-url");
  gboolean busy = self->cancellable != NULL;
  gboolean complete = *url != '\0' && *token != '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.test", complete && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.connect", complete && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.disconnect", *saved_url != '\0' && !busy);
}

static void
token_looked_up_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PoisePreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = poise_credentials_lookup_finish (result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, "dialog-warning-symbolic", error->message, TRUE);
      return;
    }

  /* Only if the agent has not started typing one meanwhile. */
  if (token != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->token_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  update_team_actions (self);
}

static void
load_team_server (PoisePreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  if (*url == '\0')
    {
      set_status (self, "network-server-symbolic",
                  _("Not connected: notes and follow-ups stay on this computer"), FALSE);
      update_team_actions (self);
      return;
    }

  set_status (self, "network-server-symbolic",
              _("Server saved. Test the connection to see who you are signed in as."), FALSE);
  poise_credentials_lookup_async (url, NULL, token_looked_up_cb, g_object_ref (self));
  update_team_actions (self);
}

static void
finish_busy (PoisePreferencesWindow *self)
{
  g_clear_object (&self->cancellable);
  update_team_actions (self);
}

static void
token_stored_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PoisePreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *saved_url = NULL;

  finish_busy (self);

  if (!poise_credentials_store_finish (result, &error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is why the keyring refused, e.g. "The keyring is locked" */
      text = g_strdup_printf (_("The token could not be saved in the keyring: %s"), error->message);
      set_status (self, "dialog-warning-symbolic", text, TRUE);
      return;
    }

  /* The application follows the setting; a new token for the same server
   * changes no setting, so it is told to read both again. */
  url = dup_url (self);
  saved_url = g_settings_get_string (self->settings, "server-url");
  if (g_strcmp0 (url, saved_url) != 0)
    g_settings_set_string (self->settings, "server-url", url);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "app.reconnect", NULL);
  update_team_actions (self);
}

typedef struct {
  PoisePreferencesWindow *self;
  CheckPurpose            purpose;
} CheckData;

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CheckData *data = user_data;
  g_autoptr(PoisePreferencesWindow) self = data->self;
  CheckPurpose purpose = data->purpose;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role = NULL;
  g_autofree char *text = NULL;

  g_free (data);

  if (!poise_sync_client_test_connection_finish (result, &name, &role, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      finish_busy (self);
      /* Translators: %s says exactly what failed, e.g. "The server refused the token" */
      text = g_strdup_printf (_("Could not connect: %s"), error->message);
      set_status (self, "dialog-warning-symbolic", text, TRUE);
      return;
    }

  /* Translators: the result of a connection test, e.g. "Signed in as alice (agent)" */
  text = g_strdup_printf (_("Signed in as %s (%s)"), name, role);
  set_status (self, "emblem-ok-symbolic", text, FALSE);

  if (purpose == CHECK_AND_CONNECT)
    {
      g_autofree char *url = dup_url (self);
      g_autofree char *token = dup_token (self);

      /* The token goes to the keyring first: the application reads it
       * from there when the setting changes. */
      poise_credentials_store_async (url, token, self->cancellable,
                                     token_stored_cb, g_object_ref (self));
      return;
    }

  finish_busy (self);
}

static void
check (PoisePreferencesWindow *self,
       CheckPurpose            purpose)
{
  g_autofree char *url = dup_url (self);
  g_autofree char *token = dup_token (self);
  CheckData *data;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_status (self, "emblem-synchronizing-symbolic", _("Connecting…"), FALSE);
  data = g_new0 (CheckData, 1);
  data->self = g_object_ref (self);
  data->purpose = purpose;
  poise_sync_client_test_connection_async (url, token, self->cancellable, tested_cb, data);
  update_team_actions (self);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  check (POISE_PREFERENCES_WINDOW (widget), CHECK_ONLY);
}

/* Connect only to what answers: a typo never replaces a working setup. */
static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  check (POISE_PREFERENCES_WINDOW (widget), CHECK_AND_CONNECT);
}

static void
token_cleared_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!poise_credentials_clear_finish (result, &error))
    g_warning ("Could not remove the token from the keyring: %s", error->message);
}

/* Back to this computer only: the setting goes, and so does the token. */
static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PoisePreferencesWindow *self = POISE_PREFERENCES_WINDOW (widget);
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  if (*url != '\0')
    poise_credentials_clear_async (url, NULL, token_cleared_cb, NULL);

  g_settings_set_string (self->settings, "server-url", "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  set_status (self, "network-server-symbolic",
              _("Disconnected: notes and follow-ups stay on this computer"), FALSE);
  update_team_actions (self);
}

static void
on_credentials_changed_cb (PoisePreferencesWindow *self,
                           GtkEditable            *editable)
{
  update_team_actions (self);
}

static void
poise_preferences_window_dispose (GObject *object)
{
  PoisePreferencesWindow *self = POISE_PREFERENCES_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (poise_preferences_window_parent_class)->dispose (object);
}

static void
poise_preferences_window_class_init (PoisePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, status_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, url_row);
  gtk_widget_class_bind_template_callback (widget_class, on_credentials_changed_cb);

  gtk_widget_class_install_action (widget_class, "team.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "team.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "team.disconnect", NULL, disconnect_action);
}

static void
poise_preferences_window_init (PoisePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PoisePreferencesWindow *
poise_preferences_window_new (GSettings *settings)
{
  PoisePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (POISE_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "script-language",
                                self->language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                key_to_position, position_to_key,
                                language_keys, NULL);
  g_settings_bind_with_mapping (settings, "color-scheme",
                                self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                key_to_position, position_to_key,
                                color_scheme_keys, NULL);
  g_settings_bind (settings, "run-in-background",
                   self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-at-login",
                   self->login_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Shown as set; written only by Connect, once the server answered. */
  g_settings_bind (settings, "server-url",
                   self->url_row, "text",
                   G_SETTINGS_BIND_GET | G_SETTINGS_BIND_NO_SENSITIVITY);
  load_team_server (self);

  return self;
}

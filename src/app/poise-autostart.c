/* poise-autostart.c: starting Poise at login, with or without Flatpak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Outside Flatpak, an XDG autostart entry in $XDG_CONFIG_HOME/autostart
 * does it. Inside, the sandbox cannot write there: the Background portal
 * writes the entry for us once the user allows it. Either way the entry
 * runs `poise --background`, which starts without a window.
 *
 * The portal is called with GDBus directly: it is one method and one
 * signal, not worth a dependency on libportal.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "poise-autostart.h"

#define PORTAL_BUS_NAME    "org.freedesktop.portal.Desktop"
#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"

/* One Background portal request, shared by the method call's callback and
 * the Response signal's subscription; the last one of them frees it. */
typedef struct
{
  GDBusConnection *connection;
  guint            subscription;
  gboolean         autostart;
} PortalRequest;

static void
portal_request_clear (PortalRequest *request)
{
  g_clear_object (&request->connection);
}

static void
portal_request_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) portal_request_clear);
}

static void
portal_request_finish (PortalRequest *request)
{
  if (request->subscription != 0)
    g_dbus_connection_signal_unsubscribe (request->connection, request->subscription);
  request->subscription = 0;
}

/* Callbacks */

static void
on_portal_response_cb (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  PortalRequest *request = user_data;
  g_autoptr(GVariant) results = NULL;
  gboolean background = FALSE;
  gboolean autostart = FALSE;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;

  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "background", "b", &background);
  g_variant_lookup (results, "autostart", "b", &autostart);

  /* Denied is a choice, not an error: Poise still works while it runs. */
  if (response != 0)
    g_message ("The Background portal request was cancelled or failed (%u)", response);
  else if (request->autostart && !autostart)
    g_message ("Starting at login was not allowed by the Background portal");
  else if (!background)
    g_message ("Running in the background was not allowed by the Background portal");
  else
    g_debug ("Background portal: background %d, autostart %d", background, autostart);

  portal_request_finish (request);
}

static void
request_background_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  PortalRequest *request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_message ("Could not ask the Background portal to start Poise at login: %s",
                 error->message);
      portal_request_finish (request);
    }

  portal_request_unref (request);
}

/* Public API */

/**
 * poise_autostart_is_sandboxed:
 *
 * Returns: %TRUE inside Flatpak, where only the portal can autostart us
 */
gboolean
poise_autostart_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

/**
 * poise_autostart_get_entry_path:
 *
 * Returns: (transfer full): $XDG_CONFIG_HOME/autostart/APP_ID.desktop
 */
char *
poise_autostart_get_entry_path (const char *app_id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (app_id != NULL, NULL);

  name = g_strconcat (app_id, ".desktop", NULL);
  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

/**
 * poise_autostart_write_entry:
 * @enabled: whether to write the entry or remove it
 *
 * Writes or removes the XDG autostart entry; removing a missing one is
 * not an error.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
poise_autostart_write_entry (const char  *app_id,
                             gboolean     enabled,
                             GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GKeyFile) entry = NULL;

  g_return_val_if_fail (app_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = poise_autostart_get_entry_path (app_id);

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not remove %s: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  entry = g_key_file_new ();
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Poise");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Reminds you of follow-ups with the window closed"));
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, app_id);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                         POISE_AUTOSTART_COMMAND);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_save_to_file (entry, path, error);
}

/**
 * poise_autostart_request_portal:
 * @enabled: whether Poise should start at login
 *
 * Asks the Background portal to let Poise run in the background and to
 * start it at login (or no longer). The answer comes later and is only
 * logged: a denial leaves Poise working as long as it runs.
 */
void
poise_autostart_request_portal (GDBusConnection *connection,
                                gboolean         enabled)
{
  static const char *commandline[] = { "poise", "--background", NULL };
  PortalRequest *request;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *handle = NULL;
  GVariantBuilder options;

  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));

  /* The Response signal comes from a Request object whose path we know in
   * advance from our unique name and a token of ours; subscribing before
   * the call means it cannot be missed. */
  token = g_strdup_printf ("poise%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (connection) + 1);
  g_strdelimit (sender, ".", '_');
  handle = g_strdup_printf (PORTAL_OBJECT_PATH "/request/%s/%s", sender, token);

  request = g_rc_box_new0 (PortalRequest);
  request->connection = g_object_ref (connection);
  request->autostart = enabled;
  request->subscription =
    g_dbus_connection_signal_subscribe (connection,
                                        PORTAL_BUS_NAME,
                                        "org.freedesktop.portal.Request",
                                        "Response",
                                        handle,
                                        NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_portal_response_cb,
                                        g_rc_box_acquire (request),
                                        portal_request_unref);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Remind you of follow-ups with the window closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enabled));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));

  g_dbus_connection_call (connection,
                          PORTAL_BUS_NAME,
                          PORTAL_OBJECT_PATH,
                          "org.freedesktop.portal.Background",
                          "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE,
                          -1,
                          NULL,
                          request_background_cb,
                          request);
}

/**
 * poise_autostart_set_enabled:
 * @enabled: whether Poise should start at login
 *
 * Writes or removes the autostart entry, or asks the portal inside
 * Flatpak. Failures are logged: the setting stays what the agent chose.
 */
void
poise_autostart_set_enabled (GApplication *application,
                             gboolean      enabled)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  g_return_if_fail (G_IS_APPLICATION (application));

  if (!poise_autostart_is_sandboxed ())
    {
      if (!poise_autostart_write_entry (g_application_get_application_id (application),
                                        enabled, &error))
        g_warning ("%s", error->message);
      return;
    }

  connection = g_application_get_dbus_connection (application);
  if (connection == NULL)
    {
      g_warning ("No session bus: cannot ask the Background portal to start Poise at login");
      return;
    }

  poise_autostart_request_portal (connection, enabled);
}

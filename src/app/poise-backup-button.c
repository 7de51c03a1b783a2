/* poise-backup-button.c: "Need Backup", and whether help is coming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request goes straight to the team server, which announces it on
 * every live socket: supervisors get a notification (PoiseBackupAlerts)
 * and their acknowledgement comes back the same way.  Without a server
 * there is nobody to ask, so the button says so instead of failing late.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "poise-backup-button.h"
#include "poise-customer-panel.h"
#include "poise-window.h"

#define CONTEXT_MAX 500

struct _PoiseBackupButton
{
  GtkWidget          parent_instance;

  PoiseSyncClient   *client;
  PoiseLibrary      *library;
  PoiseConversation *conversation;
  char              *language;
  char              *request_id;   /* the last request's, for its ack */
  char              *status;
  GCancellable      *cancellable;

  /* Template widgets */
  GtkWidget         *button;
  GtkLabel          *status_label;
};

G_DEFINE_FINAL_TYPE (PoiseBackupButton, poise_backup_button, GTK_TYPE_WIDGET)

static void
set_status (PoiseBackupButton *self,
            const char        *status,
            const char        *css_class)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
}

static void
update_sensitivity (PoiseBackupButton *self)
{
  gboolean has_server = self->client != NULL &&
                        poise_sync_client_get_state (self->client) != POISE_SYNC_STATE_DISABLED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backup.request", has_server);
  gtk_widget_set_tooltip_text (self->button,
                               has_server
                                 ? _("Ask the supervisors online to help with this conversation now")
                                 : _("Asking for backup needs a team server: set one up in Preferences"));
}

static void
on_ack_cb (PoiseSyncClient   *client,
           const char        *type,
           JsonObject        *message,
           PoiseBackupButton *self)
{
  const char *id = json_object_get_string_member_with_default (message, "id", NULL);
  const char *by = json_object_get_string_member_with_default (message, "by", NULL);
  g_autofree char *text = NULL;

  if (self->request_id == NULL || g_strcmp0 (id, self->request_id) != 0 || by == NULL)
    return;

  /* Translators: %s is the supervisor who acknowledged the backup request */
  text = g_strdup_printf (_("%s is on the way"), by);
  set_status (self, text, "success");
}

static void
request_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PoiseBackupButton) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = poise_sync_client_request_backup_finish (POISE_SYNC_CLIENT (source), result, &error);
  GtkRoot *root;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (id == NULL)
    {
      set_status (self, error->message, "error");
      root = gtk_widget_get_root (GTK_WIDGET (self));
      if (POISE_IS_WINDOW (root))
        poise_window_show_error (POISE_WINDOW (root), _("The backup request was not sent"), error->message);
      return;
    }

  g_free (self->request_id);
  self->request_id = g_steal_pointer (&id);
  set_status (self, _("Request sent: a supervisor will be told at once"), "dim-label");
}

static char *
default_context (PoiseBackupButton *self)
{
  const char *scenario_id = self->conversation != NULL
    ? poise_conversation_get_scenario_id (self->conversation)
    : NULL;
  PoiseScenario *scenario = self->library != NULL && scenario_id != NULL
    ? poise_library_lookup_scenario (self->library, scenario_id)
    : NULL;

  if (scenario == NULL)
    return g_strdup ("");
  return g_strdup (poise_scenario_get_title (scenario, self->language));
}

static void
on_dialog_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       PoiseBackupButton *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *context = NULL;

  if (g_strcmp0 (response, "send") != 0)
    return;
  context = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  poise_backup_button_send (self, *context != '\0' ? context : _("Please join this conversation"));
}

static void
request_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PoiseBackupButton *self = POISE_BACKUP_BUTTON (widget);
  g_autofree char *context = default_context (self);
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_max_length (GTK_ENTRY (entry), CONTEXT_MAX);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (entry), context);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("What is happening?"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What is happening"), -1);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Ask for Backup?"),
                                                       _("The supervisors online are told at once, with the customer reference and what you write here.")));
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send Request"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
poise_backup_button_dispose (GObject *object)
{
  PoiseBackupButton *self = POISE_BACKUP_BUTTON (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_BACKUP_BUTTON);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->library);
  g_clear_object (&self->conversation);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (poise_backup_button_parent_class)->dispose (object);
}

static void
poise_backup_button_finalize (GObject *object)
{
  PoiseBackupButton *self = POISE_BACKUP_BUTTON (object);

  g_free (self->language);
  g_free (self->request_id);
  g_free (self->status);

  G_OBJECT_CLASS (poise_backup_button_parent_class)->finalize (object);
}

static void
poise_backup_button_class_init (PoiseBackupButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_backup_button_dispose;
  object_class->finalize = poise_backup_button_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/poise-backup-button.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseBackupButton, button);
  gtk_widget_class_bind_template_child (widget_class, PoiseBackupButton, status_label);
  gtk_widget_class_install_action (widget_class, "backup.request", NULL, request_action);
}

static void
poise_backup_button_init (PoiseBackupButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->language = g_strdup (POISE_FALLBACK_LANGUAGE);
  self->cancellable = g_cancellable_new ();
  update_sensitivity (self);
}

/* Public API */

void
poise_backup_button_setup (PoiseBackupButton *self,
                           PoiseSyncClient   *client,
                           PoiseLibrary      *library,
                           PoiseConversation *conversation,
                           const char        *language)
{
  g_return_if_fail (POISE_IS_BACKUP_BUTTON (self));
  g_return_if_fail (client == NULL || POISE_IS_SYNC_CLIENT (client));

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  g_set_object (&self->library, library);
  g_set_object (&self->conversation, conversation);
  poise_backup_button_set_language (self, language);
  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::state", G_CALLBACK (update_sensitivity), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "live-message::backup_ack", G_CALLBACK (on_ack_cb), self, 0);
    }
  update_sensitivity (self);
}

void
poise_backup_button_set_language (PoiseBackupButton *self,
                                  const char        *language)
{
  g_return_if_fail (POISE_IS_BACKUP_BUTTON (self));

  g_free (self->language);
  self->language = g_strdup (language != NULL ? language : POISE_FALLBACK_LANGUAGE);
}

void
poise_backup_button_send (PoiseBackupButton *self,
                          const char        *context)
{
  const char *ref = NULL;
  const char *scenario = NULL;
  g_autofree char *clipped = NULL;

  g_return_if_fail (POISE_IS_BACKUP_BUTTON (self));
  g_return_if_fail (context != NULL);

  if (self->client == NULL)
    {
      set_status (self, _("Asking for backup needs a team server: set one up in Preferences"), "error");
      return;
    }
  if (self->conversation != NULL)
    {
      ref = poise_conversation_get_value (self->conversation, POISE_CUSTOMER_REF_KEY);
      scenario = poise_conversation_get_scenario_id (self->conversation);
    }
  /* The server takes 500 characters; a long paste is cut, not refused. */
  clipped = g_utf8_substring (context, 0, MIN (g_utf8_strlen (context, -1), CONTEXT_MAX));

  g_clear_pointer (&self->request_id, g_free);
  set_status (self, _("Sending the request…"), "dim-label");
  poise_sync_client_request_backup_async (self->client, ref, scenario, clipped, self->cancellable,
                                          request_done_cb, g_object_ref (self));
}

const char *
poise_backup_button_get_status (PoiseBackupButton *self)
{
  g_return_val_if_fail (POISE_IS_BACKUP_BUTTON (self), NULL);

  return self->status;
}

/* poise-backup-alerts.c: a supervisor hears that an agent needs backup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GNotification rather than an in-window banner: the supervisor's Poise
 * may be closed or behind another window, and a request for help must not
 * wait for them to look.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-backup-alerts.h"

struct _PoiseBackupAlerts
{
  GObject          parent_instance;

  GApplication    *application;   /* weak: it owns us */
  PoiseSyncClient *client;
};

G_DEFINE_FINAL_TYPE (PoiseBackupAlerts, poise_backup_alerts, G_TYPE_OBJECT)

static char *
notification_id (const char *request_id)
{
  return g_strconcat ("backup-", request_id, NULL);
}

static void
on_request_cb (PoiseSyncClient   *client,
               const char        *type,
               JsonObject        *message,
               PoiseBackupAlerts *self)
{
  const char *id = json_object_get_string_member_with_default (message, "id", NULL);
  const char *from = json_object_get_string_member_with_default (message, "from", NULL);
  const char *context = json_object_get_string_member_with_default (message, "context", NULL);
  const char *ref = json_object_get_string_member_with_default (message, "customer_ref", NULL);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *nid = NULL;

  if (g_strcmp0 (poise_sync_client_get_user_role (client), "supervisor") != 0)
    return;
  if (id == NULL || !g_uuid_string_is_valid (id) || from == NULL || context == NULL)
    return;
  /* A supervisor asking for backup needs someone else. */
  if (g_strcmp0 (from, poise_sync_client_get_user_name (client)) == 0)
    return;

  /* Translators: %s is the agent asking for backup */
  title = g_strdup_printf (_("%s needs backup"), from);
  if (ref != NULL && *ref != '\0')
    /* Translators: the backup request's context, then the customer reference */
    body = g_strdup_printf (_("%s (customer %s)"), context, ref);
  else
    body = g_strdup (context);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_add_button_with_target (notification, _("Acknowledge"), "app.backup-ack", "s", id);
  g_notification_set_default_action (notification, "app.activate");
  nid = notification_id (id);
  g_application_send_notification (self->application, nid, notification);
}

static void
ack_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GApplication) application = user_data;
  g_autoptr(GError) error = NULL;

  if (!poise_sync_client_ack_backup_finish (POISE_SYNC_CLIENT (source), result, &error))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("The acknowledgement was not sent"));

      g_notification_set_body (notification, error->message);
      g_application_send_notification (application, "backup-ack-failed", notification);
    }
}

static void
backup_ack_activated_cb (GSimpleAction     *action,
                         GVariant          *parameter,
                         PoiseBackupAlerts *self)
{
  poise_backup_alerts_acknowledge (self, g_variant_get_string (parameter, NULL));
}

static void
poise_backup_alerts_dispose (GObject *object)
{
  PoiseBackupAlerts *self = POISE_BACKUP_ALERTS (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  if (self->application != NULL)
    {
      g_action_map_remove_action (G_ACTION_MAP (self->application), "backup-ack");
      g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
      self->application = NULL;
    }

  G_OBJECT_CLASS (poise_backup_alerts_parent_class)->dispose (object);
}

static void
poise_backup_alerts_class_init (PoiseBackupAlertsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_backup_alerts_dispose;
}

static void
poise_backup_alerts_init (PoiseBackupAlerts *self)
{
}

PoiseBackupAlerts *
poise_backup_alerts_new (GApplication    *application,
                         PoiseSyncClient *client)
{
  PoiseBackupAlerts *self;
  g_autoptr(GSimpleAction) ack = NULL;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (client), NULL);

  self = g_object_new (POISE_TYPE_BACKUP_ALERTS, NULL);
  self->application = application;
  g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
  self->client = g_object_ref (client);
  g_signal_connect (client, "live-message::backup_request", G_CALLBACK (on_request_cb), self);

  ack = g_simple_action_new ("backup-ack", G_VARIANT_TYPE_STRING);
  g_signal_connect_object (ack, "activate", G_CALLBACK (backup_ack_activated_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (ack));

  return self;
}

void
poise_backup_alerts_acknowledge (PoiseBackupAlerts *self,
                                 const char        *id)
{
  g_autofree char *nid = NULL;

  g_return_if_fail (POISE_IS_BACKUP_ALERTS (self));

  if (self->application == NULL || id == NULL || !g_uuid_string_is_valid (id))
    return;
  nid = notification_id (id);
  g_application_withdraw_notification (self->application, nid);
  poise_sync_client_ack_backup_async (self->client, id, NULL, ack_done_cb,
                                      g_object_ref (self->application));
}

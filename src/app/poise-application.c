/* poise-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdlib.h>

#include "poise-application.h"
#include "poise-autostart.h"
#include "poise-backup-alerts.h"
#include "poise-credentials.h"
#include "poise-library-hooks.h"
#include "poise-preferences-window.h"
#include "poise-window.h"

/* Long enough to coalesce a burst of typing into one write, short enough
 * that a crash loses at most a few keystrokes. */
#define SAVE_DELAY_MS 400

/* What "Snooze" on a reminder means. */
#define SNOOZE_SPAN (15 * G_TIME_SPAN_MINUTE)

/* The notification that sums up the follow-ups missed while away. */
#define MISSED_NOTIFICATION_ID "follow-ups-missed"

struct _PoiseApplication
{
  AdwApplication     parent_instance;

  GSettings         *settings;
  PoiseLibrary      *library;
  GError            *library_error;
  PoiseLibraryUpdater *library_updater;
  PoiseConversation *conversation;
  PoiseStore        *store;
  PoiseReminderScheduler *scheduler;
  char              *store_error;
  char              *restore_error;
  guint              save_source;

  /* Reminders: the UUIDs with a notification of their own, and those
   * counted in the "missed" summary, so each is withdrawn once handled. */
  GHashTable        *notified;
  GHashTable        *missed;
  gboolean           scheduler_starting;

  /* Resume from suspend, from logind on the system bus if there is one. */
  GCancellable      *cancellable;
  GDBusConnection   *system_bus;
  guint              sleep_subscription;

  /* Team sync: the client, and the lookup of its token under way. */
  PoiseSyncClient   *sync_client;
  PoiseBackupAlerts *backup_alerts;   /* supervisors hear backup requests */
  GCancellable      *token_lookup;

  /* Running with the window closed: whether we hold the application, and
   * whether --background asked to skip the first window. */
  gboolean           holding;
  gboolean           start_in_background;
};

/* The key of the conversation in progress in the store's app state. */
#define CONVERSATION_STATE_KEY "conversation"

G_DEFINE_FINAL_TYPE (PoiseApplication, poise_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SCRIPT_LANGUAGE,
  PROP_LIBRARY,
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

  /* The file goes only once the store has the conversation. */
  if (poise_application_save_conversation (self))
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

/* Reminders */

static char *
follow_up_notification_id (const char *uuid)
{
  return g_strconcat ("follow-up-", uuid, NULL);
}

static GDateTime *
get_now (PoiseApplication *self)
{
  return poise_clock_get_now (poise_reminder_scheduler_get_clock (self->scheduler));
}

static void
withdraw_follow_up_notification (PoiseApplication *self,
                                 const char       *uuid)
{
  g_autofree char *id = NULL;

  if (!g_hash_table_remove (self->notified, uuid))
    return;

  id = follow_up_notification_id (uuid);
  g_application_withdraw_notification (G_APPLICATION (self), id);
}

static void
forget_missed (PoiseApplication *self,
               const char       *uuid)
{
  if (!g_hash_table_remove (self->missed, uuid))
    return;

  /* The summary stays while any of what it counts still waits; it is not
   * re-sent with a smaller number, which would alert the agent again. */
  if (g_hash_table_size (self->missed) == 0)
    g_application_withdraw_notification (G_APPLICATION (self), MISSED_NOTIFICATION_ID);
}

static void
withdraw_all_notifications (PoiseApplication *self)
{
  GHashTableIter iter;
  const char *uuid;

  g_hash_table_iter_init (&iter, self->notified);
  while (g_hash_table_iter_next (&iter, (gpointer *) &uuid, NULL))
    {
      g_autofree char *id = follow_up_notification_id (uuid);

      g_application_withdraw_notification (G_APPLICATION (self), id);
      g_hash_table_iter_remove (&iter);
    }

  if (g_hash_table_size (self->missed) > 0)
    {
      g_hash_table_remove_all (self->missed);
      g_application_withdraw_notification (G_APPLICATION (self), MISSED_NOTIFICATION_ID);
    }
}

/* A reminder is "handled" once its follow-up is gone, no longer open, or
 * due later than now (snoozed or rescheduled) - here or elsewhere. */
static gboolean
follow_up_is_handled (PoiseApplication *self,
                      const char       *uuid)
{
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GError) error = NULL;

  follow_up = poise_store_get_follow_up (self->store, uuid, &error);
  if (follow_up == NULL)
    {
      if (g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND))
        return TRUE;

      /* Unreadable for now: keep the reminder rather than lose it. */
      g_warning ("Could not read the follow-up %s: %s", uuid, error->message);
      return FALSE;
    }

  if (poise_follow_up_get_status (follow_up) != POISE_FOLLOW_UP_STATUS_OPEN)
    return TRUE;

  /* Handed over to a colleague: theirs to be reminded of, not ours (and
   * our Done button would close it for them). */
  {
    const char *owner = poise_store_get_owner (self->store);
    const char *assignee = poise_follow_up_get_assignee (follow_up);

    if (owner != NULL && assignee != NULL && *assignee != '\0' && g_strcmp0 (assignee, owner) != 0)
      return TRUE;
  }

  now = get_now (self);
  return g_date_time_compare (poise_follow_up_get_due_at (follow_up), now) > 0;
}

static char *
format_due_time (GDateTime *due_at)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (due_at);

  /* Translators: the time of day a follow-up is due, in a notification;
   * see g_date_time_format() for the codes */
  return g_date_time_format (local, _("%H:%M"));
}

static void
send_due_notification (PoiseApplication *self,
                       PoiseFollowUp    *follow_up)
{
  const char *uuid = poise_follow_up_get_uuid (follow_up);
  const char *name = poise_follow_up_get_customer_name (follow_up);
  const char *ref = poise_follow_up_get_customer_ref (follow_up);
  const char *promise = poise_follow_up_get_promise (follow_up);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = follow_up_notification_id (uuid);
  g_autofree char *title = NULL;
  g_autofree char *due_time = NULL;
  g_autofree char *due_line = NULL;
  g_autofree char *body = NULL;

  if (name != NULL && *name != '\0')
    /* Translators: a notification title; %s is the customer's name or,
     * without one, the ticket or order number */
    title = g_strdup_printf (_("Follow-up due: %s"), name);
  else if (ref != NULL && *ref != '\0')
    title = g_strdup_printf (_("Follow-up due: %s"), ref);
  else
    title = g_strdup (_("A follow-up is due"));

  due_time = format_due_time (poise_follow_up_get_due_at (follow_up));
  /* Translators: the last line of a reminder; %s is a time such as 14:30 */
  due_line = g_strdup_printf (_("Due at %s"), due_time);
  if (promise != NULL && *promise != '\0')
    body = g_strconcat (promise, "\n", due_line, NULL);
  else
    body = g_steal_pointer (&due_line);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_add_button_with_target_value (notification, _("Done"),
                                               "app.follow-up-done",
                                               g_variant_new_string (uuid));
  g_notification_add_button_with_target_value (notification, _("Snooze 15 min"),
                                               "app.follow-up-snooze",
                                               g_variant_new_string (uuid));
  g_notification_set_default_action_and_target_value (notification, "app.follow-up-open",
                                                      g_variant_new_string (uuid));

  /* The same id replaces the follow-up's previous reminder (after a
   * snooze, say) instead of stacking a second one. */
  g_application_send_notification (G_APPLICATION (self), id, notification);
  g_hash_table_add (self->notified, g_strdup (uuid));
}

static void
send_missed_notification (PoiseApplication *self)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  guint n = g_hash_table_size (self->missed);

  if (self->scheduler_starting)
    body = g_strdup_printf (ngettext ("%u follow-up came due while Poise was not running",
                                      "%u follow-ups came due while Poise was not running",
                                      n),
                            n);
  else
    body = g_strdup_printf (ngettext ("%u follow-up came due while the computer was asleep",
                                      "%u follow-ups came due while the computer was asleep",
                                      n),
                            n);

  notification = g_notification_new (_("Missed while you were away"));
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  /* An empty UUID opens the Follow-ups page itself. */
  g_notification_set_default_action_and_target_value (notification, "app.follow-up-open",
                                                      g_variant_new_string (""));
  g_application_send_notification (G_APPLICATION (self), MISSED_NOTIFICATION_ID, notification);
}

/* Background running */

/* Keeps Poise alive with its window closed while reminders may still be
 * due: while "run in background" is on and a follow-up is open. Closing
 * the window still destroys it (a new one comes on activation): a hidden
 * window would keep its widgets in memory all day, and its toasts' timers
 * running, which libadwaita 1.2 crashes on once the window is unmapped. */
static void
update_background (PoiseApplication *self)
{
  gboolean hold = FALSE;

  if (self->store != NULL && g_settings_get_boolean (self->settings, "run-in-background"))
    {
      g_autoptr(GDateTime) first_due = NULL;
      g_autoptr(GError) error = NULL;

      /* The earliest due time of all open follow-ups: any at all? */
      if (poise_store_get_next_due (self->store, NULL, &first_due, &error))
        hold = first_due != NULL;
      else
        {
          g_warning ("Could not count the open follow-ups: %s", error->message);
          hold = self->holding;
        }
    }

  if (hold != self->holding)
    {
      self->holding = hold;
      if (hold)
        g_application_hold (G_APPLICATION (self));
      else
        g_application_release (G_APPLICATION (self));
    }
}

static void
on_run_in_background_changed_cb (PoiseApplication *self,
                                 const char       *key,
                                 GSettings        *settings)
{
  update_background (self);
}

/* Only on a change: asking the portal at every start would ask the agent
 * again and again, and the entry the last change wrote is still there. */
static void
on_start_at_login_changed_cb (PoiseApplication *self,
                              const char       *key,
                              GSettings        *settings)
{
  poise_autostart_set_enabled (G_APPLICATION (self),
                               g_settings_get_boolean (settings, "start-at-login"));
}

static PoiseWindow *
ensure_window (PoiseApplication *self)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    return POISE_WINDOW (window);

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

  return POISE_WINDOW (window);
}

/* Team sync */

static void
update_sync_actions (PoiseApplication *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sync-now");

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                 self->sync_client != NULL && *url != '\0');
}

typedef struct {
  PoiseApplication *self;
  char             *url;
} TokenLookup;

static void
sync_token_looked_up_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  TokenLookup *lookup = user_data;
  g_autoptr(PoiseApplication) self = lookup->self;
  g_autofree char *url = lookup->url;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_free (lookup);

  token = poise_credentials_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->token_lookup);

  if (error != NULL)
    g_warning ("Could not read the team server's token from the keyring: %s", error->message);

  /* Without a token the server refuses, and the indicator says so: better
   * than a silent "not connected" when the agent did set a server. */
  if (self->sync_client != NULL)
    poise_sync_client_set_server (self->sync_client, url, token != NULL ? token : "");
}

/* (Re)reads the server from GSettings and its token from the keyring. */
static void
configure_sync (PoiseApplication *self)
{
  g_autofree char *url = NULL;
  TokenLookup *lookup;

  if (self->sync_client == NULL)
    return;

  if (self->token_lookup != NULL)
    g_cancellable_cancel (self->token_lookup);
  g_clear_object (&self->token_lookup);

  url = g_settings_get_string (self->settings, "server-url");
  g_strstrip (url);
  update_sync_actions (self);

  if (*url == '\0')
    {
      poise_sync_client_set_server (self->sync_client, NULL, NULL);
      return;
    }

  self->token_lookup = g_cancellable_new ();
  lookup = g_new0 (TokenLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->url = g_strdup (url);
  poise_credentials_lookup_async (url, self->token_lookup, sync_token_looked_up_cb, lookup);
}

static void
on_server_url_changed_cb (PoiseApplication *self,
                          const char       *key,
                          GSettings        *settings)
{
  configure_sync (self);
}

static void
on_deletions_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          PoiseApplication *self)
{
  if (self->sync_client != NULL)
    poise_sync_client_resolve_deletions (self->sync_client, g_strcmp0 (response, "apply") == 0);
}

/* The server would remove many records at once: a reset or restored
 * server looks just like that, so the agent decides, and keeping is the
 * safe default. */
static void
on_deletions_pending_cb (PoiseApplication *self,
                         guint             n_deletions,
                         guint             n_local,
                         PoiseSyncClient  *client)
{
  PoiseWindow *window = ensure_window (self);
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  body = g_strdup_printf (ngettext ("The server removed %u of your %u record. If a colleague cleaned up, apply the change. If the server was reset or restored by mistake, keep yours: they are sent to the server again.",
                                    "The server removed %u of your %u records. If a colleague cleaned up, apply the change. If the server was reset or restored by mistake, keep yours: they are sent to the server again.",
                                    n_local),
                          n_deletions, n_local);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Remove What the Server Removed?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Mine"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_deletions_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_sync (PoiseApplication *self)
{
  if (self->store == NULL)
    return;

  self->sync_client = poise_sync_client_new (self->store);
  g_signal_connect_object (self->sync_client, "deletions-pending",
                           G_CALLBACK (on_deletions_pending_cb), self, G_CONNECT_SWAPPED);
  self->backup_alerts = poise_backup_alerts_new (G_APPLICATION (self), self->sync_client);
  g_signal_connect_object (self->settings, "changed::server-url",
                           G_CALLBACK (on_server_url_changed_cb), self, G_CONNECT_SWAPPED);
  /* The team's scripts follow the same server. */
  poise_library_hooks_follow_sync (self, self->sync_client);
  configure_sync (self);
}

/* Reminder callbacks */

static void
on_scheduler_due_cb (PoiseApplication       *self,
                     PoiseFollowUp          *follow_up,
                     PoiseReminderScheduler *scheduler)
{
  send_due_notification (self, follow_up);
}

static void
on_scheduler_missed_cb (PoiseApplication       *self,
                        GPtrArray              *follow_ups,
                        PoiseReminderScheduler *scheduler)
{
  for (guint i = 0; i < follow_ups->len; i++)
    {
      PoiseFollowUp *follow_up = g_ptr_array_index (follow_ups, i);

      g_hash_table_add (self->missed, g_strdup (poise_follow_up_get_uuid (follow_up)));
    }

  /* One summary, however many: a flood of stale alarms helps no one. */
  send_missed_notification (self);
}

static void
on_store_changed_cb (PoiseApplication *self,
                     const char       *uuid,
                     PoiseStore       *store)
{
  if (uuid == NULL)
    return;

  update_background (self);

  if (!g_hash_table_contains (self->notified, uuid) &&
      !g_hash_table_contains (self->missed, uuid))
    return;

  if (!follow_up_is_handled (self, uuid))
    return;

  withdraw_follow_up_notification (self, uuid);
  forget_missed (self, uuid);
}

static void
on_prepare_for_sleep_cb (GDBusConnection *connection,
                         const char      *sender_name,
                         const char      *object_path,
                         const char      *interface_name,
                         const char      *signal_name,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  PoiseApplication *self = user_data;
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep && self->scheduler != NULL)
    poise_reminder_scheduler_recheck (self->scheduler);
}

static void
system_bus_ready_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  PoiseApplication *self;

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      /* No system bus (a container, a test): the timerfd still notices
       * resume by itself; this only makes it prompt. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, not watching for resume: %s", error->message);
      return;
    }

  self = POISE_APPLICATION (user_data);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->system_bus = g_steal_pointer (&connection);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus,
                                        "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager",
                                        "PrepareForSleep",
                                        "/org/freedesktop/login1",
                                        NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep_cb,
                                        self, NULL);
}

static void
start_reminders (PoiseApplication *self)
{
  if (self->scheduler == NULL)
    return;

  g_signal_connect_object (self->scheduler, "due",
                           G_CALLBACK (on_scheduler_due_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scheduler, "missed",
                           G_CALLBACK (on_scheduler_missed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "changed",
                           G_CALLBACK (on_store_changed_cb), self, G_CONNECT_SWAPPED);

  /* The application holds a reference on itself until shutdown, which
   * cancels this before the last one goes. */
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, system_bus_ready_cb, self);

  self->scheduler_starting = TRUE;
  poise_reminder_scheduler_start (self->scheduler);
  self->scheduler_starting = FALSE;
}

static void
stop_reminders (PoiseApplication *self)
{
  g_cancellable_cancel (self->cancellable);

  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);

  /* Like Clocks: a reminder whose buttons nobody would answer is not left
   * behind. What is still due is summed up as missed at the next start. */
  if (g_hash_table_size (self->notified) > 0 || g_hash_table_size (self->missed) > 0)
    {
      GDBusConnection *connection = g_application_get_dbus_connection (G_APPLICATION (self));

      withdraw_all_notifications (self);

      /* The process ends right after: send the withdrawals first. */
      if (connection != NULL)
        g_dbus_connection_flush_sync (connection, NULL, NULL);
    }
}

/* Reminder actions (the notification buttons) */

static void
poise_application_follow_up_done_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  PoiseApplication *self = user_data;
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if (!poise_store_mark_done (self->store, uuid, &error))
    {
      g_warning ("Could not mark the follow-up %s done: %s", uuid, error->message);
      if (!g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND))
        return;
    }

  withdraw_follow_up_notification (self, uuid);
  forget_missed (self, uuid);
}

static void
poise_application_follow_up_snooze_action (GSimpleAction *action,
                                           GVariant      *parameter,
                                           gpointer       user_data)
{
  PoiseApplication *self = user_data;
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  now = get_now (self);
  until = g_date_time_add (now, SNOOZE_SPAN);
  if (!poise_store_snooze (self->store, uuid, until, &error))
    {
      g_warning ("Could not snooze the follow-up %s: %s", uuid, error->message);
      if (!g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND))
        return;
    }

  withdraw_follow_up_notification (self, uuid);
  forget_missed (self, uuid);
}

static void
poise_application_follow_up_open_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  PoiseApplication *self = user_data;
  const char *uuid = g_variant_get_string (parameter, NULL);
  PoiseWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  poise_window_show_follow_up (window, *uuid != '\0' ? uuid : NULL);
}

/* Actions */

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
  /* For app.reconnect, which it activates on a new token. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
poise_application_sync_now_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  PoiseApplication *self = user_data;

  if (self->sync_client != NULL)
    poise_sync_client_sync_now (self->sync_client);
}

/* The preferences saved a new token for the same server. */
static void
poise_application_reconnect_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  configure_sync (POISE_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "quit", poise_application_quit_action },
  { "about", poise_application_about_action },
  { "preferences", poise_application_preferences_action },
  { "follow-up-done", poise_application_follow_up_done_action, "s" },
  { "follow-up-snooze", poise_application_follow_up_snooze_action, "s" },
  { "follow-up-open", poise_application_follow_up_open_action, "s" },
  { "sync-now", poise_application_sync_now_action },
  { "reconnect", poise_application_reconnect_action },
};

static int
poise_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  PoiseApplication *self = POISE_APPLICATION (app);

  if (g_variant_dict_contains (options, "background"))
    {
      g_autoptr(GError) error = NULL;

      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }

      /* Poise runs already (autostart after a manual start, say): leave
       * its window as it is. */
      if (g_application_get_is_remote (app))
        return EXIT_SUCCESS;

      self->start_in_background = TRUE;
    }

  if (G_APPLICATION_CLASS (poise_application_parent_class)->handle_local_options != NULL)
    return G_APPLICATION_CLASS (poise_application_parent_class)->handle_local_options (app, options);

  return -1;
}

static void
poise_application_activate (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);

  /* Started at login (--background): reminders only, no window. Without
   * open follow-ups nothing holds the application and it ends here. */
  if (self->start_in_background)
    {
      self->start_in_background = FALSE;
      return;
    }

  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static void
poise_application_startup (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *sync_now_accels[] = { "F5", NULL };
  AdwStyleManager *style_manager;

  G_APPLICATION_CLASS (poise_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync-now", sync_now_accels);

  style_manager = adw_style_manager_get_default ();
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                style_manager, "color-scheme",
                                G_SETTINGS_BIND_GET,
                                color_scheme_get_mapping, NULL, NULL, NULL);

  /* The team's last library if one was received, else the built-in one. */
  self->library_updater = poise_library_hooks_start (self);
  self->library = poise_library_updater_get_library (self->library_updater);
  if (self->library != NULL)
    g_object_ref (self->library);
  else
    g_set_error (&self->library_error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID,
                 "The built-in script library is invalid");

  open_store (self);
  restore_conversation (self);
  g_signal_connect_object (self->conversation, "changed",
                           G_CALLBACK (on_conversation_changed_cb), self,
                           G_CONNECT_SWAPPED);

  start_reminders (self);
  start_sync (self);

  /* GSettings only reports changes of keys read since connecting: both are
   * read right after (update_background, and here). */
  g_signal_connect_object (self->settings, "changed::run-in-background",
                           G_CALLBACK (on_run_in_background_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::start-at-login",
                           G_CALLBACK (on_start_at_login_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_background (self);
  (void) g_settings_get_boolean (self->settings, "start-at-login");
}

static void
poise_application_shutdown (GApplication *app)
{
  PoiseApplication *self = POISE_APPLICATION (app);

  poise_application_save_conversation (self);
  stop_reminders (self);
  if (self->token_lookup != NULL)
    g_cancellable_cancel (self->token_lookup);
  g_clear_object (&self->token_lookup);
  g_clear_object (&self->backup_alerts);
  poise_library_hooks_follow_sync (self, NULL);
  /* Stops its timers and socket with the last reference. */
  g_clear_object (&self->sync_client);

  if (self->holding)
    g_application_release (app);
  self->holding = FALSE;

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

    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
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
  g_clear_object (&self->library_updater);
  g_clear_object (&self->conversation);
  g_clear_object (&self->backup_alerts);
  g_clear_object (&self->sync_client);
  g_clear_object (&self->token_lookup);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->store);
  g_clear_pointer (&self->store_error, g_free);
  g_clear_pointer (&self->restore_error, g_free);
  g_clear_pointer (&self->notified, g_hash_table_unref);
  g_clear_pointer (&self->missed, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->system_bus);

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

  app_class->handle_local_options = poise_application_handle_local_options;
  app_class->activate = poise_application_activate;
  app_class->startup = poise_application_startup;
  app_class->shutdown = poise_application_shutdown;

  properties[PROP_SCRIPT_LANGUAGE] =
    g_param_spec_string ("script-language", NULL, NULL,
                         "en",
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL,
                         POISE_TYPE_LIBRARY,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

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
  self->notified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->missed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option (G_APPLICATION (self), "background", 0,
                                 G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Start without a window, only to remind of follow-ups"),
                                 NULL);
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

gboolean
poise_application_save_conversation (PoiseApplication *self)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (POISE_IS_APPLICATION (self), FALSE);

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->store == NULL)
    return FALSE;

  node = poise_conversation_to_json (self->conversation);
  if (!poise_store_set_state (self->store, CONVERSATION_STATE_KEY, node, &error))
    {
      g_warning ("Could not save the conversation: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * poise_application_get_store:
 *
 * Returns: (transfer none) (nullable): the local store
 */
/**
 * poise_application_get_running_in_background:
 *
 * Returns: whether Poise stays running when its window closes
 */
gboolean
poise_application_get_running_in_background (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), FALSE);

  return self->holding;
}

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

/**
 * poise_application_set_library:
 * @library: the script library to use from now on
 *
 * Switches the scripts; the conversation in progress stays as it is (it
 * holds only ids and values). Notifies "library".
 */
void
poise_application_set_library (PoiseApplication *self,
                               PoiseLibrary     *library)
{
  g_return_if_fail (POISE_IS_APPLICATION (self));
  g_return_if_fail (POISE_IS_LIBRARY (library));

  if (!g_set_object (&self->library, library))
    return;
  g_clear_error (&self->library_error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIBRARY]);
}

/**
 * poise_application_get_library_updater:
 *
 * Returns: (transfer none) (nullable): what keeps the team's library
 *   current; %NULL before start-up
 */
PoiseLibraryUpdater *
poise_application_get_library_updater (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->library_updater;
}

/**
 * poise_application_get_sync_client:
 *
 * Returns: (transfer none) (nullable): the team sync client; %NULL without
 *   a store
 */
PoiseSyncClient *
poise_application_get_sync_client (PoiseApplication *self)
{
  g_return_val_if_fail (POISE_IS_APPLICATION (self), NULL);

  return self->sync_client;
}

/* poise-follow-up-dialog.c: make or change a follow-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-due.h"
#include "poise-follow-up-dialog.h"
#include "poise-follow-up-row.h"

struct _PoiseFollowUpDialog
{
  AdwWindow      parent_instance;

  PoiseStore    *store;
  PoiseSyncClient *sync_client;
  GCancellable  *cancellable;
  PoiseFollowUp *follow_up;   /* the copy being edited */
  GDateTime     *due;         /* local */
  gboolean       syncing;

  /* Template widgets */
  AdwComboRow          *assignee_row;
  GtkStringList        *assignee_list;
  GtkCalendar          *calendar;
  GtkSwitch            *cancel_switch;
  AdwComboRow          *channel_row;
  AdwEntryRow          *contact_row;
  GtkMenuButton        *date_button;
  AdwPreferencesGroup  *due_group;
  GtkSpinButton        *hour_spin;
  GtkSpinButton        *minute_spin;
  AdwEntryRow          *name_row;
  AdwEntryRow          *note_row;
  AdwEntryRow          *promise_row;
  AdwEntryRow          *ref_row;
};

G_DEFINE_FINAL_TYPE (PoiseFollowUpDialog, poise_follow_up_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GDateTime *
now_local (void)
{
  return g_date_time_new_now_local ();
}

/* Shows self->due in the date button, the time spins and the summary. */
static void
show_due (PoiseFollowUpDialog *self)
{
  g_autoptr(GDateTime) now = now_local ();
  g_autofree char *date = g_date_time_format (self->due, _("%a %e %b %Y"));
  g_autofree char *when = poise_format_due_time (self->due, now);
  g_autofree char *description = NULL;

  self->syncing = TRUE;
  gtk_menu_button_set_label (self->date_button, date);
  gtk_calendar_select_day (self->calendar, self->due);
  gtk_spin_button_set_value (self->hour_spin, g_date_time_get_hour (self->due));
  gtk_spin_button_set_value (self->minute_spin, g_date_time_get_minute (self->due));
  self->syncing = FALSE;

  if (g_date_time_compare (self->due, now) <= 0)
    /* Translators: %s is a due time such as "Today, 14:30" */
    description = g_strdup_printf (_("%s — already past: the reminder comes at once"), when);
  else
    /* Translators: %s is a due time such as "Tomorrow, 09:00" */
    description = g_strdup_printf (_("Reminder: %s"), when);
  adw_preferences_group_set_description (self->due_group, description);
}

static void
set_due (PoiseFollowUpDialog *self,
         GDateTime           *due)
{
  g_clear_pointer (&self->due, g_date_time_unref);
  self->due = g_date_time_to_local (due);
  show_due (self);
}

/* Callbacks */

static void
on_day_selected_cb (PoiseFollowUpDialog *self,
                    GtkCalendar         *calendar)
{
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) due = NULL;

  if (self->syncing)
    return;

  day = gtk_calendar_get_date (calendar);
  due = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                               g_date_time_get_day_of_month (day),
                               g_date_time_get_hour (self->due),
                               g_date_time_get_minute (self->due), 0);
  if (due != NULL)
    set_due (self, due);
  gtk_menu_button_popdown (self->date_button);
}

static void
on_time_changed_cb (PoiseFollowUpDialog *self,
                    GtkSpinButton       *spin)
{
  g_autoptr(GDateTime) due = NULL;

  if (self->syncing)
    return;

  due = g_date_time_new_local (g_date_time_get_year (self->due),
                               g_date_time_get_month (self->due),
                               g_date_time_get_day_of_month (self->due),
                               gtk_spin_button_get_value_as_int (self->hour_spin),
                               gtk_spin_button_get_value_as_int (self->minute_spin), 0);
  if (due != NULL)
    set_due (self, due);
}

/* "09:05", not "9:5". */
static gboolean
on_minute_output_cb (PoiseFollowUpDialog *self,
                     GtkSpinButton       *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* Actions */

static void
due_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PoiseFollowUpDialog *self = POISE_FOLLOW_UP_DIALOG (widget);
  g_autoptr(GDateTime) now = now_local ();
  g_autoptr(GDateTime) due = NULL;
  PoiseDueChoice choice;

  if (!poise_due_choice_from_string (g_variant_get_string (parameter, NULL), &choice))
    return;

  due = poise_due_choice_resolve (choice, now);
  set_due (self, due);
}

static void
show_save_error (PoiseFollowUpDialog *self,
                 const char          *message)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The Follow-up Was Not Saved"),
                                                       message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseFollowUpDialog *self = POISE_FOLLOW_UP_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!poise_follow_up_dialog_save (self, &error))
    {
      show_save_error (self, error->message);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

/* Overrides */

static void
poise_follow_up_dialog_dispose (GObject *object)
{
  PoiseFollowUpDialog *self = POISE_FOLLOW_UP_DIALOG (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync_client);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_FOLLOW_UP_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->follow_up);
  g_clear_pointer (&self->due, g_date_time_unref);

  G_OBJECT_CLASS (poise_follow_up_dialog_parent_class)->dispose (object);
}

static void
poise_follow_up_dialog_class_init (PoiseFollowUpDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_follow_up_dialog_dispose;

  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, POISE_TYPE_FOLLOW_UP);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-follow-up-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, assignee_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, assignee_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, cancel_switch);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, channel_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, date_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, due_group);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, hour_spin);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, minute_spin);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, promise_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpDialog, ref_row);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_minute_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_time_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "dialog.due", "s", due_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
poise_follow_up_dialog_init (PoiseFollowUpDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

/* Empty fields are stored as nothing, not as "". */
static char *
get_entry (AdwEntryRow *row)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

PoiseFollowUpDialog *
poise_follow_up_dialog_new (PoiseStore    *store,
                            PoiseFollowUp *follow_up)
{
  PoiseFollowUpDialog *self;
  GDateTime *due;

  g_return_val_if_fail (POISE_IS_STORE (store), NULL);
  g_return_val_if_fail (POISE_IS_FOLLOW_UP (follow_up), NULL);

  self = g_object_new (POISE_TYPE_FOLLOW_UP_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->follow_up = poise_follow_up_copy (follow_up);

  gtk_window_set_title (GTK_WINDOW (self), _("Follow-up"));
  set_entry (self->promise_row, poise_follow_up_get_promise (follow_up));
  set_entry (self->note_row, poise_follow_up_get_note (follow_up));
  set_entry (self->name_row, poise_follow_up_get_customer_name (follow_up));
  set_entry (self->ref_row, poise_follow_up_get_customer_ref (follow_up));
  set_entry (self->contact_row, poise_follow_up_get_contact (follow_up));
  adw_combo_row_set_selected (self->channel_row, poise_follow_up_get_channel (follow_up));
  gtk_switch_set_active (self->cancel_switch, poise_follow_up_get_cancel_on_reply (follow_up));

  due = poise_follow_up_get_due_at (follow_up);
  if (due != NULL)
    set_due (self, due);
  else
    {
      g_autoptr(GDateTime) now = now_local ();
      g_autoptr(GDateTime) in_3_hours = poise_due_choice_resolve (POISE_DUE_IN_3_HOURS, now);

      set_due (self, in_3_hours);
    }

  return self;
}

gboolean
poise_follow_up_dialog_save (PoiseFollowUpDialog  *self,
                             GError              **error)
{
  g_autoptr(PoiseFollowUp) existing = NULL;
  g_autoptr(GDateTime) due_utc = NULL;
  g_autofree char *promise = NULL;
  g_autofree char *note = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *contact = NULL;
  guint channel;

  g_return_val_if_fail (POISE_IS_FOLLOW_UP_DIALOG (self), FALSE);

  promise = get_entry (self->promise_row);
  note = get_entry (self->note_row);
  name = get_entry (self->name_row);
  ref = get_entry (self->ref_row);
  contact = get_entry (self->contact_row);
  channel = adw_combo_row_get_selected (self->channel_row);
  due_utc = g_date_time_to_utc (self->due);

  poise_follow_up_set_promise (self->follow_up, promise);
  poise_follow_up_set_note (self->follow_up, note);
  poise_follow_up_set_customer_name (self->follow_up, name);
  poise_follow_up_set_customer_ref (self->follow_up, ref);
  poise_follow_up_set_contact (self->follow_up, contact);
  if (channel <= POISE_CHANNEL_CHAT)
    poise_follow_up_set_channel (self->follow_up, channel);
  poise_follow_up_set_cancel_on_reply (self->follow_up, gtk_switch_get_active (self->cancel_switch));
  poise_follow_up_set_due_at (self->follow_up, due_utc);
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->assignee_row)))
    {
      GtkStringObject *chosen = adw_combo_row_get_selected_item (self->assignee_row);

      if (chosen != NULL)
        poise_follow_up_set_assignee (self->follow_up, gtk_string_object_get_string (chosen));
    }

  existing = poise_store_get_follow_up (self->store, poise_follow_up_get_uuid (self->follow_up), NULL);
  if (existing != NULL)
    {
      /* A new due time reopens what was done: the promise is live again. */
      if (g_date_time_compare (poise_follow_up_get_due_at (existing), due_utc) != 0)
        poise_follow_up_set_status (self->follow_up, POISE_FOLLOW_UP_STATUS_OPEN);

      if (!poise_store_update_follow_up (self->store, self->follow_up, error))
        return FALSE;
    }
  else if (!poise_store_insert_follow_up (self->store, self->follow_up, error))
    return FALSE;

  g_signal_emit (self, signals[SAVED], 0, self->follow_up);
  return TRUE;
}

/* Team */

static void
users_listed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PoiseFollowUpDialog *self;
  g_auto(GStrv) users = NULL;
  g_autoptr(GError) error = NULL;
  const char *current;
  guint selected = 0;

  users = poise_sync_client_list_users_finish (POISE_SYNC_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = POISE_FOLLOW_UP_DIALOG (user_data);
  if (users == NULL)
    {
      /* Translators: %s says why, e.g. "The server cannot be reached" */
      g_autofree char *text = g_strdup_printf (_("Your colleagues could not be listed: %s"),
                                               error->message);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->assignee_row), text);
      return;
    }

  /* Unassigned means the creator's: show that as the agent's own name. */
  current = poise_follow_up_get_assignee (self->follow_up);
  if (current == NULL || *current == '\0')
    current = poise_sync_client_get_user_name (POISE_SYNC_CLIENT (source));

  for (guint i = 0; users[i] != NULL; i++)
    if (g_strcmp0 (users[i], current) == 0)
      selected = i;
  gtk_string_list_splice (self->assignee_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->assignee_list)),
                          (const char * const *) users);
  adw_combo_row_set_selected (self->assignee_row, selected);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->assignee_row), "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->assignee_row), NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->assignee_row), TRUE);
}

/**
 * poise_follow_up_dialog_set_sync_client:
 * @client: (nullable): the team sync client
 *
 * With a team server, "Assigned To" lists the colleagues; without one it
 * stays off and says why.
 */
void
poise_follow_up_dialog_set_sync_client (PoiseFollowUpDialog *self,
                                        PoiseSyncClient     *client)
{
  const char *current;

  g_return_if_fail (POISE_IS_FOLLOW_UP_DIALOG (self));
  g_return_if_fail (client == NULL || POISE_IS_SYNC_CLIENT (client));

  g_set_object (&self->sync_client, client);

  current = poise_follow_up_get_assignee (self->follow_up);
  if (current != NULL && *current != '\0')
    {
      const char *only[] = { current, NULL };

      gtk_string_list_splice (self->assignee_list, 0,
                              g_list_model_get_n_items (G_LIST_MODEL (self->assignee_list)),
                              only);
    }

  if (client == NULL || poise_sync_client_get_state (client) == POISE_SYNC_STATE_DISABLED)
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->assignee_row), _("Loading your colleagues…"));
  self->cancellable = g_cancellable_new ();
  poise_sync_client_list_users_async (client, self->cancellable, users_listed_cb, self);
}

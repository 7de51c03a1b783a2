/* poise-customer-panel.c: the customer's reference, and what the team
 * noted and promised them before
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "poise-customer-panel.h"
#include "poise-follow-up-row.h"
#include "poise-note.h"

/* Long enough not to query the store on every keystroke. */
#define REFRESH_DELAY_MS 300

struct _PoiseCustomerPanel
{
  GtkWidget          parent_instance;

  PoiseConversation *conversation;
  PoiseStore        *store;
  GListStore        *model;         /* PoiseNote, then PoiseFollowUp */
  guint              refresh_source;
  gboolean           syncing;       /* entry ↔ conversation */

  /* Template widgets */
  GtkButton         *add_note_button;
  GtkLabel          *hint_label;
  AdwEntryRow       *ref_row;
  GtkListBox        *team_list;
};

G_DEFINE_FINAL_TYPE (PoiseCustomerPanel, poise_customer_panel, GTK_TYPE_WIDGET)

static char *
dup_ref (PoiseCustomerPanel *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ref_row))));
}

/* The first line of a note, as its title in a compact list. */
static char *
first_line (const char *text)
{
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  end = strchr (text, '\n');
  return end != NULL ? g_strndup (text, end - text) : g_strdup (text);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *when = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  if (POISE_IS_NOTE (item))
    {
      PoiseNote *note = item;
      const char *author = poise_note_get_author (note);
      GDateTime *updated = poise_note_get_updated_at (note);

      if (updated == NULL)
        updated = poise_note_get_created_at (note);

      title = first_line (poise_note_get_body (note));
      when = updated != NULL ? poise_format_due_time (updated, now) : g_strdup ("");
      if (author != NULL && *author != '\0')
        /* Translators: under a note: who wrote it, and when, e.g. "alice · Today, 14:30" */
        subtitle = g_strdup_printf (_("Note by %s · %s"), author, when);
      else
        /* Translators: under a note not yet synced: when it was written */
        subtitle = g_strdup_printf (_("Note · %s"), when);
      icon = gtk_image_new_from_icon_name ("document-edit-symbolic");
      gtk_widget_set_tooltip_text (icon, _("Note"));
      g_object_set_data_full (G_OBJECT (row), "poise-note",
                              g_strdup (poise_note_get_uuid (note)), g_free);
    }
  else
    {
      PoiseFollowUp *follow_up = item;
      const char *promise = poise_follow_up_get_promise (follow_up);
      const char *assignee = poise_follow_up_get_assignee (follow_up);

      title = g_strdup (promise != NULL && *promise != '\0' ? promise : _("Follow-up"));
      when = poise_format_due_time (poise_follow_up_get_due_at (follow_up), now);
      if (assignee != NULL && *assignee != '\0')
        /* Translators: under a follow-up: when it is due and whose it is */
        subtitle = g_strdup_printf (_("Due %s · %s"), when, assignee);
      else
        subtitle = g_strdup_printf (_("Due %s"), when);
      icon = gtk_image_new_from_icon_name ("alarm-symbolic");
      gtk_widget_set_tooltip_text (icon, _("Open follow-up"));
      g_object_set_data_full (G_OBJECT (row), "poise-follow-up",
                              g_strdup (poise_follow_up_get_uuid (follow_up)), g_free);
    }

  /* Titles are the agents' own text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  return row;
}

static void
refresh (PoiseCustomerPanel *self)
{
  g_autofree char *ref = dup_ref (self);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean have_ref = *ref != '\0';

  g_clear_handle_id (&self->refresh_source, g_source_remove);

  if (have_ref && self->store != NULL)
    {
      g_autoptr(GListStore) notes = NULL;
      g_autoptr(GListStore) follow_ups = NULL;
      g_autoptr(GError) error = NULL;

      notes = poise_store_list_notes (self->store, ref, &error);
      if (notes == NULL)
        g_warning ("Could not list the notes for a customer: %s", error->message);
      else
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (notes)); i++)
          g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (notes), i));

      g_clear_error (&error);
      follow_ups = poise_store_list_open_follow_ups_for (self->store, ref, &error);
      if (follow_ups == NULL)
        g_warning ("Could not list the follow-ups for a customer: %s", error->message);
      else
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (follow_ups)); i++)
          g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (follow_ups), i));
    }

  g_list_store_splice (self->model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)),
                       items->pdata, items->len);

  gtk_widget_set_visible (GTK_WIDGET (self->team_list), items->len > 0);
  if (!have_ref)
    gtk_label_set_label (self->hint_label,
                         _("Enter the customer’s order or ticket number to see what the team noted and promised before."));
  else if (items->len == 0)
    gtk_label_set_label (self->hint_label, _("Nothing noted or promised for this customer yet."));
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), items->len == 0);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->add_note_button), "s", ref);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_note_button), self->store != NULL);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  PoiseCustomerPanel *self = user_data;

  self->refresh_source = 0;
  refresh (self);

  return G_SOURCE_REMOVE;
}

static void
queue_refresh (PoiseCustomerPanel *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_source = g_timeout_add (REFRESH_DELAY_MS, refresh_timeout_cb, self);
}

/* Callbacks */

static void
on_ref_changed_cb (PoiseCustomerPanel *self,
                   AdwEntryRow        *row)
{
  g_autofree char *ref = NULL;

  if (self->syncing || self->conversation == NULL)
    return;

  ref = dup_ref (self);
  self->syncing = TRUE;
  poise_conversation_set_value (self->conversation, POISE_CUSTOMER_REF_KEY, ref);
  self->syncing = FALSE;
  queue_refresh (self);
}

/* A new conversation, or Undo, replaces the reference from outside. */
static void
on_conversation_changed_cb (PoiseCustomerPanel *self,
                            PoiseConversation  *conversation)
{
  const char *ref;

  if (self->syncing)
    return;

  ref = poise_conversation_get_value (conversation, POISE_CUSTOMER_REF_KEY);
  if (g_strcmp0 (ref != NULL ? ref : "", gtk_editable_get_text (GTK_EDITABLE (self->ref_row))) == 0)
    return;

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->ref_row), ref != NULL ? ref : "");
  self->syncing = FALSE;
  refresh (self);
}

/* Notes and follow-ups change here and, through sync, elsewhere. */
static void
on_store_changed_cb (PoiseCustomerPanel *self,
                     const char         *uuid,
                     PoiseStore         *store)
{
  queue_refresh (self);
}

static void
on_row_activated_cb (PoiseCustomerPanel *self,
                     GtkListBoxRow      *row)
{
  const char *note = g_object_get_data (G_OBJECT (row), "poise-note");
  const char *follow_up = g_object_get_data (G_OBJECT (row), "poise-follow-up");

  if (note != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-note", "s", note);
  else if (follow_up != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.follow-up-open", "s", follow_up);
}

/* Overrides */

static void
poise_customer_panel_dispose (GObject *object)
{
  PoiseCustomerPanel *self = POISE_CUSTOMER_PANEL (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_CUSTOMER_PANEL);
  g_clear_object (&self->conversation);
  g_clear_object (&self->store);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (poise_customer_panel_parent_class)->dispose (object);
}

static void
poise_customer_panel_class_init (PoiseCustomerPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_customer_panel_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-customer-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseCustomerPanel, add_note_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseCustomerPanel, hint_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseCustomerPanel, ref_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseCustomerPanel, team_list);
  gtk_widget_class_bind_template_callback (widget_class, on_ref_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
}

static void
poise_customer_panel_init (PoiseCustomerPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->model = g_list_store_new (G_TYPE_OBJECT);
  gtk_list_box_bind_model (self->team_list, G_LIST_MODEL (self->model), create_row, self, NULL);
}

/* Public API */

void
poise_customer_panel_setup (PoiseCustomerPanel *self,
                            PoiseConversation  *conversation,
                            PoiseStore         *store)
{
  g_return_if_fail (POISE_IS_CUSTOMER_PANEL (self));
  g_return_if_fail (POISE_IS_CONVERSATION (conversation));
  g_return_if_fail (store == NULL || POISE_IS_STORE (store));
  g_return_if_fail (self->conversation == NULL);

  self->conversation = g_object_ref (conversation);
  g_signal_connect_object (conversation, "changed",
                           G_CALLBACK (on_conversation_changed_cb), self,
                           G_CONNECT_SWAPPED);

  if (g_set_object (&self->store, store) && store != NULL)
    {
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "note-changed", G_CALLBACK (on_store_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  on_conversation_changed_cb (self, conversation);
  refresh (self);
}

GListModel *
poise_customer_panel_get_model (PoiseCustomerPanel *self)
{
  g_return_val_if_fail (POISE_IS_CUSTOMER_PANEL (self), NULL);

  return G_LIST_MODEL (self->model);
}

void
poise_customer_panel_refresh (PoiseCustomerPanel *self)
{
  g_return_if_fail (POISE_IS_CUSTOMER_PANEL (self));

  refresh (self);
}

/* poise-follow-ups-page.c: every promise made, by when it is due
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-due.h"
#include "poise-follow-up-dialog.h"
#include "poise-follow-up-row.h"
#include "poise-follow-ups-page.h"
#include "poise-scrolling-layout.h"
#include "poise-sync-indicator.h"
#include "poise-window.h"

struct _PoiseFollowUpsPage
{
  GtkWidget       parent_instance;

  PoiseStore     *store;
  PoiseSyncClient *sync_client;  /* nullable: for handing over */
  GCancellable   *cancellable;   /* listing colleagues */
  GListStore     *model;        /* headings and follow-ups, as shown */
  char           *search_text;
  guint           n_due;
  guint           refresh_source;
  gboolean        stale;         /* the list waits for the page to show */

  /* Template widgets */
  AdwStatusPage  *empty_page;
  GtkListView    *list_view;
  AdwStatusPage  *no_results_page;
  GtkSearchBar   *search_bar;
  GtkSearchEntry *search_entry;
  GtkStack       *stack;
  AdwViewSwitcherTitle *switcher_title;
  PoiseSyncIndicator *sync_indicator;
};

G_DEFINE_FINAL_TYPE (PoiseFollowUpsPage, poise_follow_ups_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_DUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void refresh (PoiseFollowUpsPage *self);
static void on_undo_update_cb (AdwToast *toast, PoiseFollowUp *previous);

/* Colleagues come from the team server: no server, no hand-over. */
static gboolean
can_hand_over (PoiseFollowUpsPage *self)
{
  return self->sync_client != NULL &&
         poise_sync_client_get_state (self->sync_client) != POISE_SYNC_STATE_DISABLED;
}

static const char *
section_title (PoiseSection section)
{
  switch (section)
    {
    case POISE_SECTION_OVERDUE:
      return _("Overdue");
    case POISE_SECTION_TODAY:
      return _("Today");
    case POISE_SECTION_UPCOMING:
      return _("Upcoming");
    case POISE_SECTION_DONE:
    default:
      return _("Done");
    }
}

static int
compare_by_due (gconstpointer a,
                gconstpointer b)
{
  PoiseFollowUp *x = *(PoiseFollowUp **) a;
  PoiseFollowUp *y = *(PoiseFollowUp **) b;

  return g_date_time_compare (poise_follow_up_get_due_at (x), poise_follow_up_get_due_at (y));
}

/* Most recently finished first. */
static int
compare_by_updated_desc (gconstpointer a,
                         gconstpointer b)
{
  PoiseFollowUp *x = *(PoiseFollowUp **) a;
  PoiseFollowUp *y = *(PoiseFollowUp **) b;

  return g_date_time_compare (poise_follow_up_get_updated_at (y), poise_follow_up_get_updated_at (x));
}

static void
add_toast (PoiseFollowUpsPage *self,
           AdwToast           *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (POISE_IS_WINDOW (root))
    poise_window_add_toast (POISE_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_error (PoiseFollowUpsPage *self,
            const GError       *error)
{
  /* Translators: %s says what went wrong in the database */
  g_autofree char *title = g_strdup_printf (_("The follow-up could not be changed: %s"),
                                            error->message);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  add_toast (self, toast);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  PoiseFollowUpsPage *self = user_data;

  self->refresh_source = 0;
  refresh (self);

  return G_SOURCE_REMOVE;
}

static GDateTime *
next_midnight (GDateTime *now)
{
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);

  return g_date_time_new (g_date_time_get_timezone (now),
                          g_date_time_get_year (tomorrow),
                          g_date_time_get_month (tomorrow),
                          g_date_time_get_day_of_month (tomorrow),
                          0, 0, 0);
}

/* Sections move with time: one timer to the next moment something
 * changes section (a due time passes, or midnight), no polling. */
static void
arm_refresh (PoiseFollowUpsPage *self,
             GDateTime          *now,
             GDateTime          *next_due)
{
  g_autoptr(GDateTime) midnight = next_midnight (now);
  GDateTime *next = midnight;
  GTimeSpan wait;

  if (next_due != NULL && g_date_time_compare (next_due, midnight) < 0)
    next = next_due;

  wait = g_date_time_difference (next, now);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  self->refresh_source = g_timeout_add_seconds ((guint) CLAMP (wait / G_TIME_SPAN_SECOND + 1, 1, 24 * 3600),
                                                refresh_timeout_cb, self);
}

/* Big status icons are drawn from SVG: set only when their page shows, so
 * librsvg is not loaded at start-up for a page nobody looks at. */
static void
show_state (PoiseFollowUpsPage *self,
            const char         *name)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    ;
  else if (g_str_equal (name, "empty"))
    adw_status_page_set_icon_name (self->empty_page, "alarm-symbolic");
  else if (g_str_equal (name, "no-results"))
    adw_status_page_set_icon_name (self->no_results_page, "edit-find-symbolic");

  gtk_stack_set_visible_child_name (self->stack, name);
}

/* The badge counts everything due by the end of today, search or not. */
static void
update_badge (PoiseFollowUpsPage *self,
              GDateTime          *now)
{
  g_autoptr(GDateTime) midnight = next_midnight (now);
  guint n_due;

  if (!poise_store_count_open_due (self->store, midnight, &n_due, NULL))
    n_due = 0;

  if (n_due != self->n_due)
    {
      self->n_due = n_due;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DUE]);
    }
}

static void
rebuild_list (PoiseFollowUpsPage *self,
              GDateTime          *now)
{
  g_autoptr(GListStore) found = NULL;
  GPtrArray *sections[4];
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  GDateTime *next_due = NULL;
  guint n_found;

  self->stale = FALSE;

  if (self->search_text != NULL && *self->search_text != '\0')
    found = poise_store_search_follow_ups (self->store, self->search_text, &error);
  else
    found = poise_store_list_follow_ups (self->store, &error);

  if (found == NULL)
    {
      show_error (self, error);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    sections[i] = g_ptr_array_new_with_free_func (g_object_unref);

  n_found = g_list_model_get_n_items (G_LIST_MODEL (found));
  for (guint i = 0; i < n_found; i++)
    {
      PoiseFollowUp *follow_up = g_list_model_get_item (G_LIST_MODEL (found), i);
      PoiseSection section = poise_follow_up_get_section (follow_up, now);
      GDateTime *due = poise_follow_up_get_due_at (follow_up);

      if ((section == POISE_SECTION_TODAY || section == POISE_SECTION_UPCOMING) &&
          (next_due == NULL || g_date_time_compare (due, next_due) < 0))
        next_due = due;

      g_ptr_array_add (sections[section], follow_up);
    }

  g_ptr_array_sort (sections[POISE_SECTION_OVERDUE], compare_by_due);
  g_ptr_array_sort (sections[POISE_SECTION_TODAY], compare_by_due);
  g_ptr_array_sort (sections[POISE_SECTION_UPCOMING], compare_by_due);
  g_ptr_array_sort (sections[POISE_SECTION_DONE], compare_by_updated_desc);

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      if (sections[s]->len == 0)
        continue;

      g_ptr_array_add (items, gtk_string_object_new (section_title (s)));
      for (guint i = 0; i < sections[s]->len; i++)
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (sections[s], i)));
    }

  /* Every row is bound afresh, so headings never go stale. */
  g_list_store_splice (self->model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)),
                       items->pdata, items->len);

  if (items->len > 0)
    show_state (self, "list");
  else if (self->search_text != NULL && *self->search_text != '\0')
    show_state (self, "no-results");
  else
    show_state (self, "empty");

  arm_refresh (self, now, next_due);

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    g_ptr_array_unref (sections[i]);
}

/* The list is only built while the page is on screen: at start-up, with
 * the conversation shown, listing and binding every follow-up would be
 * work for nothing. The badge is kept up to date all the same. */
static void
refresh (PoiseFollowUpsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (self->store == NULL)
    {
      show_state (self, "empty");
      return;
    }

  update_badge (self, now);

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    rebuild_list (self, now);
  else
    {
      self->stale = TRUE;
      arm_refresh (self, now, NULL);
    }
}

/* Brings the list up to date if it was left stale while hidden. */
static void
ensure_list (PoiseFollowUpsPage *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (!self->stale || self->store == NULL)
    return;

  now = g_date_time_new_now_local ();
  rebuild_list (self, now);
}

/* List items */

static void
setup_item_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (poise_follow_up_row_new ()));
}

static void
bind_item_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  PoiseFollowUpsPage *self = user_data;
  PoiseFollowUpRow *row = POISE_FOLLOW_UP_ROW (gtk_list_item_get_child (item));
  GObject *object = gtk_list_item_get_item (item);

  if (GTK_IS_STRING_OBJECT (object))
    {
      poise_follow_up_row_show_header (row, gtk_string_object_get_string (GTK_STRING_OBJECT (object)));
      gtk_list_item_set_activatable (item, FALSE);
      gtk_list_item_set_selectable (item, FALSE);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      poise_follow_up_row_show_follow_up (row, POISE_FOLLOW_UP (object), now);
      poise_follow_up_row_set_can_hand_over (row, can_hand_over (self));
      gtk_list_item_set_activatable (item, TRUE);
      gtk_list_item_set_selectable (item, TRUE);
    }
}

/* Callbacks */

static void
on_store_changed_cb (PoiseFollowUpsPage *self,
                     const char         *uuid,
                     PoiseStore         *store)
{
  refresh (self);
}

static void
on_search_changed_cb (PoiseFollowUpsPage *self,
                      GtkSearchEntry     *entry)
{
  g_free (self->search_text);
  self->search_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  refresh (self);
}

static void
on_search_stop_cb (PoiseFollowUpsPage *self,
                   GtkSearchEntry     *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_activate_cb (PoiseFollowUpsPage *self,
                guint               position,
                GtkListView        *list_view)
{
  g_autoptr(GObject) object = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (POISE_IS_FOLLOW_UP (object))
    poise_follow_ups_page_edit_follow_up (self, poise_follow_up_get_uuid (POISE_FOLLOW_UP (object)));
}

static void
on_undo_restore_cb (AdwToast      *toast,
                    PoiseFollowUp *follow_up)
{
  PoiseFollowUpsPage *self = g_object_get_data (G_OBJECT (toast), "poise-page");
  g_autoptr(GError) error = NULL;

  if (self == NULL || self->store == NULL)
    return;

  if (!poise_store_restore_follow_up (self->store, follow_up, &error) &&
      !g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_EXISTS))
    show_error (self, error);
}

static void
on_undo_update_cb (AdwToast      *toast,
                   PoiseFollowUp *previous)
{
  PoiseFollowUpsPage *self = g_object_get_data (G_OBJECT (toast), "poise-page");
  g_autoptr(GError) error = NULL;

  if (self == NULL || self->store == NULL)
    return;

  if (!poise_store_update_follow_up (self->store, previous, &error))
    show_error (self, error);
}

static void
unref_follow_up (gpointer  data,
                 GClosure *closure)
{
  g_object_unref (data);
}

/* A toast whose Undo puts @follow_up back, by @callback. */
static void
add_undo_toast (PoiseFollowUpsPage *self,
                const char         *title,
                PoiseFollowUp      *follow_up,
                GCallback           callback)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data (G_OBJECT (toast), "poise-page", self);
  g_signal_connect_data (toast, "button-clicked", callback,
                         g_object_ref (follow_up), unref_follow_up, 0);
  add_toast (self, toast);
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  poise_follow_ups_page_new_follow_up (POISE_FOLLOW_UPS_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  poise_follow_ups_page_edit_follow_up (POISE_FOLLOW_UPS_PAGE (widget),
                                        g_variant_get_string (parameter, NULL));
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(PoiseFollowUp) previous = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  previous = poise_store_get_follow_up (self->store, uuid, &error);
  if (previous == NULL || !poise_store_mark_done (self->store, uuid, &error))
    {
      show_error (self, error);
      return;
    }

  add_undo_toast (self, _("Marked as done"), previous, G_CALLBACK (on_undo_update_cb));
}

static void
snooze_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(PoiseFollowUp) previous = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  const char *uuid;
  const char *choice_name;
  PoiseDueChoice choice;

  g_variant_get (parameter, "(&s&s)", &uuid, &choice_name);
  if (self->store == NULL || !poise_due_choice_from_string (choice_name, &choice))
    return;

  due = poise_due_choice_resolve (choice, now);
  previous = poise_store_get_follow_up (self->store, uuid, &error);
  if (previous == NULL || !poise_store_snooze (self->store, uuid, due, &error))
    {
      show_error (self, error);
      return;
    }

  when = poise_format_due_time (due, now);
  /* Translators: %s is a time such as "Today, 15:30" */
  title = g_strdup_printf (_("Snoozed until %s"), when);
  add_undo_toast (self, title, previous, G_CALLBACK (on_undo_update_cb));
}

/* A reply ends the follow-ups that were only waiting for one; the rest
 * stay until their time, whatever the customer says. */
static void
replied_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);
  g_autoptr(PoiseFollowUp) previous = NULL;
  g_autoptr(PoiseFollowUp) cancelled = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  previous = poise_store_get_follow_up (self->store, g_variant_get_string (parameter, NULL), &error);
  if (previous == NULL)
    {
      show_error (self, error);
      return;
    }

  if (!poise_follow_up_get_cancel_on_reply (previous) ||
      poise_follow_up_get_status (previous) != POISE_FOLLOW_UP_STATUS_OPEN)
    {
      add_toast (self, adw_toast_new (_("Kept: this follow-up stays until its time")));
      return;
    }

  cancelled = poise_follow_up_copy (previous);
  poise_follow_up_set_status (cancelled, POISE_FOLLOW_UP_STATUS_CANCELLED);
  if (!poise_store_update_follow_up (self->store, cancelled, &error))
    {
      show_error (self, error);
      return;
    }

  add_undo_toast (self, _("Cancelled: the customer replied"), previous,
                  G_CALLBACK (on_undo_update_cb));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);
  g_autoptr(PoiseFollowUp) deleted = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  deleted = poise_store_delete_follow_up (self->store, g_variant_get_string (parameter, NULL), &error);
  if (deleted == NULL)
    {
      show_error (self, error);
      return;
    }

  add_undo_toast (self, _("Follow-up deleted"), deleted, G_CALLBACK (on_undo_restore_cb));
}

/* Hand-over */

typedef struct {
  PoiseFollowUpsPage *self;
  char               *uuid;
} HandOver;

static void
hand_over_free (HandOver *data)
{
  g_clear_object (&data->self);
  g_free (data->uuid);
  g_free (data);
}

static void
hand_over_closure_free (gpointer  data,
                        GClosure *closure)
{
  hand_over_free (data);
}

static void
on_hand_over_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          HandOver         *data)
{
  GtkDropDown *names = GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog));
  GtkStringObject *chosen = gtk_drop_down_get_selected_item (names);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "hand-over") != 0 || chosen == NULL)
    return;

  if (!poise_follow_ups_page_hand_over (data->self, data->uuid,
                                        gtk_string_object_get_string (chosen), &error))
    show_error (data->self, error);
}

static void
users_listed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HandOver *data = user_data;
  PoiseFollowUpsPage *self = data->self;
  g_auto(GStrv) users = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) colleagues = gtk_string_list_new (NULL);
  const char *me;
  AdwMessageDialog *dialog;
  GtkWidget *names;

  users = poise_sync_client_list_users_finish (POISE_SYNC_CLIENT (source), result, &error);
  if (users == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says what went wrong, e.g. "The server cannot be reached" */
          g_autofree char *title = g_strdup_printf (_("Your colleagues could not be listed: %s"),
                                                    error->message);

          add_toast (self, adw_toast_new (title));
        }
      hand_over_free (data);
      return;
    }

  me = poise_sync_client_get_user_name (POISE_SYNC_CLIENT (source));
  for (guint i = 0; users[i] != NULL; i++)
    if (g_strcmp0 (users[i], me) != 0)
      gtk_string_list_append (colleagues, users[i]);

  if (g_list_model_get_n_items (G_LIST_MODEL (colleagues)) == 0)
    {
      add_toast (self, adw_toast_new (_("No colleagues on the team server yet")));
      hand_over_free (data);
      return;
    }

  names = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&colleagues)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (names),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Colleague"),
                                  -1);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("Hand Over Follow-up"),
                                                       _("Who takes it over? It leaves your list, and Poise reminds them when it is due.")));
  adw_message_dialog_set_extra_child (dialog, names);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "hand-over", _("_Hand Over"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "hand-over", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "hand-over");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_hand_over_response_cb),
                         data, hand_over_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hand_over_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);
  HandOver *data;

  if (!can_hand_over (self))
    {
      add_toast (self, adw_toast_new (_("To hand follow-ups over, connect to a team server in Preferences")));
      return;
    }

  data = g_new0 (HandOver, 1);
  data->self = g_object_ref (self);
  data->uuid = g_variant_dup_string (parameter, NULL);
  poise_sync_client_list_users_async (self->sync_client, self->cancellable, users_listed_cb, data);
}

static void
on_sync_state_changed_cb (PoiseFollowUpsPage *self,
                          GParamSpec         *pspec,
                          PoiseSyncClient    *client)
{
  gboolean can = can_hand_over (self);

  /* Rows are bound again only when the answer changes, not per sync. */
  if (can == (gboolean) GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "poise-can-hand-over")))
    return;

  g_object_set_data (G_OBJECT (self), "poise-can-hand-over", GINT_TO_POINTER (can));
  refresh (self);
}

/* Overrides */

static void
poise_follow_ups_page_map (GtkWidget *widget)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (widget);

  GTK_WIDGET_CLASS (poise_follow_ups_page_parent_class)->map (widget);

  ensure_list (self);
  show_state (self, gtk_stack_get_visible_child_name (self->stack));
}

static void
poise_follow_ups_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_DUE:
      g_value_set_uint (value, self->n_due);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_follow_ups_page_dispose (GObject *object)
{
  PoiseFollowUpsPage *self = POISE_FOLLOW_UPS_PAGE (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync_client);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_FOLLOW_UPS_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->model);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (poise_follow_ups_page_parent_class)->dispose (object);
}

static void
poise_follow_ups_page_class_init (PoiseFollowUpsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = poise_follow_ups_page_get_property;
  object_class->dispose = poise_follow_ups_page_dispose;

  widget_class->map = poise_follow_ups_page_map;

  properties[PROP_N_DUE] =
    g_param_spec_uint ("n-due", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, POISE_TYPE_SCROLLING_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-follow-ups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpsPage, sync_indicator);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop_cb);

  g_type_ensure (POISE_TYPE_SYNC_INDICATOR);

  gtk_widget_class_install_action (widget_class, "followups.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "followups.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "followups.done", "s", done_action);
  gtk_widget_class_install_action (widget_class, "followups.snooze", "(ss)", snooze_action);
  gtk_widget_class_install_action (widget_class, "followups.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "followups.replied", "s", replied_action);
  gtk_widget_class_install_action (widget_class, "followups.hand-over", "s", hand_over_action);
}

static void
poise_follow_ups_page_init (PoiseFollowUpsPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->model = g_list_store_new (G_TYPE_OBJECT);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->list_view));
}

/* Public API */

void
poise_follow_ups_page_setup (PoiseFollowUpsPage *self,
                             PoiseStore         *store,
                             AdwViewStack       *view_stack)
{
  g_return_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self));
  g_return_if_fail (!store || POISE_IS_STORE (store));

  adw_view_switcher_title_set_stack (self->switcher_title, view_stack);

  if (g_set_object (&self->store, store) && store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self,
                             G_CONNECT_SWAPPED);
  refresh (self);
}

guint
poise_follow_ups_page_get_n_due (PoiseFollowUpsPage *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self), 0);

  return self->n_due;
}

GListModel *
poise_follow_ups_page_get_model (PoiseFollowUpsPage *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self), NULL);

  ensure_list (self);
  return G_LIST_MODEL (self->model);
}

PoiseSyncIndicator *
poise_follow_ups_page_get_sync_indicator (PoiseFollowUpsPage *self)
{
  g_return_val_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self), NULL);

  return self->sync_indicator;
}

void
poise_follow_ups_page_start_search (PoiseFollowUpsPage *self)
{
  g_return_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
present_dialog (PoiseFollowUpsPage *self,
                PoiseFollowUp      *follow_up)
{
  PoiseFollowUpDialog *dialog = poise_follow_up_dialog_new (self->store, follow_up);

  poise_follow_up_dialog_set_sync_client (dialog, self->sync_client);

  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
poise_follow_ups_page_new_follow_up (PoiseFollowUpsPage *self,
                                     PoiseFollowUp      *template)
{
  g_autoptr(PoiseFollowUp) follow_up = NULL;

  g_return_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self));

  if (self->store == NULL)
    return;

  if (template != NULL)
    follow_up = g_object_ref (template);
  else
    {
      /* By default, the 1–3 hour reply target for an upset customer. */
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) due = poise_due_choice_resolve (POISE_DUE_IN_3_HOURS, now);

      follow_up = poise_follow_up_new ();
      poise_follow_up_set_due_at (follow_up, due);
    }
  present_dialog (self, follow_up);
}

void
poise_follow_ups_page_edit_follow_up (PoiseFollowUpsPage *self,
                                      const char         *uuid)
{
  g_autoptr(PoiseFollowUp) follow_up = NULL;

  g_return_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self));

  if (self->store == NULL || uuid == NULL)
    return;

  follow_up = poise_store_get_follow_up (self->store, uuid, NULL);
  if (follow_up != NULL)
    present_dialog (self, follow_up);
}

/**
 * poise_follow_ups_page_set_sync_client:
 * @client: (nullable): the team sync client
 *
 * Hand-over lists colleagues through @client, while it has a server.
 */
void
poise_follow_ups_page_set_sync_client (PoiseFollowUpsPage *self,
                                       PoiseSyncClient    *client)
{
  g_return_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self));
  g_return_if_fail (client == NULL || POISE_IS_SYNC_CLIENT (client));

  if (self->sync_client != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_client, self);
  if (!g_set_object (&self->sync_client, client) || client == NULL)
    return;

  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_sync_state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  on_sync_state_changed_cb (self, NULL, client);
}

/**
 * poise_follow_ups_page_hand_over:
 *
 * Assigns the follow-up @uuid to @user_name, with Undo: it leaves this
 * agent's list and, once synced, reminds the colleague.
 */
gboolean
poise_follow_ups_page_hand_over (PoiseFollowUpsPage  *self,
                                 const char          *uuid,
                                 const char          *user_name,
                                 GError             **error)
{
  g_autoptr(PoiseFollowUp) previous = NULL;
  g_autoptr(PoiseFollowUp) handed = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (POISE_IS_FOLLOW_UPS_PAGE (self), FALSE);
  g_return_val_if_fail (uuid != NULL && user_name != NULL, FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, POISE_STORE_ERROR, POISE_STORE_ERROR_OPEN,
                           _("The follow-ups could not be opened"));
      return FALSE;
    }

  previous = poise_store_get_follow_up (self->store, uuid, error);
  if (previous == NULL)
    return FALSE;

  handed = poise_follow_up_copy (previous);
  poise_follow_up_set_assignee (handed, user_name);
  if (!poise_store_update_follow_up (self->store, handed, error))
    return FALSE;

  /* Translators: %s is a colleague's user name */
  title = g_strdup_printf (_("Handed over to %s"), user_name);
  add_undo_toast (self, title, previous, G_CALLBACK (on_undo_update_cb));
  return TRUE;
}

/* poise-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "first-frame.h"
#include "poise-conversation-end.h"
#include "poise-conversation-view.h"
#include "poise-follow-up-row.h"
#include "poise-follow-ups-page.h"
#include "poise-notes-page.h"
#include "poise-query.h"
#include "poise-scenario-row.h"
#include "poise-library-hooks.h"
#include "poise-sync-indicator.h"
#include "poise-window.h"

struct _PoiseWindow
{
  AdwApplicationWindow   parent_instance;

  PoiseApplication      *application;
  PoiseQuery            *query;
  GtkCustomFilter       *filter;
  GtkFilterListModel    *filtered;
  JsonNode              *undo_snapshot;

  /* Template widgets */
  PoiseConversationView *conversation_view;
  AdwViewSwitcherTitle  *content_title;
  PoiseFollowUpsPage    *follow_ups_page;
  AdwViewStackPage      *follow_ups_stack_page;
  AdwLeaflet            *leaflet;
  GtkListBox            *scenario_list;
  GtkSearchBar          *search_bar;
  GtkSearchEntry        *search_entry;
  AdwStatusPage         *no_results_page;
  PoiseNotesPage        *notes_page;
  GtkStack              *sidebar_stack;
  PoiseSyncIndicator    *sync_indicator;
  AdwToastOverlay       *toast_overlay;
  AdwViewStack          *view_stack;

  GQueue                *toasts;        /* AdwToast, strong */
  gint64                 head_shown_at; /* monotonic µs */
};

G_DEFINE_FINAL_TYPE (PoiseWindow, poise_window, ADW_TYPE_APPLICATION_WINDOW)

static const char *
get_language (PoiseWindow *self)
{
  return poise_application_get_script_language (self->application);
}

static gboolean
filter_scenario (gpointer item,
                 gpointer user_data)
{
  PoiseWindow *self = user_data;

  return self->query == NULL || poise_query_matches (self->query, item, get_language (self));
}

static GtkWidget *
create_scenario_row (gpointer item,
                     gpointer user_data)
{
  PoiseWindow *self = user_data;

  return GTK_WIDGET (poise_scenario_row_new (item, get_language (self)));
}

/* Category headers go above the first row of each category; the filter can
 * hide any row, so they are worked out from the neighbours every time. */
static void
update_header (GtkListBoxRow *row,
               GtkListBoxRow *before,
               gpointer       user_data)
{
  PoiseWindow *self = user_data;
  PoiseScenario *scenario = poise_scenario_row_get_scenario (POISE_SCENARIO_ROW (row));
  PoiseScenario *previous = NULL;
  GtkWidget *header;

  if (before != NULL)
    previous = poise_scenario_row_get_scenario (POISE_SCENARIO_ROW (before));

  if (previous != NULL &&
      g_strcmp0 (poise_scenario_get_category_id (previous),
                 poise_scenario_get_category_id (scenario)) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (poise_scenario_get_category_title (scenario, get_language (self)));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_label_set_wrap (GTK_LABEL (header), TRUE);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "category-header");
  gtk_list_box_row_set_header (row, header);
}

static void
select_current_scenario (PoiseWindow *self)
{
  PoiseConversation *conversation = poise_application_get_conversation (self->application);
  const char *scenario_id = poise_conversation_get_scenario_id (conversation);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(PoiseScenario) scenario = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);

      if (g_strcmp0 (poise_scenario_get_id (scenario), scenario_id) == 0)
        {
          gtk_list_box_select_row (self->scenario_list,
                                   gtk_list_box_get_row_at_index (self->scenario_list, i));
          return;
        }
    }

  gtk_list_box_unselect_all (self->scenario_list);
}

static void
update_sidebar_state (PoiseWindow *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  /* The big icon only once shown: at 128 px it is drawn from SVG, and
   * loading librsvg for a page nobody sees cost memory and start-up time. */
  if (empty)
    adw_status_page_set_icon_name (self->no_results_page, "edit-find-symbolic");
  gtk_stack_set_visible_child_name (self->sidebar_stack, empty ? "empty" : "list");
}

static void
rebind_scenarios (PoiseWindow *self)
{
  gtk_list_box_bind_model (self->scenario_list, G_LIST_MODEL (self->filtered),
                           create_scenario_row, self, NULL);
  select_current_scenario (self);
  update_sidebar_state (self);
}

static void
update_title (PoiseWindow *self)
{
  PoiseConversation *conversation = poise_application_get_conversation (self->application);
  PoiseLibrary *library = poise_application_get_library (self->application);
  const char *scenario_id = poise_conversation_get_scenario_id (conversation);
  PoiseScenario *scenario = NULL;

  if (library != NULL && scenario_id != NULL)
    scenario = poise_library_lookup_scenario (library, scenario_id);

  adw_view_switcher_title_set_title (self->content_title,
                              scenario != NULL
                                ? poise_scenario_get_title (scenario, get_language (self))
                                : _("Conversation"));
}

/* Callbacks */

static void
on_search_changed_cb (PoiseWindow    *self,
                      GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  g_clear_pointer (&self->query, poise_query_unref);
  self->query = poise_query_new (text);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  select_current_scenario (self);
  update_sidebar_state (self);
}

/* Enter in the search entry opens the best (first) match. */
static void
on_search_activate_cb (PoiseWindow    *self,
                       GtkSearchEntry *entry)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->scenario_list, 0);

  if (row != NULL)
    {
      gtk_list_box_select_row (self->scenario_list, row);
      g_signal_emit_by_name (self->scenario_list, "row-activated", row);
    }
}

/* Down from the search field walks on into the results. */
static gboolean
on_search_key_pressed_cb (PoiseWindow           *self,
                          guint                  keyval,
                          guint                  keycode,
                          GdkModifierType        state,
                          GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  row = gtk_list_box_get_selected_row (self->scenario_list);
  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->scenario_list, 0);
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_widget_grab_focus (GTK_WIDGET (row));
  return GDK_EVENT_STOP;
}

static void
on_search_stop_cb (PoiseWindow    *self,
                   GtkSearchEntry *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_scenario_activated_cb (PoiseWindow   *self,
                          GtkListBoxRow *row)
{
  PoiseConversation *conversation = poise_application_get_conversation (self->application);
  PoiseScenario *scenario = poise_scenario_row_get_scenario (POISE_SCENARIO_ROW (row));

  poise_conversation_set_scenario_id (conversation, poise_scenario_get_id (scenario));
  adw_leaflet_set_visible_child_name (self->leaflet, "content");

  /* Straight on to the conversation: the keys 1-4 tick steps from here. */
  poise_conversation_view_focus_checklist (self->conversation_view);
}

static void
on_conversation_changed_cb (PoiseWindow       *self,
                            GParamSpec        *pspec,
                            PoiseConversation *conversation)
{
  update_title (self);
}

static void
on_script_language_changed_cb (PoiseWindow      *self,
                               GParamSpec       *pspec,
                               PoiseApplication *application)
{
  poise_conversation_view_set_language (self->conversation_view, get_language (self));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  rebind_scenarios (self);
  update_title (self);
}

/* A new library: the list and the view follow, the conversation stays. */
static void
on_library_changed_cb (PoiseWindow      *self,
                       GParamSpec       *pspec,
                       PoiseApplication *application)
{
  PoiseLibrary *library = poise_application_get_library (application);

  if (library == NULL)
    return;
  gtk_filter_list_model_set_model (self->filtered, poise_library_get_scenarios (library));
  poise_conversation_view_set_library (self->conversation_view, library);
  rebind_scenarios (self);
  update_title (self);
}

static void
on_undo_new_conversation_cb (PoiseWindow *self,
                             AdwToast    *toast)
{
  PoiseConversation *conversation = poise_application_get_conversation (self->application);
  g_autoptr(GError) error = NULL;

  if (self->undo_snapshot == NULL)
    return;

  if (!poise_conversation_load_json (conversation, self->undo_snapshot, &error))
    g_warning ("Could not undo: %s", error->message);

  g_clear_pointer (&self->undo_snapshot, json_node_unref);
  poise_conversation_view_reload (self->conversation_view);
  select_current_scenario (self);
}

/* Actions */

static gboolean
showing_follow_ups (PoiseWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "follow-ups") == 0;
}

static gboolean
showing_notes (PoiseWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "notes") == 0;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  if (showing_follow_ups (self))
    {
      poise_follow_ups_page_start_search (self->follow_ups_page);
      return;
    }

  if (showing_notes (self))
    {
      poise_notes_page_start_search (self->notes_page);
      return;
    }

  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Starting over throws away the checklist and the values, so it can be
 * undone from the toast. */
static void
new_conversation_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);
  PoiseConversation *conversation = poise_application_get_conversation (self->application);
  AdwToast *toast;

  /* Ctrl+N makes what the page shows: on the Notes page, a note. */
  if (showing_notes (self))
    {
      poise_notes_page_new_note (self->notes_page, NULL);
      return;
    }

  /* The summary note and the pause (poise-conversation-end.c). */
  poise_conversation_end (self, self->application, self->conversation_view);

  g_clear_pointer (&self->undo_snapshot, json_node_unref);
  self->undo_snapshot = poise_conversation_to_json (conversation);

  poise_conversation_reset (conversation);
  poise_conversation_view_reload (self->conversation_view);
  gtk_list_box_unselect_all (self->scenario_list);
  adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");

  toast = adw_toast_new (_("New conversation started"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_object (toast, "button-clicked",
                           G_CALLBACK (on_undo_new_conversation_cb), self,
                           G_CONNECT_SWAPPED);
  poise_window_add_toast (self, toast);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static void
new_follow_up_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "follow-ups");
  poise_follow_ups_page_new_follow_up (self->follow_ups_page, NULL);
}

static void
new_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "notes");
  poise_notes_page_new_note (self->notes_page, NULL);
}

/* From the conversation: a note about the customer entered there. */
static void
new_note_for_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  poise_notes_page_new_note (self->notes_page, g_variant_get_string (parameter, NULL));
}

static void
edit_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  poise_notes_page_edit_note (self->notes_page, g_variant_get_string (parameter, NULL));
}

static void
on_undo_add_follow_up_cb (PoiseWindow *self,
                          AdwToast    *toast)
{
  PoiseStore *store = poise_application_get_store (self->application);
  const char *uuid = g_object_get_data (G_OBJECT (toast), "poise-uuid");
  g_autoptr(PoiseFollowUp) deleted = NULL;

  if (store != NULL && uuid != NULL)
    deleted = poise_store_delete_follow_up (store, uuid, NULL);
}

/* One click logs the promise of the conversation as a follow-up. */
static void
add_follow_up_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);
  PoiseStore *store = poise_application_get_store (self->application);
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (store == NULL)
    return;

  follow_up = poise_conversation_view_dup_follow_up (self->conversation_view);
  if (follow_up == NULL)
    return;

  if (!poise_store_insert_follow_up (store, follow_up, &error))
    {
      poise_window_show_error (self, _("The follow-up was not added"), error->message);
      return;
    }

  when = poise_format_due_time (poise_follow_up_get_due_at (follow_up), now);
  /* Translators: %s is a due time such as "Tomorrow, 09:00" */
  title = g_strdup_printf (_("Follow-up added, due %s"), when);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "poise-uuid",
                          g_strdup (poise_follow_up_get_uuid (follow_up)), g_free);
  g_signal_connect_object (toast, "button-clicked",
                           G_CALLBACK (on_undo_add_follow_up_cb), self,
                           G_CONNECT_SWAPPED);
  poise_window_add_toast (self, toast);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseWindow *self = POISE_WINDOW (widget);

  poise_conversation_view_copy (self->conversation_view);
}

/* The digits 1–4 tick steps, but never while a text field has the focus:
 * there they are typed as usual. */
static gboolean
toggle_step_shortcut_cb (GtkWidget *widget,
                         GVariant  *args,
                         gpointer   user_data)
{
  PoiseWindow *self = POISE_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && GTK_IS_EDITABLE (focus))
    return FALSE;

  return poise_conversation_view_toggle_step (self->conversation_view,
                                              g_variant_get_int32 (args));
}

/* Overrides */

static gboolean
poise_window_close_request (GtkWindow *window)
{
  PoiseWindow *self = POISE_WINDOW (window);

  poise_application_save_conversation (self->application);

  return GTK_WINDOW_CLASS (poise_window_parent_class)->close_request (window);
}

/* Runs once the window belongs to its application: GtkWindow:application
 * is not a construct property, so this cannot happen in constructed(). */
static void
setup (PoiseWindow      *self,
       PoiseApplication *application)
{
  PoiseLibrary *library;
  PoiseConversation *conversation;
  GSettings *settings;

  self->application = application;
  library = poise_application_get_library (self->application);
  conversation = poise_application_get_conversation (self->application);
  settings = poise_application_get_settings (self->application);

  if (g_strcmp0 (PROFILE, "development") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "visible-page", self->view_stack, "visible-child-name",
                   G_SETTINGS_BIND_DEFAULT);

  self->filter = gtk_custom_filter_new (filter_scenario, self, NULL);
  self->filtered = gtk_filter_list_model_new (library != NULL
                                                ? g_object_ref (poise_library_get_scenarios (library))
                                                : G_LIST_MODEL (g_list_store_new (POISE_TYPE_SCENARIO)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  gtk_list_box_set_header_func (self->scenario_list, update_header, self, NULL);
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->scenario_list));
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_search_key_pressed_cb), self,
                             G_CONNECT_SWAPPED);
    gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  }
  rebind_scenarios (self);

  poise_conversation_view_setup (self->conversation_view, library, conversation,
                                 get_language (self));

  poise_follow_ups_page_setup (self->follow_ups_page,
                               poise_application_get_store (self->application),
                               self->view_stack);
  {
    PoiseSyncClient *client = poise_application_get_sync_client (self->application);

    /* Every page's header bar says how sync is doing. */
    poise_sync_indicator_bind (self->sync_indicator, G_OBJECT (client));
    poise_sync_indicator_bind (poise_follow_ups_page_get_sync_indicator (self->follow_ups_page),
                               G_OBJECT (client));
    poise_sync_indicator_bind (poise_notes_page_get_sync_indicator (self->notes_page),
                               G_OBJECT (client));
    poise_follow_ups_page_set_sync_client (self->follow_ups_page, client);
  }
  poise_notes_page_setup (self->notes_page,
                          poise_application_get_store (self->application),
                          self->view_stack);
  poise_customer_panel_setup (poise_conversation_view_get_customer_panel (self->conversation_view),
                              conversation,
                              poise_application_get_store (self->application));
  poise_reply_draft_setup (poise_conversation_view_get_reply_draft (self->conversation_view),
                           library, conversation, poise_application_get_store (self->application),
                           get_language (self));
  /* Without a team server the button explains that one is needed. */
  poise_backup_button_setup (poise_conversation_view_get_backup_button (self->conversation_view),
                             poise_application_get_sync_client (self->application),
                             library, conversation, get_language (self));

  g_object_bind_property (self->follow_ups_page, "n-due",
                          self->follow_ups_stack_page, "badge-number",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (conversation, "notify::scenario-id",
                           G_CALLBACK (on_conversation_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->application, "notify::script-language",
                           G_CALLBACK (on_script_language_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->application, "notify::library",
                           G_CALLBACK (on_library_changed_cb), self,
                           G_CONNECT_SWAPPED);
  poise_library_hooks_setup_window (self, self->application);
  update_title (self);

  /* Resume where the agent was: with a scenario open, show it. */
  if (poise_conversation_get_scenario_id (conversation) != NULL)
    adw_leaflet_set_visible_child_name (self->leaflet, "content");

  poise_bench_first_frame_hook (GTK_WINDOW (self));
}

static void
poise_window_dispose (GObject *object)
{
  PoiseWindow *self = POISE_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_WINDOW);

  G_OBJECT_CLASS (poise_window_parent_class)->dispose (object);
}

static void
poise_window_finalize (GObject *object)
{
  PoiseWindow *self = POISE_WINDOW (object);

  for (GList *l = self->toasts->head; l != NULL; l = l->next)
    g_object_set_data (l->data, "poise-window", NULL);
  g_queue_free_full (self->toasts, g_object_unref);
  g_clear_pointer (&self->query, poise_query_unref);
  g_clear_pointer (&self->undo_snapshot, json_node_unref);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (poise_window_parent_class)->finalize (object);
}

static void
add_step_shortcuts (GtkWidgetClass *widget_class)
{
  for (int i = 1; i <= 4; i++)
    {
      guint keyval = GDK_KEY_1 + i - 1;

      gtk_widget_class_add_binding (widget_class, keyval, 0,
                                    toggle_step_shortcut_cb, "i", i);
      gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_1 + i - 1, 0,
                                    toggle_step_shortcut_cb, "i", i);
      gtk_widget_class_add_binding (widget_class, keyval, GDK_ALT_MASK,
                                    toggle_step_shortcut_cb, "i", i);
    }
}

static void
poise_window_class_init (PoiseWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = poise_window_dispose;
  object_class->finalize = poise_window_finalize;

  window_class->close_request = poise_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/poise-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, follow_ups_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, follow_ups_stack_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, scenario_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, notes_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PoiseWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_scenario_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop_cb);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.new-conversation", NULL,
                                   new_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.new-follow-up", NULL, new_follow_up_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.add-follow-up", NULL, add_follow_up_action);
  gtk_widget_class_install_action (widget_class, "win.new-note", NULL, new_note_action);
  gtk_widget_class_install_action (widget_class, "win.new-note-for", "s", new_note_for_action);
  gtk_widget_class_install_action (widget_class, "win.edit-note", "s", edit_note_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-conversation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.new-follow-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK,
                                       "win.show-page", "s", "conversation");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK,
                                       "win.show-page", "s", "follow-ups");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK,
                                       "win.show-page", "s", "notes");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  add_step_shortcuts (widget_class);

  g_type_ensure (POISE_TYPE_CONVERSATION_VIEW);
  g_type_ensure (POISE_TYPE_FOLLOW_UPS_PAGE);
  g_type_ensure (POISE_TYPE_NOTES_PAGE);
  g_type_ensure (POISE_TYPE_SYNC_INDICATOR);
}

static void
poise_window_init (PoiseWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->toasts = g_queue_new ();
}

PoiseWindow *
poise_window_new (PoiseApplication *application)
{
  PoiseWindow *self;

  g_return_val_if_fail (POISE_IS_APPLICATION (application), NULL);

  self = g_object_new (POISE_TYPE_WINDOW,
                       "application", application,
                       NULL);
  setup (self, application);

  return self;
}

/* The toasts given to the overlay and not yet dismissed, in its order:
 * the head is on screen. libadwaita 1.2 shows a toast that replaces
 * another over 500 ms but hides it in 300; dismissed before it has fully
 * appeared, the toast is freed under its running animation, which then
 * crashes. So a toast is only replaced once it has settled. */
#define TOAST_SETTLE_MSEC 700

static void
on_toast_dismissed_cb (PoiseWindow *self,
                       AdwToast    *toast)
{
  gboolean was_head = g_queue_peek_head (self->toasts) == toast;

  if (g_queue_remove (self->toasts, toast))
    g_object_unref (toast);

  /* The overlay shows the next one right now. */
  if (was_head)
    self->head_shown_at = g_get_monotonic_time ();
}

static gboolean
dismiss_if_shown_cb (gpointer user_data)
{
  AdwToast *toast = user_data;
  PoiseWindow *self = g_object_get_data (G_OBJECT (toast), "poise-window");

  if (self != NULL && g_queue_peek_head (self->toasts) == toast)
    adw_toast_dismiss (toast);

  return G_SOURCE_REMOVE;
}

/**
 * poise_window_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in place of the one shown: the newest news wins, without a
 * queue of stale Undo buttons. Older toasts still waiting are dropped; the
 * one on screen goes as soon as it has settled, and @toast follows.
 */
void
poise_window_add_toast (PoiseWindow *self,
                        AdwToast    *toast)
{
  AdwToast *head;

  g_return_if_fail (POISE_IS_WINDOW (self));

  /* Waiting toasts have no animation yet: dropping them is safe. */
  while (g_queue_get_length (self->toasts) > 1)
    adw_toast_dismiss (g_queue_peek_tail (self->toasts));

  head = g_queue_peek_head (self->toasts);
  if (head != NULL)
    {
      gint64 settled_at = self->head_shown_at + TOAST_SETTLE_MSEC * G_TIME_SPAN_MILLISECOND;
      gint64 now = g_get_monotonic_time ();

      g_object_set_data (G_OBJECT (head), "poise-window", self);
      g_timeout_add_full (G_PRIORITY_DEFAULT,
                          settled_at > now ? (settled_at - now) / G_TIME_SPAN_MILLISECOND : 0,
                          dismiss_if_shown_cb, g_object_ref (head), g_object_unref);
    }
  else
    self->head_shown_at = g_get_monotonic_time ();

  g_queue_push_tail (self->toasts, g_object_ref (toast));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
poise_window_show_error (PoiseWindow *self,
                         const char  *summary,
                         const char  *detail)
{
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_if_fail (POISE_IS_WINDOW (self));

  /* Translators: an error summary, then what exactly went wrong */
  title = g_strdup_printf (_("%s: %s"), summary, detail);
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 0);
  poise_window_add_toast (self, toast);
}

void
poise_window_show_follow_up (PoiseWindow *self,
                             const char  *uuid)
{
  g_return_if_fail (POISE_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, "follow-ups");
  gtk_window_present (GTK_WINDOW (self));

  if (uuid != NULL && *uuid != '\0')
    poise_follow_ups_page_edit_follow_up (self->follow_ups_page, uuid);
}

/* poise-notes-page.c: the team's notes about customers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-note-dialog.h"
#include "poise-note-row.h"
#include "poise-notes-page.h"
#include "poise-scrolling-layout.h"
#include "poise-window.h"

struct _PoiseNotesPage
{
  GtkWidget       parent_instance;

  PoiseStore     *store;
  GListStore     *model;        /* headings and notes, as shown */
  char           *search_text;
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

G_DEFINE_FINAL_TYPE (PoiseNotesPage, poise_notes_page, GTK_TYPE_WIDGET)

static void
add_toast (PoiseNotesPage *self,
           AdwToast       *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (POISE_IS_WINDOW (root))
    poise_window_add_toast (POISE_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_error (PoiseNotesPage *self,
            const GError   *error)
{
  /* Translators: %s says what went wrong in the database */
  g_autofree char *title = g_strdup_printf (_("The note could not be changed: %s"),
                                            error->message);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  add_toast (self, toast);
}

/* Big status icons are drawn from SVG: set only when their page shows. */
static void
show_state (PoiseNotesPage *self,
            const char     *name)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    ;
  else if (g_str_equal (name, "empty"))
    adw_status_page_set_icon_name (self->empty_page, "document-edit-symbolic");
  else if (g_str_equal (name, "no-results"))
    adw_status_page_set_icon_name (self->no_results_page, "edit-find-symbolic");

  gtk_stack_set_visible_child_name (self->stack, name);
}

static gboolean
searching (PoiseNotesPage *self)
{
  return self->search_text != NULL && *self->search_text != '\0';
}

/* Notes come newest first; they are grouped by customer, each group where
 * its newest note is, so the customer last written about comes first. */
static void
rebuild_list (PoiseNotesPage *self)
{
  g_autoptr(GListStore) found = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();   /* refs, borrowed */
  g_autoptr(GHashTable) groups = NULL;              /* ref → GPtrArray of notes */
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  guint n_found;

  self->stale = FALSE;

  if (searching (self))
    found = poise_store_search_notes (self->store, self->search_text, &error);
  else
    found = poise_store_list_notes (self->store, NULL, &error);

  if (found == NULL)
    {
      show_error (self, error);
      return;
    }

  groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                  (GDestroyNotify) g_ptr_array_unref);
  n_found = g_list_model_get_n_items (G_LIST_MODEL (found));
  for (guint i = 0; i < n_found; i++)
    {
      g_autoptr(PoiseNote) note = g_list_model_get_item (G_LIST_MODEL (found), i);
      const char *ref = poise_note_get_customer_ref (note);
      GPtrArray *group;

      if (ref == NULL)
        ref = "";
      group = g_hash_table_lookup (groups, ref);
      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func (g_object_unref);
          /* The note lives in `found` as long as this function runs. */
          g_hash_table_insert (groups, (char *) ref, group);
          g_ptr_array_add (order, (char *) ref);
        }
      g_ptr_array_add (group, g_object_ref (note));
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *ref = g_ptr_array_index (order, i);
      GPtrArray *group = g_hash_table_lookup (groups, ref);

      g_ptr_array_add (items, gtk_string_object_new (*ref != '\0' ? ref : _("No Customer Reference")));
      for (guint j = 0; j < group->len; j++)
        g_ptr_array_add (items, g_object_ref (g_ptr_array_index (group, j)));
    }

  g_list_store_splice (self->model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->model)),
                       items->pdata, items->len);

  if (items->len > 0)
    show_state (self, "list");
  else if (searching (self))
    show_state (self, "no-results");
  else
    show_state (self, "empty");
}

/* Built only while the page is on screen, as the follow-ups are. */
static void
refresh (PoiseNotesPage *self)
{
  if (self->store == NULL)
    {
      show_state (self, "empty");
      return;
    }

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    rebuild_list (self);
  else
    self->stale = TRUE;
}

static void
ensure_list (PoiseNotesPage *self)
{
  if (self->stale && self->store != NULL)
    rebuild_list (self);
}

/* List items */

static void
setup_item_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  gtk_list_item_set_child (item, GTK_WIDGET (poise_note_row_new ()));
}

static void
bind_item_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  PoiseNotesPage *self = user_data;
  PoiseNoteRow *row = POISE_NOTE_ROW (gtk_list_item_get_child (item));
  GObject *object = gtk_list_item_get_item (item);

  if (GTK_IS_STRING_OBJECT (object))
    {
      poise_note_row_show_header (row, gtk_string_object_get_string (GTK_STRING_OBJECT (object)));
      gtk_list_item_set_activatable (item, FALSE);
      gtk_list_item_set_selectable (item, FALSE);
    }
  else
    {
      PoiseNote *note = POISE_NOTE (object);
      const char *conflict_of = poise_note_get_conflict_of (note);
      g_autoptr(PoiseNote) other = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      /* Only conflicted copies need their other version, and they are rare. */
      if (conflict_of != NULL && *conflict_of != '\0' && self->store != NULL)
        other = poise_store_get_note (self->store, conflict_of, NULL);

      poise_note_row_show_note (row, note, other, now);
      gtk_list_item_set_activatable (item, TRUE);
      gtk_list_item_set_selectable (item, TRUE);
    }
}

/* Callbacks */

static void
on_note_changed_cb (PoiseNotesPage *self,
                    const char     *uuid,
                    PoiseStore     *store)
{
  refresh (self);
}

static void
on_search_changed_cb (PoiseNotesPage *self,
                      GtkSearchEntry *entry)
{
  g_free (self->search_text);
  self->search_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  refresh (self);
}

static void
on_search_stop_cb (PoiseNotesPage *self,
                   GtkSearchEntry *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_activate_cb (PoiseNotesPage *self,
                guint           position,
                GtkListView    *list_view)
{
  g_autoptr(GObject) object = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (POISE_IS_NOTE (object))
    poise_notes_page_edit_note (self, poise_note_get_uuid (POISE_NOTE (object)));
}

static void
on_undo_delete_cb (AdwToast  *toast,
                   PoiseNote *note)
{
  PoiseNotesPage *self = g_object_get_data (G_OBJECT (toast), "poise-page");
  g_autoptr(GError) error = NULL;

  if (self == NULL || self->store == NULL)
    return;

  if (!poise_store_restore_note (self->store, note, &error) &&
      !g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_EXISTS))
    show_error (self, error);
}

static void
unref_note (gpointer  data,
            GClosure *closure)
{
  g_object_unref (data);
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  poise_notes_page_new_note (POISE_NOTES_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  poise_notes_page_edit_note (POISE_NOTES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (widget);
  g_autoptr(PoiseNote) deleted = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (self->store == NULL)
    return;

  deleted = poise_store_delete_note (self->store, g_variant_get_string (parameter, NULL), &error);
  if (deleted == NULL)
    {
      show_error (self, error);
      return;
    }

  toast = adw_toast_new (_("Note deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data (G_OBJECT (toast), "poise-page", self);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_delete_cb),
                         g_object_ref (deleted), unref_note, 0);
  add_toast (self, toast);
}

/* The copy and the note it conflicts with; FALSE (with a toast) if the
 * copy is gone. @original is NULL when that one was deleted meanwhile. */
static gboolean
get_conflict (PoiseNotesPage  *self,
              const char      *uuid,
              PoiseNote      **copy,
              PoiseNote      **original)
{
  g_autoptr(GError) error = NULL;
  const char *conflict_of;

  *copy = poise_store_get_note (self->store, uuid, &error);
  if (*copy == NULL)
    {
      show_error (self, error);
      return FALSE;
    }

  conflict_of = poise_note_get_conflict_of (*copy);
  *original = conflict_of != NULL ? poise_store_get_note (self->store, conflict_of, NULL) : NULL;
  return TRUE;
}

/* This version wins: its text goes into the original, and the copy goes. */
static void
keep_this_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (widget);
  g_autoptr(PoiseNote) copy = NULL;
  g_autoptr(PoiseNote) original = NULL;
  g_autoptr(PoiseNote) gone = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || !get_conflict (self, g_variant_get_string (parameter, NULL),
                                            &copy, &original))
    return;

  if (original == NULL)
    {
      /* Nothing left to conflict with: the copy simply becomes the note. */
      poise_note_set_conflict_of (copy, NULL);
      if (!poise_store_save_note (self->store, copy, &error))
        show_error (self, error);
      else
        add_toast (self, adw_toast_new (_("Conflict resolved")));
      return;
    }

  poise_note_set_body (original, poise_note_get_body (copy));
  poise_note_set_tags (original, poise_note_get_tags (copy));
  poise_note_set_customer_ref (original, poise_note_get_customer_ref (copy));
  if (!poise_store_save_note (self->store, original, &error))
    {
      show_error (self, error);
      return;
    }

  gone = poise_store_delete_note (self->store, poise_note_get_uuid (copy), &error);
  if (gone == NULL)
    {
      show_error (self, error);
      return;
    }

  add_toast (self, adw_toast_new (_("Conflict resolved: kept this version")));
}

static void
keep_other_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (widget);
  g_autoptr(PoiseNote) gone = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  gone = poise_store_delete_note (self->store, g_variant_get_string (parameter, NULL), &error);
  if (gone == NULL)
    {
      show_error (self, error);
      return;
    }

  add_toast (self, adw_toast_new (_("Conflict resolved: kept the other version")));
}

static void
present (PoiseNotesPage  *self,
         PoiseNoteDialog *dialog)
{
  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
merge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (widget);
  g_autoptr(PoiseNote) copy = NULL;
  g_autoptr(PoiseNote) original = NULL;

  if (self->store == NULL || !get_conflict (self, g_variant_get_string (parameter, NULL),
                                            &copy, &original))
    return;

  if (original == NULL)
    {
      /* Nothing to merge with: edit the copy, which becomes the note. */
      poise_note_set_conflict_of (copy, NULL);
      present (self, poise_note_dialog_new (self->store, copy));
      return;
    }

  present (self, poise_note_dialog_new_merge (self->store, original, copy));
}

/* Overrides */

static void
poise_notes_page_map (GtkWidget *widget)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (widget);

  GTK_WIDGET_CLASS (poise_notes_page_parent_class)->map (widget);

  ensure_list (self);
  show_state (self, gtk_stack_get_visible_child_name (self->stack));
}

static void
poise_notes_page_dispose (GObject *object)
{
  PoiseNotesPage *self = POISE_NOTES_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_NOTES_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->model);
  g_clear_pointer (&self->search_text, g_free);

  G_OBJECT_CLASS (poise_notes_page_parent_class)->dispose (object);
}

static void
poise_notes_page_class_init (PoiseNotesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_notes_page_dispose;

  widget_class->map = poise_notes_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, POISE_TYPE_SCROLLING_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-notes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PoiseNotesPage, sync_indicator);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop_cb);

  g_type_ensure (POISE_TYPE_SYNC_INDICATOR);

  gtk_widget_class_install_action (widget_class, "notes.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "notes.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "notes.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "notes.keep-this", "s", keep_this_action);
  gtk_widget_class_install_action (widget_class, "notes.keep-other", "s", keep_other_action);
  gtk_widget_class_install_action (widget_class, "notes.merge", "s", merge_action);
}

static void
poise_notes_page_init (PoiseNotesPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->model = g_list_store_new (G_TYPE_OBJECT);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->list_view));
}

/* Public API */

void
poise_notes_page_setup (PoiseNotesPage *self,
                        PoiseStore     *store,
                        AdwViewStack   *view_stack)
{
  g_return_if_fail (POISE_IS_NOTES_PAGE (self));
  g_return_if_fail (!store || POISE_IS_STORE (store));

  adw_view_switcher_title_set_stack (self->switcher_title, view_stack);

  if (g_set_object (&self->store, store) && store != NULL)
    g_signal_connect_object (store, "note-changed", G_CALLBACK (on_note_changed_cb), self,
                             G_CONNECT_SWAPPED);
  refresh (self);
}

void
poise_notes_page_new_note (PoiseNotesPage *self,
                           const char     *customer_ref)
{
  g_autoptr(PoiseNote) note = NULL;

  g_return_if_fail (POISE_IS_NOTES_PAGE (self));

  if (self->store == NULL)
    return;

  note = poise_note_new ();
  if (customer_ref != NULL)
    poise_note_set_customer_ref (note, customer_ref);
  present (self, poise_note_dialog_new (self->store, note));
}

void
poise_notes_page_edit_note (PoiseNotesPage *self,
                            const char     *uuid)
{
  g_autoptr(PoiseNote) note = NULL;

  g_return_if_fail (POISE_IS_NOTES_PAGE (self));

  if (self->store == NULL || uuid == NULL)
    return;

  note = poise_store_get_note (self->store, uuid, NULL);
  if (note != NULL)
    present (self, poise_note_dialog_new (self->store, note));
}

void
poise_notes_page_start_search (PoiseNotesPage *self)
{
  g_return_if_fail (POISE_IS_NOTES_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
poise_notes_page_search (PoiseNotesPage *self,
                         const char     *text)
{
  g_return_if_fail (POISE_IS_NOTES_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, text != NULL && *text != '\0');
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Now, not after the entry's typing pause. */
  g_free (self->search_text);
  self->search_text = g_strdup (text);
  refresh (self);
}

GListModel *
poise_notes_page_get_model (PoiseNotesPage *self)
{
  g_return_val_if_fail (POISE_IS_NOTES_PAGE (self), NULL);

  ensure_list (self);
  return G_LIST_MODEL (self->model);
}

PoiseSyncIndicator *
poise_notes_page_get_sync_indicator (PoiseNotesPage *self)
{
  g_return_val_if_fail (POISE_IS_NOTES_PAGE (self), NULL);

  return self->sync_indicator;
}

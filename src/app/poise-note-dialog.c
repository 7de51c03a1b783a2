/* poise-note-dialog.c: write or edit a note about a customer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-note-dialog.h"

struct _PoiseNoteDialog
{
  AdwWindow    parent_instance;

  PoiseStore  *store;
  PoiseNote   *note;
  char        *resolves;      /* the conflicted copy a merge removes */

  /* Template widgets */
  GtkTextView *body_view;
  GtkLabel    *merge_label;
  AdwEntryRow *ref_row;
  GtkButton   *save_button;
  AdwEntryRow *tags_row;
};

G_DEFINE_FINAL_TYPE (PoiseNoteDialog, poise_note_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_body (PoiseNoteDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->body_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* "a, b ,, c" → {"a", "b", "c"}: blanks and repeats dropped. */
static GStrv
parse_tags (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *tag = g_strstrip (parts[i]);

      if (*tag == '\0' || !g_hash_table_add (seen, tag))
        continue;
      g_strv_builder_add (builder, tag);
    }

  return g_strv_builder_end (builder);
}

static void
update_save_button (PoiseNoteDialog *self)
{
  g_autofree char *body = dup_body (self);

  /* A note is its text: without any there is nothing to save. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save",
                                 *g_strstrip (body) != '\0');
}

static void
on_body_changed_cb (PoiseNoteDialog *self,
                    GtkTextBuffer   *buffer)
{
  update_save_button (self);
}

static void
show_save_error (PoiseNoteDialog *self,
                 const char      *message)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("The Note Was Not Saved"),
                                                       message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseNoteDialog *self = POISE_NOTE_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (!poise_note_dialog_save (self, &error))
    {
      show_save_error (self, error->message);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

/* Overrides */

static void
poise_note_dialog_dispose (GObject *object)
{
  PoiseNoteDialog *self = POISE_NOTE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_NOTE_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->note);
  g_clear_pointer (&self->resolves, g_free);

  G_OBJECT_CLASS (poise_note_dialog_parent_class)->dispose (object);
}

static void
poise_note_dialog_class_init (PoiseNoteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_note_dialog_dispose;

  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, POISE_TYPE_NOTE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-note-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteDialog, body_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteDialog, merge_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteDialog, ref_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteDialog, tags_row);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "dialog.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
poise_note_dialog_init (PoiseNoteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_text_view_get_buffer (self->body_view), "changed",
                           G_CALLBACK (on_body_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Public API */

static void
fill (PoiseNoteDialog *self,
      const char      *body)
{
  const char * const *tags = poise_note_get_tags (self->note);
  const char *ref = poise_note_get_customer_ref (self->note);
  g_autofree char *tag_text = NULL;

  if (tags != NULL)
    tag_text = g_strjoinv (", ", (char **) tags);

  gtk_editable_set_text (GTK_EDITABLE (self->ref_row), ref != NULL ? ref : "");
  gtk_editable_set_text (GTK_EDITABLE (self->tags_row), tag_text != NULL ? tag_text : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body_view), body != NULL ? body : "", -1);
  update_save_button (self);

  /* The reference is usually known (from the conversation): start on the
   * text; otherwise on the reference, never on Cancel. */
  if (ref != NULL && *ref != '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->ref_row));
}

PoiseNoteDialog *
poise_note_dialog_new (PoiseStore *store,
                       PoiseNote  *note)
{
  PoiseNoteDialog *self;

  g_return_val_if_fail (POISE_IS_STORE (store), NULL);
  g_return_val_if_fail (POISE_IS_NOTE (note), NULL);

  self = g_object_new (POISE_TYPE_NOTE_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->note = poise_note_copy (note);
  fill (self, poise_note_get_body (note));

  return self;
}

PoiseNoteDialog *
poise_note_dialog_new_merge (PoiseStore *store,
                             PoiseNote  *original,
                             PoiseNote  *copy)
{
  PoiseNoteDialog *self;
  g_autofree char *both = NULL;
  g_auto(GStrv) tags = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (POISE_IS_STORE (store), NULL);
  g_return_val_if_fail (POISE_IS_NOTE (original), NULL);
  g_return_val_if_fail (POISE_IS_NOTE (copy), NULL);

  self = g_object_new (POISE_TYPE_NOTE_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->note = poise_note_copy (original);
  self->resolves = g_strdup (poise_note_get_uuid (copy));

  /* Tags merge as sets, as the sync's own merge does. */
  if (poise_note_get_tags (original) != NULL)
    g_strv_builder_addv (builder, (const char **) poise_note_get_tags (original));
  if (poise_note_get_tags (copy) != NULL)
    g_strv_builder_addv (builder, (const char **) poise_note_get_tags (copy));
  tags = g_strv_builder_end (builder);
  {
    g_autofree char *joined = g_strjoinv (",", tags);
    g_auto(GStrv) unique = parse_tags (joined);

    poise_note_set_tags (self->note, (const char * const *) unique);
  }

  both = g_strconcat (poise_note_get_body (original), "\n\n", poise_note_get_body (copy), NULL);
  gtk_window_set_title (GTK_WINDOW (self), _("Merge Notes"));
  gtk_widget_set_visible (GTK_WIDGET (self->merge_label), TRUE);
  fill (self, both);

  return self;
}

gboolean
poise_note_dialog_save (PoiseNoteDialog  *self,
                        GError          **error)
{
  g_autofree char *body = NULL;
  g_autofree char *ref = NULL;
  g_auto(GStrv) tags = NULL;

  g_return_val_if_fail (POISE_IS_NOTE_DIALOG (self), FALSE);

  body = dup_body (self);
  ref = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ref_row))));
  tags = parse_tags (gtk_editable_get_text (GTK_EDITABLE (self->tags_row)));

  poise_note_set_body (self->note, g_strstrip (body));
  poise_note_set_customer_ref (self->note, ref);
  poise_note_set_tags (self->note, (const char * const *) tags);

  if (!poise_store_save_note (self->store, self->note, error))
    return FALSE;

  /* Merged into the original: the copy has served its purpose. */
  if (self->resolves != NULL)
    {
      g_autoptr(PoiseNote) gone = NULL;
      g_autoptr(GError) local_error = NULL;

      gone = poise_store_delete_note (self->store, self->resolves, &local_error);
      if (gone == NULL &&
          !g_error_matches (local_error, POISE_STORE_ERROR, POISE_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  g_signal_emit (self, signals[SAVED], 0, self->note);
  return TRUE;
}

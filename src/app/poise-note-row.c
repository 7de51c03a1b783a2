/* poise-note-row.c: a note, or a customer heading, in the Notes list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "poise-follow-up-row.h"
#include "poise-note-row.h"

struct _PoiseNoteRow
{
  GtkWidget  parent_instance;

  char      *uuid;

  /* Template widgets */
  GtkLabel  *body_label;
  GtkWidget *conflict_box;
  GtkLabel  *conflict_label;
  GtkWidget *content_box;
  GtkLabel  *header_label;
  GtkLabel  *meta_label;
  GtkLabel  *other_label;
  GtkLabel  *tags_label;
};

G_DEFINE_FINAL_TYPE (PoiseNoteRow, poise_note_row, GTK_TYPE_WIDGET)

/* Row actions pass the row's note on to the page's actions. */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PoiseNoteRow *self = POISE_NOTE_ROW (widget);
  g_autofree char *name = NULL;

  if (self->uuid == NULL)
    return;

  name = g_strconcat ("notes.", action_name + strlen ("row."), NULL);
  gtk_widget_activate_action (widget, name, "s", self->uuid);
}

static char *
format_meta (PoiseNote *note,
             GDateTime *now)
{
  const char *author = poise_note_get_author (note);
  const char *updated_by = poise_note_get_updated_by (note);
  GDateTime *updated = poise_note_get_updated_at (note);
  g_autofree char *when = NULL;

  if (updated == NULL)
    updated = poise_note_get_created_at (note);
  when = updated != NULL ? poise_format_due_time (updated, now) : g_strdup ("");

  if (author == NULL || *author == '\0')
    /* Translators: a note not yet on the team server; %s is a time */
    return g_strdup_printf (_("You · %s · not shared yet"), when);

  if (updated_by != NULL && *updated_by != '\0' && g_strcmp0 (updated_by, author) != 0)
    /* Translators: author · time · who changed it last, e.g. "alice · Today, 14:30 · edited by bob" */
    return g_strdup_printf (_("%s · %s · edited by %s"), author, when, updated_by);

  /* Translators: a note's author and time, e.g. "alice · Today, 14:30" */
  return g_strdup_printf (_("%s · %s"), author, when);
}

/* Overrides */

static void
poise_note_row_dispose (GObject *object)
{
  PoiseNoteRow *self = POISE_NOTE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_NOTE_ROW);
  g_clear_pointer (&self->uuid, g_free);

  G_OBJECT_CLASS (poise_note_row_parent_class)->dispose (object);
}

static void
poise_note_row_class_init (PoiseNoteRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_note_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/poise-note-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, conflict_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, conflict_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, header_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, meta_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, other_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseNoteRow, tags_label);

  gtk_widget_class_install_action (widget_class, "row.delete", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.keep-this", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.keep-other", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.merge", NULL, forward_action);
}

static void
poise_note_row_init (PoiseNoteRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}

/* Public API */

PoiseNoteRow *
poise_note_row_new (void)
{
  return g_object_new (POISE_TYPE_NOTE_ROW, NULL);
}

void
poise_note_row_show_header (PoiseNoteRow *self,
                            const char   *title)
{
  g_return_if_fail (POISE_IS_NOTE_ROW (self));

  g_clear_pointer (&self->uuid, g_free);
  gtk_label_set_label (self->header_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->header_label), TRUE);
  gtk_widget_set_visible (self->content_box, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
}

void
poise_note_row_show_note (PoiseNoteRow *self,
                          PoiseNote    *note,
                          PoiseNote    *other,
                          GDateTime    *now)
{
  const char * const *tags;
  const char *conflict_of;
  g_autofree char *meta = NULL;
  g_autofree char *tag_text = NULL;
  g_autofree char *label = NULL;
  gboolean conflicted;

  g_return_if_fail (POISE_IS_NOTE_ROW (self));
  g_return_if_fail (POISE_IS_NOTE (note));

  g_free (self->uuid);
  self->uuid = g_strdup (poise_note_get_uuid (note));

  gtk_widget_set_visible (GTK_WIDGET (self->header_label), FALSE);
  gtk_widget_set_visible (self->content_box, TRUE);

  gtk_label_set_label (self->body_label, poise_note_get_body (note));

  tags = poise_note_get_tags (note);
  if (tags != NULL && tags[0] != NULL)
    tag_text = g_strjoinv (", ", (char **) tags);
  gtk_label_set_label (self->tags_label, tag_text != NULL ? tag_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tags_label), tag_text != NULL);

  meta = format_meta (note, now);
  gtk_label_set_label (self->meta_label, meta);

  conflict_of = poise_note_get_conflict_of (note);
  conflicted = conflict_of != NULL && *conflict_of != '\0';
  gtk_widget_set_visible (GTK_WIDGET (self->conflict_label), conflicted);
  gtk_widget_set_visible (self->conflict_box, conflicted);
  gtk_label_set_label (self->other_label,
                       other != NULL ? poise_note_get_body (other) : _("The other version was deleted."));

  if (conflicted)
    /* Translators: how a screen reader announces a conflicted note */
    label = g_strdup_printf (_("Conflicting copy: %s"), poise_note_get_body (note));
  else
    label = g_strdup (poise_note_get_body (note));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* poise-changes-dialog.c: "What Changed" between two script libraries
 *
 * Shown from the "Scripts updated" toast and from the library editor's
 * history. Each changed text is a word diff: the words flow in a
 * GtkFlowBox, one label per word, so that insertions and deletions can
 * carry CSS classes (style.css: underline / strikethrough, not colour
 * alone) and still wrap at any width down to 360 px.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-changes-dialog.h"
#include "poise-library-diff.h"

struct _PoiseChangesDialog
{
  AdwWindow  parent_instance;

  GtkBox    *changes_box;
  GtkLabel  *summary_label;
};

G_DEFINE_FINAL_TYPE (PoiseChangesDialog, poise_changes_dialog, ADW_TYPE_WINDOW)

static const char *
field_title (const char *field)
{
  /* The library diff's stable field names. */
  if (g_strcmp0 (field, "title") == 0)
    return _("Title");
  if (g_strcmp0 (field, "script") == 0)
    return _("Script");
  if (g_strcmp0 (field, "tone") == 0)
    return _("Tone");
  if (g_strcmp0 (field, "emotion") == 0)
    return _("Customer feels");
  if (g_strcmp0 (field, "promise") == 0)
    return _("Promise");
  if (g_strcmp0 (field, "category") == 0)
    return _("Category");
  if (g_strcmp0 (field, "advice") == 0)
    return _("Advice");
  if (g_strcmp0 (field, "triggers") == 0)
    return _("Triggers");
  if (g_strcmp0 (field, "avoid") == 0)
    return _("Phrases to avoid");
  if (g_strcmp0 (field, "placeholders") == 0)
    return _("Placeholders");
  if (g_strcmp0 (field, "flags") == 0)
    return _("Flags");
  return field;
}

static void
add_word (GtkFlowBox *flow,
          const char *word,
          gboolean    space_after,
          const char *css_class)
{
  GtkWidget *label = gtk_label_new (word);

  if (css_class != NULL)
    {
      gtk_widget_add_css_class (label, css_class);
      /* Screen readers cannot see the underline or the strike. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      g_str_equal (css_class, "diff-insert")
                                        ? _("added") : _("removed"),
                                      -1);
    }
  /* The space is a margin, so that no underline or strike runs over it;
   * punctuation without a space stays against its word. */
  if (space_after)
    gtk_widget_set_margin_end (label, 5);
  gtk_flow_box_append (flow, label);
  gtk_widget_set_focusable (gtk_widget_get_parent (label), FALSE);
}

static GtkWidget *
build_word_diff (GPtrArray *spans)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), FALSE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 0);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 1000);
  gtk_widget_set_focusable (flow, FALSE);
  gtk_widget_add_css_class (flow, "word-diff");

  for (guint i = 0; i < spans->len; i++)
    {
      PoiseDiffSpan *span = g_ptr_array_index (spans, i);
      const char *css_class = span->op == POISE_DIFF_INSERT ? "diff-insert"
                            : span->op == POISE_DIFF_DELETE ? "diff-delete" : NULL;
      const char *p = span->text;

      /* Words, each with whether a space follows. */
      while (*p != '\0')
        {
          const char *start = p;
          g_autofree char *word = NULL;

          while (*p != '\0' && !g_ascii_isspace (*p))
            p++;
          word = g_strndup (start, p - start);
          if (*word != '\0')
            {
              PoiseDiffSpan *next = i + 1 < spans->len ? g_ptr_array_index (spans, i + 1) : NULL;
              /* A replaced word and its replacement stand apart too. */
              gboolean space = g_ascii_isspace (*p) ||
                               (*p == '\0' && next != NULL &&
                                (g_ascii_isspace (next->text[0]) ||
                                 (span->op == POISE_DIFF_DELETE && next->op == POISE_DIFF_INSERT)));

              add_word (GTK_FLOW_BOX (flow), word, space, css_class);
            }
          while (g_ascii_isspace (*p))
            p++;
        }
    }
  return flow;
}

static GtkWidget *
build_change (PoiseScenarioChange *change)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (poise_scenario_change_get_title (change));
  GPtrArray *fields = poise_scenario_change_get_fields (change);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      PoiseFieldChange *field = g_ptr_array_index (fields, i);
      /* Translators: a changed field and its language, e.g. "Script (de)" */
      g_autofree char *caption = g_strdup_printf (_("%s (%s)"), field_title (field->field),
                                                  field->lang != NULL ? field->lang : "");
      GtkWidget *label = gtk_label_new (caption);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), build_word_diff (field->spans));
    }
  return box;
}

static void
add_section (PoiseChangesDialog      *self,
             GListModel              *changes,
             PoiseScenarioChangeKind  kind,
             const char              *heading)
{
  GtkWidget *section = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr(PoiseScenarioChange) change = g_list_model_get_item (changes, i);

      if (poise_scenario_change_get_kind (change) != kind)
        continue;
      if (section == NULL)
        {
          GtkWidget *label = gtk_label_new (heading);

          section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "title-4");
          gtk_box_append (GTK_BOX (section), label);
          gtk_box_append (self->changes_box, section);
        }
      gtk_box_append (GTK_BOX (section), build_change (change));
    }
}

static void
poise_changes_dialog_class_init (PoiseChangesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-changes-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseChangesDialog, changes_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseChangesDialog, summary_label);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
poise_changes_dialog_init (PoiseChangesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PoiseChangesDialog *
poise_changes_dialog_new (GListModel *changes,
                          const char *summary)
{
  PoiseChangesDialog *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (changes), NULL);

  self = g_object_new (POISE_TYPE_CHANGES_DIALOG, NULL);
  if (g_list_model_get_n_items (changes) == 0)
    gtk_label_set_label (self->summary_label, summary != NULL
                         ? summary : _("No scenario changed."));
  else if (summary != NULL)
    gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label),
                          summary != NULL || g_list_model_get_n_items (changes) == 0);

  add_section (self, changes, POISE_SCENARIO_ADDED, _("Added"));
  add_section (self, changes, POISE_SCENARIO_REMOVED, _("Removed"));
  add_section (self, changes, POISE_SCENARIO_CHANGED, _("Changed"));
  return self;
}

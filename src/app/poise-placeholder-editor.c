/* poise-placeholder-editor.c: one blank of the script to fill in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-placeholder-editor.h"
#include "poise-template.h"

struct _PoisePlaceholderEditor
{
  GtkListBoxRow      parent_instance;

  PoisePlaceholder  *placeholder;
  PoiseConversation *conversation;
  char              *language;
  GtkWidget         *input;
  GtkWidget         *date_label;   /* dates only */
  GtkCalendar       *calendar;     /* dates only */

  /* Template widgets */
  GtkBox            *box;
  GtkLabel          *hint_label;
  GtkLabel          *label;
};

G_DEFINE_FINAL_TYPE (PoisePlaceholderEditor, poise_placeholder_editor, GTK_TYPE_LIST_BOX_ROW)

static const char *
get_id (PoisePlaceholderEditor *self)
{
  return poise_placeholder_get_id (self->placeholder);
}

static const char *
get_value (PoisePlaceholderEditor *self)
{
  return poise_conversation_get_value (self->conversation, get_id (self));
}

static void
set_value (PoisePlaceholderEditor *self,
           const char             *value)
{
  poise_conversation_set_value (self->conversation, get_id (self), value);
}

/* Text, customer name and time */

static void
on_entry_changed_cb (PoisePlaceholderEditor *self,
                     GtkEditable            *editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  /* A time is only taken once it is a real one; until then the reply keeps
   * showing the blank rather than half a time. */
  if (poise_placeholder_get_kind (self->placeholder) == POISE_PLACEHOLDER_TIME && *text != '\0')
    {
      g_autofree char *formatted = poise_placeholder_format_value (self->placeholder, text,
                                                                   self->language);

      if (formatted == NULL)
        {
          gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
          set_value (self, NULL);
          return;
        }
    }

  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  set_value (self, text);
}

static GtkWidget *
create_entry (PoisePlaceholderEditor *self)
{
  GtkWidget *entry = gtk_entry_new ();

  if (get_value (self) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (entry), get_value (self));

  if (poise_placeholder_get_kind (self->placeholder) == POISE_PLACEHOLDER_TIME)
    {
      /* Translators: an example time as typed into the time field */
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("14:30"));
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
    }
  else if (poise_placeholder_get_kind (self->placeholder) == POISE_PLACEHOLDER_CUSTOMER_NAME)
    gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NAME);

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_entry_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return entry;
}

/* Numbers */

static void
on_number_changed_cb (PoisePlaceholderEditor *self,
                      GtkEditable            *editable)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_autofree char *formatted = NULL;

  /* Accept a decimal comma as typed in German. */
  g_strdelimit (text, ",", '.');
  if (*text != '\0')
    formatted = poise_placeholder_format_value (self->placeholder, text, self->language);

  if (*text == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
      set_value (self, NULL);
    }
  else if (formatted == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      set_value (self, NULL);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
      set_value (self, text);
    }
}

static GtkWidget *
create_spin_button (PoisePlaceholderEditor *self)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 1e9, 1);

  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), FALSE);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
  /* Empty until the agent types: an untouched 0 is not a value. */
  gtk_editable_set_text (GTK_EDITABLE (spin), get_value (self) != NULL ? get_value (self) : "");
  g_signal_connect_object (spin, "changed", G_CALLBACK (on_number_changed_cb), self,
                           G_CONNECT_SWAPPED);

  return spin;
}

/* Dates */

static void
update_date_label (PoisePlaceholderEditor *self)
{
  g_autofree char *formatted = NULL;

  if (get_value (self) != NULL)
    formatted = poise_format_date (get_value (self), self->language);

  gtk_label_set_label (GTK_LABEL (self->date_label),
                       formatted != NULL ? formatted : _("Pick a Date"));
}

static void
on_day_selected_cb (PoisePlaceholderEditor *self,
                    GtkCalendar            *calendar)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *iso = g_date_time_format (date, "%Y-%m-%d");

  set_value (self, iso);
  update_date_label (self);
}

static void
on_clear_date_clicked_cb (PoisePlaceholderEditor *self,
                          GtkButton              *button)
{
  set_value (self, NULL);
  update_date_label (self);
}

static GtkWidget *
create_date_button (PoisePlaceholderEditor *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("x-office-calendar-symbolic");

  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  if (get_value (self) != NULL)
    {
      g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", get_value (self));
      g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (iso, NULL);

      if (date != NULL)
        gtk_calendar_select_day (self->calendar, date);
    }
  g_signal_connect_object (self->calendar, "day-selected", G_CALLBACK (on_day_selected_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->calendar));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);

  self->date_label = gtk_label_new (NULL);
  gtk_label_set_ellipsize (GTK_LABEL (self->date_label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (content), icon);
  gtk_box_append (GTK_BOX (content), self->date_label);
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), content);
  gtk_widget_set_hexpand (button, TRUE);
  update_date_label (self);

  gtk_widget_set_tooltip_text (clear, _("Clear Date"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (clear),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Clear date"),
                                  -1);
  g_signal_connect_object (clear, "clicked", G_CALLBACK (on_clear_date_clicked_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_box_append (GTK_BOX (box), button);
  gtk_box_append (GTK_BOX (box), clear);

  /* The button, not the box, is what takes the value. */
  g_object_set_data (G_OBJECT (box), "poise-input", button);

  return box;
}

/* Choices */

static void
on_choice_selected_cb (PoisePlaceholderEditor *self,
                       GParamSpec             *pspec,
                       GtkDropDown            *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  /* Item 0 is "not chosen yet". */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    set_value (self, NULL);
  else
    set_value (self, poise_placeholder_get_option_id (self->placeholder, selected - 1));
}

static GtkWidget *
create_dropdown (PoisePlaceholderEditor *self)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  guint n_options = poise_placeholder_get_n_options (self->placeholder);
  GtkWidget *dropdown;
  guint selected = 0;

  gtk_string_list_append (strings, _("Choose…"));
  for (guint i = 0; i < n_options; i++)
    {
      gtk_string_list_append (strings,
                              poise_placeholder_get_option_label (self->placeholder, i,
                                                                  self->language));
      if (g_strcmp0 (get_value (self), poise_placeholder_get_option_id (self->placeholder, i)) == 0)
        selected = i + 1;
    }

  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&strings)), NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), selected);
  g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (on_choice_selected_cb),
                           self, G_CONNECT_SWAPPED);

  return dropdown;
}

static void
build (PoisePlaceholderEditor *self)
{
  const char *label = poise_placeholder_get_label (self->placeholder, self->language);
  const char *hint = poise_placeholder_get_hint (self->placeholder, self->language);
  GtkWidget *widget;

  gtk_label_set_label (self->label, label);
  gtk_label_set_label (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL && *hint != '\0');

  switch (poise_placeholder_get_kind (self->placeholder))
    {
    case POISE_PLACEHOLDER_DATE:
      widget = create_date_button (self);
      self->input = g_object_get_data (G_OBJECT (widget), "poise-input");
      break;

    case POISE_PLACEHOLDER_NUMBER:
      widget = self->input = create_spin_button (self);
      break;

    case POISE_PLACEHOLDER_CHOICE:
      widget = self->input = create_dropdown (self);
      break;

    case POISE_PLACEHOLDER_TEXT:
    case POISE_PLACEHOLDER_TIME:
    case POISE_PLACEHOLDER_CUSTOMER_NAME:
    default:
      widget = self->input = create_entry (self);
      break;
    }

  gtk_box_insert_child_after (self->box, widget, GTK_WIDGET (self->label));

  /* Screen readers announce the field by its label and read the hint. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, hint != NULL ? hint : "",
                                  -1);
  gtk_label_set_mnemonic_widget (self->label, self->input);
}

static void
poise_placeholder_editor_dispose (GObject *object)
{
  PoisePlaceholderEditor *self = POISE_PLACEHOLDER_EDITOR (object);

  /* No gtk_widget_dispose_template(): the template's box is the row's
   * GtkListBoxRow:child, which the parent's dispose unparents. */
  g_clear_object (&self->placeholder);
  g_clear_object (&self->conversation);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (poise_placeholder_editor_parent_class)->dispose (object);
}

static void
poise_placeholder_editor_class_init (PoisePlaceholderEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_placeholder_editor_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-placeholder-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PoisePlaceholderEditor, box);
  gtk_widget_class_bind_template_child (widget_class, PoisePlaceholderEditor, hint_label);
  gtk_widget_class_bind_template_child (widget_class, PoisePlaceholderEditor, label);
}

static void
poise_placeholder_editor_init (PoisePlaceholderEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PoisePlaceholderEditor *
poise_placeholder_editor_new (PoisePlaceholder  *placeholder,
                              PoiseConversation *conversation,
                              const char        *language)
{
  PoisePlaceholderEditor *self;

  g_return_val_if_fail (POISE_IS_PLACEHOLDER (placeholder), NULL);
  g_return_val_if_fail (POISE_IS_CONVERSATION (conversation), NULL);

  self = g_object_new (POISE_TYPE_PLACEHOLDER_EDITOR, NULL);
  self->placeholder = g_object_ref (placeholder);
  self->conversation = g_object_ref (conversation);
  self->language = g_strdup (language);
  build (self);

  return self;
}

PoisePlaceholder *
poise_placeholder_editor_get_placeholder (PoisePlaceholderEditor *self)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER_EDITOR (self), NULL);

  return self->placeholder;
}

GtkWidget *
poise_placeholder_editor_get_input (PoisePlaceholderEditor *self)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER_EDITOR (self), NULL);

  return self->input;
}

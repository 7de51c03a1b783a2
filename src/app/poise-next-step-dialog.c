/* poise-next-step-dialog.c: "Here is what I will do: … by …"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The quick due choices of the follow-up dialog, without its pickers: a
 * next step is promised mid-reply, and exact dates can be edited later on
 * the Follow-ups page.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-due.h"
#include "poise-next-step-dialog.h"

#include <string.h>

struct _PoiseNextStepDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  AdwEntryRow  *action_row;
  AdwComboRow  *due_row;
};

G_DEFINE_FINAL_TYPE (PoiseNextStepDialog, poise_next_step_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_NEXT_STEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const PoiseDueChoice choices[] = {
  POISE_DUE_IN_1_HOUR,
  POISE_DUE_IN_3_HOURS,
  POISE_DUE_TOMORROW_9,
  POISE_DUE_NEXT_BUSINESS_DAY_9,
};

static void
update_insert (PoiseNextStepDialog *self)
{
  g_autofree char *action = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->action_row)));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "next-step.insert", *g_strstrip (action) != '\0');
}

static void
insert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PoiseNextStepDialog *self = POISE_NEXT_STEP_DIALOG (widget);
  g_autofree char *action = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->action_row)));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) due = NULL;
  guint selected = adw_combo_row_get_selected (self->due_row);

  g_strstrip (action);
  if (*action == '\0')
    return;
  /* A sentence goes on after it: no full stop of its own. */
  while (*action != '\0' && action[strlen (action) - 1] == '.')
    action[strlen (action) - 1] = '\0';

  due = poise_due_choice_resolve (choices[MIN (selected, G_N_ELEMENTS (choices) - 1)], now);
  g_signal_emit (self, signals[SIGNAL_NEXT_STEP], 0, action, due);
  gtk_window_close (GTK_WINDOW (self));
}

static void
poise_next_step_dialog_class_init (PoiseNextStepDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_NEXT_STEP] =
    g_signal_new ("next-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DATE_TIME);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-next-step-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseNextStepDialog, action_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseNextStepDialog, due_row);
  gtk_widget_class_install_action (widget_class, "next-step.insert", NULL, insert_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
on_entry_activate_cb (PoiseNextStepDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "next-step.insert", NULL);
}

static void
poise_next_step_dialog_init (PoiseNextStepDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->action_row, "changed", G_CALLBACK (update_insert), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->action_row, "entry-activated", G_CALLBACK (on_entry_activate_cb), self,
                           G_CONNECT_SWAPPED);
  update_insert (self);
}

PoiseNextStepDialog *
poise_next_step_dialog_new (GtkWindow *parent)
{
  PoiseNextStepDialog *self = g_object_new (POISE_TYPE_NEXT_STEP_DIALOG, NULL);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  return self;
}

void
poise_next_step_dialog_set_action (PoiseNextStepDialog *self,
                                   const char          *action)
{
  g_return_if_fail (POISE_IS_NEXT_STEP_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->action_row), action);
}

void
poise_next_step_dialog_set_choice (PoiseNextStepDialog *self,
                                   guint                choice)
{
  g_return_if_fail (POISE_IS_NEXT_STEP_DIALOG (self));

  adw_combo_row_set_selected (self->due_row, MIN (choice, G_N_ELEMENTS (choices) - 1));
}

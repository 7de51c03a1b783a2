/* poise-follow-up-row.c: a follow-up, or a section heading, in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-due.h"
#include "poise-follow-up-row.h"

struct _PoiseFollowUpRow
{
  GtkWidget  parent_instance;

  /* Template widgets */
  GtkImage      *channel_icon;
  GtkWidget     *content_box;
  GtkButton     *done_button;
  GtkLabel      *due_label;
  GtkLabel      *header_label;
  GtkMenuButton *more_button;
  GtkLabel      *promise_label;
  GtkMenuButton *snooze_button;
  GtkLabel      *title_label;
};

G_DEFINE_FINAL_TYPE (PoiseFollowUpRow, poise_follow_up_row, GTK_TYPE_WIDGET)

static const char *
channel_icon_name (PoiseChannel channel)
{
  switch (channel)
    {
    case POISE_CHANNEL_CALL:
      return "call-start-symbolic";
    case POISE_CHANNEL_EMAIL:
      return "mail-unread-symbolic";
    case POISE_CHANNEL_CHAT:
    default:
      return "user-available-symbolic";
    }
}

static const char *
channel_name (PoiseChannel channel)
{
  switch (channel)
    {
    case POISE_CHANNEL_CALL:
      return _("Call");
    case POISE_CHANNEL_EMAIL:
      return _("Email");
    case POISE_CHANNEL_CHAT:
    default:
      return _("Chat");
    }
}

static GMenuModel *
build_snooze_menu (const char *uuid)
{
  static const struct { const char *label; const char *choice; } items[] = {
    { N_("For 15 Minutes"), "15m" },
    { N_("For 1 Hour"), "1h" },
    { N_("Until Tomorrow, 9:00"), "tomorrow" },
  };
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) custom = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(items[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, "followups.snooze",
                                               g_variant_new ("(ss)", uuid, items[i].choice));
      g_menu_append_item (menu, item);
    }

  /* Any other time is picked in the editor. */
  custom = g_menu_item_new (_("Pick a Time…"), NULL);
  g_menu_item_set_action_and_target_value (custom, "followups.edit", g_variant_new_string (uuid));
  g_menu_append_item (menu, custom);

  return G_MENU_MODEL (menu);
}

static GMenuModel *
build_more_menu (const char *uuid)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) edit = g_menu_item_new (_("_Edit…"), NULL);
  g_autoptr(GMenuItem) delete = g_menu_item_new (_("_Delete"), NULL);

  g_menu_item_set_action_and_target_value (edit, "followups.edit", g_variant_new_string (uuid));
  g_menu_item_set_action_and_target_value (delete, "followups.delete", g_variant_new_string (uuid));
  g_menu_append_item (menu, edit);
  g_menu_append_item (menu, delete);

  return G_MENU_MODEL (menu);
}

static void
poise_follow_up_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), POISE_TYPE_FOLLOW_UP_ROW);

  G_OBJECT_CLASS (poise_follow_up_row_parent_class)->dispose (object);
}

static void
poise_follow_up_row_class_init (PoiseFollowUpRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_follow_up_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-follow-up-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, channel_icon);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, done_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, due_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, header_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, more_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, promise_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, snooze_button);
  gtk_widget_class_bind_template_child (widget_class, PoiseFollowUpRow, title_label);
}

static void
poise_follow_up_row_init (PoiseFollowUpRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
}

PoiseFollowUpRow *
poise_follow_up_row_new (void)
{
  return g_object_new (POISE_TYPE_FOLLOW_UP_ROW, NULL);
}

void
poise_follow_up_row_show_header (PoiseFollowUpRow *self,
                                 const char       *title)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP_ROW (self));

  gtk_label_set_label (self->header_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->header_label), TRUE);
  gtk_widget_set_visible (self->content_box, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
}

char *
poise_format_due_time (GDateTime *due,
                       GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (due, g_date_time_get_timezone (now));
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *time = g_date_time_format (local, "%H:%M");
  int day = g_date_time_get_day_of_year (local);
  int year = g_date_time_get_year (local);

  if (year == g_date_time_get_year (now) && day == g_date_time_get_day_of_year (now))
    /* Translators: a due time today, e.g. "Today, 14:30" */
    return g_strdup_printf (_("Today, %s"), time);

  if (year == g_date_time_get_year (tomorrow) && day == g_date_time_get_day_of_year (tomorrow))
    /* Translators: a due time tomorrow, e.g. "Tomorrow, 09:00" */
    return g_strdup_printf (_("Tomorrow, %s"), time);

  /* Translators: a due date and time, strftime format, e.g. "Fri 27 Nov, 09:00" */
  return g_date_time_format (local, _("%a %e %b, %H:%M"));
}

void
poise_follow_up_row_show_follow_up (PoiseFollowUpRow *self,
                                    PoiseFollowUp    *follow_up,
                                    GDateTime        *now)
{
  const char *uuid = poise_follow_up_get_uuid (follow_up);
  const char *name = poise_follow_up_get_customer_name (follow_up);
  const char *ref = poise_follow_up_get_customer_ref (follow_up);
  const char *promise = poise_follow_up_get_promise (follow_up);
  GDateTime *due = poise_follow_up_get_due_at (follow_up);
  PoiseSection section = poise_follow_up_get_section (follow_up, now);
  gboolean open = poise_follow_up_get_status (follow_up) == POISE_FOLLOW_UP_STATUS_OPEN;
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  g_autofree char *due_text = NULL;
  g_autoptr(GMenuModel) snooze_menu = NULL;
  g_autoptr(GMenuModel) more_menu = NULL;

  g_return_if_fail (POISE_IS_FOLLOW_UP_ROW (self));
  g_return_if_fail (POISE_IS_FOLLOW_UP (follow_up));

  gtk_widget_set_visible (GTK_WIDGET (self->header_label), FALSE);
  gtk_widget_set_visible (self->content_box, TRUE);

  if (name != NULL && ref != NULL)
    /* Translators: customer name and their order or ticket number */
    title = g_strdup_printf (_("%s · %s"), name, ref);
  else
    title = g_strdup (name != NULL ? name : ref != NULL ? ref : _("Unnamed customer"));
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->promise_label, promise != NULL ? promise : "");
  gtk_widget_set_visible (GTK_WIDGET (self->promise_label), promise != NULL);

  gtk_image_set_from_icon_name (self->channel_icon,
                                channel_icon_name (poise_follow_up_get_channel (follow_up)));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->channel_icon),
                               channel_name (poise_follow_up_get_channel (follow_up)));

  when = due != NULL ? poise_format_due_time (due, now) : g_strdup ("");
  switch (section)
    {
    case POISE_SECTION_OVERDUE:
      /* Translators: %s is a due time such as "Today, 14:30" */
      due_text = g_strdup_printf (_("Overdue since %s"), when);
      break;
    case POISE_SECTION_DONE:
      due_text = g_strdup (poise_follow_up_get_status (follow_up) == POISE_FOLLOW_UP_STATUS_DONE
                           ? _("Done") : _("Cancelled"));
      break;
    case POISE_SECTION_TODAY:
    case POISE_SECTION_UPCOMING:
    default:
      /* Translators: %s is a due time such as "Tomorrow, 09:00" */
      due_text = g_strdup_printf (_("Due %s"), when);
      break;
    }
  gtk_label_set_label (self->due_label, due_text);
  if (section == POISE_SECTION_OVERDUE)
    gtk_widget_add_css_class (GTK_WIDGET (self->due_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_label), "error");
  if (section == POISE_SECTION_DONE)
    gtk_widget_add_css_class (GTK_WIDGET (self->due_label), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_label), "dim-label");

  /* Name and target together: the action takes the follow-up's UUID. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->done_button),
                                          g_variant_new_string (uuid));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->done_button), "followups.done");
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), open);
  gtk_widget_set_visible (GTK_WIDGET (self->snooze_button), open);

  snooze_menu = build_snooze_menu (uuid);
  gtk_menu_button_set_menu_model (self->snooze_button, snooze_menu);
  more_menu = build_more_menu (uuid);
  gtk_menu_button_set_menu_model (self->more_button, more_menu);

  {
    g_autofree char *label = g_strdup_printf ("%s, %s", title, due_text);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  }
}

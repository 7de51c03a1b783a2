/* poise-follow-up-row.c: a follow-up, or a section heading, in the list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "poise-due.h"
#include "poise-follow-up-row.h"

struct _PoiseFollowUpRow
{
  GtkWidget  parent_instance;

  char      *uuid;

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

/* Row actions pass the row's follow-up on to the page's actions. */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PoiseFollowUpRow *self = POISE_FOLLOW_UP_ROW (widget);
  const char *page_action = action_name + strlen ("row.");

  if (self->uuid == NULL)
    return;

  if (g_str_equal (page_action, "snooze"))
    gtk_widget_activate_action (widget, "followups.snooze", "(ss)",
                                self->uuid, g_variant_get_string (parameter, NULL));
  else
    {
      g_autofree char *name = g_strconcat ("followups.", page_action, NULL);

      gtk_widget_activate_action (widget, name, "s", self->uuid);
    }
}

static GMenuModel *snooze_menu;
static GMenuModel *more_menu;

static GMenuModel *
build_snooze_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("For 15 Minutes"), "row.snooze('15m')");
  g_menu_append (menu, _("For 1 Hour"), "row.snooze('1h')");
  g_menu_append (menu, _("Until Tomorrow, 9:00"), "row.snooze('tomorrow')");
  /* Any other time is picked in the editor. */
  g_menu_append (menu, _("Pick a Time…"), "row.edit");

  return G_MENU_MODEL (menu);
}

static GMenuModel *
build_more_menu (void)
{
  GMenu *menu = g_menu_new ();

  g_menu_append (menu, _("Customer _Replied"), "row.replied");
  g_menu_append (menu, _("_Edit…"), "row.edit");
  g_menu_append (menu, _("_Hand Over…"), "row.hand-over");
  g_menu_append (menu, _("_Delete"), "row.delete");

  return G_MENU_MODEL (menu);
}

/* Menus are attached when first opened: building a popover for every row
 * up front was most of the cost of showing a long list. */
static void
create_popup (GtkMenuButton *button,
              gpointer       user_data)
{
  gtk_menu_button_set_menu_model (button, user_data);
}

static void
poise_follow_up_row_dispose (GObject *object)
{
  PoiseFollowUpRow *self = POISE_FOLLOW_UP_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_FOLLOW_UP_ROW);
  g_clear_pointer (&self->uuid, g_free);

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

  gtk_widget_class_install_action (widget_class, "row.done", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.edit", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.delete", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.replied", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.hand-over", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "row.snooze", "s", forward_action);

  snooze_menu = build_snooze_menu ();
  more_menu = build_more_menu ();
}

static void
poise_follow_up_row_init (PoiseFollowUpRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_menu_button_set_create_popup_func (self->snooze_button, create_popup, snooze_menu, NULL);
  gtk_menu_button_set_create_popup_func (self->more_button, create_popup, more_menu, NULL);
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

  g_free (self->uuid);
  self->uuid = g_strdup (uuid);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), open);
  gtk_widget_set_visible (GTK_WIDGET (self->snooze_button), open);

  {
    g_autofree char *label = g_strdup_printf ("%s, %s", title, due_text);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  }
}

/* Handing over needs colleagues, i.e. a team server: without one the
 * menu item is off, and the menu button says why. */
void
poise_follow_up_row_set_can_hand_over (PoiseFollowUpRow *self,
                                       gboolean          can_hand_over)
{
  g_return_if_fail (POISE_IS_FOLLOW_UP_ROW (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.hand-over", can_hand_over);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->more_button),
                               can_hand_over
                                 ? _("More")
                                 : _("More (to hand follow-ups over, connect to a team server in Preferences)"));
}

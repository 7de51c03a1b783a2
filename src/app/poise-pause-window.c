/* poise-pause-window.c: a short, gentle break after a hard conversation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Offered after scenarios with offer_pause (abuse, threats).  Only a
 * countdown and a way back: nothing to do, nothing that blinks.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-pause-window.h"

struct _PoisePauseWindow
{
  AdwWindow      parent_instance;

  guint          remaining;
  guint          tick_id;
  GtkLabel      *time_label;
  AdwStatusPage *page;
};

G_DEFINE_FINAL_TYPE (PoisePauseWindow, poise_pause_window, ADW_TYPE_WINDOW)

static void
update_time (PoisePauseWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%u:%02u", self->remaining / 60, self->remaining % 60);

  gtk_label_set_label (self->time_label, text);
  if (self->remaining == 0)
    {
      adw_status_page_set_title (self->page, _("Welcome Back"));
      adw_status_page_set_description (self->page, _("Ready when you are."));
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  PoisePauseWindow *self = user_data;

  if (self->remaining > 0)
    self->remaining--;
  update_time (self);
  if (self->remaining > 0)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
poise_pause_window_dispose (GObject *object)
{
  PoisePauseWindow *self = POISE_PAUSE_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  G_OBJECT_CLASS (poise_pause_window_parent_class)->dispose (object);
}

static void
poise_pause_window_class_init (PoisePauseWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_pause_window_dispose;
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
poise_pause_window_init (PoisePauseWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *back = gtk_button_new_with_mnemonic (_("_Back to Work"));

  gtk_window_set_title (GTK_WINDOW (self), _("Take a Break"));
  gtk_window_set_default_size (GTK_WINDOW (self), 360, 420);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), gtk_label_new (NULL));
  gtk_widget_add_css_class (header, "flat");

  self->page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->page, "weather-clear-symbolic");
  adw_status_page_set_title (self->page, _("Take a Break"));
  adw_status_page_set_description (self->page,
                                   _("That was a hard conversation. Stand up, breathe out slowly, get a glass of water. It was not about you."));

  self->time_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->time_label), "title-1");
  gtk_widget_add_css_class (GTK_WIDGET (self->time_label), "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->time_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Time left of your break"),
                                  -1);
  gtk_widget_set_halign (back, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (back, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "window.close");

  gtk_box_append (GTK_BOX (inner), GTK_WIDGET (self->time_label));
  gtk_box_append (GTK_BOX (inner), back);
  adw_status_page_set_child (self->page, inner);
  gtk_widget_set_vexpand (GTK_WIDGET (self->page), TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->page));
  adw_window_set_content (ADW_WINDOW (self), box);

  self->remaining = POISE_PAUSE_MINUTES * 60;
  update_time (self);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

PoisePauseWindow *
poise_pause_window_new (GtkWindow *parent)
{
  return g_object_new (POISE_TYPE_PAUSE_WINDOW,
                       "transient-for", parent,
                       NULL);
}

guint
poise_pause_window_get_remaining (PoisePauseWindow *self)
{
  g_return_val_if_fail (POISE_IS_PAUSE_WINDOW (self), 0);

  return self->remaining;
}

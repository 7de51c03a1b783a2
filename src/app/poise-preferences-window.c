/* poise-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-preferences-window.h"

struct _PoisePreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  GtkSwitch            *background_switch;
  AdwComboRow          *color_scheme_row;
  AdwComboRow          *language_row;
  GtkSwitch            *login_switch;
  GtkSwitch            *pause_switch;
};

G_DEFINE_FINAL_TYPE (PoisePreferencesWindow, poise_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The rows list their choices in the same order as these keys. */
static const char *language_keys[] = { "system", "de", "en" };
static const char *color_scheme_keys[] = { "default", "light", "dark" };

static gboolean
key_to_position (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char **keys = user_data;
  const char *key = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < 3; i++)
    {
      if (g_strcmp0 (keys[i], key) == 0)
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_key (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  const char **keys = user_data;
  guint position = g_value_get_uint (value);

  if (position >= 3)
    return NULL;

  return g_variant_new_string (keys[position]);
}

static void
poise_preferences_window_dispose (GObject *object)
{
  PoisePreferencesWindow *self = POISE_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (poise_preferences_window_parent_class)->dispose (object);
}

static void
poise_preferences_window_class_init (PoisePreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, login_switch);
  gtk_widget_class_bind_template_child (widget_class, PoisePreferencesWindow, pause_switch);
}

static void
poise_preferences_window_init (PoisePreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PoisePreferencesWindow *
poise_preferences_window_new (GSettings *settings)
{
  PoisePreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (POISE_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind_with_mapping (settings, "script-language",
                                self->language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                key_to_position, position_to_key,
                                language_keys, NULL);
  g_settings_bind_with_mapping (settings, "color-scheme",
                                self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                key_to_position, position_to_key,
                                color_scheme_keys, NULL);
  g_settings_bind (settings, "run-in-background",
                   self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "offer-pause", self->pause_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "start-at-login",
                   self->login_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  return self;
}

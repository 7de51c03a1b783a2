/* poise-scenario-row.c: a scenario in the sidebar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-scenario-row.h"

struct _PoiseScenarioRow
{
  GtkListBoxRow  parent_instance;

  PoiseScenario *scenario;

  /* Template widgets */
  GtkImage      *safety_icon;
  GtkLabel      *subtitle_label;
  GtkLabel      *title_label;
};

G_DEFINE_FINAL_TYPE (PoiseScenarioRow, poise_scenario_row, GTK_TYPE_LIST_BOX_ROW)

static void
poise_scenario_row_dispose (GObject *object)
{
  PoiseScenarioRow *self = POISE_SCENARIO_ROW (object);

  /* No gtk_widget_dispose_template(): the template's box is the row's
   * GtkListBoxRow:child, which the parent's dispose unparents. */
  g_clear_object (&self->scenario);

  G_OBJECT_CLASS (poise_scenario_row_parent_class)->dispose (object);
}

static void
poise_scenario_row_class_init (PoiseScenarioRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_scenario_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-scenario-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseScenarioRow, safety_icon);
  gtk_widget_class_bind_template_child (widget_class, PoiseScenarioRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseScenarioRow, title_label);
}

static void
poise_scenario_row_init (PoiseScenarioRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PoiseScenarioRow *
poise_scenario_row_new (PoiseScenario *scenario,
                        const char    *language)
{
  PoiseScenarioRow *self;
  const char *title;

  g_return_val_if_fail (POISE_IS_SCENARIO (scenario), NULL);

  self = g_object_new (POISE_TYPE_SCENARIO_ROW, NULL);
  self->scenario = g_object_ref (scenario);

  title = poise_scenario_get_title (scenario, language);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->subtitle_label, poise_scenario_get_emotion (scenario, language));
  gtk_widget_set_visible (GTK_WIDGET (self->safety_icon), poise_scenario_get_safety (scenario));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);

  return self;
}

PoiseScenario *
poise_scenario_row_get_scenario (PoiseScenarioRow *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO_ROW (self), NULL);

  return self->scenario;
}

/* poise-scenario-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-scenario.h"

G_BEGIN_DECLS

#define POISE_TYPE_SCENARIO_ROW (poise_scenario_row_get_type ())
G_DECLARE_FINAL_TYPE (PoiseScenarioRow, poise_scenario_row, POISE, SCENARIO_ROW, GtkListBoxRow)

PoiseScenarioRow *poise_scenario_row_new          (PoiseScenario *scenario,
                                                   const char    *language);
PoiseScenario    *poise_scenario_row_get_scenario (PoiseScenarioRow *self);

G_END_DECLS

/* poise-scenario.h: one situation with its script, tone and advice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-avoid-phrase.h"
#include "poise-localized.h"
#include "poise-placeholder.h"
#include "poise-template.h"

G_BEGIN_DECLS

#define POISE_TYPE_SCENARIO (poise_scenario_get_type ())
G_DECLARE_FINAL_TYPE (PoiseScenario, poise_scenario, POISE, SCENARIO, GObject)

/* Built by the library loader; immutable afterwards. */
const char          *poise_scenario_get_id            (PoiseScenario *self);
const char          *poise_scenario_get_category_id   (PoiseScenario *self);
const char          *poise_scenario_get_category_title (PoiseScenario *self,
                                                        const char    *lang);
/* Position of the category in the library, for grouping and sorting. */
guint                poise_scenario_get_category_position (PoiseScenario *self);
const char          *poise_scenario_get_title         (PoiseScenario *self,
                                                       const char    *lang);
const char          *poise_scenario_get_emotion       (PoiseScenario *self,
                                                       const char    *lang);
const char          *poise_scenario_get_tone          (PoiseScenario *self,
                                                       const char    *lang);
const char          *poise_scenario_get_script        (PoiseScenario *self,
                                                       const char    *lang);
/* Nullable: the promise a follow-up can be made from. */
const char          *poise_scenario_get_promise       (PoiseScenario *self,
                                                       const char    *lang);
const char * const  *poise_scenario_get_advice        (PoiseScenario *self,
                                                       const char    *lang);
const char * const  *poise_scenario_get_triggers      (PoiseScenario *self,
                                                       const char    *lang);
/* PoiseAvoidPhrase items. */
GListModel          *poise_scenario_get_avoid         (PoiseScenario *self);
/* Threats: always ranked first by the matcher, supervisor at once. */
gboolean             poise_scenario_get_safety        (PoiseScenario *self);
/* Offer the agent a short pause after this conversation. */
gboolean             poise_scenario_get_offer_pause   (PoiseScenario *self);

/* id → PoisePlaceholder: the library's declarations plus the scenario's own. */
GHashTable          *poise_scenario_get_placeholders  (PoiseScenario *self);
/* The placeholders the script and then the promise use in @lang, in order of
 * first appearance, each once (PoisePlaceholder, transfer container). */
GPtrArray           *poise_scenario_dup_used_placeholders (PoiseScenario *self,
                                                           const char    *lang);
/* poise_template_fill() on the script in @lang with this scenario's placeholders. */
char                *poise_scenario_fill_script       (PoiseScenario  *self,
                                                       const char     *lang,
                                                       GHashTable     *values,
                                                       PoiseFillFlags  flags,
                                                       GStrv          *missing);

G_END_DECLS

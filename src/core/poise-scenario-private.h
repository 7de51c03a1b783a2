/* poise-scenario-private.h: what the library loader and the query see
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-scenario.h"

G_BEGIN_DECLS

/* The loader fills the fields directly and never changes them afterwards. */
struct _PoiseScenario
{
  GObject         parent_instance;

  char           *id;
  char           *category_id;
  PoiseLocalized *category_title;
  guint           category_position;
  PoiseLocalized *title;
  PoiseLocalized *emotion;
  PoiseLocalized *tone;
  PoiseLocalized *script;
  PoiseLocalized *promise;    /* nullable */
  PoiseLocalized *advice;     /* nullable */
  PoiseLocalized *triggers;
  GListStore     *avoid;      /* PoiseAvoidPhrase; NULL when there are none */
  gboolean        safety;
  gboolean        offer_pause;
  GHashTable     *placeholders;  /* id → PoisePlaceholder */

  /* Normalised search text per language, built on first use. */
  GArray         *search_texts;
};

PoiseScenario *_poise_scenario_new             (void);
/* Title, triggers and script in @lang and in English, normalised. */
const char    *_poise_scenario_get_search_text (PoiseScenario *self,
                                                const char    *lang);

G_END_DECLS

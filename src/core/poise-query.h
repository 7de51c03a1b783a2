/* poise-query.h: a search typed by the agent, prepared once per keystroke
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-scenario.h"

G_BEGIN_DECLS

#define POISE_TYPE_QUERY (poise_query_get_type ())
typedef struct _PoiseQuery PoiseQuery;

GType       poise_query_get_type  (void) G_GNUC_CONST;
/* Splits @text into words, case-folded and without accents ("Verspätung"
 * finds "verspatung"). An empty query matches everything. */
PoiseQuery *poise_query_new       (const char *text);
PoiseQuery *poise_query_ref       (PoiseQuery *self);
void        poise_query_unref     (PoiseQuery *self);
gboolean    poise_query_is_empty  (const PoiseQuery *self);
/* TRUE if every word occurs in the scenario's title, trigger words or
 * script text in @lang or English (prefix of a word or inside one). */
gboolean    poise_query_matches   (const PoiseQuery *self,
                                   PoiseScenario    *scenario,
                                   const char       *lang);

/* Folds case and strips accents, as the query does (for indexes). */
char       *poise_normalize_text  (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseQuery, poise_query_unref)

G_END_DECLS

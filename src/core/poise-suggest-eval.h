/* poise-suggest-eval.h: measuring suggestions against labelled messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-suggest.h"

G_BEGIN_DECLS

/**
 * PoiseConfusion:
 * @expected: the labelled scenario id
 * @got: the first suggestion's scenario id, or "" when nothing matched
 * @count: how many messages
 */
typedef struct {
  char  *expected;
  char  *got;
  guint  count;
} PoiseConfusion;

/**
 * PoiseSuggestEvaluation:
 * @n_messages: messages evaluated
 * @n_top1: messages whose expected scenario came first
 * @n_top3: messages whose expected scenario was among the first three
 * @confusions: (element-type PoiseConfusion): misses of the first place,
 *   most frequent first, then by expected and got id
 */
typedef struct {
  guint      n_messages;
  guint      n_top1;
  guint      n_top3;
  GPtrArray *confusions;
} PoiseSuggestEvaluation;

void poise_suggest_evaluation_free (PoiseSuggestEvaluation *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseSuggestEvaluation, poise_suggest_evaluation_free)

/**
 * poise_suggest_evaluate:
 * @library: the library to evaluate
 * @lang: (nullable): "de" or "en" for every message, or %NULL to detect each
 *   message's language (poise_detect_language(), else @fallback_lang)
 * @fallback_lang: the language when detection gives no clear answer
 * @tsv: lines of `expected_scenario_id<TAB>message`; empty lines and lines
 *   starting with '#' are skipped
 * @error: set, naming the line, when a line has no tab or names a scenario
 *   the library lacks
 *
 * Returns: (transfer full) (nullable): the figures, or %NULL with @error set
 */
PoiseSuggestEvaluation *poise_suggest_evaluate (PoiseLibrary *library,
                                                const char   *lang,
                                                const char   *fallback_lang,
                                                const char   *tsv,
                                                GError      **error);

G_END_DECLS

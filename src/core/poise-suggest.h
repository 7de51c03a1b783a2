/* poise-suggest.h: which scenarios fit a customer's message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-heat.h"
#include "poise-library.h"

G_BEGIN_DECLS

#define POISE_TYPE_TRIGGER_MATCH (poise_trigger_match_get_type ())

/**
 * PoiseTriggerMatch:
 * @trigger: the library's trigger, as written there ("hasn’t arrived")
 * @text: the message's words that matched it, as written ("hasn't arrived")
 * @start: first character of @text in the message (for GtkTextBuffer offsets)
 * @end: character after @text
 * @byte_start: first byte of @text in the message
 * @byte_end: byte after @text
 * @partial: %TRUE if the trigger matched inside a longer word
 *   ("Paket" in "Paketlieferung")
 */
typedef struct {
  char     *trigger;
  char     *text;
  guint     start;
  guint     end;
  guint     byte_start;
  guint     byte_end;
  gboolean  partial;
} PoiseTriggerMatch;

GType              poise_trigger_match_get_type (void) G_GNUC_CONST;
PoiseTriggerMatch *poise_trigger_match_copy     (const PoiseTriggerMatch *self);
void               poise_trigger_match_free     (PoiseTriggerMatch *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseTriggerMatch, poise_trigger_match_free)

#define POISE_TYPE_SUGGESTION (poise_suggestion_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSuggestion, poise_suggestion, POISE, SUGGESTION, GObject)

/* Properties: "scenario" (PoiseScenario), "scenario-id" (string),
 * "score" (double), "safety" (boolean); all read-only. */
PoiseScenario *poise_suggestion_get_scenario    (PoiseSuggestion *self);
const char    *poise_suggestion_get_scenario_id (PoiseSuggestion *self);
/* The sum of the matched triggers' weights: > 0, only comparable between
 * suggestions for the same message. */
double         poise_suggestion_get_score       (PoiseSuggestion *self);
/* A safety scenario (threats): ranked before every other. */
gboolean       poise_suggestion_get_safety      (PoiseSuggestion *self);
/* PoiseTriggerMatch items in message order (transfer none). */
GPtrArray     *poise_suggestion_get_matches     (PoiseSuggestion *self);
/* The matched message words, each once, as written ("Pakete", "kaputt"). */
GStrv          poise_suggestion_dup_matched_words (PoiseSuggestion *self);

#define POISE_TYPE_SUGGESTER (poise_suggester_get_type ())
G_DECLARE_FINAL_TYPE (PoiseSuggester, poise_suggester, POISE, SUGGESTER, GObject)

/**
 * poise_suggester_new:
 * @library: the script library whose triggers are matched
 * @lang: "de" or "en": the language of the messages and of the triggers used
 *
 * Compiles the library's triggers in @lang once; ranking is then cheap.
 * The suggester keeps @library alive and never changes.
 *
 * Returns: (transfer full): a new suggester
 */
PoiseSuggester *poise_suggester_new          (PoiseLibrary   *library,
                                              const char     *lang);
PoiseLibrary   *poise_suggester_get_library  (PoiseSuggester *self);
const char     *poise_suggester_get_language (PoiseSuggester *self);

/**
 * poise_suggester_rank:
 * @self: a suggester
 * @message: what the customer wrote
 * @max: the most suggestions to return, 0 for all
 *
 * Scenarios whose triggers occur in @message, best first. A safety scenario
 * that matched (threat of violence, self-harm) always comes before every
 * other, whatever the scores. Scenarios without any match are left out, so
 * the model is empty when nothing matched.
 *
 * Returns: (transfer full): a #GListModel of #PoiseSuggestion
 */
GListModel     *poise_suggester_rank         (PoiseSuggester *self,
                                              const char     *message,
                                              guint           max);

/**
 * poise_suggester_estimate_heat:
 * @self: a suggester
 * @message: what the customer wrote
 *
 * Capitals, exclamation marks and words for repeated contact, refunds,
 * legal steps and insults raise the score; a match of a safety scenario's
 * trigger makes it %POISE_HEAT_CRITICAL.
 *
 * Returns: (transfer full): the estimate
 */
PoiseHeat      *poise_suggester_estimate_heat (PoiseSuggester *self,
                                               const char     *message);

/**
 * poise_detect_language:
 * @text: any text
 *
 * Counts common German and English words.
 *
 * Returns: (nullable): "de" or "en", or %NULL when @text gives no clear sign
 */
const char     *poise_detect_language        (const char     *text);

G_END_DECLS

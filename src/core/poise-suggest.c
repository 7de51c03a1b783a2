/* poise-suggest.c: which scenarios fit a customer's message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library's triggers are the only knowledge: supervisors tune the
 * suggestions by editing them, and `poise-admin evaluate` tells them
 * whether the change helped. Every trigger that occurs in the message adds
 * a weight to its scenario (phrases more than single words, matches inside
 * a longer word less), and the scenarios are ranked by the sum.
 */
#define G_LOG_DOMAIN "poise-suggest"

#include "poise-suggest.h"
#include "poise-text-private.h"

#include <string.h>

/* Words of a phrase may stand this many other words apart. */
#define TRIGGER_MAX_GAP 1

#define WEIGHT_WORD     1.0
#define WEIGHT_PAIR     1.6
#define WEIGHT_PHRASE   2.2
#define PARTIAL_FACTOR  0.6

G_DEFINE_BOXED_TYPE (PoiseTriggerMatch, poise_trigger_match,
                     poise_trigger_match_copy, poise_trigger_match_free)

PoiseTriggerMatch *
poise_trigger_match_copy (const PoiseTriggerMatch *self)
{
  PoiseTriggerMatch *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->trigger = g_strdup (self->trigger);
  copy->text = g_strdup (self->text);
  return copy;
}

void
poise_trigger_match_free (PoiseTriggerMatch *self)
{
  if (self == NULL)
    return;
  g_free (self->trigger);
  g_free (self->text);
  g_free (self);
}

/* PoiseSuggestion */

struct _PoiseSuggestion
{
  GObject        parent_instance;

  PoiseScenario *scenario;
  double         score;
  GPtrArray     *matches;   /* PoiseTriggerMatch */
};

G_DEFINE_FINAL_TYPE (PoiseSuggestion, poise_suggestion, G_TYPE_OBJECT)

enum {
  SUGGESTION_PROP_0,
  SUGGESTION_PROP_SCENARIO,
  SUGGESTION_PROP_SCENARIO_ID,
  SUGGESTION_PROP_SCORE,
  SUGGESTION_PROP_SAFETY,
  N_SUGGESTION_PROPS,
};

static GParamSpec *suggestion_properties[N_SUGGESTION_PROPS];

static void
poise_suggestion_finalize (GObject *object)
{
  PoiseSuggestion *self = (PoiseSuggestion *) object;

  g_clear_object (&self->scenario);
  g_clear_pointer (&self->matches, g_ptr_array_unref);

  G_OBJECT_CLASS (poise_suggestion_parent_class)->finalize (object);
}

static void
poise_suggestion_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PoiseSuggestion *self = POISE_SUGGESTION (object);

  switch (prop_id)
    {
    case SUGGESTION_PROP_SCENARIO:
      g_value_set_object (value, self->scenario);
      break;
    case SUGGESTION_PROP_SCENARIO_ID:
      g_value_set_string (value, poise_scenario_get_id (self->scenario));
      break;
    case SUGGESTION_PROP_SCORE:
      g_value_set_double (value, self->score);
      break;
    case SUGGESTION_PROP_SAFETY:
      g_value_set_boolean (value, poise_scenario_get_safety (self->scenario));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_suggestion_class_init (PoiseSuggestionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = poise_suggestion_finalize;
  object_class->get_property = poise_suggestion_get_property;

  suggestion_properties[SUGGESTION_PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, POISE_TYPE_SCENARIO,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  suggestion_properties[SUGGESTION_PROP_SCENARIO_ID] =
    g_param_spec_string ("scenario-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  suggestion_properties[SUGGESTION_PROP_SCORE] =
    g_param_spec_double ("score", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  suggestion_properties[SUGGESTION_PROP_SAFETY] =
    g_param_spec_boolean ("safety", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_SUGGESTION_PROPS, suggestion_properties);
}

static void
poise_suggestion_init (PoiseSuggestion *self)
{
  self->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_trigger_match_free);
}

PoiseScenario *
poise_suggestion_get_scenario (PoiseSuggestion *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTION (self), NULL);
  return self->scenario;
}

const char *
poise_suggestion_get_scenario_id (PoiseSuggestion *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTION (self), NULL);
  return poise_scenario_get_id (self->scenario);
}

double
poise_suggestion_get_score (PoiseSuggestion *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTION (self), 0.0);
  return self->score;
}

gboolean
poise_suggestion_get_safety (PoiseSuggestion *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTION (self), FALSE);
  return poise_scenario_get_safety (self->scenario);
}

GPtrArray *
poise_suggestion_get_matches (PoiseSuggestion *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTION (self), NULL);
  return self->matches;
}

GStrv
poise_suggestion_dup_matched_words (PoiseSuggestion *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (POISE_IS_SUGGESTION (self), NULL);

  for (guint i = 0; i < self->matches->len; i++)
    {
      const PoiseTriggerMatch *match = g_ptr_array_index (self->matches, i);

      if (g_hash_table_add (seen, match->text))
        g_strv_builder_add (builder, match->text);
    }

  return g_strv_builder_end (builder);
}

/* PoiseSuggester */

typedef struct {
  const PoisePattern *pattern;
  guint               first;
  guint               last;
  gboolean            partial;
  double              weight;
} Hit;

typedef struct {
  PoiseScenario *scenario;
  guint          position;
  GArray        *hits;     /* Hit */
  double         score;
} Candidate;

struct _PoiseSuggester
{
  GObject          parent_instance;

  PoiseLibrary    *library;
  char            *lang;
  GPtrArray       *scenarios;   /* PoiseScenario, library order */
  PoisePatternSet *triggers;    /* data: scenario position + 1 */
  PoisePatternSet *heat_cues;   /* data: PoiseHeatReasons */
};

G_DEFINE_FINAL_TYPE (PoiseSuggester, poise_suggester, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_LANGUAGE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Heat cues are the engine's, not the library's: they describe how people
 * write when angry, not which scenario applies. Threats come from the
 * library's safety scenarios instead, so there is one list to maintain. */
typedef struct {
  PoiseHeatReasons    reason;
  const char * const *words;
} HeatCues;

static const char * const repeated_en[] = {
  "third time", "second time", "fourth time", "fifth time", "umpteenth time",
  "again", "already called", "already written", "already wrote", "already emailed",
  "already told", "how many times", "keep calling", "keep writing", "every time",
  "three times", "several times", "times now", NULL,
};
static const char * const repeated_de[] = {
  "schon wieder", "zum dritten Mal", "zum zweiten Mal", "zum vierten Mal", "zum x-ten Mal",
  "zigsten Mal", "zig Mal", "dreimal", "zweimal", "viermal", "mehrfach", "mehrmals",
  "wiederholt", "wie oft noch", "erneut", "jedes Mal", "x-mal", "immer wieder", NULL,
};
static const char * const refund_en[] = {
  "refund", "refunded", "refunding", "money back", "reimburse", "reimbursed",
  "reimbursement", "chargeback", "my money", NULL,
};
static const char * const refund_de[] = {
  "Erstattung", "Rückerstattung", "erstatten", "erstattet", "Geld zurück", "Rückzahlung",
  "Rückbuchung", "zurückgebucht", "zurückbuchen", "Gutschrift", "mein Geld", NULL,
};
static const char * const legal_en[] = {
  "lawyer", "solicitor", "attorney", "legal action", "legal steps", "sue", "sue you",
  "court", "consumer protection", "trading standards", "ombudsman", "small claims",
  "report you", NULL,
};
static const char * const legal_de[] = {
  "Anwalt", "Anwältin", "Rechtsanwalt", "Rechtsanwältin", "Verbraucherzentrale",
  "Verbraucherschutz", "Gericht", "verklagen", "Klage", "rechtliche Schritte",
  "Schlichtungsstelle", "Anzeige", "anzeigen", NULL,
};
static const char * const insult_en[] = {
  "idiot", "idiots", "stupid", "useless", "incompetent", "moron", "morons", "pathetic",
  "clowns", "liar", "liars", "crooks", "thick", "scam", "scammers", "joke of a company",
  NULL,
};
static const char * const insult_de[] = {
  "Idiot", "Idioten", "Vollidiot", "Vollidioten", "dumm", "blöd", "unfähig",
  "inkompetent", "Versager", "Saftladen", "Drecksladen", "Betrüger", "Abzocker",
  "Abzocke", "Lügner", "verarschen", "Frechheit", NULL,
};

static const HeatCues heat_cues_en[] = {
  { POISE_HEAT_REASON_REPEATED_CONTACT, repeated_en },
  { POISE_HEAT_REASON_REFUND, refund_en },
  { POISE_HEAT_REASON_LEGAL, legal_en },
  { POISE_HEAT_REASON_INSULT, insult_en },
};
static const HeatCues heat_cues_de[] = {
  { POISE_HEAT_REASON_REPEATED_CONTACT, repeated_de },
  { POISE_HEAT_REASON_REFUND, refund_de },
  { POISE_HEAT_REASON_LEGAL, legal_de },
  { POISE_HEAT_REASON_INSULT, insult_de },
};

static const struct {
  PoiseHeatReasons reason;
  guint            points;
} heat_points[] = {
  { POISE_HEAT_REASON_CAPITALS, 20 },
  { POISE_HEAT_REASON_EXCLAMATION, 15 },
  { POISE_HEAT_REASON_REPEATED_CONTACT, 20 },
  { POISE_HEAT_REASON_REFUND, 10 },
  { POISE_HEAT_REASON_LEGAL, 25 },
  { POISE_HEAT_REASON_INSULT, 25 },
  { POISE_HEAT_REASON_THREAT, 60 },
};

static void
candidate_clear (Candidate *candidate)
{
  g_clear_pointer (&candidate->hits, g_array_unref);
}

static double
hit_weight (const PoisePattern *pattern,
            gboolean            partial)
{
  double weight;

  if (pattern->n_stems == 1)
    weight = WEIGHT_WORD;
  else if (pattern->n_stems == 2)
    weight = WEIGHT_PAIR;
  else
    weight = WEIGHT_PHRASE;

  return partial ? weight * PARTIAL_FACTOR : weight;
}

static void
trigger_found (const PoisePattern *pattern,
               guint               first,
               guint               last,
               gboolean            partial,
               gpointer            user_data)
{
  GArray *candidates = user_data;
  Candidate *candidate = &g_array_index (candidates, Candidate,
                                         GPOINTER_TO_UINT (pattern->data) - 1);
  Hit hit = { pattern, first, last, partial, hit_weight (pattern, partial) };

  /* Words are counted once per scenario: "Paket" and "Pakete" are both
   * triggers, and one word in the message should not score twice. The
   * stronger of two overlapping matches stays. */
  for (guint i = 0; i < candidate->hits->len; i++)
    {
      Hit *other = &g_array_index (candidate->hits, Hit, i);

      if (first <= other->last && other->first <= last)
        {
          if (hit.weight > other->weight)
            {
              candidate->score += hit.weight - other->weight;
              *other = hit;
            }
          return;
        }
    }

  g_array_append_val (candidate->hits, hit);
  candidate->score += hit.weight;
}

/* Candidate per scenario, in library order (transfer full). */
static GArray *
score_message (PoiseSuggester    *self,
               const PoiseTokens *tokens)
{
  GArray *candidates = g_array_sized_new (FALSE, TRUE, sizeof (Candidate), self->scenarios->len);

  g_array_set_clear_func (candidates, (GDestroyNotify) candidate_clear);
  for (guint i = 0; i < self->scenarios->len; i++)
    {
      Candidate candidate = { g_ptr_array_index (self->scenarios, i), i,
                              g_array_new (FALSE, FALSE, sizeof (Hit)), 0.0 };
      g_array_append_val (candidates, candidate);
    }

  _poise_pattern_set_scan (self->triggers, tokens, trigger_found, candidates);
  return candidates;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;
  gboolean safety_a = ca->score > 0 && poise_scenario_get_safety (ca->scenario);
  gboolean safety_b = cb->score > 0 && poise_scenario_get_safety (cb->scenario);

  if (safety_a != safety_b)
    return safety_a ? -1 : 1;
  if (ca->score != cb->score)
    return ca->score > cb->score ? -1 : 1;
  return ca->position < cb->position ? -1 : ca->position > cb->position;
}

static int
compare_hits (gconstpointer a,
              gconstpointer b)
{
  const Hit *ha = a;
  const Hit *hb = b;

  return ha->first < hb->first ? -1 : ha->first > hb->first;
}

static PoiseSuggestion *
make_suggestion (const Candidate   *candidate,
                 const char        *message,
                 const PoiseTokens *tokens)
{
  PoiseSuggestion *suggestion = g_object_new (POISE_TYPE_SUGGESTION, NULL);

  suggestion->scenario = g_object_ref (candidate->scenario);
  suggestion->score = candidate->score;

  for (guint i = 0; i < candidate->hits->len; i++)
    {
      const Hit *hit = &g_array_index (candidate->hits, Hit, i);
      const PoiseToken *first = _poise_tokens_get (tokens, hit->first);
      const PoiseToken *last = _poise_tokens_get (tokens, hit->last);
      PoiseTriggerMatch *match = g_new0 (PoiseTriggerMatch, 1);

      match->trigger = g_strdup (hit->pattern->text);
      match->text = g_strndup (message + first->byte_start, last->byte_end - first->byte_start);
      match->start = first->char_start;
      match->end = last->char_end;
      match->byte_start = first->byte_start;
      match->byte_end = last->byte_end;
      match->partial = hit->partial;
      g_ptr_array_add (suggestion->matches, match);
    }

  return suggestion;
}

static void
add_other_languages (PoiseSuggester    *self,
                     PoiseScenario     *scenario,
                     PoisePatternFlags  flags)
{
  const char * const *langs = poise_library_get_languages (self->library);

  for (guint l = 0; langs[l] != NULL; l++)
    {
      const char * const *triggers;

      if (strcmp (langs[l], self->lang) == 0)
        continue;

      triggers = poise_scenario_get_triggers (scenario, langs[l]);
      for (guint t = 0; triggers[t] != NULL; t++)
        _poise_pattern_set_add (self->triggers, triggers[t], flags,
                                GUINT_TO_POINTER (self->scenarios->len));
    }
}

static void
poise_suggester_constructed (GObject *object)
{
  PoiseSuggester *self = (PoiseSuggester *) object;
  GListModel *scenarios;
  const HeatCues *cues;
  guint n_cues;

  G_OBJECT_CLASS (poise_suggester_parent_class)->constructed (object);

  g_assert (self->library != NULL);
  if (self->lang == NULL)
    self->lang = g_strdup (POISE_FALLBACK_LANGUAGE);

  self->triggers = _poise_pattern_set_new (self->lang, TRUE, TRIGGER_MAX_GAP);
  scenarios = poise_library_get_scenarios (self->library);
  for (guint i = 0; i < g_list_model_get_n_items (scenarios); i++)
    {
      g_autoptr(PoiseScenario) scenario = g_list_model_get_item (scenarios, i);
      const char * const *triggers = poise_scenario_get_triggers (scenario, self->lang);
      /* Threats rank first, so they must not match by accident inside
       * other words. */
      PoisePatternFlags flags = poise_scenario_get_safety (scenario)
                                ? POISE_PATTERN_WHOLE_WORDS : POISE_PATTERN_DEFAULT;

      g_ptr_array_add (self->scenarios, g_object_ref (scenario));
      for (guint t = 0; triggers[t] != NULL; t++)
        _poise_pattern_set_add (self->triggers, triggers[t], flags,
                                GUINT_TO_POINTER (self->scenarios->len));

      /* A threat must not go unnoticed because the customer wrote in
       * another language than the agent's scripts: safety triggers of
       * every language count. */
      if (poise_scenario_get_safety (scenario))
        add_other_languages (self, scenario, flags);
    }

  if (g_strcmp0 (self->lang, "de") == 0)
    {
      cues = heat_cues_de;
      n_cues = G_N_ELEMENTS (heat_cues_de);
    }
  else
    {
      cues = heat_cues_en;
      n_cues = G_N_ELEMENTS (heat_cues_en);
    }

  self->heat_cues = _poise_pattern_set_new (self->lang, FALSE, 1);
  for (guint c = 0; c < n_cues; c++)
    for (guint w = 0; cues[c].words[w] != NULL; w++)
      _poise_pattern_set_add (self->heat_cues, cues[c].words[w], POISE_PATTERN_DEFAULT,
                              GUINT_TO_POINTER (cues[c].reason));
}

static void
poise_suggester_finalize (GObject *object)
{
  PoiseSuggester *self = (PoiseSuggester *) object;

  g_clear_pointer (&self->triggers, _poise_pattern_set_free);
  g_clear_pointer (&self->heat_cues, _poise_pattern_set_free);
  g_clear_pointer (&self->scenarios, g_ptr_array_unref);
  g_clear_object (&self->library);
  g_clear_pointer (&self->lang, g_free);

  G_OBJECT_CLASS (poise_suggester_parent_class)->finalize (object);
}

static void
poise_suggester_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PoiseSuggester *self = POISE_SUGGESTER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->lang);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_suggester_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PoiseSuggester *self = POISE_SUGGESTER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    case PROP_LANGUAGE:
      self->lang = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_suggester_class_init (PoiseSuggesterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = poise_suggester_constructed;
  object_class->finalize = poise_suggester_finalize;
  object_class->get_property = poise_suggester_get_property;
  object_class->set_property = poise_suggester_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, POISE_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
poise_suggester_init (PoiseSuggester *self)
{
  self->scenarios = g_ptr_array_new_with_free_func (g_object_unref);
}

PoiseSuggester *
poise_suggester_new (PoiseLibrary *library,
                     const char   *lang)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (library), NULL);

  return g_object_new (POISE_TYPE_SUGGESTER,
                       "library", library,
                       "language", lang,
                       NULL);
}

PoiseLibrary *
poise_suggester_get_library (PoiseSuggester *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTER (self), NULL);
  return self->library;
}

const char *
poise_suggester_get_language (PoiseSuggester *self)
{
  g_return_val_if_fail (POISE_IS_SUGGESTER (self), NULL);
  return self->lang;
}

GListModel *
poise_suggester_rank (PoiseSuggester *self,
                      const char     *message,
                      guint           max)
{
  g_autoptr(PoiseTokens) tokens = NULL;
  g_autoptr(GArray) candidates = NULL;
  GListStore *store;

  g_return_val_if_fail (POISE_IS_SUGGESTER (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  /* Offsets are into @message, so invalid UTF-8 is only tolerated by the
   * tokenizer, never repaired. */
  store = g_list_store_new (POISE_TYPE_SUGGESTION);
  tokens = _poise_tokens_new (message, self->lang);
  candidates = score_message (self, tokens);
  g_array_sort (candidates, compare_candidates);

  for (guint i = 0; i < candidates->len && (max == 0 || i < max); i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);
      g_autoptr(PoiseSuggestion) suggestion = NULL;

      if (candidate->score <= 0)
        break;

      g_array_sort (candidate->hits, compare_hits);
      suggestion = make_suggestion (candidate, message, tokens);
      g_list_store_append (store, suggestion);
    }

  return G_LIST_MODEL (store);
}

static void
heat_cue_found (const PoisePattern *pattern,
                guint               first,
                guint               last,
                gboolean            partial,
                gpointer            user_data)
{
  PoiseHeatReasons *reasons = user_data;

  *reasons |= GPOINTER_TO_UINT (pattern->data);
}

/* Shouting: two words of 4+ letters in capitals, or one of 5+; shorter
 * ones are mostly abbreviations ("DHL", "XL", "ASAP"). */
static gboolean
has_capitals (const char *message)
{
  guint shouted = 0;
  guint letters = 0;
  gboolean all_upper = TRUE;

  for (const char *p = message; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalpha (c))
        {
          letters++;
          all_upper &= g_unichar_isupper (c);
          continue;
        }

      if (all_upper && letters >= 5)
        shouted += 2;
      else if (all_upper && letters == 4)
        shouted += 1;
      letters = 0;
      all_upper = TRUE;

      if (c == 0)
        break;
    }

  return shouted >= 2;
}

static gboolean
has_exclamations (const char *message)
{
  guint n = 0;

  for (const char *p = message; *p != '\0'; p++)
    if (*p == '!')
      n++;

  return n >= 2 || strstr (message, "?!") != NULL;
}

PoiseHeat *
poise_suggester_estimate_heat (PoiseSuggester *self,
                               const char     *message)
{
  g_autoptr(PoiseTokens) tokens = NULL;
  g_autoptr(GArray) candidates = NULL;
  g_autofree char *valid = NULL;
  PoiseHeat heat = { 0, POISE_HEAT_CALM, POISE_HEAT_REASON_NONE };

  g_return_val_if_fail (POISE_IS_SUGGESTER (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  /* The capitals count walks characters: never past a broken one. */
  if (!g_utf8_validate (message, -1, NULL))
    message = valid = g_utf8_make_valid (message, -1);

  tokens = _poise_tokens_new (message, self->lang);
  _poise_pattern_set_scan (self->heat_cues, tokens, heat_cue_found, &heat.reasons);

  candidates = score_message (self, tokens);
  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *candidate = &g_array_index (candidates, Candidate, i);

      if (candidate->score > 0 && poise_scenario_get_safety (candidate->scenario))
        heat.reasons |= POISE_HEAT_REASON_THREAT;
    }

  if (has_capitals (message))
    heat.reasons |= POISE_HEAT_REASON_CAPITALS;
  if (has_exclamations (message))
    heat.reasons |= POISE_HEAT_REASON_EXCLAMATION;

  for (guint i = 0; i < G_N_ELEMENTS (heat_points); i++)
    if (heat.reasons & heat_points[i].reason)
      heat.score += heat_points[i].points;
  heat.score = MIN (heat.score, 100);

  if (heat.reasons & POISE_HEAT_REASON_THREAT)
    heat.level = POISE_HEAT_CRITICAL;
  else if (heat.score >= 50)
    heat.level = POISE_HEAT_ANGRY;
  else if (heat.score >= 20)
    heat.level = POISE_HEAT_UPSET;

  return poise_heat_copy (&heat);
}

/* Frequent words that the other language rarely uses. */
static const char * const common_de[] = {
  "der", "die", "das", "und", "ich", "nicht", "ist", "mein", "meine", "meinen", "sie",
  "wir", "es", "ein", "eine", "zu", "mit", "auf", "fur", "noch", "schon", "bei", "wo",
  "wann", "habe", "hat", "warum", "ihr", "euch", "bin", "sind", "wurde", "seit", "mir",
  "mich", "kein", "keine", "nur", "bis", "heute", "jetzt", "vor", "aber", "auch", NULL,
};
static const char * const common_en[] = {
  "the", "and", "i", "not", "is", "my", "you", "we", "it", "to", "with", "on", "for",
  "still", "already", "at", "where", "when", "have", "has", "why", "your", "me", "was",
  "this", "of", "that", "been", "what", "from", "no", "can", "just", "got", "are",
  "im", "its", "dont", "didnt", NULL,
};

const char *
poise_detect_language (const char *text)
{
  g_auto(GStrv) words = NULL;
  guint de = 0;
  guint en = 0;

  g_return_val_if_fail (text != NULL, NULL);

  words = g_str_tokenize_and_fold (text, "C", NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *ascii = g_str_to_ascii (words[i], "C");
      g_autofree char *plain = NULL;
      GString *out = g_string_new (NULL);

      /* "don't" → "dont", "für" → "fur". */
      for (const char *p = ascii; *p != '\0'; p++)
        if (g_ascii_isalnum (*p))
          g_string_append_c (out, *p);
      plain = g_string_free (out, FALSE);

      for (guint k = 0; common_de[k] != NULL; k++)
        if (strcmp (plain, common_de[k]) == 0)
          de++;
      for (guint k = 0; common_en[k] != NULL; k++)
        if (strcmp (plain, common_en[k]) == 0)
          en++;
    }

  if (de > en)
    return "de";
  if (en > de)
    return "en";
  return NULL;
}

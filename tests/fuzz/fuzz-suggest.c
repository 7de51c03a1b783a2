/* fuzz-suggest.c: scenario suggestion, the heat estimate and the draft
 * check on any text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The customer's message and the agent's draft are pasted from anywhere,
 * valid UTF-8 or not.  Against the default library, in both languages:
 * nothing crashes, every range lies inside the text with start <= end,
 * and in valid UTF-8 the character and byte ranges name the same text.
 */
#include "poise-draft-check.h"
#include "poise-suggest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *langs[] = { "en", "de" };
static PoiseSuggester *suggesters[2];
static PoiseDraftChecker *checkers[2];

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = poise_library_new_default (&error);

  if (library == NULL)
    abort ();
  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      suggesters[i] = poise_suggester_new (library, langs[i]);
      checkers[i] = poise_draft_checker_new (library, NULL, langs[i]);
    }
}

/* @start/@end in characters, @byte_start/@byte_end in bytes of @text. */
static void
check_range (const char *text,
             gsize       length,
             gboolean    valid,
             guint       start,
             guint       end,
             guint       byte_start,
             guint       byte_end)
{
  if (start > end || byte_start > byte_end || byte_end > length)
    abort ();
  if (!valid)
    return;
  if (g_utf8_pointer_to_offset (text, text + byte_start) != start ||
      g_utf8_pointer_to_offset (text, text + byte_end) != end)
    abort ();
}

static void
check_suggestions (PoiseSuggester *suggester,
                   const char     *text,
                   gsize           length,
                   gboolean        valid)
{
  g_autoptr(GListModel) ranked = poise_suggester_rank (suggester, text, 0);
  g_autoptr(PoiseHeat) heat = poise_suggester_estimate_heat (suggester, text);

  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(PoiseSuggestion) suggestion = g_list_model_get_item (ranked, i);
      GPtrArray *matches = poise_suggestion_get_matches (suggestion);
      g_auto(GStrv) words = poise_suggestion_dup_matched_words (suggestion);

      if (poise_suggestion_get_score (suggestion) <= 0 || matches->len == 0 ||
          words == NULL || words[0] == NULL)
        abort ();
      for (guint m = 0; m < matches->len; m++)
        {
          const PoiseTriggerMatch *match = g_ptr_array_index (matches, m);

          check_range (text, length, valid, match->start, match->end,
                       match->byte_start, match->byte_end);
          /* The match's text is the message's, as written. */
          if (valid && (strlen (match->text) != match->byte_end - match->byte_start ||
                        memcmp (match->text, text + match->byte_start, strlen (match->text)) != 0))
            abort ();
        }
    }

  if (heat->score > 100 || heat->level > POISE_HEAT_CRITICAL)
    abort ();
}

static void
check_draft (PoiseDraftChecker *checker,
             const char        *text,
             gsize              length,
             gboolean           valid)
{
  g_autoptr(PoiseDraftReport) report = poise_draft_checker_check (checker, text);
  GPtrArray *issues = poise_draft_report_get_issues (report);
  GPtrArray *steps = poise_draft_report_get_steps (report);
  GPtrArray *times = poise_draft_report_get_times (report);
  g_auto(GStrv) missing = poise_draft_report_dup_missing_step_ids (report);

  for (guint i = 0; missing[i] != NULL; i++)
    if (*missing[i] == '\0')
      abort ();
  for (guint i = 0; i < issues->len; i++)
    {
      const PoiseDraftIssue *issue = g_ptr_array_index (issues, i);

      check_range (text, length, valid, issue->start, issue->end, issue->byte_start, issue->byte_end);
    }
  for (guint i = 0; i < steps->len; i++)
    {
      const PoiseDraftStep *step = g_ptr_array_index (steps, i);

      if (step->covered && !step->cue_found)
        abort ();
      if (step->cue_found)
        check_range (text, length, valid, step->start, step->end, step->byte_start, step->byte_end);
    }
  for (guint i = 0; i < times->len; i++)
    {
      const PoiseDraftTime *time = g_ptr_array_index (times, i);

      check_range (text, length, valid, time->start, time->end, time->byte_start, time->byte_end);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A C string: up to the first NUL, as a text buffer would give it. */
  g_autofree char *text = g_strndup ((const char *) data, size);
  gsize length = strlen (text);
  gboolean valid = g_utf8_validate (text, length, NULL);

  if (suggesters[0] == NULL)
    setup ();

  poise_detect_language (text);
  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      check_suggestions (suggesters[i], text, length, valid);
      check_draft (checkers[i], text, length, valid);
    }
  return 0;
}

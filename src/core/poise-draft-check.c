/* poise-draft-check.c: what an agent's reply draft says well and badly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on every keystroke, so everything that does not depend on the draft
 * (phrase sets, the date regex) is built once in the checker. A check is
 * then one folding pass over the draft, one hash lookup per word for each
 * of the three phrase sets and one regex scan.
 */
#define G_LOG_DOMAIN "poise-draft-check"

#include "poise-draft-check.h"
#include "poise-text-private.h"

#include <string.h>

/* Words of a phrase to avoid or a cue may stand this far apart. */
#define PHRASE_MAX_GAP 2

G_DEFINE_BOXED_TYPE (PoiseDraftIssue, poise_draft_issue, poise_draft_issue_copy, poise_draft_issue_free)
G_DEFINE_BOXED_TYPE (PoiseDraftStep, poise_draft_step, poise_draft_step_copy, poise_draft_step_free)
G_DEFINE_BOXED_TYPE (PoiseDraftTime, poise_draft_time, poise_draft_time_copy, poise_draft_time_free)

PoiseDraftIssue *
poise_draft_issue_copy (const PoiseDraftIssue *self)
{
  PoiseDraftIssue *copy = g_memdup2 (self, sizeof *self);

  copy->phrase = g_object_ref (self->phrase);
  copy->text = g_strdup (self->text);
  copy->instead = g_strdup (self->instead);
  return copy;
}

void
poise_draft_issue_free (PoiseDraftIssue *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->phrase);
  g_free (self->text);
  g_free (self->instead);
  g_free (self);
}

PoiseDraftStep *
poise_draft_step_copy (const PoiseDraftStep *self)
{
  PoiseDraftStep *copy = g_memdup2 (self, sizeof *self);

  copy->step = g_object_ref (self->step);
  return copy;
}

void
poise_draft_step_free (PoiseDraftStep *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->step);
  g_free (self);
}

PoiseDraftTime *
poise_draft_time_copy (const PoiseDraftTime *self)
{
  PoiseDraftTime *copy = g_memdup2 (self, sizeof *self);

  copy->text = g_strdup (self->text);
  return copy;
}

void
poise_draft_time_free (PoiseDraftTime *self)
{
  if (self == NULL)
    return;
  g_free (self->text);
  g_free (self);
}

/* PoiseDraftReport */

struct _PoiseDraftReport
{
  GObject    parent_instance;

  GPtrArray *issues;   /* PoiseDraftIssue */
  GPtrArray *steps;    /* PoiseDraftStep */
  GPtrArray *times;    /* PoiseDraftTime */
};

G_DEFINE_FINAL_TYPE (PoiseDraftReport, poise_draft_report, G_TYPE_OBJECT)

static void
poise_draft_report_finalize (GObject *object)
{
  PoiseDraftReport *self = (PoiseDraftReport *) object;

  g_clear_pointer (&self->issues, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->times, g_ptr_array_unref);

  G_OBJECT_CLASS (poise_draft_report_parent_class)->finalize (object);
}

static void
poise_draft_report_class_init (PoiseDraftReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_draft_report_finalize;
}

static void
poise_draft_report_init (PoiseDraftReport *self)
{
  self->issues = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_draft_issue_free);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_draft_step_free);
  self->times = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_draft_time_free);
}

GPtrArray *
poise_draft_report_get_issues (PoiseDraftReport *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_REPORT (self), NULL);
  return self->issues;
}

GPtrArray *
poise_draft_report_get_steps (PoiseDraftReport *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_REPORT (self), NULL);
  return self->steps;
}

GPtrArray *
poise_draft_report_get_times (PoiseDraftReport *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_REPORT (self), NULL);
  return self->times;
}

GStrv
poise_draft_report_dup_missing_step_ids (PoiseDraftReport *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (POISE_IS_DRAFT_REPORT (self), NULL);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const PoiseDraftStep *step = g_ptr_array_index (self->steps, i);

      if (!step->covered)
        g_strv_builder_add (builder, poise_checklist_step_get_id (step->step));
    }

  return g_strv_builder_end (builder);
}

/* PoiseDraftChecker */

struct _PoiseDraftChecker
{
  GObject          parent_instance;

  PoiseLibrary    *library;
  PoiseScenario   *scenario;
  char            *lang;

  GPtrArray       *avoid;        /* PoiseAvoidPhrase; pattern data is index + 1 */
  GPtrArray       *avoid_texts;  /* char *, shortened phrases the sets point to */
  PoisePatternSet *avoid_set;
  GPtrArray       *steps;        /* PoiseChecklistStep; pattern data is index + 1 */
  PoisePatternSet *cue_set;
  PoisePatternSet *time_set;     /* weekdays, months, "tomorrow" */
  GRegex          *time_regex;   /* "12.5.", "3 pm", "14:30", "within 2 hours" */
};

G_DEFINE_FINAL_TYPE (PoiseDraftChecker, poise_draft_checker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_SCENARIO,
  PROP_LANGUAGE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* A phrase to avoid often starts with its subject ("It's not a big deal",
 * "That's our policy"); drafts vary it ("This isn't a big deal"), so the
 * phrase also counts without it. */
static const char * const subjects_en[] = {
  "it's", "it’s", "it", "that's", "that’s", "this", "we", "i", "i'm", "i’m", "you", NULL,
};
static const char * const subjects_de[] = {
  "das", "es", "wir", "ich", "sie", "da", NULL,
};

static const char * const time_words_en[] = {
  "today", "tomorrow", "tonight", "this afternoon", "this evening", "this morning",
  "end of the day", "end of today", "next week", "within the hour", "within an hour",
  "in an hour", "noon", "midday", "monday", "tuesday", "wednesday", "thursday", "friday",
  "saturday", "sunday", "january", "february", "march", "april", "june", "july",
  "august", "september", "october", "november", "december", NULL,
};
static const char * const time_words_de[] = {
  "heute", "morgen", "übermorgen", "heute Nachmittag", "heute Abend", "nächste Woche",
  "nächsten Woche", "innerhalb einer Stunde", "innerhalb der nächsten Stunde",
  "im Laufe des Tages", "bis Mittag", "Montag", "Dienstag", "Mittwoch", "Donnerstag",
  "Freitag", "Samstag", "Sonnabend", "Sonntag", "Januar", "Februar", "März", "April",
  "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember",
  "Feierabend", NULL,
};

/* Numeric dates and times, and amounts of time; "May" only next to a
 * number, as it is also a verb. */
static const char time_pattern[] =
  "\\b\\d{4}-\\d{2}-\\d{2}\\b"
  "|\\b\\d{1,2}\\.\\s?\\d{1,2}\\.(?:\\d{2,4}\\b)?"
  "|\\b\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?\\b"
  "|\\b\\d{1,2}[:.]\\d{2}\\s?(?:am|pm|a\\.m\\.|p\\.m\\.|uhr|h)?(?!\\d)"
  "|\\b\\d{1,2}\\s?(?:am|pm|a\\.m\\.|p\\.m\\.|uhr)\\b"
  "|\\b\\d{1,2}(?:st|nd|rd|th|\\.)?\\s+(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
  "januar|februar|märz|mai|juni|juli|okt|dez)[a-zä]*\\b"
  "|\\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+\\d{1,2}(?:st|nd|rd|th)?\\b"
  "|\\b\\d+\\s*(?:working\\s+|business\\s+)?(?:hours?|days?|minutes?|stunden?|tagen?|werktagen?|minuten)\\b";

static void
add_avoid_phrase (PoiseDraftChecker *self,
                  PoiseAvoidPhrase  *phrase)
{
  const char *text = poise_avoid_phrase_get_phrase (phrase, self->lang);
  const char * const *subjects = g_strcmp0 (self->lang, "de") == 0 ? subjects_de : subjects_en;
  gpointer data;
  const char *space;

  if (text == NULL)
    return;

  g_ptr_array_add (self->avoid, g_object_ref (phrase));
  data = GUINT_TO_POINTER (self->avoid->len);
  _poise_pattern_set_add (self->avoid_set, text, POISE_PATTERN_WINDOWS, data);

  space = strchr (text, ' ');
  if (space != NULL && strchr (space + 1, ' ') != NULL)
    {
      g_autofree char *first = g_utf8_strdown (text, space - text);

      if (g_strv_contains (subjects, first))
        {
          char *rest = g_strdup (space + 1);

          g_ptr_array_add (self->avoid_texts, rest);
          _poise_pattern_set_add (self->avoid_set, rest, POISE_PATTERN_WINDOWS, data);
        }
    }
}

static void
add_avoid_list (PoiseDraftChecker *self,
                GListModel        *list)
{
  for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(PoiseAvoidPhrase) phrase = g_list_model_get_item (list, i);
      add_avoid_phrase (self, phrase);
    }
}

static void
poise_draft_checker_constructed (GObject *object)
{
  PoiseDraftChecker *self = (PoiseDraftChecker *) object;
  gboolean german;
  GListModel *checklist;
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (poise_draft_checker_parent_class)->constructed (object);

  g_assert (self->library != NULL);
  if (self->lang == NULL)
    self->lang = g_strdup (POISE_FALLBACK_LANGUAGE);
  german = g_strcmp0 (self->lang, "de") == 0;

  self->avoid_set = _poise_pattern_set_new (self->lang, FALSE, PHRASE_MAX_GAP);
  add_avoid_list (self, poise_library_get_avoid (self->library));
  if (self->scenario != NULL)
    add_avoid_list (self, poise_scenario_get_avoid (self->scenario));

  self->cue_set = _poise_pattern_set_new (self->lang, FALSE, PHRASE_MAX_GAP);
  checklist = poise_library_get_checklist (self->library);
  for (guint i = 0; i < g_list_model_get_n_items (checklist); i++)
    {
      g_autoptr(PoiseChecklistStep) step = g_list_model_get_item (checklist, i);
      const char * const *cues = poise_checklist_step_get_cues (step, self->lang);

      g_ptr_array_add (self->steps, g_object_ref (step));
      for (guint c = 0; cues[c] != NULL; c++)
        _poise_pattern_set_add (self->cue_set, cues[c], POISE_PATTERN_DEFAULT,
                                GUINT_TO_POINTER (self->steps->len));
    }

  self->time_set = _poise_pattern_set_new (self->lang, FALSE, 0);
  for (const char * const *w = german ? time_words_de : time_words_en; *w != NULL; w++)
    _poise_pattern_set_add (self->time_set, *w, POISE_PATTERN_DEFAULT, NULL);

  self->time_regex = g_regex_new (time_pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
  g_assert_no_error (error);
}

static void
poise_draft_checker_finalize (GObject *object)
{
  PoiseDraftChecker *self = (PoiseDraftChecker *) object;

  g_clear_pointer (&self->avoid_set, _poise_pattern_set_free);
  g_clear_pointer (&self->cue_set, _poise_pattern_set_free);
  g_clear_pointer (&self->time_set, _poise_pattern_set_free);
  g_clear_pointer (&self->time_regex, g_regex_unref);
  g_clear_pointer (&self->avoid, g_ptr_array_unref);
  g_clear_pointer (&self->avoid_texts, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_object (&self->library);
  g_clear_object (&self->scenario);
  g_clear_pointer (&self->lang, g_free);

  G_OBJECT_CLASS (poise_draft_checker_parent_class)->finalize (object);
}

static void
poise_draft_checker_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  PoiseDraftChecker *self = POISE_DRAFT_CHECKER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_SCENARIO:
      g_value_set_object (value, self->scenario);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->lang);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_draft_checker_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  PoiseDraftChecker *self = POISE_DRAFT_CHECKER (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    case PROP_SCENARIO:
      self->scenario = g_value_dup_object (value);
      break;
    case PROP_LANGUAGE:
      self->lang = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_draft_checker_class_init (PoiseDraftCheckerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = poise_draft_checker_constructed;
  object_class->finalize = poise_draft_checker_finalize;
  object_class->get_property = poise_draft_checker_get_property;
  object_class->set_property = poise_draft_checker_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, POISE_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCENARIO] =
    g_param_spec_object ("scenario", NULL, NULL, POISE_TYPE_SCENARIO,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
poise_draft_checker_init (PoiseDraftChecker *self)
{
  self->avoid = g_ptr_array_new_with_free_func (g_object_unref);
  self->avoid_texts = g_ptr_array_new_with_free_func (g_free);
  self->steps = g_ptr_array_new_with_free_func (g_object_unref);
}

PoiseDraftChecker *
poise_draft_checker_new (PoiseLibrary  *library,
                         PoiseScenario *scenario,
                         const char    *lang)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (scenario == NULL || POISE_IS_SCENARIO (scenario), NULL);

  return g_object_new (POISE_TYPE_DRAFT_CHECKER,
                       "library", library,
                       "scenario", scenario,
                       "language", lang,
                       NULL);
}

PoiseLibrary *
poise_draft_checker_get_library (PoiseDraftChecker *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_CHECKER (self), NULL);
  return self->library;
}

PoiseScenario *
poise_draft_checker_get_scenario (PoiseDraftChecker *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_CHECKER (self), NULL);
  return self->scenario;
}

const char *
poise_draft_checker_get_language (PoiseDraftChecker *self)
{
  g_return_val_if_fail (POISE_IS_DRAFT_CHECKER (self), NULL);
  return self->lang;
}

typedef struct {
  PoiseDraftChecker *self;
  PoiseDraftReport  *report;
  const char        *draft;
  const PoiseTokens *tokens;
  /* Char offset of the last converted byte offset: times from the regex
   * come in text order, so conversion walks the draft once. */
  guint              byte_cursor;
  guint              char_cursor;
} Check;

static void
avoid_found (const PoisePattern *pattern,
             guint               first,
             guint               last,
             gboolean            partial,
             gpointer            user_data)
{
  Check *check = user_data;
  PoiseAvoidPhrase *phrase = g_ptr_array_index (check->self->avoid,
                                                GPOINTER_TO_UINT (pattern->data) - 1);
  const PoiseToken *a = _poise_tokens_get (check->tokens, first);
  const PoiseToken *b = _poise_tokens_get (check->tokens, last);
  PoiseDraftIssue *issue;

  /* The phrase, its subject-less form and its windows can all match at
   * once: one issue covers them all. */
  for (guint i = check->report->issues->len; i > 0; i--)
    {
      PoiseDraftIssue *prev = g_ptr_array_index (check->report->issues, i - 1);

      if (prev->end < a->char_start)
        break;
      if (prev->phrase != phrase)
        continue;

      if (b->char_end > prev->end)
        {
          g_free (prev->text);
          prev->text = g_strndup (check->draft + prev->byte_start, b->byte_end - prev->byte_start);
          prev->end = b->char_end;
          prev->byte_end = b->byte_end;
        }
      return;
    }

  issue = g_new0 (PoiseDraftIssue, 1);
  issue->phrase = g_object_ref (phrase);
  issue->kind = poise_avoid_phrase_get_kind (phrase);
  issue->text = g_strndup (check->draft + a->byte_start, b->byte_end - a->byte_start);
  issue->instead = g_strdup (poise_avoid_phrase_get_instead (phrase, check->self->lang));
  issue->start = a->char_start;
  issue->end = b->char_end;
  issue->byte_start = a->byte_start;
  issue->byte_end = b->byte_end;
  g_ptr_array_add (check->report->issues, issue);
}

static void
cue_found (const PoisePattern *pattern,
           guint               first,
           guint               last,
           gboolean            partial,
           gpointer            user_data)
{
  Check *check = user_data;
  PoiseDraftStep *step = g_ptr_array_index (check->report->steps,
                                            GPOINTER_TO_UINT (pattern->data) - 1);
  const PoiseToken *a = _poise_tokens_get (check->tokens, first);
  const PoiseToken *b = _poise_tokens_get (check->tokens, last);

  if (step->cue_found)
    return;

  step->cue_found = TRUE;
  step->start = a->char_start;
  step->end = b->char_end;
  step->byte_start = a->byte_start;
  step->byte_end = b->byte_end;
}

static void
add_time (Check *check,
          guint  byte_start,
          guint  byte_end,
          guint  char_start,
          guint  char_end)
{
  PoiseDraftTime *time = g_new0 (PoiseDraftTime, 1);

  time->text = g_strndup (check->draft + byte_start, byte_end - byte_start);
  time->byte_start = byte_start;
  time->byte_end = byte_end;
  time->start = char_start;
  time->end = char_end;
  g_ptr_array_add (check->report->times, time);
}

static void
time_word_found (const PoisePattern *pattern,
                 guint               first,
                 guint               last,
                 gboolean            partial,
                 gpointer            user_data)
{
  Check *check = user_data;
  const PoiseToken *a = _poise_tokens_get (check->tokens, first);
  const PoiseToken *b = _poise_tokens_get (check->tokens, last);

  /* "Guten Morgen" greets; it promises nothing. */
  if (first > 0 && strcmp (pattern->stems[0], "morg") == 0 &&
      strcmp (_poise_tokens_get_stem (check->tokens, first - 1), "gut") == 0)
    return;

  add_time (check, a->byte_start, b->byte_end, a->char_start, b->char_end);
}

static guint
char_offset (Check *check,
             guint  byte_offset)
{
  if (byte_offset < check->byte_cursor)
    {
      check->byte_cursor = 0;
      check->char_cursor = 0;
    }
  check->char_cursor += g_utf8_pointer_to_offset (check->draft + check->byte_cursor,
                                                  check->draft + byte_offset);
  check->byte_cursor = byte_offset;
  return check->char_cursor;
}

/* Could a date start with this word: a number, or a month ("May 12")? */
static gboolean
may_start_time (const Check      *check,
                const PoiseToken *token)
{
  static const char * const months[] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL,
  };
  const char *stem = check->tokens->buf->str + token->stem;

  if (g_ascii_isdigit (check->draft[token->byte_start]))
    return TRUE;
  for (guint i = 0; months[i] != NULL; i++)
    if (strncmp (stem, months[i], 3) == 0)
      return TRUE;
  return FALSE;
}

/* Runs the regex only where a date can start, anchored: scanning the whole
 * draft cost more than everything else in a check together. */
static void
find_numeric_times (Check *check)
{
  guint covered_until = 0;

  for (guint i = 0; i < check->tokens->tokens->len; i++)
    {
      const PoiseToken *token = _poise_tokens_get (check->tokens, i);
      g_autoptr(GMatchInfo) match = NULL;
      int start, end;
      guint char_start, char_end;

      if (token->byte_start < covered_until || !may_start_time (check, token))
        continue;

      if (!g_regex_match_full (check->self->time_regex, check->draft, -1, token->byte_start,
                               G_REGEX_MATCH_ANCHORED, &match, NULL))
        continue;

      /* In this order: char_offset() only walks forward cheaply. */
      g_match_info_fetch_pos (match, 0, &start, &end);
      char_start = char_offset (check, start);
      char_end = char_offset (check, end);
      add_time (check, start, end, char_start, char_end);
      covered_until = end;
    }
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  const PoiseDraftTime *ta = *(const PoiseDraftTime * const *) a;
  const PoiseDraftTime *tb = *(const PoiseDraftTime * const *) b;

  if (ta->start != tb->start)
    return ta->start < tb->start ? -1 : 1;
  /* The longer first, so the shorter one inside it can go. */
  return ta->end > tb->end ? -1 : ta->end < tb->end;
}

/* "14. März" and the word "März" are one time. */
static void
drop_nested_times (GPtrArray *times)
{
  guint kept = 0;

  for (guint i = 0; i < times->len; i++)
    {
      PoiseDraftTime *time = g_ptr_array_index (times, i);

      if (kept > 0)
        {
          PoiseDraftTime *prev = g_ptr_array_index (times, kept - 1);

          if (time->start >= prev->start && time->end <= prev->end)
            {
              poise_draft_time_free (time);
              continue;
            }
        }
      times->pdata[kept++] = time;
    }
  times->len = kept;
}

PoiseDraftReport *
poise_draft_checker_check (PoiseDraftChecker *self,
                           const char        *draft)
{
  g_autoptr(PoiseTokens) tokens = NULL;
  PoiseDraftReport *report;
  Check check = { 0 };
  gboolean has_time;

  g_return_val_if_fail (POISE_IS_DRAFT_CHECKER (self), NULL);
  g_return_val_if_fail (draft != NULL, NULL);

  report = g_object_new (POISE_TYPE_DRAFT_REPORT, NULL);
  tokens = _poise_tokens_new (draft, self->lang);
  check = (Check) { self, report, draft, tokens, 0, 0 };

  for (guint i = 0; i < self->steps->len; i++)
    {
      PoiseDraftStep *step = g_new0 (PoiseDraftStep, 1);

      step->step = g_object_ref (g_ptr_array_index (self->steps, i));
      step->needs_time = poise_checklist_step_get_needs_time (step->step);
      g_ptr_array_add (report->steps, step);
    }

  _poise_pattern_set_scan (self->avoid_set, tokens, avoid_found, &check);
  _poise_pattern_set_scan (self->cue_set, tokens, cue_found, &check);
  _poise_pattern_set_scan (self->time_set, tokens, time_word_found, &check);

  /* GRegex needs valid UTF-8; a text buffer always gives it. */
  if (g_utf8_validate (draft, -1, NULL))
    find_numeric_times (&check);
  g_ptr_array_sort (report->times, compare_times);
  drop_nested_times (report->times);

  has_time = report->times->len > 0;
  for (guint i = 0; i < report->steps->len; i++)
    {
      PoiseDraftStep *step = g_ptr_array_index (report->steps, i);

      step->covered = step->cue_found && (!step->needs_time || has_time);
    }

  return report;
}

/* test-draft-check.c: phrases to avoid, ASAP steps and times in a draft
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-draft-check"

#include <string.h>

#include "poise-draft-check.h"

static PoiseLibrary *library;

static PoiseLibrary *
load_default (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "library", "default.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PoiseLibrary *lib = poise_library_new_from_file (file, NULL, &error);

  g_assert_no_error (error);
  return lib;
}

static PoiseDraftReport *
check (const char *lang,
       const char *scenario_id,
       const char *draft)
{
  PoiseScenario *scenario = scenario_id != NULL
                            ? poise_library_lookup_scenario (library, scenario_id) : NULL;
  g_autoptr(PoiseDraftChecker) checker = poise_draft_checker_new (library, scenario, lang);

  return poise_draft_checker_check (checker, draft);
}

static const PoiseDraftIssue *
find_issue (PoiseDraftReport *report,
            const char       *text)
{
  GPtrArray *issues = poise_draft_report_get_issues (report);

  for (guint i = 0; i < issues->len; i++)
    {
      const PoiseDraftIssue *issue = g_ptr_array_index (issues, i);

      g_test_message ("issue: “%s” at %u–%u → %s", issue->text, issue->start, issue->end,
                      issue->instead);
      if (strcmp (issue->text, text) == 0)
        return issue;
    }
  return NULL;
}

static void
assert_missing (PoiseDraftReport   *report,
                const char * const *expected)
{
  g_auto(GStrv) missing = poise_draft_report_dup_missing_step_ids (report);
  g_autofree char *got = g_strjoinv (",", missing);
  g_autofree char *want = g_strjoinv (",", (char **) expected);

  g_assert_cmpstr (got, ==, want);
}

static void
test_avoid_en (void)
{
  const char *draft = "Please CALM DOWN, sir. Honestly this isn't a big deal, and "
                      "that is our policy.";
  g_autoptr(PoiseDraftReport) report = check ("en", NULL, draft);
  const PoiseDraftIssue *issue;

  issue = find_issue (report, "CALM DOWN");
  g_assert_nonnull (issue);
  g_assert_cmpuint (issue->start, ==, 7);
  g_assert_cmpuint (issue->end, ==, 16);
  g_assert_cmpuint (issue->byte_start, ==, 7);
  g_assert_cmpint (issue->kind, ==, POISE_AVOID_DISMISSIVE);
  g_assert_cmpstr (issue->instead, ==, "I can see this has really upset you, and I want to sort it out.");

  issue = find_issue (report, "isn't a big deal");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->kind, ==, POISE_AVOID_DISMISSIVE);

  issue = find_issue (report, "that is our policy");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->kind, ==, POISE_AVOID_DEFENSIVE);

  g_assert_cmpuint (poise_draft_report_get_issues (report)->len, ==, 3);
}

static void
test_avoid_de (void)
{
  /* "Ä" is two bytes: char and byte offsets differ after it. */
  const char *draft = "Ärger verstehe ich, aber beruhigen Sie sich bitte doch. "
                      "Das machen wir grundsätzlich nicht.";
  g_autoptr(PoiseDraftReport) report = check ("de", NULL, draft);
  const PoiseDraftIssue *issue;

  issue = find_issue (report, "beruhigen Sie sich");
  g_assert_nonnull (issue);
  g_assert_cmpuint (issue->start, ==, 25);
  g_assert_cmpuint (issue->byte_start, ==, 26);
  g_assert_cmpstr (issue->instead, ==, "Ich merke, wie sehr Sie das ärgert, und ich möchte das für Sie klären.");

  issue = find_issue (report, "Das machen wir grundsätzlich nicht");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->kind, ==, POISE_AVOID_REFUSAL);
}

static void
test_avoid_long (void)
{
  g_autoptr(PoiseDraftReport) part = check ("en", NULL, "Sadly the consignment is pending "
                                            "carrier handover today.");
  g_autoptr(PoiseDraftReport) whole = check ("en", NULL, "Your consignment is pending "
                                             "carrier handover at fulfilment.");
  const PoiseDraftIssue *issue;

  /* Five words in a row of a long phrase are enough… */
  issue = find_issue (part, "consignment is pending carrier handover");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->kind, ==, POISE_AVOID_JARGON);
  g_assert_cmpstr (issue->instead, ==, "Your parcel hasn’t left our warehouse yet.");

  /* …and the whole phrase is one issue, not one per window. */
  g_assert_nonnull (find_issue (whole, "Your consignment is pending carrier handover at fulfilment"));
  g_assert_cmpuint (poise_draft_report_get_issues (whole)->len, ==, 1);
}

static void
test_avoid_scenario (void)
{
  const char *draft = "Da ist der Paketdienst schuld, nicht wir.";
  g_autoptr(PoiseDraftReport) plain = check ("de", NULL, draft);
  g_autoptr(PoiseDraftReport) delay = check ("de", "shipping-delay", draft);

  /* Only the shipping-delay scenario lists this one. */
  g_assert_null (find_issue (plain, "Da ist der Paketdienst schuld, nicht wir"));
  g_assert_nonnull (find_issue (delay, "Da ist der Paketdienst schuld, nicht wir"));
}

static void
test_steps_en (void)
{
  const char *all[] = { NULL };
  const char *no_time[] = { "prepare-to-act", NULL };
  const char *only_sorry[] = { "acknowledge", "accept-responsibility", "prepare-to-act", NULL };
  g_autoptr(PoiseDraftReport) full = NULL;
  g_autoptr(PoiseDraftReport) vague = NULL;
  g_autoptr(PoiseDraftReport) sorry = NULL;
  PoiseDraftStep *step;

  full = check ("en", NULL, "I can see this has gone wrong, and I'm really sorry – that's "
                "frustrating. I'll take care of it myself: I'll check with the courier and "
                "call you back by Friday, 3 pm.");
  assert_missing (full, all);
  step = g_ptr_array_index (poise_draft_report_get_steps (full), 3);
  g_assert_cmpstr (poise_checklist_step_get_id (step->step), ==, "prepare-to-act");
  g_assert_true (step->needs_time);
  g_assert_true (step->covered);

  vague = check ("en", NULL, "I understand, and I'm sorry. I'll take care of it and "
                 "I'll get back to you soon.");
  assert_missing (vague, no_time);
  step = g_ptr_array_index (poise_draft_report_get_steps (vague), 3);
  g_assert_true (step->cue_found);
  g_assert_false (step->covered);

  sorry = check ("en", NULL, "Sorry about that.");
  assert_missing (sorry, only_sorry);
}

static void
test_steps_de (void)
{
  const char *all[] = { NULL };
  const char *missing_ack[] = { "acknowledge", NULL };
  g_autoptr(PoiseDraftReport) full = NULL;
  g_autoptr(PoiseDraftReport) partial = NULL;

  full = check ("de", NULL, "Ich verstehe, dass Sie sich ärgern – das tut mir leid. "
                "Ich kümmere mich selbst darum und melde mich bis 12.5. bei Ihnen.");
  assert_missing (full, all);

  partial = check ("de", NULL, "Das ist wirklich ärgerlich. Ich kümmere mich darum: "
                   "Ich rufe Sie morgen um 10 Uhr an.");
  assert_missing (partial, missing_ack);
}

static void
assert_times (const char         *lang,
              const char         *draft,
              const char * const *expected)
{
  g_autoptr(PoiseDraftReport) report = check (lang, NULL, draft);
  GPtrArray *times = poise_draft_report_get_times (report);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) got = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *want = g_strjoinv ("|", (char **) expected);

  for (guint i = 0; i < times->len; i++)
    {
      const PoiseDraftTime *time = g_ptr_array_index (times, i);
      g_autofree char *slice = g_utf8_substring (draft, time->start, time->end);

      /* Char and byte ranges describe the same text. */
      g_assert_cmpstr (slice, ==, time->text);
      g_strv_builder_add (builder, time->text);
    }
  got = g_strv_builder_end (builder);
  joined = g_strjoinv ("|", got);
  g_assert_cmpstr (joined, ==, want);
}

static void
test_times (void)
{
  const char *en1[] = { "tomorrow", "14:30", NULL };
  const char *en2[] = { "Friday", "3 pm", "12 May", NULL };
  const char *en3[] = { "2 hours", NULL };
  const char *en4[] = { "2026-05-12", "12/5", NULL };
  const char *none[] = { NULL };
  const char *de1[] = { "morgen", "10 Uhr", NULL };
  const char *de2[] = { "12.5.", "Freitag", "14. März", NULL };
  const char *de3[] = { "48 Stunden", NULL };

  assert_times ("en", "I'll call you tomorrow at 14:30.", en1);
  assert_times ("en", "You'll have it by Friday, 3 pm, or on 12 May at the latest.", en2);
  assert_times ("en", "I'll reply within 2 hours.", en3);
  assert_times ("en", "Booked for 2026-05-12 (12/5).", en4);
  assert_times ("en", "You may get it soon, I'll look into it.", none);
  assert_times ("de", "Guten Morgen! Ich melde mich morgen um 10 Uhr.", de1);
  assert_times ("de", "Bis 12.5. ist es da, spätestens Freitag, sonst am 14. März.", de2);
  assert_times ("de", "Innerhalb von 48 Stunden.", de3);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(PoiseDraftReport) report = check ("en", NULL, "Calm down \x80 by 3 pm \xc3");

  /* Phrases are still found; the regex part is skipped on broken text. */
  g_assert_nonnull (find_issue (report, "Calm down"));
}

static void
assert_range (const char *text,
              guint       start,
              guint       end,
              guint       byte_start,
              guint       byte_end,
              const char *expected)
{
  g_autofree char *by_chars = NULL;
  g_autofree char *by_bytes = NULL;

  g_assert_cmpuint (start, <=, end);
  g_assert_cmpuint (end, <=, g_utf8_strlen (text, -1));
  g_assert_cmpuint (byte_end, <=, strlen (text));
  by_chars = g_utf8_substring (text, start, end);
  by_bytes = g_strndup (text + byte_start, byte_end - byte_start);
  g_assert_cmpstr (by_chars, ==, by_bytes);
  if (expected != NULL)
    g_assert_cmpstr (by_bytes, ==, expected);
}

/* Random drafts built from pieces of phrases, dates, accents and odd
 * characters: every range must describe the same text in characters and
 * bytes, or the UI's text tags would land on the wrong words. */
static void
test_ranges_random (void)
{
  static const char * const pieces[] = {
    "calm down", "Beruhigen", "Sie", "sich", "it's not a big deal", "that’s our policy",
    "12.5.", "3 pm", "14:30", "morgen", "Friday", "Ä", "ß", "é", "👍", "🇩🇪", "\n", "  ",
    "Straße", "I'll check", "tut mir leid", "Ich kümmere mich", "don't", "n't", "'",
    "’", "x", "…", "e\xcc\x81", "!!", "?!", "2026-05-12", "within 2 hours",
  };
  g_autoptr(PoiseDraftChecker) en = poise_draft_checker_new (library, NULL, "en");
  g_autoptr(PoiseDraftChecker) de = poise_draft_checker_new (library, NULL, "de");
  GRand *rand = g_rand_new_with_seed (4242);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) draft = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 30);

      for (guint i = 0; i < n; i++)
        {
          g_string_append (draft, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
          if (g_rand_boolean (rand))
            g_string_append_c (draft, ' ');
        }

      for (guint c = 0; c < 2; c++)
        {
          g_autoptr(PoiseDraftReport) report =
            poise_draft_checker_check (c == 0 ? en : de, draft->str);
          GPtrArray *issues = poise_draft_report_get_issues (report);
          GPtrArray *times = poise_draft_report_get_times (report);
          GPtrArray *steps = poise_draft_report_get_steps (report);

          for (guint i = 0; i < issues->len; i++)
            {
              const PoiseDraftIssue *issue = g_ptr_array_index (issues, i);
              assert_range (draft->str, issue->start, issue->end,
                            issue->byte_start, issue->byte_end, issue->text);
            }
          for (guint i = 0; i < times->len; i++)
            {
              const PoiseDraftTime *time = g_ptr_array_index (times, i);
              assert_range (draft->str, time->start, time->end,
                            time->byte_start, time->byte_end, time->text);
            }
          for (guint i = 0; i < steps->len; i++)
            {
              const PoiseDraftStep *step = g_ptr_array_index (steps, i);
              assert_range (draft->str, step->start, step->end,
                            step->byte_start, step->byte_end, NULL);
            }
        }
    }

  g_rand_free (rand);
}

static void
test_old_library (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "library-small.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) old = poise_library_new_from_file (file, NULL, &error);
  g_autoptr(PoiseDraftChecker) checker = NULL;
  g_autoptr(PoiseDraftReport) report = NULL;
  GPtrArray *steps;

  /* A library without cues still loads; its steps are simply never found. */
  g_assert_no_error (error);
  checker = poise_draft_checker_new (old, NULL, "en");
  report = poise_draft_checker_check (checker, "I understand. I'll fix it today.");
  steps = poise_draft_report_get_steps (report);
  g_assert_cmpuint (steps->len, >, 0);
  for (guint i = 0; i < steps->len; i++)
    g_assert_false (((PoiseDraftStep *) g_ptr_array_index (steps, i))->covered);
}

static void
test_bad_cues (void)
{
  const char *json =
    "{\"format\": 1, \"languages\": [\"en\"], \"title\": {\"en\": \"T\"},"
    " \"checklist\": [{\"id\": \"a\", \"title\": {\"en\": \"A\"}, \"description\": {\"en\": \"D\"},"
    "   \"examples\": {\"en\": [\"x\"]}, \"cues\": {\"en\": \"not a list\"}, \"needs_time\": 1}],"
    " \"categories\": [{\"id\": \"c\", \"title\": {\"en\": \"C\"}}],"
    " \"scenarios\": [{\"id\": \"s\", \"category\": \"c\", \"title\": {\"en\": \"S\"},"
    "   \"emotion\": {\"en\": \"E\"}, \"tone\": {\"en\": \"T\"}, \"script\": {\"en\": \"S\"},"
    "   \"triggers\": {\"en\": [\"t\"]}}]}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) lib = poise_library_new_from_bytes (bytes, &problems, &error);
  gboolean cues_reported = FALSE;
  gboolean time_reported = FALSE;

  g_assert_null (lib);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID);
  for (guint i = 0; i < problems->len; i++)
    {
      PoiseProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("%s: %s", problem->path, problem->message);
      cues_reported |= g_str_has_prefix (problem->path, "checklist[0].cues");
      time_reported |= strcmp (problem->path, "checklist[0].needs_time") == 0;
    }
  g_assert_true (cues_reported);
  g_assert_true (time_reported);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  library = load_default ();

  g_test_add_func ("/draft-check/avoid/en", test_avoid_en);
  g_test_add_func ("/draft-check/avoid/de", test_avoid_de);
  g_test_add_func ("/draft-check/avoid/long", test_avoid_long);
  g_test_add_func ("/draft-check/avoid/scenario", test_avoid_scenario);
  g_test_add_func ("/draft-check/steps/en", test_steps_en);
  g_test_add_func ("/draft-check/steps/de", test_steps_de);
  g_test_add_func ("/draft-check/times", test_times);
  g_test_add_func ("/draft-check/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/draft-check/ranges-random", test_ranges_random);
  g_test_add_func ("/draft-check/old-library", test_old_library);
  g_test_add_func ("/draft-check/bad-cues", test_bad_cues);

  ret = g_test_run ();
  g_clear_object (&library);
  return ret;
}

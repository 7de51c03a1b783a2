/* test-default-library.c: the shipped default library loads cleanly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-default-library"

#include "poise-library.h"

static const char * const languages[] = { "en", "de", NULL };

static const char * const required_scenarios[] = {
  "shipping-delay",
  "damaged-item",
  "wrong-item",
  "no-reply",
  "refund-delayed",
  "abusive-customer",
  "threat",
  "passed-around",
  "compensation-demand",
  "does-not-want-help",
  "general",
  NULL
};

static PoiseLibrary *
load_default (GPtrArray **problems)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "library", "default.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PoiseLibrary *library;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (contents, length);

  library = poise_library_new_from_bytes (bytes, problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (library);
  return library;
}

static void
test_no_problems (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(PoiseLibrary) library = load_default (&problems);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      g_autofree char *line = poise_problem_to_string (g_ptr_array_index (problems, i));
      g_test_message ("problem: %s", line);
    }
  /* Neither errors nor INCOMPLETE: every text exists in both languages. */
  g_assert_cmpuint (problems != NULL ? problems->len : 0, ==, 0);

  g_assert_cmpstrv (poise_library_get_languages (library), languages);
  for (guint l = 0; languages[l] != NULL; l++)
    g_assert_cmpstr (poise_library_get_title (library, languages[l]), !=, "");
}

static void
test_checklist (void)
{
  static const char * const steps[] = {
    "acknowledge", "sympathise", "accept-responsibility", "prepare-to-act",
  };
  g_autoptr(PoiseLibrary) library = load_default (NULL);
  GListModel *checklist = poise_library_get_checklist (library);

  g_assert_cmpuint (g_list_model_get_n_items (checklist), ==, G_N_ELEMENTS (steps));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(PoiseChecklistStep) step = g_list_model_get_item (checklist, i);

      g_assert_cmpstr (poise_checklist_step_get_id (step), ==, steps[i]);
      for (guint l = 0; languages[l] != NULL; l++)
        {
          const char * const *examples = poise_checklist_step_get_examples (step, languages[l]);

          g_assert_cmpstr (poise_checklist_step_get_title (step, languages[l]), !=, "");
          g_assert_cmpstr (poise_checklist_step_get_description (step, languages[l]), !=, "");
          g_assert_cmpuint (g_strv_length ((char **) examples), >=, 2);
          g_assert_cmpuint (g_strv_length ((char **) examples), <=, 4);
        }
    }
}

static void
assert_text (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
}

static void
test_required_scenarios (void)
{
  g_autoptr(PoiseLibrary) library = load_default (NULL);

  for (guint i = 0; required_scenarios[i] != NULL; i++)
    {
      PoiseScenario *scenario = poise_library_lookup_scenario (library, required_scenarios[i]);

      g_test_message ("scenario %s", required_scenarios[i]);
      g_assert_nonnull (scenario);
      for (guint l = 0; languages[l] != NULL; l++)
        {
          assert_text (poise_scenario_get_title (scenario, languages[l]));
          assert_text (poise_scenario_get_script (scenario, languages[l]));
          assert_text (poise_scenario_get_tone (scenario, languages[l]));
          assert_text (poise_scenario_get_emotion (scenario, languages[l]));
          g_assert_cmpuint (g_strv_length ((char **) poise_scenario_get_triggers (scenario, languages[l])), >, 0);
        }
    }
}

static void
test_safety (void)
{
  g_autoptr(PoiseLibrary) library = load_default (NULL);
  PoiseScenario *threat = poise_library_lookup_scenario (library, "threat");
  PoiseScenario *abusive = poise_library_lookup_scenario (library, "abusive-customer");
  PoiseScenario *delay = poise_library_lookup_scenario (library, "shipping-delay");

  g_assert_nonnull (threat);
  g_assert_true (poise_scenario_get_safety (threat));
  g_assert_true (poise_scenario_get_offer_pause (threat));
  g_assert_nonnull (abusive);
  g_assert_false (poise_scenario_get_safety (abusive));
  g_assert_true (poise_scenario_get_offer_pause (abusive));
  g_assert_nonnull (delay);
  g_assert_false (poise_scenario_get_safety (delay));
}

/* A valid value for every placeholder type. */
static const char *
sample_value (PoisePlaceholder *placeholder)
{
  switch (poise_placeholder_get_kind (placeholder))
    {
    case POISE_PLACEHOLDER_DATE:
      return "2026-11-27";
    case POISE_PLACEHOLDER_TIME:
      return "09:30";
    case POISE_PLACEHOLDER_NUMBER:
      return "3";
    case POISE_PLACEHOLDER_CHOICE:
      g_assert_cmpuint (poise_placeholder_get_n_options (placeholder), >, 0);
      return poise_placeholder_get_option_id (placeholder, 0);
    case POISE_PLACEHOLDER_CUSTOMER_NAME:
      return "Jana Becker";
    case POISE_PLACEHOLDER_TEXT:
    default:
      return "sample";
    }
}

static void
test_fill_every_script (void)
{
  g_autoptr(PoiseLibrary) library = load_default (NULL);
  GListModel *scenarios = poise_library_get_scenarios (library);
  guint n = g_list_model_get_n_items (scenarios);

  g_assert_cmpuint (n, >=, g_strv_length ((char **) required_scenarios));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PoiseScenario) scenario = g_list_model_get_item (scenarios, i);
      GHashTable *placeholders = poise_scenario_get_placeholders (scenario);
      g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
      GHashTableIter iter;
      gpointer key, value;

      g_test_message ("scenario %s", poise_scenario_get_id (scenario));
      g_hash_table_iter_init (&iter, placeholders);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (values, key, (gpointer) sample_value (value));

      for (guint l = 0; languages[l] != NULL; l++)
        {
          g_auto(GStrv) missing = NULL;
          g_autofree char *filled = poise_scenario_fill_script (scenario, languages[l], values,
                                                                POISE_FILL_NONE, &missing);
          g_autoptr(GPtrArray) used = poise_scenario_dup_used_placeholders (scenario, languages[l]);

          assert_text (filled);
          g_assert_true (missing == NULL || missing[0] == NULL);
          /* Every placeholder in the script and promise is declared. */
          for (guint u = 0; u < used->len; u++)
            g_assert_nonnull (g_ptr_array_index (used, u));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/default-library/no-problems", test_no_problems);
  g_test_add_func ("/default-library/checklist", test_checklist);
  g_test_add_func ("/default-library/required-scenarios", test_required_scenarios);
  g_test_add_func ("/default-library/safety", test_safety);
  g_test_add_func ("/default-library/fill-every-script", test_fill_every_script);

  return g_test_run ();
}

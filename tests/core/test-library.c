/* test-library.c: loading and validating script libraries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-library"

#include <json-glib/json-glib.h>

#include "poise-json-guard.h"
#include "poise-library.h"

#include <string.h>

/* The small fixture, parsed, for tests to break in one place each. */
static JsonNode *
load_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "library-small.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

static JsonObject *
root_object (JsonNode *root)
{
  return json_node_get_object (root);
}

static JsonObject *
scenario (JsonNode *root,
          guint     index)
{
  JsonArray *scenarios = json_object_get_array_member (root_object (root), "scenarios");
  return json_array_get_object_element (scenarios, index);
}

static JsonObject *
member_object (JsonObject *object,
               const char *key)
{
  return json_object_get_object_member (object, key);
}

static GBytes *
to_bytes (JsonNode *root)
{
  char *text = json_to_string (root, TRUE);
  return g_bytes_new_take (text, strlen (text));
}

/* Loads @bytes and returns every problem as "E path: message" or
 * "I path: message", one a line. */
static char *
problems_of_bytes (GBytes        *bytes,
                   PoiseLibrary **out_library,
                   GError       **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  GString *out = g_string_new (NULL);

  library = poise_library_new_from_bytes (bytes, &problems, error);
  g_assert_nonnull (problems);

  for (guint i = 0; i < problems->len; i++)
    {
      const PoiseProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *text = poise_problem_to_string (problem);

      g_string_append_printf (out, "%c %s\n",
                              problem->severity == POISE_PROBLEM_ERROR ? 'E' : 'I', text);
    }

  if (out_library != NULL)
    *out_library = g_steal_pointer (&library);

  return g_string_free (out, FALSE);
}

static void
assert_problems (JsonNode   *root,
                 const char *expected)
{
  g_autoptr(GBytes) bytes = to_bytes (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autofree char *problems = problems_of_bytes (bytes, &library, &error);

  g_assert_cmpstr (problems, ==, expected);
  if (strstr (expected, "E ") != NULL)
    {
      g_assert_null (library);
      g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID);
    }
  else
    {
      g_assert_nonnull (library);
      g_assert_no_error (error);
    }
}

static void
test_valid (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  g_autoptr(GBytes) bytes = to_bytes (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *checksum = NULL;
  GListModel *scenarios;
  g_autoptr(PoiseScenario) first = NULL;
  g_autoptr(PoiseScenario) second = NULL;
  g_autoptr(PoiseScenario) third = NULL;
  PoiseScenario *delay;
  g_autoptr(GPtrArray) used = NULL;
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *filled = NULL;
  g_auto(GStrv) missing = NULL;
  const char *languages[] = { "en", "de", NULL };

  library = poise_library_new_from_bytes (bytes, &problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (library);
  g_assert_cmpuint (problems->len, ==, 0);

  g_assert_cmpstrv (poise_library_get_languages (library), languages);
  g_assert_cmpstr (poise_library_get_title (library, "de"), ==, "Testbibliothek");
  g_assert_cmpstr (poise_library_get_title (library, "fr"), ==, "Test library");
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (poise_library_get_sha256 (library), ==, checksum);
  g_assert_cmpuint (strlen (poise_library_get_sha256 (library)), ==, 64);

  g_assert_cmpuint (g_list_model_get_n_items (poise_library_get_checklist (library)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (poise_library_get_avoid (library)), ==, 1);

  /* Sorted by category order, then library order. */
  scenarios = poise_library_get_scenarios (library);
  g_assert_cmpuint (g_list_model_get_n_items (scenarios), ==, 3);
  first = g_list_model_get_item (scenarios, 0);
  second = g_list_model_get_item (scenarios, 1);
  third = g_list_model_get_item (scenarios, 2);
  g_assert_cmpstr (poise_scenario_get_id (first), ==, "shipping-delay");
  g_assert_cmpstr (poise_scenario_get_id (second), ==, "threat");
  g_assert_cmpstr (poise_scenario_get_id (third), ==, "double-charge");
  g_assert_cmpuint (poise_scenario_get_category_position (first), ==, 0);
  g_assert_cmpuint (poise_scenario_get_category_position (third), ==, 1);
  g_assert_cmpstr (poise_scenario_get_category_title (third, "de"), ==, "Rechnung");
  g_assert_true (poise_scenario_get_safety (second));
  g_assert_false (poise_scenario_get_safety (first));
  g_assert_true (poise_scenario_get_offer_pause (first));

  delay = poise_library_lookup_scenario (library, "shipping-delay");
  g_assert_true (delay == first);
  g_assert_null (poise_library_lookup_scenario (library, "nope"));
  g_assert_cmpstr (poise_scenario_get_tone (delay, "de"), ==, "Ruhig und konkret");
  g_assert_cmpstr (poise_scenario_get_advice (delay, "de")[0], ==, "Nennen Sie ein Datum.");
  g_assert_cmpstr (poise_scenario_get_triggers (delay, "de")[0], ==, "verspätet");
  g_assert_null (poise_scenario_get_promise (second, "en"));
  g_assert_null (poise_scenario_get_advice (second, "en")[0]);
  g_assert_cmpuint (g_list_model_get_n_items (poise_scenario_get_avoid (delay)), ==, 1);
  g_assert_cmpuint (g_hash_table_size (poise_scenario_get_placeholders (delay)), ==, 3);
  g_assert_cmpuint (g_hash_table_size (poise_scenario_get_placeholders (third)), ==, 2);

  used = poise_scenario_dup_used_placeholders (delay, "en");
  g_assert_cmpuint (used->len, ==, 2);
  g_assert_cmpstr (poise_placeholder_get_id (g_ptr_array_index (used, 0)), ==, "date");
  g_assert_cmpstr (poise_placeholder_get_id (g_ptr_array_index (used, 1)), ==, "name");

  g_hash_table_insert (values, "date", "2026-11-27");
  filled = poise_scenario_fill_script (delay, "de", values, POISE_FILL_NONE, &missing);
  g_assert_cmpstr (filled, ==, "Es sollte bis Freitag, 27. November ankommen, [Name].");
  g_assert_cmpstrv (missing, ((const char *[]) { "name", NULL }));
}

static void
test_from_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "library-small.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/library.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseLibrary) none = NULL;

  library = poise_library_new_from_file (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (library);

  none = poise_library_new_from_file (missing, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_wrong_types (void)
{
  g_autoptr(JsonNode) root = load_fixture ();

  json_object_set_string_member (root_object (root), "format", "1");
  json_object_set_object_member (root_object (root), "scenarios", json_object_new ());

  assert_problems (root,
                   "E format: expected an integer, got a string\n"
                   "E scenarios: expected an array, got an object\n");
}

static void
test_wrong_types_in_scenario (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonObject *s0 = scenario (root, 0);

  json_object_set_string_member (s0, "title", "Charged twice");
  json_object_set_int_member (member_object (s0, "tone"), "de", 3);
  json_object_set_array_member (member_object (s0, "emotion"), "en", json_array_new ());
  json_object_set_string_member (member_object (s0, "triggers"), "de", "doppelt");
  json_object_set_string_member (s0, "safety", "yes");

  assert_problems (root,
                   "E scenarios[0].title: expected a Text object, got a string\n"
                   "E scenarios[0].emotion.en: expected a string, got an array\n"
                   "E scenarios[0].tone.de: expected a string, got a number\n"
                   "E scenarios[0].triggers.de: expected an array of strings, got a string\n"
                   "E scenarios[0].safety: expected a boolean, got a string\n");
}

static void
test_missing_and_unknown (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonObject *s2 = scenario (root, 2);

  json_object_remove_member (s2, "tone");
  json_object_set_boolean_member (s2, "tones", TRUE);
  json_object_set_int_member (root_object (root), "version", 1);

  assert_problems (root,
                   "E unknown key \"version\"\n"
                   "E scenarios[2]: unknown key \"tones\"\n"
                   "E scenarios[2]: missing required field \"tone\"\n");
}

static void
test_format_and_languages (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  g_autoptr(JsonNode) root2 = load_fixture ();
  g_autoptr(JsonNode) root3 = load_fixture ();
  JsonArray *languages = json_array_new ();

  json_object_set_int_member (root_object (root), "format", 2);
  assert_problems (root, "E format: unsupported format 2 (this Poise reads format 1)\n");

  json_array_add_string_element (languages, "de");
  json_object_set_array_member (root_object (root2), "languages", languages);
  assert_problems (root2, "E languages: must contain \"en\"\n");

  /* A language the library does not declare. */
  json_object_set_string_member (member_object (scenario (root3, 1), "title"), "fr", "Retard");
  assert_problems (root3,
                   "E scenarios[1].title.fr: language \"fr\" is not listed in \"languages\"\n");
}

static void
test_empty_strings (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonObject *s1 = scenario (root, 1);
  JsonArray *advice = json_object_get_array_member (member_object (s1, "advice"), "en");

  json_object_set_string_member (member_object (s1, "tone"), "en", "");
  json_array_add_string_element (advice, "");
  json_object_set_string_member (s1, "category", "");

  assert_problems (root,
                   "E scenarios[1].category: empty string\n"
                   "E scenarios[1].tone.en: empty text\n"
                   "E scenarios[1].advice.en[1]: empty text\n");
}

static void
test_duplicate_ids (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonArray *checklist = json_object_get_array_member (root_object (root), "checklist");
  JsonArray *categories = json_object_get_array_member (root_object (root), "categories");
  JsonArray *placeholders = json_object_get_array_member (root_object (root), "placeholders");
  JsonObject *remedy = json_array_get_object_element (placeholders, 1);
  JsonArray *options = json_object_get_array_member (remedy, "options");

  json_object_set_string_member (json_array_get_object_element (checklist, 1), "id",
                                 "acknowledge");
  json_object_set_string_member (json_array_get_object_element (categories, 1), "id",
                                 "delivery");
  json_object_set_string_member (json_array_get_object_element (options, 1), "id", "refund");
  json_object_set_string_member (remedy, "id", "date");
  json_object_set_string_member (scenario (root, 2), "id", "double-charge");

  assert_problems (root,
                   "E placeholders[1].id: duplicate id \"date\" (first at placeholders[0].id)\n"
                   "E placeholders[1].options[1].id: duplicate id \"refund\" "
                   "(first at placeholders[1].options[0].id)\n"
                   "E checklist[1].id: duplicate id \"acknowledge\" (first at checklist[0].id)\n"
                   "E categories[1].id: duplicate id \"delivery\" (first at categories[0].id)\n"
                   "E scenarios[0].category: unknown category \"billing\"\n"
                   "E scenarios[0].script.en: placeholder [remedy] is not declared\n"
                   "E scenarios[0].script.de: placeholder [remedy] is not declared\n"
                   "E scenarios[2].id: duplicate id \"double-charge\" (first at scenarios[0].id)\n");
}

static void
test_invalid_ids (void)
{
  g_autoptr(JsonNode) root = load_fixture ();

  json_object_set_string_member (scenario (root, 0), "id", "Double Charge");

  assert_problems (root,
                   "E scenarios[0].id: invalid id \"Double Charge\" "
                   "(use a-z, 0-9, \"_\" and \"-\")\n");
}

static void
test_placeholder_declarations (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonObject *s0 = scenario (root, 0);
  JsonObject *s1 = scenario (root, 1);
  JsonArray *placeholders = json_object_get_array_member (root_object (root), "placeholders");
  JsonObject *date = json_array_get_object_element (placeholders, 0);
  JsonObject *remedy = json_array_get_object_element (placeholders, 1);
  JsonObject *own = json_array_get_object_element (
    json_object_get_array_member (s1, "placeholders"), 0);
  JsonObject *copy;

  json_object_set_string_member (member_object (s0, "script"), "de",
                                 "Sie erhalten [remedy] bis [datum].");
  json_object_set_string_member (member_object (s1, "promise"), "en",
                                 "I call you at [time] on [date] at [time].");
  json_object_set_string_member (own, "type", "choice");
  json_object_set_array_member (date, "options", json_array_new ());
  json_object_set_string_member (remedy, "type", "dropdown");

  /* A scenario redeclaring a library-wide id.  Broken declarations still
   * declare their ids, so they cause no follow-up errors. */
  copy = json_object_new ();
  json_object_set_string_member (copy, "id", "date");
  json_array_add_object_element (json_object_get_array_member (s1, "placeholders"), copy);

  assert_problems (root,
                   "E placeholders[0].options: options are only allowed for choice placeholders\n"
                   "E placeholders[1].type: unknown placeholder type \"dropdown\"\n"
                   "E scenarios[0].script.de: placeholder [datum] is not declared\n"
                   "E scenarios[1].placeholders[0]: a choice needs at least one option\n"
                   "E scenarios[1].placeholders[1].id: placeholder \"date\" is already declared "
                   "at placeholders[0].id\n"
                   "E scenarios[1].promise.en: placeholder [time] is not declared\n");
}

static void
test_avoid_kind (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonArray *avoid = json_object_get_array_member (root_object (root), "avoid");

  json_object_set_string_member (json_array_get_object_element (avoid, 0), "kind", "rude");
  json_object_remove_member (json_array_get_object_element (avoid, 0), "instead");

  assert_problems (root,
                   "E avoid[0]: missing required field \"instead\"\n"
                   "E avoid[0].kind: unknown avoid kind \"rude\"\n");
}

static void
test_counts (void)
{
  g_autoptr(JsonNode) root = load_fixture ();

  json_object_set_array_member (root_object (root), "checklist", json_array_new ());
  json_object_set_array_member (root_object (root), "scenarios", json_array_new ());

  assert_problems (root,
                   "E checklist: expected 1 to 9 steps, got 0\n"
                   "E scenarios: expected at least one scenario\n");
}

static void
test_incomplete (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  JsonObject *s2 = scenario (root, 2);

  json_object_remove_member (member_object (s2, "title"), "de");
  json_object_remove_member (member_object (s2, "triggers"), "de");

  /* Missing translations are reported but the library loads. */
  assert_problems (root,
                   "I scenarios[2].title.de: missing German text (falls back to English)\n"
                   "I scenarios[2].triggers.de: missing German text (falls back to English)\n");
}

static void
test_missing_english (void)
{
  g_autoptr(JsonNode) root = load_fixture ();

  json_object_remove_member (member_object (scenario (root, 2), "title"), "en");

  assert_problems (root, "E scenarios[2].title.en: missing English text\n");
}

static void
test_error_message (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;

  json_object_set_int_member (root_object (root), "format", 2);
  json_object_remove_member (scenario (root, 2), "tone");
  json_object_set_boolean_member (scenario (root, 2), "tones", TRUE);
  json_object_remove_member (member_object (scenario (root, 1), "title"), "de");
  bytes = to_bytes (root);

  /* No problems array wanted. */
  library = poise_library_new_from_bytes (bytes, NULL, &error);
  g_assert_null (library);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "format: unsupported format 2 (this Poise reads format 1) "
                   "(and 2 more problems)");
}

static void
assert_guard_rejects (const char *data,
                      gsize       length,
                      const char *expected)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = problems_of_bytes (bytes, NULL, &error);

  g_assert_cmpstr (problems, ==, expected);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID);
}

static void
test_guard (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"scenarios\": ");
  g_autoptr(GString) big = g_string_new ("[\"");
  g_autoptr(GString) expected = g_string_new (NULL);

  assert_guard_rejects ("{\"title\": {\"en\": \"a\", \"en\": \"b\"}}", 33,
                        "E title: duplicate key \"en\" (byte 22)\n");
  assert_guard_rejects ("{\"title\": \"\xff\"}", 14, "E invalid UTF-8 (byte 11)\n");
  assert_guard_rejects ("{\"format\": 1,}", 14, "E format: trailing comma (byte 13)\n");

  /* 65 levels: the object itself is the first. */
  for (guint i = 0; i < 64; i++)
    g_string_append_c (deep, '[');
  g_assert_cmpuint (deep->len, ==, 14 + 64);
  g_string_append (expected, "E scenarios");
  for (guint i = 0; i < 63; i++)
    g_string_append (expected, "[0]");
  g_string_append (expected, ": nested deeper than 64 levels (byte 77)\n");
  assert_guard_rejects (deep->str, deep->len, expected->str);

  g_string_set_size (big, POISE_LIBRARY_MAX_BYTES + 1);
  memset (big->str + 2, 'a', big->len - 2);
  assert_guard_rejects (big->str, big->len,
                        "E input is 8388609 bytes, more than the limit of 8388608 bytes\n");
}

static void
test_not_an_object (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("[1]", 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = problems_of_bytes (bytes, NULL, &error);

  g_assert_cmpstr (problems, ==, "E expected an object, got an array\n");
  g_assert_cmpstr (error->message, ==, "expected an object, got an array");
}

/* Large libraries are hashed on another thread while they are parsed. */
static void
test_large_checksum (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  g_autofree char *long_title = g_strnfill (300 * 1024, 'x');
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseLibrary) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checksum = NULL;

  json_object_set_string_member (member_object (root_object (root), "title"), "en", long_title);
  bytes = to_bytes (root);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 256 * 1024);

  library = poise_library_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_assert_cmpstr (poise_library_get_sha256 (library), ==, checksum);
  g_assert_cmpstr (poise_library_get_title (library, "en"), ==, long_title);

  /* Failing still waits for the hash and drops it. */
  json_object_remove_member (root_object (root), "format");
  broken = to_bytes (root);
  none = poise_library_new_from_bytes (broken, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID);
}

/* Scenarios without avoid phrases of their own share an empty list. */
static void
test_empty_avoid (void)
{
  g_autoptr(JsonNode) root = load_fixture ();
  g_autoptr(GBytes) bytes = to_bytes (root);
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  PoiseScenario *threat;
  GListModel *avoid;

  library = poise_library_new_from_bytes (bytes, NULL, &error);
  g_assert_no_error (error);
  threat = poise_library_lookup_scenario (library, "threat");
  avoid = poise_scenario_get_avoid (threat);
  g_assert_nonnull (avoid);
  g_assert_cmpuint (g_list_model_get_n_items (avoid), ==, 0);
  g_assert_true (g_list_model_get_item_type (avoid) == POISE_TYPE_AVOID_PHRASE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/library/load/valid", test_valid);
  g_test_add_func ("/library/load/from-file", test_from_file);
  g_test_add_func ("/library/load/error-message", test_error_message);
  g_test_add_func ("/library/guard", test_guard);
  g_test_add_func ("/library/validate/not-an-object", test_not_an_object);
  g_test_add_func ("/library/validate/wrong-types", test_wrong_types);
  g_test_add_func ("/library/validate/wrong-types-in-scenario", test_wrong_types_in_scenario);
  g_test_add_func ("/library/validate/missing-and-unknown", test_missing_and_unknown);
  g_test_add_func ("/library/validate/format-and-languages", test_format_and_languages);
  g_test_add_func ("/library/validate/empty-strings", test_empty_strings);
  g_test_add_func ("/library/validate/duplicate-id", test_duplicate_ids);
  g_test_add_func ("/library/validate/invalid-id", test_invalid_ids);
  g_test_add_func ("/library/validate/placeholders", test_placeholder_declarations);
  g_test_add_func ("/library/validate/avoid-kind", test_avoid_kind);
  g_test_add_func ("/library/validate/counts", test_counts);
  g_test_add_func ("/library/validate/incomplete", test_incomplete);
  g_test_add_func ("/library/validate/missing-english", test_missing_english);
  g_test_add_func ("/library/load/large-checksum", test_large_checksum);
  g_test_add_func ("/library/load/empty-avoid", test_empty_avoid);

  return g_test_run ();
}

/* test-library-diff.c: word diffs, "What changed" and the library cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-library-diff"

#include "poise-library-cache.h"
#include "poise-library-diff.h"

#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

static char *
diff_string (const char *a,
             const char *b)
{
  g_autoptr(GPtrArray) spans = poise_word_diff (a, b);

  return poise_word_diff_to_string (spans);
}

static void
test_word_diff (void)
{
  struct { const char *a, *b, *expected; } cases[] = {
    { "same text", "same text", "same text" },
    { "", "new", "{+new+}" },
    { "old", NULL, "[-old-]" },
    { "We will ship it on Monday.", "We will ship it on Friday.",
      "We will ship it on [-Monday-]{+Friday+}." },
    { "Ihr Paket kommt", "Ihr Paket kommt morgen", "Ihr Paket kommt{+ morgen+}" },
    { "a b c", "a c", "a [-b -]c" },
    { "Grüße aus Köln", "Grüße aus Bonn", "Grüße aus [-Köln-]{+Bonn+}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = diff_string (cases[i].a, cases[i].b);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* Applying the spans must give back both texts exactly. */
static void
test_word_diff_round_trip (void)
{
  const char *texts[] = {
    "Hello [customer_name], your parcel is late.",
    "Hallo [customer_name], Ihr Paket kommt am [date].\nEntschuldigung!",
    "",
    "x y z x y z x y z",
    "z y x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (texts); j++)
      {
        g_autoptr(GPtrArray) spans = poise_word_diff (texts[i], texts[j]);
        g_autoptr(GString) old_text = g_string_new (NULL);
        g_autoptr(GString) new_text = g_string_new (NULL);

        for (guint k = 0; k < spans->len; k++)
          {
            PoiseDiffSpan *span = g_ptr_array_index (spans, k);

            if (span->op != POISE_DIFF_INSERT)
              g_string_append (old_text, span->text);
            if (span->op != POISE_DIFF_DELETE)
              g_string_append (new_text, span->text);
          }
        g_assert_cmpstr (old_text->str, ==, texts[i]);
        g_assert_cmpstr (new_text->str, ==, texts[j]);
      }
}

static JsonNode *
small_library_json (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data", "library-small.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static GBytes *
to_bytes (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

static PoiseLibrary *
load (JsonNode *root)
{
  g_autoptr(GBytes) bytes = to_bytes (root);
  g_autoptr(GError) error = NULL;
  PoiseLibrary *library = poise_library_new_from_bytes (bytes, NULL, &error);

  g_assert_no_error (error);
  return library;
}

static JsonObject *
scenario (JsonNode   *root,
          const char *id)
{
  JsonArray *scenarios = json_object_get_array_member (json_node_get_object (root), "scenarios");

  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    {
      JsonObject *object = json_array_get_object_element (scenarios, i);

      if (g_str_equal (json_object_get_string_member (object, "id"), id))
        return object;
    }
  g_assert_not_reached ();
}

static void
test_library_diff (void)
{
  g_autoptr(JsonNode) before = small_library_json ();
  g_autoptr(JsonNode) after = small_library_json ();
  g_autoptr(PoiseLibrary) a = NULL;
  g_autoptr(PoiseLibrary) b = NULL;
  g_autoptr(GListModel) same = NULL;
  g_autoptr(GListModel) changes = NULL;
  g_autoptr(PoiseScenarioChange) removed = NULL;
  g_autoptr(PoiseScenarioChange) added = NULL;
  g_autoptr(PoiseScenarioChange) changed = NULL;
  JsonArray *scenarios = json_object_get_array_member (json_node_get_object (after), "scenarios");
  JsonObject *delay, *copy, *title;
  PoiseFieldChange *field;
  g_autofree char *text = NULL;

  /* Remove "threat", add a copy of "double-charge" as "new-one", and
   * change the German tone of "shipping-delay". */
  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (scenarios, i), "id"), "threat"))
      json_array_remove_element (scenarios, i);
  /* json_node_copy() shares the object: copy through text instead. */
  {
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *data = NULL;

    json_generator_set_root (generator, json_array_get_element (scenarios, 0));
    data = json_generator_to_data (generator, NULL);
    g_assert_true (json_parser_load_from_data (parser, data, -1, NULL));
    copy = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  }
  json_object_set_string_member (copy, "id", "new-one");
  title = json_object_new ();
  json_object_set_string_member (title, "en", "A new one");
  json_object_set_string_member (title, "de", "Ein neuer");
  json_object_set_object_member (copy, "title", title);
  json_array_add_object_element (scenarios, copy);
  delay = scenario (after, "shipping-delay");
  json_object_set_string_member (json_object_get_object_member (delay, "tone"), "de", "Ruhig und konkret bleiben.");

  a = load (before);
  b = load (after);

  same = poise_library_diff (a, a, "en");
  g_assert_cmpuint (g_list_model_get_n_items (same), ==, 0);

  changes = poise_library_diff (a, b, "de");
  g_assert_cmpuint (g_list_model_get_n_items (changes), ==, 3);

  removed = g_list_model_get_item (changes, 0);
  g_assert_cmpint (poise_scenario_change_get_kind (removed), ==, POISE_SCENARIO_REMOVED);
  g_assert_cmpstr (poise_scenario_change_get_id (removed), ==, "threat");

  added = g_list_model_get_item (changes, 1);
  g_assert_cmpint (poise_scenario_change_get_kind (added), ==, POISE_SCENARIO_ADDED);
  g_assert_cmpstr (poise_scenario_change_get_id (added), ==, "new-one");
  g_assert_cmpstr (poise_scenario_change_get_title (added), ==, "Ein neuer");

  changed = g_list_model_get_item (changes, 2);
  g_assert_cmpint (poise_scenario_change_get_kind (changed), ==, POISE_SCENARIO_CHANGED);
  g_assert_cmpstr (poise_scenario_change_get_id (changed), ==, "shipping-delay");
  g_assert_cmpuint (poise_scenario_change_get_fields (changed)->len, ==, 1);
  field = g_ptr_array_index (poise_scenario_change_get_fields (changed), 0);
  g_assert_cmpstr (field->field, ==, "tone");
  g_assert_cmpstr (field->lang, ==, "de");

  text = poise_library_diff_to_string (changes);
  g_assert_nonnull (strstr (text, "- threat"));
  g_assert_nonnull (strstr (text, "+ new-one  Ein neuer"));
  g_assert_nonnull (strstr (text, "~ shipping-delay"));
  g_assert_nonnull (strstr (text, "tone [de]: Ruhig und konkret{+ bleiben.+}"));
}

static void
test_cache (void)
{
  g_autofree char *dir = g_dir_make_tmp ("poise-cache-XXXXXX", NULL);
  g_autoptr(JsonNode) root = small_library_json ();
  g_autoptr(GBytes) bytes = to_bytes (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseLibraryCacheInfo) info = NULL;
  g_autofree char *library_path = g_build_filename (dir, "library.json", NULL);
  g_autofree char *meta_path = g_build_filename (dir, "library.meta.json", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  /* Nothing cached: no library and no error. */
  library = poise_library_cache_load (dir, &info, &error);
  g_assert_no_error (error);
  g_assert_null (library);

  g_assert_true (poise_library_cache_save (dir, bytes, 7, "Holiday scripts", &error));
  g_assert_no_error (error);
  library = poise_library_cache_load (dir, &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (library);
  g_assert_cmpint (info->version, ==, 7);
  g_assert_cmpstr (info->message, ==, "Holiday scripts");
  g_assert_cmpstr (poise_library_get_sha256 (library), ==, info->sha256);
  g_clear_object (&library);
  g_clear_pointer (&info, poise_library_cache_info_free);

  /* One changed byte in the library: refused, not loaded. */
  g_assert_true (g_file_get_contents (library_path, &contents, &length, NULL));
  contents[length / 2] = contents[length / 2] == 'a' ? 'b' : 'a';
  g_assert_true (g_file_set_contents (library_path, contents, length, NULL));
  library = poise_library_cache_load (dir, &info, &error);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_DAMAGED);
  g_assert_null (library);
  g_assert_null (info);
  g_clear_error (&error);

  /* A crash between the two writes (no metadata): refused as well. */
  g_assert_cmpint (g_remove (meta_path), ==, 0);
  library = poise_library_cache_load (dir, &info, &error);
  g_assert_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_DAMAGED);
  g_assert_null (library);
  g_clear_error (&error);

  g_remove (library_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/word-diff/cases", test_word_diff);
  g_test_add_func ("/word-diff/round-trip", test_word_diff_round_trip);
  g_test_add_func ("/library-diff/changes", test_library_diff);
  g_test_add_func ("/library-cache/save-load-damage", test_cache);

  return g_test_run ();
}

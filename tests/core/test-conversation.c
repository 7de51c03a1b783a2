/* test-conversation.c: the conversation in progress and its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-conversation"

#include "poise-conversation.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

static void
count_cb (gpointer  object,
          guint    *count)
{
  (*count)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_changes (void)
{
  g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
  guint changed = 0;
  guint notified = 0;
  GDateTime *started_at = poise_conversation_get_started_at (conversation);

  g_assert_nonnull (started_at);
  g_assert_cmpint (g_date_time_get_utc_offset (started_at), ==, 0);
  g_assert_null (poise_conversation_get_scenario_id (conversation));

  g_signal_connect (conversation, "changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (conversation, "notify::scenario-id", G_CALLBACK (count_notify_cb), &notified);

  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (poise_conversation_get_scenario_id (conversation), ==, "shipping-delay");

  poise_conversation_set_step_done (conversation, "acknowledge", TRUE);
  poise_conversation_set_step_done (conversation, "acknowledge", TRUE);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (poise_conversation_get_step_done (conversation, "acknowledge"));
  g_assert_false (poise_conversation_get_step_done (conversation, "solve"));
  poise_conversation_set_step_done (conversation, "acknowledge", FALSE);
  g_assert_false (poise_conversation_get_step_done (conversation, "acknowledge"));
  g_assert_cmpuint (changed, ==, 3);

  poise_conversation_set_value (conversation, "date", "2026-11-27");
  poise_conversation_set_value (conversation, "date", "2026-11-27");
  g_assert_cmpuint (changed, ==, 4);
  g_assert_cmpstr (poise_conversation_get_value (conversation, "date"), ==, "2026-11-27");
  poise_conversation_set_value (conversation, "date", "");
  g_assert_null (poise_conversation_get_value (conversation, "date"));
  poise_conversation_set_value (conversation, "date", NULL);
  g_assert_cmpuint (changed, ==, 5);
}

static void
test_reset (void)
{
  g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
  g_autoptr(GDateTime) first = NULL;
  guint changed = 0;

  poise_conversation_set_scenario_id (conversation, "threat");
  poise_conversation_set_step_done (conversation, "solve", TRUE);
  poise_conversation_set_value (conversation, "name", "Ada");
  first = g_date_time_ref (poise_conversation_get_started_at (conversation));
  g_usleep (2000);

  g_signal_connect (conversation, "changed", G_CALLBACK (count_cb), &changed);
  poise_conversation_reset (conversation);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_null (poise_conversation_get_scenario_id (conversation));
  g_assert_false (poise_conversation_get_step_done (conversation, "solve"));
  g_assert_cmpuint (g_hash_table_size (poise_conversation_get_values (conversation)), ==, 0);
  g_assert_cmpint (g_date_time_compare (poise_conversation_get_started_at (conversation),
                                        first), >, 0);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

static void
test_json_round_trip (void)
{
  g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
  g_autoptr(PoiseConversation) copy = poise_conversation_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  input = parse ("{\"version\": 1, \"scenario_id\": \"shipping-delay\","
                 " \"started_at\": \"2026-11-23T10:15:00Z\","
                 " \"steps\": [\"acknowledge\", \"solve\"],"
                 " \"values\": {\"date\": \"2026-11-27\", \"name\": \"Ada\"},"
                 " \"future_field\": [1, 2]}");
  g_assert_true (poise_conversation_load_json (conversation, input, &error));
  g_assert_no_error (error);

  node = poise_conversation_to_json (conversation);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"version\":1,\"scenario_id\":\"shipping-delay\","
                   "\"started_at\":\"2026-11-23T10:15:00Z\","
                   "\"steps\":[\"acknowledge\",\"solve\"],"
                   "\"values\":{\"date\":\"2026-11-27\",\"name\":\"Ada\"}}");

  g_assert_true (poise_conversation_load_json (copy, node, &error));
  g_assert_no_error (error);
  again = poise_conversation_to_json (copy);
  text_again = json_to_string (again, FALSE);
  g_assert_cmpstr (text_again, ==, text);
}

static void
test_json_wrong_types (void)
{
  const char *bad[] = {
    "[]",
    "{\"version\": 2}",
    "{\"scenario_id\": \"x\"}",
    "{\"version\": 1, \"scenario_id\": 3}",
    "{\"version\": 1, \"started_at\": \"yesterday\"}",
    "{\"version\": 1, \"steps\": \"acknowledge\"}",
    "{\"version\": 1, \"steps\": [\"a\", 1]}",
    "{\"version\": 1, \"values\": {\"date\": 20261127}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
      g_autoptr(JsonNode) node = parse (bad[i]);
      g_autoptr(GError) error = NULL;
      guint changed = 0;

      poise_conversation_set_scenario_id (conversation, "kept");
      g_signal_connect (conversation, "changed", G_CALLBACK (count_cb), &changed);

      g_assert_false (poise_conversation_load_json (conversation, node, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpstr (poise_conversation_get_scenario_id (conversation), ==, "kept");
      g_assert_cmpuint (changed, ==, 0);
    }
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("poise-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "state", "sub", "conversation.json", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
  g_autoptr(PoiseConversation) loaded = poise_conversation_new ();
  g_autoptr(PoiseConversation) empty = poise_conversation_new ();
  g_autoptr(GDir) listing = NULL;

  g_assert_no_error (error);

  /* Missing file: not an error, stays empty. */
  g_assert_true (poise_conversation_load_from_file (empty, path, &error));
  g_assert_no_error (error);
  g_assert_null (poise_conversation_get_scenario_id (empty));

  poise_conversation_set_scenario_id (conversation, "double-charge");
  poise_conversation_set_step_done (conversation, "solve", TRUE);
  poise_conversation_set_value (conversation, "remedy", "refund");
  g_assert_true (poise_conversation_save_to_file (conversation, path, &error));
  g_assert_no_error (error);
  /* Saved again over the old file. */
  g_assert_true (poise_conversation_save_to_file (conversation, path, &error));
  g_assert_no_error (error);

  /* Only the file itself is left: the temporary one was renamed. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "conversation.json");
  g_assert_null (g_dir_read_name (listing));

  g_assert_true (poise_conversation_load_from_file (loaded, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (poise_conversation_get_scenario_id (loaded), ==, "double-charge");
  g_assert_true (poise_conversation_get_step_done (loaded, "solve"));
  g_assert_cmpstr (poise_conversation_get_value (loaded, "remedy"), ==, "refund");
  g_assert_true (g_date_time_equal (poise_conversation_get_started_at (loaded),
                                    poise_conversation_get_started_at (conversation)) ||
                 /* ISO 8601 keeps microseconds; allow for rounding. */
                 ABS (g_date_time_difference (poise_conversation_get_started_at (loaded),
                                              poise_conversation_get_started_at (conversation)))
                   < G_USEC_PER_SEC);

  g_unlink (path);
  g_rmdir (dir);
  g_rmdir (parent);
  g_rmdir (tmp);
}

static void
test_damaged_file (void)
{
  const char *damaged[] = {
    "{\"version\": 1, \"scenario_id\": \"x\"",
    "{\"version\": 1, \"scenario_id\": \"x\", \"scenario_id\": \"y\"}",
    "{\"version\": 1, \"steps\": 5}",
    "\xff\xfe",
    "",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("poise-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (tmp, "conversation.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr(PoiseConversation) conversation = poise_conversation_new ();
      g_autofree char *contents = NULL;
      g_autoptr(GError) load_error = NULL;

      g_file_set_contents (path, damaged[i], -1, &error);
      g_assert_no_error (error);
      poise_conversation_set_scenario_id (conversation, "kept");

      g_assert_false (poise_conversation_load_from_file (conversation, path, &load_error));
      g_assert_error (load_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_cmpstr (poise_conversation_get_scenario_id (conversation), ==, "kept");

      /* Left in place, byte for byte. */
      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, damaged[i]);
    }

  g_unlink (path);
  g_rmdir (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conversation/changes", test_changes);
  g_test_add_func ("/conversation/reset", test_reset);
  g_test_add_func ("/conversation/json/round-trip", test_json_round_trip);
  g_test_add_func ("/conversation/json/wrong-types", test_json_wrong_types);
  g_test_add_func ("/conversation/file/save-load", test_file);
  g_test_add_func ("/conversation/file/damaged", test_damaged_file);

  return g_test_run ();
}

/* test-note.c: the note object, its JSON and the follow-up's server fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-note"

#include "poise-follow-up.h"
#include "poise-note.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_defaults (void)
{
  g_autoptr(PoiseNote) a = poise_note_new ();
  g_autoptr(PoiseNote) b = poise_note_new ();

  g_assert_true (g_uuid_string_is_valid (poise_note_get_uuid (a)));
  g_assert_cmpstr (poise_note_get_uuid (a), !=, poise_note_get_uuid (b));
  g_assert_cmpstr (poise_note_get_body (a), ==, "");
  g_assert_cmpstr (poise_note_get_customer_ref (a), ==, "");
  g_assert_nonnull (poise_note_get_tags (a));
  g_assert_null (poise_note_get_tags (a)[0]);
  g_assert_cmpint (poise_note_get_rev (a), ==, 0);
  g_assert_null (poise_note_get_author (a));
  g_assert_nonnull (poise_note_get_created_at (a));
  g_assert_true (g_date_time_equal (poise_note_get_created_at (a), poise_note_get_updated_at (a)));
}

static void
test_json_round_trip (void)
{
  static const char * const tags[] = { "vip", "billing", NULL };
  g_autoptr(PoiseNote) note = poise_note_new ();
  g_autoptr(PoiseNote) back = NULL;
  g_autoptr(PoiseNote) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;

  poise_note_set_customer_ref (note, "T-1234");
  poise_note_set_body (note, "Called twice.\nPrefers email.");
  poise_note_set_tags (note, tags);
  poise_note_set_conflict_of (note, "8a1d1b0e-0f4b-4a8e-9b8e-2f0a3c2c9d11");
  poise_note_set_rev (note, 7);
  poise_note_set_author (note, "ana");
  poise_note_set_updated_by (note, "ben");

  json = poise_note_to_json (note);
  back = poise_note_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (poise_note_content_equal (note, back));
  g_assert_cmpint (poise_note_get_rev (back), ==, 7);
  g_assert_cmpstr (poise_note_get_author (back), ==, "ana");
  g_assert_cmpstr (poise_note_get_updated_by (back), ==, "ben");
  g_assert_true (g_strv_equal (poise_note_get_tags (back), tags));
  g_assert_true (g_date_time_equal (poise_note_get_updated_at (note), poise_note_get_updated_at (back)));

  copy = poise_note_copy (note);
  g_assert_true (poise_note_content_equal (note, copy));
  g_assert_cmpint (poise_note_get_rev (copy), ==, 7);
  poise_note_set_body (copy, "changed");
  g_assert_false (poise_note_content_equal (note, copy));
}

static void
test_json_every_bad_field (void)
{
  g_autofree char *long_ref = g_strnfill (257, 'x');
  g_autofree char *json = g_strdup_printf ("{\"uuid\":\"6a0b1f0e-5c1d-4e39-8f4e-1b2a3c4d5e6f\","
                                           "\"customer_ref\":\"%s\",\"body\":42,"
                                           "\"tags\":[\"ok\",7],\"rev\":0}", long_ref);
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseNote) note = poise_note_new_from_json (node, &error);

  g_assert_null (note);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "customer_ref: "));
  g_assert_nonnull (strstr (error->message, "; body: "));
  g_assert_nonnull (strstr (error->message, "; tags: "));
  g_assert_nonnull (strstr (error->message, "; rev: "));
  g_assert_null (strstr (error->message, "uuid"));
}

static void
test_json_limits (void)
{
  g_autofree char *body = g_strnfill (64 * 1024, 'b');
  g_autofree char *ok = g_strdup_printf ("{\"uuid\":\"6a0b1f0e-5c1d-4e39-8f4e-1b2a3c4d5e6f\","
                                         "\"customer_ref\":\"\",\"body\":\"%s\"}", body);
  g_autofree char *too_long = g_strdup_printf ("{\"uuid\":\"6a0b1f0e-5c1d-4e39-8f4e-1b2a3c4d5e6f\","
                                               "\"customer_ref\":\"\",\"body\":\"%sb\"}", body);
  g_autoptr(JsonNode) ok_node = parse (ok);
  g_autoptr(JsonNode) long_node = parse (too_long);
  g_autoptr(JsonNode) missing = parse ("{\"body\":\"x\"}");
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(GError) error = NULL;

  note = poise_note_new_from_json (ok_node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (poise_note_get_body (note)), ==, 64 * 1024);
  g_clear_object (&note);

  note = poise_note_new_from_json (long_node, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "body: "));
  g_clear_error (&error);

  note = poise_note_new_from_json (missing, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "uuid: "));
  g_assert_nonnull (strstr (error->message, "customer_ref: "));
  g_clear_error (&error);

  note = poise_note_new_from_json (array, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (note);
}

static void
test_follow_up_server_fields (void)
{
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) back = NULL;
  g_autoptr(PoiseFollowUp) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) bad = parse ("{\"uuid\":\"6a0b1f0e-5c1d-4e39-8f4e-1b2a3c4d5e6f\","
                                   "\"due_at\":\"2026-01-01T00:00:00Z\",\"rev\":\"3\"}");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (poise_follow_up_get_rev (follow_up), ==, 0);
  json = poise_follow_up_to_json (follow_up);
  g_assert_false (json_object_has_member (json_node_get_object (json), "rev"));
  g_clear_pointer (&json, json_node_unref);

  poise_follow_up_set_rev (follow_up, 12);
  poise_follow_up_set_author (follow_up, "ana");
  poise_follow_up_set_updated_by (follow_up, "ben");
  json = poise_follow_up_to_json (follow_up);
  back = poise_follow_up_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poise_follow_up_get_rev (back), ==, 12);
  g_assert_cmpstr (poise_follow_up_get_author (back), ==, "ana");
  g_assert_cmpstr (poise_follow_up_get_updated_by (back), ==, "ben");

  copy = poise_follow_up_copy (follow_up);
  g_assert_cmpint (poise_follow_up_get_rev (copy), ==, 12);
  g_assert_cmpstr (poise_follow_up_get_author (copy), ==, "ana");

  g_assert_null (poise_follow_up_new_from_json (bad, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "rev"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/note/defaults", test_defaults);
  g_test_add_func ("/note/json/round-trip", test_json_round_trip);
  g_test_add_func ("/note/json/every-bad-field", test_json_every_bad_field);
  g_test_add_func ("/note/json/limits", test_json_limits);
  g_test_add_func ("/note/follow-up-server-fields", test_follow_up_server_fields);

  return g_test_run ();
}

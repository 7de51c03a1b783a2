/* test-follow-up.c: the follow-up object and its JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-follow-up"

#include "poise-follow-up.h"

static GDateTime *
utc (const char *iso)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();

  return g_date_time_new_from_iso8601 (iso, tz);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_defaults (void)
{
  g_autoptr(PoiseFollowUp) a = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) b = poise_follow_up_new ();

  g_assert_true (g_uuid_string_is_valid (poise_follow_up_get_uuid (a)));
  g_assert_cmpstr (poise_follow_up_get_uuid (a), !=, poise_follow_up_get_uuid (b));
  g_assert_cmpint (poise_follow_up_get_status (a), ==, POISE_FOLLOW_UP_STATUS_OPEN);
  g_assert_cmpint (poise_follow_up_get_channel (a), ==, POISE_CHANNEL_CALL);
  g_assert_false (poise_follow_up_get_cancel_on_reply (a));
  g_assert_null (poise_follow_up_get_assignee (a));
  g_assert_cmpint (g_date_time_get_utc_offset (poise_follow_up_get_due_at (a)), ==, 0);
}

static void
test_times_normalized (void)
{
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *text = NULL;
  guint notified = 0;

  g_assert_nonnull (berlin);
  local = g_date_time_new (berlin, 2026, 3, 29, 10, 15, 30.75);
  g_signal_connect (follow_up, "notify::due-at", G_CALLBACK (count_notify_cb), &notified);
  poise_follow_up_set_due_at (follow_up, local);
  poise_follow_up_set_due_at (follow_up, local);
  g_assert_cmpuint (notified, ==, 1);

  text = g_date_time_format_iso8601 (poise_follow_up_get_due_at (follow_up));
  g_assert_cmpstr (text, ==, "2026-03-29T08:15:30Z");
}

static void
test_json_round_trip (void)
{
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) copy = NULL;
  g_autoptr(GDateTime) due = utc ("2026-11-27T09:00:00Z");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  poise_follow_up_set_customer_name (follow_up, "Jördis Ünal");
  poise_follow_up_set_customer_ref (follow_up, "ORD-4711");
  poise_follow_up_set_contact (follow_up, "+49 30 1234567");
  poise_follow_up_set_channel (follow_up, POISE_CHANNEL_EMAIL);
  poise_follow_up_set_promise (follow_up, "If it hasn't arrived by Friday, I'll contact you personally.");
  poise_follow_up_set_due_at (follow_up, due);
  poise_follow_up_set_cancel_on_reply (follow_up, TRUE);
  poise_follow_up_set_status (follow_up, POISE_FOLLOW_UP_STATUS_DONE);
  poise_follow_up_set_note (follow_up, "Carrier: DHL");
  poise_follow_up_set_assignee (follow_up, "kim");

  node = poise_follow_up_to_json (follow_up);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (strstr (text, "\"due_at\":\"2026-11-27T09:00:00Z\""));
  g_assert_nonnull (strstr (text, "\"channel\":\"email\""));

  copy = poise_follow_up_new_from_json (node, &error);
  g_assert_no_error (error);
  again = poise_follow_up_to_json (copy);
  text_again = json_to_string (again, FALSE);
  g_assert_cmpstr (text, ==, text_again);

  g_clear_object (&copy);
  copy = poise_follow_up_copy (follow_up);
  g_clear_pointer (&text_again, g_free);
  g_clear_pointer (&again, json_node_unref);
  again = poise_follow_up_to_json (copy);
  text_again = json_to_string (again, FALSE);
  g_assert_cmpstr (text, ==, text_again);
}

static void
test_json_tolerant (void)
{
  g_autoptr(JsonNode) node =
    json_from_string ("{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\","
                      "\"due_at\":\"2026-01-02T03:04:05+01:00\","
                      "\"colour\":\"teal\",\"future\":{\"x\":[1,2]}}", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new_from_json (node, &error);
  g_autofree char *due = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (poise_follow_up_get_uuid (follow_up), ==, "0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60");
  due = g_date_time_format_iso8601 (poise_follow_up_get_due_at (follow_up));
  g_assert_cmpstr (due, ==, "2026-01-02T02:04:05Z");
  g_assert_null (poise_follow_up_get_customer_name (follow_up));
  g_assert_cmpint (poise_follow_up_get_status (follow_up), ==, POISE_FOLLOW_UP_STATUS_OPEN);
}

static void
test_json_strict (void)
{
  static const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "[]", "JSON object" },
    { "{\"due_at\":\"2026-01-02T03:04:05Z\"}", "\"uuid\"" },
    { "{\"uuid\":\"nope\",\"due_at\":\"2026-01-02T03:04:05Z\"}", "\"uuid\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\"}", "\"due_at\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":1700000000}", "\"due_at\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":\"2026-01-02T03:04:05Z\","
      "\"customer_name\":42}", "\"customer_name\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":\"2026-01-02T03:04:05Z\","
      "\"channel\":\"fax\"}", "\"channel\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":\"2026-01-02T03:04:05Z\","
      "\"status\":\"open?\"}", "\"status\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":\"2026-01-02T03:04:05Z\","
      "\"cancel_on_reply\":\"yes\"}", "\"cancel_on_reply\"" },
    { "{\"uuid\":\"0b7e8c1a-3f59-4e1f-9d7a-2b1c3d4e5f60\",\"due_at\":\"2026-01-02T03:04:05Z\","
      "\"created_at\":\"yesterday\"}", "\"created_at\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new_from_json (node, &error);

      g_assert_null (follow_up);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/follow-up/defaults", test_defaults);
  g_test_add_func ("/follow-up/times-normalized", test_times_normalized);
  g_test_add_func ("/follow-up/json/round-trip", test_json_round_trip);
  g_test_add_func ("/follow-up/json/tolerant", test_json_tolerant);
  g_test_add_func ("/follow-up/json/strict", test_json_strict);

  return g_test_run ();
}

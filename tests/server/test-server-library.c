/* test-server-library.c: the script library routes of the real poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Publishing, history, rollback, the validator's 422s, the live
 * announcement and the 8 MiB body limit, over HTTP against the binary.
 */
#include "server-fixture.h"

#include <string.h>

static TestServer *server;
static char *supervisor;
static char *agent;

/* Helpers */

static char *
read_data (const char *first,
           ...)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  char *text = NULL;
  va_list args;

  g_ptr_array_add (parts, (char *) g_getenv ("G_TEST_SRCDIR"));
  g_ptr_array_add (parts, (char *) first);
  va_start (args, first);
  while ((part = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (parts, (char *) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static char *
small_library (void)
{
  return read_data ("tests", "data", "library-small.json", NULL);
}

/* library-small.json changed by @mutate. */
static char *
small_library_with (void (*mutate) (JsonObject *root))
{
  g_autofree char *text = small_library ();
  g_autoptr(JsonNode) root = json_from_string (text, NULL);

  g_assert_nonnull (root);
  mutate (json_node_get_object (root));
  return json_to_string (root, FALSE);
}

static char *
json_quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return json_to_string (node, FALSE);
}

/* {"base_version":BASE,"message":MESSAGE,EXTRA"library":LIBRARY} */
static char *
publish_body (gint64      base,
              const char *message,
              const char *extra,
              const char *library)
{
  g_autofree char *quoted = json_quote (message);

  return g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT ",\"message\":%s,%s\"library\":%s}",
                          base, quoted, extra != NULL ? extra : "", library);
}

static TestReply *
post (SoupSession *session,
      const char  *token,
      const char  *body)
{
  g_autofree char *url = test_url (server, "/library/versions");

  return test_request (session, "POST", url, token, body, NULL);
}

static TestReply *
get (SoupSession *session,
     const char  *path)
{
  g_autofree char *url = test_url (server, path);

  return test_request (session, "GET", url, supervisor, NULL, NULL);
}

static gint64
current_version (SoupSession *session)
{
  g_autoptr(TestReply) reply = get (session, "/library/versions");
  JsonArray *versions;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (reply->json));
  versions = json_node_get_array (reply->json);
  return json_object_get_int_member (json_array_get_object_element (versions, json_array_get_length (versions) - 1),
                                     "version");
}

/* Publishes library-small.json on top of the current version. */
static gint64
publish_small (SoupSession *session,
               const char  *message)
{
  g_autofree char *library = small_library ();
  g_autofree char *body = publish_body (current_version (session), message, NULL, library);
  g_autoptr(TestReply) reply = post (session, supervisor, body);

  g_assert_cmpuint (reply->status, ==, 201);
  return test_reply_int (reply, "version");
}

static JsonArray *
problems_of (TestReply *reply)
{
  JsonObject *error = json_object_get_object_member (json_node_get_object (reply->json), "error");

  return json_object_get_array_member (error, "problems");
}

/* Asserts a 422 whose problems are exactly @path: @message, in order
 * (NULL-terminated pairs). */
static void
assert_problems (TestReply  *reply,
                 const char *code,
                 ...)
{
  JsonArray *problems;
  const char *path;
  guint i = 0;
  va_list args;

  g_assert_cmpuint (reply->status, ==, 422);
  g_assert_cmpstr (test_reply_error_code (reply), ==, code);
  problems = problems_of (reply);
  va_start (args, code);
  while ((path = va_arg (args, const char *)) != NULL)
    {
      const char *message = va_arg (args, const char *);
      JsonObject *problem;

      g_assert_cmpuint (i, <, json_array_get_length (problems));
      problem = json_array_get_object_element (problems, i++);
      g_assert_cmpstr (json_object_get_string_member (problem, "path"), ==, path);
      g_assert_cmpstr (json_object_get_string_member (problem, "message"), ==, message);
    }
  va_end (args);
  g_assert_cmpuint (i, ==, json_array_get_length (problems));
}

/* Tests */

/* Before any publish: the built-in default, byte for byte, as version 1. */
static void
test_default (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *expected = read_data ("data", "library", "default.json", NULL);
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, expected, -1);
  g_autofree char *url = test_url (server, "/library");
  g_autoptr(TestReply) reply = get (session, "/library");
  g_autoptr(TestReply) again = NULL;
  g_autoptr(TestReply) list = NULL;
  g_autoptr(TestReply) one = NULL;
  g_autoptr(TestReply) anonymous = NULL;
  JsonObject *first;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (reply->body, ==, expected);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "ETag"), ==, "\"1\"");
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "X-Library-SHA256"), ==, sha256);

  again = test_request (session, "GET", url, agent, NULL, "If-None-Match", "\"1\"", NULL);
  g_assert_cmpuint (again->status, ==, 304);
  g_assert_cmpstr (again->body, ==, "");

  list = get (session, "/library/versions");
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list->json)), ==, 1);
  first = json_array_get_object_element (json_node_get_array (list->json), 0);
  g_assert_cmpint (json_object_get_int_member (first, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "sha256"), ==, sha256);
  g_assert_nonnull (json_object_get_string_member (first, "author"));
  g_assert_nonnull (json_object_get_string_member (first, "message"));
  g_assert_nonnull (json_object_get_string_member (first, "published_at"));

  one = get (session, "/library/versions/1");
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpstr (one->body, ==, expected);

  anonymous = test_request (session, "GET", url, NULL, NULL, NULL);
  g_assert_cmpuint (anonymous->status, ==, 401);
}

static void
test_unknown_versions (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  const char *paths[] = { "/library/versions/999", "/library/versions/0",
                          "/library/versions/abc", "/library/versions/-1", "/library/nothing" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(TestReply) reply = get (session, paths[i]);

      g_assert_cmpuint (reply->status, ==, 404);
      g_assert_cmpstr (test_reply_error_code (reply), ==, "not_found");
    }
}

/* Agents read; only supervisors publish. */
static void
test_roles (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 before = current_version (session);
  g_autofree char *library = small_library ();
  g_autofree char *body = publish_body (before, "An agent tries", NULL, library);
  g_autoptr(TestReply) reply = post (session, agent, body);
  g_autoptr(TestReply) anonymous = post (session, NULL, body);
  g_autoptr(TestReply) bad = post (session, "poise_not-a-token", body);

  g_assert_cmpuint (reply->status, ==, 403);
  g_assert_cmpstr (test_reply_error_code (reply), ==, "forbidden");
  g_assert_cmpuint (anonymous->status, ==, 401);
  g_assert_cmpuint (bad->status, ==, 401);
  g_assert_cmpint (current_version (session), ==, before);
}

/* The bytes come back exactly as published; ETags follow the version. */
static void
test_publish (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 base = current_version (session);
  /* Odd spacing on purpose: stored verbatim, not re-serialised. */
  g_autofree char *small = small_library ();
  g_autofree char *library = g_strconcat ("  ", small, "\n\n", NULL);
  g_autofree char *body = publish_body (base, "Shorter scripts", NULL, library);
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, library, -1);
  g_autofree char *url = test_url (server, "/library");
  g_autofree char *etag = NULL;
  g_autofree char *old_etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", base);
  g_autoptr(TestReply) reply = post (session, supervisor, body);
  g_autoptr(TestReply) current = NULL;
  g_autoptr(TestReply) changed = NULL;
  g_autoptr(TestReply) same = NULL;
  g_autoptr(TestReply) stored = NULL;

  g_assert_cmpuint (reply->status, ==, 201);
  g_assert_cmpint (test_reply_int (reply, "version"), ==, base + 1);
  g_assert_cmpstr (test_reply_string (reply, "author"), ==, "sup");
  g_assert_cmpstr (test_reply_string (reply, "message"), ==, "Shorter scripts");
  g_assert_cmpstr (test_reply_string (reply, "sha256"), ==, sha256);
  g_assert_nonnull (test_reply_string (reply, "published_at"));

  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", base + 1);
  current = test_request (session, "GET", url, agent, NULL, NULL);
  g_assert_cmpuint (current->status, ==, 200);
  g_assert_cmpstr (current->body, ==, library);
  g_assert_cmpstr (soup_message_headers_get_one (current->headers, "ETag"), ==, etag);

  changed = test_request (session, "GET", url, agent, NULL, "If-None-Match", old_etag, NULL);
  g_assert_cmpuint (changed->status, ==, 200);
  g_assert_cmpstr (changed->body, ==, library);
  same = test_request (session, "GET", url, agent, NULL, "If-None-Match", etag, NULL);
  g_assert_cmpuint (same->status, ==, 304);

  stored = get (session, "/library/versions/1");
  g_assert_cmpuint (stored->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (stored->headers, "ETag"), ==, "\"1\"");
}

/* Two supervisors from the same base: the second gets 409 with the
 * version to pull, and nothing is overwritten. */
static void
test_stale_base (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 base = current_version (session);
  g_autofree char *library = small_library ();
  g_autofree char *first = publish_body (base, "First", NULL, library);
  g_autofree char *second = publish_body (base, "Second", NULL, library);
  g_autofree char *future = publish_body (base + 5, "From the future", NULL, library);
  g_autoptr(TestReply) one = post (session, supervisor, first);
  g_autoptr(TestReply) two = post (session, supervisor, second);
  g_autoptr(TestReply) three = post (session, supervisor, future);
  g_autoptr(TestReply) list = NULL;
  JsonObject *last;

  g_assert_cmpuint (one->status, ==, 201);
  g_assert_cmpuint (two->status, ==, 409);
  g_assert_cmpstr (test_reply_error_code (two), ==, "conflict");
  g_assert_cmpint (test_reply_int (two, "current_version"), ==, base + 1);
  g_assert_nonnull (strstr (two->body, "pull"));
  g_assert_cmpuint (three->status, ==, 409);

  list = get (session, "/library/versions");
  last = json_array_get_object_element (json_node_get_array (list->json),
                                        json_array_get_length (json_node_get_array (list->json)) - 1);
  g_assert_cmpint (json_object_get_int_member (last, "version"), ==, base + 1);
  g_assert_cmpstr (json_object_get_string_member (last, "message"), ==, "First");
}

static void
drop_scenarios (JsonObject *root)
{
  json_object_remove_member (root, "scenarios");
}

static JsonObject *
scenario (JsonObject *root,
          guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (root, "scenarios"), i);
}

static void
drop_script (JsonObject *root)
{
  json_object_remove_member (scenario (root, 1), "script");
}

static void
duplicate_id (JsonObject *root)
{
  json_object_set_string_member (scenario (root, 2), "id", "double-charge");
}

static void
unknown_placeholder (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (scenario (root, 0), "script"),
                                 "en", "Hello [nobody].");
}

static void
wrong_type (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (scenario (root, 0), "title"), "de", 5);
}

static void
several (JsonObject *root)
{
  duplicate_id (root);
  unknown_placeholder (root);
  wrong_type (root);
}

static void
drop_german_script (JsonObject *root)
{
  json_object_remove_member (json_object_get_object_member (scenario (root, 0), "script"), "de");
}

/* Every class of mistake: 422 with each problem's exact path; nothing
 * published. */
static void
test_invalid (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 base = current_version (session);
  g_autofree char *bad = read_data ("tests", "data", "library-bad.json", NULL);
  struct {
    void        (*mutate) (JsonObject *root);
    const char   *problems[8];
  } cases[] = {
    { drop_scenarios, { "", "missing required field \"scenarios\"" } },
    { drop_script, { "scenarios[1]", "missing required field \"script\"" } },
    { duplicate_id, { "scenarios[2].id", "duplicate id \"double-charge\" (first at scenarios[0].id)" } },
    { unknown_placeholder, { "scenarios[0].script.en", "placeholder [nobody] is not declared" } },
    { wrong_type, { "scenarios[0].title.de", "expected a string, got a number" } },
    { several, { "scenarios[0].title.de", "expected a string, got a number",
                 "scenarios[0].script.en", "placeholder [nobody] is not declared",
                 "scenarios[2].id", "duplicate id \"double-charge\" (first at scenarios[0].id)" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *library = small_library_with (cases[i].mutate);
      g_autofree char *body = publish_body (base, "Broken", NULL, library);
      g_autoptr(TestReply) reply = post (session, supervisor, body);
      JsonArray *problems;

      g_test_message ("case %u", i);
      g_assert_cmpuint (reply->status, ==, 422);
      g_assert_cmpstr (test_reply_error_code (reply), ==, "invalid_library");
      problems = problems_of (reply);
      for (guint j = 0; cases[i].problems[j] != NULL; j += 2)
        {
          JsonObject *problem;

          g_assert_cmpuint (j / 2, <, json_array_get_length (problems));
          problem = json_array_get_object_element (problems, j / 2);
          g_assert_cmpstr (json_object_get_string_member (problem, "path"), ==, cases[i].problems[j]);
          g_assert_cmpstr (json_object_get_string_member (problem, "message"), ==, cases[i].problems[j + 1]);
          g_assert_cmpstr (json_object_get_string_member (problem, "severity"), ==, "error");
        }
      g_assert_cmpuint (json_array_get_length (problems) * 2, ==, g_strv_length ((char **) cases[i].problems));
    }

  {
    g_autofree char *body = publish_body (base, "Broken", NULL, bad);
    g_autoptr(TestReply) reply = post (session, supervisor, body);

    assert_problems (reply, "invalid_library",
                     "checklist[0].cues.en", "expected an array of strings, got a string",
                     "scenarios[0].category", "unknown category \"nowhere\"",
                     "scenarios[0].triggers.en", "expected an array of strings, got a string",
                     NULL);
  }

  /* Not JSON at all: 400 naming where. */
  {
    g_autofree char *body = publish_body (base, "Broken", NULL, "{\"format\": 1,}");
    g_autoptr(TestReply) reply = post (session, supervisor, body);

    g_assert_cmpuint (reply->status, ==, 400);
    g_assert_cmpstr (test_reply_error_code (reply), ==, "invalid_json");
  }

  /* The envelope's own fields. */
  {
    const char *bodies[] = {
      "[1]",
      "{\"message\":\"No base\",\"library\":{}}",
      "{\"base_version\":\"1\",\"message\":\"Base as text\",\"library\":{}}",
      "{\"base_version\":1,\"library\":{}}",
      "{\"base_version\":1,\"message\":\"   \",\"library\":{}}",
      "{\"base_version\":1,\"message\":\"No library\"}",
      "{\"base_version\":1,\"message\":\"Text\",\"library\":\"{}\"}",
      "{\"base_version\":1,\"message\":\"Both\",\"library\":{},\"rollback_to\":1}",
      "{\"base_version\":1,\"message\":\"Flag\",\"library\":{},\"allow_incomplete\":1}",
    };
    const char *fields[] = {
      "must be a JSON object", "base_version: required", "base_version: must be",
      "message: required", "message: required", "library: required", "library: must be an object",
      "library: give either", "allow_incomplete: must be",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(TestReply) reply = post (session, supervisor, bodies[i]);
        JsonObject *error;

        g_test_message ("envelope %u", i);
        g_assert_cmpuint (reply->status, ==, 422);
        g_assert_cmpstr (test_reply_error_code (reply), ==, "invalid_fields");
        error = json_object_get_object_member (json_node_get_object (reply->json), "error");
        g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), fields[i]));
      }
  }

  g_assert_cmpint (current_version (session), ==, base);
}

/* A missing translation: refused unless allow_incomplete. */
static void
test_incomplete (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 base = current_version (session);
  g_autofree char *library = small_library_with (drop_german_script);
  g_autofree char *refused_body = publish_body (base, "Half German", NULL, library);
  g_autofree char *forced_body = publish_body (base, "Half German", "\"allow_incomplete\":true,", library);
  g_autoptr(TestReply) refused = post (session, supervisor, refused_body);
  g_autoptr(TestReply) forced = NULL;
  JsonObject *problem;

  assert_problems (refused, "incomplete_library",
                   "scenarios[0].script.de", "missing German text (falls back to English)", NULL);
  problem = json_array_get_object_element (problems_of (refused), 0);
  g_assert_cmpstr (json_object_get_string_member (problem, "severity"), ==, "incomplete");
  g_assert_cmpint (current_version (session), ==, base);

  forced = post (session, supervisor, forced_body);
  g_assert_cmpuint (forced->status, ==, 201);
  g_assert_cmpint (test_reply_int (forced, "version"), ==, base + 1);
}

/* A rollback is a new version with the old one's exact bytes. */
static void
test_rollback (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 published = publish_small (session, "Before the rollback");
  g_autoptr(TestReply) original = get (session, "/library/versions/1");
  g_autofree char *body = g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT ","
                                           "\"message\":\"Back to the default\",\"rollback_to\":1}",
                                           published);
  g_autofree char *missing = g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT ","
                                              "\"message\":\"Nowhere\",\"rollback_to\":999}",
                                              published + 1);
  g_autofree char *stale = g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT ","
                                            "\"message\":\"Stale\",\"rollback_to\":1}", published);
  g_autofree char *path = NULL;
  g_autoptr(TestReply) reply = post (session, supervisor, body);
  g_autoptr(TestReply) current = NULL;
  g_autoptr(TestReply) again = NULL;
  g_autoptr(TestReply) unknown = NULL;
  g_autoptr(TestReply) old = NULL;

  g_assert_cmpuint (reply->status, ==, 201);
  g_assert_cmpint (test_reply_int (reply, "version"), ==, published + 1);
  g_assert_cmpint (test_reply_int (reply, "rollback_of"), ==, 1);
  g_assert_cmpstr (test_reply_string (reply, "sha256"), ==,
                   soup_message_headers_get_one (original->headers, "X-Library-SHA256"));

  path = g_strdup_printf ("/library/versions/%" G_GINT64_FORMAT, published + 1);
  again = get (session, path);
  g_assert_cmpstr (again->body, ==, original->body);
  current = get (session, "/library");
  g_assert_cmpstr (current->body, ==, original->body);

  /* History is kept: the version rolled back from is still there. */
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/library/versions/%" G_GINT64_FORMAT, published);
  old = get (session, path);
  g_assert_cmpuint (old->status, ==, 200);
  g_assert_cmpstr (old->body, !=, original->body);

  unknown = post (session, supervisor, missing);
  g_assert_cmpuint (unknown->status, ==, 422);
  g_assert_nonnull (strstr (unknown->body, "rollback_to"));
  g_clear_pointer (&unknown, test_reply_free);
  unknown = post (session, supervisor, stale);
  g_assert_cmpuint (unknown->status, ==, 409);
}

/* A retried publish (same Idempotency-Key) does not publish twice. */
static void
test_idempotent (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = test_url (server, "/library/versions");
  gint64 base = current_version (session);
  g_autofree char *library = small_library ();
  g_autofree char *body = publish_body (base, "Retried", NULL, library);
  g_autofree char *key = test_uuid ();
  g_autoptr(TestReply) first = test_request (session, "POST", url, supervisor, body,
                                             "Idempotency-Key", key, NULL);
  g_autoptr(TestReply) retry = test_request (session, "POST", url, supervisor, body,
                                             "Idempotency-Key", key, NULL);
  g_autoptr(TestReply) bad_key = test_request (session, "POST", url, supervisor, body,
                                               "Idempotency-Key", "not-a-uuid", NULL);

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (retry->status, ==, 201);
  g_assert_cmpstr (retry->body, ==, first->body);
  g_assert_cmpint (current_version (session), ==, base + 1);
  g_assert_cmpuint (bad_key->status, ==, 400);
}

/* Every connected client hears of a publish, with its message, within a
 * second of the answer. */
static void
test_live (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) publisher = soup_session_new ();
  g_autoptr(JsonNode) poke = NULL;
  TestLive live = { 0 };
  gint64 version, answered_at;
  /* The sanitizer build runs several times slower (tests/sanitizers). */
  gint64 scale = test_time_scale ();
  JsonObject *object;

  test_live_connect (&live, session, server, agent);
  g_assert_nonnull (live.connection);

  version = publish_small (publisher, "Live \"quoted\" message ✓");
  answered_at = g_get_monotonic_time ();
  /* It may have come while the publish itself was waiting. */
  if (live.text == NULL)
    test_live_wait (&live);
  g_assert_nonnull (live.text);
  g_assert_cmpint (live.received_at - answered_at, <, scale * G_USEC_PER_SEC);

  poke = json_from_string (live.text, NULL);
  g_assert_nonnull (poke);
  object = json_node_get_object (poke);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "library");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, version);
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "Live \"quoted\" message ✓");

  soup_websocket_connection_close (live.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  test_live_clear (&live);
}

/* A body of @size bytes: library-small.json padded with spaces. */
static char *
padded_body (gint64 base,
             gsize  size)
{
  g_autofree char *small = small_library ();
  g_autofree char *empty = publish_body (base, "Big", NULL, small);
  gsize pad = size - strlen (empty);
  g_autofree char *spaces = g_malloc (pad + 1);

  g_assert_cmpuint (size, >, strlen (empty));
  memset (spaces, ' ', pad);
  spaces[pad] = '\0';
  return publish_body (base, "Big", spaces, small);
}

/* 8 MiB on the publish route, 1 MiB everywhere else. */
static void
test_limits (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 base = current_version (session);
  g_autofree char *big = padded_body (base, 3 * 1024 * 1024);
  g_autofree char *too_big = padded_body (base, 8 * 1024 * 1024 + 1);
  g_autofree char *just = padded_body (base + 1, 8 * 1024 * 1024);
  g_autofree char *uuid = test_uuid ();
  g_autofree char *key = test_uuid ();
  g_autofree char *note_url = g_strdup_printf ("%s/notes/%s", server->base, uuid);
  g_autofree char *note = NULL;
  g_autofree char *padding = g_malloc (1024 * 1024 + 1);
  g_autoptr(TestReply) accepted = NULL;
  g_autoptr(TestReply) refused = NULL;
  g_autoptr(TestReply) limit = NULL;
  g_autoptr(TestReply) note_reply = NULL;

  g_assert_cmpuint (strlen (big), ==, 3 * 1024 * 1024);
  accepted = post (session, supervisor, big);
  g_assert_cmpuint (accepted->status, ==, 201);

  refused = post (session, supervisor, too_big);
  g_assert_cmpuint (refused->status, ==, 413);
  g_assert_nonnull (strstr (refused->body, "8 MiB"));

  g_assert_cmpuint (strlen (just), ==, 8 * 1024 * 1024);
  limit = post (session, supervisor, just);
  g_assert_cmpuint (limit->status, ==, 201);

  /* Elsewhere the limit is still 1 MiB. */
  memset (padding, ' ', 1024 * 1024);
  padding[1024 * 1024] = '\0';
  note = g_strconcat (padding, "{\"customer_ref\":\"C\",\"body\":\"b\"}", NULL);
  note_reply = test_request (session, "PUT", note_url, supervisor, note,
                             "If-None-Match", "*", "Idempotency-Key", key, NULL);
  g_assert_cmpuint (note_reply->status, ==, 413);
  g_assert_nonnull (strstr (note_reply->body, "1 MiB"));
}

/* Versions survive a restart. */
static void
test_restart (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  gint64 version = publish_small (session, "Kept over a restart");
  g_autofree char *dir = g_strdup (server->dir);
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
  g_autoptr(TestReply) reply = NULL;

  test_server_stop (server);
  g_free (server->dir);
  server->dir = NULL;
  test_server_free (server);
  server = test_server_start (dir);

  reply = get (session, "/library");
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "ETag"), ==, etag);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = test_server_start (NULL);
  supervisor = test_server_add_user (server, "sup", "supervisor");
  agent = test_server_add_user (server, "agent", "agent");

  /* In this order: the first sees the server before any publish. */
  g_test_add_func ("/library/default", test_default);
  g_test_add_func ("/library/unknown-versions", test_unknown_versions);
  g_test_add_func ("/library/roles", test_roles);
  g_test_add_func ("/library/publish", test_publish);
  g_test_add_func ("/library/stale-base", test_stale_base);
  g_test_add_func ("/library/invalid", test_invalid);
  g_test_add_func ("/library/incomplete", test_incomplete);
  g_test_add_func ("/library/rollback", test_rollback);
  g_test_add_func ("/library/idempotent", test_idempotent);
  g_test_add_func ("/library/live", test_live);
  g_test_add_func ("/library/limits", test_limits);
  g_test_add_func ("/library/restart", test_restart);
  status = g_test_run ();

  test_server_free (server);
  g_free (supervisor);
  g_free (agent);
  return status;
}

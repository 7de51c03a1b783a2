/* test-json-guard.c: the strict JSON guard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-json-guard"

#include "poise-json-guard.h"

#include <string.h>

static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES, POISE_JSON_MAX_DEPTH };

static void
assert_rejected (const char     *json,
                 PoiseJsonError  code,
                 const char     *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (poise_json_guard_check (json, strlen (json), &limits, &error));
  g_assert_error (error, POISE_JSON_ERROR, (gint) code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
assert_accepted (const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (poise_json_guard_check (json, strlen (json), &limits, &error));
  g_assert_no_error (error);
}

static void
test_accepts_valid (void)
{
  assert_accepted ("{}");
  assert_accepted ("[]");
  assert_accepted ("0");
  assert_accepted ("  \"x\"\n");
  assert_accepted ("{\"a\": [1, -2, 3.5, 1e10, -0.5E-3, true, false, null], \"b\": {}}");
  assert_accepted ("{\"s\": \"tab\\t quote\\\" \\u00e9 \\ud83d\\ude00 \\/ ä\"}");
  assert_accepted ("[9007199254740992, -9007199254740992]");
  assert_accepted ("[9007199254740993.0]");
  assert_accepted ("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}}");
}

static void
test_duplicate_key (void)
{
  assert_rejected ("{\"scenarios\": [{}, {}, {}, {\"title\": {\"en\": \"a\", \"en\": \"b\"}}]}",
                   POISE_JSON_ERROR_DUPLICATE_KEY,
                   "scenarios[3].title: duplicate key \"en\" (byte 49)");
  /* Root level: no path. */
  assert_rejected ("{\"a\": 1, \"a\": 2}", POISE_JSON_ERROR_DUPLICATE_KEY,
                   "duplicate key \"a\" (byte 9)");
  /* Keys compare decoded. */
  assert_rejected ("{\"a\": 1, \"\\u0061\": 2}", POISE_JSON_ERROR_DUPLICATE_KEY,
                   "duplicate key \"a\" (byte 9)");
}

static void
test_duplicate_key_many (void)
{
  g_autoptr(GString) json = g_string_new ("{");

  /* Past the linear scan, into the hash set. */
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (json, "\"k%u\": %u, ", i, i);
  g_string_append (json, "\"k33\": 0}");

  {
    g_autoptr(GError) error = NULL;
    g_assert_false (poise_json_guard_check (json->str, json->len, &limits, &error));
    g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_DUPLICATE_KEY);
    g_assert_true (g_str_has_prefix (error->message, "duplicate key \"k33\" (byte "));
  }
}

static void
test_too_deep (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 64; i++)
    g_string_append_c (ok, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c (ok, ']');
  assert_accepted (ok->str);

  for (guint i = 0; i < 32; i++)
    g_string_append (deep, "{\"a\":[");
  g_string_append (deep, "{}");
  g_assert_false (poise_json_guard_check (deep->str, deep->len, &limits, &error));
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, "a[0].a[0]"));
  g_assert_true (g_str_has_suffix (error->message,
                                   ".a[0]: nested deeper than 64 levels (byte 192)"));
}

static void
test_ten_million_brackets (void)
{
  gsize n = 10 * 1000 * 1000;
  g_autofree char *data = g_malloc (n);
  g_autoptr(GError) error = NULL;
  PoiseJsonLimits no_size_limit = { 0, 0 };
  gint64 start;

  memset (data, '[', n);
  start = g_get_monotonic_time ();
  g_assert_false (poise_json_guard_check (data, n, &no_size_limit, &error));
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_DEEP);
  /* It stops at the 65th bracket; the UTF-8 pass is the only full scan. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_too_large (void)
{
  PoiseJsonLimits small = { 10, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (poise_json_guard_check ("[1, 2, 3, 4]", 12, &small, &error));
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "input is 12 bytes, more than the limit of 10 bytes");
}

static void
test_invalid_utf8 (void)
{
  assert_rejected ("{\"a\": \"\xc3\x28\"}", POISE_JSON_ERROR_INVALID_UTF8,
                   "invalid UTF-8 (byte 7)");
  assert_rejected ("[\"\xed\xa0\x80\"]", POISE_JSON_ERROR_INVALID_UTF8,
                   "invalid UTF-8 (byte 2)");
}

static void
test_number_range (void)
{
  assert_rejected ("{\"n\": 9007199254740993}", POISE_JSON_ERROR_NUMBER_RANGE,
                   "n: integer out of range (beyond ±2^53) (byte 6)");
  assert_rejected ("[1, -9007199254740993]", POISE_JSON_ERROR_NUMBER_RANGE,
                   "[1]: integer out of range (beyond ±2^53) (byte 4)");
  assert_rejected ("[123456789012345678901234567890]", POISE_JSON_ERROR_NUMBER_RANGE,
                   "[0]: integer out of range (beyond ±2^53) (byte 1)");
  /* Doubles that overflow to infinity; 2^63 written as a double is fine. */
  assert_rejected ("{\"n\": 1e400}", POISE_JSON_ERROR_NUMBER_RANGE,
                   "n: number out of range (beyond ±1.7e308) (byte 6)");
  assert_rejected ("[-1.5E+309]", POISE_JSON_ERROR_NUMBER_RANGE,
                   "[0]: number out of range (beyond ±1.7e308) (byte 1)");
  assert_accepted ("[9.2233720368547758e18, 1e-400, 1.7e308]");
}

static void
test_not_strict (void)
{
  assert_rejected ("", POISE_JSON_ERROR_SYNTAX, "empty input (byte 0)");
  assert_rejected ("  \n", POISE_JSON_ERROR_SYNTAX, "empty input (byte 3)");
  assert_rejected ("{\"a\": 1} // comment", POISE_JSON_ERROR_SYNTAX,
                   "unexpected data after the end of the document (byte 9)");
  assert_rejected ("/* c */ {}", POISE_JSON_ERROR_SYNTAX,
                   "unexpected character '/', expected a value (byte 0)");
  assert_rejected ("{\"a\": /* c */ 1}", POISE_JSON_ERROR_SYNTAX,
                   "a: unexpected character '/', expected a value (byte 6)");
  assert_rejected ("{'a': 1}", POISE_JSON_ERROR_SYNTAX,
                   "unexpected character ''', expected a string key (byte 1)");
  assert_rejected ("[0x10]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: unexpected character 'x', expected ',' or ']' (byte 2)");
  assert_rejected ("[1, 2,]", POISE_JSON_ERROR_SYNTAX, "[1]: trailing comma (byte 6)");
  assert_rejected ("{\"a\": 1,}", POISE_JSON_ERROR_SYNTAX, "a: trailing comma (byte 8)");
  assert_rejected ("[01]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: leading zeros are not allowed (byte 1)");
  assert_rejected ("[\"a\tb\"]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: control character 0x09 in a string (escape it) (byte 3)");
  assert_rejected ("[\"\\x41\"]", POISE_JSON_ERROR_SYNTAX, "[0]: invalid escape \\x (byte 2)");
  assert_rejected ("[\"\\ud800\"]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: lone surrogate \\uD800 in a string (byte 2)");
  assert_rejected ("[\"\\udc00\\ud800\"]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: lone surrogate \\uDC00 in a string (byte 2)");
  assert_rejected ("[\"\\u12\"]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: invalid \\u escape (expected four hex digits) (byte 2)");
  assert_rejected ("{\"a\": [1, 2}", POISE_JSON_ERROR_SYNTAX,
                   "a[1]: unexpected character '}', expected ',' or ']' (byte 11)");
  assert_rejected ("{\"a\" 1}", POISE_JSON_ERROR_SYNTAX,
                   "a: unexpected character '1', expected ':' (byte 5)");
  assert_rejected ("[1", POISE_JSON_ERROR_SYNTAX,
                   "[0]: unexpected end of input, expected ',' or ']' (byte 2)");
  assert_rejected ("[\"abc", POISE_JSON_ERROR_SYNTAX, "[0]: unterminated string (byte 5)");
  assert_rejected ("[tru]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: unexpected character 't', expected a value (byte 1)");
  assert_rejected ("[NaN]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: unexpected character 'N', expected a value (byte 1)");
  assert_rejected ("[1.]", POISE_JSON_ERROR_SYNTAX, "[0]: expected digits after '.' (byte 3)");
  assert_rejected ("[+1]", POISE_JSON_ERROR_SYNTAX,
                   "[0]: unexpected character '+', expected a value (byte 1)");
  assert_rejected ("{} {}", POISE_JSON_ERROR_SYNTAX,
                   "unexpected data after the end of the document (byte 3)");
  assert_rejected ("var x = {}", POISE_JSON_ERROR_SYNTAX,
                   "unexpected character 'v', expected a value (byte 0)");
}

static void
test_parse_guarded (void)
{
  g_autoptr(GBytes) good = g_bytes_new_static ("{\"a\": [1, 2]}", 13);
  g_autoptr(GBytes) bad = g_bytes_new_static ("{\"a\": 1, \"a\": 2}", 16);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) none = NULL;
  g_autoptr(GError) error = NULL;

  root = poise_json_parse_guarded (good, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_node_get_object (root), "a")), ==, 2);

  none = poise_json_parse_guarded (bad, &limits, &error);
  g_assert_null (none);
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_DUPLICATE_KEY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-guard/accepts-valid", test_accepts_valid);
  g_test_add_func ("/json-guard/duplicate-key", test_duplicate_key);
  g_test_add_func ("/json-guard/duplicate-key-many", test_duplicate_key_many);
  g_test_add_func ("/json-guard/too-deep", test_too_deep);
  g_test_add_func ("/json-guard/ten-million-brackets", test_ten_million_brackets);
  g_test_add_func ("/json-guard/too-large", test_too_large);
  g_test_add_func ("/json-guard/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/json-guard/number-range", test_number_range);
  g_test_add_func ("/json-guard/not-strict", test_not_strict);
  g_test_add_func ("/json-guard/parse-guarded", test_parse_guarded);

  return g_test_run ();
}

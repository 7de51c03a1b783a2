/* test-json-document.c: the tree the strict JSON guard builds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-json-document"

#include "poise-json-guard-private.h"

#include <string.h>

static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES, POISE_JSON_MAX_DEPTH };

static PoiseJsonDocument *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  PoiseJsonDocument *doc;

  doc = _poise_json_document_parse (json, strlen (json), &limits, &path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
  g_assert_null (path);

  return doc;
}

static void
assert_string (const PoiseJsonValue *value,
               const char           *expected)
{
  g_assert_nonnull (value);
  g_assert_cmpint (value->type, ==, POISE_JSON_STRING);
  g_assert_cmpstr (value->v.string, ==, expected);
  g_assert_cmpuint (value->length, ==, strlen (expected));
}

static void
test_escapes (void)
{
  g_autoptr(PoiseJsonDocument) doc =
    parse ("[\"plain ä\", \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\", \"\\u00e9\\u00C9\\u20ac\","
           " \"\\ud83d\\ude00!\", \"a\\u0000b\", \"\"]");
  const PoiseJsonValue *root = _poise_json_document_get_root (doc);
  const PoiseJsonValue *nul;

  g_assert_cmpint (root->type, ==, POISE_JSON_ARRAY);
  g_assert_cmpuint (root->length, ==, 6);
  assert_string (_poise_json_value_get_element (root, 0), "plain ä");
  assert_string (_poise_json_value_get_element (root, 1), "q\" b\\ s/ \b\f\n\r\t");
  assert_string (_poise_json_value_get_element (root, 2), "é\xc3\x89€");
  /* A surrogate pair is one code point, four bytes of UTF-8. */
  assert_string (_poise_json_value_get_element (root, 3), "\xf0\x9f\x98\x80!");
  assert_string (_poise_json_value_get_element (root, 5), "");

  /* \u0000 is kept and counted; C string users see "a". */
  nul = _poise_json_value_get_element (root, 4);
  g_assert_cmpint (nul->type, ==, POISE_JSON_STRING);
  g_assert_cmpuint (nul->length, ==, 3);
  g_assert_cmpmem (nul->v.string, 4, "a\0b\0", 4);
}

static void
test_keys (void)
{
  g_autoptr(PoiseJsonDocument) doc =
    parse ("{\"z\": 1, \"\\u0061\\u00e4\": 2, \"m\\n\": 3}");
  const PoiseJsonValue *root = _poise_json_document_get_root (doc);

  /* Document order, keys decoded. */
  g_assert_cmpint (root->type, ==, POISE_JSON_OBJECT);
  g_assert_cmpuint (root->length, ==, 3);
  g_assert_cmpstr (root->v.members[0].key, ==, "z");
  g_assert_cmpstr (root->v.members[1].key, ==, "aä");
  g_assert_cmpstr (root->v.members[2].key, ==, "m\n");
  g_assert_cmpint (_poise_json_value_get_member (root, "aä")->v.integer, ==, 2);
  g_assert_cmpint (_poise_json_value_get_member (root, "m\n")->v.integer, ==, 3);
  g_assert_null (_poise_json_value_get_member (root, "a"));
  g_assert_true (_poise_json_value_has_member (root, "z"));
  g_assert_false (_poise_json_value_has_member (root, "y"));
}

static void
test_many_keys (void)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(PoiseJsonDocument) doc = NULL;
  const PoiseJsonValue *root;

  /* Past the linear duplicate check, into the hash set. */
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (json, "%s\"k%u\": %u", i > 0 ? ", " : "", i, i);
  g_string_append (json, "}");

  doc = parse (json->str);
  root = _poise_json_document_get_root (doc);
  g_assert_cmpuint (root->length, ==, 40);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", i);

      g_assert_cmpstr (root->v.members[i].key, ==, key);
      g_assert_cmpint (_poise_json_value_get_member (root, key)->v.integer, ==, i);
    }
}

static void
test_nested (void)
{
  g_autoptr(PoiseJsonDocument) doc =
    parse ("{\"a\": [1, {\"b\": [true, false, null]}, [[\"x\"]]], \"c\": {\"d\": {\"e\": \"f\"}},"
           " \"g\": null}");
  const PoiseJsonValue *root = _poise_json_document_get_root (doc);
  const PoiseJsonValue *a = _poise_json_value_get_member (root, "a");
  const PoiseJsonValue *b;
  const PoiseJsonValue *inner;

  g_assert_cmpuint (root->length, ==, 3);
  g_assert_cmpint (a->type, ==, POISE_JSON_ARRAY);
  g_assert_cmpuint (a->length, ==, 3);
  g_assert_cmpint (_poise_json_value_get_element (a, 0)->type, ==, POISE_JSON_INTEGER);
  g_assert_cmpint (_poise_json_value_get_element (a, 0)->v.integer, ==, 1);

  b = _poise_json_value_get_member (_poise_json_value_get_element (a, 1), "b");
  g_assert_cmpint (b->type, ==, POISE_JSON_ARRAY);
  g_assert_cmpuint (b->length, ==, 3);
  g_assert_cmpint (b->v.items[0].type, ==, POISE_JSON_BOOLEAN);
  g_assert_true (b->v.items[0].v.boolean);
  g_assert_cmpint (b->v.items[1].type, ==, POISE_JSON_BOOLEAN);
  g_assert_false (b->v.items[1].v.boolean);
  g_assert_cmpint (b->v.items[2].type, ==, POISE_JSON_NULL);

  inner = _poise_json_value_get_element (_poise_json_value_get_element (a, 2), 0);
  g_assert_cmpuint (inner->length, ==, 1);
  assert_string (_poise_json_value_get_element (inner, 0), "x");

  assert_string (_poise_json_value_get_member (
                   _poise_json_value_get_member (
                     _poise_json_value_get_member (root, "c"), "d"), "e"), "f");
  g_assert_cmpint (_poise_json_value_get_member (root, "g")->type, ==, POISE_JSON_NULL);

  /* Members of something that is no object: none. */
  g_assert_null (_poise_json_value_get_member (a, "b"));
  g_assert_null (_poise_json_value_get_string (a));
}

static void
test_numbers (void)
{
  g_autoptr(PoiseJsonDocument) doc =
    parse ("[0, -0, 42, -17, 9007199254740992, -9007199254740992, 3.5, 1e10, -0.5E-3,"
           " 1.0, 2E+2, 0.1000000000000000000000000000000000000000000000000000000000000000001]");
  const PoiseJsonValue *root = _poise_json_document_get_root (doc);
  const gint64 integers[] = { 0, 0, 42, -17, G_GINT64_CONSTANT (9007199254740992),
                              G_GINT64_CONSTANT (-9007199254740992) };
  const double doubles[] = { 3.5, 1e10, -0.5e-3, 1.0, 200.0, 0.1 };

  g_assert_cmpuint (root->length, ==, G_N_ELEMENTS (integers) + G_N_ELEMENTS (doubles));
  for (guint i = 0; i < G_N_ELEMENTS (integers); i++)
    {
      g_assert_cmpint (root->v.items[i].type, ==, POISE_JSON_INTEGER);
      g_assert_cmpint (root->v.items[i].v.integer, ==, integers[i]);
    }
  /* A fraction or exponent makes a double, as in json-glib. */
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      const PoiseJsonValue *item = &root->v.items[G_N_ELEMENTS (integers) + i];

      g_assert_cmpint (item->type, ==, POISE_JSON_DOUBLE);
      g_assert_cmpfloat_with_epsilon (item->v.number, doubles[i], 1e-12);
    }
}

static void
test_empty (void)
{
  g_autoptr(PoiseJsonDocument) doc = parse ("{\"o\": {}, \"a\": [], \"n\": [[], {}], \"s\": \"\"}");
  const PoiseJsonValue *root = _poise_json_document_get_root (doc);
  const PoiseJsonValue *o = _poise_json_value_get_member (root, "o");
  const PoiseJsonValue *a = _poise_json_value_get_member (root, "a");
  const PoiseJsonValue *n = _poise_json_value_get_member (root, "n");

  g_assert_cmpint (o->type, ==, POISE_JSON_OBJECT);
  g_assert_cmpuint (o->length, ==, 0);
  g_assert_null (o->v.members);
  g_assert_null (_poise_json_value_get_member (o, "x"));
  g_assert_cmpint (a->type, ==, POISE_JSON_ARRAY);
  g_assert_cmpuint (a->length, ==, 0);
  g_assert_null (a->v.items);
  g_assert_cmpuint (n->length, ==, 2);
  g_assert_cmpint (n->v.items[0].type, ==, POISE_JSON_ARRAY);
  g_assert_cmpuint (n->v.items[0].length, ==, 0);
  g_assert_cmpint (n->v.items[1].type, ==, POISE_JSON_OBJECT);
  g_assert_cmpuint (n->v.items[1].length, ==, 0);
  assert_string (_poise_json_value_get_member (root, "s"), "");

  {
    g_autoptr(PoiseJsonDocument) empty_object = parse (" {} ");
    g_autoptr(PoiseJsonDocument) empty_array = parse ("[]");

    g_assert_cmpint (_poise_json_document_get_root (empty_object)->type, ==, POISE_JSON_OBJECT);
    g_assert_cmpint (_poise_json_document_get_root (empty_array)->type, ==, POISE_JSON_ARRAY);
  }
}

static void
test_scalar_root (void)
{
  g_autoptr(PoiseJsonDocument) string = parse ("  \"x\"\n");
  g_autoptr(PoiseJsonDocument) number = parse ("7");
  g_autoptr(PoiseJsonDocument) literal = parse ("true");

  assert_string (_poise_json_document_get_root (string), "x");
  g_assert_cmpint (_poise_json_document_get_root (number)->v.integer, ==, 7);
  g_assert_true (_poise_json_document_get_root (literal)->v.boolean);
}

/* Strings larger than the first chunk but under the large-block cut-off
 * (a 64 KiB note) once overflowed the chunk made for them. */
static void
test_medium_strings (void)
{
  static const gsize sizes[] = { 5000, 9000, 65 * 1024, 200 * 1024 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *text = g_strnfill (sizes[i], 'm');
      g_autofree char *json = g_strdup_printf ("{\"a\": \"b\", \"body\": \"%s\"}", text);
      g_autoptr(PoiseJsonDocument) doc = parse (json);

      assert_string (_poise_json_value_get_member (_poise_json_document_get_root (doc), "body"), text);
    }
}

static void
test_large (void)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(PoiseJsonDocument) doc = NULL;
  g_autofree char *long_text = g_strnfill (600 * 1024, 'y');
  const PoiseJsonValue *root;

  /* Many chunks, an array and a string each larger than a chunk. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (json, "{\"i\": %u, \"s\": \"v%u\"}, ", i, i);
  g_string_append_printf (json, "\"%s\"]", long_text);

  doc = parse (json->str);
  root = _poise_json_document_get_root (doc);
  g_assert_cmpuint (root->length, ==, 100001);
  for (guint i = 0; i < 100000; i += 997)
    {
      g_autofree char *s = g_strdup_printf ("v%u", i);
      const PoiseJsonValue *item = _poise_json_value_get_element (root, i);

      g_assert_cmpint (_poise_json_value_get_member (item, "i")->v.integer, ==, i);
      assert_string (_poise_json_value_get_member (item, "s"), s);
    }
  assert_string (_poise_json_value_get_element (root, 100000), long_text);
}

static void
test_errors (void)
{
  const char *json = "{\"a\": [{}, {\"b\": 1, \"b\": 2}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  PoiseJsonDocument *doc;
  g_autoptr(GString) deep = g_string_new (NULL);

  /* The guard's errors, path apart. */
  doc = _poise_json_document_parse (json, strlen (json), &limits, &path, &error);
  g_assert_null (doc);
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_DUPLICATE_KEY);
  g_assert_cmpstr (error->message, ==, "duplicate key \"b\" (byte 20)");
  g_assert_cmpstr (path, ==, "a[1]");
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  doc = _poise_json_document_parse (deep->str, deep->len, NULL, NULL, &error);
  g_assert_null (doc);
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  doc = _poise_json_document_parse ("[1, 2", 5, &limits, &path, &error);
  g_assert_null (doc);
  g_assert_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_SYNTAX);
  g_assert_cmpstr (path, ==, "[1]");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-document/escapes", test_escapes);
  g_test_add_func ("/json-document/keys", test_keys);
  g_test_add_func ("/json-document/many-keys", test_many_keys);
  g_test_add_func ("/json-document/nested", test_nested);
  g_test_add_func ("/json-document/numbers", test_numbers);
  g_test_add_func ("/json-document/empty", test_empty);
  g_test_add_func ("/json-document/scalar-root", test_scalar_root);
  g_test_add_func ("/json-document/medium-strings", test_medium_strings);
  g_test_add_func ("/json-document/large", test_large);
  g_test_add_func ("/json-document/errors", test_errors);

  return g_test_run ();
}

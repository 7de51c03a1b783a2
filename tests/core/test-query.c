/* test-query.c: normalising and matching searches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-query"

#include "poise-library.h"
#include "poise-query.h"

static PoiseLibrary *
load_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "library-small.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PoiseLibrary *library = poise_library_new_from_file (file, NULL, &error);

  g_assert_no_error (error);
  return library;
}

static void
test_normalize (void)
{
  const struct { const char *in; const char *out; } cases[] = {
    { "Verspätung", "verspatung" },
    { "Straße", "strasse" },
    { "ß", "ss" },
    { "CAFÉ crème", "cafe creme" },
    { "Ärger ÖL über", "arger ol uber" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = poise_normalize_text (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_empty (void)
{
  g_autoptr(PoiseLibrary) library = load_fixture ();
  g_autoptr(PoiseQuery) empty = poise_query_new ("");
  g_autoptr(PoiseQuery) blank = poise_query_new ("  ,. ");
  g_autoptr(PoiseQuery) null = poise_query_new (NULL);
  PoiseScenario *scenario = poise_library_lookup_scenario (library, "threat");

  g_assert_true (poise_query_is_empty (empty));
  g_assert_true (poise_query_is_empty (blank));
  g_assert_true (poise_query_is_empty (null));
  g_assert_true (poise_query_matches (empty, scenario, "de"));
}

static gboolean
matches (PoiseLibrary *library,
         const char   *text,
         const char   *id,
         const char   *lang)
{
  g_autoptr(PoiseQuery) query = poise_query_new (text);

  g_assert_false (poise_query_is_empty (query));
  return poise_query_matches (query, poise_library_lookup_scenario (library, id), lang);
}

static void
test_matching (void)
{
  g_autoptr(PoiseLibrary) library = load_fixture ();

  /* Accents and case do not matter, in either direction. */
  g_assert_true (matches (library, "Verspätet", "shipping-delay", "de"));
  g_assert_true (matches (library, "verspatet", "shipping-delay", "de"));
  g_assert_true (matches (library, "LIEFERVERZÖGERUNG", "shipping-delay", "de"));
  /* Prefixes and infixes, every word must match. */
  g_assert_true (matches (library, "lief verz", "shipping-delay", "de"));
  g_assert_true (matches (library, "verzog", "shipping-delay", "de"));
  g_assert_false (matches (library, "lieferung doppelt", "shipping-delay", "de"));
  /* English always counts, the other language only as the script language. */
  g_assert_true (matches (library, "delay", "shipping-delay", "de"));
  g_assert_false (matches (library, "verspätet", "shipping-delay", "en"));
  /* Script text is searched too. */
  g_assert_true (matches (library, "ankommen", "shipping-delay", "de"));
  g_assert_true (matches (library, "twice, charged!", "double-charge", "en"));
  g_assert_false (matches (library, "twice", "threat", "en"));
}

static void
test_refcount (void)
{
  PoiseQuery *query = poise_query_new ("a");

  g_assert_true (poise_query_ref (query) == query);
  poise_query_unref (query);
  poise_query_unref (query);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/query/normalize", test_normalize);
  g_test_add_func ("/query/empty", test_empty);
  g_test_add_func ("/query/matching", test_matching);
  g_test_add_func ("/query/refcount", test_refcount);

  return g_test_run ();
}

/* test-localized.c: texts in several languages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-localized"

#include "poise-localized.h"

static void
test_text (void)
{
  g_autoptr(PoiseLocalized) text = poise_localized_new ();
  g_auto(GStrv) langs = NULL;
  const char *expected_langs[] = { "de", "en", "fr", "it", NULL };
  char lang[] = "de";

  g_assert_null (poise_localized_get (text, "en"));
  g_assert_false (poise_localized_has (text, "en"));

  poise_localized_set (text, "en", "Hello");
  /* The code is copied, not kept. */
  poise_localized_set (text, lang, "Hallo");
  lang[0] = 'x';
  poise_localized_set (text, "fr", "Bonjour");
  poise_localized_set (text, "it", "Ciao");
  poise_localized_set (text, "de", "Guten Tag");

  g_assert_cmpstr (poise_localized_get (text, "en"), ==, "Hello");
  g_assert_cmpstr (poise_localized_get (text, "de"), ==, "Guten Tag");
  g_assert_cmpstr (poise_localized_get (text, "fr"), ==, "Bonjour");
  g_assert_cmpstr (poise_localized_get (text, "it"), ==, "Ciao");
  g_assert_cmpstr (poise_localized_get (text, "xe"), ==, "Hello");
  g_assert_cmpstr (poise_localized_get (text, NULL), ==, "Hello");
  g_assert_true (poise_localized_has (text, "it"));
  g_assert_false (poise_localized_has (text, "xe"));

  langs = poise_localized_dup_languages (text);
  g_assert_cmpstrv (langs, expected_langs);
}

static void
test_list (void)
{
  g_autoptr(PoiseLocalized) text = poise_localized_new ();
  const char *en[] = { "one", "two", "", "three", NULL };
  const char *de[] = { "eins", NULL };
  const char *empty[] = { NULL };

  g_assert_cmpstrv (poise_localized_get_list (text, "en"), empty);

  poise_localized_set_list (text, "en", en);
  poise_localized_set_list (text, "de", de);
  poise_localized_set_list (text, "de", de);
  poise_localized_set_list (text, "fr", NULL);
  poise_localized_set (text, "de", "ein Text");

  g_assert_cmpstrv (poise_localized_get_list (text, "en"), en);
  g_assert_cmpstrv (poise_localized_get_list (text, "de"), de);
  g_assert_cmpstrv (poise_localized_get_list (text, "fr"), empty);
  g_assert_cmpstrv (poise_localized_get_list (text, "it"), en);
  /* A text and a list for one language live side by side. */
  g_assert_cmpstr (poise_localized_get (text, "de"), ==, "ein Text");
  g_assert_null (poise_localized_get (text, "en"));
}

static void
test_ref (void)
{
  PoiseLocalized *text = poise_localized_new ();
  PoiseLocalized *ref = poise_localized_ref (text);

  poise_localized_set (text, "en", "x");
  poise_localized_unref (text);
  g_assert_cmpstr (poise_localized_get (ref, "de"), ==, "x");
  poise_localized_unref (ref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/localized/text", test_text);
  g_test_add_func ("/localized/list", test_list);
  g_test_add_func ("/localized/ref", test_ref);

  return g_test_run ();
}

/* test-suggest.c: scenario suggestion and the heat estimate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-suggest"

#include "poise-suggest.h"
#include "poise-suggest-eval.h"
#include "poise-text-private.h"

/* A little below the targets (80 % and 95 %), so tuning the triggers for
 * one message does not break the build. */
#define TOP1_FLOOR 0.75
#define TOP3_FLOOR 0.90

static PoiseLibrary *
load_default (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "library", "default.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  PoiseLibrary *library = poise_library_new_from_file (file, NULL, &error);

  g_assert_no_error (error);
  return library;
}

static PoiseLibrary *library;

static char *
first_id (const char *lang,
          const char *message)
{
  g_autoptr(PoiseSuggester) suggester = poise_suggester_new (library, lang);
  g_autoptr(GListModel) ranked = poise_suggester_rank (suggester, message, 0);
  g_autoptr(PoiseSuggestion) first = g_list_model_get_item (ranked, 0);

  return first != NULL ? g_strdup (poise_suggestion_get_scenario_id (first)) : NULL;
}

static void
assert_first (const char *lang,
              const char *message,
              const char *expected)
{
  g_autofree char *id = first_id (lang, message);

  if (g_strcmp0 (id, expected) != 0)
    g_test_message ("“%s” → %s", message, id);
  g_assert_cmpstr (id, ==, expected);
}

static void
test_stems (void)
{
  static const struct {
    const char *lang, *a, *b;
  } same[] = {
    { "de", "Paket", "Pakete" },
    { "de", "beschädigt", "beschädigten" },
    { "de", "beschaedigt", "Beschädigte" },
    { "de", "Straße", "STRASSE" },
    { "de", "verspätet", "verspaetet" },
    { "de", "kaputt", "kaputte" },
    { "en", "delayed", "delay" },
    { "en", "arrived", "arrive" },
    { "en", "parcels", "parcel" },
    { "en", "waiting", "waited" },
    { "en", "replies", "reply" },
    { "en", "hasn't", "hasnt" },
    { "en", "hasn’t", "has not" },
    { "en", "never", "not" },
    { "en", "came", "come" },
    { "en", "written", "wrote" },
    { "de", "aufzuwachen", "aufwachen" },
    { "de", "zurückzuerstatten", "zurückerstatten" },
    { "de", "zurueckzuerstatten", "zurückerstatten" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *a = _poise_stem_word (same[i].a, same[i].lang);
      g_autofree char *b = _poise_stem_word (same[i].b, same[i].lang);

      g_test_message ("%s: %s → %s, %s → %s", same[i].lang, same[i].a, a, same[i].b, b);
      g_assert_cmpstr (a, ==, b);
    }
}

static void
test_german_inflection (void)
{
  assert_first ("de", "Wo bleiben meine Pakete?", "shipping-delay");
  assert_first ("de", "Die Paketlieferung ist seit Tagen überfällig", "shipping-delay");
  assert_first ("de", "Der Stuhl ist beschädigt", "damaged-item");
  assert_first ("de", "Die Lampe kam mit beschaedigtem Schirm", "damaged-item");
  assert_first ("de", "Alles KAPUTTE Teile!", "damaged-item");
  assert_first ("de", "Ich habe die falsche Größe bekommen", "wrong-item");
  assert_first ("de", "ich habe die falsche groesse bekommen", "wrong-item");
}

static void
test_english_variants (void)
{
  assert_first ("en", "My order hasn't arrived", "shipping-delay");
  assert_first ("en", "my order hasnt arrived yet", "shipping-delay");
  assert_first ("en", "The parcel never arrived", "shipping-delay");
  assert_first ("en", "Both parcels are delayed again", "shipping-delay");
  assert_first ("en", "It arrived DAMAGED and scratched", "damaged-item");
  assert_first ("en", "still not refunded after 3 weeks", "refund-delayed");
}

static void
test_no_false_parts (void)
{
  g_autoptr(PoiseSuggester) suggester = poise_suggester_new (library, "en");
  /* "dent", "rust", "dead" and "hole" are damaged-item triggers. */
  const char *messages[] = {
    "The student had an accident", "I trust you", "The deadline is near",
    "the whole team", NULL,
  };

  for (guint i = 0; messages[i] != NULL; i++)
    {
      g_autoptr(GListModel) ranked = poise_suggester_rank (suggester, messages[i], 0);

      for (guint k = 0; k < g_list_model_get_n_items (ranked); k++)
        {
          g_autoptr(PoiseSuggestion) s = g_list_model_get_item (ranked, k);
          g_test_message ("“%s” → %s", messages[i], poise_suggestion_get_scenario_id (s));
          g_assert_cmpstr (poise_suggestion_get_scenario_id (s), !=, "damaged-item");
        }
    }
}

static void
test_matches (void)
{
  g_autoptr(PoiseSuggester) suggester = poise_suggester_new (library, "de");
  const char *message = "Größe – die Paketlieferung ist beschädigt";
  g_autoptr(GListModel) ranked = poise_suggester_rank (suggester, message, 0);
  g_autoptr(PoiseSuggestion) damaged = NULL;
  g_auto(GStrv) words = NULL;
  GPtrArray *matches;
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(PoiseSuggestion) s = g_list_model_get_item (ranked, i);

      if (g_strcmp0 (poise_suggestion_get_scenario_id (s), "damaged-item") == 0)
        damaged = g_object_ref (s);
      if (g_strcmp0 (poise_suggestion_get_scenario_id (s), "shipping-delay") == 0)
        {
          matches = poise_suggestion_get_matches (s);
          for (guint m = 0; m < matches->len; m++)
            {
              PoiseTriggerMatch *match = g_ptr_array_index (matches, m);

              if (g_strcmp0 (match->text, "Paketlieferung") == 0)
                {
                  /* "Größe – die " is 12 characters but 15 bytes. */
                  g_assert_cmpuint (match->start, ==, 12);
                  g_assert_cmpuint (match->end, ==, 26);
                  g_assert_cmpuint (match->byte_start, ==, 16);
                  g_assert_true (match->partial);
                  found = TRUE;
                }
            }
        }
    }
  g_assert_true (found);
  g_assert_nonnull (damaged);

  words = poise_suggestion_dup_matched_words (damaged);
  g_assert_true (g_strv_contains ((const char * const *) words, "beschädigt"));
  g_assert_cmpfloat (poise_suggestion_get_score (damaged), >, 0.0);

  g_object_unref (g_steal_pointer (&ranked));
  ranked = poise_suggester_rank (suggester, "Guten Tag", 0);
  g_assert_cmpuint (g_list_model_get_n_items (ranked), ==, 0);
  g_object_unref (g_steal_pointer (&ranked));
  ranked = poise_suggester_rank (suggester, message, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ranked), ==, 1);
}

/* Every match's char and byte ranges describe the same text, whatever
 * the message: the UI highlights by characters. */
static void
test_ranges_random (void)
{
  static const char * const pieces[] = {
    "Paket", "Paketlieferung", "beschädigt", "kaputt", "hasn't", "arrived", "never",
    "late", "STRASSE", "Größe", "👍", "e\xcc\x81", "’", "'", "\n", "!!", "ich weiß, wo",
    "kill myself", "refund", "Erstattung", "zum dritten Mal", "aufzuwachen", "came",
  };
  g_autoptr(PoiseSuggester) en = poise_suggester_new (library, "en");
  g_autoptr(PoiseSuggester) de = poise_suggester_new (library, "de");
  GRand *rand = g_rand_new_with_seed (1717);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GString) message = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 20);

      for (guint i = 0; i < n; i++)
        {
          g_string_append (message, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
          if (g_rand_boolean (rand))
            g_string_append_c (message, ' ');
        }

      for (guint c = 0; c < 2; c++)
        {
          g_autoptr(GListModel) ranked = poise_suggester_rank (c == 0 ? en : de, message->str, 0);

          for (guint k = 0; k < g_list_model_get_n_items (ranked); k++)
            {
              g_autoptr(PoiseSuggestion) suggestion = g_list_model_get_item (ranked, k);
              GPtrArray *matches = poise_suggestion_get_matches (suggestion);

              for (guint m = 0; m < matches->len; m++)
                {
                  const PoiseTriggerMatch *match = g_ptr_array_index (matches, m);
                  g_autofree char *by_chars = g_utf8_substring (message->str, match->start,
                                                                match->end);

                  g_assert_cmpuint (match->end, <=, g_utf8_strlen (message->str, -1));
                  g_assert_cmpstr (by_chars, ==, match->text);
                }
            }
        }
    }

  g_rand_free (rand);
}

static void
test_threat_first (void)
{
  g_autoptr(PoiseSuggester) en = poise_suggester_new (library, "en");
  g_autoptr(PoiseSuggester) de = poise_suggester_new (library, "de");
  g_autoptr(GListModel) ranked = NULL;
  g_autoptr(PoiseSuggestion) first = NULL;

  /* Many delivery words, one threat: the threat still comes first. */
  ranked = poise_suggester_rank (en, "My parcel is late, the delivery is delayed, "
                                 "tracking shows nothing, still not arrived, and "
                                 "if it doesn't come I'll hurt you.", 0);
  first = g_list_model_get_item (ranked, 0);
  g_assert_cmpstr (poise_suggestion_get_scenario_id (first), ==, "threat");
  g_assert_true (poise_suggestion_get_safety (first));

  assert_first ("de", "Paket verspätet, Lieferung immer noch nicht da, "
                "Sendungsverfolgung tot. Ich weiß, wo Ihr Lager ist.", "threat");
  assert_first ("en", "The refund is late and honestly I want to kill myself", "self-harm");
  assert_first ("de", "Die Erstattung fehlt, ich will nicht mehr leben.", "self-harm");

  /* Safety triggers of every language count: the customer may not write
   * in the agent's script language. */
  assert_first ("en", "Where is my parcel? Ich weiß, wo Ihr Lager ist.", "threat");
  assert_first ("de", "Wo ist mein Paket? I know where you live.", "threat");

  /* Threat words inside other words do not count. */
  g_clear_object (&ranked);
  ranked = poise_suggester_rank (de, "Das Messergebnis der Waage war falsch", 0);
  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(PoiseSuggestion) s = g_list_model_get_item (ranked, i);
      g_assert_false (poise_suggestion_get_safety (s));
    }
}

static void
assert_heat (const char       *lang,
             const char       *message,
             PoiseHeatReasons  reasons,
             PoiseHeatLevel    min_level)
{
  g_autoptr(PoiseSuggester) suggester = poise_suggester_new (library, lang);
  g_autoptr(PoiseHeat) heat = poise_suggester_estimate_heat (suggester, message);
  g_autofree char *got = poise_heat_reasons_to_string (heat->reasons);
  g_autofree char *want = poise_heat_reasons_to_string (reasons);

  g_test_message ("“%s”: %u %s (%s)", message, heat->score,
                  poise_heat_level_to_string (heat->level), got);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpint (heat->level, >=, min_level);
  g_assert_cmpuint (heat->score, <=, 100);
}

static void
test_heat (void)
{
  assert_heat ("en", "Hello, could you tell me when my order ships?",
               POISE_HEAT_REASON_NONE, POISE_HEAT_CALM);
  assert_heat ("en", "It has been TWO WEEKS!!", POISE_HEAT_REASON_CAPITALS |
               POISE_HEAT_REASON_EXCLAMATION, POISE_HEAT_UPSET);
  assert_heat ("en", "This is the third time I'm writing about my refund. My lawyer "
               "will hear about it.", POISE_HEAT_REASON_REPEATED_CONTACT |
               POISE_HEAT_REASON_REFUND | POISE_HEAT_REASON_LEGAL, POISE_HEAT_ANGRY);
  assert_heat ("de", "Ich schreibe Ihnen zum dritten Mal wegen der Erstattung!",
               POISE_HEAT_REASON_REPEATED_CONTACT | POISE_HEAT_REASON_REFUND,
               POISE_HEAT_UPSET);
  assert_heat ("de", "Schon wieder nichts. Ich gehe zur Verbraucherzentrale.",
               POISE_HEAT_REASON_REPEATED_CONTACT | POISE_HEAT_REASON_LEGAL,
               POISE_HEAT_UPSET);
  assert_heat ("de", "Mein Anwalt meldet sich, Sie Idioten.",
               POISE_HEAT_REASON_LEGAL | POISE_HEAT_REASON_INSULT, POISE_HEAT_ANGRY);
  assert_heat ("en", "Sort it or I will find you.", POISE_HEAT_REASON_THREAT,
               POISE_HEAT_CRITICAL);
  /* Abbreviations are not shouting. */
  assert_heat ("en", "DHL says the XL one is at the depot", POISE_HEAT_REASON_NONE,
               POISE_HEAT_CALM);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(PoiseSuggester) suggester = poise_suggester_new (library, "de");
  g_autoptr(GListModel) ranked = NULL;
  g_autoptr(PoiseHeat) heat = NULL;
  /* A truncated "ä" at the very end, and a stray continuation byte. */
  const char message[] = "Paket KAPUTT \x80 und VERSP\xc3";

  ranked = poise_suggester_rank (suggester, message, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ranked), >=, 1);
  heat = poise_suggester_estimate_heat (suggester, message);
  g_assert_cmpuint (heat->score, <=, 100);
}

static void
test_detect_language (void)
{
  g_assert_cmpstr (poise_detect_language ("Wo ist mein Paket? Ich warte schon seit Tagen."), ==, "de");
  g_assert_cmpstr (poise_detect_language ("Where is my parcel? I have been waiting for days."), ==, "en");
  g_assert_null (poise_detect_language ("OK"));
}

static void
test_labelled (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data",
                                                 "suggest-labelled.tsv", NULL);
  g_autoptr(PoiseSuggestEvaluation) eval = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  double top1, top3;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  eval = poise_suggest_evaluate (library, NULL, "en", contents, &error);
  g_assert_no_error (error);

  top1 = (double) eval->n_top1 / eval->n_messages;
  top3 = (double) eval->n_top3 / eval->n_messages;
  g_test_message ("%u messages: top-1 %.1f %%, top-3 %.1f %%",
                  eval->n_messages, 100 * top1, 100 * top3);
  for (guint i = 0; i < eval->confusions->len; i++)
    {
      PoiseConfusion *c = g_ptr_array_index (eval->confusions, i);
      g_test_message ("  %s → %s: %u", c->expected, c->got[0] ? c->got : "(none)", c->count);
    }

  g_assert_cmpuint (eval->n_messages, >=, 150);
  g_assert_cmpfloat (top1, >=, TOP1_FLOOR);
  g_assert_cmpfloat (top3, >=, TOP3_FLOOR);
}

static void
test_evaluate_errors (void)
{
  g_autoptr(PoiseSuggestEvaluation) eval = NULL;
  g_autoptr(GError) error = NULL;

  eval = poise_suggest_evaluate (library, "en", "en", "# comment\n\nno tab here\n", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (eval);
  g_clear_error (&error);

  eval = poise_suggest_evaluate (library, "en", "en", "nope\tmy parcel is late\n", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (eval);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  library = load_default ();

  g_test_add_func ("/suggest/stems", test_stems);
  g_test_add_func ("/suggest/german-inflection", test_german_inflection);
  g_test_add_func ("/suggest/english-variants", test_english_variants);
  g_test_add_func ("/suggest/matches", test_matches);
  g_test_add_func ("/suggest/no-false-parts", test_no_false_parts);
  g_test_add_func ("/suggest/ranges-random", test_ranges_random);
  g_test_add_func ("/suggest/threat-first", test_threat_first);
  g_test_add_func ("/suggest/heat", test_heat);
  g_test_add_func ("/suggest/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/suggest/detect-language", test_detect_language);
  g_test_add_func ("/suggest/labelled", test_labelled);
  g_test_add_func ("/suggest/evaluate-errors", test_evaluate_errors);

  ret = g_test_run ();
  g_clear_object (&library);
  return ret;
}

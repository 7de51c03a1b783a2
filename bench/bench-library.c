/* bench-library.c: loading a large library and searching it per keystroke
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds a valid library of 10,000 scenarios in memory, as large as the
 * format allows (8 MiB, so about 800 bytes a scenario in two languages),
 * then measures load + validation through the public API and the search
 * an agent triggers with every key typed.  printf() rather than g_print(), which
 * would turn "ä" into "?" in the C locale.
 */
#define G_LOG_DOMAIN "bench-library"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise-json-guard.h"
#include "poise-library.h"
#include "poise-query.h"

#define N_SCENARIOS   10000
#define N_CATEGORIES  20
#define N_LOAD_RUNS   11
#define LOAD_TARGET_MS 250.0
#define KEY_TARGET_MS  5.0

static const char * const words_en[] = {
  "order", "delivery", "parcel", "refund", "invoice", "account", "delay", "customer",
  "please", "understand", "sorry", "tomorrow", "carrier", "warehouse", "replacement",
  "damaged", "payment", "contract", "support", "manager", "today", "number", "address",
  "check", "again", "answer", "problem", "frustrating", "promise", "update", "status",
};
static const char * const words_de[] = {
  "Bestellung", "Lieferung", "Paket", "Erstattung", "Rechnung", "Konto", "Verzögerung",
  "Kundin", "bitte", "verstehe", "Entschuldigung", "morgen", "Zusteller", "Lager",
  "Ersatz", "beschädigt", "Zahlung", "Vertrag", "Hilfe", "Vorgesetzte", "heute", "Nummer",
  "Adresse", "prüfen", "wieder", "Antwort", "Problem", "ärgerlich", "Zusage", "Stand",
  "verspätet", "Überweisung", "Rückgabe",
};

static void
append_json_string (GString    *out,
                    const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *encoded = NULL;

  json_node_set_string (node, text);
  encoded = json_to_string (node, FALSE);
  json_node_unref (node);
  g_string_append (out, encoded);
}

static char *
sentence (GRand              *rand,
          const char * const *words,
          guint               n_words,
          gsize               length)
{
  GString *out = g_string_new (NULL);

  while (out->len < length)
    {
      if (out->len > 0)
        g_string_append_c (out, g_rand_int_range (rand, 0, 8) == 0 ? '.' : ' ');
      if (out->str[out->len - 1] == '.')
        g_string_append_c (out, ' ');
      g_string_append (out, words[g_rand_int_range (rand, 0, n_words)]);
    }

  return g_string_free (out, FALSE);
}

static void
append_text (GString *out,
             GRand   *rand,
             gsize    length,
             const char *extra_en,
             const char *extra_de)
{
  g_autofree char *en = sentence (rand, words_en, G_N_ELEMENTS (words_en), length);
  g_autofree char *de = sentence (rand, words_de, G_N_ELEMENTS (words_de), length);
  g_autofree char *full_en = g_strconcat (en, extra_en, NULL);
  g_autofree char *full_de = g_strconcat (de, extra_de, NULL);

  g_string_append (out, "{\"en\": ");
  append_json_string (out, full_en);
  g_string_append (out, ", \"de\": ");
  append_json_string (out, full_de);
  g_string_append (out, "}");
}

static void
append_list (GString *out,
             GRand   *rand,
             guint    n)
{
  const char * const *sets[] = { (const char * const *) words_en, (const char * const *) words_de };
  guint sizes[] = { G_N_ELEMENTS (words_en), G_N_ELEMENTS (words_de) };
  const char *langs[] = { "en", "de" };

  g_string_append_c (out, '{');
  for (guint l = 0; l < 2; l++)
    {
      g_string_append_printf (out, "%s\"%s\": [", l > 0 ? ", " : "", langs[l]);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *item = sentence (rand, sets[l], sizes[l], 12);

          if (i > 0)
            g_string_append (out, ", ");
          append_json_string (out, item);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

static void
append_avoid (GString *out,
              GRand   *rand)
{
  static const char * const kinds[] = { "dismissive", "defensive", "blaming", "refusal" };

  g_string_append_printf (out, "{\"kind\": \"%s\", \"phrase\": ",
                          kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))]);
  append_text (out, rand, 40, "", "");
  g_string_append (out, ", \"instead\": ");
  append_text (out, rand, 60, "", "");
  g_string_append (out, ", \"why\": ");
  append_text (out, rand, 50, "", "");
  g_string_append (out, "}");
}

static GBytes *
generate_library (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261127);
  GString *out = g_string_new (NULL);

  g_string_append (out,
    "{\"format\": 1, \"languages\": [\"en\", \"de\"],"
    " \"title\": {\"en\": \"Benchmark\", \"de\": \"Messung\"},"
    " \"placeholders\": ["
    "  {\"id\": \"date\", \"type\": \"date\", \"label\": {\"en\": \"Date\", \"de\": \"Datum\"},"
    "   \"hint\": {\"en\": \"A date\", \"de\": \"Ein Datum\"}},"
    "  {\"id\": \"name\", \"type\": \"customer-name\", \"label\": {\"en\": \"Name\", \"de\": \"Name\"},"
    "   \"hint\": {\"en\": \"Their name\", \"de\": \"Ihr Name\"}}],"
    " \"checklist\": [");
  for (guint i = 0; i < 5; i++)
    {
      g_string_append_printf (out, "%s{\"id\": \"step-%u\", \"title\": ", i > 0 ? ", " : "", i);
      append_text (out, rand, 15, "", "");
      g_string_append (out, ", \"description\": ");
      append_text (out, rand, 80, "", "");
      g_string_append (out, ", \"examples\": ");
      append_list (out, rand, 3);
      g_string_append (out, "}");
    }
  g_string_append (out, "], \"categories\": [");
  for (guint i = 0; i < N_CATEGORIES; i++)
    {
      g_string_append_printf (out, "%s{\"id\": \"category-%u\", \"title\": ",
                              i > 0 ? ", " : "", i);
      append_text (out, rand, 15, "", "");
      g_string_append (out, "}");
    }
  g_string_append (out, "], \"avoid\": [");
  append_avoid (out, rand);
  g_string_append (out, "], \"scenarios\": [");

  for (guint i = 0; i < N_SCENARIOS; i++)
    {
      g_string_append_printf (out, "%s{\"id\": \"scenario-%u\", \"category\": \"category-%u\","
                              " \"title\": ", i > 0 ? ",\n" : "", i,
                              g_rand_int_range (rand, 0, N_CATEGORIES));
      append_text (out, rand, 20, "", "");
      g_string_append (out, ", \"emotion\": ");
      append_text (out, rand, 12, "", "");
      g_string_append (out, ", \"tone\": ");
      append_text (out, rand, 12, "", "");
      g_string_append (out, ", \"script\": ");
      append_text (out, rand, 110, " Bye [name], until [date].", " Bis [date], [name].");
      /* Every tenth scenario carries the optional parts too. */
      if (i % 10 == 0)
        {
          g_string_append (out, ", \"promise\": ");
          append_text (out, rand, 40, " By [date].", " Bis [date].");
          g_string_append (out, ", \"advice\": ");
          append_list (out, rand, 1);
          g_string_append (out, ", \"avoid\": [");
          append_avoid (out, rand);
          g_string_append (out, "]");
        }
      g_string_append (out, ", \"triggers\": ");
      append_list (out, rand, 4);
      g_string_append (out, "}");
    }
  g_string_append (out, "]}\n");

  return g_string_free_to_bytes (out);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  qsort (samples->data, samples->len, sizeof (double), compare_doubles);
  return g_array_index (samples, double, samples->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GBytes) bytes = generate_library ();
  g_autoptr(GArray) load_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) key_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(GPtrArray) scenarios = g_ptr_array_new_with_free_func (g_object_unref);
  const char *typed = "lieferung verspätet";
  GListModel *model;
  double first_key_ms = 0;
  guint last_matches = 0;
  double load_median, key_median;

  /* --save FILE keeps the generated library for profiling by hand. */
  if (argc == 3 && g_str_equal (argv[1], "--save"))
    g_file_set_contents (argv[2], g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);

  printf ("library: %u scenarios, %.1f MiB of JSON (the format allows %d MiB)\n", N_SCENARIOS,
           g_bytes_get_size (bytes) / (1024.0 * 1024.0), POISE_LIBRARY_MAX_BYTES / (1024 * 1024));

  for (guint run = 0; run < N_LOAD_RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      g_clear_object (&library);
      library = poise_library_new_from_bytes (bytes, NULL, &error);
      if (library == NULL)
        g_error ("generated library is invalid: %s", error->message);
      g_array_append_val (load_ms, (double) { (g_get_monotonic_time () - start) / 1000.0 });
    }
  load_median = median (load_ms);
  printf ("library-load-10000: median %.1f ms (target <= %.0f ms)\n",
           load_median, LOAD_TARGET_MS);

  /* The list view asks the filter about each row it holds. */
  model = poise_library_get_scenarios (library);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (scenarios, g_list_model_get_item (model, i));

  for (gsize len = 1; len <= strlen (typed); len = g_utf8_next_char (typed + len) - typed)
    {
      g_autofree char *prefix = g_strndup (typed, len);
      g_autoptr(PoiseQuery) query = NULL;
      gint64 start = g_get_monotonic_time ();
      guint matches = 0;
      double ms;

      query = poise_query_new (prefix);
      for (guint i = 0; i < scenarios->len; i++)
        matches += poise_query_matches (query, g_ptr_array_index (scenarios, i), "de");
      ms = (g_get_monotonic_time () - start) / 1000.0;

      /* The first keystroke also builds every scenario's search text. */
      if (len == 1)
        first_key_ms = ms;
      else
        g_array_append_val (key_ms, ms);
      last_matches = matches;
    }
  key_median = median (key_ms);
  printf ("query-first-keystroke-10000: %.1f ms (builds the search index)\n", first_key_ms);
  printf ("query-keystroke-10000: median %.2f ms over %u keystrokes, %u matches for \"%s\""
           " (target <= %.0f ms)\n",
           key_median, key_ms->len, last_matches, typed, KEY_TARGET_MS);

  /* Figures, not assertions: a missed target is reported, not failed. */
  printf ("targets: load %s, keystroke %s\n",
          load_median <= LOAD_TARGET_MS ? "met" : "MISSED",
          key_median <= KEY_TARGET_MS ? "met" : "MISSED");

  return 0;
}

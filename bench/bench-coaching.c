/* bench-coaching.c: suggestion accuracy and the draft check per keystroke
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Uses the shipped default library. Prints top-1/top-3 accuracy on each
 * labelled file given (tests/data/…tsv), the time to rank one message, and
 * the draft check's time per keystroke on a 2,000-word reply: the UI runs
 * the whole check again after every key, so that is the figure that must
 * stay under the target. printf() rather than g_print(), as in
 * bench-library.c.
 */
#define G_LOG_DOMAIN "bench-coaching"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "poise-draft-check.h"
#include "poise-suggest.h"
#include "poise-suggest-eval.h"

#define DRAFT_WORDS     2000
#define N_KEYSTROKES    300
#define TOP1_TARGET     80.0
#define TOP3_TARGET     95.0
#define KEY_TARGET_MS   5.0

/* Sentences an agent might write, good and bad, to build long drafts. */
static const char * const sentences_en[] = {
  "I can see this has gone wrong for you, and I'm really sorry.",
  "Please calm down, it's not a big deal.",
  "I'll check the tracking with the courier and call you back by Friday at 3 pm.",
  "That's our policy, I'm afraid, and we don't do that.",
  "Your consignment is pending carrier handover at fulfilment.",
  "I'll take care of this myself and make sure the replacement leaves our warehouse tomorrow.",
  "The order number you gave me is the one from the 12th of May.",
  "If anything else comes up, just reply to this message and it will reach me directly.",
};
static const char * const sentences_de[] = {
  "Ich verstehe, dass Sie sich ärgern, und es tut mir wirklich leid.",
  "Beruhigen Sie sich doch, das ist doch nicht so schlimm.",
  "Ich prüfe die Sendungsverfolgung und melde mich bis Freitag, 15 Uhr, bei Ihnen.",
  "Das sind nun mal unsere Richtlinien, das machen wir nicht.",
  "Ihre Sendung wartet im Fulfillment auf die Carrier-Übergabe.",
  "Ich kümmere mich selbst darum, dass der Ersatz morgen unser Lager verlässt.",
  "Die Bestellnummer, die Sie mir genannt haben, ist die vom 12.5.",
  "Wenn noch etwas ist, antworten Sie einfach auf diese Nachricht, sie erreicht mich direkt.",
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static double
percentile (GArray *samples,
            double  p)
{
  g_array_sort (samples, compare_doubles);
  return g_array_index (samples, double, (guint) ((samples->len - 1) * p));
}

static char *
build_draft (const char * const *sentences,
             guint               n_sentences,
             guint               n_words)
{
  GString *out = g_string_new (NULL);
  guint words = 0;

  for (guint i = 0; words < n_words; i++)
    {
      const char *sentence = sentences[i % n_sentences];

      g_string_append (out, sentence);
      g_string_append_c (out, i % 5 == 4 ? '\n' : ' ');
      for (const char *p = sentence; *p != '\0'; p++)
        if (*p == ' ')
          words++;
      words++;
    }

  return g_string_free (out, FALSE);
}

static gboolean
bench_accuracy (PoiseLibrary *library,
                const char   *path)
{
  g_autoptr(PoiseSuggestEvaluation) eval = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_path_get_basename (path);
  double top1, top3;

  if (!g_file_get_contents (path, &contents, NULL, &error) ||
      (eval = poise_suggest_evaluate (library, NULL, "en", contents, &error)) == NULL)
    {
      fprintf (stderr, "%s: %s\n", path, error->message);
      return FALSE;
    }

  top1 = 100.0 * eval->n_top1 / MAX (eval->n_messages, 1);
  top3 = 100.0 * eval->n_top3 / MAX (eval->n_messages, 1);
  printf ("suggest-accuracy %s: %u messages, top-1 %.1f %% (target >= %.0f %%), "
          "top-3 %.1f %% (target >= %.0f %%)\n", name, eval->n_messages,
          top1, TOP1_TARGET, top3, TOP3_TARGET);

  return top1 >= TOP1_TARGET && top3 >= TOP3_TARGET;
}

static void
bench_rank (PoiseLibrary *library)
{
  g_autoptr(PoiseSuggester) suggester = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  const char *message = "Hello, I ordered three weeks ago and my parcel STILL hasn't "
                        "arrived. This is the third time I'm writing, the tracking shows "
                        "nothing and nobody answers. I want my money back or I'm going "
                        "to a lawyer!!";
  gint64 start = g_get_monotonic_time ();

  suggester = poise_suggester_new (library, "en");
  printf ("suggester-new: %.2f ms\n", (g_get_monotonic_time () - start) / 1000.0);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GListModel) ranked = NULL;
      g_autoptr(PoiseHeat) heat = NULL;

      start = g_get_monotonic_time ();
      ranked = poise_suggester_rank (suggester, message, 3);
      heat = poise_suggester_estimate_heat (suggester, message);
      g_array_append_val (samples, (double) { (g_get_monotonic_time () - start) / 1000.0 });
    }
  printf ("suggest-rank-and-heat: median %.3f ms per message\n", percentile (samples, 0.5));
}

static gboolean
bench_draft (PoiseLibrary       *library,
             const char         *lang,
             const char * const *sentences,
             guint               n_sentences)
{
  g_autoptr(PoiseDraftChecker) checker = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *draft = build_draft (sentences, n_sentences, DRAFT_WORDS);
  g_autoptr(GString) typing = g_string_new (draft);
  guint n_issues = 0, n_times = 0;
  double med, p95, worst;
  gint64 start = g_get_monotonic_time ();

  checker = poise_draft_checker_new (library,
                                     poise_library_lookup_scenario (library, "shipping-delay"),
                                     lang);
  printf ("draft-checker-new-%s: %.2f ms\n", lang, (g_get_monotonic_time () - start) / 1000.0);

  /* Each keystroke appends a character, as typing at the end does. */
  for (guint i = 0; i < N_KEYSTROKES; i++)
    {
      g_autoptr(PoiseDraftReport) report = NULL;

      g_string_append_c (typing, "abc de."[i % 7]);
      start = g_get_monotonic_time ();
      report = poise_draft_checker_check (checker, typing->str);
      g_array_append_val (samples, (double) { (g_get_monotonic_time () - start) / 1000.0 });
      n_issues = poise_draft_report_get_issues (report)->len;
      n_times = poise_draft_report_get_times (report)->len;
    }

  med = percentile (samples, 0.5);
  p95 = percentile (samples, 0.95);
  worst = percentile (samples, 1.0);
  printf ("draft-check-keystroke-%s: %u words, %zu bytes, %u phrases to avoid, %u times found; "
          "median %.2f ms, p95 %.2f ms, max %.2f ms (target <= %.0f ms)\n",
          lang, DRAFT_WORDS, strlen (draft), n_issues, n_times, med, p95, worst, KEY_TARGET_MS);

  return p95 <= KEY_TARGET_MS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) accuracy = g_string_new (NULL);
  gboolean latency_met = TRUE;

  library = poise_library_new_default (&error);
  if (library == NULL)
    {
      fprintf (stderr, "default library: %s\n", error->message);
      return 1;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autofree char *name = g_path_get_basename (argv[i]);

      g_string_append_printf (accuracy, "%s%s %s", accuracy->len > 0 ? ", " : "",
                              bench_accuracy (library, argv[i]) ? "met on" : "MISSED on", name);
    }

  bench_rank (library);
  latency_met &= bench_draft (library, "en", sentences_en, G_N_ELEMENTS (sentences_en));
  latency_met &= bench_draft (library, "de", sentences_de, G_N_ELEMENTS (sentences_de));

  printf ("targets: accuracy %s; draft keystroke (p95) %s\n",
          argc < 2 ? "not measured" : accuracy->str, latency_met ? "met" : "MISSED");
  return 0;
}

/* poise-suggest-eval.c: measuring suggestions against labelled messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by `poise-admin evaluate`, the test suite and the benchmark, so
 * the figure a supervisor sees is the figure the tests hold to.
 */
#define G_LOG_DOMAIN "poise-suggest-eval"

#include "config.h"

#include "poise-suggest-eval.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static void
confusion_free (PoiseConfusion *confusion)
{
  g_free (confusion->expected);
  g_free (confusion->got);
  g_free (confusion);
}

void
poise_suggest_evaluation_free (PoiseSuggestEvaluation *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->confusions, g_ptr_array_unref);
  g_free (self);
}

static int
compare_confusions (gconstpointer a,
                    gconstpointer b)
{
  const PoiseConfusion *ca = *(const PoiseConfusion * const *) a;
  const PoiseConfusion *cb = *(const PoiseConfusion * const *) b;
  int cmp;

  if (ca->count != cb->count)
    return ca->count > cb->count ? -1 : 1;
  cmp = strcmp (ca->expected, cb->expected);
  return cmp != 0 ? cmp : strcmp (ca->got, cb->got);
}

PoiseSuggestEvaluation *
poise_suggest_evaluate (PoiseLibrary *library,
                        const char   *lang,
                        const char   *fallback_lang,
                        const char   *tsv,
                        GError      **error)
{
  g_autoptr(PoiseSuggestEvaluation) result = g_new0 (PoiseSuggestEvaluation, 1);
  g_autoptr(GHashTable) suggesters = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            NULL, g_object_unref);
  g_autoptr(GHashTable) confusions = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                            g_free, NULL);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (POISE_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (fallback_lang != NULL, NULL);
  g_return_val_if_fail (tsv != NULL, NULL);

  result->confusions = g_ptr_array_new_with_free_func ((GDestroyNotify) confusion_free);
  lines = g_strsplit (tsv, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *tab;
      const char *message;
      const char *message_lang;
      PoiseSuggester *suggester;
      g_autoptr(GListModel) ranked = NULL;
      g_autoptr(PoiseSuggestion) first = NULL;
      guint n;

      g_strchomp (line);
      if (line[0] == '\0' || line[0] == '#')
        continue;

      tab = strchr (line, '\t');
      if (tab == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %u is a line number of the labelled file */
                       _("line %u: expected a scenario id, a tab and the message"), i + 1);
          return NULL;
        }
      *tab = '\0';
      message = tab + 1;
      if (poise_library_lookup_scenario (library, line) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %u is a line number, %s a scenario id */
                       _("line %u: the library has no scenario “%s”"), i + 1, line);
          return NULL;
        }

      message_lang = lang;
      if (message_lang == NULL)
        message_lang = poise_detect_language (message);
      if (message_lang == NULL)
        message_lang = fallback_lang;

      suggester = g_hash_table_lookup (suggesters, message_lang);
      if (suggester == NULL)
        {
          suggester = poise_suggester_new (library, message_lang);
          g_hash_table_insert (suggesters, (gpointer) poise_suggester_get_language (suggester),
                               suggester);
        }

      ranked = poise_suggester_rank (suggester, message, 3);
      n = g_list_model_get_n_items (ranked);
      result->n_messages++;

      for (guint k = 0; k < n; k++)
        {
          g_autoptr(PoiseSuggestion) suggestion = g_list_model_get_item (ranked, k);

          if (strcmp (poise_suggestion_get_scenario_id (suggestion), line) == 0)
            {
              result->n_top3++;
              if (k == 0)
                result->n_top1++;
              break;
            }
        }

      first = n > 0 ? g_list_model_get_item (ranked, 0) : NULL;
      if (first == NULL || strcmp (poise_suggestion_get_scenario_id (first), line) != 0)
        {
          const char *got = first != NULL ? poise_suggestion_get_scenario_id (first) : "";
          g_autofree char *key = g_strconcat (line, "\t", got, NULL);
          PoiseConfusion *confusion = g_hash_table_lookup (confusions, key);

          if (confusion == NULL)
            {
              confusion = g_new0 (PoiseConfusion, 1);
              confusion->expected = g_strdup (line);
              confusion->got = g_strdup (got);
              g_ptr_array_add (result->confusions, confusion);
              g_hash_table_insert (confusions, g_steal_pointer (&key), confusion);
            }
          confusion->count++;
        }
    }

  g_ptr_array_sort (result->confusions, compare_confusions);

  return g_steal_pointer (&result);
}

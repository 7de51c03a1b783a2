/* poise-query.c: a search typed by the agent, prepared once per keystroke
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Matching is a substring test per word on a normalised text that each
 * scenario builds once and keeps, so a keystroke over ten thousand
 * scenarios costs a few milliseconds of strstr().
 */
#define G_LOG_DOMAIN "poise-query"

#include "poise-query.h"
#include "poise-scenario-private.h"

#include <string.h>

struct _PoiseQuery
{
  gatomicrefcount ref_count;
  GStrv           words;   /* normalised, each once */
};

G_DEFINE_BOXED_TYPE (PoiseQuery, poise_query, poise_query_ref, poise_query_unref)

/**
 * poise_normalize_text:
 * @text: any UTF-8 text
 *
 * Folds case and removes accents: "Verspätung" becomes "verspatung" and
 * "Straße" "strasse", so agents find texts however they type them.
 *
 * Returns: (transfer full): the normalised text
 */
char *
poise_normalize_text (const char *text)
{
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  folded = g_utf8_casefold (text, -1);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  if (decomposed == NULL)
    return g_steal_pointer (&folded);

  out = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; )
    {
      /* ASCII needs no lookup, and it is most of every script. */
      if ((guchar) *p < 0x80)
        {
          g_string_append_c (out, *p);
          p++;
        }
      else
        {
          gunichar c = g_utf8_get_char (p);
          const char *next = g_utf8_next_char (p);

          switch (g_unichar_type (c))
            {
            case G_UNICODE_NON_SPACING_MARK:
            case G_UNICODE_SPACING_MARK:
            case G_UNICODE_ENCLOSING_MARK:
              break;
            default:
              g_string_append_len (out, p, next - p);
            }
          p = next;
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * poise_query_new:
 * @text: (nullable): what the agent typed
 *
 * Returns: (transfer full): a new query
 */
PoiseQuery *
poise_query_new (const char *text)
{
  PoiseQuery *self = g_new0 (PoiseQuery, 1);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autofree char *normalized = NULL;
  const char *start = NULL;

  g_atomic_ref_count_init (&self->ref_count);

  normalized = poise_normalize_text (text != NULL ? text : "");

  /* Words are runs of letters and digits; everything else separates. */
  for (const char *p = normalized; ; p = g_utf8_next_char (p))
    {
      gboolean in_word = *p != '\0' && g_unichar_isalnum (g_utf8_get_char (p));

      if (in_word && start == NULL)
        start = p;
      else if (!in_word && start != NULL)
        {
          g_autofree char *word = g_strndup (start, p - start);
          gboolean seen = FALSE;

          for (guint i = 0; i < words->len && !seen; i++)
            seen = strcmp (g_ptr_array_index (words, i), word) == 0;
          if (!seen)
            g_ptr_array_add (words, g_steal_pointer (&word));
          start = NULL;
        }

      if (*p == '\0')
        break;
    }

  g_ptr_array_add (words, NULL);
  self->words = (GStrv) g_ptr_array_free (g_steal_pointer (&words), FALSE);

  return self;
}

PoiseQuery *
poise_query_ref (PoiseQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
poise_query_unref (PoiseQuery *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_strfreev (self->words);
      g_free (self);
    }
}

gboolean
poise_query_is_empty (const PoiseQuery *self)
{
  g_return_val_if_fail (self != NULL, TRUE);
  return self->words[0] == NULL;
}

gboolean
poise_query_matches (const PoiseQuery *self,
                     PoiseScenario    *scenario,
                     const char       *lang)
{
  const char *haystack;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (POISE_IS_SCENARIO (scenario), FALSE);

  if (self->words[0] == NULL)
    return TRUE;

  haystack = _poise_scenario_get_search_text (scenario, lang);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (haystack, self->words[i]) == NULL)
      return FALSE;

  return TRUE;
}

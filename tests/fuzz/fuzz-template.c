/* fuzz-template.c: template filling with arbitrary scripts and values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input layout: the script text, then a NUL, then values as "id=value"
 * lines. Scripts come from supervisors and values from agents, so neither
 * is trusted.
 */
#include "poise-localized.h"
#include "poise-placeholder.h"
#include "poise-template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const PoisePlaceholderType kinds[] = {
  POISE_PLACEHOLDER_TEXT, POISE_PLACEHOLDER_DATE, POISE_PLACEHOLDER_NUMBER,
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  const char *nul = memchr (data, '\0', size);
  g_autoptr(GHashTable) placeholders = NULL;
  g_autoptr(GHashTable) values = NULL;
  g_auto(GStrv) ids = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *de = NULL;
  g_autofree char *en = NULL;

  /* Library text has passed UTF-8 validation before it gets here. */
  if (!g_utf8_validate (input, -1, NULL))
    return 0;

  placeholders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  ids = poise_template_get_placeholders (input);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(PoiseLocalized) label = poise_localized_new ();
      g_autoptr(PoiseLocalized) hint = poise_localized_new ();

      poise_localized_set (label, "en", ids[i]);
      poise_localized_set (label, "de", ids[i]);
      g_hash_table_replace (placeholders, g_strdup (ids[i]),
                            poise_placeholder_new (ids[i], kinds[i % G_N_ELEMENTS (kinds)],
                                                   label, hint));
    }

  if (nul != NULL)
    {
      g_autofree char *rest = g_strndup (nul + 1, size - (nul + 1 - (const char *) data));
      g_auto(GStrv) lines = g_strsplit (rest, "\n", 64);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *eq = strchr (lines[i], '=');

          if (eq == NULL || !g_utf8_validate (lines[i], -1, NULL))
            continue;
          *eq = '\0';
          g_hash_table_replace (values, g_strdup (lines[i]), g_strdup (eq + 1));
        }
    }

  de = poise_template_fill (input, placeholders, values, "de", 0, &missing);
  en = poise_template_fill (input, placeholders, values, "en", 0, NULL);
  if (de == NULL || en == NULL || !g_utf8_validate (de, -1, NULL))
    abort ();

  for (guint i = 0; ids[i] != NULL; i++)
    g_free (poise_format_date (g_hash_table_lookup (values, ids[i]), "de"));

  return 0;
}

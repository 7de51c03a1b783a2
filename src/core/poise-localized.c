/* poise-localized.c: a text in several languages, falling back to English
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-localized"

#include "poise-localized.h"

#include <string.h>

typedef struct {
  char  *lang;
  char  *text;   /* set for texts */
  GStrv  list;   /* set for text lists */
} Entry;

/* A library holds tens of thousands of these with two or three languages
 * each, so a small array searched linearly is cheaper than a hash table. */
struct _PoiseLocalized {
  gatomicrefcount  ref_count;
  GArray          *entries;   /* Entry */
};

G_DEFINE_BOXED_TYPE (PoiseLocalized, poise_localized, poise_localized_ref, poise_localized_unref)

static const char * const empty_list[] = { NULL };

static void
entry_clear (Entry *entry)
{
  g_clear_pointer (&entry->lang, g_free);
  g_clear_pointer (&entry->text, g_free);
  g_clear_pointer (&entry->list, g_strfreev);
}

static const Entry *
find_entry (const PoiseLocalized *self,
            const char           *lang)
{
  if (lang == NULL)
    return NULL;

  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = &g_array_index (self->entries, Entry, i);

      if (strcmp (entry->lang, lang) == 0)
        return entry;
    }

  return NULL;
}

static Entry *
ensure_entry (PoiseLocalized *self,
              const char     *lang)
{
  Entry *entry = (Entry *) find_entry (self, lang);

  if (entry == NULL)
    {
      Entry empty = { g_strdup (lang), NULL, NULL };

      g_array_append_val (self->entries, empty);
      entry = &g_array_index (self->entries, Entry, self->entries->len - 1);
    }

  return entry;
}

PoiseLocalized *
poise_localized_new (void)
{
  PoiseLocalized *self = g_new0 (PoiseLocalized, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), 2);
  g_array_set_clear_func (self->entries, (GDestroyNotify) entry_clear);

  return self;
}

PoiseLocalized *
poise_localized_ref (PoiseLocalized *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
poise_localized_unref (PoiseLocalized *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->entries);
      g_free (self);
    }
}

void
poise_localized_set (PoiseLocalized *self,
                     const char     *lang,
                     const char     *text)
{
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (lang != NULL);
  g_return_if_fail (text != NULL);

  entry = ensure_entry (self, lang);
  g_free (entry->text);
  entry->text = g_strdup (text);
}

void
poise_localized_set_list (PoiseLocalized     *self,
                          const char         *lang,
                          const char * const *items)
{
  Entry *entry;

  g_return_if_fail (self != NULL);
  g_return_if_fail (lang != NULL);

  entry = ensure_entry (self, lang);
  g_strfreev (entry->list);
  entry->list = g_strdupv ((char **) (items != NULL ? items : empty_list));
}

const char *
poise_localized_get (const PoiseLocalized *self,
                     const char           *lang)
{
  const Entry *entry;

  g_return_val_if_fail (self != NULL, NULL);

  entry = find_entry (self, lang);
  if (entry == NULL || entry->text == NULL)
    entry = find_entry (self, POISE_FALLBACK_LANGUAGE);

  return entry != NULL ? entry->text : NULL;
}

const char * const *
poise_localized_get_list (const PoiseLocalized *self,
                          const char           *lang)
{
  const Entry *entry;

  g_return_val_if_fail (self != NULL, empty_list);

  entry = find_entry (self, lang);
  if (entry == NULL || entry->list == NULL)
    entry = find_entry (self, POISE_FALLBACK_LANGUAGE);

  if (entry == NULL || entry->list == NULL)
    return empty_list;

  return (const char * const *) entry->list;
}

gboolean
poise_localized_has (const PoiseLocalized *self,
                     const char           *lang)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return find_entry (self, lang) != NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
poise_localized_dup_languages (const PoiseLocalized *self)
{
  GStrv langs;

  g_return_val_if_fail (self != NULL, NULL);

  langs = g_new0 (char *, self->entries->len + 1);
  for (guint i = 0; i < self->entries->len; i++)
    langs[i] = g_strdup (g_array_index (self->entries, Entry, i).lang);
  qsort (langs, self->entries->len, sizeof (char *), compare_strings);

  return langs;
}

/**
 * poise_language_from_locale:
 *
 * Returns: "de" when the user's first preferred language is German,
 *   otherwise "en"; these are the languages Poise ships texts for
 */
const char *
poise_language_from_locale (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "de"))
        return "de";
      if (g_str_has_prefix (names[i], "en"))
        return "en";
      if (strcmp (names[i], "C") == 0 || strcmp (names[i], "POSIX") == 0)
        break;
    }

  return "en";
}

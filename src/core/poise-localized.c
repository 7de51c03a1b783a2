/* poise-localized.c: a text in several languages, falling back to English
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-localized"

#include "poise-localized.h"

#include <string.h>

typedef struct {
  const char  *lang;   /* interned: a library has only a few languages */
  char        *text;   /* set for texts */
  char       **list;   /* set for text lists: the items and their texts
                        * in one block (see dup_list) */
} Entry;

#define N_INLINE_ENTRIES 2

/* A library holds tens of thousands of these with two or three languages
 * each, so a small array searched linearly is cheaper than a hash table,
 * and keeping the first two entries inline saves an allocation each. */
struct _PoiseLocalized {
  gatomicrefcount  ref_count;
  guint            n_entries;
  guint            n_allocated;
  Entry           *entries;   /* inline_entries until there are more */
  Entry            inline_entries[N_INLINE_ENTRIES];
};

G_DEFINE_BOXED_TYPE (PoiseLocalized, poise_localized, poise_localized_ref, poise_localized_unref)

static const char * const empty_list[] = { NULL };

static const Entry *
find_entry (const PoiseLocalized *self,
            const char           *lang)
{
  if (lang == NULL)
    return NULL;

  for (guint i = 0; i < self->n_entries; i++)
    {
      const Entry *entry = &self->entries[i];

      if (entry->lang == lang || strcmp (entry->lang, lang) == 0)
        return entry;
    }

  return NULL;
}

static Entry *
ensure_entry (PoiseLocalized *self,
              const char     *lang)
{
  Entry *entry = (Entry *) find_entry (self, lang);

  if (entry != NULL)
    return entry;

  if (self->n_entries == self->n_allocated)
    {
      guint n_allocated = self->n_allocated * 2;

      if (self->entries == self->inline_entries)
        {
          self->entries = g_new (Entry, n_allocated);
          memcpy (self->entries, self->inline_entries, self->n_entries * sizeof (Entry));
        }
      else
        {
          self->entries = g_renew (Entry, self->entries, n_allocated);
        }
      self->n_allocated = n_allocated;
    }

  entry = &self->entries[self->n_entries++];
  entry->lang = g_intern_string (lang);
  entry->text = NULL;
  entry->list = NULL;

  return entry;
}

/* A NULL-terminated copy of @items in one block: the pointers, then the
 * texts they point to; g_free() frees it all. */
static char **
dup_list (const char * const *items)
{
  gsize n = 0;
  gsize size;
  char **list;
  char *text;

  size = sizeof (char *);
  for (; items[n] != NULL; n++)
    size += sizeof (char *) + strlen (items[n]) + 1;

  list = g_malloc (size);
  text = (char *) (list + n + 1);
  for (gsize i = 0; i < n; i++)
    {
      gsize len = strlen (items[i]) + 1;

      memcpy (text, items[i], len);
      list[i] = text;
      text += len;
    }
  list[n] = NULL;

  return list;
}

PoiseLocalized *
poise_localized_new (void)
{
  PoiseLocalized *self = g_new0 (PoiseLocalized, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->entries = self->inline_entries;
  self->n_allocated = N_INLINE_ENTRIES;

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
      for (guint i = 0; i < self->n_entries; i++)
        {
          g_free (self->entries[i].text);
          g_free (self->entries[i].list);
        }
      if (self->entries != self->inline_entries)
        g_free (self->entries);
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
  g_free (entry->list);
  entry->list = dup_list (items != NULL ? items : empty_list);
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

  langs = g_new0 (char *, self->n_entries + 1);
  for (guint i = 0; i < self->n_entries; i++)
    langs[i] = g_strdup (self->entries[i].lang);
  qsort (langs, self->n_entries, sizeof (char *), compare_strings);

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

/* poise-scenario.c: one situation with its script, tone and advice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-scenario"

#include "poise-scenario-private.h"
#include "poise-query.h"

#include <string.h>

typedef struct {
  char *lang;
  char *text;
} SearchText;

G_DEFINE_FINAL_TYPE (PoiseScenario, poise_scenario, G_TYPE_OBJECT)

static const char * const empty_list[] = { NULL };

static void
search_text_clear (SearchText *search_text)
{
  g_clear_pointer (&search_text->lang, g_free);
  g_clear_pointer (&search_text->text, g_free);
}

static void
poise_scenario_finalize (GObject *object)
{
  PoiseScenario *self = (PoiseScenario *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->category_id, g_free);
  g_clear_pointer (&self->category_title, poise_localized_unref);
  g_clear_pointer (&self->title, poise_localized_unref);
  g_clear_pointer (&self->emotion, poise_localized_unref);
  g_clear_pointer (&self->tone, poise_localized_unref);
  g_clear_pointer (&self->script, poise_localized_unref);
  g_clear_pointer (&self->promise, poise_localized_unref);
  g_clear_pointer (&self->advice, poise_localized_unref);
  g_clear_pointer (&self->triggers, poise_localized_unref);
  g_clear_object (&self->avoid);
  g_clear_pointer (&self->placeholders, g_hash_table_unref);
  g_clear_pointer (&self->search_texts, g_array_unref);

  G_OBJECT_CLASS (poise_scenario_parent_class)->finalize (object);
}

static void
poise_scenario_class_init (PoiseScenarioClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_scenario_finalize;
}

static void
poise_scenario_init (PoiseScenario *self)
{
}

/* Nine in ten scenarios have no avoid phrases of their own; they share
 * this store instead of building one each. */
static GListModel *
empty_avoid_list (void)
{
  static GListStore *empty = NULL;

  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, g_list_store_new (POISE_TYPE_AVOID_PHRASE));

  return G_LIST_MODEL (empty);
}

PoiseScenario *
_poise_scenario_new (void)
{
  return g_object_new (POISE_TYPE_SCENARIO, NULL);
}

static void
append_search_text (GString    *out,
                    PoiseScenario *self,
                    const char *lang)
{
  const char * const *triggers = poise_localized_get_list (self->triggers, lang);
  const char *text;

  if ((text = poise_localized_get (self->title, lang)) != NULL)
    g_string_append (out, text);
  g_string_append_c (out, '\n');
  for (guint i = 0; triggers[i] != NULL; i++)
    {
      g_string_append (out, triggers[i]);
      g_string_append_c (out, '\n');
    }
  if ((text = poise_localized_get (self->script, lang)) != NULL)
    g_string_append (out, text);
  g_string_append_c (out, '\n');
}

const char *
_poise_scenario_get_search_text (PoiseScenario *self,
                                 const char    *lang)
{
  g_autoptr(GString) raw = NULL;
  SearchText search_text;

  g_assert (POISE_IS_SCENARIO (self));

  if (lang == NULL)
    lang = POISE_FALLBACK_LANGUAGE;

  if (self->search_texts == NULL)
    {
      self->search_texts = g_array_sized_new (FALSE, FALSE, sizeof (SearchText), 2);
      g_array_set_clear_func (self->search_texts, (GDestroyNotify) search_text_clear);
    }

  for (guint i = 0; i < self->search_texts->len; i++)
    {
      SearchText *cached = &g_array_index (self->search_texts, SearchText, i);

      if (strcmp (cached->lang, lang) == 0)
        return cached->text;
    }

  /* English too, since agents often type the English word in any script. */
  raw = g_string_new (NULL);
  append_search_text (raw, self, lang);
  if (strcmp (lang, POISE_FALLBACK_LANGUAGE) != 0)
    append_search_text (raw, self, POISE_FALLBACK_LANGUAGE);

  search_text.lang = g_strdup (lang);
  search_text.text = poise_normalize_text (raw->str);
  g_array_append_val (self->search_texts, search_text);

  return search_text.text;
}

const char *
poise_scenario_get_id (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->id;
}

const char *
poise_scenario_get_category_id (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->category_id;
}

const char *
poise_scenario_get_category_title (PoiseScenario *self,
                                   const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->category_title != NULL ? poise_localized_get (self->category_title, lang) : NULL;
}

guint
poise_scenario_get_category_position (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), 0);
  return self->category_position;
}

const char *
poise_scenario_get_title (PoiseScenario *self,
                          const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return poise_localized_get (self->title, lang);
}

const char *
poise_scenario_get_emotion (PoiseScenario *self,
                            const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return poise_localized_get (self->emotion, lang);
}

const char *
poise_scenario_get_tone (PoiseScenario *self,
                         const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return poise_localized_get (self->tone, lang);
}

const char *
poise_scenario_get_script (PoiseScenario *self,
                           const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return poise_localized_get (self->script, lang);
}

const char *
poise_scenario_get_promise (PoiseScenario *self,
                            const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->promise != NULL ? poise_localized_get (self->promise, lang) : NULL;
}

const char * const *
poise_scenario_get_advice (PoiseScenario *self,
                           const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->advice != NULL ? poise_localized_get_list (self->advice, lang) : empty_list;
}

const char * const *
poise_scenario_get_triggers (PoiseScenario *self,
                             const char    *lang)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return poise_localized_get_list (self->triggers, lang);
}

/**
 * poise_scenario_get_avoid:
 *
 * Returns: (transfer none): the scenario's own #PoiseAvoidPhrase items
 */
GListModel *
poise_scenario_get_avoid (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->avoid != NULL ? G_LIST_MODEL (self->avoid) : empty_avoid_list ();
}

gboolean
poise_scenario_get_safety (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), FALSE);
  return self->safety;
}

gboolean
poise_scenario_get_offer_pause (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), FALSE);
  return self->offer_pause;
}

/**
 * poise_scenario_get_placeholders:
 *
 * Returns: (transfer none): id → #PoisePlaceholder
 */
GHashTable *
poise_scenario_get_placeholders (PoiseScenario *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);
  return self->placeholders;
}

static void
add_used (PoiseScenario *self,
          GPtrArray     *used,
          const char    *text)
{
  g_auto(GStrv) ids = NULL;

  if (text == NULL)
    return;

  ids = poise_template_get_placeholders (text);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      PoisePlaceholder *placeholder = g_hash_table_lookup (self->placeholders, ids[i]);

      if (placeholder != NULL && !g_ptr_array_find (used, placeholder, NULL))
        g_ptr_array_add (used, placeholder);
    }
}

/**
 * poise_scenario_dup_used_placeholders:
 *
 * Returns: (transfer container) (element-type PoisePlaceholder): the
 *   placeholders the script and then the promise use, each once
 */
GPtrArray *
poise_scenario_dup_used_placeholders (PoiseScenario *self,
                                      const char    *lang)
{
  GPtrArray *used;

  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);

  used = g_ptr_array_new ();
  add_used (self, used, poise_scenario_get_script (self, lang));
  add_used (self, used, poise_scenario_get_promise (self, lang));

  return used;
}

/**
 * poise_scenario_fill_script:
 * @missing: (out) (optional) (transfer full): the ids still empty
 *
 * Returns: (transfer full): the script in @lang, filled
 */
char *
poise_scenario_fill_script (PoiseScenario  *self,
                            const char     *lang,
                            GHashTable     *values,
                            PoiseFillFlags  flags,
                            GStrv          *missing)
{
  g_return_val_if_fail (POISE_IS_SCENARIO (self), NULL);

  return poise_template_fill (poise_scenario_get_script (self, lang), self->placeholders,
                              values, lang, flags, missing);
}

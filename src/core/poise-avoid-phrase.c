/* poise-avoid-phrase.c: a phrase that escalates, and what to say instead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-avoid-phrase"

#include "poise-avoid-phrase.h"

#include <string.h>

struct _PoiseAvoidPhrase
{
  GObject         parent_instance;

  PoiseAvoidKind  kind;
  PoiseLocalized *phrase;
  PoiseLocalized *instead;
  PoiseLocalized *why;   /* nullable */
};

G_DEFINE_FINAL_TYPE (PoiseAvoidPhrase, poise_avoid_phrase, G_TYPE_OBJECT)

static const struct {
  const char     *name;
  PoiseAvoidKind  kind;
} kinds[] = {
  { "dismissive", POISE_AVOID_DISMISSIVE },
  { "defensive", POISE_AVOID_DEFENSIVE },
  { "blaming", POISE_AVOID_BLAMING },
  { "refusal", POISE_AVOID_REFUSAL },
  { "jargon", POISE_AVOID_JARGON },
  { "other", POISE_AVOID_OTHER },
};

static void
poise_avoid_phrase_finalize (GObject *object)
{
  PoiseAvoidPhrase *self = (PoiseAvoidPhrase *) object;

  g_clear_pointer (&self->phrase, poise_localized_unref);
  g_clear_pointer (&self->instead, poise_localized_unref);
  g_clear_pointer (&self->why, poise_localized_unref);

  G_OBJECT_CLASS (poise_avoid_phrase_parent_class)->finalize (object);
}

static void
poise_avoid_phrase_class_init (PoiseAvoidPhraseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_avoid_phrase_finalize;
}

static void
poise_avoid_phrase_init (PoiseAvoidPhrase *self)
{
}

/**
 * poise_avoid_phrase_new:
 * @why: (nullable): the reason, if the library gives one
 */
PoiseAvoidPhrase *
poise_avoid_phrase_new (PoiseAvoidKind  kind,
                        PoiseLocalized *phrase,
                        PoiseLocalized *instead,
                        PoiseLocalized *why)
{
  PoiseAvoidPhrase *self;

  g_return_val_if_fail (phrase != NULL, NULL);
  g_return_val_if_fail (instead != NULL, NULL);

  self = g_object_new (POISE_TYPE_AVOID_PHRASE, NULL);
  self->kind = kind;
  self->phrase = poise_localized_ref (phrase);
  self->instead = poise_localized_ref (instead);
  self->why = why != NULL ? poise_localized_ref (why) : NULL;

  return self;
}

PoiseAvoidKind
poise_avoid_phrase_get_kind (PoiseAvoidPhrase *self)
{
  g_return_val_if_fail (POISE_IS_AVOID_PHRASE (self), POISE_AVOID_OTHER);
  return self->kind;
}

const char *
poise_avoid_phrase_get_phrase (PoiseAvoidPhrase *self,
                               const char       *lang)
{
  g_return_val_if_fail (POISE_IS_AVOID_PHRASE (self), NULL);
  return poise_localized_get (self->phrase, lang);
}

const char *
poise_avoid_phrase_get_instead (PoiseAvoidPhrase *self,
                                const char       *lang)
{
  g_return_val_if_fail (POISE_IS_AVOID_PHRASE (self), NULL);
  return poise_localized_get (self->instead, lang);
}

const char *
poise_avoid_phrase_get_why (PoiseAvoidPhrase *self,
                            const char       *lang)
{
  g_return_val_if_fail (POISE_IS_AVOID_PHRASE (self), NULL);
  return self->why != NULL ? poise_localized_get (self->why, lang) : NULL;
}

gboolean
poise_avoid_kind_from_string (const char     *name,
                              PoiseAvoidKind *out_kind)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (strcmp (kinds[i].name, name) == 0)
        {
          if (out_kind != NULL)
            *out_kind = kinds[i].kind;
          return TRUE;
        }
    }

  return FALSE;
}

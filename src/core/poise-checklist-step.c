/* poise-checklist-step.c: one step of the ASAP checklist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-checklist-step"

#include "poise-checklist-step-private.h"

struct _PoiseChecklistStep
{
  GObject         parent_instance;

  char           *id;
  PoiseLocalized *title;
  PoiseLocalized *description;
  PoiseLocalized *examples;
  PoiseLocalized *cues;        /* nullable */
  gboolean        needs_time;
};

G_DEFINE_FINAL_TYPE (PoiseChecklistStep, poise_checklist_step, G_TYPE_OBJECT)

static void
poise_checklist_step_finalize (GObject *object)
{
  PoiseChecklistStep *self = (PoiseChecklistStep *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, poise_localized_unref);
  g_clear_pointer (&self->description, poise_localized_unref);
  g_clear_pointer (&self->examples, poise_localized_unref);
  g_clear_pointer (&self->cues, poise_localized_unref);

  G_OBJECT_CLASS (poise_checklist_step_parent_class)->finalize (object);
}

static void
poise_checklist_step_class_init (PoiseChecklistStepClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_checklist_step_finalize;
}

static void
poise_checklist_step_init (PoiseChecklistStep *self)
{
}

PoiseChecklistStep *
poise_checklist_step_new (const char     *id,
                          PoiseLocalized *title,
                          PoiseLocalized *description,
                          PoiseLocalized *examples)
{
  PoiseChecklistStep *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (description != NULL, NULL);
  g_return_val_if_fail (examples != NULL, NULL);

  self = g_object_new (POISE_TYPE_CHECKLIST_STEP, NULL);
  self->id = g_strdup (id);
  self->title = poise_localized_ref (title);
  self->description = poise_localized_ref (description);
  self->examples = poise_localized_ref (examples);

  return self;
}

const char *
poise_checklist_step_get_id (PoiseChecklistStep *self)
{
  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), NULL);
  return self->id;
}

const char *
poise_checklist_step_get_title (PoiseChecklistStep *self,
                                const char         *lang)
{
  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), NULL);
  return poise_localized_get (self->title, lang);
}

const char *
poise_checklist_step_get_description (PoiseChecklistStep *self,
                                      const char         *lang)
{
  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), NULL);
  return poise_localized_get (self->description, lang);
}

const char * const *
poise_checklist_step_get_examples (PoiseChecklistStep *self,
                                   const char         *lang)
{
  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), NULL);
  return poise_localized_get_list (self->examples, lang);
}

/**
 * poise_checklist_step_get_cues:
 * @self: a step
 * @lang: a language code
 *
 * Phrases that show a reply draft takes this step ("I understand",
 * "ich kümmere mich darum"); the draft check looks for them.
 *
 * Returns: (transfer none): the cues in @lang, else English; empty when
 *   the library gives none
 */
const char * const *
poise_checklist_step_get_cues (PoiseChecklistStep *self,
                               const char         *lang)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), NULL);

  if (self->cues == NULL)
    return none;
  return poise_localized_get_list (self->cues, lang);
}

/**
 * poise_checklist_step_get_needs_time:
 * @self: a step
 *
 * Returns: %TRUE if the draft check counts the step only when the draft
 *   also names a date or time ("I'll call you back by 3 pm")
 */
gboolean
poise_checklist_step_get_needs_time (PoiseChecklistStep *self)
{
  g_return_val_if_fail (POISE_IS_CHECKLIST_STEP (self), FALSE);
  return self->needs_time;
}

void
_poise_checklist_step_set_cues (PoiseChecklistStep *self,
                                PoiseLocalized     *cues,
                                gboolean            needs_time)
{
  g_return_if_fail (POISE_IS_CHECKLIST_STEP (self));

  g_clear_pointer (&self->cues, poise_localized_unref);
  self->cues = cues != NULL ? poise_localized_ref (cues) : NULL;
  self->needs_time = needs_time;
}

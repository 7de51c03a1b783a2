/* poise-checklist-step.h: one step of the ASAP checklist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-localized.h"

G_BEGIN_DECLS

#define POISE_TYPE_CHECKLIST_STEP (poise_checklist_step_get_type ())
G_DECLARE_FINAL_TYPE (PoiseChecklistStep, poise_checklist_step, POISE, CHECKLIST_STEP, GObject)

PoiseChecklistStep  *poise_checklist_step_new            (const char     *id,
                                                          PoiseLocalized *title,
                                                          PoiseLocalized *description,
                                                          PoiseLocalized *examples);
const char          *poise_checklist_step_get_id         (PoiseChecklistStep *self);
const char          *poise_checklist_step_get_title      (PoiseChecklistStep *self,
                                                          const char         *lang);
const char          *poise_checklist_step_get_description (PoiseChecklistStep *self,
                                                           const char         *lang);
const char * const  *poise_checklist_step_get_examples   (PoiseChecklistStep *self,
                                                          const char         *lang);
/* Phrases the draft check looks for (empty if the library has none). */
const char * const  *poise_checklist_step_get_cues       (PoiseChecklistStep *self,
                                                          const char         *lang);
/* The step counts only if the draft also names a date or time. */
gboolean             poise_checklist_step_get_needs_time (PoiseChecklistStep *self);

G_END_DECLS

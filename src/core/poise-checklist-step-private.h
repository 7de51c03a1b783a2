/* poise-checklist-step-private.h: what the library loader sets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-checklist-step.h"

G_BEGIN_DECLS

/* Called once by the loader, before anyone sees the step. */
void _poise_checklist_step_set_cues (PoiseChecklistStep *self,
                                     PoiseLocalized     *cues,
                                     gboolean            needs_time);

G_END_DECLS

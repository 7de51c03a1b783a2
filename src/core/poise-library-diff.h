/* poise-library-diff.h: the scenarios a new library adds, removes and changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-library.h"
#include "poise-word-diff.h"

G_BEGIN_DECLS

typedef enum {
  POISE_SCENARIO_ADDED,
  POISE_SCENARIO_REMOVED,
  POISE_SCENARIO_CHANGED,
} PoiseScenarioChangeKind;

/* One changed text of a scenario in one language. @field is a stable name:
 * "title", "category", "emotion", "tone", "script", "promise", "advice",
 * "triggers", "avoid", "placeholders" or "flags". */
typedef struct {
  char      *field;
  char      *lang;
  GPtrArray *spans;   /* PoiseDiffSpan */
} PoiseFieldChange;

void poise_field_change_free (PoiseFieldChange *change);

#define POISE_TYPE_SCENARIO_CHANGE (poise_scenario_change_get_type ())
G_DECLARE_FINAL_TYPE (PoiseScenarioChange, poise_scenario_change, POISE, SCENARIO_CHANGE, GObject)

PoiseScenarioChangeKind poise_scenario_change_get_kind   (PoiseScenarioChange *self);
const char             *poise_scenario_change_get_id     (PoiseScenarioChange *self);
/* In the language asked for (the new title, or the old one if removed). */
const char             *poise_scenario_change_get_title  (PoiseScenarioChange *self);
/* PoiseFieldChange, empty unless changed. */
GPtrArray              *poise_scenario_change_get_fields (PoiseScenarioChange *self);

/* PoiseScenarioChange items: removed, added, then changed, each in the
 * order of their library. Texts are compared in every language of either
 * library; titles are given in @lang. Equal libraries give an empty list. */
GListModel *poise_library_diff (PoiseLibrary *old_library,
                                PoiseLibrary *new_library,
                                const char   *lang);

/* Plain text for poise-admin: "+ id  Title", "- id  Title", "~ id  Title"
 * followed by each changed field as a word diff. */
char       *poise_library_diff_to_string (GListModel *changes);

G_END_DECLS

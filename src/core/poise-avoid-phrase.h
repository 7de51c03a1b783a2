/* poise-avoid-phrase.h: a phrase that escalates, and what to say instead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-localized.h"

G_BEGIN_DECLS

typedef enum {
  POISE_AVOID_OTHER,
  POISE_AVOID_DISMISSIVE,
  POISE_AVOID_DEFENSIVE,
  POISE_AVOID_BLAMING,
  POISE_AVOID_REFUSAL,
  POISE_AVOID_JARGON,
} PoiseAvoidKind;

#define POISE_TYPE_AVOID_PHRASE (poise_avoid_phrase_get_type ())
G_DECLARE_FINAL_TYPE (PoiseAvoidPhrase, poise_avoid_phrase, POISE, AVOID_PHRASE, GObject)

PoiseAvoidPhrase *poise_avoid_phrase_new         (PoiseAvoidKind  kind,
                                                  PoiseLocalized *phrase,
                                                  PoiseLocalized *instead,
                                                  PoiseLocalized *why);
PoiseAvoidKind    poise_avoid_phrase_get_kind    (PoiseAvoidPhrase *self);
const char       *poise_avoid_phrase_get_phrase  (PoiseAvoidPhrase *self,
                                                  const char       *lang);
const char       *poise_avoid_phrase_get_instead (PoiseAvoidPhrase *self,
                                                  const char       *lang);
/* Nullable. */
const char       *poise_avoid_phrase_get_why     (PoiseAvoidPhrase *self,
                                                  const char       *lang);
gboolean          poise_avoid_kind_from_string   (const char     *name,
                                                  PoiseAvoidKind *out_kind);

G_END_DECLS

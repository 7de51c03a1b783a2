/* poise-heat.h: how heated a customer's message reads, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * PoiseHeatLevel:
 * @POISE_HEAT_CALM: nothing points to anger (score below 20)
 * @POISE_HEAT_UPSET: some signs (20–49)
 * @POISE_HEAT_ANGRY: several strong signs (50 and more)
 * @POISE_HEAT_CRITICAL: a threat of violence or self-harm, whatever the score
 */
typedef enum {
  POISE_HEAT_CALM,
  POISE_HEAT_UPSET,
  POISE_HEAT_ANGRY,
  POISE_HEAT_CRITICAL,
} PoiseHeatLevel;

/**
 * PoiseHeatReasons:
 * @POISE_HEAT_REASON_NONE: no reason
 * @POISE_HEAT_REASON_CAPITALS: words written in capitals ("TWO WEEKS")
 * @POISE_HEAT_REASON_EXCLAMATION: several exclamation marks ("!!", "?!")
 * @POISE_HEAT_REASON_REPEATED_CONTACT: "third time", "schon wieder", "zum dritten Mal"
 * @POISE_HEAT_REASON_REFUND: money back is at stake
 * @POISE_HEAT_REASON_LEGAL: "lawyer", "Anwalt", "Verbraucherzentrale"
 * @POISE_HEAT_REASON_INSULT: insults
 * @POISE_HEAT_REASON_THREAT: a threat of violence or self-harm (the
 *   library's safety scenarios matched)
 */
typedef enum /*< flags >*/ {
  POISE_HEAT_REASON_NONE             = 0,
  POISE_HEAT_REASON_CAPITALS         = 1 << 0,
  POISE_HEAT_REASON_EXCLAMATION      = 1 << 1,
  POISE_HEAT_REASON_REPEATED_CONTACT = 1 << 2,
  POISE_HEAT_REASON_REFUND           = 1 << 3,
  POISE_HEAT_REASON_LEGAL            = 1 << 4,
  POISE_HEAT_REASON_INSULT           = 1 << 5,
  POISE_HEAT_REASON_THREAT           = 1 << 6,
} PoiseHeatReasons;

#define POISE_TYPE_HEAT (poise_heat_get_type ())

/**
 * PoiseHeat:
 * @score: 0 (calm) to 100
 * @level: the score as a level; %POISE_HEAT_CRITICAL on any threat
 * @reasons: what raised the score
 *
 * Made by poise_suggester_estimate_heat().
 */
typedef struct {
  guint            score;
  PoiseHeatLevel   level;
  PoiseHeatReasons reasons;
} PoiseHeat;

GType      poise_heat_get_type (void) G_GNUC_CONST;
PoiseHeat *poise_heat_copy     (const PoiseHeat *self);
void       poise_heat_free     (PoiseHeat *self);
/* The reasons' nicks, comma-separated ("capitals,legal"), or "none". */
char      *poise_heat_reasons_to_string (PoiseHeatReasons reasons);
/* "calm", "upset", "angry", "critical". */
const char *poise_heat_level_to_string  (PoiseHeatLevel level);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseHeat, poise_heat_free)

G_END_DECLS

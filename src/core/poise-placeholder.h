/* poise-placeholder.h: a typed blank in a script, such as [date]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-localized.h"

G_BEGIN_DECLS

typedef enum {
  POISE_PLACEHOLDER_TEXT,
  POISE_PLACEHOLDER_DATE,           /* value "YYYY-MM-DD" */
  POISE_PLACEHOLDER_TIME,           /* value "HH:MM" (24 h) */
  POISE_PLACEHOLDER_NUMBER,         /* value an integer or decimal, "." separator */
  POISE_PLACEHOLDER_CHOICE,         /* value an option id */
  POISE_PLACEHOLDER_CUSTOMER_NAME,  /* value free text */
} PoisePlaceholderType;

#define POISE_TYPE_PLACEHOLDER (poise_placeholder_get_type ())
G_DECLARE_FINAL_TYPE (PoisePlaceholder, poise_placeholder, POISE, PLACEHOLDER, GObject)

PoisePlaceholder     *poise_placeholder_new            (const char           *id,
                                                        PoisePlaceholderType  type,
                                                        PoiseLocalized       *label,
                                                        PoiseLocalized       *hint);
const char           *poise_placeholder_get_id         (PoisePlaceholder *self);
PoisePlaceholderType  poise_placeholder_get_kind       (PoisePlaceholder *self);
const char           *poise_placeholder_get_label      (PoisePlaceholder *self,
                                                        const char       *lang);
const char           *poise_placeholder_get_hint       (PoisePlaceholder *self,
                                                        const char       *lang);
/* Choices only; otherwise 0 / NULL. */
void                  poise_placeholder_add_option     (PoisePlaceholder *self,
                                                        const char       *option_id,
                                                        PoiseLocalized   *label);
guint                 poise_placeholder_get_n_options  (PoisePlaceholder *self);
const char           *poise_placeholder_get_option_id  (PoisePlaceholder *self,
                                                        guint             position);
const char           *poise_placeholder_get_option_label (PoisePlaceholder *self,
                                                          guint             position,
                                                          const char       *lang);
/* @value rendered for the script's @lang: dates "Freitag, 27. November" /
 * "Friday, 27 November", choices their label. NULL if @value is invalid
 * for the type (e.g. "2026-02-30" for a date). */
char                 *poise_placeholder_format_value   (PoisePlaceholder *self,
                                                        const char       *value,
                                                        const char       *lang);
/* Parses the type names used in the library format ("date", "customer-name", …). */
gboolean              poise_placeholder_type_from_string (const char           *name,
                                                          PoisePlaceholderType *out_type);

G_END_DECLS

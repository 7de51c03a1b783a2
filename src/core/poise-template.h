/* poise-template.h: parsing and filling "[placeholder]" texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Syntax: "[id]" where id matches [a-z0-9_-]+ is a placeholder; "[[" is a
 * literal "["; any other bracket text is literal.
 */
#pragma once

#include "poise-placeholder.h"

G_BEGIN_DECLS

typedef enum {
  POISE_FILL_NONE   = 0,
  /* Escape literal text for Pango and wrap placeholders in <span>s:
   * filled values bold, empty ones as "[Label]" with the "missing" style. */
  POISE_FILL_MARKUP = 1 << 0,
} PoiseFillFlags;

/* Placeholder ids in order of first appearance, each once. */
GStrv  poise_template_get_placeholders (const char *text);

/* Fills @text for the script language @lang. @placeholders maps id →
 * PoisePlaceholder (for types and labels); @values maps id → value string
 * (missing or empty = not filled). An empty placeholder is rendered as
 * "[Label]" in @lang. @missing (out, nullable) receives the ids that are
 * still empty, in order of first appearance, each once. */
char  *poise_template_fill (const char     *text,
                            GHashTable     *placeholders,
                            GHashTable     *values,
                            const char     *lang,
                            PoiseFillFlags  flags,
                            GStrv          *missing);

/* "Freitag, 27. November" / "Friday, 27 November"; NULL if @iso_date
 * ("YYYY-MM-DD") is not a valid date. Language-independent of the locale. */
char  *poise_format_date (const char *iso_date,
                          const char *lang);

G_END_DECLS

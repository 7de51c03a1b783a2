/* poise-word-diff.h: what changed between two texts, word by word
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  POISE_DIFF_EQUAL,
  POISE_DIFF_INSERT,
  POISE_DIFF_DELETE,
} PoiseDiffOp;

typedef struct {
  PoiseDiffOp  op;
  char        *text;   /* words with the spaces and punctuation between them */
} PoiseDiffSpan;

void       poise_diff_span_free (PoiseDiffSpan *span);

/* The spans that turn @old into @new (PoiseDiffSpan, in order; adjacent
 * spans of one kind are joined). Words are runs of letters and digits;
 * everything between them is compared as it is. NULL counts as "". */
GPtrArray *poise_word_diff      (const char *old_text,
                                 const char *new_text);

/* "old [-gone-] {+new+} …": for terminals and logs. */
char      *poise_word_diff_to_string (GPtrArray *spans);

G_END_DECLS

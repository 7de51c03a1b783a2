/* poise-word-diff.c: what changed between two texts, word by word
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A longest-common-subsequence diff over tokens, after trimming the common
 * head and tail. Scripts are a few hundred words, so the quadratic table is
 * small; past a limit the middle is reported as one replacement instead of
 * spending memory on it.
 */
#define G_LOG_DOMAIN "poise-word-diff"

#include "config.h"

#include "poise-word-diff.h"

#include <string.h>

/* 4,000 × 4,000 tokens is 64 MB of table: beyond that, replace wholesale. */
#define MAX_TABLE_CELLS (16 * 1000 * 1000)

void
poise_diff_span_free (PoiseDiffSpan *span)
{
  if (span == NULL)
    return;

  g_free (span->text);
  g_free (span);
}

/* Tokens: a word (letters and digits) or a single other character, so
 * punctuation and spaces change on their own. Each token is a slice of
 * the text, kept as (start, length) pairs. */
static GArray *
tokenize (const char *text)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (gsize) * 2);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = p;
      gunichar c = g_utf8_get_char (p);
      gsize pair[2];

      if (g_unichar_isalnum (c))
        while (*p != '\0' && g_unichar_isalnum (g_utf8_get_char (p)))
          p = g_utf8_next_char (p);
      else
        p = g_utf8_next_char (p);

      pair[0] = start - text;
      pair[1] = p - start;
      g_array_append_val (tokens, pair);
    }

  return tokens;
}

static gboolean
token_equal (const char *a, const gsize *ta,
             const char *b, const gsize *tb)
{
  return ta[1] == tb[1] && memcmp (a + ta[0], b + tb[0], ta[1]) == 0;
}

static void
emit (GPtrArray   *spans,
      PoiseDiffOp  op,
      const char  *text,
      gsize        length)
{
  PoiseDiffSpan *last = spans->len > 0 ? g_ptr_array_index (spans, spans->len - 1) : NULL;

  if (length == 0)
    return;

  if (last != NULL && last->op == op)
    {
      char *joined = g_strdup_printf ("%s%.*s", last->text, (int) length, text);

      g_free (last->text);
      last->text = joined;
      return;
    }

  last = g_new0 (PoiseDiffSpan, 1);
  last->op = op;
  last->text = g_strndup (text, length);
  g_ptr_array_add (spans, last);
}

#define TOKEN(arr, i) (&g_array_index (arr, gsize, (i) * 2))

GPtrArray *
poise_word_diff (const char *old_text,
                 const char *new_text)
{
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  GPtrArray *spans = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_diff_span_free);
  guint head = 0, tail = 0, n, m;

  old_text = old_text != NULL ? old_text : "";
  new_text = new_text != NULL ? new_text : "";
  a = tokenize (old_text);
  b = tokenize (new_text);

  while (head < a->len && head < b->len &&
         token_equal (old_text, TOKEN (a, head), new_text, TOKEN (b, head)))
    head++;
  while (tail < a->len - head && tail < b->len - head &&
         token_equal (old_text, TOKEN (a, a->len - 1 - tail),
                      new_text, TOKEN (b, b->len - 1 - tail)))
    tail++;

  if (head > 0)
    emit (spans, POISE_DIFF_EQUAL, new_text, TOKEN (b, head - 1)[0] + TOKEN (b, head - 1)[1]);

  n = a->len - head - tail;
  m = b->len - head - tail;

  if ((guint64) (n + 1) * (m + 1) > MAX_TABLE_CELLS)
    {
      if (n > 0)
        emit (spans, POISE_DIFF_DELETE, old_text + TOKEN (a, head)[0],
              TOKEN (a, head + n - 1)[0] + TOKEN (a, head + n - 1)[1] - TOKEN (a, head)[0]);
      if (m > 0)
        emit (spans, POISE_DIFF_INSERT, new_text + TOKEN (b, head)[0],
              TOKEN (b, head + m - 1)[0] + TOKEN (b, head + m - 1)[1] - TOKEN (b, head)[0]);
    }
  else if (n > 0 || m > 0)
    {
      /* lcs[i][j]: common tokens of a[head+i..] and b[head+j..]. */
      g_autofree guint32 *lcs = g_new0 (guint32, (gsize) (n + 1) * (m + 1));
      guint i = 0, j = 0;

#define LCS(i, j) lcs[(gsize) (i) * (m + 1) + (j)]
      for (guint ii = n; ii-- > 0;)
        for (guint jj = m; jj-- > 0;)
          LCS (ii, jj) = token_equal (old_text, TOKEN (a, head + ii), new_text, TOKEN (b, head + jj))
                         ? LCS (ii + 1, jj + 1) + 1
                         : MAX (LCS (ii + 1, jj), LCS (ii, jj + 1));

      while (i < n || j < m)
        {
          const gsize *ta = i < n ? TOKEN (a, head + i) : NULL;
          const gsize *tb = j < m ? TOKEN (b, head + j) : NULL;

          if (ta != NULL && tb != NULL && token_equal (old_text, ta, new_text, tb))
            {
              emit (spans, POISE_DIFF_EQUAL, new_text + tb[0], tb[1]);
              i++, j++;
            }
          /* Deletions first, as readers expect "old → new". */
          else if (ta != NULL && (tb == NULL || LCS (i + 1, j) >= LCS (i, j + 1)))
            {
              emit (spans, POISE_DIFF_DELETE, old_text + ta[0], ta[1]);
              i++;
            }
          else
            {
              emit (spans, POISE_DIFF_INSERT, new_text + tb[0], tb[1]);
              j++;
            }
        }
#undef LCS
    }

  if (tail > 0)
    {
      gsize start = TOKEN (b, b->len - tail)[0];

      emit (spans, POISE_DIFF_EQUAL, new_text + start, strlen (new_text) - start);
    }

  return spans;
}

char *
poise_word_diff_to_string (GPtrArray *spans)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      PoiseDiffSpan *span = g_ptr_array_index (spans, i);

      switch (span->op)
        {
        case POISE_DIFF_EQUAL:
          g_string_append (out, span->text);
          break;
        case POISE_DIFF_INSERT:
          g_string_append_printf (out, "{+%s+}", span->text);
          break;
        case POISE_DIFF_DELETE:
          g_string_append_printf (out, "[-%s-]", span->text);
          break;
        default:
          g_assert_not_reached ();
        }
    }

  return g_string_free (out, FALSE);
}

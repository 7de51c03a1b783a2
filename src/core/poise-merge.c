/* poise-merge.c: three-way merges for the team sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure functions, no I/O: the store calls them with the last copy both
 * sides agreed on (the base), the local record and the server's.  The rules
 * are docs/sync.md's "Merging"; the one that matters most is that nothing
 * typed by anyone is dropped.
 */
#define G_LOG_DOMAIN "poise-merge"

#include "config.h"

#include "poise-merge.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The LCS table is (n+1)×(m+1) guint32s after the common prefix and suffix
 * are cut off; beyond this the middle counts as one edit (a conflict if
 * both sides changed it), which is safe and keeps a merge under ~16 MiB. */
#define MAX_DIFF_CELLS (4 * 1024 * 1024)

/* Text: tokens and hunks */

typedef struct {
  const char *start;
  gsize       length;
} Token;

typedef struct {
  guint b_start, b_end;   /* the base tokens replaced */
  guint o_start, o_end;   /* by these of the other text */
} Hunk;

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Runs of whitespace and runs of anything else; UTF-8 safe because no
 * multi-byte sequence contains an ASCII byte. */
static GArray *
tokenize (const char *text)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  const char *p = text;

  while (*p != '\0')
    {
      Token token = { p, 0 };
      gboolean space = is_space (*p);

      while (*p != '\0' && is_space (*p) == space)
        p++;
      token.length = p - token.start;
      g_array_append_val (tokens, token);
    }
  return tokens;
}

static gboolean
token_equal (const Token *a,
             const Token *b)
{
  return a->length == b->length && memcmp (a->start, b->start, a->length) == 0;
}

#define TOK(array, i) (&g_array_index ((array), Token, (i)))

/* The hunks that turn @base into @other, in order. */
static GArray *
diff (GArray *base,
      GArray *other)
{
  GArray *hunks = g_array_new (FALSE, FALSE, sizeof (Hunk));
  guint prefix = 0, suffix = 0, n, m;
  guint32 *table;

  while (prefix < base->len && prefix < other->len &&
         token_equal (TOK (base, prefix), TOK (other, prefix)))
    prefix++;
  while (suffix < base->len - prefix && suffix < other->len - prefix &&
         token_equal (TOK (base, base->len - 1 - suffix), TOK (other, other->len - 1 - suffix)))
    suffix++;

  n = base->len - prefix - suffix;
  m = other->len - prefix - suffix;
  if (n == 0 && m == 0)
    return hunks;

  if ((guint64) (n + 1) * (m + 1) > MAX_DIFF_CELLS || n == 0 || m == 0)
    {
      Hunk hunk = { prefix, prefix + n, prefix, prefix + m };

      g_array_append_val (hunks, hunk);
      return hunks;
    }

  /* table[i][j]: LCS length of base[prefix+i…] and other[prefix+j…]. */
  table = g_new0 (guint32, (gsize) (n + 1) * (m + 1));
#define T(i, j) table[(gsize) (i) * (m + 1) + (j)]
  for (guint i = n; i-- > 0;)
    for (guint j = m; j-- > 0;)
      T (i, j) = token_equal (TOK (base, prefix + i), TOK (other, prefix + j))
                 ? T (i + 1, j + 1) + 1 : MAX (T (i + 1, j), T (i, j + 1));

  {
    guint i = 0, j = 0;
    Hunk hunk = { 0 };
    gboolean open = FALSE;

    while (i < n || j < m)
      {
        if (i < n && j < m && token_equal (TOK (base, prefix + i), TOK (other, prefix + j)))
          {
            if (open)
              {
                hunk.b_end = prefix + i;
                hunk.o_end = prefix + j;
                g_array_append_val (hunks, hunk);
                open = FALSE;
              }
            i++, j++;
            continue;
          }
        if (!open)
          {
            hunk.b_start = prefix + i;
            hunk.o_start = prefix + j;
            open = TRUE;
          }
        if (j < m && (i == n || T (i, j + 1) >= T (i + 1, j)))
          j++;
        else
          i++;
      }
    if (open)
      {
        hunk.b_end = prefix + i;
        hunk.o_end = prefix + j;
        g_array_append_val (hunks, hunk);
      }
  }
#undef T
  g_free (table);
  return hunks;
}

/* Appends what one side made of base[@from, @to): its hunks
 * [@first, @last) — all of which lie in that range — applied. */
static void
append_side (GString *out,
             GArray  *base,
             GArray  *other,
             GArray  *hunks,
             guint    first,
             guint    last,
             guint    from,
             guint    to)
{
  guint pos = from;

  for (guint h = first; h < last; h++)
    {
      const Hunk *hunk = &g_array_index (hunks, Hunk, h);

      for (; pos < hunk->b_start; pos++)
        g_string_append_len (out, TOK (base, pos)->start, TOK (base, pos)->length);
      for (guint o = hunk->o_start; o < hunk->o_end; o++)
        g_string_append_len (out, TOK (other, o)->start, TOK (other, o)->length);
      pos = hunk->b_end;
    }
  for (; pos < to; pos++)
    g_string_append_len (out, TOK (base, pos)->start, TOK (base, pos)->length);
}

/**
 * poise_merge_text:
 * @base: (nullable): the common ancestor; %NULL counts as ""
 *
 * Returns: (transfer full) (nullable): the merged text, or %NULL if the
 *   edits overlap
 */
char *
poise_merge_text (const char *base,
                  const char *local,
                  const char *remote)
{
  g_autoptr(GArray) b = NULL, l = NULL, r = NULL, lh = NULL, rh = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint li = 0, ri = 0, pos = 0;

  g_return_val_if_fail (local != NULL && remote != NULL, NULL);

  if (base == NULL)
    base = "";
  if (g_str_equal (local, remote) || g_str_equal (base, remote))
    return g_strdup (local);
  if (g_str_equal (base, local))
    return g_strdup (remote);

  b = tokenize (base);
  l = tokenize (local);
  r = tokenize (remote);
  lh = diff (b, l);
  rh = diff (b, r);

  /* Walk the base; where hunks of either side overlap or touch, they form
   * a group that only one side may have changed (or both identically). */
  while (li < lh->len || ri < rh->len)
    {
      const Hunk *first;
      guint g_start, g_end, l_from = li, r_from = ri;
      g_autoptr(GString) l_text = NULL;
      g_autoptr(GString) r_text = NULL;

      if (ri >= rh->len ||
          (li < lh->len && g_array_index (lh, Hunk, li).b_start <= g_array_index (rh, Hunk, ri).b_start))
        first = &g_array_index (lh, Hunk, li++);
      else
        first = &g_array_index (rh, Hunk, ri++);
      g_start = first->b_start;
      g_end = first->b_end;

      for (;;)
        {
          const Hunk *next;

          if (li < lh->len && g_array_index (lh, Hunk, li).b_start <= g_end)
            next = &g_array_index (lh, Hunk, li++);
          else if (ri < rh->len && g_array_index (rh, Hunk, ri).b_start <= g_end)
            next = &g_array_index (rh, Hunk, ri++);
          else
            break;
          g_end = MAX (g_end, next->b_end);
        }

      for (; pos < g_start; pos++)
        g_string_append_len (out, TOK (b, pos)->start, TOK (b, pos)->length);

      if (li == l_from || ri == r_from)
        {
          /* One side only. */
          if (li > l_from)
            append_side (out, b, l, lh, l_from, li, g_start, g_end);
          else
            append_side (out, b, r, rh, r_from, ri, g_start, g_end);
        }
      else
        {
          l_text = g_string_new (NULL);
          r_text = g_string_new (NULL);
          append_side (l_text, b, l, lh, l_from, li, g_start, g_end);
          append_side (r_text, b, r, rh, r_from, ri, g_start, g_end);
          if (!g_string_equal (l_text, r_text))
            return NULL;
          g_string_append_len (out, l_text->str, l_text->len);
        }
      pos = g_end;
    }
  for (; pos < b->len; pos++)
    g_string_append_len (out, TOK (b, pos)->start, TOK (b, pos)->length);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Follow-ups */

typedef struct {
  PoiseFollowUp *base, *local, *remote, *result;
  GString       *lost;   /* "Conflicting edit …" lines for the note */
} FollowUpMerge;

static void
keep_lost (FollowUpMerge *merge,
           const char    *field,
           const char    *value)
{
  if (merge->lost->len > 0)
    g_string_append_c (merge->lost, '\n');
  /* Translators: appended to a follow-up's note when a colleague changed
   * the same field differently; %s are the field's JSON name (e.g.
   * "promise") and this computer's value, which would be lost otherwise */
  g_string_append_printf (merge->lost, _("Conflicting edit (%s): %s"), field,
                          value != NULL ? value : "");
}

static char *
get_text (PoiseFollowUp *follow_up,
          const char    *property)
{
  char *text = NULL;

  if (follow_up != NULL)
    g_object_get (follow_up, property, &text, NULL);
  return text;
}

/* Text fields: a side's change wins; both changed → three-way merge, else
 * the server's value and the local one into the note. */
static void
merge_text_field (FollowUpMerge *merge,
                  const char    *property,
                  const char    *field,
                  gboolean       mergeable)
{
  g_autofree char *b = get_text (merge->base, property);
  g_autofree char *l = get_text (merge->local, property);
  g_autofree char *r = get_text (merge->remote, property);
  g_autofree char *merged = NULL;

  if (g_strcmp0 (l, r) == 0 || g_strcmp0 (b, l) == 0)
    g_object_set (merge->result, property, r, NULL);
  else if (g_strcmp0 (b, r) == 0)
    g_object_set (merge->result, property, l, NULL);
  else if (mergeable && (merged = poise_merge_text (b, l ? l : "", r ? r : "")) != NULL)
    g_object_set (merge->result, property, merged, NULL);
  else
    {
      g_object_set (merge->result, property, r, NULL);
      keep_lost (merge, field, l);
    }
}

static int
status_rank (PoiseFollowUpStatus status)
{
  switch (status)
    {
    case POISE_FOLLOW_UP_STATUS_DONE:
      return 2;
    case POISE_FOLLOW_UP_STATUS_CANCELLED:
      return 1;
    case POISE_FOLLOW_UP_STATUS_OPEN:
    default:
      return 0;
    }
}

/**
 * poise_merge_follow_up:
 * @base: (nullable): the last copy both sides agreed on
 *
 * Returns: (transfer full): the merged follow-up (@remote's UUID and
 *   server fields)
 */
PoiseFollowUp *
poise_merge_follow_up (PoiseFollowUp *base,
                       PoiseFollowUp *local,
                       PoiseFollowUp *remote)
{
  g_autoptr(GString) lost = g_string_new (NULL);
  FollowUpMerge merge = { base, local, remote, poise_follow_up_copy (remote), lost };

  g_return_val_if_fail (POISE_IS_FOLLOW_UP (local) && POISE_IS_FOLLOW_UP (remote), NULL);

  merge_text_field (&merge, "customer-name", "customer_name", TRUE);
  merge_text_field (&merge, "customer-ref", "customer_ref", TRUE);
  merge_text_field (&merge, "contact", "contact", TRUE);
  merge_text_field (&merge, "promise", "promise", TRUE);
  /* A user name is one value: never half of two. */
  merge_text_field (&merge, "assignee", "assignee", FALSE);

#define CHANGED(getter, a, b) ((a) == NULL || getter (a) != getter (b))
  /* Channel and the cancel flag: as an unmergeable text. */
  if (poise_follow_up_get_channel (local) != poise_follow_up_get_channel (remote))
    {
      if (!CHANGED (poise_follow_up_get_channel, base, remote))
        poise_follow_up_set_channel (merge.result, poise_follow_up_get_channel (local));
      else if (CHANGED (poise_follow_up_get_channel, base, local))
        keep_lost (&merge, "channel", poise_channel_to_string (poise_follow_up_get_channel (local)));
    }
  if (poise_follow_up_get_cancel_on_reply (local) != poise_follow_up_get_cancel_on_reply (remote))
    {
      if (!CHANGED (poise_follow_up_get_cancel_on_reply, base, remote))
        poise_follow_up_set_cancel_on_reply (merge.result, poise_follow_up_get_cancel_on_reply (local));
      else if (CHANGED (poise_follow_up_get_cancel_on_reply, base, local))
        keep_lost (&merge, "cancel_on_reply",
                   poise_follow_up_get_cancel_on_reply (local) ? "true" : "false");
    }

  /* Status: done beats cancelled beats open. */
  if (poise_follow_up_get_status (local) != poise_follow_up_get_status (remote))
    {
      PoiseFollowUpStatus l = poise_follow_up_get_status (local);
      PoiseFollowUpStatus r = poise_follow_up_get_status (remote);

      if (!CHANGED (poise_follow_up_get_status, base, remote))
        poise_follow_up_set_status (merge.result, l);
      else if (CHANGED (poise_follow_up_get_status, base, local))
        poise_follow_up_set_status (merge.result, status_rank (l) > status_rank (r) ? l : r);
    }
#undef CHANGED

  /* Due time: the server's, and the local one into the note. */
  if (!g_date_time_equal (poise_follow_up_get_due_at (local), poise_follow_up_get_due_at (remote)))
    {
      gboolean remote_changed = base == NULL ||
        !g_date_time_equal (poise_follow_up_get_due_at (base), poise_follow_up_get_due_at (remote));
      gboolean local_changed = base == NULL ||
        !g_date_time_equal (poise_follow_up_get_due_at (base), poise_follow_up_get_due_at (local));

      if (!remote_changed)
        poise_follow_up_set_due_at (merge.result, poise_follow_up_get_due_at (local));
      else if (local_changed)
        {
          g_autofree char *text = g_date_time_format_iso8601 (poise_follow_up_get_due_at (local));

          keep_lost (&merge, "due_at", text);
        }
    }

  /* The note last: it also takes whatever would otherwise be lost. */
  merge_text_field (&merge, "note", "note", TRUE);
  if (lost->len > 0)
    {
      const char *r_note = poise_follow_up_get_note (merge.result);
      g_autofree char *note = NULL;

      note = r_note != NULL ? g_strconcat (r_note, "\n\n", lost->str, NULL) : g_strdup (lost->str);
      poise_follow_up_set_note (merge.result, note);
    }

  return merge.result;
}

/* Notes */

static gboolean
strv_contains (const char * const *strv,
               const char         *s)
{
  return strv != NULL && g_strv_contains (strv, s);
}

/* As sets: a tag stays if both have it, or one side added it. */
static GStrv
merge_tags (const char * const *base,
            const char * const *local,
            const char * const *remote)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const *sides[] = { local, remote };

  for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
    for (guint i = 0; sides[s][i] != NULL; i++)
      {
        const char *tag = sides[s][i];
        gboolean both = strv_contains (local, tag) && strv_contains (remote, tag);

        if (g_hash_table_contains (seen, tag))
          continue;
        g_hash_table_add (seen, (gpointer) tag);
        if (both || !strv_contains (base, tag))
          g_strv_builder_add (builder, tag);
      }
  return g_strv_builder_end (builder);
}

/**
 * poise_merge_note:
 * @base: (nullable): the last copy both sides agreed on
 * @conflicted_copy: (out) (transfer full) (nullable): the local text as a
 *   new note, if it could not be merged
 *
 * Returns: (transfer full): the merged note (@remote's UUID and server
 *   fields)
 */
PoiseNote *
poise_merge_note (PoiseNote  *base,
                  PoiseNote  *local,
                  PoiseNote  *remote,
                  PoiseNote **conflicted_copy)
{
  g_autoptr(PoiseNote) result = NULL;
  g_auto(GStrv) tags = NULL;
  g_autofree char *body = NULL;
  const char *b_ref, *l_ref, *r_ref, *b_of, *l_of;
  gboolean conflict = FALSE;

  g_return_val_if_fail (POISE_IS_NOTE (local) && POISE_IS_NOTE (remote), NULL);
  g_return_val_if_fail (conflicted_copy != NULL, NULL);

  *conflicted_copy = NULL;
  result = poise_note_copy (remote);

  b_ref = base != NULL ? poise_note_get_customer_ref (base) : NULL;
  l_ref = poise_note_get_customer_ref (local);
  r_ref = poise_note_get_customer_ref (remote);
  if (g_strcmp0 (b_ref, r_ref) == 0)
    poise_note_set_customer_ref (result, l_ref);
  else if (g_strcmp0 (l_ref, r_ref) != 0 && g_strcmp0 (b_ref, l_ref) != 0)
    conflict = TRUE;

  body = poise_merge_text (base != NULL ? poise_note_get_body (base) : NULL,
                           poise_note_get_body (local), poise_note_get_body (remote));
  if (body != NULL)
    poise_note_set_body (result, body);
  else
    conflict = TRUE;

  tags = merge_tags (base != NULL ? poise_note_get_tags (base) : NULL,
                     poise_note_get_tags (local), poise_note_get_tags (remote));
  poise_note_set_tags (result, (const char * const *) tags);

  b_of = base != NULL ? poise_note_get_conflict_of (base) : NULL;
  l_of = poise_note_get_conflict_of (local);
  if (g_strcmp0 (b_of, l_of) != 0)
    poise_note_set_conflict_of (result, l_of);

  if (conflict)
    {
      PoiseNote *copy = poise_note_new ();

      poise_note_set_customer_ref (copy, l_ref);
      poise_note_set_body (copy, poise_note_get_body (local));
      poise_note_set_tags (copy, poise_note_get_tags (local));
      poise_note_set_conflict_of (copy, poise_note_get_uuid (remote));
      *conflicted_copy = copy;
    }

  return g_steal_pointer (&result);
}

/* test-merge.c: three-way merges of text, follow-ups and notes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-merge"

#include "poise-merge.h"

static void
assert_merge (const char *base,
              const char *local,
              const char *remote,
              const char *expected)
{
  g_autofree char *merged = poise_merge_text (base, local, remote);
  g_autofree char *swapped = poise_merge_text (base, remote, local);

  g_assert_cmpstr (merged, ==, expected);
  /* Symmetric: who pushed first does not change the result. */
  g_assert_cmpstr (swapped, ==, expected);
}

static void
test_text (void)
{
  /* Trivial cases. */
  assert_merge ("a b", "a b", "a b", "a b");
  assert_merge ("a b", "a c", "a b", "a c");
  assert_merge ("a b", "a c", "a c", "a c");
  assert_merge (NULL, "same", "same", "same");

  /* Edits in different words, lines, or at both ends: both kept. */
  assert_merge ("The parcel left on Monday.", "The parcel left on Tuesday.",
                "The box left on Monday.", "The box left on Tuesday.");
  assert_merge ("line one\nline two\nline three\n", "line one\nline 2\nline three\n",
                "line one\nline two\nline three\nline four\n",
                "line one\nline 2\nline three\nline four\n");
  assert_merge ("middle", "start middle", "middle end", "start middle end");
  assert_merge ("a b c d e", "a c d e", "a b c d", "a c d");

  /* Overlap: a conflict, never a guess. */
  assert_merge ("Call on Monday", "Call on Tuesday", "Call on Friday", NULL);
  assert_merge ("", "local text", "remote text", NULL);
  assert_merge ("a b", "a b x", "a b y", NULL);
  /* Touching edits count as overlapping. */
  assert_merge ("ab cd", "abX cd", "ab Ycd", "abX Ycd");
}

static void
test_text_large (void)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autoptr(GString) local = NULL;
  g_autoptr(GString) remote = NULL;
  g_autofree char *merged = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (base, "word%u ", i);
  local = g_string_new (base->str);
  remote = g_string_new (base->str);
  g_string_replace (local, "word10 ", "LOCAL ", 1);
  g_string_replace (remote, "word4990 ", "REMOTE ", 1);

  merged = poise_merge_text (base->str, local->str, remote->str);
  g_assert_nonnull (merged);
  g_assert_nonnull (strstr (merged, "LOCAL word11"));
  g_assert_nonnull (strstr (merged, "REMOTE word4991"));
  g_assert_cmpuint (strlen (merged), ==, base->len - strlen ("word10word4990") + strlen ("LOCALREMOTE"));
}

/* Random texts, each side replacing words the other leaves alone with at
 * least one untouched word between: the merge must be both edits. */
static void
test_text_random (void)
{
  for (guint round = 0; round < 300; round++)
    {
      guint n = g_test_rand_int_range (3, 40);
      g_autoptr(GPtrArray) base = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) remote = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) both = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *b = NULL, *l = NULL, *r = NULL, *expected = NULL, *merged = NULL;

      for (guint i = 0; i < n; i++)
        {
          /* Words from a small vocabulary, so the diff has choices to make. */
          char *word = g_strdup_printf ("w%d", g_test_rand_int_range (0, 4));
          int side = i % 2 == 0 ? g_test_rand_int_range (0, 3) : 0;  /* 0 none, 1 local, 2 remote */
          g_autofree char *edit = g_strdup_printf ("%s%u", side == 1 ? "L" : "R", i);

          g_ptr_array_add (base, word);
          g_ptr_array_add (local, g_strdup (side == 1 ? edit : word));
          g_ptr_array_add (remote, g_strdup (side == 2 ? edit : word));
          g_ptr_array_add (both, g_strdup (side != 0 ? edit : word));
        }
      g_ptr_array_add (base, NULL);
      g_ptr_array_add (local, NULL);
      g_ptr_array_add (remote, NULL);
      g_ptr_array_add (both, NULL);
      b = g_strjoinv (" ", (char **) base->pdata);
      l = g_strjoinv (" ", (char **) local->pdata);
      r = g_strjoinv (" ", (char **) remote->pdata);
      expected = g_strjoinv (" ", (char **) both->pdata);

      merged = poise_merge_text (b, l, r);
      g_assert_cmpstr (merged, ==, expected);
    }
}

static GDateTime *
at (gint64 unix_time)
{
  return g_date_time_new_from_unix_utc (unix_time);
}

static void
test_follow_up_fields (void)
{
  g_autoptr(PoiseFollowUp) base = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) local = NULL;
  g_autoptr(PoiseFollowUp) remote = NULL;
  g_autoptr(PoiseFollowUp) merged = NULL;
  g_autoptr(GDateTime) due = at (1800000000);

  poise_follow_up_set_promise (base, "Send the invoice");
  poise_follow_up_set_contact (base, "ana@example.org");
  poise_follow_up_set_note (base, "First line");
  local = poise_follow_up_copy (base);
  remote = poise_follow_up_copy (base);

  /* Different fields on each side: both kept. */
  poise_follow_up_set_contact (local, "+49 30 1234");
  poise_follow_up_set_due_at (remote, due);
  poise_follow_up_set_rev (remote, 5);
  poise_follow_up_set_updated_by (remote, "ben");
  /* The same text field, non-overlapping: merged. */
  poise_follow_up_set_promise (local, "Send the corrected invoice");
  poise_follow_up_set_promise (remote, "Send the invoice by Friday");
  /* Status: done beats open. */
  poise_follow_up_set_status (local, POISE_FOLLOW_UP_STATUS_DONE);
  poise_follow_up_set_status (remote, POISE_FOLLOW_UP_STATUS_CANCELLED);

  merged = poise_merge_follow_up (base, local, remote);
  g_assert_cmpstr (poise_follow_up_get_contact (merged), ==, "+49 30 1234");
  g_assert_true (g_date_time_equal (poise_follow_up_get_due_at (merged), due));
  g_assert_cmpstr (poise_follow_up_get_promise (merged), ==, "Send the corrected invoice by Friday");
  g_assert_cmpint (poise_follow_up_get_status (merged), ==, POISE_FOLLOW_UP_STATUS_DONE);
  g_assert_cmpstr (poise_follow_up_get_note (merged), ==, "First line");
  g_assert_cmpint (poise_follow_up_get_rev (merged), ==, 5);
  g_assert_cmpstr (poise_follow_up_get_updated_by (merged), ==, "ben");
  g_assert_cmpstr (poise_follow_up_get_uuid (merged), ==, poise_follow_up_get_uuid (base));
}

static void
test_follow_up_conflicts_kept (void)
{
  g_autoptr(PoiseFollowUp) base = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) local = NULL;
  g_autoptr(PoiseFollowUp) remote = NULL;
  g_autoptr(PoiseFollowUp) merged = NULL;
  g_autoptr(GDateTime) local_due = at (1800000000);
  g_autoptr(GDateTime) remote_due = at (1900000000);
  g_autofree char *local_due_text = g_date_time_format_iso8601 (local_due);
  const char *note;

  poise_follow_up_set_promise (base, "Call on Monday");
  poise_follow_up_set_note (base, "Base note");
  local = poise_follow_up_copy (base);
  remote = poise_follow_up_copy (base);
  poise_follow_up_set_promise (local, "Call on Tuesday");
  poise_follow_up_set_promise (remote, "Call on Friday");
  poise_follow_up_set_due_at (local, local_due);
  poise_follow_up_set_due_at (remote, remote_due);
  poise_follow_up_set_assignee (local, "ana");
  poise_follow_up_set_assignee (remote, "ben");

  merged = poise_merge_follow_up (base, local, remote);
  /* The server's values win; the local ones are kept in the note. */
  g_assert_cmpstr (poise_follow_up_get_promise (merged), ==, "Call on Friday");
  g_assert_true (g_date_time_equal (poise_follow_up_get_due_at (merged), remote_due));
  g_assert_cmpstr (poise_follow_up_get_assignee (merged), ==, "ben");
  note = poise_follow_up_get_note (merged);
  g_assert_true (g_str_has_prefix (note, "Base note\n\n"));
  g_assert_nonnull (strstr (note, "(promise): Call on Tuesday"));
  g_assert_nonnull (strstr (note, "(assignee): ana"));
  g_assert_nonnull (strstr (note, local_due_text));
}

static void
test_follow_up_no_base (void)
{
  g_autoptr(PoiseFollowUp) local = poise_follow_up_new ();
  g_autoptr(PoiseFollowUp) remote = NULL;
  g_autoptr(PoiseFollowUp) merged = NULL;

  /* After a new server epoch: the same record on both sides merges to itself. */
  poise_follow_up_set_promise (local, "Same");
  remote = poise_follow_up_copy (local);
  poise_follow_up_set_rev (remote, 3);
  merged = poise_merge_follow_up (NULL, local, remote);
  g_assert_true (poise_follow_up_content_equal (merged, local));
  g_assert_cmpint (poise_follow_up_get_rev (merged), ==, 3);
}

static void
test_note (void)
{
  static const char * const base_tags[] = { "a", "b", NULL };
  static const char * const local_tags[] = { "a", "b", "l", NULL };
  static const char * const remote_tags[] = { "a", "r", NULL };
  static const char * const merged_tags[] = { "a", "l", "r", NULL };
  g_autoptr(PoiseNote) base = poise_note_new ();
  g_autoptr(PoiseNote) local = NULL;
  g_autoptr(PoiseNote) remote = NULL;
  g_autoptr(PoiseNote) merged = NULL;
  g_autoptr(PoiseNote) copy = NULL;

  poise_note_set_customer_ref (base, "T-7");
  poise_note_set_body (base, "Prefers email.\nCall after 5.\n");
  poise_note_set_tags (base, base_tags);
  local = poise_note_copy (base);
  remote = poise_note_copy (base);
  poise_note_set_body (local, "Prefers email, not phone.\nCall after 5.\n");
  poise_note_set_body (remote, "Prefers email.\nCall after 6.\n");
  poise_note_set_tags (local, local_tags);
  poise_note_set_tags (remote, remote_tags);

  merged = poise_merge_note (base, local, remote, &copy);
  g_assert_null (copy);
  g_assert_cmpstr (poise_note_get_body (merged), ==, "Prefers email, not phone.\nCall after 6.\n");
  g_assert_true (g_strv_equal (poise_note_get_tags (merged), merged_tags));
  g_clear_object (&merged);

  /* Overlapping: the server's body, and the local one as a conflicted copy. */
  poise_note_set_body (local, "Prefers email.\nCall after 7.\n");
  merged = poise_merge_note (base, local, remote, &copy);
  g_assert_cmpstr (poise_note_get_body (merged), ==, "Prefers email.\nCall after 6.\n");
  g_assert_nonnull (copy);
  g_assert_cmpstr (poise_note_get_body (copy), ==, "Prefers email.\nCall after 7.\n");
  g_assert_cmpstr (poise_note_get_conflict_of (copy), ==, poise_note_get_uuid (base));
  g_assert_cmpstr (poise_note_get_customer_ref (copy), ==, "T-7");
  g_assert_cmpstr (poise_note_get_uuid (copy), !=, poise_note_get_uuid (base));
  g_assert_cmpint (poise_note_get_rev (copy), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/merge/text", test_text);
  g_test_add_func ("/merge/text-large", test_text_large);
  g_test_add_func ("/merge/text-random", test_text_random);
  g_test_add_func ("/merge/follow-up/fields", test_follow_up_fields);
  g_test_add_func ("/merge/follow-up/conflicts-kept", test_follow_up_conflicts_kept);
  g_test_add_func ("/merge/follow-up/no-base", test_follow_up_no_base);
  g_test_add_func ("/merge/note", test_note);

  return g_test_run ();
}

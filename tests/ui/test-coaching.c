/* test-coaching.c: the coaching in the conversation view, in the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "poise-application.h"
#include "poise-backup-alerts.h"
#include "poise-backup-button.h"
#include "poise-conversation-view.h"
#include "poise-credentials.h"
#include "poise-customer-panel.h"
#include "poise-message-analyzer.h"
#include "poise-next-step-dialog.h"
#include "poise-pause-window.h"
#include "poise-preferences-window.h"
#include "poise-reply-draft.h"
#include "poise-summary-dialog.h"
#include "poise-window.h"
#include "ui-helpers.h"
#include "server-fixture.h"

static char *data_dir;

/* Helpers (as in test-window.c) */
/* Helpers */

static PoiseConversationView *
get_view (GtkWidget *window)
{
  return POISE_CONVERSATION_VIEW (find_one (window, POISE_TYPE_CONVERSATION_VIEW));
}

static void
set_language (PoiseApplication *app,
              const char       *language)
{
  g_settings_set_string (poise_application_get_settings (app), "script-language", language);
  iterate_for (100);
}

static gboolean
shows_label_containing (GtkWidget  *root,
                        const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (label) && strstr (gtk_label_get_label (GTK_LABEL (label)), text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
wait_until_toplevel (GType       type,
                     GtkWidget **out)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while ((*out = find_new_toplevel (type)) == NULL && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_nonnull (*out);
}

static GtkWidget *
find_pause_offer (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
        gtk_widget_has_css_class (l->data, "pause-offer"))
      return l->data;
  return NULL;
}

/* Clicks the dialog's button labelled @label, as the agent would. */
static void
click_dialog_button (GtkWidget  *dialog,
                     const char *label)
{
  g_autoptr(GPtrArray) buttons = find_all (dialog, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      {
        g_signal_emit_by_name (g_ptr_array_index (buttons, i), "clicked");
        iterate_for (200);
        return;
      }
  g_error ("No button %s", label);
}

static GStrv
missing_steps (PoiseReplyDraft *draft)
{
  return poise_draft_report_dup_missing_step_ids (poise_reply_draft_check_now (draft));
}

/* Tests */

/* An angry German message, pasted with the shortcut's action: the delivery
 * scenario first with the words that matched, and "Angry" with reasons. */
static void
test_suggest_german_angry (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseConversation *conversation = poise_application_get_conversation (app);
  PoiseMessageAnalyzer *analyzer = poise_conversation_view_get_message_analyzer (get_view (window));
  GListModel *suggestions = poise_message_analyzer_get_suggestions (analyzer);
  g_autoptr(PoiseSuggestion) first = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *heat = NULL;
  GtkWidget *list;
  gint64 deadline;

  set_language (app, "de");
  gdk_clipboard_set_text (gtk_widget_get_clipboard (window),
                          "Mein Paket ist schon wieder nicht angekommen!!! Ich schreibe zum dritten Mal "
                          "und gehe jetzt zum ANWALT.");
  gtk_widget_activate_action (GTK_WIDGET (analyzer), "analyzer.paste", NULL);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_list_model_get_n_items (suggestions) == 0 && g_get_monotonic_time () < deadline)
    iterate_for (50);

  g_assert_cmpuint (g_list_model_get_n_items (suggestions), ==, 3);
  first = g_list_model_get_item (suggestions, 0);
  g_assert_cmpstr (poise_suggestion_get_scenario_id (first), ==, "shipping-delay");
  words = poise_suggestion_dup_matched_words (first);
  g_assert_true (g_strv_contains ((const char * const *) words, "Paket"));

  g_assert_cmpint (poise_message_analyzer_get_heat (analyzer)->level, ==, POISE_HEAT_ANGRY);
  heat = poise_message_analyzer_dup_heat_text (analyzer);
  g_assert_cmpstr (heat, ==, "Angry: capitals, exclamation marks, legal words, repeated contact");
  g_assert_true (shows_label_containing (window, heat));
  /* The matched words are shown in bold in the row. */
  g_assert_true (shows_label_containing (window, "<b>Paket</b>"));

  /* Activating the row opens the scenario. */
  list = GTK_WIDGET (gtk_widget_get_ancestor (GTK_WIDGET (find_one (GTK_WIDGET (analyzer), ADW_TYPE_ACTION_ROW)),
                                              GTK_TYPE_LIST_BOX));
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  iterate_for (100);
  g_assert_cmpstr (poise_conversation_get_scenario_id (conversation), ==, "shipping-delay");

  /* Emptying the message empties the suggestions. */
  poise_message_analyzer_set_text (analyzer, "");
  g_assert_cmpuint (g_list_model_get_n_items (suggestions), ==, 0);
  g_assert_null (poise_message_analyzer_get_heat (analyzer));

  stop_app (app);
}

/* A threat comes first, whatever else the message is about. */
static void
test_suggest_threat_first (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseMessageAnalyzer *analyzer = poise_conversation_view_get_message_analyzer (get_view (window));
  GListModel *suggestions = poise_message_analyzer_get_suggestions (analyzer);
  g_autoptr(PoiseSuggestion) first = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  poise_message_analyzer_set_text (analyzer,
                                   "My parcel never arrived and I know where you live. I will come and hurt you.");
  g_assert_cmpuint (g_list_model_get_n_items (suggestions), >=, 2);
  first = g_list_model_get_item (suggestions, 0);
  g_assert_cmpstr (poise_suggestion_get_scenario_id (first), ==, "threat");
  g_assert_true (poise_suggestion_get_safety (first));
  g_assert_cmpint (poise_message_analyzer_get_heat (analyzer)->level, ==, POISE_HEAT_CRITICAL);

  iterate_for (100);
  rows = find_all (GTK_WIDGET (analyzer), ADW_TYPE_ACTION_ROW);
  g_assert_cmpuint (rows->len, ==, g_list_model_get_n_items (suggestions));
  g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (rows, 0), "safety-suggestion"));
  g_assert_false (gtk_widget_has_css_class (g_ptr_array_index (rows, 1), "safety-suggestion"));
  g_assert_true (shows_label_containing (GTK_WIDGET (analyzer), "Safety first"));

  stop_app (app);
}

static gboolean
has_avoid_tag_at (GtkTextBuffer *buffer,
                  const char    *phrase)
{
  g_autofree char *text = buffer_text (buffer);
  const char *found = strstr (text, phrase);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "avoid");
  GtkTextIter iter;

  g_assert_nonnull (found);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, g_utf8_pointer_to_offset (text, found) + 1);
  return gtk_text_iter_has_tag (&iter, tag);
}

/* "calm down" is underlined, and replacing it is one undoable step; the
 * same in German from the issue list's button. */
static void
test_draft_avoid_replace (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseReplyDraft *draft = poise_conversation_view_get_reply_draft (get_view (window));
  GtkTextBuffer *buffer = poise_reply_draft_get_buffer (draft);
  PoiseDraftReport *report;
  PoiseDraftIssue *issue;
  g_autofree char *instead = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *german = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  gint64 deadline;

  /* Typed, the check follows after a short pause. */
  gtk_text_buffer_set_text (buffer, "Please calm down, I am looking into it.", -1);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (!has_avoid_tag_at (buffer, "calm down") && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_true (has_avoid_tag_at (buffer, "calm down"));
  g_assert_false (has_avoid_tag_at (buffer, "looking"));
  g_assert_true (shows_label_containing (GTK_WIDGET (draft), "<s>calm down</s>"));

  report = poise_reply_draft_check_now (draft);
  g_assert_cmpuint (poise_draft_report_get_issues (report)->len, ==, 1);
  issue = g_ptr_array_index (poise_draft_report_get_issues (report), 0);
  instead = g_strdup (issue->instead);

  /* "Replace with …" (the context menu's action). */
  gtk_widget_activate_action (GTK_WIDGET (draft), "draft.replace", "u", 0);
  replaced = buffer_text (buffer);
  g_assert_null (strstr (replaced, "calm down"));
  g_assert_nonnull (strstr (replaced, instead));
  g_assert_cmpuint (poise_draft_report_get_issues (poise_reply_draft_check_now (draft))->len, ==, 0);

  /* One undo brings the old words back. */
  gtk_text_buffer_undo (buffer);
  undone = buffer_text (buffer);
  g_assert_cmpstr (undone, ==, "Please calm down, I am looking into it.");

  /* German, from the Replace button in the list. */
  set_language (app, "de");
  gtk_text_buffer_set_text (buffer, "Beruhigen Sie sich doch, ich schaue nach.", -1);
  poise_reply_draft_check_now (draft);
  g_assert_true (has_avoid_tag_at (buffer, "Beruhigen Sie sich"));
  iterate_for (100);
  buttons = find_all (GTK_WIDGET (draft), GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "_Replace") == 0)
      {
        g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (g_ptr_array_index (buttons, i)),
                                  "Ich merke, wie sehr Sie das ärgert"));
        g_signal_emit_by_name (g_ptr_array_index (buttons, i), "clicked");
        break;
      }
  german = buffer_text (buffer);
  g_assert_null (strstr (german, "Beruhigen"));
  g_assert_nonnull (strstr (german, "Ich merke, wie sehr Sie das ärgert"));

  /* Copy My Reply copies the draft as it stands. */
  gtk_widget_activate_action (GTK_WIDGET (draft), "draft.copy", NULL);
  {
    g_autofree char *copied = read_clipboard (window);

    g_assert_cmpstr (copied, ==, german);
  }

  stop_app (app);
}

/* The missing ASAP steps are named, and go as the draft covers them. */
static void
check_steps (PoiseApplication *app,
             const char       *language,
             const char       *partial,
             const char       *complete)
{
  GtkWidget *window = get_window (app);
  PoiseReplyDraft *draft = poise_conversation_view_get_reply_draft (get_view (window));
  GtkTextBuffer *buffer = poise_reply_draft_get_buffer (draft);
  g_auto(GStrv) empty_missing = NULL;
  g_auto(GStrv) partial_missing = NULL;
  g_auto(GStrv) complete_missing = NULL;

  set_language (app, language);
  gtk_text_buffer_set_text (buffer, "", -1);
  empty_missing = missing_steps (draft);
  g_assert_cmpuint (g_strv_length (empty_missing), ==, 4);

  gtk_text_buffer_set_text (buffer, partial, -1);
  partial_missing = missing_steps (draft);
  g_assert_cmpuint (g_strv_length (partial_missing), >, 0);
  g_assert_cmpuint (g_strv_length (partial_missing), <, 4);
  g_assert_false (g_strv_contains ((const char * const *) partial_missing, "acknowledge"));
  iterate_for (50);
  g_assert_true (shows_label_containing (GTK_WIDGET (draft), "Missing in your reply: "));

  gtk_text_buffer_set_text (buffer, complete, -1);
  complete_missing = missing_steps (draft);
  g_assert_cmpuint (g_strv_length (complete_missing), ==, 0);
  iterate_for (50);
  g_assert_true (shows_label_containing (GTK_WIDGET (draft), "Your reply covers every ASAP step."));
}

static void
test_draft_steps (void)
{
  PoiseApplication *app = start_app ("Coaching");

  check_steps (app, "en",
               "I can see this has gone wrong for you.",
               "I can see this has gone wrong for you. No wonder you’re frustrated. "
               "I’ll take care of this for you. I’ll check the tracking and call you tomorrow at 10:00.");
  check_steps (app, "de",
               "Das hat Ihnen offensichtlich echten Ärger bereitet.",
               "Das hat Ihnen offensichtlich echten Ärger bereitet. Das tut mir wirklich leid. "
               "Ich kümmere mich darum. Ich prüfe die Sendung und melde mich morgen um 10 Uhr bei Ihnen.");
  stop_app (app);
}

/* The composer puts the sentence into the draft and the follow-up into the
 * store; Undo takes both back. */
static void
test_next_step (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseStore *store = poise_application_get_store (app);
  PoiseConversation *conversation = poise_application_get_conversation (app);
  PoiseReplyDraft *draft = poise_conversation_view_get_reply_draft (get_view (window));
  GtkTextBuffer *buffer = poise_reply_draft_get_buffer (draft);
  g_autoptr(GListStore) open = NULL;
  g_autoptr(GListStore) after = NULL;
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *text = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *expected_due = NULL;
  g_autofree char *due_text = NULL;
  GtkWidget *dialog;

  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  poise_conversation_set_value (conversation, POISE_CUSTOMER_REF_KEY, "CUST-9");
  gtk_text_buffer_set_text (buffer, "I’m sorry about the wait.", -1);

  gtk_widget_activate_action (GTK_WIDGET (draft), "draft.next-step", NULL);
  wait_until_toplevel (POISE_TYPE_NEXT_STEP_DIALOG, &dialog);
  poise_next_step_dialog_set_action (POISE_NEXT_STEP_DIALOG (dialog), "send you a replacement.");
  poise_next_step_dialog_set_choice (POISE_NEXT_STEP_DIALOG (dialog), 2);
  gtk_widget_activate_action (dialog, "next-step.insert", NULL);
  iterate_for (100);
  g_assert_null (find_new_toplevel (POISE_TYPE_NEXT_STEP_DIALOG));

  text = buffer_text (buffer);
  g_assert_cmpstr (text, ==,
                   "I’m sorry about the wait. Here is what I will do: send you a replacement by tomorrow at 09:00.");

  open = poise_store_list_open_follow_ups_for (store, "CUST-9", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (open)), ==, 1);
  follow_up = g_list_model_get_item (G_LIST_MODEL (open), 0);
  g_assert_cmpstr (poise_follow_up_get_promise (follow_up), ==,
                   "Here is what I will do: send you a replacement by tomorrow at 09:00.");
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (poise_follow_up_get_due_at (follow_up));

    due_text = g_date_time_format (local, "%Y-%m-%d %H:%M");
    expected_due = g_date_time_format (tomorrow, "%Y-%m-%d 09:00");
    g_assert_cmpstr (due_text, ==, expected_due);
  }

  /* The toast's Undo removes both. */
  click_toast_button (window, "Next step added");
  undone = buffer_text (buffer);
  g_assert_cmpstr (undone, ==, "I’m sorry about the wait.");
  after = poise_store_list_open_follow_ups_for (store, "CUST-9", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 0);

  stop_app (app);
}

/* The sentence is in the script's language. */
static void
test_next_step_german (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) now = g_date_time_new (utc, 2026, 11, 23, 8, 0, 0);
  g_autoptr(GDateTime) today = g_date_time_new (utc, 2026, 11, 23, 15, 30, 0);
  g_autoptr(GDateTime) later = g_date_time_new (utc, 2026, 11, 26, 9, 0, 0);
  g_autofree char *a = poise_reply_draft_format_next_step ("de", "Ihnen eine Gutschrift senden", today, now);
  g_autofree char *b = poise_reply_draft_format_next_step ("de", "Sie anrufen", later, now);
  g_autofree char *c = poise_reply_draft_format_next_step ("en", "call you", later, now);

  g_assert_cmpstr (a, ==, "Das werde ich für Sie tun: Ihnen eine Gutschrift senden, und zwar bis heute um 15:30 Uhr.");
  g_assert_cmpstr (b, ==, "Das werde ich für Sie tun: Sie anrufen, und zwar bis Donnerstag, 26. November, um 09:00 Uhr.");
  g_assert_cmpstr (c, ==, "Here is what I will do: call you by Thursday, 26 November at 09:00.");
}

/* Ending a conversation with a customer reference offers its summary as a
 * note, editable, and saves it for that customer. */
static void
test_summary_note (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseStore *store = poise_application_get_store (app);
  PoiseConversation *conversation = poise_application_get_conversation (app);
  PoiseReplyDraft *draft = poise_conversation_view_get_reply_draft (get_view (window));
  PoiseLibrary *library = poise_application_get_library (app);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) due = g_date_time_add_hours (now, 3);
  g_autofree char *uuid = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *expected_scenario = NULL;
  g_autoptr(GListStore) notes = NULL;
  g_autoptr(PoiseNote) note = NULL;
  GtkTextBuffer *summary_buffer;
  GtkTextIter end;
  GtkWidget *dialog;

  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  poise_conversation_set_value (conversation, POISE_CUSTOMER_REF_KEY, "CUST-5");
  poise_conversation_set_step_done (conversation, "acknowledge", TRUE);
  uuid = poise_reply_draft_add_next_step (draft, "check the tracking", due);
  g_assert_nonnull (uuid);

  gtk_widget_activate_action (window, "win.new-conversation", NULL);
  wait_until_toplevel (POISE_TYPE_SUMMARY_DIALOG, &dialog);
  g_assert_null (poise_conversation_get_scenario_id (conversation));
  g_assert_null (find_pause_offer ());

  summary_buffer = poise_summary_dialog_get_buffer (POISE_SUMMARY_DIALOG (dialog));
  summary = buffer_text (summary_buffer);
  expected_scenario = g_strdup_printf ("Scenario: %s",
                                       poise_scenario_get_title (poise_library_lookup_scenario (library, "shipping-delay"), "en"));
  g_assert_nonnull (strstr (summary, expected_scenario));
  g_assert_nonnull (strstr (summary, "ASAP steps done: 1 of 4: Acknowledge"));
  g_assert_nonnull (strstr (summary, "• Here is what I will do: check the tracking by"));
  g_assert_nonnull (strstr (summary, "1 follow-up created"));

  /* The agent adds a line before saving. */
  gtk_text_buffer_get_end_iter (summary_buffer, &end);
  gtk_text_buffer_insert (summary_buffer, &end, "\nCustomer was calm at the end.", -1);
  g_clear_pointer (&summary, g_free);
  summary = buffer_text (summary_buffer);
  click_dialog_button (dialog, "_Save Summary");
  g_assert_null (find_new_toplevel (POISE_TYPE_SUMMARY_DIALOG));

  notes = poise_store_list_notes (store, "CUST-5", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (notes)), ==, 1);
  note = g_list_model_get_item (G_LIST_MODEL (notes), 0);
  g_assert_cmpstr (poise_note_get_body (note), ==, summary);
  g_assert_cmpstr (poise_note_get_customer_ref (note), ==, "CUST-5");

  /* The draft was emptied for the next customer. */
  {
    g_autofree char *text = buffer_text (poise_reply_draft_get_buffer (draft));

    g_assert_cmpstr (text, ==, "");
  }

  /* Without a customer reference, nothing is offered. */
  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  gtk_widget_activate_action (window, "win.new-conversation", NULL);
  iterate_for (300);
  g_assert_null (find_new_toplevel (POISE_TYPE_SUMMARY_DIALOG));

  stop_app (app);
}

/* After an abusive customer: a pause is offered (and its timer runs), but
 * not after an ordinary scenario, nor when turned off. */
static void
test_pause_offer (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseConversation *conversation = poise_application_get_conversation (app);
  GSettings *settings = poise_application_get_settings (app);
  GtkWidget *offer = NULL;
  GtkWidget *pause;
  GtkWidget *preferences;
  GtkWidget *pause_switch;
  g_autoptr(GPtrArray) switches = NULL;
  gint64 deadline;

  g_assert_true (g_settings_get_boolean (settings, "offer-pause"));

  poise_conversation_set_scenario_id (conversation, "abusive-customer");
  gtk_widget_activate_action (window, "win.new-conversation", NULL);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((offer = find_pause_offer ()) == NULL && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_nonnull (offer);
  click_dialog_button (offer, "_Take a Break");
  g_assert_null (find_pause_offer ());
  wait_until_toplevel (POISE_TYPE_PAUSE_WINDOW, &pause);
  g_assert_cmpuint (poise_pause_window_get_remaining (POISE_PAUSE_WINDOW (pause)), <=, 5 * 60);
  g_assert_cmpuint (poise_pause_window_get_remaining (POISE_PAUSE_WINDOW (pause)), >, 0);
  gtk_window_close (GTK_WINDOW (pause));
  iterate_for (100);

  /* An ordinary scenario: no offer. */
  poise_conversation_set_scenario_id (conversation, "shipping-delay");
  gtk_widget_activate_action (window, "win.new-conversation", NULL);
  iterate_for (300);
  g_assert_null (find_pause_offer ());

  /* Turned off in Preferences (its last switch): no offer after a threat. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  wait_until_toplevel (POISE_TYPE_PREFERENCES_WINDOW, &preferences);
  switches = find_all (preferences, GTK_TYPE_SWITCH);
  pause_switch = g_ptr_array_index (switches, switches->len - 1);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (pause_switch)));
  gtk_switch_set_active (GTK_SWITCH (pause_switch), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "offer-pause"));
  gtk_window_destroy (GTK_WINDOW (preferences));
  poise_conversation_set_scenario_id (conversation, "threat");
  gtk_widget_activate_action (window, "win.new-conversation", NULL);
  iterate_for (300);
  g_assert_null (find_pause_offer ());
  g_settings_set_boolean (settings, "offer-pause", TRUE);

  stop_app (app);
}

/* Backup through a real poise-server: the agent's button (with a sync
 * client as the app will give it) sends; the supervisor's client hears it,
 * and the supervisor's Acknowledge (the notification's app.backup-ack)
 * turns the agent's "Request sent" into "ben is on the way".  Without a
 * client the button is disabled and says why. */
typedef struct {
  char *id;
  char *from;
} Heard;

static void
heard_request_cb (PoiseSyncClient *client,
                  const char      *type,
                  JsonObject      *message,
                  Heard           *heard)
{
  g_free (heard->id);
  g_free (heard->from);
  heard->id = g_strdup (json_object_get_string_member (message, "id"));
  heard->from = g_strdup (json_object_get_string_member (message, "from"));
}

static PoiseSyncClient *
new_client (TestServer  *server,
            const char  *name,
            const char  *role,
            PoiseStore **store)
{
  g_autofree char *path = g_build_filename (data_dir, name, NULL);
  g_autofree char *db = NULL;
  g_autofree char *token = test_server_add_user (server, name, role);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  g_autoptr(GError) error = NULL;
  PoiseSyncClient *client;

  g_mkdir_with_parents (path, 0700);
  db = g_build_filename (path, "poise.db", NULL);
  *store = poise_store_new (db, &error);
  g_assert_no_error (error);
  client = poise_sync_client_new (*store);
  poise_sync_client_set_server (client, url, token);
  return client;
}

static void
wait_for_live (PoiseSyncClient *client)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!poise_sync_client_get_live (client) && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_true (poise_sync_client_get_live (client));
}

static void
wait_for_status (PoiseBackupButton *button,
                 const char        *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_str_has_prefix (poise_backup_button_get_status (button) ? poise_backup_button_get_status (button) : "", prefix) &&
         g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_cmpstr (poise_backup_button_get_status (button), ==, prefix);
}

/* A notification server on the test bus, in this process: it records the
 * summary, body and actions of each Notify. */
static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

typedef struct {
  char  *summary;
  char  *body;
  GStrv  actions;
  guint  n_closed;
} Notified;

static void
notifications_call_cb (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *path,
                       const char            *interface,
                       const char            *method,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  Notified *notified = user_data;

  if (g_str_equal (method, "Notify"))
    {
      g_clear_pointer (&notified->summary, g_free);
      g_clear_pointer (&notified->body, g_free);
      g_clear_pointer (&notified->actions, g_strfreev);
      g_variant_get_child (parameters, 3, "s", &notified->summary);
      g_variant_get_child (parameters, 4, "s", &notified->body);
      g_variant_get_child (parameters, 5, "^as", &notified->actions);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      notified->n_closed++;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "fake", "poise", "1", "1.2"));
}

static guint
fake_notifications_start (Notified *notified)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  guint id;

  id = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                          &vtable, notified, NULL, NULL);
  g_assert_cmpuint (id, >, 0);
  g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                NULL, NULL, NULL, NULL);
  iterate_for (200);
  g_object_unref (bus);
  return id;
}

static void
credentials_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  int *status = user_data;
  g_autoptr(GError) error = NULL;

  *status = poise_credentials_store_finish (result, &error) ? 1 : 2;
  g_assert_no_error (error);
}

static void
test_backup_request (void)
{
  PoiseApplication *app = start_app ("Coaching");
  GtkWidget *window = get_window (app);
  PoiseConversation *conversation = poise_application_get_conversation (app);
  PoiseBackupButton *button = poise_conversation_view_get_backup_button (get_view (window));
  PoiseSyncClient *ana = poise_application_get_sync_client (app);
  GtkWidget *request_button = find_one (GTK_WIDGET (button), GTK_TYPE_BUTTON);
  TestServer *server;
  g_autoptr(PoiseStore) ben_store = NULL;
  g_autoptr(PoiseSyncClient) ben = NULL;
  g_autoptr(PoiseBackupAlerts) alerts = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  Heard heard = { NULL, NULL };
  Notified notified = { NULL, NULL, NULL, 0 };
  int stored = 0;
  guint fake_id;
  gint64 deadline;

  /* No team server yet: disabled, saying why. */
  g_assert_false (gtk_widget_is_sensitive (request_button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (request_button), "needs a team server"));

  /* The agent connects as Preferences does: token in the keyring, URL in
   * the settings; the app's own sync client comes online. */
  fake_id = fake_notifications_start (&notified);
  server = test_server_start (NULL);
  token = test_server_add_user (server, "ana", "agent");
  url = g_strdup_printf ("http://127.0.0.1:%u", server->port);
  poise_credentials_store_async (url, token, NULL, credentials_stored_cb, &stored);
  while (stored == 0)
    g_main_context_iteration (NULL, TRUE);
  g_settings_set_string (poise_application_get_settings (app), "server-url", url);
  wait_for_live (ana);
  g_assert_true (gtk_widget_is_sensitive (request_button));

  /* The supervisor, in another Poise: a client and its alerts. */
  ben = new_client (server, "ben", "supervisor", &ben_store);
  wait_for_live (ben);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_strcmp0 (poise_sync_client_get_user_role (ben), "supervisor") != 0 &&
         g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_cmpstr (poise_sync_client_get_user_role (ben), ==, "supervisor");
  alerts = poise_backup_alerts_new (G_APPLICATION (app), ben);
  g_signal_connect (ben, "live-message::backup_request", G_CALLBACK (heard_request_cb), &heard);

  poise_conversation_set_scenario_id (conversation, "threat");
  poise_conversation_set_value (conversation, POISE_CUSTOMER_REF_KEY, "CUST-1");

  /* Need Backup asks what is happening (the scenario prefilled). */
  g_signal_emit_by_name (request_button, "clicked");
  {
    GtkWidget *dialog = NULL;
    g_autoptr(GList) toplevels = NULL;

    deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    while (dialog == NULL && g_get_monotonic_time () < deadline)
      {
        iterate_for (50);
        toplevels = gtk_window_list_toplevels ();
        for (GList *l = toplevels; l != NULL; l = l->next)
          if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
              GTK_IS_ENTRY (adw_message_dialog_get_extra_child (l->data)))
            dialog = l->data;
        g_clear_pointer (&toplevels, g_list_free);
      }
    g_assert_nonnull (dialog);
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog))),
                           "He says he will come to the office");
    click_dialog_button (dialog, "_Send Request");
  }
  wait_for_status (button, "Request sent: a supervisor will be told at once");

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (heard.id == NULL && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_nonnull (heard.id);
  g_assert_cmpstr (heard.from, ==, "ana");

  /* The supervisor's notification: who, what, and Acknowledge. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (notified.summary == NULL && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_assert_cmpstr (notified.summary, ==, "ana needs backup");
  g_assert_cmpstr (notified.body, ==, "He says he will come to the office (customer CUST-1)");
  g_assert_true (g_strv_contains ((const char * const *) notified.actions, "Acknowledge"));

  /* Its Acknowledge button. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "backup-ack", g_variant_new_string (heard.id));
  wait_for_status (button, "ben is on the way");

  g_signal_handlers_disconnect_by_data (ben, &heard);
  g_clear_object (&alerts);
  g_settings_set_string (poise_application_get_settings (app), "server-url", "");
  poise_sync_client_set_server (ben, NULL, NULL);
  g_free (heard.id);
  g_free (heard.from);
  {
    GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

    g_dbus_connection_unregister_object (bus, fake_id);
    g_object_unref (bus);
  }
  g_free (notified.summary);
  g_free (notified.body);
  g_strfreev (notified.actions);
  test_server_free (server);
  stop_app (app);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  data_dir = g_dir_make_tmp ("poise-coaching-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  {
    g_autofree char *config_dir = g_build_filename (data_dir, "config", NULL);

    g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/coaching/suggest-german-angry", test_suggest_german_angry);
  g_test_add_func ("/coaching/suggest-threat-first", test_suggest_threat_first);
  g_test_add_func ("/coaching/draft-avoid-replace", test_draft_avoid_replace);
  g_test_add_func ("/coaching/draft-steps", test_draft_steps);
  g_test_add_func ("/coaching/next-step", test_next_step);
  g_test_add_func ("/coaching/next-step-german", test_next_step_german);
  g_test_add_func ("/coaching/summary-note", test_summary_note);
  g_test_add_func ("/coaching/pause-offer", test_pause_offer);
  g_test_add_func ("/coaching/backup-request", test_backup_request);

  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_dir);
    (void) system (command);
  }

  return result;
}

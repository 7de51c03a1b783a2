/* poise-conversation-view.c: the checklist, the script and its blanks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "poise-conversation-view.h"
#include "poise-customer-panel.h"
#include "poise-due.h"
#include "poise-placeholder-editor.h"
#include "poise-scrolling-layout.h"
#include "poise-window.h"

struct _PoiseConversationView
{
  GtkWidget          parent_instance;

  PoiseLibrary      *library;
  PoiseConversation *conversation;
  /* The scenario in use when a library update removed it: still shown
   * until the agent picks another one. */
  PoiseScenario     *retired;
  char              *language;
  GPtrArray         *step_checks;   /* GtkCheckButton, in checklist order */
  gboolean           syncing;

  /* Template widgets */
  GtkLabel          *advice_label;
  PoiseBackupButton *backup_button;
  GtkWidget         *advice_box;
  GtkListBox        *avoid_list;
  GtkListBox        *checklist;
  PoiseCustomerPanel *customer_panel;
  GtkLabel          *emotion_label;
  GtkWidget         *fields_box;
  GtkListBox        *fields_list;
  PoiseMessageAnalyzer *message_analyzer;
  GtkLabel          *missing_label;
  AdwStatusPage     *missing_page;
  GtkLabel          *next_step_label;
  GtkLabel          *preview_label;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkWidget         *promise_box;
  GtkLabel          *promise_label;
  PoiseReplyDraft   *reply_draft;
  GtkRevealer       *retired_revealer;
  GtkStack          *scenario_stack;
  GtkWidget         *scroller;
  GtkLabel          *title_label;
  GtkLabel          *tone_label;
};

G_DEFINE_FINAL_TYPE (PoiseConversationView, poise_conversation_view, GTK_TYPE_WIDGET)

static PoiseScenario *
get_scenario (PoiseConversationView *self)
{
  const char *scenario_id;

  if (self->library == NULL || self->conversation == NULL)
    return NULL;

  scenario_id = poise_conversation_get_scenario_id (self->conversation);
  if (scenario_id == NULL)
    return NULL;

  if (poise_library_lookup_scenario (self->library, scenario_id) == NULL &&
      self->retired != NULL &&
      g_strcmp0 (poise_scenario_get_id (self->retired), scenario_id) == 0)
    return self->retired;

  return poise_library_lookup_scenario (self->library, scenario_id);
}

static void
remove_all_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* "Date, Order number" in the script's language, for the missing blanks. */
static char *
join_missing_labels (PoiseConversationView *self,
                     PoiseScenario         *scenario,
                     GStrv                  missing)
{
  GHashTable *placeholders = poise_scenario_get_placeholders (scenario);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; missing[i] != NULL; i++)
    {
      PoisePlaceholder *placeholder = g_hash_table_lookup (placeholders, missing[i]);
      const char *label = placeholder != NULL
        ? poise_placeholder_get_label (placeholder, self->language)
        : missing[i];

      if (i > 0)
        g_string_append (joined, _(", "));
      g_string_append (joined, label);
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Checklist */

static void
update_progress (PoiseConversationView *self)
{
  guint n_steps = self->step_checks->len;
  guint n_done = 0;
  PoiseChecklistStep *next = NULL;
  g_autofree char *progress = NULL;

  for (guint i = 0; i < n_steps; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->step_checks, i);

      if (gtk_check_button_get_active (check))
        n_done++;
      else if (next == NULL)
        next = g_object_get_data (G_OBJECT (check), "poise-step");
    }

  /* Translators: checklist progress, e.g. "2 of 4" */
  progress = g_strdup_printf (_("%u of %u"), n_done, n_steps);
  gtk_label_set_label (self->progress_label, progress);
  gtk_progress_bar_set_fraction (self->progress_bar, n_steps > 0 ? (double) n_done / n_steps : 0);

  /* Only the next step is spelled out, with an example phrase: the list
   * stays short enough to scan mid-conversation, and narrow. */
  if (next != NULL)
    {
      const char * const *examples = poise_checklist_step_get_examples (next, self->language);
      g_autofree char *hint = NULL;

      if (examples[0] != NULL)
        /* Translators: the next ASAP step, what it means, and an example phrase */
        hint = g_strdup_printf (_("Next: %s — %s For example: “%s”"),
                                poise_checklist_step_get_title (next, self->language),
                                poise_checklist_step_get_description (next, self->language),
                                examples[0]);
      else
        hint = g_strdup_printf (_("Next: %s — %s"),
                                poise_checklist_step_get_title (next, self->language),
                                poise_checklist_step_get_description (next, self->language));
      gtk_label_set_label (self->next_step_label, hint);
    }
  else if (n_steps > 0)
    gtk_label_set_label (self->next_step_label,
                         _("All steps done. Now follow through on what you promised."));
  else
    gtk_label_set_label (self->next_step_label, "");
}

static void
sync_checks (PoiseConversationView *self)
{
  self->syncing = TRUE;
  for (guint i = 0; i < self->step_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->step_checks, i);
      PoiseChecklistStep *step = g_object_get_data (G_OBJECT (check), "poise-step");

      gtk_check_button_set_active (check,
                                   poise_conversation_get_step_done (self->conversation,
                                                                     poise_checklist_step_get_id (step)));
    }
  self->syncing = FALSE;

  update_progress (self);
}

static void
on_step_toggled_cb (PoiseConversationView *self,
                    GtkCheckButton        *check)
{
  PoiseChecklistStep *step = g_object_get_data (G_OBJECT (check), "poise-step");

  if (self->syncing)
    return;

  poise_conversation_set_step_done (self->conversation,
                                    poise_checklist_step_get_id (step),
                                    gtk_check_button_get_active (check));
}

static void
build_checklist (PoiseConversationView *self)
{
  GListModel *steps;
  guint n_steps;

  remove_all_rows (self->checklist);
  g_ptr_array_set_size (self->step_checks, 0);

  if (self->library == NULL)
    return;

  steps = poise_library_get_checklist (self->library);
  n_steps = g_list_model_get_n_items (steps);

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(PoiseChecklistStep) step = g_list_model_get_item (steps, i);
      const char *title = poise_checklist_step_get_title (step, self->language);
      g_autofree char *escaped_title = g_markup_escape_text (title, -1);
      g_autofree char *key = g_strdup_printf ("%u", i + 1);
      g_autofree char *tooltip = NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *keycap = gtk_label_new (key);

      g_object_set_data_full (G_OBJECT (check), "poise-step", g_object_ref (step), g_object_unref);
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_step_toggled_cb), self,
                               G_CONNECT_SWAPPED);
      /* The row labels its activatable widget, so screen readers already
       * hear the step's title on the check button. */
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);

      if (i < 4)
        {
          /* Translators: tooltip of the key that ticks a checklist step */
          tooltip = g_strdup_printf (_("Press %s to tick this step"), key);
          gtk_widget_set_tooltip_text (keycap, tooltip);
          gtk_widget_add_css_class (keycap, "keycap");
          gtk_widget_set_valign (keycap, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), keycap);
        }

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped_title);
      gtk_widget_set_tooltip_text (row, poise_checklist_step_get_description (step, self->language));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (self->checklist, row);

      g_ptr_array_add (self->step_checks, check);
    }

  sync_checks (self);
}

/* The scenario */

static void
update_preview (PoiseConversationView *self)
{
  PoiseScenario *scenario = get_scenario (self);
  GHashTable *values;
  g_autofree char *markup = NULL;
  g_auto(GStrv) missing = NULL;
  const char *promise;

  if (scenario == NULL)
    return;

  values = poise_conversation_get_values (self->conversation);
  markup = poise_scenario_fill_script (scenario, self->language, values, POISE_FILL_MARKUP,
                                       &missing);
  gtk_label_set_markup (self->preview_label, markup);

  if (missing == NULL || missing[0] == NULL)
    gtk_label_set_label (self->missing_label, _("All blanks are filled in."));
  else
    {
      g_autofree char *labels = join_missing_labels (self, scenario, missing);
      /* Translators: the blanks of the script that are still empty */
      g_autofree char *text = g_strdup_printf (_("Still empty: %s"), labels);

      gtk_label_set_label (self->missing_label, text);
    }

  promise = poise_scenario_get_promise (scenario, self->language);
  gtk_widget_set_visible (self->promise_box, promise != NULL);
  if (promise != NULL)
    {
      g_autofree char *promise_markup =
        poise_template_fill (promise, poise_scenario_get_placeholders (scenario), values,
                             self->language, POISE_FILL_MARKUP, NULL);

      gtk_label_set_markup (self->promise_label, promise_markup);
    }
}

static void
add_avoid_rows (PoiseConversationView *self,
                GListModel            *phrases)
{
  guint n_phrases = g_list_model_get_n_items (phrases);

  for (guint i = 0; i < n_phrases; i++)
    {
      g_autoptr(PoiseAvoidPhrase) phrase = g_list_model_get_item (phrases, i);
      const char *why = poise_avoid_phrase_get_why (phrase, self->language);
      g_autofree char *title =
        g_markup_printf_escaped ("<s>%s</s>", poise_avoid_phrase_get_phrase (phrase, self->language));
      /* Translators: what to say instead of a phrase to avoid */
      g_autofree char *subtitle = g_markup_printf_escaped (_("Instead: %s"),
                                                           poise_avoid_phrase_get_instead (phrase, self->language));
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (why != NULL)
        gtk_widget_set_tooltip_text (row, why);
      gtk_list_box_append (self->avoid_list, row);
    }
}

static void
render_scenario (PoiseConversationView *self)
{
  PoiseScenario *scenario = get_scenario (self);
  g_autoptr(GPtrArray) used = NULL;
  g_autoptr(GString) advice = NULL;
  const char * const *tips;
  g_autofree char *emotion = NULL;
  g_autofree char *tone = NULL;

  remove_all_rows (self->fields_list);
  remove_all_rows (self->avoid_list);

  if (scenario == NULL)
    {
      const char *scenario_id = self->conversation != NULL
        ? poise_conversation_get_scenario_id (self->conversation)
        : NULL;

      if (scenario_id != NULL && self->library != NULL)
        {
          /* Translators: %s is the id of a scenario the current scripts no longer have */
          g_autofree char *description =
            g_strdup_printf (_("The scenario “%s” is not in the current scripts. Your checklist and the values you filled in are kept; pick another scenario to go on."),
                             scenario_id);

          adw_status_page_set_description (self->missing_page, description);
          gtk_stack_set_visible_child_name (self->scenario_stack, "missing");
        }
      else
        gtk_stack_set_visible_child_name (self->scenario_stack, "empty");
      return;
    }

  gtk_revealer_set_reveal_child (self->retired_revealer, scenario == self->retired);
  gtk_label_set_label (self->title_label, poise_scenario_get_title (scenario, self->language));
  emotion = g_markup_printf_escaped ("<b>%s</b> %s", _("Customer probably feels:"),
                                     poise_scenario_get_emotion (scenario, self->language));
  gtk_label_set_markup (self->emotion_label, emotion);
  tone = g_markup_printf_escaped ("<b>%s</b> %s", _("Your tone:"),
                                  poise_scenario_get_tone (scenario, self->language));
  gtk_label_set_markup (self->tone_label, tone);

  used = poise_scenario_dup_used_placeholders (scenario, self->language);
  for (guint i = 0; i < used->len; i++)
    gtk_list_box_append (self->fields_list,
                         GTK_WIDGET (poise_placeholder_editor_new (g_ptr_array_index (used, i),
                                                                   self->conversation,
                                                                   self->language)));
  gtk_widget_set_visible (self->fields_box, used->len > 0);

  tips = poise_scenario_get_advice (scenario, self->language);
  advice = g_string_new (NULL);
  for (guint i = 0; tips[i] != NULL; i++)
    g_string_append_printf (advice, "%s• %s", i > 0 ? "\n" : "", tips[i]);
  gtk_label_set_label (self->advice_label, advice->str);
  gtk_widget_set_visible (self->advice_box, tips[0] != NULL);

  add_avoid_rows (self, poise_scenario_get_avoid (scenario));
  add_avoid_rows (self, poise_library_get_avoid (self->library));

  gtk_stack_set_visible_child_name (self->scenario_stack, "scenario");
  update_preview (self);
}

/* Callbacks */

static void
on_conversation_changed_cb (PoiseConversationView *self,
                            PoiseConversation     *conversation)
{
  sync_checks (self);
  update_preview (self);
}

static void
on_scenario_changed_cb (PoiseConversationView *self,
                        GParamSpec            *pspec,
                        PoiseConversation     *conversation)
{
  const char *scenario_id = poise_conversation_get_scenario_id (conversation);

  if (self->retired != NULL &&
      g_strcmp0 (scenario_id, poise_scenario_get_id (self->retired)) != 0)
    g_clear_object (&self->retired);
  render_scenario (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
}

static void
do_copy (PoiseConversationView *self,
         const char            *text)
{
  GtkRoot *root;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (POISE_IS_WINDOW (root))
    poise_window_add_toast (POISE_WINDOW (root), adw_toast_new (_("Reply copied to the clipboard")));
}

/* "Fill In" takes the agent straight to the first blank still empty. */
static void
focus_first_missing (PoiseConversationView *self)
{
  g_auto(GStrv) missing = NULL;
  g_autofree char *text = poise_conversation_view_dup_reply (self, &missing);

  if (missing == NULL || missing[0] == NULL)
    return;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->fields_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      PoisePlaceholderEditor *editor;
      const char *id;

      if (!POISE_IS_PLACEHOLDER_EDITOR (row))
        continue;

      editor = POISE_PLACEHOLDER_EDITOR (row);
      id = poise_placeholder_get_id (poise_placeholder_editor_get_placeholder (editor));
      if (g_strv_contains ((const char * const *) missing, id))
        {
          gtk_widget_grab_focus (poise_placeholder_editor_get_input (editor));
          return;
        }
    }
}

static void
on_copy_anyway_response_cb (PoiseConversationView *self,
                            const char            *response,
                            AdwMessageDialog      *dialog)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "copy") != 0)
    {
      focus_first_missing (self);
      return;
    }

  text = poise_conversation_view_dup_reply (self, NULL);
  if (text != NULL)
    do_copy (self, text);
}

/* Overrides */

static void
poise_conversation_view_dispose (GObject *object)
{
  PoiseConversationView *self = POISE_CONVERSATION_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_CONVERSATION_VIEW);
  g_clear_object (&self->library);
  g_clear_object (&self->retired);
  g_clear_object (&self->conversation);

  G_OBJECT_CLASS (poise_conversation_view_parent_class)->dispose (object);
}

static void
poise_conversation_view_finalize (GObject *object)
{
  PoiseConversationView *self = POISE_CONVERSATION_VIEW (object);

  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->step_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (poise_conversation_view_parent_class)->finalize (object);
}

static void
poise_conversation_view_class_init (PoiseConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_conversation_view_dispose;
  object_class->finalize = poise_conversation_view_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, POISE_TYPE_SCROLLING_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-conversation-view.ui");
  g_type_ensure (POISE_TYPE_CUSTOMER_PANEL);
  g_type_ensure (POISE_TYPE_BACKUP_BUTTON);
  g_type_ensure (POISE_TYPE_MESSAGE_ANALYZER);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, backup_button);
  g_type_ensure (POISE_TYPE_REPLY_DRAFT);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, message_analyzer);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, reply_draft);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, advice_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, advice_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, avoid_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, checklist);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, customer_panel);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, emotion_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, fields_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, fields_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, missing_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, missing_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, next_step_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, preview_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, promise_box);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, promise_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, retired_revealer);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, scenario_stack);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, scroller);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, title_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseConversationView, tone_label);
}

static void
poise_conversation_view_init (PoiseConversationView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->step_checks = g_ptr_array_new ();
  self->language = g_strdup (POISE_FALLBACK_LANGUAGE);
}

/* Public API */

void
poise_conversation_view_setup (PoiseConversationView *self,
                               PoiseLibrary          *library,
                               PoiseConversation     *conversation,
                               const char            *language)
{
  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (!library || POISE_IS_LIBRARY (library));
  g_return_if_fail (POISE_IS_CONVERSATION (conversation));
  g_return_if_fail (self->conversation == NULL);

  g_set_object (&self->library, library);
  self->conversation = g_object_ref (conversation);
  g_free (self->language);
  self->language = g_strdup (language);

  g_signal_connect_object (conversation, "changed",
                           G_CALLBACK (on_conversation_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (conversation, "notify::scenario-id",
                           G_CALLBACK (on_scenario_changed_cb), self,
                           G_CONNECT_SWAPPED);

  poise_message_analyzer_setup (self->message_analyzer, library, conversation, language);
  poise_conversation_view_reload (self);
}

/**
 * poise_conversation_view_set_library:
 *
 * Switches to @library, keeping the conversation. A scenario in use that
 * @library no longer has stays shown, with a note that it was removed.
 */
void
poise_conversation_view_set_library (PoiseConversationView *self,
                                     PoiseLibrary          *library)
{
  g_autoptr(PoiseScenario) current = NULL;

  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (POISE_IS_LIBRARY (library));

  if (self->library == library)
    return;

  current = get_scenario (self);
  if (current != NULL)
    g_object_ref (current);
  g_set_object (&self->library, library);
  if (current != NULL &&
      poise_library_lookup_scenario (library, poise_scenario_get_id (current)) == NULL)
    g_set_object (&self->retired, current);
  else
    g_clear_object (&self->retired);

  poise_conversation_view_reload (self);
}

/* Whether the scenario shown is one a library update removed. */
gboolean
poise_conversation_view_get_showing_removed (PoiseConversationView *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), FALSE);

  return self->retired != NULL && get_scenario (self) == self->retired;
}

void
poise_conversation_view_set_language (PoiseConversationView *self,
                                      const char            *language)
{
  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;

  g_free (self->language);
  self->language = g_strdup (language);
  poise_message_analyzer_set_language (self->message_analyzer, language);
  poise_reply_draft_set_language (self->reply_draft, language);
  poise_backup_button_set_language (self->backup_button, language);
  poise_conversation_view_reload (self);
}

void
poise_conversation_view_reload (PoiseConversationView *self)
{
  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));

  if (self->conversation == NULL)
    return;

  build_checklist (self);
  render_scenario (self);
}

gboolean
poise_conversation_view_toggle_step (PoiseConversationView *self,
                                     int                    number)
{
  GtkCheckButton *check;

  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), FALSE);

  if (number < 1 || (guint) number > self->step_checks->len)
    return FALSE;

  check = g_ptr_array_index (self->step_checks, number - 1);
  gtk_check_button_set_active (check, !gtk_check_button_get_active (check));

  return TRUE;
}

char *
poise_conversation_view_dup_reply (PoiseConversationView *self,
                                   GStrv                 *missing)
{
  PoiseScenario *scenario;

  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  scenario = get_scenario (self);
  if (scenario == NULL)
    return NULL;

  return poise_scenario_fill_script (scenario, self->language,
                                     poise_conversation_get_values (self->conversation),
                                     POISE_FILL_NONE, missing);
}

void
poise_conversation_view_focus_checklist (PoiseConversationView *self)
{
  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));

  if (self->step_checks->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (self->step_checks, 0));
}

void
poise_conversation_view_copy (PoiseConversationView *self)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) missing = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  g_return_if_fail (POISE_IS_CONVERSATION_VIEW (self));

  text = poise_conversation_view_dup_reply (self, &missing);
  if (text == NULL)
    return;

  if (missing == NULL || missing[0] == NULL)
    {
      do_copy (self, text);
      return;
    }

  /* Never send "[Date]" to a customer by accident: say what is missing. */
  labels = join_missing_labels (self, get_scenario (self), missing);
  /* Translators: %s lists the empty blanks, e.g. "Date, Order number" */
  body = g_strdup_printf (_("Still empty: %s. The customer would see these blanks in square brackets."),
                          labels);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       _("Copy With Empty Blanks?"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Fill In"),
                                    "copy", _("Copy _Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "copy", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_copy_anyway_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The value of the first placeholder of @kind the promise, then the script,
 * uses and the agent filled in (and, with @ids, whose id is one of them). */
static const char *
find_value (PoiseConversationView *self,
            GPtrArray             *used,
            PoisePlaceholderType   kind,
            const char * const    *ids)
{
  for (guint i = 0; i < used->len; i++)
    {
      PoisePlaceholder *placeholder = g_ptr_array_index (used, i);
      const char *id = poise_placeholder_get_id (placeholder);
      const char *value;

      if (poise_placeholder_get_kind (placeholder) != kind)
        continue;
      if (ids != NULL && !g_strv_contains (ids, id))
        continue;

      value = poise_conversation_get_value (self->conversation, id);
      if (value != NULL && *value != '\0')
        return value;
    }

  return NULL;
}

PoiseFollowUp *
poise_conversation_view_dup_follow_up (PoiseConversationView *self)
{
  static const char * const reference_ids[] = { "order", "ticket", "reference", NULL };
  PoiseScenario *scenario;
  GHashTable *placeholders;
  g_autoptr(GPtrArray) used = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autofree char *promise = NULL;
  g_autofree char *note = NULL;
  const char *promise_template;
  PoiseFollowUp *follow_up;

  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  scenario = get_scenario (self);
  if (scenario == NULL)
    return NULL;

  placeholders = poise_scenario_get_placeholders (scenario);
  promise_template = poise_scenario_get_promise (scenario, self->language);

  /* The promise's own blanks come first: its [date] is the due date. */
  used = g_ptr_array_new ();
  if (promise_template != NULL)
    {
      g_auto(GStrv) ids = poise_template_get_placeholders (promise_template);

      for (guint i = 0; ids[i] != NULL; i++)
        {
          PoisePlaceholder *placeholder = g_hash_table_lookup (placeholders, ids[i]);

          if (placeholder != NULL)
            g_ptr_array_add (used, placeholder);
        }
      promise = poise_template_fill (promise_template, placeholders,
                                     poise_conversation_get_values (self->conversation),
                                     self->language, POISE_FILL_NONE, NULL);
    }
  {
    g_autoptr(GPtrArray) in_script = poise_scenario_dup_used_placeholders (scenario, self->language);

    for (guint i = 0; i < in_script->len; i++)
      g_ptr_array_add (used, g_ptr_array_index (in_script, i));
  }

  follow_up = poise_follow_up_new ();
  poise_follow_up_set_promise (follow_up, promise);
  poise_follow_up_set_customer_name (follow_up,
                                     find_value (self, used, POISE_PLACEHOLDER_CUSTOMER_NAME, NULL));
  {
    /* The reference entered for the customer wins over a blank's: it is
     * what the team's notes and follow-ups are found by. */
    const char *entered = poise_conversation_get_value (self->conversation, POISE_CUSTOMER_REF_KEY);

    poise_follow_up_set_customer_ref (follow_up,
                                      entered != NULL && *entered != '\0'
                                        ? entered
                                        : find_value (self, used, POISE_PLACEHOLDER_TEXT, reference_ids));
  }

  due = poise_due_from_date_time (find_value (self, used, POISE_PLACEHOLDER_DATE, NULL),
                                  find_value (self, used, POISE_PLACEHOLDER_TIME, NULL),
                                  zone);
  if (due == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      due = poise_due_choice_resolve (POISE_DUE_IN_3_HOURS, now);
    }
  poise_follow_up_set_due_at (follow_up, due);

  /* Translators: the note of a follow-up made from a conversation; %s is the scenario */
  note = g_strdup_printf (_("From a conversation: %s"),
                          poise_scenario_get_title (scenario, self->language));
  poise_follow_up_set_note (follow_up, note);

  return follow_up;
}

/**
 * poise_conversation_view_get_customer_panel:
 *
 * Returns: (transfer none): the customer reference and the team's history
 */
PoiseCustomerPanel *
poise_conversation_view_get_customer_panel (PoiseConversationView *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  return self->customer_panel;
}

/**
 * poise_conversation_view_get_message_analyzer:
 *
 * Returns: (transfer none): the customer's message and its suggestions
 */
PoiseMessageAnalyzer *
poise_conversation_view_get_message_analyzer (PoiseConversationView *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  return self->message_analyzer;
}

/**
 * poise_conversation_view_get_reply_draft:
 *
 * Returns: (transfer none): the agent's reply draft
 */
PoiseReplyDraft *
poise_conversation_view_get_reply_draft (PoiseConversationView *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  return self->reply_draft;
}

/**
 * poise_conversation_view_get_backup_button:
 *
 * Returns: (transfer none): "Need Backup"
 */
PoiseBackupButton *
poise_conversation_view_get_backup_button (PoiseConversationView *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION_VIEW (self), NULL);

  return self->backup_button;
}

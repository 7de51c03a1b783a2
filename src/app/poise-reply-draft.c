/* poise-reply-draft.c: the agent's own reply, checked as it is written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PoiseDraftChecker (src/core) reads the whole draft a moment after each
 * change (about a millisecond for 2,000 words): phrases to avoid are
 * underlined and listed with their better wording, and the ASAP steps the
 * draft does not cover yet are named.  Replacing a phrase is one step of
 * the buffer's own undo.  A next step goes into the draft and the store
 * together, and its toast takes both back.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "poise-customer-panel.h"
#include "poise-next-step-dialog.h"
#include "poise-reply-draft.h"
#include "poise-window.h"

#define CHECK_DELAY_MS 120

typedef struct {
  char        *sentence;
  char        *uuid;        /* the follow-up's; NULL without a store */
  GDateTime   *due;
  GtkTextMark *start;
  GtkTextMark *end;
} NextStep;

struct _PoiseReplyDraft
{
  GtkWidget          parent_instance;

  PoiseLibrary      *library;
  PoiseConversation *conversation;
  PoiseStore        *store;
  char              *language;
  PoiseDraftChecker *checker;
  PoiseDraftReport  *report;
  GPtrArray         *next_steps;   /* NextStep */
  GMenu             *extra_menu;
  guint              check_id;

  /* Template widgets */
  GtkTextView       *draft_view;
  GtkListBox        *issue_list;
  GtkLabel          *steps_label;
};

G_DEFINE_FINAL_TYPE (PoiseReplyDraft, poise_reply_draft, GTK_TYPE_WIDGET)

static void
next_step_free (NextStep *step)
{
  g_free (step->sentence);
  g_free (step->uuid);
  g_clear_pointer (&step->due, g_date_time_unref);
  if (step->start != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_mark_get_buffer (step->start);

      if (buffer != NULL)
        gtk_text_buffer_delete_mark (buffer, step->start);
      g_object_unref (step->start);
    }
  if (step->end != NULL)
    {
      GtkTextBuffer *buffer = gtk_text_mark_get_buffer (step->end);

      if (buffer != NULL)
        gtk_text_buffer_delete_mark (buffer, step->end);
      g_object_unref (step->end);
    }
  g_free (step);
}

static GtkTextBuffer *
get_buffer (PoiseReplyDraft *self)
{
  return gtk_text_view_get_buffer (self->draft_view);
}

static char *
dup_text (PoiseReplyDraft *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (get_buffer (self), &start, &end);
  return gtk_text_buffer_get_text (get_buffer (self), &start, &end, FALSE);
}

static PoiseScenario *
get_scenario (PoiseReplyDraft *self)
{
  const char *id;

  if (self->library == NULL || self->conversation == NULL)
    return NULL;
  id = poise_conversation_get_scenario_id (self->conversation);
  return id != NULL ? poise_library_lookup_scenario (self->library, id) : NULL;
}

static void
toast (PoiseReplyDraft *self,
       AdwToast        *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (POISE_IS_WINDOW (root))
    poise_window_add_toast (POISE_WINDOW (root), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

/* The check */

static void
on_replace_clicked_cb (GtkButton       *button,
                       PoiseReplyDraft *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "poise-issue"));

  poise_reply_draft_replace_issue (self, index);
}

static void
show_issues (PoiseReplyDraft *self)
{
  GPtrArray *issues = self->report != NULL ? poise_draft_report_get_issues (self->report) : NULL;
  GtkTextBuffer *buffer = get_buffer (self);
  GtkWidget *child;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "avoid", &start, &end);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->issue_list))) != NULL)
    gtk_list_box_remove (self->issue_list, child);

  for (guint i = 0; issues != NULL && i < issues->len; i++)
    {
      PoiseDraftIssue *issue = g_ptr_array_index (issues, i);
      g_autofree char *title = g_markup_printf_escaped ("<s>%s</s>", issue->text);
      /* Translators: what to say instead of a phrase to avoid */
      g_autofree char *subtitle = g_markup_printf_escaped (_("Instead: %s"), issue->instead);
      /* Translators: %s is the better wording */
      g_autofree char *tooltip = g_strdup_printf (_("Replace with “%s”"), issue->instead);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Replace"));

      gtk_text_buffer_get_iter_at_offset (buffer, &start, issue->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, issue->end);
      gtk_text_buffer_apply_tag_by_name (buffer, "avoid", &start, &end);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tooltip);
      g_object_set_data (G_OBJECT (button), "poise-issue", GUINT_TO_POINTER (i));
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_replace_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->issue_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->issue_list), issues != NULL && issues->len > 0);
}

static void
show_steps (PoiseReplyDraft *self,
            gboolean         empty)
{
  GPtrArray *steps = self->report != NULL ? poise_draft_report_get_steps (self->report) : NULL;
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->steps_label), steps != NULL && steps->len > 0 && !empty);
  if (steps == NULL || empty)
    return;

  for (guint i = 0; i < steps->len; i++)
    {
      PoiseDraftStep *step = g_ptr_array_index (steps, i);
      const char *title = poise_checklist_step_get_title (step->step, self->language);

      if (step->covered)
        continue;
      if (missing->len > 0)
        g_string_append (missing, _(", "));
      if (step->cue_found && step->needs_time)
        /* Translators: an ASAP step that is there but lacks a date or time */
        g_string_append_printf (missing, _("%s (add a date or time)"), title);
      else
        g_string_append (missing, title);
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->steps_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->steps_label), "warning");
  if (missing->len == 0)
    {
      gtk_label_set_label (self->steps_label, _("Your reply covers every ASAP step."));
      gtk_widget_add_css_class (GTK_WIDGET (self->steps_label), "success");
    }
  else
    {
      /* Translators: %s lists ASAP steps, e.g. "Sympathise, Prepare to act" */
      text = g_strdup_printf (_("Missing in your reply: %s"), missing->str);
      gtk_label_set_label (self->steps_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->steps_label), "warning");
    }
}

static void
check (PoiseReplyDraft *self)
{
  g_autofree char *text = dup_text (self);

  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_object (&self->report);
  if (self->checker != NULL)
    self->report = poise_draft_checker_check (self->checker, text);

  show_issues (self);
  show_steps (self, *text == '\0');
}

static gboolean
check_cb (gpointer user_data)
{
  PoiseReplyDraft *self = user_data;

  self->check_id = 0;
  check (self);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed_cb (PoiseReplyDraft *self)
{
  g_clear_handle_id (&self->check_id, g_source_remove);
  self->check_id = g_timeout_add (CHECK_DELAY_MS, check_cb, self);
}

static void
rebuild_checker (PoiseReplyDraft *self)
{
  g_clear_object (&self->checker);
  if (self->library != NULL)
    self->checker = poise_draft_checker_new (self->library, get_scenario (self), self->language);
  check (self);
}

/* The context menu offers the better wording of the phrase clicked on. */
static void
on_secondary_pressed_cb (GtkGestureClick *gesture,
                         int              n_press,
                         double           x,
                         double           y,
                         PoiseReplyDraft *self)
{
  GPtrArray *issues;
  GtkTextIter iter;
  int bx, by;
  guint offset;

  g_menu_remove_all (self->extra_menu);
  if (self->check_id != 0)
    check (self);
  if (self->report == NULL)
    return;

  gtk_text_view_window_to_buffer_coords (self->draft_view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (self->draft_view, &iter, bx, by))
    return;
  offset = gtk_text_iter_get_offset (&iter);

  issues = poise_draft_report_get_issues (self->report);
  for (guint i = 0; i < issues->len; i++)
    {
      PoiseDraftIssue *issue = g_ptr_array_index (issues, i);

      if (offset >= issue->start && offset < issue->end)
        {
          /* Translators: %s is the better wording */
          g_autofree char *label = g_strdup_printf (_("Replace with “%s”"), issue->instead);
          g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

          g_menu_item_set_action_and_target_value (item, "draft.replace", g_variant_new_uint32 (i));
          g_menu_append_item (self->extra_menu, item);
          return;
        }
    }
}

/* Next steps */

static const char *
weekday_name (const char *language,
              int         weekday)
{
  static const char *en[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
  static const char *de[] = { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" };

  return g_str_equal (language, "de") ? de[weekday - 1] : en[weekday - 1];
}

static const char *
month_name (const char *language,
            int         month)
{
  static const char *en[] = { "January", "February", "March", "April", "May", "June", "July",
                              "August", "September", "October", "November", "December" };
  static const char *de[] = { "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
                              "August", "September", "Oktober", "November", "Dezember" };

  return g_str_equal (language, "de") ? de[month - 1] : en[month - 1];
}

/* The sentence is for the customer, so it is in the script's language,
 * not the UI's: its wording lives here rather than in the .po files. */
char *
poise_reply_draft_format_next_step (const char *language,
                                    const char *action,
                                    GDateTime  *due,
                                    GDateTime  *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (due);
  g_autoptr(GDateTime) local_now = g_date_time_to_local (now);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (local_now, 1);
  gboolean de = g_strcmp0 (language, "de") == 0;
  g_autofree char *time = g_date_time_format (local, "%H:%M");
  g_autofree char *when = NULL;
  int y, m, d, ny, nm, nd, ty, tm, td;

  g_date_time_get_ymd (local, &y, &m, &d);
  g_date_time_get_ymd (local_now, &ny, &nm, &nd);
  g_date_time_get_ymd (tomorrow, &ty, &tm, &td);

  if (y == ny && m == nm && d == nd)
    when = de ? g_strdup_printf ("heute um %s Uhr", time) : g_strdup_printf ("today at %s", time);
  else if (y == ty && m == tm && d == td)
    when = de ? g_strdup_printf ("morgen um %s Uhr", time) : g_strdup_printf ("tomorrow at %s", time);
  else if (de)
    when = g_strdup_printf ("%s, %d. %s, um %s Uhr", weekday_name ("de", g_date_time_get_day_of_week (local)),
                            d, month_name ("de", m), time);
  else
    when = g_strdup_printf ("%s, %d %s at %s", weekday_name ("en", g_date_time_get_day_of_week (local)),
                            d, month_name ("en", m), time);

  return de ? g_strdup_printf ("Das werde ich für Sie tun: %s, und zwar bis %s.", action, when)
            : g_strdup_printf ("Here is what I will do: %s by %s.", action, when);
}

static void
on_undo_next_step_cb (PoiseReplyDraft *self,
                      AdwToast        *toast)
{
  NextStep *step = g_object_get_data (G_OBJECT (toast), "poise-next-step");
  GtkTextIter start, end;

  /* Gone with a new conversation, or undone already. */
  if (step == NULL || !g_ptr_array_find (self->next_steps, step, NULL))
    return;

  if (step->uuid != NULL && self->store != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PoiseFollowUp) deleted = poise_store_delete_follow_up (self->store, step->uuid, &error);

      if (deleted == NULL && error != NULL)
        g_warning ("Could not take back the follow-up: %s", error->message);
    }

  gtk_text_buffer_get_iter_at_mark (get_buffer (self), &start, step->start);
  gtk_text_buffer_get_iter_at_mark (get_buffer (self), &end, step->end);
  gtk_text_buffer_begin_user_action (get_buffer (self));
  gtk_text_buffer_delete (get_buffer (self), &start, &end);
  gtk_text_buffer_end_user_action (get_buffer (self));

  g_ptr_array_remove (self->next_steps, step);
  g_object_set_data (G_OBJECT (toast), "poise-next-step", NULL);
  check (self);
}

static void
on_next_step_cb (PoiseReplyDraft     *self,
                 const char          *action,
                 GDateTime           *due,
                 PoiseNextStepDialog *dialog)
{
  g_autofree char *uuid = poise_reply_draft_add_next_step (self, action, due);
}

static void
next_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PoiseReplyDraft *self = POISE_REPLY_DRAFT (widget);
  PoiseNextStepDialog *dialog =
    poise_next_step_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)));

  g_signal_connect_object (dialog, "next-step", G_CALLBACK (on_next_step_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PoiseReplyDraft *self = POISE_REPLY_DRAFT (widget);
  g_autofree char *text = dup_text (self);

  if (*text == '\0')
    {
      toast (self, adw_toast_new (_("Your reply is empty: nothing to copy")));
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  toast (self, adw_toast_new (_("Reply copied to the clipboard")));
}

static void
replace_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  poise_reply_draft_replace_issue (POISE_REPLY_DRAFT (widget), g_variant_get_uint32 (parameter));
}

static void
on_scenario_changed_cb (PoiseReplyDraft *self)
{
  rebuild_checker (self);
}

/* GObject */

static void
poise_reply_draft_dispose (GObject *object)
{
  PoiseReplyDraft *self = POISE_REPLY_DRAFT (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_pointer (&self->next_steps, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_REPLY_DRAFT);
  g_clear_object (&self->checker);
  g_clear_object (&self->report);
  g_clear_object (&self->library);
  g_clear_object (&self->conversation);
  g_clear_object (&self->store);
  g_clear_object (&self->extra_menu);

  G_OBJECT_CLASS (poise_reply_draft_parent_class)->dispose (object);
}

static void
poise_reply_draft_finalize (GObject *object)
{
  PoiseReplyDraft *self = POISE_REPLY_DRAFT (object);

  g_free (self->language);

  G_OBJECT_CLASS (poise_reply_draft_parent_class)->finalize (object);
}

static void
poise_reply_draft_class_init (PoiseReplyDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_reply_draft_dispose;
  object_class->finalize = poise_reply_draft_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/poise-reply-draft.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseReplyDraft, draft_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseReplyDraft, issue_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseReplyDraft, steps_label);

  gtk_widget_class_install_action (widget_class, "draft.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "draft.next-step", NULL, next_step_action);
  gtk_widget_class_install_action (widget_class, "draft.replace", "u", replace_action);
}

static void
add_global_shortcut (GtkShortcutController *controller,
                     guint                  keyval,
                     const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (keyval, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                                                          gtk_named_action_new (action)));
}

static void
poise_reply_draft_init (PoiseReplyDraft *self)
{
  GtkTextBuffer *buffer;
  GtkGesture *secondary;
  GtkEventController *shortcuts;
  GdkRGBA red = { 0.88, 0.11, 0.14, 1.0 };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->language = g_strdup (POISE_FALLBACK_LANGUAGE);
  self->next_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) next_step_free);

  buffer = get_buffer (self);
  gtk_text_buffer_set_enable_undo (buffer, TRUE);
  gtk_text_buffer_create_tag (buffer, "avoid",
                              "underline", PANGO_UNDERLINE_ERROR,
                              "underline-rgba", &red,
                              NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (on_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  self->extra_menu = g_menu_new ();
  gtk_text_view_set_extra_menu (self->draft_view, G_MENU_MODEL (self->extra_menu));
  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (secondary), GTK_PHASE_CAPTURE);
  g_signal_connect_object (secondary, "pressed", G_CALLBACK (on_secondary_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->draft_view), GTK_EVENT_CONTROLLER (secondary));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_C, "draft.copy");
  add_global_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_E, "draft.next-step");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

/* Public API */

void
poise_reply_draft_setup (PoiseReplyDraft   *self,
                         PoiseLibrary      *library,
                         PoiseConversation *conversation,
                         PoiseStore        *store,
                         const char        *language)
{
  g_return_if_fail (POISE_IS_REPLY_DRAFT (self));
  g_return_if_fail (POISE_IS_CONVERSATION (conversation));

  g_set_object (&self->library, library);
  g_set_object (&self->conversation, conversation);
  g_set_object (&self->store, store);
  g_free (self->language);
  self->language = g_strdup (language);
  g_signal_connect_object (conversation, "notify::scenario-id",
                           G_CALLBACK (on_scenario_changed_cb), self, G_CONNECT_SWAPPED);
  rebuild_checker (self);
}

void
poise_reply_draft_set_language (PoiseReplyDraft *self,
                                const char      *language)
{
  g_return_if_fail (POISE_IS_REPLY_DRAFT (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  rebuild_checker (self);
}

/**
 * poise_reply_draft_get_buffer:
 *
 * Returns: (transfer none): the draft
 */
GtkTextBuffer *
poise_reply_draft_get_buffer (PoiseReplyDraft *self)
{
  g_return_val_if_fail (POISE_IS_REPLY_DRAFT (self), NULL);

  return get_buffer (self);
}

PoiseDraftReport *
poise_reply_draft_check_now (PoiseReplyDraft *self)
{
  g_return_val_if_fail (POISE_IS_REPLY_DRAFT (self), NULL);

  check (self);
  return self->report;
}

gboolean
poise_reply_draft_replace_issue (PoiseReplyDraft *self,
                                 guint            index)
{
  GtkTextBuffer *buffer;
  PoiseDraftIssue *issue;
  GPtrArray *issues;
  GtkTextIter start, end;

  g_return_val_if_fail (POISE_IS_REPLY_DRAFT (self), FALSE);

  if (self->check_id != 0)
    check (self);
  if (self->report == NULL)
    return FALSE;
  issues = poise_draft_report_get_issues (self->report);
  if (index >= issues->len)
    return FALSE;

  issue = g_ptr_array_index (issues, index);
  buffer = get_buffer (self);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, issue->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, issue->end);

  /* One user action: a single Ctrl+Z brings the old words back. */
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_insert (buffer, &start, issue->instead, -1);
  gtk_text_buffer_end_user_action (buffer);

  check (self);
  return TRUE;
}

char *
poise_reply_draft_add_next_step (PoiseReplyDraft *self,
                                 const char      *action,
                                 GDateTime       *due)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GtkTextBuffer *buffer;
  NextStep *step;
  GtkTextIter end;
  AdwToast *undo;

  g_return_val_if_fail (POISE_IS_REPLY_DRAFT (self), NULL);
  g_return_val_if_fail (action != NULL && due != NULL, NULL);

  step = g_new0 (NextStep, 1);
  step->sentence = poise_reply_draft_format_next_step (self->language, action, due, now);
  step->due = g_date_time_ref (due);

  if (self->store != NULL)
    {
      g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new ();
      g_autoptr(GError) error = NULL;
      PoiseScenario *scenario = get_scenario (self);
      const char *ref = poise_conversation_get_value (self->conversation, POISE_CUSTOMER_REF_KEY);

      poise_follow_up_set_promise (follow_up, step->sentence);
      poise_follow_up_set_due_at (follow_up, due);
      if (ref != NULL && *ref != '\0')
        poise_follow_up_set_customer_ref (follow_up, ref);
      if (scenario != NULL)
        {
          /* Translators: the note of a follow-up made from a conversation; %s is the scenario */
          g_autofree char *note = g_strdup_printf (_("From a conversation: %s"),
                                                   poise_scenario_get_title (scenario, self->language));

          poise_follow_up_set_note (follow_up, note);
        }
      if (!poise_store_insert_follow_up (self->store, follow_up, &error))
        {
          GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

          /* The sentence would promise what nobody is reminded of. */
          if (POISE_IS_WINDOW (root))
            poise_window_show_error (POISE_WINDOW (root), _("Could not add the next step"), error->message);
          next_step_free (step);
          return NULL;
        }
      step->uuid = g_strdup (poise_follow_up_get_uuid (follow_up));
    }

  buffer = get_buffer (self);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_begin_user_action (buffer);
  /* The space before it is part of it, for Undo. */
  step->start = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &end, TRUE));
  if (!gtk_text_iter_is_start (&end))
    {
      GtkTextIter before = end;

      gtk_text_iter_backward_char (&before);
      if (!g_unichar_isspace (gtk_text_iter_get_char (&before)))
        gtk_text_buffer_insert (buffer, &end, " ", -1);
    }
  gtk_text_buffer_insert (buffer, &end, step->sentence, -1);
  step->end = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &end, FALSE));
  gtk_text_buffer_end_user_action (buffer);
  g_ptr_array_add (self->next_steps, step);
  check (self);

  undo = adw_toast_new (step->uuid != NULL ? _("Next step added to your reply and follow-ups")
                                           : _("Next step added to your reply"));
  adw_toast_set_button_label (undo, _("_Undo"));
  g_object_set_data (G_OBJECT (undo), "poise-next-step", step);
  g_signal_connect_object (undo, "button-clicked", G_CALLBACK (on_undo_next_step_cb), self,
                           G_CONNECT_SWAPPED);
  toast (self, undo);

  return g_strdup (step->uuid);
}

char *
poise_reply_draft_dup_summary (PoiseReplyDraft *self)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(GString) done = NULL;
  PoiseScenario *scenario;
  guint n_steps = 0, n_done = 0;

  g_return_val_if_fail (POISE_IS_REPLY_DRAFT (self), NULL);

  if (self->conversation == NULL)
    return NULL;
  scenario = get_scenario (self);
  if (scenario == NULL && self->next_steps->len == 0)
    return NULL;

  text = g_string_new (NULL);
  if (scenario != NULL)
    /* Translators: a line of the conversation summary */
    g_string_append_printf (text, _("Scenario: %s"), poise_scenario_get_title (scenario, self->language));
  else
    g_string_append (text, _("Scenario: none picked"));
  g_string_append_c (text, '\n');

  done = g_string_new (NULL);
  if (self->library != NULL)
    {
      GListModel *steps = poise_library_get_checklist (self->library);

      n_steps = g_list_model_get_n_items (steps);
      for (guint i = 0; i < n_steps; i++)
        {
          g_autoptr(PoiseChecklistStep) step = g_list_model_get_item (steps, i);

          if (!poise_conversation_get_step_done (self->conversation, poise_checklist_step_get_id (step)))
            continue;
          if (n_done++ > 0)
            g_string_append (done, _(", "));
          g_string_append (done, poise_checklist_step_get_title (step, self->language));
        }
    }
  /* Translators: a line of the conversation summary: "2 of 4: Acknowledge, Sympathise" */
  g_string_append_printf (text, _("ASAP steps done: %u of %u%s%s"), n_done, n_steps,
                          n_done > 0 ? _(": ") : "", done->str);
  g_string_append_c (text, '\n');

  if (self->next_steps->len > 0)
    {
      g_string_append (text, _("Promised:"));
      g_string_append_c (text, '\n');
      for (guint i = 0; i < self->next_steps->len; i++)
        {
          NextStep *step = g_ptr_array_index (self->next_steps, i);

          g_string_append_printf (text, "• %s\n", step->sentence);
        }
      {
        guint n_follow_ups = 0;

        for (guint i = 0; i < self->next_steps->len; i++)
          if (((NextStep *) g_ptr_array_index (self->next_steps, i))->uuid != NULL)
            n_follow_ups++;
        /* Translators: a line of the conversation summary */
        g_string_append_printf (text, ngettext ("%u follow-up created", "%u follow-ups created",
                                                n_follow_ups),
                                n_follow_ups);
        g_string_append_c (text, '\n');
      }
    }
  else
    {
      g_string_append (text, _("Promised: nothing yet"));
      g_string_append_c (text, '\n');
    }

  while (text->len > 0 && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
poise_reply_draft_clear (PoiseReplyDraft *self)
{
  g_return_if_fail (POISE_IS_REPLY_DRAFT (self));

  g_ptr_array_set_size (self->next_steps, 0);
  gtk_text_buffer_set_text (get_buffer (self), "", -1);
  check (self);
}

/* poise-summary-dialog.c: "Save Summary" when a conversation ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The summary becomes an ordinary note about the customer, so the next
 * colleague sees it in the customer panel, and team sync sends it to the
 * server with the other notes.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-note.h"
#include "poise-summary-dialog.h"
#include "poise-window.h"

struct _PoiseSummaryDialog
{
  AdwMessageDialog  parent_instance;

  PoiseStore       *store;
  char             *customer_ref;
  GtkTextView      *text_view;
};

G_DEFINE_FINAL_TYPE (PoiseSummaryDialog, poise_summary_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
poise_summary_dialog_response (AdwMessageDialog *dialog,
                               const char       *response)
{
  PoiseSummaryDialog *self = POISE_SUMMARY_DIALOG (dialog);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(PoiseNote) note = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  body = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (body);
  if (*body == '\0')
    return;

  note = poise_note_new ();
  poise_note_set_customer_ref (note, self->customer_ref);
  poise_note_set_body (note, body);
  if (!poise_store_save_note (self->store, note, &error))
    {
      if (POISE_IS_WINDOW (parent))
        poise_window_show_error (POISE_WINDOW (parent), _("Could not save the summary"), error->message);
      return;
    }
  if (POISE_IS_WINDOW (parent))
    poise_window_add_toast (POISE_WINDOW (parent), adw_toast_new (_("Summary saved to the customer’s notes")));
}

static void
poise_summary_dialog_finalize (GObject *object)
{
  PoiseSummaryDialog *self = POISE_SUMMARY_DIALOG (object);

  g_clear_object (&self->store);
  g_free (self->customer_ref);

  G_OBJECT_CLASS (poise_summary_dialog_parent_class)->finalize (object);
}

static void
poise_summary_dialog_class_init (PoiseSummaryDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_summary_dialog_finalize;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = poise_summary_dialog_response;
}

static void
poise_summary_dialog_init (PoiseSummaryDialog *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->text_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->text_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->text_view, 8);
  gtk_text_view_set_bottom_margin (self->text_view, 8);
  gtk_text_view_set_left_margin (self->text_view, 8);
  gtk_text_view_set_right_margin (self->text_view, 8);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Summary to save"),
                                  -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->text_view));
  gtk_widget_add_css_class (scroller, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), scroller);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Save a Summary?"));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "skip", _("_Skip"),
                                    "save", _("_Save Summary"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "skip");
}

PoiseSummaryDialog *
poise_summary_dialog_new (GtkWindow  *parent,
                          PoiseStore *store,
                          const char *customer_ref,
                          const char *summary)
{
  PoiseSummaryDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (POISE_IS_STORE (store), NULL);
  g_return_val_if_fail (customer_ref != NULL, NULL);

  self = g_object_new (POISE_TYPE_SUMMARY_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->customer_ref = g_strdup (customer_ref);
  /* Translators: %s is the customer reference */
  body = g_strdup_printf (_("For the notes about %s, where the team will see it. Edit it as you like."),
                          customer_ref);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), summary, -1);

  return self;
}

/**
 * poise_summary_dialog_get_buffer:
 *
 * Returns: (transfer none): the summary as it will be saved
 */
GtkTextBuffer *
poise_summary_dialog_get_buffer (PoiseSummaryDialog *self)
{
  g_return_val_if_fail (POISE_IS_SUMMARY_DIALOG (self), NULL);

  return gtk_text_view_get_buffer (self->text_view);
}

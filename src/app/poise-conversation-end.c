/* poise-conversation-end.c: what Poise offers when a conversation ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One dialog at a time: the summary first, then the pause.  They come up
 * from an idle callback so that the window's "New conversation started"
 * toast, with its Undo, is already there beneath them.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-conversation-end.h"
#include "poise-customer-panel.h"
#include "poise-pause-window.h"
#include "poise-summary-dialog.h"

typedef struct {
  PoiseWindow *window;
  PoiseStore  *store;
  char        *customer_ref;
  char        *summary;
  gboolean     offer_pause;
} Ending;

static void
ending_free (Ending *ending)
{
  g_clear_object (&ending->window);
  g_clear_object (&ending->store);
  g_free (ending->customer_ref);
  g_free (ending->summary);
  g_free (ending);
}

static void
on_pause_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      PoiseWindow      *window)
{
  if (g_strcmp0 (response, "pause") == 0)
    gtk_window_present (GTK_WINDOW (poise_pause_window_new (GTK_WINDOW (window))));
}

static void
offer_pause (PoiseWindow *window)
{
  AdwMessageDialog *dialog;

  /* Translators: %d is the number of minutes */
  g_autofree char *heading = g_strdup_printf (_("Take a %d-Minute Break?"), POISE_PAUSE_MINUTES);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window), heading,
                                                       _("That was a hard conversation. A few minutes away from the screen help before the next one.")));
  adw_message_dialog_add_responses (dialog,
                                    "later", _("_Not Now"),
                                    "pause", _("_Take a Break"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "pause", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "pause");
  adw_message_dialog_set_close_response (dialog, "later");
  gtk_widget_add_css_class (GTK_WIDGET (dialog), "pause-offer");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_pause_response_cb), window, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_summary_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  Ending *ending = user_data;

  /* Once: closing the dialog after a button may answer again. */
  g_signal_handlers_disconnect_by_func (dialog, on_summary_response_cb, ending);
  if (ending->offer_pause)
    offer_pause (ending->window);
  ending_free (ending);
}

static gboolean
offer_cb (gpointer user_data)
{
  Ending *ending = user_data;

  if (ending->summary != NULL)
    {
      PoiseSummaryDialog *dialog = poise_summary_dialog_new (GTK_WINDOW (ending->window), ending->store,
                                                             ending->customer_ref, ending->summary);

      g_signal_connect (dialog, "response", G_CALLBACK (on_summary_response_cb), ending);
      gtk_window_present (GTK_WINDOW (dialog));
      return G_SOURCE_REMOVE;
    }

  if (ending->offer_pause)
    offer_pause (ending->window);
  ending_free (ending);
  return G_SOURCE_REMOVE;
}

void
poise_conversation_end (PoiseWindow           *window,
                        PoiseApplication      *application,
                        PoiseConversationView *view)
{
  PoiseConversation *conversation = poise_application_get_conversation (application);
  PoiseLibrary *library = poise_application_get_library (application);
  PoiseStore *store = poise_application_get_store (application);
  PoiseReplyDraft *draft = poise_conversation_view_get_reply_draft (view);
  const char *scenario_id = poise_conversation_get_scenario_id (conversation);
  const char *ref = poise_conversation_get_value (conversation, POISE_CUSTOMER_REF_KEY);
  PoiseScenario *scenario = NULL;
  Ending *ending;

  g_return_if_fail (POISE_IS_WINDOW (window));

  if (library != NULL && scenario_id != NULL)
    scenario = poise_library_lookup_scenario (library, scenario_id);

  ending = g_new0 (Ending, 1);
  ending->window = g_object_ref (window);
  ending->customer_ref = g_strstrip (g_strdup (ref != NULL ? ref : ""));
  if (store != NULL && *ending->customer_ref != '\0')
    {
      ending->store = g_object_ref (store);
      ending->summary = poise_reply_draft_dup_summary (draft);
    }
  ending->offer_pause = scenario != NULL && poise_scenario_get_offer_pause (scenario) &&
                        g_settings_get_boolean (poise_application_get_settings (application), "offer-pause");

  poise_reply_draft_clear (draft);
  poise_message_analyzer_set_text (poise_conversation_view_get_message_analyzer (view), "");

  if (ending->summary == NULL && !ending->offer_pause)
    {
      ending_free (ending);
      return;
    }
  g_idle_add (offer_cb, ending);
}

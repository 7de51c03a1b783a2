/* poise-conversation-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-backup-button.h"
#include "poise-conversation.h"
#include "poise-customer-panel.h"
#include "poise-follow-up.h"
#include "poise-library.h"
#include "poise-message-analyzer.h"
#include "poise-reply-draft.h"

G_BEGIN_DECLS

#define POISE_TYPE_CONVERSATION_VIEW (poise_conversation_view_get_type ())
G_DECLARE_FINAL_TYPE (PoiseConversationView, poise_conversation_view, POISE, CONVERSATION_VIEW, GtkWidget)

/* @library may be NULL when it failed to load: the view then shows nothing to pick. */
void      poise_conversation_view_setup        (PoiseConversationView *self,
                                                PoiseLibrary          *library,
                                                PoiseConversation     *conversation,
                                                const char            *language);
/* Switches scripts; a removed scenario in use stays shown, marked so. */
void      poise_conversation_view_set_library  (PoiseConversationView *self,
                                                PoiseLibrary          *library);
gboolean  poise_conversation_view_get_showing_removed (PoiseConversationView *self);
void      poise_conversation_view_set_language (PoiseConversationView *self,
                                                const char            *language);
/* Rebuilds the fields from the conversation, after it was replaced wholesale. */
void      poise_conversation_view_reload       (PoiseConversationView *self);
/* Toggles ASAP step @number (1-based); FALSE if there is no such step. */
gboolean  poise_conversation_view_toggle_step  (PoiseConversationView *self,
                                                int                    number);
/* Moves the keyboard focus to the first checklist step. */
void      poise_conversation_view_focus_checklist (PoiseConversationView *self);
/* Copies the filled reply, asking first if blanks are still empty. */
void      poise_conversation_view_copy         (PoiseConversationView *self);
/* A new follow-up for the scenario's promise, prefilled from the blanks:
 * the customer's name, the order number, the promised date and time
 * (else in three hours). NULL without a scenario. */
PoiseFollowUp *poise_conversation_view_dup_follow_up (PoiseConversationView *self);
/* The filled reply as it would be copied; NULL without a scenario. */
char     *poise_conversation_view_dup_reply    (PoiseConversationView *self,
                                                GStrv                 *missing);
/* The customer reference entry and the team's notes and follow-ups for it. */
PoiseCustomerPanel *poise_conversation_view_get_customer_panel (PoiseConversationView *self);
/* The customer's message with its suggestions, and the agent's draft. */
PoiseMessageAnalyzer *poise_conversation_view_get_message_analyzer (PoiseConversationView *self);
PoiseReplyDraft      *poise_conversation_view_get_reply_draft      (PoiseConversationView *self);
PoiseBackupButton    *poise_conversation_view_get_backup_button    (PoiseConversationView *self);

G_END_DECLS

/* poise-message-analyzer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-conversation.h"
#include "poise-library.h"
#include "poise-suggest.h"

G_BEGIN_DECLS

#define POISE_TYPE_MESSAGE_ANALYZER (poise_message_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (PoiseMessageAnalyzer, poise_message_analyzer, POISE, MESSAGE_ANALYZER, GtkWidget)

/* @library may be NULL (then nothing is suggested). */
void        poise_message_analyzer_setup        (PoiseMessageAnalyzer *self,
                                                 PoiseLibrary         *library,
                                                 PoiseConversation    *conversation,
                                                 const char           *language);
void        poise_message_analyzer_set_language (PoiseMessageAnalyzer *self,
                                                 const char           *language);
/* Replaces the message and analyses it at once. */
void        poise_message_analyzer_set_text     (PoiseMessageAnalyzer *self,
                                                 const char           *text);
/* Replaces the message with the clipboard's text, then analyses it. */
void        poise_message_analyzer_paste        (PoiseMessageAnalyzer *self);
/* The best (at most three) PoiseSuggestions, safety scenarios first. */
GListModel *poise_message_analyzer_get_suggestions (PoiseMessageAnalyzer *self);
/* The last estimate; NULL before a message was analysed. */
const PoiseHeat *poise_message_analyzer_get_heat (PoiseMessageAnalyzer *self);
/* "Angry: capitals, legal words" in the UI language (the heat label). */
char       *poise_message_analyzer_dup_heat_text (PoiseMessageAnalyzer *self);

G_END_DECLS

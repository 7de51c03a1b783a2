/* poise-conversation-end.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-conversation-view.h"
#include "poise-window.h"

G_BEGIN_DECLS

/* Before a conversation is started over: offers its summary as a note for
 * the customer (with a customer reference and a store), then a pause after
 * a scenario with offer_pause (unless the offer-pause setting is off), and
 * empties the customer's message and the reply draft.  The dialogs come
 * up once the caller has returned. */
void poise_conversation_end (PoiseWindow           *window,
                             PoiseApplication      *application,
                             PoiseConversationView *view);

G_END_DECLS

/* poise-reply-draft.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-conversation.h"
#include "poise-draft-check.h"
#include "poise-library.h"
#include "poise-store.h"

G_BEGIN_DECLS

#define POISE_TYPE_REPLY_DRAFT (poise_reply_draft_get_type ())
G_DECLARE_FINAL_TYPE (PoiseReplyDraft, poise_reply_draft, POISE, REPLY_DRAFT, GtkWidget)

/* @library and @store may be NULL (nothing is checked / no follow-ups). */
void              poise_reply_draft_setup        (PoiseReplyDraft   *self,
                                                  PoiseLibrary      *library,
                                                  PoiseConversation *conversation,
                                                  PoiseStore        *store,
                                                  const char        *language);
void              poise_reply_draft_set_language (PoiseReplyDraft   *self,
                                                  const char        *language);
GtkTextBuffer    *poise_reply_draft_get_buffer   (PoiseReplyDraft   *self);
/* Checks the draft now (rather than after the typing pause) and returns
 * the report (transfer none; NULL without a library). */
PoiseDraftReport *poise_reply_draft_check_now    (PoiseReplyDraft   *self);
/* Replaces the @index-th phrase to avoid with its better wording, as one
 * undoable step.  FALSE if there is no such issue. */
gboolean          poise_reply_draft_replace_issue (PoiseReplyDraft  *self,
                                                   guint             index);
/* "Here is what I will do: @action by …" in the script language, into the
 * draft, plus a follow-up due at @due in the store; the toast undoes both.
 * Returns the new follow-up's uuid (NULL without a store: then only the
 * sentence is inserted). */
char             *poise_reply_draft_add_next_step (PoiseReplyDraft  *self,
                                                   const char       *action,
                                                   GDateTime        *due);
/* The sentence alone, for @language ("de" or "en"). */
char             *poise_reply_draft_format_next_step (const char    *language,
                                                      const char    *action,
                                                      GDateTime     *due,
                                                      GDateTime     *now);
/* A note about the conversation ending now (scenario, steps done, promises,
 * follow-ups) in the UI language; NULL when there is nothing to tell. */
char             *poise_reply_draft_dup_summary  (PoiseReplyDraft   *self);
/* Empties the draft and forgets the promises, for a new conversation. */
void              poise_reply_draft_clear        (PoiseReplyDraft   *self);

G_END_DECLS

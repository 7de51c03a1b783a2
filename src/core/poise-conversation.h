/* poise-conversation.h: the conversation in progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scenario picked, the ASAP steps ticked and the placeholder values.
 * Plain data, independent of any library, so swapping libraries never
 * disturbs it.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define POISE_TYPE_CONVERSATION (poise_conversation_get_type ())
G_DECLARE_FINAL_TYPE (PoiseConversation, poise_conversation, POISE, CONVERSATION, GObject)

PoiseConversation *poise_conversation_new            (void);
/* Properties: "scenario-id" (nullable string), "started-at" (GDateTime, UTC). */
const char        *poise_conversation_get_scenario_id (PoiseConversation *self);
void               poise_conversation_set_scenario_id (PoiseConversation *self,
                                                       const char        *scenario_id);
GDateTime         *poise_conversation_get_started_at  (PoiseConversation *self);
gboolean           poise_conversation_get_step_done   (PoiseConversation *self,
                                                       const char        *step_id);
void               poise_conversation_set_step_done   (PoiseConversation *self,
                                                       const char        *step_id,
                                                       gboolean           done);
/* id → value; the table is owned by the conversation, read-only. */
GHashTable        *poise_conversation_get_values      (PoiseConversation *self);
/* Nullable. */
const char        *poise_conversation_get_value       (PoiseConversation *self,
                                                       const char        *placeholder_id);
/* NULL or "" clears it. */
void               poise_conversation_set_value       (PoiseConversation *self,
                                                       const char        *placeholder_id,
                                                       const char        *value);
/* Clears steps and values and the scenario; new started-at. */
void               poise_conversation_reset           (PoiseConversation *self);

/* Emitted once per change of anything above (after notify). */
/* signal "changed" (PoiseConversation *self) */

JsonNode          *poise_conversation_to_json         (PoiseConversation *self);
/* Tolerant: unknown fields ignored; wrong types → error, nothing changed. */
gboolean           poise_conversation_load_json       (PoiseConversation *self,
                                                       JsonNode          *node,
                                                       GError           **error);
/* Atomic (write to a temporary file, then rename). */
gboolean           poise_conversation_save_to_file    (PoiseConversation *self,
                                                       const char        *path,
                                                       GError           **error);
/* A missing file is not an error: the conversation stays empty. A damaged
 * one is an error and is left in place untouched. */
gboolean           poise_conversation_load_from_file  (PoiseConversation *self,
                                                       const char        *path,
                                                       GError           **error);

G_END_DECLS

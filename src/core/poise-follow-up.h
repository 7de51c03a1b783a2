/* poise-follow-up.h: a promise made to a customer, with a due time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * PoiseChannel:
 * @POISE_CHANNEL_CALL: the agent calls the customer back
 * @POISE_CHANNEL_EMAIL: the agent writes an email
 * @POISE_CHANNEL_CHAT: the agent answers in the chat
 *
 * How the agent will get back to the customer.
 */
typedef enum {
  POISE_CHANNEL_CALL,
  POISE_CHANNEL_EMAIL,
  POISE_CHANNEL_CHAT,
} PoiseChannel;

/**
 * PoiseFollowUpStatus:
 * @POISE_FOLLOW_UP_STATUS_OPEN: still to be done; reminders fire
 * @POISE_FOLLOW_UP_STATUS_DONE: the promise was kept
 * @POISE_FOLLOW_UP_STATUS_CANCELLED: no longer needed (e.g. the customer replied)
 */
typedef enum {
  POISE_FOLLOW_UP_STATUS_OPEN,
  POISE_FOLLOW_UP_STATUS_DONE,
  POISE_FOLLOW_UP_STATUS_CANCELLED,
} PoiseFollowUpStatus;

#define POISE_TYPE_FOLLOW_UP (poise_follow_up_get_type ())
G_DECLARE_FINAL_TYPE (PoiseFollowUp, poise_follow_up, POISE, FOLLOW_UP, GObject)

/* Stable names used in the database and in JSON ("call", "open", …). */
const char          *poise_channel_to_string            (PoiseChannel         channel);
gboolean             poise_channel_from_string          (const char          *text,
                                                         PoiseChannel        *channel);
const char          *poise_follow_up_status_to_string   (PoiseFollowUpStatus  status);
gboolean             poise_follow_up_status_from_string (const char          *text,
                                                         PoiseFollowUpStatus *status);

PoiseFollowUp       *poise_follow_up_new                (void);
PoiseFollowUp       *poise_follow_up_copy               (PoiseFollowUp       *self);

const char          *poise_follow_up_get_uuid           (PoiseFollowUp       *self);
const char          *poise_follow_up_get_customer_name  (PoiseFollowUp       *self);
void                 poise_follow_up_set_customer_name  (PoiseFollowUp       *self,
                                                         const char          *customer_name);
const char          *poise_follow_up_get_customer_ref   (PoiseFollowUp       *self);
void                 poise_follow_up_set_customer_ref   (PoiseFollowUp       *self,
                                                         const char          *customer_ref);
const char          *poise_follow_up_get_contact        (PoiseFollowUp       *self);
void                 poise_follow_up_set_contact        (PoiseFollowUp       *self,
                                                         const char          *contact);
PoiseChannel         poise_follow_up_get_channel        (PoiseFollowUp       *self);
void                 poise_follow_up_set_channel        (PoiseFollowUp       *self,
                                                         PoiseChannel         channel);
const char          *poise_follow_up_get_promise        (PoiseFollowUp       *self);
void                 poise_follow_up_set_promise        (PoiseFollowUp       *self,
                                                         const char          *promise);
GDateTime           *poise_follow_up_get_due_at         (PoiseFollowUp       *self);
void                 poise_follow_up_set_due_at         (PoiseFollowUp       *self,
                                                         GDateTime           *due_at);
gboolean             poise_follow_up_get_cancel_on_reply (PoiseFollowUp      *self);
void                 poise_follow_up_set_cancel_on_reply (PoiseFollowUp      *self,
                                                          gboolean            cancel_on_reply);
PoiseFollowUpStatus  poise_follow_up_get_status         (PoiseFollowUp       *self);
void                 poise_follow_up_set_status         (PoiseFollowUp       *self,
                                                         PoiseFollowUpStatus  status);
GDateTime           *poise_follow_up_get_created_at     (PoiseFollowUp       *self);
void                 poise_follow_up_set_created_at     (PoiseFollowUp       *self,
                                                         GDateTime           *created_at);
GDateTime           *poise_follow_up_get_updated_at     (PoiseFollowUp       *self);
void                 poise_follow_up_set_updated_at     (PoiseFollowUp       *self,
                                                         GDateTime           *updated_at);
const char          *poise_follow_up_get_note           (PoiseFollowUp       *self);
void                 poise_follow_up_set_note           (PoiseFollowUp       *self,
                                                         const char          *note);
const char          *poise_follow_up_get_assignee       (PoiseFollowUp       *self);
void                 poise_follow_up_set_assignee       (PoiseFollowUp       *self,
                                                         const char          *assignee);
/* The server's fields (docs/sync.md); rev 0 = never synced. */
gint64               poise_follow_up_get_rev            (PoiseFollowUp       *self);
void                 poise_follow_up_set_rev            (PoiseFollowUp       *self,
                                                         gint64               rev);
const char          *poise_follow_up_get_author         (PoiseFollowUp       *self);
void                 poise_follow_up_set_author         (PoiseFollowUp       *self,
                                                         const char          *author);
const char          *poise_follow_up_get_updated_by     (PoiseFollowUp       *self);
void                 poise_follow_up_set_updated_by     (PoiseFollowUp       *self,
                                                         const char          *updated_by);
/* Same content (every field but the server's and updated_at). */
gboolean             poise_follow_up_content_equal      (PoiseFollowUp       *a,
                                                         PoiseFollowUp       *b);

JsonNode            *poise_follow_up_to_json            (PoiseFollowUp       *self);
PoiseFollowUp       *poise_follow_up_new_from_json      (JsonNode            *node,
                                                         GError             **error);

G_END_DECLS

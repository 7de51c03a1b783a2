/* poise-store-sync.h: what the sync client asks of the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each call is one transaction (docs/sync.md, "The client's store").  The
 * records passed in come from the network: the caller has parsed them with
 * the JSON guard; the store checks every field before it writes anything.
 */
#pragma once

#include "poise-store.h"

G_BEGIN_DECLS

#define POISE_SYNC_KIND_NOTE      "note"
#define POISE_SYNC_KIND_FOLLOW_UP "followup"

/**
 * PoiseOutboxEntry:
 * @kind: %POISE_SYNC_KIND_NOTE or %POISE_SYNC_KIND_FOLLOW_UP
 * @uuid: the record
 * @idempotency_key: the Idempotency-Key header for this push
 * @generation: the outbox row's change count when read (see settle)
 * @base_rev: `If-Match` this; 0 = no base, send `If-None-Match: *`
 * @record: (nullable): the local record to PUT; %NULL = DELETE it
 */
typedef struct {
  char     *kind;
  char     *uuid;
  char     *idempotency_key;
  gint64    generation;
  gint64    base_rev;
  JsonNode *record;
} PoiseOutboxEntry;

void        poise_outbox_entry_free       (PoiseOutboxEntry  *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseOutboxEntry, poise_outbox_entry_free)

/* Outbox rows (records with local changes not yet on the server). */
guint       poise_store_get_pending       (PoiseStore        *self);

/* Up to @limit entries to push, oldest first; marks them attempted (a later
 * local edit then gets a new idempotency key).  Deletions of records the
 * server never had are dropped here instead of returned. */
GPtrArray  *poise_store_take_outbox       (PoiseStore        *self,
                                           guint              limit,
                                           GError           **error);

/* After a 2xx: @response is the stored record or tombstone.  base := it,
 * the local row gets the server's fields, and the outbox row goes unless
 * the record changed again since it was taken. */
gboolean    poise_store_settle_push       (PoiseStore        *self,
                                           PoiseOutboxEntry  *entry,
                                           JsonNode          *response,
                                           GError           **error);

/* After a 412: merges (base, local, @current), stores the result with
 * base := @current and a new idempotency key; push again if
 * poise_store_get_pending() says so. */
gboolean    poise_store_rebase_push       (PoiseStore        *self,
                                           PoiseOutboxEntry  *entry,
                                           JsonNode          *current,
                                           GError           **error);

/* After a 403 for a note: the local text becomes a conflicted copy of the
 * agent's own and the note goes back to the server's copy.  FALSE (and no
 * error) for follow-ups, which stay queued. */
gboolean    poise_store_refuse_push       (PoiseStore        *self,
                                           PoiseOutboxEntry  *entry,
                                           GError           **error);

/**
 * PoiseDeletionsPolicy:
 * @POISE_DELETIONS_ASK: a page that would delete more than 10 % of at
 *   least 10 local records fails with %POISE_STORE_ERROR_TOO_MANY_DELETIONS
 *   (@n_deletions / @n_local set) and applies nothing
 * @POISE_DELETIONS_APPLY: the agent agreed: delete
 * @POISE_DELETIONS_KEEP: the agent refused: keep the local records and
 *   queue them, which revives them on the server
 */
typedef enum {
  POISE_DELETIONS_ASK,
  POISE_DELETIONS_APPLY,
  POISE_DELETIONS_KEEP,
} PoiseDeletionsPolicy;

/* Applies a page of the change feed (the "changes" array) and moves the
 * cursor to @last_seq, all in one transaction. */
gboolean    poise_store_apply_changes     (PoiseStore        *self,
                                           JsonArray         *changes,
                                           gint64             last_seq,
                                           PoiseDeletionsPolicy deletions_policy,
                                           guint             *n_deletions,
                                           guint             *n_local,
                                           GError           **error);

gint64      poise_store_get_cursor        (PoiseStore        *self);

/* Call with the server's epoch before pushing or pulling.  A different
 * epoch than last time (or the first sync) never deletes anything: the
 * cursor goes back to 0, the bases are cleared and every local record is
 * queued for upload; @reset says whether that happened. */
gboolean    poise_store_check_epoch       (PoiseStore        *self,
                                           const char        *server,
                                           const char        *epoch,
                                           gboolean          *reset,
                                           GError           **error);

G_END_DECLS

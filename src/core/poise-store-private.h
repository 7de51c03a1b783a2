/* poise-store-private.h: what the store's files share (not for the app)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PoiseStore spans poise-store.c (opening, follow-ups, state),
 * poise-store-notes.c (notes) and poise-store-sync.c (what the sync client
 * calls).  They share the connection and these helpers.
 */
#pragma once

#include <sqlite3.h>

#include "poise-store.h"

G_BEGIN_DECLS

struct _PoiseStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text (static) → sqlite3_stmt */
  int         schema_version;
  char       *owner;        /* the signed-in user, or NULL for everyone */
};

/* The kinds of records, as the protocol and the outbox name them. */
#define POISE_KIND_NOTE      "note"
#define POISE_KIND_FOLLOW_UP "followup"

#define FOLLOW_UP_COLUMNS \
  "uuid, customer_name, customer_ref, contact, channel, promise, due_at, " \
  "cancel_on_reply, status, created_at, updated_at, note, assignee, " \
  "rev, author, updated_by"

gboolean       _poise_store_set_sqlite_error (PoiseStore     *self,
                                              GError        **error,
                                              const char     *what);
sqlite3_stmt  *_poise_store_get_statement    (PoiseStore     *self,
                                              const char     *sql,
                                              GError        **error);
gboolean       _poise_store_begin            (PoiseStore     *self,
                                              GError        **error);
gboolean       _poise_store_commit           (PoiseStore     *self,
                                              GError        **error);
void           _poise_store_rollback         (PoiseStore     *self);
void           _poise_store_bind_text        (sqlite3_stmt   *stmt,
                                              int             index,
                                              const char     *text);
void           _poise_store_bind_time        (sqlite3_stmt   *stmt,
                                              int             index,
                                              GDateTime      *time);
void           _poise_store_bind_follow_up   (sqlite3_stmt   *stmt,
                                              PoiseFollowUp  *follow_up);
PoiseFollowUp *_poise_store_read_follow_up   (sqlite3_stmt   *stmt);
GListStore    *_poise_store_collect          (PoiseStore     *self,
                                              sqlite3_stmt   *stmt,
                                              GError        **error);
PoiseFollowUp *_poise_store_select_one       (PoiseStore     *self,
                                              const char     *uuid,
                                              GError        **error);
void           _poise_store_emit_changed     (PoiseStore     *self,
                                              const char     *uuid);
void           _poise_store_emit_note_changed (PoiseStore    *self,
                                               const char    *uuid);

/* Steps a bound write statement and resets it; FALSE with @error on failure. */
gboolean       _poise_store_step_write       (PoiseStore     *self,
                                              sqlite3_stmt   *stmt,
                                              const char     *what,
                                              GError        **error);

/* Inside a transaction: records that @uuid has a local change to push.
 * A second change keeps the row; one already attempted gets a new
 * idempotency key (the server may have stored the earlier content). */
gboolean       _poise_store_queue            (PoiseStore     *self,
                                              const char     *kind,
                                              const char     *uuid,
                                              GError        **error);

/* Inside a transaction: insert or replace a follow-up row as it is,
 * server fields included (the sync writes what the server sent). */
gboolean       _poise_store_put_follow_up    (PoiseStore     *self,
                                              PoiseFollowUp  *follow_up,
                                              GError        **error);
gboolean       _poise_store_remove_row       (PoiseStore     *self,
                                              const char     *kind,
                                              const char     *uuid,
                                              GError        **error);

/* Notes, inside a transaction (poise-store-notes.c). */
PoiseNote     *_poise_store_select_note      (PoiseStore     *self,
                                              const char     *uuid,
                                              GError        **error);
gboolean       _poise_store_put_note         (PoiseStore     *self,
                                              PoiseNote      *note,
                                              GError        **error);

G_END_DECLS

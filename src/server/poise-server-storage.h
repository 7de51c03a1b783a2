/* poise-server-storage.h: the team server's records, users and change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one interface the HTTP layer talks to, so that another backend
 * (PostgreSQL) can be added later behind the same calls.  SQLite now.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define POISE_SERVER_MAX_BATCH 256

typedef struct {
  char *name;
  char *role;
} PoiseServerUser;

void poise_server_user_free (PoiseServerUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseServerUser, poise_server_user_free)

/* One write (PUT or DELETE) as the HTTP layer has checked it. */
typedef struct {
  char       *kind;            /* "note" or "followup" */
  char       *uuid;
  char       *user;
  gboolean    supervisor;
  char       *idempotency_key;
  gboolean    is_delete;
  gboolean    if_none_match;   /* If-None-Match: * */
  gint64      if_match;        /* If-Match rev, or -1 */
  JsonObject *record;          /* PUT: the checked record without server fields (owned) */
  char       *assignee;        /* follow-ups: the new assignee, or NULL */
} PoiseServerWrite;

typedef struct {
  guint   status;
  gint64  rev;                 /* for the ETag; 0 for none */
  char   *body;                /* the JSON answer */
  gint64  seq;                 /* the change this write made, 0 for none */
} PoiseServerWriteResult;

void poise_server_write_free (PoiseServerWrite *write);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseServerWrite, poise_server_write_free)

/* Called on the storage's main context once the write is committed (or
 * refused); @result is only valid during the call. */
typedef void (*PoiseServerWriteFunc) (const PoiseServerWriteResult *result,
                                      gpointer                      user_data);

/* Called on the main context once per committed batch. */
typedef void (*PoiseServerCommittedFunc) (gint64   last_seq,
                                          gpointer user_data);

#define POISE_TYPE_SERVER_STORAGE (poise_server_storage_get_type ())
G_DECLARE_FINAL_TYPE (PoiseServerStorage, poise_server_storage, POISE, SERVER_STORAGE, GObject)

PoiseServerStorage *poise_server_storage_open             (const char          *path,
                                                           GError             **error);
const char         *poise_server_storage_get_epoch        (PoiseServerStorage  *self);

/* Accounts (the command line; synchronous).  Tokens are returned once. */
char               *poise_server_storage_add_user         (PoiseServerStorage  *self,
                                                           const char          *name,
                                                           const char          *role,
                                                           GError             **error);
char               *poise_server_storage_reset_token      (PoiseServerStorage  *self,
                                                           const char          *name,
                                                           GError             **error);
gboolean            poise_server_storage_remove_user      (PoiseServerStorage  *self,
                                                           const char          *name,
                                                           GError             **error);
GPtrArray          *poise_server_storage_list_users       (PoiseServerStorage  *self,
                                                           GError             **error);
gboolean            poise_server_storage_backup           (PoiseServerStorage  *self,
                                                           const char          *out_path,
                                                           GError             **error);

/* Reads (main thread, a read connection of their own). */
PoiseServerUser    *poise_server_storage_authenticate     (PoiseServerStorage  *self,
                                                           const char          *token);
gboolean            poise_server_storage_get_record       (PoiseServerStorage  *self,
                                                           const char          *kind,
                                                           const char          *uuid,
                                                           gint64              *rev,
                                                           gboolean            *deleted,
                                                           char               **record);
char               *poise_server_storage_get_changes      (PoiseServerStorage  *self,
                                                           gint64               since,
                                                           guint                limit,
                                                           GError             **error);

/* Writes: queued to the writer thread, committed in groups. */
void                poise_server_storage_start_writer     (PoiseServerStorage  *self,
                                                           PoiseServerCommittedFunc committed,
                                                           gpointer             user_data);
void                poise_server_storage_write            (PoiseServerStorage  *self,
                                                           PoiseServerWrite    *write,
                                                           PoiseServerWriteFunc callback,
                                                           gpointer             user_data);
void                poise_server_storage_stop_writer      (PoiseServerStorage  *self);

/* Helpers shared with the HTTP layer. */
gboolean            poise_server_user_name_is_valid       (const char          *name);
char               *poise_server_error_json               (const char          *code,
                                                           const char          *message,
                                                           const char          *current);

G_END_DECLS

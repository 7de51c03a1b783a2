/* poise-store.h: the local SQLite store (follow-ups, app state)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "poise-follow-up.h"
#include "poise-note.h"

G_BEGIN_DECLS

#define POISE_STORE_ERROR (poise_store_error_quark ())

/**
 * PoiseStoreError:
 * @POISE_STORE_ERROR_OPEN: the file could not be opened or created
 * @POISE_STORE_ERROR_DAMAGED: the file is not a database or fails its check
 * @POISE_STORE_ERROR_TOO_NEW: written by a newer Poise; left untouched
 * @POISE_STORE_ERROR_NOT_FOUND: no follow-up with that UUID
 * @POISE_STORE_ERROR_EXISTS: a follow-up with that UUID exists already
 * @POISE_STORE_ERROR_FAILED: a read or write failed (disk full, I/O, …)
 * @POISE_STORE_ERROR_TOO_MANY_DELETIONS: a pulled batch would delete more
 *   than 10 % of the local records; nothing was applied (ask the agent)
 */
typedef enum {
  POISE_STORE_ERROR_OPEN,
  POISE_STORE_ERROR_DAMAGED,
  POISE_STORE_ERROR_TOO_NEW,
  POISE_STORE_ERROR_NOT_FOUND,
  POISE_STORE_ERROR_EXISTS,
  POISE_STORE_ERROR_FAILED,
  POISE_STORE_ERROR_TOO_MANY_DELETIONS,
} PoiseStoreError;

/* The schema version this Poise writes (PRAGMA user_version). */
#define POISE_STORE_SCHEMA_VERSION 3

#define POISE_TYPE_STORE (poise_store_get_type ())
G_DECLARE_FINAL_TYPE (PoiseStore, poise_store, POISE, STORE, GObject)

GQuark      poise_store_error_quark             (void);

PoiseStore *poise_store_new                     (const char          *path,
                                                 GError             **error);
const char *poise_store_get_path                (PoiseStore          *self);
int         poise_store_get_schema_version      (PoiseStore          *self);

/* Writes: each one is a transaction and returns after its COMMIT. */
gboolean    poise_store_insert_follow_up        (PoiseStore          *self,
                                                 PoiseFollowUp       *follow_up,
                                                 GError             **error);
gboolean    poise_store_insert_follow_ups       (PoiseStore          *self,
                                                 GPtrArray           *follow_ups,
                                                 GError             **error);
gboolean    poise_store_update_follow_up        (PoiseStore          *self,
                                                 PoiseFollowUp       *follow_up,
                                                 GError             **error);
PoiseFollowUp *poise_store_delete_follow_up     (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GError             **error);
gboolean    poise_store_restore_follow_up       (PoiseStore          *self,
                                                 PoiseFollowUp       *follow_up,
                                                 GError             **error);
gboolean    poise_store_mark_done               (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GError             **error);
gboolean    poise_store_snooze                  (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GDateTime           *due_at,
                                                 GError             **error);

/* Reads. */
PoiseFollowUp *poise_store_get_follow_up        (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GError             **error);
GListStore *poise_store_list_follow_ups         (PoiseStore          *self,
                                                 GError             **error);
GListStore *poise_store_list_by_status          (PoiseStore          *self,
                                                 PoiseFollowUpStatus  status,
                                                 GError             **error);
GListStore *poise_store_list_open_due_before    (PoiseStore          *self,
                                                 GDateTime           *until,
                                                 GError             **error);
GListStore *poise_store_search_follow_ups       (PoiseStore          *self,
                                                 const char          *text,
                                                 GError             **error);
gboolean    poise_store_count_open_due          (PoiseStore          *self,
                                                 GDateTime           *until,
                                                 guint               *count,
                                                 GError             **error);
gboolean    poise_store_get_next_due            (PoiseStore          *self,
                                                 GDateTime           *after,
                                                 GDateTime          **next_due,
                                                 GError             **error);

GListStore *poise_store_list_open_follow_ups_for (PoiseStore       *self,
                                                  const char       *customer_ref,
                                                  GError          **error);

/* The signed-in user (NULL = everyone): the follow-up lists above, except
 * poise_store_list_open_follow_ups_for(), show only theirs. */
void        poise_store_set_owner               (PoiseStore          *self,
                                                 const char          *user_name);
const char *poise_store_get_owner               (PoiseStore          *self);

/* Notes (poise-store-notes.c).  Writes are one transaction each, queue the
 * change for the team and emit "note-changed" after the COMMIT. */
gboolean    poise_store_save_note               (PoiseStore          *self,
                                                 PoiseNote           *note,
                                                 GError             **error);
PoiseNote  *poise_store_delete_note             (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GError             **error);
gboolean    poise_store_restore_note            (PoiseStore          *self,
                                                 PoiseNote           *note,
                                                 GError             **error);
PoiseNote  *poise_store_get_note                (PoiseStore          *self,
                                                 const char          *uuid,
                                                 GError             **error);
GListStore *poise_store_list_notes              (PoiseStore          *self,
                                                 const char          *customer_ref,
                                                 GError             **error);
GListStore *poise_store_search_notes            (PoiseStore          *self,
                                                 const char          *text,
                                                 GError             **error);

/* App state, e.g. the conversation in progress, as JSON by key. */
JsonNode   *poise_store_get_state               (PoiseStore          *self,
                                                 const char          *key,
                                                 GError             **error);
gboolean    poise_store_set_state               (PoiseStore          *self,
                                                 const char          *key,
                                                 JsonNode            *value,
                                                 GError             **error);

/* signal "changed" (PoiseStore *self, const char *uuid): after the COMMIT of
 * any follow-up write, local or from the team's server.  uuid is NULL when
 * the owner changed or a sync page changed more than 50 at once: re-read
 * everything.
 * signal "note-changed" (PoiseStore *self, const char *uuid): the same for
 * notes (NULL: more than 50 at once). */

G_END_DECLS

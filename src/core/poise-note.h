/* poise-note.h: a note about a customer, shared with the team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Limits from docs/sync.md ("Records"), in bytes. */
#define POISE_NOTE_MAX_CUSTOMER_REF 256
#define POISE_NOTE_MAX_BODY         (64 * 1024)
#define POISE_NOTE_MAX_TAGS         32
#define POISE_NOTE_MAX_TAG          64

#define POISE_TYPE_NOTE (poise_note_get_type ())
G_DECLARE_FINAL_TYPE (PoiseNote, poise_note, POISE, NOTE, GObject)

PoiseNote          *poise_note_new              (void);
PoiseNote          *poise_note_copy             (PoiseNote     *self);

const char         *poise_note_get_uuid         (PoiseNote     *self);
const char         *poise_note_get_customer_ref (PoiseNote     *self);
void                poise_note_set_customer_ref (PoiseNote     *self,
                                                 const char    *customer_ref);
const char         *poise_note_get_body         (PoiseNote     *self);
void                poise_note_set_body         (PoiseNote     *self,
                                                 const char    *body);
const char * const *poise_note_get_tags         (PoiseNote     *self);
void                poise_note_set_tags         (PoiseNote     *self,
                                                 const char * const *tags);
const char         *poise_note_get_conflict_of  (PoiseNote     *self);
void                poise_note_set_conflict_of  (PoiseNote     *self,
                                                 const char    *conflict_of);
GDateTime          *poise_note_get_created_at   (PoiseNote     *self);
void                poise_note_set_created_at   (PoiseNote     *self,
                                                 GDateTime     *created_at);
GDateTime          *poise_note_get_updated_at   (PoiseNote     *self);
void                poise_note_set_updated_at   (PoiseNote     *self,
                                                 GDateTime     *updated_at);
gint64              poise_note_get_rev          (PoiseNote     *self);
void                poise_note_set_rev          (PoiseNote     *self,
                                                 gint64         rev);
const char         *poise_note_get_author       (PoiseNote     *self);
void                poise_note_set_author       (PoiseNote     *self,
                                                 const char    *author);
const char         *poise_note_get_updated_by   (PoiseNote     *self);
void                poise_note_set_updated_by   (PoiseNote     *self,
                                                 const char    *updated_by);

/* Same content (every field but the server's rev/author/updated_by/updated_at). */
gboolean            poise_note_content_equal    (PoiseNote     *a,
                                                 PoiseNote     *b);

JsonNode           *poise_note_to_json          (PoiseNote     *self);
PoiseNote          *poise_note_new_from_json    (JsonNode      *node,
                                                 GError       **error);

G_END_DECLS

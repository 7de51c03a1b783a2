/* poise-record-check.h: field-by-field checks of records sent to the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define POISE_NOTE_MAX_BODY         (64 * 1024)
#define POISE_NOTE_MAX_CUSTOMER_REF 256
#define POISE_NOTE_MAX_TAGS         32
#define POISE_NOTE_MAX_TAG          64

/* Each returns the record as it will be stored, without the server's
 * fields (rev, author, updated_by, updated_at), or %NULL after appending
 * every problem to @problems as "field: what is wrong; …".  @uuid is the
 * URL's; a "uuid" in the body must match it. */
JsonObject *poise_record_check_note     (JsonNode   *root,
                                         const char *uuid,
                                         GString    *problems);
JsonObject *poise_record_check_followup (JsonNode   *root,
                                         const char *uuid,
                                         GString    *problems);

G_END_DECLS

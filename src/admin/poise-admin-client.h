/* poise-admin-client.h: poise-admin's requests to poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "poise-admin.h"

G_BEGIN_DECLS

typedef struct _PoiseAdminClient PoiseAdminClient;

/* NULL (after saying why on stderr) without --server or a token;
 * *exit_status is then set. */
PoiseAdminClient *poise_admin_client_new   (const PoiseAdminOptions *options,
                                            int                     *exit_status);
void              poise_admin_client_free  (PoiseAdminClient        *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseAdminClient, poise_admin_client_free)

/* Sends @method @path (under /api/v1) with @body (nullable JSON).  On
 * @expected it returns the body (and the response headers if asked);
 * otherwise it prints what went wrong and what to do, sets *exit_status
 * and returns NULL. */
GBytes           *poise_admin_client_send  (PoiseAdminClient        *self,
                                            const char              *method,
                                            const char              *path,
                                            GBytes                  *body,
                                            guint                    expected,
                                            SoupMessageHeaders     **headers,
                                            int                     *exit_status);

/* Parses a server answer with the JSON guard; NULL (after a message,
 * *exit_status = PROTOCOL) if it is not JSON. */
JsonNode         *poise_admin_client_parse (PoiseAdminClient        *self,
                                            GBytes                  *bytes,
                                            int                     *exit_status);
/* Reports a well-formed answer of the wrong shape. */
int               poise_admin_client_garbled (PoiseAdminClient      *self);

/* The newest version on the server, or -1 after a message. */
gint64            poise_admin_client_current_version (PoiseAdminClient *self,
                                                      int              *exit_status);

/* A member of the type asked for, else @fallback / NULL: answers are not
 * trusted to have the right shape. */
gint64            poise_admin_json_int    (JsonObject *object,
                                           const char *member,
                                           gint64      fallback);
const char       *poise_admin_json_string (JsonObject *object,
                                           const char *member);

G_END_DECLS

/* poise-credentials.h: the team server's token, kept by the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GObject of its own: three async calls over libsecret, keyed by the
 * server's URL (schema "io.github.poisedesk.Poise.Token", attribute
 * "server"), so a token never lands in a plain file or in GSettings.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     poise_credentials_store_async   (const char           *server_url,
                                          const char           *token,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean poise_credentials_store_finish  (GAsyncResult         *result,
                                          GError              **error);

void     poise_credentials_lookup_async  (const char           *server_url,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* Returns: (transfer full) (nullable): the token, or %NULL with no error
 * when none is stored for that server. */
char    *poise_credentials_lookup_finish (GAsyncResult         *result,
                                          GError              **error);

/* Forgets the token of @server_url; succeeds when there was none. */
void     poise_credentials_clear_async   (const char           *server_url,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean poise_credentials_clear_finish  (GAsyncResult         *result,
                                          GError              **error);

G_END_DECLS

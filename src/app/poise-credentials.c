/* poise-credentials.c: the team server's token, kept by the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "poise-credentials.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.poisedesk.Poise.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* The login keyring in real use. POISE_SECRET_COLLECTION=session (tests
 * only, see docs/ARCHITECTURE.md) keeps the secret in the Secret Service's
 * session collection instead, which needs no unlock prompt: the same code
 * path and the same service, just a collection that forgets on logout. */
static const char *
get_collection (void)
{
  const char *choice = g_getenv ("POISE_SECRET_COLLECTION");

  if (g_strcmp0 (choice, "session") == 0)
    return SECRET_COLLECTION_SESSION;

  return SECRET_COLLECTION_DEFAULT;
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * poise_credentials_store_async:
 * @server_url: the server the token belongs to
 * @token: the token
 *
 * Stores @token for @server_url, replacing an earlier one.
 */
void
poise_credentials_store_async (const char          *server_url,
                               const char          *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (server_url != NULL && *server_url != '\0');
  g_return_if_fail (token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_credentials_store_async);

  /* Translators: the name of the secret in the keyring; %s is a URL */
  label = g_strdup_printf (_("Poise team server token for %s"), server_url);
  secret_password_store (get_schema (), get_collection (), label, token,
                         cancellable, stored_cb, task,
                         "server", server_url,
                         NULL);
}

gboolean
poise_credentials_store_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      /* Copied out of non-pageable memory into ordinary memory: the
       * token goes into an HTTP header anyway. */
      char *token = g_strdup (secret);

      secret_password_free (secret);
      g_task_return_pointer (task, token, g_free);
    }
}

void
poise_credentials_lookup_async (const char          *server_url,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL && *server_url != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_credentials_lookup_async);
  secret_password_lookup (get_schema (), cancellable, looked_up_cb, task,
                          "server", server_url,
                          NULL);
}

char *
poise_credentials_lookup_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to forget, which is fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
poise_credentials_clear_async (const char          *server_url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server_url != NULL && *server_url != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_credentials_clear_async);
  secret_password_clear (get_schema (), cancellable, cleared_cb, task,
                         "server", server_url,
                         NULL);
}

gboolean
poise_credentials_clear_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* poise-library-updater.c: keeps the team's current script library
 *
 * The server pokes on the live socket when a supervisor publishes; the
 * updater then fetches GET /library with If-None-Match of the version it
 * holds, validates the bytes with the same loader as everything else,
 * caches them (SHA-256 checked on the next start) and only then switches.
 * A library that fails validation is never switched to: the agent keeps
 * working with the last good one. Offline, the cache is what Poise starts
 * with; the live socket's reconnect fetches what was missed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-library-updater"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "poise-library-cache.h"
#include "poise-library-client.h"
#include "poise-library-updater.h"

struct _PoiseLibraryUpdater
{
  GObject          parent_instance;

  char            *cache_dir;
  PoiseLibrary    *library;
  gint64           version;
  char            *error_message;

  PoiseSyncClient *client;
  GCancellable    *cancellable;
  gboolean         fetching;
  gboolean         again;
  char            *pending_message;   /* from the live poke, for the toast */
};

G_DEFINE_FINAL_TYPE (PoiseLibraryUpdater, poise_library_updater, G_TYPE_OBJECT)

enum {
  UPDATED,
  FAILED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void fetch (PoiseLibraryUpdater *self);

static void
fail (PoiseLibraryUpdater *self,
      const char          *message)
{
  /* Said once: a reconnect that meets the same problem stays quiet. */
  if (g_strcmp0 (self->error_message, message) == 0)
    {
      g_debug ("Script library still not updated: %s", message);
      return;
    }
  g_warning ("Script library not updated: %s", message);
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_signal_emit (self, signals[FAILED], 0, message);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PoiseLibraryUpdater) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseLibrary) old = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 version = 0;

  bytes = poise_library_client_fetch_finish (POISE_LIBRARY_CLIENT (source), result, &version, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->fetching = FALSE;
  message = g_steal_pointer (&self->pending_message);

  if (error != NULL)
    {
      /* Offline is no failure: the live socket's reconnect tries again.
       * Nor is a server from before the library API (404). */
      if (g_error_matches (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_NETWORK) ||
          g_error_matches (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_NOT_FOUND))
        g_debug ("%s", error->message);
      else
        fail (self, error->message);
    }
  else if (bytes != NULL && version != self->version)
    {
      library = poise_library_new_from_bytes (bytes, &problems, &error);
      if (library == NULL)
        {
          /* Translators: %lld is the version number, %s the validator's reason */
          g_autofree char *why = g_strdup_printf (_("The team's scripts version %lld are "
                                                    "invalid and were not used: %s"),
                                                  (long long) version, error->message);
          fail (self, why);
        }
      else
        {
          g_autoptr(GError) cache_error = NULL;

          /* Not cached is not fatal: this run uses it, the next starts older.
           * The same scripts are cached too, for the version number: the
           * next start then asks with If-None-Match and gets a 304. */
          if (!poise_library_cache_save (self->cache_dir, bytes, version, message, &cache_error))
            g_warning ("Could not cache the script library: %s", cache_error->message);

          /* The same scripts under a server number (the built-in library is
           * the server's version 1): nothing to tell the agent. */
          if (self->library != NULL &&
              g_strcmp0 (poise_library_get_sha256 (self->library),
                         poise_library_get_sha256 (library)) == 0)
            {
              self->version = version;
              g_clear_pointer (&self->error_message, g_free);
              goto out;
            }

          old = g_steal_pointer (&self->library);
          self->library = g_object_ref (library);
          self->version = version;
          g_clear_pointer (&self->error_message, g_free);
          g_signal_emit (self, signals[UPDATED], 0, old, library, version, message);
        }
    }

out:
  if (self->again)
    {
      self->again = FALSE;
      fetch (self);
    }
}

static void
fetch (PoiseLibraryUpdater *self)
{
  g_autoptr(PoiseLibraryClient) library_client = NULL;
  const char *url;

  if (self->client == NULL || (url = poise_sync_client_get_url (self->client)) == NULL)
    return;
  if (self->fetching)
    {
      self->again = TRUE;
      return;
    }

  self->fetching = TRUE;
  library_client = poise_library_client_new (url, poise_sync_client_get_token (self->client));
  poise_library_client_fetch_async (library_client, 0, self->version, self->cancellable,
                                    fetched_cb, g_object_ref (self));
}

static void
on_live_library_cb (PoiseLibraryUpdater *self,
                    const char          *type,
                    JsonObject          *object,
                    PoiseSyncClient     *client)
{
  JsonNode *message = json_object_get_member (object, "message");
  JsonNode *version = json_object_get_member (object, "version");

  /* A poke for what we hold already (our own publish, say) is no news. */
  if (version != NULL && JSON_NODE_HOLDS_VALUE (version) &&
      json_node_get_value_type (version) == G_TYPE_INT64 &&
      json_node_get_int (version) == self->version)
    return;

  if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
      json_node_get_value_type (message) == G_TYPE_STRING)
    {
      g_free (self->pending_message);
      self->pending_message = g_strdup (json_node_get_string (message));
    }
  fetch (self);
}

static void
on_live_changed_cb (PoiseLibraryUpdater *self,
                    GParamSpec          *pspec,
                    PoiseSyncClient     *client)
{
  /* Connected or reconnected: whatever was published meanwhile. */
  if (poise_sync_client_get_live (client))
    fetch (self);
}

static void
load_initial (PoiseLibraryUpdater *self)
{
  g_autoptr(PoiseLibraryCacheInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  self->library = poise_library_cache_load (self->cache_dir, &info, &error);
  if (self->library != NULL)
    {
      self->version = info->version;
      return;
    }
  if (error != NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_warning ("The cached script library in %s is not used, the built-in one is: %s",
               self->cache_dir, error->message);
  g_clear_error (&error);

  self->version = 0;
  self->library = poise_library_new_default (&error);
  if (self->library == NULL)
    g_critical ("The built-in script library is invalid: %s", error->message);
}

static void
poise_library_updater_dispose (GObject *object)
{
  PoiseLibraryUpdater *self = POISE_LIBRARY_UPDATER (object);

  g_cancellable_cancel (self->cancellable);
  poise_library_updater_set_sync_client (self, NULL);

  G_OBJECT_CLASS (poise_library_updater_parent_class)->dispose (object);
}

static void
poise_library_updater_finalize (GObject *object)
{
  PoiseLibraryUpdater *self = POISE_LIBRARY_UPDATER (object);

  g_free (self->cache_dir);
  g_clear_object (&self->library);
  g_free (self->error_message);
  g_free (self->pending_message);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (poise_library_updater_parent_class)->finalize (object);
}

static void
poise_library_updater_class_init (PoiseLibraryUpdaterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = poise_library_updater_dispose;
  object_class->finalize = poise_library_updater_finalize;

  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                  POISE_TYPE_LIBRARY, POISE_TYPE_LIBRARY, G_TYPE_INT64, G_TYPE_STRING);
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
poise_library_updater_init (PoiseLibraryUpdater *self)
{
  self->cancellable = g_cancellable_new ();
}

PoiseLibraryUpdater *
poise_library_updater_new (const char *cache_dir)
{
  PoiseLibraryUpdater *self;

  g_return_val_if_fail (cache_dir != NULL, NULL);

  self = g_object_new (POISE_TYPE_LIBRARY_UPDATER, NULL);
  self->cache_dir = g_strdup (cache_dir);
  load_initial (self);
  return self;
}

/**
 * poise_library_updater_get_library:
 *
 * Returns: (transfer none) (nullable): the library to use now
 */
PoiseLibrary *
poise_library_updater_get_library (PoiseLibraryUpdater *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_UPDATER (self), NULL);
  return self->library;
}

gint64
poise_library_updater_get_version (PoiseLibraryUpdater *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_UPDATER (self), 0);
  return self->version;
}

const char *
poise_library_updater_get_error_message (PoiseLibraryUpdater *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_UPDATER (self), NULL);
  return self->error_message;
}

void
poise_library_updater_set_sync_client (PoiseLibraryUpdater *self,
                                       PoiseSyncClient     *client)
{
  g_return_if_fail (POISE_IS_LIBRARY_UPDATER (self));
  g_return_if_fail (client == NULL || POISE_IS_SYNC_CLIENT (client));

  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client == NULL)
    return;

  g_signal_connect_object (client, "live-message::library",
                           G_CALLBACK (on_live_library_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "notify::live",
                           G_CALLBACK (on_live_changed_cb), self, G_CONNECT_SWAPPED);
  if (poise_sync_client_get_live (client))
    fetch (self);
}

void
poise_library_updater_check_now (PoiseLibraryUpdater *self)
{
  g_return_if_fail (POISE_IS_LIBRARY_UPDATER (self));
  fetch (self);
}

/**
 * poise_library_updater_get_sync_client:
 *
 * Returns: (transfer none) (nullable): the sync client followed
 */
PoiseSyncClient *
poise_library_updater_get_sync_client (PoiseLibraryUpdater *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_UPDATER (self), NULL);
  return self->client;
}

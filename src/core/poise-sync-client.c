/* poise-sync-client.c: keeps the local store in sync with the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One run is: who am I (GET /me, which also sets the store's owner), which
 * database is this (the epoch), push the outbox, pull the change feed
 * until it says no more, and push again whatever the merges left.  Runs
 * never overlap; a request for one during a run makes another afterwards.
 * The store decides everything about records (poise-store-sync.c); this
 * file only moves JSON and decides when.
 *
 * When: on set_server, after local changes (300 ms later, so typing makes
 * one run), on a poke from the live socket, on network-up, every 10
 * minutes, and after a failure with exponential back-off and full jitter
 * from 1 s to 5 min, as the live socket reconnects.
 */
#define G_LOG_DOMAIN "poise-sync"

#include "config.h"

#include "poise-core-enums.h"
#include "poise-json-guard.h"
#include "poise-store-sync.h"
#include "poise-sync-client.h"
#include "poise-sync-request-private.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#define DEBOUNCE_MS          300
#define PERIODIC_SECONDS     (10 * 60)
#define BACKOFF_MIN_MS       1000
#define BACKOFF_MAX_MS       (5 * 60 * 1000)
#define DEFAULT_TIMEOUT      30
#define PUSH_BATCH           100
#define PULL_LIMIT           1000
/* A 412 merges and pushes again; this bounds how often per run. */
#define MAX_PUSH_ROUNDS      8

struct _PoiseSyncClient
{
  GObject                  parent_instance;

  PoiseStore              *store;
  SoupSession             *session;
  SoupSession             *live_session;
  GNetworkMonitor         *monitor;

  char                    *url;
  char                    *token;
  PoiseSyncState           state;
  char                    *error_message;
  char                    *user_name;
  char                    *user_role;
  GDateTime               *last_synced;
  guint                    pending;

  /* Cancelled when the server changes: every request of the old one. */
  GCancellable            *cancellable;
  gboolean                 running;
  gboolean                 again;
  guint                    push_rounds;
  GHashTable              *refused;   /* "kind/uuid" the server refused this run */
  char                    *refused_message;
  GPtrArray               *entries;
  guint                    entry_index;
  PoiseDeletionsPolicy     deletions_policy;
  gboolean                 awaiting_deletions;

  guint                    debounce_id;
  guint                    periodic_id;
  guint                    retry_id;
  guint                    retry_attempt;
  SoupWebsocketConnection *live;
  guint                    live_retry_id;
  guint                    live_attempt;
};

G_DEFINE_FINAL_TYPE (PoiseSyncClient, poise_sync_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_USER_NAME,
  PROP_USER_ROLE,
  PROP_LAST_SYNCED,
  PROP_PENDING,
  PROP_LIVE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

enum {
  DELETIONS_PENDING,
  LIVE_MESSAGE,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void sync_start      (PoiseSyncClient *self);
static void push_batch      (PoiseSyncClient *self);
static void pull_page       (PoiseSyncClient *self);
static void live_connect    (PoiseSyncClient *self);

/* State */

static void
set_state (PoiseSyncClient *self,
           PoiseSyncState   state,
           const char      *message)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->error_message, message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_string (PoiseSyncClient  *self,
            char            **field,
            const char       *value,
            guint             prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
update_pending (PoiseSyncClient *self)
{
  guint pending = poise_store_get_pending (self->store);

  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* Full jitter: uniformly between 1 s and the doubled ceiling. */
static guint
backoff_ms (guint *attempt)
{
  guint ceiling = BACKOFF_MIN_MS << MIN (*attempt, 9u);

  ceiling = MIN (ceiling, BACKOFF_MAX_MS);
  (*attempt)++;
  return g_random_int_range (BACKOFF_MIN_MS, ceiling + 1);
}

static char *
api_url (PoiseSyncClient *self,
         const char      *path)
{
  return _poise_sync_build_url (self->url, path);
}

/* Ending a run */

static gboolean
retry_cb (gpointer user_data)
{
  PoiseSyncClient *self = user_data;

  self->retry_id = 0;
  sync_start (self);
  return G_SOURCE_REMOVE;
}

static gboolean
again_cb (gpointer user_data)
{
  sync_start (user_data);
  return G_SOURCE_REMOVE;
}

static void
fail (PoiseSyncClient *self,
      GError          *error)
{
  gboolean offline = g_error_matches (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_UNREACHABLE);

  g_debug ("Sync failed: %s", error->message);
  self->running = FALSE;
  self->again = FALSE;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  update_pending (self);
  set_state (self, offline ? POISE_SYNC_STATE_OFFLINE : POISE_SYNC_STATE_ERROR, error->message);

  /* Local changes stay in the outbox; try again later. */
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_full (G_PRIORITY_DEFAULT, backoff_ms (&self->retry_attempt),
                                       retry_cb, self, NULL);
}

static void
finish (PoiseSyncClient *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->running = FALSE;
  self->retry_attempt = 0;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  update_pending (self);

  g_clear_pointer (&self->last_synced, g_date_time_unref);
  self->last_synced = g_steal_pointer (&now);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);

  if (g_hash_table_size (self->refused) > 0)
    set_state (self, POISE_SYNC_STATE_ERROR, self->refused_message);
  else
    set_state (self, POISE_SYNC_STATE_SYNCED, NULL);

  /* Asked for during the run, or changed meanwhile: once more. */
  if (self->again || self->pending > g_hash_table_size (self->refused))
    {
      self->again = FALSE;
      g_idle_add_full (G_PRIORITY_DEFAULT, again_cb, g_object_ref (self), g_object_unref);
    }
}

/* A run's answers: NULL if the run is over (failed or cancelled). */
static PoiseSyncReply *
finish_request (PoiseSyncClient *self,
                GAsyncResult    *result)
{
  g_autoptr(GError) error = NULL;
  PoiseSyncReply *reply = _poise_sync_send_finish (result, &error);

  if (reply != NULL)
    return reply;
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (self, error);
  return NULL;
}

static void
fail_garbage (PoiseSyncClient *self,
              const char      *detail)
{
  g_autoptr(GError) error = NULL;

  _poise_sync_set_garbage (&error, self->url, detail);
  fail (self, error);
}

/* Pulling */

static void
pull_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PoiseSyncClient) self = user_data;
  g_autoptr(PoiseSyncReply) reply = finish_request (self, result);
  g_autoptr(GError) error = NULL;
  JsonArray *changes;
  gboolean more;
  guint n_deletions = 0, n_local = 0;
  gint64 last_seq;

  if (reply == NULL)
    return;

  if (reply->status != SOUP_STATUS_OK ||
      !_poise_sync_parse_changes_page (reply->json, poise_store_get_cursor (self->store),
                                       &changes, &last_seq, &more))
    {
      fail_garbage (self, "changes, last_seq, more");
      return;
    }

  if (!poise_store_apply_changes (self->store, changes, last_seq,
                                  self->deletions_policy, &n_deletions, &n_local, &error))
    {
      if (g_error_matches (error, POISE_STORE_ERROR, POISE_STORE_ERROR_TOO_MANY_DELETIONS))
        {
          /* Wait for the agent: poise_sync_client_resolve_deletions(). */
          self->running = FALSE;
          self->awaiting_deletions = TRUE;
          set_state (self, POISE_SYNC_STATE_ERROR, error->message);
          g_signal_emit (self, signals[DELETIONS_PENDING], 0, n_deletions, n_local);
          return;
        }
      if (error->domain == G_IO_ERROR)
        fail_garbage (self, error->message);
      else
        fail (self, error);
      return;
    }

  /* One answer covers one page. */
  self->deletions_policy = POISE_DELETIONS_ASK;
  self->awaiting_deletions = FALSE;

  if (more)
    pull_page (self);
  else if (poise_store_get_pending (self->store) > g_hash_table_size (self->refused) &&
           self->push_rounds < MAX_PUSH_ROUNDS)
    push_batch (self);
  else
    finish (self);
}

static void
pull_page (PoiseSyncClient *self)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                                           poise_store_get_cursor (self->store), PULL_LIMIT);
  g_autofree char *url = api_url (self, path);

  _poise_sync_send_async (self->session, SOUP_METHOD_GET, url, self->token, NULL, NULL, -1,
                          self->cancellable, pull_cb, g_object_ref (self));
}

/* Pushing */

static void push_next (PoiseSyncClient *self);

static void
push_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PoiseSyncClient) self = user_data;
  g_autoptr(PoiseSyncReply) reply = finish_request (self, result);
  g_autoptr(GError) error = NULL;
  PoiseOutboxEntry *entry;
  gboolean ok = TRUE;

  if (reply == NULL)
    return;

  entry = g_ptr_array_index (self->entries, self->entry_index);
  if (reply->status == SOUP_STATUS_PRECONDITION_FAILED)
    {
      JsonNode *current = json_object_get_member (json_node_get_object (reply->json), "current");

      ok = poise_store_rebase_push (self->store, entry, current, &error);
    }
  else if (reply->status == SOUP_STATUS_FORBIDDEN)
    {
      /* A colleague's note becomes a conflicted copy of ours.  A follow-up
       * stays queued and is reported; the other rows still go. */
      if (!poise_store_refuse_push (self->store, entry, &error) && error == NULL)
        {
          g_hash_table_add (self->refused, g_strconcat (entry->kind, "/", entry->uuid, NULL));
          g_free (self->refused_message);
          self->refused_message =
            g_strdup (_("The team server did not let you change a follow-up someone else "
                        "made. Your change is kept on this computer."));
        }
      ok = error == NULL;
    }
  else
    ok = poise_store_settle_push (self->store, entry, reply->json, &error);

  if (!ok)
    {
      if (error->domain == G_IO_ERROR)
        fail_garbage (self, error->message);
      else
        fail (self, error);
      return;
    }

  self->entry_index++;
  push_next (self);
}

static void
push_next (PoiseSyncClient *self)
{
  PoiseOutboxEntry *entry;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  /* Rows refused earlier in this run wait for the next one. */
  while (self->entry_index < self->entries->len)
    {
      g_autofree char *key = NULL;

      entry = g_ptr_array_index (self->entries, self->entry_index);
      key = g_strconcat (entry->kind, "/", entry->uuid, NULL);
      if (!g_hash_table_contains (self->refused, key))
        break;
      self->entry_index++;
    }
  if (self->entry_index >= self->entries->len)
    {
      push_batch (self);
      return;
    }

  entry = g_ptr_array_index (self->entries, self->entry_index);
  path = g_strdup_printf ("/api/v1/%s/%s",
                          g_str_equal (entry->kind, POISE_SYNC_KIND_NOTE) ? "notes" : "followups",
                          entry->uuid);
  url = api_url (self, path);
  _poise_sync_send_async (self->session,
                          entry->record != NULL ? SOUP_METHOD_PUT : SOUP_METHOD_DELETE,
                          url, self->token, entry->record, entry->idempotency_key,
                          entry->base_rev > 0 ? entry->base_rev : 0,
                          self->cancellable, push_cb, g_object_ref (self));
}

static void
push_batch (PoiseSyncClient *self)
{
  g_autoptr(GError) error = NULL;

  guint refused = g_hash_table_size (self->refused);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  if (self->push_rounds++ >= MAX_PUSH_ROUNDS || poise_store_get_pending (self->store) <= refused)
    {
      pull_page (self);
      return;
    }

  self->entries = poise_store_take_outbox (self->store, PUSH_BATCH + refused, &error);
  if (self->entries == NULL)
    {
      fail (self, error);
      return;
    }
  self->entry_index = 0;
  if (self->entries->len <= refused)
    pull_page (self);
  else
    push_next (self);
}

/* Who and where */

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PoiseSyncClient) self = user_data;
  g_autoptr(PoiseSyncReply) reply = finish_request (self, result);
  g_autoptr(GError) error = NULL;
  const char *epoch;

  if (reply == NULL)
    return;

  epoch = _poise_sync_get_string (reply->json, "epoch");
  if (reply->status != SOUP_STATUS_OK || epoch == NULL || epoch[0] == '\0' ||
      g_strcmp0 (_poise_sync_get_string (reply->json, "status"), "ok") != 0)
    {
      fail_garbage (self, "status, epoch");
      return;
    }
  if (!poise_store_check_epoch (self->store, self->url, epoch, NULL, &error))
    {
      fail (self, error);
      return;
    }

  update_pending (self);
  push_batch (self);
}

static void
me_cb (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(PoiseSyncClient) self = user_data;
  g_autoptr(PoiseSyncReply) reply = finish_request (self, result);
  g_autofree char *url = NULL;
  const char *name, *role;

  if (reply == NULL)
    return;

  name = _poise_sync_get_string (reply->json, "name");
  role = _poise_sync_get_string (reply->json, "role");
  if (reply->status != SOUP_STATUS_OK || name == NULL || name[0] == '\0' || role == NULL)
    {
      fail_garbage (self, "name, role");
      return;
    }
  set_string (self, &self->user_name, name, PROP_USER_NAME);
  set_string (self, &self->user_role, role, PROP_USER_ROLE);
  poise_store_set_owner (self->store, name);

  url = api_url (self, "/api/v1/health");
  _poise_sync_send_async (self->session, SOUP_METHOD_GET, url, NULL, NULL, NULL, -1,
                          self->cancellable, health_cb, g_object_ref (self));
}

static void
sync_start (PoiseSyncClient *self)
{
  g_autofree char *url = NULL;

  if (self->url == NULL)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  /* A large deletion waits for the agent. */
  if (self->awaiting_deletions && self->deletions_policy == POISE_DELETIONS_ASK)
    return;

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->running = TRUE;
  self->push_rounds = 0;
  g_hash_table_remove_all (self->refused);
  g_clear_pointer (&self->refused_message, g_free);
  set_state (self, POISE_SYNC_STATE_SYNCING, NULL);

  url = api_url (self, "/api/v1/me");
  _poise_sync_send_async (self->session, SOUP_METHOD_GET, url, self->token, NULL, NULL, -1,
                          self->cancellable, me_cb, g_object_ref (self));
}

/* Triggers */

static gboolean
debounce_cb (gpointer user_data)
{
  PoiseSyncClient *self = user_data;

  self->debounce_id = 0;
  sync_start (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (PoiseSyncClient *self,
                  const char      *uuid)
{
  update_pending (self);

  /* Changes the sync itself applies leave no outbox rows (or the run
   * pushes them before it ends), so they start nothing here. */
  if (self->url == NULL || self->running || self->pending == 0)
    return;
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
}

static gboolean
periodic_cb (gpointer user_data)
{
  sync_start (user_data);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (PoiseSyncClient *self,
                    gboolean         available)
{
  if (available)
    sync_start (self);
}

/* The live socket: a poke, not a data channel */

static gboolean
live_retry_cb (gpointer user_data)
{
  PoiseSyncClient *self = user_data;

  self->live_retry_id = 0;
  live_connect (self);
  return G_SOURCE_REMOVE;
}

static void
live_schedule_reconnect (PoiseSyncClient *self)
{
  if (self->url == NULL)
    return;
  g_clear_handle_id (&self->live_retry_id, g_source_remove);
  self->live_retry_id = g_timeout_add (backoff_ms (&self->live_attempt), live_retry_cb, self);
}

static void
live_message_cb (PoiseSyncClient         *self,
                 int                      type,
                 GBytes                  *message,
                 SoupWebsocketConnection *connection)
{
  /* Room for a backup request: 500 characters of context and two fields,
   * escaped. */
  static const PoiseJsonLimits limits = { 16384, 4 };
  g_autoptr(JsonNode) root = NULL;
  const char *message_type;
  gint64 last_seq;

  if (type != SOUP_WEBSOCKET_DATA_TEXT ||
      (root = poise_json_parse_guarded (message, &limits, NULL)) == NULL)
    return;

  message_type = _poise_sync_get_string (root, "type");
  if (message_type != NULL && JSON_NODE_HOLDS_OBJECT (root))
    g_signal_emit (self, signals[LIVE_MESSAGE], g_quark_try_string (message_type),
                   message_type, json_node_get_object (root));

  if (g_strcmp0 (_poise_sync_get_string (root, "type"), "changes") == 0 &&
      _poise_sync_get_int (root, "last_seq", &last_seq) &&
      last_seq > poise_store_get_cursor (self->store))
    sync_start (self);
}

static void
live_closed_cb (PoiseSyncClient         *self,
                SoupWebsocketConnection *connection)
{
  if (self->live != connection)
    return;
  g_signal_handlers_disconnect_by_data (connection, self);
  g_clear_object (&self->live);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
  live_schedule_reconnect (self);
}

static void
live_connect_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PoiseSyncClient) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (connection == NULL || self->url == NULL)
    {
      g_clear_object (&connection);
      g_debug ("Live socket: %s", error != NULL ? error->message : "server changed");
      live_schedule_reconnect (self);
      return;
    }

  self->live = connection;
  self->live_attempt = 0;
  g_signal_connect_swapped (connection, "message", G_CALLBACK (live_message_cb), self);
  g_signal_connect_swapped (connection, "closed", G_CALLBACK (live_closed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);

  /* Pokes sent while we were away are lost: pull now. */
  sync_start (self);
}

static void
live_connect (PoiseSyncClient *self)
{
  g_autofree char *url = api_url (self, "/api/v1/live");
  g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);
  g_autoptr(SoupMessage) msg = NULL;

  if (url == NULL || (msg = soup_message_new (SOUP_METHOD_GET, url)) == NULL)
    return;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                authorization);
  soup_session_websocket_connect_async (self->live_session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, live_connect_cb, g_object_ref (self));
}

static void
live_close (PoiseSyncClient *self)
{
  g_clear_handle_id (&self->live_retry_id, g_source_remove);
  if (self->live != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->live, self);
      if (soup_websocket_connection_get_state (self->live) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->live, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      g_clear_object (&self->live);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIVE]);
    }
}

/* GObject overrides */

static void
stop_everything (PoiseSyncClient *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  live_close (self);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  self->running = FALSE;
  self->again = FALSE;
  self->awaiting_deletions = FALSE;
  self->deletions_policy = POISE_DELETIONS_ASK;
  self->retry_attempt = 0;
  self->live_attempt = 0;
}

static void
poise_sync_client_dispose (GObject *object)
{
  PoiseSyncClient *self = POISE_SYNC_CLIENT (object);

  if (self->cancellable != NULL)
    stop_everything (self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->monitor);
  g_clear_object (&self->session);
  g_clear_object (&self->live_session);

  G_OBJECT_CLASS (poise_sync_client_parent_class)->dispose (object);
}

static void
poise_sync_client_finalize (GObject *object)
{
  PoiseSyncClient *self = POISE_SYNC_CLIENT (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->user_name, g_free);
  g_clear_pointer (&self->user_role, g_free);
  g_clear_pointer (&self->refused_message, g_free);
  g_clear_pointer (&self->refused, g_hash_table_unref);
  g_clear_pointer (&self->last_synced, g_date_time_unref);

  G_OBJECT_CLASS (poise_sync_client_parent_class)->finalize (object);
}

static void
poise_sync_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PoiseSyncClient *self = POISE_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_USER_NAME:
      g_value_set_string (value, self->user_name);
      break;
    case PROP_USER_ROLE:
      g_value_set_string (value, self->user_role);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_boxed (value, self->last_synced);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, self->live != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_sync_client_class_init (PoiseSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = poise_sync_client_dispose;
  object_class->finalize = poise_sync_client_finalize;
  object_class->get_property = poise_sync_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, POISE_TYPE_SYNC_STATE, POISE_SYNC_STATE_DISABLED, flags);
  /**
   * PoiseSyncClient:error-message:
   *
   * In the states offline and error: what failed and what to do, translated.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  /**
   * PoiseSyncClient:user-name:
   *
   * The signed-in user, as GET /api/v1/me said; %NULL before the first sync.
   */
  properties[PROP_USER_NAME] =
    g_param_spec_string ("user-name", NULL, NULL, NULL, flags);
  properties[PROP_USER_ROLE] =
    g_param_spec_string ("user-role", NULL, NULL, NULL, flags);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_boxed ("last-synced", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /**
   * PoiseSyncClient:pending:
   *
   * Records with local changes the server has not got yet.
   */
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /**
   * PoiseSyncClient:live:
   *
   * Whether the live socket is connected, so colleagues' changes arrive
   * within a second.
   */
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PoiseSyncClient::deletions-pending:
   * @n_deletions: records the pull would delete
   * @n_local: records on this computer
   *
   * A pull would delete more than 10 % of the local records.  Nothing was
   * applied; ask the agent, then call poise_sync_client_resolve_deletions().
   */
  signals[DELETIONS_PENDING] =
    g_signal_new ("deletions-pending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * PoiseSyncClient::live-message:
   * @type: the message's "type" ("changes", "backup_request", "backup_ack", …)
   * @message: (transfer none): the whole message, checked by the JSON guard
   *   but otherwise as the server sent it
   *
   * Every message on the live socket, detailed by its type
   * ("live-message::backup_request").  Handlers check the members they use.
   */
  signals[LIVE_MESSAGE] =
    g_signal_new ("live-message", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static SoupSession *
new_session (guint timeout)
{
  g_autofree char *user_agent = g_strdup_printf ("Poise/%s ", PACKAGE_VERSION);

  return g_object_new (SOUP_TYPE_SESSION,
                       "timeout", timeout,
                       "idle-timeout", 60,
                       "user-agent", user_agent,
                       NULL);
}

static void
poise_sync_client_init (PoiseSyncClient *self)
{
  self->state = POISE_SYNC_STATE_DISABLED;
  self->cancellable = g_cancellable_new ();
  self->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->session = new_session (DEFAULT_TIMEOUT);
  /* No I/O timeout: the socket is quiet between the server's pings. */
  self->live_session = new_session (0);
}

/* Public API */

/**
 * poise_sync_client_new:
 * @store: the local store to keep in sync
 *
 * Disabled until poise_sync_client_set_server() gives it a server.
 *
 * Returns: (transfer full): a new sync client
 */
PoiseSyncClient *
poise_sync_client_new (PoiseStore *store)
{
  PoiseSyncClient *self;

  g_return_val_if_fail (POISE_IS_STORE (store), NULL);

  self = g_object_new (POISE_TYPE_SYNC_CLIENT, NULL);
  self->store = g_object_ref (store);
  self->pending = poise_store_get_pending (store);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);
  g_signal_connect_swapped (store, "note-changed", G_CALLBACK (store_changed_cb), self);
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect_swapped (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  return self;
}

/**
 * poise_sync_client_set_server:
 * @url: (nullable): the server, e.g. "https://poise.example.com"; %NULL
 *   or "" disables the sync
 * @token: (nullable): the user's token
 *
 * Drops everything in flight for the previous server and, with a server,
 * starts a sync and the live socket.
 */
void
poise_sync_client_set_server (PoiseSyncClient *self,
                              const char      *url,
                              const char      *token)
{
  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));

  stop_everything (self);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->token, g_free);

  if (url == NULL || url[0] == '\0')
    {
      set_state (self, POISE_SYNC_STATE_DISABLED, NULL);
      return;
    }

  self->url = g_strdup (url);
  self->token = g_strdup (token != NULL ? token : "");
  self->periodic_id = g_timeout_add_seconds (PERIODIC_SECONDS, periodic_cb, self);
  sync_start (self);
  live_connect (self);
}

/**
 * poise_sync_client_sync_now:
 *
 * Syncs now (or right after the sync in progress).  Does nothing while
 * disabled.
 */
void
poise_sync_client_sync_now (PoiseSyncClient *self)
{
  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));
  sync_start (self);
}

void
poise_sync_client_set_timeout (PoiseSyncClient *self,
                               guint            seconds)
{
  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

PoiseSyncState
poise_sync_client_get_state (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), POISE_SYNC_STATE_DISABLED);
  return self->state;
}

/**
 * poise_sync_client_get_error_message:
 *
 * Returns: (nullable): what failed and what to do
 */
const char *
poise_sync_client_get_error_message (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->error_message;
}

const char *
poise_sync_client_get_user_name (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->user_name;
}

const char *
poise_sync_client_get_user_role (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->user_role;
}

/**
 * poise_sync_client_get_last_synced:
 *
 * Returns: (transfer none) (nullable): when the last sync completed
 */
GDateTime *
poise_sync_client_get_last_synced (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->last_synced;
}

guint
poise_sync_client_get_pending (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), 0);
  return self->pending;
}

gboolean
poise_sync_client_get_live (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), FALSE);
  return self->live != NULL;
}

/**
 * poise_sync_client_resolve_deletions:
 * @apply: %TRUE to delete, %FALSE to keep the records (and upload them
 *   again, which restores them for the team)
 */
void
poise_sync_client_resolve_deletions (PoiseSyncClient *self,
                                     gboolean         apply)
{
  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));

  if (!self->awaiting_deletions)
    return;
  self->deletions_policy = apply ? POISE_DELETIONS_APPLY : POISE_DELETIONS_KEEP;
  sync_start (self);
}

/* Testing a connection (before it is saved) */

typedef struct {
  SoupSession *session;
  char        *url;
  char        *token;
  char        *name;
  char        *role;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_object (&probe->session);
  g_free (probe->url);
  g_free (probe->token);
  g_free (probe->name);
  g_free (probe->role);
  g_free (probe);
}

static void
probe_me_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(PoiseSyncReply) reply = NULL;
  GError *error = NULL;

  reply = _poise_sync_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  probe->name = g_strdup (_poise_sync_get_string (reply->json, "name"));
  probe->role = g_strdup (_poise_sync_get_string (reply->json, "role"));
  if (reply->status != SOUP_STATUS_OK || probe->name == NULL || probe->role == NULL)
    {
      _poise_sync_set_garbage (&error, probe->url, "name, role");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
probe_health_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(PoiseSyncReply) reply = NULL;
  g_autofree char *url = NULL;
  GError *error = NULL;

  reply = _poise_sync_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (reply->status != SOUP_STATUS_OK ||
      g_strcmp0 (_poise_sync_get_string (reply->json, "status"), "ok") != 0 ||
      _poise_sync_get_string (reply->json, "epoch") == NULL)
    {
      _poise_sync_set_garbage (&error, probe->url, "status, epoch");
      g_task_return_error (task, error);
      return;
    }

  url = _poise_sync_build_url (probe->url, "/api/v1/me");
  _poise_sync_send_async (probe->session, SOUP_METHOD_GET, url, probe->token, NULL, NULL, -1,
                          g_task_get_cancellable (task), probe_me_cb, g_object_ref (task));
}

/**
 * poise_sync_client_test_connection_async:
 * @url: the server address as the agent typed it
 * @token: the token to check
 *
 * Checks that @url is a Poise server (GET /api/v1/health) and that it
 * accepts @token (GET /api/v1/me), without changing any client.
 */
void
poise_sync_client_test_connection_async (const char          *url,
                                         const char          *token,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *health = _poise_sync_build_url (url, "/api/v1/health");
  Probe *probe;

  g_task_set_source_tag (task, poise_sync_client_test_connection_async);
  if (health == NULL)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_INVALID_URL,
                               _("\"%s\" is not a server address. Enter one like "
                                 "https://poise.example.com."), url != NULL ? url : "");
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->session = new_session (15);
  probe->url = g_strdup (url);
  probe->token = g_strdup (token != NULL ? token : "");
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  _poise_sync_send_async (probe->session, SOUP_METHOD_GET, health, NULL, NULL, NULL, -1,
                          cancellable, probe_health_cb, g_object_ref (task));
}

/**
 * poise_sync_client_test_connection_finish:
 * @name: (out) (optional) (transfer full): the user the token belongs to
 * @role: (out) (optional) (transfer full): "agent" or "supervisor"
 *
 * Returns: %TRUE, or %FALSE with @error saying what failed (unreachable
 *   with the address, TLS, token refused, not a Poise server, server error)
 */
gboolean
poise_sync_client_test_connection_finish (GAsyncResult  *result,
                                          char         **name,
                                          char         **role,
                                          GError       **error)
{
  Probe *probe;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  probe = g_task_get_task_data (G_TASK (result));
  if (name != NULL)
    *name = g_strdup (probe->name);
  if (role != NULL)
    *role = g_strdup (probe->role);
  return TRUE;
}

static void
users_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PoiseSyncClient *self = g_task_get_source_object (task);
  g_autoptr(PoiseSyncReply) reply = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GError *error = NULL;
  JsonNode *users;

  reply = _poise_sync_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  users = json_object_get_member (json_node_get_object (reply->json), "users");
  if (reply->status != SOUP_STATUS_OK || users == NULL || !JSON_NODE_HOLDS_ARRAY (users))
    {
      _poise_sync_set_garbage (&error, self->url, "users");
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (users)); i++)
    {
      const char *name = _poise_sync_get_string (json_array_get_element (json_node_get_array (users), i),
                                                 "name");

      if (name == NULL)
        {
          _poise_sync_set_garbage (&error, self->url, "users[].name");
          g_task_return_error (task, error);
          return;
        }
      g_strv_builder_add (builder, name);
    }
  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
}

/**
 * poise_sync_client_list_users_async:
 *
 * Fetches the team's user names (GET /api/v1/users), e.g. to hand a
 * follow-up over.
 */
void
poise_sync_client_list_users_async (PoiseSyncClient     *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_sync_client_list_users_async);
  url = self->url != NULL ? api_url (self, "/api/v1/users") : NULL;
  if (url == NULL)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_INVALID_URL,
                               _("No team server is set up."));
      return;
    }
  _poise_sync_send_async (self->session, SOUP_METHOD_GET, url, self->token, NULL, NULL, -1,
                          cancellable, users_cb, g_object_ref (task));
}

/**
 * poise_sync_client_list_users_finish:
 *
 * Returns: (transfer full) (nullable): the team members' names, or %NULL
 *   with @error set
 */
GStrv
poise_sync_client_list_users_finish (PoiseSyncClient  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Backup requests (see poise-server-backup.c): straight to the server,
 * never queued, because help that arrives after the next sync is no help. */

static void
backup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PoiseSyncClient *self = g_task_get_source_object (task);
  g_autoptr(PoiseSyncReply) reply = NULL;
  GError *error = NULL;
  const char *id;

  reply = _poise_sync_send_finish (result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (reply->status == SOUP_STATUS_FORBIDDEN)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_REFUSED,
                               _("Only supervisors can acknowledge a backup request."));
      return;
    }
  id = _poise_sync_get_string (reply->json, "id");
  if (!SOUP_STATUS_IS_SUCCESSFUL (reply->status) || id == NULL)
    {
      _poise_sync_set_garbage (&error, self->url, "id");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (id), g_free);
}

static gboolean
backup_check_server (PoiseSyncClient *self,
                     GTask           *task,
                     const char      *path,
                     char           **url)
{
  *url = self->url != NULL ? api_url (self, path) : NULL;
  if (*url != NULL)
    return TRUE;
  g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_INVALID_URL,
                           _("No team server is set up: backup requests reach your supervisors through it. Set one up in Preferences."));
  return FALSE;
}

/* Asks every supervisor online for help now.  @customer_ref and @scenario
 * may be NULL; @context is what is happening (at most 500 characters). */
void
poise_sync_client_request_backup_async (PoiseSyncClient     *self,
                                        const char          *customer_ref,
                                        const char          *scenario,
                                        const char          *context,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));
  g_return_if_fail (context != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_sync_client_request_backup_async);
  if (!backup_check_server (self, task, "/api/v1/backup-requests", &url))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "customer_ref");
  if (customer_ref != NULL && *customer_ref != '\0')
    json_builder_add_string_value (builder, customer_ref);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "scenario");
  if (scenario != NULL)
    json_builder_add_string_value (builder, scenario);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "context");
  json_builder_add_string_value (builder, context);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  _poise_sync_send_async (self->session, SOUP_METHOD_POST, url, self->token, body, NULL, -1,
                          cancellable, backup_cb, g_object_ref (task));
}

/**
 * poise_sync_client_request_backup_finish:
 *
 * Returns: (transfer full) (nullable): the request's id, or %NULL with
 *   @error set
 */
char *
poise_sync_client_request_backup_finish (PoiseSyncClient  *self,
                                         GAsyncResult     *result,
                                         GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A supervisor tells the agent that help is coming. */
void
poise_sync_client_ack_backup_async (PoiseSyncClient     *self,
                                    const char          *id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (POISE_IS_SYNC_CLIENT (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, poise_sync_client_ack_backup_async);
  if (!g_uuid_string_is_valid (id))
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_REFUSED,
                               _("This backup request is not valid."));
      return;
    }
  path = g_strdup_printf ("/api/v1/backup-requests/%s/ack", id);
  if (!backup_check_server (self, task, path, &url))
    return;

  _poise_sync_send_async (self->session, SOUP_METHOD_POST, url, self->token, NULL, NULL, -1,
                          cancellable, backup_cb, g_object_ref (task));
}

gboolean
poise_sync_client_ack_backup_finish (PoiseSyncClient  *self,
                                     GAsyncResult     *result,
                                     GError          **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  id = g_task_propagate_pointer (G_TASK (result), error);
  return id != NULL;
}

/**
 * poise_sync_client_get_url:
 *
 * Returns: (nullable): the team server's address; %NULL while disabled
 */
const char *
poise_sync_client_get_url (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->url;
}

/**
 * poise_sync_client_get_token:
 *
 * For the other API clients of the same server (the script library).
 *
 * Returns: (nullable): the user's token; %NULL while disabled
 */
const char *
poise_sync_client_get_token (PoiseSyncClient *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_CLIENT (self), NULL);
  return self->token;
}

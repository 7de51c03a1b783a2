/* poise-server.c: the team server's HTTP API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Routes under /api/v1, bearer-token auth, the request checks (size, JSON
 * guard, fields) and the hand-off of writes to the storage's writer
 * thread.  A request's path through here:
 *
 *   got-headers   too large a body → 413 at once, without reading it
 *   handler       route (404) → method (405) → auth (429/401) → headers
 *                 (400/428) → JSON guard (400) → fields (422) → storage
 *   writes        the message is paused while the writer thread commits,
 *                 so an fsync never blocks the main loop
 *
 * Nothing here logs tokens or record contents.
 */
#define G_LOG_DOMAIN "poise-server"

#include "config.h"

#include "poise-server.h"
#include "poise-auth-throttle.h"
#include "poise-json-guard.h"
#include "poise-live-hub.h"
#include "poise-record-check.h"
#include "poise-server-library.h"
#include "poise-socket-reaper.h"

#include <string.h>

#define API            "/api/v1"
#define DEFAULT_LIMIT  100
#define MAX_LIMIT      1000
#define LISTEN_BACKLOG 1024
#define FEED_CACHE_MAX 256
#define REAP_INTERVAL_MS 2000
/* How long stopping may spend sending the answers to the last writes. */
#define STOP_DRAIN_US    (G_USEC_PER_SEC / 2)
/* How long a rejected oversized upload is drained before we hang up. */
#define DRAIN_TIMEOUT_US (2 * G_USEC_PER_SEC)

struct _PoiseServer
{
  GObject             parent_instance;

  SoupServer         *soup;
  PoiseServerStorage *storage;
  PoiseLiveHub       *hub;
  PoiseAuthThrottle  *throttle;
  PoiseServerLibrary *library;
  PoiseSocketReaper  *reaper;
  gboolean            trust_proxy;
  gboolean            stopped;

  /* "since:limit" → the feed's answer, until the next commit.  Clients
   * that were poked together ask for the same page. */
  GHashTable         *feed_cache;
};

G_DEFINE_FINAL_TYPE (PoiseServer, poise_server, G_TYPE_OBJECT)

typedef enum {
  ROUTE_NONE,
  ROUTE_HEALTH,
  ROUTE_ME,
  ROUTE_USERS,
  ROUTE_CHANGES,
  ROUTE_LIVE,
  ROUTE_RECORD,
  ROUTE_LIBRARY,   /* poise-server-library.c routes and checks methods */
} Route;

typedef struct {
  PoiseServer       *self;
  SoupServerMessage *msg;
} PendingWrite;

/* Answers */

static void
respond (SoupServerMessage *msg,
         guint              status,
         char              *body)
{
  gsize length = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  respond (msg, status, poise_server_error_json (code, message, NULL));
}

static void
set_etag (SoupServerMessage *msg,
          gint64             rev)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", rev);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", etag);
}

/* Oversized bodies
 *
 * SoupServer reads a request's whole body into memory before any handler
 * runs, even after an early handler has set a status.  So a body that is
 * too large takes the connection away from libsoup: we write the 413
 * ourselves and close.  What the client has already sent is read and
 * discarded (not kept) for a moment, so that closing does not reset the
 * connection before the client has read our answer. */

typedef struct {
  GIOStream *stream;
  char      *response;
  guint8     buffer[16384];
  gint64     deadline;
} Rejection;

static void
rejection_free (Rejection *rejection)
{
  g_io_stream_close (rejection->stream, NULL, NULL);
  g_object_unref (rejection->stream);
  g_free (rejection->response);
  g_free (rejection);
}

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Rejection *rejection = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || g_get_monotonic_time () > rejection->deadline)
    {
      rejection_free (rejection);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), rejection->buffer, sizeof rejection->buffer,
                             G_PRIORITY_LOW, NULL, drained_cb, rejection);
}

static void
rejection_written_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Rejection *rejection = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      rejection_free (rejection);
      return;
    }
  rejection->deadline = g_get_monotonic_time () + DRAIN_TIMEOUT_US;
  g_input_stream_read_async (g_io_stream_get_input_stream (rejection->stream),
                             rejection->buffer, sizeof rejection->buffer,
                             G_PRIORITY_LOW, NULL, drained_cb, rejection);
}

static void on_got_chunk_cb (SoupServerMessage *msg,
                             GBytes            *chunk,
                             gpointer           user_data);

/* 1 MiB, or 8 MiB for a library publish. */
static gsize
body_limit (SoupServerMessage *msg)
{
  gsize limit = poise_server_library_body_limit (msg);

  return limit > 0 ? limit : POISE_SERVER_MAX_BODY;
}

static void
reject_too_large (SoupServerMessage *msg)
{
  g_autofree char *message = g_strdup_printf ("Request bodies are limited to %" G_GSIZE_FORMAT " MiB%s",
                                              body_limit (msg) / (1024 * 1024),
                                              body_limit (msg) > POISE_SERVER_MAX_BODY ? " on this route" : "");
  g_autofree char *body = poise_server_error_json ("payload_too_large", message, NULL);
  Rejection *rejection = g_new0 (Rejection, 1);

  g_signal_handlers_disconnect_by_func (msg, on_got_chunk_cb, NULL);
  rejection->response = g_strdup_printf ("HTTP/1.1 413 Payload Too Large\r\n"
                                         "Content-Type: application/json\r\n"
                                         "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                         "Connection: close\r\n"
                                         "\r\n%s",
                                         strlen (body), body);
  rejection->stream = soup_server_message_steal_connection (msg);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (rejection->stream),
                                   rejection->response, strlen (rejection->response),
                                   G_PRIORITY_DEFAULT, NULL, rejection_written_cb, rejection);
}

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* A chunked body has no Content-Length to check up front. */
  if ((gsize) body->length > body_limit (msg))
    reject_too_large (msg);
}

static void
on_got_headers_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (gsize) soup_message_headers_get_content_length (headers) > body_limit (msg))
    reject_too_large (msg);
}

static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       PoiseServer       *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    poise_socket_reaper_watch (self->reaper, socket);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers_cb), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
}

/* Routing and auth */

/* @uuid receives the lower-cased id of a record route. */
static Route
parse_route (const char  *path,
             const char **kind,
             char       **uuid)
{
  const char *rest;

  if (!g_str_has_prefix (path, API "/"))
    return ROUTE_NONE;
  rest = path + strlen (API "/");

  if (g_str_equal (rest, "health"))
    return ROUTE_HEALTH;
  if (g_str_equal (rest, "me"))
    return ROUTE_ME;
  if (g_str_equal (rest, "users"))
    return ROUTE_USERS;
  if (g_str_equal (rest, "changes"))
    return ROUTE_CHANGES;
  if (g_str_equal (rest, "live"))
    return ROUTE_LIVE;
  if (poise_server_library_owns_path (path))
    return ROUTE_LIBRARY;

  if (g_str_has_prefix (rest, "notes/"))
    {
      *kind = "note";
      rest += strlen ("notes/");
    }
  else if (g_str_has_prefix (rest, "followups/"))
    {
      *kind = "followup";
      rest += strlen ("followups/");
    }
  else
    return ROUTE_NONE;

  if (!g_uuid_string_is_valid (rest))
    return ROUTE_NONE;
  *uuid = g_ascii_strdown (rest, -1);
  return ROUTE_RECORD;
}

static gboolean
method_allowed (SoupServerMessage *msg,
                Route              route)
{
  const char *method = soup_server_message_get_method (msg);
  const char *allow = route == ROUTE_RECORD ? "GET, PUT, DELETE" : "GET";

  if (method == SOUP_METHOD_GET ||
      (route == ROUTE_RECORD && (method == SOUP_METHOD_PUT || method == SOUP_METHOD_DELETE)))
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  respond_error (msg, 405, "method_not_allowed", "This method is not allowed here");
  return FALSE;
}

static void
respond_throttled (SoupServerMessage *msg,
                   guint              seconds)
{
  g_autofree char *retry = g_strdup_printf ("%u", MAX (seconds, 1));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", retry);
  respond_error (msg, 429, "too_many_requests",
                 "Too many failed authentications from this address; try again later");
}

/* Behind nginx every request comes from loopback; with --trust-proxy the
 * address nginx puts in X-Real-IP is the client's (only when the peer is
 * loopback, so no one else can claim another address). */
static const char *
client_address (PoiseServer       *self,
                SoupServerMessage *msg)
{
  const char *peer = soup_server_message_get_remote_host (msg);
  const char *real_ip;
  GSocketAddress *remote;

  if (!self->trust_proxy)
    return peer;
  remote = soup_server_message_get_remote_address (msg);
  if (!G_IS_INET_SOCKET_ADDRESS (remote) ||
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    return peer;
  real_ip = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Real-IP");
  return real_ip != NULL ? real_ip : peer;
}

/* Returns the user, or NULL after answering 401 or 429. */
static PoiseServerUser *
authenticate (PoiseServer       *self,
              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *address = client_address (self, msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  PoiseServerUser *user;
  guint blocked;

  if ((blocked = poise_auth_throttle_blocked_for (self->throttle, address)) > 0)
    {
      respond_throttled (msg, blocked);
      return NULL;
    }

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
      respond_error (msg, 401, "unauthorized", "A bearer token is required");
      return NULL;
    }

  user = poise_server_storage_authenticate (self->storage, authorization + 7);
  if (user != NULL)
    return user;

  if (poise_auth_throttle_record_failure (self->throttle, address))
    {
      g_message ("Throttling %s after repeated failed authentications", address);
      respond_throttled (msg, POISE_AUTH_WINDOW_US / G_USEC_PER_SEC);
      return NULL;
    }
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer error=\"invalid_token\"");
  respond_error (msg, 401, "unauthorized", "The token is not valid");
  return NULL;
}

/* Reads */

static void
handle_health (PoiseServer       *self,
               SoupServerMessage *msg)
{
  respond (msg, 200, g_strdup_printf ("{\"status\":\"ok\",\"epoch\":\"%s\"}",
                                      poise_server_storage_get_epoch (self->storage)));
}

static char *
node_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
add_user (JsonBuilder     *builder,
          PoiseServerUser *user)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, user->name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role);
  json_builder_end_object (builder);
}

static void
handle_me (PoiseServer       *self,
           SoupServerMessage *msg,
           PoiseServerUser   *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  add_user (builder, user);
  root = json_builder_get_root (builder);
  respond (msg, 200, node_to_string (root));
}

static void
handle_users (PoiseServer       *self,
              SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;

  if ((users = poise_server_storage_list_users (self->storage, &error)) == NULL)
    {
      g_warning ("%s", error->message);
      respond_error (msg, 500, "internal_error", "The users could not be read");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++)
    add_user (builder, g_ptr_array_index (users, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond (msg, 200, node_to_string (root));
}

/* Strict: digits only, within range; NULL means @fallback. */
static gboolean
parse_number (const char *text,
              guint64     min,
              guint64     max,
              guint64     fallback,
              guint64    *value)
{
  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  return g_ascii_string_to_unsigned (text, 10, min, max, value, NULL);
}

static void
handle_changes (PoiseServer       *self,
                SoupServerMessage *msg,
                GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache_key = NULL;
  guint64 since, limit;
  GBytes *cached;
  char *body;

  if (!parse_number (query ? g_hash_table_lookup (query, "since") : NULL,
                     0, G_MAXINT64, 0, &since))
    {
      respond_error (msg, 400, "bad_request", "since must be a whole number ≥ 0");
      return;
    }
  if (!parse_number (query ? g_hash_table_lookup (query, "limit") : NULL,
                     1, MAX_LIMIT, DEFAULT_LIMIT, &limit))
    {
      respond_error (msg, 400, "bad_request", "limit must be a whole number from 1 to 1000");
      return;
    }

  cache_key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, since, limit);
  if ((cached = g_hash_table_lookup (self->feed_cache, cache_key)) == NULL)
    {
      if ((body = poise_server_storage_get_changes (self->storage, since, limit, &error)) == NULL)
        {
          g_warning ("%s", error->message);
          respond_error (msg, 500, "internal_error", "The changes could not be read");
          return;
        }
      if (g_hash_table_size (self->feed_cache) >= FEED_CACHE_MAX)
        g_hash_table_remove_all (self->feed_cache);
      cached = g_bytes_new_take (body, strlen (body));
      g_hash_table_insert (self->feed_cache, g_steal_pointer (&cache_key), cached);
    }

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), cached);
}

static void
handle_get_record (PoiseServer       *self,
                   SoupServerMessage *msg,
                   const char        *kind,
                   const char        *uuid)
{
  g_autofree char *record = NULL;
  gboolean deleted;
  gint64 rev;

  if (!poise_server_storage_get_record (self->storage, kind, uuid, &rev, &deleted, &record))
    {
      respond_error (msg, 404, "not_found", "No such record");
      return;
    }
  set_etag (msg, rev);
  if (deleted)
    respond (msg, 410, poise_server_error_json ("gone", "The record was deleted", record));
  else
    respond (msg, 200, g_steal_pointer (&record));
}

/* Writes */

static void
write_done_cb (const PoiseServerWriteResult *result,
               gpointer                      user_data)
{
  PendingWrite *pending = user_data;

  /* Before the client hears of its write, the feed must show it. */
  if (result->seq > 0)
    g_hash_table_remove_all (pending->self->feed_cache);
  if (result->rev > 0)
    set_etag (pending->msg, result->rev);
  respond (pending->msg, result->status, g_strdup (result->body));
  soup_server_message_unpause (pending->msg);

  g_object_unref (pending->msg);
  g_object_unref (pending->self);
  g_free (pending);
}

/* "\"12\"" → 12; anything else is -1.  Weak tags make no sense here. */
static gint64
parse_etag (const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;
  g_autofree char *digits = NULL;
  guint64 value;

  if (len < 3 || text[0] != '"' || text[len - 1] != '"')
    return -1;
  digits = g_strndup (text + 1, len - 2);
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &value, NULL))
    return -1;
  return value;
}

static JsonNode *
read_json (SoupServerMessage *msg)
{
  static const PoiseJsonLimits limits = { POISE_SERVER_MAX_BODY, POISE_JSON_MAX_DEPTH };
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;

  if (g_bytes_get_size (bytes) > POISE_SERVER_MAX_BODY)
    {
      respond_error (msg, 413, "payload_too_large", "Request bodies are limited to 1 MiB");
      return NULL;
    }
  if ((root = poise_json_parse_guarded (bytes, &limits, &error)) == NULL)
    {
      message = g_strdup_printf ("The body is not acceptable JSON: %s", error->message);
      respond_error (msg, 400, "invalid_json", message);
      return NULL;
    }
  return root;
}

static void
handle_write (PoiseServer       *self,
              SoupServerMessage *msg,
              PoiseServerUser   *user,
              const char        *kind,
              const char        *uuid)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  const char *if_match = soup_message_headers_get_one (headers, "If-Match");
  const char *if_none_match = soup_message_headers_get_one (headers, "If-None-Match");
  gboolean is_delete = soup_server_message_get_method (msg) == SOUP_METHOD_DELETE;
  g_autoptr(PoiseServerWrite) write = NULL;
  g_autoptr(JsonNode) root = NULL;
  PendingWrite *pending;

  if (key == NULL || !g_uuid_string_is_valid (key))
    {
      respond_error (msg, 400, "bad_request", "Every write needs an Idempotency-Key header with a UUID");
      return;
    }

  write = g_new0 (PoiseServerWrite, 1);
  write->kind = g_strdup (kind);
  write->uuid = g_strdup (uuid);
  write->user = g_strdup (user->name);
  write->supervisor = g_str_equal (user->role, "supervisor");
  write->idempotency_key = g_ascii_strdown (key, -1);
  write->is_delete = is_delete;
  write->if_match = -1;

  if (if_none_match != NULL && (is_delete || if_match != NULL || !g_str_equal (if_none_match, "*")))
    {
      respond_error (msg, 400, "bad_request",
                     "If-None-Match must be * and only on a PUT without If-Match");
      return;
    }
  write->if_none_match = if_none_match != NULL;
  if (if_match != NULL && (write->if_match = parse_etag (if_match)) < 0)
    {
      respond_error (msg, 400, "bad_request", "If-Match must be one revision, like \"3\"");
      return;
    }
  if (!write->if_none_match && write->if_match < 0)
    {
      respond_error (msg, 428, "precondition_required",
                     is_delete ? "A delete needs If-Match: \"REV\""
                               : "A write needs If-None-Match: * (create) or If-Match: \"REV\" (update)");
      return;
    }

  if (!is_delete)
    {
      g_autoptr(GString) problems = g_string_new (NULL);

      if ((root = read_json (msg)) == NULL)
        return;
      if (g_str_equal (kind, "note"))
        write->record = poise_record_check_note (root, uuid, problems);
      else
        write->record = poise_record_check_followup (root, uuid, problems);
      if (write->record == NULL)
        {
          respond_error (msg, 422, "invalid_fields", problems->str);
          return;
        }
      if (g_str_equal (kind, "followup"))
        write->assignee = g_strdup (json_object_get_string_member_with_default (write->record,
                                                                                "assignee", NULL));
    }

  if (self->stopped)
    {
      respond_error (msg, 503, "unavailable", "The server is stopping; try again");
      return;
    }

  pending = g_new0 (PendingWrite, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  poise_server_storage_write (self->storage, g_steal_pointer (&write), write_done_cb, pending);
}

/* Handlers */

static void
handle_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  PoiseServer *self = user_data;
  g_autoptr(PoiseServerUser) user = NULL;
  g_autofree char *uuid = NULL;
  const char *kind = NULL;
  Route route = parse_route (path, &kind, &uuid);

  if (route == ROUTE_NONE)
    {
      respond_error (msg, 404, "not_found", "No such resource");
      return;
    }
  if (route != ROUTE_LIBRARY && !method_allowed (msg, route))
    return;

  if (route == ROUTE_HEALTH)
    {
      handle_health (self, msg);
      return;
    }

  if ((user = authenticate (self, msg)) == NULL)
    return;

  switch (route)
    {
    case ROUTE_ME:
      handle_me (self, msg, user);
      break;
    case ROUTE_USERS:
      handle_users (self, msg);
      break;
    case ROUTE_CHANGES:
      handle_changes (self, msg, query);
      break;
    case ROUTE_LIVE:
      /* Authenticated: leaving the status unset lets SoupServer go on with
       * the WebSocket handshake.  What is no handshake gets our 400 with a
       * JSON body rather than libsoup's bare one. */
      {
        g_autoptr(GError) error = NULL;

        if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
          respond_error (msg, 400, "bad_request", "This path only takes a WebSocket handshake");
      }
      break;
    case ROUTE_LIBRARY:
      poise_server_library_handle (self->library, msg, path, user);
      break;
    case ROUTE_RECORD:
      if (soup_server_message_get_method (msg) == SOUP_METHOD_GET)
        handle_get_record (self, msg, kind, uuid);
      else
        handle_write (self, msg, user, kind, uuid);
      break;
    case ROUTE_NONE:
    case ROUTE_HEALTH:
    default:
      g_assert_not_reached ();
    }
}

static void
live_cb (SoupServer              *soup,
         SoupServerMessage       *msg,
         const char              *path,
         SoupWebsocketConnection *connection,
         gpointer                 user_data)
{
  PoiseServer *self = user_data;

  poise_live_hub_add (self->hub, connection);
}

static void
committed_cb (gint64   last_seq,
              gpointer user_data)
{
  PoiseServer *self = user_data;

  g_hash_table_remove_all (self->feed_cache);
  if (!self->stopped)
    poise_live_hub_poke (self->hub, last_seq);
}

/* GObject */

static void
poise_server_dispose (GObject *object)
{
  PoiseServer *self = (PoiseServer *) object;

  poise_server_stop (self);
  g_clear_object (&self->library);
  g_clear_object (&self->hub);
  g_clear_object (&self->soup);
  g_clear_object (&self->throttle);
  g_clear_object (&self->reaper);
  g_clear_object (&self->storage);
  g_clear_pointer (&self->feed_cache, g_hash_table_unref);

  G_OBJECT_CLASS (poise_server_parent_class)->dispose (object);
}

static void
poise_server_class_init (PoiseServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_server_dispose;
}

static void
poise_server_init (PoiseServer *self)
{
  self->hub = poise_live_hub_new ();
  self->throttle = poise_auth_throttle_new ();
  self->reaper = poise_socket_reaper_new (REAP_INTERVAL_MS);
  self->feed_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_bytes_unref);
}

/* Public API */

/**
 * poise_server_new:
 * @storage: opened storage; its writer thread is started here
 */
PoiseServer *
poise_server_new (PoiseServerStorage *storage)
{
  PoiseServer *self;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (storage), NULL);

  self = g_object_new (POISE_TYPE_SERVER, NULL);
  self->storage = g_object_ref (storage);
  self->library = poise_server_library_new (storage, self->hub);
  poise_server_storage_start_writer (storage, committed_cb, self);
  return self;
}

gboolean
poise_server_listen (PoiseServer      *self,
                     const char       *address,
                     guint             port,
                     GTlsCertificate  *certificate,
                     GError          **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocket) listener = NULL;

  g_return_val_if_fail (POISE_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if ((inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }

  self->soup = soup_server_new ("server-header", "poise-server", NULL);
  if (certificate != NULL)
    soup_server_set_tls_certificate (self->soup, certificate);
  g_signal_connect_object (self->soup, "request-started",
                           G_CALLBACK (on_request_started_cb), self, 0);
  /* The live path has a normal handler too: it runs before the WebSocket
   * handshake, and a status it sets (401, 429) stops the upgrade. */
  soup_server_add_handler (self->soup, NULL, handle_cb, self, NULL);
  soup_server_add_handler (self->soup, API "/live", handle_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, API "/live", NULL, NULL, live_cb, self, NULL);

  /* Our own socket for a longer accept queue than GSocket's default of
   * 10: after a restart every client's live socket reconnects at once, and
   * SYNs dropped from a full queue are retried only after a second. */
  socket_address = g_inet_socket_address_new (inet, port);
  listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return FALSE;
  g_socket_set_listen_backlog (listener, LISTEN_BACKLOG);
  if (!g_socket_bind (listener, socket_address, TRUE, error) ||
      !g_socket_listen (listener, error))
    return FALSE;
  return soup_server_listen_socket (self->soup, listener,
                                    certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

char *
poise_server_get_uri (PoiseServer *self)
{
  GSList *uris;
  char *text = NULL;

  g_return_val_if_fail (POISE_IS_SERVER (self), NULL);

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return text;
}

/**
 * poise_server_set_trust_proxy:
 *
 * Take the client's address for throttling from X-Real-IP when the peer
 * is a proxy on loopback.
 */
void
poise_server_set_trust_proxy (PoiseServer *self,
                              gboolean     trust_proxy)
{
  g_return_if_fail (POISE_IS_SERVER (self));
  self->trust_proxy = !!trust_proxy;
}

SoupServer *
poise_server_get_soup_server (PoiseServer *self)
{
  g_return_val_if_fail (POISE_IS_SERVER (self), NULL);
  return self->soup;
}

void
poise_server_stop (PoiseServer *self)
{
  g_return_if_fail (POISE_IS_SERVER (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  if (self->library != NULL)
    poise_server_library_stop (self->library);

  /* Commit what is queued, then let its answers go out before the
   * connections close: a client told nothing would only retry, but one
   * told "stored" need not. */
  if (self->storage != NULL)
    poise_server_storage_stop_writer (self->storage);
  if (self->soup != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + STOP_DRAIN_US;

      while (g_get_monotonic_time () < deadline &&
             g_main_context_iteration (NULL, FALSE))
        ;
      soup_server_disconnect (self->soup);
    }
}

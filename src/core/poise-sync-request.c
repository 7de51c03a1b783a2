/* poise-sync-request.c: one HTTP exchange with the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every answer goes through the JSON guard before json-glib sees it, and
 * every failure becomes one of a few errors whose message says what failed
 * and what to do; the sync client and the connection test show them.
 */
#define G_LOG_DOMAIN "poise-sync"

#include "config.h"

#include "poise-json-guard.h"
#include "poise-sync-request-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A page of 1,000 changes of large notes fits; anything bigger is not an
 * answer we asked for. */
#define REPLY_MAX_BYTES (128 * 1024 * 1024)

G_DEFINE_QUARK (poise-sync-error-quark, poise_sync_error)

void
_poise_sync_reply_free (PoiseSyncReply *reply)
{
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}

char *
_poise_sync_build_url (const char *url,
                       const char *path)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *base = NULL;

  if (url == NULL || (uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL)) == NULL)
    return NULL;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    return NULL;
  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;

  /* The API lives at /api/v1 from the server's root, whatever path the
   * agent typed after it. */
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  if (g_str_has_suffix (base, "/api/v1"))
    base[strlen (base) - strlen ("/api/v1")] = '\0';
  return g_strconcat (base, path, NULL);
}

gboolean
_poise_sync_set_garbage (GError     **error,
                         const char  *url,
                         const char  *detail)
{
  g_set_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_NOT_POISE,
               /* Translators: %s are an address and what was wrong (in English) */
               _("The server at %s did not answer like a Poise team server (%s). "
                 "Check the server address."), url, detail);
  return FALSE;
}

const char *
_poise_sync_get_string (JsonNode   *object,
                        const char *member)
{
  JsonNode *node;

  if (object == NULL || !JSON_NODE_HOLDS_OBJECT (object))
    return NULL;
  node = json_object_get_member (json_node_get_object (object), member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
_poise_sync_get_int (JsonNode   *object,
                     const char *member,
                     gint64     *value)
{
  JsonNode *node;

  if (object == NULL || !JSON_NODE_HOLDS_OBJECT (object))
    return FALSE;
  node = json_object_get_member (json_node_get_object (object), member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
_poise_sync_parse_changes_page (JsonNode   *root,
                                gint64      since,
                                JsonArray **changes,
                                gint64     *last_seq,
                                gboolean   *more)
{
  JsonNode *array, *flag;
  gint64 seq = since;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  array = json_object_get_member (json_node_get_object (root), "changes");
  flag = json_object_get_member (json_node_get_object (root), "more");
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array) ||
      !_poise_sync_get_int (root, "last_seq", last_seq) || *last_seq < 0 ||
      flag == NULL || !JSON_NODE_HOLDS_VALUE (flag) || json_node_get_value_type (flag) != G_TYPE_BOOLEAN)
    return FALSE;
  *changes = json_node_get_array (array);
  *more = json_node_get_boolean (flag);

  /* The cursor must never pass a change it did not apply: the seqs go up
   * from @since and last_seq is the last of them (or at most @since). */
  for (guint i = 0; i < json_array_get_length (*changes); i++)
    {
      gint64 next;

      if (!_poise_sync_get_int (json_array_get_element (*changes, i), "seq", &next) || next <= seq)
        return FALSE;
      seq = next;
    }
  if (json_array_get_length (*changes) > 0 ? *last_seq != seq : *last_seq > since)
    return FALSE;
  return TRUE;
}

/* A transport failure as one of our errors. */
static void
set_transport_error (GError     **error,
                     const char  *url,
                     GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_TIMEOUT,
                 /* Translators: %s is the server's address */
                 _("The team server at %s did not answer in time. Poise keeps your "
                   "changes and tries again."), url);
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_TLS,
                 /* Translators: %s are the address and the TLS library's message */
                 _("The secure connection to %s failed (%s). Check the address and the "
                   "server's certificate."), url, cause->message);
  else
    g_set_error (error, POISE_SYNC_ERROR, POISE_SYNC_ERROR_UNREACHABLE,
                 /* Translators: %s are the address and the system's message */
                 _("Could not reach the team server at %s (%s). Check the address and "
                   "the network; Poise keeps your changes and tries again."),
                 url, cause->message);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  static const PoiseJsonLimits limits = { REPLY_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (msg));
  g_autoptr(PoiseSyncReply) reply = g_new0 (PoiseSyncReply, 1);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_autoptr(GError) ours = NULL;

          set_transport_error (&ours, url, error);
          g_task_return_error (task, g_steal_pointer (&ours));
        }
      return;
    }

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_UNAUTHORIZED,
                               _("The team server refused the token. Ask your administrator "
                                 "for a new one and enter it in the preferences."));
      return;
    }
  if (status >= 500)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_SERVER,
                               /* Translators: %u is an HTTP status, %s the address */
                               _("The team server had a problem (HTTP %u at %s). Poise keeps "
                                 "your changes and tries again."), status, url);
      return;
    }

  reply->status = status;
  reply->json = poise_json_parse_guarded (bytes, &limits, &error);
  if (reply->json == NULL || !JSON_NODE_HOLDS_OBJECT (reply->json))
    {
      g_autoptr(GError) ours = NULL;

      _poise_sync_set_garbage (&ours, url, error != NULL ? error->message : "not an object");
      g_task_return_error (task, g_steal_pointer (&ours));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status) && status != SOUP_STATUS_FORBIDDEN &&
      status != SOUP_STATUS_PRECONDITION_FAILED)
    {
      JsonNode *error_node = json_object_get_member (json_node_get_object (reply->json), "error");
      const char *message = _poise_sync_get_string (error_node, "message");

      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_REFUSED,
                               /* Translators: %u is an HTTP status, %s the server's
                                * explanation (in English) */
                               _("The team server refused the request (HTTP %u: %s)."),
                               status, message != NULL ? message : soup_status_get_phrase (status));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) _poise_sync_reply_free);
}

void
_poise_sync_send_async (SoupSession         *session,
                        const char          *method,
                        const char          *url,
                        const char          *token,
                        JsonNode            *body,
                        const char          *idempotency_key,
                        gint64               if_match,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (session, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, _poise_sync_send_async);

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, POISE_SYNC_ERROR, POISE_SYNC_ERROR_INVALID_URL,
                               /* Translators: %s is what the agent typed as the address */
                               _("\"%s\" is not a server address. Enter one like "
                                 "https://poise.example.com."), url);
      return;
    }
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (if_match == 0)
    soup_message_headers_replace (headers, "If-None-Match", "*");
  else if (if_match > 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", if_match);

      soup_message_headers_replace (headers, "If-Match", etag);
    }
  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize length = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    read_cb, g_steal_pointer (&task));
}

PoiseSyncReply *
_poise_sync_send_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* poise-library-client.c: the team server's script library API
 *
 * One small client per use (the updater, the editor): it holds no state
 * but the server and token. Every answer goes through the JSON guard;
 * library bytes are handed back untouched so that the caller validates
 * and caches exactly what the server sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-library-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "poise-json-guard.h"
#include "poise-library-client.h"
#include "poise-sync-request-private.h"

/* Error answers and the version list are small; a library is not. */
#define REPLY_MAX_BYTES (4 * 1024 * 1024)
#define TIMEOUT_SECONDS 30

struct _PoiseLibraryClient
{
  GObject      parent_instance;

  char        *url;
  char        *token;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (PoiseLibraryClient, poise_library_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (poise-library-client-error-quark, poise_library_client_error)

void
poise_library_version_free (PoiseLibraryVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->author);
  g_free (version->message);
  g_free (version->published_at);
  g_free (version->sha256);
  g_free (version);
}

/* One exchange */

typedef struct {
  SoupMessage *msg;
  GBytes      *body;
  guint        status;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_clear_object (&exchange->msg);
  g_clear_pointer (&exchange->body, g_bytes_unref);
  g_free (exchange);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (exchange->body == NULL)
    {
      g_autofree char *url = g_uri_to_string (soup_message_get_uri (exchange->msg));

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, POISE_LIBRARY_CLIENT_ERROR,
                                 POISE_LIBRARY_CLIENT_ERROR_NETWORK,
                                 /* Translators: %s is the server's address, then why */
                                 _("Could not reach the team server at %s: %s. Check the "
                                   "network; Poise tries again when it is back."),
                                 url, error->message);
      return;
    }
  exchange->status = soup_message_get_status (exchange->msg);
  g_task_return_boolean (task, TRUE);
}

static void
send (PoiseLibraryClient  *self,
      const char          *method,
      const char          *path,
      GBytes              *body,
      gint64               if_none_match,
      gpointer             source_tag,
      GCancellable        *cancellable,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = _poise_sync_build_url (self->url, path);
  Exchange *exchange = g_new0 (Exchange, 1);
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  if (url == NULL || (exchange->msg = soup_message_new (method, url)) == NULL)
    {
      g_task_return_new_error (task, POISE_LIBRARY_CLIENT_ERROR,
                               POISE_LIBRARY_CLIENT_ERROR_NETWORK,
                               _("\"%s\" is not a server address. Enter one like "
                                 "https://poise.example.com."), self->url);
      return;
    }
  headers = soup_message_get_request_headers (exchange->msg);
  if (self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (if_none_match > 0)
    {
      g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", if_none_match);

      soup_message_headers_replace (headers, "If-None-Match", etag);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (exchange->msg, "application/json", body);

  soup_session_send_and_read_async (self->session, exchange->msg, G_PRIORITY_DEFAULT,
                                    cancellable, sent_cb, g_steal_pointer (&task));
}

static JsonNode *
parse_body (Exchange *exchange)
{
  static const PoiseJsonLimits limits = { REPLY_MAX_BYTES, POISE_JSON_MAX_DEPTH };

  return poise_json_parse_guarded (exchange->body, &limits, NULL);
}

static GPtrArray *
read_problems (JsonNode *error_node)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);
  JsonArray *array;

  if (error_node == NULL || !JSON_NODE_HOLDS_OBJECT (error_node) ||
      !json_object_has_member (json_node_get_object (error_node), "problems") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (error_node), "problems")))
    return problems;

  array = json_object_get_array_member (json_node_get_object (error_node), "problems");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *path = _poise_sync_get_string (item, "path");
      const char *message = _poise_sync_get_string (item, "message");
      PoiseProblem *problem;

      if (message == NULL)
        continue;
      problem = g_new0 (PoiseProblem, 1);
      problem->severity = g_strcmp0 (_poise_sync_get_string (item, "severity"), "incomplete") == 0
        ? POISE_PROBLEM_INCOMPLETE : POISE_PROBLEM_ERROR;
      problem->path = g_strdup (path != NULL ? path : "");
      problem->message = g_strdup (message);
      g_ptr_array_add (problems, problem);
    }
  return problems;
}

/* A non-2xx answer as an error; @problems gets a 422's list. */
static gboolean
check_status (Exchange   *exchange,
              GPtrArray **problems,
              GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonNode *error_node = NULL;
  const char *message = NULL;
  const char *code = NULL;
  guint status = exchange->status;

  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == SOUP_STATUS_NOT_MODIFIED)
    return TRUE;

  root = parse_body (exchange);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    error_node = json_object_get_member (json_node_get_object (root), "error");
  message = _poise_sync_get_string (error_node, "message");
  code = _poise_sync_get_string (error_node, "code");
  if (message == NULL)
    message = soup_status_get_phrase (status);

  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_FORBIDDEN,
                   _("The team server refused the token. Ask your administrator for a new "
                     "one and enter it in the preferences."));
      break;
    case SOUP_STATUS_FORBIDDEN:
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_FORBIDDEN,
                   _("Only supervisors can publish scripts. Ask a supervisor to publish "
                     "your changes; your draft is kept."));
      break;
    case SOUP_STATUS_CONFLICT:
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_STALE,
                   _("Someone published new scripts since you started editing. Reload "
                     "them and make your changes again, or publish over them."));
      break;
    case SOUP_STATUS_NOT_FOUND:
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_NOT_FOUND,
                   _("The team server has no such script version."));
      break;
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      if (problems != NULL)
        *problems = read_problems (error_node);
      if (g_strcmp0 (code, "incomplete_library") == 0)
        g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_INCOMPLETE,
                     _("Some texts are missing in one of the languages. Add them, or "
                       "publish anyway."));
      else
        /* Translators: %s is the server's explanation (in English) */
        g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_REJECTED,
                     _("The team server rejected the scripts: %s"), message);
      break;
    default:
      /* Translators: %u is an HTTP status, %s the server's explanation */
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_SERVER,
                   _("The team server could not do it (HTTP %u: %s). Try again later."),
                   status, message);
      break;
    }
  return FALSE;
}

/* GObject */

static void
poise_library_client_finalize (GObject *object)
{
  PoiseLibraryClient *self = POISE_LIBRARY_CLIENT (object);

  g_free (self->url);
  g_free (self->token);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (poise_library_client_parent_class)->finalize (object);
}

static void
poise_library_client_class_init (PoiseLibraryClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_library_client_finalize;
}

static void
poise_library_client_init (PoiseLibraryClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Poise/%s ", PACKAGE_VERSION);

  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "timeout", TIMEOUT_SECONDS,
                                "idle-timeout", 60,
                                "user-agent", user_agent,
                                NULL);
}

PoiseLibraryClient *
poise_library_client_new (const char *url,
                          const char *token)
{
  PoiseLibraryClient *self;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (POISE_TYPE_LIBRARY_CLIENT, NULL);
  self->url = g_strdup (url);
  self->token = g_strdup (token);
  return self;
}

/* Fetch */

void
poise_library_client_fetch_async (PoiseLibraryClient  *self,
                                  gint64               version,
                                  gint64               if_none_match,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (POISE_IS_LIBRARY_CLIENT (self));

  if (version > 0)
    path = g_strdup_printf ("/api/v1/library/versions/%" G_GINT64_FORMAT, version);
  else
    path = g_strdup ("/api/v1/library");
  send (self, SOUP_METHOD_GET, path, NULL, if_none_match, poise_library_client_fetch_async,
        cancellable, callback, user_data);
}

/**
 * poise_library_client_fetch_finish:
 * @version: (out) (optional): the version the server sent (its ETag)
 *
 * Returns: (transfer full) (nullable): the library's bytes; %NULL without
 *   an error when the server answered 304 Not Modified
 */
GBytes *
poise_library_client_fetch_finish (PoiseLibraryClient  *self,
                                   GAsyncResult        *result,
                                   gint64              *version,
                                   GError             **error)
{
  Exchange *exchange = g_task_get_task_data (G_TASK (result));
  const char *etag;
  gint64 number = 0;

  if (!g_task_propagate_boolean (G_TASK (result), error) ||
      !check_status (exchange, NULL, error))
    return NULL;
  if (exchange->status == SOUP_STATUS_NOT_MODIFIED)
    return NULL;

  etag = soup_message_headers_get_one (soup_message_get_response_headers (exchange->msg), "ETag");
  if (etag != NULL)
    {
      if (g_str_has_prefix (etag, "W/"))
        etag += 2;
      if (*etag == '"')
        etag++;
      number = g_ascii_strtoll (etag, NULL, 10);
    }
  if (number <= 0)
    {
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_SERVER,
                   _("The team server sent scripts without a version. Is it a Poise server?"));
      return NULL;
    }
  if (version != NULL)
    *version = number;
  return g_bytes_ref (exchange->body);
}

/* Versions */

void
poise_library_client_list_versions_async (PoiseLibraryClient  *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (POISE_IS_LIBRARY_CLIENT (self));

  send (self, SOUP_METHOD_GET, "/api/v1/library/versions", NULL, 0,
        poise_library_client_list_versions_async, cancellable, callback, user_data);
}

/**
 * poise_library_client_list_versions_finish:
 *
 * Returns: (transfer container) (element-type PoiseLibraryVersion):
 */
GPtrArray *
poise_library_client_list_versions_finish (PoiseLibraryClient  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  Exchange *exchange = g_task_get_task_data (G_TASK (result));
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  JsonArray *array;

  if (!g_task_propagate_boolean (G_TASK (result), error) ||
      !check_status (exchange, NULL, error))
    return NULL;

  root = parse_body (exchange);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_SERVER,
                   _("The team server's list of script versions is unreadable."));
      return NULL;
    }

  versions = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_library_version_free);
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      PoiseLibraryVersion *version;
      gint64 number;

      if (!_poise_sync_get_int (item, "version", &number) || number <= 0)
        continue;
      version = g_new0 (PoiseLibraryVersion, 1);
      version->version = number;
      version->author = g_strdup (_poise_sync_get_string (item, "author"));
      version->message = g_strdup (_poise_sync_get_string (item, "message"));
      version->published_at = g_strdup (_poise_sync_get_string (item, "published_at"));
      version->sha256 = g_strdup (_poise_sync_get_string (item, "sha256"));
      g_ptr_array_add (versions, version);
    }
  return g_steal_pointer (&versions);
}

/* Publish */

void
poise_library_client_publish_async (PoiseLibraryClient  *self,
                                    gint64               base_version,
                                    const char          *message,
                                    GBytes              *library,
                                    gint64               rollback_to,
                                    gboolean             allow_incomplete,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonNode) message_node = json_node_init_string (json_node_alloc (), message);
  g_autofree char *quoted = json_to_string (message_node, FALSE);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (POISE_IS_LIBRARY_CLIENT (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (library != NULL || rollback_to > 0);

  /* The library goes in as its own text: what the editor wrote is what
   * the server validates and stores. */
  g_string_append_printf (body, "{\"base_version\":%" G_GINT64_FORMAT ",\"message\":%s",
                          base_version, quoted);
  if (allow_incomplete)
    g_string_append (body, ",\"allow_incomplete\":true");
  if (library != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (library, &length);

      g_string_append (body, ",\"library\":");
      g_string_append_len (body, data, length);
    }
  else
    g_string_append_printf (body, ",\"rollback_to\":%" G_GINT64_FORMAT, rollback_to);
  g_string_append_c (body, '}');

  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  send (self, SOUP_METHOD_POST, "/api/v1/library/versions", bytes, 0,
        poise_library_client_publish_async, cancellable, callback, user_data);
}

gint64
poise_library_client_publish_finish (PoiseLibraryClient  *self,
                                     GAsyncResult        *result,
                                     GPtrArray          **problems,
                                     GError             **error)
{
  Exchange *exchange = g_task_get_task_data (G_TASK (result));
  g_autoptr(JsonNode) root = NULL;
  gint64 version = 0;

  if (!g_task_propagate_boolean (G_TASK (result), error) ||
      !check_status (exchange, problems, error))
    return 0;

  root = parse_body (exchange);
  if (root == NULL || !_poise_sync_get_int (root, "version", &version) || version <= 0)
    {
      g_set_error (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_SERVER,
                   _("The team server published the scripts but did not say as which "
                     "version. Reload them to check."));
      return 0;
    }
  return version;
}

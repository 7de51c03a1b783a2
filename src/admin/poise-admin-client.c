/* poise-admin-client.c: poise-admin's requests to poise-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every way a request can fail gets its own message (what happened, what
 * to do next) and its own exit status, so a CI job can tell "someone
 * published first" from "the server is down".  Answers are read with the
 * JSON guard: a proxy's HTML page or a stranger's server is reported as
 * "not a Poise server", never half-parsed.
 */
#define G_LOG_DOMAIN "poise-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "poise-admin-client.h"
#include "poise-json-guard.h"

#define TIMEOUT_S      60
#define MAX_TOKEN_FILE 4096

struct _PoiseAdminClient
{
  SoupSession *session;
  char        *server;   /* as given, for messages */
  char        *base;     /* ".../api/v1" */
  char        *auth;     /* "Bearer …" */
};

static char *
read_token (const PoiseAdminOptions *options,
            int                     *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  const char *env;

  if (options->token_file != NULL)
    {
      if (!g_file_get_contents (options->token_file, &text, &length, &error))
        {
          /* Translators: %s are the file and the reason */
          g_printerr (_("poise-admin: could not read the token file %s: %s\n"),
                      options->token_file, error->message);
          *exit_status = POISE_ADMIN_EXIT_AUTH;
          return NULL;
        }
      if (length > MAX_TOKEN_FILE || memchr (text, '\0', length) != NULL)
        text[0] = '\0';
      g_strstrip (text);
    }
  else if ((env = g_getenv ("POISE_TOKEN")) != NULL)
    text = g_strstrip (g_strdup (env));

  if (text == NULL || text[0] == '\0' || strpbrk (text, "\r\n") != NULL)
    {
      g_printerr (_("poise-admin: no token: set POISE_TOKEN or use --token-file FILE "
                    "(ask the server's administrator for one with “poise-server user add”)\n"));
      *exit_status = POISE_ADMIN_EXIT_AUTH;
      return NULL;
    }
  return g_steal_pointer (&text);
}

PoiseAdminClient *
poise_admin_client_new (const PoiseAdminOptions *options,
                        int                     *exit_status)
{
  g_autoptr(PoiseAdminClient) self = g_new0 (PoiseAdminClient, 1);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *token = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme;

  if (options->server == NULL)
    {
      g_printerr (_("poise-admin: this command needs the server: poise-admin --server URL …\n"));
      *exit_status = POISE_ADMIN_EXIT_USAGE;
      return NULL;
    }
  uri = g_uri_parse (options->server, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_query (uri) != NULL)
    {
      /* Translators: %s is what was given with --server */
      g_printerr (_("poise-admin: “%s” is not a server address; give one like https://poise.example.com\n"),
                  options->server);
      *exit_status = POISE_ADMIN_EXIT_USAGE;
      return NULL;
    }
  if ((token = read_token (options, exit_status)) == NULL)
    return NULL;

  /* https://host, https://host/ and https://host/api/v1 all work. */
  trimmed = g_strdup (options->server);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';
  self->base = g_str_has_suffix (trimmed, "/api/v1") ? g_strdup (trimmed)
                                                     : g_strconcat (trimmed, "/api/v1", NULL);
  self->server = g_strdup (options->server);
  self->auth = g_strconcat ("Bearer ", token, NULL);
  self->session = soup_session_new_with_options ("timeout", TIMEOUT_S,
                                                 "user-agent", "poise-admin/" PACKAGE_VERSION,
                                                 NULL);
  return g_steal_pointer (&self);
}

void
poise_admin_client_free (PoiseAdminClient *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->session);
  g_free (self->server);
  g_free (self->base);
  if (self->auth != NULL)
    memset (self->auth, 0, strlen (self->auth));
  g_free (self->auth);
  g_free (self);
}

JsonNode *
poise_admin_client_parse (PoiseAdminClient *self,
                          GBytes           *bytes,
                          int              *exit_status)
{
  static const PoiseJsonLimits limits = { 0, POISE_JSON_MAX_DEPTH + 1 };
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if ((root = poise_json_parse_guarded (bytes, &limits, &error)) == NULL)
    {
      *exit_status = poise_admin_client_garbled (self);
      return NULL;
    }
  return root;
}

int
poise_admin_client_garbled (PoiseAdminClient *self)
{
  /* Translators: %s is the server address */
  g_printerr (_("poise-admin: %s does not look like a Poise server: its answer makes no sense; "
                "check the address\n"), self->server);
  return POISE_ADMIN_EXIT_PROTOCOL;
}

gint64
poise_admin_json_int (JsonObject *object,
                      const char *member,
                      gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

const char *
poise_admin_json_string (JsonObject *object,
                         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The {"error":{"code","message"}} of a Poise error answer, or NULL. */
static JsonObject *
poise_error (JsonNode *root)
{
  JsonObject *error;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "error") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "error")))
    return NULL;
  error = json_object_get_object_member (json_node_get_object (root), "error");
  if (poise_admin_json_string (error, "code") == NULL ||
      poise_admin_json_string (error, "message") == NULL)
    return NULL;
  return error;
}

/* Prints the problems of a 422 as "PATH: MESSAGE", one a line. */
static void
print_problems (JsonObject *error)
{
  JsonNode *node = json_object_get_member (error, "problems");
  JsonArray *problems;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  problems = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (problems); i++)
    {
      JsonNode *item = json_array_get_element (problems, i);
      const char *path, *message;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      path = poise_admin_json_string (json_node_get_object (item), "path");
      message = poise_admin_json_string (json_node_get_object (item), "message");
      if (message == NULL)
        continue;
      if (path != NULL && path[0] != '\0')
        g_printerr ("%s: %s\n", path, message);
      else
        g_printerr ("%s\n", message);
    }
}

static int
report (PoiseAdminClient *self,
        SoupMessage      *msg,
        GBytes           *body)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *error = NULL;
  const char *code = NULL;
  const char *message = NULL;

  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      static const PoiseJsonLimits limits = { 0, POISE_JSON_MAX_DEPTH };

      root = poise_json_parse_guarded (body, &limits, NULL);
      if ((error = poise_error (root)) != NULL)
        {
          code = json_object_get_string_member (error, "code");
          message = json_object_get_string_member (error, "message");
        }
    }

  if (status >= 500)
    {
      /* Translators: %u %s are an HTTP status like "502 Bad Gateway" */
      g_printerr (_("poise-admin: the server failed (%u %s); try again later, or ask its "
                    "administrator to look at its log\n"),
                  status, soup_message_get_reason_phrase (msg));
      if (message != NULL)
        g_printerr ("%s\n", message);
      return POISE_ADMIN_EXIT_SERVER;
    }
  if (status == 413)
    {
      g_printerr (_("poise-admin: the server (or a proxy in front of it) refused the upload as "
                    "too large (413); a library may be at most 8 MiB\n"));
      return POISE_ADMIN_EXIT_TOO_LARGE;
    }
  /* Everything else must be one of our own error answers. */
  if (error == NULL)
    {
      /* Translators: %s is the server address; %u %s an HTTP status */
      g_printerr (_("poise-admin: %s does not look like a Poise server (it answered %u %s); "
                    "check the address\n"),
                  self->server, status, soup_message_get_reason_phrase (msg));
      return POISE_ADMIN_EXIT_PROTOCOL;
    }

  switch (status)
    {
    case 401:
      g_printerr (_("poise-admin: the server refused the token (401); check POISE_TOKEN or "
                    "--token-file, or ask the administrator for a new token\n"));
      return POISE_ADMIN_EXIT_AUTH;
    case 429:
      g_printerr (_("poise-admin: too many failed logins from this address (429); wait a few "
                    "minutes and check the token\n"));
      return POISE_ADMIN_EXIT_AUTH;
    case 403:
      g_printerr (_("poise-admin: only supervisors can publish (403); this token belongs to "
                    "an agent\n"));
      return POISE_ADMIN_EXIT_FORBIDDEN;
    case 409:
      {
        gint64 current = poise_admin_json_int (json_node_get_object (root), "current_version", -1);

        /* Translators: %lld is a library version number */
        g_printerr (_("poise-admin: someone published version %lld since you pulled; pull, "
                      "merge and push again\n"), (long long) current);
        return POISE_ADMIN_EXIT_CONFLICT;
      }
    case 404:
      g_printerr (_("poise-admin: there is no such version on the server (404)\n"));
      return POISE_ADMIN_EXIT_NOT_FOUND;
    case 422:
      if (g_strcmp0 (code, "incomplete_library") == 0)
        g_printerr (_("poise-admin: the server refused the library: some texts are missing in "
                      "one of its languages; add them, or push with --allow-incomplete\n"));
      else
        g_printerr (_("poise-admin: the server refused the library; fix every problem below "
                      "and push again\n"));
      if (!json_object_has_member (error, "problems"))
        g_printerr ("%s\n", message);
      print_problems (error);
      return POISE_ADMIN_EXIT_REJECTED;
    default:
      /* Translators: %u %s are an HTTP status, the last %s the server's explanation */
      g_printerr (_("poise-admin: the server refused the request (%u %s): %s\n"),
                  status, soup_message_get_reason_phrase (msg), message);
      return POISE_ADMIN_EXIT_FAILURE;
    }
}

GBytes *
poise_admin_client_send (PoiseAdminClient    *self,
                         const char          *method,
                         const char          *path,
                         GBytes              *body,
                         guint                expected,
                         SoupMessageHeaders **headers,
                         int                 *exit_status)
{
  g_autofree char *url = g_strconcat (self->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (msg == NULL)
    {
      /* Translators: %s is the server address */
      g_printerr (_("poise-admin: “%s” is not a server address; give one like https://poise.example.com\n"),
                  self->server);
      *exit_status = POISE_ADMIN_EXIT_USAGE;
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", self->auth);
  if (body != NULL)
    {
      g_autofree char *key = g_uuid_string_random ();

      /* Publishes are idempotent by key, should anything retry this. */
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  answer = soup_session_send_and_read (self->session, msg, NULL, &error);
  if (answer == NULL)
    {
      /* A 413 may end the connection while we still upload. */
      if (soup_message_get_status (msg) == 413)
        {
          *exit_status = report (self, msg, NULL);
          return NULL;
        }
      /* Translators: %s are the server address and the reason */
      g_printerr (_("poise-admin: could not reach the server at %s: %s; check the address and "
                    "that poise-server is running\n"), self->server, error->message);
      *exit_status = POISE_ADMIN_EXIT_UNREACHABLE;
      return NULL;
    }
  if (soup_message_get_status (msg) != expected)
    {
      *exit_status = report (self, msg, answer);
      return NULL;
    }
  if (headers != NULL)
    *headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return g_steal_pointer (&answer);
}

gint64
poise_admin_client_current_version (PoiseAdminClient *self,
                                    int              *exit_status)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *versions;
  JsonNode *last;

  if ((bytes = poise_admin_client_send (self, "GET", "/library/versions", NULL, 200, NULL, exit_status)) == NULL ||
      (root = poise_admin_client_parse (self, bytes, exit_status)) == NULL)
    return -1;
  if (!JSON_NODE_HOLDS_ARRAY (root) || json_array_get_length (versions = json_node_get_array (root)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (last = json_array_get_element (versions, json_array_get_length (versions) - 1)) ||
      poise_admin_json_int (json_node_get_object (last), "version", 0) < 1)
    {
      *exit_status = poise_admin_client_garbled (self);
      return -1;
    }
  return poise_admin_json_int (json_node_get_object (last), "version", 0);
}

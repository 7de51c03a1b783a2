/* poise-server-backup.c: agents asking supervisors for backup, live
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   POST /api/v1/backup-requests           any user; 201 {"id",…}
 *   POST /api/v1/backup-requests/{id}/ack  supervisors; 200
 *
 * Both are announced on every live socket.  Requests are not stored: help
 * is needed now or never, and a server restart forgets them (an ack of a
 * forgotten id is 404, so the supervisor knows it went nowhere).
 */
#define G_LOG_DOMAIN "poise-server"

#include "config.h"

#include "poise-server.h"
#include "poise-server-backup.h"
#include "poise-json-guard.h"

#include <string.h>

#define PREFIX "/api/v1/backup-requests"
/* Only so many open requests are remembered for their acks. */
#define MAX_OPEN 1024

struct _PoiseServerBackup
{
  GObject       parent_instance;
  PoiseLiveHub *hub;
  GHashTable   *open;   /* id → requesting user's name */
};

G_DEFINE_FINAL_TYPE (PoiseServerBackup, poise_server_backup, G_TYPE_OBJECT)

static void
respond (SoupServerMessage *msg,
         guint              status,
         char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  respond (msg, status, poise_server_error_json (code, message, NULL));
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* A string member of at most @max characters, or absent/null when
 * !@required; problems are named in @problems. */
static gboolean
check_string (JsonObject  *object,
              const char  *name,
              guint        max,
              gboolean     required,
              const char **value,
              GString     *problems)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_string_append_printf (problems, "%s%s: required", problems->len ? "; " : "", name);
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_string_append_printf (problems, "%s%s: must be a string", problems->len ? "; " : "", name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  if (g_utf8_strlen (*value, -1) > max)
    {
      g_string_append_printf (problems, "%s%s: at most %u characters", problems->len ? "; " : "",
                              name, max);
      return FALSE;
    }
  if (required && **value == '\0')
    {
      g_string_append_printf (problems, "%s%s: must not be empty", problems->len ? "; " : "", name);
      return FALSE;
    }
  return TRUE;
}

static void
handle_request (PoiseServerBackup *self,
                SoupServerMessage *msg,
                PoiseServerUser   *user)
{
  static const PoiseJsonLimits limits = { POISE_SERVER_MAX_BODY, POISE_JSON_MAX_DEPTH };
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  const char *customer_ref, *scenario, *context;
  JsonObject *object;
  gboolean ok;

  if ((root = poise_json_parse_guarded (bytes, &limits, &error)) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The body is not acceptable JSON: %s", error->message);

      respond_error (msg, 400, "invalid_json", message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_error (msg, 422, "invalid_fields", "The body must be a JSON object");
      return;
    }
  object = json_node_get_object (root);
  ok = check_string (object, "customer_ref", POISE_BACKUP_FIELD_MAX, FALSE, &customer_ref, problems);
  ok &= check_string (object, "scenario", POISE_BACKUP_FIELD_MAX, FALSE, &scenario, problems);
  ok &= check_string (object, "context", POISE_BACKUP_CONTEXT_MAX, TRUE, &context, problems);
  if (!ok)
    {
      respond_error (msg, 422, "invalid_fields", problems->str);
      return;
    }

  id = g_uuid_string_random ();
  if (g_hash_table_size (self->open) >= MAX_OPEN)
    g_hash_table_remove_all (self->open);
  g_hash_table_insert (self->open, g_strdup (id), g_strdup (user->name));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "backup_request");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, user->name);
  json_builder_set_member_name (builder, "customer_ref");
  json_builder_add_string_value (builder, customer_ref);
  json_builder_set_member_name (builder, "scenario");
  json_builder_add_string_value (builder, scenario);
  json_builder_set_member_name (builder, "context");
  json_builder_add_string_value (builder, context);
  json_builder_end_object (builder);
  text = builder_to_string (builder);

  poise_live_hub_broadcast (self->hub, text);
  respond (msg, 201, g_steal_pointer (&text));
}

static void
handle_ack (PoiseServerBackup *self,
            SoupServerMessage *msg,
            PoiseServerUser   *user,
            const char        *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  if (!g_str_equal (user->role, "supervisor"))
    {
      respond_error (msg, 403, "forbidden", "Only supervisors acknowledge backup requests");
      return;
    }
  if (!g_hash_table_contains (self->open, id))
    {
      respond_error (msg, 404, "not_found", "No such backup request (the server may have restarted)");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "backup_ack");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "by");
  json_builder_add_string_value (builder, user->name);
  json_builder_end_object (builder);
  text = builder_to_string (builder);

  poise_live_hub_broadcast (self->hub, text);
  respond (msg, 200, g_steal_pointer (&text));
}

/* GObject */

static void
poise_server_backup_dispose (GObject *object)
{
  PoiseServerBackup *self = POISE_SERVER_BACKUP (object);

  g_clear_object (&self->hub);
  g_clear_pointer (&self->open, g_hash_table_unref);

  G_OBJECT_CLASS (poise_server_backup_parent_class)->dispose (object);
}

static void
poise_server_backup_class_init (PoiseServerBackupClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_server_backup_dispose;
}

static void
poise_server_backup_init (PoiseServerBackup *self)
{
  self->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* Public API */

PoiseServerBackup *
poise_server_backup_new (PoiseLiveHub *hub)
{
  PoiseServerBackup *self = g_object_new (POISE_TYPE_SERVER_BACKUP, NULL);

  self->hub = g_object_ref (hub);
  return self;
}

gboolean
poise_server_backup_owns (const char *path)
{
  return g_str_equal (path, PREFIX) || g_str_has_prefix (path, PREFIX "/");
}

gboolean
poise_server_backup_method_allowed (SoupServerMessage *msg)
{
  if (soup_server_message_get_method (msg) == SOUP_METHOD_POST)
    return TRUE;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
  respond_error (msg, 405, "method_not_allowed", "This method is not allowed here");
  return FALSE;
}

void
poise_server_backup_handle (PoiseServerBackup *self,
                            SoupServerMessage *msg,
                            const char        *path,
                            PoiseServerUser   *user)
{
  const char *rest;

  g_return_if_fail (POISE_IS_SERVER_BACKUP (self));

  if (g_str_equal (path, PREFIX))
    {
      handle_request (self, msg, user);
      return;
    }

  /* {id}/ack, with a UUID id */
  rest = path + strlen (PREFIX "/");
  if (strlen (rest) == 36 + strlen ("/ack") && g_str_has_suffix (rest, "/ack"))
    {
      g_autofree char *id = g_ascii_strdown (rest, 36);

      if (g_uuid_string_is_valid (id))
        {
          handle_ack (self, msg, user, id);
          return;
        }
    }
  respond_error (msg, 404, "not_found", "No such resource");
}

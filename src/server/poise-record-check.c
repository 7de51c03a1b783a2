/* poise-record-check.c: field-by-field checks of records sent to the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JSON guard has already rejected malformed input; here each field's
 * type, size and value are checked and *every* problem is reported, so a
 * client fixes them all at once (core's parsers stop at the first).  The
 * server builds the stored record from the checked fields only: unknown
 * members and the server's own fields are dropped.
 */
#define G_LOG_DOMAIN "poise-record-check"

#include "config.h"

#include "poise-record-check.h"
#include "poise-follow-up.h"

#include <string.h>

static void
problem (GString    *problems,
         const char *field,
         const char *what)
{
  if (problems->len > 0)
    g_string_append (problems, "; ");
  g_string_append_printf (problems, "%s: %s", field, what);
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, utc);

  return time != NULL;
}

/* The body's "uuid", if any, must be the URL's (compared as UUIDs). */
static void
check_uuid (JsonObject *object,
            const char *uuid,
            GString    *problems)
{
  JsonNode *member = json_object_get_member (object, "uuid");

  if (member == NULL)
    return;
  if (!is_string (member) || g_ascii_strcasecmp (json_node_get_string (member), uuid) != 0)
    problem (problems, "uuid", "must match the URL");
}

/* Copies a string (or null if @nullable) member; NULL if absent. */
static void
copy_text (JsonObject *from,
           JsonObject *to,
           const char *field,
           gboolean    required,
           gboolean    nullable,
           gsize       max_bytes,
           GString    *problems)
{
  JsonNode *member = json_object_get_member (from, field);

  if (member == NULL)
    {
      if (required)
        problem (problems, field, "required");
      else if (nullable)
        json_object_set_null_member (to, field);
      return;
    }
  if (nullable && JSON_NODE_HOLDS_NULL (member))
    {
      json_object_set_null_member (to, field);
      return;
    }
  if (!is_string (member))
    {
      problem (problems, field, nullable ? "must be a string or null" : "must be a string");
      return;
    }
  if (max_bytes > 0 && strlen (json_node_get_string (member)) > max_bytes)
    {
      g_autofree char *what = g_strdup_printf ("must be at most %" G_GSIZE_FORMAT " bytes", max_bytes);

      problem (problems, field, what);
      return;
    }
  json_object_set_string_member (to, field, json_node_get_string (member));
}

static void
copy_time (JsonObject *from,
           JsonObject *to,
           const char *field,
           gboolean    required,
           GString    *problems)
{
  JsonNode *member = json_object_get_member (from, field);

  if (member == NULL)
    {
      if (required)
        problem (problems, field, "required");
      return;
    }
  if (!is_string (member) || !is_time (json_node_get_string (member)))
    {
      problem (problems, field, "must be an RFC 3339 date and time");
      return;
    }
  json_object_set_string_member (to, field, json_node_get_string (member));
}

static void
copy_tags (JsonObject *from,
           JsonObject *to,
           GString    *problems)
{
  JsonNode *member = json_object_get_member (from, "tags");
  g_autoptr(JsonArray) tags = json_array_new ();
  JsonArray *array;

  if (member == NULL)
    {
      json_object_set_array_member (to, "tags", g_steal_pointer (&tags));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      problem (problems, "tags", "must be an array of strings");
      return;
    }
  array = json_node_get_array (member);
  if (json_array_get_length (array) > POISE_NOTE_MAX_TAGS)
    {
      problem (problems, "tags", "must have at most 32 tags");
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *tag = json_array_get_element (array, i);

      if (!is_string (tag) || strlen (json_node_get_string (tag)) > POISE_NOTE_MAX_TAG)
        {
          problem (problems, "tags", "must be strings of at most 64 bytes");
          return;
        }
      json_array_add_string_element (tags, json_node_get_string (tag));
    }
  json_object_set_array_member (to, "tags", g_steal_pointer (&tags));
}

static JsonObject *
root_object (JsonNode *root,
             GString  *problems)
{
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      problem (problems, "(body)", "must be a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

JsonObject *
poise_record_check_note (JsonNode   *root,
                         const char *uuid,
                         GString    *problems)
{
  g_autoptr(JsonObject) note = json_object_new ();
  JsonObject *object;
  JsonNode *member;

  if ((object = root_object (root, problems)) == NULL)
    return NULL;

  check_uuid (object, uuid, problems);
  json_object_set_string_member (note, "uuid", uuid);
  copy_text (object, note, "customer_ref", TRUE, FALSE, POISE_NOTE_MAX_CUSTOMER_REF, problems);
  copy_text (object, note, "body", TRUE, FALSE, POISE_NOTE_MAX_BODY, problems);
  copy_tags (object, note, problems);

  member = json_object_get_member (object, "conflict_of");
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    json_object_set_null_member (note, "conflict_of");
  else if (is_string (member) && g_uuid_string_is_valid (json_node_get_string (member)))
    json_object_set_string_member (note, "conflict_of", json_node_get_string (member));
  else
    problem (problems, "conflict_of", "must be a UUID string or null");

  if (json_object_has_member (object, "created_at"))
    copy_time (object, note, "created_at", FALSE, problems);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *text = g_date_time_format_iso8601 (now);

      json_object_set_string_member (note, "created_at", text);
    }

  return problems->len == 0 ? g_steal_pointer (&note) : NULL;
}

static gboolean
channel_is_valid (const char *text)
{
  PoiseChannel channel;

  return poise_channel_from_string (text, &channel);
}

static gboolean
status_is_valid (const char *text)
{
  PoiseFollowUpStatus status;

  return poise_follow_up_status_from_string (text, &status);
}

static void
check_enum (JsonObject  *object,
            const char  *field,
            gboolean   (*valid) (const char *text),
            const char  *what,
            GString     *problems)
{
  JsonNode *member = json_object_get_member (object, field);

  if (member != NULL && (!is_string (member) || !valid (json_node_get_string (member))))
    problem (problems, field, what);
}

JsonObject *
poise_record_check_followup (JsonNode   *root,
                             const char *uuid,
                             GString    *problems)
{
  static const char *texts[] = { "customer_name", "customer_ref", "contact", "promise", "note", "assignee" };
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(PoiseFollowUp) follow_up = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) normal = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonNode *member;

  if ((object = root_object (root, problems)) == NULL)
    return NULL;

  check_uuid (object, uuid, problems);
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    copy_text (object, copy, texts[i], FALSE, TRUE, 0, problems);
  check_enum (object, "channel", channel_is_valid,
              "must be \"call\", \"email\" or \"chat\"", problems);
  check_enum (object, "status", status_is_valid,
              "must be \"open\", \"done\" or \"cancelled\"", problems);
  copy_time (object, copy, "due_at", TRUE, problems);
  copy_time (object, copy, "created_at", FALSE, problems);
  member = json_object_get_member (object, "cancel_on_reply");
  if (member != NULL &&
      (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN))
    problem (problems, "cancel_on_reply", "must be true or false");
  if (problems->len > 0)
    return NULL;

  /* Everything is known good: core's own reader and writer give the
   * record its one canonical form.  updated_at is the server's. */
  json_object_set_string_member (copy, "uuid", uuid);
  for (const char *const *f = (const char *const[]) { "channel", "status", "cancel_on_reply", NULL }; *f; f++)
    if ((member = json_object_get_member (object, *f)) != NULL)
      json_object_set_member (copy, *f, json_node_copy (member));
  node = json_node_init_object (json_node_alloc (), copy);
  follow_up = poise_follow_up_new_from_json (node, &error);
  if (follow_up == NULL)
    {
      problem (problems, "(body)", error->message);
      return NULL;
    }
  normal = poise_follow_up_to_json (follow_up);
  json_object_remove_member (json_node_get_object (normal), "updated_at");
  return json_object_ref (json_node_get_object (normal));
}

/* poise-conversation.c: the conversation in progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saved after every change so a crash or a logout mid-call loses nothing;
 * hence the tolerant, all-or-nothing loading and the atomic saving.
 */
#define G_LOG_DOMAIN "poise-conversation"

#include "config.h"

#include "poise-conversation.h"
#include "poise-json-guard.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

#define CONVERSATION_VERSION 1
/* A conversation is a few hundred bytes; anything huge is not ours. */
#define CONVERSATION_MAX_BYTES (1024 * 1024)

struct _PoiseConversation
{
  GObject     parent_instance;

  char       *scenario_id;
  GDateTime  *started_at;
  GPtrArray  *steps;    /* step ids done, in the order ticked */
  GHashTable *values;   /* id → value */
};

G_DEFINE_FINAL_TYPE (PoiseConversation, poise_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SCENARIO_ID,
  PROP_STARTED_AT,
  N_PROPS,
};

enum {
  CHANGED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
emit_changed (PoiseConversation *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* g_set_str() needs GLib 2.76. */
static gboolean
set_str (char       **str_pointer,
         const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

static gboolean
find_step (PoiseConversation *self,
           const char        *step_id,
           guint             *index)
{
  return g_ptr_array_find_with_equal_func (self->steps, step_id, g_str_equal, index);
}

static void
poise_conversation_finalize (GObject *object)
{
  PoiseConversation *self = (PoiseConversation *) object;

  g_clear_pointer (&self->scenario_id, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (poise_conversation_parent_class)->finalize (object);
}

static void
poise_conversation_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PoiseConversation *self = POISE_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_SCENARIO_ID:
      g_value_set_string (value, self->scenario_id);
      break;
    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_conversation_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  PoiseConversation *self = POISE_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_SCENARIO_ID:
      poise_conversation_set_scenario_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_conversation_class_init (PoiseConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = poise_conversation_finalize;
  object_class->get_property = poise_conversation_get_property;
  object_class->set_property = poise_conversation_set_property;

  properties[PROP_SCENARIO_ID] =
    g_param_spec_string ("scenario-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
poise_conversation_init (PoiseConversation *self)
{
  self->started_at = g_date_time_new_now_utc ();
  self->steps = g_ptr_array_new_with_free_func (g_free);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PoiseConversation *
poise_conversation_new (void)
{
  return g_object_new (POISE_TYPE_CONVERSATION, NULL);
}

const char *
poise_conversation_get_scenario_id (PoiseConversation *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION (self), NULL);
  return self->scenario_id;
}

void
poise_conversation_set_scenario_id (PoiseConversation *self,
                                    const char        *scenario_id)
{
  g_return_if_fail (POISE_IS_CONVERSATION (self));

  if (set_str (&self->scenario_id, scenario_id))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO_ID]);
      emit_changed (self);
    }
}

/**
 * poise_conversation_get_started_at:
 *
 * Returns: (transfer none): when the conversation started, in UTC
 */
GDateTime *
poise_conversation_get_started_at (PoiseConversation *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION (self), NULL);
  return self->started_at;
}

gboolean
poise_conversation_get_step_done (PoiseConversation *self,
                                  const char        *step_id)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (step_id != NULL, FALSE);

  return find_step (self, step_id, NULL);
}

void
poise_conversation_set_step_done (PoiseConversation *self,
                                  const char        *step_id,
                                  gboolean           done)
{
  guint index;

  g_return_if_fail (POISE_IS_CONVERSATION (self));
  g_return_if_fail (step_id != NULL);

  if (find_step (self, step_id, &index) == !!done)
    return;

  if (done)
    g_ptr_array_add (self->steps, g_strdup (step_id));
  else
    g_ptr_array_remove_index (self->steps, index);

  emit_changed (self);
}

/**
 * poise_conversation_get_values:
 *
 * Returns: (transfer none) (element-type utf8 utf8): id → value
 */
GHashTable *
poise_conversation_get_values (PoiseConversation *self)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION (self), NULL);
  return self->values;
}

const char *
poise_conversation_get_value (PoiseConversation *self,
                              const char        *placeholder_id)
{
  g_return_val_if_fail (POISE_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (placeholder_id != NULL, NULL);

  return g_hash_table_lookup (self->values, placeholder_id);
}

void
poise_conversation_set_value (PoiseConversation *self,
                              const char        *placeholder_id,
                              const char        *value)
{
  g_return_if_fail (POISE_IS_CONVERSATION (self));
  g_return_if_fail (placeholder_id != NULL);

  if (value == NULL || value[0] == '\0')
    {
      if (!g_hash_table_remove (self->values, placeholder_id))
        return;
    }
  else
    {
      if (g_strcmp0 (g_hash_table_lookup (self->values, placeholder_id), value) == 0)
        return;
      g_hash_table_insert (self->values, g_strdup (placeholder_id), g_strdup (value));
    }

  emit_changed (self);
}

/* Replaces everything at once, with one "changed". */
static void
replace_all (PoiseConversation *self,
             const char        *scenario_id,
             GDateTime         *started_at,
             GPtrArray         *steps,
             GHashTable        *values)
{
  gboolean scenario_changed;

  g_object_freeze_notify (G_OBJECT (self));

  scenario_changed = set_str (&self->scenario_id, scenario_id);
  if (scenario_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENARIO_ID]);

  if (!g_date_time_equal (self->started_at, started_at))
    {
      g_date_time_unref (self->started_at);
      self->started_at = g_date_time_ref (started_at);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
    }

  g_ptr_array_unref (self->steps);
  self->steps = g_ptr_array_ref (steps);
  g_hash_table_unref (self->values);
  self->values = g_hash_table_ref (values);

  g_object_thaw_notify (G_OBJECT (self));
  emit_changed (self);
}

void
poise_conversation_reset (PoiseConversation *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_if_fail (POISE_IS_CONVERSATION (self));

  replace_all (self, NULL, now, steps, values);
}

/**
 * poise_conversation_to_json:
 *
 * Returns: (transfer full): `{"version": 1, "scenario_id": …, "started_at":
 *   ISO 8601, "steps": […], "values": {…}}`, values sorted by id
 */
JsonNode *
poise_conversation_to_json (PoiseConversation *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *started_at = NULL;
  g_autoptr(GList) keys = NULL;

  g_return_val_if_fail (POISE_IS_CONVERSATION (self), NULL);

  started_at = g_date_time_format_iso8601 (self->started_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CONVERSATION_VERSION);
  json_builder_set_member_name (builder, "scenario_id");
  if (self->scenario_id != NULL)
    json_builder_add_string_value (builder, self->scenario_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_string_value (builder, started_at);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->steps->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->steps, i));
  json_builder_end_array (builder);

  /* Sorted, so saving the same state twice writes the same bytes. */
  json_builder_set_member_name (builder, "values");
  json_builder_begin_object (builder);
  keys = g_list_sort (g_hash_table_get_keys (self->values), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_string_value (builder, g_hash_table_lookup (self->values, l->data));
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

G_GNUC_PRINTF (2, 3)
static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: %s says what is wrong with the saved
                * conversation, e.g. "unsupported version" */
               _("Damaged conversation: %s"), message);
  return FALSE;
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
poise_conversation_load_json (PoiseConversation  *self,
                              JsonNode           *node,
                              GError            **error)
{
  g_autoptr(GDateTime) started_at = NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *scenario_id = NULL;
  JsonObject *object;
  JsonNode *member;

  g_return_val_if_fail (POISE_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (node != NULL, FALSE);

  /* Everything is checked before anything changes. */
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, _("not an object"));
  object = json_node_get_object (node);

  member = json_object_get_member (object, "version");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    /* Translators: %s is a key of the saved JSON, e.g. "version" */
    return invalid (error, _("\"%s\" must be an integer"), "version");
  if (json_node_get_int (member) != CONVERSATION_VERSION)
    return invalid (error, _("unsupported version"));

  member = json_object_get_member (object, "scenario_id");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!is_string (member))
        /* Translators: %s is a key of the saved JSON; null is JSON's */
        return invalid (error, _("\"%s\" must be a string or null"), "scenario_id");
      scenario_id = json_node_get_string (member);
    }

  member = json_object_get_member (object, "started_at");
  if (member != NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr(GDateTime) parsed = NULL;

      if (!is_string (member) ||
          (parsed = g_date_time_new_from_iso8601 (json_node_get_string (member), utc)) == NULL)
        /* Translators: %s is a key of the saved JSON */
        return invalid (error, _("\"%s\" must be an ISO 8601 date and time"), "started_at");
      started_at = g_date_time_to_utc (parsed);
    }
  else
    {
      started_at = g_date_time_new_now_utc ();
    }

  member = json_object_get_member (object, "steps");
  if (member != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        /* Translators: %s is a key of the saved JSON */
        return invalid (error, _("\"%s\" must be an array of strings"), "steps");
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!is_string (item))
            return invalid (error, _("\"%s\" must be an array of strings"), "steps");
          if (!g_ptr_array_find_with_equal_func (steps, json_node_get_string (item),
                                                 g_str_equal, NULL))
            g_ptr_array_add (steps, g_strdup (json_node_get_string (item)));
        }
    }

  member = json_object_get_member (object, "values");
  if (member != NULL)
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (member))
        /* Translators: %s is a key of the saved JSON */
        return invalid (error, _("\"%s\" must be an object of strings"), "values");
      json_object_iter_init (&iter, json_node_get_object (member));
      while (json_object_iter_next (&iter, &key, &value))
        {
          if (!is_string (value))
            return invalid (error, _("\"%s\" must be an object of strings"), "values");
          if (json_node_get_string (value)[0] != '\0')
            g_hash_table_insert (values, g_strdup (key), g_strdup (json_node_get_string (value)));
        }
    }

  replace_all (self, scenario_id, started_at, steps, values);

  return TRUE;
}

gboolean
poise_conversation_save_to_file (PoiseConversation  *self,
                                 const char         *path,
                                 GError            **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (POISE_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: a folder, then the system's error message */
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  node = poise_conversation_to_json (self);
  text = json_to_string (node, TRUE);

  /* g_file_set_contents() writes a temporary file and renames it. */
  return g_file_set_contents (path, text, -1, error);
}

gboolean
poise_conversation_load_from_file (PoiseConversation  *self,
                                   const char         *path,
                                   GError            **error)
{
  static const PoiseJsonLimits limits = { CONVERSATION_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  char *contents = NULL;
  gsize length;

  g_return_val_if_fail (POISE_IS_CONVERSATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  bytes = g_bytes_new_take (contents, length);
  node = poise_json_parse_guarded (bytes, &limits, &local_error);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Damaged conversation: %s"), local_error->message);
      return FALSE;
    }

  return poise_conversation_load_json (self, node, error);
}

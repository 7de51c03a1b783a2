/* poise-note.c: a note about a customer, shared with the team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain data, like PoiseFollowUp: the store persists it and the sync
 * client sends its JSON.  The client sets the content; rev, author,
 * updated_by and updated_at are the server's (rev 0: never synced).
 * customer_ref and body are never NULL ("" when empty), because the
 * protocol requires both.
 */
#define G_LOG_DOMAIN "poise-note"

#include "config.h"

#include "poise-note.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

struct _PoiseNote
{
  GObject     parent_instance;

  char       *uuid;
  char       *customer_ref;
  char       *body;
  GStrv       tags;
  char       *conflict_of;
  GDateTime  *created_at;
  GDateTime  *updated_at;
  gint64      rev;
  char       *author;
  char       *updated_by;
};

G_DEFINE_FINAL_TYPE (PoiseNote, poise_note, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_CUSTOMER_REF,
  PROP_BODY,
  PROP_TAGS,
  PROP_CONFLICT_OF,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_REV,
  PROP_AUTHOR,
  PROP_UPDATED_BY,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Auxiliary methods */

static void
set_string (PoiseNote   *self,
            char       **field,
            const char  *value,
            gboolean     nullable,
            guint        prop_id)
{
  if (nullable && value != NULL && value[0] == '\0')
    value = NULL;
  if (!nullable && value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* UTC, whole seconds: what the store holds, so round trips compare equal. */
static void
set_time (PoiseNote   *self,
          GDateTime  **field,
          GDateTime   *value,
          guint        prop_id)
{
  g_autoptr(GDateTime) normalized = g_date_time_new_from_unix_utc (g_date_time_to_unix (value));

  if (*field != NULL && g_date_time_equal (*field, normalized))
    return;

  g_clear_pointer (field, g_date_time_unref);
  *field = g_steal_pointer (&normalized);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* GObject overrides */

static void
poise_note_constructed (GObject *object)
{
  PoiseNote *self = POISE_NOTE (object);

  G_OBJECT_CLASS (poise_note_parent_class)->constructed (object);

  /* Client-generated, so a create can be retried without making a copy. */
  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
}

static void
poise_note_finalize (GObject *object)
{
  PoiseNote *self = (PoiseNote *) object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->customer_ref, g_free);
  g_clear_pointer (&self->body, g_free);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->conflict_of, g_free);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->updated_by, g_free);

  G_OBJECT_CLASS (poise_note_parent_class)->finalize (object);
}

static void
poise_note_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PoiseNote *self = POISE_NOTE (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_CUSTOMER_REF:
      g_value_set_string (value, self->customer_ref);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_TAGS:
      g_value_set_boxed (value, self->tags);
      break;
    case PROP_CONFLICT_OF:
      g_value_set_string (value, self->conflict_of);
      break;
    case PROP_CREATED_AT:
      g_value_set_boxed (value, self->created_at);
      break;
    case PROP_UPDATED_AT:
      g_value_set_boxed (value, self->updated_at);
      break;
    case PROP_REV:
      g_value_set_int64 (value, self->rev);
      break;
    case PROP_AUTHOR:
      g_value_set_string (value, self->author);
      break;
    case PROP_UPDATED_BY:
      g_value_set_string (value, self->updated_by);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_note_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PoiseNote *self = POISE_NOTE (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_assert (self->uuid == NULL);
      self->uuid = g_value_dup_string (value);
      break;
    case PROP_CUSTOMER_REF:
      poise_note_set_customer_ref (self, g_value_get_string (value));
      break;
    case PROP_BODY:
      poise_note_set_body (self, g_value_get_string (value));
      break;
    case PROP_TAGS:
      poise_note_set_tags (self, g_value_get_boxed (value));
      break;
    case PROP_CONFLICT_OF:
      poise_note_set_conflict_of (self, g_value_get_string (value));
      break;
    case PROP_CREATED_AT:
      if (g_value_get_boxed (value) != NULL)
        poise_note_set_created_at (self, g_value_get_boxed (value));
      break;
    case PROP_UPDATED_AT:
      if (g_value_get_boxed (value) != NULL)
        poise_note_set_updated_at (self, g_value_get_boxed (value));
      break;
    case PROP_REV:
      poise_note_set_rev (self, g_value_get_int64 (value));
      break;
    case PROP_AUTHOR:
      poise_note_set_author (self, g_value_get_string (value));
      break;
    case PROP_UPDATED_BY:
      poise_note_set_updated_by (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_note_class_init (PoiseNoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = poise_note_constructed;
  object_class->finalize = poise_note_finalize;
  object_class->get_property = poise_note_get_property;
  object_class->set_property = poise_note_set_property;

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CUSTOMER_REF] =
    g_param_spec_string ("customer-ref", NULL, NULL, "", flags);
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, "", flags);
  properties[PROP_TAGS] =
    g_param_spec_boxed ("tags", NULL, NULL, G_TYPE_STRV, flags);
  /**
   * PoiseNote:conflict-of:
   *
   * Set on a conflicted copy: the UUID of the note whose edit it lost to.
   */
  properties[PROP_CONFLICT_OF] =
    g_param_spec_string ("conflict-of", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /**
   * PoiseNote:updated-at:
   *
   * For display only: wall clocks never decide a conflict.
   */
  properties[PROP_UPDATED_AT] =
    g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /**
   * PoiseNote:rev:
   *
   * The server's revision; 0 if the note was never synced.
   */
  properties[PROP_REV] =
    g_param_spec_int64 ("rev", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_AUTHOR] =
    g_param_spec_string ("author", NULL, NULL, NULL, flags);
  properties[PROP_UPDATED_BY] =
    g_param_spec_string ("updated-by", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
poise_note_init (PoiseNote *self)
{
  self->created_at = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  self->updated_at = g_date_time_ref (self->created_at);
  self->customer_ref = g_strdup ("");
  self->body = g_strdup ("");
  self->tags = g_new0 (char *, 1);
}

/* Public API */

/**
 * poise_note_new:
 *
 * An empty note with a new UUID, created and updated now.
 *
 * Returns: (transfer full): a new note
 */
PoiseNote *
poise_note_new (void)
{
  return g_object_new (POISE_TYPE_NOTE, NULL);
}

/**
 * poise_note_copy:
 *
 * Returns: (transfer full): a note with the same UUID and values
 */
PoiseNote *
poise_note_copy (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);

  return g_object_new (POISE_TYPE_NOTE,
                       "uuid", self->uuid,
                       "customer-ref", self->customer_ref,
                       "body", self->body,
                       "tags", self->tags,
                       "conflict-of", self->conflict_of,
                       "created-at", self->created_at,
                       "updated-at", self->updated_at,
                       "rev", self->rev,
                       "author", self->author,
                       "updated-by", self->updated_by,
                       NULL);
}

const char *
poise_note_get_uuid (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->uuid;
}

/**
 * poise_note_get_customer_ref:
 *
 * Returns: the ticket or order number the note is about; "" if none
 */
const char *
poise_note_get_customer_ref (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->customer_ref;
}

void
poise_note_set_customer_ref (PoiseNote  *self,
                             const char *customer_ref)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  set_string (self, &self->customer_ref, customer_ref, FALSE, PROP_CUSTOMER_REF);
}

/**
 * poise_note_get_body:
 *
 * Returns: the text; "" if empty
 */
const char *
poise_note_get_body (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->body;
}

void
poise_note_set_body (PoiseNote  *self,
                     const char *body)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  set_string (self, &self->body, body, FALSE, PROP_BODY);
}

/**
 * poise_note_get_tags:
 *
 * Returns: (transfer none) (array zero-terminated=1): the tags, never %NULL
 */
const char * const *
poise_note_get_tags (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return (const char * const *) self->tags;
}

void
poise_note_set_tags (PoiseNote          *self,
                     const char * const *tags)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (POISE_IS_NOTE (self));

  if (tags == NULL)
    tags = none;
  if (g_strv_equal ((const char * const *) self->tags, tags))
    return;

  g_strfreev (self->tags);
  self->tags = g_strdupv ((char **) tags);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAGS]);
}

/**
 * poise_note_get_conflict_of:
 *
 * Returns: (nullable): on a conflicted copy, the UUID of the original
 */
const char *
poise_note_get_conflict_of (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->conflict_of;
}

void
poise_note_set_conflict_of (PoiseNote  *self,
                            const char *conflict_of)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  set_string (self, &self->conflict_of, conflict_of, TRUE, PROP_CONFLICT_OF);
}

/**
 * poise_note_get_created_at:
 *
 * Returns: (transfer none): when the note was written, UTC
 */
GDateTime *
poise_note_get_created_at (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->created_at;
}

void
poise_note_set_created_at (PoiseNote *self,
                           GDateTime *created_at)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  g_return_if_fail (created_at != NULL);
  set_time (self, &self->created_at, created_at, PROP_CREATED_AT);
}

/**
 * poise_note_get_updated_at:
 *
 * Returns: (transfer none): when it last changed, UTC; display only
 */
GDateTime *
poise_note_get_updated_at (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->updated_at;
}

void
poise_note_set_updated_at (PoiseNote *self,
                           GDateTime *updated_at)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  g_return_if_fail (updated_at != NULL);
  set_time (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

gint64
poise_note_get_rev (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), 0);
  return self->rev;
}

void
poise_note_set_rev (PoiseNote *self,
                    gint64     rev)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  g_return_if_fail (rev >= 0);

  if (self->rev == rev)
    return;
  self->rev = rev;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REV]);
}

/**
 * poise_note_get_author:
 *
 * Returns: (nullable): who wrote the note, as the server knows them;
 *   %NULL before the first sync
 */
const char *
poise_note_get_author (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->author;
}

void
poise_note_set_author (PoiseNote  *self,
                       const char *author)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  set_string (self, &self->author, author, TRUE, PROP_AUTHOR);
}

/**
 * poise_note_get_updated_by:
 *
 * Returns: (nullable): who changed it last, as the server knows them
 */
const char *
poise_note_get_updated_by (PoiseNote *self)
{
  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);
  return self->updated_by;
}

void
poise_note_set_updated_by (PoiseNote  *self,
                           const char *updated_by)
{
  g_return_if_fail (POISE_IS_NOTE (self));
  set_string (self, &self->updated_by, updated_by, TRUE, PROP_UPDATED_BY);
}

gboolean
poise_note_content_equal (PoiseNote *a,
                          PoiseNote *b)
{
  g_return_val_if_fail (POISE_IS_NOTE (a) && POISE_IS_NOTE (b), FALSE);

  return g_str_equal (a->uuid, b->uuid) &&
         g_str_equal (a->customer_ref, b->customer_ref) &&
         g_str_equal (a->body, b->body) &&
         g_strv_equal ((const char * const *) a->tags, (const char * const *) b->tags) &&
         g_strcmp0 (a->conflict_of, b->conflict_of) == 0 &&
         g_date_time_equal (a->created_at, b->created_at);
}

/* JSON */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *value)
{
  g_autofree char *text = g_date_time_format_iso8601 (value);

  add_string (builder, name, text);
}

/**
 * poise_note_to_json:
 *
 * The record of docs/sync.md; "rev" is left out while it is 0 (never
 * synced), "author" and "updated_by" while unknown.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
poise_note_to_json (PoiseNote *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (POISE_IS_NOTE (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "uuid", self->uuid);
  add_string (builder, "customer_ref", self->customer_ref);
  add_string (builder, "body", self->body);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; self->tags[i] != NULL; i++)
    json_builder_add_string_value (builder, self->tags[i]);
  json_builder_end_array (builder);
  add_string (builder, "conflict_of", self->conflict_of);
  add_time (builder, "created_at", self->created_at);
  add_time (builder, "updated_at", self->updated_at);
  if (self->rev > 0)
    {
      json_builder_set_member_name (builder, "rev");
      json_builder_add_int_value (builder, self->rev);
    }
  if (self->author != NULL)
    add_string (builder, "author", self->author);
  if (self->updated_by != NULL)
    add_string (builder, "updated_by", self->updated_by);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Collects every problem, so one error names all bad fields at once. */
typedef struct {
  GString *problems;
} Checker;

static void
problem (Checker    *checker,
         const char *field,
         const char *expected)
{
  if (checker->problems->len > 0)
    g_string_append (checker->problems, "; ");
  /* Translators: a JSON key (not translated), then one of the messages
   * with the context "note field" */
  g_string_append_printf (checker->problems, _("%s: expected %s"), field, expected);
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* A required string of at most @max bytes. */
static const char *
check_text (Checker    *checker,
            JsonObject *object,
            const char *field,
            gsize       max)
{
  JsonNode *member = json_object_get_member (object, field);
  g_autofree char *expected = NULL;

  if (is_string (member) && strlen (json_node_get_string (member)) <= max)
    return json_node_get_string (member);

  /* Translators: %u is a number of bytes */
  expected = g_strdup_printf (C_("note field", "a string of at most %u bytes"), (guint) max);
  problem (checker, field, expected);
  return NULL;
}

/* A UUID, or (if @nullable) null or absent. */
static const char *
check_uuid (Checker    *checker,
            JsonObject *object,
            const char *field,
            gboolean    nullable)
{
  JsonNode *member = json_object_get_member (object, field);

  if (nullable && is_null (member))
    return NULL;
  if (is_string (member) && g_uuid_string_is_valid (json_node_get_string (member)))
    return json_node_get_string (member);

  problem (checker, field, nullable ? C_("note field", "a UUID or null")
                                    : C_("note field", "a UUID"));
  return NULL;
}

static const char *
check_name (Checker    *checker,
            JsonObject *object,
            const char *field)
{
  JsonNode *member = json_object_get_member (object, field);

  if (is_null (member))
    return NULL;
  if (is_string (member))
    return json_node_get_string (member);

  /* Translators: null is the JSON literal */
  problem (checker, field, C_("note field", "a string or null"));
  return NULL;
}

static GDateTime *
check_time (Checker    *checker,
            JsonObject *object,
            const char *field)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  JsonNode *member = json_object_get_member (object, field);
  GDateTime *time;

  if (member == NULL)
    return NULL;
  if (is_string (member) &&
      (time = g_date_time_new_from_iso8601 (json_node_get_string (member), utc)) != NULL)
    return time;

  problem (checker, field, C_("note field", "an RFC 3339 date and time"));
  return NULL;
}

static GStrv
check_tags (Checker    *checker,
            JsonObject *object)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *member = json_object_get_member (object, "tags");
  g_autofree char *expected = NULL;
  JsonArray *array;

  if (is_null (member))
    return g_strv_builder_end (builder);

  if (JSON_NODE_HOLDS_ARRAY (member) &&
      json_array_get_length (array = json_node_get_array (member)) <= POISE_NOTE_MAX_TAGS)
    {
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++)
        {
          JsonNode *tag = json_array_get_element (array, i);

          if (!is_string (tag) || strlen (json_node_get_string (tag)) > POISE_NOTE_MAX_TAG)
            break;
          g_strv_builder_add (builder, json_node_get_string (tag));
        }
      if (i == n)
        return g_strv_builder_end (builder);
    }

  /* Translators: the first %u is a number of tags, the second of bytes */
  expected = g_strdup_printf (C_("note field", "at most %u strings of at most %u bytes"),
                              POISE_NOTE_MAX_TAGS, POISE_NOTE_MAX_TAG);
  problem (checker, "tags", expected);
  return NULL;
}

/**
 * poise_note_new_from_json:
 * @node: a note record (docs/sync.md), e.g. from poise_note_to_json()
 *
 * Checks every field's type and limit and reports every bad one in a
 * single message ("customer_ref: …; body: …").  "uuid", "customer_ref" and
 * "body" are required; unknown members are ignored (a newer Poise may add
 * some).  Pass input from the network through the JSON guard first.
 *
 * Returns: (transfer full) (nullable): the note, or %NULL with @error set
 *   (%G_IO_ERROR_INVALID_DATA)
 */
PoiseNote *
poise_note_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  Checker checker = { problems };
  g_autoptr(GDateTime) created_at = NULL;
  g_autoptr(GDateTime) updated_at = NULL;
  g_auto(GStrv) tags = NULL;
  const char *uuid, *customer_ref, *body, *conflict_of, *author, *updated_by;
  gint64 rev = 0;
  JsonObject *object;
  JsonNode *member;
  PoiseNote *self;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A note must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  uuid = check_uuid (&checker, object, "uuid", FALSE);
  customer_ref = check_text (&checker, object, "customer_ref", POISE_NOTE_MAX_CUSTOMER_REF);
  body = check_text (&checker, object, "body", POISE_NOTE_MAX_BODY);
  tags = check_tags (&checker, object);
  conflict_of = check_uuid (&checker, object, "conflict_of", TRUE);
  created_at = check_time (&checker, object, "created_at");
  updated_at = check_time (&checker, object, "updated_at");
  author = check_name (&checker, object, "author");
  updated_by = check_name (&checker, object, "updated_by");

  member = json_object_get_member (object, "rev");
  if (!is_null (member))
    {
      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64 &&
          json_node_get_int (member) >= 1)
        rev = json_node_get_int (member);
      else
        /* Translators: rev is a JSON key; keep it */
        problem (&checker, "rev", C_("note field", "an integer of at least 1"));
    }

  if (problems->len > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problems->str);
      return NULL;
    }

  self = g_object_new (POISE_TYPE_NOTE,
                       "uuid", uuid,
                       "customer-ref", customer_ref,
                       "body", body,
                       "tags", tags,
                       "conflict-of", conflict_of,
                       "created-at", created_at,
                       "updated-at", updated_at,
                       "rev", rev,
                       "author", author,
                       "updated-by", updated_by,
                       NULL);

  /* Without "updated_at", the last change is the creation. */
  if (created_at != NULL && updated_at == NULL)
    poise_note_set_updated_at (self, created_at);

  return self;
}

/* poise-server-library.c: the script library routes of the team server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   GET  /api/v1/library               the current library (ETag "VERSION")
 *   GET  /api/v1/library/versions      every version's description
 *   GET  /api/v1/library/versions/N    version N's library
 *   POST /api/v1/library/versions      publish (or roll back): supervisors
 *
 * A publish body is up to 8 MiB, so it never goes through json-glib whole
 * (which takes ~40× the input in memory): the strict guard checks it in
 * one pass, a scan finds the top-level members, the small ones are read
 * alone and the library's own bytes go to the same validator the app uses
 * (on a worker thread: a large library takes a while).  Those bytes are
 * stored exactly as sent, after the writer thread commits them the
 * current library is served from memory and every live socket is told
 * {"type":"library","version":N,"message":"…"}.
 */
#define G_LOG_DOMAIN "poise-server-library"

#include "config.h"

#include "poise-server-library.h"
#include "poise-server-library-store.h"
#include "poise-server-storage-private.h"
#include "poise-library.h"

#include <string.h>

#define API              "/api/v1"
#define LIBRARY          API "/library"
#define VERSIONS         LIBRARY "/versions"
#define MAX_MESSAGE      4096
/* Members other than the library are small; longer ones are refused
 * before json-glib sees them. */
#define MAX_SMALL_MEMBER (64 * 1024)

struct _PoiseServerLibrary
{
  GObject             parent_instance;

  PoiseServerStorage *storage;
  PoiseLiveHub       *hub;
  gboolean            stopped;

  /* The newest version, served from memory until the next publish. */
  GBytes             *current;
  gint64              current_version;
  char               *current_sha256;
};

G_DEFINE_FINAL_TYPE (PoiseServerLibrary, poise_server_library, G_TYPE_OBJECT)

typedef struct {
  PoiseServerLibrary        *self;
  SoupServerMessage         *msg;
  PoiseServerLibraryPublish *publish;
  gboolean                   allow_incomplete;
} Pending;

typedef struct {
  const char *start;
  gsize       length;
} Span;

/* Answers */

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

static void
respond_library (SoupServerMessage *msg,
                 GBytes            *bytes,
                 gint64             version,
                 const char        *sha256)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *if_none_match = soup_message_headers_get_one (request, "If-None-Match");
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

  soup_message_headers_replace (response, "ETag", etag);
  soup_message_headers_replace (response, "X-Library-SHA256", sha256);
  soup_message_headers_replace (response, "Cache-Control", "no-cache");

  if (if_none_match != NULL)
    {
      g_auto(GStrv) tags = g_strsplit (if_none_match, ",", -1);

      for (guint i = 0; tags[i] != NULL; i++)
        {
          const char *tag = g_strstrip (tags[i]);

          if (g_str_has_prefix (tag, "W/"))
            tag += 2;
          if (g_str_equal (tag, etag) || g_str_equal (tag, "*"))
            {
              soup_server_message_set_status (msg, 304, NULL);
              return;
            }
        }
    }

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_replace (response, "Content-Type", "application/json");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

/* The current library */

static gboolean
load_current (PoiseServerLibrary *self)
{
  g_autoptr(PoiseServerLibraryVersion) info = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  if (self->current != NULL)
    return TRUE;
  bytes = poise_server_library_store_get (_poise_server_storage_get_read_db (self->storage),
                                          -1, &info, &error);
  if (bytes == NULL)
    {
      g_warning ("%s", error != NULL ? error->message : "No library version stored");
      return FALSE;
    }
  self->current = bytes;
  self->current_version = info->version;
  g_free (self->current_sha256);
  self->current_sha256 = g_strdup (info->sha256);
  return TRUE;
}

static void
handle_current (PoiseServerLibrary *self,
                SoupServerMessage  *msg)
{
  if (!load_current (self))
    {
      respond_error (msg, 500, "internal_error", "The library could not be read");
      return;
    }
  respond_library (msg, self->current, self->current_version, self->current_sha256);
}

static void
handle_list (PoiseServerLibrary *self,
             SoupServerMessage  *msg)
{
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  versions = poise_server_library_store_list (_poise_server_storage_get_read_db (self->storage), &error);
  if (versions == NULL)
    {
      g_warning ("%s", error->message);
      respond_error (msg, 500, "internal_error", "The library versions could not be read");
      return;
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < versions->len; i++)
    {
      json_builder_begin_object (builder);
      poise_server_library_version_build (g_ptr_array_index (versions, i), builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  respond (msg, 200, json_to_string (root, FALSE));
}

static void
handle_get_version (PoiseServerLibrary *self,
                    SoupServerMessage  *msg,
                    const char         *number)
{
  g_autoptr(PoiseServerLibraryVersion) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint64 version;

  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXINT64, &version, NULL))
    {
      respond_error (msg, 404, "not_found", "No such library version");
      return;
    }
  bytes = poise_server_library_store_get (_poise_server_storage_get_read_db (self->storage),
                                          version, &info, &error);
  if (bytes == NULL && error != NULL)
    {
      g_warning ("%s", error->message);
      respond_error (msg, 500, "internal_error", "The library version could not be read");
      return;
    }
  if (bytes == NULL)
    {
      respond_error (msg, 404, "not_found", "No such library version");
      return;
    }
  respond_library (msg, bytes, info->version, info->sha256);
}

/* Reading a publish body */

static const char *
skip_space (const char *p,
            const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static const char *
skip_string (const char *p,
             const char *end)
{
  for (p++; p < end; p++)
    {
      if (*p == '\\')
        p++;
      else if (*p == '"')
        return p + 1;
    }
  return end;
}

/* The body passed the strict guard, so this may trust it to be JSON. */
static const char *
skip_value (const char *p,
            const char *end)
{
  int depth = 0;

  if (*p == '"')
    return skip_string (p, end);
  if (*p != '{' && *p != '[')
    {
      while (p < end && strchr (",}] \t\r\n", *p) == NULL)
        p++;
      return p;
    }
  while (p < end)
    {
      if (*p == '"')
        {
          p = skip_string (p, end);
          continue;
        }
      if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && --depth == 0)
        return p + 1;
      p++;
    }
  return end;
}

/* Top-level member name → Span of its value, in the body's bytes; NULL if
 * the body is no object.  Names with escapes are no member we know. */
static GHashTable *
split_members (const char *data,
               gsize       length)
{
  const char *end = data + length;
  const char *p = skip_space (data, end);
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (p >= end || *p != '{')
    return NULL;
  p = skip_space (p + 1, end);
  while (p < end && *p == '"')
    {
      const char *name = p + 1;
      const char *name_end;
      Span *span;

      p = skip_string (p, end);
      name_end = p - 1;
      p = skip_space (p, end);
      if (p >= end || *p != ':')
        return NULL;
      /* A value's span keeps the spaces around it: `"library":` followed
       * by a file's bytes stores exactly that file, final newline too. */
      span = g_new0 (Span, 1);
      span->start = p + 1;
      p = skip_space (p + 1, end);
      p = skip_value (p, end);
      p = skip_space (p, end);
      span->length = p - span->start;
      if (memchr (name, '\\', name_end - name) == NULL)
        g_hash_table_replace (members, g_strndup (name, name_end - name), span);
      else
        g_free (span);
      if (p < end && *p == ',')
        p = skip_space (p + 1, end);
    }
  return g_steal_pointer (&members);
}

static void
problem (GString    *problems,
         const char *field,
         const char *what)
{
  if (problems->len > 0)
    g_string_append (problems, "; ");
  g_string_append_printf (problems, "%s: %s", field, what);
}

/* A whole number ≥ 1, or -1 (0 if absent). */
static gint64
read_count (GHashTable *members,
            const char *name)
{
  Span *span = g_hash_table_lookup (members, name);
  g_autofree char *text = NULL;
  guint64 value;

  if (span == NULL)
    return 0;
  if (span->length > 64)
    return -1;
  text = g_strstrip (g_strndup (span->start, span->length));
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return -1;
  return value;
}

static char *
read_string (GHashTable *members,
             const char *name,
             gboolean   *wrong)
{
  Span *span = g_hash_table_lookup (members, name);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;

  *wrong = FALSE;
  if (span == NULL)
    return NULL;
  text = g_strstrip (g_strndup (span->start, MIN (span->length, MAX_SMALL_MEMBER + 1)));
  if (span->length > MAX_SMALL_MEMBER || text[0] != '"')
    {
      *wrong = TRUE;
      return NULL;
    }
  node = json_from_string (text, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *wrong = TRUE;
      return NULL;
    }
  return g_strdup (json_node_get_string (node));
}

/* Fills @publish from the body, or answers 400/422 and returns FALSE. */
static gboolean
read_publish (SoupServerMessage         *msg,
              PoiseServerLibraryPublish *publish,
              gboolean                  *allow_incomplete)
{
  /* One level more than a library may have: the envelope around it. */
  static const PoiseJsonLimits limits = { POISE_SERVER_LIBRARY_MAX_BODY, POISE_JSON_MAX_DEPTH + 1 };
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GHashTable) members = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize length;
  Span *library, *allow;
  gboolean wrong;

  data = g_bytes_get_data (bytes, &length);
  if (length > POISE_SERVER_LIBRARY_MAX_BODY)
    {
      respond_error (msg, 413, "payload_too_large", "Request bodies are limited to 8 MiB on this route");
      return FALSE;
    }
  if (!poise_json_guard_check (data, length, &limits, &error))
    {
      g_autofree char *message = g_strdup_printf ("The body is not acceptable JSON: %s", error->message);

      respond_error (msg, 400, "invalid_json", message);
      return FALSE;
    }
  if ((members = split_members (data, length)) == NULL)
    {
      respond_error (msg, 422, "invalid_fields", "The body must be a JSON object");
      return FALSE;
    }

  publish->base_version = read_count (members, "base_version");
  if (publish->base_version == 0)
    problem (problems, "base_version", "required: the version your change is based on");
  else if (publish->base_version < 0)
    problem (problems, "base_version", "must be a whole number ≥ 1");

  publish->message = read_string (members, "message", &wrong);
  if (wrong)
    problem (problems, "message", "must be a string");
  else if (publish->message == NULL || g_strstrip (publish->message)[0] == '\0')
    problem (problems, "message", "required: say what changed");
  else if (strlen (publish->message) > MAX_MESSAGE)
    problem (problems, "message", "must be at most 4096 bytes");

  library = g_hash_table_lookup (members, "library");
  publish->rollback_to = read_count (members, "rollback_to");
  if (publish->rollback_to < 0)
    problem (problems, "rollback_to", "must be a whole number ≥ 1");
  else if (library != NULL && publish->rollback_to > 0)
    problem (problems, "library", "give either library or rollback_to, not both");
  else if (library == NULL && publish->rollback_to == 0)
    problem (problems, "library", "required (or rollback_to)");
  else if (library != NULL && *skip_space (library->start, library->start + library->length) != '{')
    problem (problems, "library", "must be an object");
  else if (library != NULL)
    publish->library = g_bytes_new_from_bytes (bytes, library->start - data, library->length);

  allow = g_hash_table_lookup (members, "allow_incomplete");
  if (allow != NULL)
    {
      g_autofree char *flag = g_strstrip (g_strndup (allow->start, MIN (allow->length, 64)));

      *allow_incomplete = g_str_equal (flag, "true");
      if (!*allow_incomplete && !g_str_equal (flag, "false"))
        problem (problems, "allow_incomplete", "must be true or false");
    }

  if (problems->len > 0)
    {
      respond_error (msg, 422, "invalid_fields", problems->str);
      return FALSE;
    }
  return TRUE;
}

/* Publishing */

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_object_unref (pending->msg);
  poise_server_library_publish_free (pending->publish);
  g_free (pending);
}

static void
announce (PoiseServerLibrary              *self,
          const PoiseServerLibraryVersion *version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "library");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version->version);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, version->message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  poise_live_hub_broadcast (self->hub, text);
}

static void
published_cb (const PoiseServerWriteResult *result,
              gpointer                      user_data)
{
  Pending *pending = user_data;
  PoiseServerLibrary *self = pending->self;
  PoiseServerLibraryPublish *publish = pending->publish;

  if (result->status == 201 && publish->published != NULL)
    {
      g_autofree char *location = g_strdup_printf (VERSIONS "/%" G_GINT64_FORMAT,
                                                   publish->published->version);

      /* Committed: from now on GET /library serves it, then everyone hears. */
      g_clear_pointer (&self->current, g_bytes_unref);
      self->current = g_bytes_ref (publish->stored);
      self->current_version = publish->published->version;
      g_free (self->current_sha256);
      self->current_sha256 = g_strdup (publish->published->sha256);
      if (!self->stopped)
        announce (self, publish->published);
      soup_message_headers_replace (soup_server_message_get_response_headers (pending->msg),
                                    "Location", location);
    }
  respond (pending->msg, result->status, g_strdup (result->body));
  soup_server_message_unpause (pending->msg);
  pending_free (pending);
}

static void
store (Pending *pending)
{
  if (pending->self->stopped)
    {
      respond_error (pending->msg, 503, "unavailable", "The server is stopping; try again");
      soup_server_message_unpause (pending->msg);
      pending_free (pending);
      return;
    }
  _poise_server_storage_run (pending->self->storage, poise_server_library_store_publish,
                             pending->publish, published_cb, pending);
}

static void
add_problems (JsonBuilder *builder,
              GPtrArray   *problems,
              gboolean     errors_too)
{
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < problems->len; i++)
    {
      const PoiseProblem *p = g_ptr_array_index (problems, i);

      if (!errors_too && p->severity == POISE_PROBLEM_ERROR)
        continue;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, p->path != NULL ? p->path : "");
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, p->message);
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, p->severity == POISE_PROBLEM_ERROR ? "error" : "incomplete");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/* 422 with every problem, under "error" like every other error. */
static void
respond_rejected (SoupServerMessage *msg,
                  GPtrArray         *problems,
                  guint              n_errors)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;

  if (n_errors > 0)
    message = g_strdup_printf ("The library has %u error%s; nothing was published",
                               n_errors, n_errors == 1 ? "" : "s");
  else
    message = g_strdup_printf ("%u text%s missing in one of the library's languages; "
                               "add them, or publish anyway with \"allow_incomplete\":true",
                               problems->len, problems->len == 1 ? " is" : "s are");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, n_errors > 0 ? "invalid_library" : "incomplete_library");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  add_problems (builder, problems, TRUE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond (msg, 422, json_to_string (root, FALSE));
}

static void
validate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Pending *pending = task_data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(PoiseLibrary) library = NULL;

  library = poise_library_new_from_bytes (pending->publish->library, &problems, NULL);
  if (problems == NULL)
    problems = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);
  g_task_return_pointer (task, g_steal_pointer (&problems), (GDestroyNotify) g_ptr_array_unref);
}

static void
validated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GPtrArray) problems = g_task_propagate_pointer (G_TASK (result), NULL);
  guint n_errors = 0;

  for (guint i = 0; i < problems->len; i++)
    if (((PoiseProblem *) g_ptr_array_index (problems, i))->severity == POISE_PROBLEM_ERROR)
      n_errors++;

  if (n_errors > 0 || (problems->len > 0 && !pending->allow_incomplete))
    {
      respond_rejected (pending->msg, problems, n_errors);
      soup_server_message_unpause (pending->msg);
      pending_free (pending);
      return;
    }
  store (pending);
}

static void
handle_publish (PoiseServerLibrary *self,
                SoupServerMessage  *msg,
                PoiseServerUser    *user)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autoptr(PoiseServerLibraryPublish) publish = g_new0 (PoiseServerLibraryPublish, 1);
  gboolean allow_incomplete = FALSE;
  Pending *pending;

  if (!g_str_equal (user->role, "supervisor"))
    {
      respond_error (msg, 403, "forbidden", "Only supervisors can publish a library");
      return;
    }
  if (key != NULL && !g_uuid_string_is_valid (key))
    {
      respond_error (msg, 400, "bad_request", "An Idempotency-Key must be a UUID");
      return;
    }
  if (self->stopped)
    {
      respond_error (msg, 503, "unavailable", "The server is stopping; try again");
      return;
    }
  if (!read_publish (msg, publish, &allow_incomplete))
    return;

  publish->user = g_strdup (user->name);
  publish->idempotency_key = key != NULL ? g_ascii_strdown (key, -1) : NULL;

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->msg = g_object_ref (msg);
  pending->publish = g_steal_pointer (&publish);
  pending->allow_incomplete = allow_incomplete;
  soup_server_message_pause (msg);

  /* A rollback republishes bytes that were checked when first published. */
  if (pending->publish->library == NULL)
    store (pending);
  else
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, validated_cb, pending);

      g_task_set_task_data (task, pending, NULL);
      g_task_run_in_thread (task, validate_thread);
    }
}

/* GObject */

static void
poise_server_library_dispose (GObject *object)
{
  PoiseServerLibrary *self = (PoiseServerLibrary *) object;

  g_clear_object (&self->storage);
  g_clear_object (&self->hub);
  g_clear_pointer (&self->current, g_bytes_unref);
  g_clear_pointer (&self->current_sha256, g_free);

  G_OBJECT_CLASS (poise_server_library_parent_class)->dispose (object);
}

static void
poise_server_library_class_init (PoiseServerLibraryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_server_library_dispose;
}

static void
poise_server_library_init (PoiseServerLibrary *self)
{
}

/* Public API */

PoiseServerLibrary *
poise_server_library_new (PoiseServerStorage *storage,
                          PoiseLiveHub       *hub)
{
  PoiseServerLibrary *self;

  g_return_val_if_fail (POISE_IS_SERVER_STORAGE (storage), NULL);
  g_return_val_if_fail (POISE_IS_LIVE_HUB (hub), NULL);

  self = g_object_new (POISE_TYPE_SERVER_LIBRARY, NULL);
  self->storage = g_object_ref (storage);
  self->hub = g_object_ref (hub);
  return self;
}

gboolean
poise_server_library_owns_path (const char *path)
{
  return g_str_equal (path, LIBRARY) || g_str_has_prefix (path, LIBRARY "/");
}

gsize
poise_server_library_body_limit (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);

  if (uri != NULL && soup_server_message_get_method (msg) == SOUP_METHOD_POST &&
      g_str_equal (g_uri_get_path (uri), VERSIONS))
    return POISE_SERVER_LIBRARY_MAX_BODY;
  return 0;
}

void
poise_server_library_handle (PoiseServerLibrary *self,
                             SoupServerMessage  *msg,
                             const char         *path,
                             PoiseServerUser    *user)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean get = method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;
  const char *allow = "GET";

  g_return_if_fail (POISE_IS_SERVER_LIBRARY (self));

  if (g_str_equal (path, LIBRARY) && get)
    handle_current (self, msg);
  else if (g_str_equal (path, VERSIONS) && get)
    handle_list (self, msg);
  else if (g_str_equal (path, VERSIONS) && method == SOUP_METHOD_POST)
    handle_publish (self, msg, user);
  else if (g_str_has_prefix (path, VERSIONS "/") && get)
    handle_get_version (self, msg, path + strlen (VERSIONS "/"));
  else if (!g_str_equal (path, LIBRARY) && !g_str_equal (path, VERSIONS) &&
           !g_str_has_prefix (path, VERSIONS "/"))
    respond_error (msg, 404, "not_found", "No such resource");
  else
    {
      if (g_str_equal (path, VERSIONS))
        allow = "GET, POST";
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
      respond_error (msg, 405, "method_not_allowed", "This method is not allowed here");
    }
}

void
poise_server_library_stop (PoiseServerLibrary *self)
{
  g_return_if_fail (POISE_IS_SERVER_LIBRARY (self));
  self->stopped = TRUE;
}

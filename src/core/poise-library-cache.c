/* poise-library-cache.c: the last script library received from the team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An agent who starts Poise offline must get the scripts their team last
 * published, not the built-in ones, and never a half-written or altered
 * copy. The library is written first and its metadata (version, SHA-256,
 * message) second, each with g_file_set_contents(), which fsyncs and
 * renames; on load the SHA-256 of the library must match the metadata, so
 * a crash between the two writes, a damaged disk or a hand-edited file
 * all fall back to the built-in library.
 */
#define G_LOG_DOMAIN "poise-library-cache"

#include "config.h"

#include "poise-library-cache.h"
#include "poise-json-guard.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>

#define LIBRARY_FILE "library.json"
#define META_FILE    "library.meta.json"
#define META_MAX_BYTES (64 * 1024)

void
poise_library_cache_info_free (PoiseLibraryCacheInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->sha256);
  g_free (info->message);
  g_free (info);
}

gboolean
poise_library_cache_save (const char  *dir,
                          GBytes      *bytes,
                          gint64       version,
                          const char  *message,
                          GError     **error)
{
  g_autofree char *library_path = g_build_filename (dir, LIBRARY_FILE, NULL);
  g_autofree char *meta_path = g_build_filename (dir, META_FILE, NULL);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *meta = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, sha256);
  json_builder_set_member_name (builder, "message");
  if (message != NULL)
    json_builder_add_string_value (builder, message);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  meta = json_generator_to_data (generator, NULL);

  return g_file_set_contents (library_path, data, size, error) &&
         g_file_set_contents (meta_path, meta, -1, error);
}

static PoiseLibraryCacheInfo *
read_meta (const char  *path,
           GError     **error)
{
  static const PoiseJsonLimits limits = { META_MAX_BYTES, 4 };
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(PoiseLibraryCacheInfo) info = NULL;
  JsonObject *object;
  JsonNode *member;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  root = poise_json_parse_guarded (bytes, &limits, error);
  if (root == NULL)
    return NULL;

  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  info = g_new0 (PoiseLibraryCacheInfo, 1);

  if (object == NULL ||
      (member = json_object_get_member (object, "version")) == NULL ||
      json_node_get_value_type (member) != G_TYPE_INT64 ||
      (member = json_object_get_member (object, "sha256")) == NULL ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_DAMAGED,
                   _("The record of the cached script library is damaged"));
      return NULL;
    }

  info->version = json_object_get_int_member (object, "version");
  info->sha256 = g_strdup (json_object_get_string_member (object, "sha256"));
  member = json_object_get_member (object, "message");
  if (member != NULL && json_node_get_value_type (member) == G_TYPE_STRING)
    info->message = g_strdup (json_node_get_string (member));

  return g_steal_pointer (&info);
}

PoiseLibrary *
poise_library_cache_load (const char             *dir,
                          PoiseLibraryCacheInfo **info,
                          GError                **error)
{
  g_autofree char *library_path = g_build_filename (dir, LIBRARY_FILE, NULL);
  g_autofree char *meta_path = g_build_filename (dir, META_FILE, NULL);
  g_autoptr(PoiseLibraryCacheInfo) meta = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GBytes) bytes = NULL;
  PoiseLibrary *library;
  gsize length;

  if (!g_file_test (meta_path, G_FILE_TEST_EXISTS) &&
      !g_file_test (library_path, G_FILE_TEST_EXISTS))
    return NULL;

  meta = read_meta (meta_path, &local_error);
  if (meta == NULL ||
      !g_file_get_contents (library_path, &contents, &length, &local_error))
    {
      g_set_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_DAMAGED,
                   _("The cached script library in %s cannot be read (%s)"),
                   dir, local_error->message);
      return NULL;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_ascii_strcasecmp (sha256, meta->sha256) != 0)
    {
      g_set_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_DAMAGED,
                   _("The cached script library in %s does not match its checksum"),
                   dir);
      return NULL;
    }

  library = poise_library_new_from_bytes (bytes, NULL, error);
  if (library != NULL && info != NULL)
    *info = g_steal_pointer (&meta);

  return library;
}

/* poise-library.c: an immutable, validated script library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-library"

#include "config.h"

#include "poise-json-guard-private.h"
#include "poise-library-private.h"
#include "poise-library-resources.h"

#include <glib/gi18n-lib.h>

G_DEFINE_FINAL_TYPE (PoiseLibrary, poise_library, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (PoiseProblem, poise_problem, poise_problem_copy, poise_problem_free)

G_DEFINE_QUARK (poise-library-error-quark, poise_library_error)

static const PoiseJsonLimits library_limits = {
  POISE_LIBRARY_MAX_BYTES,
  POISE_JSON_MAX_DEPTH,
};

/* Below this, hashing takes less than starting a thread for it. */
#define CHECKSUM_THREAD_MIN_BYTES (256 * 1024)

PoiseProblem *
poise_problem_copy (const PoiseProblem *self)
{
  PoiseProblem *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (PoiseProblem, 1);
  copy->severity = self->severity;
  copy->path = g_strdup (self->path);
  copy->message = g_strdup (self->message);

  return copy;
}

void
poise_problem_free (PoiseProblem *self)
{
  if (self == NULL)
    return;

  g_free (self->path);
  g_free (self->message);
  g_free (self);
}

/**
 * poise_problem_to_string:
 *
 * Returns: (transfer full): "path: message", or just the message for a
 *   problem with the whole document
 */
char *
poise_problem_to_string (const PoiseProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->path == NULL || self->path[0] == '\0')
    return g_strdup (self->message);

  return g_strdup_printf ("%s: %s", self->path, self->message);
}

void
_poise_problem_add (GPtrArray            *problems,
                    PoiseProblemSeverity  severity,
                    const char           *path,
                    const char           *message)
{
  PoiseProblem *problem = g_new0 (PoiseProblem, 1);

  problem->severity = severity;
  problem->path = g_strdup (path != NULL ? path : "");
  problem->message = g_strdup (message);
  g_ptr_array_add (problems, problem);
}

static void
poise_library_finalize (GObject *object)
{
  PoiseLibrary *self = (PoiseLibrary *) object;

  g_clear_pointer (&self->languages, g_strfreev);
  g_clear_pointer (&self->title, poise_localized_unref);
  g_clear_object (&self->checklist);
  g_clear_object (&self->scenarios);
  g_clear_object (&self->avoid);
  g_clear_pointer (&self->scenario_index, g_hash_table_unref);
  g_clear_pointer (&self->sha256, g_free);

  G_OBJECT_CLASS (poise_library_parent_class)->finalize (object);
}

static void
poise_library_class_init (PoiseLibraryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_library_finalize;
}

static void
poise_library_init (PoiseLibrary *self)
{
  self->checklist = g_list_store_new (POISE_TYPE_CHECKLIST_STEP);
  self->scenarios = g_list_store_new (POISE_TYPE_SCENARIO);
  self->avoid = g_list_store_new (POISE_TYPE_AVOID_PHRASE);
  self->scenario_index = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
}

/* Sets @error from the first error in @problems, counting the others. */
static void
set_error_from_problems (GPtrArray  *problems,
                         GError    **error)
{
  const PoiseProblem *first = NULL;
  guint n_errors = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; i < problems->len; i++)
    {
      const PoiseProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity != POISE_PROBLEM_ERROR)
        continue;
      if (first == NULL)
        first = problem;
      n_errors++;
    }

  g_assert (first != NULL);
  text = poise_problem_to_string (first);

  if (n_errors > 1)
    g_set_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID,
                 g_dngettext (GETTEXT_PACKAGE,
                              /* Translators: %s is a problem of the library,
                               * as "path: message"; then how many more errors
                               * it has */
                              "%s (and %u more problem)", "%s (and %u more problems)",
                              n_errors - 1),
                 text, n_errors - 1);
  else
    g_set_error_literal (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID, text);
}

static void
hand_over_problems (GPtrArray  *found,
                    GPtrArray **problems)
{
  if (problems == NULL)
    return;

  if (*problems == NULL)
    *problems = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);

  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (*problems, g_ptr_array_index (found, i));

  g_ptr_array_set_free_func (found, NULL);
}

/**
 * poise_library_new_from_bytes:
 * @bytes: the library's JSON
 * @problems: (inout) (optional) (nullable) (element-type PoiseProblem):
 *   receives every problem found
 * @error: return location for a %POISE_LIBRARY_ERROR
 *
 * The error message is the first error as "path: message", followed by
 * " (and N more problems)" when N further errors were found (translated,
 * like the messages, in the "poise" gettext domain); incomplete
 * translations never make loading fail and are not counted there.
 *
 * Returns: (transfer full) (nullable): the library
 */
PoiseLibrary *
poise_library_new_from_bytes (GBytes     *bytes,
                              GPtrArray **problems,
                              GError    **error)
{
  return _poise_library_new_from_bytes_with_limits (bytes, &library_limits, problems, error);
}

static gpointer
compute_checksum (gpointer data)
{
  g_autoptr(GBytes) bytes = data;

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* SHA-256 of a large library takes about as long as parsing it (GLib
 * hashes some 250 MB/s), so another core does it meanwhile; NULL when
 * that is not worth it or not possible. */
static GThread *
start_checksum (GBytes                *bytes,
                const PoiseJsonLimits *limits)
{
  gsize length = g_bytes_get_size (bytes);
  GThread *thread;

  if (length < CHECKSUM_THREAD_MIN_BYTES ||
      (limits != NULL && limits->max_bytes > 0 && length > limits->max_bytes) ||
      g_get_num_processors () < 2)
    return NULL;

  thread = g_thread_try_new ("poise-checksum", compute_checksum, g_bytes_ref (bytes), NULL);
  if (thread == NULL)
    g_bytes_unref (bytes);

  return thread;
}

/**
 * _poise_library_new_from_bytes_with_limits:
 * @limits: the guard's limits instead of the library format's
 *
 * For benchmarks that measure libraries beyond the 8 MiB the format allows.
 */
PoiseLibrary *
_poise_library_new_from_bytes_with_limits (GBytes                *bytes,
                                           const PoiseJsonLimits *limits,
                                           GPtrArray            **problems,
                                           GError               **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(PoiseJsonDocument) doc = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autofree char *checksum = NULL;
  GThread *checksum_thread;
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  checksum_thread = start_checksum (bytes, limits);
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);
  data = g_bytes_get_data (bytes, &length);

  /* The guard's own tree: json-glib's would cost more than the budget for
   * the whole load. */
  doc = _poise_json_document_parse (data != NULL ? data : "", length, limits,
                                    &path, &local_error);
  if (doc == NULL)
    _poise_problem_add (found, POISE_PROBLEM_ERROR, path, local_error->message);
  else
    library = _poise_library_load (_poise_json_document_get_root (doc), found);

  if (checksum_thread != NULL)
    checksum = g_thread_join (checksum_thread);

  if (library == NULL)
    set_error_from_problems (found, error);
  else if (checksum != NULL)
    library->sha256 = g_steal_pointer (&checksum);
  else
    library->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  hand_over_problems (found, problems);

  return g_steal_pointer (&library);
}

/**
 * poise_library_new_from_file:
 * @file: a library file
 * @problems: (inout) (optional) (nullable) (element-type PoiseProblem):
 *   receives every problem found
 * @error: return location for an error
 *
 * Files too large for a library are refused before they are read.
 *
 * Returns: (transfer full) (nullable): the library
 */
PoiseLibrary *
poise_library_new_from_file (GFile      *file,
                             GPtrArray **problems,
                             GError    **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, error);
  if (info == NULL)
    return NULL;

  if (g_file_info_get_size (info) > POISE_LIBRARY_MAX_BYTES)
    {
      g_autoptr(GPtrArray) found =
        g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);
      goffset size = g_file_info_get_size (info);
      /* The JSON guard's message, so that it is translated once. */
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "input is %llu byte, more than the limit of %llu bytes",
                                      "input is %llu bytes, more than the limit of %llu bytes",
                                      (gulong) size),
                         (unsigned long long) size, (unsigned long long) POISE_LIBRARY_MAX_BYTES);

      _poise_problem_add (found, POISE_PROBLEM_ERROR, "", message);
      set_error_from_problems (found, error);
      hand_over_problems (found, problems);
      return NULL;
    }

  bytes = g_file_load_bytes (file, NULL, NULL, error);
  if (bytes == NULL)
    return NULL;

  return poise_library_new_from_bytes (bytes, problems, error);
}

/**
 * poise_library_new_default:
 *
 * Returns: (transfer full) (nullable): the library shipped in the GResource
 */
PoiseLibrary *
poise_library_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  /* Asking core's own resource by name, rather than the global registry,
   * also makes the linker keep it in from the static library. */
  bytes = g_resource_lookup_data (poise_library_get_resource (),
                                  RESOURCE_PATH "/library/default.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  return poise_library_new_from_bytes (bytes, NULL, error);
}

const char * const *
poise_library_get_languages (PoiseLibrary *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return (const char * const *) self->languages;
}

const char *
poise_library_get_title (PoiseLibrary *self,
                         const char   *lang)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return poise_localized_get (self->title, lang);
}

/**
 * poise_library_get_checklist:
 *
 * Returns: (transfer none): the #PoiseChecklistStep items
 */
GListModel *
poise_library_get_checklist (PoiseLibrary *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->checklist);
}

/**
 * poise_library_get_scenarios:
 *
 * Returns: (transfer none): the #PoiseScenario items
 */
GListModel *
poise_library_get_scenarios (PoiseLibrary *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->scenarios);
}

/**
 * poise_library_get_avoid:
 *
 * Returns: (transfer none): the #PoiseAvoidPhrase items for every scenario
 */
GListModel *
poise_library_get_avoid (PoiseLibrary *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return G_LIST_MODEL (self->avoid);
}

/**
 * poise_library_lookup_scenario:
 *
 * Returns: (transfer none) (nullable): the scenario with @id
 */
PoiseScenario *
poise_library_lookup_scenario (PoiseLibrary *self,
                               const char   *id)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->scenario_index, id);
}

const char *
poise_library_get_sha256 (PoiseLibrary *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY (self), NULL);
  return self->sha256;
}

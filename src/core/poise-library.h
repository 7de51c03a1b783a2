/* poise-library.h: an immutable, validated script library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-checklist-step.h"
#include "poise-scenario.h"

G_BEGIN_DECLS

#define POISE_LIBRARY_FORMAT_VERSION 1

#define POISE_LIBRARY_ERROR (poise_library_error_quark ())

typedef enum {
  POISE_LIBRARY_ERROR_INVALID,   /* JSON guard or validation failed */
  POISE_LIBRARY_ERROR_DAMAGED,   /* a cached copy fails its SHA-256 check */
} PoiseLibraryError;

typedef enum {
  POISE_PROBLEM_ERROR,       /* the library is rejected */
  POISE_PROBLEM_INCOMPLETE,  /* a text is missing in one of the library's languages */
} PoiseProblemSeverity;

#define POISE_TYPE_PROBLEM (poise_problem_get_type ())
typedef struct {
  PoiseProblemSeverity severity;
  char *path;      /* "scenarios[3].script.de" ("" for the whole document) */
  char *message;   /* "placeholder [datum] is not declared" */
} PoiseProblem;

GType         poise_problem_get_type (void) G_GNUC_CONST;
PoiseProblem *poise_problem_copy     (const PoiseProblem *self);
void          poise_problem_free     (PoiseProblem *self);
/* "path: message" */
char         *poise_problem_to_string (const PoiseProblem *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseProblem, poise_problem_free)

#define POISE_TYPE_LIBRARY (poise_library_get_type ())
G_DECLARE_FINAL_TYPE (PoiseLibrary, poise_library, POISE, LIBRARY, GObject)

GQuark        poise_library_error_quark (void);

/* Guards, parses and validates @bytes. Every problem found is appended to
 * @problems (PoiseProblem, nullable, created if *problems is NULL), errors
 * and incomplete translations alike. Returns NULL with @error set to the
 * first error ("path: message", plus how many more) if any is an error. */
PoiseLibrary *poise_library_new_from_bytes (GBytes     *bytes,
                                            GPtrArray **problems,
                                            GError    **error);
PoiseLibrary *poise_library_new_from_file  (GFile      *file,
                                            GPtrArray **problems,
                                            GError    **error);
/* The library that ships in the GResource (resources must be registered). */
PoiseLibrary *poise_library_new_default    (GError    **error);

/* Language codes the library declares ("de", "en"). */
const char * const *poise_library_get_languages (PoiseLibrary *self);
const char   *poise_library_get_title       (PoiseLibrary *self,
                                             const char   *lang);
/* PoiseChecklistStep items, in order. */
GListModel   *poise_library_get_checklist   (PoiseLibrary *self);
/* PoiseScenario items, sorted by category order, then library order. */
GListModel   *poise_library_get_scenarios   (PoiseLibrary *self);
/* PoiseAvoidPhrase items that apply to every scenario. */
GListModel   *poise_library_get_avoid       (PoiseLibrary *self);
/* Nullable. */
PoiseScenario *poise_library_lookup_scenario (PoiseLibrary *self,
                                              const char   *id);
/* Hex SHA-256 of the bytes it was loaded from. */
const char   *poise_library_get_sha256      (PoiseLibrary *self);

G_END_DECLS

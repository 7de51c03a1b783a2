/* poise-library-private.h: what the loader fills in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-json-guard.h"
#include "poise-json-value-private.h"
#include "poise-library.h"

G_BEGIN_DECLS

struct _PoiseLibrary
{
  GObject         parent_instance;

  GStrv           languages;
  PoiseLocalized *title;
  GListStore     *checklist;       /* PoiseChecklistStep */
  GListStore     *scenarios;       /* PoiseScenario, sorted */
  GListStore     *avoid;           /* PoiseAvoidPhrase */
  GHashTable     *scenario_index;  /* id → PoiseScenario */
  char           *sha256;
};

/* poise_library_new_from_bytes() with other guard limits (benchmarks). */
PoiseLibrary *_poise_library_new_from_bytes_with_limits (GBytes                *bytes,
                                                         const PoiseJsonLimits *limits,
                                                         GPtrArray            **problems,
                                                         GError               **error);

/* Appends a PoiseProblem to @problems. */
void          _poise_problem_add  (GPtrArray            *problems,
                                   PoiseProblemSeverity  severity,
                                   const char           *path,
                                   const char           *message);

/* Validates @root and builds the library from it. Every problem is added
 * to @problems; returns NULL if any of them is an error. */
PoiseLibrary *_poise_library_load (const PoiseJsonValue *root,
                                   GPtrArray            *problems);

G_END_DECLS

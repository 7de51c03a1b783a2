/* poise-json-guard-private.h: the guard for core-internal callers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-json-guard.h"
#include "poise-json-value-private.h"

G_BEGIN_DECLS

gboolean _poise_json_guard_check_at (const char            *data,
                                     gsize                  length,
                                     const PoiseJsonLimits *limits,
                                     char                 **out_path,
                                     GError               **error);

/* The guard's pass, keeping the tree it builds on the way. */
PoiseJsonDocument *_poise_json_document_parse (const char            *data,
                                               gsize                  length,
                                               const PoiseJsonLimits *limits,
                                               char                 **out_path,
                                               GError               **error);

G_END_DECLS

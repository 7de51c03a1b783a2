/* poise-json-guard.h: strict JSON checks before json-glib sees the input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define POISE_JSON_ERROR (poise_json_error_quark ())

typedef enum {
  POISE_JSON_ERROR_TOO_LARGE,
  POISE_JSON_ERROR_INVALID_UTF8,
  POISE_JSON_ERROR_TOO_DEEP,
  POISE_JSON_ERROR_DUPLICATE_KEY,
  POISE_JSON_ERROR_NUMBER_RANGE,
  POISE_JSON_ERROR_SYNTAX,
} PoiseJsonError;

typedef struct {
  gsize max_bytes;   /* 0 = no limit */
  guint max_depth;   /* arrays + objects open at once */
} PoiseJsonLimits;

#define POISE_LIBRARY_MAX_BYTES (8 * 1024 * 1024)
#define POISE_JSON_MAX_DEPTH    64

GQuark    poise_json_error_quark (void);

/* Strict RFC 8259 check in one pass, without building a tree: size, UTF-8,
 * depth, duplicate keys, integers within ±2^53, and none of json-glib's
 * extensions (comments, single quotes, hex, trailing commas).  Errors name
 * the JSON path and byte offset, e.g. `scenarios[3].title: duplicate key "en"`. */
gboolean  poise_json_guard_check (const char            *data,
                                  gsize                  length,
                                  const PoiseJsonLimits *limits,
                                  GError               **error);

/* poise_json_guard_check() then json-glib; returns the root node. */
JsonNode *poise_json_parse_guarded (GBytes                *bytes,
                                    const PoiseJsonLimits *limits,
                                    GError               **error);

G_END_DECLS

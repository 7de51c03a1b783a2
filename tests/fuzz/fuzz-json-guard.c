/* fuzz-json-guard.c: the strict JSON guard against arbitrary bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Besides "never crash", one property: whatever the guard lets through,
 * json-glib must parse. The guard exists so json-glib only ever sees input
 * it handles; a disagreement is a hole in the guard.
 */
#include "poise-json-guard.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PoiseJsonLimits limits = { 1024 * 1024, POISE_JSON_MAX_DEPTH };
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gboolean accepted;

  accepted = poise_json_guard_check ((const char *) data, size, &limits, NULL);
  root = poise_json_parse_guarded (bytes, &limits, &error);

  /* The two entry points must agree, and an accepted document must parse. */
  if (accepted != (root != NULL))
    abort ();
  if (root == NULL && error == NULL)
    abort ();

  return 0;
}

/* fuzz-library.c: the script library loader and validator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A library arrives from a file or a supervisor's push; any bytes must end
 * in either a library or an error that says what is wrong.
 */
#include "poise-library.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  library = poise_library_new_from_bytes (bytes, &problems, &error);
  if (library == NULL)
    {
      if (error == NULL || error->message == NULL || *error->message == '\0')
        abort ();
      if (!g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }

  /* Walk what was loaded: a loaded library must be fully usable. */
  {
    GListModel *scenarios = poise_library_get_scenarios (library);
    guint n = g_list_model_get_n_items (scenarios);

    if (poise_library_get_sha256 (library) == NULL)
      abort ();
    for (guint i = 0; i < n; i++)
      g_object_unref (g_list_model_get_item (scenarios, i));
  }

  return 0;
}

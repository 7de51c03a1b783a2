/* canary-leak.c: proves that a leak fails a test in the sanitizer build
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Registered with should_fail: if LeakSanitizer stopped reporting (a
 * suppression too broad, ASAN_OPTIONS turning it off), this test passes
 * its run and meson counts that as the failure.
 */
#include <glib.h>
#include <string.h>

int
main (void)
{
  volatile gpointer p = g_malloc (4096);

  memset (p, 1, 4096);
  p = NULL;
  return 0;
}

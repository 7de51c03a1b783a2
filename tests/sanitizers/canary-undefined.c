/* canary-undefined.c: proves that undefined behaviour fails a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

int
main (int argc, char **argv)
{
  volatile int big = G_MAXINT;
  volatile int sum;

  /* Signed overflow: UBSan must stop here (-fno-sanitize-recover). */
  sum = big + argc;
  return sum == 0;
}

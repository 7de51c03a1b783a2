/* canary-overflow.c: proves that a heap overflow fails a test
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

int
main (int argc, char **argv)
{
  g_autofree char *buffer = g_malloc (16);

  /* argc keeps the compiler from proving the index out of bounds. */
  buffer[15 + argc] = 'x';
  return buffer[0] == 'x';
}

/* first-frame.h - launch benchmark hook
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void poise_bench_first_frame_hook (GtkWindow *window);

G_END_DECLS

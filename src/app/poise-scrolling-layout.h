/* poise-scrolling-layout.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define POISE_TYPE_SCROLLING_LAYOUT (poise_scrolling_layout_get_type ())
G_DECLARE_FINAL_TYPE (PoiseScrollingLayout, poise_scrolling_layout, POISE, SCROLLING_LAYOUT, GtkLayoutManager)

G_END_DECLS

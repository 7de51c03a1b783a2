/* poise-scrolling-layout.c: a bin layout for pages that scroll vertically
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Like GtkBinLayout, but a page that scrolls vertically needs the same
 * width at any height, so its width is measured without one. Passing the
 * height on makes every wrapping label inside binary-search its width at
 * each height AdwLeaflet and AdwViewStack try, re-shaping its text each
 * time: that search was most of the cost of the first frame.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include "poise-scrolling-layout.h"

struct _PoiseScrollingLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (PoiseScrollingLayout, poise_scrolling_layout, GTK_TYPE_LAYOUT_MANAGER)

static GtkSizeRequestMode
poise_scrolling_layout_get_request_mode (GtkLayoutManager *manager,
                                         GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
poise_scrolling_layout_measure (GtkLayoutManager *manager,
                                GtkWidget        *widget,
                                GtkOrientation    orientation,
                                int               for_size,
                                int              *minimum,
                                int              *natural,
                                int              *minimum_baseline,
                                int              *natural_baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0;
      int child_nat = 0;

      if (!gtk_widget_should_layout (child))
        continue;

      gtk_widget_measure (child, orientation,
                          orientation == GTK_ORIENTATION_HORIZONTAL ? -1 : for_size,
                          &child_min, &child_nat, NULL, NULL);
      *minimum = MAX (*minimum, child_min);
      *natural = MAX (*natural, child_nat);
    }
}

static void
poise_scrolling_layout_allocate (GtkLayoutManager *manager,
                                 GtkWidget        *widget,
                                 int               width,
                                 int               height,
                                 int               baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_should_layout (child))
        gtk_widget_allocate (child, width, height, baseline, NULL);
    }
}

static void
poise_scrolling_layout_class_init (PoiseScrollingLayoutClass *klass)
{
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  layout_class->get_request_mode = poise_scrolling_layout_get_request_mode;
  layout_class->measure = poise_scrolling_layout_measure;
  layout_class->allocate = poise_scrolling_layout_allocate;
}

static void
poise_scrolling_layout_init (PoiseScrollingLayout *self)
{
}

/* minimal-window.c - the smallest libadwaita app, as a launch baseline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench/bench-launch.sh compares poise's time to first frame and peak
 * memory against this window: same toolkit, same window size (poise's
 * default 900×640), nothing else.
 */

#include <adwaita.h>

#include "first-frame.h"

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *label;

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_title (GTK_WINDOW (window), "Minimal Window");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  label = gtk_label_new ("Hello");
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  poise_bench_first_frame_hook (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;

  app = adw_application_new ("io.github.poisedesk.PoiseBenchMinimal", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}

/* ui-helpers.h: what the in-process UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-application.h"

G_BEGIN_DECLS

typedef gboolean (*WidgetPredicate) (GtkWidget *widget, gconstpointer data);

/* Runs the main context without blocking for @ms milliseconds. */
void              iterate_for            (guint             ms);

void              collect_widgets        (GtkWidget        *root,
                                          WidgetPredicate   predicate,
                                          gconstpointer     data,
                                          GPtrArray        *found);
gboolean          is_type                (GtkWidget        *widget,
                                          gconstpointer     data);
GPtrArray        *find_all               (GtkWidget        *root,
                                          GType             type);
/* The first, asserting there is one. */
GtkWidget        *find_one               (GtkWidget        *root,
                                          GType             type);

/* A new application "io.github.poisedesk.Poise.NAMEn" on the test bus,
 * activated, in English. */
PoiseApplication *start_app              (const char       *name);
GtkWidget        *get_window             (PoiseApplication *app);
void              stop_app               (PoiseApplication *app);

/* A visible toplevel of @type, or NULL. */
GtkWidget        *find_new_toplevel      (GType             type);
gboolean          try_click_toast_button (GtkWidget        *window,
                                          const char       *title);
/* Clicks Undo on the toast titled @title, waiting up to 15 s for it. */
void              click_toast_button     (GtkWidget        *window,
                                          const char       *title);

void              store_result_cb        (GObject          *source,
                                          GAsyncResult     *result,
                                          gpointer          user_data);
char             *read_clipboard         (GtkWidget        *widget);

G_END_DECLS

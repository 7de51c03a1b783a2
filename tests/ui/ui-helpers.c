/* ui-helpers.c: what the in-process UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-helpers.h"

#include "poise-window.h"

void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

void
collect_widgets (GtkWidget       *root,
                 WidgetPredicate  predicate,
                 gconstpointer    data,
                 GPtrArray       *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (predicate (child, data))
        g_ptr_array_add (found, child);
      collect_widgets (child, predicate, data, found);
    }
}

gboolean
is_type (GtkWidget     *widget,
         gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_widgets (root, is_type, GSIZE_TO_POINTER (type), found);
  return found;
}

GtkWidget *
find_one (GtkWidget *root,
          GType      type)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  g_assert_cmpuint (found->len, >, 0);
  return g_ptr_array_index (found, 0);
}

PoiseApplication *
start_app (const char *name)
{
  static guint n_started;
  /* Each start is its own application on the bus, as a new process would be. */
  g_autofree char *app_id = g_strdup_printf ("io.github.poisedesk.Poise.%s%u", name, ++n_started);
  PoiseApplication *app = poise_application_new (app_id, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_settings_set_string (poise_application_get_settings (app), "script-language", "en");
  g_application_activate (G_APPLICATION (app));
  iterate_for (300);

  return app;
}

GtkWidget *
get_window (PoiseApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  g_assert_true (POISE_IS_WINDOW (windows->data));
  return windows->data;
}

void
stop_app (PoiseApplication *app)
{
  GtkWidget *window = get_window (app);

  gtk_window_close (GTK_WINDOW (window));
  iterate_for (100);
  g_application_quit (G_APPLICATION (app));
  g_object_unref (app);
}

GtkWidget *
find_new_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

/* Clicks the Undo button of the toast titled @title, waiting for it to
 * come up (a toast replacing another waits until that one has settled;
 * older toasts may still be on screen, hiding). */
gboolean
try_click_toast_button (GtkWidget  *window,
                        const char *title)
{
  g_autoptr(GPtrArray) labels = find_all (window, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      GtkWidget *toast = label;
      g_autoptr(GPtrArray) buttons = NULL;

      if (!g_str_has_prefix (gtk_label_get_label (GTK_LABEL (label)), title))
        continue;

      /* Up to the toast's own widget, which holds the title and buttons. */
      while (toast != NULL && !g_str_equal (G_OBJECT_TYPE_NAME (toast), "AdwToastWidget"))
        toast = gtk_widget_get_parent (toast);
      if (toast == NULL)
        continue;

      buttons = find_all (toast, GTK_TYPE_BUTTON);
      for (guint j = 0; j < buttons->len; j++)
        {
          const char *button_label = gtk_button_get_label (g_ptr_array_index (buttons, j));

          if (g_strcmp0 (button_label, "_Undo") == 0)
            {
              /* Nobody clicks a toast the instant it appears. */
              iterate_for (700);
              g_signal_emit_by_name (g_ptr_array_index (buttons, j), "clicked");
              iterate_for (100);
              return TRUE;
            }
        }
    }

  return FALSE;
}

void
click_toast_button (GtkWidget  *window,
                    const char *title)
{
  /* Toasts queue: one with Undo stays 5 s, one without 2 s. */
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!try_click_toast_button (window, title))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No toast \"%s\" with an Undo button", title);
      iterate_for (50);
    }
}

void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

char *
read_clipboard (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;
  GError *error = NULL;
  char *text;

  gdk_clipboard_read_text_async (clipboard, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  text = gdk_clipboard_read_text_finish (clipboard, result, &error);
  g_assert_no_error (error);
  return text;
}

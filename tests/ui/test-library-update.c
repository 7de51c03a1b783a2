/* test-library-update.c: new script libraries reaching the running app
 *
 * The real window in-process under Xvfb; where a server is needed, the
 * real poise-server binary on 127.0.0.1 (tests/server's fixture) with a
 * supervisor publishing over HTTP. Every wait is bounded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "poise-application.h"
#include "poise-changes-dialog.h"
#include "poise-conversation-view.h"
#include "poise-library-cache.h"
#include "poise-library-diff.h"
#include "poise-library-editor.h"
#include "poise-library-hooks.h"
#include "poise-window.h"
#include "server-fixture.h"

#define WAIT_MS 10000

static char *data_dir;

/* Helpers */

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition condition,
            gpointer  data,
            guint     ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (!condition (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return condition (data);
}

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (found, child);
      collect (child, type, found);
    }
}

static GPtrArray *
find_all (GtkWidget *root,
          GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, found);
  return found;
}

static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  g_assert_cmpuint (found->len, >, 0);
  return g_ptr_array_index (found, 0);
}

/* A mapped label showing @text (with @css_class if not NULL). */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text,
            const char *css_class)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);

      if (gtk_widget_get_mapped (label) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0 &&
          (css_class == NULL || gtk_widget_has_css_class (label, css_class)))
        return label;
    }
  return NULL;
}

static GtkListBox *
find_scenario_list (GtkWidget *root)
{
  g_autoptr(GPtrArray) lists = find_all (root, GTK_TYPE_LIST_BOX);

  for (guint i = 0; i < lists->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (lists, i), "navigation-sidebar"))
      return g_ptr_array_index (lists, i);
  g_error ("No scenario list");
  return NULL;
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static char *
library_dir (void)
{
  return g_build_filename (data_dir, "poise", "library", NULL);
}

static char *
read_test_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* tests/data/library-small.json, then: "shipping-delay" retitled with a
 * changed script, "threat" removed, "lost-parcel" added. */
static char *
make_changed_library (void)
{
  g_autofree char *text = read_test_file ("library-small.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) scenario_parser = json_parser_new ();
  JsonArray *scenarios;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  scenarios = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "scenarios");
  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    {
      JsonObject *scenario = json_array_get_object_element (scenarios, i);
      const char *id = json_object_get_string_member (scenario, "id");

      if (g_str_equal (id, "shipping-delay"))
        {
          JsonObject *title = json_object_get_object_member (scenario, "title");
          JsonObject *script = json_object_get_object_member (scenario, "script");

          json_object_set_string_member (title, "en", "Parcel late");
          json_object_set_string_member (script, "en",
                                         "It will arrive by [date], [name]. Sorry again.");
        }
      else if (g_str_equal (id, "threat"))
        {
          json_array_remove_element (scenarios, i);
          i--;
        }
    }
  json_parser_load_from_data (scenario_parser,
    "{\"id\": \"lost-parcel\", \"category\": \"delivery\","
    " \"title\": {\"en\": \"Lost parcel\", \"de\": \"Paket verloren\"},"
    " \"emotion\": {\"en\": \"Worried\", \"de\": \"Besorgt\"},"
    " \"tone\": {\"en\": \"Reassuring\", \"de\": \"Beruhigend\"},"
    " \"script\": {\"en\": \"We will find it.\", \"de\": \"Wir finden es.\"},"
    " \"triggers\": {\"en\": [\"lost\"], \"de\": [\"verloren\"]}}", -1, &error);
  g_assert_no_error (error);
  json_array_add_element (scenarios, json_node_copy (json_parser_get_root (scenario_parser)));
  return json_to_string (json_parser_get_root (parser), TRUE);
}

static PoiseLibrary *
library_from_text (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  PoiseLibrary *library = poise_library_new_from_bytes (bytes, NULL, &error);

  g_assert_no_error (error);
  return library;
}

static void
seed_cache (const char *text,
            gint64      version)
{
  g_autofree char *dir = library_dir ();
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  poise_library_cache_save (dir, bytes, version, "seeded", &error);
  g_assert_no_error (error);
}

static void
clear_cache (void)
{
  g_autofree char *dir = library_dir ();
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
}

static PoiseApplication *
start_app (void)
{
  static guint n_started;
  g_autofree char *app_id = g_strdup_printf ("io.github.poisedesk.Poise.LibraryTest%u", ++n_started);
  PoiseApplication *app = poise_application_new (app_id, G_APPLICATION_NON_UNIQUE);
  g_autoptr(GError) error = NULL;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_settings_set_string (poise_application_get_settings (app), "script-language", "en");
  /* Wide enough to show the list and the conversation side by side,
   * whatever an earlier test left. */
  g_settings_set_int (poise_application_get_settings (app), "window-width", 900);
  g_settings_set_int (poise_application_get_settings (app), "window-height", 640);
  g_settings_set_boolean (poise_application_get_settings (app), "window-maximized", FALSE);
  poise_conversation_reset (poise_application_get_conversation (app));
  g_application_activate (G_APPLICATION (app));
  iterate_for (300);
  return app;
}

static GtkWidget *
get_window (PoiseApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  for (GList *l = windows; l != NULL; l = l->next)
    if (POISE_IS_WINDOW (l->data))
      return l->data;
  g_error ("No window");
  return NULL;
}

static PoiseConversationView *
get_view (PoiseApplication *app)
{
  g_autoptr(GPtrArray) views = find_all (get_window (app), POISE_TYPE_CONVERSATION_VIEW);

  g_assert_cmpuint (views->len, ==, 1);
  return g_ptr_array_index (views, 0);
}

static void
stop_app (PoiseApplication *app)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  iterate_for (100);
  g_application_quit (G_APPLICATION (app));
  g_object_unref (app);
}

/* A conversation in progress: scenario, a ticked step, two values. */
static void
start_conversation (PoiseApplication *app,
                    const char       *scenario_id)
{
  PoiseConversation *conversation = poise_application_get_conversation (app);

  poise_conversation_set_scenario_id (conversation, scenario_id);
  poise_conversation_set_step_done (conversation, "acknowledge", TRUE);
  poise_conversation_set_value (conversation, "date", "Friday");
  poise_conversation_set_value (conversation, "name", "Ana");
  iterate_for (100);
}

static void
assert_conversation_kept (PoiseApplication *app,
                          const char       *scenario_id)
{
  PoiseConversation *conversation = poise_application_get_conversation (app);

  g_assert_cmpstr (poise_conversation_get_scenario_id (conversation), ==, scenario_id);
  g_assert_true (poise_conversation_get_step_done (conversation, "acknowledge"));
  g_assert_cmpstr (poise_conversation_get_value (conversation, "date"), ==, "Friday");
  g_assert_cmpstr (poise_conversation_get_value (conversation, "name"), ==, "Ana");
}


/* With POISE_TEST_SNAPSHOT_DIR set, saves @widget as NAME.png there, to
 * look at the layout (not compared: no test depends on pixels). */
static void
maybe_snapshot (GtkWidget  *widget,
                const char *name)
{
  const char *dir = g_getenv ("POISE_TEST_SNAPSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL || width <= 0 || height <= 0)
    return;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, file);
}

/* Tests without a server */

static void
test_switch_keeps_conversation (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  g_autofree char *changed = make_changed_library ();
  g_autoptr(PoiseLibrary) new_library = library_from_text (changed);
  PoiseApplication *app;
  GtkListBox *list;
  GtkListBoxRow *selected;
  g_autoptr(GPtrArray) checks = NULL;
  gboolean any_active = FALSE;

  clear_cache ();
  seed_cache (small, 3);
  app = start_app ();
  g_assert_cmpint (poise_library_updater_get_version (poise_application_get_library_updater (app)), ==, 3);
  start_conversation (app, "shipping-delay");
  list = find_scenario_list (get_window (app));
  g_assert_cmpuint (count_rows (list), ==, 3);
  g_assert_nonnull (find_label (get_window (app), "Shipping delay", "title-2"));

  poise_application_set_library (app, new_library);
  iterate_for (200);

  g_assert_true (poise_application_get_library (app) == new_library);
  assert_conversation_kept (app, "shipping-delay");
  /* The list is the new library's, the conversation's scenario selected. */
  g_assert_cmpuint (count_rows (list), ==, 3);
  selected = gtk_list_box_get_selected_row (list);
  g_assert_nonnull (selected);
  g_assert_nonnull (find_label (GTK_WIDGET (selected), "Parcel late", NULL));
  /* The view shows the new text, the ticked step is still ticked. */
  g_assert_nonnull (find_label (get_window (app), "Parcel late", "title-2"));
  g_assert_false (poise_conversation_view_get_showing_removed (get_view (app)));
  checks = find_all (GTK_WIDGET (get_view (app)), GTK_TYPE_CHECK_BUTTON);
  for (guint i = 0; i < checks->len; i++)
    any_active |= gtk_check_button_get_active (g_ptr_array_index (checks, i));
  g_assert_true (any_active);

  stop_app (app);
  clear_cache ();
}

static void
test_removed_scenario_keeps_text (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  g_autofree char *changed = make_changed_library ();
  g_autoptr(PoiseLibrary) new_library = library_from_text (changed);
  PoiseApplication *app;
  PoiseConversationView *view;

  clear_cache ();
  seed_cache (small, 3);
  app = start_app ();
  start_conversation (app, "threat");
  view = get_view (app);
  g_assert_nonnull (find_label (GTK_WIDGET (view), "Threat", "title-2"));

  poise_application_set_library (app, new_library);
  iterate_for (300);

  /* Gone from the list, still in the view, and the view says so. */
  assert_conversation_kept (app, "threat");
  g_assert_null (gtk_list_box_get_selected_row (find_scenario_list (get_window (app))));
  g_assert_true (poise_conversation_view_get_showing_removed (view));
  g_assert_nonnull (find_label (GTK_WIDGET (view), "Threat", "title-2"));
  g_assert_nonnull (find_label (GTK_WIDGET (view),
                                "This scenario was removed from the team's scripts. Its text "
                                "stays here until you pick another scenario or start a new "
                                "conversation.", "retired-banner"));
  maybe_snapshot (get_window (app), "removed-scenario");

  /* Docked at 360 px (the conversation shown), the note wraps instead of
   * widening the window. */
  gtk_window_set_default_size (GTK_WINDOW (get_window (app)), 360, 640);
  iterate_for (400);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (find_first (get_window (app), ADW_TYPE_LEAFLET)),
                                      "content");
  iterate_for (400);
  g_assert_cmpint (gtk_widget_get_width (get_window (app)), ==, 360);
  g_assert_true (gtk_widget_get_mapped (find_label (GTK_WIDGET (view), "Threat", "title-2")));
  g_assert_cmpint (gtk_widget_get_width (find_label (GTK_WIDGET (view),
                                                     "This scenario was removed from the team's scripts. Its text "
                                                     "stays here until you pick another scenario or start a new "
                                                     "conversation.", "retired-banner")), <=, 360);

  /* Another scenario: the removed one is let go. */
  poise_conversation_set_scenario_id (poise_application_get_conversation (app), "lost-parcel");
  iterate_for (200);
  g_assert_false (poise_conversation_view_get_showing_removed (view));
  g_assert_nonnull (find_label (GTK_WIDGET (view), "Lost parcel", "title-2"));
  poise_conversation_set_scenario_id (poise_application_get_conversation (app), "threat");
  iterate_for (200);
  g_assert_false (poise_conversation_view_get_showing_removed (view));
  g_assert_null (find_label (GTK_WIDGET (view), "Threat", "title-2"));

  stop_app (app);
  clear_cache ();
}

static PoiseChangesDialog *
find_changes_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (POISE_IS_CHANGES_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return POISE_CHANGES_DIALOG (window);
    }
  return NULL;
}

static gboolean
changes_dialog_shown (gpointer data)
{
  return find_changes_dialog () != NULL;
}

static GtkWidget *
find_button_with_label (GtkWidget  *root,
                        const char *label)
{
  g_autoptr(GPtrArray) buttons = find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_get_mapped (g_ptr_array_index (buttons, i)) &&
        g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), label) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

static void
test_what_changed_dialog (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  g_autofree char *changed = make_changed_library ();
  g_autoptr(PoiseLibrary) old_library = library_from_text (small);
  g_autoptr(PoiseLibrary) new_library = library_from_text (changed);
  PoiseApplication *app;
  PoiseChangesDialog *dialog;
  GtkWidget *button;

  clear_cache ();
  seed_cache (small, 3);
  app = start_app ();

  /* The toast's button opens the dialog. */
  poise_library_hooks_show_update (POISE_WINDOW (get_window (app)), old_library, new_library,
                                   4, "Friendlier delivery scripts");
  iterate_for (800);
  g_assert_nonnull (find_label (get_window (app), "Scripts updated: Friendlier delivery scripts",
                                NULL));
  button = find_button_with_label (get_window (app), "_What Changed");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (wait_until (changes_dialog_shown, NULL, WAIT_MS));
  dialog = find_changes_dialog ();

  /* Added, removed and changed, each named. */
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Added", NULL));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Lost parcel", NULL));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Removed", NULL));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Threat", NULL));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Changed", NULL));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Parcel late", NULL));
  /* The script's word diff: "should" went, "will" and "Sorry" came. */
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "should", "diff-delete"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "will", "diff-insert"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "Sorry", "diff-insert"));
  g_assert_nonnull (find_label (GTK_WIDGET (dialog), "arrive", NULL));
  g_assert_null (find_label (GTK_WIDGET (dialog), "arrive", "diff-insert"));
  /* Unchanged scenarios are not listed. */
  g_assert_null (find_label (GTK_WIDGET (dialog), "Charged twice", NULL));
  if (g_getenv ("POISE_TEST_SNAPSHOT_DIR") != NULL)
    {
      iterate_for (500);
      maybe_snapshot (GTK_WIDGET (dialog), "what-changed");
    }

  /* At 360 px the word diff wraps. */
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 500);
  iterate_for (400);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 360);

  gtk_window_destroy (GTK_WINDOW (dialog));
  stop_app (app);
  clear_cache ();
}

static void
test_cache_at_start_and_tampered (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  g_autofree char *dir = library_dir ();
  g_autofree char *path = g_build_filename (dir, "library.json", NULL);
  g_autofree char *tampered = NULL;
  PoiseApplication *app;
  PoiseLibrary *library;
  g_autoptr(GError) error = NULL;

  clear_cache ();
  seed_cache (small, 5);

  /* Offline (no server): the cached library, not the built-in one. */
  app = start_app ();
  library = poise_application_get_library (app);
  g_assert_cmpstr (poise_library_get_title (library, "en"), ==, "Test library");
  g_assert_cmpint (poise_library_updater_get_version (poise_application_get_library_updater (app)), ==, 5);
  g_assert_cmpuint (count_rows (find_scenario_list (get_window (app))), ==, 3);
  stop_app (app);

  /* A changed byte: the SHA-256 no longer matches, the built-in one is used. */
  tampered = g_strdup (small);
  *strstr (tampered, "Charged twice") = 'X';
  g_file_set_contents (path, tampered, -1, &error);
  g_assert_no_error (error);

  g_test_expect_message ("poise-library-updater", G_LOG_LEVEL_WARNING, "*cached script library*");
  app = start_app ();
  g_test_assert_expected_messages ();
  library = poise_application_get_library (app);
  g_assert_nonnull (library);
  g_assert_cmpstr (poise_library_get_title (library, "en"), !=, "Test library");
  g_assert_cmpint (poise_library_updater_get_version (poise_application_get_library_updater (app)), ==, 0);
  g_assert_cmpuint (count_rows (find_scenario_list (get_window (app))), >, 3);
  stop_app (app);
  clear_cache ();
}

/* With the real server */

typedef struct {
  TestServer  *server;
  SoupSession *session;
  char        *url;
  char        *supervisor;
  char        *agent;
} Team;

static Team *
team_start (void)
{
  Team *team = g_new0 (Team, 1);
  g_autofree char *dir = g_dir_make_tmp ("poise-library-server-XXXXXX", NULL);

  team->server = test_server_start (dir);
  team->session = soup_session_new ();
  team->url = g_strdup_printf ("http://127.0.0.1:%u", team->server->port);
  team->supervisor = test_server_add_user (team->server, "sue", "supervisor");
  team->agent = test_server_add_user (team->server, "ana", "agent");
  return team;
}

static void team_free (Team *team);

/* NULL (test skipped) for a server without the library API. */
static Team *
team_start_with_library (void)
{
  Team *team = team_start ();
  g_autofree char *url = test_url (team->server, "/library");
  g_autoptr(TestReply) reply = test_request (team->session, "GET", url, team->agent, NULL, NULL);

  if (reply->status == 404)
    {
      g_test_skip ("poise-server has no library API in this tree");
      team_free (team);
      return NULL;
    }
  g_assert_cmpuint (reply->status, ==, 200);
  return team;
}

static void
team_free (Team *team)
{
  test_server_stop (team->server);
  test_server_free (team->server);
  g_object_unref (team->session);
  g_free (team->url);
  g_free (team->supervisor);
  g_free (team->agent);
  g_free (team);
}

/* Publishes @library_text as the supervisor; returns the new version. */
static gint64
team_publish (Team       *team,
              gint64      base_version,
              const char *message,
              const char *library_text)
{
  g_autofree char *url = test_url (team->server, "/library/versions");
  g_autofree char *body = g_strdup_printf ("{\"base_version\":%" G_GINT64_FORMAT
                                           ",\"message\":\"%s\",\"library\":%s}",
                                           base_version, message, library_text);
  g_autoptr(TestReply) reply = test_request (team->session, "POST", url, team->supervisor,
                                             body, NULL);

  g_assert_cmpuint (reply->status, ==, 201);
  return test_reply_int (reply, "version");
}

typedef struct {
  PoiseLibraryUpdater *updater;
  gint64               version;
} VersionWait;

static gboolean
has_version (gpointer data)
{
  VersionWait *wait = data;

  return poise_library_updater_get_version (wait->updater) == wait->version;
}

static gboolean
client_is_live (gpointer data)
{
  return poise_sync_client_get_live (data);
}

static gboolean
action_enabled (gpointer data)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (data), "edit-library");
}

static gboolean
editor_shown (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (POISE_IS_LIBRARY_EDITOR (window) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return TRUE;
    }
  return FALSE;
}

static void
test_live_publish_reaches_app (void)
{
  g_autofree char *changed = make_changed_library ();
  Team *team = team_start_with_library ();
  PoiseApplication *app;
  g_autoptr(PoiseSyncClient) client = NULL;
  PoiseLibraryUpdater *updater;
  VersionWait wait;
  gint64 version;
  gint64 started;
  g_autofree char *dir = library_dir ();
  g_autoptr(PoiseLibraryCacheInfo) info = NULL;
  g_autoptr(PoiseLibrary) cached = NULL;
  g_autoptr(GError) error = NULL;

  if (team == NULL)
    return;
  clear_cache ();
  app = start_app ();
  updater = poise_application_get_library_updater (app);
  /* The app's own sync client, pointed at the server as Preferences would. */
  client = g_object_ref (poise_application_get_sync_client (app));
  poise_sync_client_set_server (client, team->url, team->agent);
  g_assert_true (wait_until (client_is_live, client, WAIT_MS));
  /* The server's version 1 is the built-in library: taken silently. */
  wait = (VersionWait) { updater, 1 };
  g_assert_true (wait_until (has_version, &wait, WAIT_MS));

  start_conversation (app, "damaged-item");
  version = team_publish (team, 1, "Friendlier delivery scripts", changed);
  g_assert_cmpint (version, ==, 2);
  started = g_get_monotonic_time ();
  wait = (VersionWait) { updater, 2 };
  g_assert_true (wait_until (has_version, &wait, WAIT_MS));
  g_test_message ("publish to running app: %.0f ms",
                  (g_get_monotonic_time () - started) / 1000.0);

  g_assert_cmpstr (poise_library_get_title (poise_application_get_library (app), "en"), ==,
                   "Test library");
  /* The conversation's values stay even though its scenario went. */
  assert_conversation_kept (app, "damaged-item");
  iterate_for (300);
  g_assert_true (poise_conversation_view_get_showing_removed (get_view (app)));
  g_assert_nonnull (find_label (get_window (app), "Scripts updated: Friendlier delivery scripts", NULL));

  /* Cached for the next start, checked. */
  cached = poise_library_cache_load (dir, &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->version, ==, 2);

  /* Agents have no editor; supervisors get it in the menu. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "edit-library"));
  poise_sync_client_set_server (client, team->url, team->supervisor);
  g_assert_true (wait_until (action_enabled, app, WAIT_MS));
  g_action_group_activate_action (G_ACTION_GROUP (app), "edit-library", NULL);
  g_assert_true (wait_until (editor_shown, NULL, WAIT_MS));

  /* Disconnected: no editor in the menu any more. */
  poise_sync_client_set_server (client, NULL, NULL);
  iterate_for (100);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "edit-library"));
  stop_app (app);
  team_free (team);
  clear_cache ();
}

/* An agent without the app: store, sync client, updater, conversation. */
typedef struct {
  char                *dir;
  PoiseStore          *store;
  PoiseSyncClient     *client;
  PoiseLibraryUpdater *updater;
  PoiseConversation   *conversation;
  guint                updates;
} Agent;

static void
on_agent_updated_cb (Agent *agent)
{
  agent->updates++;
}

static Agent *
agent_new (Team *team)
{
  Agent *agent = g_new0 (Agent, 1);
  g_autofree char *db = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(GError) error = NULL;

  agent->dir = g_dir_make_tmp ("poise-agent-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (agent->dir, "poise.db", NULL);
  cache = g_build_filename (agent->dir, "library", NULL);
  agent->store = poise_store_new (db, &error);
  g_assert_no_error (error);
  agent->client = poise_sync_client_new (agent->store);
  agent->updater = poise_library_updater_new (cache);
  g_signal_connect_swapped (agent->updater, "updated", G_CALLBACK (on_agent_updated_cb), agent);
  poise_library_updater_set_sync_client (agent->updater, agent->client);
  agent->conversation = poise_conversation_new ();
  poise_conversation_set_scenario_id (agent->conversation, "double-charge");
  poise_conversation_set_value (agent->conversation, "date", "Monday");
  poise_sync_client_set_server (agent->client, team->url, team->agent);
  return agent;
}

static void
agent_free (Agent *agent)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", agent->dir);

  poise_sync_client_set_server (agent->client, NULL, NULL);
  iterate_for (100);
  g_object_unref (agent->updater);
  g_object_unref (agent->client);
  g_object_unref (agent->store);
  g_object_unref (agent->conversation);
  (void) system (command);
  g_free (agent->dir);
  g_free (agent);
}

static void
test_two_agents_receive_publish (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  Team *team = team_start_with_library ();
  Agent *agents[2];
  VersionWait wait;

  if (team == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      agents[i] = agent_new (team);
      g_assert_true (wait_until (client_is_live, agents[i]->client, WAIT_MS));
      wait = (VersionWait) { agents[i]->updater, 1 };
      g_assert_true (wait_until (has_version, &wait, WAIT_MS));
    }

  g_assert_cmpint (team_publish (team, 1, "Small set", small), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      wait = (VersionWait) { agents[i]->updater, 2 };
      g_assert_true (wait_until (has_version, &wait, WAIT_MS));
      g_assert_cmpuint (agents[i]->updates, ==, 1);
      g_assert_cmpstr (poise_library_get_title (poise_library_updater_get_library (agents[i]->updater), "en"),
                       ==, "Test library");
      g_assert_cmpstr (poise_conversation_get_scenario_id (agents[i]->conversation), ==, "double-charge");
      g_assert_cmpstr (poise_conversation_get_value (agents[i]->conversation, "date"), ==, "Monday");
      g_assert_nonnull (poise_library_lookup_scenario (poise_library_updater_get_library (agents[i]->updater),
                                                       "double-charge"));
    }

  for (guint i = 0; i < 2; i++)
    agent_free (agents[i]);
  team_free (team);
}

static void
test_offline_agent_gets_it_on_reconnect (void)
{
  g_autofree char *small = read_test_file ("library-small.json");
  Team *team = team_start_with_library ();
  Agent *agent;
  VersionWait wait;

  if (team == NULL)
    return;
  agent = agent_new (team);
  wait = (VersionWait) { agent->updater, 1 };
  g_assert_true (wait_until (client_is_live, agent->client, WAIT_MS));
  g_assert_true (wait_until (has_version, &wait, WAIT_MS));

  /* Offline while the supervisor publishes. */
  poise_sync_client_set_server (agent->client, NULL, NULL);
  g_assert_cmpint (team_publish (team, 1, "While you were away", small), ==, 2);
  iterate_for (500);
  g_assert_cmpint (poise_library_updater_get_version (agent->updater), ==, 1);

  /* Back online: the live socket's connect fetches what was missed. */
  poise_sync_client_set_server (agent->client, team->url, team->agent);
  wait = (VersionWait) { agent->updater, 2 };
  g_assert_true (wait_until (has_version, &wait, WAIT_MS));
  g_assert_cmpuint (agent->updates, ==, 1);

  agent_free (agent);
  team_free (team);
}

/* The library editor */

typedef struct {
  PoiseLibraryEditor *editor;
  guint               replies;
} ReplyWait;

static gboolean
has_replies (gpointer data)
{
  ReplyWait *wait = data;

  return poise_library_editor_get_replies (wait->editor) >= wait->replies;
}

/* Waits for @n more answers from the server. */
static void
wait_replies (PoiseLibraryEditor *editor,
              guint               n)
{
  ReplyWait wait = { editor, poise_library_editor_get_replies (editor) + n };

  g_assert_true (wait_until (has_replies, &wait, WAIT_MS));
}

static PoiseLibraryEditor *
open_editor (Team       *team,
             const char *token,
             const char *draft)
{
  g_autoptr(PoiseLibraryClient) client = poise_library_client_new (team->url, token);
  PoiseLibraryEditor *editor = poise_library_editor_new (client, draft);
  ReplyWait wait = { editor, 1 };

  gtk_window_present (GTK_WINDOW (editor));
  /* The history, and the library unless a draft came back. */
  g_assert_true (wait_until (has_replies, &wait, WAIT_MS));
  iterate_for (200);
  return editor;
}

static GtkWidget *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  g_autoptr(GPtrArray) rows = find_all (root, ADW_TYPE_ENTRY_ROW);

  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  g_error ("No entry row %s", title);
  return NULL;
}

static GtkTextView *
find_text_view (GtkWidget  *root,
                const char *label_text)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), label_text) == 0 &&
        GTK_IS_TEXT_VIEW (gtk_label_get_mnemonic_widget (g_ptr_array_index (labels, i))))
      return GTK_TEXT_VIEW (gtk_label_get_mnemonic_widget (g_ptr_array_index (labels, i)));
  g_error ("No text view labelled %s", label_text);
  return NULL;
}

static const PoiseProblem *
find_problem (PoiseLibraryEditor *editor,
              const char         *path)
{
  GPtrArray *problems = poise_library_editor_get_problems (editor);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    if (g_strcmp0 (((PoiseProblem *) g_ptr_array_index (problems, i))->path, path) == 0)
      return g_ptr_array_index (problems, i);
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_message_dialog (data) != NULL;
}

static void
test_editor_edit_validate_publish (void)
{
  Team *team = team_start_with_library ();
  g_autofree char *draft = g_build_filename (data_dir, "library-draft.json", NULL);
  g_autofree char *agent_draft = g_build_filename (data_dir, "agent-draft.json", NULL);
  PoiseLibraryEditor *editor;
  PoiseLibraryEditor *agent_editor;
  GtkTextView *script;
  g_autofree char *old_script = NULL;
  g_autofree char *json = NULL;
  g_autofree char *url = NULL;
  g_autofree char *before_stale = NULL;
  GtkTextIter start, end;
  const PoiseProblem *problem;

  if (team == NULL)
    return;
  g_unlink (draft);
  g_unlink (agent_draft);

  /* Opens on the server's current library (version 1). */
  editor = open_editor (team, team->supervisor, draft);
  if (poise_library_editor_get_base_version (editor) == 0)
    wait_replies (editor, 1);
  g_assert_cmpint (poise_library_editor_get_base_version (editor), ==, 1);
  g_assert_cmpuint (count_rows (find_scenario_list (GTK_WIDGET (editor))), ==, 14);

  /* A title typed in the form lands in the working copy and the list. */
  poise_library_editor_select_scenario (editor, 0);
  iterate_for (100);
  gtk_editable_set_text (GTK_EDITABLE (find_entry_row (GTK_WIDGET (editor), "Title (English)")),
                         "Parcel is late");
  poise_library_editor_validate (editor);
  json = poise_library_editor_dup_json (editor);
  g_assert_nonnull (strstr (json, "\"Parcel is late\""));
  g_assert_nonnull (find_label (GTK_WIDGET (gtk_list_box_get_row_at_index (find_scenario_list (GTK_WIDGET (editor)), 0)),
                                "Parcel is late", NULL));
  g_assert_null (find_problem (editor, "scenarios[0].title.en"));

  /* An empty script: a problem with its JSON path, listed; activating it
   * goes back to the field. */
  script = find_text_view (GTK_WIDGET (editor), "Script (English)");
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (script), &start, &end);
  old_script = gtk_text_buffer_get_text (gtk_text_view_get_buffer (script), &start, &end, FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (script), "", -1);
  poise_library_editor_validate (editor);
  problem = find_problem (editor, "scenarios[0].script.en");
  g_assert_nonnull (problem);
  g_assert_cmpint (problem->severity, ==, POISE_PROBLEM_ERROR);
  {
    g_autoptr(GPtrArray) rows = find_all (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW);
    GtkWidget *problem_row = NULL;

    for (guint i = 0; i < rows->len; i++)
      if (g_strcmp0 (adw_action_row_get_subtitle (g_ptr_array_index (rows, i)),
                     "scenarios[0].script.en") == 0)
        problem_row = g_ptr_array_index (rows, i);
    g_assert_nonnull (problem_row);
    g_signal_emit_by_name (gtk_widget_get_parent (problem_row), "row-activated", problem_row);
    iterate_for (100);
    g_assert_true (gtk_window_get_focus (GTK_WINDOW (editor)) == GTK_WIDGET (script));
    maybe_snapshot (GTK_WIDGET (editor), "editor");
  }

  /* Closed with the change unpublished: the draft brings it back. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (script), old_script, -1);
  poise_library_editor_validate (editor);
  g_assert_null (find_problem (editor, "scenarios[0].script.en"));
  gtk_window_destroy (GTK_WINDOW (editor));
  iterate_for (100);
  g_assert_true (g_file_test (draft, G_FILE_TEST_EXISTS));
  editor = open_editor (team, team->supervisor, draft);
  g_free (json);
  json = poise_library_editor_dup_json (editor);
  g_assert_nonnull (strstr (json, "\"Parcel is late\""));
  g_assert_cmpstr (poise_library_editor_get_status (editor), ==,
                   "Your draft is back, based on version 1.");

  /* An agent cannot publish: the editor says so. */
  agent_editor = open_editor (team, team->agent, agent_draft);
  if (poise_library_editor_get_base_version (agent_editor) == 0)
    wait_replies (agent_editor, 1);
  poise_library_editor_publish (agent_editor, "Agents may not", FALSE);
  wait_replies (agent_editor, 1);
  g_assert_nonnull (strstr (poise_library_editor_get_status (agent_editor), "Only supervisors"));
  gtk_window_destroy (GTK_WINDOW (agent_editor));

  /* The supervisor publishes through the dialog: version 2, the draft
   * is gone. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.publish", NULL);
  {
    AdwMessageDialog *dialog = NULL;

    g_assert_true (wait_until (message_dialog_shown, "Publish Scripts?", WAIT_MS));
    dialog = find_message_dialog ("Publish Scripts?");
    g_assert_false (adw_message_dialog_get_response_enabled (dialog, "publish"));
    gtk_editable_set_text (GTK_EDITABLE (find_first (GTK_WIDGET (dialog), GTK_TYPE_ENTRY)),
                           "Friendlier title");
    g_assert_true (adw_message_dialog_get_response_enabled (dialog, "publish"));
    adw_message_dialog_response (dialog, "publish");
  }
  wait_replies (editor, 1);
  g_assert_cmpstr (poise_library_editor_get_status (editor), ==,
                   "Published as version 2. Agents get it now.");
  g_assert_cmpint (poise_library_editor_get_base_version (editor), ==, 2);
  g_assert_false (g_file_test (draft, G_FILE_TEST_EXISTS));

  /* The history lists both versions, newest first. */
  wait_replies (editor, 1);
  g_assert_cmpuint (poise_library_editor_get_n_versions (editor), ==, 2);

  /* Rolling back publishes version 1's scripts as version 3. */
  poise_library_editor_rollback (editor, 1);
  wait_replies (editor, 1);
  g_assert_cmpstr (poise_library_editor_get_status (editor), ==,
                   "Published as version 3. Agents get it now.");
  wait_replies (editor, 2);
  g_assert_cmpuint (poise_library_editor_get_n_versions (editor), ==, 3);
  url = test_url (team->server, "/library");
  {
    g_autoptr(TestReply) reply = test_request (team->session, "GET", url, team->agent, NULL, NULL);

    g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "ETag"), ==, "\"3\"");
    g_assert_null (strstr (reply->body, "Parcel is late"));
  }

  /* Someone else publishes meanwhile: 409, explained, nothing lost. */
  g_assert_cmpint (team_publish (team, 3, "Elsewhere", json), ==, 4);
  g_assert_cmpint (poise_library_editor_get_base_version (editor), ==, 3);
  before_stale = poise_library_editor_dup_json (editor);
  poise_library_editor_publish (editor, "Mine", FALSE);
  wait_replies (editor, 1);
  g_assert_nonnull (strstr (poise_library_editor_get_status (editor), "Someone published new scripts"));
  g_assert_true (wait_until (message_dialog_shown, "Someone Else Published", WAIT_MS));
  adw_message_dialog_response (find_message_dialog ("Someone Else Published"), "cancel");
  {
    /* Keep Editing keeps the working copy as it was. */
    g_autofree char *after = poise_library_editor_dup_json (editor);

    g_assert_cmpstr (after, ==, before_stale);
  }

  gtk_window_destroy (GTK_WINDOW (editor));
  iterate_for (100);
  g_unlink (draft);
  g_unlink (agent_draft);
  team_free (team);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GIO_USE_NETWORK_MONITOR", "base", TRUE);
  data_dir = g_dir_make_tmp ("poise-ui-library-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  {
    g_autofree char *config_dir = g_build_filename (data_dir, "config", NULL);

    g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);
  }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/library-update/switch-keeps-conversation", test_switch_keeps_conversation);
  g_test_add_func ("/library-update/removed-scenario-keeps-text", test_removed_scenario_keeps_text);
  g_test_add_func ("/library-update/what-changed-dialog", test_what_changed_dialog);
  g_test_add_func ("/library-update/cache-at-start-and-tampered", test_cache_at_start_and_tampered);
  g_test_add_func ("/library-update/live-publish-reaches-app", test_live_publish_reaches_app);
  g_test_add_func ("/library-update/two-agents-receive-publish", test_two_agents_receive_publish);
  g_test_add_func ("/library-update/offline-agent-gets-it-on-reconnect",
                   test_offline_agent_gets_it_on_reconnect);
  g_test_add_func ("/library-editor/edit-validate-publish", test_editor_edit_validate_publish);

  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_dir);
    (void) system (command);
  }

  return result;
}

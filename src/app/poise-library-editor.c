/* poise-library-editor.c: supervisors edit and publish the team's scripts
 *
 * The editor works on a JSON copy of the library (what the server stores
 * and the loader validates), so that nothing a form does not know about
 * is lost. The form writes the fields agents see most (title, category,
 * tone, script, triggers, phrases to avoid) into the copy; the rest is
 * edited as the scenario's JSON ("Advanced") or the checklist's JSON.
 * After each change the copy is validated with the app's own loader and
 * saved as a draft, so closing the editor loses nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "poise-avoid-phrase.h"
#include "poise-changes-dialog.h"
#include "poise-json-guard.h"
#include "poise-library-diff.h"
#include "poise-library-editor.h"

#define VALIDATE_DELAY_MS 300
#define NO_SCENARIO G_MAXUINT

struct _PoiseLibraryEditor
{
  AdwWindow           parent_instance;

  PoiseLibraryClient *client;
  char               *draft_path;
  GCancellable       *cancellable;
  JsonNode           *root;
  gint64              base_version;
  guint               current;
  gboolean            loading;
  guint               validate_id;
  GPtrArray          *problems;
  PoiseLibrary       *valid;
  GPtrArray          *versions;
  char               *status;
  guint               replies;

  /* Template widgets */
  GtkWidget          *advanced_expander;
  GtkTextView        *advanced_view;
  GtkTextView        *avoid_de_view;
  GtkTextView        *avoid_en_view;
  AdwEntryRow        *category_row;
  GtkTextView        *checklist_view;
  GtkListBox         *history_list;
  AdwEntryRow        *id_row;
  AdwLeaflet         *leaflet;
  GtkDropDown        *preview_language;
  GtkLabel           *preview_avoid;
  GtkLabel           *preview_script;
  GtkLabel           *preview_title;
  GtkLabel           *preview_tone;
  GtkLabel           *problems_label;
  GtkListBox         *problems_list;
  AdwViewStackPage   *problems_page;
  GtkListBox         *scenario_list;
  GtkTextView        *script_de_view;
  GtkTextView        *script_en_view;
  GtkLabel           *status_label;
  GtkRevealer        *status_revealer;
  AdwEntryRow        *title_de_row;
  AdwEntryRow        *title_en_row;
  AdwEntryRow        *tone_de_row;
  AdwEntryRow        *tone_en_row;
  AdwEntryRow        *triggers_de_row;
  AdwEntryRow        *triggers_en_row;
  AdwViewStack       *view_stack;
};

G_DEFINE_FINAL_TYPE (PoiseLibraryEditor, poise_library_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_REPLIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_validate (PoiseLibraryEditor *self);
static void rebuild_list      (PoiseLibraryEditor *self);

/* Status */

static void
set_status (PoiseLibraryEditor *self,
            const char         *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
  gtk_revealer_set_reveal_child (self->status_revealer, status != NULL);
}

static void
count_reply (PoiseLibraryEditor *self)
{
  self->replies++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLIES]);
}

/* The working copy */

static JsonArray *
get_scenarios (PoiseLibraryEditor *self)
{
  JsonObject *root = json_node_get_object (self->root);
  JsonNode *member = json_object_get_member (root, "scenarios");

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    json_object_set_array_member (root, "scenarios", json_array_new ());
  return json_object_get_array_member (root, "scenarios");
}

static JsonObject *
get_current (PoiseLibraryEditor *self)
{
  JsonArray *scenarios;
  JsonNode *node;

  if (self->root == NULL || self->current == NO_SCENARIO)
    return NULL;
  scenarios = get_scenarios (self);
  if (self->current >= json_array_get_length (scenarios))
    return NULL;
  node = json_array_get_element (scenarios, self->current);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
ensure_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_object_member (object, member, json_object_new ());
  return json_object_get_object_member (object, member);
}

static const char *
get_text (JsonObject *object,
          const char *member,
          const char *lang)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node != NULL && lang != NULL && JSON_NODE_HOLDS_OBJECT (node))
    node = json_object_get_member (json_node_get_object (node), lang);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static char *
get_triggers (JsonObject *scenario,
              const char *lang)
{
  JsonNode *node = json_object_get_member (scenario, "triggers");
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      (node = json_object_get_member (json_node_get_object (node), lang)) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", json_node_get_string (item));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_triggers (JsonObject *scenario,
              const char *lang,
              const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        json_array_add_string_element (array, parts[i]);
    }
  json_object_set_array_member (ensure_object (scenario, "triggers"), lang, array);
}

/* "phrase → instead" lines, one per phrase to avoid. */
static char *
get_avoid (JsonObject *scenario,
           const char *lang)
{
  JsonNode *node = json_object_get_member (scenario, "avoid");
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *instead = get_text (object, "instead", lang);

      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, get_text (object, "phrase", lang));
      if (*instead != '\0')
        g_string_append_printf (text, " → %s", instead);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Line i of both languages is phrase i; its kind and reason are kept. */
static void
set_avoid (PoiseLibraryEditor *self,
           JsonObject         *scenario)
{
  g_autofree char *en = buffer_text (self->avoid_en_view);
  g_autofree char *de = buffer_text (self->avoid_de_view);
  g_auto(GStrv) en_lines = g_strsplit (en, "\n", -1);
  g_auto(GStrv) de_lines = g_strsplit (de, "\n", -1);
  guint n = MAX (g_strv_length (en_lines), g_strv_length (de_lines));
  JsonNode *old_node = json_object_get_member (scenario, "avoid");
  JsonArray *old = old_node != NULL && JSON_NODE_HOLDS_ARRAY (old_node) ? json_node_get_array (old_node) : NULL;
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n; i++)
    {
      const char *lines[2] = { i < g_strv_length (en_lines) ? en_lines[i] : "",
                               i < g_strv_length (de_lines) ? de_lines[i] : "" };
      const char *langs[2] = { "en", "de" };
      JsonObject *item = json_object_new ();
      JsonNode *old_item = old != NULL && i < json_array_get_length (old) ? json_array_get_element (old, i) : NULL;
      JsonObject *old_object = old_item != NULL && JSON_NODE_HOLDS_OBJECT (old_item) ? json_node_get_object (old_item) : NULL;
      const char *kind = get_text (old_object, "kind", NULL);

      g_autofree char *en_line = g_strstrip (g_strdup (lines[0]));
      g_autofree char *de_line = g_strstrip (g_strdup (lines[1]));

      if (*en_line == '\0' && *de_line == '\0')
        {
          json_object_unref (item);
          continue;
        }
      json_object_set_string_member (item, "kind", *kind != '\0' ? kind : "other");
      for (guint l = 0; l < 2; l++)
        {
          g_auto(GStrv) parts = g_strsplit (lines[l], "→", 2);

          if (parts[0] == NULL)
            continue;
          g_strstrip (parts[0]);
          if (*parts[0] != '\0')
            json_object_set_string_member (ensure_object (item, "phrase"), langs[l], parts[0]);
          if (parts[1] != NULL && *g_strstrip (parts[1]) != '\0')
            json_object_set_string_member (ensure_object (item, "instead"), langs[l], parts[1]);
        }
      if (old_object != NULL && json_object_has_member (old_object, "why"))
        json_object_set_member (item, "why", json_node_copy (json_object_get_member (old_object, "why")));
      json_array_add_object_element (array, item);
    }
  json_object_set_array_member (scenario, "avoid", array);
}

/* The form */

static void
set_buffer (GtkTextView *view,
            const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static void
update_advanced (PoiseLibraryEditor *self)
{
  JsonObject *scenario = get_current (self);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (scenario == NULL)
    return;
  node = json_node_init_object (json_node_alloc (), scenario);
  text = json_to_string (node, TRUE);
  set_buffer (self->advanced_view, text);
}

static void
load_form (PoiseLibraryEditor *self)
{
  JsonObject *scenario = get_current (self);
  g_autofree char *triggers_en = NULL;
  g_autofree char *triggers_de = NULL;
  g_autofree char *avoid_en = NULL;
  g_autofree char *avoid_de = NULL;

  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (self->advanced_expander)),
                            scenario != NULL);
  if (scenario == NULL)
    return;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), get_text (scenario, "id", NULL));
  gtk_editable_set_text (GTK_EDITABLE (self->title_en_row), get_text (scenario, "title", "en"));
  gtk_editable_set_text (GTK_EDITABLE (self->title_de_row), get_text (scenario, "title", "de"));
  gtk_editable_set_text (GTK_EDITABLE (self->category_row), get_text (scenario, "category", NULL));
  gtk_editable_set_text (GTK_EDITABLE (self->tone_en_row), get_text (scenario, "tone", "en"));
  gtk_editable_set_text (GTK_EDITABLE (self->tone_de_row), get_text (scenario, "tone", "de"));
  triggers_en = get_triggers (scenario, "en");
  triggers_de = get_triggers (scenario, "de");
  gtk_editable_set_text (GTK_EDITABLE (self->triggers_en_row), triggers_en);
  gtk_editable_set_text (GTK_EDITABLE (self->triggers_de_row), triggers_de);
  set_buffer (self->script_en_view, get_text (scenario, "script", "en"));
  set_buffer (self->script_de_view, get_text (scenario, "script", "de"));
  avoid_en = get_avoid (scenario, "en");
  avoid_de = get_avoid (scenario, "de");
  set_buffer (self->avoid_en_view, avoid_en);
  set_buffer (self->avoid_de_view, avoid_de);
  update_advanced (self);
  self->loading = FALSE;
}

static void
store_form (PoiseLibraryEditor *self)
{
  JsonObject *scenario = get_current (self);
  g_autofree char *script_en = NULL;
  g_autofree char *script_de = NULL;

  if (scenario == NULL || self->loading)
    return;

  json_object_set_string_member (scenario, "id", gtk_editable_get_text (GTK_EDITABLE (self->id_row)));
  json_object_set_string_member (ensure_object (scenario, "title"), "en",
                                 gtk_editable_get_text (GTK_EDITABLE (self->title_en_row)));
  json_object_set_string_member (ensure_object (scenario, "title"), "de",
                                 gtk_editable_get_text (GTK_EDITABLE (self->title_de_row)));
  json_object_set_string_member (scenario, "category",
                                 gtk_editable_get_text (GTK_EDITABLE (self->category_row)));
  json_object_set_string_member (ensure_object (scenario, "tone"), "en",
                                 gtk_editable_get_text (GTK_EDITABLE (self->tone_en_row)));
  json_object_set_string_member (ensure_object (scenario, "tone"), "de",
                                 gtk_editable_get_text (GTK_EDITABLE (self->tone_de_row)));
  set_triggers (scenario, "en", gtk_editable_get_text (GTK_EDITABLE (self->triggers_en_row)));
  set_triggers (scenario, "de", gtk_editable_get_text (GTK_EDITABLE (self->triggers_de_row)));
  script_en = buffer_text (self->script_en_view);
  script_de = buffer_text (self->script_de_view);
  json_object_set_string_member (ensure_object (scenario, "script"), "en", script_en);
  json_object_set_string_member (ensure_object (scenario, "script"), "de", script_de);
  set_avoid (self, scenario);
}

static void
on_field_changed_cb (PoiseLibraryEditor *self)
{
  GtkListBoxRow *row;

  if (self->loading || get_current (self) == NULL)
    return;
  store_form (self);

  /* The list shows the title being typed. */
  row = gtk_list_box_get_row_at_index (self->scenario_list, self->current);
  if (row != NULL)
    {
      const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_en_row));

      gtk_label_set_label (GTK_LABEL (gtk_list_box_row_get_child (row)),
                           *title != '\0' ? title : gtk_editable_get_text (GTK_EDITABLE (self->id_row)));
    }
  schedule_validate (self);
}

static void
on_scenario_selected_cb (PoiseLibraryEditor *self,
                         GtkListBoxRow      *row,
                         GtkListBox         *list)
{
  if (row == NULL)
    return;
  self->current = gtk_list_box_row_get_index (row);
  load_form (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  schedule_validate (self);
}

static void
rebuild_list (PoiseLibraryEditor *self)
{
  JsonArray *scenarios = get_scenarios (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->scenario_list))) != NULL)
    gtk_list_box_remove (self->scenario_list, child);

  for (guint i = 0; i < json_array_get_length (scenarios); i++)
    {
      JsonNode *node = json_array_get_element (scenarios, i);
      JsonObject *scenario = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *title = get_text (scenario, "title", "en");
      GtkWidget *label = gtk_label_new (*title != '\0' ? title : get_text (scenario, "id", NULL));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_append (self->scenario_list, label);
    }

  if (self->current != NO_SCENARIO && self->current < json_array_get_length (scenarios))
    gtk_list_box_select_row (self->scenario_list,
                             gtk_list_box_get_row_at_index (self->scenario_list, self->current));
  else
    self->current = NO_SCENARIO;
  load_form (self);
}

/* Validation, preview and the draft */

static const char *
preview_lang (PoiseLibraryEditor *self)
{
  return gtk_drop_down_get_selected (self->preview_language) == 1 ? "de" : "en";
}

static void
update_preview (PoiseLibraryEditor *self)
{
  JsonObject *current = get_current (self);
  PoiseScenario *scenario = NULL;
  const char *lang = preview_lang (self);
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *script = NULL;
  g_autofree char *tone = NULL;
  g_autoptr(GString) avoid = g_string_new (NULL);
  GListModel *lists[2] = { NULL, NULL };

  if (self->valid != NULL && current != NULL)
    scenario = poise_library_lookup_scenario (self->valid, get_text (current, "id", NULL));
  if (scenario == NULL)
    {
      gtk_label_set_label (self->preview_title, _("Nothing to preview"));
      gtk_label_set_label (self->preview_tone,
                           _("Pick a scenario, and fix the problems that keep the scripts from loading."));
      gtk_label_set_label (self->preview_script, "");
      gtk_label_set_label (self->preview_avoid, "");
      return;
    }

  gtk_label_set_label (self->preview_title, poise_scenario_get_title (scenario, lang));
  tone = g_markup_printf_escaped ("<b>%s</b> %s", _("Your tone:"), poise_scenario_get_tone (scenario, lang));
  gtk_label_set_markup (self->preview_tone, tone);
  script = poise_scenario_fill_script (scenario, lang, values, POISE_FILL_MARKUP, NULL);
  gtk_label_set_markup (self->preview_script, script);

  lists[0] = poise_scenario_get_avoid (scenario);
  lists[1] = poise_library_get_avoid (self->valid);
  g_string_append_printf (avoid, "<b>%s</b>", _("Avoid saying:"));
  for (guint l = 0; l < 2; l++)
    for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
      {
        g_autoptr(PoiseAvoidPhrase) phrase = g_list_model_get_item (lists[l], i);
        g_autofree char *line = g_markup_printf_escaped ("\n• %s → %s",
                                                         poise_avoid_phrase_get_phrase (phrase, lang),
                                                         poise_avoid_phrase_get_instead (phrase, lang));

        g_string_append (avoid, line);
      }
  gtk_label_set_markup (self->preview_avoid, avoid->str);
}

static void
on_problem_activated_cb (PoiseLibraryEditor *self,
                         GtkListBoxRow      *row,
                         GtkListBox         *list)
{
  const char *path = g_object_get_data (G_OBJECT (row), "poise-path");
  g_autoptr(GRegex) regex = g_regex_new ("^scenarios\\[(\\d+)\\](?:\\.(\\w+))?(?:[.\\[](\\w+))?", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GtkWidget *target = NULL;

  if (path != NULL && g_str_has_prefix (path, "checklist"))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "checklist");
      gtk_widget_grab_focus (GTK_WIDGET (self->checklist_view));
      return;
    }
  if (path == NULL || !g_regex_match (regex, path, 0, &match))
    return;

  {
    g_autofree char *index = g_match_info_fetch (match, 1);
    g_autofree char *field = g_match_info_fetch (match, 2);
    g_autofree char *lang = g_match_info_fetch (match, 3);
    gboolean de = g_strcmp0 (lang, "de") == 0;

    poise_library_editor_select_scenario (self, g_ascii_strtoull (index, NULL, 10));
    adw_view_stack_set_visible_child_name (self->view_stack, "edit");
    if (g_strcmp0 (field, "title") == 0)
      target = GTK_WIDGET (de ? self->title_de_row : self->title_en_row);
    else if (g_strcmp0 (field, "tone") == 0)
      target = GTK_WIDGET (de ? self->tone_de_row : self->tone_en_row);
    else if (g_strcmp0 (field, "script") == 0)
      target = GTK_WIDGET (de ? self->script_de_view : self->script_en_view);
    else if (g_strcmp0 (field, "triggers") == 0)
      target = GTK_WIDGET (de ? self->triggers_de_row : self->triggers_en_row);
    else if (g_strcmp0 (field, "avoid") == 0)
      target = GTK_WIDGET (self->avoid_en_view);
    else if (g_strcmp0 (field, "category") == 0)
      target = GTK_WIDGET (self->category_row);
    else if (g_strcmp0 (field, "id") == 0)
      target = GTK_WIDGET (self->id_row);
    else
      {
        gtk_expander_set_expanded (GTK_EXPANDER (self->advanced_expander), TRUE);
        target = GTK_WIDGET (self->advanced_view);
      }
    gtk_widget_grab_focus (target);
  }
}

static void
show_problems (PoiseLibraryEditor *self)
{
  GtkWidget *child;
  guint n_errors = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);

  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    {
      PoiseProblem *problem = g_ptr_array_index (self->problems, i);
      GtkWidget *row = adw_action_row_new ();

      if (problem->severity == POISE_PROBLEM_ERROR)
        n_errors++;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problem->message);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), problem->path);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (problem->severity == POISE_PROBLEM_ERROR
                                                               ? "dialog-error-symbolic"
                                                               : "dialog-warning-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "poise-path", g_strdup (problem->path), g_free);
      gtk_list_box_append (self->problems_list, row);
    }

  if (self->problems == NULL || self->problems->len == 0)
    gtk_label_set_label (self->problems_label, _("No problems: the scripts can be published."));
  else if (n_errors > 0)
    gtk_label_set_label (self->problems_label,
                         _("These must be fixed before publishing. Activate one to go to its field."));
  else
    gtk_label_set_label (self->problems_label,
                         _("Only translations are missing: you can publish anyway, agents then see the other language."));
  gtk_widget_set_visible (GTK_WIDGET (self->problems_list),
                          self->problems != NULL && self->problems->len > 0);
  adw_view_stack_page_set_badge_number (self->problems_page,
                                        self->problems != NULL ? self->problems->len : 0);
  adw_view_stack_page_set_needs_attention (self->problems_page, n_errors > 0);
}

static void
save_draft (PoiseLibraryEditor *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) draft = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (self->draft_path);
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "base_version");
  json_builder_add_int_value (builder, self->base_version);
  json_builder_set_member_name (builder, "library");
  json_builder_add_value (builder, json_node_copy (self->root));
  json_builder_end_object (builder);
  draft = json_builder_get_root (builder);
  text = json_to_string (draft, FALSE);

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (self->draft_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_warning ("Could not save the script draft: %s", error->message);
}

static GBytes *
working_bytes (PoiseLibraryEditor *self)
{
  g_autofree char *text = json_to_string (self->root, TRUE);
  gsize length = strlen (text);

  return g_bytes_new_take (g_steal_pointer (&text), length);
}

void
poise_library_editor_validate (PoiseLibraryEditor *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));

  g_clear_handle_id (&self->validate_id, g_source_remove);
  if (self->root == NULL)
    return;

  bytes = working_bytes (self);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->valid);
  self->valid = poise_library_new_from_bytes (bytes, &self->problems, &error);
  if (self->problems == NULL)
    self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_problem_free);
  /* A document-level failure (no problem list) still needs saying. */
  if (self->valid == NULL && self->problems->len == 0 && error != NULL)
    {
      PoiseProblem *problem = g_new0 (PoiseProblem, 1);

      problem->severity = POISE_PROBLEM_ERROR;
      problem->path = g_strdup ("");
      problem->message = g_strdup (error->message);
      g_ptr_array_add (self->problems, problem);
    }
  show_problems (self);
  update_preview (self);
  save_draft (self);
}

static gboolean
validate_cb (gpointer user_data)
{
  PoiseLibraryEditor *self = user_data;

  self->validate_id = 0;
  poise_library_editor_validate (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_validate (PoiseLibraryEditor *self)
{
  g_clear_handle_id (&self->validate_id, g_source_remove);
  self->validate_id = g_timeout_add (VALIDATE_DELAY_MS, validate_cb, self);
}

/* Loading */

static gboolean
set_root (PoiseLibraryEditor *self,
          GBytes             *bytes,
          GError            **error)
{
  static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autoptr(JsonNode) root = poise_json_parse_guarded (bytes, &limits, error);

  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, POISE_LIBRARY_ERROR, POISE_LIBRARY_ERROR_INVALID,
                   _("The scripts are not a JSON object."));
      return FALSE;
    }
  g_clear_pointer (&self->root, json_node_unref);
  self->root = g_steal_pointer (&root);
  self->current = json_array_get_length (get_scenarios (self)) > 0 ? 0 : NO_SCENARIO;
  rebuild_list (self);
  {
    g_autoptr(JsonNode) checklist = json_object_dup_member (json_node_get_object (self->root), "checklist");
    g_autofree char *text = checklist != NULL ? json_to_string (checklist, TRUE) : g_strdup ("[]");

    set_buffer (self->checklist_view, text);
  }
  poise_library_editor_validate (self);
  return TRUE;
}

static gboolean
load_draft (PoiseLibraryEditor *self)
{
  static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES + 4096, POISE_JSON_MAX_DEPTH };
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) draft = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  g_autofree char *library_text = NULL;
  g_autoptr(GBytes) library = NULL;

  if (!g_file_get_contents (self->draft_path, &contents, &length, NULL))
    return FALSE;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  draft = poise_json_parse_guarded (bytes, &limits, &error);
  if (draft == NULL || !JSON_NODE_HOLDS_OBJECT (draft) ||
      !json_object_has_member ((object = json_node_get_object (draft)), "library") ||
      !json_object_has_member (object, "base_version"))
    {
      g_warning ("The script draft %s is unreadable and was not used: %s", self->draft_path,
                 error != NULL ? error->message : "not a draft");
      return FALSE;
    }

  self->base_version = json_object_get_int_member (object, "base_version");
  library_text = json_to_string (json_object_get_member (object, "library"), FALSE);
  library = g_bytes_new (library_text, strlen (library_text));
  if (!set_root (self, library, &error))
    return FALSE;
  {
    /* Translators: %lld is the version the draft started from */
    g_autofree char *status = g_strdup_printf (_("Your draft is back, based on version %lld."),
                                               (long long) self->base_version);
    set_status (self, status);
  }
  return TRUE;
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PoiseLibraryEditor *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 version = 0;

  bytes = poise_library_client_fetch_finish (POISE_LIBRARY_CLIENT (source), result, &version, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  count_reply (self);
  if (bytes == NULL || !poise_library_editor_load (self, bytes, version, &error))
    {
      set_status (self, error != NULL ? error->message : _("The team server sent no scripts."));
      return;
    }
  {
    /* Translators: %lld is a version number */
    g_autofree char *status = g_strdup_printf (_("Editing version %lld from the team server."),
                                               (long long) version);
    set_status (self, status);
  }
}

/* Publishing */

static void publish (PoiseLibraryEditor *self, const char *message, gboolean allow_incomplete,
                     gint64 rollback_to);

typedef struct {
  PoiseLibraryEditor *self;
  char               *message;
  gboolean            allow_incomplete;
  gint64              rollback_to;
} PublishData;

static void
publish_data_free (PublishData *data)
{
  g_free (data->message);
  g_free (data);
}

static void
overwrite_fetched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  PublishData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 version = 0;

  bytes = poise_library_client_fetch_finish (POISE_LIBRARY_CLIENT (source), result, &version, &error);
  if (bytes != NULL)
    {
      data->self->base_version = version;
      publish (data->self, data->message, data->allow_incomplete, data->rollback_to);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_status (data->self, error != NULL ? error->message : "");
  publish_data_free (data);
}

static void
on_stale_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      PublishData      *data)
{
  PoiseLibraryEditor *self = data->self;

  if (g_strcmp0 (response, "reload") == 0)
    {
      g_unlink (self->draft_path);
      poise_library_editor_reload (self);
    }
  else if (g_strcmp0 (response, "overwrite") == 0)
    {
      /* On top of what is there now: the newest version becomes the base. */
      PublishData *again = g_new0 (PublishData, 1);

      *again = *data;
      again->message = g_strdup (data->message);
      poise_library_client_fetch_async (self->client, 0, 0, self->cancellable,
                                        overwrite_fetched_cb, again);
    }
  publish_data_free (data);
}

static void
published_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PublishData *data = user_data;
  PoiseLibraryEditor *self = data->self;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version;

  version = poise_library_client_publish_finish (POISE_LIBRARY_CLIENT (source), result, &problems, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      publish_data_free (data);
      return;
    }
  count_reply (self);

  if (version > 0)
    {
      /* Translators: %lld is the new version number */
      g_autofree char *status = g_strdup_printf (_("Published as version %lld. Agents get it now."),
                                                 (long long) version);

      self->base_version = version;
      set_status (self, status);
      g_unlink (self->draft_path);
      if (data->rollback_to > 0)
        poise_library_editor_reload (self);
      poise_library_editor_refresh_history (self);
      publish_data_free (data);
      return;
    }

  set_status (self, error->message);
  if (g_error_matches (error, POISE_LIBRARY_CLIENT_ERROR, POISE_LIBRARY_CLIENT_ERROR_STALE))
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Someone Else Published"),
                                                           error->message));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Keep Editing"),
                                        "reload", _("_Discard Mine and Reload"),
                                        "overwrite", _("_Publish Mine Anyway"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "reload", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (on_stale_response_cb), data);
      /* The question must not outlive the editor it holds on to. */
      gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  if (problems != NULL && problems->len > 0)
    {
      g_clear_pointer (&self->problems, g_ptr_array_unref);
      self->problems = g_steal_pointer (&problems);
      show_problems (self);
      adw_view_stack_set_visible_child_name (self->view_stack, "problems");
    }
  publish_data_free (data);
}

static void
publish (PoiseLibraryEditor *self,
         const char         *message,
         gboolean            allow_incomplete,
         gint64              rollback_to)
{
  PublishData *data;
  g_autoptr(GBytes) bytes = NULL;

  if (self->client == NULL)
    {
      set_status (self, _("No team server is set up: add it in the preferences to publish."));
      return;
    }
  data = g_new0 (PublishData, 1);
  data->self = self;
  data->message = g_strdup (message);
  data->allow_incomplete = allow_incomplete;
  data->rollback_to = rollback_to;
  if (rollback_to == 0)
    bytes = working_bytes (self);
  set_status (self, _("Publishing…"));
  poise_library_client_publish_async (self->client, self->base_version, message, bytes,
                                      rollback_to, allow_incomplete, self->cancellable,
                                      published_cb, data);
}

static void
on_publish_response_cb (AdwMessageDialog   *dialog,
                        const char         *response,
                        PoiseLibraryEditor *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "poise-message");
  GtkCheckButton *incomplete = g_object_get_data (G_OBJECT (dialog), "poise-incomplete");

  if (g_strcmp0 (response, "publish") != 0)
    return;
  poise_library_editor_publish (self, gtk_editable_get_text (entry),
                                gtk_check_button_get_active (incomplete));
}

static void
on_message_changed_cb (GtkEditable      *entry,
                       AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "publish", *text != '\0');
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (widget);
  AdwMessageDialog *dialog;
  GtkWidget *box, *entry, *incomplete;
  guint n_errors = 0;

  poise_library_editor_validate (self);
  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    if (((PoiseProblem *) g_ptr_array_index (self->problems, i))->severity == POISE_PROBLEM_ERROR)
      n_errors++;
  if (n_errors > 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "problems");
      set_status (self, _("Fix the problems listed before publishing."));
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Publish Scripts?"),
                                                       _("Every agent gets them right away. Say what changed: agents see it.")));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("What changed"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What changed"), -1);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  incomplete = gtk_check_button_new_with_mnemonic (_("Publish although _translations are missing"));
  gtk_widget_set_visible (incomplete, self->problems != NULL && self->problems->len > 0);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), incomplete);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "publish", _("_Publish"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "publish", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "publish", FALSE);
  adw_message_dialog_set_default_response (dialog, "publish");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "poise-message", entry);
  g_object_set_data (G_OBJECT (dialog), "poise-incomplete", incomplete);
  g_signal_connect (entry, "changed", G_CALLBACK (on_message_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_publish_response_cb), self, 0);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* History */

typedef struct {
  PoiseLibraryEditor *self;
  gint64              versions[2];
  PoiseLibrary       *libraries[2];
  guint               next;
} DiffData;

static void
diff_data_free (DiffData *data)
{
  g_clear_object (&data->libraries[0]);
  g_clear_object (&data->libraries[1]);
  g_free (data);
}

static void
diff_fetched_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DiffData *data = user_data;
  PoiseLibraryEditor *self = data->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = poise_library_client_fetch_finish (POISE_LIBRARY_CLIENT (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      diff_data_free (data);
      return;
    }
  if (bytes != NULL)
    data->libraries[data->next] = poise_library_new_from_bytes (bytes, NULL, &error);
  if (data->libraries[data->next] == NULL)
    {
      set_status (self, error != NULL ? error->message : "");
      diff_data_free (data);
      return;
    }

  if (++data->next < 2)
    {
      poise_library_client_fetch_async (self->client, data->versions[1], 0, self->cancellable,
                                        diff_fetched_cb, data);
      return;
    }

  {
    g_autoptr(GListModel) changes = poise_library_diff (data->libraries[0], data->libraries[1], "en");
    /* Translators: the two version numbers compared */
    g_autofree char *summary = g_strdup_printf (_("From version %lld to version %lld"),
                                                (long long) data->versions[0],
                                                (long long) data->versions[1]);
    PoiseChangesDialog *dialog = poise_changes_dialog_new (changes, summary);

    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
    gtk_window_present (GTK_WINDOW (dialog));
  }
  diff_data_free (data);
}

/* The changes version @version made, against the one before. */
static void
on_compare_clicked_cb (GtkButton          *button,
                       PoiseLibraryEditor *self)
{
  gint64 version = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "poise-version"));
  DiffData *data = g_new0 (DiffData, 1);

  data->self = self;
  data->versions[0] = version - 1;
  data->versions[1] = version;
  poise_library_client_fetch_async (self->client, data->versions[0], 0, self->cancellable,
                                    diff_fetched_cb, data);
}

static void
on_rollback_response_cb (AdwMessageDialog   *dialog,
                         const char         *response,
                         PoiseLibraryEditor *self)
{
  if (g_strcmp0 (response, "rollback") == 0)
    poise_library_editor_rollback (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog),
                                                                              "poise-version")));
}

static void
on_rollback_clicked_cb (GtkButton          *button,
                        PoiseLibraryEditor *self)
{
  gint64 version = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "poise-version"));
  /* Translators: %lld is the version to go back to */
  g_autofree char *heading = g_strdup_printf (_("Roll Back to Version %lld?"), (long long) version);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Its scripts are published again as a new version; every agent gets them right away. Later versions stay in the history.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "rollback", _("_Roll Back"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rollback", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "poise-version", GSIZE_TO_POINTER (version));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rollback_response_cb), self, 0);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
history_button (PoiseLibraryEditor *self,
                const char         *label,
                gint64              version,
                GCallback           callback)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "poise-version", GSIZE_TO_POINTER (version));
  g_signal_connect_object (button, "clicked", callback, self, 0);
  return button;
}

static void
versions_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PoiseLibraryEditor *self = user_data;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  gint64 newest = 0;

  versions = poise_library_client_list_versions_finish (POISE_LIBRARY_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  count_reply (self);
  if (versions == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  self->versions = g_ptr_array_ref (versions);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  for (guint i = 0; i < versions->len; i++)
    newest = MAX (newest, ((PoiseLibraryVersion *) g_ptr_array_index (versions, i))->version);

  /* Newest first. */
  for (guint i = versions->len; i > 0; i--)
    {
      PoiseLibraryVersion *version = g_ptr_array_index (versions, i - 1);
      GtkWidget *row = adw_action_row_new ();
      /* Translators: a version in the history: its number, then its message */
      g_autofree char *title = g_strdup_printf (_("Version %lld: %s"), (long long) version->version,
                                                version->message != NULL ? version->message : "");
      /* Translators: who published a version, and when */
      g_autofree char *subtitle = g_strdup_printf (_("%s, %s"),
                                                   version->author != NULL ? version->author : "",
                                                   version->published_at != NULL ? version->published_at : "");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (version->version > 1)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   history_button (self, _("_What Changed"), version->version,
                                                   G_CALLBACK (on_compare_clicked_cb)));
      if (version->version != newest)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   history_button (self, _("Roll _Back…"), version->version,
                                                   G_CALLBACK (on_rollback_clicked_cb)));
      gtk_list_box_append (self->history_list, row);
    }
}

/* Actions */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  poise_library_editor_reload (POISE_LIBRARY_EDITOR (widget));
}

static void
add_scenario_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (widget);
  JsonArray *scenarios;
  JsonObject *scenario;
  g_autofree char *id = NULL;

  if (self->root == NULL)
    return;
  scenarios = get_scenarios (self);
  id = g_strdup_printf ("new-scenario-%u", json_array_get_length (scenarios) + 1);
  scenario = json_object_new ();
  json_object_set_string_member (scenario, "id", id);
  json_array_add_object_element (scenarios, scenario);
  self->current = json_array_get_length (scenarios) - 1;
  rebuild_list (self);
  adw_view_stack_set_visible_child_name (self->view_stack, "edit");
  gtk_widget_grab_focus (GTK_WIDGET (self->title_en_row));
  schedule_validate (self);
}

static gboolean
parse_text_view (PoiseLibraryEditor *self,
                 GtkTextView        *view,
                 JsonNode          **node)
{
  static const PoiseJsonLimits limits = { POISE_LIBRARY_MAX_BYTES, POISE_JSON_MAX_DEPTH };
  g_autofree char *text = buffer_text (view);
  gsize length = strlen (text);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);
  g_autoptr(GError) error = NULL;

  *node = poise_json_parse_guarded (bytes, &limits, &error);
  if (*node == NULL)
    {
      /* Translators: %s says where the JSON is wrong */
      g_autofree char *status = g_strdup_printf (_("The JSON was not applied: %s"), error->message);

      set_status (self, status);
      return FALSE;
    }
  return TRUE;
}

static void
apply_json_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (widget);
  g_autoptr(JsonNode) node = NULL;

  if (get_current (self) == NULL || !parse_text_view (self, self->advanced_view, &node))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_status (self, _("The JSON was not applied: a scenario is a JSON object."));
      return;
    }
  json_array_remove_element (get_scenarios (self), self->current);
  /* json_array has no insert: rebuild it in order. */
  {
    JsonArray *old = json_array_ref (get_scenarios (self));
    JsonArray *array = json_array_new ();

    for (guint i = 0; i <= json_array_get_length (old); i++)
      {
        if (i == self->current)
          json_array_add_element (array, json_node_ref (node));
        if (i < json_array_get_length (old))
          json_array_add_element (array, json_node_copy (json_array_get_element (old, i)));
      }
    json_object_set_array_member (json_node_get_object (self->root), "scenarios", array);
    json_array_unref (old);
  }
  rebuild_list (self);
  set_status (self, NULL);
  schedule_validate (self);
}

static void
apply_checklist_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (widget);
  g_autoptr(JsonNode) node = NULL;

  if (self->root == NULL || !parse_text_view (self, self->checklist_view, &node))
    return;
  json_object_set_member (json_node_get_object (self->root), "checklist", g_steal_pointer (&node));
  set_status (self, NULL);
  poise_library_editor_validate (self);
}

/* GObject */

static void
poise_library_editor_dispose (GObject *object)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  /* Whatever was typed in the last pause is kept too. */
  if (self->validate_id != 0 && self->root != NULL)
    save_draft (self);
  g_clear_handle_id (&self->validate_id, g_source_remove);

  G_OBJECT_CLASS (poise_library_editor_parent_class)->dispose (object);
}

static void
poise_library_editor_finalize (GObject *object)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->valid);
  g_clear_pointer (&self->root, json_node_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_free (self->draft_path);
  g_free (self->status);

  G_OBJECT_CLASS (poise_library_editor_parent_class)->finalize (object);
}

static void
poise_library_editor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PoiseLibraryEditor *self = POISE_LIBRARY_EDITOR (object);

  switch (prop_id)
    {
    case PROP_REPLIES:
      g_value_set_uint (value, self->replies);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_library_editor_class_init (PoiseLibraryEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_library_editor_dispose;
  object_class->finalize = poise_library_editor_finalize;
  object_class->get_property = poise_library_editor_get_property;

  properties[PROP_REPLIES] =
    g_param_spec_uint ("replies", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-library-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, advanced_expander);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, advanced_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, avoid_de_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, avoid_en_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, category_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, checklist_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, history_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, id_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, preview_language);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, preview_avoid);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, preview_script);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, preview_title);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, preview_tone);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, problems_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, problems_page);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, scenario_list);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, script_de_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, script_en_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, title_de_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, title_en_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, tone_de_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, tone_en_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, triggers_de_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, triggers_en_row);
  gtk_widget_class_bind_template_child (widget_class, PoiseLibraryEditor, view_stack);

  gtk_widget_class_install_action (widget_class, "editor.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "editor.publish", NULL, publish_action);
  gtk_widget_class_install_action (widget_class, "editor.add-scenario", NULL, add_scenario_action);
  gtk_widget_class_install_action (widget_class, "editor.apply-json", NULL, apply_json_action);
  gtk_widget_class_install_action (widget_class, "editor.apply-checklist", NULL, apply_checklist_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "editor.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.publish", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "editor.add-scenario", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
connect_changed (PoiseLibraryEditor *self,
                 GObject            *object,
                 const char         *signal)
{
  g_signal_connect_object (object, signal, G_CALLBACK (on_field_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
poise_library_editor_init (PoiseLibraryEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->current = NO_SCENARIO;

  AdwEntryRow *rows[] = { self->id_row, self->title_en_row, self->title_de_row, self->category_row,
                          self->tone_en_row, self->tone_de_row, self->triggers_en_row,
                          self->triggers_de_row };
  GtkTextView *views[] = { self->script_en_view, self->script_de_view, self->avoid_en_view,
                           self->avoid_de_view };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    connect_changed (self, G_OBJECT (rows[i]), "changed");
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    connect_changed (self, G_OBJECT (gtk_text_view_get_buffer (views[i])), "changed");

  g_signal_connect_object (self->scenario_list, "row-selected",
                           G_CALLBACK (on_scenario_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->problems_list, "row-activated",
                           G_CALLBACK (on_problem_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview_language, "notify::selected",
                           G_CALLBACK (update_preview), self, G_CONNECT_SWAPPED);
}

/* Public API */

PoiseLibraryEditor *
poise_library_editor_new (PoiseLibraryClient *client,
                          const char         *draft_path)
{
  PoiseLibraryEditor *self;

  g_return_val_if_fail (client == NULL || POISE_IS_LIBRARY_CLIENT (client), NULL);
  g_return_val_if_fail (draft_path != NULL, NULL);

  self = g_object_new (POISE_TYPE_LIBRARY_EDITOR, NULL);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->draft_path = g_strdup (draft_path);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.publish", client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reload", client != NULL);

  if (!load_draft (self))
    {
      if (client == NULL)
        set_status (self, _("No team server is set up: add it in the preferences to publish."));
      poise_library_editor_reload (self);
    }
  poise_library_editor_refresh_history (self);
  return self;
}

gboolean
poise_library_editor_load (PoiseLibraryEditor *self,
                           GBytes             *bytes,
                           gint64              base_version,
                           GError            **error)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), FALSE);

  self->base_version = base_version;
  return set_root (self, bytes, error);
}

void
poise_library_editor_reload (PoiseLibraryEditor *self)
{
  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));

  if (self->client == NULL)
    return;
  poise_library_client_fetch_async (self->client, 0, 0, self->cancellable, fetched_cb, self);
}

void
poise_library_editor_select_scenario (PoiseLibraryEditor *self,
                                      guint               index)
{
  GtkListBoxRow *row;

  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));

  row = gtk_list_box_get_row_at_index (self->scenario_list, index);
  if (row != NULL)
    gtk_list_box_select_row (self->scenario_list, row);
}

char *
poise_library_editor_dup_json (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), NULL);

  return self->root != NULL ? json_to_string (self->root, TRUE) : NULL;
}

gint64
poise_library_editor_get_base_version (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), 0);
  return self->base_version;
}

/**
 * poise_library_editor_get_problems:
 *
 * Returns: (transfer none) (nullable) (element-type PoiseProblem):
 */
GPtrArray *
poise_library_editor_get_problems (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), NULL);
  return self->problems;
}

const char *
poise_library_editor_get_status (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), NULL);
  return self->status;
}

guint
poise_library_editor_get_replies (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), 0);
  return self->replies;
}

void
poise_library_editor_publish (PoiseLibraryEditor *self,
                              const char         *message,
                              gboolean            allow_incomplete)
{
  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));
  g_return_if_fail (message != NULL);

  if (self->validate_id != 0)
    poise_library_editor_validate (self);
  publish (self, message, allow_incomplete, 0);
}

void
poise_library_editor_rollback (PoiseLibraryEditor *self,
                               gint64              version)
{
  /* Translators: the publish message of a rollback; %lld is the version */
  g_autofree char *message = g_strdup_printf (_("Rolled back to version %lld"), (long long) version);
  gint64 newest = self->base_version;

  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));

  /* A rollback goes on top of the newest version. */
  for (guint i = 0; self->versions != NULL && i < self->versions->len; i++)
    newest = MAX (newest, ((PoiseLibraryVersion *) g_ptr_array_index (self->versions, i))->version);
  self->base_version = newest;
  publish (self, message, TRUE, version);
}

void
poise_library_editor_refresh_history (PoiseLibraryEditor *self)
{
  g_return_if_fail (POISE_IS_LIBRARY_EDITOR (self));

  if (self->client == NULL)
    return;
  poise_library_client_list_versions_async (self->client, self->cancellable, versions_listed_cb, self);
}

guint
poise_library_editor_get_n_versions (PoiseLibraryEditor *self)
{
  g_return_val_if_fail (POISE_IS_LIBRARY_EDITOR (self), 0);
  return self->versions != NULL ? self->versions->len : 0;
}

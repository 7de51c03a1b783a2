/* poise-message-analyzer.c: the customer's message, what it is about and how heated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The agent pastes the customer's message; PoiseSuggester (src/core) ranks
 * the scenarios by their triggers and estimates the heat.  All offline and
 * well under a millisecond, so it runs a moment after each change.
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "poise-message-analyzer.h"

#define ANALYSE_DELAY_MS 150
#define MAX_SUGGESTIONS  3

struct _PoiseMessageAnalyzer
{
  GtkWidget          parent_instance;

  PoiseLibrary      *library;
  PoiseConversation *conversation;
  PoiseSuggester    *suggester;
  char              *language;
  GListStore        *suggestions;   /* PoiseSuggestion */
  PoiseHeat         *heat;
  guint              analyse_id;

  /* Template widgets */
  GtkLabel          *heat_label;
  GtkTextView       *message_view;
  GtkLabel          *none_label;
  GtkListBox        *suggestion_list;
};

G_DEFINE_FINAL_TYPE (PoiseMessageAnalyzer, poise_message_analyzer, GTK_TYPE_WIDGET)

static const char *
level_name (PoiseHeatLevel level)
{
  switch (level)
    {
    case POISE_HEAT_CALM:
      return _("Calm");
    case POISE_HEAT_UPSET:
      return _("Upset");
    case POISE_HEAT_ANGRY:
      return _("Angry");
    case POISE_HEAT_CRITICAL:
    default:
      return _("Critical");
    }
}

static void
append_reasons (GString          *text,
                PoiseHeatReasons  reasons)
{
  const struct { PoiseHeatReasons flag; const char *name; } names[] = {
    { POISE_HEAT_REASON_THREAT, N_("threats") },
    { POISE_HEAT_REASON_CAPITALS, N_("capitals") },
    { POISE_HEAT_REASON_EXCLAMATION, N_("exclamation marks") },
    { POISE_HEAT_REASON_LEGAL, N_("legal words") },
    { POISE_HEAT_REASON_INSULT, N_("insults") },
    { POISE_HEAT_REASON_REPEATED_CONTACT, N_("repeated contact") },
    { POISE_HEAT_REASON_REFUND, N_("refund") },
  };
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (!(reasons & names[i].flag))
        continue;
      g_string_append (text, first ? _(": ") : _(", "));
      g_string_append (text, _(names[i].name));
      first = FALSE;
    }
}

static void
update_heat_label (PoiseMessageAnalyzer *self)
{
  g_autofree char *text = poise_message_analyzer_dup_heat_text (self);

  gtk_widget_remove_css_class (GTK_WIDGET (self->heat_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->heat_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->heat_label), text != NULL);
  if (text == NULL)
    return;

  gtk_label_set_label (self->heat_label, text);
  if (self->heat->level == POISE_HEAT_UPSET)
    gtk_widget_add_css_class (GTK_WIDGET (self->heat_label), "warning");
  else if (self->heat->level >= POISE_HEAT_ANGRY)
    gtk_widget_add_css_class (GTK_WIDGET (self->heat_label), "error");
}

static GtkWidget *
create_suggestion_row (gpointer item,
                       gpointer user_data)
{
  PoiseMessageAnalyzer *self = user_data;
  PoiseSuggestion *suggestion = item;
  PoiseScenario *scenario = poise_suggestion_get_scenario (suggestion);
  g_auto(GStrv) words = poise_suggestion_dup_matched_words (suggestion);
  g_autoptr(GString) matched = g_string_new (NULL);
  g_autofree char *title = g_markup_escape_text (poise_scenario_get_title (scenario, self->language), -1);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *go = gtk_image_new_from_icon_name ("go-next-symbolic");

  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_markup_escape_text (words[i], -1);

      if (i > 0)
        g_string_append (matched, _(", "));
      g_string_append_printf (matched, "<b>%s</b>", word);
    }

  if (poise_suggestion_get_safety (suggestion))
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      /* Translators: %s lists the matched words (in bold) */
      subtitle = g_strdup_printf (_("Safety first: get your supervisor. Matched: %s"), matched->str);
      gtk_widget_add_css_class (icon, "error");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "safety-suggestion");
    }
  else
    /* Translators: %s lists the matched words (in bold) */
    subtitle = g_strdup_printf (_("Matched: %s"), matched->str);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), go);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Open this scenario"));
  g_object_set_data_full (G_OBJECT (row), "poise-scenario-id",
                          g_strdup (poise_suggestion_get_scenario_id (suggestion)), g_free);

  return row;
}

/* The matched words stand out in the message too. */
static void
highlight_matches (PoiseMessageAnalyzer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->message_view);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->suggestions));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "match", &start, &end);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PoiseSuggestion) suggestion = g_list_model_get_item (G_LIST_MODEL (self->suggestions), i);
      GPtrArray *matches = poise_suggestion_get_matches (suggestion);

      for (guint j = 0; j < matches->len; j++)
        {
          PoiseTriggerMatch *match = g_ptr_array_index (matches, j);

          gtk_text_buffer_get_iter_at_offset (buffer, &start, match->start);
          gtk_text_buffer_get_iter_at_offset (buffer, &end, match->end);
          gtk_text_buffer_apply_tag_by_name (buffer, "match", &start, &end);
        }
    }
}

static void
analyse (PoiseMessageAnalyzer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->message_view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  g_clear_handle_id (&self->analyse_id, g_source_remove);
  g_clear_pointer (&self->heat, poise_heat_free);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  if (self->suggester == NULL || *text == '\0')
    g_list_store_remove_all (self->suggestions);
  else
    {
      g_autoptr(GListModel) ranked = poise_suggester_rank (self->suggester, text, MAX_SUGGESTIONS);
      guint n = g_list_model_get_n_items (ranked);
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (items, g_list_model_get_item (ranked, i));
      g_list_store_splice (self->suggestions, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (self->suggestions)),
                           items->pdata, items->len);
      self->heat = poise_suggester_estimate_heat (self->suggester, text);
    }

  highlight_matches (self);
  update_heat_label (self);
  gtk_widget_set_visible (GTK_WIDGET (self->suggestion_list),
                          g_list_model_get_n_items (G_LIST_MODEL (self->suggestions)) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->none_label),
                          self->suggester != NULL && *text != '\0' &&
                          g_list_model_get_n_items (G_LIST_MODEL (self->suggestions)) == 0);
}

static gboolean
analyse_cb (gpointer user_data)
{
  PoiseMessageAnalyzer *self = user_data;

  self->analyse_id = 0;
  analyse (self);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed_cb (PoiseMessageAnalyzer *self,
                      GtkTextBuffer        *buffer)
{
  g_clear_handle_id (&self->analyse_id, g_source_remove);
  self->analyse_id = g_timeout_add (ANALYSE_DELAY_MS, analyse_cb, self);
}

static void
on_row_activated_cb (PoiseMessageAnalyzer *self,
                     GtkListBoxRow        *row)
{
  const char *scenario_id = g_object_get_data (G_OBJECT (row), "poise-scenario-id");

  if (self->conversation != NULL && scenario_id != NULL)
    poise_conversation_set_scenario_id (self->conversation, scenario_id);
}

static void
rebuild_suggester (PoiseMessageAnalyzer *self)
{
  g_clear_object (&self->suggester);
  if (self->library != NULL)
    self->suggester = poise_suggester_new (self->library, self->language);
  analyse (self);
}

static void
paste_received_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PoiseMessageAnalyzer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      g_debug ("Nothing to paste: %s", error != NULL ? error->message : "no text");
      return;
    }
  poise_message_analyzer_set_text (self, text);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  poise_message_analyzer_paste (POISE_MESSAGE_ANALYZER (widget));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PoiseMessageAnalyzer *self = POISE_MESSAGE_ANALYZER (widget);

  poise_message_analyzer_set_text (self, "");
  gtk_widget_grab_focus (GTK_WIDGET (self->message_view));
}

/* GObject */

static void
poise_message_analyzer_dispose (GObject *object)
{
  PoiseMessageAnalyzer *self = POISE_MESSAGE_ANALYZER (object);

  g_clear_handle_id (&self->analyse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_MESSAGE_ANALYZER);
  g_clear_object (&self->suggester);
  g_clear_object (&self->library);
  g_clear_object (&self->conversation);
  g_clear_object (&self->suggestions);
  g_clear_pointer (&self->heat, poise_heat_free);

  G_OBJECT_CLASS (poise_message_analyzer_parent_class)->dispose (object);
}

static void
poise_message_analyzer_finalize (GObject *object)
{
  PoiseMessageAnalyzer *self = POISE_MESSAGE_ANALYZER (object);

  g_free (self->language);

  G_OBJECT_CLASS (poise_message_analyzer_parent_class)->finalize (object);
}

static void
poise_message_analyzer_class_init (PoiseMessageAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = poise_message_analyzer_dispose;
  object_class->finalize = poise_message_analyzer_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-message-analyzer.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseMessageAnalyzer, heat_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseMessageAnalyzer, message_view);
  gtk_widget_class_bind_template_child (widget_class, PoiseMessageAnalyzer, none_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseMessageAnalyzer, suggestion_list);

  gtk_widget_class_install_action (widget_class, "analyzer.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "analyzer.clear", NULL, clear_action);
}

static void
poise_message_analyzer_init (PoiseMessageAnalyzer *self)
{
  GtkTextBuffer *buffer;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->language = g_strdup (POISE_FALLBACK_LANGUAGE);
  self->suggestions = g_list_store_new (POISE_TYPE_SUGGESTION);
  gtk_list_box_bind_model (self->suggestion_list, G_LIST_MODEL (self->suggestions),
                           create_suggestion_row, self, NULL);
  g_signal_connect_object (self->suggestion_list, "row-activated",
                           G_CALLBACK (on_row_activated_cb), self, G_CONNECT_SWAPPED);

  buffer = gtk_text_view_get_buffer (self->message_view);
  gtk_text_buffer_create_tag (buffer, "match",
                              "weight", PANGO_WEIGHT_BOLD,
                              "underline", PANGO_UNDERLINE_SINGLE,
                              NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (on_buffer_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* Ctrl+Shift+V anywhere in the window pastes the customer's message. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_V, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("analyzer.paste")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
}

/* Public API */

void
poise_message_analyzer_setup (PoiseMessageAnalyzer *self,
                              PoiseLibrary         *library,
                              PoiseConversation    *conversation,
                              const char           *language)
{
  g_return_if_fail (POISE_IS_MESSAGE_ANALYZER (self));
  g_return_if_fail (POISE_IS_CONVERSATION (conversation));

  g_set_object (&self->library, library);
  g_set_object (&self->conversation, conversation);
  g_free (self->language);
  self->language = g_strdup (language);
  rebuild_suggester (self);
}

void
poise_message_analyzer_set_language (PoiseMessageAnalyzer *self,
                                     const char           *language)
{
  g_return_if_fail (POISE_IS_MESSAGE_ANALYZER (self));

  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  rebuild_suggester (self);
}

void
poise_message_analyzer_set_text (PoiseMessageAnalyzer *self,
                                 const char           *text)
{
  g_return_if_fail (POISE_IS_MESSAGE_ANALYZER (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->message_view), text ? text : "", -1);
  analyse (self);
}

void
poise_message_analyzer_paste (PoiseMessageAnalyzer *self)
{
  g_return_if_fail (POISE_IS_MESSAGE_ANALYZER (self));

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL,
                                 paste_received_cb, g_object_ref (self));
}

/**
 * poise_message_analyzer_get_suggestions:
 *
 * Returns: (transfer none): PoiseSuggestions, best first
 */
GListModel *
poise_message_analyzer_get_suggestions (PoiseMessageAnalyzer *self)
{
  g_return_val_if_fail (POISE_IS_MESSAGE_ANALYZER (self), NULL);

  return G_LIST_MODEL (self->suggestions);
}

const PoiseHeat *
poise_message_analyzer_get_heat (PoiseMessageAnalyzer *self)
{
  g_return_val_if_fail (POISE_IS_MESSAGE_ANALYZER (self), NULL);

  return self->heat;
}

char *
poise_message_analyzer_dup_heat_text (PoiseMessageAnalyzer *self)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (POISE_IS_MESSAGE_ANALYZER (self), NULL);

  if (self->heat == NULL)
    return NULL;

  text = g_string_new (level_name (self->heat->level));
  append_reasons (text, self->heat->reasons);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

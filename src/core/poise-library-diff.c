/* poise-library-diff.c: the scenarios a new library adds, removes and changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Agents see this after a supervisor publishes ("What changed"), and
 * poise-admin prints it for `library diff A B`. Scenarios are matched by
 * id; each of their texts is flattened to one string per language (lists
 * one item per line) and word-diffed.
 */
#define G_LOG_DOMAIN "poise-library-diff"

#include "config.h"

#include "poise-library-diff.h"

#include <stdlib.h>

struct _PoiseScenarioChange
{
  GObject                  parent_instance;

  PoiseScenarioChangeKind  kind;
  char                    *id;
  char                    *title;
  GPtrArray               *fields;
};

G_DEFINE_FINAL_TYPE (PoiseScenarioChange, poise_scenario_change, G_TYPE_OBJECT)

void
poise_field_change_free (PoiseFieldChange *change)
{
  if (change == NULL)
    return;

  g_free (change->field);
  g_free (change->lang);
  g_clear_pointer (&change->spans, g_ptr_array_unref);
  g_free (change);
}

static void
poise_scenario_change_finalize (GObject *object)
{
  PoiseScenarioChange *self = POISE_SCENARIO_CHANGE (object);

  g_free (self->id);
  g_free (self->title);
  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (poise_scenario_change_parent_class)->finalize (object);
}

static void
poise_scenario_change_class_init (PoiseScenarioChangeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_scenario_change_finalize;
}

static void
poise_scenario_change_init (PoiseScenarioChange *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) poise_field_change_free);
}

PoiseScenarioChangeKind
poise_scenario_change_get_kind (PoiseScenarioChange *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO_CHANGE (self), POISE_SCENARIO_CHANGED);
  return self->kind;
}

const char *
poise_scenario_change_get_id (PoiseScenarioChange *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO_CHANGE (self), NULL);
  return self->id;
}

const char *
poise_scenario_change_get_title (PoiseScenarioChange *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO_CHANGE (self), NULL);
  return self->title;
}

GPtrArray *
poise_scenario_change_get_fields (PoiseScenarioChange *self)
{
  g_return_val_if_fail (POISE_IS_SCENARIO_CHANGE (self), NULL);
  return self->fields;
}

static PoiseScenarioChange *
change_new (PoiseScenarioChangeKind  kind,
            PoiseScenario           *scenario,
            const char              *lang)
{
  PoiseScenarioChange *self = g_object_new (POISE_TYPE_SCENARIO_CHANGE, NULL);

  self->kind = kind;
  self->id = g_strdup (poise_scenario_get_id (scenario));
  self->title = g_strdup (poise_scenario_get_title (scenario, lang));
  return self;
}

static void
append_list (GString            *out,
             const char * const *items)
{
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "", items[i]);
}

/* Optional texts (a scenario without a promise) compare as "". */
static void
append_text (GString    *out,
             const char *text)
{
  if (text != NULL)
    g_string_append (out, text);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* One scenario field in one language as a single text. */
static char *
field_text (PoiseScenario *scenario,
            const char    *field,
            const char    *lang)
{
  GString *out = g_string_new (NULL);

  if (g_str_equal (field, "title"))
    append_text (out, poise_scenario_get_title (scenario, lang));
  else if (g_str_equal (field, "category"))
    append_text (out, poise_scenario_get_category_title (scenario, lang));
  else if (g_str_equal (field, "emotion"))
    append_text (out, poise_scenario_get_emotion (scenario, lang));
  else if (g_str_equal (field, "tone"))
    append_text (out, poise_scenario_get_tone (scenario, lang));
  else if (g_str_equal (field, "script"))
    append_text (out, poise_scenario_get_script (scenario, lang));
  else if (g_str_equal (field, "promise"))
    append_text (out, poise_scenario_get_promise (scenario, lang));
  else if (g_str_equal (field, "advice"))
    append_list (out, poise_scenario_get_advice (scenario, lang));
  else if (g_str_equal (field, "triggers"))
    append_list (out, poise_scenario_get_triggers (scenario, lang));
  else if (g_str_equal (field, "avoid"))
    {
      GListModel *avoid = poise_scenario_get_avoid (scenario);
      guint n = avoid != NULL ? g_list_model_get_n_items (avoid) : 0;

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PoiseAvoidPhrase) phrase = g_list_model_get_item (avoid, i);

          const char *said = poise_avoid_phrase_get_phrase (phrase, lang);
          const char *instead = poise_avoid_phrase_get_instead (phrase, lang);

          g_string_append_printf (out, "%s%s → %s", i > 0 ? "\n" : "",
                                  said != NULL ? said : "", instead != NULL ? instead : "");
        }
    }
  else if (g_str_equal (field, "placeholders"))
    {
      GHashTable *table = poise_scenario_get_placeholders (scenario);
      g_autofree const char **ids = (const char **) g_hash_table_get_keys_as_array (table, NULL);
      guint n = g_hash_table_size (table);

      qsort (ids, n, sizeof (char *), compare_strings);
      for (guint i = 0; i < n; i++)
        {
          PoisePlaceholder *placeholder = g_hash_table_lookup (table, ids[i]);

          const char *label = poise_placeholder_get_label (placeholder, lang);

          g_string_append_printf (out, "%s[%s] %s", i > 0 ? "\n" : "", ids[i],
                                  label != NULL ? label : "");
        }
    }
  else if (g_str_equal (field, "flags"))
    g_string_append_printf (out, "safety=%s offer_pause=%s",
                            poise_scenario_get_safety (scenario) ? "true" : "false",
                            poise_scenario_get_offer_pause (scenario) ? "true" : "false");
  else
    g_assert_not_reached ();

  return g_string_free (out, FALSE);
}

static const char * const fields[] = {
  "title", "category", "emotion", "tone", "script", "promise",
  "advice", "triggers", "avoid", "placeholders", "flags",
};

static GStrv
union_languages (PoiseLibrary *a,
                 PoiseLibrary *b)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *la = poise_library_get_languages (a);
  const char * const *lb = poise_library_get_languages (b);

  for (guint i = 0; la != NULL && la[i] != NULL; i++)
    g_strv_builder_add (builder, la[i]);
  for (guint i = 0; lb != NULL && lb[i] != NULL; i++)
    if (la == NULL || !g_strv_contains (la, lb[i]))
      g_strv_builder_add (builder, lb[i]);

  return g_strv_builder_end (builder);
}

static gboolean
spans_differ (GPtrArray *spans)
{
  for (guint i = 0; i < spans->len; i++)
    if (((PoiseDiffSpan *) g_ptr_array_index (spans, i))->op != POISE_DIFF_EQUAL)
      return TRUE;
  return FALSE;
}

GListModel *
poise_library_diff (PoiseLibrary *old_library,
                    PoiseLibrary *new_library,
                    const char   *lang)
{
  GListStore *changes = g_list_store_new (POISE_TYPE_SCENARIO_CHANGE);
  GListModel *old_scenarios, *new_scenarios;
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) languages = NULL;

  g_return_val_if_fail (POISE_IS_LIBRARY (old_library), NULL);
  g_return_val_if_fail (POISE_IS_LIBRARY (new_library), NULL);

  old_scenarios = poise_library_get_scenarios (old_library);
  new_scenarios = poise_library_get_scenarios (new_library);
  languages = union_languages (old_library, new_library);

  for (guint i = 0; i < g_list_model_get_n_items (old_scenarios); i++)
    {
      g_autoptr(PoiseScenario) scenario = g_list_model_get_item (old_scenarios, i);

      if (poise_library_lookup_scenario (new_library, poise_scenario_get_id (scenario)) == NULL)
        {
          g_autoptr(PoiseScenarioChange) change = change_new (POISE_SCENARIO_REMOVED, scenario, lang);
          g_list_store_append (changes, change);
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (new_scenarios); i++)
    {
      g_autoptr(PoiseScenario) scenario = g_list_model_get_item (new_scenarios, i);
      PoiseScenario *before = poise_library_lookup_scenario (old_library,
                                                             poise_scenario_get_id (scenario));
      g_autoptr(PoiseScenarioChange) change = NULL;

      if (before == NULL)
        {
          change = change_new (POISE_SCENARIO_ADDED, scenario, lang);
          g_list_store_append (changes, change);
          continue;
        }

      change = change_new (POISE_SCENARIO_CHANGED, scenario, lang);
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        for (guint l = 0; languages[l] != NULL; l++)
          {
            g_autofree char *a = field_text (before, fields[f], languages[l]);
            g_autofree char *b = field_text (scenario, fields[f], languages[l]);
            PoiseFieldChange *field;

            if (g_strcmp0 (a, b) == 0)
              continue;

            field = g_new0 (PoiseFieldChange, 1);
            field->field = g_strdup (fields[f]);
            field->lang = g_strdup (languages[l]);
            field->spans = poise_word_diff (a, b);
            if (!spans_differ (field->spans))
              {
                poise_field_change_free (field);
                continue;
              }
            g_ptr_array_add (change->fields, field);
            /* "flags" does not depend on the language. */
            if (g_str_equal (fields[f], "flags"))
              break;
          }

      if (change->fields->len > 0)
        g_ptr_array_add (changed, g_steal_pointer (&change));
    }

  for (guint i = 0; i < changed->len; i++)
    g_list_store_append (changes, g_ptr_array_index (changed, i));

  return G_LIST_MODEL (changes);
}

char *
poise_library_diff_to_string (GListModel *changes)
{
  GString *out = g_string_new (NULL);
  static const char marks[] = { '+', '-', '~' };

  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr(PoiseScenarioChange) change = g_list_model_get_item (changes, i);

      g_string_append_printf (out, "%c %s  %s\n", marks[change->kind], change->id,
                              change->title != NULL ? change->title : "");
      for (guint f = 0; f < change->fields->len; f++)
        {
          PoiseFieldChange *field = g_ptr_array_index (change->fields, f);
          g_autofree char *diff = poise_word_diff_to_string (field->spans);

          g_string_append_printf (out, "    %s [%s]: %s\n", field->field, field->lang, diff);
        }
    }

  return g_string_free (out, FALSE);
}

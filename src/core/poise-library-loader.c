/* poise-library-loader.c: validates a parsed library and builds it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Supervisors edit libraries by hand, so the loader does not stop at the
 * first mistake: it walks the whole document, reports every problem with
 * its JSON path, and builds the objects as it goes.  The result is thrown
 * away if any problem is an error.
 *
 * It reads the tree the JSON guard built (poise-json-value-private.h), so
 * the problems within an object come in document order.
 */
#define G_LOG_DOMAIN "poise-library-loader"

#include "config.h"

#include "poise-checklist-step-private.h"
#include "poise-library-private.h"
#include "poise-scenario-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define MAX_CHECKLIST_STEPS 9

typedef struct {
  guint           position;
  PoiseLocalized *title;
} Category;

typedef struct {
  GPtrArray  *problems;
  guint       n_errors;
  GPtrArray  *languages;          /* char *, the declared ones (or just "en") */
  GHashTable *top_placeholders;   /* id → PoisePlaceholder */
  GHashTable *top_paths;          /* id → path of its "id" */
  GHashTable *categories;         /* id → Category */
} Loader;

/* Translated when used, see language_name(). */
static const struct {
  const char *code;
  const char *name;
} language_names[] = {
  { "de", NC_("language", "German") }, { "en", NC_("language", "English") },
  { "es", NC_("language", "Spanish") }, { "fr", NC_("language", "French") },
  { "it", NC_("language", "Italian") }, { "nl", NC_("language", "Dutch") },
  { "pl", NC_("language", "Polish") }, { "pt", NC_("language", "Portuguese") },
  { "tr", NC_("language", "Turkish") }, { "da", NC_("language", "Danish") },
  { "sv", NC_("language", "Swedish") }, { "cs", NC_("language", "Czech") },
};

static const char * const root_keys[] = {
  "format", "languages", "title", "placeholders", "checklist", "categories", "avoid",
  "scenarios", NULL,
};
static const char * const root_required[] = {
  "format", "languages", "title", "checklist", "categories", "scenarios", NULL,
};
static const char * const placeholder_keys[] = { "id", "type", "label", "hint", "options", NULL };
static const char * const placeholder_required[] = { "id", "type", "label", "hint", NULL };
static const char * const option_keys[] = { "id", "label", NULL };
static const char * const step_keys[] = {
  "id", "title", "description", "examples", "cues", "needs_time", NULL,
};
static const char * const step_required[] = { "id", "title", "description", "examples", NULL };
static const char * const category_keys[] = { "id", "title", NULL };
static const char * const avoid_keys[] = { "kind", "phrase", "instead", "why", NULL };
static const char * const avoid_required[] = { "kind", "phrase", "instead", NULL };
static const char * const scenario_keys[] = {
  "id", "category", "title", "emotion", "tone", "script", "promise", "advice", "avoid",
  "triggers", "placeholders", "safety", "offer_pause", NULL,
};
static const char * const scenario_required[] = {
  "id", "category", "title", "emotion", "tone", "script", "triggers", NULL,
};

static void
category_free (Category *category)
{
  g_clear_pointer (&category->title, poise_localized_unref);
  g_free (category);
}

G_GNUC_PRINTF (4, 5)
static void
report (Loader               *loader,
        PoiseProblemSeverity  severity,
        const char           *path,
        const char           *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (severity == POISE_PROBLEM_ERROR)
    loader->n_errors++;
  _poise_problem_add (loader->problems, severity, path, message);
}

static char *
member_path (const char *parent,
             const char *key)
{
  if (parent[0] == '\0')
    return g_strdup (key);
  return g_strconcat (parent, ".", key, NULL);
}

static char *
index_path (const char *parent,
            guint       index)
{
  return g_strdup_printf ("%s[%u]", parent, index);
}

/* @parent.@key.@sub.  Paths are only built for problems: most texts have
 * none, and building theirs up front took a good part of the load. */
static char *
member_path2 (const char *parent,
              const char *key,
              const char *sub)
{
  g_autofree char *first = member_path (parent, key);

  return member_path (first, sub);
}

/* For "expected …, got %s"; only called for problems, so translating here
 * costs nothing on a good library. */
static const char *
describe (const PoiseJsonValue *node)
{
  switch (node->type)
    {
    case POISE_JSON_OBJECT:
      /* Translators: what a JSON value is, for "expected …, got %s" */
      return C_("JSON type", "an object");
    case POISE_JSON_ARRAY:
      return C_("JSON type", "an array");
    case POISE_JSON_NULL:
      /* Translators: the JSON literal null; usually kept as it is */
      return C_("JSON type", "null");
    case POISE_JSON_STRING:
      return C_("JSON type", "a string");
    case POISE_JSON_BOOLEAN:
      return C_("JSON type", "a boolean");
    case POISE_JSON_INTEGER:
    case POISE_JSON_DOUBLE:
    default:
      return C_("JSON type", "a number");
    }
}

static gboolean
is_string (const PoiseJsonValue *node)
{
  return node->type == POISE_JSON_STRING;
}

static gboolean
is_valid_id (const char *id)
{
  if (id[0] == '\0')
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return FALSE;

  return TRUE;
}

/* Comparing the first byte first skips most strcmp() calls. */
static inline gboolean
str_equal (const char *a,
           const char *b)
{
  return a[0] == b[0] && strcmp (a, b) == 0;
}

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  for (guint i = 0; strv[i] != NULL; i++)
    if (str_equal (strv[i], s))
      return TRUE;
  return FALSE;
}

static gboolean
has_language (Loader     *loader,
              const char *lang)
{
  for (guint i = 0; i < loader->languages->len; i++)
    if (str_equal (g_ptr_array_index (loader->languages, i), lang))
      return TRUE;
  return FALSE;
}

static const PoiseJsonValue *
expect_object (Loader               *loader,
               const PoiseJsonValue *node,
               const char           *path)
{
  if (node->type != POISE_JSON_OBJECT)
    {
      /* Translators: %s is a JSON type with the context "JSON type" */
      report (loader, POISE_PROBLEM_ERROR, path, _("expected an object, got %s"), describe (node));
      return NULL;
    }
  return node;
}

/* Reports unknown keys and missing required ones; the members are then
 * read with the getters below, which stay quiet about absent keys. */
static void
check_keys (Loader               *loader,
            const PoiseJsonValue *object,
            const char           *path,
            const char * const   *allowed,
            const char * const   *required)
{
  for (gsize i = 0; i < object->length; i++)
    {
      const char *key = object->v.members[i].key;

      if (!strv_has (allowed, key))
        /* Translators: %s is a key of the JSON file; keep it as it is */
        report (loader, POISE_PROBLEM_ERROR, path, _("unknown key \"%s\""), key);
    }

  for (guint i = 0; required[i] != NULL; i++)
    if (!_poise_json_value_has_member (object, required[i]))
      /* Translators: %s is a key of the JSON file; keep it as it is */
      report (loader, POISE_PROBLEM_ERROR, path, _("missing required field \"%s\""), required[i]);
}

static const char *
get_string (Loader               *loader,
            const PoiseJsonValue *object,
            const char           *path,
            const char           *key)
{
  const PoiseJsonValue *node = _poise_json_value_get_member (object, key);
  const char *value;

  if (node == NULL)
    return NULL;

  if (!is_string (node))
    {
      g_autofree char *key_path = member_path (path, key);

      /* Translators: %s is a JSON type with the context "JSON type"; the
       * same goes for the other "expected …, got %s" */
      report (loader, POISE_PROBLEM_ERROR, key_path, _("expected a string, got %s"),
              describe (node));
      return NULL;
    }

  value = node->v.string;
  if (value[0] == '\0')
    {
      g_autofree char *key_path = member_path (path, key);

      report (loader, POISE_PROBLEM_ERROR, key_path, _("empty string"));
      return NULL;
    }

  return value;
}

static gboolean
get_boolean (Loader               *loader,
             const PoiseJsonValue *object,
             const char           *path,
             const char           *key)
{
  const PoiseJsonValue *node = _poise_json_value_get_member (object, key);

  if (node == NULL)
    return FALSE;

  if (node->type != POISE_JSON_BOOLEAN)
    {
      g_autofree char *key_path = member_path (path, key);

      report (loader, POISE_PROBLEM_ERROR, key_path, _("expected a boolean, got %s"),
              describe (node));
      return FALSE;
    }

  return node->v.boolean;
}

static const PoiseJsonValue *
get_array (Loader               *loader,
           const PoiseJsonValue *object,
           const char           *path,
           const char           *key)
{
  const PoiseJsonValue *node = _poise_json_value_get_member (object, key);

  if (node == NULL)
    return NULL;

  if (node->type != POISE_JSON_ARRAY)
    {
      g_autofree char *key_path = member_path (path, key);

      report (loader, POISE_PROBLEM_ERROR, key_path, _("expected an array, got %s"),
              describe (node));
      return NULL;
    }

  return node;
}

/* Reads "id", checking its form and that it is unique in @seen (id →
 * path of the first one; the ids are the document's, not copies). */
static const char *
get_id (Loader               *loader,
        const PoiseJsonValue *object,
        const char           *path,
        const char           *key,
        GHashTable           *seen)
{
  const char *id = get_string (loader, object, path, key);
  g_autofree char *id_path = NULL;
  const char *first;

  if (id == NULL)
    return NULL;

  id_path = member_path (path, key);
  if (!is_valid_id (id))
    {
      report (loader, POISE_PROBLEM_ERROR, id_path,
              /* Translators: %s is an id from the JSON file */
              _("invalid id \"%s\" (use a-z, 0-9, \"_\" and \"-\")"), id);
      return NULL;
    }

  if (seen != NULL)
    {
      if ((first = g_hash_table_lookup (seen, id)) != NULL)
        {
          report (loader, POISE_PROBLEM_ERROR, id_path,
                  /* Translators: an id, then the JSON path where it first
                   * appears, e.g. "scenarios[2].id" */
                  _("duplicate id \"%s\" (first at %s)"), id, first);
          return NULL;
        }
      g_hash_table_insert (seen, (gpointer) id, g_steal_pointer (&id_path));
    }

  return id;
}

static const char *
language_name (const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (language_names); i++)
    if (strcmp (language_names[i].code, code) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "language", language_names[i].name);
  return NULL;
}

/* A Text (@is_list FALSE) or Text list; NULL when absent or wrong. */
static PoiseLocalized *
read_text (Loader               *loader,
           const PoiseJsonValue *object,
           const char           *path,
           const char           *key,
           gboolean              is_list)
{
  const PoiseJsonValue *node = _poise_json_value_get_member (object, key);
  g_autoptr(PoiseLocalized) text = NULL;
  guint errors_before = loader->n_errors;

  if (node == NULL)
    return NULL;

  if (node->type != POISE_JSON_OBJECT)
    {
      g_autofree char *text_path = member_path (path, key);

      report (loader, POISE_PROBLEM_ERROR, text_path,
              /* Translators: the first %s is the name of a type of the library
               * format ("Text" or "Text list", not translated), the second a
               * JSON type with the context "JSON type" */
              _("expected a %s object, got %s"), is_list ? "Text list" : "Text", describe (node));
      return NULL;
    }

  text = poise_localized_new ();
  for (gsize m = 0; m < node->length; m++)
    {
      const char *lang = node->v.members[m].key;
      const PoiseJsonValue *value = &node->v.members[m].value;

      if (!has_language (loader, lang))
        {
          g_autofree char *lang_path = member_path2 (path, key, lang);

          report (loader, POISE_PROBLEM_ERROR, lang_path,
                  /* Translators: %s is a language code such as "fr";
                   * "languages" is a key of the JSON file, keep it */
                  _("language \"%s\" is not listed in \"languages\""), lang);
          continue;
        }

      if (!is_list)
        {
          if (is_string (value) && value->v.string[0] != '\0')
            {
              poise_localized_set (text, lang, value->v.string);
            }
          else
            {
              g_autofree char *lang_path = member_path2 (path, key, lang);

              if (!is_string (value))
                report (loader, POISE_PROBLEM_ERROR, lang_path, _("expected a string, got %s"),
                        describe (value));
              else
                report (loader, POISE_PROBLEM_ERROR, lang_path, _("empty text"));
            }
        }
      else if (value->type != POISE_JSON_ARRAY)
        {
          g_autofree char *lang_path = member_path2 (path, key, lang);

          report (loader, POISE_PROBLEM_ERROR, lang_path, _("expected an array of strings, got %s"),
                  describe (value));
        }
      else
        {
          guint n = value->length;
          const char *stack_items[16];
          g_autofree const char **heap_items = NULL;
          const char **items = stack_items;
          guint n_items = 0;

          /* Lists are short; the heap only for long ones. */
          if (n + 1 > G_N_ELEMENTS (stack_items))
            items = heap_items = g_new (const char *, n + 1);

          for (guint i = 0; i < n; i++)
            {
              const PoiseJsonValue *item = &value->v.items[i];

              if (!is_string (item) || item->v.string[0] == '\0')
                {
                  g_autofree char *lang_path = member_path2 (path, key, lang);
                  g_autofree char *item_path = index_path (lang_path, i);

                  if (!is_string (item))
                    report (loader, POISE_PROBLEM_ERROR, item_path, _("expected a string, got %s"),
                            describe (item));
                  else
                    report (loader, POISE_PROBLEM_ERROR, item_path, _("empty text"));
                  continue;
                }
              items[n_items++] = item->v.string;
            }
          items[n_items] = NULL;
          poise_localized_set_list (text, lang, items);
        }
    }

  if (!poise_localized_has (text, POISE_FALLBACK_LANGUAGE) &&
      !_poise_json_value_has_member (node, POISE_FALLBACK_LANGUAGE))
    {
      g_autofree char *en_path = member_path2 (path, key, POISE_FALLBACK_LANGUAGE);
      report (loader, POISE_PROBLEM_ERROR, en_path, _("missing English text"));
    }

  for (guint i = 0; i < loader->languages->len; i++)
    {
      const char *wanted = g_ptr_array_index (loader->languages, i);
      const char *name;
      g_autofree char *lang_path = NULL;

      if (strcmp (wanted, POISE_FALLBACK_LANGUAGE) == 0 ||
          _poise_json_value_has_member (node, wanted))
        continue;

      name = language_name (wanted);
      lang_path = member_path2 (path, key, wanted);
      if (name != NULL)
        report (loader, POISE_PROBLEM_INCOMPLETE, lang_path,
                /* Translators: %s is a language name with the context
                 * "language", e.g. "German" */
                _("missing %s text (falls back to English)"), name);
      else
        report (loader, POISE_PROBLEM_INCOMPLETE, lang_path,
                /* Translators: %s is a language code, e.g. "fi" */
                _("missing \"%s\" text (falls back to English)"), wanted);
    }

  return loader->n_errors == errors_before ? g_steal_pointer (&text) : NULL;
}

static void
read_languages (Loader               *loader,
                const PoiseJsonValue *root)
{
  const PoiseJsonValue *array = get_array (loader, root, "", "languages");
  guint n = array != NULL ? array->length : 0;
  gboolean has_en = FALSE;

  for (guint i = 0; i < n; i++)
    {
      const PoiseJsonValue *item = &array->v.items[i];
      g_autofree char *item_path = index_path ("languages", i);
      const char *code;

      if (!is_string (item))
        {
          report (loader, POISE_PROBLEM_ERROR, item_path, _("expected a string, got %s"),
                  describe (item));
          continue;
        }

      code = item->v.string;
      if (!is_valid_id (code))
        {
          report (loader, POISE_PROBLEM_ERROR, item_path, _("invalid language code \"%s\""), code);
          continue;
        }
      if (has_language (loader, code))
        {
          report (loader, POISE_PROBLEM_ERROR, item_path, _("duplicate language \"%s\""), code);
          continue;
        }

      g_ptr_array_add (loader->languages, g_strdup (code));
      has_en |= strcmp (code, POISE_FALLBACK_LANGUAGE) == 0;
    }

  if (array != NULL && !has_en)
    /* Translators: "en" is the language code for English, keep it */
    report (loader, POISE_PROBLEM_ERROR, "languages", _("must contain \"en\""));

  /* Texts are still checked against English when the list is broken. */
  if (!has_en)
    g_ptr_array_insert (loader->languages, 0, g_strdup (POISE_FALLBACK_LANGUAGE));
}

static PoisePlaceholder *
read_placeholder (Loader               *loader,
                  const PoiseJsonValue *node,
                  const char           *path,
                  GHashTable           *seen)
{
  const PoiseJsonValue *object = expect_object (loader, node, path);
  g_autoptr(PoiseLocalized) label = NULL;
  g_autoptr(PoiseLocalized) hint = NULL;
  g_autoptr(PoisePlaceholder) placeholder = NULL;
  g_autoptr(GHashTable) option_ids = NULL;
  PoisePlaceholderType type = POISE_PLACEHOLDER_TEXT;
  gboolean type_ok = FALSE;
  const char *id;
  const char *type_name;
  const PoiseJsonValue *options;
  guint errors_before = loader->n_errors;

  if (object == NULL)
    return NULL;

  check_keys (loader, object, path, placeholder_keys, placeholder_required);
  id = get_id (loader, object, path, "id", seen);

  type_name = get_string (loader, object, path, "type");
  if (type_name != NULL)
    {
      type_ok = poise_placeholder_type_from_string (type_name, &type);
      if (!type_ok)
        {
          g_autofree char *type_path = member_path (path, "type");
          report (loader, POISE_PROBLEM_ERROR, type_path,
                  /* Translators: %s is the value of "type" in the JSON file */
                  _("unknown placeholder type \"%s\""), type_name);
        }
    }

  label = read_text (loader, object, path, "label", FALSE);
  hint = read_text (loader, object, path, "hint", FALSE);

  options = get_array (loader, object, path, "options");
  if (type_ok && type != POISE_PLACEHOLDER_CHOICE &&
      _poise_json_value_has_member (object, "options"))
    {
      g_autofree char *options_path = member_path (path, "options");
      report (loader, POISE_PROBLEM_ERROR, options_path,
              /* Translators: "options" is a key and "choice" a placeholder
               * type of the JSON file; keep both as they are */
              _("options are only allowed for choice placeholders"));
      options = NULL;
    }
  else if (type_ok && type == POISE_PLACEHOLDER_CHOICE &&
           (options == NULL || options->length == 0) &&
           (!_poise_json_value_has_member (object, "options") || options != NULL))
    {
      /* Translators: "choice" is a placeholder type of the JSON file */
      report (loader, POISE_PROBLEM_ERROR, path, _("a choice needs at least one option"));
    }

  if (id != NULL && label != NULL && hint != NULL && type_ok)
    placeholder = poise_placeholder_new (id, type, label, hint);

  if (options != NULL && options->length > 0)
    option_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; options != NULL && i < options->length; i++)
    {
      g_autofree char *options_path = member_path (path, "options");
      g_autofree char *option_path = index_path (options_path, i);
      const PoiseJsonValue *option = expect_object (loader, &options->v.items[i], option_path);
      g_autoptr(PoiseLocalized) option_label = NULL;
      const char *option_id;

      if (option == NULL)
        continue;

      check_keys (loader, option, option_path, option_keys, option_keys);
      option_id = get_id (loader, option, option_path, "id", option_ids);
      option_label = read_text (loader, option, option_path, "label", FALSE);

      if (placeholder != NULL && option_id != NULL && option_label != NULL)
        poise_placeholder_add_option (placeholder, option_id, option_label);
    }

  return loader->n_errors == errors_before ? g_steal_pointer (&placeholder) : NULL;
}

static PoiseAvoidPhrase *
read_avoid (Loader               *loader,
            const PoiseJsonValue *node,
            const char           *path)
{
  const PoiseJsonValue *object = expect_object (loader, node, path);
  g_autoptr(PoiseLocalized) phrase = NULL;
  g_autoptr(PoiseLocalized) instead = NULL;
  g_autoptr(PoiseLocalized) why = NULL;
  PoiseAvoidKind kind = POISE_AVOID_OTHER;
  const char *kind_name;
  guint errors_before = loader->n_errors;

  if (object == NULL)
    return NULL;

  check_keys (loader, object, path, avoid_keys, avoid_required);

  kind_name = get_string (loader, object, path, "kind");
  if (kind_name != NULL && !poise_avoid_kind_from_string (kind_name, &kind))
    {
      g_autofree char *kind_path = member_path (path, "kind");
      /* Translators: %s is the value of "kind" in an "avoid" entry of the
       * JSON file; "avoid" is a key, keep it */
      report (loader, POISE_PROBLEM_ERROR, kind_path, _("unknown avoid kind \"%s\""), kind_name);
    }

  phrase = read_text (loader, object, path, "phrase", FALSE);
  instead = read_text (loader, object, path, "instead", FALSE);
  why = read_text (loader, object, path, "why", FALSE);

  if (loader->n_errors != errors_before)
    return NULL;

  return poise_avoid_phrase_new (kind, phrase, instead, why);
}

/* Appends to *@store, creating it for the first phrase. */
static void
read_avoid_list (Loader               *loader,
                 const PoiseJsonValue *object,
                 const char           *path,
                 GListStore          **store)
{
  const PoiseJsonValue *array = get_array (loader, object, path, "avoid");
  g_autofree char *array_path = NULL;

  if (array == NULL || array->length == 0)
    return;

  array_path = member_path (path, "avoid");
  for (guint i = 0; i < array->length; i++)
    {
      g_autofree char *item_path = index_path (array_path, i);
      g_autoptr(PoiseAvoidPhrase) avoid = read_avoid (loader, &array->v.items[i], item_path);

      if (avoid == NULL)
        continue;
      if (*store == NULL)
        *store = g_list_store_new (POISE_TYPE_AVOID_PHRASE);
      g_list_store_append (*store, avoid);
    }
}

static void
read_checklist (Loader               *loader,
                const PoiseJsonValue *root,
                PoiseLibrary         *library)
{
  const PoiseJsonValue *array = get_array (loader, root, "", "checklist");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint n;

  if (array == NULL)
    return;

  n = array->length;
  if (n < 1 || n > MAX_CHECKLIST_STEPS)
    report (loader, POISE_PROBLEM_ERROR, "checklist",
            /* Translators: the most steps a checklist may have, then how many
             * it has */
            _("expected 1 to %u steps, got %u"), MAX_CHECKLIST_STEPS, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = index_path ("checklist", i);
      const PoiseJsonValue *object = expect_object (loader, &array->v.items[i], path);
      g_autoptr(PoiseLocalized) title = NULL;
      g_autoptr(PoiseLocalized) description = NULL;
      g_autoptr(PoiseLocalized) examples = NULL;
      g_autoptr(PoiseLocalized) cues = NULL;
      gboolean needs_time;
      const char *id;

      if (object == NULL)
        continue;

      check_keys (loader, object, path, step_keys, step_required);
      id = get_id (loader, object, path, "id", seen);
      title = read_text (loader, object, path, "title", FALSE);
      description = read_text (loader, object, path, "description", FALSE);
      examples = read_text (loader, object, path, "examples", TRUE);
      /* Optional (older libraries have neither): what the draft check
       * looks for to call the step done. */
      cues = read_text (loader, object, path, "cues", TRUE);
      needs_time = get_boolean (loader, object, path, "needs_time");

      if (id != NULL && title != NULL && description != NULL && examples != NULL)
        {
          g_autoptr(PoiseChecklistStep) step =
            poise_checklist_step_new (id, title, description, examples);
          _poise_checklist_step_set_cues (step, cues, needs_time);
          g_list_store_append (library->checklist, step);
        }
    }
}

static void
read_categories (Loader               *loader,
                 const PoiseJsonValue *root)
{
  const PoiseJsonValue *array = get_array (loader, root, "", "categories");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; array != NULL && i < array->length; i++)
    {
      g_autofree char *path = index_path ("categories", i);
      const PoiseJsonValue *object = expect_object (loader, &array->v.items[i], path);
      g_autoptr(PoiseLocalized) title = NULL;
      const char *id;
      Category *category;

      if (object == NULL)
        continue;

      check_keys (loader, object, path, category_keys, category_keys);
      id = get_id (loader, object, path, "id", seen);
      title = read_text (loader, object, path, "title", FALSE);

      if (id == NULL)
        continue;

      /* Kept even without a valid title, so scenarios don't also report
       * an unknown category. */
      category = g_new0 (Category, 1);
      category->position = g_hash_table_size (loader->categories);
      category->title = g_steal_pointer (&title);
      g_hash_table_insert (loader->categories, g_strdup (id), category);
    }
}

static void
read_top_placeholders (Loader               *loader,
                       const PoiseJsonValue *root)
{
  const PoiseJsonValue *array = get_array (loader, root, "", "placeholders");

  for (guint i = 0; array != NULL && i < array->length; i++)
    {
      g_autofree char *path = index_path ("placeholders", i);
      g_autoptr(PoisePlaceholder) placeholder =
        read_placeholder (loader, &array->v.items[i], path, loader->top_paths);

      /* The key first: argument evaluation order is unspecified. */
      if (placeholder != NULL)
        {
          char *key = g_strdup (poise_placeholder_get_id (placeholder));
          g_hash_table_insert (loader->top_placeholders, key, g_steal_pointer (&placeholder));
        }
    }
}

/* Every [id] in every language of @text must be declared in the library
 * or in @own (nullable: the scenario declares none). */
static void
check_declared (Loader               *loader,
                const PoiseJsonValue *object,
                const char           *path,
                const char           *key,
                GHashTable           *own)
{
  const PoiseJsonValue *node = _poise_json_value_get_member (object, key);

  if (node == NULL || node->type != POISE_JSON_OBJECT)
    return;

  for (gsize m = 0; m < node->length; m++)
    {
      const char *lang = node->v.members[m].key;
      const PoiseJsonValue *value = &node->v.members[m].value;
      g_auto(GStrv) ids = NULL;

      if (!is_string (value))
        continue;

      ids = poise_template_get_placeholders (value->v.string);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          if (!g_hash_table_contains (loader->top_paths, ids[i]) &&
              (own == NULL || !g_hash_table_contains (own, ids[i])))
            {
              g_autofree char *lang_path = member_path2 (path, key, lang);
              report (loader, POISE_PROBLEM_ERROR, lang_path,
                      /* Translators: %s is a placeholder id; keep the square
                       * brackets, they are how a script writes placeholders */
                      _("placeholder [%s] is not declared"), ids[i]);
            }
        }
    }
}

static PoiseScenario *
read_scenario (Loader               *loader,
               const PoiseJsonValue *node,
               const char           *path,
               GHashTable           *seen)
{
  const PoiseJsonValue *object = expect_object (loader, node, path);
  g_autoptr(PoiseScenario) scenario = NULL;
  g_autoptr(GHashTable) own_paths = NULL;
  g_autoptr(GHashTable) own = NULL;
  const PoiseJsonValue *placeholders;
  const char *category_id;
  Category *category = NULL;
  guint errors_before = loader->n_errors;

  if (object == NULL)
    return NULL;

  scenario = _poise_scenario_new ();
  check_keys (loader, object, path, scenario_keys, scenario_required);
  scenario->id = g_strdup (get_id (loader, object, path, "id", seen));

  category_id = get_string (loader, object, path, "category");
  if (category_id != NULL)
    {
      category = g_hash_table_lookup (loader->categories, category_id);
      if (category == NULL)
        {
          g_autofree char *category_path = member_path (path, "category");
          report (loader, POISE_PROBLEM_ERROR, category_path,
                  /* Translators: %s is a category id from the JSON file */
                  _("unknown category \"%s\""), category_id);
        }
      else
        {
          scenario->category_id = g_strdup (category_id);
          scenario->category_position = category->position;
          if (category->title != NULL)
            scenario->category_title = poise_localized_ref (category->title);
        }
    }

  scenario->title = read_text (loader, object, path, "title", FALSE);
  scenario->emotion = read_text (loader, object, path, "emotion", FALSE);
  scenario->tone = read_text (loader, object, path, "tone", FALSE);
  scenario->script = read_text (loader, object, path, "script", FALSE);
  scenario->promise = read_text (loader, object, path, "promise", FALSE);
  scenario->advice = read_text (loader, object, path, "advice", TRUE);
  read_avoid_list (loader, object, path, &scenario->avoid);
  scenario->triggers = read_text (loader, object, path, "triggers", TRUE);

  placeholders = get_array (loader, object, path, "placeholders");
  /* Most scenarios declare none of their own: no tables for them. */
  if (placeholders != NULL && placeholders->length > 0)
    {
      own_paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
    }
  for (guint i = 0; placeholders != NULL && i < placeholders->length; i++)
    {
      g_autofree char *array_path = member_path (path, "placeholders");
      g_autofree char *item_path = index_path (array_path, i);
      const PoiseJsonValue *item = &placeholders->v.items[i];
      const PoiseJsonValue *id_node = _poise_json_value_get_member (item, "id");
      g_autoptr(PoisePlaceholder) placeholder = NULL;
      const char *id;

      /* A scenario may not shadow a library-wide declaration. */
      if (id_node != NULL && (id = _poise_json_value_get_string (id_node)) != NULL &&
          g_hash_table_contains (loader->top_paths, id))
        {
          g_autofree char *id_path = member_path (item_path, "id");
          report (loader, POISE_PROBLEM_ERROR, id_path,
                  /* Translators: a placeholder id, then the JSON path of its
                   * first declaration, e.g. "placeholders[0].id" */
                  _("placeholder \"%s\" is already declared at %s"), id,
                  (const char *) g_hash_table_lookup (loader->top_paths, id));
          continue;
        }

      placeholder = read_placeholder (loader, item, item_path, own_paths);
      if (placeholder != NULL)
        {
          char *key = g_strdup (poise_placeholder_get_id (placeholder));
          g_hash_table_insert (own, key, g_steal_pointer (&placeholder));
        }
    }

  check_declared (loader, object, path, "script", own_paths);
  check_declared (loader, object, path, "promise", own_paths);

  scenario->safety = get_boolean (loader, object, path, "safety");
  scenario->offer_pause = get_boolean (loader, object, path, "offer_pause");

  if (loader->n_errors != errors_before)
    return NULL;

  /* Most scenarios declare nothing of their own and share the table. */
  if (own == NULL || g_hash_table_size (own) == 0)
    {
      scenario->placeholders = g_hash_table_ref (loader->top_placeholders);
    }
  else
    {
      GHashTableIter iter;
      gpointer key, value;

      scenario->placeholders = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, g_object_unref);
      g_hash_table_iter_init (&iter, loader->top_placeholders);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (scenario->placeholders, g_strdup (key), g_object_ref (value));
      g_hash_table_iter_init (&iter, own);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (scenario->placeholders, g_strdup (key), g_object_ref (value));
    }

  return g_steal_pointer (&scenario);
}

static void
read_scenarios (Loader               *loader,
                const PoiseJsonValue *root,
                PoiseLibrary         *library)
{
  const PoiseJsonValue *array = get_array (loader, root, "", "scenarios");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) buckets = NULL;
  guint n_categories = g_hash_table_size (loader->categories);
  guint n;

  if (array == NULL)
    return;

  n = array->length;
  if (n == 0)
    report (loader, POISE_PROBLEM_ERROR, "scenarios", _("expected at least one scenario"));

  /* One bucket per category keeps library order within a category. */
  buckets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < n_categories; i++)
    g_ptr_array_add (buckets, g_ptr_array_new_with_free_func (g_object_unref));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = index_path ("scenarios", i);
      PoiseScenario *scenario = read_scenario (loader, &array->v.items[i], path, seen);

      if (scenario != NULL)
        g_ptr_array_add (g_ptr_array_index (buckets, scenario->category_position), scenario);
    }

  if (loader->n_errors > 0)
    return;

  for (guint i = 0; i < n_categories; i++)
    {
      GPtrArray *bucket = g_ptr_array_index (buckets, i);

      g_list_store_splice (library->scenarios,
                           g_list_model_get_n_items (G_LIST_MODEL (library->scenarios)),
                           0, bucket->pdata, bucket->len);
      for (guint j = 0; j < bucket->len; j++)
        {
          PoiseScenario *scenario = g_ptr_array_index (bucket, j);
          g_hash_table_insert (library->scenario_index, scenario->id, g_object_ref (scenario));
        }
    }
}

PoiseLibrary *
_poise_library_load (const PoiseJsonValue *root,
                     GPtrArray            *problems)
{
  g_autoptr(PoiseLibrary) library = g_object_new (POISE_TYPE_LIBRARY, NULL);
  Loader loader = { 0, };
  const PoiseJsonValue *object;
  const PoiseJsonValue *format;

  loader.problems = problems;
  loader.languages = g_ptr_array_new_with_free_func (g_free);
  loader.top_placeholders = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                   g_free, g_object_unref);
  loader.top_paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  loader.categories = g_hash_table_new_full (g_str_hash, g_str_equal,
                                             g_free, (GDestroyNotify) category_free);

  object = expect_object (&loader, root, "");
  if (object != NULL)
    {
      check_keys (&loader, object, "", root_keys, root_required);

      if ((format = _poise_json_value_get_member (object, "format")) != NULL)
        {
          if (format->type != POISE_JSON_INTEGER)
            report (&loader, POISE_PROBLEM_ERROR, "format", _("expected an integer, got %s"),
                    describe (format));
          else if (format->v.integer != POISE_LIBRARY_FORMAT_VERSION)
            report (&loader, POISE_PROBLEM_ERROR, "format",
                    /* Translators: versions of the library's file format */
                    _("unsupported format %lld (this Poise reads format %d)"),
                    (long long) format->v.integer, POISE_LIBRARY_FORMAT_VERSION);
        }

      read_languages (&loader, object);
      library->title = read_text (&loader, object, "", "title", FALSE);
      read_top_placeholders (&loader, object);
      read_checklist (&loader, object, library);
      read_categories (&loader, object);
      read_avoid_list (&loader, object, "", &library->avoid);
      read_scenarios (&loader, object, library);
    }

  g_ptr_array_add (loader.languages, NULL);
  library->languages = (GStrv) g_ptr_array_free (loader.languages, FALSE);
  g_hash_table_unref (loader.top_placeholders);
  g_hash_table_unref (loader.top_paths);
  g_hash_table_unref (loader.categories);

  if (loader.n_errors > 0)
    return NULL;

  return g_steal_pointer (&library);
}

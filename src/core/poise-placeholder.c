/* poise-placeholder.c: a typed blank in a script, such as [date]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-placeholder"

#include "poise-placeholder.h"
#include "poise-template.h"

#include <string.h>

typedef struct {
  char           *id;
  PoiseLocalized *label;
} Option;

struct _PoisePlaceholder
{
  GObject               parent_instance;

  char                 *id;
  PoisePlaceholderType  kind;
  PoiseLocalized       *label;
  PoiseLocalized       *hint;
  GArray               *options;   /* Option */
};

G_DEFINE_FINAL_TYPE (PoisePlaceholder, poise_placeholder, G_TYPE_OBJECT)

static const struct {
  const char           *name;
  PoisePlaceholderType  type;
} types[] = {
  { "text", POISE_PLACEHOLDER_TEXT },
  { "date", POISE_PLACEHOLDER_DATE },
  { "time", POISE_PLACEHOLDER_TIME },
  { "number", POISE_PLACEHOLDER_NUMBER },
  { "choice", POISE_PLACEHOLDER_CHOICE },
  { "customer-name", POISE_PLACEHOLDER_CUSTOMER_NAME },
};

static void
option_clear (Option *option)
{
  g_clear_pointer (&option->id, g_free);
  g_clear_pointer (&option->label, poise_localized_unref);
}

static void
poise_placeholder_finalize (GObject *object)
{
  PoisePlaceholder *self = (PoisePlaceholder *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, poise_localized_unref);
  g_clear_pointer (&self->hint, poise_localized_unref);
  g_clear_pointer (&self->options, g_array_unref);

  G_OBJECT_CLASS (poise_placeholder_parent_class)->finalize (object);
}

static void
poise_placeholder_class_init (PoisePlaceholderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = poise_placeholder_finalize;
}

static void
poise_placeholder_init (PoisePlaceholder *self)
{
  self->options = g_array_new (FALSE, FALSE, sizeof (Option));
  g_array_set_clear_func (self->options, (GDestroyNotify) option_clear);
}

PoisePlaceholder *
poise_placeholder_new (const char           *id,
                       PoisePlaceholderType  type,
                       PoiseLocalized       *label,
                       PoiseLocalized       *hint)
{
  PoisePlaceholder *self;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (hint != NULL, NULL);

  self = g_object_new (POISE_TYPE_PLACEHOLDER, NULL);
  self->id = g_strdup (id);
  self->kind = type;
  self->label = poise_localized_ref (label);
  self->hint = poise_localized_ref (hint);

  return self;
}

const char *
poise_placeholder_get_id (PoisePlaceholder *self)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);
  return self->id;
}

PoisePlaceholderType
poise_placeholder_get_kind (PoisePlaceholder *self)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), POISE_PLACEHOLDER_TEXT);
  return self->kind;
}

const char *
poise_placeholder_get_label (PoisePlaceholder *self,
                             const char       *lang)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);
  return poise_localized_get (self->label, lang);
}

const char *
poise_placeholder_get_hint (PoisePlaceholder *self,
                            const char       *lang)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);
  return poise_localized_get (self->hint, lang);
}

void
poise_placeholder_add_option (PoisePlaceholder *self,
                              const char       *option_id,
                              PoiseLocalized   *label)
{
  Option option;

  g_return_if_fail (POISE_IS_PLACEHOLDER (self));
  g_return_if_fail (self->kind == POISE_PLACEHOLDER_CHOICE);
  g_return_if_fail (option_id != NULL);
  g_return_if_fail (label != NULL);

  option.id = g_strdup (option_id);
  option.label = poise_localized_ref (label);
  g_array_append_val (self->options, option);
}

guint
poise_placeholder_get_n_options (PoisePlaceholder *self)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), 0);
  return self->options->len;
}

const char *
poise_placeholder_get_option_id (PoisePlaceholder *self,
                                 guint             position)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);

  if (position >= self->options->len)
    return NULL;

  return g_array_index (self->options, Option, position).id;
}

const char *
poise_placeholder_get_option_label (PoisePlaceholder *self,
                                    guint             position,
                                    const char       *lang)
{
  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);

  if (position >= self->options->len)
    return NULL;

  return poise_localized_get (g_array_index (self->options, Option, position).label, lang);
}

static gboolean
is_valid_time (const char *value)
{
  if (strlen (value) != 5 || value[2] != ':' ||
      !g_ascii_isdigit (value[0]) || !g_ascii_isdigit (value[1]) ||
      !g_ascii_isdigit (value[3]) || !g_ascii_isdigit (value[4]))
    return FALSE;

  return (value[0] - '0') * 10 + (value[1] - '0') < 24 &&
         (value[3] - '0') * 10 + (value[4] - '0') < 60;
}

/* -?[0-9]+(\.[0-9]+)? */
static gboolean
is_valid_number (const char *value)
{
  const char *p = value;

  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == '\0';
}

char *
poise_placeholder_format_value (PoisePlaceholder *self,
                                const char       *value,
                                const char       *lang)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (POISE_IS_PLACEHOLDER (self), NULL);

  if (value == NULL)
    return NULL;

  /* Agents paste values with stray spaces; they never mean anything. */
  trimmed = g_strstrip (g_strdup (value));
  if (trimmed[0] == '\0')
    return NULL;

  switch (self->kind)
    {
    case POISE_PLACEHOLDER_TEXT:
    case POISE_PLACEHOLDER_CUSTOMER_NAME:
      return g_steal_pointer (&trimmed);

    case POISE_PLACEHOLDER_DATE:
      return poise_format_date (trimmed, lang);

    case POISE_PLACEHOLDER_TIME:
      return is_valid_time (trimmed) ? g_steal_pointer (&trimmed) : NULL;

    case POISE_PLACEHOLDER_NUMBER:
      if (!is_valid_number (trimmed))
        return NULL;
      /* Stored with a point; German writes a decimal comma ("49,90"). */
      if (g_strcmp0 (lang, "de") == 0)
        g_strdelimit (trimmed, ".", ',');
      return g_steal_pointer (&trimmed);

    case POISE_PLACEHOLDER_CHOICE:
      for (guint i = 0; i < self->options->len; i++)
        {
          const Option *option = &g_array_index (self->options, Option, i);

          if (strcmp (option->id, trimmed) == 0)
            return g_strdup (poise_localized_get (option->label, lang));
        }
      return NULL;

    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
poise_placeholder_type_from_string (const char           *name,
                                    PoisePlaceholderType *out_type)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (strcmp (types[i].name, name) == 0)
        {
          if (out_type != NULL)
            *out_type = types[i].type;
          return TRUE;
        }
    }

  return FALSE;
}

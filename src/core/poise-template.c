/* poise-template.c: parsing and filling "[placeholder]" texts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-template"

#include "poise-template.h"

#include <string.h>

/* Markup for an empty placeholder: bold with an error underline, in the
 * text's own colour so it reads in dark mode and high contrast alike.
 * Exact shape: <span weight="bold" underline="error">[Label]</span>. */
#define MISSING_MARKUP_START "<span weight=\"bold\" underline=\"error\">"
#define MISSING_MARKUP_END   "</span>"

/* Own tables rather than strftime(): the script language, not the agent's
 * C locale, decides the words, and locales may not be installed. */
static const char * const weekdays_en[] = {
  NULL, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char * const weekdays_de[] = {
  NULL, "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
};
static const char * const months_en[] = {
  NULL, "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
};
static const char * const months_de[] = {
  NULL, "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
  "August", "September", "Oktober", "November", "Dezember",
};

static inline gboolean
is_id_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* If @p is at "[id]", returns the id's length, else 0. */
static gsize
placeholder_at (const char *p)
{
  gsize len = 0;

  if (p[0] != '[' || p[1] == '[')
    return 0;

  while (is_id_char (p[1 + len]))
    len++;

  return len > 0 && p[1 + len] == ']' ? len : 0;
}

static void
append_literal (GString    *out,
                const char *text,
                gsize       len,
                gboolean    markup)
{
  if (markup)
    {
      g_autofree char *escaped = g_markup_escape_text (text, len);
      g_string_append (out, escaped);
    }
  else
    {
      g_string_append_len (out, text, len);
    }
}

static void
add_unique (GPtrArray  *ids,
            const char *id,
            gsize       len)
{
  for (guint i = 0; i < ids->len; i++)
    {
      const char *seen = g_ptr_array_index (ids, i);

      if (strncmp (seen, id, len) == 0 && seen[len] == '\0')
        return;
    }

  g_ptr_array_add (ids, g_strndup (id, len));
}

/**
 * poise_template_get_placeholders:
 * @text: a script text
 *
 * Returns: (transfer full): the placeholder ids in @text, in order of first
 *   appearance, each once
 */
GStrv
poise_template_get_placeholders (const char *text)
{
  GPtrArray *ids = g_ptr_array_new ();

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = strchr (text, '['); p != NULL; p = strchr (p, '['))
    {
      gsize len;

      if (p[1] == '[')
        {
          p += 2;
          continue;
        }

      len = placeholder_at (p);
      if (len > 0)
        {
          add_unique (ids, p + 1, len);
          p += len + 2;
        }
      else
        {
          p++;
        }
    }

  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (ids, FALSE);
}

/**
 * poise_template_fill:
 *
 * With %POISE_FILL_MARKUP, literal text is escaped with
 * g_markup_escape_text(), a filled value becomes `<b>value</b>` and an
 * empty one `<span weight="bold" underline="error">[Label]</span>`.
 * An id that is not in @placeholders stays as the literal text `[id]` and
 * is reported in @missing, since the agent cannot fill it.  A value that is
 * invalid for its type (a date such as "2026-02-30") counts as empty.
 *
 * Returns: (transfer full): the filled text
 */
char *
poise_template_fill (const char     *text,
                     GHashTable     *placeholders,
                     GHashTable     *values,
                     const char     *lang,
                     PoiseFillFlags  flags,
                     GStrv          *missing)
{
  gboolean markup = (flags & POISE_FILL_MARKUP) != 0;
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) missing_ids = NULL;
  const char *literal = text;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 32);
  missing_ids = g_ptr_array_new_with_free_func (g_free);

  while ((p = strchr (p, '[')) != NULL)
    {
      g_autofree char *id = NULL;
      PoisePlaceholder *placeholder = NULL;
      g_autofree char *formatted = NULL;
      gsize len;

      if (p[1] == '[')
        {
          /* "[[" stands for one literal "[". */
          append_literal (out, literal, p - literal + 1, markup);
          p += 2;
          literal = p;
          continue;
        }

      len = placeholder_at (p);
      if (len == 0)
        {
          p++;
          continue;
        }

      append_literal (out, literal, p - literal, markup);
      id = g_strndup (p + 1, len);
      p += len + 2;
      literal = p;

      if (placeholders != NULL)
        placeholder = g_hash_table_lookup (placeholders, id);

      if (placeholder == NULL)
        {
          g_string_append_c (out, '[');
          append_literal (out, id, len, markup);
          g_string_append_c (out, ']');
          add_unique (missing_ids, id, len);
          continue;
        }

      if (values != NULL)
        formatted = poise_placeholder_format_value (placeholder,
                                                    g_hash_table_lookup (values, id),
                                                    lang);

      if (formatted != NULL)
        {
          if (markup)
            g_string_append (out, "<b>");
          append_literal (out, formatted, strlen (formatted), markup);
          if (markup)
            g_string_append (out, "</b>");
        }
      else
        {
          const char *label = poise_placeholder_get_label (placeholder, lang);

          if (label == NULL)
            label = id;
          if (markup)
            g_string_append (out, MISSING_MARKUP_START);
          g_string_append_c (out, '[');
          append_literal (out, label, strlen (label), markup);
          g_string_append_c (out, ']');
          if (markup)
            g_string_append (out, MISSING_MARKUP_END);
          add_unique (missing_ids, id, len);
        }
    }

  append_literal (out, literal, strlen (literal), markup);

  if (missing != NULL)
    {
      g_ptr_array_add (missing_ids, NULL);
      *missing = (GStrv) g_ptr_array_steal (missing_ids, NULL);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
parse_digits (const char *p,
              guint       count,
              guint      *out)
{
  guint value = 0;

  for (guint i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return FALSE;
      value = value * 10 + (p[i] - '0');
    }

  *out = value;
  return TRUE;
}

/**
 * poise_format_date:
 * @iso_date: "YYYY-MM-DD"
 * @lang: the script language; anything but "de" gets English
 *
 * Returns: (transfer full) (nullable): the date for a script, or %NULL if
 *   @iso_date is not a valid calendar date
 */
char *
poise_format_date (const char *iso_date,
                   const char *lang)
{
  guint year, month, day;
  GDateWeekday weekday;

  g_return_val_if_fail (iso_date != NULL, NULL);

  if (strlen (iso_date) != 10 || iso_date[4] != '-' || iso_date[7] != '-' ||
      !parse_digits (iso_date, 4, &year) ||
      !parse_digits (iso_date + 5, 2, &month) ||
      !parse_digits (iso_date + 8, 2, &day))
    return NULL;

  if (year < 1 || !g_date_valid_dmy (day, month, year))
    return NULL;

  {
    g_autoptr(GDate) date = g_date_new_dmy (day, month, year);
    weekday = g_date_get_weekday (date);
  }

  if (g_strcmp0 (lang, "de") == 0)
    return g_strdup_printf ("%s, %u. %s", weekdays_de[weekday], day, months_de[month]);

  return g_strdup_printf ("%s, %u %s", weekdays_en[weekday], day, months_en[month]);
}

/* poise-json-guard.c: strict JSON checks before json-glib sees the input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib is lenient (comments, hex, single quotes, last duplicate key
 * wins, silently wrapped integers) and recursive (deep nesting overflows the
 * stack).  This scanner walks the input once, without recursion and without
 * building a tree, and rejects everything that is not strict RFC 8259 or
 * that breaks our limits, naming the JSON path and byte offset.
 */
#define G_LOG_DOMAIN "poise-json-guard"

#include "poise-json-guard-private.h"

#include <string.h>

/* Integers beyond this lose precision in a double; json-glib also wraps
 * anything beyond int64 silently. */
#define MAX_SAFE_INTEGER G_GUINT64_CONSTANT (9007199254740992)

/* Below this many keys a linear scan beats a hash table. */
#define LINEAR_KEY_LIMIT 16

typedef struct {
  gboolean    is_object;
  gssize      index;   /* arrays: element being read, -1 before the first */
  gboolean    in_member; /* objects: reading the value of the last key */
  GPtrArray  *keys;    /* objects: keys seen so far, decoded; last = current */
  GHashTable *set;     /* objects with many keys: the same keys, for lookup */
} Frame;

typedef struct {
  const char *data;
  gsize       length;
  gsize       pos;
  GArray     *stack;   /* Frame */
  guint       depth;   /* frames in use; the array keeps spare ones */
  GString    *scratch;
  char       *error_path;  /* where the first problem is; "" at the root */
} Scanner;

G_DEFINE_QUARK (poise-json-error-quark, poise_json_error)

static void
frame_clear (Frame *frame)
{
  g_clear_pointer (&frame->keys, g_ptr_array_unref);
  g_clear_pointer (&frame->set, g_hash_table_unref);
}

static char *
build_path (Scanner *s)
{
  GString *path = g_string_new (NULL);

  for (guint i = 0; i < s->depth; i++)
    {
      Frame *frame = &g_array_index (s->stack, Frame, i);

      if (frame->is_object)
        {
          if (!frame->in_member)
            break;
          if (path->len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, g_ptr_array_index (frame->keys, frame->keys->len - 1));
        }
      else
        {
          if (frame->index < 0)
            break;
          g_string_append_printf (path, "[%" G_GSSIZE_FORMAT "]", frame->index);
        }
    }

  return g_string_free (path, FALSE);
}

G_GNUC_PRINTF (4, 5)
static gboolean
fail (Scanner     *s,
      GError     **error,
      PoiseJsonError code,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_free (s->error_path);
  s->error_path = build_path (s);
  g_set_error (error, POISE_JSON_ERROR, code, "%s (byte %" G_GSIZE_FORMAT ")",
               message, s->pos);

  return FALSE;
}

static gboolean
fail_unexpected (Scanner  *s,
                 GError  **error,
                 const char *expected)
{
  if (s->pos >= s->length)
    return fail (s, error, POISE_JSON_ERROR_SYNTAX, "unexpected end of input, expected %s",
                 expected);

  if ((guchar) s->data[s->pos] < 0x80 && g_ascii_isprint (s->data[s->pos]))
    return fail (s, error, POISE_JSON_ERROR_SYNTAX, "unexpected character '%c', expected %s",
                 s->data[s->pos], expected);

  return fail (s, error, POISE_JSON_ERROR_SYNTAX, "unexpected byte 0x%02x, expected %s",
               (guchar) s->data[s->pos], expected);
}

static void
skip_whitespace (Scanner *s)
{
  while (s->pos < s->length)
    {
      char c = s->data[s->pos];

      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      s->pos++;
    }
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *out)
{
  gunichar value = 0;

  if (s->length - s->pos < 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (s->data[s->pos + i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + digit;
    }

  s->pos += 4;
  *out = value;
  return TRUE;
}

/* Reads a string starting at its opening quote.  If @decoded is not NULL the
 * unescaped text is stored there (for keys, which must compare decoded). */
static gboolean
scan_string (Scanner  *s,
             GString  *decoded,
             GError  **error)
{
  g_assert (s->data[s->pos] == '"');
  s->pos++;

  if (decoded != NULL)
    g_string_truncate (decoded, 0);

  for (;;)
    {
      gsize start = s->pos;
      guchar c;

      /* Plain bytes in bulk; UTF-8 was validated up front. */
      while (s->pos < s->length)
        {
          c = s->data[s->pos];
          if (c == '"' || c == '\\' || c < 0x20)
            break;
          s->pos++;
        }

      if (decoded != NULL)
        g_string_append_len (decoded, s->data + start, s->pos - start);

      if (s->pos >= s->length)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, "unterminated string");

      c = s->data[s->pos];

      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }

      if (c < 0x20)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                     "control character 0x%02x in a string (escape it)", c);

      /* A backslash. */
      s->pos++;
      if (s->pos >= s->length)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, "unterminated string");

      c = s->data[s->pos];
      if (c == 'u')
        {
          gsize escape_start = s->pos - 1;
          gunichar ch;

          s->pos++;
          if (!read_hex4 (s, &ch))
            {
              s->pos = escape_start;
              return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                           "invalid \\u escape (expected four hex digits)");
            }

          if (ch >= 0xDC00 && ch <= 0xDFFF)
            {
              s->pos = escape_start;
              return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                           "lone surrogate \\u%04X in a string", ch);
            }

          if (ch >= 0xD800 && ch <= 0xDBFF)
            {
              gunichar low;

              if (s->length - s->pos < 6 ||
                  s->data[s->pos] != '\\' || s->data[s->pos + 1] != 'u')
                {
                  s->pos = escape_start;
                  return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                               "lone surrogate \\u%04X in a string", ch);
                }

              s->pos += 2;
              if (!read_hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
                {
                  s->pos = escape_start;
                  return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                               "lone surrogate \\u%04X in a string", ch);
                }

              ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00);
            }

          if (decoded != NULL)
            g_string_append_unichar (decoded, ch);
          continue;
        }

      switch (c)
        {
        case '"': case '\\': case '/':
          break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        default:
          s->pos--;
          if (c >= 0x20 && c < 0x7f)
            return fail (s, error, POISE_JSON_ERROR_SYNTAX, "invalid escape \\%c", c);
          return fail (s, error, POISE_JSON_ERROR_SYNTAX, "invalid escape");
        }

      s->pos++;
      if (decoded != NULL)
        g_string_append_c (decoded, c);
    }
}

static gboolean
scan_number (Scanner  *s,
             GError  **error)
{
  gsize start = s->pos;
  gsize int_start;
  gsize int_digits;
  gboolean is_integer = TRUE;

  if (s->data[s->pos] == '-')
    s->pos++;

  int_start = s->pos;
  if (s->pos >= s->length || !g_ascii_isdigit (s->data[s->pos]))
    {
      s->pos = start;
      return fail (s, error, POISE_JSON_ERROR_SYNTAX, "invalid number");
    }

  if (s->data[s->pos] == '0')
    {
      s->pos++;
      if (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        {
          s->pos = start;
          return fail (s, error, POISE_JSON_ERROR_SYNTAX, "leading zeros are not allowed");
        }
    }
  else
    {
      while (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        s->pos++;
    }
  int_digits = s->pos - int_start;

  if (s->pos < s->length && s->data[s->pos] == '.')
    {
      is_integer = FALSE;
      s->pos++;
      if (s->pos >= s->length || !g_ascii_isdigit (s->data[s->pos]))
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, "expected digits after '.'");
      while (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        s->pos++;
    }

  if (s->pos < s->length && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E'))
    {
      is_integer = FALSE;
      s->pos++;
      if (s->pos < s->length && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
        s->pos++;
      if (s->pos >= s->length || !g_ascii_isdigit (s->data[s->pos]))
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, "expected digits in the exponent");
      while (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        s->pos++;
    }

  if (is_integer)
    {
      gboolean too_big = int_digits > 16;

      if (!too_big)
        {
          char digits[17];

          memcpy (digits, s->data + int_start, int_digits);
          digits[int_digits] = '\0';
          too_big = g_ascii_strtoull (digits, NULL, 10) > MAX_SAFE_INTEGER;
        }

      if (too_big)
        {
          s->pos = start;
          return fail (s, error, POISE_JSON_ERROR_NUMBER_RANGE,
                       "integer out of range (beyond ±2^53)");
        }
    }

  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word,
              GError    **error)
{
  gsize len = strlen (word);

  if (s->length - s->pos < len || memcmp (s->data + s->pos, word, len) != 0)
    return fail_unexpected (s, error, "a value");

  s->pos += len;
  return TRUE;
}

static gboolean
push_frame (Scanner        *s,
            gboolean        is_object,
            guint           max_depth,
            GError        **error)
{
  Frame *frame;

  if (s->depth >= max_depth)
    return fail (s, error, POISE_JSON_ERROR_TOO_DEEP, "nested deeper than %u levels", max_depth);

  if (s->depth == s->stack->len)
    {
      Frame empty = { 0, };
      g_array_append_val (s->stack, empty);
    }

  frame = &g_array_index (s->stack, Frame, s->depth);
  frame->is_object = is_object;
  frame->index = -1;
  frame->in_member = FALSE;
  if (is_object)
    {
      /* Frames are reused, so an object costs no allocation after the first. */
      if (frame->keys == NULL)
        frame->keys = g_ptr_array_new_with_free_func (g_free);
      else
        g_ptr_array_set_size (frame->keys, 0);
      if (frame->set != NULL)
        g_hash_table_remove_all (frame->set);
    }

  s->depth++;
  s->pos++;
  return TRUE;
}

static Frame *
top_frame (Scanner *s)
{
  return s->depth > 0 ? &g_array_index (s->stack, Frame, s->depth - 1) : NULL;
}

static gboolean
has_key (Frame      *frame,
         const char *key)
{
  if (frame->set != NULL && g_hash_table_size (frame->set) > 0)
    return g_hash_table_contains (frame->set, key);

  for (guint i = 0; i < frame->keys->len; i++)
    if (strcmp (g_ptr_array_index (frame->keys, i), key) == 0)
      return TRUE;

  return FALSE;
}

static void
add_key (Frame      *frame,
         const char *key)
{
  char *copy = g_strdup (key);

  g_ptr_array_add (frame->keys, copy);

  if (frame->keys->len == LINEAR_KEY_LIMIT)
    {
      if (frame->set == NULL)
        frame->set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < frame->keys->len; i++)
        g_hash_table_add (frame->set, g_ptr_array_index (frame->keys, i));
    }
  else if (frame->keys->len > LINEAR_KEY_LIMIT)
    {
      g_hash_table_add (frame->set, copy);
    }
}

/* Reads `"key" :` in the object on top of the stack. */
static gboolean
scan_key (Scanner  *s,
          GError  **error)
{
  Frame *frame = top_frame (s);
  gsize key_start;

  frame->in_member = FALSE;
  skip_whitespace (s);
  if (s->pos >= s->length || s->data[s->pos] != '"')
    return fail_unexpected (s, error, "a string key");

  key_start = s->pos;
  if (!scan_string (s, s->scratch, error))
    return FALSE;

  if (has_key (frame, s->scratch->str))
    {
      s->pos = key_start;
      return fail (s, error, POISE_JSON_ERROR_DUPLICATE_KEY, "duplicate key \"%s\"",
                   s->scratch->str);
    }
  add_key (frame, s->scratch->str);
  frame->in_member = TRUE;

  skip_whitespace (s);
  if (s->pos >= s->length || s->data[s->pos] != ':')
    return fail_unexpected (s, error, "':'");
  s->pos++;

  return TRUE;
}

static gboolean
scan_document (Scanner  *s,
               guint     max_depth,
               GError  **error)
{
  skip_whitespace (s);
  if (s->pos >= s->length)
    return fail (s, error, POISE_JSON_ERROR_SYNTAX, "empty input");

  for (;;)
    {
      Frame *frame;

      /* A value is expected here. */
      skip_whitespace (s);
      if (s->pos >= s->length)
        return fail_unexpected (s, error, "a value");

      switch (s->data[s->pos])
        {
        case '{':
          if (!push_frame (s, TRUE, max_depth, error))
            return FALSE;
          skip_whitespace (s);
          if (s->pos < s->length && s->data[s->pos] == '}')
            {
              s->pos++;
              s->depth--;
              break;
            }
          if (!scan_key (s, error))
            return FALSE;
          continue;

        case '[':
          if (!push_frame (s, FALSE, max_depth, error))
            return FALSE;
          skip_whitespace (s);
          if (s->pos < s->length && s->data[s->pos] == ']')
            {
              s->pos++;
              s->depth--;
              break;
            }
          top_frame (s)->index = 0;
          continue;

        case '"':
          if (!scan_string (s, NULL, error))
            return FALSE;
          break;

        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!scan_number (s, error))
            return FALSE;
          break;

        case 't':
          if (!scan_literal (s, "true", error))
            return FALSE;
          break;

        case 'f':
          if (!scan_literal (s, "false", error))
            return FALSE;
          break;

        case 'n':
          if (!scan_literal (s, "null", error))
            return FALSE;
          break;

        default:
          return fail_unexpected (s, error, "a value");
        }

      /* A value is complete: close containers until one continues. */
      for (;;)
        {
          char close;

          skip_whitespace (s);
          frame = top_frame (s);

          if (frame == NULL)
            {
              if (s->pos < s->length)
                return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                             "unexpected data after the end of the document");
              return TRUE;
            }

          close = frame->is_object ? '}' : ']';

          if (s->pos < s->length && s->data[s->pos] == ',')
            {
              s->pos++;
              skip_whitespace (s);
              if (s->pos < s->length && (s->data[s->pos] == ']' || s->data[s->pos] == '}'))
                return fail (s, error, POISE_JSON_ERROR_SYNTAX, "trailing comma");
              if (frame->is_object)
                {
                  if (!scan_key (s, error))
                    return FALSE;
                }
              else
                {
                  frame->index++;
                }
              break;
            }

          if (s->pos < s->length && s->data[s->pos] == close)
            {
              s->pos++;
              s->depth--;
              continue;
            }

          return fail_unexpected (s, error, frame->is_object ? "',' or '}'" : "',' or ']'");
        }
    }
}

/**
 * _poise_json_guard_check_at:
 * @out_path: (out) (optional): where the problem is, "" for the whole input
 *
 * Like poise_json_guard_check(), but the error message does not start with
 * the path; the library validator keeps the two apart.
 */
gboolean
_poise_json_guard_check_at (const char            *data,
                            gsize                  length,
                            const PoiseJsonLimits *limits,
                            char                 **out_path,
                            GError               **error)
{
  gsize max_bytes = limits != NULL ? limits->max_bytes : 0;
  guint max_depth = limits != NULL && limits->max_depth > 0 ? limits->max_depth
                                                             : POISE_JSON_MAX_DEPTH;
  const char *invalid = NULL;
  Scanner s = { 0, };
  gboolean ret;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_path != NULL)
    *out_path = NULL;

  if (max_bytes > 0 && length > max_bytes)
    {
      g_set_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_LARGE,
                   "input is %" G_GSIZE_FORMAT " bytes, more than the limit of %"
                   G_GSIZE_FORMAT " bytes", length, max_bytes);
      if (out_path != NULL)
        *out_path = g_strdup ("");
      return FALSE;
    }

  /* Checked up front so the scanner can step over string bytes blindly. */
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      g_set_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_INVALID_UTF8,
                   "invalid UTF-8 (byte %" G_GSIZE_FORMAT ")", (gsize) (invalid - data));
      if (out_path != NULL)
        *out_path = g_strdup ("");
      return FALSE;
    }

  s.data = data;
  s.length = length;
  s.stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (s.stack, (GDestroyNotify) frame_clear);
  s.scratch = g_string_new (NULL);

  ret = scan_document (&s, max_depth, error);

  g_array_unref (s.stack);
  g_string_free (s.scratch, TRUE);

  if (out_path != NULL)
    *out_path = g_steal_pointer (&s.error_path);
  g_free (s.error_path);

  return ret;
}

/**
 * poise_json_guard_check:
 * @data: the input, not necessarily nul-terminated
 * @length: its length in bytes
 * @limits: (nullable): the limits; %NULL or a zero max_depth means
 *   %POISE_JSON_MAX_DEPTH, since json-glib must never see deep nesting
 * @error: return location for a #PoiseJsonError
 *
 * Returns: %TRUE if @data is strict JSON within the limits
 */
gboolean
poise_json_guard_check (const char            *data,
                        gsize                  length,
                        const PoiseJsonLimits *limits,
                        GError               **error)
{
  g_autofree char *path = NULL;

  if (_poise_json_guard_check_at (data, length, limits, &path, error))
    return TRUE;

  if (path != NULL && path[0] != '\0')
    g_prefix_error (error, "%s: ", path);

  return FALSE;
}

/**
 * poise_json_parse_guarded:
 * @bytes: the input
 * @limits: (nullable): as for poise_json_guard_check()
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the root node
 */
JsonNode *
poise_json_parse_guarded (GBytes                *bytes,
                          const PoiseJsonLimits *limits,
                          GError               **error)
{
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (!poise_json_guard_check (data != NULL ? data : "", length, limits, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;

  return json_parser_steal_root (parser);
}

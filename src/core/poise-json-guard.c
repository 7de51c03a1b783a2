/* poise-json-guard.c: strict JSON checks before json-glib sees the input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib is lenient (comments, hex, single quotes, last duplicate key
 * wins, silently wrapped integers) and recursive (deep nesting overflows the
 * stack).  This scanner walks the input once, without recursion, and rejects
 * everything that is not strict RFC 8259 or that breaks our limits, naming
 * the JSON path and byte offset.  On the way it builds a PoiseJsonDocument
 * (see poise-json-value-private.h), so the library loader needs no second
 * parser.  Nothing is nested deeper than the depth limit, so the tree is
 * never built past it either.
 */
#define G_LOG_DOMAIN "poise-json-guard"

#include "config.h"

#include "poise-json-guard-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

/* Integers beyond this lose precision in a double; json-glib also wraps
 * anything beyond int64 silently. */
#define MAX_SAFE_INTEGER G_GUINT64_CONSTANT (9007199254740992)

/* Below this many keys a linear scan beats a hash table. */
#define LINEAR_KEY_LIMIT 16

/* Arena chunks start small for small documents and double up to this. */
#define MIN_CHUNK_SIZE (4 * 1024)
#define MAX_CHUNK_SIZE (1024 * 1024)

typedef struct _Chunk Chunk;

struct _Chunk
{
  Chunk *next;
  gsize  size;   /* keeps the data that follows 16-byte aligned */
};

struct _PoiseJsonDocument
{
  Chunk          *chunks;
  char           *pos;    /* free space in the first chunk */
  char           *end;
  gsize           next_chunk_size;
  PoiseJsonValue  root;
};

typedef struct {
  gboolean    is_object;
  gssize      index;   /* arrays: element being read, -1 before the first */
  gboolean    in_member; /* objects: reading the value of the last key */
  const char *key;     /* objects: the last key, decoded, in the arena */
  gsize       first_slot;  /* this container's members in Scanner.slots */
  GHashTable *set;     /* objects with many keys: the keys, for lookup */
} Frame;

typedef struct {
  const char        *data;
  gsize              length;
  gsize              pos;
  GArray            *stack;   /* Frame */
  guint              depth;   /* frames in use; the array keeps spare ones */
  GString           *scratch;
  char              *error_path;  /* where the first problem is; "" at the root */
  PoiseJsonDocument *doc;
  /* Members (arrays: key NULL) of every open container, innermost last;
   * a container's are copied into the arena once it closes and its size
   * is known. */
  PoiseJsonMember   *slots;
  gsize              n_slots;
  gsize              slots_size;
} Scanner;

G_DEFINE_QUARK (poise-json-error-quark, poise_json_error)

static void
frame_clear (Frame *frame)
{
  g_clear_pointer (&frame->set, g_hash_table_unref);
}

static gpointer
arena_alloc (PoiseJsonDocument *doc,
             gsize              size)
{
  Chunk *chunk;
  char *p;

  size = (size + 7) & ~(gsize) 7;

  if ((gsize) (doc->end - doc->pos) >= size)
    {
      p = doc->pos;
      doc->pos += size;
      return p;
    }

  /* A large block gets a chunk of its own, so the current one stays in use. */
  if (size > MAX_CHUNK_SIZE / 4)
    {
      chunk = g_malloc (sizeof (Chunk) + size);
      chunk->size = size;
      if (doc->chunks != NULL)
        {
          chunk->next = doc->chunks->next;
          doc->chunks->next = chunk;
        }
      else
        {
          chunk->next = NULL;
          doc->chunks = chunk;
        }
      return (char *) chunk + sizeof (Chunk);
    }

  /* A block between the next chunk's size and the limit above gets a
   * chunk that fits it (found by fuzzing: it used to overrun). */
  chunk = g_malloc (sizeof (Chunk) + MAX (doc->next_chunk_size, size));
  chunk->size = MAX (doc->next_chunk_size, size);
  chunk->next = doc->chunks;
  doc->chunks = chunk;
  doc->pos = (char *) chunk + sizeof (Chunk);
  doc->end = doc->pos + chunk->size;
  doc->next_chunk_size = MIN (doc->next_chunk_size * 2, MAX_CHUNK_SIZE);

  p = doc->pos;
  doc->pos += size;
  return p;
}

static const char *
arena_strndup (PoiseJsonDocument *doc,
               const char        *str,
               gsize              len)
{
  char *copy = arena_alloc (doc, len + 1);

  memcpy (copy, str, len);
  copy[len] = '\0';
  return copy;
}

static PoiseJsonDocument *
document_new (void)
{
  PoiseJsonDocument *doc = g_new0 (PoiseJsonDocument, 1);

  doc->next_chunk_size = MIN_CHUNK_SIZE;
  return doc;
}

/**
 * _poise_json_document_free:
 *
 * Frees the whole tree at once: a few chunks, however many nodes.
 */
void
_poise_json_document_free (PoiseJsonDocument *self)
{
  Chunk *chunk;

  if (self == NULL)
    return;

  chunk = self->chunks;
  while (chunk != NULL)
    {
      Chunk *next = chunk->next;

      g_free (chunk);
      chunk = next;
    }

  g_free (self);
}

/**
 * _poise_json_document_get_root:
 *
 * Returns: (transfer none): the document's value; valid until the
 *   document is freed
 */
const PoiseJsonValue *
_poise_json_document_get_root (const PoiseJsonDocument *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->root;
}

/* A new member (arrays: element) of the innermost container. */
static PoiseJsonMember *
push_slot (Scanner    *s,
           const char *key)
{
  PoiseJsonMember *slot;

  if (s->n_slots == s->slots_size)
    {
      s->slots_size = MAX (s->slots_size * 2, 64);
      s->slots = g_renew (PoiseJsonMember, s->slots, s->slots_size);
    }

  slot = &s->slots[s->n_slots++];
  slot->key = key;
  slot->value.type = POISE_JSON_NULL;
  slot->value.length = 0;
  return slot;
}

/* Puts a complete value where it belongs: its container's last slot, or
 * the root. */
static void
store_value (Scanner              *s,
             const PoiseJsonValue *value)
{
  if (s->depth > 0)
    s->slots[s->n_slots - 1].value = *value;
  else
    s->doc->root = *value;
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
          g_string_append (path, frame->key);
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
  /* %zu, not G_GSIZE_FORMAT: xgettext cannot see through the macro. */
  g_set_error (error, POISE_JSON_ERROR, code,
               /* Translators: %s is one of the JSON syntax errors (e.g.
                * "trailing comma"), %zu the byte offset where it is. */
               _("%s (byte %zu)"), message, (size_t) s->pos);

  return FALSE;
}

static gboolean
fail_unexpected (Scanner  *s,
                 GError  **error,
                 const char *expected)
{
  if (s->pos >= s->length)
    return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                 /* Translators: %s is what the JSON syntax allows there, one of
                  * the messages with the context "JSON expected" */
                 _("unexpected end of input, expected %s"), expected);

  if ((guchar) s->data[s->pos] < 0x80 && g_ascii_isprint (s->data[s->pos]))
    return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                 /* Translators: %c is the character, %s what was expected */
                 _("unexpected character '%c', expected %s"), s->data[s->pos], expected);

  return fail (s, error, POISE_JSON_ERROR_SYNTAX,
               /* Translators: 0x%02x is the byte in hex, %s what was expected */
               _("unexpected byte 0x%02x, expected %s"), (guchar) s->data[s->pos], expected);
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

/* Reads a string starting at its opening quote and stores the unescaped
 * text in @decoded. */
static gboolean
scan_string (Scanner  *s,
             GString  *decoded,
             GError  **error)
{
  g_assert (s->data[s->pos] == '"');
  s->pos++;

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

      g_string_append_len (decoded, s->data + start, s->pos - start);

      if (s->pos >= s->length)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("unterminated string"));

      c = s->data[s->pos];

      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }

      if (c < 0x20)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                     _("control character 0x%02x in a string (escape it)"), c);

      /* A backslash. */
      s->pos++;
      if (s->pos >= s->length)
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("unterminated string"));

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
                           /* Translators: \u starts a JSON escape, as in \u00e4 */
                           _("invalid \\u escape (expected four hex digits)"));
            }

          if (ch >= 0xDC00 && ch <= 0xDFFF)
            {
              s->pos = escape_start;
              return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                           _("lone surrogate \\u%04X in a string"), ch);
            }

          if (ch >= 0xD800 && ch <= 0xDBFF)
            {
              gunichar low;

              if (s->length - s->pos < 6 ||
                  s->data[s->pos] != '\\' || s->data[s->pos + 1] != 'u')
                {
                  s->pos = escape_start;
                  return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                               _("lone surrogate \\u%04X in a string"), ch);
                }

              s->pos += 2;
              if (!read_hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
                {
                  s->pos = escape_start;
                  return fail (s, error, POISE_JSON_ERROR_SYNTAX,
                               _("lone surrogate \\u%04X in a string"), ch);
                }

              ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00);
            }

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
            return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("invalid escape \\%c"), c);
          return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("invalid escape"));
        }

      s->pos++;
      g_string_append_c (decoded, c);
    }
}

/* Reads a string starting at its opening quote into the arena; sets
 * *@len to its length in bytes. */
static const char *
scan_string_to_arena (Scanner  *s,
                      gsize    *len,
                      GError  **error)
{
  gsize end = s->pos + 1;

  /* Most strings have no escapes: copy them straight from the input. */
  while (end < s->length)
    {
      guchar c = s->data[end];

      if (c == '"' || c == '\\' || c < 0x20)
        break;
      end++;
    }

  if (end < s->length && s->data[end] == '"')
    {
      const char *start = s->data + s->pos + 1;

      *len = end - s->pos - 1;
      s->pos = end + 1;
      return arena_strndup (s->doc, start, *len);
    }

  if (!scan_string (s, s->scratch, error))
    return NULL;

  *len = s->scratch->len;
  return arena_strndup (s->doc, s->scratch->str, s->scratch->len);
}

static gboolean
scan_string_value (Scanner         *s,
                   PoiseJsonValue  *value,
                   GError         **error)
{
  const char *string;
  gsize len;

  if ((string = scan_string_to_arena (s, &len, error)) == NULL)
    return FALSE;

  value->type = POISE_JSON_STRING;
  value->length = len;
  value->v.string = string;
  return TRUE;
}

static gboolean
scan_number (Scanner         *s,
             PoiseJsonValue  *value,
             GError         **error)
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
      return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("invalid number"));
    }

  if (s->data[s->pos] == '0')
    {
      s->pos++;
      if (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        {
          s->pos = start;
          return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("leading zeros are not allowed"));
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
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("expected digits after '.'"));
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
        return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("expected digits in the exponent"));
      while (s->pos < s->length && g_ascii_isdigit (s->data[s->pos]))
        s->pos++;
    }

  if (is_integer)
    {
      gboolean too_big = int_digits > 16;
      guint64 magnitude = 0;

      if (!too_big)
        {
          char digits[17];

          memcpy (digits, s->data + int_start, int_digits);
          digits[int_digits] = '\0';
          magnitude = g_ascii_strtoull (digits, NULL, 10);
          too_big = magnitude > MAX_SAFE_INTEGER;
        }

      if (too_big)
        {
          s->pos = start;
          return fail (s, error, POISE_JSON_ERROR_NUMBER_RANGE,
                       _("integer out of range (beyond ±2^53)"));
        }

      value->type = POISE_JSON_INTEGER;
      value->v.integer = s->data[start] == '-' ? -(gint64) magnitude : (gint64) magnitude;
    }
  else
    {
      gsize len = s->pos - start;
      char buffer[64];
      g_autofree char *heap = NULL;
      char *text = buffer;

      /* g_ascii_strtod() wants a nul-terminated copy. */
      if (len >= sizeof buffer)
        text = heap = g_malloc (len + 1);
      memcpy (text, s->data + start, len);
      text[len] = '\0';

      value->type = POISE_JSON_DOUBLE;
      value->v.number = g_ascii_strtod (text, NULL);
      /* 1e400 would become infinity, which JSON cannot write back. */
      if (!isfinite (value->v.number))
        {
          s->pos = start;
          return fail (s, error, POISE_JSON_ERROR_NUMBER_RANGE,
                       _("number out of range (beyond ±1.7e308)"));
        }
    }

  value->length = 0;
  return TRUE;
}

static gboolean
scan_literal (Scanner         *s,
              const char      *word,
              PoiseJsonValue  *value,
              GError         **error)
{
  gsize len = strlen (word);

  if (s->length - s->pos < len || memcmp (s->data + s->pos, word, len) != 0)
    return fail_unexpected (s, error, C_("JSON expected", "a value"));

  s->pos += len;
  value->length = 0;
  if (word[0] == 'n')
    {
      value->type = POISE_JSON_NULL;
    }
  else
    {
      value->type = POISE_JSON_BOOLEAN;
      value->v.boolean = word[0] == 't';
    }
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
    return fail (s, error, POISE_JSON_ERROR_TOO_DEEP,
                 g_dngettext (GETTEXT_PACKAGE, "nested deeper than %u level",
                              "nested deeper than %u levels", max_depth),
                 max_depth);

  if (s->depth == s->stack->len)
    {
      Frame empty = { 0, };
      g_array_append_val (s->stack, empty);
    }

  frame = &g_array_index (s->stack, Frame, s->depth);
  frame->is_object = is_object;
  frame->index = -1;
  frame->in_member = FALSE;
  frame->key = NULL;
  frame->first_slot = s->n_slots;
  /* Frames are reused, so a large object's set is allocated once. */
  if (is_object && frame->set != NULL)
    g_hash_table_remove_all (frame->set);

  s->depth++;
  s->pos++;
  return TRUE;
}

static Frame *
top_frame (Scanner *s)
{
  return s->depth > 0 ? &g_array_index (s->stack, Frame, s->depth - 1) : NULL;
}

/* Closes the innermost container: its members move from the slots into
 * the arena, and it becomes a value of its parent. */
static void
pop_frame (Scanner *s)
{
  Frame *frame = top_frame (s);
  gsize n = s->n_slots - frame->first_slot;
  /* No slots yet means no slot array: NULL + 0 is undefined in C. */
  PoiseJsonMember *members = n > 0 ? s->slots + frame->first_slot : NULL;
  PoiseJsonValue value = { 0, };

  value.length = n;
  if (frame->is_object)
    {
      value.type = POISE_JSON_OBJECT;
      if (n > 0)
        {
          value.v.members = arena_alloc (s->doc, n * sizeof (PoiseJsonMember));
          memcpy (value.v.members, members, n * sizeof (PoiseJsonMember));
        }
    }
  else
    {
      value.type = POISE_JSON_ARRAY;
      if (n > 0)
        {
          value.v.items = arena_alloc (s->doc, n * sizeof (PoiseJsonValue));
          for (gsize i = 0; i < n; i++)
            value.v.items[i] = members[i].value;
        }
    }

  s->n_slots = frame->first_slot;
  s->depth--;
  store_value (s, &value);
}

static gboolean
has_key (Scanner    *s,
         Frame      *frame,
         const char *key)
{
  if (frame->set != NULL && g_hash_table_size (frame->set) > 0)
    return g_hash_table_contains (frame->set, key);

  for (gsize i = frame->first_slot; i < s->n_slots; i++)
    if (s->slots[i].key[0] == key[0] && strcmp (s->slots[i].key, key) == 0)
      return TRUE;

  return FALSE;
}

static void
add_key (Scanner    *s,
         Frame      *frame,
         const char *key)
{
  gsize n_keys;

  push_slot (s, key);
  n_keys = s->n_slots - frame->first_slot;

  if (n_keys == LINEAR_KEY_LIMIT)
    {
      if (frame->set == NULL)
        frame->set = g_hash_table_new (g_str_hash, g_str_equal);
      for (gsize i = frame->first_slot; i < s->n_slots; i++)
        g_hash_table_add (frame->set, (gpointer) s->slots[i].key);
    }
  else if (n_keys > LINEAR_KEY_LIMIT)
    {
      g_hash_table_add (frame->set, (gpointer) key);
    }
}

/* Reads `"key" :` in the object on top of the stack. */
static gboolean
scan_key (Scanner  *s,
          GError  **error)
{
  Frame *frame = top_frame (s);
  gsize key_start;
  gsize key_len;
  const char *key;

  frame->in_member = FALSE;
  skip_whitespace (s);
  if (s->pos >= s->length || s->data[s->pos] != '"')
    return fail_unexpected (s, error, C_("JSON expected", "a string key"));

  key_start = s->pos;
  if ((key = scan_string_to_arena (s, &key_len, error)) == NULL)
    return FALSE;

  if (has_key (s, frame, key))
    {
      s->pos = key_start;
      return fail (s, error, POISE_JSON_ERROR_DUPLICATE_KEY,
                   /* Translators: %s is a JSON key, as written in the file */
                   _("duplicate key \"%s\""), key);
    }
  add_key (s, frame, key);
  frame->key = key;
  frame->in_member = TRUE;

  skip_whitespace (s);
  if (s->pos >= s->length || s->data[s->pos] != ':')
    /* Translators: JSON punctuation: translate the quotes and "or" only */
    return fail_unexpected (s, error, C_("JSON expected", "':'"));
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
    return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("empty input"));

  for (;;)
    {
      PoiseJsonValue value = { 0, };
      Frame *frame;

      /* A value is expected here. */
      skip_whitespace (s);
      if (s->pos >= s->length)
        return fail_unexpected (s, error, C_("JSON expected", "a value"));

      switch (s->data[s->pos])
        {
        case '{':
          if (!push_frame (s, TRUE, max_depth, error))
            return FALSE;
          skip_whitespace (s);
          if (s->pos < s->length && s->data[s->pos] == '}')
            {
              s->pos++;
              pop_frame (s);
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
              pop_frame (s);
              break;
            }
          top_frame (s)->index = 0;
          push_slot (s, NULL);
          continue;

        case '"':
          if (!scan_string_value (s, &value, error))
            return FALSE;
          store_value (s, &value);
          break;

        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!scan_number (s, &value, error))
            return FALSE;
          store_value (s, &value);
          break;

        case 't':
          if (!scan_literal (s, "true", &value, error))
            return FALSE;
          store_value (s, &value);
          break;

        case 'f':
          if (!scan_literal (s, "false", &value, error))
            return FALSE;
          store_value (s, &value);
          break;

        case 'n':
          if (!scan_literal (s, "null", &value, error))
            return FALSE;
          store_value (s, &value);
          break;

        default:
          return fail_unexpected (s, error, C_("JSON expected", "a value"));
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
                             _("unexpected data after the end of the document"));
              return TRUE;
            }

          close = frame->is_object ? '}' : ']';

          if (s->pos < s->length && s->data[s->pos] == ',')
            {
              s->pos++;
              skip_whitespace (s);
              if (s->pos < s->length && (s->data[s->pos] == ']' || s->data[s->pos] == '}'))
                return fail (s, error, POISE_JSON_ERROR_SYNTAX, _("trailing comma"));
              if (frame->is_object)
                {
                  if (!scan_key (s, error))
                    return FALSE;
                }
              else
                {
                  frame->index++;
                  push_slot (s, NULL);
                }
              break;
            }

          if (s->pos < s->length && s->data[s->pos] == close)
            {
              s->pos++;
              pop_frame (s);
              continue;
            }

          if (frame->is_object)
            /* Translators: JSON punctuation: translate the quotes and "or" only */
            return fail_unexpected (s, error, C_("JSON expected", "',' or '}'"));
          /* Translators: JSON punctuation: translate the quotes and "or" only */
          return fail_unexpected (s, error, C_("JSON expected", "',' or ']'"));
        }
    }
}

/**
 * _poise_json_document_parse:
 * @data: the input, not necessarily nul-terminated
 * @length: its length in bytes
 * @limits: (nullable): as for poise_json_guard_check()
 * @out_path: (out) (optional): where the problem is, "" for the whole input
 * @error: return location for a #PoiseJsonError
 *
 * The guard's single pass, keeping the tree it builds.  Errors are those of
 * poise_json_guard_check(), but the message does not start with the path;
 * the library validator keeps the two apart.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL on error
 */
PoiseJsonDocument *
_poise_json_document_parse (const char            *data,
                            gsize                  length,
                            const PoiseJsonLimits *limits,
                            char                 **out_path,
                            GError               **error)
{
  gsize max_bytes = limits != NULL ? limits->max_bytes : 0;
  guint max_depth = limits != NULL && limits->max_depth > 0 ? limits->max_depth
                                                             : POISE_JSON_MAX_DEPTH;
  const char *invalid = NULL;
  g_autoptr(PoiseJsonDocument) doc = NULL;
  Scanner s = { 0, };
  gboolean ret;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_path != NULL)
    *out_path = NULL;

  if (max_bytes > 0 && length > max_bytes)
    {
      /* The plural form follows the input's size, which is above a limit
       * of at least 1 byte, so English never shows the singular. */
      g_set_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_TOO_LARGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: the size of a file or text, then
                                 * the most Poise accepts; the plural form
                                 * follows the first number */
                                "input is %llu byte, more than the limit of %llu bytes",
                                "input is %llu bytes, more than the limit of %llu bytes",
                                length),
                   (unsigned long long) length, (unsigned long long) max_bytes);
      if (out_path != NULL)
        *out_path = g_strdup ("");
      return NULL;
    }

  /* Checked up front so the scanner can step over string bytes blindly. */
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      g_set_error (error, POISE_JSON_ERROR, POISE_JSON_ERROR_INVALID_UTF8,
                   _("invalid UTF-8 (byte %zu)"), (size_t) (invalid - data));
      if (out_path != NULL)
        *out_path = g_strdup ("");
      return NULL;
    }

  doc = document_new ();
  s.data = data;
  s.length = length;
  s.stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (s.stack, (GDestroyNotify) frame_clear);
  s.scratch = g_string_new (NULL);
  s.doc = doc;

  ret = scan_document (&s, max_depth, error);

  g_array_unref (s.stack);
  g_string_free (s.scratch, TRUE);
  g_free (s.slots);

  if (out_path != NULL)
    *out_path = g_steal_pointer (&s.error_path);
  g_free (s.error_path);

  return ret ? g_steal_pointer (&doc) : NULL;
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
  g_autoptr(PoiseJsonDocument) doc = NULL;

  doc = _poise_json_document_parse (data, length, limits, out_path, error);
  return doc != NULL;
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

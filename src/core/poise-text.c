/* poise-text.c: folded words and a phrase matcher for coaching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the text folds and stems every word into a single buffer;
 * no allocation per word. Phrases are compiled once into a hash table from
 * their first stem, so matching costs one lookup per word of the text,
 * whatever the number of phrases: the draft check runs this on every
 * keystroke.
 *
 * The stemmers are deliberately light: they only strip common endings so
 * "Pakete", "Paket" or "delayed", "delay" meet, and both sides (library
 * phrase and customer text) go through the same code, so an odd stem does
 * no harm as long as it is the same on both sides.
 */
#define G_LOG_DOMAIN "poise-text"

#include "poise-text-private.h"

#include <string.h>

#define MIN_COMPOUND_LENGTH 4

struct _PoisePatternSet
{
  char       *lang;
  gboolean    german;
  gboolean    compounds;
  guint       max_gap;
  GHashTable *by_first;    /* first stem → GPtrArray of PoisePattern */
  GPtrArray  *inner;       /* one-word PoisePatterns that may match inside words */
  GPtrArray  *patterns;    /* owns every PoisePattern */
};

/* Filler words: a phrase matches whether or not the writer used them. */
static const char * const stop_en[] = {
  "a", "an", "the", "really", "very", "please", "oh", "actually", NULL,
};
static const char * const stop_de[] = {
  "doch", "ja", "nun", "mal", "eben", "halt", "bitte", "wirklich", "einfach", "ein",
  "eine", "einen", "einem", "einer", "eines", "der", "die", "dem", "den", "des", "denn",
  "aber", "auch", "gar", "echt", NULL,
};

/* English contractions without the apostrophe, as people type them. */
static const struct {
  const char *word;
  const char *base;
} negations_en[] = {
  { "dont", "do" }, { "doesnt", "does" }, { "didnt", "did" }, { "isnt", "is" },
  { "arent", "are" }, { "wasnt", "was" }, { "werent", "were" }, { "hasnt", "has" },
  { "havent", "have" }, { "hadnt", "had" }, { "cant", "can" }, { "cannot", "can" },
  { "wont", "will" }, { "couldnt", "could" }, { "wouldnt", "would" },
  { "shouldnt", "should" }, { "aint", "is" },
};

static gboolean
strv_contains (const char * const *strv,
               const char         *word)
{
  for (guint i = 0; strv[i] != NULL; i++)
    if (strcmp (strv[i], word) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == 0x02BC;
}

static gboolean
is_vowel (char c)
{
  return strchr ("aeiouy", c) != NULL;
}

static gboolean
ends_with (const char *word,
           gsize       len,
           const char *suffix)
{
  gsize n = strlen (suffix);
  return len >= n && memcmp (word + len - n, suffix, n) == 0;
}

/* Returns the new length. */
static gsize
stem_en (char  *word,
         gsize  len)
{
  if (len > 4 && ends_with (word, len, "ies"))
    {
      word[len - 3] = 'y';
      len -= 2;
    }
  else if (len > 4 && ends_with (word, len, "sses"))
    len -= 2;
  else if (len > 5 && ends_with (word, len, "ing"))
    len -= 3;
  else if (len > 4 && ends_with (word, len, "ed"))
    len -= 2;
  else if (len > 3 && word[len - 1] == 's' &&
           !ends_with (word, len, "ss") && !ends_with (word, len, "us") &&
           !ends_with (word, len, "is"))
    len -= 1;

  /* "arrive"/"arrived", "damage"/"damaged" meet at "arriv", "damag". */
  if (len > 4 && word[len - 1] == 'e')
    len -= 1;

  /* "stopped" → "stopp" → "stop"; keep "ll", "ss", "zz" ("call", "miss"). */
  if (len > 3 && word[len - 1] == word[len - 2] && !is_vowel (word[len - 1]) &&
      strchr ("lsz", word[len - 1]) == NULL)
    len -= 1;

  word[len] = '\0';
  return len;
}

/* After CISTEM (Weissweiler and Fraser, 2017), without its prefix rule:
 * "beschädigte", "beschädigten", "beschädigt" all become "beschadig". */
static gsize
stem_de (char  *word,
         gsize  len)
{
  gboolean first = TRUE;

  while (len > 3)
    {
      /* "-nd" only ends a word ("dringend"), else "Wochenende" would
       * shrink to "woch" and meet "Wochen". */
      if (len > 5 && (ends_with (word, len, "em") || ends_with (word, len, "er") ||
                      (first && ends_with (word, len, "nd"))))
        len -= 2;
      else if (len > 5 && word[len - 1] == 't')
        len -= 1;
      else if (word[len - 1] == 'e' || word[len - 1] == 's' || word[len - 1] == 'n')
        len -= 1;
      else
        break;
      first = FALSE;
    }

  word[len] = '\0';
  return len;
}

/* "ae", "oe", "ue" as written on keyboards without umlauts become what
 * folding makes of "ä", "ö", "ü" ("beschaedigt" = "beschädigt"), except
 * in "eu" ("neue", "Feuer"). Both sides go through this, so a word such as
 * "Bauer" becoming "baur" does no harm. */
static gsize
fold_umlaut_spellings (char  *word,
                       gsize  len)
{
  gsize out = 0;

  for (gsize i = 0; i < len; i++)
    {
      word[out++] = word[i];
      if (i + 1 < len && word[i + 1] == 'e' && strchr ("aou", word[i]) != NULL &&
          !(i > 0 && word[i - 1] == 'e'))
        i++;
    }

  word[out] = '\0';
  return out;
}

/* Separable verbs put "zu" after their prefix: "aufzuwachen" is
 * "aufwachen", "zurückzuerstatten" "zurückerstatten". At least four letters
 * must follow, so "Anzug" and "Aufzug" stay whole. */
static gsize
drop_zu_infix (char  *word,
               gsize  len)
{
  static const char * const prefixes[] = {
    "ab", "an", "auf", "aus", "durch", "ein", "her", "hin", "los", "mit", "nach",
    "um", "vor", "weg", "weiter", "zuruck", "zurueck", "zusammen", NULL,
  };

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      gsize n = strlen (prefixes[i]);

      if (len >= n + 2 + 4 && strncmp (word, prefixes[i], n) == 0 &&
          word[n] == 'z' && word[n + 1] == 'u')
        {
          memmove (word + n, word + n + 2, len - n - 2 + 1);
          return len - 2;
        }
    }

  return len;
}

/* Common irregular English verbs, so "came" meets "come" and "sent" meets
 * "send". Forms that are also everyday nouns or other verbs ("broke",
 * "lost", "left") are left out: they would make new, wrong matches. */
static const struct {
  const char *form;
  const char *base;
} irregular_en[] = {
  { "came", "come" }, { "sent", "send" }, { "got", "get" }, { "gotten", "get" },
  { "paid", "pay" }, { "told", "tell" }, { "bought", "buy" }, { "gave", "give" },
  { "given", "give" }, { "took", "take" }, { "taken", "take" }, { "went", "go" },
  { "gone", "go" }, { "spoke", "speak" }, { "spoken", "speak" }, { "wrote", "write" },
  { "written", "write" }, { "rang", "ring" }, { "rung", "ring" }, { "said", "say" },
  { "fell", "fall" }, { "fallen", "fall" }, { "tore", "tear" }, { "torn", "tear" },
  { "threw", "throw" }, { "thrown", "throw" }, { "stole", "steal" },
  { "stolen", "steal" }, { "did", "do" }, { "done", "do" }, { "made", "make" },
  { "heard", "hear" }, { "understood", "understand" },
};

/* The word buffer always holds at least 32 bytes, more than any base. */
static gsize
base_of_irregular (char  *word,
                   gsize  len)
{
  for (guint i = 0; i < G_N_ELEMENTS (irregular_en); i++)
    if (strcmp (word, irregular_en[i].form) == 0)
      return g_strlcpy (word, irregular_en[i].base, 32);

  return len;
}

/* Appends the folded form of @c: lower case, no accents, ß as ss. */
static void
append_folded (GString  *out,
               gunichar  c)
{
  gunichar decomposed[4];
  gsize n;

  if (c < 0x80)
    {
      g_string_append_c (out, g_ascii_tolower ((char) c));
      return;
    }
  if (c == 0x00DF || c == 0x1E9E)
    {
      g_string_append (out, "ss");
      return;
    }

  c = g_unichar_tolower (c);
  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  g_string_append_unichar (out, n > 0 ? decomposed[0] : c);
}

typedef struct {
  PoiseTokens *tokens;
  gboolean     german;
} Tokenizer;

static void
push_token (Tokenizer  *tz,
            const char *stem,
            gsize       len,
            gboolean    stop,
            guint       byte_start,
            guint       byte_end,
            guint       char_start,
            guint       char_end)
{
  PoiseToken token = {
    .stem = tz->tokens->buf->len,
    .byte_start = byte_start, .byte_end = byte_end,
    .char_start = char_start, .char_end = char_end,
    .stop = stop,
  };

  g_string_append_len (tz->tokens->buf, stem, len);
  g_string_append_c (tz->tokens->buf, '\0');
  g_array_append_val (tz->tokens->tokens, token);
}

/* @word is folded, NUL-terminated and writable. */
static void
finish_word (Tokenizer *tz,
             char      *word,
             gsize      len,
             guint      byte_start,
             guint      byte_end,
             guint      char_start,
             guint      char_end)
{
  gboolean negated = FALSE;
  char *apostrophe = strchr (word, '\'');

  if (!tz->german)
    {
      /* "hasn't", "hasnt", "never": the word, then "not". */
      if (apostrophe != NULL && apostrophe > word && apostrophe[-1] == 'n' &&
          strcmp (apostrophe, "'t") == 0)
        {
          len = apostrophe - 1 - word;
          word[len] = '\0';
          negated = TRUE;
          if (strcmp (word, "ca") == 0)
            len = g_strlcpy (word, "can", 4);
          else if (strcmp (word, "wo") == 0)
            len = g_strlcpy (word, "will", 5);
        }
      else
        {
          for (guint i = 0; i < G_N_ELEMENTS (negations_en); i++)
            if (strcmp (word, negations_en[i].word) == 0)
              {
                len = g_strlcpy (word, negations_en[i].base, len + 1);
                negated = TRUE;
                break;
              }
        }
      if (strcmp (word, "never") == 0)
        {
          len = 0;
          negated = TRUE;
        }
    }
  else if (strcmp (word, "nie") == 0 || strcmp (word, "niemals") == 0)
    {
      /* The word buffer always holds at least 32 bytes. */
      memcpy (word, "nicht", sizeof "nicht");
      len = strlen ("nicht");
    }

  /* "it's", "I'll", "customer's", "geht's": the word without the clitic. */
  apostrophe = strchr (word, '\'');
  if (apostrophe != NULL && !negated)
    {
      len = apostrophe - word;
      word[len] = '\0';
    }

  if (len > 0)
    {
      gboolean stop = strv_contains (tz->german ? stop_de : stop_en, word);

      if (tz->german)
        {
          /* Before the umlaut fold, which would take "zuer" for "zür". */
          len = drop_zu_infix (word, len);
          len = fold_umlaut_spellings (word, len);
          len = stem_de (word, len);
        }
      else
        {
          len = base_of_irregular (word, len);
          len = stem_en (word, len);
        }

      push_token (tz, word, len, stop, byte_start, byte_end, char_start, char_end);
    }

  if (negated)
    push_token (tz, "not", 3, FALSE, byte_start, byte_end, char_start, char_end);
}

PoiseTokens *
_poise_tokens_new (const char *text,
                   const char *lang)
{
  PoiseTokens *self = g_new0 (PoiseTokens, 1);
  g_autoptr(GString) word = g_string_sized_new (32);
  Tokenizer tz = { self, g_strcmp0 (lang, "de") == 0 };
  const char *p = text;
  guint char_index = 0;
  guint word_byte = 0;
  guint word_char = 0;
  gboolean in_word = FALSE;

  self->buf = g_string_sized_new (text != NULL ? strlen (text) + 16 : 16);
  self->tokens = g_array_sized_new (FALSE, FALSE, sizeof (PoiseToken), 64);
  if (text == NULL)
    return self;

  for (;;)
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char_validated (p, -1);
      const char *next = (guchar) *p < 0x80 ? p + 1 : g_utf8_next_char (p);
      gboolean letter;

      /* A broken byte is one non-letter character: never skip past the
       * end of the text. */
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          c = 0xFFFD;
          next = p + 1;
        }

      /* ASCII is most of every text, so it skips the Unicode tables. */
      if (c < 0x80)
        letter = g_ascii_isalnum ((char) c);
      else
        letter = g_unichar_isalnum (c) || g_unichar_ismark (c);

      /* An apostrophe belongs to the word only between two letters. */
      if (!letter && in_word && is_apostrophe (c) && *p != '\0')
        {
          gunichar after = g_utf8_get_char_validated (next, -1);

          if (after != (gunichar) -1 && after != (gunichar) -2 && g_unichar_isalpha (after))
            {
              g_string_append_c (word, '\'');
              p = next;
              char_index++;
              continue;
            }
        }

      if (letter)
        {
          if (!in_word)
            {
              in_word = TRUE;
              word_byte = p - text;
              word_char = char_index;
              g_string_truncate (word, 0);
            }
          if (!g_unichar_ismark (c))
            append_folded (word, c);
        }
      else if (in_word)
        {
          in_word = FALSE;
          finish_word (&tz, word->str, word->len, word_byte, p - text, word_char, char_index);
        }

      if (*p == '\0')
        break;
      p = next;
      char_index++;
    }

  return self;
}

void
_poise_tokens_free (PoiseTokens *self)
{
  if (self == NULL)
    return;
  g_string_free (self->buf, TRUE);
  g_array_unref (self->tokens);
  g_free (self);
}

char *
_poise_stem_word (const char *word,
                  const char *lang)
{
  g_autoptr(PoiseTokens) tokens = _poise_tokens_new (word, lang);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < tokens->tokens->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, _poise_tokens_get_stem (tokens, i));
    }

  return g_string_free (out, FALSE);
}

/* Pattern sets */

static void
pattern_free (PoisePattern *pattern)
{
  g_strfreev (pattern->stems);
  g_free (pattern);
}

PoisePatternSet *
_poise_pattern_set_new (const char *lang,
                        gboolean    compounds,
                        guint       max_gap)
{
  PoisePatternSet *self = g_new0 (PoisePatternSet, 1);

  self->lang = g_strdup (lang);
  self->german = g_strcmp0 (lang, "de") == 0;
  self->compounds = compounds;
  self->max_gap = max_gap;
  self->by_first = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->inner = g_ptr_array_new ();
  self->patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) pattern_free);

  return self;
}

void
_poise_pattern_set_free (PoisePatternSet *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_first);
  g_ptr_array_unref (self->inner);
  g_ptr_array_unref (self->patterns);
  g_free (self->lang);
  g_free (self);
}

static void
add_stems (PoisePatternSet    *self,
           const char * const *stems,
           guint               n_stems,
           const char         *text,
           PoisePatternFlags   flags,
           gpointer            data)
{
  PoisePattern *pattern = g_new0 (PoisePattern, 1);
  GPtrArray *bucket;

  pattern->n_stems = n_stems;
  pattern->stems = g_new0 (char *, n_stems + 1);
  for (guint i = 0; i < n_stems; i++)
    pattern->stems[i] = g_strdup (stems[i]);
  pattern->flags = flags;
  pattern->text = text;
  pattern->data = data;
  g_ptr_array_add (self->patterns, pattern);

  bucket = g_hash_table_lookup (self->by_first, pattern->stems[0]);
  if (bucket == NULL)
    {
      bucket = g_ptr_array_new ();
      g_hash_table_insert (self->by_first, pattern->stems[0], bucket);
    }
  g_ptr_array_add (bucket, pattern);

  if (self->compounds && pattern->n_stems == 1 &&
      (flags & POISE_PATTERN_WHOLE_WORDS) == 0 &&
      strlen (pattern->stems[0]) >= MIN_COMPOUND_LENGTH)
    g_ptr_array_add (self->inner, pattern);
}

void
_poise_pattern_set_add (PoisePatternSet   *self,
                        const char        *text,
                        PoisePatternFlags  flags,
                        gpointer           data)
{
  g_autoptr(PoiseTokens) tokens = _poise_tokens_new (text, self->lang);
  g_autoptr(GPtrArray) stems = g_ptr_array_new ();
  gboolean all_stop = TRUE;

  for (guint i = 0; i < tokens->tokens->len; i++)
    all_stop &= _poise_tokens_get (tokens, i)->stop;

  /* A phrase made only of filler words keeps them. */
  for (guint i = 0; i < tokens->tokens->len; i++)
    if (all_stop || !_poise_tokens_get (tokens, i)->stop)
      g_ptr_array_add (stems, (gpointer) _poise_tokens_get_stem (tokens, i));

  if (stems->len == 0)
    return;

  if ((flags & POISE_PATTERN_WINDOWS) == 0 || stems->len <= POISE_PATTERN_WINDOW)
    {
      add_stems (self, (const char * const *) stems->pdata, stems->len, text, flags, data);
      return;
    }

  for (guint i = 0; i + POISE_PATTERN_WINDOW <= stems->len; i++)
    add_stems (self, (const char * const *) stems->pdata + i, POISE_PATTERN_WINDOW,
               text, flags, data);
}

/* Returns the index of the phrase's last word in @tokens, or -1. */
static int
match_rest (PoisePatternSet    *self,
            const PoisePattern *pattern,
            const PoiseTokens  *tokens,
            guint               first)
{
  guint at = first;

  for (guint k = 1; k < pattern->n_stems; k++)
    {
      guint gap = 0;
      gboolean found = FALSE;

      for (guint j = at + 1; j < tokens->tokens->len && gap <= self->max_gap; j++)
        {
          if (strcmp (_poise_tokens_get_stem (tokens, j), pattern->stems[k]) == 0)
            {
              at = j;
              found = TRUE;
              break;
            }
          if (!_poise_tokens_get (tokens, j)->stop)
            gap++;
        }
      if (!found)
        return -1;
    }

  return (int) at;
}

/* German compounds hold a trigger anywhere ("Paketlieferung",
 * "Lieferverspätung"). English words only grow by a short ending
 * ("lately"): a substring would find "rust" in "trust" and "dent" in
 * "student", a long ending "dead" in "deadline". */
static gboolean
is_inside (PoisePatternSet *self,
           const char      *word,
           const char      *trigger)
{
  if (self->german)
    return strstr (word, trigger) != NULL;

  return g_str_has_prefix (word, trigger) && strlen (word) - strlen (trigger) <= 2;
}

void
_poise_pattern_set_scan (PoisePatternSet   *self,
                         const PoiseTokens *tokens,
                         PoisePatternFunc   func,
                         gpointer           user_data)
{
  for (guint i = 0; i < tokens->tokens->len; i++)
    {
      const char *stem = _poise_tokens_get_stem (tokens, i);
      GPtrArray *bucket = g_hash_table_lookup (self->by_first, stem);

      for (guint b = 0; bucket != NULL && b < bucket->len; b++)
        {
          const PoisePattern *pattern = g_ptr_array_index (bucket, b);
          int last = match_rest (self, pattern, tokens, i);

          if (last >= 0)
            func (pattern, i, last, FALSE, user_data);
        }

      if (strlen (stem) > MIN_COMPOUND_LENGTH)
        for (guint k = 0; k < self->inner->len; k++)
          {
            const PoisePattern *pattern = g_ptr_array_index (self->inner, k);

            if (strcmp (stem, pattern->stems[0]) != 0 && is_inside (self, stem, pattern->stems[0]))
              func (pattern, i, i, TRUE, user_data);
          }
    }
}

/* poise-text-private.h: folded words and a phrase matcher for coaching
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the scenario suggester and the draft check. Text is split into
 * words, each folded (case, accents, umlauts, ß) and stemmed lightly, with
 * the byte and character range it came from, so matches can be shown in
 * the original text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint    stem;         /* offset of the NUL-terminated stem in PoiseTokens.buf */
  guint    byte_start;   /* range in the original text */
  guint    byte_end;
  guint    char_start;
  guint    char_end;
  gboolean stop;         /* a filler word ("the", "doch"): skipped in phrases */
} PoiseToken;

typedef struct {
  GString *buf;
  GArray  *tokens;       /* PoiseToken */
} PoiseTokens;

/* Splits @text into words folded and stemmed for @lang ("de", "en"). */
PoiseTokens *_poise_tokens_new  (const char *text,
                                 const char *lang);
void         _poise_tokens_free (PoiseTokens *self);

static inline const PoiseToken *
_poise_tokens_get (const PoiseTokens *self,
                   guint              i)
{
  return &g_array_index (self->tokens, PoiseToken, i);
}

static inline const char *
_poise_tokens_get_stem (const PoiseTokens *self,
                        guint              i)
{
  return self->buf->str + _poise_tokens_get (self, i)->stem;
}

/* The stem of one word, as the tokenizer makes it (tests, debugging). */
char        *_poise_stem_word   (const char *word,
                                 const char *lang);

typedef enum {
  POISE_PATTERN_DEFAULT     = 0,
  /* Never match inside a longer word (threat words: "Messer" in
   * "Messergebnis" must not put the threat scenario first). */
  POISE_PATTERN_WHOLE_WORDS = 1 << 0,
  /* A phrase longer than POISE_PATTERN_WINDOW words also matches by any
   * that many consecutive words of it: a draft seldom repeats a whole
   * sentence to avoid word for word. Matches of one phrase overlap; the
   * caller merges them. */
  POISE_PATTERN_WINDOWS     = 1 << 1,
} PoisePatternFlags;

#define POISE_PATTERN_WINDOW 5

typedef struct {
  char              **stems;   /* the phrase's words that are not filler */
  guint               n_stems;
  PoisePatternFlags   flags;
  const char         *text;    /* as written in the library (not owned) */
  gpointer            data;    /* the caller's */
} PoisePattern;

typedef struct _PoisePatternSet PoisePatternSet;

/* A precompiled set of phrases in @lang. @compounds lets a one-word phrase
 * of at least 4 letters match inside a longer German word ("Paket" in
 * "Paketlieferung") or at the start of a longer English one ("late" in
 * "lately"); @max_gap is how many other words may stand between
 * two words of a phrase ("has still not arrived" for "has not arrived"). */
PoisePatternSet *_poise_pattern_set_new  (const char *lang,
                                          gboolean    compounds,
                                          guint       max_gap);
void             _poise_pattern_set_free (PoisePatternSet *self);
/* @text must outlive the set. Empty phrases are ignored. */
void             _poise_pattern_set_add  (PoisePatternSet   *self,
                                          const char        *text,
                                          PoisePatternFlags  flags,
                                          gpointer           data);

/* @first and @last are token indexes; @partial is TRUE for a match inside
 * a longer word. */
typedef void (*PoisePatternFunc) (const PoisePattern *pattern,
                                  guint               first,
                                  guint               last,
                                  gboolean            partial,
                                  gpointer            user_data);

/* Calls @func for every occurrence of every phrase, in text order. */
void             _poise_pattern_set_scan (PoisePatternSet   *self,
                                          const PoiseTokens *tokens,
                                          PoisePatternFunc   func,
                                          gpointer           user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseTokens, _poise_tokens_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoisePatternSet, _poise_pattern_set_free)

G_END_DECLS

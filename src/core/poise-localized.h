/* poise-localized.h: a text in several languages, falling back to English
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define POISE_FALLBACK_LANGUAGE "en"

#define POISE_TYPE_LOCALIZED (poise_localized_get_type ())

/* Immutable once built. Values are either strings or string lists. */
typedef struct _PoiseLocalized PoiseLocalized;

GType                poise_localized_get_type  (void) G_GNUC_CONST;
PoiseLocalized      *poise_localized_new       (void);
PoiseLocalized      *poise_localized_ref       (PoiseLocalized *self);
void                 poise_localized_unref     (PoiseLocalized *self);
void                 poise_localized_set       (PoiseLocalized *self,
                                                const char     *lang,
                                                const char     *text);
void                 poise_localized_set_list  (PoiseLocalized *self,
                                                const char     *lang,
                                                const char * const *items);
/* The text in @lang, else English, else NULL. */
const char          *poise_localized_get       (const PoiseLocalized *self,
                                                const char           *lang);
/* The list in @lang, else English, else an empty list (never NULL). */
const char * const  *poise_localized_get_list  (const PoiseLocalized *self,
                                                const char           *lang);
gboolean             poise_localized_has       (const PoiseLocalized *self,
                                                const char           *lang);
/* Language codes present, sorted. */
GStrv                poise_localized_dup_languages (const PoiseLocalized *self);

/* "de" or "en" from the user's locale (g_get_language_names). */
const char          *poise_language_from_locale (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseLocalized, poise_localized_unref)

G_END_DECLS

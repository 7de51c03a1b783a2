/* poise-library-cache.h: the last script library received from the team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-library.h"

G_BEGIN_DECLS

/* Published libraries are numbered by the server; the built-in one is 0. */
typedef struct {
  gint64  version;
  char   *sha256;
  char   *message;   /* the supervisor's publish message, nullable */
} PoiseLibraryCacheInfo;

void          poise_library_cache_info_free (PoiseLibraryCacheInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseLibraryCacheInfo, poise_library_cache_info_free)

/* Stores @bytes (a library that loaded) in @dir as library.json with
 * library.meta.json beside it, each replaced atomically. */
gboolean      poise_library_cache_save (const char  *dir,
                                        GBytes      *bytes,
                                        gint64       version,
                                        const char  *message,
                                        GError     **error);

/* The cached library, checked against the SHA-256 recorded when it was
 * saved. NULL without an error when nothing is cached; NULL with
 * POISE_LIBRARY_ERROR_DAMAGED or _INVALID when the copy cannot be used. */
PoiseLibrary *poise_library_cache_load (const char             *dir,
                                        PoiseLibraryCacheInfo **info,
                                        GError                **error);

G_END_DECLS

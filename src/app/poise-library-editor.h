/* poise-library-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-library-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_LIBRARY_EDITOR (poise_library_editor_get_type ())
G_DECLARE_FINAL_TYPE (PoiseLibraryEditor, poise_library_editor, POISE, LIBRARY_EDITOR, AdwWindow)

/* Edits a working copy of the team's library, saved as a draft in
 * @draft_path after each change. @client: the team server (nullable:
 * then nothing can be published). Starts from the draft if there is one,
 * else from the server's current library. */
PoiseLibraryEditor *poise_library_editor_new       (PoiseLibraryClient *client,
                                                    const char         *draft_path);
/* Replaces the working copy (and the draft) with @bytes, based on @base_version. */
gboolean   poise_library_editor_load               (PoiseLibraryEditor *self,
                                                    GBytes             *bytes,
                                                    gint64              base_version,
                                                    GError            **error);
/* Fetches the server's current library into the working copy. */
void       poise_library_editor_reload             (PoiseLibraryEditor *self);
void       poise_library_editor_select_scenario    (PoiseLibraryEditor *self,
                                                    guint               index);
/* The working copy as JSON text. */
char      *poise_library_editor_dup_json           (PoiseLibraryEditor *self);
gint64     poise_library_editor_get_base_version   (PoiseLibraryEditor *self);
/* PoiseProblem of the last validation (or of the server's 422). */
GPtrArray *poise_library_editor_get_problems       (PoiseLibraryEditor *self);
/* Validates now instead of after the short pause. */
void       poise_library_editor_validate           (PoiseLibraryEditor *self);
/* What the status line says (the last server answer or error). */
const char *poise_library_editor_get_status        (PoiseLibraryEditor *self);
/* Counts the server's answers, for waiting on one ("replies" is notified). */
guint      poise_library_editor_get_replies        (PoiseLibraryEditor *self);
/* As the Publish dialog and the history's Roll Back do after confirming. */
void       poise_library_editor_publish            (PoiseLibraryEditor *self,
                                                    const char         *message,
                                                    gboolean            allow_incomplete);
void       poise_library_editor_rollback           (PoiseLibraryEditor *self,
                                                    gint64              version);
void       poise_library_editor_refresh_history    (PoiseLibraryEditor *self);
/* Published versions listed on the History page. */
guint      poise_library_editor_get_n_versions     (PoiseLibraryEditor *self);

G_END_DECLS

/* poise-merge.h: three-way merges for the team sync (pure functions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "poise-follow-up.h"
#include "poise-note.h"

G_BEGIN_DECLS

/* Merges two edits of @base by words (whitespace is a token too, so lines
 * count).  Edits in different places are both kept; the same edit on both
 * sides is kept once.  Returns NULL if the edits overlap (a conflict). */
char          *poise_merge_text            (const char    *base,
                                            const char    *local,
                                            const char    *remote);

/* Field by field against @base (NULL: no common copy, every difference is
 * a change on both sides), as docs/sync.md "Merging" says: nothing is lost,
 * wall-clock times never decide.  The result has @remote's server fields. */
PoiseFollowUp *poise_merge_follow_up       (PoiseFollowUp *base,
                                            PoiseFollowUp *local,
                                            PoiseFollowUp *remote);

/* @conflicted_copy: set to a new note holding @local's text when the bodies
 * cannot be merged (the result then has @remote's body), else NULL. */
PoiseNote     *poise_merge_note            (PoiseNote     *base,
                                            PoiseNote     *local,
                                            PoiseNote     *remote,
                                            PoiseNote    **conflicted_copy);

G_END_DECLS

/* poise-placeholder-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-conversation.h"
#include "poise-placeholder.h"

G_BEGIN_DECLS

#define POISE_TYPE_PLACEHOLDER_EDITOR (poise_placeholder_editor_get_type ())
G_DECLARE_FINAL_TYPE (PoisePlaceholderEditor, poise_placeholder_editor, POISE, PLACEHOLDER_EDITOR, GtkListBoxRow)

/* Edits one placeholder's value in @conversation with a control that fits
 * its type: a calendar for dates, a spin button for numbers, a dropdown for
 * choices, an entry otherwise. */
PoisePlaceholderEditor *poise_placeholder_editor_new        (PoisePlaceholder  *placeholder,
                                                             PoiseConversation *conversation,
                                                             const char        *language);
PoisePlaceholder       *poise_placeholder_editor_get_placeholder (PoisePlaceholderEditor *self);
/* The widget that takes the value (entry, spin button, date button, dropdown). */
GtkWidget              *poise_placeholder_editor_get_input  (PoisePlaceholderEditor *self);

G_END_DECLS

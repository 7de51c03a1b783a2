/* poise-changes-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define POISE_TYPE_CHANGES_DIALOG (poise_changes_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PoiseChangesDialog, poise_changes_dialog, POISE, CHANGES_DIALOG, AdwWindow)

/* Lists @changes (PoiseScenarioChange items, see poise_library_diff()):
 * added, removed and changed scenarios, the changed texts as word diffs.
 * @summary: the line on top ("Version 4: …"), nullable. */
PoiseChangesDialog *poise_changes_dialog_new (GListModel *changes,
                                              const char *summary);

G_END_DECLS

/* poise-follow-up-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "poise-follow-up.h"

G_BEGIN_DECLS

#define POISE_TYPE_FOLLOW_UP_ROW (poise_follow_up_row_get_type ())
G_DECLARE_FINAL_TYPE (PoiseFollowUpRow, poise_follow_up_row, POISE, FOLLOW_UP_ROW, GtkWidget)

PoiseFollowUpRow *poise_follow_up_row_new            (void);
/* Shows a section heading instead of a follow-up. */
void              poise_follow_up_row_show_header    (PoiseFollowUpRow *self,
                                                      const char       *title);
/* Shows @follow_up; @now decides how its due time reads ("Overdue since …"). */
void              poise_follow_up_row_show_follow_up (PoiseFollowUpRow *self,
                                                      PoiseFollowUp    *follow_up,
                                                      GDateTime        *now);
/* Enables "Hand Over…" in the row's menu. */
void              poise_follow_up_row_set_can_hand_over (PoiseFollowUpRow *self,
                                                         gboolean          can_hand_over);

/* "Today, 14:30", "Tomorrow, 09:00", "Fri 27 Nov, 09:00" in the UI language. */
char             *poise_format_due_time              (GDateTime *due,
                                                      GDateTime *now);

G_END_DECLS

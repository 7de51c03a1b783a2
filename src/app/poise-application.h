/* poise-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "poise-conversation.h"
#include "poise-library.h"
#include "poise-library-updater.h"
#include "poise-reminder-scheduler.h"
#include "poise-store.h"
#include "poise-sync-client.h"

G_BEGIN_DECLS

#define POISE_TYPE_APPLICATION (poise_application_get_type ())
G_DECLARE_FINAL_TYPE (PoiseApplication, poise_application, POISE, APPLICATION, AdwApplication)

PoiseApplication  *poise_application_new              (const char        *application_id,
                                                       GApplicationFlags  flags);
GSettings         *poise_application_get_settings     (PoiseApplication *self);
PoiseLibrary      *poise_application_get_library      (PoiseApplication *self);
PoiseConversation *poise_application_get_conversation (PoiseApplication *self);
/* Nullable: NULL when the database could not be opened (the window says why). */
PoiseStore        *poise_application_get_store        (PoiseApplication *self);
/* Nullable, as the store. */
PoiseReminderScheduler *poise_application_get_scheduler (PoiseApplication *self);
/* "de" or "en": the script language chosen in Preferences, or the locale's. */
const char        *poise_application_get_script_language (PoiseApplication *self);
/* Whether Poise stays running when its window closes: "run in background"
 * is on and a follow-up is open. */
gboolean           poise_application_get_running_in_background (PoiseApplication *self);
/* Writes the conversation now instead of after the short delay. */
/* FALSE if it could not be written (logged). */
gboolean           poise_application_save_conversation (PoiseApplication *self);
/* Nullable, as the store. Disabled until a team server is set up. */
PoiseSyncClient   *poise_application_get_sync_client  (PoiseApplication *self);

/* Switches the scripts (notify::library); the conversation stays. */
void               poise_application_set_library      (PoiseApplication *self,
                                                       PoiseLibrary     *library);
/* Nullable before start-up. */
PoiseLibraryUpdater *poise_application_get_library_updater (PoiseApplication *self);

G_END_DECLS

/* poise-draft-check.h: what an agent's reply draft says well and badly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "poise-library.h"

G_BEGIN_DECLS

/*
 * All ranges are given twice: @start/@end in characters, ready for
 * gtk_text_buffer_get_iter_at_offset(), and @byte_start/@byte_end in
 * bytes of the checked text.
 */

#define POISE_TYPE_DRAFT_ISSUE (poise_draft_issue_get_type ())

/**
 * PoiseDraftIssue:
 * @phrase: the library's phrase to avoid that was found
 * @kind: its kind (dismissive, defensive, …)
 * @text: the words of the draft that matched, as written
 * @instead: what to say instead, in the checker's language
 * @start: first character of @text in the draft
 * @end: character after @text
 * @byte_start: first byte of @text
 * @byte_end: byte after @text
 */
typedef struct {
  PoiseAvoidPhrase *phrase;
  PoiseAvoidKind    kind;
  char             *text;
  char             *instead;
  guint             start;
  guint             end;
  guint             byte_start;
  guint             byte_end;
} PoiseDraftIssue;

GType            poise_draft_issue_get_type (void) G_GNUC_CONST;
PoiseDraftIssue *poise_draft_issue_copy     (const PoiseDraftIssue *self);
void             poise_draft_issue_free     (PoiseDraftIssue *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseDraftIssue, poise_draft_issue_free)

#define POISE_TYPE_DRAFT_STEP (poise_draft_step_get_type ())

/**
 * PoiseDraftStep:
 * @step: the checklist step
 * @covered: the draft takes this step: a cue was found and, if the step
 *   needs a date or time, the draft names one
 * @cue_found: one of the step's cues was found
 * @needs_time: the step counts only with a date or time
 * @start: characters of the first cue found (0, 0 if none)
 * @end: character after it
 * @byte_start: first byte of the first cue found
 * @byte_end: byte after it
 */
typedef struct {
  PoiseChecklistStep *step;
  gboolean            covered;
  gboolean            cue_found;
  gboolean            needs_time;
  guint               start;
  guint               end;
  guint               byte_start;
  guint               byte_end;
} PoiseDraftStep;

GType           poise_draft_step_get_type (void) G_GNUC_CONST;
PoiseDraftStep *poise_draft_step_copy     (const PoiseDraftStep *self);
void            poise_draft_step_free     (PoiseDraftStep *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseDraftStep, poise_draft_step_free)

#define POISE_TYPE_DRAFT_TIME (poise_draft_time_get_type ())

/**
 * PoiseDraftTime:
 * @text: a date or time as written ("by Friday", "12.5.", "3 pm", "morgen")
 * @start: first character in the draft
 * @end: character after it
 * @byte_start: first byte
 * @byte_end: byte after it
 */
typedef struct {
  char  *text;
  guint  start;
  guint  end;
  guint  byte_start;
  guint  byte_end;
} PoiseDraftTime;

GType           poise_draft_time_get_type (void) G_GNUC_CONST;
PoiseDraftTime *poise_draft_time_copy     (const PoiseDraftTime *self);
void            poise_draft_time_free     (PoiseDraftTime *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoiseDraftTime, poise_draft_time_free)

#define POISE_TYPE_DRAFT_REPORT (poise_draft_report_get_type ())
G_DECLARE_FINAL_TYPE (PoiseDraftReport, poise_draft_report, POISE, DRAFT_REPORT, GObject)

/* (element-type PoiseDraftIssue) (transfer none): in draft order. */
GPtrArray *poise_draft_report_get_issues (PoiseDraftReport *self);
/* (element-type PoiseDraftStep) (transfer none): in checklist order. */
GPtrArray *poise_draft_report_get_steps  (PoiseDraftReport *self);
/* (element-type PoiseDraftTime) (transfer none): in draft order. */
GPtrArray *poise_draft_report_get_times  (PoiseDraftReport *self);
/* Ids of the steps not covered, in checklist order. */
GStrv      poise_draft_report_dup_missing_step_ids (PoiseDraftReport *self);

#define POISE_TYPE_DRAFT_CHECKER (poise_draft_checker_get_type ())
G_DECLARE_FINAL_TYPE (PoiseDraftChecker, poise_draft_checker, POISE, DRAFT_CHECKER, GObject)

/**
 * poise_draft_checker_new:
 * @library: the library with the phrases to avoid and the checklist cues
 * @scenario: (nullable): the conversation's scenario, whose own phrases to
 *   avoid are added to the library's
 * @lang: "de" or "en", the language of the drafts
 *
 * Compiles every phrase once, so that poise_draft_checker_check() can run
 * on each keystroke (about a millisecond for 2,000 words).
 *
 * Returns: (transfer full): a new checker
 */
PoiseDraftChecker *poise_draft_checker_new   (PoiseLibrary      *library,
                                              PoiseScenario     *scenario,
                                              const char        *lang);
/* Properties "library", "scenario" (nullable) and "language", construct-only. */
PoiseLibrary      *poise_draft_checker_get_library  (PoiseDraftChecker *self);
PoiseScenario     *poise_draft_checker_get_scenario (PoiseDraftChecker *self);
const char        *poise_draft_checker_get_language (PoiseDraftChecker *self);

/**
 * poise_draft_checker_check:
 * @self: a checker
 * @draft: the reply as typed so far
 *
 * Finds every phrase to avoid (case, accents and small changes of
 * inflection or word order tolerated), dates and times, and which
 * checklist steps the draft covers.
 *
 * Returns: (transfer full): the report
 */
PoiseDraftReport  *poise_draft_checker_check (PoiseDraftChecker *self,
                                              const char        *draft);

G_END_DECLS

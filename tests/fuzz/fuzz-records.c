/* fuzz-records.c: the note and follow-up parsers against guarded JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records reach these parsers from the team server (the change feed, PUT
 * answers, 412 `current`).  Besides "never crash": a record either parser
 * accepts must survive to_json → new_from_json unchanged, or the store
 * would save something other than what the server sent.
 */
#include "poise-follow-up.h"
#include "poise-json-guard.h"
#include "poise-note.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *
to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static void
check_note (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseNote) note = poise_note_new_from_json (root, &error);
  g_autoptr(PoiseNote) again = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) json_again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (note == NULL)
    {
      if (error == NULL)
        abort ();
      return;
    }
  json = poise_note_to_json (note);
  again = poise_note_new_from_json (json, NULL);
  if (again == NULL || !poise_note_content_equal (note, again))
    abort ();
  json_again = poise_note_to_json (again);
  text = to_string (json);
  text_again = to_string (json_again);
  if (strcmp (text, text_again) != 0)
    abort ();
}

static void
check_follow_up (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseFollowUp) follow_up = poise_follow_up_new_from_json (root, &error);
  g_autoptr(PoiseFollowUp) again = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) json_again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (follow_up == NULL)
    {
      if (error == NULL)
        abort ();
      return;
    }
  json = poise_follow_up_to_json (follow_up);
  again = poise_follow_up_new_from_json (json, NULL);
  if (again == NULL || !poise_follow_up_content_equal (follow_up, again))
    abort ();
  json_again = poise_follow_up_to_json (again);
  text = to_string (json);
  text_again = to_string (json_again);
  if (strcmp (text, text_again) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PoiseJsonLimits limits = { 1024 * 1024, POISE_JSON_MAX_DEPTH };
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(JsonNode) root = poise_json_parse_guarded (bytes, &limits, NULL);

  if (root == NULL)
    return 0;
  /* Both parsers see every input: the server's kind is only a label. */
  check_note (root);
  check_follow_up (root);
  return 0;
}

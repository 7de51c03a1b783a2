/* poise-admin-coach.c: `poise-admin suggest` and `poise-admin evaluate`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Supervisors tune the library's triggers; these two commands show what a
 * message would suggest, and how a whole labelled file fares, with the
 * very engine the app uses.
 */
#define G_LOG_DOMAIN "poise-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <string.h>

#include "poise-admin.h"
#include "poise-suggest.h"
#include "poise-suggest-eval.h"

/* Messages are short; this only bounds a mistaken pipe. */
#define MAX_MESSAGE_BYTES (1024 * 1024)

PoiseLibrary *
poise_admin_load_library (const char *path)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  PoiseLibrary *library;

  if (path == NULL)
    library = poise_library_new_default (&error);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
      library = poise_library_new_from_file (file, &problems, &error);
    }

  if (library != NULL)
    return library;

  if (problems != NULL && problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        {
          const PoiseProblem *problem = g_ptr_array_index (problems, i);
          g_autofree char *line = poise_problem_to_string (problem);

          if (problem->severity == POISE_PROBLEM_ERROR)
            g_printerr ("%s: %s\n", path, line);
        }
    }
  else
    g_printerr ("%s: %s\n", path != NULL ? path : "poise-admin", error->message);

  return NULL;
}

const char *
poise_admin_pick_language (const char *option,
                           const char *text)
{
  const char *lang;

  if (option != NULL)
    {
      if (strcmp (option, "de") == 0)
        return "de";
      if (strcmp (option, "en") == 0)
        return "en";
      /* Translators: %s is the value given with --lang */
      g_printerr (_("poise-admin: unknown language “%s” (use de or en)\n"), option);
      return NULL;
    }

  lang = text != NULL ? poise_detect_language (text) : NULL;
  return lang != NULL ? lang : poise_language_from_locale ();
}

static char *
read_stdin (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  gssize n;

  n = g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error);
  if (n < 0)
    return NULL;
  if (n > MAX_MESSAGE_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("the message is larger than 1 MiB"));
      return NULL;
    }

  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  if (!g_utf8_validate (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the message is not valid UTF-8"));
      return NULL;
    }

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static GOptionContext *
command_context (const char   *command,
                 const char   *parameters,
                 const char   *summary,
                 GOptionEntry *entries)
{
  g_autofree char *prgname = g_strconcat ("poise-admin ", command, NULL);
  GOptionContext *context;

  /* --help shows "Usage: poise-admin suggest …". */
  g_set_prgname (prgname);
  context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

int
poise_admin_suggest (const PoiseAdminOptions *options,
                     int                      argc,
                     char                   **argv)
{
  g_autofree char *library_path = NULL;
  g_autofree char *lang_option = NULL;
  int max = 0;
  GOptionEntry entries[] = {
    { "library", 0, 0, G_OPTION_ARG_FILENAME, &library_path,
      N_("Use this library instead of the default one"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang_option,
      N_("The message's language, de or en (default: detected)"), N_("LANG") },
    { "max", 0, 0, G_OPTION_ARG_INT, &max,
      N_("Show at most this many scenarios (default: all that match)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseSuggester) suggester = NULL;
  g_autoptr(GListModel) ranked = NULL;
  g_autoptr(PoiseHeat) heat = NULL;
  g_autofree char *message = NULL;
  g_autofree char *reasons = NULL;
  const char *lang;

  context = command_context ("suggest", NULL, _("Reads a customer message on standard input and "
                                     "prints the matching scenarios, best first: id, "
                                     "score and the words that matched."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc > 1 || max < 0)
    {
      g_printerr ("poise-admin suggest: %s\n",
                  error != NULL ? error->message : _("unexpected arguments"));
      return POISE_ADMIN_EXIT_USAGE;
    }

  library = poise_admin_load_library (library_path);
  if (library == NULL)
    return POISE_ADMIN_EXIT_FAILURE;

  message = read_stdin (&error);
  if (message == NULL)
    {
      g_printerr ("poise-admin suggest: %s\n", error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }

  lang = poise_admin_pick_language (lang_option, message);
  if (lang == NULL)
    return POISE_ADMIN_EXIT_USAGE;

  suggester = poise_suggester_new (library, lang);
  ranked = poise_suggester_rank (suggester, message, max);
  heat = poise_suggester_estimate_heat (suggester, message);
  reasons = poise_heat_reasons_to_string (heat->reasons);

  /* Machine-readable: comment lines, then id<TAB>score<TAB>words. */
  printf ("# language: %s\n", lang);
  printf ("# heat: %u %s (%s)\n", heat->score, poise_heat_level_to_string (heat->level), reasons);

  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(PoiseSuggestion) suggestion = g_list_model_get_item (ranked, i);
      GPtrArray *matches = poise_suggestion_get_matches (suggestion);
      g_autoptr(GString) words = g_string_new (NULL);

      for (guint m = 0; m < matches->len; m++)
        {
          const PoiseTriggerMatch *match = g_ptr_array_index (matches, m);

          if (words->len > 0)
            g_string_append (words, ", ");
          g_string_append_printf (words, "%s (%s)", match->text, match->trigger);
        }

      printf ("%s\t%.2f\t%s%s\n", poise_suggestion_get_scenario_id (suggestion),
              poise_suggestion_get_score (suggestion), words->str,
              poise_suggestion_get_safety (suggestion) ? "\tsafety" : "");
    }

  return 0;
}

int
poise_admin_evaluate (const PoiseAdminOptions *options,
                      int                      argc,
                      char                   **argv)
{
  g_autofree char *library_path = NULL;
  g_autofree char *lang_option = NULL;
  GOptionEntry entries[] = {
    { "library", 0, 0, G_OPTION_ARG_FILENAME, &library_path,
      N_("Use this library instead of the default one"), N_("FILE") },
    { "lang", 0, 0, G_OPTION_ARG_STRING, &lang_option,
      N_("The messages' language, de or en (default: detected per message)"), N_("LANG") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PoiseLibrary) library = NULL;
  g_autoptr(PoiseSuggestEvaluation) eval = NULL;
  g_autofree char *contents = NULL;
  const char *lang = NULL;
  guint n;

  context = command_context ("evaluate", _("LABELLED.tsv"),
                             _("Ranks every message of a file of lines "
                               "“expected_scenario_id<TAB>message” and prints how often "
                               "the expected scenario came first and among the first "
                               "three, and which scenarios were confused."), entries);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("poise-admin evaluate: %s\n",
                  error != NULL ? error->message : _("expected one labelled file"));
      return POISE_ADMIN_EXIT_USAGE;
    }

  if (lang_option != NULL)
    {
      lang = poise_admin_pick_language (lang_option, NULL);
      if (lang == NULL)
        return POISE_ADMIN_EXIT_USAGE;
    }

  library = poise_admin_load_library (library_path);
  if (library == NULL)
    return POISE_ADMIN_EXIT_FAILURE;

  if (!g_file_get_contents (argv[1], &contents, NULL, &error))
    {
      g_printerr ("poise-admin evaluate: %s\n", error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }

  eval = poise_suggest_evaluate (library, lang, poise_language_from_locale (), contents, &error);
  if (eval == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return POISE_ADMIN_EXIT_FAILURE;
    }

  n = MAX (eval->n_messages, 1);
  printf ("messages: %u\n", eval->n_messages);
  printf ("top-1: %u (%.1f %%)\n", eval->n_top1, 100.0 * eval->n_top1 / n);
  printf ("top-3: %u (%.1f %%)\n", eval->n_top3, 100.0 * eval->n_top3 / n);
  printf ("confusions (expected -> got: count):\n");
  for (guint i = 0; i < eval->confusions->len; i++)
    {
      const PoiseConfusion *confusion = g_ptr_array_index (eval->confusions, i);

      printf ("  %s -> %s: %u\n", confusion->expected,
              confusion->got[0] != '\0' ? confusion->got : "(none)", confusion->count);
    }

  return 0;
}

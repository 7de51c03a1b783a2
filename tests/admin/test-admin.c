/* test-admin.c: poise-admin suggest and evaluate, run as a user would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-admin"

#include <gio/gio.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs poise-admin with @args, feeding @input (nullable) on stdin. */
static void
run_admin (Run                *run,
           const char         *input,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("POISE_ADMIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* No pipe on stdin when there is nothing to feed: a command that fails
   * before reading it would otherwise race our write (EPIPE). */
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", run->status, run->out, run->err);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "tests", "data", name, NULL);
}

static void
test_suggest (void)
{
  g_auto(Run) en = { 0 };
  g_auto(Run) de = { 0 };
  g_auto(Run) forced = { 0 };
  const char *no_args[] = { "suggest", NULL };
  const char *lang_de[] = { "suggest", "--lang", "de", NULL };

  run_admin (&en, "My parcel hasn't arrived and it's the THIRD TIME I write!!", no_args);
  g_assert_cmpint (en.status, ==, 0);
  g_assert_true (g_str_has_prefix (en.out, "# language: en\n# heat: "));
  g_assert_nonnull (strstr (en.out, "repeated-contact"));
  g_assert_nonnull (strstr (en.out, "\nshipping-delay\t"));
  g_assert_nonnull (strstr (en.out, "hasn't arrived (hasn’t arrived)"));

  /* The threat comes first, whatever else matched. */
  run_admin (&de, "Die Paketlieferung ist verspätet. Ich weiß, wo Ihr Lager ist.", no_args);
  g_assert_cmpint (de.status, ==, 0);
  g_assert_nonnull (strstr (de.out, "# language: de\n"));
  g_assert_nonnull (strstr (de.out, "critical"));
  g_assert_nonnull (strstr (de.out, "\nthreat\t"));
  g_assert_true (strstr (de.out, "\nthreat\t") < strstr (de.out, "\nshipping-delay\t"));
  g_assert_nonnull (strstr (de.out, "Paketlieferung (Paket)"));

  run_admin (&forced, "Paket kaputt", lang_de);
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_nonnull (strstr (forced.out, "# language: de\n"));
  g_assert_nonnull (strstr (forced.out, "\ndamaged-item\t"));
}

static void
test_suggest_errors (void)
{
  g_autofree char *bad = data_path ("library-bad.json");
  g_autofree char *small = data_path ("library-small.json");
  const char *bad_library[] = { "suggest", "--library", bad, NULL };
  const char *bad_lang[] = { "suggest", "--lang", "fr", NULL };
  const char *extra[] = { "suggest", "surplus", NULL };
  const char *other_library[] = { "suggest", "--library", small, NULL };
  const char *unknown[] = { "frobnicate", NULL };
  const char *none[] = { NULL };
  g_auto(Run) run1 = { 0 };
  g_auto(Run) run2 = { 0 };
  g_auto(Run) run3 = { 0 };
  g_auto(Run) run4 = { 0 };
  g_auto(Run) run5 = { 0 };
  g_auto(Run) run6 = { 0 };

  /* Every error of the library, one per line, then exit 1. */
  run_admin (&run1, NULL, bad_library);
  g_assert_cmpint (run1.status, ==, 1);
  g_assert_cmpstr (run1.out, ==, "");
  g_assert_nonnull (strstr (run1.err, "scenarios[0].triggers"));
  g_assert_nonnull (strstr (run1.err, "checklist[0].cues"));
  g_assert_nonnull (strstr (run1.err, "scenarios[0].category"));

  run_admin (&run2, "late", bad_lang);
  g_assert_cmpint (run2.status, ==, 2);

  run_admin (&run3, NULL, extra);
  g_assert_cmpint (run3.status, ==, 2);

  run_admin (&run4, "nothing matches this", other_library);
  g_assert_cmpint (run4.status, ==, 0);

  run_admin (&run5, NULL, unknown);
  g_assert_cmpint (run5.status, ==, 2);
  g_assert_nonnull (strstr (run5.err, "frobnicate"));

  run_admin (&run6, NULL, none);
  g_assert_cmpint (run6.status, ==, 2);
}

static void
test_evaluate (void)
{
  g_autofree char *labelled = data_path ("suggest-labelled.tsv");
  g_autofree char *tmp = NULL;
  g_autofree char *small_set = NULL;
  const char *args[] = { "evaluate", labelled, NULL };
  g_auto(Run) run = { 0 };
  g_auto(Run) small = { 0 };
  g_autoptr(GError) error = NULL;
  int fd;

  run_admin (&run, NULL, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "messages: "));
  g_assert_nonnull (strstr (run.out, "\ntop-1: "));
  g_assert_nonnull (strstr (run.out, "\ntop-3: "));
  g_assert_nonnull (strstr (run.out, "\nconfusions (expected -> got: count):\n"));

  /* A file whose figures are known: one right, one wrong. */
  fd = g_file_open_tmp ("poise-labelled-XXXXXX.tsv", &tmp, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (tmp, "# comment\nshipping-delay\tMy parcel is late\n"
                       "general\tMy parcel is late\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *small_args[] = { "evaluate", "--lang", "en", tmp, NULL };
    run_admin (&small, NULL, small_args);
  }
  g_assert_cmpint (small.status, ==, 0);
  g_assert_cmpstr (small.out, ==,
                   "messages: 2\n"
                   "top-1: 1 (50.0 %)\n"
                   "top-3: 1 (50.0 %)\n"
                   "confusions (expected -> got: count):\n"
                   "  general -> shipping-delay: 1\n");
  g_unlink (tmp);
}

static void
test_evaluate_errors (void)
{
  g_autofree char *bad = data_path ("library-bad.json");
  g_autofree char *labelled = data_path ("suggest-labelled.tsv");
  g_autofree char *tmp = NULL;
  const char *bad_library[] = { "evaluate", "--library", bad, labelled, NULL };
  const char *missing[] = { "evaluate", "/nonexistent/labelled.tsv", NULL };
  const char *no_file[] = { "evaluate", NULL };
  g_auto(Run) run1 = { 0 };
  g_auto(Run) run2 = { 0 };
  g_auto(Run) run3 = { 0 };
  g_auto(Run) run4 = { 0 };
  g_autoptr(GError) error = NULL;
  int fd;

  run_admin (&run1, NULL, bad_library);
  g_assert_cmpint (run1.status, ==, 1);
  g_assert_nonnull (strstr (run1.err, "scenarios[0].triggers"));

  run_admin (&run2, NULL, missing);
  g_assert_cmpint (run2.status, ==, 1);

  run_admin (&run3, NULL, no_file);
  g_assert_cmpint (run3.status, ==, 2);

  fd = g_file_open_tmp ("poise-labelled-XXXXXX.tsv", &tmp, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (tmp, "shipping-delay\tlate\nno-such-scenario\tlate\n", -1, &error);
  g_assert_no_error (error);
  {
    const char *args[] = { "evaluate", tmp, NULL };
    run_admin (&run4, NULL, args);
  }
  g_assert_cmpint (run4.status, ==, 1);
  g_assert_nonnull (strstr (run4.err, "line 2"));
  g_unlink (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* A write to a command that already exited fails the test instead of
   * killing it. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/admin/suggest", test_suggest);
  g_test_add_func ("/admin/suggest/errors", test_suggest_errors);
  g_test_add_func ("/admin/evaluate", test_evaluate);
  g_test_add_func ("/admin/evaluate/errors", test_evaluate_errors);

  return g_test_run ();
}

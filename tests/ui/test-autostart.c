/* test-autostart.c: the XDG autostart entry behind "Start at login"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "poise-autostart.h"

#define TEST_APP_ID "io.github.poisedesk.Poise.Test"

static void
test_autostart_entry (void)
{
  g_autofree char *path = poise_autostart_get_entry_path (TEST_APP_ID);
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "autostart",
                                                TEST_APP_ID ".desktop", NULL);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *icon = NULL;

  g_assert_cmpstr (path, ==, expected);

  /* Removing what is not there is fine: the first start has none. */
  g_assert_true (poise_autostart_write_entry (TEST_APP_ID, FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (poise_autostart_write_entry (TEST_APP_ID, TRUE, &error));
  g_assert_no_error (error);
  g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);

  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, "Exec", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (exec, ==, "poise --background");
  icon = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, "Icon", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (icon, ==, TEST_APP_ID);
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP,
                                         "X-GNOME-Autostart-enabled", &error));
  g_assert_no_error (error);
  g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "NoDisplay", &error));
  g_assert_no_error (error);

  /* Written twice is still one entry. */
  g_assert_true (poise_autostart_write_entry (TEST_APP_ID, TRUE, &error));
  g_assert_no_error (error);

  g_assert_true (poise_autostart_write_entry (TEST_APP_ID, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  /* A temporary XDG_CONFIG_HOME: never the real autostart folder. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/autostart/entry", test_autostart_entry);

  return g_test_run ();
}

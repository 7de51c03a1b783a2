/* test-credentials.c: the token goes to the Secret Service and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs the session bus of the test run (dbus-run-session), on which
 * org.freedesktop.secrets is activated.
 */
#include "config.h"

#include "poise-credentials.h"

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (*result);
  return *result;
}

static char *
lookup (const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  poise_credentials_lookup_async (url, NULL, store_result_cb, &result);
  token = poise_credentials_lookup_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  return token;
}

static void
store (const char *url,
       const char *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  poise_credentials_store_async (url, token, NULL, store_result_cb, &result);
  g_assert_true (poise_credentials_store_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
clear (const char *url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  poise_credentials_clear_async (url, NULL, store_result_cb, &result);
  g_assert_true (poise_credentials_clear_finish (wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
test_credentials_round_trip (void)
{
  const char *a = "http://127.0.0.1:1/";
  const char *b = "http://127.0.0.1:2/";
  g_autofree char *none = NULL;
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *cleared = NULL;

  none = lookup (a);
  g_assert_null (none);

  /* One token per server URL. */
  store (a, "token-for-a");
  store (b, "token-for-b");
  token_a = lookup (a);
  token_b = lookup (b);
  g_assert_cmpstr (token_a, ==, "token-for-a");
  g_assert_cmpstr (token_b, ==, "token-for-b");

  /* Storing again replaces; clearing forgets only that server's. */
  store (a, "newer-token");
  replaced = lookup (a);
  g_assert_cmpstr (replaced, ==, "newer-token");
  clear (a);
  cleared = lookup (a);
  g_assert_null (cleared);
  g_clear_pointer (&token_b, g_free);
  token_b = lookup (b);
  g_assert_cmpstr (token_b, ==, "token-for-b");

  /* Clearing what is not there is no error. */
  clear (a);
  clear (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/round-trip", test_credentials_round_trip);

  return g_test_run ();
}

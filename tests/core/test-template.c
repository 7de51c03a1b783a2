/* test-template.c: placeholders, values and dates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-template"

#include "poise-template.h"

static PoiseLocalized *
text (const char *en,
      const char *de)
{
  PoiseLocalized *l = poise_localized_new ();

  poise_localized_set (l, "en", en);
  if (de != NULL)
    poise_localized_set (l, "de", de);
  return l;
}

static void
add_placeholder (GHashTable           *table,
                 const char           *id,
                 PoisePlaceholderType  type,
                 const char           *label_en,
                 const char           *label_de)
{
  g_autoptr(PoiseLocalized) label = text (label_en, label_de);
  g_autoptr(PoiseLocalized) hint = text ("Hint", "Hinweis");

  g_hash_table_insert (table, g_strdup (id), poise_placeholder_new (id, type, label, hint));
}

static GHashTable *
make_placeholders (void)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  PoisePlaceholder *choice;
  g_autoptr(PoiseLocalized) refund = text ("a refund", "eine Erstattung");
  g_autoptr(PoiseLocalized) voucher = text ("a voucher", "einen Gutschein");

  add_placeholder (table, "date", POISE_PLACEHOLDER_DATE, "Date", "Datum");
  add_placeholder (table, "time", POISE_PLACEHOLDER_TIME, "Time", "Uhrzeit");
  add_placeholder (table, "amount", POISE_PLACEHOLDER_NUMBER, "Amount", "Betrag");
  add_placeholder (table, "name", POISE_PLACEHOLDER_CUSTOMER_NAME, "Name", "Name");
  add_placeholder (table, "order", POISE_PLACEHOLDER_TEXT, "Order <no>", "Bestellung");
  add_placeholder (table, "remedy", POISE_PLACEHOLDER_CHOICE, "Remedy", "Lösung");
  choice = g_hash_table_lookup (table, "remedy");
  poise_placeholder_add_option (choice, "refund", refund);
  poise_placeholder_add_option (choice, "voucher", voucher);

  return table;
}

static GHashTable *
make_values (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
test_get_placeholders (void)
{
  g_auto(GStrv) ids = poise_template_get_placeholders (
    "[b] then [a] and [b], [[c] is literal, [Not one] [x y] [] [d-1_x]");
  const char *expected[] = { "b", "a", "d-1_x", NULL };

  g_assert_cmpstrv (ids, expected);
}

static void
test_dates (void)
{
  g_autofree char *de = poise_format_date ("2026-11-27", "de");
  g_autofree char *en = poise_format_date ("2026-11-27", "en");
  g_autofree char *other = poise_format_date ("2026-11-27", "fr");
  g_autofree char *march = poise_format_date ("2024-03-01", "de");
  g_autofree char *leap = poise_format_date ("2024-02-29", "en");

  g_assert_cmpstr (de, ==, "Freitag, 27. November");
  g_assert_cmpstr (en, ==, "Friday, 27 November");
  g_assert_cmpstr (other, ==, "Friday, 27 November");
  g_assert_cmpstr (march, ==, "Freitag, 1. März");
  g_assert_cmpstr (leap, ==, "Thursday, 29 February");

  g_assert_null (poise_format_date ("2026-02-30", "en"));
  g_assert_null (poise_format_date ("2025-02-29", "en"));
  g_assert_null (poise_format_date ("2026-13-01", "en"));
  g_assert_null (poise_format_date ("2026-1-01", "en"));
  g_assert_null (poise_format_date ("27.11.2026", "de"));
  g_assert_null (poise_format_date ("", "de"));
}

static void
test_format_values (void)
{
  g_autoptr(GHashTable) placeholders = make_placeholders ();
  PoisePlaceholder *time = g_hash_table_lookup (placeholders, "time");
  PoisePlaceholder *amount = g_hash_table_lookup (placeholders, "amount");
  PoisePlaceholder *name = g_hash_table_lookup (placeholders, "name");
  PoisePlaceholder *remedy = g_hash_table_lookup (placeholders, "remedy");
  const struct { PoisePlaceholder *p; const char *value; const char *lang; const char *out; } cases[] = {
    { time, "09:30", "en", "09:30" },
    { time, "23:59", "en", "23:59" },
    { time, "24:00", "en", NULL },
    { time, "9:30", "en", NULL },
    { time, "12:60", "en", NULL },
    { amount, "42", "en", "42" },
    { amount, "-3.50", "en", "-3.50" },
    { amount, "3.", "en", NULL },
    { amount, "1e3", "en", NULL },
    { amount, "3,50", "de", NULL },
    { amount, "49.90", "de", "49,90" },
    { amount, "49.90", "en", "49.90" },
    { name, "  Frau Müller ", "de", "Frau Müller" },
    { name, "   ", "de", NULL },
    { remedy, "voucher", "de", "einen Gutschein" },
    { remedy, "voucher", "en", "a voucher" },
    { remedy, "cash", "en", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = poise_placeholder_format_value (cases[i].p, cases[i].value,
                                                             cases[i].lang);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_fill_reuses_value (void)
{
  g_autoptr(GHashTable) placeholders = make_placeholders ();
  g_autoptr(GHashTable) values = make_values ();
  g_auto(GStrv) missing = NULL;
  g_autofree char *out = NULL;

  g_hash_table_insert (values, g_strdup ("date"), g_strdup ("2026-11-27"));
  g_hash_table_insert (values, g_strdup ("remedy"), g_strdup ("refund"));

  out = poise_template_fill ("Bis [date] kommt es. Am [date] erhalten Sie [remedy].",
                             placeholders, values, "de", POISE_FILL_NONE, &missing);
  g_assert_cmpstr (out, ==, "Bis Freitag, 27. November kommt es. "
                            "Am Freitag, 27. November erhalten Sie eine Erstattung.");
  g_assert_cmpstrv (missing, ((const char *[]) { NULL }));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&missing, g_strfreev);
  out = poise_template_fill ("By [date], [date].", placeholders, values, "en",
                             POISE_FILL_NONE, &missing);
  g_assert_cmpstr (out, ==, "By Friday, 27 November, Friday, 27 November.");
}

static void
test_fill_missing (void)
{
  g_autoptr(GHashTable) placeholders = make_placeholders ();
  g_autoptr(GHashTable) values = make_values ();
  g_auto(GStrv) missing = NULL;
  g_autofree char *out = NULL;
  const char *expected[] = { "time", "date", "unknown", "amount", NULL };

  g_hash_table_insert (values, g_strdup ("date"), g_strdup ("2026-02-30"));
  g_hash_table_insert (values, g_strdup ("amount"), g_strdup (""));
  g_hash_table_insert (values, g_strdup ("name"), g_strdup ("Ada"));

  out = poise_template_fill ("[name], at [time] on [date] [unknown] [time] [amount] [name]",
                             placeholders, values, "de", POISE_FILL_NONE, &missing);
  g_assert_cmpstr (out, ==, "Ada, at [Uhrzeit] on [Datum] [unknown] [Uhrzeit] [Betrag] Ada");
  g_assert_cmpstrv (missing, expected);

  /* No values at all. */
  g_clear_pointer (&out, g_free);
  out = poise_template_fill ("[name]", placeholders, NULL, "en", POISE_FILL_NONE, NULL);
  g_assert_cmpstr (out, ==, "[Name]");
}

static void
test_fill_brackets (void)
{
  g_autoptr(GHashTable) placeholders = make_placeholders ();
  g_autoptr(GHashTable) values = make_values ();
  g_autofree char *out = NULL;
  g_auto(GStrv) missing = NULL;

  g_hash_table_insert (values, g_strdup ("name"), g_strdup ("Ada"));
  out = poise_template_fill ("[[name] is [name]; [Note: x] [a b] [] [ [[[name] end[",
                             placeholders, values, "en", POISE_FILL_NONE, &missing);
  g_assert_cmpstr (out, ==, "[name] is Ada; [Note: x] [a b] [] [ [Ada end[");
  g_assert_cmpstrv (missing, ((const char *[]) { NULL }));
}

static void
test_fill_markup (void)
{
  g_autoptr(GHashTable) placeholders = make_placeholders ();
  g_autoptr(GHashTable) values = make_values ();
  g_autofree char *out = NULL;

  g_hash_table_insert (values, g_strdup ("name"), g_strdup ("<Ada & Co>"));
  out = poise_template_fill ("Tom & Jerry <3 [name], [order] [[x]", placeholders, values,
                             "en", POISE_FILL_MARKUP, NULL);
  g_assert_cmpstr (out, ==,
                   "Tom &amp; Jerry &lt;3 <b>&lt;Ada &amp; Co&gt;</b>, "
                   "<span weight=\"bold\" underline=\"error\">[Order &lt;no&gt;]</span> [x]");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/template/get-placeholders", test_get_placeholders);
  g_test_add_func ("/template/dates", test_dates);
  g_test_add_func ("/template/format-values", test_format_values);
  g_test_add_func ("/template/fill/reuses-value", test_fill_reuses_value);
  g_test_add_func ("/template/fill/missing", test_fill_missing);
  g_test_add_func ("/template/fill/brackets", test_fill_brackets);
  g_test_add_func ("/template/fill/markup", test_fill_markup);

  return g_test_run ();
}

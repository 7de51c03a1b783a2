/* poise-heat.c: how heated a customer's message reads, and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "poise-heat"

#include "poise-heat.h"
#include "poise-core-enums.h"

G_DEFINE_BOXED_TYPE (PoiseHeat, poise_heat, poise_heat_copy, poise_heat_free)

PoiseHeat *
poise_heat_copy (const PoiseHeat *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_memdup2 (self, sizeof *self);
}

void
poise_heat_free (PoiseHeat *self)
{
  g_free (self);
}

char *
poise_heat_reasons_to_string (PoiseHeatReasons reasons)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (POISE_TYPE_HEAT_REASONS);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      const GFlagsValue *value = &klass->values[i];

      if (value->value != 0 && (reasons & value->value) == value->value)
        {
          if (out->len > 0)
            g_string_append_c (out, ',');
          g_string_append (out, value->value_nick);
        }
    }
  if (out->len == 0)
    g_string_append (out, "none");

  return g_string_free (out, FALSE);
}

const char *
poise_heat_level_to_string (PoiseHeatLevel level)
{
  switch (level)
    {
    case POISE_HEAT_CALM:
      return "calm";
    case POISE_HEAT_UPSET:
      return "upset";
    case POISE_HEAT_ANGRY:
      return "angry";
    case POISE_HEAT_CRITICAL:
      return "critical";
    default:
      g_return_val_if_reached ("calm");
    }
}

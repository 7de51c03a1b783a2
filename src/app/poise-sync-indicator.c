/* poise-sync-indicator.c: how team sync is doing, in the header bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Poise"

#include "config.h"

#include <glib/gi18n.h>

#include "poise-follow-up-row.h"
#include "poise-sync-indicator.h"

/* PoiseSyncState's values (src/core/poise-sync-client.h). */
enum {
  STATE_DISABLED,
  STATE_OFFLINE,
  STATE_SYNCING,
  STATE_SYNCED,
  STATE_ERROR,
};

struct _PoiseSyncIndicator
{
  GtkWidget      parent_instance;

  guint          state;
  char          *error_message;
  GDateTime     *last_synced;
  guint          pending;

  char          *summary;
  char          *detail;
  GPtrArray     *bindings;      /* GBinding (strong), to the client */

  /* Template widgets */
  GtkMenuButton *button;
  GtkLabel      *detail_label;
  GtkLabel      *last_synced_label;
  GtkLabel      *pending_label;
  GtkLabel      *summary_label;
};

G_DEFINE_FINAL_TYPE (PoiseSyncIndicator, poise_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_LAST_SYNCED,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update (PoiseSyncIndicator *self)
{
  const char *icon_name;
  g_autofree char *tooltip = NULL;
  g_autofree char *last = NULL;
  g_autofree char *pending = NULL;

  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->detail, g_free);

  switch (self->state)
    {
    case STATE_OFFLINE:
      icon_name = "network-offline-symbolic";
      self->summary = g_strdup (_("Offline"));
      self->detail = g_strdup (_("The team server cannot be reached. Your changes are kept on this computer and sent once it can."));
      break;

    case STATE_SYNCING:
      icon_name = "emblem-synchronizing-symbolic";
      self->summary = g_strdup (_("Syncing…"));
      break;

    case STATE_SYNCED:
      icon_name = "emblem-ok-symbolic";
      self->summary = g_strdup (_("Synced"));
      break;

    case STATE_ERROR:
      icon_name = "dialog-warning-symbolic";
      self->summary = g_strdup (_("Sync Failed"));
      /* Translators: %s says what went wrong, as the server or network put it */
      self->detail = g_strdup_printf (_("%s\n\nCheck the server address and token in Preferences, then choose Sync Now."),
                                      self->error_message != NULL && *self->error_message != '\0'
                                        ? self->error_message : _("Unknown error"));
      break;

    case STATE_DISABLED:
    default:
      icon_name = "emblem-synchronizing-symbolic";
      self->summary = g_strdup (_("Not Connected"));
      break;
    }

  if (self->last_synced != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *when = poise_format_due_time (self->last_synced, now);

      /* Translators: %s is a time such as "Today, 14:30" */
      last = g_strdup_printf (_("Last synced %s"), when);
    }
  else
    last = g_strdup (_("Not synced yet"));

  if (self->pending > 0)
    pending = g_strdup_printf (ngettext ("%u change waiting to be sent",
                                         "%u changes waiting to be sent",
                                         self->pending),
                               self->pending);
  else
    pending = g_strdup (_("All changes sent"));

  gtk_menu_button_set_icon_name (self->button, icon_name);
  gtk_label_set_label (self->summary_label, self->summary);
  gtk_label_set_label (self->last_synced_label, last);
  gtk_label_set_label (self->pending_label, pending);
  gtk_label_set_label (self->detail_label, self->detail != NULL ? self->detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), self->detail != NULL);

  if (self->state == STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "error");

  /* Translators: the sync button's tooltip; %s is e.g. "Synced" */
  tooltip = g_strdup_printf (_("Team Sync: %s"), self->summary);
  if (self->state == STATE_ERROR && self->error_message != NULL)
    {
      g_autofree char *with_reason = g_strdup_printf ("%s\n%s", tooltip, self->error_message);

      g_free (tooltip);
      tooltip = g_steal_pointer (&with_reason);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);

  /* Without a server nothing is synced, and nothing needs saying. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->state != STATE_DISABLED);
}

/* Overrides */

static void
poise_sync_indicator_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  PoiseSyncIndicator *self = POISE_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_LAST_SYNCED:
      g_value_set_boxed (value, self->last_synced);
      break;

    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
poise_sync_indicator_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  PoiseSyncIndicator *self = POISE_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      if (self->state == g_value_get_uint (value))
        return;
      self->state = g_value_get_uint (value);
      break;

    case PROP_ERROR_MESSAGE:
      if (g_strcmp0 (self->error_message, g_value_get_string (value)) == 0)
        return;
      g_free (self->error_message);
      self->error_message = g_value_dup_string (value);
      break;

    case PROP_LAST_SYNCED:
      g_clear_pointer (&self->last_synced, g_date_time_unref);
      if (g_value_get_boxed (value) != NULL)
        self->last_synced = g_date_time_ref (g_value_get_boxed (value));
      break;

    case PROP_PENDING:
      if (self->pending == g_value_get_uint (value))
        return;
      self->pending = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  update (self);
  g_object_notify_by_pspec (object, pspec);
}

static void
poise_sync_indicator_dispose (GObject *object)
{
  PoiseSyncIndicator *self = POISE_SYNC_INDICATOR (object);

  poise_sync_indicator_bind (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), POISE_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (poise_sync_indicator_parent_class)->dispose (object);
}

static void
poise_sync_indicator_finalize (GObject *object)
{
  PoiseSyncIndicator *self = POISE_SYNC_INDICATOR (object);

  g_clear_pointer (&self->bindings, g_ptr_array_unref);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->last_synced, g_date_time_unref);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->detail, g_free);

  G_OBJECT_CLASS (poise_sync_indicator_parent_class)->finalize (object);
}

static void
poise_sync_indicator_class_init (PoiseSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = poise_sync_indicator_get_property;
  object_class->set_property = poise_sync_indicator_set_property;
  object_class->dispose = poise_sync_indicator_dispose;
  object_class->finalize = poise_sync_indicator_finalize;

  properties[PROP_STATE] =
    g_param_spec_uint ("state", NULL, NULL,
                       0, STATE_ERROR, STATE_DISABLED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LAST_SYNCED] =
    g_param_spec_boxed ("last-synced", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/poise-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, PoiseSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, PoiseSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseSyncIndicator, last_synced_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseSyncIndicator, pending_label);
  gtk_widget_class_bind_template_child (widget_class, PoiseSyncIndicator, summary_label);
}

static void
poise_sync_indicator_init (PoiseSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->bindings = g_ptr_array_new_with_free_func (g_object_unref);
  update (self);
}

/* Public API */

PoiseSyncIndicator *
poise_sync_indicator_new (void)
{
  return g_object_new (POISE_TYPE_SYNC_INDICATOR, NULL);
}

void
poise_sync_indicator_bind (PoiseSyncIndicator *self,
                           GObject            *client)
{
  static const char *names[] = { "state", "error-message", "last-synced", "pending" };

  g_return_if_fail (POISE_IS_SYNC_INDICATOR (self));
  g_return_if_fail (client == NULL || G_IS_OBJECT (client));

  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);

  if (client == NULL)
    {
      g_object_set (self, "state", STATE_DISABLED, NULL);
      return;
    }

  /* The client's state is an enum; GValue turns it into our guint. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_ptr_array_add (self->bindings,
                     g_object_ref (g_object_bind_property (client, names[i], self, names[i],
                                                           G_BINDING_SYNC_CREATE)));
}

guint
poise_sync_indicator_get_state (PoiseSyncIndicator *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_INDICATOR (self), STATE_DISABLED);

  return self->state;
}

const char *
poise_sync_indicator_get_summary (PoiseSyncIndicator *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_INDICATOR (self), NULL);

  return self->summary;
}

const char *
poise_sync_indicator_get_detail (PoiseSyncIndicator *self)
{
  g_return_val_if_fail (POISE_IS_SYNC_INDICATOR (self), NULL);

  return self->detail;
}

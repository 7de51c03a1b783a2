/* poise-live-hub.c: the live sockets that get poked after each commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A poke, not a data channel: {"type":"changes","last_seq":N} tells a
 * client to pull; a lost poke costs nothing because clients also pull on
 * connect and every few minutes.  Clients have nothing to say, so one that
 * sends a message is closed (policy violation).  The keepalive ping keeps
 * proxies (nginx drops idle sockets at 60 s) from closing quiet sockets.
 */
#define G_LOG_DOMAIN "poise-live-hub"

#include "config.h"

#include "poise-live-hub.h"

struct _PoiseLiveHub
{
  GObject    parent_instance;
  GPtrArray *sockets;   /* SoupWebsocketConnection, open */
};

G_DEFINE_FINAL_TYPE (PoiseLiveHub, poise_live_hub, G_TYPE_OBJECT)

/* Callbacks */

static void
on_closed_cb (SoupWebsocketConnection *connection,
              PoiseLiveHub            *self)
{
  g_signal_handlers_disconnect_by_data (connection, self);
  g_ptr_array_remove_fast (self->sockets, connection);
}

static void
on_message_cb (SoupWebsocketConnection *connection,
               gint                     type,
               GBytes                  *message,
               PoiseLiveHub            *self)
{
  soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                   "Clients do not send on this socket");
}

/* GObject */

static void
poise_live_hub_dispose (GObject *object)
{
  PoiseLiveHub *self = (PoiseLiveHub *) object;

  if (self->sockets != NULL)
    {
      while (self->sockets->len > 0)
        {
          SoupWebsocketConnection *connection = g_ptr_array_index (self->sockets, 0);

          g_signal_handlers_disconnect_by_data (connection, self);
          if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
          g_ptr_array_remove_index_fast (self->sockets, 0);
        }
    }
  g_clear_pointer (&self->sockets, g_ptr_array_unref);

  G_OBJECT_CLASS (poise_live_hub_parent_class)->dispose (object);
}

static void
poise_live_hub_class_init (PoiseLiveHubClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_live_hub_dispose;
}

static void
poise_live_hub_init (PoiseLiveHub *self)
{
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public API */

PoiseLiveHub *
poise_live_hub_new (void)
{
  return g_object_new (POISE_TYPE_LIVE_HUB, NULL);
}

void
poise_live_hub_add (PoiseLiveHub            *self,
                    SoupWebsocketConnection *connection)
{
  g_return_if_fail (POISE_IS_LIVE_HUB (self));

  g_ptr_array_add (self->sockets, g_object_ref (connection));
  soup_websocket_connection_set_keepalive_interval (connection, POISE_LIVE_KEEPALIVE_S);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed_cb), self);
}

void
poise_live_hub_poke (PoiseLiveHub *self,
                     gint64        last_seq)
{
  g_autofree char *text = NULL;

  g_return_if_fail (POISE_IS_LIVE_HUB (self));

  text = g_strdup_printf ("{\"type\":\"changes\",\"last_seq\":%" G_GINT64_FORMAT "}", last_seq);
  poise_live_hub_broadcast (self, text);
}

/**
 * poise_live_hub_broadcast:
 * @text: a JSON message, e.g. {"type":"library","version":N,"message":"…"}
 *
 * Sends @text to every open socket.
 */
void
poise_live_hub_broadcast (PoiseLiveHub *self,
                          const char   *text)
{
  g_return_if_fail (POISE_IS_LIVE_HUB (self));

  for (guint i = 0; i < self->sockets->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (self->sockets, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text (connection, text);
    }
}

guint
poise_live_hub_get_n_sockets (PoiseLiveHub *self)
{
  g_return_val_if_fail (POISE_IS_LIVE_HUB (self), 0);
  return self->sockets->len;
}

/* poise-socket-reaper.c: close the sockets libsoup 3.2 forgets to close
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup 3.2.x (Debian 12 ships 3.2.3) leaks a SoupServerConnection,
 * and with it the client's socket, whenever the client closes a kept-alive
 * connection: a reference cycle between the connection and its first
 * message keeps it alive (fixed upstream in 3.3).  Each such connection
 * costs a file descriptor for the life of the process, so a server behind
 * a proxy that recycles its upstream connections runs out of descriptors.
 *
 * The objects cannot be reached through public API, but the sockets can:
 * every request names its socket.  A socket is closed here once its TCP
 * connection is over: in state CLOSE (both sides have shut down, so
 * libsoup is done with it), or still in CLOSE_WAIT at two sweeps in a row
 * (the client left and libsoup has stopped reading: no request takes that
 * long, and a live socket notices its peer leaving by itself).  The leaked objects themselves (about 2 KB
 * a connection) stay leaked; with a fixed libsoup the sockets are
 * finalized normally and simply drop out of the watch list.
 */
#define G_LOG_DOMAIN "poise-socket-reaper"
#define _GNU_SOURCE   /* struct tcp_info, TCP_CLOSE */

#include "config.h"

#include "poise-socket-reaper.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

struct _PoiseSocketReaper
{
  GObject     parent_instance;
  GHashTable *sockets;   /* GSocket (weak) → sweeps seen in CLOSE_WAIT */
  guint       timeout_id;
};

G_DEFINE_FINAL_TYPE (PoiseSocketReaper, poise_socket_reaper, G_TYPE_OBJECT)

static void
socket_finalized_cb (gpointer  data,
                     GObject  *where_the_object_was)
{
  PoiseSocketReaper *self = data;

  g_hash_table_remove (self->sockets, where_the_object_was);
}

/* @close_waits counts the sweeps that found the peer gone. */
static gboolean
connection_is_over (GSocket *socket,
                    guint   *close_waits)
{
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;

  /* A closed GSocket's fd number may already belong to another socket. */
  if (g_socket_is_closed (socket))
    return TRUE;
  if (getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
    return FALSE;
  if (info.tcpi_state == TCP_CLOSE)
    return TRUE;
  if (info.tcpi_state != TCP_CLOSE_WAIT)
    {
      *close_waits = 0;
      return FALSE;
    }
  return ++*close_waits >= 2;
}

static gboolean
sweep_cb (gpointer user_data)
{
  poise_socket_reaper_sweep (user_data);
  return G_SOURCE_CONTINUE;
}

static void
poise_socket_reaper_dispose (GObject *object)
{
  PoiseSocketReaper *self = (PoiseSocketReaper *) object;
  GHashTableIter iter;
  gpointer socket;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->sockets != NULL)
    {
      g_hash_table_iter_init (&iter, self->sockets);
      while (g_hash_table_iter_next (&iter, &socket, NULL))
        g_object_weak_unref (socket, socket_finalized_cb, self);
      g_clear_pointer (&self->sockets, g_hash_table_unref);
    }

  G_OBJECT_CLASS (poise_socket_reaper_parent_class)->dispose (object);
}

static void
poise_socket_reaper_class_init (PoiseSocketReaperClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = poise_socket_reaper_dispose;
}

static void
poise_socket_reaper_init (PoiseSocketReaper *self)
{
  self->sockets = g_hash_table_new (NULL, NULL);
}

/**
 * poise_socket_reaper_new:
 * @interval_ms: how often to sweep on the thread-default main context;
 *   0 for never (call poise_socket_reaper_sweep())
 */
PoiseSocketReaper *
poise_socket_reaper_new (guint interval_ms)
{
  PoiseSocketReaper *self = g_object_new (POISE_TYPE_SOCKET_REAPER, NULL);

  if (interval_ms > 0)
    self->timeout_id = g_timeout_add (interval_ms, sweep_cb, self);
  return self;
}

void
poise_socket_reaper_watch (PoiseSocketReaper *self,
                           GSocket           *socket)
{
  g_return_if_fail (POISE_IS_SOCKET_REAPER (self));
  g_return_if_fail (G_IS_SOCKET (socket));

  if (g_hash_table_contains (self->sockets, socket))
    return;
  g_hash_table_insert (self->sockets, socket, GUINT_TO_POINTER (0));
  g_object_weak_ref (G_OBJECT (socket), socket_finalized_cb, self);
}

guint
poise_socket_reaper_sweep (PoiseSocketReaper *self)
{
  GHashTableIter iter;
  gpointer socket, value;
  guint reaped = 0;

  g_return_val_if_fail (POISE_IS_SOCKET_REAPER (self), 0);

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, &socket, &value))
    {
      guint close_waits = GPOINTER_TO_UINT (value);
      gboolean over = connection_is_over (socket, &close_waits);

      if (!over)
        {
          g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (close_waits));
          continue;
        }
      if (!g_socket_is_closed (socket))
        {
          g_socket_close (socket, NULL);
          reaped++;
        }
      g_object_weak_unref (socket, socket_finalized_cb, self);
      g_hash_table_iter_remove (&iter);
    }
  return reaped;
}

guint
poise_socket_reaper_get_n_watched (PoiseSocketReaper *self)
{
  g_return_val_if_fail (POISE_IS_SOCKET_REAPER (self), 0);
  return g_hash_table_size (self->sockets);
}

# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake org.freedesktop.Notifications server for tests, on the session bus.

It records every call (Notify with its app name, summary, body, actions and
hints; CloseNotification) and can answer as a notification daemon would:
emit ActionInvoked (a button or the notification itself was clicked) and
NotificationClosed. It runs on the caller's GLib main context; the caller
iterates it (see FakeNotifications.wait_for).

Run on its own, it prints what it records until interrupted.
"""

import itertools
import time

from gi.repository import Gio, GLib

BUS_NAME = 'org.freedesktop.Notifications'
OBJECT_PATH = '/org/freedesktop/Notifications'
INTERFACE = 'org.freedesktop.Notifications'

INTROSPECTION = '''
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities">
      <arg type="as" direction="out"/>
    </method>
    <method name="Notify">
      <arg type="s" name="app_name" direction="in"/>
      <arg type="u" name="replaces_id" direction="in"/>
      <arg type="s" name="app_icon" direction="in"/>
      <arg type="s" name="summary" direction="in"/>
      <arg type="s" name="body" direction="in"/>
      <arg type="as" name="actions" direction="in"/>
      <arg type="a{sv}" name="hints" direction="in"/>
      <arg type="i" name="expire_timeout" direction="in"/>
      <arg type="u" name="id" direction="out"/>
    </method>
    <method name="CloseNotification">
      <arg type="u" name="id" direction="in"/>
    </method>
    <method name="GetServerInformation">
      <arg type="s" name="name" direction="out"/>
      <arg type="s" name="vendor" direction="out"/>
      <arg type="s" name="version" direction="out"/>
      <arg type="s" name="spec_version" direction="out"/>
    </method>
    <signal name="NotificationClosed">
      <arg type="u" name="id"/>
      <arg type="u" name="reason"/>
    </signal>
    <signal name="ActionInvoked">
      <arg type="u" name="id"/>
      <arg type="s" name="action_key"/>
    </signal>
  </interface>
</node>
'''

# NotificationClosed reasons, from the specification.
CLOSED_EXPIRED = 1
CLOSED_DISMISSED = 2
CLOSED_BY_CALL = 3


class FakeNotifications:
    """Owns org.freedesktop.Notifications until close()."""

    def __init__(self, connection=None):
        self.connection = connection or Gio.bus_get_sync(Gio.BusType.SESSION, None)
        self.notifications = []   # one dict per Notify call, in order
        self.closed = []          # ids passed to CloseNotification
        self._ids = itertools.count(1)

        info = Gio.DBusNodeInfo.new_for_xml(INTROSPECTION).interfaces[0]
        self._registration = self.connection.register_object(
            OBJECT_PATH, info, self._on_method_call, None, None)

        # Synchronously, so the name is ours before the app under test starts.
        reply = self.connection.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'RequestName', GLib.Variant('(su)', (BUS_NAME, 4)),  # DO_NOT_QUEUE
            GLib.VariantType('(u)'), Gio.DBusCallFlags.NONE, 5000, None)
        if reply.unpack()[0] != 1:  # PRIMARY_OWNER
            raise RuntimeError(BUS_NAME + ' is owned by someone else')

    def close(self):
        self.connection.call_sync(
            'org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
            'ReleaseName', GLib.Variant('(s)', (BUS_NAME,)),
            None, Gio.DBusCallFlags.NONE, 5000, None)
        self.connection.unregister_object(self._registration)

    def reset(self):
        self.notifications.clear()
        self.closed.clear()

    # The service

    def _on_method_call(self, connection, sender, path, interface, method,
                        parameters, invocation):
        if method == 'GetCapabilities':
            invocation.return_value(GLib.Variant('(as)', (['actions', 'body'],)))
        elif method == 'GetServerInformation':
            invocation.return_value(GLib.Variant(
                '(ssss)', ('fake-notifications', 'Poise tests', '1.0', '1.2')))
        elif method == 'Notify':
            (app_name, replaces_id, app_icon, summary, body, actions, hints,
             expire_timeout) = parameters.unpack()
            notify_id = replaces_id if replaces_id != 0 else next(self._ids)
            self.notifications.append({
                'id': notify_id,
                'sender': sender,
                'time': time.time(),
                'app_name': app_name,
                'replaces_id': replaces_id,
                'app_icon': app_icon,
                'summary': summary,
                'body': body,
                # The flat [key, label, key, label, ...] list, as pairs.
                'actions': list(zip(actions[0::2], actions[1::2])),
                'hints': hints,
                'expire_timeout': expire_timeout,
            })
            invocation.return_value(GLib.Variant('(u)', (notify_id,)))
        elif method == 'CloseNotification':
            (notify_id,) = parameters.unpack()
            self.closed.append(notify_id)
            invocation.return_value(None)
            self.emit_closed(notify_id, CLOSED_BY_CALL)
        else:
            invocation.return_dbus_error('org.freedesktop.DBus.Error.UnknownMethod',
                                         method)

    # What a notification daemon sends back

    def invoke_action(self, notify_id, action_key):
        self.connection.emit_signal(None, OBJECT_PATH, INTERFACE, 'ActionInvoked',
                                    GLib.Variant('(us)', (notify_id, action_key)))
        self.connection.flush_sync(None)

    def emit_closed(self, notify_id, reason=CLOSED_DISMISSED):
        self.connection.emit_signal(None, OBJECT_PATH, INTERFACE, 'NotificationClosed',
                                    GLib.Variant('(uu)', (notify_id, reason)))

    # For the test

    def wait_for(self, predicate, timeout):
        """Iterates the main context until predicate() or timeout seconds."""
        context = GLib.MainContext.default()
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            # Never block for long: the deadline must be checked.
            source = GLib.timeout_source_new(50)
            source.set_callback(lambda *args: GLib.SOURCE_REMOVE)
            source.attach(context)
            context.iteration(True)
            source.destroy()
        return True


if __name__ == '__main__':
    fake = FakeNotifications()
    seen = 0
    print('Owning ' + BUS_NAME + '; Ctrl+C to stop', flush=True)
    try:
        while True:
            fake.wait_for(lambda: len(fake.notifications) > seen, 1.0)
            for n in fake.notifications[seen:]:
                print(n, flush=True)
            seen = len(fake.notifications)
    except KeyboardInterrupt:
        fake.close()

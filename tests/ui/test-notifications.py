#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reminders from outside: the real `poise --background` against a fake
notification server on the test session bus (see fake_notifications.py).

Usage: test-notifications.py POISE POISE_TEST_STORE APP_ID
Needs a display and a private session bus (make test, .ci/test-env.sh).
Prints TAP.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid as uuidlib

from gi.repository import Gio, GLib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_notifications import FakeNotifications  # noqa: E402

POISE, STORE_TOOL, APP_ID = sys.argv[1:4]

# Every wait is bounded, so a broken app fails the test instead of hanging it.
START_TIMEOUT = 15
LATE_LIMIT = 2.0          # a reminder may arrive at most this long after its due time
QUIET_PERIOD = 1.5        # how long to watch for notifications that should not come

bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
fake = FakeNotifications(bus)


class Case:
    """A temporary data dir (the store), and the app running on it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='poise-notify-')
        self.env = dict(os.environ)
        self.env.update({
            'XDG_DATA_HOME': os.path.join(self.dir, 'data'),
            'XDG_CONFIG_HOME': os.path.join(self.dir, 'config'),
            'XDG_CACHE_HOME': os.path.join(self.dir, 'cache'),
            'GNOTIFICATION_BACKEND': 'freedesktop',
            'GSETTINGS_BACKEND': 'memory',
            'GSK_RENDERER': 'cairo',
            'NO_AT_BRIDGE': '1',
            'LC_ALL': 'C.UTF-8',
        })
        self.env.pop('LANGUAGE', None)
        self.app = None

    def add(self, due_unix, name, promise):
        uuid = str(uuidlib.uuid4())
        subprocess.run([STORE_TOOL, 'add', uuid, str(due_unix), name, promise],
                       env=self.env, check=True, timeout=30)
        return uuid

    def status(self, uuid):
        result = subprocess.run([STORE_TOOL, 'get', uuid], env=self.env, check=True,
                                timeout=30, capture_output=True, text=True)
        return result.stdout.strip()

    def start(self):
        self.app = subprocess.Popen([POISE, '--background'], env=self.env)
        registered = fake.wait_for(lambda: self.app.poll() is not None or
                                   app_is_registered(), START_TIMEOUT)
        assert registered, 'poise did not register %s within %d s' % (APP_ID, START_TIMEOUT)
        assert self.app.poll() is None, 'poise exited early (%d)' % self.app.returncode

    def stop(self):
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(10)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait(10)
        # The next case starts its own instance: wait for this one to be gone.
        fake.wait_for(lambda: not app_is_registered(), 10)
        shutil.rmtree(self.dir, ignore_errors=True)


def app_is_registered():
    reply = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus',
                          'org.freedesktop.DBus', 'NameHasOwner',
                          GLib.Variant('(s)', (APP_ID,)), GLib.VariantType('(b)'),
                          Gio.DBusCallFlags.NONE, 5000, None)
    return reply.unpack()[0]


def action_key(notification, label):
    keys = [key for key, text in notification['actions'] if text == label]
    assert len(keys) == 1, 'no single %r button in %r' % (label, notification['actions'])
    return keys[0]


# The cases

def test_due_reminder_and_done():
    """One follow-up due in ~3 s: reminded on time with its buttons; Done
    marks it done in the store and withdraws the reminder."""
    case = Case()
    try:
        due = int(time.time()) + 3
        uuid = case.add(due, 'Ms Weber', 'Call back about the missing parcel')
        fake.reset()
        case.start()
        assert time.time() < due, 'poise took too long to start for this test'

        arrived = fake.wait_for(lambda: len(fake.notifications) > 0,
                                due - time.time() + LATE_LIMIT + 5)
        assert arrived, 'no notification within %.0f s of the due time' % (LATE_LIMIT + 5)
        n = fake.notifications[0]
        print('# notified %+.3f s after the due time' % (n['time'] - due))
        assert n['time'] >= due, 'notified %.3f s before the due time' % (due - n['time'])
        assert n['time'] <= due + LATE_LIMIT, 'notified %.3f s late' % (n['time'] - due)
        assert 'Ms Weber' in n['summary'], n['summary']
        assert 'Call back about the missing parcel' in n['body'], n['body']
        done_key = action_key(n, 'Done')
        action_key(n, 'Snooze 15 min')
        assert any(key == 'default' for key, _ in n['actions']), n['actions']

        # Nothing else: no "missed" summary for something that came due on time.
        fake.wait_for(lambda: len(fake.notifications) > 1, QUIET_PERIOD)
        assert len(fake.notifications) == 1, [x['summary'] for x in fake.notifications]

        fake.invoke_action(n['id'], done_key)
        withdrawn = fake.wait_for(lambda: n['id'] in fake.closed, 10)
        assert withdrawn, 'the reminder was not withdrawn (CloseNotification %r)' % fake.closed
        assert case.status(uuid) == 'done', case.status(uuid)

        # Nothing open is left to remind of, so nothing holds a windowless
        # Poise any more: it ends by itself.
        exited = fake.wait_for(lambda: case.app.poll() is not None, 10)
        assert exited, 'poise kept running with nothing to remind of'
        assert case.app.returncode == 0, case.app.returncode
    finally:
        case.stop()


def test_missed_summary():
    """Three follow-ups already overdue at start: one summary, not three."""
    case = Case()
    try:
        now = int(time.time())
        for i, name in enumerate(['Mr Okafor', 'Ms Lind', 'Mrs Brandt']):
            case.add(now - 3600 * (i + 1), name, 'Send the refund confirmation')
        fake.reset()
        case.start()

        arrived = fake.wait_for(lambda: len(fake.notifications) > 0, 10)
        assert arrived, 'no notification within 10 s of the start'
        # Give any further (wrong) notifications the time to arrive.
        fake.wait_for(lambda: len(fake.notifications) > 1, QUIET_PERIOD)
        assert len(fake.notifications) == 1, [x['summary'] for x in fake.notifications]
        n = fake.notifications[0]
        assert n['summary'] == 'Missed while you were away', n['summary']
        assert '3 follow-ups' in n['body'], n['body']
        assert any(key == 'default' for key, _ in n['actions']), n['actions']
        # Open follow-ups hold the windowless Poise.
        assert case.app.poll() is None, 'poise exited with follow-ups open'

        # Quit (Ctrl+Q): the summary goes with it, nobody would answer it.
        bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.freedesktop.Application',
                      'ActivateAction', GLib.Variant('(sava{sv})', ('quit', [], {})),
                      None, Gio.DBusCallFlags.NONE, 5000, None)
        exited = fake.wait_for(lambda: case.app.poll() is not None, 10)
        assert exited, 'poise did not quit'
        assert case.app.returncode == 0, case.app.returncode
        fake.wait_for(lambda: n['id'] in fake.closed, 2)
        assert n['id'] in fake.closed, 'the summary was left behind (closed %r)' % fake.closed
    finally:
        case.stop()


def main():
    tests = [test_due_reminder_and_done, test_missed_summary]
    failed = 0

    print('1..%d' % len(tests), flush=True)
    for number, test in enumerate(tests, 1):
        name = test.__name__[len('test_'):]
        try:
            test()
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        else:
            print('ok %d - %s' % (number, name))
        sys.stdout.flush()

    fake.close()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

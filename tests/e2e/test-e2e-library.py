#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End to end, script library: a real poise-server and two real poise
# processes, alice and bob, each with its own HOME, XDG dirs and session
# bus (with its Secret Service), set up the way Preferences' Connect leaves
# them. A supervisor publishes a library over HTTP; both running apps must
# cache it (the SHA-256 checked cache in $XDG_DATA_HOME/poise/library) within
# a few seconds, i.e. live, and keep running. Then bob's Poise is stopped,
# a second version is published, and bob's restarted Poise gets it on
# connect. Loopback only; every wait is bounded.
#
# Usage: test-e2e-library.py POISE POISE_SERVER POISE_E2E_TOOL LIBRARY_JSON
# (under xvfb-run and dbus-run-session, as make test runs it)

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

POISE, SERVER, TOOL, LIBRARY = sys.argv[1:5]
TIMEOUT = 20.0
LIVE = 5.0   # "within a second", with room for a loaded machine
failures = 0
test_number = 0


def ok(cond, name):
    global failures, test_number
    test_number += 1
    print(('ok' if cond else 'not ok') + f' {test_number} - {name}', flush=True)
    if not cond:
        failures += 1
    return cond


def wait_for(predicate, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return None


def agent_env(root, name, url):
    env = dict(os.environ)
    base = os.path.join(root, name)
    for sub in ('home', 'data', 'config', 'cache', 'runtime'):
        os.makedirs(os.path.join(base, sub), mode=0o700, exist_ok=True)
    env.update({
        'HOME': os.path.join(base, 'home'),
        'XDG_DATA_HOME': os.path.join(base, 'data'),
        'XDG_CONFIG_HOME': os.path.join(base, 'config'),
        'XDG_CACHE_HOME': os.path.join(base, 'cache'),
        'XDG_RUNTIME_DIR': os.path.join(base, 'runtime'),
        'GSETTINGS_BACKEND': 'keyfile',
        'POISE_SECRET_COLLECTION': 'session',
        'NO_AT_BRIDGE': '1',
        'LC_ALL': 'C.UTF-8',
        'LANGUAGE': 'en',
    })
    env.pop('DBUS_SESSION_BUS_ADDRESS', None)
    settings = os.path.join(base, 'config', 'glib-2.0', 'settings')
    os.makedirs(settings, exist_ok=True)
    with open(os.path.join(settings, 'keyfile'), 'w', encoding='utf-8') as f:
        f.write('[io/github/poisedesk/Poise]\n'
                f"server-url='{url}'\n"
                'run-in-background=false\n')
    return env


def start_agent(env, url, token):
    # Its own session bus: the token goes to that bus's Secret Service,
    # then Poise starts on it.
    return subprocess.Popen(
        ['dbus-run-session', '--', 'sh', '-c', '"$0" secret "$1" "$2" && exec "$3"',
         TOOL, url, token, POISE],
        env=env, start_new_session=True)


def cached_version(env):
    path = os.path.join(env['XDG_DATA_HOME'], 'poise', 'library', 'library.meta.json')
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f).get('version')
    except (OSError, ValueError):
        return None


def publish(url, token, base_version, message, library_text):
    body = ('{"base_version":%d,"message":%s,"library":%s}'
            % (base_version, json.dumps(message), library_text)).encode('utf-8')
    request = urllib.request.Request(url + '/api/v1/library/versions', data=body, method='POST',
                                     headers={'Authorization': 'Bearer ' + token,
                                              'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.status, json.load(reply)


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass


def main(root):
    db = os.path.join(root, 'server.db')
    tokens = {}
    for name, role in (('alice', 'agent'), ('bob', 'agent'), ('sue', 'supervisor')):
        tokens[name] = subprocess.run([SERVER, 'user', 'add', name, '--role', role, '--db', db],
                                      capture_output=True, text=True, check=True,
                                      timeout=30).stdout.strip()
    server = subprocess.Popen([SERVER, 'serve', '--db', db, '--port', '0'],
                              stdout=subprocess.PIPE, text=True)
    agents = {}
    try:
        line = server.stdout.readline()
        if not ok(line.startswith('listening on http://127.0.0.1:'), 'poise-server listens on loopback'):
            return
        url = line.split('listening on ', 1)[1].strip().rstrip('/')
        with open(LIBRARY, encoding='utf-8') as f:
            library = f.read()

        envs = {name: agent_env(root, name, url) for name in ('alice', 'bob')}
        for name in ('alice', 'bob'):
            agents[name] = start_agent(envs[name], url, tokens[name])

        # Connected: both hold the server's version 1 (the built-in scripts,
        # taken silently, but cached with its number).
        for name in ('alice', 'bob'):
            ok(wait_for(lambda: cached_version(envs[name]) == 1),
               f"{name}'s Poise connects and holds version 1")
        ok(all(p.poll() is None for p in agents.values()), 'both apps are running')

        status, answer = publish(url, tokens['sue'], 1, 'E2E scripts', library)
        ok(status == 201 and answer.get('version') == 2, 'the supervisor publishes version 2')
        published = time.monotonic()
        for name in ('alice', 'bob'):
            got = wait_for(lambda: cached_version(envs[name]) == 2, timeout=LIVE)
            ok(got, f"{name}'s running Poise has version 2 "
                    f'{time.monotonic() - published:.1f} s after the publish')
        ok(all(p.poll() is None for p in agents.values()), 'both apps are still running')

        # bob is away while version 3 is published; he gets it on connect.
        stop(agents.pop('bob'))
        status, answer = publish(url, tokens['sue'], 2, 'While bob was away',
                                 library.replace('Charged twice', 'Charged two times'))
        ok(status == 201 and answer.get('version') == 3, 'version 3 is published')
        ok(wait_for(lambda: cached_version(envs['alice']) == 3, timeout=LIVE), 'alice has it live')
        ok(cached_version(envs['bob']) == 2, 'bob, offline, still has version 2')
        agents['bob'] = start_agent(envs['bob'], url, tokens['bob'])
        ok(wait_for(lambda: cached_version(envs['bob']) == 3), 'bob has version 3 once back')
        ok(all(p.poll() is None for p in agents.values()), 'both apps are still running')
    finally:
        for process in agents.values():
            stop(process)
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


if __name__ == '__main__':
    print('TAP version 13', flush=True)
    with tempfile.TemporaryDirectory(prefix='poise-e2e-library-') as root:
        main(root)
    print(f'1..{test_number}', flush=True)
    sys.exit(1 if failures else 0)

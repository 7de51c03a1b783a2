#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest where flatpak-builder is not installed.

Usage: check-manifest.py MANIFEST APP_ID
Fails unless the manifest is valid JSON with the keys flatpak-builder needs,
and its last module builds poise with meson.
"""

import json
import sys


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    errors = []
    try:
        with open(path, encoding='utf-8') as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        print(f'FAIL: {path}: {e}')
        return 1

    for key in ('app-id', 'runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'modules'):
        if key not in m:
            errors.append(f'missing key {key!r}')
    if m.get('app-id') != app_id:
        errors.append(f"app-id is {m.get('app-id')!r}, expected {app_id!r}")
    if m.get('command') != 'poise':
        errors.append(f"command is {m.get('command')!r}, expected 'poise'")
    if not str(m.get('runtime', '')).startswith('org.gnome.Platform'):
        errors.append('runtime is not org.gnome.Platform')
    if not str(m.get('sdk', '')).startswith('org.gnome.Sdk'):
        errors.append('sdk is not org.gnome.Sdk')
    for arg in ('--share=ipc', '--socket=fallback-x11', '--socket=wayland', '--device=dri'):
        if arg not in m.get('finish-args', []):
            errors.append(f'finish-args lacks {arg}')
    modules = m.get('modules') or [{}]
    last = modules[-1] if isinstance(modules[-1], dict) else {}
    if last.get('name') != 'poise':
        errors.append("the last module is not 'poise'")
    if last.get('buildsystem') != 'meson':
        errors.append("the poise module does not use buildsystem 'meson'")
    if not last.get('sources'):
        errors.append('the poise module has no sources')

    for e in errors:
        print(f'FAIL: {path}: {e}')
    if errors:
        return 1
    print(f'ok: {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that the translations are complete and match the sources.

Run by `meson test --suite po`. Checks, each reported on its own line:
  (a) every po/*.po in LINGUAS passes `msgfmt --check`;
  (b) it has no untranslated and no fuzzy messages;
  (c) every src/**/*.c and resources/**/*.ui with translatable strings is in
      POTFILES.in, and every file listed there exists;
  (d) the desktop, metainfo and schema sources in data/ are in POTFILES.in;
  (e) every msgid that xgettext extracts from POTFILES.in is in the .po.

Usage: check-translations.py [--srcdir DIR] [--pot FILE]
  --pot FILE  also write the regenerated template to FILE (for translators).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The same keywords as meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

TRANSLATABLE_C = re.compile(r'\b(?:_|N_|C_|NC_|g_dgettext|g_dngettext|g_dpgettext2)\s*\(')
TRANSLATABLE_UI = re.compile(r'translatable\s*=\s*["\']yes["\']')

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg, flush=True)


def ok(msg):
    print('ok:   ' + msg, flush=True)


def read_potfiles(srcdir):
    path = os.path.join(srcdir, 'po', 'POTFILES.in')
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith('#'):
                entries.append(line)
    return entries


def read_linguas(srcdir):
    path = os.path.join(srcdir, 'po', 'LINGUAS')
    langs = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0]
            langs.extend(line.split())
    return langs


def its_dir(tmp):
    """Return a GETTEXTDATADIRS entry that lets xgettext read *.metainfo.xml.in.in.

    gettext 0.21 (Debian 12) strips only one ".in" before matching its locating
    rules, so "X.metainfo.xml.in.in" matches no rule and silently yields no
    strings. We add a rule for the once-stripped name that points at the
    system's own metainfo.its, so the messages are the ones msgfmt merges.
    """
    candidates = (glob.glob('/usr/share/gettext/its/metainfo.its') +
                  glob.glob('/usr/share/gettext-*/its/metainfo.its') +
                  glob.glob('/usr/local/share/gettext/its/metainfo.its'))
    if not candidates:
        return None
    d = os.path.join(tmp, 'gettextdata')
    os.makedirs(os.path.join(d, 'its'))
    shutil.copy(candidates[0], os.path.join(d, 'its', 'poise-metainfo.its'))
    with open(os.path.join(d, 'its', 'poise-metainfo.loc'), 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0"?>\n<locatingRules>\n'
                '  <locatingRule name="MetaInfoInIn" pattern="*.metainfo.xml.in">\n'
                '    <documentRule localName="component" target="poise-metainfo.its"/>\n'
                '  </locatingRule>\n</locatingRules>\n')
    return d


def po_messages(po_path):
    """Return {(msgctxt, msgid): (msgstr list, fuzzy)} for a .po file (not obsolete ones)."""
    msgs = {}
    entry = None
    field = None

    def flush():
        if entry is not None and 'msgid' in entry:
            key = (entry.get('msgctxt'), entry['msgid'])
            strs = [v for k, v in sorted(entry.items()) if k.startswith('msgstr')]
            msgs[key] = (strs, entry.get('fuzzy', False))

    with open(po_path, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            if not line:
                flush()
                entry, field = None, None
                continue
            if line.startswith('#~'):
                continue
            if entry is None:
                entry = {}
            if line.startswith('#,'):
                if 'fuzzy' in line:
                    entry['fuzzy'] = True
                continue
            if line.startswith('#'):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if m:
                if m.group(1) in ('msgctxt', 'msgid') and 'msgid' in entry and field != 'msgctxt':
                    flush()
                    entry = {}
                field = m.group(1)
                entry[field] = unescape(m.group(2))
            elif line.startswith('"') and field:
                entry[field] += unescape(line[1:-1])
    flush()
    return msgs


def unescape(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t', '"': '"', '\\': '\\'}.get(m.group(1), m.group(1)), s)


def check_po_file(srcdir, lang, msgfmt):
    po = os.path.join(srcdir, 'po', lang + '.po')
    rel = os.path.relpath(po, srcdir)
    if not os.path.exists(po):
        fail(f'{rel}: listed in po/LINGUAS but missing')
        return None
    # (a) syntax, headers and format strings.
    r = subprocess.run([msgfmt, '--check', '-o', os.devnull, po],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail(f'{rel}: msgfmt --check failed:\n{r.stderr.strip()}')
    else:
        ok(f'{rel}: msgfmt --check')
    # (b) completeness.
    msgs = po_messages(po)
    untranslated = [k for k, (strs, _) in msgs.items() if k[1] and any(s == '' for s in strs)]
    fuzzy = [k for k, (_, fz) in msgs.items() if k[1] and fz]
    for k in untranslated:
        fail(f'{rel}: untranslated: {k[1]!r}')
    for k in fuzzy:
        fail(f'{rel}: fuzzy: {k[1]!r}')
    if not untranslated and not fuzzy:
        ok(f'{rel}: {len(msgs) - 1} messages, none untranslated or fuzzy')
    return msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--srcdir', default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument('--pot')
    args = ap.parse_args()
    srcdir = os.path.abspath(args.srcdir)

    msgfmt = shutil.which('msgfmt')
    xgettext = shutil.which('xgettext')
    if not msgfmt or not xgettext:
        print('msgfmt/xgettext not found: install gettext')
        return 77  # skipped

    potfiles = read_potfiles(srcdir)
    listed = set(potfiles)

    # (c) listed files exist; sources with translatable strings are listed.
    for p in potfiles:
        if not os.path.isfile(os.path.join(srcdir, p)):
            fail(f'po/POTFILES.in lists {p}, which does not exist')
    found = []
    for pattern, rx in (('src/**/*.c', TRANSLATABLE_C), ('resources/**/*.ui', TRANSLATABLE_UI)):
        for path in sorted(glob.glob(os.path.join(srcdir, pattern), recursive=True)):
            rel = os.path.relpath(path, srcdir)
            with open(path, encoding='utf-8', errors='replace') as f:
                if rx.search(f.read()):
                    found.append(rel)
                    if rel not in listed:
                        fail(f'{rel} has translatable strings but is not in po/POTFILES.in')
    ok(f'POTFILES.in: {len(potfiles)} entries checked, {len(found)} source files with strings')

    # (d) the data files that carry translatable text.
    for name in ('desktop.in.in', 'metainfo.xml.in.in', 'gschema.xml'):
        matches = glob.glob(os.path.join(srcdir, 'data', '*.' + name))
        for path in matches:
            rel = os.path.relpath(path, srcdir)
            if rel not in listed:
                fail(f'{rel} is not in po/POTFILES.in')
        if not matches:
            fail(f'no data/*.{name} found')

    # (e) the .po files know every message in the sources.
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        d = its_dir(tmp)
        if d:
            env['GETTEXTDATADIRS'] = d + (':' + env['GETTEXTDATADIRS'] if env.get('GETTEXTDATADIRS') else '')
        else:
            fail('metainfo.its not found: install appstream (or gettext) to extract metainfo strings')
        files_from = os.path.join(tmp, 'POTFILES')
        with open(files_from, 'w', encoding='utf-8') as f:
            f.write('\n'.join(p for p in potfiles if os.path.isfile(os.path.join(srcdir, p))) + '\n')
        pot = os.path.join(tmp, 'poise.pot')
        r = subprocess.run([xgettext, *XGETTEXT_ARGS, '--package-name=poise',
                            '--msgid-bugs-address=https://github.com/poisedesk/poise/issues',
                            '--files-from', files_from, '-D', srcdir, '-o', pot],
                           capture_output=True, text=True, env=env, cwd=srcdir)
        if r.returncode != 0 or not os.path.exists(pot):
            fail(f'xgettext failed:\n{r.stderr.strip()}')
            pot_msgs = {}
        else:
            if r.stderr.strip():
                print(r.stderr.strip())
            pot_msgs = po_messages(pot)
            if args.pot:
                shutil.copy(pot, args.pot)
                print(f'wrote {args.pot}')
            # Guard against a silent extraction failure (see its_dir()).
            with open(pot, encoding='utf-8') as f:
                pot_text = f.read()
            for name in ('desktop.in.in', 'metainfo.xml.in.in', 'gschema.xml'):
                for path in glob.glob(os.path.join(srcdir, 'data', '*.' + name)):
                    rel = os.path.relpath(path, srcdir)
                    if rel in listed and '#: ' + rel + ':' not in pot_text:
                        fail(f'xgettext extracted no strings from {rel}')

        for lang in read_linguas(srcdir):
            msgs = check_po_file(srcdir, lang, msgfmt)
            if msgs is None:
                continue
            missing = [k for k in pot_msgs if k[1] and k not in msgs]
            for ctxt, msgid in missing:
                where = f' (context {ctxt!r})' if ctxt else ''
                fail(f'po/{lang}.po is out of date: missing {msgid!r}{where}')
            if not missing:
                ok(f'po/{lang}.po: has all {len(pot_msgs) - 1} messages of the sources')

    if failures:
        print(f'{len(failures)} translation check(s) failed')
        return 1
    print('all translation checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())

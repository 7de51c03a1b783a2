#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# docs/api/openapi.yaml: parses, every $ref resolves, every route the
# server serves is described, every operation lists its error statuses.
# Exit 77 (skip) without PyYAML.
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit(77)

path = sys.argv[1]
text = open(path, encoding='utf-8').read()
doc = yaml.safe_load(text)
problems = []

if not str(doc.get('openapi', '')).startswith('3.0'):
    problems.append('not OpenAPI 3.0')

for ref in sorted(set(re.findall(r'\$ref: "#/([^"]+)"', text))):
    node = doc
    for part in ref.split('/'):
        if not isinstance(node, dict) or part not in node:
            problems.append(f'unresolved $ref #/{ref}')
            break
        node = node[part]

routes = {
    '/health': {'get'},
    '/me': {'get'},
    '/users': {'get'},
    '/changes': {'get'},
    '/live': {'get'},
    '/library': {'get'},
    '/library/versions': {'get', 'post'},
    '/library/versions/{version}': {'get'},
    '/notes/{uuid}': {'get', 'put', 'delete'},
    '/followups/{uuid}': {'get', 'put', 'delete'},
}
for route, methods in routes.items():
    item = doc['paths'].get(route)
    if item is None:
        problems.append(f'{route} missing')
        continue
    for method in methods:
        op = item.get(method)
        if op is None:
            problems.append(f'{method.upper()} {route} missing')
            continue
        statuses = set(op.get('responses', {}))
        need = set() if route == '/health' else {'401', '429'}
        if method in ('put', 'delete'):
            need |= {'400', '403', '412', '428'}
        if method == 'put':
            need |= {'413', '422'}
        if method == 'post':
            need |= {'400', '403', '409', '413', '422'}
        for status in sorted(need - statuses):
            problems.append(f'{method.upper()} {route}: no {status}')
extra = set(doc['paths']) - set(routes)
for route in sorted(extra):
    problems.append(f'{route} is not served')

for p in problems:
    print(p)
sys.exit(1 if problems else 0)

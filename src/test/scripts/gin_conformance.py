#!/usr/bin/env python3
"""Produce the expected parses of .gin files using google/gin-config's parser.

This script must be pointed (with --gin_root) at a checkout of gin-config
(https://github.com/google/gin-config); it imports `gin.config_parser` from
there and never vendors or copies any part of gin. The corpus in
src/test/resources/ibc4j/gin/conformance was produced with gin-config 0.5.0
(commit 8ebbd2a) on CPython 3.11.7.

Usage:
  python3 gin_conformance.py --gin_root DIR [--write | --jsonl OUT]
      [--relative_to DIR] CASE_OR_DIR...

For every .gin file (directories are searched recursively, sorted by path) one
JSON object is emitted: {"file": PATH, "statements": [...]} or
{"file": PATH, "error": {"line": N, "message": "..."}}; see the corpus README
for the value schema. Without --write/--jsonl the objects go to stdout, one per
line. --write writes X.expected.json next to each X.gin; --jsonl writes all of
them to one file. PATH is relative to --relative_to (default: the directory
argument the file was found under, or the file's own directory).

The file is opened the way gin.parse_config_file opens it: the builtin
`open(path)` (text mode, universal newlines, so CRLF and lone CR become LF).
Gin uses the locale's preferred encoding; we pin it to UTF-8 (the value on the
reference machine) so the output does not depend on the caller's locale.
"""

import argparse
import json
import math
import os
import re
import sys
import tokenize
import warnings


class Ref:
  """Marker for a configurable reference (@name or @name())."""

  def __init__(self, name, evaluate):
    self.name, self.evaluate = name, evaluate

  def _key(self):
    return ('ref', self.name, self.evaluate)

  def __eq__(self, other):
    return isinstance(other, Ref) and self._key() == other._key()

  def __hash__(self):
    return hash(self._key())


class Macro:
  """Marker for a macro use (%name)."""

  def __init__(self, name):
    self.name = name

  def __eq__(self, other):
    return isinstance(other, Macro) and self.name == other.name

  def __hash__(self):
    return hash(('macro', self.name))


class Delegate:
  """A ParserDelegate that builds markers instead of resolving names."""

  def configurable_reference(self, scoped_configurable_name, evaluate):
    return Ref(scoped_configurable_name, evaluate)

  def macro(self, macro_name):
    return Macro(macro_name)


def _num(x):
  if math.isnan(x):
    return 'nan'
  if math.isinf(x):
    return 'inf' if x > 0 else '-inf'
  return x


def encode_value(v):
  """Map a parsed gin value onto the JSON value schema."""
  if v is None or isinstance(v, bool):
    return v
  if isinstance(v, int):
    return {'int': str(v)}
  if isinstance(v, float):
    return {'float': _num(v)}
  if isinstance(v, complex):
    return {'complex': [_num(v.real), _num(v.imag)]}
  if isinstance(v, str):
    return {'str': v}
  if isinstance(v, bytes):
    return {'bytes': v.decode('latin-1')}
  if isinstance(v, list):
    return {'list': [encode_value(x) for x in v]}
  if isinstance(v, tuple):
    return {'tuple': [encode_value(x) for x in v]}
  if isinstance(v, dict):
    return {'dict': [[encode_value(k), encode_value(x)] for k, x in v.items()]}
  if isinstance(v, Ref):
    return {'ref': v.name, 'evaluate': v.evaluate}
  if isinstance(v, Macro):
    return {'macro': v.name}
  raise TypeError('unexpected parsed value %r' % (v,))


def encode_statement(cp, st):
  line = st.location.line_num
  if isinstance(st, cp.BindingStatement):
    return {'type': 'binding', 'scope': st.scope, 'selector': st.selector,
            'param': st.arg_name, 'value': encode_value(st.value),
            'line': line}
  if isinstance(st, cp.BlockDeclaration):
    return {'type': 'block', 'scope': st.scope, 'selector': st.selector,
            'line': line}
  if isinstance(st, cp.ImportStatement):
    return {'type': 'import', 'module': st.module, 'from': st.is_from,
            'alias': st.alias, 'line': line}
  if isinstance(st, cp.IncludeStatement):
    return {'type': 'include', 'path': st.filename, 'line': line}
  raise TypeError('unexpected statement %r' % (st,))


def error_info(e, parser):
  """(line, message) of an exception raised while parsing."""
  if isinstance(e, tokenize.TokenError):
    line, msg = e.args[1][0], e.args[0]
  elif isinstance(e, SyntaxError):  # Includes IndentationError.
    line, msg = e.lineno, e.msg
  else:
    # Not raised by gin with a location (e.g. TypeError for an unhashable dict
    # key): use the line of the token the parser was on when it failed.
    line = getattr(e, 'lineno', None)
    if line is None:
      line = parser.current_token.start[0] if parser else 0
    msg = str(e)
  # literal_eval messages may embed object addresses; make them reproducible.
  msg = re.sub(r' at 0x[0-9a-fA-F]+>', '>', str(msg))
  return line, msg


def parse_file(cp, path, display):
  """Parse one file with gin's parser; return the JSON object for it."""
  parser = None
  statements = []
  try:
    with open(path, encoding='utf-8') as f:  # As gin: open(path), text mode.
      parser = cp.ConfigParser(f, Delegate())
      for st in parser:
        statements.append(encode_statement(cp, st))
  except Exception as e:  # pylint: disable=broad-except
    line, msg = error_info(e, parser)
    return {'file': display, 'error': {'line': line, 'message': msg}}
  return {'file': display, 'statements': statements}


def collect(args):
  """Yields (path, display path) of all .gin files named by the arguments."""
  for arg in args:
    if os.path.isdir(arg):
      found = []
      for root, _, files in os.walk(arg):
        found += [os.path.join(root, n) for n in files if n.endswith('.gin')]
      base = arg
    else:
      found, base = [arg], os.path.dirname(arg)
    for path in found:
      yield path, os.path.relpath(path, base).replace(os.sep, '/')


def main():
  ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  ap.add_argument('--gin_root', required=True,
                  help='gin-config checkout (the directory holding gin/)')
  ap.add_argument('--write', action='store_true',
                  help='write X.expected.json next to each X.gin')
  ap.add_argument('--jsonl', help='write all objects to this file')
  ap.add_argument('--relative_to', help='directory the "file" field is '
                  'relative to')
  ap.add_argument('paths', nargs='+', metavar='CASE_OR_DIR')
  args = ap.parse_args()

  sys.path.insert(0, os.path.abspath(args.gin_root))
  from gin import config_parser as cp  # pylint: disable=g-import-not-at-top
  # Unknown string escapes only warn (DeprecationWarning); keep stderr quiet.
  warnings.simplefilter('ignore')

  items = sorted(collect(args.paths), key=lambda pd: pd[1])
  if args.relative_to:
    items = sorted(((p, os.path.relpath(p, args.relative_to).replace(
        os.sep, '/')) for p, _ in items), key=lambda pd: pd[1])
  lines = []
  for path, display in items:
    text = json.dumps(parse_file(cp, path, display), ensure_ascii=True,
                      separators=(',', ':'))
    if args.write:
      with open(path[:-len('.gin')] + '.expected.json', 'w',
                encoding='ascii', newline='\n') as out:
        out.write(text + '\n')
    lines.append(text)
  if args.jsonl:
    with open(args.jsonl, 'w', encoding='ascii', newline='\n') as out:
      out.write(''.join(l + '\n' for l in lines))
  elif not args.write:
    sys.stdout.write(''.join(l + '\n' for l in lines))


if __name__ == '__main__':
  main()

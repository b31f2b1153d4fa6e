#!/usr/bin/env python3
"""Extracts the table of gin configurables from a user-supplied IBC checkout.

Usage:
  python3 gin_signatures.py --ibc_root /path/to/ibc \
      --out src/main/resources/ibc4j/gin/ibc_configurables.json \
      [--configs /path/to/ibc/configs] [--markdown docs/ibc-configurables.md]

This script reads the Python sources of an IBC checkout that the user supplies
(google-research/ibc); it never vendors, copies or imports IBC (TensorFlow is
not needed). Every `*.py` file under --ibc_root (except `*_test.py`) is parsed
with the standard-library `ast` module, and every

  * `@gin.configurable` / `@gin.configurable('name', module=..., allowlist=...)`
    (also `@gin.register`, and `configurable` imported from gin) on a function,
    method or class (for a class: the signature of the first `__init__` found
    along its bases, as gin's `_find_class_construction_fn` does, as far as the
    bases can be resolved inside the checkout),
  * `gin.external_configurable(fn_or_cls, name=..., module=...)` call,
  * `gin.constant('name', value)` call and `@gin.constants_from_enum` class

is recorded with its parameter list and defaults. The gin module of a
configurable is the decorator's `module=` if given, else the Python module
path, i.e. the file's dotted path below the parent of --ibc_root (IBC's own
imports require that directory to be named `ibc`; --package overrides the
first component if a checkout lives in a directory with another name).

Default values are written in the ibc4j gin JSON value encoding:
  null, true, false, {"int": "123"}, {"float": 0.001}, {"str": "relu"},
  {"list": [...]}, {"tuple": [...]}, {"dict": [[K, V], ...]};
anything that is not a literal becomes {"expr": "<source text>"}. Pure numeric
constant arithmetic such as `2**14` is folded to its value (the original text is
kept in "default_source").

Beyond the fields named in the schema, an entry may carry "inherited_from"
(a class whose `__init__` comes from a base class), "shared_with_subclasses"
(classes that inherit the decorated `__init__` without overriding it; gin
mutates that `__init__` in place, so bindings to the base selector, e.g.
`ResNetLayer.normalizer`, apply to them too), "init" (no resolvable
`__init__`), and for enum constants "enum_value" (the member's value).

With --configs, every `Name.param` binding of the .gin files found under that
directory is resolved against the table the way gin does it (suffix match of
the selector on '.' boundaries) and the result is printed and, with
--markdown, written into the generated Markdown table.
"""

import argparse
import ast
import json
import math
import operator
import os
import re
import sys

IBC_COMMIT = 'db89ddbb852603fe9b64cf0f502b1fd3d6037d33'

CONFIGURABLE_DECORATORS = ('configurable', 'register')

# A section of the Markdown output starting with this heading is written by
# hand and kept when the file is regenerated.
HAND_NOTES_MARKER = '## Notes (hand-written)'


# --------------------------------------------------------------------------
# Value encoding.
# --------------------------------------------------------------------------

class NotLiteral(Exception):
  pass


_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod, ast.Pow: operator.pow,
}


def _fold_numeric(node):
  """Folds constant arithmetic over int/float literals; raises NotLiteral."""
  if isinstance(node, ast.Constant) and type(node.value) in (int, float):
    return node.value
  if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
    v = _fold_numeric(node.operand)
    return -v if isinstance(node.op, ast.USub) else +v
  if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
    left, right = _fold_numeric(node.left), _fold_numeric(node.right)
    if isinstance(node.op, ast.Pow) and abs(right) > 64:
      raise NotLiteral()
    return _BINOPS[type(node.op)](left, right)
  raise NotLiteral()


def _encode_scalar(v):
  if v is None:
    return None
  if isinstance(v, bool):
    return v
  if isinstance(v, int):
    return {'int': str(v)}
  if isinstance(v, float):
    if math.isnan(v) or math.isinf(v):
      raise NotLiteral()
    return {'float': v}
  if isinstance(v, str):
    return {'str': v}
  raise NotLiteral()


def _encode_literal(node):
  """Encodes a literal expression node; raises NotLiteral otherwise."""
  if isinstance(node, ast.Constant):
    return _encode_scalar(node.value)
  if isinstance(node, ast.List):
    return {'list': [_encode_literal(e) for e in node.elts]}
  if isinstance(node, ast.Tuple):
    return {'tuple': [_encode_literal(e) for e in node.elts]}
  if isinstance(node, ast.Dict):
    if any(k is None for k in node.keys):  # {**x}
      raise NotLiteral()
    return {'dict': [[_encode_literal(k), _encode_literal(v)]
                     for k, v in zip(node.keys, node.values)]}
  if isinstance(node, (ast.UnaryOp, ast.BinOp)):
    return _encode_scalar(_fold_numeric(node))
  raise NotLiteral()


def encode_value(node, source):
  """Returns (encoded value, folded) for an expression node."""
  try:
    enc = _encode_literal(node)
  except (NotLiteral, ArithmeticError, ValueError, OverflowError):
    return {'expr': ast.get_source_segment(source, node)}, False
  folded = _contains_folding(node)
  return enc, folded


def _contains_folding(node):
  for sub in ast.walk(node):
    if isinstance(sub, ast.BinOp):
      return True
    if isinstance(sub, ast.UnaryOp) and not (
        isinstance(sub.operand, ast.Constant) and isinstance(sub.op, ast.USub)):
      return True
  return False


# --------------------------------------------------------------------------
# Source model.
# --------------------------------------------------------------------------

class FileInfo(object):
  """Parsed file plus the gin aliases it uses."""

  def __init__(self, path, rel, module, source, tree):
    self.path = path
    self.rel = rel
    self.module = module
    self.source = source
    self.tree = tree
    self.gin_names = set()        # local names bound to the gin package
    self.gin_functions = {}       # local name -> gin function name
    self.module_aliases = {}      # local name -> dotted module (imports)
    self.name_imports = {}        # local name -> (dotted module, name)
    self.classes = {}             # top-level class name -> ClassDef
    self.functions = {}           # top-level function name -> FunctionDef
    self._collect()

  def _collect(self):
    for node in self.tree.body:
      if isinstance(node, ast.ClassDef):
        self.classes[node.name] = node
      elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        self.functions[node.name] = node
    for node in ast.walk(self.tree):
      if isinstance(node, ast.Import):
        for a in node.names:
          if a.name == 'gin' or a.name.startswith('gin.'):
            self.gin_names.add(a.asname or 'gin')
          if a.asname:
            self.module_aliases[a.asname] = a.name
          else:
            self.module_aliases[a.name.split('.')[0]] = a.name.split('.')[0]
      elif isinstance(node, ast.ImportFrom) and node.module:
        for a in node.names:
          local = a.asname or a.name
          if node.module == 'gin' or node.module.startswith('gin.'):
            if a.name in ('config',) and node.module == 'gin':
              self.gin_names.add(local)
            else:
              self.gin_functions[local] = a.name
          # `from ibc.networks import mlp_ebm` may import a module or a name.
          self.name_imports[local] = (node.module, a.name)

  def gin_function_of(self, func):
    """Name of the gin API function `func` refers to, or None."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
      if func.value.id in self.gin_names:
        return func.attr
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id in self.gin_names
        and func.value.attr == 'config'):
      return func.attr
    if isinstance(func, ast.Name) and func.id in self.gin_functions:
      return self.gin_functions[func.id]
    return None


def _module_of(rel_path, package):
  parts = rel_path[:-3].split(os.sep)
  if parts[-1] == '__init__':
    parts = parts[:-1]
  return '.'.join([package] + parts)


def load_files(ibc_root, package):
  files = []
  for dirpath, dirnames, filenames in os.walk(ibc_root):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
    for fn in sorted(filenames):
      if not fn.endswith('.py') or fn.endswith('_test.py'):
        continue
      path = os.path.join(dirpath, fn)
      rel = os.path.relpath(path, ibc_root)
      with open(path, encoding='utf-8') as f:
        source = f.read()
      try:
        tree = ast.parse(source, filename=path)
      except SyntaxError as e:
        print('warning: cannot parse %s: %s' % (rel, e), file=sys.stderr)
        continue
      files.append(FileInfo(path, rel, _module_of(rel, package), source, tree))
  return files


class Index(object):
  """Lookup of classes across the parsed files, for base-class resolution."""

  def __init__(self, files):
    self.by_module = {f.module: f for f in files}

  def resolve_class(self, finfo, expr):
    """Returns (FileInfo, ClassDef) for a base-class expression, or None."""
    if isinstance(expr, ast.Name):
      if expr.id in finfo.classes:
        return finfo, finfo.classes[expr.id]
      if expr.id in finfo.name_imports:
        mod, name = finfo.name_imports[expr.id]
        other = self.by_module.get(mod)
        if other is not None and name in other.classes:
          return other, other.classes[name]
      return None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
      alias = expr.value.id
      mod = None
      if alias in finfo.name_imports:
        m, n = finfo.name_imports[alias]
        mod = m + '.' + n
      elif alias in finfo.module_aliases:
        mod = finfo.module_aliases[alias]
      other = self.by_module.get(mod) if mod else None
      if other is not None and expr.attr in other.classes:
        return other, other.classes[expr.attr]
    return None


# --------------------------------------------------------------------------
# Signature extraction.
# --------------------------------------------------------------------------

def _is_static(fn):
  return any(isinstance(d, ast.Name) and d.id == 'staticmethod'
             for d in fn.decorator_list)


def signature(fn, source, drop_first):
  """Parameters of a def: list of dicts plus varargs/varkw flags."""
  a = fn.args
  positional = list(a.posonlyargs) + list(a.args)
  defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
  pairs = list(zip(positional, defaults))
  if drop_first and pairs:
    pairs = pairs[1:]
  pairs += list(zip(a.kwonlyargs, a.kw_defaults))
  params = []
  for arg, default in pairs:
    p = {'name': arg.arg}
    if default is not None:
      value, folded = encode_value(default, source)
      p['default'] = value
      if folded:
        p['default_source'] = ast.get_source_segment(source, default)
    params.append(p)
  return params, a.vararg is not None, a.kwarg is not None


def class_construction_fn(index, finfo, cls, seen=None):
  """First __init__/__new__ along the bases, like gin; (finfo, cls, fn)."""
  seen = seen or set()
  key = (finfo.module, cls.name)
  if key in seen:
    return None
  seen.add(key)
  for stmt in cls.body:
    if (isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        and stmt.name in ('__init__', '__new__')):
      return finfo, cls, stmt
  for base in cls.bases:
    resolved = index.resolve_class(finfo, base)
    if resolved is None:
      return ('unresolved', ast.get_source_segment(finfo.source, base))
    found = class_construction_fn(index, resolved[0], resolved[1], seen)
    if found is not None:
      return found
  return None


def _literal_or_none(node, source):
  if node is None:
    return None
  try:
    return ast.literal_eval(node)
  except ValueError:
    return ast.get_source_segment(source, node)


def decorator_options(finfo, call):
  """Parses the arguments of gin.configurable(...) / external_configurable."""
  opts = {'name': None, 'module': None, 'allowlist': None, 'denylist': None}
  if call is None:
    return opts
  args = list(call.args)
  if args:
    opts['name'] = _literal_or_none(args[0], finfo.source)
  for i, extra in enumerate(args[1:4]):
    opts[('module', 'allowlist', 'denylist')[i]] = _literal_or_none(
        extra, finfo.source)
  for kw in call.keywords:
    key = {'name_or_fn': 'name', 'name': 'name', 'module': 'module',
           'allowlist': 'allowlist', 'whitelist': 'allowlist',
           'denylist': 'denylist', 'blacklist': 'denylist'}.get(kw.arg)
    if key:
      opts[key] = _literal_or_none(kw.value, finfo.source)
  for key in ('allowlist', 'denylist'):
    if isinstance(opts[key], (tuple, list)):
      opts[key] = list(opts[key])
    elif isinstance(opts[key], str):
      opts[key] = [opts[key]]
  return opts


def gin_name_and_module(opts, default_name, default_module):
  """Applies gin's naming rule (a dotted name carries module components)."""
  name = opts['name'] if opts['name'] is not None else default_name
  module = opts['module']
  if '.' in name:
    prefix, name = name.rsplit('.', 1)
    module = module + '.' + prefix if module else prefix
  elif module is None:
    module = default_module
  return name, module


# --------------------------------------------------------------------------
# Walking the files.
# --------------------------------------------------------------------------

class Extractor(object):

  def __init__(self, files):
    self.files = files
    self.index = Index(files)
    self.configurables = []
    self.constants = []

  def run(self):
    for finfo in self.files:
      self._walk(finfo, finfo.tree.body, [], in_class=False)
      self._calls(finfo)

  def _walk(self, finfo, body, qual, in_class):
    for node in body:
      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                           ast.ClassDef)):
        self._decorated(finfo, node, qual, in_class)
        inner_class = isinstance(node, ast.ClassDef)
        self._walk(finfo, node.body, qual + [node.name], inner_class)
      elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
        for field in ('body', 'orelse', 'finalbody'):
          self._walk(finfo, getattr(node, field, []) or [], qual, in_class)
        for handler in getattr(node, 'handlers', []) or []:
          self._walk(finfo, handler.body, qual, in_class)

  def _decorated(self, finfo, node, qual, in_class):
    for dec in node.decorator_list:
      call = dec if isinstance(dec, ast.Call) else None
      target = dec.func if call is not None else dec
      gin_fn = finfo.gin_function_of(target)
      if gin_fn in CONFIGURABLE_DECORATORS:
        self._add_configurable(finfo, node, qual, in_class,
                               decorator_options(finfo, call))
      elif gin_fn == 'constants_from_enum' and isinstance(node, ast.ClassDef):
        module = None
        if call is not None:
          for kw in call.keywords:
            if kw.arg == 'module':
              module = _literal_or_none(kw.value, finfo.source)
        self._add_enum_constants(finfo, node, qual, module or finfo.module)

  def _add_configurable(self, finfo, node, qual, in_class, opts):
    qualname = '.'.join(qual + [node.name])
    name, module = gin_name_and_module(opts, node.name, finfo.module)
    entry = {'name': name, 'module': module}
    if isinstance(node, ast.ClassDef):
      entry['kind'] = 'class'
      found = class_construction_fn(self.index, finfo, node)
      if found is None:  # object.__init__: no parameters.
        entry.update(source='%s:%s' % (finfo.rel, qualname), line=node.lineno,
                     params=[], varargs=False, varkw=False)
        entry['init'] = 'object.__init__'
      elif found[0] == 'unresolved':
        entry.update(source='%s:%s' % (finfo.rel, qualname), line=node.lineno,
                     params=[], varargs=True, varkw=True)
        entry['init'] = 'unresolved base %s' % found[1]
      else:
        ofile, ocls, fn = found
        params, varargs, varkw = signature(fn, ofile.source, drop_first=True)
        owner = qualname if ocls is node else ocls.name
        entry.update(source='%s:%s.%s' % (ofile.rel, owner, fn.name),
                     line=fn.lineno, params=params, varargs=varargs,
                     varkw=varkw)
        if ocls is not node:
          entry['inherited_from'] = '%s.%s' % (ofile.module, ocls.name)
    else:
      entry['kind'] = 'function'
      drop = in_class and not _is_static(node)
      params, varargs, varkw = signature(node, finfo.source, drop_first=drop)
      entry.update(source='%s:%s' % (finfo.rel, qualname), line=node.lineno,
                   params=params, varargs=varargs, varkw=varkw)
    entry['allowlist'] = opts['allowlist']
    entry['denylist'] = opts['denylist']
    self.configurables.append(entry)

  def _add_enum_constants(self, finfo, node, qual, module):
    qualname = '.'.join(qual + [node.name])
    for stmt in node.body:
      if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and \
          isinstance(stmt.targets[0], ast.Name):
        member = stmt.targets[0].id
        if member.startswith('_'):
          continue
        value, _ = encode_value(stmt.value, finfo.source)
        self.constants.append({
            'name': '%s.%s' % (node.name, member),
            'module': module,
            'value': {'expr': '%s.%s' % (qualname, member)},
            'enum_value': value,
            'source': '%s:%s.%s' % (finfo.rel, qualname, member),
            'line': stmt.lineno,
        })

  def _calls(self, finfo):
    for node in ast.walk(finfo.tree):
      if not isinstance(node, ast.Call):
        continue
      gin_fn = finfo.gin_function_of(node.func)
      if gin_fn == 'constant' and len(node.args) >= 2:
        full = _literal_or_none(node.args[0], finfo.source)
        module, name = (full.rsplit('.', 1) if '.' in full else (None, full))
        value, _ = encode_value(node.args[1], finfo.source)
        self.constants.append({
            'name': name, 'module': module, 'value': value,
            'source': '%s:%d' % (finfo.rel, node.lineno), 'line': node.lineno})
      elif gin_fn == 'constants_from_enum' and node.args:
        # Functional form gin.constants_from_enum(SomeEnum, module=...).
        resolved = self.index.resolve_class(finfo, node.args[0])
        module = None
        for kw in node.keywords:
          if kw.arg == 'module':
            module = _literal_or_none(kw.value, finfo.source)
        if resolved:
          self._add_enum_constants(resolved[0], resolved[1], [],
                                   module or resolved[0].module)
      elif gin_fn == 'external_configurable' and node.args:
        self._add_external(finfo, node)

  def _add_external(self, finfo, call):
    target = node = call.args[0]
    opts = decorator_options(finfo, None)
    rest = decorator_options(
        finfo, ast.Call(func=call.func, args=call.args[1:],
                        keywords=call.keywords))
    opts.update({k: v for k, v in rest.items() if v is not None})
    text = ast.get_source_segment(finfo.source, target)
    default_name = text.rsplit('.', 1)[-1]
    default_module = finfo.module
    if isinstance(node, ast.Attribute):
      default_module = text.rsplit('.', 1)[0]
    name, module = gin_name_and_module(opts, default_name, default_module)
    entry = {'name': name, 'module': module, 'kind': 'external',
             'source': '%s:%d' % (finfo.rel, call.lineno),
             'line': call.lineno, 'params': None, 'varargs': None,
             'varkw': None, 'target': text}
    if isinstance(node, ast.Name) and node.id in finfo.functions:
      fn = finfo.functions[node.id]
      params, varargs, varkw = signature(fn, finfo.source, drop_first=False)
      entry.update(kind='function', params=params, varargs=varargs,
                   varkw=varkw, line=fn.lineno,
                   source='%s:%s' % (finfo.rel, fn.name))
    entry['allowlist'] = opts['allowlist']
    entry['denylist'] = opts['denylist']
    self.configurables.append(entry)


# --------------------------------------------------------------------------
# Subclass sharing (gin mutates the decorated class's __init__ in place, so
# subclasses that do not override __init__ share its selector and bindings).
# --------------------------------------------------------------------------

def shared_by_subclasses(files, index, configurables):
  targets = {}
  for c in configurables:
    if c['kind'] == 'class' and 'inherited_from' not in c:
      rel, qual = c['source'].split(':', 1)
      targets[(rel, qual.rsplit('.', 1)[0])] = c
  out = {}
  for finfo in files:
    for cls in ast.walk(finfo.tree):
      if not isinstance(cls, ast.ClassDef):
        continue
      found = class_construction_fn(index, finfo, cls)
      if not found or found[0] == 'unresolved':
        continue
      ofile, ocls, _ = found
      if ocls is cls:
        continue
      c = targets.get((ofile.rel, ocls.name))
      if c is not None:
        out.setdefault(id(c), []).append('%s.%s' % (finfo.module, cls.name))
  return {k: sorted(v) for k, v in out.items()}


# --------------------------------------------------------------------------
# Gin config checking.
# --------------------------------------------------------------------------

_BINDING_RE = re.compile(
    r'^\s*(?:(?P<scope>[\w./]+)/)?(?P<selector>[A-Za-z_][\w.]*)\.'
    r'(?P<param>[A-Za-z_]\w*)\s*=\s*(?P<value>.*)$')


def _strip_comment(line):
  out, quote = [], None
  for ch in line:
    if quote:
      if ch == quote:
        quote = None
    elif ch in '\'"':
      quote = ch
    elif ch == '#':
      break
    out.append(ch)
  return ''.join(out).rstrip()


def parse_gin_bindings(path):
  """Yields (lineno, scope, selector, param, value text) for simple configs."""
  with open(path, encoding='utf-8') as f:
    lines = f.read().split('\n')
  pending = None
  depth = 0
  for i, raw in enumerate(lines, 1):
    line = _strip_comment(raw)
    if pending is not None:
      pending[-1] += ' ' + line.strip()
      depth += line.count('[') + line.count('(') + line.count('{')
      depth -= line.count(']') + line.count(')') + line.count('}')
      if depth <= 0 and not line.endswith('\\'):
        yield tuple(pending)
        pending = None
      continue
    if not line.strip() or line.lstrip().startswith(('import ', 'include ')):
      continue
    m = _BINDING_RE.match(line)
    if not m:
      if '=' in line and not line.lstrip().startswith('%'):
        print('warning: unparsed line %s:%d: %s' % (path, i, raw),
              file=sys.stderr)
      continue
    value = m.group('value')
    depth = (value.count('[') + value.count('(') + value.count('{') -
             value.count(']') - value.count(')') - value.count('}'))
    item = [i, m.group('scope'), m.group('selector'), m.group('param'),
            value.strip()]
    if depth > 0 or value.endswith('\\'):
      pending = item
    else:
      yield tuple(item)


def match_selector(configurables, selector):
  """gin's SelectorMap suffix match on '.' boundaries."""
  out = []
  for c in configurables:
    full = c['module'] + '.' + c['name'] if c['module'] else c['name']
    if full == selector or full.endswith('.' + selector):
      out.append(c)
  return out


def check_configs(configs_dir, configurables):
  results = []  # (file, line, selector, param, status, configurable)
  for dirpath, dirnames, filenames in os.walk(configs_dir):
    dirnames.sort()
    for fn in sorted(filenames):
      if not fn.endswith('.gin'):
        continue
      path = os.path.join(dirpath, fn)
      rel = os.path.relpath(path, configs_dir)
      for lineno, _, selector, param, value in parse_gin_bindings(path):
        matches = match_selector(configurables, selector)
        if not matches:
          status = 'unknown configurable'
        elif len(matches) > 1:
          status = 'ambiguous: ' + ', '.join(
              m['module'] + '.' + m['name'] for m in matches)
        else:
          c = matches[0]
          names = [p['name'] for p in (c['params'] or [])]
          if param in names:
            status = 'ok'
          elif c.get('varkw'):
            status = 'only via **kwargs'
          else:
            status = 'no such parameter'
          if status == 'ok' and c['allowlist'] is not None and \
              param not in c['allowlist']:
            status = 'not in allowlist'
          if status == 'ok' and c['denylist'] and param in c['denylist']:
            status = 'in denylist'
        results.append((rel, lineno, selector, param, status,
                        matches[0] if len(matches) == 1 else None, value))
  return results


# --------------------------------------------------------------------------
# Output.
# --------------------------------------------------------------------------

def format_value(v):
  if v is None:
    return 'None'
  if v is True:
    return 'True'
  if v is False:
    return 'False'
  (k, x), = v.items()
  if k == 'int':
    return x
  if k == 'float':
    return repr(x)
  if k == 'str':
    return repr(x)
  if k == 'expr':
    return x
  if k == 'list':
    return '[' + ', '.join(format_value(e) for e in x) + ']'
  if k == 'tuple':
    inner = ', '.join(format_value(e) for e in x)
    return '(' + inner + (',)' if len(x) == 1 else ')')
  if k == 'dict':
    return '{' + ', '.join('%s: %s' % (format_value(a), format_value(b))
                           for a, b in x) + '}'
  return json.dumps(v)


def format_params(c):
  if c['params'] is None:
    return '(unknown)'
  parts = []
  for p in c['params']:
    if 'default' in p:
      shown = p.get('default_source') or format_value(p['default'])
      if p.get('default_source'):
        shown += ' (=%s)' % format_value(p['default'])
      parts.append('`%s=%s`' % (p['name'], shown.replace('|', '\\|')))
    else:
      parts.append('`%s`' % p['name'])
  if c.get('varargs'):
    parts.append('`*args`')
  if c.get('varkw'):
    parts.append('`**kwargs`')
  return ', '.join(parts) if parts else '(none)'


def write_markdown(path, data, checks, ibc_root_label, configs_label):
  confs = data['configurables']
  lines = []
  w = lines.append
  w('# IBC gin configurables')
  w('')
  w('Generated by `golden/export/gin_signatures.py` from the Python sources of '
    'google-research/ibc at commit `%s` (parsed with `ast`; IBC is neither '
    'imported nor vendored), then checked by hand against the sources. The '
    'machine-readable form is '
    '`src/main/resources/ibc4j/gin/ibc_configurables.json`.' % IBC_COMMIT)
  w('')
  w('Regenerate with:')
  w('')
  w('```')
  w('python3 golden/export/gin_signatures.py --ibc_root %s \\' % ibc_root_label)
  w('    --out src/main/resources/ibc4j/gin/ibc_configurables.json \\')
  w('    --configs %s --markdown docs/ibc-configurables.md' % configs_label)
  w('```')
  w('')
  bound = {}
  for r in checks:
    if r[5] is not None:
      bound.setdefault(id(r[5]), set()).add(r[2])
  w('%d configurables and %d constants. "Bound" marks the configurables that '
    'the 17 IBC configs (`ibc/configs/*/*.gin`) bind. Parameters without a '
    'default are required; a default that is not a literal is shown as its '
    'source expression.' % (len(confs), len(data['constants'])))
  w('')
  w('## Configurables')
  w('')
  w('| Configurable | Module | Kind | Source | Bound | Parameters (defaults) |')
  w('|---|---|---|---|---|---|')
  for c in confs:
    src = '`%s` (line %d)' % (c['source'], c['line'])
    notes = []
    if c.get('inherited_from'):
      notes.append('`__init__` inherited from `%s`' % c['inherited_from'])
    if c.get('shared_with_subclasses'):
      notes.append('subclasses sharing this selector: ' + ', '.join(
          '`%s`' % s for s in c['shared_with_subclasses']))
    if c['allowlist'] is not None:
      notes.append('allowlist ' + ', '.join(c['allowlist']))
    if c['denylist']:
      notes.append('denylist ' + ', '.join(c['denylist']))
    params = format_params(c)
    if notes:
      params += '<br>*' + '; '.join(notes) + '*'
    w('| `%s` | `%s` | %s | %s | %s | %s |' % (
        c['name'], c['module'], c['kind'], src,
        'yes' if id(c) in bound else '', params))
  w('')
  if data['constants']:
    w('## Constants')
    w('')
    w('| Constant | Module | Value | Source |')
    w('|---|---|---|---|')
    for k in data['constants']:
      val = format_value(k['value'])
      if 'enum_value' in k:
        val += ' (= %s)' % format_value(k['enum_value'])
      w('| `%s` | `%s` | `%s` | `%s` |' % (k['name'], k['module'], val,
                                         k['source']))
    w('')
  by_name = {}
  for c in confs:
    by_name.setdefault(c['name'], []).append(c)
  dup = {n: cs for n, cs in by_name.items() if len(cs) > 1}
  consts_by_name = {}
  for k in data['constants']:
    consts_by_name.setdefault(k['name'], []).append(k)
  dupk = {n: ks for n, ks in consts_by_name.items() if len(ks) > 1}
  w('## Ambiguous short names')
  w('')
  w('gin resolves a selector by suffix match on `.` boundaries, so a short '
    'name registered in two modules must be written with enough module '
    'components to be unique (or gin raises "Ambiguous selector").')
  w('')
  if not dup and not dupk:
    w('None.')
  for n in sorted(dup):
    w('- configurable `%s`: %s' % (n, ', '.join(
        '`%s.%s`' % (c['module'], c['name']) for c in dup[n])))
  for n in sorted(dupk):
    w('- constant `%%%s`: %s' % (n, ', '.join(
        '`%s.%s`' % (k['module'], k['name']) for k in dupk[n])))
  w('')
  if checks:
    w('## Bindings in the 17 IBC configs')
    w('')
    per = {}
    files = sorted(set(r[0] for r in checks))
    for r in checks:
      per.setdefault((r[2], r[3]), []).append(r)
    w('%d bindings in %d files, %d distinct `Name.param` keys.' % (
        len(checks), len(files), len(per)))
    w('')
    w('| Binding | Resolves to | Status | Files |')
    w('|---|---|---|---|')
    for (sel, param) in sorted(per, key=lambda k: (k[0].lower(), k[1])):
      rs = per[(sel, param)]
      c = rs[0][5]
      target = '`%s.%s`' % (c['module'], c['name']) if c else '-'
      w('| `%s.%s` | %s | %s | %d |' % (sel, param, target, rs[0][4],
                                         len(set(r[0] for r in rs))))
    w('')
    bad = [r for r in checks if r[4] != 'ok']
    w('Bindings that do not resolve to a named parameter: %s' % (
        'none.' if not bad else ''))
    for r in bad:
      w('- `%s:%d` `%s.%s`: %s' % (r[0], r[1], r[2], r[3], r[4]))
    w('')
  text = '\n'.join(lines).rstrip('\n') + '\n'
  # Keep a hand-written notes section of an earlier version of the file.
  if os.path.exists(path):
    with open(path, encoding='utf-8') as f:
      old = f.read()
    at = old.find(HAND_NOTES_MARKER)
    if at >= 0:
      text += '\n' + old[at:].rstrip('\n') + '\n'
  with open(path, 'w', encoding='utf-8') as f:
    f.write(text)
  return lines


def main(argv=None):
  ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  ap.add_argument('--ibc_root', required=True,
                  help='root of a google-research/ibc checkout')
  ap.add_argument('--out', required=True, help='output JSON path')
  ap.add_argument('--package', default=None,
                  help='top-level package name (default: basename of '
                       '--ibc_root)')
  ap.add_argument('--ibc_commit', default=IBC_COMMIT)
  ap.add_argument('--configs', default=None,
                  help='directory of .gin configs to check bindings against')
  ap.add_argument('--markdown', default=None,
                  help='also write a Markdown table to this path')
  args = ap.parse_args(argv)

  root = os.path.abspath(args.ibc_root)
  package = args.package or os.path.basename(root.rstrip(os.sep))
  files = load_files(root, package)
  ex = Extractor(files)
  ex.run()

  confs = sorted(ex.configurables,
                 key=lambda c: (c['module'] or '', c['name'], c['line']))
  consts = sorted(ex.constants,
                  key=lambda k: (k['module'] or '', k['name'], k['line']))
  shared = shared_by_subclasses(files, ex.index, confs)
  for c in confs:
    if id(c) in shared:
      c['shared_with_subclasses'] = shared[id(c)]
  data = {'ibc_commit': args.ibc_commit, 'configurables': confs,
          'constants': consts}
  os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
  with open(args.out, 'w', encoding='utf-8') as f:
    json.dump(data, f, indent=2, ensure_ascii=False)
    f.write('\n')
  print('%d configurables, %d constants -> %s' % (len(confs), len(consts),
                                                  args.out))

  checks = []
  if args.configs:
    checks = check_configs(args.configs, confs)
    for r in checks:
      if r[4] != 'ok':
        print('binding %s:%d %s.%s: %s' % (r[0], r[1], r[2], r[3], r[4]))
    print('%d bindings checked, %d not ok' % (
        len(checks), sum(1 for r in checks if r[4] != 'ok')))
  if args.markdown:
    os.makedirs(os.path.dirname(os.path.abspath(args.markdown)),
                exist_ok=True)
    write_markdown(args.markdown, data, checks,
                   '/path/to/ibc', '/path/to/ibc/ibc/configs')
    print('markdown -> %s' % args.markdown)
  return 0


if __name__ == '__main__':
  sys.exit(main())

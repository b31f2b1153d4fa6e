"""Component: one (component, case) manifest entry and the files it writes."""

import collections
import os
import shutil

import numpy as np

F32 = np.float32


def le_array(x, dtype=None):
  """C-order little-endian copy of x with an explicit dtype."""
  x = x.numpy() if hasattr(x, 'numpy') else x
  x = np.asarray(x)
  if dtype is None:
    if x.dtype == np.float64 and x.ndim == 0:
      dtype = '<f8'
    elif x.dtype.kind == 'f':
      dtype = '<f4'
    elif x.dtype == np.int64:
      dtype = '<i8'
    elif x.dtype.kind in 'iub':
      dtype = '<i4'
    else:
      raise ValueError('unsupported dtype %s' % x.dtype)
  # (np.ascontiguousarray would turn 0-d scalars into shape [1].)
  return np.array(x, order='C').astype(dtype, order='C')


DTYPE_NAMES = {'<f4': 'float32', '<f8': 'float64', '<i4': 'int32',
               '<i8': 'int64'}


class Component(object):
  """Collects one (component, case) entry and writes its files."""

  def __init__(self, out_dir, name, case, ibc_source, description):
    self.out_dir = out_dir
    self.name = name
    self.case = case
    self.entry = collections.OrderedDict([
        ('name', name), ('case', case), ('ibc_source', ibc_source),
        ('description', description), ('params', collections.OrderedDict()),
        ('seeds', collections.OrderedDict()), ('tensors', [])
    ])
    self.dir_rel = os.path.join(name, case)
    shutil.rmtree(os.path.join(out_dir, self.dir_rel), ignore_errors=True)
    os.makedirs(os.path.join(out_dir, self.dir_rel))
    self._names = set()

  def params(self, **kw):
    self.entry['params'].update(kw)

  def seeds(self, **kw):
    self.entry['seeds'].update(kw)

  def note(self, text):
    self.entry.setdefault('notes', []).append(text)

  def _add_entry(self, tname, rel, role, shape, dtype, extra):
    assert tname not in self._names, tname
    self._names.add(tname)
    e = collections.OrderedDict([('name', tname), ('file', rel),
                                 ('role', role), ('shape', list(shape)),
                                 ('dtype', dtype)])
    if extra:
      e.update(extra)
    self.entry['tensors'].append(e)

  def add(self, tname, value, role, dtype=None, **extra):
    assert role in ('input', 'weight', 'noise', 'output'), role
    arr = le_array(value, dtype)
    rel = os.path.join(self.dir_rel, tname + '.npy')
    np.save(os.path.join(self.out_dir, rel), arr, allow_pickle=False)
    self._add_entry(tname, rel, role, arr.shape, DTYPE_NAMES[arr.dtype.str],
                    extra)
    return arr

  def add_shared(self, tname, rel, role, **extra):
    """References a file written once per case (e.g. a weight set)."""
    arr = np.load(os.path.join(self.out_dir, rel))
    self._add_entry(tname, rel, role, arr.shape, DTYPE_NAMES[arr.dtype.str],
                    extra)

  def add_file(self, tname, src_path, role, fmt, **extra):
    rel = os.path.join(self.dir_rel, os.path.basename(src_path))
    shutil.copyfile(src_path, os.path.join(self.out_dir, rel))
    size = os.path.getsize(src_path)
    e = dict(format=fmt)
    e.update(extra)
    self._add_entry(tname, rel, role, [size], 'bytes', e)

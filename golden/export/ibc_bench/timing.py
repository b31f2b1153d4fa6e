"""Wall and CPU time of repeated calls, as bench compare reads them."""

import collections
import statistics
import time

from ibc_bench.machine import load_average


def summary(xs):
  return collections.OrderedDict([('median', statistics.median(xs)),
                                  ('min', min(xs)), ('max', max(xs)),
                                  ('n', len(xs))])


def time_calls(fn, warmup, repeats):
  """Wall and process-CPU ms of `repeats` calls after `warmup` calls."""
  for _ in range(warmup):
    fn()
  wall, cpu = [], []
  for _ in range(repeats):
    c = time.process_time()
    s = time.perf_counter()
    fn()
    wall.append((time.perf_counter() - s) * 1e3)
    cpu.append((time.process_time() - c) * 1e3)
  return wall, cpu


def figure(name, description, fn, warmup, repeats, extra=None):
  print('timing %-10s (%d warm-up, %d repeats) ...' % (name, warmup, repeats),
        flush=True)
  load_before = load_average()
  wall, cpu = time_calls(fn, warmup, repeats)
  f = collections.OrderedDict([
      ('description', description),
      ('warmup', warmup),
      ('repeats', repeats),
      ('ms', summary(wall)),
      ('cpu_ms', summary(cpu)),
      # Process CPU time over wall time: how many cores TF kept busy.
      ('cores_busy', summary([c / w for c, w in zip(cpu, wall)])),
      ('ms_samples', wall),
      ('load_average_before', load_before),
      ('load_average_after', load_average()),
  ])
  if extra:
    f.update(extra)
  m = f['ms']
  print('  %-10s median %10.3f ms  min %10.3f  max %10.3f   cores busy %.2f'
        % (name, m['median'], m['min'], m['max'], f['cores_busy']['median']),
        flush=True)
  return f

"""Runtime fix: gin bindings of mcmc.langevin_actions_given_obs on TF 2.15.

The same fix as export.py's _fix_gin_tf_function.  On TF 2.15, tf.function
builds its signature with inspect.signature, which follows the gin wrapper's
__wrapped__ to the undecorated function and binds its defaults
(num_iterations=25, ...) as explicit arguments, so gin never sees them missing
and its bindings (num_iterations=100) are silently ignored.  TF 2.6 used
getfullargspec (no __wrapped__), so gin applied.  Deleting __wrapped__ and
re-wrapping the gin wrapper restores that.  IBC's callers look the function up
on the module at call time, so they get the fixed one.
"""

import collections

import tensorflow as tf

from ibc.ibc.agents import mcmc

NOTE = ('mcmc.langevin_actions_given_obs: @tf.function over @gin.configurable '
        'ignores gin bindings on TF >= 2.9 (the tf.function signature follows '
        'the gin wrapper\'s __wrapped__ and fills in num_iterations=25); '
        '__wrapped__ is deleted and the gin wrapper re-wrapped in tf.function, '
        'restoring TF 2.6 behaviour (gin-bound num_iterations); checked by '
        'counting Langevin steps on every timed path before timing')

GIN_WRAPPER = mcmc.langevin_actions_given_obs.python_function
if hasattr(GIN_WRAPPER, '__wrapped__'):
  del GIN_WRAPPER.__wrapped__


def fresh_langevin_function():
  """A new tf.function over the gin wrapper (new function, new traces)."""
  mcmc.langevin_actions_given_obs = tf.function(GIN_WRAPPER)


fresh_langevin_function()


def count_langevin_steps(setup):
  """Runs each of setup.calls() once with mcmc.langevin_step counted.

  IBC's chain is a tf.range loop in a graph, so the count is a variable that
  every executed step increments.  The counting wrapper and the traces that
  contain it are thrown away afterwards: timing uses fresh tf.functions.
  """
  orig = mcmc.langevin_step
  counter = tf.Variable(0, dtype=tf.int64, trainable=False)

  def counting_step(*a, **k):
    counter.assign_add(1)
    return orig(*a, **k)

  mcmc.langevin_step = counting_step
  fresh_langevin_function()
  counts = collections.OrderedDict()
  try:
    for name, fn in setup.calls().items():
      counter.assign(0)
      fn()
      counts[name] = int(counter.numpy())
  finally:
    mcmc.langevin_step = orig
    fresh_langevin_function()
  return counts

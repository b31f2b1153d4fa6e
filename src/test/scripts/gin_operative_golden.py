#!/usr/bin/env python3
"""Writes the operative config real gin-config records for an IBC config, as a golden for GinBinderGoldenTest.

Each configurable in ibc_configurables.json is registered with gin under IBC's name and module, as a stub
with IBC's signature and defaults (non-literal defaults become an unprintable object, as in IBC). The config
and the run-script bindings are parsed and finalized, then every bound configurable is called once in each
scope it is bound in, passing only the required arguments gin has no binding for (as IBC's callers would).
gin's operative_config_str() is then what ibc4j's GinConfig.bindOnlyConfigString() must print, minus its
"# Set in" provenance comments.

Usage (gin-config needs only the standard library):
  PYTHONPATH=/path/to/gin-config python3 src/test/scripts/gin_operative_golden.py \
      configs/particle/mlp_ebm_langevin.gin > src/test/resources/ibc4j/gin/binder/particle_mlp_ebm_langevin.operative.gin
"""
import json
import sys

import gin
from gin import config as gin_config

BINDINGS = ["train_eval.dataset_path='ibc/data/x/*.tfrecord'", "ParticleEnv.n_dim=2"]
NOT_A_LITERAL = object()


def value(v):
  if v is None or isinstance(v, bool):
    return v
  (kind, x), = v.items()
  return {
      'int': lambda: int(x), 'float': lambda: float(x), 'str': lambda: x,
      'list': lambda: [value(i) for i in x], 'tuple': lambda: tuple(value(i) for i in x),
      'dict': lambda: {value(a): value(b) for a, b in x}, 'expr': lambda: NOT_A_LITERAL,
  }[kind]()


def register(registry_json):
  required = {}
  for c in registry_json['configurables']:
    params = [p['name'] + ('=_d[%r]' % p['name'] if 'default' in p else '') for p in c['params']]
    if c['varkw']:
      params.append('**kwargs')
    namespace = {'_d': {p['name']: value(p['default']) for p in c['params'] if 'default' in p}}
    exec('def stub(%s): return None' % ', '.join(params), namespace)
    gin.external_configurable(namespace['stub'], name=c['name'], module=c['module'])
    required[c['module'] + '.' + c['name']] = [p['name'] for p in c['params'] if 'default' not in p]
  return required


def main(config_file):
  with open('src/main/resources/ibc4j/gin/ibc_configurables.json') as f:
    required = register(json.load(f))
  gin.parse_config_files_and_bindings([config_file], BINDINGS)
  for scope, selector in list(gin_config._CONFIG):
    if selector == 'gin.macro':
      continue
    bound = gin_config._get_bindings(selector, scope.split('/') if scope else [])
    with gin.config_scope(scope or None):
      gin_config._REGISTRY[selector].wrapper(**{p: 0 for p in required[selector] if p not in bound})
  sys.stdout.write(gin.operative_config_str())


if __name__ == '__main__':
  main(sys.argv[1])

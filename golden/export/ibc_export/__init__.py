"""Golden-tensor exporter for ibc4j (entry point: golden/export/export.py).

Modules, in the order export.py uses them:
  procenv     process environment (re-exec, pybullet stubs, TF threading);
              no TensorFlow import at module level
  cli         command line (parsed by export.py, never at import)
  cases       CaseConfig, cases.json / --case parsing, seeds
  context     ExportContext: the parsed command line and resolved cases
  constants   component order, runtime fixes, instrumentation (text only)
  -- the modules below import TensorFlow and IBC (after procenv set up) --
  records     Component: writes one (component, case) entry and its files
  randomness  RandomTape: injected draws for TF's raw sampling kernels
  taps        recording taps inside IBC (mcmc, losses, Keras layers)
  state       CaseState / MseState: data, normalizers, network, agent
  helpers     weight, observation and action helpers shared by components
  comp_*      the components, one module per group
  components  name -> component function
  manifest    producer block and manifest.json
  runner      the export loop
"""

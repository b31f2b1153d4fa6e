"""ibc4j's environment bridge: serves IBC's own environments to ibc4j over stdin/stdout.

Modules: wire (framing and the envelope, stdlib only), preflight (what must be installed), envs (IBC's env,
oracle and metrics construction), server (the request loop), fake_server (a stdlib-only stand-in for tests).
"""
PROTOCOL_VERSION = 1

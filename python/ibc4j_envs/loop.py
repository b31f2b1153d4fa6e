"""The request loop shared by the real and the fake server (stdlib only).

stdout carries frames only: before anything is imported that might print (TensorFlow, pybullet's C code writes
to file descriptor 1), the loop keeps a private copy of fd 1 for frames and points fd 1 at stderr.
"""
import json
import os
import sys
import traceback

from ibc4j_envs import wire


class SetupError(Exception):
  """Something the user must install or pass; the message says what. The server exits with status 2."""


class RequestError(Exception):
  """A request the server cannot serve (unknown op, wrong shape); the session goes on."""


def take_stdout():
  """(frame input, frame output): stdin, and a private dup of stdout; fd 1 then goes to stderr."""
  out = os.fdopen(os.dup(1), 'wb', buffering=0)
  os.dup2(2, 1)
  sys.stdout = sys.stderr
  return sys.stdin.buffer, out


def send(out, error='', tensors=None, payload=None, error_kind=''):
  text = json.dumps(payload) if payload is not None else ''
  wire.write_frame(out, wire.encode_message(error, tensors or {}, text, error_kind))


def send_setup_error_and_exit(out, message):
  sys.stderr.write('ibc4j_envs: %s\n' % message)
  send(out, error=message, error_kind='setup')
  sys.exit(2)


def serve(handler, inp, out):
  """Answers requests until 'close' or the end of stdin (the parent is gone); returns the exit status.

  handler(op, tensors, args) returns (tensors, payload) or raises; 'close' is answered, then the loop ends.
  """
  while True:
    try:
      frame = wire.read_frame(inp)
    except wire.WireError as e:
      sys.stderr.write('ibc4j_envs: bad frame: %s\n' % e)
      return 3
    if frame is None:
      return 0
    op = ''
    try:
      op, tensors, text, _ = wire.decode_message(frame)
      args = json.loads(text) if text else {}
      result_tensors, payload = handler(op, tensors, args)
      send(out, tensors=result_tensors, payload=payload)
    except SetupError as e:
      send(out, error=str(e), error_kind='setup')
    except (RequestError, wire.WireError, ValueError, KeyError, TypeError) as e:
      send(out, error='%s: %s' % (type(e).__name__, e), error_kind='request')
    except Exception as e:  # pylint: disable=broad-except
      tb = traceback.format_exc()
      sys.stderr.write(tb)
      send(out, error='%s: %s' % (type(e).__name__, e), error_kind='env')
    if op == 'close':
      return 0

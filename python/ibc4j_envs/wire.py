"""Length-prefixed protobuf framing and the bridge envelope, in stdlib Python.

A frame is a 4-byte big-endian length followed by that many bytes of one serialized message. The messages are
those of ibc4j's src/main/proto/ibc4j/bridge/bridge.proto:

  Request  { string op = 1; map<string, tensorflow.TensorProto> tensors = 2; string json = 3; }
  Response { string error = 1; map<string, tensorflow.TensorProto> tensors = 2; string json = 3;
             string error_kind = 4; }

TensorProto is TensorFlow's (dtype = 1, tensor_shape = 2 with repeated Dim dim = 2 {int64 size = 1},
tensor_content = 4: raw little-endian C-order bytes). Hand-encoded so that the fake server and CI need nothing
but the standard library; a tensor here is a Tensor(dtype, shape, content) triple.
"""
import collections
import struct

MAX_FRAME_BYTES = 64 * 1024 * 1024

# TensorFlow's DataType numbers, with the struct format of one element.
DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT64, DT_BOOL = 1, 2, 3, 4, 9, 10
FORMATS = {DT_FLOAT: 'f', DT_DOUBLE: 'd', DT_INT32: 'i', DT_UINT8: 'B', DT_INT64: 'q', DT_BOOL: '?'}

Tensor = collections.namedtuple('Tensor', ['dtype', 'shape', 'content'])


class WireError(Exception):
  """A frame or message that does not parse."""


def tensor_of(dtype, shape, values):
  """A Tensor from a flat sequence of Python numbers."""
  n = 1
  for d in shape:
    n *= d
  if len(values) != n:
    raise WireError('tensor of shape %s needs %d values, got %d' % (list(shape), n, len(values)))
  return Tensor(dtype, tuple(shape), struct.pack('<%d%s' % (n, FORMATS[dtype]), *values))


def values_of(t):
  """The flat tuple of a Tensor's values."""
  size = struct.calcsize(FORMATS[t.dtype])
  return struct.unpack('<%d%s' % (len(t.content) // size, FORMATS[t.dtype]), t.content)


def _varint(n):
  if n < 0:
    n += 1 << 64
  out = bytearray()
  while True:
    b = n & 0x7F
    n >>= 7
    if n:
      out.append(b | 0x80)
    else:
      out.append(b)
      return bytes(out)


def _key(field, wire_type):
  return _varint((field << 3) | wire_type)


def _len_field(field, payload):
  return _key(field, 2) + _varint(len(payload)) + payload


def _read_varint(buf, pos):
  shift = 0
  result = 0
  while True:
    if pos >= len(buf):
      raise WireError('truncated varint')
    b = buf[pos]
    pos += 1
    result |= (b & 0x7F) << shift
    if not b & 0x80:
      return result, pos
    shift += 7
    if shift > 63:
      raise WireError('varint too long')


def _fields(buf):
  """Yields (field, wire_type, value) for each field of a message; value is an int or bytes."""
  pos = 0
  while pos < len(buf):
    key, pos = _read_varint(buf, pos)
    field, wire_type = key >> 3, key & 7
    if wire_type == 0:
      value, pos = _read_varint(buf, pos)
    elif wire_type == 2:
      n, pos = _read_varint(buf, pos)
      if pos + n > len(buf):
        raise WireError('truncated field %d' % field)
      value, pos = bytes(buf[pos:pos + n]), pos + n
    elif wire_type == 1:
      value, pos = bytes(buf[pos:pos + 8]), pos + 8
    elif wire_type == 5:
      value, pos = bytes(buf[pos:pos + 4]), pos + 4
    else:
      raise WireError('unsupported wire type %d' % wire_type)
    yield field, wire_type, value


def encode_tensor(t):
  shape = b''.join(_len_field(2, _key(1, 0) + _varint(d)) for d in t.shape)
  return _key(1, 0) + _varint(t.dtype) + _len_field(2, shape) + _len_field(4, t.content)


def decode_tensor(buf):
  dtype, shape, content = 0, [], b''
  for field, _, value in _fields(buf):
    if field == 1:
      dtype = value
    elif field == 2:
      for f, _, dim in _fields(value):
        if f == 2:
          size = 0
          for g, _, v in _fields(dim):
            if g == 1:
              size = v
          shape.append(size)
    elif field == 4:
      content = value
  if dtype not in FORMATS:
    raise WireError('unsupported tensor dtype %d' % dtype)
  return Tensor(dtype, tuple(shape), content)


def encode_message(first, tensors, json_text, error_kind=''):
  """Request (first = op) or Response (first = error): the same layout up to field 4."""
  out = bytearray()
  if first:
    out += _len_field(1, first.encode('utf-8'))
  for name in sorted(tensors):
    entry = _len_field(1, name.encode('utf-8')) + _len_field(2, encode_tensor(tensors[name]))
    out += _len_field(2, entry)
  if json_text:
    out += _len_field(3, json_text.encode('utf-8'))
  if error_kind:
    out += _len_field(4, error_kind.encode('utf-8'))
  return bytes(out)


def decode_message(buf):
  """(first, tensors, json_text, error_kind) of a Request or Response."""
  first, tensors, json_text, error_kind = '', {}, '', ''
  for field, _, value in _fields(buf):
    if field == 1:
      first = value.decode('utf-8')
    elif field == 2:
      name, tensor = '', None
      for f, _, v in _fields(value):
        if f == 1:
          name = v.decode('utf-8')
        elif f == 2:
          tensor = decode_tensor(v)
      tensors[name] = tensor
    elif field == 3:
      json_text = value.decode('utf-8')
    elif field == 4:
      error_kind = value.decode('utf-8')
  return first, tensors, json_text, error_kind


def read_frame(stream):
  """The next frame's bytes, or None at a clean end of input."""
  head = stream.read(4)
  if not head:
    return None
  if len(head) < 4:
    raise WireError('truncated frame header')
  (n,) = struct.unpack('>I', head)
  if n > MAX_FRAME_BYTES:
    raise WireError('frame of %d bytes exceeds the limit of %d' % (n, MAX_FRAME_BYTES))
  body = stream.read(n)
  if len(body) < n:
    raise WireError('truncated frame: %d of %d bytes' % (len(body), n))
  return body


def write_frame(stream, payload):
  if len(payload) > MAX_FRAME_BYTES:
    raise WireError('frame of %d bytes exceeds the limit of %d' % (len(payload), MAX_FRAME_BYTES))
  stream.write(struct.pack('>I', len(payload)) + payload)
  stream.flush()

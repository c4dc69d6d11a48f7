"""str/bytes repairs beyond the failing operand: either type accepted, decoded at the source, formatted bytes."""

from __future__ import annotations

import ast

from graphs.auto_fix.candidates import FixContext
from graphs.auto_fix.text_bytes import ascii_json, decode_at_source, decode_formatted_bytes, either_type
from tests.auto_fix.snippets import working_codes


def _ctx(code: str, error_class: str, message: str, line: int | None = None,
         suspicious: list[int] | None = None) -> FixContext:
    return FixContext(code=code, tree=ast.parse(code), error_class=error_class, exception_type=None,
                      message=message, line=line, suspicious=suspicious or ([line] if line else []))


CHECKSUM = '''import zlib


def checksum(payload):
    """CRC32 of a payload given as str or bytes."""
    return zlib.crc32(payload) & 0xFFFFFFFF
'''


def test_either_type_converts_only_the_wrong_type():
    ctx = _ctx(CHECKSUM, "type_error", "a bytes-like object is required, not 'str'", line=6)
    cands = either_type(ctx)
    assert cands and "isinstance(payload, str)" in cands[0].code
    expected = 0x3610A686  # crc32(b"hello")
    assert working_codes(cands, "checksum", ("hello",), expected)
    assert working_codes(cands, "checksum", (b"hello",), expected)


def test_either_type_stays_off_locals_and_unrelated_errors():
    local = CHECKSUM.replace("return zlib.crc32(payload)", "data = str(payload)\n    return zlib.crc32(data)")
    assert not either_type(_ctx(local, "type_error", "a bytes-like object is required, not 'str'", line=7))
    assert not either_type(_ctx(CHECKSUM, "type_error", "unsupported operand type(s) for &", line=6))


FRAME = '''def frame_kind(frame):
    """Kind of a text-protocol frame read from a socket (bytes), e.g. b"PING 12" -> "PING"."""
    header = frame.split(b"\\n", 1)[0]
    kind, _, rest = header.partition(" ")
    return kind
'''


def test_decode_at_source_decodes_where_the_bytes_are_computed():
    ctx = _ctx(FRAME, "type_error", "a bytes-like object is required, not 'str'", line=4)
    cands = decode_at_source(ctx)
    assert cands and "header = frame.split(b'\\n', 1)[0].decode('utf-8')" in cands[0].code
    assert working_codes(cands, "frame_kind", (b"PING 12\nbody",), "PING")
    assert not decode_at_source(_ctx(FRAME, "type_error", "unsupported operand type(s) for +", line=4))


TOKEN = '''import hashlib


def cache_key(user_id, version):
    """Cache key like "user:42:<sha1 of the version>"."""
    digest = hashlib.sha1(str(version).encode()).hexdigest().encode()
    return f"user:{user_id}:{digest}"
'''


def test_decode_formatted_bytes_decodes_a_bytes_value_put_into_an_f_string():
    message = "AssertionError: assert \"user:1:b'8aefb'\" == 'user:1:8aefb'"
    cands = decode_formatted_bytes(_ctx(TOKEN, "wrong_output", message, suspicious=[7, 6]))
    assert cands
    import hashlib
    want = "user:1:" + hashlib.sha1(b"3").hexdigest()
    assert working_codes(cands, "cache_key", (1, 3), want)
    # no "b'...'" in the output: nothing to decode
    assert not decode_formatted_bytes(_ctx(TOKEN, "wrong_output", "assert 'x' == 'y'", suspicious=[7, 6]))
    # pytest shortened the value in the assertion line; its diff line shows the bytes repr whole
    ctx = _ctx(TOKEN, "wrong_output", "assert 'user:1:...8aefb\\''", suspicious=[7, 6])
    ctx.hints = "E     - user:1:8aefb\nE     + user:1:b'8aefb'\ndef test_x():\n    f(b'raw')\n"
    assert decode_formatted_bytes(ctx)
    ctx.hints = "def test_x():\n    f(b'raw')\n"  # a bytes literal in the tests is not shown output
    assert not decode_formatted_bytes(ctx)


def test_json_keeps_non_ascii_characters_when_the_tests_spell_them_out():
    code = "import json\n\n\ndef export(name):\n    return json.dumps({'name': name})\n"
    ctx = _ctx(code, "wrong_output", "assert '\"name\": \"M\\\\u00fcsli\"' == ...")
    ctx.hints = "def test_x():\n    assert '\"Müsli\"' in export('Müsli')\n"
    assert working_codes(ascii_json(ctx), "export", ("Müsli",), '{"name": "Müsli"}')
    ctx.hints = "def test_x():\n    assert export('x')\n"
    assert ascii_json(ctx) == []

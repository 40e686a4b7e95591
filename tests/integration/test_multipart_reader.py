"""read_multipart, the one-pass multipart reader of the upload route, against werkzeug's own
parser: the same fields and files for any well-formed body (hypothesis), whatever the read
size; a clean ValueError or RequestEntityTooLarge for anything else, never another error."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser

from portal.core.multipart import MAX_HEADER_BYTES, read_multipart

BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?"
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


class Container(io.BytesIO):
    """What a stream factory returns; BytesIO accepts the reader's memoryview slices."""


def factory(**kwargs) -> Container:
    return Container()


def encode(parts, boundary: str, *, preamble: bytes = b"", epilogue: bytes = b"",
           padding: bytes = b"") -> bytes:
    """RFC 7578 as browsers write it: CRLF everywhere."""
    delimiter = b"--" + boundary.encode()
    out = [preamble + (b"\r\n" if preamble else b"")]
    for part in parts:
        out.append(delimiter + padding + b"\r\n")
        if part["filename"] is None:
            out.append(f'Content-Disposition: form-data; name="{part["name"]}"\r\n'.encode())
        else:
            out.append(f'Content-Disposition: form-data; name="{part["name"]}"; '
                       f'filename="{part["filename"]}"\r\n'.encode())
            out.append(b"Content-Type: application/pdf\r\n")
        out.append(b"\r\n" + part["body"] + b"\r\n")
    out.append(delimiter + b"--" + padding + b"\r\n" + epilogue)
    return b"".join(out)


def werkzeug_parse(body: bytes, boundary: str):
    form, files = MultiPartParser(stream_factory=factory).parse(
        io.BytesIO(body), boundary.encode(), len(body))
    return _plain(list(form.items(multi=True)), list(files.items(multi=True)))


def ours(body: bytes, boundary: str, read_size: int = 256 * 1024, **limits):
    fields, files = read_multipart(io.BytesIO(body), boundary.encode(), factory,
                                   read_size=read_size, **limits)
    # As the request holds them (MultiDict: values grouped by name, in order).
    return _plain(list(MultiDict(fields).items(multi=True)),
                  list(MultiDict(files).items(multi=True)))


def _plain(fields, files):
    return fields, [(name, f.filename, f.content_type, f.stream.read()) for name, f in files]


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
boundaries = st.text(alphabet=BCHARS, min_size=1, max_size=70)


@st.composite
def bodies(draw):
    """Part contents made of the pieces that trouble a parser: line breaks, dashes, and
    prefixes of the delimiter itself."""
    boundary = draw(boundaries)
    pieces = st.sampled_from([b"\r\n", b"\r", b"\n", b"-", b"--", b"\r\n-",
                              b"\r\n--" + boundary.encode()[: max(1, len(boundary) // 2)],
                              b"%PDF-1.7", b"\x00\xff", "Tờ khai".encode()])
    content = st.lists(st.one_of(pieces, st.binary(max_size=40)), max_size=12).map(b"".join)
    # RFC 2046 §5.1.1: the delimiter (CRLF, "--", boundary) must not occur in a part, nor
    # begin inside it; clients pick a boundary that makes sure of it.
    delimiter = b"\r\n--" + boundary.encode()
    content = content.filter(
        lambda c: (b"\r\n" + c + delimiter).find(delimiter) == len(c) + 2)
    parts = draw(st.lists(st.fixed_dictionaries({
        "name": names,
        "filename": st.one_of(st.none(), st.sampled_from(["", "a.pdf", "Tờ khai.pdf"])),
        "body": content,
    }), min_size=1, max_size=5))
    padding = draw(st.sampled_from([b"", b" ", b"\t "]))
    preamble = draw(st.sampled_from([b"", b"preamble text"]))
    epilogue = draw(st.sampled_from([b"", b"epilogue\r\n"]))
    return encode(parts, boundary, preamble=preamble, epilogue=epilogue,
                  padding=padding), boundary


@FAST
@given(bodies(), st.integers(min_value=1, max_value=300))
def test_same_result_as_werkzeug_for_any_read_size(case, read_size):
    body, boundary = case
    assert ours(body, boundary, read_size) == werkzeug_parse(body, boundary)


@FAST
@given(st.binary(max_size=400), boundaries, st.integers(min_value=1, max_value=64))
def test_garbage_is_a_clean_refusal(body, boundary, read_size):
    try:
        ours(body, boundary, read_size, max_form_parts=50, max_form_memory_size=1000)
    except (ValueError, RequestEntityTooLarge):
        pass


@FAST
@given(bodies(), st.data())
def test_a_truncated_body_is_refused(case, data):
    body, boundary = case
    end = body.rindex(b"--" + boundary.encode() + b"--")  # cut before the close delimiter
    cut = data.draw(st.integers(min_value=0, max_value=end))
    with pytest.raises(ValueError):
        ours(body[:cut], boundary, read_size=data.draw(st.integers(1, 100)))


def test_a_large_file_is_written_in_slices_of_the_read_buffer():
    content = bytes(range(256)) * 4096  # 1 MiB
    body = encode([{"name": "files", "filename": "x.pdf", "body": content}], "b0undary")
    writes = []

    class Recording(Container):
        def write(self, data):
            writes.append(len(data))
            return super().write(data)

    fields, files = read_multipart(io.BytesIO(body), b"b0undary", lambda **kw: Recording(),
                                   read_size=64 * 1024)
    [(_, stored)] = files
    assert stored.stream.read() == content and stored.filename == "x.pdf"
    capacity = 64 * 1024 + MAX_HEADER_BYTES  # the reader's buffer: memory stays bounded
    assert max(writes) <= capacity and len(writes) >= len(content) // capacity


def test_file_parts_get_the_factory_arguments():
    seen = []

    def recording_factory(**kwargs):
        seen.append(kwargs)
        return Container()

    body = encode([{"name": "files", "filename": "a.pdf", "body": b"%PDF-"}], "xyz")
    read_multipart(io.BytesIO(body), b"xyz", recording_factory, content_length=len(body))
    assert seen == [{"total_content_length": len(body), "content_type": "application/pdf",
                     "filename": "a.pdf", "content_length": None}]


def test_rfc_2231_file_names():
    body = (b"--b\r\nContent-Disposition: form-data; name=\"files\"; "
            b"filename*=UTF-8''T%E1%BB%9D%20khai.pdf\r\n\r\ndata\r\n--b--\r\n")
    _, [(_, name, _, content)] = ours(body, "b")
    assert (name, content) == ("Tờ khai.pdf", b"data")


def test_too_many_parts():
    parts = [{"name": f"f{i}", "filename": None, "body": b"x"} for i in range(6)]
    body = encode(parts, "b")
    assert len(ours(body, "b", max_form_parts=6)[0]) == 6
    with pytest.raises(RequestEntityTooLarge):
        ours(body, "b", max_form_parts=5)


def test_text_field_over_the_memory_limit():
    body = encode([{"name": "csrf_token", "filename": None, "body": b"x" * 101}], "b")
    with pytest.raises(RequestEntityTooLarge):
        ours(body, "b", read_size=16, max_form_memory_size=100)
    assert ours(body, "b", max_form_memory_size=101)[0] == [("csrf_token", "x" * 101)]


@pytest.mark.parametrize("body, reason", [
    (b"", "no delimiter"),
    (b"--b\r\n\r\nno name\r\n--b--\r\n", "a part without a name"),
    (b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n" + b"X: y\r\n" * 3000,
     "headers too long"),
    (b"--b\r\nnot a header\r\n\r\nx\r\n--b--\r\n", "malformed header"),
    (b"--bxx\r\n", "delimiter not followed by a line break"),
    (b"text--b\r\n", "delimiter not at the start of a line"),
    (b"--b\nContent-Disposition: form-data; name=\"a\"\n\nx\n--b--\n", "LF line breaks"),
])
def test_malformed_bodies_are_refused(body, reason):
    with pytest.raises(ValueError):
        ours(body, "b")


@pytest.mark.parametrize("boundary", [b"", b"x" * 201])
def test_invalid_boundaries(boundary):
    with pytest.raises(ValueError):
        read_multipart(io.BytesIO(b"--x--\r\n"), boundary, factory)


def test_a_stream_without_readinto():
    class ReadOnly:
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def read(self, size=-1):
            return self._data.read(size)

    body = encode([{"name": "files", "filename": "a.pdf", "body": b"%PDF-1.7 abc"}], "b")
    fields, files = read_multipart(ReadOnly(body), b"b", factory, read_size=5)
    assert files[0][1].stream.read() == b"%PDF-1.7 abc"

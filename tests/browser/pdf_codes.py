"""The voting codes printed in a poll-card PDF, read from its content streams.

A stream's data ends where `endstream` begins, less one end-of-line; compressed data may itself
end in a carriage return, so the text is inflated with decompressobj, which ignores any bytes
after the compressed data, rather than by trimming line ends (a page whose data ended in \\r was
missed about once in 256 pages)."""

import re
import zlib

CODE = re.compile(rb"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}")


def codes_in_pdf(data: bytes) -> list[str]:
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            text = zlib.decompressobj().decompress(stream)
        except zlib.error:
            text = stream
        found += [m.decode() for m in CODE.findall(text)]
    return found

"""Every PDF and PNG that Vigie typesets goes through :func:`compile_pdf` (typst).

The values reach typst as data (``sys.inputs``, read by the template with ``json()``), never spliced into its
markup, so a title such as ``#import`` or ``$x$`` prints as written. Only the fonts typst carries (Libertinus
Serif) and, when given and present, one folder of fonts (``DEJAVU``) are used, never the system's: a document
looks the same on every machine, and no compile scans the system's fonts.

``isolated=True`` compiles in a fresh child process: typst memoises layout work in a cache global to the
process, which nothing here can empty; in a long-lived worker every 1,000-letter batch added 1 to 2 GB to it
and compiled slower as it grew (measured: 5.3 s for the first batch of a process, 8 to 10 s for the next ones,
6 GB resident after four). A child per batch (about 0.1 s to start) keeps each compile at first-batch speed and
gives its memory back. ``reuse=True`` keeps one compiler per template folder for the process instead (it keeps
fonts and templates loaded: a small document then takes ~2 ms).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

import typst

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

_lock = threading.Lock()
_compilers: dict[tuple[str, tuple[str, ...]], typst.Compiler] = {}


def _font_paths(fonts: Path | None) -> list[str]:
    return [str(fonts)] if fonts is not None and fonts.is_dir() else []


def _in_child(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` run in a fresh (spawned) child process."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args, **kwargs).result()


def compile_pdf(
    template: Path,
    inputs: Mapping[str, str],
    *,
    root: Path | None = None,
    fonts: Path | None = None,
    fmt: Literal["pdf", "png"] = "pdf",
    ppi: float | None = None,
    pdf_tags: bool = True,
    isolated: bool = False,
    reuse: bool = False,
) -> bytes:
    """The document ``template`` typeset with ``inputs`` (its ``sys.inputs``): a PDF, or the first page as PNG.

    ``root`` (the folder typst may read files from) defaults to the template's folder.
    """
    folder = str(root or template.parent)
    font_paths = _font_paths(fonts)
    options: dict[str, Any] = {"format": fmt, "sys_inputs": dict(inputs), "pdf_tags": pdf_tags}
    if ppi is not None:
        options["ppi"] = ppi
    if reuse:
        key = (folder, tuple(font_paths))
        with _lock:
            compiler = _compilers.get(key)
            if compiler is None:
                compiler = _compilers[key] = typst.Compiler(
                    root=folder, font_paths=list(font_paths), ignore_system_fonts=True
                )
            output = compiler.compile(input=str(template), **options)
    else:
        arguments: dict[str, Any] = {"root": folder, "font_paths": font_paths, "ignore_system_fonts": True, **options}
        if isolated:
            output = _in_child(typst.compile, str(template), **arguments)
        else:
            output = typst.compile(str(template), **arguments)
    if isinstance(output, list):  # several pages as PNG: the first one
        output = output[0]
    assert output is not None  # noqa: S101  # typst returns None only when it writes to a file
    return bytes(output)


def query(
    template: Path,
    selector: str,
    inputs: Mapping[str, str],
    *,
    field: str = "value",
    root: Path | None = None,
    fonts: Path | None = None,
    isolated: bool = False,
) -> str:
    """typst's answer (JSON) to ``selector`` on the document ``template`` typeset with ``inputs``: where its
    labelled elements fall, for instance. The same fonts and isolation as :func:`compile_pdf`."""
    arguments: dict[str, Any] = {
        "field": field,
        "format": "json",
        "root": str(root or template.parent),
        "font_paths": _font_paths(fonts),
        "ignore_system_fonts": True,
        "sys_inputs": dict(inputs),
    }
    if isolated:
        return str(_in_child(typst.query, str(template), selector, **arguments))
    return typst.query(str(template), selector, **arguments)

"""Figures as SVG for the documents, drawn by one Chromium kept running (Kaleido).

Starting the browser takes seconds and drawing a figure a fraction of one, so the first call
starts it (or the job consumer does, at start, with ``start_svg_export``) and it stays until the
process ends. The export works offline: Plotly's JavaScript comes from the installed ``plotly``
package and MathJax, which Kaleido would load from a CDN, is switched off.
"""

from __future__ import annotations

import os
import shutil
import threading
import xml.etree.ElementTree as ET

import kaleido

from reports._errors import ExportFailed
from reports._figures import FigureSpec

_SVG = "{http://www.w3.org/2000/svg}svg"
# Kaleido's server answers one call at a time through shared queues; two threads of a job
# consumer calling at once could take each other's answers.
_lock = threading.Lock()


def start_svg_export(browser: str | None = None) -> None:
    """Start the browser that draws SVGs, if it is not running yet.

    ``browser`` is the path of Chromium or Chrome; without it ``BROWSER_PATH`` or ``chromium``
    on the ``PATH`` is used (Debian's ``/usr/bin/chromium``).
    """
    with _lock:
        _start(browser)


def stop_svg_export() -> None:
    """Stop the browser that draws SVGs, if it runs."""
    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)


def figure_svg(figure: FigureSpec, *, width: int = 800, height: int | None = None) -> bytes:
    """Return ``figure`` drawn as an SVG document of ``width`` × ``height`` CSS pixels.

    ``height`` defaults to the figure's own layout height. Raises ``ExportFailed`` when the
    browser is missing or does not answer, or answers with something that is not SVG.
    """
    layout = figure.get("layout", {})
    options = {"format": "svg", "width": width, "height": height or layout.get("height") or 420}
    with _lock:
        _start(None)
        try:
            svg = kaleido.calc_fig_sync(figure, opts=options)
        except Exception as error:
            raise ExportFailed(
                f"The browser did not draw the figure {layout.get('title', {}).get('text')!r}: "
                f"{error}",
                hint="Check that Chromium runs on this machine; the job can be retried.",
            ) from error
    if not isinstance(svg, bytes) or not _is_svg(svg):
        raise ExportFailed(
            "The browser answered with something that is not an SVG document.",
            hint="Retry the job; if it fails again, the installed Kaleido may not fit Plotly.",
        )
    return svg


def _start(browser: str | None) -> None:
    # Kaleido offers no public way to ask whether its server runs.
    if kaleido._global_server.is_running():
        return
    path = browser or os.environ.get("BROWSER_PATH") or shutil.which("chromium")
    # A missing browser would leave Kaleido's server thread dead and every later call waiting.
    if not path or not os.access(path, os.X_OK):
        raise ExportFailed(
            f"No browser to draw figures was found (looked for {path or 'chromium'!r}).",
            hint="Install Debian's chromium or set BROWSER_PATH to a Chromium or Chrome.",
        )
    kaleido.start_sync_server(path=path, mathjax=False, timeout=60, silence_warnings=True)


def _is_svg(data: bytes) -> bool:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return False
    return root.tag == _SVG

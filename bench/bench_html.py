"""HTML extraction speed: bytes → contract JSON, against the parse alone.

For each page: the median over repeated runs of (a) ``extract_bytes`` + ``json.dumps`` and
(b) ``BeautifulSoup(text, "lxml")`` on the same decoded text, which is the floor any
bs4-based reader pays. Targets (issue 2): ratio ≤ 2.0, median ≤ 60 ms per page.
Pages: the real pages in ../shared/corpus/real and Word-exported pages of 100-370 KB rendered
by the fixture renderer.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.decode import decode_bytes
from pipeline.extract import extract_bytes
from pipeline.samples.render import render_html
from tests.extract.contract_reports import report

REPEATS = 15
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"


def median_ms(fn, repeats: int = REPEATS) -> float:
    fn()  # warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def pages() -> list[tuple[str, bytes]]:
    out = [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.html"))]
    quirks = frozenset({"word_markup", "nested_layout", "label_noise"})
    for padding in (180, 600, 980):
        data = render_html(report(split_other=True), quirks=quirks, padding_paragraphs=padding)
        out.append((f"word-export-{len(data) // 1024}KB", data))
    return out


def main() -> None:
    rows = []
    for name, data in pages():
        text = decode_bytes(data)
        ours = median_ms(lambda data=data: json.dumps(extract_bytes(data), ensure_ascii=False))
        floor = median_ms(lambda text=text: BeautifulSoup(text, "lxml"))
        status = extract_bytes(data)["status"]
        rows.append((name, len(data) // 1024, ours, floor, ours / floor, status))
    print(f"{'page':<32}{'KB':>6}{'extract ms':>12}{'bs4 ms':>10}{'ratio':>8}  status")
    for name, kb, ours, floor, ratio, status in rows:
        print(f"{name:<32}{kb:>6}{ours:>12.1f}{floor:>10.1f}{ratio:>8.2f}  {status}")
    med = statistics.median(r[2] for r in rows)
    worst = max(r[4] for r in rows)
    print(
        f"median extract: {med:.1f} ms/page (target ≤ 60);"
        f" worst ratio to bs4 parse: {worst:.2f} (target ≤ 2.0)"
    )


if __name__ == "__main__":
    main()

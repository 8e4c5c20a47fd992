"""Import benchmark: `sopgen import` of Word files built like the reference SOP.

    python bench/bench_import.py               # 6, 50 and 200 steps, a 1,000-row refusal, deep nesting
    python bench/bench_import.py 6 100

Prints, per document: its size, the time to read it into a YAML text (best of 3; convert()
only, no validation), and the peak memory of that read (tracemalloc). The cost should follow
the document's real content: a table over the row limit is refused after counting its rows.
"""

from __future__ import annotations

import copy
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sopdocx import Step, build_docx, reference_document  # noqa: E402

from sopgen.authoring.importer import ImportProblem, convert  # noqa: E402
from sopgen.source.project import load_project  # noqa: E402


def document(steps: int, folder: Path) -> Path:
    doc = reference_document()
    base = doc.steps[:5]
    doc.steps = [Step(f"{base[i % 5].aktivitas} ({i + 1})", base[i % 5].lanes, "dokumen", "5", "dokumen") for i in range(steps - 1)]
    doc.steps.append(reference_document().steps[-1])
    doc.tidak = max(1, steps - 2)
    return build_docx(doc, folder / f"sop-{steps}.docx")


def too_long(folder: Path) -> Path:
    import docx

    path = build_docx(reference_document(), folder / "sop-1001-baris.docx")
    d = docx.Document(str(path))
    tbl = d.tables[-1]._tbl
    for _ in range(1_001 - 6):
        tbl.append(copy.deepcopy(tbl.tr_lst[-1]))
    d.save(str(path))
    return path


def nested(folder: Path, depth: int = 60, rows: int = 300) -> Path:
    """The reference SOP after a layout table nested `depth` deep, `rows` rows at each level:
    reading it must cost what it holds (each element visited once), not depth times more."""
    import hashlib
    import zipfile

    path = build_docx(reference_document(), folder / f"bersarang-{depth}x{rows}.docx")
    inner = b"<w:p/>"
    for level in range(depth):
        # Text that packs like typed text does (a few times), not like one repeated cell.
        texts = (hashlib.sha256(f"{level}.{r}".encode()).hexdigest()[:24].encode() for r in range(rows - 1))
        filled = b"".join(b"<w:tr><w:tc><w:p><w:r><w:t>" + t + b"</w:t></w:r></w:p></w:tc></w:tr>" for t in texts)
        inner = b"<w:tbl>" + filled + b"<w:tr><w:tc>" + inner + b"<w:p/></w:tc></w:tr></w:tbl>"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body>" + inner + b"<w:p/>", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return path


def measure(path: Path, project) -> tuple[float, float, str]:
    best = float("inf")
    outcome = ""
    for _ in range(3):
        start = time.perf_counter()
        try:
            text, guesses, _, _ = convert(path, project)
            outcome = f"{len(text.splitlines())} baris YAML, {len(guesses)} tebakan"
        except ImportProblem as e:
            outcome = f"ditolak: {e}"
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    try:
        convert(path, project)
    except ImportProblem:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 1e6, outcome


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [6, 50, 200]
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "sops").mkdir()
        shutil.copy(ROOT / "sopgen.toml", folder / "sopgen.toml")
        project, _ = load_project(folder)
        docs = [document(n, folder) for n in sizes] + [too_long(folder), nested(folder)]
        for path in docs:
            seconds, mb, outcome = measure(path, project)
            print(f"{path.name:>22}  {path.stat().st_size / 1024:8.1f} KB  {seconds * 1000:8.1f} ms  puncak {mb:6.1f} MB  {outcome[:70]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

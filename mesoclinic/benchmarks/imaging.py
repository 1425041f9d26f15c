"""Peak memory of cleaning a photo upload, beside the floor of decoding it alone.

Each measurement runs in a fresh child process, so that its peak resident set size (the
kernel's high-water mark, ``VmHWM``) belongs to that one operation: the child reads the
file, notes its peak, runs the work and reports how far the peak rose. Pillow allocates pixel
memory outside Python's allocator, so ``tracemalloc`` would not see it; the RSS does.

- "clean": ``photos.imaging.clean_image`` as an upload runs it (identify, verify, decode,
  orient, flatten, encode the photo and its thumbnail).
- "floor": opening the same bytes and decoding the pixels, nothing more: what any server that
  looks at the image must hold.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import PIL
from PIL import Image, ImageDraw

CASES = {
    # 6400 x 6250 = 40,000,000 pixels, the upload limit; drawn shapes keep the file small.
    "png_rgba_40mp": ("PNG", "RGBA", (6400, 6250)),
    "jpeg_rgb_40mp": ("JPEG", "RGB", (6400, 6250)),
    "jpeg_rgb_12mp": ("JPEG", "RGB", (4000, 3000)),
}
MIB = 1024 * 1024


def _make(kind: str, mode: str, size: tuple[int, int]) -> bytes:
    image = Image.new(mode, size, (200, 170, 150, 255) if mode == "RGBA" else (200, 170, 150))
    draw = ImageDraw.Draw(image)
    for step in range(0, min(size) // 2, 97):
        draw.ellipse((step, step, size[0] - step, size[1] - step), outline=(step % 255, 90, 60))
    out = io.BytesIO()
    image.save(out, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


def _peak_kib() -> int:
    """This process's peak resident set size, in KiB.

    ``VmHWM`` belongs to the process's own address space, which ``exec`` makes new;
    ``ru_maxrss`` would carry over the parent's peak (Linux keeps it across fork and exec).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _child(work: str, path: str) -> None:
    from mesoclinic.photos.imaging import clean_image

    data = Path(path).read_bytes()
    before = _peak_kib()
    if work == "clean":
        clean_image(data, name="bench", max_pixels=40_000_000)
    else:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    print(json.dumps({"rise_kib": _peak_kib() - before}))


def _measure(work: str, path: Path) -> float:
    result = subprocess.run(  # noqa: S603 - this interpreter, this module, our own file path
        [sys.executable, "-m", "mesoclinic.benchmarks.imaging", "--child", work, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(result.stdout)["rise_kib"]) / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesoclinic bench imaging", description=__doc__)
    parser.add_argument("--child", nargs=2, metavar=("WORK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    print(f"python {platform.python_version()}, Pillow {PIL.__version__}")
    print(f"{'case':<16} {'file MB':>8} {'pixels MB':>10} {'floor MB':>9} {'clean MB':>9}")
    with tempfile.TemporaryDirectory(prefix="mesoclinic-bench-") as scratch:
        for name, (kind, mode, size) in CASES.items():
            path = Path(scratch) / name
            path.write_bytes(_make(kind, mode, size))
            pixels = size[0] * size[1] * len(mode) / MIB
            floor = _measure("floor", path)
            clean = _measure("clean", path)
            file_mb = path.stat().st_size / MIB
            print(f"{name:<16} {file_mb:>8.1f} {pixels:>10.0f} {floor:>9.0f} {clean:>9.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

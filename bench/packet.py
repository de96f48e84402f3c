"""The pre-visit packet's benchmark (part of `make bench`, results in bench/RESULTS.md).

Each figure is taken in a fresh process, so its peak memory is that one job's:

1. A 10 MB, 4,000 x 3,000 phone photo (noise, the hardest case for JPEG; with GPS EXIF) is
   accepted: decoded, redrawn at 2,000 px, encrypted and written (packets/files.py's steps).
   Target: under 1.5 s, memory bounded (peak resident size stated).
2. A 50,000-pixel-wide decompression bomb and a JPEG/HTML polyglot are refused. Target: under
   100 ms each.
3. The FHIR export of a complete packet, its three photos noise at 2,000 x 1,500 (the largest a
   stored photo can be), on a throwaway SQLite file: one process, the first export apart (cold),
   then 10 timed. Target: under 200 ms.

    .venv/bin/python bench/packet.py [--runs 5]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEN_MB = 10 * 1024 * 1024


def make_files(folder):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 45.0, 36.0), 3: "W", 4: (106.0, 29.0, 24.0)})
    noise = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    photo = b""
    # The largest quality that stays under 10 MB (the upload limit).
    for quality in (95, 92, 90, 88, 85, 80, 75, 70):
        out = io.BytesIO()
        noise.save(out, "JPEG", quality=quality, exif=exif)
        if len(out.getvalue()) <= TEN_MB:
            photo = out.getvalue()
            break
    bomb = io.BytesIO()
    Image.new("1", (50_000, 5_000)).save(bomb, "PNG")
    small = io.BytesIO()
    Image.new("RGB", (800, 600), "navy").save(small, "JPEG")
    polyglot = small.getvalue() + b"<html><script>alert(document.cookie)</script></html>"
    paths = {}
    for name, data in (("photo.jpg", photo), ("bomb.png", bomb.getvalue()), ("polyglot.jpg", polyglot)):
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def high_water_kb():
    """This process's peak resident size (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(case, path):
    """One job in this process: prints its time, outcome and memory as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from packets import files, images

    data = Path(path).read_bytes()
    upload = io.BytesIO(data)
    before = high_water_kb()
    started = time.perf_counter()
    try:
        accepted = images.accept(upload)
        files.write(accepted.jpeg)
        outcome = f"accepted, {accepted.width} x {accepted.height}, {len(accepted.jpeg):,} bytes stored"
    except images.Refused as refused:
        outcome = f"refused: {refused.message}"
    seconds = time.perf_counter() - started
    peak = high_water_kb()
    print(json.dumps({"case": case, "seconds": seconds, "outcome": outcome, "before_kb": before, "peak_kb": peak}))


def fhir_child(runs):
    """Times packets.fhir.export_json on a complete packet, in this process; prints JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from PIL import Image

    from locations.models import Location
    from packets import files
    from packets.fhir import export_json
    from tests.packets.staff_packets import IMAGE_KEYS, booked_request, make_packet

    call_command("migrate", verbosity=0)
    packet = make_packet(booked_request(Location.objects.order_by("pk").first()), images=[])
    for key in IMAGE_KEYS:
        noise = Image.frombytes("RGB", (2000, 1500), os.urandom(2000 * 1500 * 3))
        photo = io.BytesIO()
        noise.save(photo, "JPEG", quality=90)
        photo.seek(0)
        files.save_image(packet, key, photo)
    started = time.perf_counter()
    size = len(export_json(packet))
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        export_json(packet)
        times.append(time.perf_counter() - started)
    print(json.dumps({"cold": cold, "times": times, "bytes": size, "at": timezone.now().isoformat()}))


def run(case, path, runs, files_dir):
    results = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", case, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PACKET_FILES_DIR": str(files_dir)},
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def summary(case, size, results):
    times = sorted(result["seconds"] * 1000 for result in results)
    peak = max(result["peak_kb"] for result in results) / 1024
    growth = max(result["peak_kb"] - result["before_kb"] for result in results) / 1024
    spread = f"{times[0]:.0f} / {statistics.median(times):.0f} / {times[-1]:.0f} ms"
    memory = f"{peak:.0f} MB (+{growth:.0f} MB)"
    return f"| {case} | {size / 1024 / 1024:.1f} MB | {spread} | {memory} | {results[0]['outcome']} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--fhir", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fhir:
        fhir_child(10)
        return
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        paths = make_files(folder)
        lines = [
            f"Pre-visit packet uploads, {args.runs} runs each, each in a fresh process (min / median / max).",
            "",
            "| file | size | time | peak resident (growth) | outcome |",
            "| --- | --- | --- | --- | --- |",
        ]
        for case, name in (
            ("10 MB phone photo", "photo.jpg"),
            ("bomb 50,000 x 5,000", "bomb.png"),
            ("polyglot", "polyglot.jpg"),
        ):
            results = run(case, paths[name], args.runs, folder / "stored")
            lines.append(summary(case, paths[name].stat().st_size, results))
        with tempfile.TemporaryDirectory() as database:
            done = subprocess.run(
                [sys.executable, __file__, "--fhir"],
                capture_output=True,
                text=True,
                check=True,
                env={
                    **os.environ,
                    "PACKET_FILES_DIR": str(folder / "fhir"),
                    "DATABASE_URL": f"sqlite:///{database}/bench.sqlite3",
                },
            )
        fhir = json.loads(done.stdout.strip().splitlines()[-1])
        times = sorted(value * 1000 for value in fhir["times"])
        lines += [
            "",
            f"FHIR export of a complete packet ({fhir['bytes'] / 1024 / 1024:.1f} MB Bundle, "
            "three 2,000 x 1,500 photos): "
            f"cold {fhir['cold'] * 1000:.0f} ms, then {times[0]:.0f} / {statistics.median(times):.0f} / "
            f"{times[-1]:.0f} ms over {len(times)} runs.",
        ]
        report = "\n".join(lines)
        print(report)
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        (out / "packet.md").write_text(report + "\n")


if __name__ == "__main__":
    main()

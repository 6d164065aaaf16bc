"""Write a copy of manifest.xml that points at another origin (default: the dev server).

    python3 manifest/make_dev_manifest.py [--origin https://localhost:3000] [--out manifest/manifest.dev.xml]

Every URL on the production origin is moved to the new origin; the copy gets its own
stable Id and " (dev)" in its DisplayName, so Excel can hold both add-ins at once.
Standard library only.
"""
import argparse
import re
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRODUCTION_ORIGIN = "https://localhost:8443"


def make_dev_manifest(text: str, origin: str) -> str:
    origin = origin.rstrip("/")
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(:\d+)?", origin):
        raise ValueError(f"origin must look like https://host[:port], got {origin!r}")
    out = text.replace(PRODUCTION_ORIGIN, origin)
    prod_id = re.search(r"<Id>([^<]+)</Id>", text).group(1)
    dev_id = str(uuid.uuid5(uuid.UUID(prod_id), origin))  # stable per origin
    out = out.replace(f"<Id>{prod_id}</Id>", f"<Id>{dev_id}</Id>", 1)
    out = re.sub(r'<DisplayName DefaultValue="([^"]*)"', r'<DisplayName DefaultValue="\1 (dev)"', out, count=1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origin", default="https://localhost:3000")
    parser.add_argument("--src", type=Path, default=HERE / "manifest.xml")
    parser.add_argument("--out", type=Path, default=HERE / "manifest.dev.xml")
    args = parser.parse_args()
    args.out.write_text(make_dev_manifest(args.src.read_text(encoding="utf-8"), args.origin), encoding="utf-8")
    print(args.out)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A local HTTPS certificate for sideloading the Excel add-in (https://localhost:8443).

Makes a private certificate authority once and a `localhost` server certificate signed by it,
with the openssl command-line tool (no Python dependency). Trust the CA once (see the README,
"Excel add-in: sideloading and HTTPS"); the server certificate can then be renewed at will.

    python3 scripts/dev_cert.py [--dir DIR]      # prints the paths; idempotent
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_DIR = Path.home() / ".folio" / "certs"


def run(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make(directory: Path) -> dict[str, Path]:
    if not shutil.which("openssl"):
        sys.exit("openssl is required (apt-get install openssl / brew install openssl)")
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = directory / "folio-dev-ca.key", directory / "folio-dev-ca.crt"
    key, crt = directory / "localhost.key", directory / "localhost.crt"
    if not (ca_key.exists() and ca_crt.exists()):
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "825",
            "-keyout", str(ca_key), "-out", str(ca_crt), "-subj", "/CN=Folio development CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        ca_key.chmod(0o600)
    if not (key.exists() and crt.exists()):
        with tempfile.TemporaryDirectory() as tmp:
            csr, ext = Path(tmp) / "localhost.csr", Path(tmp) / "ext.cnf"
            ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,"
                           "keyEncipherment\nextendedKeyUsage=serverAuth\n"
                           "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
            run("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", str(key),
                "-out", str(csr), "-subj", "/CN=localhost")
            run("x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
                "-CAcreateserial", "-days", "397", "-sha256", "-extfile", str(ext),
                "-out", str(crt))
        key.chmod(0o600)
    return {"ca": ca_crt, "cert": crt, "key": key}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--print", choices=["ca", "cert", "key"], help="print one path only")
    args = parser.parse_args()
    paths = make(args.dir)
    if args.print:
        print(paths[args.print])
    else:
        for name, path in paths.items():
            print(f"{name}: {path}")


if __name__ == "__main__":
    main()

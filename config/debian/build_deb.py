"""Build dist/bianmin_<version>_<arch>.deb: the appliance in one Debian package.

Run by ``make deb`` with the development venv's Python (it has pip and hatchling):

1. a wheelhouse: bianmin[usb] and its dependencies as wheels, pinned to the versions
   the tests ran with (``pip freeze`` of the development venv);
2. a virtual environment of Debian's ``/usr/bin/python3`` staged as ``/opt/bianmin``,
   installed from the wheelhouse alone (no index), its ``#!`` lines rewritten to
   ``/opt/bianmin``, its bytecode compiled with unchecked hashes for that path;
3. the wrapper ``/usr/bin/bianmin``, the site file (a conffile), the PAM service, the
   systemd units, the udev rules, the docs, the lintian overrides;
4. DEBIAN/: control, conffiles, md5sums, maintainer scripts; ``dpkg-deb --build``.

``--check`` then lists the package (``dpkg-deb -I`` and ``-c``), checks that every part
is in it, runs ``systemd-analyze verify`` on the units inside it and ``lintian``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
from email.utils import formatdate
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PREFIX = "/opt/bianmin"
SYSTEM_PYTHON = "/usr/bin/python3"
UNITS = ("bianmin-kiosk.service", "bianmin-hall.service", "bianmin-backup.service",
         "bianmin-backup.timer")  # fmt: skip
CONFFILES = ("/etc/bianmin/site.toml", "/etc/pam.d/bianmin-kiosk")
DOCS = (
    "docs/install.md",
    "docs/troubleshooting.md",
    "docs/hardware.md",
    "docs/upkeep.md",
    "docs/config.md",
    "config/example-site.toml",
    "README.md",
)
# What the package must hold (checked against `dpkg-deb -c`).
REQUIRED = (
    "./opt/bianmin/bin/bianmin",
    "./opt/bianmin/bin/python",
    "./opt/bianmin/pyvenv.cfg",
    "./usr/bin/bianmin",
    "./etc/bianmin/site.toml",
    "./etc/pam.d/bianmin-kiosk",
    "./lib/udev/rules.d/61-bianmin.rules",
    "./usr/share/doc/bianmin/copyright",
    "./usr/share/doc/bianmin/changelog.gz",
    "./usr/share/doc/bianmin/install.md",
    "./usr/share/lintian/overrides/bianmin",
    *(f"./lib/systemd/system/{unit}" for unit in UNITS),
)


def run(*argv: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, echoing it; fail loudly."""
    print("+", " ".join(map(str, argv)), flush=True)
    kwargs.setdefault("check", True)
    return subprocess.run([str(a) for a in argv], **kwargs)


def version() -> str:
    with open(REPO / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def wheelhouse(build: Path) -> Path:
    """bianmin[usb] and its dependencies as wheels, pinned to this venv's versions."""
    house = build / "wheelhouse"
    house.mkdir(parents=True, exist_ok=True)
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    constraints = build / "constraints.txt"
    constraints.write_text(frozen)
    for old in house.glob("bianmin-*.whl"):
        old.unlink()
    run(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation",
        "--wheel-dir", house, "-c", constraints, f"{REPO}[usb]",
    )  # fmt: skip
    return house


def stage_venv(root: Path, house: Path) -> None:
    """The virtual environment at root/opt/bianmin, made for /opt/bianmin."""
    target = root / PREFIX.lstrip("/")
    run(SYSTEM_PYTHON, "-m", "venv", "--without-pip", target)
    run(
        sys.executable, "-m", "pip", "--python", target / "bin" / "python", "install", "-q",
        "--no-index", "--find-links", house, "--no-compile", "--no-warn-script-location",
        "bianmin[usb]",
    )  # fmt: skip
    staged = str(target)
    for path in [*(target / "bin").iterdir(), target / "pyvenv.cfg"]:
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if staged.encode() in data:
                path.write_bytes(data.replace(staged.encode(), PREFIX.encode()))
    for name in ("activate.csh", "activate.fish", "Activate.ps1"):
        (target / "bin" / name).unlink(missing_ok=True)
    for vcs in [*target.rglob(".gitignore"), *target.rglob(".gitkeep")]:
        vcs.unlink()
    # Bytecode for /opt/bianmin: never checked against the sources (dpkg owns both).
    run(
        target / "bin" / "python", "-m", "compileall", "-q", "-j", "0",
        "--invalidation-mode", "unchecked-hash", "-s", root, "-p", "/", target / "lib",
        check=False,
    )  # fmt: skip
    leftovers = run("grep", "-rlF", staged, target, capture_output=True, check=False).stdout
    if leftovers.strip():
        raise SystemExit(f"the staging path is left in:\n{leftovers.decode()}")


def install(source: Path, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(mode)


def stage_files(root: Path, ver: str, when: int) -> None:
    """Everything beside the venv: wrapper, conffiles, units, rules, docs, overrides."""
    install(HERE / "bianmin", root / "usr/bin/bianmin", 0o755)
    install(HERE / "site.toml", root / "etc/bianmin/site.toml")  # 0600 once it holds secrets
    install(HERE / "pam.bianmin-kiosk", root / "etc/pam.d/bianmin-kiosk")
    for unit in UNITS:
        install(REPO / "config/systemd" / unit, root / "lib/systemd/system" / unit)
    install(REPO / "config/udev/61-bianmin.rules", root / "lib/udev/rules.d/61-bianmin.rules")
    doc = root / "usr/share/doc/bianmin"
    for name in DOCS:
        install(REPO / name, doc / Path(name).name)
    install(HERE / "copyright", doc / "copyright")
    text = (HERE / "changelog").read_text().replace("@VERSION@", ver)
    text = text.replace("@DATE@", formatdate(when))
    (doc / "changelog.gz").write_bytes(gzip.compress(text.encode(), 9, mtime=0))
    install(HERE / "lintian-overrides", root / "usr/share/lintian/overrides/bianmin")


def control(root: Path, ver: str, architecture: str) -> None:
    """DEBIAN/: control, conffiles, md5sums and the maintainer scripts."""
    debian = root / "DEBIAN"
    debian.mkdir()
    size = sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024
    text = (HERE / "control.in").read_text()
    for key, value in {"@VERSION@": ver, "@ARCH@": architecture, "@SIZE@": str(size)}.items():
        text = text.replace(key, value)
    (debian / "control").write_text(text)
    (debian / "conffiles").write_text("".join(f"{c}\n" for c in CONFFILES))
    for script in ("postinst", "prerm", "postrm"):
        install(HERE / script, debian / script, 0o755)
    sums = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_symlink() or not path.is_file() or relative.parts[0] in ("DEBIAN", "etc"):
            continue
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {relative}\n")
    (debian / "md5sums").write_text("".join(sums))


def normalise(root: Path, when: int) -> None:
    """Modes dpkg and lintian expect, and one mtime (reproducible builds)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            os.utime(path, (when, when), follow_symlinks=False)
            continue
        if path.is_dir() or path.stat().st_mode & 0o111 and ".so" not in path.suffixes:
            path.chmod(0o755)
        else:
            path.chmod(0o644)
        os.utime(path, (when, when))


def build(out_dir: Path) -> Path:
    started = time.monotonic()
    ver, architecture = version(), arch()
    build_dir = REPO / "build" / "deb"
    root = build_dir / "root"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    when = int(os.environ.get("SOURCE_DATE_EPOCH") or _commit_time())
    house = wheelhouse(build_dir)
    stage_venv(root, house)
    stage_files(root, ver, when)
    control(root, ver, architecture)
    normalise(root, when)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"bianmin_{ver}_{architecture}.deb"
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(when))
    run("dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", root, deb, env=env)
    print(f"built {deb} ({deb.stat().st_size // 2**20} MiB) in {time.monotonic() - started:.0f} s")
    return deb


def check(deb: Path) -> None:
    """List the package, check its parts, verify its units, run lintian."""
    info = run("dpkg-deb", "-I", deb, capture_output=True, text=True).stdout
    for field in ("Package: bianmin", "Depends:", "Installed-Size:"):
        if field not in info:
            raise SystemExit(f"{deb}: control lacks {field!r}")
    for name in ("postinst", "prerm", "postrm", "conffiles", "md5sums"):
        if f" {name}" not in info:
            raise SystemExit(f"{deb}: no {name} in the control archive")
    listing = run("dpkg-deb", "-c", deb, capture_output=True, text=True).stdout
    names = {line.split()[5] for line in listing.splitlines() if len(line.split()) >= 6}
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise SystemExit(f"{deb}: missing {', '.join(missing)}")
    owners = {line.split()[1] for line in listing.splitlines()}
    if owners != {"root/root"}:
        raise SystemExit(f"{deb}: files not owned by root: {owners}")
    conffiles = run("dpkg-deb", "-f", deb, "Package", capture_output=True, text=True).stdout
    print(f"{deb}: {len(names)} entries, every part present ({conffiles.strip()})")
    extracted = REPO / "build" / "deb" / "extracted"
    shutil.rmtree(extracted, ignore_errors=True)
    run("dpkg-deb", "-x", deb, extracted)
    units = " ".join(str(extracted / "lib/systemd/system" / unit) for unit in UNITS)
    # The units name /opt/bianmin/bin/bianmin: verify them with the package's /opt/bianmin
    # mounted there, in a mount namespace of their own (the host's /opt is not touched).
    run(
        "unshare", "--mount", "sh", "-c",
        f"mount -t tmpfs none /opt && mkdir /opt/bianmin && "
        f"mount --bind {extracted}/opt/bianmin /opt/bianmin && systemd-analyze verify {units}",
    )  # fmt: skip
    run("lintian", "--fail-on", "error,warning", deb)


def _commit_time() -> int:
    done = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return int(done.stdout.strip() or time.time())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    parser.add_argument("--check", action="store_true", help="check the package after building")
    parser.add_argument("--check-only", type=Path, metavar="DEB", help="check this package")
    args = parser.parse_args()
    if args.check_only:
        check(args.check_only)
        return
    deb = build(args.out)
    if args.check:
        check(deb)


if __name__ == "__main__":
    main()

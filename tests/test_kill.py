"""Builds killed at random moments: site/ is always whole, old or new; nothing is left behind.

A small fixture edition is built in two versions, A and B (they differ in one
manifest string, so in every page's navigation), into reference folders.  Then,
many times, a build of the other version is started over site/ and hit by
SIGTERM, SIGKILL or SIGINT, either at a random moment or around the swap
(within 0.25 s after MkDocs wrote the sitemap, its last file, or right as
the old tree appears beside the new site/).  After each:

- site/ exists and is byte for byte version A or version B (a whole site);
- the exit code fits: 0 only if site/ is the new version; 130 for SIGINT, 143
  for SIGTERM, with a message that says which site is in place; no traceback;
- no process of the build is left (the citation worker dies with it).

At the end one more build runs to completion: site/ is the new version and no
``site.new-*`` / ``site.old-*`` folder is left.  About 30 s.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.projects import REPO, cli_env, mini_project, run_cli, tree_digest

ROUNDS = 12
SIGNALS = [signal.SIGTERM, signal.SIGKILL, signal.SIGINT]


def wait_for_handlers(proc, limit: float = 30) -> None:
    """Until the build catches SIGTERM (/proc/PID/status, SigCgt), or it has ended."""
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
        except OSError:
            return
        caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.005)


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group (zombies excluded)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def start_build(root: Path) -> subprocess.Popen:
    """``build`` of the project in a session of its own (so Ctrl-C can reach the whole group)."""
    return subprocess.Popen([sys.executable, str(REPO / "build_edition.py"), "--root", str(root), "build"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
                            start_new_session=True)


def set_version(manifest: Path, version: str) -> None:
    text = manifest.read_text(encoding="utf-8")
    other = "B" if version == "A" else "A"
    manifest.write_text(text.replace(f"nav_title: Mini {other}", f"nav_title: Mini {version}"), encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_builds_killed_at_random_leave_a_whole_site(tmp_path):
    root = mini_project(tmp_path / "p")
    manifest = root / "texts" / "mini" / "edition.yml"
    manifest.write_text(manifest.read_text().replace("nav_title: Mini", "nav_title: Mini A"))
    digests, durations = {}, []
    for version in ("B", "A", "B", "A"):                     # A last: site/ starts as A; twice, as the rounds
        # find the cache warm (each round rebuilds a version already built): time the warm builds
        set_version(manifest, version)
        proc = start_build(root)
        wait_for_handlers(proc)
        started = time.monotonic()                           # the time a signal can land in: handlers set to exit
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        durations.append(time.monotonic() - started)
        digests[version] = tree_digest(root / "site")
    duration = min(durations[2:])
    assert digests["A"] != digests["B"]
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)                           # printed below: a failure can be replayed
    current = "A"
    outcomes = []
    for round_ in range(ROUNDS):
        target = "B" if current == "A" else "A"
        set_version(manifest, target)
        how = SIGNALS[round_ % 3]
        at_swap = round_ % 2 == 1
        proc = start_build(root)
        if at_swap:                                     # just before, at and after the swap
            wanted = "site.new-*/.nojekyll" if round_ % 4 == 1 else "site.old-*"
            deadline = time.monotonic() + 30
            while not list(root.glob(wanted)) and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0.0, 0.25) if round_ % 4 == 1 else rng.uniform(0, 0.01))
        else:
            wait_for_handlers(proc)      # a signal before the command line has set its handlers is the
            # interpreter's own (killed by SIGTERM, a KeyboardInterrupt from line 0): no program can catch it
            time.sleep(rng.uniform(0, duration))
        try:                                            # Ctrl-C reaches the whole group; kill/TERM the parent only
            os.killpg(proc.pid, how) if how == signal.SIGINT else proc.send_signal(how)
        except ProcessLookupError:
            pass
        _, err = proc.communicate(timeout=60)
        deadline = time.monotonic() + 5
        while group_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group_members(proc.pid) == [], f"round {round_}: processes of the build outlived it"
        site = root / "site"
        assert (site / "index.html").is_file(), f"round {round_}: no whole site/ ({how.name})"
        now = tree_digest(site)
        state = "A" if now == digests["A"] else "B" if now == digests["B"] else None
        assert state is not None, f"seed {seed} round {round_}: site/ is neither version ({how.name})"
        assert "Traceback" not in err, err
        code = proc.returncode
        if code == 0:
            assert state == target
        elif how == signal.SIGKILL:
            assert code == -signal.SIGKILL
        else:
            assert code == (130 if how == signal.SIGINT else 143), (code, err)
            said_new = "the new site was already installed" in err
            assert said_new == (state == target), err
            assert said_new or "site/ left as it was" in err
        outcomes.append((how.name, at_swap, code, state == target))
        current = state
    final = run_cli(root, "build")                          # inputs are at the last round's target
    assert final.returncode == 0, final.stderr
    assert tree_digest(root / "site") == digests[target]
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("site.")) == []
    print(f"seed {seed}; rounds (signal, at the swap, exit code, new site in place):", *outcomes, sep="\n  ")
    interrupted = [o for o in outcomes if o[2] != 0]
    assert len(interrupted) >= ROUNDS // 2, outcomes      # most rounds really were cut short

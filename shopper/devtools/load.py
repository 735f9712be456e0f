"""``make load``: gunicorn on PostgreSQL under a day of field work, then the numbers.

    python -m shopper.devtools.load [--seconds 120] [--ramp-seconds 300] [--workers 4]

1. starts a PostgreSQL server of its own, migrates an empty database and runs
   ``flask --app wsgi demo generate --stores 200 --months 12``;
2. adds the people and this month's assignments (``fieldwork.prepare``) and
   starts gunicorn on a free 127.0.0.1 port;
3. runs the scenario (``locustfile``): 50 shoppers saving a draft every 5 s,
   uploading a photo and submitting, 3 coordinators reviewing, 2 owners
   opening the comparison every 20 s and its PDF every minute; a backup is
   taken half-way when the app has ``backup create``;
4. prints per request kind the count, errors and p50/p95/p99 against the
   targets; runs ``sums check`` and checks every acknowledged submission is
   stored once; restores the backup into an empty database and folder and
   checks every visit acknowledged before it began is there with its photos;
5. runs the same mix without pauses from 5 users, 5 more every 20 s, until
   p95 passes 1 s, and prints the requests per second held.

Exit status 1 when a target is missed or a check fails. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gevent
from locust.env import Environment

from shopper.devtools import fieldwork, postgres
from shopper.devtools.locustfile import Coordinator, Owner, Shopper, Work
from shopper.devtools.processes import Gunicorn, environment, flask, start_gunicorn

# Request kind → p95 target in milliseconds.
TARGETS = {"draft save": 200, "submit": 400, "review": 300, "comparison page": 1500}
RAMP_LIMIT_MS = 1000


@dataclass
class Recorder:
    """Every request of a run: (start, kind, milliseconds, error or None)."""

    rows: list[tuple[float, str, float, str | None]] = field(default_factory=list)

    def __call__(self, name: str, response_time: float, exception: Any, **_: Any) -> None:
        """locust's ``request`` event."""
        error = None if exception is None else str(exception)[:300]
        self.rows.append((time.monotonic() - response_time / 1000, name, response_time, error))

    def since(self, start: float) -> list[tuple[float, str, float, str | None]]:
        """The requests started at or after ``start``."""
        return [row for row in self.rows if row[0] >= start]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0..1) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def table(rows: list[tuple[float, str, float, str | None]], seconds: float) -> tuple[str, bool]:
    """The per-kind table and whether every target was met."""
    kinds = sorted({row[1] for row in rows}, key=lambda k: (k not in TARGETS, k))
    lines = [
        f"{'request':<18}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'p95 target':>12}  met",
    ]
    met = True
    for kind in kinds:
        times = [row[2] for row in rows if row[1] == kind]
        errors = sum(1 for row in rows if row[1] == kind and row[3])
        p95 = percentile(times, 0.95)
        target = TARGETS.get(kind)
        verdict = "" if target is None else ("yes" if p95 <= target else "MISSED")
        met &= errors == 0 and (target is None or p95 <= target)
        lines.append(
            f"{kind:<18}{len(times):>7}{errors:>8}{percentile(times, 0.5):>9.0f}{p95:>9.0f}"
            f"{percentile(times, 0.99):>9.0f}{'' if target is None else f'≤ {target}':>12}  "
            f"{verdict}"
        )
    errors = sum(1 for row in rows if row[3])
    lines.append(
        f"{'all':<18}{len(rows):>7}{errors:>8}   {len(rows) / seconds:.1f} requests/s; "
        f"target 0 errors: {'met' if errors == 0 else 'MISSED'}"
    )
    return "\n".join(lines), met and errors == 0


def _environment(server: Gunicorn, recorder: Recorder) -> Environment:
    env = Environment(user_classes=[Shopper, Coordinator, Owner], host=server.url)
    env.events.request.add_listener(recorder)
    return env


def run_scenario(
    server: Gunicorn, seconds: float, counts: dict[type, int], backup: Any, backup_after: float
) -> Recorder:
    """The scenario with its pauses, ``counts`` users of each class, for ``seconds``.

    ``backup()`` is called ``backup_after`` seconds in.
    """
    recorder = Recorder()
    Work.pause = 1.0
    for user_class, count in counts.items():
        user_class.fixed_count = count
    env = _environment(server, recorder)
    runner = env.create_local_runner()
    total = sum(counts.values())
    runner.start(total, spawn_rate=total)
    gevent.sleep(backup_after)
    backup()
    gevent.sleep(seconds - backup_after)
    runner.quit()
    return recorder


def run_ramp(server: Gunicorn, start: int, step: int, step_seconds: float, limit: float) -> list:
    """The mix without pauses, ``step`` more users every ``step_seconds`` until p95 > 1 s."""
    recorder = Recorder()
    Work.pause = 0.0
    for user_class in (Shopper, Coordinator, Owner):
        user_class.fixed_count = 0
    env = _environment(server, recorder)
    runner = env.create_local_runner()
    steps = []
    users = start
    began = time.monotonic()
    while time.monotonic() - began < limit:
        runner.start(users, spawn_rate=max(step, 10))
        gevent.sleep(3)  # let the new users reach their pace
        window = time.monotonic()
        gevent.sleep(step_seconds)
        rows = recorder.since(window)
        times = [row[2] for row in rows]
        p95 = percentile(times, 0.95)
        errors = sum(1 for row in rows if row[3])
        steps.append((users, len(rows) / step_seconds, p95, errors))
        print(
            f"  {users:>4} users: {len(rows) / step_seconds:7.1f} requests/s, p95 {p95:.0f} ms, "
            f"{errors} errors",
            flush=True,
        )
        if p95 > RAMP_LIMIT_MS or not any(Work.todo.values()):
            break
        users += step
    runner.quit()
    return steps


def sums_check(env: dict[str, str]) -> tuple[bool, str]:
    """Run ``flask --app wsgi sums check``: (clean?, its output)."""
    result = flask(env, "sums", "check", check=False)
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def verdict(claim: str, problems: list[str]) -> bool:
    """Print ``claim: yes`` or ``claim: NO`` with the first problems; True when none."""
    print(f"{claim}: {'yes' if not problems else 'NO'}")
    for problem in problems[:20]:
        print("  " + problem)
    return not problems


def verify_stored(app: Any, env: dict[str, str]) -> bool:
    """``sums check`` clean and every acknowledged submission stored once; printed."""
    clean, output = sums_check(env)
    ok = verdict("sums check clean", [] if clean else output.splitlines())
    with app.app_context():
        from shopper.extensions import db

        problems = fieldwork.check_submissions(dict(Work.acknowledged), dict(Work.sent))
        db.session.remove()
        db.engine.dispose()
    claim = "Every acknowledged submission stored exactly once, nothing half-written"
    return verdict(claim, problems) and ok


def _app(env: dict[str, str]) -> Any:
    from shopper import create_app

    os.environ.update({k: v for k, v in env.items() if k.startswith("SHOPPER_")})
    return create_app()


class Backup:
    """``backup create`` taken while the scenario runs, then restored into an empty install."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.file = folder / "under-load.backup"
        self.available = flask(env, "backup", "--help", check=False).returncode == 0
        self.started: float | None = None
        self.result: Any = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin the backup in the background (the load goes on)."""
        if not self.available:
            return
        self.started = time.monotonic()

        def run() -> None:
            self.result = flask(self.env, "backup", "create", str(self.file), check=False)

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def verify(self, server: postgres.PostgresServer, folder: Path) -> list[str]:
        """Restore into an empty database and folder; what acknowledged before is missing there."""
        if self.thread is None:
            return []
        self.thread.join()
        if self.result.returncode != 0:
            return [f"backup create failed: {self.result.stdout}{self.result.stderr}"]
        instance = folder / "restored"
        env = environment(server.create_database("shopper_restored"), instance)
        restored = flask(env, "backup", "restore", str(self.file), check=False)
        if restored.returncode != 0:
            return [f"backup restore failed: {restored.stdout}{restored.stderr}"]
        before = {a for at, a in Work.acknowledged_at if at < self.started}
        if not before:
            print(
                "Backup under load: no submission was acknowledged before it began, so it "
                "proves little; take it later (--backup-after)."
            )
        acknowledged = {a: Work.acknowledged[a] for a in before}
        app = _app(env)
        with app.app_context():
            from sqlalchemy import select

            from shopper.extensions import db
            from shopper.models import Visit

            problems = [
                p
                for p in fieldwork.check_submissions(acknowledged)
                # a submission acknowledged before the backup may be resubmitted after it
                if "submitted events" not in p and "client_id" not in p
            ]
            visits = list(
                db.session.execute(
                    select(Visit.id).where(Visit.assignment_id.in_(list(before)))
                ).scalars()
            )
            problems += fieldwork.missing_photos(app.config["UPLOAD_FOLDER"], visits)
            photos = sum(
                len(v.photos)
                for v in db.session.execute(select(Visit).where(Visit.id.in_(visits))).scalars()
            )
            if photos < len(visits):
                problems.append(f"{len(visits)} visits restored with only {photos} photos")
            db.session.remove()
            db.engine.dispose()
        clean, output = sums_check(env)
        if not clean:
            problems.append("sums check after restore:\n" + output)
        print(
            f"Backup under load: {len(before)} submissions acknowledged before it began, "
            f"{len(visits)} visits and {photos} photos restored."
        )
        return problems


def main(argv: list[str] | None = None) -> int:
    """Run it all; 0 when every target is met and every check passes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120, help="the scenario's length")
    parser.add_argument("--ramp-seconds", type=float, default=300, help="at most this long")
    parser.add_argument("--ramp-start", type=int, default=5, help="users at the first step")
    parser.add_argument("--ramp-step", type=int, default=5, help="users added per step")
    parser.add_argument("--step-seconds", type=float, default=20)
    parser.add_argument(
        "--backup-after", type=float, help="seconds into the scenario (default: half-way)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--coordinators", type=int, default=3)
    parser.add_argument("--owners", type=int, default=2)
    parser.add_argument("--per-shopper", type=int, default=100, help="assignments each")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="shopper-load-"))
    database = postgres.start_server()
    server = None
    try:
        env = environment(database.create_database("shopper_load"), folder / "instance")
        step = time.monotonic()
        flask(env, "db", "upgrade")
        generated = flask(
            env, "demo", "generate", "--stores", str(args.stores), "--months", str(args.months)
        )
        print(generated.stdout.strip().splitlines()[-1], flush=True)
        app = _app(env)
        with app.app_context():
            from shopper.extensions import db

            cast = fieldwork.prepare(
                args.shoppers, args.coordinators, args.owners, args.per_shopper
            )
            db.session.remove()
            db.engine.dispose()
        total = sum(len(ids) for ids in cast["assignments"].values())
        print(
            f"Prepared {args.shoppers} shoppers with {total:,} open assignments, "
            f"{args.coordinators} coordinators, {args.owners} owners "
            f"in {time.monotonic() - step:.0f} s.",
            flush=True,
        )
        Work.reset(cast, fieldwork.photos(20))
        server = start_gunicorn(env, folder / "gunicorn.log", workers=args.workers)
        print(
            f"gunicorn --workers {args.workers} on {server.url}, PostgreSQL "
            f"{database.bindir.split('/')[-2]} on port {database.port}; {os.cpu_count()} cores."
        )

        backup = Backup(env, folder)
        print(
            f"\nScenario for {args.seconds:.0f} s: {args.shoppers} shoppers, "
            f"{args.coordinators} coordinators, {args.owners} owners.",
            flush=True,
        )
        counts = {Shopper: args.shoppers, Coordinator: args.coordinators, Owner: args.owners}
        after = args.seconds / 2 if args.backup_after is None else args.backup_after
        recorder = run_scenario(server, args.seconds, counts, backup.start, after)
        report, ok = table(recorder.rows, args.seconds)
        print(report)
        failures = [row for row in recorder.rows if row[3]]
        for row in failures[:10]:
            print(f"  error: {row[1]}: {row[3]}")

        print(
            f"\n{sum(len(c) for c in Work.acknowledged.values())} submissions acknowledged "
            f"on {len(Work.acknowledged)} assignments; {Work.conflicts} review conflicts."
        )
        ok &= verify_stored(app, env)
        if backup.available:
            claim = "Backup taken under load restores every acknowledged visit and photo"
            ok &= verdict(claim, backup.verify(database, folder))
        else:
            print("Backup under load: skipped, this version of the app has no `backup` command.")

        if args.ramp_seconds > 0:
            print(
                f"\nWithout pauses, from {args.ramp_start} users, {args.ramp_step} more every "
                f"{args.step_seconds:.0f} s until p95 > {RAMP_LIMIT_MS} ms:",
                flush=True,
            )
            steps = run_ramp(
                server,
                args.ramp_start,
                args.ramp_step,
                args.step_seconds,
                args.ramp_seconds,
            )
            held = [s for s in steps if s[2] <= RAMP_LIMIT_MS]
            if held:
                best = max(held, key=lambda s: s[1])
                print(
                    f"Held {best[1]:.1f} requests/s with p95 ≤ {RAMP_LIMIT_MS} ms "
                    f"({best[0]} users)."
                )
            else:
                print(f"p95 was over {RAMP_LIMIT_MS} ms from the first step.")
            if steps and steps[-1][2] <= RAMP_LIMIT_MS:
                print("  (p95 never passed 1 s: the time limit or the assignments ran out)")
            print("After the run without pauses:")
            ok &= verify_stored(app, env)
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        database.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

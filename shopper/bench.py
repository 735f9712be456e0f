"""The benchmark: every comparison output on a chain-scale database, SQLite and PostgreSQL.

``make bench`` (``python -m shopper.bench``) builds a synthetic chain with
``shopper.services.synthetic`` (2,000 stores × 60 months unless
``BENCH_STORES`` / ``BENCH_MONTHS`` say otherwise) into a temporary SQLite
file and, when PostgreSQL's binaries are here, into a temporary server of its
own (or the empty database at ``BENCH_POSTGRES_URL``). Then it asks the app,
through its own routes, for the comparison JSON, page, CSV, XLSX and PDF of
the newest month and of the whole history, and prints one table.

Each operation runs once as a warm-up under tracemalloc (its Python-heap
peak), then 5 times timed (the median is shown). "peak RSS" is the largest
peak resident memory of the measuring process during a run (VmHWM, reset
before each run): the whole process, as a server worker would be, with
SQLite's page cache and C libraries, which tracemalloc does not see. The chain
is generated in a separate process, so none of the bulk load is in it. A
PostgreSQL server's own memory is in neither. Beside them, the yardstick: one plain SQL GROUP BY of
store × question over the same answer rows, what any report of these answers
must at least cost when read from the visits.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from shopper import create_app
from shopper.devtools.postgres import start_server
from shopper.domain.workflow import Status
from shopper.extensions import db
from shopper.services.aggregates import month_end

RUNS = 5
# The targets of the issue, in seconds and MB: (operation, period) → (seconds, MB or None).
TARGETS = {
    ("JSON", "1 month"): (0.3, None),
    ("JSON", "all months"): (1.0, None),
    ("PDF", "1 month"): (5.0, 300.0),
    # One store's own report (store=CODE), and a section per store for ~200 stores.
    ("store PDF", "1 month"): (1.0, None),
    ("stores PDF", "1 month"): (20.0, 400.0),
}
DETAILED_STORES = 200
YARDSTICK = """
SELECT a.store_id, q.question_code, SUM(q.earned), SUM(q.possible), COUNT(*)
FROM visit_question_scores q
JOIN visits v ON v.id = q.visit_id
JOIN assignments a ON a.id = v.assignment_id
WHERE a.checklist_id = :checklist AND a.status = :approved
  AND v.visited_on BETWEEN :first AND :last AND q.counted
GROUP BY a.store_id, q.question_code
"""


def log(message: str) -> None:
    """Progress, on stderr so the table on stdout stays clean."""
    print(message, file=sys.stderr, flush=True)


# -- memory -----------------------------------------------------------------


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (0 where there is no /proc)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def _reset_peak() -> None:
    """Make VmHWM start again from the current RSS (Linux ≥ 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@dataclass
class Result:
    """One line of the table."""

    backend: str
    operation: str
    period: str
    times: list[float]
    rss: float | None = None  # bytes
    traced: float | None = None  # bytes
    size: int | None = None  # bytes of output
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def measure(
    backend: str, operation: str, period: str, run: Callable[[], int], runs: int = RUNS
) -> Result:
    """Run once under tracemalloc (warm-up), then ``runs`` times timed with RSS peaks."""
    gc.collect()
    tracemalloc.start()
    size = run()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times, rss = [], 0
    for _ in range(runs):
        gc.collect()
        _reset_peak()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
        rss = max(rss, _status("VmHWM"))
    result = Result(backend, operation, period, times, rss, traced, size)
    log(
        f"  {backend:<10} {operation:<10} {period:<10} median {result.median:.3f} s, "
        f"peak RSS {rss / 2**20:.0f} MB"
    )
    return result


# -- databases --------------------------------------------------------------


def _settings(url: str, instance: Path) -> dict[str, object]:
    return {
        "TESTING": False,
        "SECRET_KEY": "benchmark",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "RATELIMIT_ENABLED": False,
    }


@dataclass
class Built:
    """A database with the chain in it."""

    backend: str
    app: Flask
    generation: float
    analyze: float
    size: int
    first_month: date
    last_month: date
    checklist_id: int


def _generate(backend: str, url: str, instance: Path, stores: int, months: int) -> dict:
    """Migrate and fill the database (in a process of its own, see ``build_database``)."""
    from flask_migrate import upgrade

    from shopper.services import synthetic

    app = create_app(_settings(url, instance))
    with app.app_context():
        upgrade()
        log(f"{backend}: generating {stores:,} stores × {months} months …")
        chain = synthetic.generate(
            stores,
            months,
            seed=1,
            progress=lambda month, visits: (
                log(f"  {month:%Y-%m}: {visits:,} visits") if month.month == 12 else None
            ),
        )
        started = time.perf_counter()
        synthetic.analyze()
        analyzed = time.perf_counter() - started
        if backend == "postgresql":
            size = db.session.execute(text("SELECT pg_database_size(current_database())")).scalar()
        else:
            path = Path(db.engine.url.database)
            size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        checklist_id = db.session.execute(
            text("SELECT id FROM checklists WHERE code = :code"), {"code": chain.checklist}
        ).scalar_one()
        db.session.remove()
        db.engine.dispose()
    log(
        f"{backend}: {chain.visits:,} visits, {chain.answers:,} answers in {chain.seconds:.0f} s "
        f"(+ {analyzed:.0f} s ANALYZE), {size / 2**20:,.0f} MB"
    )
    return {
        "generation": chain.seconds,
        "analyze": analyzed,
        "size": size,
        "first_month": chain.first_month,
        "last_month": chain.last_month,
        "checklist_id": checklist_id,
    }


def build_database(backend: str, url: str, instance: Path, stores: int, months: int) -> dict:
    """Migrate an empty database and generate the chain into it; what ``Built`` needs besides.

    The generation runs in a process of its own, and so does the measuring
    (``measure_backend``): that one holds only what serving reports needs, so
    its memory figures are a server's, not those of a bulk load or of the
    other database's runs.
    """
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(_generate, backend, url, instance, stores, months).result()


def _measure(backend: str, url: str, instance: Path, made: dict, runs: int) -> list[Result]:
    built = Built(backend=backend, app=create_app(_settings(url, instance)), **made)
    try:
        return bench(built, runs)
    finally:
        with built.app.app_context():
            db.engine.dispose()


def measure_backend(backend: str, url: str, instance: Path, made: dict, runs: int) -> list[Result]:
    """Every operation on a generated chain, timed in a fresh process of its own."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(_measure, backend, url, instance, made, runs).result()


# -- operations -------------------------------------------------------------


def _pdf_available() -> bool:
    try:
        from shopper.pdf.comparison import build_comparison_pdf  # noqa: F401
    except ImportError:
        return False
    return True


def bench(built: Built, runs: int) -> list[Result]:
    """Time every output for the newest month and for the whole history.

    ``BENCH_ONLY`` (operations separated by commas, e.g. ``store PDF,stores PDF``)
    times only those.
    """
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    from shopper.services import accounts, comparisons, synthetic

    app = built.app
    with app.app_context():
        coordinator = accounts.get_user(f"coordinator@{synthetic.EMAIL_DOMAIN}")
        bearer = {"Authorization": f"Bearer {accounts.create_token(coordinator, 'bench').secret}"}
        session_id = coordinator.get_id()
        db.session.remove()
    api = app.test_client()
    page = app.test_client()
    with page.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    periods = {
        "1 month": (built.last_month, month_end(built.last_month)),
        "all months": (built.first_month, month_end(built.last_month)),
    }
    results = []
    backend = built.backend
    for period, (first, last) in periods.items():
        args = {
            "checklist": synthetic.CHECKLIST_CODE,
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        }

        def build(args: dict[str, str] = args) -> int:
            with app.app_context():
                comparison = comparisons.build(comparisons.parse_query(args))
                db.session.remove()
            return len(comparison.stores)

        def fetch(
            client, path: str, kind: str, headers: dict[str, str], args: dict[str, str] = args
        ) -> Callable[[], int]:
            def request() -> int:
                response = client.get(path, query_string=args, headers=headers)
                if response.status_code != 200 or kind not in response.content_type:
                    raise RuntimeError(f"{path}: {response.status_code} {response.content_type}")
                return len(response.get_data())

            return request

        def yardstick(first: date = first, last: date = last) -> int:
            with app.app_context():
                rows = db.session.execute(
                    text(YARDSTICK),
                    {
                        "checklist": built.checklist_id,
                        "approved": Status.APPROVED.value,
                        "first": first,
                        "last": last,
                    },
                ).all()
                db.session.remove()
            return len(rows)

        operations: list[tuple[str, Callable[[], int] | None]] = [
            ("build", build),
            ("JSON", fetch(api, "/api/v1/comparison", "json", bearer)),
            ("page", fetch(page, "/reports/comparison", "html", {})),
            ("CSV", fetch(api, "/api/v1/comparison.csv", "csv", bearer)),
            ("XLSX", fetch(api, "/api/v1/comparison.xlsx", "spreadsheet", bearer)),
            (
                "PDF",
                fetch(api, "/api/v1/comparison.pdf", "pdf", bearer) if _pdf_available() else None,
            ),
            ("GROUP BY", yardstick),
        ]
        for operation, run in operations:
            if only and operation not in only:
                continue
            if run is None:
                results.append(Result(backend, operation, period, [], note="n/a"))
                continue
            results.append(measure(backend, operation, period, run, runs))
        if (
            period == "1 month"
            and _pdf_available()
            and (not only or {"store PDF", "stores PDF"} & only)
        ):
            results += _store_pdfs(built, api, bearer, args, runs)
    # What keeping the sums costs a reviewer: withdrawing and approving again
    # one visit of the newest month, and one of the oldest (whose running sums
    # reach through every month since).
    for period, month in (("newest month", built.last_month), ("oldest month", built.first_month)):
        if only and "re-approve" not in only:
            break
        with app.app_context():
            visit_id = db.session.execute(
                text(
                    "SELECT v.id FROM visits v JOIN assignments a ON a.id = v.assignment_id "
                    "WHERE a.checklist_id = :checklist AND a.status = :approved "
                    "AND v.visited_on BETWEEN :first AND :last ORDER BY v.id LIMIT 1"
                ),
                {
                    "checklist": built.checklist_id,
                    "approved": Status.APPROVED.value,
                    "first": month,
                    "last": month_end(month),
                },
            ).scalar_one()
            db.session.remove()

        def review(visit_id: int = visit_id) -> int:
            for decision in ("withdraw", "approve"):
                response = api.post(
                    f"/api/v1/visits/{visit_id}/review", json={"decision": decision}, headers=bearer
                )
                if response.status_code != 200:
                    raise RuntimeError(f"review {decision}: {response.status_code}")
            return 2

        results.append(measure(backend, "re-approve", period, review, runs))
    return results


def _store_pdfs(
    built: Built, api, bearer: dict[str, str], args: dict[str, str], runs: int
) -> list[Result]:
    """One store's report, and the PDF with a section per store of the region whose
    number of stores is nearest ``DETAILED_STORES`` (the whole chain when smaller)."""
    with built.app.app_context():
        counts = db.session.execute(
            text("SELECT region, COUNT(*) FROM stores WHERE NOT competitor GROUP BY region")
        ).all()
        code = db.session.execute(
            text("SELECT code FROM stores WHERE NOT competitor ORDER BY id LIMIT 1")
        ).scalar_one()
        db.session.remove()
    total = sum(count for _, count in counts)
    region, stores = min(counts, key=lambda row: abs(row[1] - DETAILED_STORES))
    detailed = {**args, "details": "stores"}
    if total <= DETAILED_STORES:
        stores = total
    else:
        detailed["region"] = region

    def fetch(query: dict[str, str]) -> Callable[[], int]:
        def request() -> int:
            response = api.get("/api/v1/comparison.pdf", query_string=query, headers=bearer)
            if response.status_code != 200 or "pdf" not in response.content_type:
                raise RuntimeError(f"comparison.pdf {query}: {response.status_code}")
            return len(response.get_data())

        return request

    one = measure(built.backend, "store PDF", "1 month", fetch({**args, "store": code}), runs)
    many = measure(built.backend, "stores PDF", "1 month", fetch(detailed), min(runs, 3))
    many.note = f"{stores:,} stores"
    return [one, many]


# -- the table --------------------------------------------------------------


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value / 2**20:,.0f}"


def _verdict(result: Result) -> str:
    target = TARGETS.get((result.operation, result.period))
    if target is None or result.median is None:
        return ""
    seconds, megabytes = target
    ok = result.median < seconds
    text = f"< {seconds:g} s"
    if megabytes is not None:
        ok = ok and max(result.rss or 0, result.traced or 0) < megabytes * 2**20
        text += f", < {megabytes:g} MB"
    return f"{text}: {'met' if ok else 'MISSED'}"


def table(results: list[Result]) -> str:
    """The results as a plain-text table."""
    header = (
        "backend",
        "operation",
        "period",
        "median s",
        "min–max s",
        "peak RSS MB",
        "traced MB",
        "output",
        "target",
    )
    rows = [header]
    for r in results:
        if not r.times:
            rows.append((r.backend, r.operation, r.period, r.note, "", "", "", "", ""))
            continue
        output = {
            "GROUP BY": f"{r.size:,} rows",
            "build": f"{r.size:,} stores",
            "re-approve": "withdraw+approve",
        }.get(r.operation, f"{r.size / 1024:,.0f} kB")
        if r.note:
            output = f"{output}, {r.note}"
        rows.append(
            (
                r.backend,
                r.operation,
                r.period,
                f"{r.median:.3f}",
                f"{min(r.times):.3f}–{max(r.times):.3f}",
                _mb(r.rss),
                _mb(r.traced),
                output,
                _verdict(r),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    right = {3, 4, 5, 6, 7}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            str(cell).rjust(widths[i]) if i in right else str(cell).ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- main -------------------------------------------------------------------


def _postgres(stack: list[Callable[[], None]]) -> str | None:
    """A URL of an empty PostgreSQL database, or None (and why, on stderr)."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"]
    try:
        server = start_server()
    except (RuntimeError, OSError) as error:
        log(f"postgresql: n/a ({error})")
        return None
    stack.append(server.stop)
    return server.create_database("shopper_bench")


def main(argv: list[str] | None = None) -> int:
    """Build the chain on each backend, run every operation, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=int(os.environ.get("BENCH_STORES", 2000)))
    parser.add_argument("--months", type=int, default=int(os.environ.get("BENCH_MONTHS", 60)))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--backends", default=os.environ.get("BENCH_BACKENDS", "sqlite,postgresql"))
    parser.add_argument("--keep", action="store_true", help="Keep the SQLite file and report it.")
    options = parser.parse_args(argv)
    backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="shopper-bench-"))
    cleanup: list[Callable[[], None]] = []
    results: list[Result] = []
    summaries = []
    try:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            elif backend == "postgresql":
                url = _postgres(cleanup)
                if url is None:
                    summaries.append("postgresql: n/a (no server binaries or it did not start)")
                    continue
            else:
                parser.error(f"unknown backend {backend}")
            instance = workdir / f"instance-{backend}"
            made = build_database(backend, url, instance, options.stores, options.months)
            summaries.append(
                f"{backend}: generated in {made['generation']:.0f} s"
                + (f" (+ {made['analyze']:.0f} s ANALYZE)" if made["analyze"] > 0.5 else "")
                + f", database {made['size'] / 2**20:,.0f} MB"
            )
            results += measure_backend(backend, url, instance, made, options.runs)
    finally:
        for stop in reversed(cleanup):
            stop()
        if options.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    visits = options.stores * options.months
    print(
        f"\nBenchmark: {options.stores:,} stores × {options.months} months = {visits:,} "
        f"approved visits; median of {options.runs} runs after a warm-up; "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    for summary in summaries:
        print(f"  {summary}")
    print()
    print(table(results))
    print(
        "\npeak RSS: the measuring process's peak resident memory during a run (VmHWM, reset"
        " before each), largest of the runs; it holds no more than a server would (the chain"
        " is generated in another process, and each database is measured in a fresh process"
        " of its own). traced: tracemalloc peak of the warm-up run."
        "\nbuild: the comparison service alone (queries + domain), no output format."
        "\nstore PDF: one store's own report (store=CODE); stores PDF: the chain's PDF with a"
        " section per store (details=stores) for the region with nearest 200 stores, 3 runs at most."
        "\nGROUP BY: the yardstick, one SQL GROUP BY store × question over the period's answer rows."
        "\nre-approve: one visit's approval withdrawn and given again through the review API,"
        " each updating the monthly and running sums (oldest month: its running sums run"
        " through every later month)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

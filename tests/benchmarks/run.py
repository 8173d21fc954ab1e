"""`make bench`: Rapport's speed and memory figures, printed as a table.

Each section measures one capability against its target from the issues. Run from the
repository root: `make bench` (or `python tests/benchmarks/run.py [section ...]`).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks import workloads  # noqa: E402

Row = tuple[str, str, str, str]  # what, figure, target, verdict


def timed_process(arguments: list[str]) -> tuple[float, float]:
    """(seconds from start to exit, peak MB of its process tree) of a child process."""
    elapsed, peak, _cpu = timed_process_cpu(arguments)
    return elapsed, peak


def timed_process_cpu(arguments: list[str], one_core: bool = False) -> tuple[float, float, float]:
    """(seconds from start to exit, peak MB of its process tree, CPU seconds of every process in
    it) of a child process: wait4 counts the CPU of the children it reaped (the import's parse
    workers), and TreeMemory samples the memory they all hold at once. `one_core`: the process
    (and all it starts) may run on one core only, the first this one may use."""
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    core = min(os.sched_getaffinity(0))
    _adopt_orphans()
    start = time.perf_counter()
    process = subprocess.Popen(arguments, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=(lambda: os.sched_setaffinity(0, {core})) if one_core else None)
    memory = TreeMemory(process.pid)
    memory.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    memory.stop()
    if os.waitstatus_to_exitcode(status) not in (0, 2):  # 2: an import that rejected some cards
        raise RuntimeError(f"{arguments} failed with status {status}")
    cpu, resident = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    # What outlived it is this process's now (the import workers' fork server, which reaped them):
    # wait for each, and count its CPU and its children's.
    for pid in memory.seen - {process.pid}:
        try:
            _, _, left = os.wait4(pid, 0)
        except ChildProcessError:  # reaped by the process itself, and counted in its usage
            continue
        cpu += left.ru_utime + left.ru_stime
    # ru_maxrss (the largest single process's resident peak) only for a run too short to sample
    return elapsed, memory.peak_mb or resident, cpu


def _adopt_orphans() -> None:
    """Become the child subreaper (Linux): the processes a measured process leaves behind come to
    this one, which can wait for them and read their CPU, instead of going to init."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


class TreeMemory(threading.Thread):
    """The peak memory of a process and its descendants together, sampled every 20 ms: the sum of
    their proportional set sizes (PSS, /proc/PID/smaps_rollup), which counts a page that a worker
    shares with its parent once, split between them, where summing resident sizes would count it
    in each."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb = pid, 0.0
        self.seen: set[int] = {pid}  # every process of the tree, over its life
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.02):
            tree = _tree(self.pid)
            self.seen.update(tree)
            self.peak_mb = max(self.peak_mb, sum(map(_pss_kb, tree)) / 1024)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            tasks = list(Path(f"/proc/{current}/task").glob("*/children"))
        except OSError:  # the process ended while it was listed
            continue
        for task in tasks:
            try:
                waiting += [int(child) for child in task.read_text().split()]
            except OSError:  # gone meanwhile
                pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):  # gone meanwhile, or a zombie's empty file
        pass
    return 0


def timed_window(arguments: list[str], png: Path, first: Path | None = None) -> tuple[float, ...]:
    """(seconds from start to the window's picture written, to exit, peak MB, and with `first` to
    the first paint's picture) of a process that shows a window, grabs it to `png` and quits: the
    picture's time is the window shown with its data; what follows (the interpreter and Qt tearing
    down) is not start-up. Rapport saves its first paint to `first` (RAPPORT_FIRST_PAINT) before
    Today's lists fill in."""
    png.unlink(missing_ok=True)
    if first is not None:
        first.unlink(missing_ok=True)
        os.environ["RAPPORT_FIRST_PAINT"] = str(first)
    started = time.time()
    try:
        elapsed, peak = timed_process(arguments)
    finally:
        os.environ.pop("RAPPORT_FIRST_PAINT", None)
    shown = png.stat().st_mtime - started
    return shown, elapsed, peak, (first.stat().st_mtime - started) if first is not None else shown


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def startup(sizes=(10_000, 100_000), runs: int = 7, exchanges: int = 1_000_000) -> list[Row]:
    """Process start to the window's first paint (the list and Today's frame; its lists fill in
    just after), to Today filled, and to exit, against a bare PySide6 window and the floor of the
    prescribed stack (stack_window.py), all interleaved so that a busy moment of the machine
    weighs on each alike. The largest notebook also holds `exchanges` exchanges."""
    import compileall

    # As an installed app starts from its second run on: with its bytecode cached (a machine
    # with PYTHONDONTWRITEBYTECODE set would otherwise compile Rapport's modules at every start).
    for folder in ("gui", "model", "resources", "tests/benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    workloads.OUTPUT.mkdir(exist_ok=True)
    png, first = workloads.OUTPUT / "startup.png", workloads.OUTPUT / "startup-first-paint.png"
    commands = {"bare": [sys.executable, str(ROOT / "tests/benchmarks/bare_window.py"), str(png)],
                "stack": [sys.executable, str(ROOT / "tests/benchmarks/stack_window.py"), str(png)]}
    notebooks = {size: workloads.notebook_file(size) for size in sizes}
    notebooks[sizes[-1]] = workloads.history_notebook_file(sizes[-1], exchanges)
    for size in sizes:
        commands[size] = [sys.executable, str(ROOT / "main.py"), "--db", str(notebooks[size]), "--screenshot", str(png)]
    frozen = ROOT / "dist" / "Rapport" / "rapport"
    if frozen.exists():  # after `make package`: the bundle against the source start
        commands["frozen"] = [str(frozen), "--db", str(notebooks[sizes[-1]]), "--screenshot", str(png)]
    results: dict = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(timed_window(command, png, None if name in ("bare", "stack") else first))

    def spread(name, what: int = 0) -> str:  # min-median-max, in ms
        values = [result[what] * 1000 for result in results[name]]
        return f"{min(values):.0f}-{statistics.median(values):.0f}-{max(values):.0f}"

    def median(name, what: int = 0) -> float:
        return statistics.median(result[what] for result in results[name])

    bare, stack, stack_exit = median("bare"), median("stack"), median("stack", 1)
    rows = [("start-up, bare PySide6 window", f"{bare * 1000:.0f} ms", "", ""),
            ("start-up, bare window + Peewee, platformdirs, Qt enums",
             f"{stack * 1000:.0f} ms ({stack / bare:.2f}x bare; {spread('stack')})", "", "")]
    for size in sizes:
        target = size == sizes[-1]
        what = f"{size:,} contacts" + (f", {exchanges:,} exchanges" if target else "")
        painted = median(size, 3)
        rows.append((f"start-up to first paint, {what}", f"{painted * 1000:.0f} ms ({painted / stack:.2f}x the stack, "
                     f"{painted / bare:.2f}x bare; {spread(size, 3)})", "<= 1.3x the stack" if target else "",
                     verdict(painted <= 1.3 * stack) if target else ""))
        shown = median(size)
        rows.append(("  to Today filled in", f"{shown * 1000:.0f} ms ({shown / stack:.2f}x the stack)", "", ""))
        exit_ = median(size, 1)
        rows.append(("  whole process, to exit", f"{exit_ * 1000:.0f} ms ({exit_ / stack_exit:.2f}x the stack's)",
                     "<= 1.5x" if target else "", verdict(exit_ <= 1.5 * stack_exit) if target else ""))
        peak = max(result[2] for result in results[size])
        rows.append((f"peak memory, window on {what}", f"{peak:.0f} MB", "< 300 MB" if target else "",
                     verdict(peak < 300) if target else ""))
    if "frozen" in results:
        ratio = median("frozen", 3) / median(sizes[-1], 3)
        rows.append((f"start-up of the bundle to first paint, {sizes[-1]:,} contacts",
                     f"{median('frozen', 3) * 1000:.0f} ms ({ratio:.2f}x from source)", "<= 1.5x source",
                     verdict(ratio <= 1.5)))
    return rows


def search_latency(size: int = 100_000, queries: int = 200) -> list[Row]:
    """What one keystroke in the search field costs: the model's query (the count and the first
    page of rows), and what the user waits for after the debounce, through the real window: the
    search applied, the list reset and repainted (with the person's page and count it updates).
    The keystrokes are words typed from their second letter on, and two-word searches whose second
    word is a prefix ("Berlin C"), which run the most full-text queries."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from gui.app import application
    from gui.main_window import MainWindow
    from gui.models.contact_list_model import PAGE_SIZE
    from model import contacts, search, storage
    from tests.benchmarks.workloads import CITIES, FAMILY, GIVEN, NOTES

    notebook = storage.open_notebook(workloads.notebook_file(size))
    from model import collation
    from model import places as gazetteer

    gazetteer.warm_up()  # as the window does on a thread at start, long before a first search
    collation.warm_up()
    rng = random.Random(7)
    words = GIVEN + FAMILY + ["Savannah", "Berlin", "Doxbond", "sailing", "Tokyo", "555"] + NOTES[0].split()
    places = [city for city, _country in CITIES]
    typed: list[str] = []
    while len(typed) < queries:
        word = rng.choice(words)
        typed += [word[:n] for n in range(2, len(word) + 1)]  # each keystroke from the second letter on
        second = rng.choice(words)
        typed += [f"{rng.choice(places)} {second[:n]}" for n in range(1, min(len(second), 3) + 1)]
    typed = typed[:queries]

    model_times = []
    for text in typed:
        start = time.perf_counter()
        count = search.count_matches(text)
        contacts.rows_for(search.search(text, PAGE_SIZE, 0, count=count))  # the list's first page
        model_times.append((time.perf_counter() - start) * 1000)

    application("bench")
    window = MainWindow(notebook, "bench")
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    people = window.contact_list
    widget_times = []
    page_times = []
    for text in typed:
        people.search_field.setText(text)  # starts the debounce timer, as a keystroke does
        start = time.perf_counter()
        people._apply_search(typing=True)  # what the timer runs when the typing settles
        people.view.viewport().repaint()  # the list painted, as the event loop does next
        widget_times.append((time.perf_counter() - start) * 1000)
        QApplication.processEvents()  # then the person it selected, and the count
        page_times.append((time.perf_counter() - start) * 1000)
    window.close()
    notebook.close()

    def percentiles(timings: list[float]) -> tuple[float, float]:
        timings = sorted(timings)
        return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]

    median, p95 = percentiles(model_times)
    shown, shown_p95 = percentiles(widget_times)
    page, page_p95 = percentiles(page_times)
    return [(f"search per keystroke, {size:,} contacts, the query, median", f"{median:.1f} ms", "< 10 ms",
             verdict(median < 10)),
            (f"search per keystroke, {size:,} contacts, the query, 95th pct", f"{p95:.1f} ms", "", ""),
            (f"search to the list repainted, {size:,} contacts, median", f"{shown:.1f} ms", "", ""),
            (f"search to the list repainted, {size:,} contacts, 95th pct", f"{shown_p95:.1f} ms", "< 30 ms",
             verdict(shown_p95 < 30)),
            ("  and on to the best match's page shown, median / 95th pct", f"{page:.1f} / {page_p95:.1f} ms", "", "")]


def generated_vcards(count: int, versions: str = "3.0,4.0") -> Path:
    """The common workload from gen_vcards.py (a copy of ../shared/bench/): seed 1, 10 % photos, 5 % near-duplicates."""
    workloads.OUTPUT.mkdir(exist_ok=True)
    path = workloads.OUTPUT / f"cards-{count}-{versions.replace(',', '_')}.vcf"
    if not path.exists():
        subprocess.run([sys.executable, str(workloads.GENERATOR), "--count", str(count),
                        "--seed", "1", "--photos-fraction", "0.1", "--duplicates-fraction", "0.05",
                        "--versions", versions, "--out", str(path)], check=True)
    return path


def vcard_import(sizes=(10_000, 50_000), rounds: dict[int, int] | None = None) -> list[Row]:
    """Import into an empty notebook, again unchanged, and again with 1 % of the cards changed, in
    rounds that each time vobject parsing the same file first: every ratio is of a round's own
    pair (A B, A B, ...: a change of load between rounds moves both), given min-median-max, with
    the median wall time and the CPU seconds of every process (Rapport's and its parse workers').
    Each round ends with the first import again on one core, the issue's other measure of its
    serial work."""
    rounds = rounds or {10_000: 5, 50_000: 3}  # a round of 50,000 is about 70 s here
    rows = []
    for size in sizes:
        path = generated_vcards(size)
        changed = _one_in_a_hundred_changed(path)
        # The first import reads every card; the second finds each by its fingerprint
        # (model/fingerprints.py); the third is the same file with one card in a hundred changed.
        attempts = (("first time", path, 0.5), ("second time, unchanged", path, 0.1),
                    ("third, 1 % of cards changed", changed, 0.15))
        bare_times: list[float] = []
        cpu_ratios: list[float] = []  # the first import's CPU (every process) over vobject's, a round each
        pinned_ratios: list[float] = []  # the first import on one core, its wall time over vobject's CPU
        measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in attempts}
        notebook = workloads.OUTPUT / f"import-{size}.rapport"
        for _round in range(rounds.get(size, 5)):
            bare, parsed, bare_cpu = _vobject_parse(path)
            bare_times.append(bare)
            for suffix in ("", "-wal", "-shm"):
                Path(str(notebook) + suffix).unlink(missing_ok=True)
            for name, source, _target in attempts:
                seconds, peak, cpu = timed_process_cpu([sys.executable, str(ROOT / "main.py"), "--db", str(notebook),
                                                        "--import", str(source), "--json"])
                measured[name].append((seconds / bare, seconds, cpu))
                if name.startswith("first"):
                    cpu_ratios.append(cpu / bare_cpu)
                if size == 50_000 and name.startswith("first"):
                    measured.setdefault("peak", []).append((peak, 0, 0))
            # The other measure of serial work: the first import again, on one core (its
            # workers then read in its process), against the same round's vobject.
            for suffix in ("", "-wal", "-shm"):
                Path(str(notebook) + suffix).unlink(missing_ok=True)
            seconds, _peak, _cpu = timed_process_cpu([sys.executable, str(ROOT / "main.py"), "--db", str(notebook),
                                                      "--import", str(path), "--json"], one_core=True)
            pinned_ratios.append(seconds / bare_cpu)
        rows.append((f"vobject alone parses {size:,} cards", f"{statistics.median(bare_times):.1f} s median "
                     f"({min(bare_times):.1f}-{max(bare_times):.1f}, {parsed:,} cards)", "", ""))
        for name, _source, target in attempts:
            ratios = sorted(ratio for ratio, _, _ in measured[name])
            wall = statistics.median(seconds for _, seconds, _ in measured[name])
            cpu = statistics.median(cpu for _, _, cpu in measured[name])
            median = statistics.median(ratios)
            rows.append((f"import {size:,} cards, {name} ({len(ratios)} rounds)",
                         f"{ratios[0]:.2f}-{median:.2f}-{ratios[-1]:.2f}x vobject; {wall:.1f} s, {cpu:.1f} s CPU",
                         f"<= {target}x vobject", verdict(median <= target)))
            if name.startswith("first"):
                cpu_ratios.sort()
                median_cpu = statistics.median(cpu_ratios)
                rows.append((f"  its serial work: CPU of every process over vobject's ({len(cpu_ratios)} rounds)",
                             f"{cpu_ratios[0]:.2f}-{median_cpu:.2f}-{cpu_ratios[-1]:.2f}x vobject's CPU",
                             "<= 0.5x", verdict(median_cpu <= 0.5)))
                pinned_ratios.sort()
                median_pinned = statistics.median(pinned_ratios)
                rows.append((f"  or: its wall time on one core, over vobject's CPU ({len(pinned_ratios)} rounds)",
                             f"{pinned_ratios[0]:.2f}-{median_pinned:.2f}-{pinned_ratios[-1]:.2f}x vobject's CPU",
                             "<= 0.5x", verdict(median_pinned <= 0.5)))
        if "peak" in measured:
            peak = max(value for value, _, _ in measured["peak"])
            rows.append((f"peak memory, first import of {size:,} cards (the process and its workers)", f"{peak:.0f} MB",
                         "< 400 MB", verdict(peak < 400)))
        if size == 50_000:
            for version in ("3.0", "4.0"):
                out = workloads.OUTPUT / f"export-{size}-{version}.vcf"
                seconds, _ = timed_process([sys.executable, str(ROOT / "main.py"), "--db", str(notebook),
                                            "--export-vcard", str(out), "--vcard-version", version])
                rows.append((f"export {size:,} people as vCard {version}", f"{seconds:.1f} s", "< 5 s",
                             verdict(seconds < 5)))
    rows.append(plan_dialog_first_rows(generated_vcards(50_000)))
    mixed = generated_vcards(10_000, "2.1,3.0,4.0")
    notebook = workloads.OUTPUT / "import-mixed.rapport"
    for suffix in ("", "-wal", "-shm"):
        Path(str(notebook) + suffix).unlink(missing_ok=True)
    seconds, _ = timed_process([sys.executable, str(ROOT / "main.py"), "--db", str(notebook), "--import", str(mixed)])
    rows.append(("import 10,000 cards with vCard 2.1 mixed in", f"{10_000 / seconds:,.0f} cards/s", "", ""))
    return rows




def _one_in_a_hundred_changed(path: Path) -> Path:
    """A copy of a generated file with a note added to every hundredth card."""
    changed = path.with_name(path.stem + "-1pc-changed.vcf")
    if not changed.exists():
        cards = path.read_bytes().split(b"END:VCARD")
        for n in range(0, len(cards) - 1, 100):
            cards[n] += b"NOTE:changed since the last export\r\n"
        changed.write_bytes(b"END:VCARD".join(cards))
    return changed


def _vobject_parse(path: Path) -> tuple[float, int, float]:
    """(seconds, cards, CPU seconds of the whole process) for plain vobject parsing `path`, in a
    process of its own: parsed here, the cards would sit in this process, and a child forked from
    it starts with that peak memory. The seconds are the parse's alone; the CPU is the process's,
    start and imports included, as an import's is counted."""
    code = ("import sys, time, vobject\nstart = time.perf_counter()\n"
            "with open(sys.argv[1], encoding='utf-8') as stream:\n"
            "    parsed = sum(1 for _ in vobject.readComponents(stream))\n"
            "print(time.perf_counter() - start, parsed, time.process_time())")
    seconds, parsed, cpu = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                                          check=True).stdout.split()
    return float(seconds), int(parsed), float(cpu)


def plan_dialog_first_rows(path: Path) -> Row:
    """How long File → Import of a big file takes to show the first rows of its plan."""
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop

    from gui.app import application
    from gui.import_dialog import ImportDialog
    from model import storage

    folder = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    notebook = storage.open_notebook(folder / "dialog.rapport")
    app = application("bench")
    start = time.perf_counter()
    dialog = ImportDialog([str(path)])
    dialog.show()
    dialog.start()
    while dialog.model.rowCount() == 0:
        app.processEvents(QEventLoop.AllEvents, 5)
    dialog.table.repaint()
    first = time.perf_counter() - start
    dialog.reject()  # cancels the reading
    while dialog.busy():
        app.processEvents(QEventLoop.AllEvents, 5)
    notebook.close()
    shutil.rmtree(folder, ignore_errors=True)
    return (f"import dialog, first rows of {path.stem.split('-')[1]} cards", f"{first:.2f} s", "< 1 s",
            verdict(first < 1))


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def history_figures(people: int = 100_000, exchanges: int = 1_000_000) -> list[Row]:
    """A person's History tab, the notebook-wide lists, and logging, on a million exchanges."""
    import datetime as dt
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import application
    from gui.history_tab import HistoryTab
    from model import history, storage
    from model.history import InteractionRecord

    source = workloads.history_notebook_file(people, exchanges)
    copy = Path(tempfile.mkdtemp(prefix="rapport-bench-")) / "history.rapport"
    shutil.copy(source, copy)
    notebook = storage.open_notebook(copy)
    application("bench")
    tab = HistoryTab()
    tab.resize(800, 700)
    tab.show()

    def open_history(contact_id: int) -> None:
        tab.show_contact(contact_id, 30)
        tab.repaint()  # laid out and painted, as the user sees it

    rng = random.Random(3)
    ids = [rng.randrange(1, people // 5) for _ in range(60)]  # people who have history
    opened = statistics.median(_median_ms(lambda i=i: open_history(i), 1) for i in ids)
    biggest = notebook.database.execute_sql("SELECT id, exchanges FROM contact ORDER BY exchanges DESC LIMIT 1")
    big_id, big_count = biggest.fetchone()
    opened_big = _median_ms(lambda: open_history(big_id), 5)
    offline = _median_ms(lambda: history.take_it_offline(limit=50), 5)
    overdue = _median_ms(lambda: history.overdue(limit=100), 5)
    now = dt.datetime.now(dt.UTC)
    logged = _median_ms(lambda: history.log(InteractionRecord(rng.randrange(1, people), "phone", now,
                                                               summary="Bench call")), 50)
    notebook.close()
    shutil.rmtree(copy.parent, ignore_errors=True)
    scale = f"{people:,} contacts, {exchanges:,} exchanges"
    return [
        (f"open a person's history ({scale})", f"{opened:.1f} ms median", "< 50 ms", verdict(opened < 50)),
        (f"open the busiest history ({big_count} exchanges)", f"{opened_big:.1f} ms", "", ""),
        ("take-it-offline ranking, top 50", f"{offline:.0f} ms", "< 300 ms", verdict(offline < 300)),
        ("overdue list", f"{overdue:.0f} ms", "< 300 ms", verdict(overdue < 300)),
        ("log an exchange", f"{logged:.1f} ms median", "< 20 ms", verdict(logged < 20)),
    ]


def prep_figures(people: int = 100_000) -> list[Row]:
    """A person's Prep tab, and resolving a city to its zone once the gazetteer is loaded."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import application
    from gui.prep_tab import PrepTab
    from model import contacts, places, storage

    notebook = storage.open_notebook(workloads.history_notebook_file(people))
    application("bench")
    tab = PrepTab()
    tab.resize(800, 900)
    tab.show()
    first_lookup = _median_ms(lambda: places.zone_for_city("Savannah", "GA", "United States"), 1)
    rng = random.Random(4)
    cities = [city for city, _ in workloads.CITIES] + ["Kraków", "São Paulo", "Portland", "Zürich", "Mumbai"]
    lookup = statistics.median(_median_ms(lambda c=c: places.resolve(city=c), 1) for c in cities * 20)

    def open_prep(contact_id: int) -> None:
        tab.show_contact(contacts.get_contact(contact_id))
        tab.repaint()

    opened = statistics.median(_median_ms(lambda i=i: open_prep(i), 1)
                               for i in (rng.randrange(1, people) for _ in range(60)))
    notebook.close()
    return [
        (f"open a person's Prep tab ({people:,} contacts)", f"{opened:.1f} ms median", "< 50 ms", verdict(opened < 50)),
        ("resolve a city to a zone, first lookup (loads the gazetteer)", f"{first_lookup:.0f} ms", "", ""),
        ("resolve a city to a zone, after the first", f"{lookup * 1000:.0f} µs median", "< 5 ms", verdict(lookup < 5)),
    ]


def calendar_figures(count: int = 10_000) -> list[Row]:
    """The calendar on `count` meetings: switching months, the 30-day agenda, exporting all."""
    import datetime as dt
    import io
    import shutil
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import application
    from gui.calendar_view import CalendarView
    from model import ical, meetings, storage

    copy = Path(tempfile.mkdtemp(prefix="rapport-bench-")) / "meetings.rapport"
    shutil.copy(workloads.meetings_notebook_file(count=count), copy)
    notebook = storage.open_notebook(copy)
    application("bench")
    view = CalendarView()
    view.resize(1200, 800)
    view.show()
    view.refresh()
    today = dt.date.today()
    months = [(today.year + (today.month - 1 + n) // 12, (today.month - 1 + n) % 12 + 1) for n in range(-5, 6)]

    def switch(year: int, month: int) -> None:
        view.month.setCurrentPage(year, month)
        view.month.repaint()

    switched = statistics.median(_median_ms(lambda y=y, m=m: switch(y, m), 1) for y, m in months * 2)
    view.agenda_button.click()
    agenda = _median_ms(lambda: (view.refresh_agenda(), view.agenda.repaint()), 10)
    shown = view.agenda.row_count()
    exported = _median_ms(lambda: ical.write_ics(meetings.all_meetings(), io.StringIO()), 3)
    notebook.close()
    shutil.rmtree(copy.parent, ignore_errors=True)
    return [
        (f"month view switch ({count:,} meetings, 2,000 series with exceptions)", f"{switched:.1f} ms median",
         "< 50 ms", verdict(switched < 50)),
        (f"agenda of the next 30 days ({shown} rows)", f"{agenda:.1f} ms median", "< 50 ms", verdict(agenda < 50)),
        (f"export all {count:,} meetings to .ics", f"{exported / 1000:.2f} s", "< 1 s", verdict(exported < 1000)),
    ]


def callsheet_figures() -> list[Row]:
    """A call sheet to PDF, and a day of ten sheets, from the sample notebook."""
    import datetime as dt
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import application
    from gui.callsheet import makers_for, makers_for_day, write_pdf
    from model import meetings, sample
    from model.schema import Contact

    folder = Path(tempfile.mkdtemp(prefix="rapport-bench-"))
    notebook = sample.build_sample_notebook(folder / "sample.rapport")
    application("bench")
    ids = [row.id for row in Contact.select(Contact.id).limit(10)]
    write_pdf(makers_for("contact", ids[0]), folder / "warm.pdf")  # fonts and templates loaded once
    single = statistics.median(_median_ms(lambda i=i: write_pdf(makers_for("contact", i), folder / "one.pdf"), 1)
                               for i in ids * 2)
    day = dt.date.today() + dt.timedelta(days=40)
    zone = dt.datetime.now().astimezone().tzinfo
    for hour, contact_id in enumerate(ids, 8):
        starts = dt.datetime.combine(day, dt.time(hour), zone).astimezone(dt.UTC)
        meetings.save(meetings.MeetingRecord(f"Call {hour}", starts, starts + dt.timedelta(minutes=30),
                                             attendees=[meetings.Attendee(contact_id)]))
    ten = _median_ms(lambda: write_pdf(makers_for_day(day), folder / "day.pdf"), 3)
    notebook.close()
    return [
        ("call sheet to PDF", f"{single:.0f} ms median", "< 300 ms", verdict(single < 300)),
        ("a day of 10 call sheets to one PDF", f"{ten / 1000:.2f} s", "< 3 s", verdict(ten < 3000)),
    ]


def export_import() -> list[Row]:
    """History exports (issue 19): a WhatsApp export of 200,000 messages among 500 people and an
    SMS backup of 100,000 messages, each planned and written by `--import` into an empty
    notebook, then imported again (everything already there)."""
    from tests.benchmarks import gen_exports

    workloads.OUTPUT.mkdir(exist_ok=True)
    chats, sms = workloads.OUTPUT / "whatsapp-200000.zip", workloads.OUTPUT / "sms-100000.xml"
    if not chats.exists():
        gen_exports.whatsapp_zip(chats, 200_000, 500)
    if not sms.exists():
        gen_exports.sms_backup(sms, 100_000, 500)
    rows = []
    for what, path in (("200,000 WhatsApp messages, 500 people", chats), ("100,000 SMS, 500 people", sms)):
        notebook = workloads.OUTPUT / f"history-{path.stem}.rapport"
        for suffix in ("", "-wal", "-shm"):
            Path(str(notebook) + suffix).unlink(missing_ok=True)
        for attempt in ("first", "second"):
            seconds, peak = timed_process([sys.executable, str(ROOT / "main.py"), "--db", str(notebook),
                                           "--import", str(path), "--json"])
            rows.append((f"import {what} ({attempt}: plan and write)", f"{seconds:.1f} s", "< 10 s",
                         verdict(seconds < 10)))
            rows.append((f"peak memory, {what} ({attempt})", f"{peak:.0f} MB", "< 300 MB", verdict(peak < 300)))
    return rows


def _photo(rng: random.Random) -> bytes:
    """A real JPEG of about 5 KB (noise does not compress), as phones' contact photos are."""
    import io

    from PIL import Image

    image = Image.frombytes("RGB", (48, 48), bytes(rng.randrange(256) for _ in range(48 * 48 * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _synced_server(folder: Path, people: int):
    """A Radicale whose address book holds `people` cards with photos, written as Radicale keeps
    them (one file each, while it is stopped: pushing 10,000 cards one PUT at a time would take
    minutes and is not what is measured)."""
    from model import storage, sync, vcard
    from tests.servers.radicale import radicale

    rng = random.Random(7)
    with radicale(folder) as server:
        notebook = storage.open_notebook(folder / "maker.rapport")
        account = sync.add_account(server.url, server.user, server.password)
        notebook.close()
    collection = folder / "collections" / "collection-root" / account.address_book.strip("/")
    photo = _photo(rng)
    for number in range(people):
        record = workloads.person(rng, number)
        record.uid, record.photo, record.photo_type = f"bench-{number}", photo, "image/jpeg"
        (collection / f"bench-{number}.vcf").write_text(vcard.serialize(record, "3.0"), encoding="utf-8")
    return radicale(folder)  # started again: it reads what was written


def sync_figures(sizes=(1_000, 10_000), rounds: int = 5) -> list[Row]:
    """CardDAV sync (issue 18) with a local Radicale: a notebook's first sync of an address book
    of people with photos, then `rounds` incremental syncs, each with one change on each side;
    the request count of an incremental sync does not grow with the address book. Most of the
    wall time is Radicale's: at 10,000 cards it takes 0.7 to 1.0 s to answer the address book's
    sync-collection REPORT (it reads and hashes every item to check its cache); Rapport writes
    out its side meanwhile. The largest address book is synced again with Radicale tuned as its
    Performance tuning page advises for many items (tests/servers/radicale.py)."""
    import shutil
    import tempfile

    from model import dav, storage, sync
    from tests.servers.radicale import radicale

    rows: list[Row] = []
    for people in sizes:
        folder = Path(tempfile.mkdtemp(prefix="rapport-bench-sync-"))
        try:
            with _synced_server(folder / "radicale", people) as server:
                notebook = storage.open_notebook(folder / "b.rapport")
                account = sync.add_account(server.url, server.user, server.password)
                client = dav.Client(server.url, server.user, server.password)
                start = time.perf_counter()
                report = sync.sync_account(account, client)
                first = time.perf_counter() - start
                assert report.pulled == people and not report.errors, report
                # What the first sync wrote (10,000 files for Radicale, the notebook's pages) goes to
                # disk before the syncs that are timed, not during them.
                os.sync()
                rows.append((f"first sync of {people:,} people with photos", f"{first:.1f} s"
                             f" ({people / first:,.0f} cards/s)", "", ""))
                rows += _incremental_syncs(server, people, rounds, "")
            if people == sizes[-1]:
                with radicale(folder / "radicale", port=server.port, tuned=True) as tuned:
                    sync.sync_account(sync.accounts()[0], dav.Client(tuned.url, tuned.user, tuned.password))
                    rows += _incremental_syncs(tuned, people, rounds, ", Radicale tuned")
            notebook.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    counts = [row[1] for row in rows if row[0].startswith("requests")]
    rows.append(("incremental sync requests independent of size", " = ".join(counts), "equal",
                 verdict(len(set(counts)) == 1)))
    return rows


def _incremental_syncs(server, people: int, rounds: int, how: str) -> list[Row]:
    """`rounds` syncs of the open notebook's account, each after one change here and one on the
    server (another client's): their wall time, Rapport's CPU time and request count."""
    import dataclasses

    from model import contacts, dav, sync

    account = sync.accounts()[0]
    walls, cpus, waits, requests = [], [], [], set()
    for round_ in range(rounds):
        [here] = contacts.get_contacts([1])
        contacts.update_contact(dataclasses.replace(here, title=f"Changed here {round_}{how}"))
        href = f"{account.address_book}bench-{people - 1}.vcf"
        status, card = server.request("GET", href)
        assert status == 200
        there = re.sub(rb"NOTE:Changed there [^\r]*\r\n", b"", card)
        server.request("PUT", href, there.replace(b"END:VCARD", f"NOTE:Changed there {round_}{how}\r\n"
                                                  "END:VCARD".encode()), {"Content-Type": "text/vcard"})
        client = dav.Client(server.url, server.user, server.password)
        start, cpu = time.perf_counter(), time.process_time()
        report = sync.sync_account(sync.accounts()[0], client)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        waits.append(client.waited)
        assert (report.pulled, report.pushed) == (1, 1), report
        requests.add(client.requests)
    wall = statistics.median(walls)
    return [(f"incremental sync, one change each side, {people:,} people{how}",
             f"{wall * 1000:.0f} ms (min-max {min(walls) * 1000:.0f}-{max(walls) * 1000:.0f}, {rounds} syncs)",
             "< 1 s", verdict(wall < 1)),
            (f"  of which waiting for the server's answers, {people:,} people{how}",
             f"{statistics.median(waits) * 1000:.0f} ms", "", ""),
            (f"  Rapport's own work (CPU, much of it while the server answers), {people:,} people{how}",
             f"{statistics.median(cpus) * 1000:.0f} ms", "", ""),
            (f"requests of that sync ({people:,} people{how})", "/".join(map(str, sorted(requests))),
             "same at every size", "")]


SECTIONS = {"startup": startup, "exports": export_import, "sync": sync_figures, "search": search_latency,
            "import": vcard_import, "history": history_figures, "prep": prep_figures, "calendar": calendar_figures,
            "callsheet": callsheet_figures}


# `make bench QUICK=1`: every section on a tenth of its workload, for a look in a few minutes.
# The targets are the full workloads'; a quick run's verdicts only say which way things went.
QUICK: dict[str, dict] = {
    "startup": {"sizes": (10_000,), "runs": 3, "exchanges": 100_000}, "search": {"size": 10_000, "queries": 50},
    "import": {"sizes": (10_000,), "rounds": {10_000: 2}}, "history": {"people": 10_000, "exchanges": 100_000},
    "prep": {"people": 10_000}, "calendar": {"count": 2_000}, "sync": {"sizes": (1_000,)},
}


def main(names: list[str]) -> int:
    rows: list[Row] = []
    quick = os.environ.get("QUICK", "") not in ("", "0")
    for name in names or list(SECTIONS):
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += SECTIONS[name](**(QUICK.get(name, {}) if quick else {}))
    widths = [max(len(row[i]) for row in rows + [("what", "figure", "target", "")]) for i in range(4)]
    header = ("what", "figure", "target", "")
    print("  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)))
    if quick:
        print("(QUICK=1: a tenth of each workload; the targets are the full workloads')")
    return 0 if all(row[3] != "MISSED" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

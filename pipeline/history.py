"""The run history (运行记录): every run of an assessment folder, in one SQLite file beside config.toml.

Why: an assessment is not one run. Returns arrive over weeks and are re-run nightly, results go out for 公示, units
appeal, a final list is approved (定稿). The office must be able to list the runs, say which one was published, and
answer "what changed, and why" between two of them (pipeline/history_diff.py). Each run is stored whole: its time,
the scheme's hash, the input files and their hashes, the issue counts, the issues and the full results.json (every
unit, component, indicator and trace), so a later question never depends on files that may have changed since.

The file is the standard library's sqlite3 (no server, one file the office can copy). Its schema is versioned
(`PRAGMA user_version`, upgraded by `MIGRATIONS` in order) and every write is one transaction, so a crash leaves
the file as it was. A file that is not SQLite, or another program's database, or one written by a newer kaohe, is
a `HistoryError` with a Chinese message naming the file — never a traceback, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

HISTORY_FILE = "考核运行记录.sqlite"
APPLICATION = "kaohe-history"
TRIAL, PUBLICITY, FINAL, DATA_ERRORS = "试算", "公示", "定稿", "数据有误"
STATUSES = (TRIAL, PUBLICITY, FINAL, DATA_ERRORS)

# Schema versions in order; version k is reached by running MIGRATIONS[k - 1] on version k - 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        finished_at TEXT NOT NULL,          -- ISO time in the scheme's time zone
        kind TEXT NOT NULL,                 -- run | check
        status TEXT NOT NULL,               -- 试算 | 公示 | 定稿 | 数据有误
        scheme_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        year INTEGER NOT NULL,
        units INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        generation TEXT NOT NULL,           -- the 归档/ folder that holds the run's outputs
        results TEXT,                       -- results.json as published; NULL when the data had errors
        issues TEXT NOT NULL,               -- the issues, as JSON
        status_changed_at TEXT
    );
    CREATE TABLE inputs (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL
    );
    CREATE INDEX inputs_by_run ON inputs(run_id);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(Exception):
    """The run history cannot be read or written; the message is Chinese and names the file."""


@dataclass
class RunRecord:
    id: int
    finished_at: str
    kind: str
    status: str
    scheme_hash: str
    title: str
    year: int
    units: int
    errors: int
    warnings: int
    infos: int
    generation: str
    results: dict | None
    issues: list[dict]
    inputs: dict[str, str]  # file -> sha256

    @property
    def scored(self) -> bool:
        return self.results is not None

    def totals(self) -> dict[str, float]:
        return {u["unit"]: u["total"] for u in (self.results or {}).get("units", [])}

    def where(self) -> str:
        """How a figure taken from this run is sourced: the record file, the run and what it was."""
        return f"{HISTORY_FILE} › 第{self.id}次运行（{self.year}年{self.status}）"

    def growth_values(self) -> dict[tuple[str, str], tuple[str, float, str]]:
        """Each composite-index item's value this run read, by (unit, item id): (item name, value, its cell)."""
        return {(u["unit"], it["item"]): (it["name"], it["value"], it["value_source"])
                for u in (self.results or {}).get("units", []) for g in u["growth"].values() for it in g["items"]
                if it["value"] is not None}


def history_path(folder: Path) -> Path:
    return Path(folder) / HISTORY_FILE


class History:
    """The run history of one assessment folder (opened, upgraded to the current schema, closed by `with`)."""

    def __init__(self, folder: Path):
        self.path = history_path(folder)
        self.conn: sqlite3.Connection | None = None

    def __enter__(self) -> "History":
        self.conn = self._open()
        return self

    def __exit__(self, *exc) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- opening, checking, migrating ------------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        where = f"运行记录文件 {self.path.name}"
        if self.path.exists() and not self.path.is_file():
            raise HistoryError(f"{where} 不是文件（是文件夹或其他），请移走后重新运行")
        try:
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA foreign_keys = ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{where} 已损坏或不是 SQLite 数据库（{_reason(exc)}）；请从备份恢复，"
                               "或把它移走（将新建一个空的运行记录）") from None
        except sqlite3.Error as exc:
            raise HistoryError(f"无法打开{where}（{_reason(exc)}）") from None
        try:
            if version == 0 and tables:
                raise HistoryError(f"{where} 是其他程序的数据库，不是 kaohe 的运行记录；请把它移走或改名")
            if version > SCHEMA_VERSION:
                raise HistoryError(f"{where} 由更新版本的 kaohe 写入（记录格式第 {version} 版，本程序只认识到第 "
                                   f"{SCHEMA_VERSION} 版），请升级 kaohe 后再运行")
            if version > 0 and "meta" in tables:
                app = conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
                if app is None or app[0] != APPLICATION:
                    raise HistoryError(f"{where} 不是 kaohe 的运行记录；请把它移走或改名")
            for k in range(version, SCHEMA_VERSION):
                with conn:  # one transaction per step: a crash leaves the previous version whole
                    conn.executescript("BEGIN;" + MIGRATIONS[k] + _meta_sql(k + 1) + "COMMIT;")
        except HistoryError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise HistoryError(f"{where} 无法升级或读取（{_reason(exc)}）；请从备份恢复，或把它移走") from None
        return conn

    # -- writing ---------------------------------------------------------------------------------------------------
    def record(self, *, finished_at: str, kind: str, scheme_hash: str, title: str, year: int, units: int,
               counts: dict[str, int], generation: str, results: bytes | None, issues: list[dict],
               inputs: list[tuple[str, str]]) -> int:
        """Store one run (one transaction); its status is 试算, or 数据有误 when it had errors. Returns its number."""
        status = TRIAL if results is not None else DATA_ERRORS
        try:
            with self.conn:
                cur = self.conn.execute(
                    "INSERT INTO runs (finished_at, kind, status, scheme_hash, title, year, units, errors, warnings,"
                    " infos, generation, results, issues) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (finished_at, kind, status, scheme_hash, title, year, units, counts.get("错误", 0),
                     counts.get("警告", 0), counts.get("提示", 0), generation,
                     None if results is None else results.decode("utf-8"), json.dumps(issues, ensure_ascii=False)))
                run_id = cur.lastrowid
                self.conn.executemany("INSERT INTO inputs (run_id, file, sha256) VALUES (?, ?, ?)",
                                      [(run_id, f, h) for f, h in inputs])
            return run_id
        except sqlite3.Error as exc:
            raise HistoryError(f"无法写入运行记录文件 {self.path.name}（{_reason(exc)}）") from None

    def publish(self, run_id: int, status: str, when: str, generation: str) -> int | None:
        """Mark a run 公示 or 定稿, its outputs now being `generation` (generated again with that status), in one
        transaction. A new 定稿 demotes the year's earlier 定稿 run to 公示 (the CLI asks for --replace first);
        that run's number is returned."""
        year = self.conn.execute("SELECT year FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
        old = self.runs("year = ? AND status = ? AND id != ?", (year, FINAL, run_id)) if status == FINAL else []
        try:
            with self.conn:
                for r in old:
                    self.conn.execute("UPDATE runs SET status = ?, status_changed_at = ? WHERE id = ?",
                                      (PUBLICITY, when, r.id))
                self.conn.execute("UPDATE runs SET status = ?, status_changed_at = ?, generation = ? WHERE id = ?",
                                  (status, when, generation, run_id))
        except sqlite3.Error as exc:
            raise HistoryError(f"无法写入运行记录文件 {self.path.name}（{_reason(exc)}）") from None
        return old[0].id if old else None

    # -- reading ---------------------------------------------------------------------------------------------------
    def runs(self, where: str = "", params: tuple = ()) -> list[RunRecord]:
        """Every run (or those `where` selects), newest first."""
        rows = self.conn.execute("SELECT id, finished_at, kind, status, scheme_hash, title, year, units, errors,"
                                 " warnings, infos, generation, results, issues FROM runs"
                                 + (f" WHERE {where}" if where else "") + " ORDER BY id DESC", params).fetchall()
        inputs: dict[int, dict[str, str]] = {}
        ids = [r[0] for r in rows]
        for run_id, file, sha in self.conn.execute(
                f"SELECT run_id, file, sha256 FROM inputs WHERE run_id IN ({','.join('?' * len(ids))}) ORDER BY rowid",
                ids):
            inputs.setdefault(run_id, {})[file] = sha
        return [RunRecord(*r[:12], json.loads(r[12]) if r[12] is not None else None, json.loads(r[13]),
                          inputs.get(r[0], {})) for r in rows]

    def final_of_year(self, year: int) -> RunRecord | None:
        """The newest 定稿 run of an assessment year (next year's rank changes and progress awards start from it)."""
        found = self.runs("year = ? AND status = ? AND results IS NOT NULL", (year, FINAL))
        return found[0] if found else None

    def finals_before(self, year: int) -> dict[int, RunRecord]:
        """Each earlier assessment year's newest 定稿 run, by year."""
        out: dict[int, RunRecord] = {}
        for r in self.runs("year < ? AND status = ? AND results IS NOT NULL", (year, FINAL)):
            out.setdefault(r.year, r)  # newest first: the first seen is the newest
        return dict(sorted(out.items()))

    def get(self, run_id: int) -> RunRecord | None:
        found = self.runs("id = ?", (run_id,))
        return found[0] if found else None


def _meta_sql(version: int) -> str:
    if version == 1:
        return (f"INSERT INTO meta (key, value) VALUES ('application', '{APPLICATION}');"
                f"PRAGMA user_version = {version};")
    return f"PRAGMA user_version = {version};"


def _reason(exc: BaseException) -> str:
    text = str(exc)
    return {"file is not a database": "文件不是数据库", "database disk image is malformed": "数据库文件已损坏",
            "database is locked": "数据库被另一个程序占用"}.get(text, text)


def now_text(timezone: str) -> str:
    from .render.reproducible import zone

    return dt.datetime.now(zone(timezone)).replace(microsecond=0).isoformat()


def check_readable(folder: Path) -> None:
    """Open (and upgrade) the folder's history before a run does any work: a damaged file stops the run at once."""
    with History(folder):
        pass


__all__ = ["History", "HistoryError", "RunRecord", "HISTORY_FILE", "STATUSES", "TRIAL", "PUBLICITY", "FINAL",
           "DATA_ERRORS", "check_readable", "now_text", "history_path"]

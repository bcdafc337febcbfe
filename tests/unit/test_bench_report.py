#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host tests of scripts/bench.d/report.py: manifests and fio JSON made up
here, run through the summary that scripts/bench prints. Prints TAP."""
import contextlib
import io
import json
import os
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts", "bench.d"))
sys.dont_write_bytecode = True
import report  # noqa: E402

MiB = 1 << 20
# /proc/stat "cpu" fields, before and after: 100 busy ticks of 400
CPU_BEFORE = "0,0,0,0,0,0,0,0"
CPU_AFTER = "50,0,50,300,0,0,0,0"


def fio_json(mib_s, p99_us, rw="read"):
    """fio's JSON for one group-reported job; warnings before it, as fio prints"""
    d = {"io_bytes": int(mib_s * MiB * 5), "bw_bytes": int(mib_s * MiB),
         "iops": mib_s * 256.0, "total_ios": int(mib_s * 256 * 5),
         "clat_ns": {"mean": 1000.0, "percentile": {
             "50.000000": p99_us * 500, "99.000000": p99_us * 1000,
             "99.900000": p99_us * 1000}},
         "lat_ns": {"mean": 1000.0}}
    zero = {"io_bytes": 0, "bw_bytes": 0, "iops": 0.0, "total_ios": 0}
    job = {"error": 0, "job_runtime": 5000, "usr_cpu": 1.0, "sys_cpu": 2.0,
           "read": d if rw == "read" else zero, "write": d if rw == "write" else zero}
    return "fio: warning: something\n" + json.dumps({"jobs": [job]})


class Raw:
    """a RAWDIR as scripts/bench.d/lib.sh leaves it"""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.lines = []

    def run(self, kind, row, npass, mib_s=None, p99_us=100, status=0, old_format=False,
            backend="null_blk", busy=100):
        sfx = "" if npass == 1 else f".p{npass}"
        if mib_s is not None:
            with open(os.path.join(self.dir, f"{backend}-{kind}-{row}{sfx}.json"), "w",
                      encoding="utf-8") as f:
                f.write(fio_json(mib_s, p99_us))
        after = CPU_AFTER if busy == 100 else f"{busy // 2},0,{busy - busy // 2},{400 - busy},0,0,0,0"
        cols = [backend, kind, row, str(status), CPU_BEFORE, after, "100", "1", "512",
                f"label {row}"]
        if not old_format:
            cols.append(str(npass))
        self.lines.append("\t".join(cols))

    def summarize(self):
        with open(os.path.join(self.dir, "manifest.tsv"), "w", encoding="utf-8") as f:
            f.write("\n".join(self.lines) + "\n")
        out = os.path.join(self.dir, "out.json")
        args = type("Args", (), {"rawdir": self.dir, "kernel": "k", "runtime": 5.0,
                                 "json": out, "note": []})
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            report.summarize(args)
        with open(out, encoding="utf-8") as f:
            return json.load(f), text.getvalue()


def close(a, b):
    return abs(a - b) < 1e-6 * max(1.0, abs(b))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def test_one_pass_old_manifest():
    """a manifest from before --repeat (10 columns) still reads as pass 1"""
    raw = Raw()
    raw.run("ktgt", "seqread", 1, 300, old_format=True)
    raw.run("lio", "seqread", 1, 100, old_format=True)
    doc, text = raw.summarize()
    row = doc["backends"]["null_blk"]["seqread"]
    expect(doc["passes"] == 1, f"passes {doc['passes']}")
    expect(close(row["targets"]["ktgt"]["mib_s"], 300), "ktgt MiB/s")
    expect(close(row["ratios"]["ktgt/lio"]["mib_s"], 3.0), "ratio")
    expect("one pass" in text and "spread" not in text, "one-pass header, no spread table")


def test_median_pass_and_its_own_figures():
    """each cell is the median pass, with that pass's p99 (not a median of p99s)"""
    raw = Raw()
    for npass, (k, kp99, lio) in enumerate([(500, 10, 90), (300, 70, 200), (400, 40, 100)], 1):
        raw.run("ktgt", "seqread", npass, k, kp99)
        raw.run("lio", "seqread", npass, lio, 5)
    doc, text = raw.summarize()
    row = doc["backends"]["null_blk"]["seqread"]
    k = row["targets"]["ktgt"]
    expect(doc["passes"] == 3, f"passes {doc['passes']}")
    expect(close(k["mib_s"], 400) and k["pass"] == 3, f"median pass {k['pass']}")
    expect(close(k["p99_us"], 40), f"p99 of the median pass: {k['p99_us']}")
    expect([p["pass"] for p in k["passes"]] == [1, 2, 3], "every pass listed in order")
    expect(close(row["ratios"]["ktgt/lio"]["mib_s"], 4.0), "ratio of the medians")
    expect("the median of 3 passes" in text, "header names the passes")
    line = [ln for ln in text.splitlines() if ln.startswith("label seqread")][-1]
    expect("300-500" in line and "90.0-200" in line and "1.50x" in line,
           f"spread row: {line!r}")


def test_even_passes_take_the_lower_median():
    raw = Raw()
    for npass, v in enumerate([100, 400, 200, 300], 1):
        raw.run("ktgt", "randread", npass, v)
    doc, _ = raw.summarize()
    k = doc["backends"]["null_blk"]["randread"]["targets"]["ktgt"]
    expect(close(k["mib_s"], 200), f"lower median: {k['mib_s']}")


def test_failed_pass_is_reported_not_counted():
    """a failed pass is listed and left out of the median and the spread"""
    raw = Raw()
    raw.run("ktgt", "seqwrite", 1, 100)
    raw.run("ktgt", "seqwrite", 2, status=124)
    raw.run("ktgt", "seqwrite", 3, 300)
    raw.run("lio", "seqwrite", 1, 50)
    raw.run("lio", "seqwrite", 2, 50)
    raw.run("lio", "seqwrite", 3, 50)
    doc, text = raw.summarize()
    k = doc["backends"]["null_blk"]["seqwrite"]["targets"]["ktgt"]
    expect(k["ok"] and close(k["mib_s"], 100), f"median of the two that ran: {k['mib_s']}")
    expect(k["failed_passes"] == 1, "one failed pass")
    expect(doc["failed"] == ["null_blk ktgt seqwrite pass 2 (status 124)"], doc["failed"])
    expect("100-300 (1 failed)" in text, "spread says a pass failed")


def test_every_pass_failed():
    """no pass ran: the cell fails and no ratio is made up"""
    raw = Raw()
    raw.run("ktgt", "lat", 1, status=-1)
    raw.run("ktgt", "lat", 2, status=-1)
    raw.run("lio", "lat", 1, 10)
    raw.run("lio", "lat", 2, 10)
    doc, text = raw.summarize()
    row = doc["backends"]["null_blk"]["lat"]
    expect(not row["targets"]["ktgt"]["ok"], "ktgt cell failed")
    expect("ktgt/lio" not in row["ratios"], "no ratio")
    expect("no setup" in text, "the table says so")


def goal(doc, gid, backend="null_blk"):
    return {g["id"]: g for g in doc["goals"][backend]}[gid]


def test_goals_from_medians_and_each_pass():
    """each goal from the median cells, and pass by pass how often it held;
    the 1M read against the faster peer, whichever that is"""
    raw = Raw()
    for npass, (k, lio) in enumerate([(160, 100), (140, 100), (170, 100)], 1):
        raw.run("ktgt", "randread", npass, k)
        raw.run("lio", "randread", npass, lio)
    for npass, (k, lio, tgt) in enumerate([(445, 150, 220), (500, 300, 120), (450, 200, 210)], 1):
        raw.run("ktgt", "seqread", npass, k)
        raw.run("lio", "seqread", npass, lio)
        raw.run("tgt", "seqread", npass, tgt)
    doc, text = raw.summarize()
    rr, sr = goal(doc, "randread"), goal(doc, "seqread")
    expect(close(rr["ratio"], 1.6) and rr["met"] and (rr["passes_met"], rr["passes"]) == (2, 3),
           f"4k read: {rr}")
    # medians: ktgt 450, LIO 200, tgt 210: 450/210; pass 2 misses (500/300)
    expect(close(sr["ratio"], 450 / 210) and sr["met"] and sr["note"] == "vs tgt"
           and (sr["passes_met"], sr["passes"]) == (2, 3), f"1M read: {sr}")
    nb = goal(doc, "not_below")
    expect(close(nb["ratio"], 1.6) and nb["met"] and nb["note"].startswith("worst of 2 rows: "
                                                                          "label randread vs LIO"),
           f"worst row: {nb}")
    expect(goal(doc, "randwrite")["ratio"] is None and goal(doc, "randwrite")["met"] is None
           and goal(doc, "randwrite")["note"] == "row not run", "a row not run is not a miss")
    line = [ln for ln in text.splitlines() if ln.startswith("1M seq read >= 2x")][-1]
    expect("2.14x" in line and "yes" in line and "2/3" in line, f"printed: {line!r}")


def test_goal_misses():
    """a row ktgt failed counts as below the peer; more CPU than LIO misses;
    a ratio that two decimals would round up to the bound gets three"""
    raw = Raw()
    raw.run("ktgt", "randwrite", 1, 149.7)
    raw.run("lio", "randwrite", 1, 100)
    raw.run("ktgt", "lat", 1, 10, busy=200)  # twice LIO's CPU per GiB
    raw.run("lio", "lat", 1, 10)
    raw.run("ktgt", "mixed", 1, status=124)
    raw.run("tgt", "mixed", 1, 50)
    raw.run("ktgt", "seqread", 1, 500)
    raw.run("lio", "seqread", 1, 100)
    doc, text = raw.summarize()
    rw = goal(doc, "randwrite")
    expect(rw["met"] is False and close(rw["ratio"], 1.497), f"4k write: {rw}")
    line = [ln for ln in text.splitlines() if ln.startswith("4k rand write >= 1.5x")][-1]
    expect("1.497x" in line and "NO" in line, f"three decimals: {line!r}")
    nb, cpu = goal(doc, "not_below"), goal(doc, "cpu")
    expect(nb["met"] is False and nb["ratio"] == 0 and "label mixed vs tgt" in nb["note"],
           f"failed row: {nb}")
    expect(cpu["met"] is False and close(cpu["ratio"], 2.0) and "label lat vs LIO" in cpu["note"],
           f"CPU: {cpu}")
    sr = goal(doc, "seqread")
    expect(sr["ratio"] is None and sr["note"] == "a peer did not run",
           f"1M read without tgt: {sr}")


def test_median_interval():
    """the sign test's interval: the k-th smallest and largest pass, k as
    large as keeps the coverage at 90 % or more"""
    nine = report.median_interval([9, 1, 8, 2, 7, 3, 6, 4, 5])
    expect(nine == {"median": 5, "low": 2, "high": 8, "coverage": 1 - 2 * 10 / 512},
           f"nine: {nine}")
    five = report.median_interval([3, 1, 2, 5, 4])
    expect((five["low"], five["high"]) == (1, 5) and close(five["coverage"], 30 / 32),
           f"five: {five}")
    four = report.median_interval([4, 1, 2, 3])
    expect(four["median"] == 2.5 and close(four["coverage"], 14 / 16), f"four: {four}")
    expect(report.median_interval([]) is None, "no passes")


def test_goal_verdict_from_the_pass_ratios():
    """held when the whole interval meets the goal, missed when none of it
    does, either when it straddles; no verdict from three passes"""
    raw = Raw()
    write = [1.6, 1.7, 1.55, 1.9, 1.52]  # every pass at 1.5x or more
    read = [1.4, 1.6, 1.45, 1.7, 1.3]  # straddles
    seq = [1.1, 1.0, 1.15, 1.05, 1.19]  # never 1.2x
    for npass in range(1, 6):
        raw.run("ktgt", "randwrite", npass, 100 * write[npass - 1])
        raw.run("lio", "randwrite", npass, 100)
        raw.run("ktgt", "randread", npass, 100 * read[npass - 1])
        raw.run("lio", "randread", npass, 100)
        raw.run("ktgt", "seqwrite", npass, 100 * seq[npass - 1])
        raw.run("lio", "seqwrite", npass, 100)
    doc, text = raw.summarize()
    rw, rr, sw = goal(doc, "randwrite"), goal(doc, "randread"), goal(doc, "seqwrite")
    expect(rw["sure"] == "held" and close(rw["pass_ratios"]["low"], 1.52)
           and close(rw["pass_ratios"]["median"], 1.6), f"4k write: {rw}")
    expect(rr["sure"] == "either" and rr["met"] is False, f"4k read: {rr}")
    expect(sw["sure"] == "missed", f"1M write: {sw}")
    # the same busy time for more data: below LIO's CPU per GiB but for
    # pass 2's 1M write, which moved no more than LIO
    cpu = goal(doc, "cpu")
    expect(cpu["sure"] == "either" and close(cpu["pass_ratios"]["high"], 1.0), f"CPU: {cpu}")
    line = [ln for ln in text.splitlines() if ln.startswith("4k rand write >= 1.5x")][-1]
    expect("1.60x 1.52-1.90 (94%)" in line and "held" in line, f"printed: {line!r}")
    raw = Raw()
    for npass in range(1, 4):
        raw.run("ktgt", "randwrite", npass, 200)
        raw.run("lio", "randwrite", npass, 100)
    doc, _ = raw.summarize()
    rw = goal(doc, "randwrite")
    expect(rw["sure"] == "-" and rw["met"], f"three passes: {rw}")


PERF_HEAD = """# To display the perf.data header info, please use --header/--header-only options.
#
# Samples: 9K of event 'cpu-clock'
#
# Children      Self  Symbol
# ........  ........  ......
#
"""


def write_perf(raw, backend, kind, row, comm, self_, children):
    """perf report --stdio -g none tables, as bench_perf leaves them"""
    pdir = os.path.join(raw.dir, "perf")
    os.makedirs(pdir, exist_ok=True)
    base = os.path.join(pdir, f"{backend}-{kind}-{row}")
    for sfx, lines in (("comm", comm), ("self", self_), ("children", children)):
        with open(f"{base}.{sfx}.txt", "w", encoding="utf-8") as f:
            f.write(PERF_HEAD + "".join(f"    {line}\n" for line in lines) + "\n#\n# (footer)\n")


def test_perf_profiles():
    """shares of the busy samples: each target's own entry points (LIO's two
    threads and its completion work summed; tgt by its process), the
    initiator's transmit work, fio; idle functions left out of the top list"""
    raw = Raw()
    raw.run("ktgt", "randwrite", 1, 40)
    raw.run("lio", "randwrite", 1, 30)
    raw.run("tgt", "randwrite", 1, 10)
    write_perf(raw, "null_blk", "ktgt", "randwrite",
               ["50.00%  swapper", "20.00%  kworker/1:2-ktg", "20.00%  kworker/u8:5+is",
                "10.00%  fio"],
               ["45.00%  [k] pv_native_safe_halt", "5.00%  [k] memcpy_orig",
                "4.00%  [.] get_io_u", "1.00%  [k] ktgt_cmd_new"],
               ["55.00%     0.00%  [k] kthread", "15.00%     0.10%  [k] ktgt_io_work",
                "12.50%     0.20%  [k] iscsi_xmitworker",
                "1.00%     1.00%  [k] ktgt_cmd_new"])
    write_perf(raw, "null_blk", "lio", "randwrite",
               ["20.00%  swapper", "30.00%  iscsi_trx", "30.00%  iscsi_ttx", "20.00%  fio"],
               ["10.00%  [k] memcpy_orig"],
               ["24.00%     0.00%  [k] iscsi_target_rx_thread",
                "16.00%     0.00%  [k] iscsi_target_tx_thread",
                "8.00%     0.00%  [k] target_complete_ok_work",
                "16.00%     0.00%  [k] iscsi_xmitworker"])
    write_perf(raw, "null_blk", "tgt", "randwrite",
               ["60.00%  swapper", "30.00%  tgtd", "10.00%  fio"],
               ["20.00%  [k] _raw_spin_unlock_irqrestore"], ["4.00%     0.00%  [k] iscsi_xmitworker"])
    doc, text = raw.summarize()
    prof = doc["perf"]["null_blk"]["randwrite"]["targets"]
    k, lio, tgt = prof["ktgt"], prof["lio"], prof["tgt"]
    expect(close(k["target_pct"], 30) and close(k["initiator_tx_pct"], 25)
           and close(k["fio_pct"], 20), f"ktgt shares of busy: {k}")
    expect([n for n, _ in k["top_self"]] == ["memcpy_orig", "get_io_u", "ktgt_cmd_new"]
           and close(k["top_self"][0][1], 10), f"top self, no idle: {k['top_self']}")
    expect(close(lio["target_pct"], 60) and close(lio["initiator_tx_pct"], 20),
           f"LIO: threads and completion work summed: {lio}")
    expect(close(tgt["target_pct"], 75) and close(tgt["initiator_tx_pct"], 10),
           f"tgt: its process: {tgt}")
    expect("where the time goes" in text and "memcpy_orig 10.0" in text,
           "the table is printed")


def test_no_perf_no_table():
    raw = Raw()
    raw.run("ktgt", "seqread", 1, 300)
    doc, text = raw.summarize()
    expect(doc["perf"] == {} and "where the time goes" not in text, "no profiles, no table")


TESTS = [test_one_pass_old_manifest, test_median_pass_and_its_own_figures,
         test_even_passes_take_the_lower_median, test_failed_pass_is_reported_not_counted,
         test_every_pass_failed, test_goals_from_medians_and_each_pass, test_goal_misses,
         test_median_interval, test_goal_verdict_from_the_pass_ratios, test_perf_profiles,
         test_no_perf_no_table]


def main():
    print("TAP version 13")
    print(f"1..{len(TESTS)}")
    failed = 0
    for n, t in enumerate(TESTS, 1):
        try:
            t()
            print(f"ok {n} {t.__name__}")
        except Exception:  # report every failure, keep going
            failed += 1
            print(f"not ok {n} {t.__name__}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""scripts/bench's figures: fio JSON and /proc/stat deltas to tables and JSON.

  report.py summarize RAWDIR [--kernel REL] [--runtime S] [--json OUT]
                             [--note TEXT]...
      Reads RAWDIR/manifest.tsv (written by scripts/bench.d/lib.sh) and the
      fio JSON files next to it; prints one set of tables per backend, with
      the targets side by side and the ratios ktgt/LIO and ktgt/tgt; writes
      the raw numbers and the ratios to OUT. With several passes (scripts/bench
      --repeat), each cell is the pass with the median throughput, and a
      further table shows every row's spread. Profiles under RAWDIR/perf
      (scripts/bench --perf) add a table of where the time goes.
  report.py check FIO_JSON
      Exit 0 if fio finished the job without error and moved data (the
      smoke test's assertion); prints MiB/s and IOPS.

The benchmark reports; it asserts no speed.
"""
import argparse
import json
import math
import os
import sys
import time

KINDS = ["ktgt", "lio", "tgt", "local"]
NAMES = {"ktgt": "ktgt", "lio": "LIO", "tgt": "tgt", "local": "local"}
PEERS = ["lio", "tgt"]
MiB = 1 << 20
GiB = 1 << 30
# /proc/stat "cpu" fields: user nice system idle iowait irq softirq steal ...
BUSY = (0, 1, 2, 5, 6)


def load_fio(path):
    """fio's JSON; fio may print warnings before it in the same file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    start = text.find("{")
    if start < 0:
        raise ValueError(f"{path}: no JSON")
    return json.loads(text[start:])


def direction(d):
    pct = d.get("clat_ns", {}).get("percentile", {}) or {}
    return {
        "io_bytes": d.get("io_bytes", 0),
        "bw_bytes": d.get("bw_bytes", 0),
        "iops": d.get("iops", 0.0),
        "total_ios": d.get("total_ios", 0),
        "clat_mean_us": d.get("clat_ns", {}).get("mean", 0.0) / 1000,
        "lat_mean_us": d.get("lat_ns", {}).get("mean", 0.0) / 1000,
        "clat_p50_us": pct.get("50.000000", 0) / 1000,
        "clat_p99_us": pct.get("99.000000", 0) / 1000,
        "clat_p999_us": pct.get("99.900000", 0) / 1000,
    }


def fio_metrics(path):
    data = load_fio(path)
    job = data["jobs"][0]  # group_reporting: one entry for all jobs
    rd, wr = direction(job["read"]), direction(job["write"])
    main = rd if rd["total_ios"] else wr
    return {
        "error": job.get("error", 0),
        "runtime_ms": job.get("job_runtime", 0),
        "mib_s": (rd["bw_bytes"] + wr["bw_bytes"]) / MiB,
        "iops": rd["iops"] + wr["iops"],
        "p50_us": main["clat_p50_us"],
        "p99_us": main["clat_p99_us"],
        "bytes": rd["io_bytes"] + wr["io_bytes"],
        "read": rd,
        "write": wr,
        "usr_cpu_pct": job.get("usr_cpu"),
        "sys_cpu_pct": job.get("sys_cpu"),
    }


def cpu_fields(s):
    return [int(x) for x in s.split(",")] if s else []


def read_manifest(rawdir):
    runs = []
    with open(os.path.join(rawdir, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            p = line.split("\t")
            p += [""] * (11 - len(p))
            be, kind, row, status, before, after, hz, jobs, msk, label, npass = p[:11]
            npass = int(npass or 1)
            sfx = "" if npass == 1 else f".p{npass}"  # lib.sh's bench_json
            run = {
                "backend": be, "kind": kind, "row": row, "label": label or row,
                "pass": npass, "status": int(status), "jobs": int(jobs or 0),
                "max_sectors_kb": None if msk in ("", "-") else int(msk),
                "fio_json": f"{be}-{kind}-{row}{sfx}.json",
            }
            run["ok"] = False
            if run["status"] == 0:
                try:
                    run.update(fio_metrics(os.path.join(rawdir, run["fio_json"])))
                    run["ok"] = run["error"] == 0 and run["bytes"] > 0
                except (OSError, ValueError, KeyError, IndexError) as e:
                    run["parse_error"] = str(e)
            b, a = cpu_fields(before), cpu_fields(after)
            if run["ok"] and b and a and hz:
                d = [y - x for x, y in zip(b, a)]
                busy = sum(d[i] for i in BUSY if i < len(d))
                total = sum(d[:8])
                run["cpu_busy_s"] = busy / int(hz)
                run["cpu_util"] = busy / total if total else None
                run["cpu_s_per_gib"] = run["cpu_busy_s"] / (run["bytes"] / GiB)
            runs.append(run)
    return runs


def ratio(a, b):
    if a is None or b is None or not b:
        return None
    return a / b


PASS_KEYS = ("pass", "ok", "mib_s", "iops", "p50_us", "p99_us", "cpu_s_per_gib")


def median_run(runs):
    """The pass with the median throughput (the lower one of an even count),
    so that its latency and CPU figures belong to the same measurement; or a
    failed pass when none succeeded. The passes' figures go into "passes"."""
    ok = sorted((r for r in runs if r["ok"]), key=lambda r: r["mib_s"])
    if not ok:
        return dict(runs[0])
    pick = dict(ok[(len(ok) - 1) // 2])
    pick["passes"] = [{m: r.get(m) for m in PASS_KEYS} for r in sorted(runs, key=lambda r: r["pass"])]
    pick["failed_passes"] = len(runs) - len(ok)
    return pick


def build(runs):
    """{backend: {row: {"label", "targets": {kind: run}, "ratios": {...}}}}"""
    grouped = {}
    for r in runs:
        grouped.setdefault((r["backend"], r["row"], r["kind"]), []).append(r)
    out = {}
    for (be, row_id, kind), rs in grouped.items():
        row = out.setdefault(be, {}).setdefault(
            row_id, {"label": rs[0]["label"], "targets": {}, "ratios": {}})
        row["targets"][kind] = median_run(rs)
    for rows in out.values():
        for row in rows.values():
            k = row["targets"].get("ktgt")
            for peer in PEERS + ["local"]:
                p = row["targets"].get(peer)
                if not (k and p and k["ok"] and p["ok"]):
                    continue
                row["ratios"][f"ktgt/{peer}"] = {
                    m: ratio(k.get(m), p.get(m))
                    for m in ("mib_s", "iops", "p50_us", "p99_us", "cpu_s_per_gib")
                }
    return out


def fmt_num(x, digits=3):
    if x is None:
        return "-"
    if x >= 10000:
        return f"{x / 1000:.0f}k"
    if x >= 1000:
        return f"{x / 1000:.1f}k"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits - 1}f}"


def fmt_ms(us):
    if us is None:
        return "-"
    ms = us / 1000
    for lim, d in ((100, 0), (10, 1), (1, 2)):
        if ms >= lim:
            return f"{ms:.{d}f}"
    return f"{ms:.3f}"


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def fmt_spread(r):
    """min-max MiB/s over the passes that ran, and how many failed"""
    vals = [p["mib_s"] for p in r.get("passes", []) if p["ok"]]
    cell = f"{fmt_num(min(vals))}-{fmt_num(max(vals))}" if vals else "-"
    return cell + (f" ({r['failed_passes']} failed)" if r.get("failed_passes") else "")


def spread_ratio(row, peer):
    """ktgt's slowest pass over the peer's fastest: the ratio's worst case"""
    k, p = row["targets"].get("ktgt"), row["targets"].get(peer)
    if not (k and p and k["ok"] and p["ok"]):
        return None
    kv = [x["mib_s"] for x in k.get("passes", []) if x["ok"]]
    pv = [x["mib_s"] for x in p.get("passes", []) if x["ok"]]
    return ratio(min(kv), max(pv)) if kv and pv else None


# The speed goals (issue 6): throughput ratios of one row against the peers,
# and two that every row must meet.
GOALS = [
    # id, text, row, peers (ktgt over the best of them), at least
    ("randread", "4k rand read >= 1.5x LIO", "randread", ("lio",), 1.5),
    ("randwrite", "4k rand write >= 1.5x LIO", "randwrite", ("lio",), 1.5),
    ("seqread", "1M seq read >= 2x the better peer", "seqread", ("lio", "tgt"), 2.0),
    ("seqwrite", "1M seq write >= 1.2x LIO", "seqwrite", ("lio",), 1.2),
]
GOAL_NOT_BELOW = "no row below either peer"
GOAL_CPU = "CPU/GiB below LIO's on every row"


def pass_figures(run):
    """{pass: figures} of a target's passes that ran; {} for none"""
    if not run:
        return {}
    passes = run.get("passes") or ([run] if run.get("ok") else [])
    return {p["pass"]: p for p in passes if p.get("ok")}


def figure(run, which, key):
    """@key of a target's median cell (@which None) or of its pass @which;
    None when that did not run"""
    if which is None:
        return run.get(key) if run and run["ok"] else None
    return pass_figures(run).get(which, {}).get(key)


def ktgt_over_peers(row, peers, which):
    """ktgt's MiB/s over the best of @peers, and that peer, for the medians
    (@which None) or pass @which; None when a peer did not run. A row ktgt
    failed and the peers ran counts as 0."""
    best, best_peer = None, None
    for peer in peers:
        v = figure(row["targets"].get(peer), which, "mib_s")
        if not v:
            return None, None
        if best is None or v > best:
            best, best_peer = v, peer
    return (figure(row["targets"].get("ktgt"), which, "mib_s") or 0.0) / best, best_peer


def worst_row(rows, which, cpu):
    """(ratio, row label, peer, rows compared) of the row furthest from the
    goal: the lowest ktgt/peer MiB/s, or with @cpu the highest ktgt/LIO CPU
    per GiB; None when no row has both"""
    worst, compared = None, set()
    for row_id, row in rows.items():
        for peer in ("lio",) if cpu else PEERS:
            if cpu:
                r = ratio(figure(row["targets"].get("ktgt"), which, "cpu_s_per_gib"),
                          figure(row["targets"].get(peer), which, "cpu_s_per_gib"))
            else:
                r, _ = ktgt_over_peers(row, (peer,), which)
            if r is None:
                continue
            compared.add(row_id)
            if worst is None or (r > worst[0] if cpu else r < worst[0]):
                worst = (r, row["label"], peer)
    return worst + (len(compared),) if worst else None


# The least coverage at which the pass ratios' interval gives a verdict.
SURE = 0.9


def median_interval(vals):
    """The median of @vals and a distribution-free confidence interval for
    the median of what they sample (the sign test's: the k-th smallest and
    k-th largest value, k as large as keeps the coverage at SURE or above,
    else 1), with its coverage; None for no values. Assumes only that the
    passes are independent draws of one distribution."""
    if not vals:
        return None
    v, n = sorted(vals), len(vals)
    mid = (v[(n - 1) // 2] + v[n // 2]) / 2

    def coverage(k):
        return 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2 ** n

    k = 1
    while k + 1 <= (n + 1) // 2 and coverage(k + 1) >= SURE:
        k += 1
    return {"median": mid, "low": v[k - 1], "high": v[n - k], "coverage": coverage(k)}


def goals(rows, npasses):
    """The goals for one backend's rows: each with its ratio from the medians
    (None: not measured), whether that meets it, in how many of the passes it
    held when each pass is taken on its own, and those pass ratios' median
    with a confidence interval: "held" when the whole interval meets the
    goal at a coverage of SURE or more, "missed" when none of it does,
    "either" when it straddles, "-" for too few passes."""
    out = []

    def add(gid, text, op, bound, median, per_pass, note):
        def met(r):
            return r >= bound if op == ">=" else r < bound
        held = [met(r) for r in per_pass if r is not None]
        ci = median_interval([r for r in per_pass if r is not None])
        sure = "-"
        if ci and ci["coverage"] >= SURE:
            ends = (met(ci["low"]), met(ci["high"]))
            sure = "held" if all(ends) else "missed" if not any(ends) else "either"
        out.append({"id": gid, "goal": text, "ratio": median, "op": op, "bound": bound,
                    "met": None if median is None else met(median),
                    "passes_met": sum(held), "passes": len(held),
                    "pass_ratios": ci, "sure": sure, "note": note})

    passes = range(1, npasses + 1)
    for gid, text, row_id, peers, at_least in GOALS:
        row = rows.get(row_id)
        if row is None:
            add(gid, text, ">=", at_least, None, [], "row not run")
            continue
        median, peer = ktgt_over_peers(row, peers, None)
        if median is None:
            note = "a peer did not run"
        else:
            note = f"vs {NAMES[peer]}" if len(peers) > 1 else ""
        add(gid, text, ">=", at_least, median,
            [ktgt_over_peers(row, peers, n)[0] for n in passes], note)
    for gid, text, cpu in (("not_below", GOAL_NOT_BELOW, False), ("cpu", GOAL_CPU, True)):
        w = worst_row(rows, None, cpu)
        if w is None:
            add(gid, text, ">=", 1.0, None, [], "no row with a peer")
            continue
        per_pass = [(worst_row(rows, n, cpu) or (None,))[0] for n in passes]
        add(gid, text, "<" if cpu else ">=", 1.0, w[0], per_pass,
            f"worst of {w[3]} rows: {w[1]} vs {NAMES[w[2]]}")
    return out


TABLES = [
    ("throughput: MiB/s (IOPS)", "mib_s", lambda r: f"{fmt_num(r['mib_s'])} ({fmt_num(r['iops'])})"),
    ("latency: completion latency p50/p99, ms (ratios: p99)", "p99_us",
     lambda r: f"{fmt_ms(r['p50_us'])}/{fmt_ms(r['p99_us'])}"),
    ("guest CPU seconds per GiB moved, and CPU busy % of 2 vCPUs (lower is better)",
     "cpu_s_per_gib",
     lambda r: f"{fmt_num(r.get('cpu_s_per_gib'))} ({100 * (r.get('cpu_util') or 0):.0f}%)"),
]


def print_tables(data, kinds, npasses=1, file=None):
    file = file or sys.stdout  # at call time: a default would bind it at import
    tables = list(TABLES)
    if npasses > 1:
        tables.append((f"spread over {npasses} passes: slowest-fastest MiB/s "
                       "(ratios: ktgt's slowest over the peer's fastest)", None, fmt_spread))
    for be, rows in data.items():
        present = [k for k in kinds if any(k in r["targets"] for r in rows.values())]
        ratio_cols = [f"ktgt/{p}" for p in PEERS
                      if "ktgt" in present and p in present]
        for title, metric, cell in tables:
            head = ["row"] + [NAMES[k] for k in present] + \
                [c.replace("lio", "LIO") for c in ratio_cols]
            lines = [head]
            for row in rows.values():
                line = [row["label"]]
                for k in present:
                    r = row["targets"].get(k)
                    if r is None:
                        line.append("")
                    elif not r["ok"]:
                        line.append("FAIL" if r["status"] != -1 else "no setup")
                    else:
                        line.append(cell(r))
                for c in ratio_cols:
                    if metric is None:
                        line.append(fmt_ratio(spread_ratio(row, c.split("/")[1])))
                    else:
                        line.append(fmt_ratio(row["ratios"].get(c, {}).get(metric)))
                lines.append(line)
            w = [max(len(l[i]) for l in lines) for i in range(len(head))]
            print(f"\n{be} -- {title}", file=file)
            for n, l in enumerate(lines):
                print("  ".join([l[0].ljust(w[0])] + [c.rjust(w[i + 1]) for i, c in enumerate(l[1:])]),
                      file=file)
                if n == 0:
                    print("  ".join("-" * x for x in w), file=file)


def fmt_goal_ratio(g):
    """two decimals, three where two would round across the bound"""
    x = g["ratio"]
    if x is None:
        return "-"
    two = float(f"{x:.2f}")
    crossed = (two >= g["bound"]) != (x >= g["bound"])
    return f"{x:.3f}x" if crossed else f"{x:.2f}x"


def print_goals(allgoals, npasses, file=None):
    file = file or sys.stdout
    for be, gs in allgoals.items():
        print(f"\n{be} -- goals: ktgt's ratio from the medians; the passes of {npasses} "
              "that met it, each on its own; the pass ratios' median and the interval "
              "that holds such passes' median at the coverage shown; sure: the "
              f"verdict at {SURE:.0%} or more", file=file)
        head = ["goal", "ratio", "met", "passes", "pass ratios", "sure", ""]
        lines = [head]
        for g in gs:
            met = "-" if g["met"] is None else ("yes" if g["met"] else "NO")
            ci = g["pass_ratios"]
            lines.append([g["goal"], fmt_goal_ratio(g), met,
                          f"{g['passes_met']}/{g['passes']}" if g["passes"] else "-",
                          f"{ci['median']:.2f}x {ci['low']:.2f}-{ci['high']:.2f} "
                          f"({ci['coverage']:.0%})" if g["passes"] > 1 else "-",
                          g["sure"], g["note"]])
        print_columns(lines, file)


def print_columns(lines, file):
    """a table whose first column is left-aligned, the middle ones right-aligned
    and the last free text; the first line is the head"""
    w = [max(len(l[i]) for l in lines) for i in range(len(lines[0]))]
    for n, l in enumerate(lines):
        cells = [l[0].ljust(w[0])] + [c.rjust(w[i + 1]) for i, c in enumerate(l[1:-1])] + [l[-1]]
        print("  ".join(cells).rstrip(), file=file)
        if n == 0:
            print("  ".join("-" * x for x in w[:-1] + [len(l[-1])]).rstrip(), file=file)


# Profiles (scripts/bench --perf): perf report --stdio -g none output, read
# back. Shares are of the busy (not idle) samples: under TCG perf's
# cpu-clock counts idle time far above what /proc/stat says, so a share of
# all samples would mislead; among busy samples the spread is what matters.
IDLE_COMM = "swapper"
IDLE_SYM = ("safe_halt", "default_idle", "cpuidle", "mwait", "poll_idle", "intel_idle",
            "do_idle", "cpu_startup_entry")
# Each target's own work, inclusive of what it calls (so, over loopback,
# also the initiator's receive that runs in softirq on the target's stack).
TARGET_ENTRIES = {
    "ktgt": ("ktgt_io_work", "ktgt_conn_window_work"),
    "lio": ("iscsi_target_rx_thread", "iscsi_target_tx_thread", "target_complete_ok_work",
            "target_queued_submit_work"),
}
TARGET_COMMS = {"tgt": ("tgtd",)}
INITIATOR_ENTRIES = ("iscsi_xmitworker",)


def perf_lines(path):
    """[(percentages..., name)] from a perf report --stdio table"""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#") or "%" not in line:
                continue
            parts = line.split()
            pcts = []
            while parts and parts[0].endswith("%"):
                try:
                    pcts.append(float(parts.pop(0)[:-1]))
                except ValueError:
                    break
            if pcts and parts:
                if parts[0] in ("[k]", "[.]", "[g]", "[u]"):
                    parts.pop(0)
                out.append((pcts, " ".join(parts)))
    return out


def perf_profile(base, kind):
    """one profile's summary; None when its reports are missing"""
    try:
        comm = perf_lines(base + ".comm.txt")
        self_ = perf_lines(base + ".self.txt")
        children = perf_lines(base + ".children.txt")
    except OSError:
        return None
    if not comm:
        return None
    idle = sum(p[0] for p, n in comm if n.startswith(IDLE_COMM))
    busy = 100.0 - idle
    if busy <= 0:
        return None

    def share(x):
        return 100.0 * x / busy

    incl = {n: p[0] for p, n in children}
    comms = {}
    for p, n in comm:
        comms[n] = comms.get(n, 0.0) + p[0]
    if kind in TARGET_COMMS:
        target = sum(v for n, v in comms.items() if n.startswith(TARGET_COMMS[kind]))
    else:
        target = sum(incl.get(e, 0.0) for e in TARGET_ENTRIES.get(kind, ()))
    top = [(n, share(p[0])) for p, n in self_
           if not any(i in n for i in IDLE_SYM)][:5]
    return {
        "busy_pct_of_samples": busy,
        "target_pct": share(target),
        "initiator_tx_pct": share(sum(incl.get(e, 0.0) for e in INITIATOR_ENTRIES)),
        "fio_pct": share(comms.get("fio", 0.0)),
        "top_self": top,
    }


def read_perf(rawdir, data):
    """{backend: {row: {kind: profile}}} for the profiles under RAWDIR/perf"""
    pdir = os.path.join(rawdir, "perf")
    out = {}
    if not os.path.isdir(pdir):
        return out
    for name in sorted(os.listdir(pdir)):
        if not name.endswith(".comm.txt"):
            continue
        base = name[:-len(".comm.txt")]
        be, kind, row = None, None, None
        for k in KINDS:
            mid = f"-{k}-"
            if mid in base:
                be, rest = base.split(mid, 1)
                kind, row = k, rest
                break
        if kind is None:
            continue
        prof = perf_profile(os.path.join(pdir, base), kind)
        if prof:
            label = data.get(be, {}).get(row, {}).get("label", row)
            out.setdefault(be, {}).setdefault(row, {"label": label, "targets": {}})
            out[be][row]["targets"][kind] = prof
    return out


def print_perf(perf, file=None):
    file = file or sys.stdout
    for be, rows in perf.items():
        print(f"\n{be} -- where the time goes: perf, % of busy samples on both vCPUs "
              "(target and initiator: their work and all it calls)", file=file)
        head = ["row / target", "target", "initiator tx", "fio", "top kernel and user functions (self)"]
        lines = [head]
        for row in rows.values():
            lines.append([row["label"], "", "", "", ""])
            for k in KINDS:
                p = row["targets"].get(k)
                if not p:
                    continue
                lines.append([
                    "  " + NAMES[k], f"{p['target_pct']:.0f}%", f"{p['initiator_tx_pct']:.0f}%",
                    f"{p['fio_pct']:.0f}%",
                    ", ".join(f"{n} {v:.1f}" for n, v in p["top_self"][:3])])
        print_columns(lines, file)


def summarize(args):
    runs = read_manifest(args.rawdir)
    data = build(runs)
    npasses = max((r["pass"] for r in runs), default=1)
    failed = [f"{r['backend']} {r['kind']} {r['row']}"
              + (f" pass {r['pass']}" if npasses > 1 else "") + f" (status {r['status']})"
              for r in runs if not r["ok"]]
    each = f"the median of {npasses} passes" if npasses > 1 else "one pass"
    print(f"kernel {args.kernel or '?'}, {args.runtime or '?'} s per row, {each}; "
          "ratios > 1 are ktgt ahead for throughput, behind for latency and CPU")
    for n in args.note:
        print(n)
    print_tables(data, KINDS, npasses)
    allgoals = {be: goals(rows, npasses) for be, rows in data.items()}
    print_goals(allgoals, npasses)
    perf = read_perf(args.rawdir, data)
    print_perf(perf)
    if failed:
        print("\nfailed or not run: " + "; ".join(failed))
    if args.json:
        doc = {
            "kernel": args.kernel,
            "runtime_s": args.runtime,
            "passes": npasses,
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "notes": args.note,
            "units": {"mib_s": "MiB/s", "iops": "I/O per s", "p50_us": "clat p50, us",
                      "p99_us": "clat p99, us",
                      "cpu_s_per_gib": "guest CPU s (user+nice+system+irq+softirq) per GiB"},
            "backends": data,
            "goals": allgoals,
            "perf": perf,
            "failed": failed,
        }
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, sort_keys=False)
            f.write("\n")
    return 0


def check(args):
    try:
        m = fio_metrics(args.fio_json)
    except (OSError, ValueError, KeyError, IndexError) as e:
        print(f"cannot read {args.fio_json}: {e}")
        return 1
    print(f"{m['mib_s']:.1f} MiB/s, {m['iops']:.0f} IOPS, p99 {m['p99_us']:.0f} us, "
          f"error {m['error']}, {m['bytes']} bytes")
    return 0 if m["error"] == 0 and m["bytes"] > 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("summarize")
    s.add_argument("rawdir")
    s.add_argument("--kernel")
    s.add_argument("--runtime", type=float)
    s.add_argument("--json")
    s.add_argument("--note", action="append", default=[])
    c = sub.add_parser("check")
    c.add_argument("fio_json")
    args = ap.parse_args()
    return summarize(args) if args.cmd == "summarize" else check(args)


if __name__ == "__main__":
    sys.exit(main())

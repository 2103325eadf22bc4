#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""make check-kernels, on the host: the records the guests wrote
(build/kernels/out/KVER/, see tests/kernels/guest.sh) into docs/KERNELS.md,
a matrix kernel x hook, and a comparison with README's kernel table.

Exit status 1 when a guest step failed or timed out, a cluster check
failed, a record is missing, or what a kernel did differs from what
README's table promises for its version; 0 otherwise.

usage: matrix.py --readme README.md --out docs/KERNELS.md OUTDIR...
"""
import argparse
import json
import os
import re
import sys

HOOKS = ("xdp", "tc-ingress", "tc-egress", "cgroup")
PROBE_CASES = (("v0", "veth pair"), ("m0", "peer MTU 9000"),
               ("q0", "1 rx queue, peer 2 tx queues"))
TRIALS = ("xdp_native_link", "xdp_native_netlink", "xdp_generic_link",
          "xdp_generic_netlink", "xdp_libxdp_native", "tc_tcx", "tc_legacy")


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def read_json(path):
    text = read(path)
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def version(release):
    m = re.match(r"(\d+)\.(\d+)", release or "")
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def tsv(path):
    return [line.split("\t") for line in (read(path) or "").splitlines() if line]


class Record:
    """What one guest wrote."""

    def __init__(self, d):
        self.dir = d
        self.release = (read(os.path.join(d, "uname")) or "").strip()
        self.ver = version(self.release)
        self.deb = (read(os.path.join(d, "..", "..", self.release, "ok")) or "").strip()
        self.wall = (read(os.path.join(d, "wall_seconds")) or "?").strip()
        self.finished = os.path.exists(os.path.join(d, "finished"))
        self.steps = tsv(os.path.join(d, "steps.tsv"))
        probe = read_json(os.path.join(d, "probe.json")) or {}
        self.probe = {i["ifname"]: i for i in probe.get("interfaces", [])}
        self.presets = {}
        for p in "ABCDE":
            checks = tsv(os.path.join(d, p + "-checks.tsv"))
            if not checks and not os.path.exists(os.path.join(d, p + "-up.json")):
                continue
            self.presets[p] = {
                "status": read_json(os.path.join(d, p + "-status.json")),
                "up_err": read(os.path.join(d, p + "-up.err"), ""),
                "checks": checks,
            }

    def name(self):
        return self.release or os.path.basename(self.dir)


def cell(text):
    return (text or "").replace("|", "\\|").replace("\n", " ")


def trial_text(t):
    if not t:
        return "—"
    if t["result"] == "ok":
        return "ok"
    if t["result"] == "skipped":
        return "skipped: " + (t.get("note") or "")
    s = t.get("errno") or "failed"
    if t.get("kernel_message"):
        s += ' "%s"' % t["kernel_message"]
        if t.get("note"):
            s += " (" + t["note"] + ")"
    elif t.get("note"):
        s += " (" + t["note"] + ")"
    return s


def hook_of(a):
    return "cgroup" if a["hook"].startswith("cgroup-") else a["hook"]


def mechanisms(status):
    """hook -> {mechanism: set of fallback reasons} from `status --json`."""
    out = {}
    for a in (status or {}).get("attachments", []):
        m = out.setdefault(hook_of(a), {}).setdefault(a["mechanism"], set())
        if a.get("fallback"):
            m.add(a["fallback"])
    return out


def hook_cell(mech):
    if not mech:
        return "—"
    parts = []
    for m, why in sorted(mech.items()):
        parts.append(m + ("" if not why else " (fallback: " + "; ".join(sorted(why)) + ")"))
    return ", ".join(parts)


# README's kernel table: feature text -> how a record shows it works.
# Each returns True (works), False (does not) or None (not observed).
def obs_baseline(r):
    v0 = r.probe.get("v0")
    if not v0:
        return None
    t = v0["trials"]
    return all(t[k]["result"] == "ok" for k in
               ("xdp_native_netlink", "xdp_generic_netlink", "tc_legacy"))


def obs_xdp_link(r):
    v0 = r.probe.get("v0")
    return None if not v0 else v0["trials"]["xdp_native_link"]["result"] == "ok"


def obs_feature_flags(r):
    v0 = r.probe.get("v0")
    return None if not v0 else v0.get("xdp_features") is not None


def obs_tcx(r):
    v0 = r.probe.get("v0")
    if not v0:
        return None
    used = any("tcx" in mechanisms(p["status"]).get(h, {})
               for p in r.presets.values() for h in ("tc-ingress", "tc-egress"))
    return bool(v0["kernel"]["tcx"]) and (used or not r.presets.get("E"))


def obs_host_routing(r):
    e = r.presets.get("E")
    if not e or not e["status"]:
        return None
    return any(s["feature"] == "host_routing"
               for h in e["status"].get("hooks", []) for s in h["steps"])


def obs_set_retval(r):
    e = r.presets.get("E")
    if not e:
        return None
    for c in e["checks"]:
        if c[0] == "clusterip-no-backend":
            return len(c) > 3 and c[3] == "EHOSTUNREACH"
    return None


def obs_tracepoint(r):
    m0 = r.probe.get("m0")
    if not m0:
        return None
    return bool(m0["kernel"]["xdp_attach_failed_tracepoint"]) and \
        bool(m0["trials"]["xdp_native_link"].get("kernel_message"))


OBSERVERS = (
    ("XDP by netlink", obs_baseline, "probe on a veth: native and generic XDP by netlink, legacy tc"),
    ("XDP by bpf_link", obs_xdp_link, "probe on a veth: native XDP by bpf_link"),
    ("XDP feature flags", obs_feature_flags, "probe: the driver's flags are read"),
    ("tcx links", obs_tcx, "probe: tcx; preset E's tc hooks by tcx"),
    ("bpf_redirect_peer", obs_host_routing, "preset E up with host_routing=bpf"),
    ("bpf_set_retval", obs_set_retval, "preset E: connect() to a ClusterIP without backends fails with EHOSTUNREACH"),
    ("bpf_xdp_link_attach_failed", obs_tracepoint, "probe, peer MTU 9000: bpf_link trial carries the kernel's message"),
)


def readme_table(path):
    """[(feature text, minimum (major, minor))] from README's kernel table."""
    rows, inside = [], False
    for line in (read(path) or "").splitlines():
        if line.startswith("| feature | kernel |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            break
        if inside and not line.startswith("|---"):
            feature, kernel = [c.strip() for c in line.strip("|").split("|")[:2]]
            m = re.search(r"≥\s*(\d+)\.(\d+)", kernel)
            rows.append((feature, (int(m.group(1)), int(m.group(2))) if m else (0, 0), kernel))
    return rows


def compare(records, readme):
    """Rows of the comparison table and the list of differences."""
    rows, diffs = [], []
    for feature, minimum, text in readme:
        obs = next(((f, what) for key, f, what in OBSERVERS if key in feature), None)
        cells = []
        for r in records:
            want = r.ver >= minimum
            got = obs[0](r) if obs else None
            if got is None:
                cells.append("not observed")
                continue
            mark = "works" if got else "no"
            if got != want:
                diffs.append("%s on %s: README says %s, observed %s" %
                             (feature, r.name(), "works" if want else "does not work",
                              "works" if got else "does not work"))
                mark += " (README: %s)" % ("works" if want else "no")
            cells.append(mark)
        rows.append("| %s | %s | %s | %s |" % (cell(feature), cell(text), " | ".join(cells),
                                              obs[1] if obs else "not observed here"))
    return rows, diffs


def unsupported(r):
    """(what, why) the probe and `dplab up` reported unsupported."""
    out = []
    v0 = r.probe.get("v0")
    if v0:
        for f in v0.get("findings", []):
            if f["rule"].endswith("-unsupported") or "predates" in f["reason"]:
                out.append((f["rule"], f["reason"]))
        if v0.get("xdp_features") is None:
            out.append(("xdp-feature-flags", "not reported by this kernel (bpf_xdp_query "
                        "feature_flags needs 6.3)"))
        for name, t in v0["trials"].items():
            if t["result"] == "skipped":
                out.append((name, t.get("note") or "skipped"))
        m0 = r.probe.get("m0")
        if m0 and not m0["kernel"]["xdp_attach_failed_tracepoint"]:
            out.append(("xdp-link-kernel-message", m0["trials"]["xdp_native_link"].get("note")
                        or "no tracepoint"))
    for p, rec in sorted(r.presets.items()):
        for line in rec["up_err"].splitlines():
            if "unsupported here" in line:
                out.append(("preset " + p, line))
    return out


def failures(r):
    out = []
    if not r.finished:
        out.append("%s: the guest did not finish (killed, or crashed: see console.log)" % r.name())
    for s in r.steps:
        if s[1] != "0":
            out.append("%s: step %s exited %s%s" % (r.name(), s[0], s[1],
                                                   " (timeout)" if s[1] == "124" else ""))
    for p, rec in sorted(r.presets.items()):
        for c in rec["checks"]:
            if c[1] == "fail":
                out.append("%s: preset %s check %s: want '%s', got '%s'" %
                           (r.name(), p, c[0], c[2], c[3] if len(c) > 3 else ""))
    return out


def render(records, comp_rows, diffs, fails):
    names = [r.name() for r in records]
    L = ["# Kernel matrix", "",
         "Generated by `make check-kernels` (`tests/kernels/matrix.py` from the records",
         "`tests/kernels/guest.sh` wrote in each guest); do not edit by hand. Each kernel is",
         "Debian's packaged one, booted in qemu on the host's installed tree (9p, read-only,",
         "tmpfs overlay), no network device; dplab is the one built from this tree.", "",
         "| kernel | package | qemu wall time (s) | guest steps (s) |", "|---|---|---|---|"]
    for r in records:
        steps = ", ".join("%s %s" % (s[0], s[2]) for s in r.steps)
        L.append("| %s | %s | %s | %s |" % (r.name(), cell(r.deb), r.wall, cell(steps)))
    L += ["", "## Mechanism per hook (`dplab up`, knobs `xdp_attach=auto tc_attach=auto`)", "",
          "From `dplab status --json`: the mechanisms the attachments use and, where the first",
          "choice failed, the fallback's reason as dplab recorded it.", "",
          "| kernel | preset | " + " | ".join(HOOKS) + " |",
          "|---|---|" + "---|" * len(HOOKS)]
    for r in records:
        for p, rec in sorted(r.presets.items()):
            mech = mechanisms(rec["status"])
            L.append("| %s | %s | %s |" % (r.name(), p, " | ".join(
                cell(hook_cell(mech.get(h))) for h in HOOKS)))
    L += ["", "## Probe trials (`dplab probe --trials --json`, veths in a namespace)", "",
          "| kernel | case | " + " | ".join(TRIALS) + " |", "|---|---|" + "---|" * len(TRIALS)]
    for r in records:
        for ifname, what in PROBE_CASES:
            i = r.probe.get(ifname)
            if i:
                L.append("| %s | %s | %s |" % (r.name(), what, " | ".join(
                    cell(trial_text(i["trials"].get(t))) for t in TRIALS)))
    L += ["", "Verdicts and findings:", ""]
    for r in records:
        for ifname, what in PROBE_CASES:
            i = r.probe.get(ifname)
            if i:
                rules = ", ".join(f["rule"] for f in i.get("findings", []))
                L.append("- %s, %s: %s (findings: %s)" % (r.name(), what, i["verdict"], rules))
    L += ["", "## Reported unsupported", "", "| kernel | what | why |", "|---|---|---|"]
    for r in records:
        for what, why in unsupported(r):
            L.append("| %s | %s | %s |" % (r.name(), cell(what), cell(why)))
    L += ["", "## Cluster checks (the traffic checks of the cluster suite)", "",
          "| kernel | preset | passed | failed |", "|---|---|---|---|"]
    for r in records:
        for p, rec in sorted(r.presets.items()):
            ok = [c[0] for c in rec["checks"] if c[1] == "pass"]
            bad = [c[0] for c in rec["checks"] if c[1] == "fail"]
            L.append("| %s | %s | %d: %s | %s |" % (r.name(), p, len(ok), ", ".join(ok),
                                                    ", ".join(bad) or "none"))
    L += ["", "## README's kernel table against what each kernel did", "",
          "| feature | README | " + " | ".join(names) + " | observed by |",
          "|---|---|" + "---|" * len(names) + "---|"] + comp_rows
    L += ["", "Differences: " + ("none." if not diffs else "")] + ["- " + d for d in diffs]
    L += ["", "Failed steps and checks: " + ("none." if not fails else "")] + \
        ["- " + f for f in fails]
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--readme", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    records = sorted((Record(d) for d in a.dirs), key=lambda r: r.ver, reverse=True)
    comp_rows, diffs = compare(records, readme_table(a.readme))
    fails = [f for r in records for f in failures(r)]
    with open(a.out, "w") as f:
        f.write(render(records, comp_rows, diffs, fails))
    for line in diffs:
        print("check-kernels: README differs: " + line)
    for line in fails:
        print("check-kernels: FAILED " + line)
    print("check-kernels: %d kernels, %d failed steps/checks, %d differences from README; "
          "matrix in %s" % (len(records), len(fails), len(diffs), a.out))
    return 1 if diffs or fails else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/NAME/).

Seeds come from the repository's own files (topologies/, the built-in
plans via `dplab run --print-plan`, docs/run-plan.md's example), the state
files a real `dplab up --profile E` wrote (kept below as text), and small
malformed variants of each.  The probe's netlink seeds are recorded on a
live machine by record_nl.py, not here.  Run from the repository root:
    python3 tests/fuzz/make_seeds.py [path/to/dplab]
"""
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def topo_seeds():
    base = open(os.path.join(ROOT, "topologies", "two-node.topo")).read()
    put("topo", "two-node.topo", base)
    head = "topology name=t cluster_cidr=10.244.0.0/16 service_cidr=10.96.0.0/16\n"
    node = "node name=n1 underlay=192.168.1.1/24 pod_cidr=10.244.1.0/24\n"
    pod = "pod name=p1 node=n1 ip=10.244.1.2\n"
    put("topo", "minimal", head + node + pod)
    put("topo", "uplink-dev", head + node.replace("\n", " uplink_dev=eth9 mtu=9000\n") + pod)
    put("topo", "udp-service", head + node + pod +
        "service name=dns vip=10.96.0.53 port=53 proto=udp target_port=5353 backends=n1/p1\n")
    put("topo", "bad-prefix", head + node.replace("/24 pod", "/33 pod"))
    put("topo", "dup-pod", head + node + pod + pod)
    put("topo", "long-name", head.replace("name=t", "name=" + "x" * 40))
    put("topo", "no-newline", head.rstrip("\n"))


def plan_seeds(dplab):
    for quick, name in ((False, "default"), (True, "quick")):
        args = [dplab, "run", "--print-plan"] + (["--quick"] if quick else [])
        put("plan", name, subprocess.run(args, capture_output=True, check=True).stdout)
    put("plan", "tiny", "name tiny\nrepeats 1\nmetrics loss conn\nscenarios A B C D E\n"
        "isolate on service_lb\ntrial_secs 0.2\nloss_secs 0.3\nconn_secs 0.3\n")
    put("plan", "config", "scenarios A\nconfig x preset=E routing=vxlan services=100\n")
    put("plan", "sweep", "sweep service_lb=iptables,tc services=10,100\nsweep_metrics conn\n")
    put("plan", "bad-sweep", "sweep service_lb=ipvs services=10\n")
    put("plan", "bad-number", "scenarios A\ntrial_secs -1\nrepeats 999999999999\n")


KNOBS = {
    "routing": ["native", "vxlan"], "host_routing": ["legacy", "bpf"],
    "service_lb": ["iptables", "tc", "socket"], "masquerade": ["iptables", "bpf"],
    "xdp_lb": ["off", "native", "generic"], "veth_napi": ["off", "on"],
    "ct_max": ["1024", "16777216", "16777217"],
    "congestion": ["cubic", "bbr"], "services": ["0", "10000", "-1"],
    "xdp_attach": ["auto", "link", "netlink", "libxdp"], "tc_attach": ["auto", "tcx", "legacy"],
    "bandwidth_manager": ["off", "on"],
}

# What `dplab up --profile E` saved in /run/dplab/NAME/ (ids and names as recorded).
STATE_KNOBS = "".join("%s=%s\n" % kv for kv in [
    ("routing", "native"), ("host_routing", "bpf"), ("service_lb", "socket"),
    ("masquerade", "bpf"), ("xdp_lb", "native"), ("ct_max", "524288"), ("congestion", "bbr"),
    ("services", "0"), ("xdp_attach", "auto"), ("tc_attach", "auto"),
    ("bandwidth_manager", "off")])
PIN = "/sys/fs/bpf/dplab/fz/links/dplab-fz-node1_"
STATE_ATTACHMENTS = (
    "# dplab attachments, one per line: TAB-separated KEY=VALUE (loader/attach/attach_state.c)\n"
    "hook=tc-ingress\tmech=tcx\tns=dplab-fz-node1\tif=lxc0\tprog=tc_lb_rev_nat\tprog_id=51357"
    "\tpin=" + PIN + "lxc0_tc-ingress_tc_lb_rev_nat\n"
    "hook=xdp\tmech=link\tns=dplab-fz-node1\tif=eth0\tprog=xdp_nodeport_lb\tprog_id=51376"
    "\tpin=" + PIN + "eth0_xdp_xdp_nodeport_lb\txdp_mode=native\n"
    "hook=cgroup-connect4\tmech=cgroup-link\tns=dplab-fz-node1"
    "\tif=/sys/fs/cgroup/unified/dplab/fz/node1\tprog=sock_lb_connect4\tprog_id=51362"
    "\tpin=" + PIN + "node1_cgroup-connect4_sock_lb_connect4\n"
    "hook=tc-egress\tmech=legacy\tns=dplab-fz-node1\tif=lxc1\tprog=tc_lb_rev_nat\tprog_id=7"
    "\ttc_handle=0x1\ttc_priority=1\tfallback=tcx failed: EOPNOTSUPP\n"
    "hook=xdp\tmech=netlink\tns=dplab-fz-node2\tif=eth0\tprog=xdp_pass\tprog_id=9"
    "\txdp_mode=generic\n")


def knob_seeds():
    for knob, values in KNOBS.items():
        for v in values:
            put("knob", "%s=%s" % (knob, v), "%s=%s" % (knob, v))
    for bad in ("=", "routing", "routing=", "=native", "nosuch=1", "ct_max=0x400",
                "services=1e3", "routing=native=vxlan"):
        put("knob", "bad-%d" % len(bad), bad)
    put("profile", "preset-E", "preset E\nxdp_lb=generic\n# a comment\n\n")
    put("profile", "assignments", "preset A\nrouting=vxlan\nservice_lb=tc\nct_max=65536\n")
    put("profile", "bad", "preset Z\nrouting\n")
    put("profile", "state-knobs", STATE_KNOBS)


def state_seeds():
    put("state", "knobs", b"\x00" + STATE_KNOBS.encode())
    put("state", "knobs-bad", b"\x00routing=ospf\nct_max=\n")
    put("state", "attachments", b"\x01" + STATE_ATTACHMENTS.encode())
    put("state", "attachments-missing", b"\x01hook=xdp\tmech=link\n")
    put("state", "attachments-badhex", b"\x01hook=tc-ingress\tmech=legacy\tif=a\tprog_id=1"
        b"\ttc_handle=0xzz\n")
    put("state", "cc", b"\x02reno cubic bbr\n")
    put("state", "cc-bad", b"\x02reno; rm -rf /\n")
    put("state", "cc-empty", b"\x02")


def pcap(frames, linktype=1, snaplen=65535):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)
    for i, (data, orig) in enumerate(frames):
        out += struct.pack("<IIII", i, 0, len(data), orig or len(data)) + data
    return out


def pcap_seeds():
    eth = bytes.fromhex("020000000001020000000002") + b"\x08\x00"
    ip_udp = bytes.fromhex("4500001c0001000040110000" "0a000001" "0a000002") + \
        bytes.fromhex("04d20009" "00080000")
    syn = bytes.fromhex("45000028000100004006000a" "0a000001" "0a000002") + \
        bytes.fromhex("04d20050" "00000001" "00000000" "50022000" "00000000")
    vlan = bytes.fromhex("020000000001020000000002") + b"\x81\x00\x00\x05\x08\x00" + ip_udp
    put("pcap", "udp", pcap([(eth + ip_udp, 0)]))
    put("pcap", "syn-udp-vlan", pcap([(eth + syn, 0), (eth + ip_udp, 0), (vlan, 0)]))
    put("pcap", "truncated-record", pcap([(eth + ip_udp, 0)])[:-5])
    put("pcap", "short-frame", pcap([(b"\x01\x02\x03", 0)]))
    put("pcap", "jumbo", pcap([(eth + b"\x00" * 1600, 0)]))
    put("pcap", "raw-ip-linktype", pcap([(ip_udp, 0)], linktype=101))
    put("pcap", "snapped", pcap([(eth + ip_udp[:10], 60)], snaplen=24))


def pktgen_seeds():
    lines = {
        "run-ndr": "--netns dplab-x-node1-pod1 --iface eth0 --src-ip 10.244.1.2 --dst-ip "
                   "10.244.2.2 --dst-mac 02:00:00:00:00:01 --size 64 --rx-netns "
                   "dplab-x-node2-pod1 --rx-iface eth0 --json /tmp/p.json --ndr --trial-secs 0.3 "
                   "--max-iter 7 --hi 400000 --max-rate 400000",
        "rate": "--iface veth0 --rate 1000 --duration 1 --size imix --flows 16",
        "pdr": "--iface a --pdr 0.1 --lo 1000 --hi 2000 --resolution 1%",
        "reflect": "--iface a --reflect --rate 5000 --duration 1 --json -",
        "receive": "--receive --iface a --netns n --duration 2 --lcore 1",
        "pci": "--pci 0000:00:1f.0 --allow-physical --max-rate 1000 --rate 10 --syn",
        "pcap": "--iface a --pcap /tmp/x.pcap --rate 100 --bps 1e9",
        "bad": "--iface 'brz,qpairs=1' --netns ../x --rate -1 --size 70000",
        "help": "--help",
    }
    for name, line in lines.items():
        put("pktgen_opts", name, "\0".join(line.split(" ")))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, l4):
    """An Ethernet + IPv4 frame around l4 (its checksum already in place)."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0,
                      bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return bytes.fromhex("020000000002020000000001") + b"\x08\x00" + hdr + l4


def datapath_seeds(target="datapath"):
    """fuzz_datapath, fuzz_hooks: generator choices; an odd first byte adds a raw frame."""
    pod, remote, node = [10, 0, 1, 5], [198, 51, 100, 7], [203, 0, 113, 2]
    put(target, "choices-zero", bytes(64))
    put(target, "choices-ff", b"\xff" * 64)
    put(target, "choices-count", bytes(range(256)))
    pseudo = bytes(pod) + bytes(remote) + struct.pack("!BBH", 0, 6, 20)
    tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x02, 65535, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    put(target, "raw-syn-pod-to-remote", b"\x01" + ipv4(pod, remote, 6, tcp))
    inner = ipv4(node, remote, 17, struct.pack("!HHHH", 40000, 53, 8, 0))[14:]
    icmp = struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + inner
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    put(target, "raw-frag-needed-to-node", b"\x01" + ipv4(remote, node, 1, icmp))


def main():
    dplab = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "dplab")
    topo_seeds()
    plan_seeds(dplab)
    knob_seeds()
    state_seeds()
    pcap_seeds()
    pktgen_seeds()
    datapath_seeds()
    datapath_seeds("hooks")


if __name__ == "__main__":
    main()

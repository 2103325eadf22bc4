#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Record rtnetlink replies as seeds of fuzz_probe_nl (root; run from the
repository root after `make`):  python3 tests/fuzz/record_nl.py

In a namespace of its own (fz-rec, deleted after): lo, a veth pair with a
generic XDP program on one end, a bridge, clsact with a bpf filter, and
default routes (two metrics, multipath, a nexthop object).  For each it
sends what probe_facts_nl.c sends - RTM_GETLINK (skip stats), RTM_GETQDISC,
RTM_GETTFILTER and RTM_GETROUTE dumps - and writes every reply as received,
behind the fuzz target's selector byte, to tests/fuzz/corpus/probe_nl/.
"""
import os
import socket
import struct
import subprocess
import sys

NS = "fz-rec"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "probe_nl")
RTM_GETLINK, RTM_GETROUTE, RTM_GETQDISC, RTM_GETTFILTER = 18, 26, 38, 46
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS = 29, 1 << 3
CLSACT_INGRESS = 0xFFFFFFF2


def talk(sock, seq, msg_type, flags, body):
    sock.send(struct.pack("=IHHII", 16 + len(body), msg_type, flags, seq, 0) + body)
    replies = b""
    while True:
        data = sock.recv(65536)
        replies += data
        off, done = 0, False
        while off + 16 <= len(data):
            length, typ = struct.unpack_from("=IH", data, off)
            done |= typ in (NLMSG_ERROR, NLMSG_DONE)
            off += (length + 3) & ~3
        if done:
            return replies


def inner():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sock.bind((0, 0))
    seq = 1
    for name in ("lo", "va", "vb", "br0", "nosuch0"):
        idx = socket.if_nametoindex(name) if name != "nosuch0" else 999
        body = struct.pack("=BxHiII", 0, 0, idx, 0, 0) + struct.pack("=HHI", 8, IFLA_EXT_MASK,
                                                                     RTEXT_FILTER_SKIP_STATS)
        seq += 1
        save("link-" + name, 0, talk(sock, seq, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, body))
    idx = socket.if_nametoindex("va")
    for typ, parent, kind, name in ((RTM_GETQDISC, 0, 0, "qdisc-va"),
                                    (RTM_GETTFILTER, CLSACT_INGRESS, 2, "filter-va")):
        body = struct.pack("=BxHiIII", 0, 0, idx, 0, parent, 0)
        seq += 1
        save(name, 1 | kind | (idx << 2), talk(sock, seq, typ, NLM_F_REQUEST | NLM_F_DUMP, body))
    # struct rtmsg: family AF_INET, the rest 0 (every table); selector 2: routes.
    body = struct.pack("=BBBBBBBBI", socket.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)
    seq += 1
    save("route-default", 2, talk(sock, seq, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, body))


def save(name, selector, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([selector & 0xff]) + data)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--inner":
        return inner()
    os.makedirs(OUT, exist_ok=True)
    obj = os.path.join(ROOT, "build", "probe.bpf.o")
    sh("ip netns add %s" % NS)
    try:
        sh("ip -n {0} link set lo up && ip -n {0} link add name va type veth peer name vb && "
           "ip -n {0} link add name br0 type bridge && ip -n {0} link set vb master br0 && "
           "ip -n {0} link set va up && ip -n {0} link set vb mtu 9000 && "
           "ip -n {0} link set dev va xdpgeneric obj {1} sec xdp && "
           "tc -n {0} qdisc add dev va clsact && "
           "tc -n {0} filter add dev va ingress bpf da obj {1} sec tc/ingress".format(NS, obj))
        sh("ip -n {0} link add name vc type veth peer name vd && ip -n {0} link set vc up && ip -n {0} link set vd up && "
           "ip -n {0} addr add 10.5.0.1/24 dev va && ip -n {0} addr add 10.6.0.1/24 dev vc && "
           "ip -n {0} route add default via 10.5.0.2 dev va metric 200 && "
           "ip -n {0} route add default via 10.6.0.2 dev vc metric 100 && "
           "ip -n {0} route add default metric 300 nexthop via 10.5.0.2 dev va "
           "nexthop via 10.6.0.2 dev vc && "
           "ip -n {0} nexthop add id 7 via 10.6.0.2 dev vc && "
           "ip -n {0} route add default nhid 7 metric 50".format(NS))
        sh("ip netns exec %s %s %s --inner" % (NS, sys.executable, os.path.abspath(__file__)))
    finally:
        subprocess.run("ip netns del %s" % NS, shell=True)


if __name__ == "__main__":
    main()

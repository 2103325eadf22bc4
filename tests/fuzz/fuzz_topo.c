// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Topology files (topo_parse): what `dplab up`/`topo up` read from the
 * user, and the copy `down` reads back from /run/dplab/NAME/topology.
 * Seeds: topologies/ (every .topo) and the test suites' inline topologies.
 */
#include "topo/topo.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct topo t;
	char err[512];

	topo_parse(fuzz_file(data, size), &t, err, sizeof(err));
	return 0;
}

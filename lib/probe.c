/* SPDX-License-Identifier: ISC */
/* Which opcodes the running kernel has (IORING_REGISTER_PROBE, 5.6+). */
#include <stdlib.h>

#include "ring.h"

static void probe_load(uring *t)
{
	struct uring__probe *p = calloc(1, sizeof(*p));
	if (!p)
		return;   /* try again next time */
	int ret = uring__register(t, IORING_REGISTER_PROBE, p, 256);
	if (ret >= 0) {
		for (unsigned i = 0; i < p->ops_len && i < 256; i++)
			if (p->ops[i].flags & IO_URING_OP_SUPPORTED)
				t->probe_bits[p->ops[i].op / 8] |= (uint8_t)(1u << (p->ops[i].op % 8));
	}
	/* A kernel without the probe (before 5.6) reports every op absent,
	 * as OCaml's Uring.op_supported does. */
	if (ret >= 0 || ret == -EINVAL)
		t->probe_done = 1;
	free(p);
}

int uring_op_supported(uring *t, unsigned op)
{
	if (!t || op > 255)
		return 0;
	if (!t->probe_done)
		probe_load(t);
	return (t->probe_bits[op / 8] >> (op % 8)) & 1;
}

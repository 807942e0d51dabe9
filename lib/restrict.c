/* SPDX-License-Identifier: ISC */
/*
 * Ring restrictions (5.10): a ring created with URING_SETUP_R_DISABLED is
 * given the list of what it may do (IORING_REGISTER_RESTRICTIONS), then
 * enabled (IORING_REGISTER_ENABLE_RINGS); from then on the kernel refuses
 * anything else, register calls included, with -EACCES.
 */
#include <stdlib.h>

#include "ring.h"

/* struct io_uring_restriction and its kinds. */
struct kernel_restriction {
	uint16_t opcode;
	uint8_t  arg;          /* register_op, sqe_op or sqe_flags */
	uint8_t  resv;
	uint32_t resv2[3];
};
_Static_assert(sizeof(struct kernel_restriction) == 16, "struct io_uring_restriction");
enum { RESTRICT_REGISTER_OP, RESTRICT_SQE_OP, RESTRICT_SQE_FLAGS_ALLOWED, RESTRICT_SQE_FLAGS_REQUIRED };

static int list_check(const unsigned *v, unsigned n)
{
	if (!v && n)
		return -EFAULT;
	for (unsigned i = 0; i < n; i++)
		if (v[i] > 255)
			return -EINVAL;
	return 0;
}

static int restrictions_check(const uring *t, const uring_restrictions *r)
{
	if (!t)
		return -EINVAL;
	if (!r)
		return -EFAULT;
	if ((r->sqe_flags_allowed | r->sqe_flags_required) > 0xff || r->n_ops > 256 || r->n_register_ops > 256)
		return -EINVAL;
	int ret = list_check(r->ops, r->n_ops);
	return ret < 0 ? ret : list_check(r->register_ops, r->n_register_ops);
}

static unsigned add(struct kernel_restriction *k, unsigned n, uint16_t kind, unsigned arg)
{
	k[n] = (struct kernel_restriction){ .opcode = kind, .arg = (uint8_t)arg };
	return n + 1;
}

/*
 * The library's own register calls stay possible: the probe is loaded now
 * (uring_op_supported keeps working), and unregistering the ring fd is
 * always allowed, since uring_exit needs it to release the ring.
 */
int uring_register_restrictions(uring *t, const uring_restrictions *r)
{
	int ret = restrictions_check(t, r);
	if (ret < 0)
		return ret;
	if (!(t->setup_flags & IORING_SETUP_R_DISABLED))
		return -EBADFD;
	uring_op_supported(t, IORING_OP_NOP);
	struct kernel_restriction *k = calloc(r->n_ops + r->n_register_ops + 3, sizeof(*k));
	if (!k)
		return -ENOMEM;
	unsigned n = 0;
	for (unsigned i = 0; i < r->n_ops; i++)
		n = add(k, n, RESTRICT_SQE_OP, r->ops[i]);
	for (unsigned i = 0; i < r->n_register_ops; i++)
		n = add(k, n, RESTRICT_REGISTER_OP, r->register_ops[i]);
	if (t->reg_index >= 0)
		n = add(k, n, RESTRICT_REGISTER_OP, IORING_UNREGISTER_RING_FDS);
	n = add(k, n, RESTRICT_SQE_FLAGS_ALLOWED, r->sqe_flags_allowed);
	if (r->sqe_flags_required)
		n = add(k, n, RESTRICT_SQE_FLAGS_REQUIRED, r->sqe_flags_required);
	ret = uring__register(t, IORING_REGISTER_RESTRICTIONS, k, n);
	free(k);
	return ret < 0 ? ret : 0;
}

int uring_enable_rings(uring *t)
{
	if (!t)
		return -EINVAL;
	/* Answered here: once enabled with restrictions, the kernel would say
	 * -EACCES (ENABLE_RINGS is not a listed register op) instead. */
	if (!(t->setup_flags & IORING_SETUP_R_DISABLED))
		return -EBADFD;
	int ret = uring__register(t, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	if (ret < 0)
		return ret;
	t->setup_flags &= ~IORING_SETUP_R_DISABLED;
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * Registered wait parameters (6.13): an array of io_uring_reg_wait
 * entries in pages the kernel pins (IORING_REGISTER_MEM_REGION with
 * IORING_MEM_REGION_REG_WAIT_ARG), which a wait names by offset
 * (IORING_ENTER_EXT_ARG | IORING_ENTER_EXT_ARG_REG) instead of passing a
 * getevents_arg and a timespec for the kernel to copy on every wait.
 *
 * The kernel takes the region only while the ring is disabled
 * (IORING_SETUP_R_DISABLED): its waiters do not lock the ring, so the
 * region may not appear under one.  It reads an entry at each wait that
 * names it, so a relative timeout counts from each wait's start.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"

#define USEC 1000u
#define SIGSET_BYTES 8u   /* the kernel's sigset_t (_NSIG / 8) */

struct uring__wait_region {
	struct uring__reg_wait *slots;   /* the pinned pages */
	size_t size;
	unsigned n;
	uint32_t enter_flags[URING_WAIT_SLOTS_MAX];   /* NO_IOWAIT, ABS_TIMER per slot */
};

static size_t page_round(size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (len + page - 1) / page * page;
}

static int region_register(uring *t, struct uring__wait_region *r)
{
	struct uring__region_desc rd = {
		.user_addr = uring__ptr(r->slots),
		.size = r->size,
		.flags = IORING_MEM_REGION_TYPE_USER,
	};
	struct uring__mem_region_reg reg = {
		.region_uptr = uring__ptr(&rd),
		.flags = IORING_MEM_REGION_REG_WAIT_ARG,
	};
	int ret = uring__register(t, IORING_REGISTER_MEM_REGION, &reg, 1);
	/* Arguments and ring state are checked above: -EINVAL is the kernel
	 * not knowing the opcode (before 6.13). */
	return ret == -EINVAL ? -EOPNOTSUPP : ret;
}

int uring_register_wait_region(uring *t, unsigned n)
{
	if (!t || n == 0 || n > URING_WAIT_SLOTS_MAX)
		return -EINVAL;
	if (t->wait_region)
		return -EBUSY;
	if (!(t->setup_flags & IORING_SETUP_R_DISABLED))
		return -EBADFD;
	struct uring__wait_region *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->n = n;
	r->size = page_round(n * sizeof(struct uring__reg_wait));
	void *mem = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		free(r);
		return -ENOMEM;
	}
	r->slots = mem;
	int ret = region_register(t, r);
	if (ret < 0) {
		munmap(mem, r->size);
		free(r);
		return ret;
	}
	t->wait_region = r;
	return 0;
}

/* The ring's region if slot is inside it: 0, -ENXIO (no region) or
 * -EINVAL (a slot outside it). */
static int slot_check(const uring *t, unsigned slot)
{
	if (!t->wait_region)
		return -ENXIO;
	return slot < t->wait_region->n ? 0 : -EINVAL;
}

int uring_wait_region_set(uring *t, unsigned slot, const uring_wait_options *o)
{
	if (!t || !o)
		return -EINVAL;
	int ret = slot_check(t, slot);
	if (ret == 0)
		ret = uring__wait_options_check(t, o);
	if (ret < 0)
		return ret;
	struct uring__reg_wait w = {
		.min_wait_usec = (uint32_t)((o->min_wait_ns + USEC - 1) / USEC),   /* as wait_many2 */
		.sigmask = uring__ptr(o->sigmask),
		.sigmask_sz = SIGSET_BYTES,
	};
	if (o->timeout_ns != URING_WAIT_FOREVER) {
		w.flags = IORING_REG_WAIT_TS;
		w.ts.tv_sec = (int64_t)(o->timeout_ns / 1000000000u);
		w.ts.tv_nsec = (int64_t)(o->timeout_ns % 1000000000u);
	}
	/* Plain stores: the kernel reads the entry inside our next enter. */
	struct uring__wait_region *r = t->wait_region;
	r->slots[slot] = w;
	r->enter_flags[slot] = ((o->flags & URING_WAIT_NO_IOWAIT) ? IORING_ENTER_NO_IOWAIT : 0) |
			       ((o->flags & URING_WAIT_ABSOLUTE) ? IORING_ENTER_ABS_TIMER : 0);
	return 0;
}

int uring_wait_registered(uring *t, uring_completion *out, unsigned max, unsigned min, unsigned slot)
{
	if (!t || !out || min == 0 || min > max || min > t->cq.entries)
		return -EINVAL;
	int ret = slot_check(t, slot);
	if (ret < 0)
		return ret;
	struct uring__wait_region *r = t->wait_region;
	if (t->setup_flags & IORING_SETUP_R_DISABLED)
		return -EBADFD;   /* not enabled yet: the kernel would refuse the enter */
	uintptr_t offset = slot * sizeof(struct uring__reg_wait);
	return uring__wait_batch_arg(t, out, max, min, (const void *)offset, sizeof(struct uring__reg_wait),
				     IORING_ENTER_EXT_ARG_REG | r->enter_flags[slot]);
}

void uring__wait_region_release(uring *t)
{
	struct uring__wait_region *r = t->wait_region;
	if (!r)
		return;
	munmap(r->slots, r->size);
	free(r);
	t->wait_region = NULL;
}

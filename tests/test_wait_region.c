/* SPDX-License-Identifier: ISC */
/* Registered wait parameters (6.13) against the real kernel: each slot's
 * timeout is the one the kernel applies, the slot's minimum and mask
 * too, and the region's rules (a disabled ring, once) are refused before
 * the kernel sees them.  Skips where the library reports -EOPNOTSUPP. */
#include "helpers.h"

#include <signal.h>

#define MS 1000000ull

/* A disabled ring with a region of n slots, or the test skips. */
static uring *ring_with_region_or_skip(unsigned n)
{
	uring_options o = { .setup_flags = URING_SETUP_R_DISABLED };
	uring *t = ring_or_skip(8, &o);
	int ret = uring_register_wait_region(t, n);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: registered waits need Linux 6.13 (library reports -EOPNOTSUPP)\n");
		uring_exit(t);
		skip();
	}
	assert_int_equal(ret, 0);
	return t;
}

/* Slots 0 and 3 hold different timeouts, and a 1 s timer op is the
 * backstop: a wait that read the wrong slot (or none) would end with the
 * timer's completion, not with 0. */
static void each_slot_is_the_wait_the_kernel_applies(void **state)
{
	(void)state;
	uring *t = ring_with_region_or_skip(4);
	uring_wait_options slow = { .timeout_ns = 5000 * MS }, quick = { .timeout_ns = 20 * MS };
	assert_int_equal(uring_wait_region_set(t, 0, &slow), 0);
	assert_int_equal(uring_wait_region_set(t, 3, &quick), 0);
	uring_completion cs[4];
	assert_int_equal(uring_wait_registered(t, cs, 4, 1, 3), -EBADFD);   /* not enabled */
	assert_int_equal(uring_enable_rings(t), 0);

	uring_job backstop = uring_timeout(t, URING_CLOCK_MONOTONIC, 1000 * MS, false, "backstop");
	assert_true(backstop > 0);
	for (int i = 0; i < 3; i++)   /* relative: counted from each wait's start */
		assert_int_equal(uring_wait_registered(t, cs, 4, 1, 3), 0);
	assert_int_equal(uring_active_ops(t), 1);

	/* a completion that is there ends the wait with it */
	assert_true(uring_noop(t, "nop") > 0);
	assert_int_equal(uring_wait_registered(t, cs, 4, 1, 0), 1);
	assert_string_equal(cs[0].data, "nop");

	/* the 5 s slot outlasts the backstop, which ends the wait */
	assert_int_equal(uring_wait_registered(t, cs, 4, 1, 0), 1);
	assert_int_equal(cs[0].job, backstop);
	assert_int_equal(cs[0].result, -ETIME);
	assert_int_equal(uring_exit(t), 0);
}

/* A slot's minimum wait (6.12) and its signal mask, read from the slot. */
static void a_slots_minimum_and_mask(void **state)
{
	(void)state;
	uring *t = ring_with_region_or_skip(2);
	sigset_t all;
	sigfillset(&all);
	uring_wait_options o = { .timeout_ns = 5000 * MS, .min_wait_ns = 30 * MS, .sigmask = &all };
	assert_int_equal(uring_wait_region_set(t, 1, &o), 0);
	assert_int_equal(uring_enable_rings(t), 0);
	uring_completion cs[4];
	/* 4 asked, 1 there: the one is taken once the 30 ms minimum passed */
	assert_true(uring_noop(t, NULL) > 0);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	assert_int_equal(uring_wait_registered(t, cs, 4, 4, 1), 1);
	uint64_t took = now_ns(CLOCK_MONOTONIC) - t0;
	assert_true(took >= 29 * MS);
	assert_true(took < 4000 * MS);
	assert_int_equal(uring_exit(t), 0);
}

static void the_regions_rules(void **state)
{
	(void)state;
	uring *live = ring_or_skip(8, NULL);
	assert_int_equal(uring_register_wait_region(live, 2), -EBADFD);   /* not disabled */
	uring_wait_options o = { .timeout_ns = MS };
	uring_completion c;
	assert_int_equal(uring_wait_region_set(live, 0, &o), -ENXIO);
	assert_int_equal(uring_wait_registered(live, &c, 1, 1, 0), -ENXIO);
	assert_int_equal(uring_exit(live), 0);

	uring *t = ring_with_region_or_skip(2);
	assert_int_equal(uring_register_wait_region(NULL, 2), -EINVAL);
	assert_int_equal(uring_register_wait_region(t, 2), -EBUSY);
	assert_int_equal(uring_wait_region_set(t, 2, &o), -EINVAL);   /* outside */
	assert_int_equal(uring_wait_region_set(t, 0, NULL), -EINVAL);
	uring_wait_options bad = { .timeout_ns = URING_WAIT_FOREVER, .flags = URING_WAIT_ABSOLUTE };
	assert_int_equal(uring_wait_region_set(t, 0, &bad), -EINVAL);
	bad = (uring_wait_options){ .timeout_ns = MS, .flags = 0x80 };
	assert_int_equal(uring_wait_region_set(t, 0, &bad), -EINVAL);
	assert_int_equal(uring_enable_rings(t), 0);
	assert_int_equal(uring_wait_registered(t, &c, 1, 1, 2), -EINVAL);
	assert_int_equal(uring_wait_registered(t, &c, 1, 0, 0), -EINVAL);
	assert_int_equal(uring_wait_registered(t, NULL, 1, 1, 0), -EINVAL);
	/* a slot never set waits without a timeout: give it a completion */
	assert_true(uring_noop(t, "n") > 0);
	assert_int_equal(uring_wait_registered(t, &c, 1, 1, 1), 1);
	assert_int_equal(uring_exit(t), 0);

	uring_options d = { .setup_flags = URING_SETUP_R_DISABLED };
	uring *u = ring_or_skip(8, &d);
	assert_int_equal(uring_register_wait_region(u, 0), -EINVAL);
	assert_int_equal(uring_register_wait_region(u, URING_WAIT_SLOTS_MAX + 1), -EINVAL);
	assert_int_equal(uring_exit(u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_slot_is_the_wait_the_kernel_applies),
		cmocka_unit_test(a_slots_minimum_and_mask),
		cmocka_unit_test(the_regions_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

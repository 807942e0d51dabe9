/* SPDX-License-Identifier: ISC */
/* URING_SETUP_SQE_MIXED (6.19) against the real kernel: a NOP128 takes two
 * SQ slots, a padding NOP fills the SQ's last slot when a 128-byte op
 * would start there, and neither the padding nor the second half may cost
 * a job its completion or surface as one.  The kernel fails a 128-byte op
 * at the last slot with -EINVAL, so a missing padding shows as a wrong
 * result.  Small SQs (2 and 4 entries) make the padding frequent. */
#include "helpers.h"
#include "ring.h"

static uring *mixed_ring(unsigned depth, uint32_t more_flags)
{
	REQUIRE_SETUP(SQE_MIXED, "6.19");
	uring_options o = { .setup_flags = URING_SETUP_SQE_MIXED | more_flags };
	uring *t = ring_or_skip(depth, &o);
	assert_true(t->setup_flags & IORING_SETUP_SQE_MIXED);
	assert_true(uring_op_supported(t, URING_OP_NOP128));   /* came with the flag */
	return t;
}

static int at_last_slot(const uring *t)
{
	return (t->sq.sqe_tail & t->sq.mask) == t->sq.mask;
}

/* Submits and collects exactly the n jobs of want[] (data = index), each
 * with result res[i]; nothing else may complete. */
static void collect(uring *t, const uring_job *want, const int *res, unsigned n)
{
	int seen[16] = { 0 };
	assert_true(n <= 16);
	uring_submit(t);
	for (unsigned k = 0; k < n; k++) {
		uring_completion c = wait_one(t);
		uintptr_t i = (uintptr_t)c.data;
		assert_true(i < n);
		assert_false(seen[i]);
		seen[i] = 1;
		assert_int_equal(c.job, want[i]);
		assert_int_equal(c.result, res[i]);
	}
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(t->stray_cqes, 0);   /* no padding, no second half, read as a job */
	uring_completion c;
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
}

/* Runs NOPs through the ring until its tail is at slot. */
static void advance_to(uring *t, uint32_t slot)
{
	while ((t->sq.sqe_tail & t->sq.mask) != slot) {
		uring_job j = uring_noop(t, (void *)0);
		int ok = 0;
		collect(t, &j, &ok, 1);
	}
}

/* Whether job j (queued, not submitted) was preceded by a padding NOP. */
static int padded(uring *t, uring_job j)
{
	const struct uring__sqe *sqe = NULL;
	assert_int_equal(uring__job_sqe(t, j, (struct uring__sqe **)&sqe), 0);
	uint32_t pos = uring__heap_lookup(&t->heap, j)->sqe_pos;
	const struct uring__sqe *before = uring__sqe_at(t, pos - 1);
	if (before->user_data != URING__PAD_DATA || !uring__sqe_unpublished(t, pos - 1))
		return 0;
	assert_int_equal(pos & t->sq.mask, 0);   /* the op at slot 0 */
	assert_int_equal(before->opcode, IORING_OP_NOP);
	assert_true(before->flags & IOSQE_CQE_SKIP_SUCCESS);
	return 1;
}

static void nop128_completes_with_its_job(void **state)
{
	(void)state;
	uring *t = mixed_ring(8, 0);
	assert_int_equal(uring_sq_space_left(t), 8);
	uring_job j = uring_nop128(t, (void *)0);
	assert_true(j > 0);
	assert_int_equal(uring_sqe_ready(t), 2);   /* two 64-byte slots */
	assert_int_equal(uring_sq_space_left(t), 6);
	int ok = 0;
	collect(t, &j, &ok, 1);
	assert_int_equal(uring_sqe_ready(t), 0);   /* the kernel took both halves */
	assert_int_equal(uring_exit(t), 0);
}

/* Queues a NOP or a NOP128, submitting while the SQ is full: its job.  On
 * a 2-entry SQ a NOP128 at the last slot needs two submits (the padding
 * alone, then the op: three slots never fit at once). */
static uring_job queue(uring *t, int wide, uintptr_t i)
{
	uring_job j;
	for (int tries = 0; (j = wide ? uring_nop128(t, (void *)i) : uring_noop(t, (void *)i)) == 0;
	     tries++) {
		/* Under SQPOLL the poll thread may lag behind a submit. */
		assert_true(tries < 2 || ((t->setup_flags & IORING_SETUP_SQPOLL) && tries < 10000));
		if (tries >= 2)
			usleep(100);
		assert_true(uring_submit(t) >= 0);
	}
	assert_true(j > 0);
	return j;
}

static void mixed_sizes_through_wraps(void **state)
{
	(void)state;
	static const unsigned depths[] = { 2, 4, 8 };
	unsigned pads = 0;
	for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++) {
		uring *t = mixed_ring(depths[d], 0);
		for (unsigned round = 0; round < 64; round++) {
			/* 1 to 3 ops, sizes from the round's bits */
			unsigned n = 1 + round % 3;
			uring_job want[3];
			int res[3] = { 0, 0, 0 };
			for (unsigned i = 0; i < n; i++) {
				int wide = (round >> i) & 1;
				want[i] = queue(t, wide, i);
				if (wide)
					pads += (unsigned)padded(t, want[i]);
			}
			collect(t, want, res, n);
		}
		assert_int_equal(uring_exit(t), 0);
	}
	/* The padding really happened, queued with its op (on 2 entries it is
	 * always queued alone, the op after a submit). */
	assert_true(pads > 0);
}

/* Padding at the last slot, seen in the SQ: three slots for one op, the
 * padding a skip-success NOP that is no job. */
static void padding_at_the_last_slot(void **state)
{
	(void)state;
	uring *t = mixed_ring(4, 0);
	uring_job a[3];
	int res[3] = { 0, 0, 0 };
	for (uintptr_t i = 0; i < 3; i++)
		a[i] = uring_noop(t, (void *)i);
	collect(t, a, res, 3);
	assert_true(at_last_slot(t));
	uring_job j = uring_nop128(t, (void *)0);
	assert_true(j > 0);
	assert_int_equal(uring_sqe_ready(t), 3);
	assert_int_equal(uring_sq_space_left(t), 1);
	const struct uring__sqe *pad = uring__sqe_at(t, 3);
	assert_int_equal(pad->opcode, IORING_OP_NOP);
	assert_int_equal(pad->flags, IOSQE_CQE_SKIP_SUCCESS);
	assert_int_equal(uring__sqe_at(t, 4)->opcode, IORING_OP_NOP128);   /* slot 0 */
	assert_int_equal(uring__sqe_at(t, 4)->user_data, (uint64_t)j);
	int ok = 0;
	collect(t, &j, &ok, 1);
	assert_int_equal(uring_exit(t), 0);
}

/* A full SQ answers as for any op: 0 (submit, retry), -ENOSPC when a link
 * chain is open.  When only the padding fits it is queued alone. */
static void full_sq(void **state)
{
	(void)state;
	uring *t = mixed_ring(4, 0);
	uring_job w[2];
	int res[4] = { 0, 0, 0, 0 };
	w[0] = uring_nop128(t, (void *)0);
	w[1] = uring_nop128(t, (void *)1);
	assert_true(w[0] > 0 && w[1] > 0);
	assert_int_equal(uring_sq_space_left(t), 0);
	assert_int_equal(uring_nop128(t, NULL), 0);
	assert_int_equal(uring_noop(t, NULL), 0);
	assert_int_equal(uring_active_ops(t), 2);
	collect(t, w, res, 2);

	/* One slot free, at the SQ's end: the padding takes it, the op waits. */
	uring_job a[3];
	for (uintptr_t i = 0; i < 3; i++)
		a[i] = uring_noop(t, (void *)i);
	assert_true(at_last_slot(t));
	assert_int_equal(uring_nop128(t, NULL), 0);
	assert_int_equal(uring_sq_space_left(t), 0);   /* the padding */
	assert_int_equal(uring_active_ops(t), 3);
	collect(t, a, res, 3);                          /* and no CQE of it */
	uring_job j = uring_nop128(t, (void *)0);       /* now at slot 0 */
	assert_true(j > 0);
	assert_int_equal(uring_sq_space_left(t), 2);
	collect(t, &j, res, 1);

	/* Same place with a chain open: a submit would split it, so -ENOSPC
	 * and nothing queued, not even the padding. */
	for (uintptr_t i = 0; i < 3; i++)
		a[i] = uring_noop(t, (void *)i);
	assert_int_equal(uring_job_set_flags(t, a[2], URING_LINK), 0);
	assert_int_equal(uring_nop128(t, NULL), -ENOSPC);
	assert_int_equal(uring_sq_space_left(t), 1);
	assert_int_equal(uring_job_set_flags(t, a[2], 0), 0);
	collect(t, a, res, 3);
	assert_int_equal(uring_exit(t), 0);
}

/* A chain through the padding: the op before it fails, the padding's
 * cancellation is dropped, and the NOP128 is cancelled as its link says.
 * With the link set before the NOP128 is queued, and after. */
static void link_runs_through_the_padding(void **state)
{
	(void)state;
	uring *t = mixed_ring(4, 0);
	for (int late = 0; late < 2; late++) {
		advance_to(t, 2);
		uring_job w[2];
		int res[2] = { -EBADF, -ECANCELED };
		w[0] = uring_fsync(t, 1000000, 0, 0, (void *)0);   /* no such fd */
		assert_true(w[0] > 0);
		if (!late)
			assert_int_equal(uring_job_set_flags(t, w[0], URING_LINK), 0);
		assert_true(at_last_slot(t));
		w[1] = uring_nop128(t, (void *)1);
		assert_true(w[1] > 0);
		if (late)
			assert_int_equal(uring_job_set_flags(t, w[0], URING_LINK), 0);
		assert_int_equal(uring__sqe_at(t, 3)->flags, IOSQE_CQE_SKIP_SUCCESS | IOSQE_IO_LINK);
		collect(t, w, res, 2);
		/* the padding's -ECANCELED CQE came and was no stray (collect) */
	}
	assert_int_equal(uring_exit(t), 0);
}

/* A link timeout after a NOP128 attaches to it, not to its second half;
 * a full SQ after a linked NOP128 is -ENOSPC. */
static void link_timeout_after_nop128(void **state)
{
	(void)state;
	uring *t = mixed_ring(4, 0);
	uring_job w[2];
	int res[2] = { 0, -ECANCELED };
	w[0] = uring_nop128(t, (void *)0);
	assert_true(w[0] > 0);
	assert_int_equal(uring_job_set_flags(t, w[0], URING_LINK), 0);
	w[1] = uring_link_timeout(t, 10ull * 1000 * 1000 * 1000, (void *)1);
	assert_true(w[1] > 0);
	collect(t, w, res, 2);
	advance_to(t, 0);
	uring_job a = uring_noop(t, (void *)0);
	uring_job b = uring_nop128(t, (void *)1);   /* slots 1, 2 */
	assert_true(a > 0 && b > 0);
	assert_int_equal(uring_job_set_flags(t, b, URING_LINK), 0);
	assert_int_equal(uring_nop128(t, NULL), -ENOSPC);   /* 1 slot left */
	uring_job c = uring_noop(t, (void *)2);             /* fits: ends the chain */
	assert_true(c > 0);
	uring_job all[3] = { a, b, c };
	int ok[3] = { 0, 0, 0 };
	collect(t, all, ok, 3);
	assert_int_equal(uring_exit(t), 0);
}

struct trace_log {
	unsigned submits;
	uring_job last;
};

static void on_trace(void *ctx, const uring_trace_event *ev)
{
	struct trace_log *log = ctx;
	if (ev->point == URING_TRACE_SUBMIT) {
		log->submits++;
		log->last = ev->job;
	}
}

/* The trace walks the SQ op by op: one submit event per job, none for
 * the padding or for a second half. */
static void trace_sees_jobs_only(void **state)
{
	(void)state;
	uring *t = mixed_ring(4, 0);
	struct trace_log log = { 0 };
	assert_int_equal(uring_set_trace(t, on_trace, &log), 0);
	uring_job a[3];
	int res[3] = { 0, 0, 0 };
	for (uintptr_t i = 0; i < 3; i++)
		a[i] = uring_noop(t, (void *)i);
	collect(t, a, res, 3);
	assert_int_equal(log.submits, 3);
	uring_job j = uring_nop128(t, (void *)0);   /* padded */
	collect(t, &j, res, 1);
	assert_int_equal(log.submits, 4);
	assert_int_equal(log.last, j);
	assert_int_equal(uring_set_trace(t, NULL, NULL), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* SQPOLL: the poll thread reads the two halves and the padding as the
 * enter path does. */
static void under_sqpoll(void **state)
{
	(void)state;
	REQUIRE_SETUP(SQE_MIXED, "6.19");
	uring_options o = { .setup_flags = URING_SETUP_SQE_MIXED, .polling_timeout_ms = 100 };
	uring *t = ring_or_skip(4, &o);
	for (unsigned round = 0; round < 32; round++) {
		uring_job want[3];
		int res[3] = { 0, 0, 0 };
		for (unsigned i = 0; i < 3; i++)
			want[i] = queue(t, (round + i) & 1, i);
		collect(t, want, res, 3);
	}
	assert_int_equal(uring_exit(t), 0);
}

/* Resize keeps positions: a queued NOP128 that would start at the new
 * SQ's last slot is refused (-EBUSY, submit first); otherwise the queued
 * ops survive the resize. */
static void resize_with_wide_ops_queued(void **state)
{
	(void)state;
	uring *t = mixed_ring(8, URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN);
	advance_to(t, 3);
	uring_job w[2];
	int res[2] = { 0, 0 };
	w[0] = uring_nop128(t, (void *)0);   /* slots 3 and 4 of 8; 3 and 0 of 4 */
	w[1] = uring_noop(t, (void *)1);
	int r = uring_resize(t, 4, 0);
	assert_int_equal(r, -EBUSY);
	assert_int_equal(uring_sqe_ready(t), 3);   /* all still queued */
	assert_int_equal(uring_resize(t, 16, 0), 0);   /* slot 3 of 16: fine */
	assert_int_equal(uring_queue_depth(t), 16);
	collect(t, w, res, 2);
	assert_int_equal(uring_resize(t, 4, 0), 0);   /* nothing queued */
	uring_job j = uring_nop128(t, (void *)0);
	collect(t, &j, res, 1);
	assert_int_equal(uring_exit(t), 0);
}

/* Without the flag: refused with nothing queued, or, on an SQE128 ring,
 * one 128-byte slot.  On a kernel without SQE_MIXED the refusals are
 * checked, then the test reports the skip. */
static void refused_without_the_flag(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_nop128(t, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	int has_mixed = uring_feature_supported(t, URING_FEATURE_SETUP_SQE_MIXED);
	int has_op = uring_op_supported(t, URING_OP_NOP128);
	int has_sqe128 = uring_feature_supported(t, URING_FEATURE_SETUP_SQE128);
	assert_int_equal(has_mixed, has_op);   /* one kernel release brought both */
	assert_int_equal(uring_exit(t), 0);

	errno = 0;
	t = uring_create(4, &(uring_options){ .setup_flags = URING_SETUP_SQE_MIXED });
	assert_true(has_mixed ? t != NULL : errno == EOPNOTSUPP);
	if (t)
		assert_int_equal(uring_exit(t), 0);

	if (has_sqe128) {
		t = ring_or_skip(4, &(uring_options){ .setup_flags = URING_SETUP_SQE128 });
		uring_job j = uring_nop128(t, (void *)0);
		if (has_op) {
			assert_true(j > 0);
			assert_int_equal(uring_sqe_ready(t), 1);   /* one 128-byte slot */
			int ok = 0;
			collect(t, &j, &ok, 1);
		} else {
			assert_int_equal(j, -EOPNOTSUPP);
			assert_int_equal(uring_sqe_ready(t), 0);
		}
		assert_int_equal(uring_exit(t), 0);
	}
	if (!has_mixed) {
		fprintf(stderr, "skip: URING_SETUP_SQE_MIXED needs Linux 6.19 (library reports "
				"unsupported; uring_create refused it with EOPNOTSUPP)\n");
		skip();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_without_the_flag),
		cmocka_unit_test(nop128_completes_with_its_job),
		cmocka_unit_test(mixed_sizes_through_wraps),
		cmocka_unit_test(padding_at_the_last_slot),
		cmocka_unit_test(full_sq),
		cmocka_unit_test(link_runs_through_the_padding),
		cmocka_unit_test(link_timeout_after_nop128),
		cmocka_unit_test(trace_sees_jobs_only),
		cmocka_unit_test(under_sqpoll),
		cmocka_unit_test(resize_with_wide_ops_queued),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

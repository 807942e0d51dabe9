/* SPDX-License-Identifier: ISC */
/* Futex ops against the real kernel (6.7): one thread's ring waits on a
 * futex word and another thread's ring wakes it; waitv on several words. */
#include "file_helpers.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

static uring *ring_with_futex_or_skip(void)
{
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_FUTEX_WAIT) || !uring_op_supported(t, URING_OP_FUTEX_WAITV)) {
		fprintf(stderr, "skip: the futex ops need Linux 6.7\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	return t;
}

struct waiter {
	_Atomic uint32_t *word;
	_Atomic int armed;        /* the wait job was submitted */
	int32_t result;
	uring_job job;
};

/* The waiting thread: its own ring, a futex wait and a pipe read in
 * flight together; the futex completion arrives first. */
static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uring *t = uring_create(8, NULL);
	if (!t)
		return NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	char b;
	uring_job rd = uring_read(t, p[0], &b, 1, -1, NULL);
	w->job = uring_futex_wait(t, (uint32_t *)w->word, 0, URING_FUTEX_BITSET_ANY, false, NULL);
	uring_submit(t);
	atomic_store(&w->armed, 1);
	uring_completion c;
	while (uring_wait(t, &c) == 0)
		;
	w->result = c.job == w->job ? c.result : INT32_MIN;
	/* End the read too, so the ring exits clean. */
	if (write(p[1], "x", 1) == 1) {
		while (uring_wait(t, &c) == 0)
			;
		if (c.job != rd)
			w->result = INT32_MIN + 1;
	}
	close(p[0]);
	close(p[1]);
	uring_exit(t);
	return NULL;
}

static void one_thread_wakes_another_ring(void **state)
{
	(void)state;
	uring *t = ring_with_futex_or_skip();
	_Atomic uint32_t word = 0;
	struct waiter w = { .word = &word };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, wait_thread, &w), 0);
	while (!atomic_load(&w.armed))
		usleep(1000);
	/* The wait job may still be on its way into the futex queue: wake
	 * until it has been woken (each wake reports how many it woke). */
	atomic_store(&word, 1);
	int32_t woken = 0;
	for (int i = 0; i < 2000 && woken == 0; i++) {
		woken = complete(t, uring_futex_wake(t, (uint32_t *)&word, 1, URING_FUTEX_BITSET_ANY, false, NULL));
		if (woken == 0)
			usleep(1000);
	}
	assert_int_equal(woken, 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(w.job > 0);
	assert_int_equal(w.result, 0);

	/* A word that is not the expected value: -EAGAIN at once. */
	assert_int_equal(complete(t, uring_futex_wait(t, (uint32_t *)&word, 0, URING_FUTEX_BITSET_ANY, false,
						     NULL)), -EAGAIN);
	/* Nobody waiting: a wake wakes 0. */
	assert_int_equal(complete(t, uring_futex_wake(t, (uint32_t *)&word, 1, URING_FUTEX_BITSET_ANY, false,
						     NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* A futex(2) FUTEX_WAKE from plain code wakes a ring's waiter too, and a
 * mask that shares no bit does not. */
static void masks_and_plain_futex_wake(void **state)
{
	(void)state;
	uring *t = ring_with_futex_or_skip();
	uint32_t word = 7;
	uring_job j = uring_futex_wait(t, &word, 7, 0x1, false, NULL);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c;
	assert_int_equal(complete(t, uring_futex_wake(t, &word, 1, 0x2, false, NULL)), 0);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
	long n = 0;
	for (int i = 0; i < 2000 && n == 0; i++) {
		n = syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		if (n == 0)
			usleep(1000);
	}
	assert_int_equal(n, 1);
	assert_int_equal(complete(t, j), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void waitv_reports_the_word_woken(void **state)
{
	(void)state;
	uring *t = ring_with_futex_or_skip();
	uint32_t words[3] = { 0, 0, 0 };
	uring_futex_waiter *v = calloc(3, sizeof(*v));
	for (int i = 0; i < 3; i++)
		v[i] = (uring_futex_waiter){ &words[i], 0, false };
	uring_job j = uring_futex_waitv(t, v, 3, NULL);
	scribble_and_free(v, 3 * sizeof(*v));   /* copied */
	assert_true(j > 0);
	assert_int_equal(uring_submit(t), 1);
	int32_t woken = 0;
	for (int i = 0; i < 2000 && woken == 0; i++) {
		woken = complete(t, uring_futex_wake(t, &words[2], 1, URING_FUTEX_BITSET_ANY, false, NULL));
		if (woken == 0)
			usleep(1000);
	}
	assert_int_equal(woken, 1);
	assert_int_equal(complete(t, j), 2);   /* the index of the word woken */

	/* One word not at its expected value: -EAGAIN. */
	words[1] = 5;
	uring_futex_waiter w2[2] = { { &words[0], 0, false }, { &words[1], 0, false } };
	assert_int_equal(complete(t, uring_futex_waitv(t, w2, 2, NULL)), -EAGAIN);

	uring_futex_waiter many[129];
	for (int i = 0; i < 129; i++)
		many[i] = (uring_futex_waiter){ &words[0], 0, false };
	assert_rejected(t, uring_futex_waitv(t, many, 129, NULL), EINVAL);
	assert_rejected(t, uring_futex_waitv(t, many, 0, NULL), EINVAL);
	assert_rejected(t, uring_futex_waitv(t, NULL, 2, NULL), EFAULT);
	many[1].word = (uint32_t *)((char *)&words[0] + 1);
	assert_rejected(t, uring_futex_waitv(t, many, 2, NULL), EINVAL);
	assert_rejected(t, uring_futex_wait(t, NULL, 0, 1, false, NULL), EFAULT);
	assert_rejected(t, uring_futex_wait(t, &words[0], 0, 0, false, NULL), EINVAL);
	assert_rejected(t, uring_futex_wake(t, (uint32_t *)((char *)words + 2), 1, 1, false, NULL), EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

/* A futex wait cancelled by id: the wait ends -ECANCELED and the cancel
 * completes with 1, the count io_futex_cancel returns (other targets: 0). */
static void a_cancelled_wait_and_its_cancels_count(void **state)
{
	(void)state;
	uring *t = ring_with_futex_or_skip();
	static uint32_t word = 5;
	uring_job w = uring_futex_wait(t, &word, 5, URING_FUTEX_BITSET_ANY, false, "w");
	assert_true(w > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_job c = uring_cancel(t, w, "c");
	assert_true(c > 0);
	int seen = 0;
	for (int i = 0; i < 2; i++) {
		uring_completion e = wait_one(t);
		if (e.job == w) {
			assert_int_equal(e.result, -ECANCELED);
			seen |= 1;
		} else {
			assert_int_equal(e.job, c);
			assert_int_equal(e.result, 1);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_thread_wakes_another_ring),
		cmocka_unit_test(masks_and_plain_futex_wake),
		cmocka_unit_test(waitv_reports_the_word_woken),
		cmocka_unit_test(a_cancelled_wait_and_its_cancels_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
/* uring_msg_ring: completions posted from one ring to another. */
#include "helpers.h"

static void message_between_two_rings(uring *a, uring *b)
{
	const uint64_t values[] = { 0, 1, 0x1234, (uint64_t)INT64_MAX };
	const int32_t results[] = { 42, -5, 0, INT32_MIN };
	for (int i = 0; i < 4; i++) {
		uring_job j = uring_msg_ring(a, b, results[i], values[i], (void *)"sender");
		assert_true(j > 0);
		uring_completion c = wait_one(a), msg;
		/* To itself, the two completions come in either order: 6.1
		 * posts the message first, later kernels the sender's. */
		if (a == b && uring_job_is_message(c.job)) {
			msg = c;
			c = wait_one(a);
		} else {
			msg = (uring_completion){ .job = 0 };
		}
		assert_int_equal(c.job, j);
		assert_int_equal(c.result, 0);
		assert_string_equal(c.data, "sender");

		c = msg.job ? msg : wait_one(b);
		assert_true(uring_job_is_message(c.job));
		assert_true(c.job < 0);
		assert_int_equal(uring_message_value(c.job), values[i]);
		assert_int_equal(c.result, results[i]);
		assert_null(c.data);
		assert_int_equal(uring_active_ops(b), 0);   /* not a job of b's */
	}
	assert_false(uring_job_is_message(1));
}

static void plain_rings(void **state)
{
	(void)state;
	uring *a = ring_or_skip(4, NULL);
	REQUIRE_OP(a, MSG_RING, "5.18");
	uring *b = ring_or_skip(4, NULL);
	message_between_two_rings(a, b);
	message_between_two_rings(b, a);
	assert_int_equal(uring_exit(a), 0);
	assert_int_equal(uring_exit(b), 0);
}

/* A DEFER_TASKRUN target gets the message through its own enter. */
static void to_and_from_single_issuer_rings(void **state)
{
	(void)state;
	REQUIRE_SETUP(SINGLE_ISSUER, "6.0");
	REQUIRE_SETUP(DEFER_TASKRUN, "6.1");
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *a = ring_or_skip(4, NULL);
	REQUIRE_OP(a, MSG_RING, "5.18");
	uring *b = ring_or_skip(4, &o);
	message_between_two_rings(a, b);
	message_between_two_rings(b, a);
	message_between_two_rings(b, b);   /* to itself */
	assert_int_equal(uring_exit(a), 0);
	assert_int_equal(uring_exit(b), 0);
}

static void bad_arguments(void **state)
{
	(void)state;
	uring *a = ring_or_skip(4, NULL);
	assert_int_equal(uring_msg_ring(a, NULL, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_msg_ring(NULL, a, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_msg_ring(a, a, 0, UINT64_C(1) << 63, NULL), -EINVAL);
	assert_int_equal(uring_msg_ring(a, a, 0, UINT64_MAX, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(a), 0);
	assert_int_equal(uring_exit(a), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_rings),
		cmocka_unit_test(to_and_from_single_issuer_rings),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: ISC */
/* Registered files: register, update, unregister, and fixed-file jobs. */
#include "net_helpers.h"

static void fixed_file_send_recv(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(uring_register_files(t, sp, 2), 0);
	/* The table holds its own references: the fds can go. */
	close(sp[0]);
	close(sp[1]);

	char in[16] = { 0 };
	uring_job s = uring_send(t, 0, "fixed", 5, 0, NULL);
	assert_int_equal(uring_job_set_flags(t, s, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, s).result, 5);
	uring_job r = uring_recv(t, 1, in, sizeof(in), 0, NULL);
	assert_int_equal(uring_job_set_flags(t, r, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, r).result, 5);
	assert_memory_equal(in, "fixed", 5);

	/* A plain fd past the table's end is no slot: refused, and the job
	 * is left as it was (a zero-length read of the plain fd). */
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(null >= 2);
	uring_job bad = uring_read(t, null, in, 0, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, bad, URING_FIXED_FILE), -EBADF);
	assert_int_equal(run_one(t, bad).result, 0);
	close(null);
	assert_int_equal(uring_unregister_files(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void sparse_table_update(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int empty[3] = { -1, -1, -1 };
	assert_int_equal(uring_register_files(t, empty, 3), 0);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(uring_register_files_update(t, 1, p, 2), 2);
	close(p[0]);
	close(p[1]);
	uring_job w = uring_write(t, 2, "slot", 4, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, w, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, w).result, 4);
	char in[8] = { 0 };
	uring_job r = uring_read(t, 1, in, sizeof(in), -1, NULL);
	assert_int_equal(uring_job_set_flags(t, r, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, r).result, 4);
	assert_memory_equal(in, "slot", 4);

	/* An empty slot is the kernel's -EBADF at completion. */
	uring_job e = uring_read(t, 0, in, sizeof(in), -1, NULL);
	assert_int_equal(uring_job_set_flags(t, e, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, e).result, -EBADF);

	/* Emptying a slot. */
	int none = -1;
	assert_int_equal(uring_register_files_update(t, 2, &none, 1), 1);
	w = uring_write(t, 2, "x", 1, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, w, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, w).result, -EBADF);
	assert_int_equal(uring_exit(t), 0);   /* the table goes with the ring */
}

static void register_errors(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int fds[2] = { 0, 1 };
	assert_int_equal(uring_register_files(NULL, fds, 2), -EINVAL);
	assert_int_equal(uring_register_files(t, fds, 0), -EINVAL);
	assert_int_equal(uring_register_files(t, fds, (1u << 20) + 1), -EINVAL);
	assert_int_equal(uring_register_files(t, NULL, 2), -EFAULT);
	int closed = 1000;
	assert_int_equal(uring_register_files(t, &closed, 1), -EBADF);   /* the kernel's check */
	assert_int_equal(uring_register_files_update(t, 0, fds, 1), -ENXIO);
	assert_int_equal(uring_unregister_files(t), -ENXIO);
	assert_int_equal(uring_unregister_files(NULL), -EINVAL);

	assert_int_equal(uring_register_files(t, fds, 2), 0);
	assert_int_equal(uring_register_files(t, fds, 2), -EBUSY);
	assert_int_equal(uring_register_files_update(t, 2, fds, 1), -EINVAL);
	assert_int_equal(uring_register_files_update(t, 1, fds, 2), -EINVAL);
	assert_int_equal(uring_register_files_update(t, 0, fds, 0), -EINVAL);
	assert_int_equal(uring_register_files_update(t, 0, NULL, 1), -EFAULT);
	assert_int_equal(uring_register_files_update(t, 0, &closed, 1), -EBADF);
	assert_int_equal(uring_unregister_files(t), 0);
	assert_int_equal(uring_unregister_files(t), -ENXIO);

	/* Without a table, fixed-file jobs are refused before queueing. */
	uring_job n = uring_read(t, 0, fds, 0, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, n, URING_FIXED_FILE), -EBADF);
	assert_int_equal(uring_sqe_ready(t), 1);
	assert_int_equal(run_one(t, n).result, 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixed_file_send_recv),
		cmocka_unit_test(sparse_table_update),
		cmocka_unit_test(register_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

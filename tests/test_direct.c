/* SPDX-License-Identifier: ISC */
/*
 * Direct descriptors: a sparse registered table, the allocation range,
 * accept (one-shot, multishot), socket and openat2 into slots, closing a
 * slot and installing one as an fd, on loopback TCP and files.
 */
#include "net_helpers.h"

#include <sys/stat.h>

static uring *ring_with_table(unsigned depth, unsigned slots)
{
	uring *t = ring_or_skip(depth, NULL);
	int ret = uring_register_files_sparse(t, slots);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: a sparse file table needs Linux 5.19\n");
		uring_exit(t);
		skip();
	}
	assert_int_equal(ret, 0);
	return t;
}

static void accept_into_a_chosen_slot(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 8);
	uint16_t port;
	int l = tcp_listener(&port);
	int c = connect_to(port);
	int fds = count_open_fds();
	uring_sockaddr peer;
	uring_job a = uring_accept_direct(t, l, &peer, 2, NULL);
	assert_int_equal(run_one(t, a).result, 0);   /* a chosen slot: 0 */
	assert_int_equal(count_open_fds(), fds);     /* no fd was made */
	assert_int_equal(peer.addr.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&peer.addr)->sin_port), local_port(c));

	char in[8] = { 0 };
	assert_int_equal(write(c, "hi", 2), 2);
	assert_int_equal(run_one(t, fixed(t, uring_recv(t, 2, in, sizeof(in), 0, NULL))).result, 2);
	assert_memory_equal(in, "hi", 2);
	assert_int_equal(run_one(t, fixed(t, uring_send(t, 2, "yo", 2, 0, NULL))).result, 2);
	assert_int_equal(read(c, in, sizeof(in)), 2);
	assert_memory_equal(in, "yo", 2);

	/* Closing the slot closes the connection: the peer reads EOF. */
	assert_int_equal(run_one(t, uring_close_direct(t, 2, NULL)).result, 0);
	assert_int_equal(read(c, in, sizeof(in)), 0);
	assert_int_equal(run_one(t, uring_close_direct(t, 2, NULL)).result, -EBADF);
	assert_int_equal(run_one(t, fixed(t, uring_recv(t, 2, in, sizeof(in), 0, NULL))).result, -EBADF);
	/* Outside the table: refused before queueing. */
	assert_int_equal(uring_accept_direct(t, l, NULL, 8, NULL), -EINVAL);
	assert_int_equal(uring_close_direct(t, 8, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_exit(t), 0);
	close(c), close(l);
}

static void accept_into_allocated_slots_within_the_range(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 8);
	int ret = uring_register_file_alloc_range(t, 4, 2);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: the allocation range needs Linux 6.0\n");
		uring_exit(t);
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(uring_register_file_alloc_range(t, 7, 2), -EINVAL);   /* past the end */
	uint16_t port;
	int l = tcp_listener(&port);
	int c[3];
	int got[3];
	for (int i = 0; i < 3; i++) {
		c[i] = connect_to(port);
		got[i] = run_one(t, uring_accept_direct(t, l, NULL, URING_FILE_INDEX_ALLOC, NULL)).result;
	}
	assert_int_equal(got[0], 4);   /* the result is the slot */
	assert_int_equal(got[1], 5);
	assert_int_equal(got[2], -ENFILE);   /* the range is full */
	/* That connection was accepted, then dropped: its client reads EOF. */
	char b;
	assert_int_equal(read(c[2], &b, 1), 0);
	/* A freed slot is handed out again. */
	assert_int_equal(run_one(t, uring_close_direct(t, 4, NULL)).result, 0);
	int c3 = connect_to(port);
	assert_int_equal(run_one(t, uring_accept_direct(t, l, NULL, URING_FILE_INDEX_ALLOC, NULL)).result, 4);
	assert_int_equal(uring_exit(t), 0);
	for (int i = 0; i < 3; i++)
		close(c[i]);
	close(c3);
	close(l);
}

static void multishot_accept_into_slots(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 3);
	uint16_t port;
	int l = tcp_listener(&port);
	int fds = count_open_fds();
	uring_job ms = uring_accept_multishot_direct(t, l, NULL);
	assert_true(ms > 0);
	assert_int_equal(uring_submit(t), 1);
	int c[4];
	unsigned seen = 0;
	for (int i = 0; i < 3; i++) {
		c[i] = connect_to(port);
		uring_completion k = wait_one(t);
		assert_int_equal(k.job, ms);
		assert_true(k.flags & URING_CQE_F_MORE);
		assert_true(k.result >= 0 && k.result < 3);
		seen |= 1u << k.result;
	}
	assert_int_equal(seen, 7u);   /* three different slots */
	assert_int_equal(count_open_fds(), fds + 3);   /* the clients only */
	/* The table is full: the job ends with -ENFILE, without F_MORE. */
	c[3] = connect_to(port);
	uring_completion end = wait_one(t);
	assert_int_equal(end.job, ms);
	assert_int_equal(end.result, -ENFILE);
	assert_false(end.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
	for (int i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

static void socket_into_a_slot_then_connect(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 4);
	uint16_t port;
	int l = tcp_listener(&port);
	assert_int_equal(run_one(t, uring_socket_direct(t, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 1, NULL)).result,
			 0);
	int s = run_one(t, uring_socket_direct(t, AF_INET, SOCK_STREAM, 0, URING_FILE_INDEX_ALLOC, NULL)).result;
	assert_true(s == 0 || s == 2 || s == 3);   /* a free slot, not 1 */
	struct sockaddr_in a = loopback(port);
	assert_int_equal(run_one(t, fixed(t, uring_connect(t, 1, (struct sockaddr *)&a, sizeof(a), NULL))).result, 0);
	int srv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(srv >= 0);
	assert_int_equal(run_one(t, fixed(t, uring_send(t, 1, "slot", 4, 0, NULL))).result, 4);
	char in[8];
	assert_int_equal(read(srv, in, sizeof(in)), 4);
	assert_memory_equal(in, "slot", 4);
	/* The kernel's answer to an unknown domain, as for uring_socket. */
	assert_int_equal(run_one(t, uring_socket_direct(t, 12345, SOCK_STREAM, 0, 0, NULL)).result, -EAFNOSUPPORT);
	assert_int_equal(uring_socket_direct(t, AF_INET, SOCK_STREAM | (1 << 30), 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
	close(srv), close(l);
}

static void open_into_a_slot_and_install_an_fd(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 4);
	char path[] = "/tmp/curing-direct-XXXXXX";
	int f = mkstemp(path);
	assert_true(f >= 0);
	assert_int_equal(write(f, "direct!", 7), 7);
	close(f);
	int fds = count_open_fds();
	uring_job o = uring_openat2_direct(t, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0, 0, 3, NULL);
	assert_int_equal(run_one(t, o).result, 0);
	assert_int_equal(count_open_fds(), fds);
	char in[16] = { 0 };
	assert_int_equal(run_one(t, fixed(t, uring_read(t, 3, in, sizeof(in), 0, NULL))).result, 7);
	assert_memory_equal(in, "direct!", 7);
	/* The path is copied: a missing file is the kernel's -ENOENT. */
	assert_int_equal(run_one(t, uring_openat2_direct(t, AT_FDCWD, "/nonexistent/x", O_RDONLY, 0, 0, 0, NULL)).result,
			 -ENOENT);

	uring_job in_fd = uring_fixed_fd_install(t, 3, 0, NULL);
	if (in_fd == -EOPNOTSUPP) {
		fprintf(stderr, "note: installing a slot as an fd needs Linux 6.8: not run here\n");
	} else {
		/* Link flags on the job keep its own fixed-file flag. */
		assert_int_equal(uring_job_set_flags(t, in_fd, URING_ASYNC), 0);
		int fd = run_one(t, in_fd).result;
		assert_cloexec(fd);
		assert_int_equal(pread(fd, in, sizeof(in), 0), 7);
		close(fd);
		fd = run_one(t, uring_fixed_fd_install(t, 3, URING_FIXED_FD_NO_CLOEXEC, NULL)).result;
		assert_true(fd >= 0);
		assert_false(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
		assert_int_equal(run_one(t, uring_fixed_fd_install(t, 0, 0, NULL)).result, -EBADF);   /* empty */
		assert_int_equal(uring_fixed_fd_install(t, 4, 0, NULL), -EBADF);   /* outside */
		assert_int_equal(uring_fixed_fd_install(t, 3, 2, NULL), -EINVAL);
	}
	assert_int_equal(count_open_fds(), fds);
	/* Unregistering the table closes what is in it. */
	assert_int_equal(uring_unregister_files(t), 0);
	assert_int_equal(uring_openat2_direct(t, AT_FDCWD, path, O_RDONLY, 0, 0, 0, NULL), -ENXIO);
	assert_int_equal(uring_exit(t), 0);
	unlink(path);
}

/* The table's size bounds URING_FIXED_FILE, whichever way it was made. */
static void fixed_file_check_follows_the_sparse_table(void **state)
{
	(void)state;
	uring *t = ring_with_table(8, 2);
	assert_int_equal(uring_register_files_sparse(t, 4), -EBUSY);
	char in[4];
	uring_job ok = uring_read(t, 1, in, sizeof(in), 0, NULL);
	assert_int_equal(uring_job_set_flags(t, ok, URING_FIXED_FILE), 0);
	assert_int_equal(run_one(t, ok).result, -EBADF);   /* empty slot: the kernel's answer */
	uring_job out = uring_read(t, 2, in, 0, 0, NULL);
	assert_int_equal(uring_job_set_flags(t, out, URING_FIXED_FILE), -EBADF);
	assert_true(run_one(t, out).result >= -EBADF);   /* left a zero-length read of plain fd 2 */
	assert_int_equal(uring_unregister_files(t), 0);
	uring_job gone = uring_read(t, 1, in, sizeof(in), 0, NULL);
	assert_int_equal(uring_job_set_flags(t, gone, URING_FIXED_FILE), -EBADF);
	(void)wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accept_into_a_chosen_slot),
		cmocka_unit_test(accept_into_allocated_slots_within_the_range),
		cmocka_unit_test(multishot_accept_into_slots),
		cmocka_unit_test(socket_into_a_slot_then_connect),
		cmocka_unit_test(open_into_a_slot_and_install_an_fd),
		cmocka_unit_test(fixed_file_check_follows_the_sparse_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

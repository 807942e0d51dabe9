/* SPDX-License-Identifier: ISC */
/*
 * Every public function with bad input: NULL pointers, negative fds, huge
 * lengths, zero and over-limit counts, unknown flags.  Each case expects a
 * specific -errno: either returned by the call itself (then nothing may be
 * queued: sqe_ready and active_ops unchanged), or, where only the kernel can
 * know (a closed fd, an unknown flag the kernel owns), as the result of the
 * job's completion.  After every case the ring must still run a noop.
 * NULL buffers are -EFAULT; NULL handles (ring, region, msghdr, buffer
 * ring, target ring) and out-of-range counts and flags are -EINVAL.
 */
#include "helpers.h"

#include <sys/wait.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>

struct ctx {
	uring *t;
	int pipe_r, pipe_w, file, sock;
	char buf[64];
	char long_path[PATH_MAX + 8];
	struct iovec iov[IOV_MAX + 1];
	struct statx stx;
	struct sockaddr_in sin;
};

enum expect { RETURNS, COMPLETES_WITH };

struct bad_case {
	const char *name;
	int64_t (*call)(struct ctx *c);
	enum expect expect;
	int64_t want;
	unsigned op;   /* the opcode a COMPLETES_WITH case needs beyond 5.10 (else NOP) */
	unsigned feature_plus1;   /* URING_FEATURE_* + 1 it needs, or 0 */
};

#define CASE(name, expect, want, body) \
	static int64_t name(struct ctx *c) { (void)c; body }
#define ROW(name, expect, want) { #name, name, expect, want, URING_OP_NOP, 0 }
/* Where the library reports the opcode unsupported, the case checks the
 * refusal (-EOPNOTSUPP, nothing queued) instead of the completion. */
#define ROW_OP(name, expect, want, op) { #name, name, expect, want, URING_OP_##op, 0 }
/* The same for a feature that is not an opcode (URING_FEATURE_*). */
#define ROW_FEAT(name, expect, want, f) { #name, name, expect, want, URING_OP_NOP, URING_FEATURE_##f + 1 }

/* --- the ring itself --- */
CASE(noop_null_ring, RETURNS, -EINVAL, return uring_noop(NULL, NULL);)
CASE(nop128_null_ring, RETURNS, -EINVAL, return uring_nop128(NULL, NULL);)
CASE(nop128_without_sqe_mixed, RETURNS, -EINVAL, return uring_nop128(c->t, NULL);)
CASE(submit_null_ring, RETURNS, -EINVAL, return uring_submit(NULL);)
CASE(wait_null_out, RETURNS, -EINVAL, return uring_wait(c->t, NULL);)
CASE(wait_timeout_null_out, RETURNS, -EINVAL, return uring_wait_timeout(c->t, 1, NULL);)
CASE(wait_many_min_above_max, RETURNS, -EINVAL, uring_completion cs[2]; return uring_wait_many(c->t, cs, 2, 3, URING_WAIT_FOREVER);)
CASE(wait_many_zero_min, RETURNS, -EINVAL, uring_completion cs[2]; return uring_wait_many(c->t, cs, 2, 0, 1000);)
CASE(get_cqe_null_out, RETURNS, -EINVAL, return uring_get_cqe_nonblocking(c->t, NULL);)
CASE(reap_null_out, RETURNS, -EINVAL, return uring_reap(c->t, NULL, 8);)
CASE(stats_format_null_stats, RETURNS, -EINVAL, return uring_stats_format(c->buf, sizeof(c->buf), NULL);)
CASE(stats_format_null_buffer, RETURNS, -EINVAL, uring_stats s = { 0 }; return uring_stats_format(NULL, 8, &s);)
CASE(exit_null_ring, RETURNS, -EINVAL, return uring_exit(NULL);)
CASE(eventfd_negative, RETURNS, -EBADF, return uring_register_eventfd(c->t, -1);)
CASE(eventfd_not_an_eventfd, RETURNS, -EINVAL, return uring_register_eventfd(c->t, c->file);)
CASE(timeout_unknown_clock, RETURNS, -EINVAL, return uring_timeout(c->t, (uring_clock)42, 1, false, NULL);)
CASE(cancel_invented_id, RETURNS, -ENOENT, return uring_cancel(c->t, 12345, NULL);)
CASE(timeout_remove_invented_id, RETURNS, -ENOENT, return uring_timeout_remove(c->t, 12345, NULL);)
CASE(timeout_update_invented_id, RETURNS, -ENOENT, return uring_timeout_update(c->t, 12345, 1, false, NULL);)
CASE(link_timeout_update_invented_id, RETURNS, -ENOENT, return uring_link_timeout_update(c->t, 12345, 1, NULL);)
CASE(timeout_multishot_zero_period, RETURNS, -EINVAL, return uring_timeout_multishot(c->t, URING_CLOCK_MONOTONIC, 0, 1, NULL);)
CASE(timeout_multishot_unknown_clock, RETURNS, -EINVAL, return uring_timeout_multishot(c->t, (uring_clock)42, 1000, 1, NULL);)
CASE(cancel_negative_id, RETURNS, -ENOENT, return uring_cancel(c->t, -1, NULL);)
/* --- files --- */
CASE(read_null_buffer, RETURNS, -EFAULT, return uring_read(c->t, c->pipe_r, NULL, 10, 0, NULL);)
CASE(read_offset_below_minus_one, RETURNS, -EINVAL, return uring_read(c->t, c->file, c->buf, 10, -2, NULL);)
CASE(read_negative_fd, COMPLETES_WITH, -EBADF, return uring_read(c->t, -1, c->buf, 10, 0, NULL);)
CASE(write_null_buffer, RETURNS, -EFAULT, return uring_write(c->t, c->pipe_w, NULL, 1, 0, NULL);)
CASE(write_to_read_end, COMPLETES_WITH, -EBADF, return uring_write(c->t, c->pipe_r, c->buf, 1, 0, NULL);)
CASE(readv_null_iov, RETURNS, -EFAULT, return uring_readv(c->t, c->file, NULL, 2, 0, NULL);)
CASE(readv_over_iov_max, RETURNS, -EINVAL, return uring_readv(c->t, c->file, c->iov, IOV_MAX + 1, 0, NULL);)
CASE(writev_over_iov_max, RETURNS, -EINVAL, return uring_writev(c->t, c->file, c->iov, IOV_MAX + 1, 0, NULL);)
CASE(readv2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP, return uring_readv2(c->t, c->file, c->iov, 1, 0, 1 << 30, NULL);)
CASE(writev2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP, return uring_writev2(c->t, c->file, c->iov, 1, 0, 1 << 30, NULL);)
CASE(read2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP, return uring_read2(c->t, c->file, c->buf, 1, 0, 1 << 30, NULL);)
CASE(write2_null_buffer, RETURNS, -EFAULT, return uring_write2(c->t, c->pipe_w, NULL, 1, 0, RWF_NOWAIT, NULL);)
CASE(splice_negative_fd, COMPLETES_WITH, -EBADF, return uring_splice(c->t, -1, c->pipe_w, 10, NULL);)
CASE(poll_negative_fd, COMPLETES_WITH, -EBADF, return uring_poll_add(c->t, -1, 1, NULL);)
CASE(fsync_negative_fd, COMPLETES_WITH, -EBADF, return uring_fsync(c->t, -1, 0, 0, NULL);)
CASE(fdatasync_negative_fd, COMPLETES_WITH, -EBADF, return uring_fdatasync(c->t, -1, 0, 0, NULL);)
CASE(fallocate_huge_length, RETURNS, -EINVAL, return uring_fallocate(c->t, c->file, 0, 0, UINT64_MAX, NULL);)
CASE(fallocate_unknown_mode, COMPLETES_WITH, -EOPNOTSUPP, return uring_fallocate(c->t, c->file, 1 << 20, 0, 10, NULL);)
CASE(ftruncate_huge_length, RETURNS, -EINVAL, return uring_ftruncate(c->t, c->file, UINT64_MAX, NULL);)
CASE(sync_file_range_overflow, RETURNS, -EINVAL, return uring_sync_file_range(c->t, c->file, UINT64_MAX, 1, 0, NULL);)
CASE(sync_file_range_unknown_flags, COMPLETES_WITH, -EINVAL, return uring_sync_file_range(c->t, c->file, 0, 1, 1u << 9, NULL);)
CASE(fadvise_overflow, RETURNS, -EINVAL, return uring_fadvise(c->t, c->file, INT64_MAX, 2, 0, NULL);)
CASE(fadvise_unknown_advice, COMPLETES_WITH, -EINVAL, return uring_fadvise(c->t, c->file, 0, 1, 1000, NULL);)
CASE(madvise_unaligned, COMPLETES_WITH, -EINVAL, return uring_madvise(c->t, c->buf + 1, 1, MADV_NORMAL, NULL);)
CASE(splice2_offset_below_minus_one, RETURNS, -EINVAL, return uring_splice2(c->t, c->file, -2, c->pipe_w, -1, 1, 0, NULL);)
CASE(splice2_unknown_flags, RETURNS, -EINVAL, return uring_splice2(c->t, c->file, 0, c->pipe_w, -1, 1, 1u << 20, NULL);)
CASE(tee_unknown_flags, RETURNS, -EINVAL, return uring_tee(c->t, c->pipe_r, c->pipe_w, 1, 1u << 20, NULL);)
CASE(tee_not_a_pipe, COMPLETES_WITH, -EINVAL, return uring_tee(c->t, c->file, c->pipe_w, 1, 0, NULL);)
CASE(pipe_null_fds, RETURNS, -EFAULT, return uring_pipe(c->t, NULL, 0, NULL);)
CASE(pipe_unknown_flags, RETURNS, -EINVAL, int fds[2]; return uring_pipe(c->t, fds, O_APPEND, NULL);)
CASE(getxattr_null_path, RETURNS, -EFAULT, return uring_getxattr(c->t, NULL, "user.a", c->buf, 1, NULL);)
CASE(getxattr_path_max, RETURNS, -ENAMETOOLONG, return uring_getxattr(c->t, c->long_path, "user.a", c->buf, 1, NULL);)
CASE(fgetxattr_empty_name, RETURNS, -ERANGE, return uring_fgetxattr(c->t, c->file, "", c->buf, 1, NULL);)
CASE(fgetxattr_null_value, RETURNS, -EFAULT, return uring_fgetxattr(c->t, c->file, "user.a", NULL, 1, NULL);)
CASE(setxattr_too_big, RETURNS, -E2BIG, return uring_setxattr(c->t, ".", "user.a", c->buf, 65537, 0, NULL);)
CASE(fsetxattr_unknown_flags, RETURNS, -EINVAL, return uring_fsetxattr(c->t, c->file, "user.a", c->buf, 1, 8, NULL);)
CASE(fsetxattr_null_name, RETURNS, -EFAULT, return uring_fsetxattr(c->t, c->file, NULL, c->buf, 1, 0, NULL);)
CASE(close_negative_fd, COMPLETES_WITH, -EBADF, return uring_close(c->t, -1, NULL);)
/* --- paths --- */
CASE(openat2_null_path, RETURNS, -EFAULT, return uring_openat2(c->t, AT_FDCWD, NULL, O_RDONLY, 0, 0, NULL);)
CASE(openat2_path_max, RETURNS, -ENAMETOOLONG, return uring_openat2(c->t, AT_FDCWD, c->long_path, O_RDONLY, 0, 0, NULL);)
CASE(openat2_unknown_resolve, COMPLETES_WITH, -EINVAL, return uring_openat2(c->t, AT_FDCWD, ".", O_RDONLY, 0, 1u << 30, NULL);)
CASE(openat2_bad_dirfd, COMPLETES_WITH, -EBADF, return uring_openat2(c->t, -5, "x", O_RDONLY, 0, 0, NULL);)
CASE(statx_null_out, RETURNS, -EFAULT, return uring_statx(c->t, AT_FDCWD, ".", 0, STATX_BASIC_STATS, NULL, NULL);)
CASE(statx_long_path_and_null_out, RETURNS, -ENAMETOOLONG, return uring_statx(c->t, AT_FDCWD, c->long_path, 0, STATX_BASIC_STATS, NULL, NULL);)
CASE(statx_null_path, RETURNS, -EFAULT, return uring_statx(c->t, AT_FDCWD, NULL, 0, STATX_BASIC_STATS, &c->stx, NULL);)
CASE(statx_unknown_flags, COMPLETES_WITH, -EINVAL, return uring_statx(c->t, AT_FDCWD, ".", 1 << 28, STATX_BASIC_STATS, &c->stx, NULL);)
CASE(unlink_null_path, RETURNS, -EFAULT, return uring_unlink(c->t, AT_FDCWD, NULL, false, NULL);)
CASE(mkdirat_path_max, RETURNS, -ENAMETOOLONG, return uring_mkdirat(c->t, AT_FDCWD, c->long_path, 0700, NULL);)
CASE(linkat_null_new_path, RETURNS, -EFAULT, return uring_linkat(c->t, AT_FDCWD, "a", AT_FDCWD, NULL, 0, NULL);)
CASE(renameat_unknown_flags, COMPLETES_WITH, -EINVAL, return uring_renameat(c->t, AT_FDCWD, "a", AT_FDCWD, "b", 1u << 20, NULL);)
CASE(symlinkat_null_target, RETURNS, -EFAULT, return uring_symlinkat(c->t, NULL, AT_FDCWD, "l", NULL);)
/* --- the fixed buffer and Region --- */
CASE(read_fixed_without_buffer, RETURNS, -EINVAL, return uring_read_fixed(c->t, c->file, 0, 10, 0, NULL);)
CASE(read_fixed2_without_buffer, RETURNS, -EINVAL, return uring_read_fixed2(c->t, c->file, 0, 1, 0, RWF_NOWAIT, NULL);)
CASE(writev_fixed2_without_buffer, RETURNS, -EINVAL, return uring_writev_fixed2(c->t, c->file, c->iov, 1, 0, RWF_APPEND, NULL);)
CASE(read_chunk2_null_region, RETURNS, -EINVAL, return uring_read_chunk2(c->t, c->file, (uring_chunk){ NULL, 0 }, 1, 0, RWF_NOWAIT, NULL);)
CASE(write_fixed_without_buffer, RETURNS, -EINVAL, return uring_write_fixed(c->t, c->file, 0, 10, 0, NULL);)
CASE(set_fixed_buffer_null, RETURNS, -EFAULT, return uring_set_fixed_buffer(c->t, NULL, 4096);)
CASE(region_alloc_null, RETURNS, -EINVAL, uring_chunk ch; return uring_region_alloc(NULL, &ch);)
CASE(region_free_null, RETURNS, -EINVAL, return uring_region_free((uring_chunk){ NULL, 0 });)
/* --- sockets --- */
CASE(bind_null_addr, RETURNS, -EFAULT, return uring_bind(c->t, c->sock, NULL, sizeof(c->sin), NULL);)
CASE(bind_oversized_addr, RETURNS, -EINVAL, return uring_bind(c->t, c->sock, (struct sockaddr *)&c->sin, 4096, NULL);)
CASE(connect_null_addr, RETURNS, -EFAULT, return uring_connect(c->t, c->sock, NULL, sizeof(c->sin), NULL);)
CASE(listen_negative_fd, COMPLETES_WITH, -EBADF, return uring_listen(c->t, -1, 1, NULL);)
CASE(accept_not_a_socket, COMPLETES_WITH, -ENOTSOCK, return uring_accept(c->t, c->file, NULL, NULL);)
CASE(send_null_buffer, RETURNS, -EFAULT, return uring_send(c->t, c->sock, NULL, 10, 0, NULL);)
CASE(recv_null_buffer, RETURNS, -EFAULT, return uring_recv(c->t, c->sock, NULL, 10, 0, NULL);)
CASE(send_msg_over_iov_max, RETURNS, -EINVAL, return uring_send_msg(c->t, c->sock, c->iov, IOV_MAX + 1, NULL, 0, NULL, 0, NULL);)
CASE(send_msg_null_fds, RETURNS, -EFAULT, return uring_send_msg(c->t, c->sock, c->iov, 1, NULL, 2, NULL, 0, NULL);)
CASE(send_msg_too_many_fds, RETURNS, -EINVAL, int fds[300] = { 0 }; return uring_send_msg(c->t, c->sock, c->iov, 1, fds, 300, NULL, 0, NULL);)
CASE(recv_msg_null_header, RETURNS, -EINVAL, return uring_recv_msg(c->t, c->sock, NULL, NULL);)
CASE(socket_unknown_domain, COMPLETES_WITH, -EAFNOSUPPORT, return uring_socket(c->t, 12345, SOCK_STREAM, 0, NULL);)
CASE(shutdown_not_a_socket, COMPLETES_WITH, -ENOTSOCK, return uring_shutdown(c->t, c->file, SHUT_RDWR, NULL);)
/* --- beyond the OCaml module --- */
CASE(set_flags_unknown_bits, RETURNS, -EINVAL, uring_job j = uring_noop(c->t, NULL); int64_t r = uring_job_set_flags(c->t, j, 1u << 7); uring_submit(c->t); (void)wait_one(c->t); return r;)
CASE(set_flags_invented_job, RETURNS, -ENOENT, return uring_job_set_flags(c->t, 999999, URING_LINK);)
CASE(link_timeout_without_link, RETURNS, -EINVAL, return uring_link_timeout(c->t, 1000, NULL);)
CASE(recv_multishot_null_ring, RETURNS, -EINVAL, return uring_recv_multishot(c->t, c->sock, NULL, 0, NULL);)
CASE(send_zc_null_buffer, RETURNS, -EFAULT, return uring_send_zc(c->t, c->sock, NULL, 10, 0, NULL);)
CASE(register_files_null, RETURNS, -EFAULT, return uring_register_files(c->t, NULL, 4);)
CASE(register_files_zero, RETURNS, -EINVAL, int fd = 0; return uring_register_files(c->t, &fd, 0);)
CASE(files_update_without_table, RETURNS, -ENXIO, int fd = 0; return uring_register_files_update(c->t, 0, &fd, 1);)
CASE(unregister_files_without_table, RETURNS, -ENXIO, return uring_unregister_files(c->t);)
CASE(futex_wait_null_word, RETURNS, -EFAULT, return uring_futex_wait(c->t, NULL, 0, 1, false, NULL);)
CASE(futex_wait_zero_mask, RETURNS, -EINVAL, return uring_futex_wait(c->t, (uint32_t *)(void *)c->buf, 0, 0, false, NULL);)
CASE(futex_wake_misaligned, RETURNS, -EINVAL, return uring_futex_wake(c->t, (uint32_t *)(void *)(c->buf + 1), 1, 1, false, NULL);)
CASE(futex_waitv_zero, RETURNS, -EINVAL, return uring_futex_waitv(c->t, (const uring_futex_waiter *)(void *)c->iov, 0, NULL);)
CASE(futex_waitv_null, RETURNS, -EFAULT, return uring_futex_waitv(c->t, NULL, 1, NULL);)

/* --- socket commands, epoll, NAPI --- */
CASE(sock_inq_null_ring, RETURNS, -EINVAL, return uring_sock_inq(NULL, c->sock, NULL);)
CASE(sock_outq_negative_fd, COMPLETES_WITH, -EBADF, return uring_sock_outq(c->t, -1, NULL);)
CASE(sock_inq_not_a_socket, COMPLETES_WITH, -EOPNOTSUPP, return uring_sock_inq(c->t, c->pipe_r, NULL);)
CASE(getsockopt_null_value, RETURNS, -EFAULT, return uring_getsockopt(c->t, c->sock, SOL_SOCKET, SO_RCVBUF, NULL, 4, NULL);)
CASE(getsockopt_other_level, COMPLETES_WITH, -EOPNOTSUPP, return uring_getsockopt(c->t, c->sock, IPPROTO_TCP, 1, c->buf, 4, NULL);)
CASE(setsockopt_huge_length, RETURNS, -EINVAL, return uring_setsockopt(c->t, c->sock, SOL_SOCKET, SO_RCVBUF, c->buf, (socklen_t)INT_MAX + 1, NULL);)
CASE(setsockopt_unknown_option, COMPLETES_WITH, -ENOPROTOOPT, return uring_setsockopt(c->t, c->sock, SOL_SOCKET, 12345, c->buf, 4, NULL);)
CASE(getsockname_null_addr, RETURNS, -EFAULT, return uring_getsockname(c->t, c->sock, NULL, false, NULL);)
CASE(epoll_ctl_unknown_op, RETURNS, -EINVAL, struct epoll_event ev = { 0 }; return uring_epoll_ctl(c->t, 0, 9, 0, &ev, NULL);)
CASE(epoll_ctl_add_null_event, RETURNS, -EFAULT, return uring_epoll_ctl(c->t, 0, EPOLL_CTL_ADD, 0, NULL, NULL);)
CASE(epoll_ctl_negative_epfd, COMPLETES_WITH, -EBADF, struct epoll_event ev = { .events = EPOLLIN }; return uring_epoll_ctl(c->t, -1, EPOLL_CTL_ADD, c->pipe_r, &ev, NULL);)
CASE(epoll_wait_null_events, RETURNS, -EFAULT, return uring_epoll_wait(c->t, 0, NULL, 1, NULL);)
CASE(epoll_wait_zero_max, RETURNS, -EINVAL, return uring_epoll_wait(c->t, 0, (struct epoll_event *)(void *)c->buf, 0, NULL);)
CASE(epoll_wait_not_epoll, COMPLETES_WITH, -EINVAL, return uring_epoll_wait(c->t, c->pipe_r, (struct epoll_event *)(void *)c->buf, 1, NULL);)
CASE(register_napi_null, RETURNS, -EINVAL, return uring_register_napi(c->t, NULL, NULL);)
CASE(unregister_napi_null_ring, RETURNS, -EINVAL, return uring_unregister_napi(NULL, NULL);)
CASE(waitid_no_state, RETURNS, -EINVAL, return uring_waitid(c->t, P_ALL, 0, NULL, WNOHANG, NULL);)
CASE(waitid_bad_idtype, RETURNS, -EINVAL, return uring_waitid(c->t, 9, 0, NULL, WEXITED, NULL);)
CASE(waitid_pid_zero, RETURNS, -EINVAL, return uring_waitid(c->t, P_PID, 0, NULL, WEXITED, NULL);)
CASE(discard_empty, RETURNS, -EINVAL, return uring_discard(c->t, 0, 0, 0, NULL);)
CASE(discard_unaligned, RETURNS, -EINVAL, return uring_discard(c->t, 0, 256, 512, NULL);)
CASE(wait_region_live_ring, RETURNS, -EBADFD, return uring_register_wait_region(c->t, 1);)
CASE(wait_region_none, RETURNS, -ENXIO, uring_wait_options o = { .timeout_ns = 1 }; return uring_wait_region_set(c->t, 0, &o);)
CASE(wait_registered_none, RETURNS, -ENXIO, uring_completion e; return uring_wait_registered(c->t, &e, 1, 1, 0);)
CASE(restrictions_null, RETURNS, -EFAULT, return uring_register_restrictions(c->t, NULL);)
CASE(restrictions_enabled_ring, RETURNS, -EBADFD, uring_restrictions r = { 0 }; return uring_register_restrictions(c->t, &r);)
CASE(enable_rings_enabled_ring, RETURNS, -EBADFD, return uring_enable_rings(c->t);)
CASE(msg_ring_null_target, RETURNS, -EINVAL, return uring_msg_ring(c->t, NULL, 0, 1, NULL);)
CASE(buf_ring_recycle_null, RETURNS, -EINVAL, return uring_buf_ring_recycle(NULL, 0);)
CASE(buf_ring_destroy_null, RETURNS, -EINVAL, return uring_buf_ring_destroy(c->t, NULL);)
/* --- cancellation by match, synchronous cancel, graceful exit --- */
CASE(cancel_match_null_ring, RETURNS, -EINVAL, return uring_cancel_match(NULL, URING_CANCEL_ANY, -1, 0, NULL);)
CASE(cancel_match_unknown_flag, RETURNS, -EINVAL, return uring_cancel_match(c->t, URING_CANCEL_FD | (1u << 4), c->sock, 0, NULL);)
CASE(cancel_match_nothing_to_match, RETURNS, -EINVAL, return uring_cancel_match(c->t, URING_CANCEL_ALL, c->sock, 0, NULL);)
CASE(cancel_match_any_with_fd, RETURNS, -EINVAL, return uring_cancel_match(c->t, URING_CANCEL_ANY | URING_CANCEL_FD, c->sock, 0, NULL);)
CASE(cancel_match_fixed_without_fd, RETURNS, -EINVAL, return uring_cancel_match(c->t, URING_CANCEL_FD_FIXED | URING_CANCEL_ANY, 0, 0, NULL);)
CASE(cancel_match_opcode_over_255, RETURNS, -EINVAL, return uring_cancel_match(c->t, URING_CANCEL_OP, -1, 256, NULL);)
CASE(cancel_match_negative_fd, RETURNS, -EBADF, return uring_cancel_match(c->t, URING_CANCEL_FD, -1, 0, NULL);)
CASE(cancel_match_slot_without_table, RETURNS, -EBADF, return uring_cancel_match(c->t, URING_CANCEL_FD | URING_CANCEL_FD_FIXED, 0, 0, NULL);)
CASE(cancel_sync_null_ring, RETURNS, -EINVAL, return uring_cancel_sync(NULL, 1, 0);)
CASE(cancel_sync_invented_id, RETURNS, -ENOENT, return uring_cancel_sync(c->t, 12345, 0);)
CASE(cancel_match_sync_negative_fd, RETURNS, -EBADF, return uring_cancel_match_sync(c->t, URING_CANCEL_FD, -3, 0, 0);)
CASE(exit_graceful_null_ring, RETURNS, -EINVAL, return uring_exit_graceful(NULL, 0, NULL, NULL);)
/* --- direct descriptors (slots outside a table: one made, then removed) --- */
#define WITH_TABLE(call) int e[2] = { -1, -1 }; assert_int_equal(uring_register_files(c->t, e, 2), 0); \
	int64_t r = (call); assert_int_equal(uring_unregister_files(c->t), 0); return r;
CASE(files_sparse_zero, RETURNS, -EINVAL, return uring_register_files_sparse(c->t, 0);)
CASE(files_sparse_over_max, RETURNS, -EINVAL, return uring_register_files_sparse(c->t, (1u << 20) + 1);)
CASE(files_sparse_null_ring, RETURNS, -EINVAL, return uring_register_files_sparse(NULL, 4);)
CASE(files_sparse_over_a_table, RETURNS, -EBUSY, WITH_TABLE(uring_register_files_sparse(c->t, 4)))
CASE(alloc_range_without_table, RETURNS, -ENXIO, return uring_register_file_alloc_range(c->t, 0, 1);)
CASE(alloc_range_outside_table, RETURNS, -EINVAL, WITH_TABLE(uring_register_file_alloc_range(c->t, 1, 2)))
CASE(accept_direct_without_table, RETURNS, -ENXIO, return uring_accept_direct(c->t, c->sock, NULL, 0, NULL);)
CASE(accept_direct_slot_outside, RETURNS, -EINVAL, WITH_TABLE(uring_accept_direct(c->t, c->sock, NULL, 2, NULL)))
CASE(accept_ms_direct_without_table, RETURNS, -ENXIO, return uring_accept_multishot_direct(c->t, c->sock, NULL);)
CASE(accept_ms_direct_null_ring, RETURNS, -EINVAL, return uring_accept_multishot_direct(NULL, c->sock, NULL);)
CASE(socket_direct_without_table, RETURNS, -ENXIO, return uring_socket_direct(c->t, AF_INET, SOCK_STREAM, 0, 0, NULL);)
CASE(socket_direct_unknown_type_flag, RETURNS, -EINVAL, return uring_socket_direct(c->t, AF_INET, SOCK_STREAM | (1 << 30), 0, 0, NULL);)
CASE(socket_direct_slot_outside, RETURNS, -EINVAL, WITH_TABLE(uring_socket_direct(c->t, AF_INET, SOCK_STREAM, 0, 7, NULL)))
CASE(openat2_direct_without_table, RETURNS, -ENXIO, return uring_openat2_direct(c->t, AT_FDCWD, ".", O_RDONLY, 0, 0, 0, NULL);)
CASE(openat2_direct_slot_outside, RETURNS, -EINVAL, WITH_TABLE(uring_openat2_direct(c->t, AT_FDCWD, ".", O_RDONLY, 0, 0, 2, NULL)))
CASE(openat2_direct_null_path, RETURNS, -EFAULT, WITH_TABLE(uring_openat2_direct(c->t, AT_FDCWD, NULL, O_RDONLY, 0, 0, 0, NULL)))
CASE(close_direct_without_table, RETURNS, -ENXIO, return uring_close_direct(c->t, 0, NULL);)
CASE(close_direct_alloc, RETURNS, -EINVAL, return uring_close_direct(c->t, URING_FILE_INDEX_ALLOC, NULL);)
CASE(close_direct_slot_outside, RETURNS, -EINVAL, WITH_TABLE(uring_close_direct(c->t, 2, NULL)))
CASE(fixed_fd_install_without_table, RETURNS, -ENXIO, return uring_fixed_fd_install(c->t, 0, 0, NULL);)
CASE(fixed_fd_install_unknown_flags, RETURNS, -EINVAL, return uring_fixed_fd_install(c->t, 0, 2, NULL);)
CASE(fixed_fd_install_slot_outside, RETURNS, -EBADF, WITH_TABLE(uring_fixed_fd_install(c->t, 2, 0, NULL)))
CASE(msg_ring_fd_null_target, RETURNS, -EINVAL, return uring_msg_ring_fd(c->t, NULL, 0, 0, 1, NULL);)
CASE(msg_ring_fd_to_itself, RETURNS, -EINVAL, return uring_msg_ring_fd(c->t, c->t, 0, 0, 1, NULL);)
CASE(msg_ring_fd_without_table, RETURNS, -ENXIO, uring *o = uring_create(2, NULL); assert_non_null(o); int64_t r = uring_msg_ring_fd(c->t, o, 0, 0, 1, NULL); uring_exit(o); return r;)
CASE(msg_ring_fd_slot_outside, RETURNS, -EBADF, uring *o = uring_create(2, NULL); assert_non_null(o); int e[2]; e[0] = e[1] = -1; assert_int_equal(uring_register_files(c->t, e, 2), 0); int64_t r = uring_msg_ring_fd(c->t, o, 2, 0, 1, NULL); uring_unregister_files(c->t); uring_exit(o); return r;)
CASE(msg_ring_fd_message_bit_63, RETURNS, -EINVAL, uring *o = uring_create(2, NULL); assert_non_null(o); int64_t r = uring_msg_ring_fd(c->t, o, 0, 0, UINT64_C(1) << 63, NULL); uring_exit(o); return r;)
CASE(poll_multishot_null_ring, RETURNS, -EINVAL, return uring_poll_multishot(NULL, c->sock, 1, NULL);)
CASE(poll_update_invented_job, RETURNS, -ENOENT, return uring_poll_update(c->t, 12345, 1, NULL);)
CASE(job_set_data_invented, RETURNS, -ENOENT, return uring_job_set_data(c->t, 12345, NULL);)
CASE(job_set_data_null_ring, RETURNS, -EINVAL, return uring_job_set_data(NULL, 1, NULL);)
CASE(read_multishot_null_br, RETURNS, -EINVAL, return uring_read_multishot(c->t, c->pipe_r, NULL, NULL);)
CASE(read_multishot_null_ring, RETURNS, -EINVAL, return uring_read_multishot(NULL, c->pipe_r, NULL, NULL);)
CASE(cancel_match_slot_outside, RETURNS, -EBADF, WITH_TABLE(uring_cancel_match(c->t, URING_CANCEL_FD | URING_CANCEL_FD_FIXED, 2, 0, NULL)))

/* --- the registered buffer table (none registered here) --- */
CASE(register_buffers_zero, RETURNS, -EINVAL, return uring_register_buffers(c->t, c->iov, 0, NULL);)
CASE(register_buffers_too_many, RETURNS, -EINVAL, return uring_register_buffers(c->t, c->iov, 16385, NULL);)
CASE(register_buffers_tag_bit_63, RETURNS, -EINVAL, uint64_t tag = UINT64_C(1) << 63; return uring_register_buffers(c->t, c->iov, 1, &tag);)
CASE(register_buffers_null_base, RETURNS, -EFAULT, struct iovec v[1] = { { .iov_len = 10 } }; return uring_register_buffers(c->t, v, 1, NULL);)
CASE(register_buffers_sparse_tagged, RETURNS, -EINVAL, uint64_t tag = 1; return uring_register_buffers(c->t, NULL, 1, &tag);)
CASE(buffers_update_without_table, RETURNS, -ENXIO, return uring_register_buffers_update(c->t, 0, c->iov, 0);)
CASE(unregister_buffers_without_table, RETURNS, -ENXIO, return uring_unregister_buffers(c->t);)
CASE(clone_buffers_null_src, RETURNS, -EINVAL, return uring_clone_buffers(c->t, NULL);)
CASE(clone_buffers_from_itself, RETURNS, -EINVAL, return uring_clone_buffers(c->t, c->t);)
CASE(read_registered_without_table, RETURNS, -EINVAL, return uring_read_registered(c->t, c->file, 0, c->buf, 10, 0, NULL);)
CASE(read_registered_offset_below_minus_one, RETURNS, -EINVAL, return uring_read_registered(c->t, c->file, 0, c->buf, 10, -2, NULL);)
CASE(write_registered_null_buffer, RETURNS, -EFAULT, return uring_write_registered(c->t, c->file, 0, NULL, 10, 0, NULL);)
CASE(readv_registered_over_iov_max, RETURNS, -EINVAL, return uring_readv_registered(c->t, c->file, 0, c->iov, IOV_MAX + 1, 0, NULL);)
CASE(writev_registered_without_table, RETURNS, -EINVAL, return uring_writev_registered(c->t, c->file, 0, c->iov, 1, 0, NULL);)
CASE(send_zc_registered_huge, RETURNS, -EINVAL, return uring_send_zc_registered(c->t, c->sock, 0, c->buf, (size_t)INT_MAX + 1, 0, NULL);)
CASE(send_zc_registered_without_table, RETURNS, -EINVAL, return uring_send_zc_registered(c->t, c->sock, 0, c->buf, 10, 0, NULL);)

/* --- wait tuning --- */
CASE(wait_many2_null_options, RETURNS, -EINVAL, uring_completion cs[2]; return uring_wait_many2(c->t, cs, 2, 1, NULL);)
CASE(wait_many2_unknown_flag, RETURNS, -EINVAL, uring_completion cs[2]; uring_wait_options o = { .timeout_ns = 1 }; o.flags = 1u << 7; return uring_wait_many2(c->t, cs, 2, 1, &o);)
CASE(wait_many2_absolute_forever, RETURNS, -EINVAL, uring_completion cs[2]; uring_wait_options o = { .timeout_ns = URING_WAIT_FOREVER }; o.flags = URING_WAIT_ABSOLUTE; return uring_wait_many2(c->t, cs, 2, 1, &o);)
CASE(wait_many2_min_wait_huge, RETURNS, -EINVAL, uring_completion cs[2]; uring_wait_options o = { .timeout_ns = 1 }; o.min_wait_ns = UINT64_MAX - 1; return uring_wait_many2(c->t, cs, 2, 1, &o);)
CASE(wait_many2_min_above_max, RETURNS, -EINVAL, uring_completion cs[2]; uring_wait_options o = { .timeout_ns = 1 }; return uring_wait_many2(c->t, cs, 1, 2, &o);)
CASE(register_clock_realtime, RETURNS, -EINVAL, return uring_register_clock(c->t, URING_CLOCK_REALTIME);)
CASE(register_clock_null_ring, RETURNS, -EINVAL, return uring_register_clock(NULL, URING_CLOCK_MONOTONIC);)

/* --- ring resize --- */
CASE(resize_null_ring, RETURNS, -EINVAL, return uring_resize(NULL, 8, 0);)
CASE(resize_zero_sq, RETURNS, -EINVAL, return uring_resize(c->t, 0, 0);)
CASE(resize_sq_above_max, RETURNS, -EINVAL, return uring_resize(c->t, 32769, 0);)
CASE(resize_cq_below_sq, RETURNS, -EINVAL, return uring_resize(c->t, 16, 8);)
CASE(resize_without_defer_taskrun, RETURNS, -EINVAL, return uring_resize(c->t, 32, 0);)

/* --- workers and personalities --- */
CASE(iowq_max_workers_null_limits, RETURNS, -EFAULT, return uring_iowq_max_workers(c->t, NULL);)
CASE(iowq_max_workers_null_ring, RETURNS, -EINVAL, unsigned l[2] = { 0 }; return uring_iowq_max_workers(NULL, l);)
CASE(iowq_affinity_size_zero, RETURNS, -EINVAL, return uring_iowq_affinity(c->t, c->buf, 0);)
CASE(iowq_affinity_null_ring, RETURNS, -EINVAL, return uring_iowq_affinity(NULL, NULL, 0);)
CASE(register_personality_null_ring, RETURNS, -EINVAL, return uring_register_personality(NULL);)
CASE(unregister_personality_zero, RETURNS, -EINVAL, return uring_unregister_personality(c->t, 0);)
CASE(unregister_personality_unknown, RETURNS, -EINVAL, return uring_unregister_personality(c->t, 4242);)
CASE(job_set_personality_invented_job, RETURNS, -ENOENT, return uring_job_set_personality(c->t, 12345, 1);)
/* --- incremental buffer rings and bundles --- */
CASE(recv_bundle_null_br, RETURNS, -EINVAL, return uring_recv_bundle(c->t, c->sock, NULL, 0, NULL);)
CASE(recv_bundle_null_ring, RETURNS, -EINVAL, return uring_recv_bundle(NULL, c->sock, NULL, 0, NULL);)
CASE(recv_multishot_bundle_null_br, RETURNS, -EINVAL, return uring_recv_multishot_bundle(c->t, c->sock, NULL, 0, NULL);)
CASE(recv_multishot_bundle_waitall, RETURNS, -EINVAL, return uring_recv_multishot_bundle(c->t, c->sock, NULL, MSG_WAITALL, NULL);)
CASE(buf_ring_data_null_br, RETURNS, -EINVAL, void *p; uring_completion k = { .flags = URING_CQE_F_BUFFER }; return uring_buf_ring_data(NULL, &k, &p);)
CASE(buf_ring_pieces_null_br, RETURNS, -EINVAL, uring_buf_piece pc; uring_completion k = { .flags = URING_CQE_F_BUFFER }; return uring_buf_ring_pieces(NULL, &k, &pc, 1);)
CASE(buf_ring_recycle_pieces_null_br, RETURNS, -EINVAL, uring_buf_piece pc = { .done = 1 }; return uring_buf_ring_recycle_pieces(NULL, &pc, 1);)
CASE(send_bundle_null_br, RETURNS, -EINVAL, return uring_send_bundle(c->t, c->sock, NULL, 0, NULL);)
CASE(send_bundle_null_ring, RETURNS, -EINVAL, return uring_send_bundle(NULL, c->sock, NULL, 0, NULL);)
CASE(buf_ring_push_null_br, RETURNS, -EINVAL, return uring_buf_ring_push(NULL, 0, 1);)
CASE(job_set_personality_unknown_id, COMPLETES_WITH, -EINVAL, uring_job j = uring_noop(c->t, NULL); int r = uring_job_set_personality(c->t, j, 4242); return r < 0 ? r : j;)

/* --- datagrams --- */
CASE(recv_msg_multishot_null_ring, RETURNS, -EINVAL, struct msghdr m = { 0 }; return uring_recv_msg_multishot(NULL, c->sock, NULL, &m, 0, NULL);)
CASE(recv_msg_multishot_null_template, RETURNS, -EFAULT, return uring_recv_msg_multishot(c->t, c->sock, NULL, NULL, 0, NULL);)
CASE(recv_msg_multishot_null_buf_ring, RETURNS, -EINVAL, struct msghdr m = { 0 }; return uring_recv_msg_multishot(c->t, c->sock, NULL, &m, 0, NULL);)
CASE(recv_msg_multishot_waitall, RETURNS, -EINVAL, struct msghdr m = { 0 }; return uring_recv_msg_multishot(c->t, c->sock, NULL, &m, MSG_WAITALL, NULL);)
CASE(recv_msg_parse_null_out, RETURNS, -EFAULT, uring_completion d = { 0 }; return uring_recv_msg_parse(NULL, NULL, &d, NULL);)
CASE(send_msg_zc_over_iov_max, RETURNS, -EINVAL, return uring_send_msg_zc(c->t, c->sock, c->iov, IOV_MAX + 1, NULL, 0, 0, 0, NULL);)
CASE(send_msg_zc_null_dst, RETURNS, -EFAULT, return uring_send_msg_zc(c->t, c->sock, c->iov, 1, NULL, 16, 0, 0, NULL);)
CASE(send_msg_zc_unknown_zc_flags, RETURNS, -EINVAL, return uring_send_msg_zc(c->t, c->sock, c->iov, 1, NULL, 0, 0, 1u << 5, NULL);)
CASE(send_msg_zc2_null_control, RETURNS, -EFAULT, return uring_send_msg_zc2(c->t, c->sock, c->iov, 1, NULL, 0, NULL, 16, 0, 0, NULL);)
CASE(send_msg_zc2_empty_control, RETURNS, -EINVAL, static const uint64_t ctl[4]; return uring_send_msg_zc2(c->t, c->sock, c->iov, 1, NULL, 0, ctl, 0, 0, 0, NULL);)
CASE(send_msg_zc2_cmsg_past_block, RETURNS, -EINVAL, static uint64_t ctl[4] = { 64 }; return uring_send_msg_zc2(c->t, c->sock, c->iov, 1, NULL, 0, ctl, sizeof(ctl), 0, 0, NULL);)
CASE(send_zc2_unknown_zc_flags, RETURNS, -EINVAL, return uring_send_zc2(c->t, c->sock, c->buf, 1, 0, 1u << 5, NULL);)

static const struct bad_case cases[] = {
	ROW(noop_null_ring, RETURNS, -EINVAL),
	ROW(nop128_null_ring, RETURNS, -EINVAL),
	ROW(nop128_without_sqe_mixed, RETURNS, -EINVAL),
	ROW(submit_null_ring, RETURNS, -EINVAL),
	ROW(wait_null_out, RETURNS, -EINVAL),
	ROW(wait_timeout_null_out, RETURNS, -EINVAL),
	ROW(wait_many_min_above_max, RETURNS, -EINVAL),
	ROW(wait_many_zero_min, RETURNS, -EINVAL),
	ROW(get_cqe_null_out, RETURNS, -EINVAL),
	ROW(reap_null_out, RETURNS, -EINVAL),
	ROW(stats_format_null_stats, RETURNS, -EINVAL),
	ROW(stats_format_null_buffer, RETURNS, -EINVAL),
	ROW(exit_null_ring, RETURNS, -EINVAL),
	ROW(eventfd_negative, RETURNS, -EBADF),
	ROW(eventfd_not_an_eventfd, RETURNS, -EINVAL),
	ROW(timeout_unknown_clock, RETURNS, -EINVAL),
	ROW(cancel_invented_id, RETURNS, -ENOENT),
	ROW(cancel_negative_id, RETURNS, -ENOENT),
	ROW(timeout_remove_invented_id, RETURNS, -ENOENT),
	ROW(timeout_update_invented_id, RETURNS, -ENOENT),
	ROW(link_timeout_update_invented_id, RETURNS, -ENOENT),
	ROW(timeout_multishot_zero_period, RETURNS, -EINVAL),
	ROW(timeout_multishot_unknown_clock, RETURNS, -EINVAL),
	ROW(read_null_buffer, RETURNS, -EFAULT),
	ROW(read_offset_below_minus_one, RETURNS, -EINVAL),
	ROW(read_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(write_null_buffer, RETURNS, -EFAULT),
	ROW(write_to_read_end, COMPLETES_WITH, -EBADF),
	ROW(readv_null_iov, RETURNS, -EFAULT),
	ROW(readv_over_iov_max, RETURNS, -EINVAL),
	ROW(writev_over_iov_max, RETURNS, -EINVAL),
	ROW(readv2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP),
	ROW(writev2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP),
	ROW(read2_unknown_rwf, COMPLETES_WITH, -EOPNOTSUPP),
	ROW(write2_null_buffer, RETURNS, -EFAULT),
	ROW(splice_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(poll_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(fsync_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(fdatasync_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(fallocate_huge_length, RETURNS, -EINVAL),
	ROW(fallocate_unknown_mode, COMPLETES_WITH, -EOPNOTSUPP),
	ROW(ftruncate_huge_length, RETURNS, -EINVAL),
	ROW(sync_file_range_overflow, RETURNS, -EINVAL),
	ROW(sync_file_range_unknown_flags, COMPLETES_WITH, -EINVAL),
	ROW(fadvise_overflow, RETURNS, -EINVAL),
	ROW(fadvise_unknown_advice, COMPLETES_WITH, -EINVAL),
	ROW(madvise_unaligned, COMPLETES_WITH, -EINVAL),
	ROW(splice2_offset_below_minus_one, RETURNS, -EINVAL),
	ROW(splice2_unknown_flags, RETURNS, -EINVAL),
	ROW(tee_unknown_flags, RETURNS, -EINVAL),
	ROW(tee_not_a_pipe, COMPLETES_WITH, -EINVAL),
	ROW(pipe_null_fds, RETURNS, -EFAULT),
	ROW(pipe_unknown_flags, RETURNS, -EINVAL),
	ROW(getxattr_null_path, RETURNS, -EFAULT),
	ROW(getxattr_path_max, RETURNS, -ENAMETOOLONG),
	ROW(fgetxattr_empty_name, RETURNS, -ERANGE),
	ROW(fgetxattr_null_value, RETURNS, -EFAULT),
	ROW(setxattr_too_big, RETURNS, -E2BIG),
	ROW(fsetxattr_unknown_flags, RETURNS, -EINVAL),
	ROW(fsetxattr_null_name, RETURNS, -EFAULT),
	ROW(close_negative_fd, COMPLETES_WITH, -EBADF),
	ROW(openat2_null_path, RETURNS, -EFAULT),
	ROW(openat2_path_max, RETURNS, -ENAMETOOLONG),
	ROW(openat2_unknown_resolve, COMPLETES_WITH, -EINVAL),
	ROW(openat2_bad_dirfd, COMPLETES_WITH, -EBADF),
	ROW(statx_null_out, RETURNS, -EFAULT),
	ROW(statx_long_path_and_null_out, RETURNS, -ENAMETOOLONG),
	ROW(statx_null_path, RETURNS, -EFAULT),
	ROW(statx_unknown_flags, COMPLETES_WITH, -EINVAL),
	ROW(unlink_null_path, RETURNS, -EFAULT),
	ROW(mkdirat_path_max, RETURNS, -ENAMETOOLONG),
	ROW(linkat_null_new_path, RETURNS, -EFAULT),
	ROW_OP(renameat_unknown_flags, COMPLETES_WITH, -EINVAL, RENAMEAT),
	ROW(symlinkat_null_target, RETURNS, -EFAULT),
	ROW(read_fixed_without_buffer, RETURNS, -EINVAL),
	ROW(write_fixed_without_buffer, RETURNS, -EINVAL),
	ROW(read_fixed2_without_buffer, RETURNS, -EINVAL),
	ROW(writev_fixed2_without_buffer, RETURNS, -EINVAL),
	ROW(read_chunk2_null_region, RETURNS, -EINVAL),
	ROW(set_fixed_buffer_null, RETURNS, -EFAULT),
	ROW(region_alloc_null, RETURNS, -EINVAL),
	ROW(region_free_null, RETURNS, -EINVAL),
	ROW(bind_null_addr, RETURNS, -EFAULT),
	ROW(bind_oversized_addr, RETURNS, -EINVAL),
	ROW(connect_null_addr, RETURNS, -EFAULT),
	ROW_OP(listen_negative_fd, COMPLETES_WITH, -EBADF, LISTEN),
	ROW(accept_not_a_socket, COMPLETES_WITH, -ENOTSOCK),
	ROW(send_null_buffer, RETURNS, -EFAULT),
	ROW(recv_null_buffer, RETURNS, -EFAULT),
	ROW(send_msg_over_iov_max, RETURNS, -EINVAL),
	ROW(send_msg_null_fds, RETURNS, -EFAULT),
	ROW(send_msg_too_many_fds, RETURNS, -EINVAL),
	ROW(recv_msg_null_header, RETURNS, -EINVAL),
	ROW_OP(socket_unknown_domain, COMPLETES_WITH, -EAFNOSUPPORT, SOCKET),
	ROW_OP(shutdown_not_a_socket, COMPLETES_WITH, -ENOTSOCK, SHUTDOWN),
	ROW(set_flags_unknown_bits, RETURNS, -EINVAL),
	ROW(set_flags_invented_job, RETURNS, -ENOENT),
	ROW(link_timeout_without_link, RETURNS, -EINVAL),
	ROW(recv_multishot_null_ring, RETURNS, -EINVAL),
	ROW(send_zc_null_buffer, RETURNS, -EFAULT),
	ROW(register_files_null, RETURNS, -EFAULT),
	ROW(register_files_zero, RETURNS, -EINVAL),
	ROW(files_update_without_table, RETURNS, -ENXIO),
	ROW(unregister_files_without_table, RETURNS, -ENXIO),
	ROW(msg_ring_null_target, RETURNS, -EINVAL),
	ROW(restrictions_null, RETURNS, -EFAULT),
	ROW(restrictions_enabled_ring, RETURNS, -EBADFD),
	ROW(enable_rings_enabled_ring, RETURNS, -EBADFD),
	ROW(futex_wait_null_word, RETURNS, -EFAULT),
	ROW(futex_wait_zero_mask, RETURNS, -EINVAL),
	ROW(futex_wake_misaligned, RETURNS, -EINVAL),
	ROW(futex_waitv_zero, RETURNS, -EINVAL),
	ROW(futex_waitv_null, RETURNS, -EFAULT),
	ROW(sock_inq_null_ring, RETURNS, -EINVAL),
	ROW_FEAT(sock_outq_negative_fd, COMPLETES_WITH, -EBADF, SOCKET_CMD),
	ROW_FEAT(sock_inq_not_a_socket, COMPLETES_WITH, -EOPNOTSUPP, SOCKET_CMD),
	ROW(getsockopt_null_value, RETURNS, -EFAULT),
	ROW_FEAT(getsockopt_other_level, COMPLETES_WITH, -EOPNOTSUPP, SOCKET_CMD),
	ROW(setsockopt_huge_length, RETURNS, -EINVAL),
	ROW_FEAT(setsockopt_unknown_option, COMPLETES_WITH, -ENOPROTOOPT, SOCKET_CMD),
	ROW(getsockname_null_addr, RETURNS, -EFAULT),
	ROW(epoll_ctl_unknown_op, RETURNS, -EINVAL),
	ROW(epoll_ctl_add_null_event, RETURNS, -EFAULT),
	ROW_OP(epoll_ctl_negative_epfd, COMPLETES_WITH, -EBADF, EPOLL_CTL),
	ROW(epoll_wait_null_events, RETURNS, -EFAULT),
	ROW(epoll_wait_zero_max, RETURNS, -EINVAL),
	ROW_OP(epoll_wait_not_epoll, COMPLETES_WITH, -EINVAL, EPOLL_WAIT),
	ROW(register_napi_null, RETURNS, -EINVAL),
	ROW(unregister_napi_null_ring, RETURNS, -EINVAL),
	ROW(waitid_no_state, RETURNS, -EINVAL),
	ROW(waitid_bad_idtype, RETURNS, -EINVAL),
	ROW(waitid_pid_zero, RETURNS, -EINVAL),
	ROW(discard_empty, RETURNS, -EINVAL),
	ROW(discard_unaligned, RETURNS, -EINVAL),
	ROW(wait_region_live_ring, RETURNS, -EBADFD),
	ROW(wait_region_none, RETURNS, -ENXIO),
	ROW(wait_registered_none, RETURNS, -ENXIO),
	ROW(buf_ring_recycle_null, RETURNS, -EINVAL),
	ROW(buf_ring_destroy_null, RETURNS, -EINVAL),
	ROW(cancel_match_null_ring, RETURNS, -EINVAL),
	ROW(cancel_match_unknown_flag, RETURNS, -EINVAL),
	ROW(cancel_match_nothing_to_match, RETURNS, -EINVAL),
	ROW(cancel_match_any_with_fd, RETURNS, -EINVAL),
	ROW(cancel_match_fixed_without_fd, RETURNS, -EINVAL),
	ROW(cancel_match_opcode_over_255, RETURNS, -EINVAL),
	ROW(cancel_match_negative_fd, RETURNS, -EBADF),
	ROW(cancel_match_slot_without_table, RETURNS, -EBADF),
	ROW(cancel_sync_null_ring, RETURNS, -EINVAL),
	ROW(cancel_sync_invented_id, RETURNS, -ENOENT),
	ROW(cancel_match_sync_negative_fd, RETURNS, -EBADF),
	ROW(exit_graceful_null_ring, RETURNS, -EINVAL),
	ROW(files_sparse_zero, RETURNS, -EINVAL),
	ROW(files_sparse_over_max, RETURNS, -EINVAL),
	ROW(files_sparse_null_ring, RETURNS, -EINVAL),
	ROW(files_sparse_over_a_table, RETURNS, -EBUSY),
	ROW(alloc_range_without_table, RETURNS, -ENXIO),
	ROW(alloc_range_outside_table, RETURNS, -EINVAL),
	ROW(accept_direct_without_table, RETURNS, -ENXIO),
	ROW(accept_direct_slot_outside, RETURNS, -EINVAL),
	ROW(accept_ms_direct_without_table, RETURNS, -ENXIO),
	ROW(accept_ms_direct_null_ring, RETURNS, -EINVAL),
	ROW(socket_direct_without_table, RETURNS, -ENXIO),
	ROW(socket_direct_unknown_type_flag, RETURNS, -EINVAL),
	ROW(socket_direct_slot_outside, RETURNS, -EINVAL),
	ROW(openat2_direct_without_table, RETURNS, -ENXIO),
	ROW(openat2_direct_slot_outside, RETURNS, -EINVAL),
	ROW(openat2_direct_null_path, RETURNS, -EFAULT),
	ROW(close_direct_without_table, RETURNS, -ENXIO),
	ROW(close_direct_alloc, RETURNS, -EINVAL),
	ROW(close_direct_slot_outside, RETURNS, -EINVAL),
	ROW(fixed_fd_install_without_table, RETURNS, -ENXIO),
	ROW(fixed_fd_install_unknown_flags, RETURNS, -EINVAL),
	ROW(fixed_fd_install_slot_outside, RETURNS, -EBADF),
	ROW(cancel_match_slot_outside, RETURNS, -EBADF),
	ROW(poll_multishot_null_ring, RETURNS, -EINVAL),
	ROW(poll_update_invented_job, RETURNS, -ENOENT),
	ROW(job_set_data_invented, RETURNS, -ENOENT),
	ROW(job_set_data_null_ring, RETURNS, -EINVAL),
	ROW(read_multishot_null_br, RETURNS, -EINVAL),
	ROW(read_multishot_null_ring, RETURNS, -EINVAL),
	ROW(msg_ring_fd_null_target, RETURNS, -EINVAL),
	ROW(msg_ring_fd_to_itself, RETURNS, -EINVAL),
	ROW(msg_ring_fd_without_table, RETURNS, -ENXIO),
	ROW(msg_ring_fd_slot_outside, RETURNS, -EBADF),
	ROW(msg_ring_fd_message_bit_63, RETURNS, -EINVAL),
	ROW(register_buffers_zero, RETURNS, -EINVAL),
	ROW(register_buffers_too_many, RETURNS, -EINVAL),
	ROW(register_buffers_tag_bit_63, RETURNS, -EINVAL),
	ROW(register_buffers_null_base, RETURNS, -EFAULT),
	ROW(register_buffers_sparse_tagged, RETURNS, -EINVAL),
	ROW(buffers_update_without_table, RETURNS, -ENXIO),
	ROW(unregister_buffers_without_table, RETURNS, -ENXIO),
	ROW(clone_buffers_null_src, RETURNS, -EINVAL),
	ROW(clone_buffers_from_itself, RETURNS, -EINVAL),
	ROW(read_registered_without_table, RETURNS, -EINVAL),
	ROW(read_registered_offset_below_minus_one, RETURNS, -EINVAL),
	ROW(write_registered_null_buffer, RETURNS, -EFAULT),
	ROW(readv_registered_over_iov_max, RETURNS, -EINVAL),
	ROW(writev_registered_without_table, RETURNS, -EINVAL),
	ROW(send_zc_registered_huge, RETURNS, -EINVAL),
	ROW(send_zc_registered_without_table, RETURNS, -EINVAL),
	ROW(wait_many2_null_options, RETURNS, -EINVAL),
	ROW(wait_many2_unknown_flag, RETURNS, -EINVAL),
	ROW(wait_many2_absolute_forever, RETURNS, -EINVAL),
	ROW(wait_many2_min_wait_huge, RETURNS, -EINVAL),
	ROW(wait_many2_min_above_max, RETURNS, -EINVAL),
	ROW(register_clock_realtime, RETURNS, -EINVAL),
	ROW(register_clock_null_ring, RETURNS, -EINVAL),
	ROW(resize_null_ring, RETURNS, -EINVAL),
	ROW(resize_zero_sq, RETURNS, -EINVAL),
	ROW(resize_sq_above_max, RETURNS, -EINVAL),
	ROW(resize_cq_below_sq, RETURNS, -EINVAL),
	ROW(resize_without_defer_taskrun, RETURNS, -EINVAL),
	ROW(iowq_max_workers_null_limits, RETURNS, -EFAULT),
	ROW(iowq_max_workers_null_ring, RETURNS, -EINVAL),
	ROW(iowq_affinity_size_zero, RETURNS, -EINVAL),
	ROW(iowq_affinity_null_ring, RETURNS, -EINVAL),
	ROW(register_personality_null_ring, RETURNS, -EINVAL),
	ROW(unregister_personality_zero, RETURNS, -EINVAL),
	ROW(unregister_personality_unknown, RETURNS, -EINVAL),
	ROW(job_set_personality_invented_job, RETURNS, -ENOENT),
	ROW(job_set_personality_unknown_id, COMPLETES_WITH, -EINVAL),
	ROW(recv_bundle_null_br, RETURNS, -EINVAL),
	ROW(recv_bundle_null_ring, RETURNS, -EINVAL),
	ROW(recv_multishot_bundle_null_br, RETURNS, -EINVAL),
	ROW(recv_multishot_bundle_waitall, RETURNS, -EINVAL),
	ROW(buf_ring_data_null_br, RETURNS, -EINVAL),
	ROW(buf_ring_pieces_null_br, RETURNS, -EINVAL),
	ROW(buf_ring_recycle_pieces_null_br, RETURNS, -EINVAL),
	ROW(send_bundle_null_br, RETURNS, -EINVAL),
	ROW(send_bundle_null_ring, RETURNS, -EINVAL),
	ROW(buf_ring_push_null_br, RETURNS, -EINVAL),
	ROW(recv_msg_multishot_null_ring, RETURNS, -EINVAL),
	ROW(recv_msg_multishot_null_template, RETURNS, -EFAULT),
	ROW(recv_msg_multishot_null_buf_ring, RETURNS, -EINVAL),
	ROW(recv_msg_multishot_waitall, RETURNS, -EINVAL),
	ROW(recv_msg_parse_null_out, RETURNS, -EFAULT),
	ROW(send_msg_zc_over_iov_max, RETURNS, -EINVAL),
	ROW(send_msg_zc_null_dst, RETURNS, -EFAULT),
	ROW_OP(send_msg_zc_unknown_zc_flags, RETURNS, -EINVAL, SENDMSG_ZC),
	ROW(send_msg_zc2_null_control, RETURNS, -EFAULT),
	ROW(send_msg_zc2_empty_control, RETURNS, -EINVAL),
	ROW(send_msg_zc2_cmsg_past_block, RETURNS, -EINVAL),
	ROW_OP(send_zc2_unknown_zc_flags, RETURNS, -EINVAL, SEND_ZC),
};

static void ring_still_runs(uring *t)
{
	uring_job j = uring_noop(t, (void *)"alive");
	assert_true(j > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_int_equal(c.result, 0);
}

static void every_public_function_refuses_bad_input(void **state)
{
	(void)state;
	struct ctx *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->t = ring_or_skip(16, NULL);
	int p[2];
	assert_int_equal(pipe(p), 0);
	c->pipe_r = p[0];
	c->pipe_w = p[1];
	char tmpl[] = "/tmp/curing-bad-XXXXXX";
	c->file = mkstemp(tmpl);
	assert_true(c->file >= 0);
	unlink(tmpl);
	c->sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c->sock >= 0);
	memset(c->long_path, 'a', PATH_MAX);
	c->long_path[PATH_MAX] = 0;
	for (int i = 0; i <= IOV_MAX; i++)
		c->iov[i] = (struct iovec){ c->buf, 1 };
	c->sin.sin_family = AF_INET;

	int failures = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *bc = &cases[i];
		unsigned ready = uring_sqe_ready(c->t), active = uring_active_ops(c->t);
		int64_t got = bc->call(c);
		/* asked before the call: never true for an op the kernel has */
		bool refused = !uring_op_supported(c->t, bc->op) ||
			       (bc->feature_plus1 && !uring_feature_supported(c->t, bc->feature_plus1 - 1));
		int64_t want = refused ? -EOPNOTSUPP : bc->want;
		if (bc->expect == RETURNS || refused) {
			if (got != want || uring_sqe_ready(c->t) != ready || uring_active_ops(c->t) != active) {
				fprintf(stderr, "%s: returned %lld (want %lld), queued %u, active %u -> %u\n", bc->name,
					(long long)got, (long long)want, uring_sqe_ready(c->t) - ready, active,
					uring_active_ops(c->t));
				failures++;
			}
		} else {
			if (got <= 0) {
				fprintf(stderr, "%s: returned %lld, want a job\n", bc->name, (long long)got);
				failures++;
			} else {
				uring_completion done = wait_one(c->t);
				if (done.job != got || done.result != bc->want) {
					fprintf(stderr, "%s: completed with %d (%s), want %lld\n", bc->name, done.result,
						uring_error_name(done.result), (long long)bc->want);
					failures++;
				}
			}
			assert_int_equal(uring_active_ops(c->t), active);
		}
		ring_still_runs(c->t);
	}
	/* Outside the ring: constructors that report through errno. */
	errno = 0;
	assert_null(uring_create(0, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_create(8, &(uring_options){ .setup_flags = 1u << 20 }));
	assert_int_equal(errno, EINVAL);   /* not a setup flag offered */
	errno = 0;
	assert_null(uring_create(1, &(uring_options){ .setup_flags = URING_SETUP_SQE_MIXED }));
	assert_int_equal(errno, EINVAL);   /* a 128-byte op needs two slots */
	errno = 0;
	assert_null(uring_create(8, &(uring_options){
		.setup_flags = URING_SETUP_SQE_MIXED | URING_SETUP_SQE128 }));
	assert_int_equal(errno, EINVAL);   /* SQE128 slots are all 128 bytes */
	errno = 0;
	assert_null(uring_create(8, &(uring_options){ .setup_flags = URING_SETUP_NO_MMAP }));
	assert_int_equal(errno, EINVAL);   /* NO_MMAP without memory */
	assert_int_equal(uring_mem_size(32769, NULL), 0);
	errno = 0;
	assert_null(uring_create(8, &(uring_options){ .setup_flags = URING_SETUP_SQ_AFF }));
	assert_int_equal(errno, EINVAL);   /* SQ_AFF without SQPOLL */
	errno = 0;
	assert_null(uring_create(8, &(uring_options){ .setup_flags = URING_SETUP_ATTACH_WQ }));
	assert_int_equal(errno, EINVAL);   /* ATTACH_WQ without a ring */
	errno = 0;
	assert_null(uring_region_create(c->buf, sizeof(c->buf), 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_msghdr_create(0, c->iov, IOV_MAX + 1, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create(c->t, 1, 3, 64));   /* not a power of two */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create(NULL, 1, 4, 64));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create2(c->t, 1, 4, 64, 1u << 0));   /* not a flag */
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create2(c->t, 1, 3, 64, URING_BUF_RING_INC));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create2(c->t, 1, 4, 64, URING_BUF_RING_INC | URING_BUF_RING_SEND));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(uring_error_name(0), "OK");
	assert_int_equal(uring_op_supported(c->t, 100000), 0);
	assert_int_equal(uring_op_supported(NULL, URING_OP_NOP), 0);

	assert_int_equal(failures, 0);
	assert_int_equal(uring_exit(c->t), 0);
	close(c->pipe_r);
	close(c->pipe_w);
	close(c->file);
	close(c->sock);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_public_function_refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

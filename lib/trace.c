/* SPDX-License-Identifier: ISC */
/*
 * uring_set_trace and the ready-made trace printer.  The events come from
 * tools.c, which calls the callback only while one is set.
 */
#include <stdio.h>

#include "ring.h"
#include "tools.h"

int uring_set_trace(uring *t, uring_trace_fn fn, void *ctx)
{
	if (!t)
		return -EINVAL;
	if (fn && uring__heap_notes(&t->heap) < 0)
		return -ENOMEM;
	t->trace_fn = fn;
	t->trace_ctx = ctx;
	if (fn)
		t->tools |= URING__TOOL_TRACE;
	else
		t->tools &= ~URING__TOOL_TRACE;
	return 0;
}

static const char *const op_names[] = {
	[URING_OP_NOP] = "NOP", [URING_OP_READV] = "READV", [URING_OP_WRITEV] = "WRITEV",
	[URING_OP_FSYNC] = "FSYNC", [URING_OP_READ_FIXED] = "READ_FIXED",
	[URING_OP_WRITE_FIXED] = "WRITE_FIXED", [URING_OP_POLL_ADD] = "POLL_ADD",
	[URING_OP_POLL_REMOVE] = "POLL_REMOVE", [URING_OP_SYNC_FILE_RANGE] = "SYNC_FILE_RANGE",
	[URING_OP_SENDMSG] = "SENDMSG", [URING_OP_RECVMSG] = "RECVMSG",
	[URING_OP_TIMEOUT] = "TIMEOUT", [URING_OP_TIMEOUT_REMOVE] = "TIMEOUT_REMOVE",
	[URING_OP_ACCEPT] = "ACCEPT", [URING_OP_ASYNC_CANCEL] = "ASYNC_CANCEL",
	[URING_OP_LINK_TIMEOUT] = "LINK_TIMEOUT", [URING_OP_CONNECT] = "CONNECT",
	[URING_OP_FALLOCATE] = "FALLOCATE", [URING_OP_OPENAT] = "OPENAT", [URING_OP_CLOSE] = "CLOSE",
	[URING_OP_FILES_UPDATE] = "FILES_UPDATE", [URING_OP_STATX] = "STATX",
	[URING_OP_READ] = "READ", [URING_OP_WRITE] = "WRITE", [URING_OP_FADVISE] = "FADVISE",
	[URING_OP_MADVISE] = "MADVISE", [URING_OP_SEND] = "SEND", [URING_OP_RECV] = "RECV",
	[URING_OP_OPENAT2] = "OPENAT2", [URING_OP_EPOLL_CTL] = "EPOLL_CTL",
	[URING_OP_SPLICE] = "SPLICE", [URING_OP_PROVIDE_BUFFERS] = "PROVIDE_BUFFERS",
	[URING_OP_REMOVE_BUFFERS] = "REMOVE_BUFFERS", [URING_OP_TEE] = "TEE",
	[URING_OP_SHUTDOWN] = "SHUTDOWN", [URING_OP_RENAMEAT] = "RENAMEAT",
	[URING_OP_UNLINKAT] = "UNLINKAT", [URING_OP_MKDIRAT] = "MKDIRAT",
	[URING_OP_SYMLINKAT] = "SYMLINKAT", [URING_OP_LINKAT] = "LINKAT",
	[URING_OP_MSG_RING] = "MSG_RING", [URING_OP_FSETXATTR] = "FSETXATTR",
	[URING_OP_SETXATTR] = "SETXATTR", [URING_OP_FGETXATTR] = "FGETXATTR",
	[URING_OP_GETXATTR] = "GETXATTR", [URING_OP_SOCKET] = "SOCKET",
	[URING_OP_URING_CMD] = "URING_CMD", [URING_OP_SEND_ZC] = "SEND_ZC",
	[URING_OP_SENDMSG_ZC] = "SENDMSG_ZC", [URING_OP_READ_MULTISHOT] = "READ_MULTISHOT",
	[URING_OP_WAITID] = "WAITID", [URING_OP_FUTEX_WAIT] = "FUTEX_WAIT",
	[URING_OP_FUTEX_WAKE] = "FUTEX_WAKE", [URING_OP_FUTEX_WAITV] = "FUTEX_WAITV",
	[URING_OP_FIXED_FD_INSTALL] = "FIXED_FD_INSTALL", [URING_OP_FTRUNCATE] = "FTRUNCATE",
	[URING_OP_BIND] = "BIND", [URING_OP_LISTEN] = "LISTEN", [URING_OP_RECV_ZC] = "RECV_ZC",
	[URING_OP_EPOLL_WAIT] = "EPOLL_WAIT", [URING_OP_READV_FIXED] = "READV_FIXED",
	[URING_OP_WRITEV_FIXED] = "WRITEV_FIXED", [URING_OP_PIPE] = "PIPE",
};

static const char *const point_names[] = {
	[URING_TRACE_QUEUE] = "queue", [URING_TRACE_SUBMIT] = "submit",
	[URING_TRACE_COMPLETE] = "complete",
};

/* "curing: complete job=42 op=READ fd=5 len=4096 result=4096 flags=0x0";
 * a failed result by its name ("result=-ECANCELED"). */
void uring_trace_print(void *ctx, const uring_trace_event *ev)
{
	FILE *f = ctx;
	if (!f || !ev || (unsigned)ev->point > URING_TRACE_COMPLETE)
		return;
	const char *op = ev->op >= 0 && (size_t)ev->op < sizeof(op_names) / sizeof(op_names[0]) &&
			 op_names[ev->op] ? op_names[ev->op] : "?";
	fprintf(f, "curing: %s job=%lld op=%s fd=%d len=%u", point_names[ev->point],
		(long long)ev->job, op, ev->fd, ev->len);
	if (ev->point != URING_TRACE_COMPLETE)
		fputc('\n', f);
	else if (ev->result < 0)
		fprintf(f, " result=-%s flags=0x%x\n", uring_error_name(ev->result), ev->flags);
	else
		fprintf(f, " result=%d flags=0x%x\n", ev->result, ev->flags);
}

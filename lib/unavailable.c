/* SPDX-License-Identifier: ISC */
/*
 * uring_unavailable_reason: after uring_create fails, one sentence naming
 * why io_uring is unavailable here and what would make it available.  The
 * kernel answers io_uring_setup with a bare errno; the cause is in /proc:
 * kernel.io_uring_disabled and kernel.io_uring_group (6.6+, checked by
 * io_uring_allowed() before anything else), the Seccomp: line of
 * /proc/self/status (a filter answers before the kernel runs the call),
 * the kernel version (no io_uring: ENOSYS; before 5.12 rings are charged
 * to RLIMIT_MEMLOCK), and the effective capabilities that bypass those.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "unavailable.h"

#define CAP_IPC_LOCK_BIT   14
#define CAP_SYS_ADMIN_BIT  21

/* ------------------------------------------------------------------ */
/* facts                                                               */
/* ------------------------------------------------------------------ */

static bool read_long(const char *path, long *out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fscanf(f, "%ld", out) == 1;
	fclose(f);
	return ok;
}

static bool in_group(long gid)
{
	if (gid < 0)
		return false;
	if ((long)getegid() == gid)
		return true;
	gid_t groups[256];
	int n = getgroups(256, groups);
	for (int i = 0; i < n; i++)
		if ((long)groups[i] == gid)
			return true;
	return false;
}

/* Seccomp mode and effective capabilities from /proc/self/status. */
static void read_status(struct uring__host *h)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	char line[256];
	unsigned long long cap;
	int mode;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Seccomp: %d", &mode) == 1) {
			h->seccomp = mode;
		} else if (sscanf(line, "CapEff: %llx", &cap) == 1) {
			h->cap_sys_admin = (cap >> CAP_SYS_ADMIN_BIT) & 1;
			h->cap_ipc_lock = (cap >> CAP_IPC_LOCK_BIT) & 1;
		}
	}
	fclose(f);
}

void uring__host_probe(struct uring__host *h)
{
	*h = (struct uring__host){ .disabled = -1, .group = -1, .seccomp = -1,
				   .memlock = URING__NO_LIMIT };
	long v;
	if (read_long("/proc/sys/kernel/io_uring_disabled", &v))
		h->disabled = (int)v;
	if (read_long("/proc/sys/kernel/io_uring_group", &v))
		h->group = v;
	h->in_group = in_group(h->group);
	read_status(h);
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		h->memlock = (uint64_t)rl.rlim_cur;
	struct utsname u;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &h->kmajor, &h->kminor) != 2)
		h->kmajor = h->kminor = 0;
}

/* ------------------------------------------------------------------ */
/* the ring's locked memory before 5.12 (ring_pages() of those kernels) */
/* ------------------------------------------------------------------ */

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* Pages of an allocation rounded up to a power of two, as get_order(). */
static size_t order_pages(size_t bytes, size_t page)
{
	return pow2_at_least((bytes + page - 1) / page);
}

size_t uring__ring_locked_bytes(unsigned queue_depth, const uring_options *o, size_t page)
{
	static const uring_options defaults;
	if (!o)
		o = &defaults;
	size_t sq = pow2_at_least(queue_depth ? queue_depth : 1);
	size_t cq = o->cq_entries ? pow2_at_least(o->cq_entries) : 2 * sq;
	size_t cqe = (o->setup_flags & URING_SETUP_CQE32) ? 32 : 16;
	size_t sqe = (o->setup_flags & URING_SETUP_SQE128) ? 128 : 64;
	/* struct io_rings: two cache-line-aligned head/tail pairs (256 bytes),
	 * eight u32 fields, then the CQEs on the next cache line (320). */
	size_t rings = (320 + cq * cqe + 63) / 64 * 64 + sq * sizeof(uint32_t);
	return (order_pages(rings, page) + order_pages(sq * sqe, page)) * page;
}

/* ------------------------------------------------------------------ */
/* the sentence                                                        */
/* ------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t len, used;
};

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct out *o, const char *fmt, ...)
{
	if (o->used >= o->len)
		return;   /* truncated: the buffer holds what fits, NUL-terminated */
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

static const char *bytes(uint64_t n, char tmp[32])
{
	if (n == URING__NO_LIMIT)
		snprintf(tmp, 32, "unlimited");
	else if (n % 1024 == 0)
		snprintf(tmp, 32, "%llu KiB", (unsigned long long)(n / 1024));
	else
		snprintf(tmp, 32, "%llu bytes", (unsigned long long)n);
	return tmp;
}

static bool kernel_before(const struct uring__host *h, unsigned major, unsigned minor)
{
	return h->kmajor && (h->kmajor < major || (h->kmajor == major && h->kminor < minor));
}

/* kernel.io_uring_disabled refuses this process (io_uring_allowed()). */
static bool sysctl_refuses(const struct uring__host *h)
{
	if (h->disabled == 2)
		return true;
	return h->disabled == 1 && !h->cap_sys_admin && !h->in_group;
}

static void say_sysctl(struct out *o, const struct uring__host *h)
{
	if (h->disabled == 2) {
		say(o, "io_uring is disabled on this system: kernel.io_uring_disabled is 2, which "
		       "refuses io_uring to every process; as root, sysctl -w "
		       "kernel.io_uring_disabled=0 enables it (1: only for CAP_SYS_ADMIN and the "
		       "group in kernel.io_uring_group).");
	} else if (h->group >= 0) {
		say(o, "io_uring is restricted on this system: kernel.io_uring_disabled is 1, which "
		       "allows it only to processes with CAP_SYS_ADMIN or in the group "
		       "kernel.io_uring_group (%ld), and this process is in neither; add the user "
		       "to group %ld, or as root sysctl -w kernel.io_uring_disabled=0.",
		    h->group, h->group);
	} else {
		say(o, "io_uring is restricted on this system: kernel.io_uring_disabled is 1 and "
		       "kernel.io_uring_group is -1 (no group), so only processes with "
		       "CAP_SYS_ADMIN may use it; as root, set kernel.io_uring_group to a group "
		       "of this user, or sysctl -w kernel.io_uring_disabled=0.");
	}
	if (h->seccomp == 2)
		say(o, " A seccomp filter is installed too (Seccomp: 2 in /proc/self/status), "
		       "which may refuse io_uring as well.");
}

static void say_seccomp(struct out *o, const char *name)
{
	say(o, "a seccomp filter refused io_uring_setup with %s (Seccomp: 2 in "
	       "/proc/self/status): the container runtime or sandbox that started this process "
	       "forbids io_uring, as Docker's default profile does; allow io_uring_setup, "
	       "io_uring_enter and io_uring_register in its seccomp profile (for Docker: "
	       "--security-opt seccomp=PROFILE), or run without the filter.", name);
}

static void say_memory(struct out *o, const struct uring__host *h, size_t need)
{
	char a[32], b[32];
	if (kernel_before(h, 5, 12) && !h->cap_ipc_lock) {
		say(o, "the ring needs %s of locked memory and RLIMIT_MEMLOCK is %s: kernels "
		       "before 5.12 (this is %u.%u) charge rings to it, counting every ring and "
		       "registered buffer of the user; raise it (ulimit -l, LimitMEMLOCK= in a "
		       "systemd unit, docker run --ulimit memlock=-1), grant CAP_IPC_LOCK, or ask "
		       "for a smaller queue depth.",
		    bytes(need, a), bytes(h->memlock, b), h->kmajor, h->kminor);
	} else {
		say(o, "the kernel could not allocate the ring (about %s for this queue depth); "
		       "kernel %u.%u does not charge rings to RLIMIT_MEMLOCK (%s here; only "
		       "kernels before 5.12 do, and not with CAP_IPC_LOCK), so memory itself is "
		       "short: free some, or ask for a smaller queue depth.",
		    bytes(need, a), h->kmajor, h->kminor, bytes(h->memlock, b));
	}
}

void uring__reason_compose(int err, const struct uring__host *h, size_t need, bool sqpoll,
			   char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const char *name = uring_error_name(-err);
	if (len)
		buf[0] = '\0';
	if (err == EPERM || err == ENOSYS || err == EOPNOTSUPP || err == ENOMEM)
		say(&o, "io_uring unavailable (%s): ", name);
	switch (err) {
	case EPERM:
		if (sysctl_refuses(h))
			say_sysctl(&o, h);
		else if (h->seccomp == 2)
			say_seccomp(&o, name);
		else if (sqpoll && kernel_before(h, 5, 11) && !h->cap_sys_admin)
			say(&o, "SQPOLL needs CAP_SYS_ADMIN on kernels before 5.11 (this is %u.%u); "
				"create the ring without it, or with the capability.",
			    h->kmajor, h->kminor);
		else
			say(&o, "neither kernel.io_uring_disabled (%d) nor a seccomp filter refuses "
				"io_uring here, so a security module (SELinux, AppArmor) does; its "
				"audit log names the rule.", h->disabled);
		break;
	case ENOSYS:
	case EOPNOTSUPP:
		if (h->seccomp == 2)
			say_seccomp(&o, name);
		else if (err == ENOSYS)
			say(&o, "this kernel (%u.%u) has no io_uring: it was built without "
				"CONFIG_IO_URING, or is older than 5.1; curing needs 5.10 or later "
				"with CONFIG_IO_URING=y.", h->kmajor, h->kminor);
		else
			say(&o, "no seccomp filter is installed, so the platform itself refuses "
				"io_uring (a sandboxing kernel such as gVisor, or a managed system's "
				"policy); ask its administrator to allow io_uring.");
		break;
	case ENOMEM:
		say_memory(&o, h, need);
		break;
	default:
		say(&o, "uring_create failed (%s, %s), which is no sign that io_uring is "
			"unavailable: the arguments or the process's limits were refused (see "
			"uring_create(3)).", name, strerror(err));
	}
}

const char *uring_unavailable_reason(int err, unsigned queue_depth, const uring_options *opts,
				     char *buf, size_t len)
{
	if (!buf || len == 0)
		return uring_error_name(-err);
	struct uring__host h;
	uring__host_probe(&h);
	long page = sysconf(_SC_PAGESIZE);
	size_t need = uring__ring_locked_bytes(queue_depth, opts, page > 0 ? (size_t)page : 4096);
	bool sqpoll = opts && (opts->polling_timeout_ms || (opts->setup_flags & URING_SETUP_SQPOLL));
	uring__reason_compose(err, &h, need, sqpoll, buf, len);
	return buf;
}

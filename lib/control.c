/* SPDX-License-Identifier: ISC */
/*
 * Control of the kernel's side of a ring: io-wq worker limits (5.15) and
 * CPU affinity (5.14), and personalities (5.6): credentials registered
 * once and named by a job.  The SQPOLL thread's CPU and a shared io-wq are
 * setup options (ring.c: uring_options.sq_thread_cpu, .wq_ring).
 */
#include "ring.h"

/*
 * IORING_REGISTER_IOWQ_MAX_WORKERS (5.15): limits[0] bounded workers
 * (regular file and block I/O), limits[1] unbounded (sockets, pipes...);
 * 0 leaves a limit as it is.  The kernel writes back the previous limits.
 * It refuses only a wrong nr_args with -EINVAL, so -EINVAL here means a
 * kernel without the opcode.
 */
int uring_iowq_max_workers(uring *t, unsigned limits[2])
{
	if (!t)
		return -EINVAL;
	if (!limits)
		return -EFAULT;
	uint32_t v[2] = { limits[0], limits[1] };
	int ret = uring__register(t, IORING_REGISTER_IOWQ_MAX_WORKERS, v, 2);
	if (ret == -EINVAL)
		return -EOPNOTSUPP;
	if (ret < 0)
		return ret;
	limits[0] = v[0];
	limits[1] = v[1];
	return 0;
}

/* IORING_REGISTER_IOWQ_AFF (5.14): size bytes of a cpu_set_t, as
 * sched_setaffinity(2); NULL goes back to the task's own affinity. */
int uring_iowq_affinity(uring *t, const void *cpus, size_t size)
{
	if (!t || (cpus && (size == 0 || size > UINT32_MAX)))
		return -EINVAL;
	int ret = cpus ? uring__register(t, IORING_REGISTER_IOWQ_AFF, cpus, (unsigned)size)
		       : uring__register(t, IORING_UNREGISTER_IOWQ_AFF, NULL, 0);
	return ret < 0 ? ret : 0;
}

/* IORING_REGISTER_PERSONALITY (5.6): the calling thread's credentials,
 * as they are now; the id (1..65535) names them in sqe->personality. */
int uring_register_personality(uring *t)
{
	if (!t)
		return -EINVAL;
	return uring__register(t, IORING_REGISTER_PERSONALITY, NULL, 0);
}

int uring_unregister_personality(uring *t, int id)
{
	if (!t || id <= 0 || id > UINT16_MAX)
		return -EINVAL;
	int ret = uring__register(t, IORING_UNREGISTER_PERSONALITY, NULL, (unsigned)id);
	return ret < 0 ? ret : 0;
}

/* Set on the queued SQE, as uring_job_set_flags; 0 runs the job with the
 * submitting thread's credentials again.  An id the kernel does not know
 * completes the job with -EINVAL. */
int uring_job_set_personality(uring *t, uring_job job, int id)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe;
	int ret = uring__job_sqe(t, job, &sqe);
	if (ret < 0)
		return ret;
	if (id < 0 || id > UINT16_MAX)
		return -EINVAL;
	sqe->personality = (uint16_t)id;
	return 0;
}

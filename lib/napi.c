/* SPDX-License-Identifier: ISC */
/*
 * NAPI busy polling (IORING_REGISTER_NAPI / UNREGISTER_NAPI, 6.9).  Both
 * calls write the settings in force before them back into the argument
 * (io_register_napi, io_unregister_napi), which is how *previous is filled.
 * The kernel tracks the NAPI ids of the ring's sockets as they receive;
 * only a NIC driver with NAPI gives them one (loopback does not).
 */
#include "ring.h"

static void napi_out(const struct uring__napi *k, uring_napi *out)
{
	if (out)
		*out = (uring_napi){ .busy_poll_us = k->busy_poll_to,
				     .prefer_busy_poll = k->prefer_busy_poll != 0 };
}

int uring_register_napi(uring *t, const uring_napi *napi, uring_napi *previous)
{
	if (!t || !napi)
		return -EINVAL;
	if (!uring__has(t, URING_FEATURE_NAPI))
		return -EOPNOTSUPP;
	struct uring__napi k = { .busy_poll_to = napi->busy_poll_us,
				 .prefer_busy_poll = napi->prefer_busy_poll ? 1 : 0 };
	int ret = uring__register(t, IORING_REGISTER_NAPI, &k, 1);
	if (ret < 0)
		return ret;
	napi_out(&k, previous);
	return 0;
}

int uring_unregister_napi(uring *t, uring_napi *previous)
{
	if (!t)
		return -EINVAL;
	if (!uring__has(t, URING_FEATURE_NAPI))
		return -EOPNOTSUPP;
	struct uring__napi k = { 0 };
	int ret = uring__register(t, IORING_UNREGISTER_NAPI, &k, 1);
	if (ret < 0)
		return ret;
	napi_out(&k, previous);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/* A program outside the library: built against the installed uring.h and
 * libcuring through pkg-config, CMake, or a meson subproject. */
#include <errno.h>
#include <stdio.h>
#include <uring.h>

int main(void)
{
	if (uring_version() != URING_VERSION) {
		fprintf(stderr, "consumer: library %#x, header %#x\n", uring_version(), URING_VERSION);
		return 1;
	}
	uring *t = uring_create(4, NULL);
	if (!t) {
		char why[512];
		fprintf(stderr, "consumer: %s\n", uring_unavailable_reason(errno, 4, NULL, why, sizeof(why)));
		return 1;
	}
	uring_job job = uring_noop(t, (void *)"consumer");
	uring_completion c;
	int ret;
	while ((ret = uring_wait(t, &c)) == 0)
		;
	if (job <= 0 || ret != 1 || c.job != job || c.result != 0) {
		fprintf(stderr, "consumer: job %lld ret %d result %d\n", (long long)job, ret, c.result);
		return 1;
	}
	printf("consumer: %s ok (curing %d.%d.%d)\n", (const char *)c.data, URING_VERSION_MAJOR,
	       URING_VERSION_MINOR, URING_VERSION_PATCH);
	return uring_exit(t) == 0 ? 0 : 1;
}
